// A Java GSS-API acceptor for tests/config_samba.rs: it accepts one SPNEGO token (a
// real one, from MIT's initiator) with nothing but what `spnkt config --for java`
// wrote: the JVM options (java @java-jvm.args), the JAAS login configuration and the
// krb5.conf they name. It prints the client's name.
//
//   java @java-jvm.args -cp CLASSES SpnegoAcceptor login ENTRY TOKEN
//       logs in with LoginContext(ENTRY) (Krb5LoginModule, keytab, no KDC contact)
//       and accepts inside Subject.doAs with the Subject's credentials;
//   java @java-jvm.args -cp CLASSES SpnegoAcceptor jgss TOKEN
//       accepts with no credentials of its own: with useSubjectCredsOnly=false Java's
//       GSS-API logs in by itself, with the JAAS entry com.sun.security.jgss.krb5.accept.
//
// Compiled at test time with javac (JDK 17).

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginContext;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

public class SpnegoAcceptor {
    public static void main(String[] args) throws Exception {
        String result;
        if (args.length == 3 && args[0].equals("login")) {
            byte[] token = Files.readAllBytes(Path.of(args[2]));
            LoginContext lc = new LoginContext(args[1]);
            lc.login();
            @SuppressWarnings("removal")
            String r = Subject.doAs(lc.getSubject(),
                    (PrivilegedExceptionAction<String>) () -> accept(token, true));
            result = r;
        } else if (args.length == 2 && args[0].equals("jgss")) {
            result = accept(Files.readAllBytes(Path.of(args[1])), false);
        } else {
            System.err.println("usage: SpnegoAcceptor login ENTRY TOKEN | jgss TOKEN");
            System.exit(2);
            return;
        }
        System.out.println(result);
    }

    static String accept(byte[] token, boolean ownCredentials) throws GSSException {
        GSSManager manager = GSSManager.getInstance();
        GSSCredential cred = null;
        if (ownCredentials) {
            cred = manager.createCredential(null, GSSCredential.INDEFINITE_LIFETIME,
                    new Oid("1.3.6.1.5.5.2"), GSSCredential.ACCEPT_ONLY);
        }
        GSSContext ctx = manager.createContext(cred);
        ctx.acceptSecContext(token, 0, token.length);
        if (!ctx.isEstablished()) {
            throw new IllegalStateException("no context after the client's token");
        }
        return "client=" + ctx.getSrcName() + " server=" + ctx.getTargName()
                + " mech=" + ctx.getMech();
    }
}

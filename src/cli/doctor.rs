//! `spnkt doctor URL`: its arguments and help text.

use std::path::PathBuf;

use clap::Args;

use super::DirectoryArgs;

/// The long help of `spnkt doctor`.
pub const DOCTOR_LONG_ABOUT: &str = "Check the whole SPNEGO (Kerberos web single sign-on) path of a web site from the client's side, as a browser walks it, and say which link breaks:\n\n1. DNS: the URL's host, its CNAME chain and addresses, and the name browsers ask a ticket for (the canonical name, as Chrome, Edge and Firefox do by default).\n2. Directory: who holds HTTP/<that name> (nobody, one account, several; a computer whose HOST/ AD would use instead), the account's enctypes, kvno, delegation, UPN, whether it is enabled and its password expired.\n3. KDC: a service ticket for that SPN with your ticket-granting ticket (spnkt's own Kerberos client): its enctype, kvno, flags (ok-as-delegate), size; whether your TGT is forwardable when the server is trusted for delegation.\n4. Web server: GET the URL (TLS verified as a browser would: the system's CAs plus --ca-cert): does it answer 401 with WWW-Authenticate: Negotiate? Then the ticket is sent as a browser sends it (a SPNEGO token), and the answer judged: 200 (the mutual-authentication token is decrypted with the session key and checked), 401 again, 403, 500; with timings.\n5. Keytab (with --keytab, e.g. run on the web server itself): the very ticket of step 3 decrypted with the keytab and diagnosed as `spnkt verify` does (kvno, enctype, salt), with what to run.\n\nEach step prints ✓, ✗ or ! (ASCII [ok], [FAIL], [warn] when the locale is not UTF-8) with what it saw, and for ✗ the cause and the fix. Every step that can run does: a directory that cannot be asked does not stop the web check; a step that cannot run is shown as skipped with the reason.\n\nCredentials: the ticket-granting ticket of your credential cache (KRB5CCNAME, default /tmp/krb5cc_<uid>; kinit first, as the browser's user), for the ticket and, unless --bind-* says otherwise, for the directory (a Kerberos bind: any domain user may read SPNs). --bind-user with a password source binds with the password instead, and logs in with it when the ccache has no ticket. --ca-cert is trusted for the web server's certificate as well as the domain controller's. The web server is reached at the addresses step 1 found, without a proxy.\n\nExit status: 0 when SPNEGO works (the web server accepted the ticket and no step failed), 4 when it does not or could not be proven. --json prints every step's findings (for monitoring); -q prints nothing when SPNEGO works and one line on standard error when it does not (for cron).";

/// `spnkt doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The web site: https://portal.example.com/app (https:// when no scheme is given)
    #[arg(value_name = "URL")]
    pub url: String,

    /// The web server's keytab: also decrypt the ticket with it and say why it fails (run on the web server)
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: Option<PathBuf>,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

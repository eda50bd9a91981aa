//! `spnkt config` judged by real peers, with a keytab `spnkt create` made against the
//! Samba AD DC of `tests/lab/samba-lab.sh` (realm EXAMPLE.TEST on 127.0.0.1):
//!
//! - Apache + mod_auth_gssapi started with the block `spnkt config --for apache`
//!   wrote, included verbatim (`tests/lab/apache-spnego.sh` with
//!   APACHE_SPNEGO_AUTH_CONF), and the krb5.conf it wrote as KRB5_CONFIG, answers
//!   `curl --negotiate` with 200, and 401 without a ticket;
//! - a Java GSS-API acceptor (`tests/java/SpnegoAcceptor.java`, compiled with javac)
//!   started with the JVM options `spnkt config --for java` wrote (`java
//!   @java-jvm.args`: its krb5.conf and JAAS file, in a directory whose name has a
//!   space) accepts a real SPNEGO token from MIT's initiator (python3-gssapi with a
//!   kinit ticket), once logging in with LoginContext itself and once letting Java's
//!   GSS-API log in with useSubjectCredsOnly=false, and names the client.
//!
//! Every test prints `*** samba e2e test NAME ran ***` once it has passed;
//! tests/run-all.sh counts them with the other e2e tests. Without the lab, Java or
//! python3-gssapi the tests are skipped loudly, and fail under SPNKT_REQUIRE_PEERS=1.
//! Hosts are `cfg-WHAT-TAG.example.test` (TAG per test process), and each test deletes
//! its account when it ends.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::path_str;
use support::samba_lab::*;

fn ran(name: &str) {
    support::announce_ran("samba e2e", name);
}

/// `cfg-WHAT-TAG.example.test`; spnkt's default account for it, `svc-http-cfg-WHAT-TAG`,
/// fits in a sAMAccountName.
fn cfg_host(what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("cfg-{what}-{}.example.test", support::process_tag())
}

fn default_account(host: &str) -> String {
    format!("svc-http-{}", host.split('.').next().unwrap())
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// `spnkt create` for `host` into `keytab` (no delegation), with the lab's directory
/// flags; `json` adds --json.
fn create(lab: &Lab, host: &str, keytab: &Path, json: bool) -> Run {
    let mut a = vec![
        "create",
        "--host",
        host,
        "--keytab",
        path_str(keytab),
        "--delegation",
        "none",
        "--yes",
    ];
    if json {
        a.push("--json");
    }
    let run = lab.spnkt(&a);
    run.assert_ok();
    run
}

/// Java, javac and MIT's GSS-API from Python, or a loud skip (a failure under
/// SPNKT_REQUIRE_PEERS=1).
fn java_peers(test: &str) -> bool {
    if !support::peers_available(test, &["java", "javac"]) {
        return false;
    }
    support::python_gssapi(test)
}

/// A SPNEGO token for HTTP/`host` from MIT's GSS-API initiator with `ccache` and the
/// lab's krb5.conf (the client's own settings), written to `out`.
fn spnego_token(lab: &Lab, host: &str, ccache: &Path, out: &Path) {
    const CLIENT: &str = r#"
import sys, gssapi
name = gssapi.Name("HTTP@" + sys.argv[1], gssapi.NameType.hostbased_service)
spnego = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
ctx = gssapi.SecurityContext(name=name, usage="initiate", mech=spnego)
open(sys.argv[2], "wb").write(ctx.step())
"#;
    let o = lab
        .krb_command("/usr/bin/python3", ccache)
        .args(["-c", CLIENT, host])
        .arg(out)
        .output()
        .expect("run python3");
    assert!(
        o.status.success() && out.metadata().map(|m| m.len() > 0).unwrap_or(false),
        "MIT initiator for HTTP@{host} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn apache_answers_curl_negotiate_with_the_generated_block_and_krb5_conf() {
    let name = "apache_answers_curl_negotiate_with_the_generated_block_and_krb5_conf";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let host = &cfg_host("apa");
    let _cleanup = lab.cleanup(&[&default_account(host)]);
    let keytab = lab.work().join("http.keytab");
    let created = create(&lab, host, &keytab, true).json();
    // create's JSON carries the next steps and the files, from the same generator.
    let steps = created["next_steps"].to_string();
    assert!(
        steps.contains(&format!("GssapiCredStore keytab:{}", path_str(&keytab))),
        "{steps}"
    );
    assert!(steps.contains("spnkt config --keytab"), "{steps}");
    let files = created["web_server_files"]
        .as_array()
        .unwrap_or_else(|| panic!("no web_server_files: {created}"));
    assert!(
        files
            .iter()
            .any(|f| f["name"] == "krb5.conf" && f["values"]["kdc"][0] == lab.kdc.as_str()),
        "{files:?}"
    );

    // The web server's directory: the files spnkt config writes, and (put there by
    // the harness) the copy of the keytab the block names.
    let apache_dir = Apache::temp_dir();
    let conf = apache_dir.path().join("conf");
    let server_keytab = apache_dir.path().join("http.keytab");
    // No --kdc: the KDC comes from krb5.conf (the lab's, KRB5_CONFIG), and spnkt says so.
    let run = lab.spnkt_exact(
        &args(&[
            "config",
            "--keytab",
            path_str(&keytab),
            "--for",
            "apache",
            "--out",
            path_str(&conf),
            "--server-keytab",
            path_str(&server_keytab),
        ]),
        &[],
    );
    run.assert_ok();
    run.assert_mentions("where the KDC came from", &["from krb5.conf"]);
    let krb5_conf = conf.join("krb5.conf");
    let block = conf.join("apache-spnego.conf");
    let text = std::fs::read_to_string(&krb5_conf).unwrap();
    assert!(
        text.contains(&format!("kdc = {}", lab.kdc)),
        "krb5.conf without the lab's KDC:\n{text}"
    );
    assert!(
        text.contains("permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96"),
        "{text}"
    );
    let snippet = std::fs::read_to_string(&block).unwrap();
    assert!(
        snippet.contains(&format!(
            "GssapiCredStore keytab:{}",
            path_str(&server_keytab)
        )),
        "{snippet}"
    );

    let apache = Apache::start_in(apache_dir, host, &keytab, &krb5_conf, Some(&block));
    let httpd_conf = std::fs::read_to_string(apache.dir.join("httpd.conf")).unwrap();
    assert!(
        httpd_conf.contains(&format!("Include \"{}\"", path_str(&block)))
            && !httpd_conf.contains("AuthType"),
        "the harness must take its authentication from the generated block only:\n{httpd_conf}"
    );
    let (code, trace) = lab.curl_negotiate_output(host, apache.port, None);
    assert_eq!(code, 401, "without a ticket\n{trace}\n{}", apache.logs());
    assert!(
        trace.contains("WWW-Authenticate: Negotiate"),
        "no Negotiate challenge:\n{trace}"
    );
    let ticket = lab.kinit_admin();
    let (code, trace) = lab.curl_negotiate_output(host, apache.port, Some(&ticket));
    assert_eq!(
        code,
        200,
        "with Administrator's ticket\n{trace}\n{}",
        apache.logs()
    );
    assert!(
        apache
            .logs()
            .contains(&format!("Administrator@{}", lab.realm)),
        "{}",
        apache.logs()
    );
    ran(name);
}

#[test]
fn java_gss_acceptor_accepts_spnego_with_the_generated_jaas_and_jvm_options() {
    let name = "java_gss_acceptor_accepts_spnego_with_the_generated_jaas_and_jvm_options";
    let Some(lab) = lab_available(name) else {
        return;
    };
    if !java_peers(name) {
        return;
    }
    let host = &cfg_host("jav");
    let _cleanup = lab.cleanup(&[&default_account(host)]);
    let keytab = lab.work().join("http.keytab");
    // create's own report ends with the same next steps, in a few lines.
    let created = create(&lab, host, &keytab, false);
    for needle in [
        "Next steps:".to_owned(),
        format!(
            "spnkt config --keytab {} --for apache|java|websphere|nginx",
            path_str(&keytab)
        ),
        format!("GssapiCredStore keytab:{}", path_str(&keytab)),
    ] {
        assert!(
            created.stdout.contains(&needle),
            "no {needle:?} in:\n{}",
            created.stdout
        );
    }

    // The server's directory has a space in its name: the JAAS file and the argument
    // file must quote the paths for Java to find them.
    let web = lab.work().join("web server");
    std::fs::create_dir(&web).unwrap();
    let server_keytab = web.join("http.keytab");
    std::fs::copy(&keytab, &server_keytab).unwrap();
    let run = lab.spnkt_exact(
        &args(&[
            "config",
            "--keytab",
            path_str(&keytab),
            "--for",
            "java",
            "--out",
            path_str(&web),
            "--server-keytab",
            path_str(&server_keytab),
            "--kdc",
            &lab.kdc,
        ]),
        &[],
    );
    run.assert_ok();
    for p in [
        format!(
            "-Djava.security.krb5.conf={}",
            path_str(&web.join("krb5.conf"))
        ),
        format!(
            "-Djava.security.auth.login.config={}",
            path_str(&web.join("java-jaas.conf"))
        ),
        "-Djavax.security.auth.useSubjectCredsOnly=false".to_owned(),
    ] {
        assert!(run.stdout.contains(&p), "{p} not printed:\n{}", run.stdout);
    }

    // The acceptor, compiled now.
    let classes = lab.work().join("classes");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/java/SpnegoAcceptor.java");
    let o = Command::new("javac")
        .arg("-d")
        .arg(&classes)
        .arg(&src)
        .output()
        .expect("run javac");
    assert!(
        o.status.success(),
        "javac failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    let ticket = lab.kinit_admin();
    let argfile = format!("@{}", path_str(&web.join("java-jvm.args")));
    let java = |mode: &[&str], token: &Path| -> String {
        let o = Command::new("java")
            .env_remove("KRB5_CONFIG")
            .env_remove("KRB5CCNAME")
            .env_remove("KRB5_KTNAME")
            .env_remove("JAVA_TOOL_OPTIONS")
            .env_remove("JDK_JAVA_OPTIONS")
            .arg(&argfile)
            .arg("-cp")
            .arg(&classes)
            .arg("SpnegoAcceptor")
            .args(mode)
            .arg(token)
            .output()
            .expect("run java");
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "the Java acceptor ({mode:?}) refused the token:\nstdout: {out}\nstderr: {}\nfiles: {}",
            String::from_utf8_lossy(&o.stderr),
            std::fs::read_to_string(web.join("java-jaas.conf")).unwrap_or_default()
        );
        out
    };
    // A fresh token each time (Java keeps a replay cache).
    let tokens: Vec<PathBuf> = (1..=2)
        .map(|i| lab.work().join(format!("token-{i}")))
        .collect();
    for t in &tokens {
        spnego_token(&lab, host, &ticket, t);
    }
    let client = format!("client={}", lab.admin_user);
    let out = java(&["login", "com.sun.security.jgss.krb5.accept"], &tokens[0]);
    assert!(out.contains(&client), "{out}");
    assert!(
        out.contains(&format!("server=HTTP/{host}@{}", lab.realm)),
        "{out}"
    );
    let out = java(&["jgss"], &tokens[1]);
    assert!(out.contains(&client), "{out}");
    ran(name);
}

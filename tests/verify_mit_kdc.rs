//! `spnkt verify` against tickets from a real MIT KDC (tests/support/mit_kdc.rs), on
//! 127.0.0.1 only: ccaches filled by `kinit` + `kvno`, and real `Authorization:
//! Negotiate` headers that `curl --negotiate` sends to a local HTTP server
//! (tests/support/negotiate_server.py).
//!
//! Every test prints `*** real MIT KDC test NAME ran (N so far) ***` on stderr (past
//! libtest's capture), so the log shows how many really ran; without the MIT tools
//! they are skipped loudly, and fail under SPNKT_REQUIRE_PEERS=1.

mod support;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use support::mit_kdc::{self, MitKdc, REALM};
use support::*;

fn ran(name: &str) {
    support::announce_ran("real MIT KDC", name);
}

fn kdc(test: &str) -> Option<&'static MitKdc> {
    if !peers_available(test, &["curl", "python3"]) {
        return None;
    }
    mit_kdc::shared(test)
}

/// The local HTTP server that records Authorization headers; killed on drop.
struct Http {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Http {
    fn start(kdc: &MitKdc) -> Http {
        let out = kdc.path("authorization");
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/negotiate_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start negotiate_server.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("server port");
        Http { child, port, out }
    }
}

impl Drop for Http {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `curl --negotiate` to http://HOST/ (resolved to 127.0.0.1) with `ccache`; returns
/// the `Authorization: Negotiate ...` line the server received.
fn negotiate_header(kdc: &MitKdc, ccache: &Path, host: &str, extra: &[&str]) -> String {
    let http = Http::start(kdc);
    let port = http.port;
    let mut cmd = Command::new("curl");
    for (k, v) in kdc.env(ccache) {
        cmd.env(k, v);
    }
    cmd.args([
        "-sS",
        "--negotiate",
        "-u",
        ":",
        "--noproxy",
        "*",
        "-o",
        "/dev/null",
    ])
    .args(["-w", "%{http_code}"])
    .arg("--resolve")
    .arg(format!("{host}:{port}:127.0.0.1"))
    .args(extra)
    .arg(format!("http://{host}:{port}/"));
    let out = cmd.output().expect("run curl");
    let code = ok_stdout("curl --negotiate", &out);
    assert_eq!(
        code,
        "200",
        "curl got {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&http.out).expect("server recorded a header");
    let line = text.lines().last().unwrap().to_owned();
    assert!(line.starts_with("Authorization: Negotiate "), "{line}");
    line
}

struct Verify {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Verify {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

fn spnkt_verify(keytab: &Path, ticket: &Path, args: &[&str]) -> Verify {
    let out = Command::new(spnkt_bin())
        .env_remove("KRB5_KTNAME")
        .env_remove("SOURCE_DATE_EPOCH")
        .arg("verify")
        .arg("--keytab")
        .arg(keytab)
        .arg("--ticket")
        .arg(ticket)
        .args(args)
        .output()
        .expect("run spnkt");
    Verify {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn assert_ok(keytab: &Path, ticket: &Path, client: &str, service: &str) -> serde_json::Value {
    let v = spnkt_verify(keytab, ticket, &[]);
    assert_eq!(v.code, 0, "{}\n{}", v.stdout, v.stderr);
    assert!(v.stdout.contains("result:      OK"), "{}", v.stdout);
    assert!(v.stdout.contains(client), "{}", v.stdout);
    let j = spnkt_verify(keytab, ticket, &["--json"]);
    assert_eq!(j.code, 0, "{}\n{}", j.stdout, j.stderr);
    let json = j.json();
    assert_eq!(json["ok"], true);
    let r = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service)
        .unwrap_or_else(|| panic!("no result for {service}: {json}"))
        .clone();
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["client"], client, "{r}");
    assert!(r["cause"].is_null());
    assert_eq!(r["ticket"]["enctype"], 18, "{r}");
    // MIT 1.20+ KDCs add a PAC signed with the service key.
    if !r["pac"].is_null() {
        assert_eq!(r["pac"]["server_checksum"], "ok", "{r}");
    }
    r
}

/// Exit 4, the JSON cause code, and `phrase` in the human message.
fn assert_fails(
    keytab: &Path,
    ticket: &Path,
    extra: &[&str],
    code: &str,
    phrase: &str,
) -> serde_json::Value {
    let v = spnkt_verify(keytab, ticket, extra);
    assert_eq!(v.code, 4, "{}\n{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains(phrase) || v.stderr.contains(phrase),
        "expected {phrase:?}:\n{}\n{}",
        v.stdout,
        v.stderr
    );
    assert!(v.stderr.starts_with("error: "), "{}", v.stderr);
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let j = spnkt_verify(keytab, ticket, &args);
    assert_eq!(j.code, 4, "{}\n{}", j.stdout, j.stderr);
    let json = j.json();
    assert_eq!(json["ok"], false);
    let r = json["results"][0].clone();
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["cause"]["code"], code, "{r}");
    assert!(
        r["cause"]["message"].as_str().unwrap().contains(phrase)
            || r["cause"]["hint"].as_str().unwrap().contains(phrase),
        "{r}"
    );
    assert!(!j.stdout.contains("\"key\""), "no key bytes in JSON");
    r
}

fn spnkt_keytab(kdc: &MitKdc, principal: &str, password: &str, extra: &[&str]) -> PathBuf {
    let keytab = kdc.path("spnkt.keytab");
    let mut cmd = Command::new(spnkt_bin());
    cmd.args([
        "--quiet",
        "keytab",
        "create",
        "--principal",
        principal,
        "--password-stdin",
        "--out",
    ])
    .arg(&keytab)
    .args(extra);
    let out = run_with_stdin(&mut cmd, format!("{password}\n").as_bytes());
    ok_stdout("spnkt keytab create", &out);
    keytab
}

fn write_header(kdc: &MitKdc, header: &str) -> PathBuf {
    let p = kdc.path("negotiate.txt");
    std::fs::write(&p, format!("{header}\n")).unwrap();
    p
}

#[test]
fn mit_and_spnkt_keytabs_verify_ccache_and_negotiate_header() {
    let Some(kdc) = kdc("mit_and_spnkt_keytabs_verify_ccache_and_negotiate_header") else {
        return;
    };
    let svc = format!("HTTP/app.mit.test@{REALM}");
    kdc.addprinc("alice", "Alice-pw-1", None);
    kdc.addprinc(&svc, "App-Svc-pw 1", None);
    let cc = kdc.kinit("alice", "Alice-pw-1");
    kdc.kvno(&cc, &svc);
    let header = write_header(kdc, &negotiate_header(kdc, &cc, "app.mit.test", &[]));

    let mit_kt = kdc.path("mit.keytab");
    kdc.ktadd_norandkey(&svc, &mit_kt);
    let spnkt_kt = spnkt_keytab(kdc, &svc, "App-Svc-pw 1", &["--kvno", "1"]);
    let client = format!("alice@{REALM}");
    for kt in [&mit_kt, &spnkt_kt] {
        let r = assert_ok(kt, &cc, &client, &svc);
        assert!(r["authenticator"].is_null());
        let r = assert_ok(kt, &header, &client, &svc);
        assert_eq!(r["authenticator"]["decrypted"], true, "{r}");
        assert_eq!(r["authenticator"]["client"], client.as_str());
        assert!(
            r["authenticator"]["gss_flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "mutual"),
            "{r}"
        );
        assert_eq!(r["delegation"]["ok_as_delegate"], false);
        assert_eq!(r["delegation"]["tgt_enclosed"], false);
        assert!(
            r["delegation"]["conclusion"]
                .as_str()
                .unwrap()
                .starts_with("no delegation: the service ticket lacks ok-as-delegate"),
            "{r}"
        );
    }
    // The human report of the header names the format and the times.
    let v = spnkt_verify(&mit_kt, &header, &[]);
    assert!(v.stdout.contains("detected: "), "{}", v.stdout);
    assert!(v.stdout.contains("Negotiate"), "{}", v.stdout);
    assert!(v.stdout.contains("endtime:"), "{}", v.stdout);
    assert!(
        v.stdout.contains("(in 9h") || v.stdout.contains("(in 10h"),
        "{}",
        v.stdout
    );
    // The ccache also holds the TGT, which the keytab is not for: only the HTTP ticket is checked.
    let j = spnkt_verify(&mit_kt, &cc, &["--json"]).json();
    assert_eq!(j["results"].as_array().unwrap().len(), 1, "{j}");
    assert!(
        j["input"]["summary"]
            .as_str()
            .unwrap()
            .contains("credentials"),
        "{j}"
    );
    ran("mit_and_spnkt_keytabs_verify_ccache_and_negotiate_header");
}

#[test]
fn each_failure_cause_from_real_tickets() {
    let Some(kdc) = kdc("each_failure_cause_from_real_tickets") else {
        return;
    };
    let svc = format!("HTTP/fail.mit.test@{REALM}");
    let pw = "Fail-Svc-pw 1";
    kdc.addprinc("bob", "Bob-pw-1", None);
    kdc.addprinc(&svc, pw, None);
    kdc.addprinc(&format!("host/fail.mit.test@{REALM}"), "Host-pw-1", None);
    let cc = kdc.kinit("bob", "Bob-pw-1");
    kdc.kvno(&cc, &svc);
    let header = write_header(kdc, &negotiate_header(kdc, &cc, "fail.mit.test", &[]));

    // kvno: the right key labelled with another kvno.
    let kt = spnkt_keytab(kdc, &svc, pw, &["--kvno", "5"]);
    for t in [&cc, &header] {
        let r = assert_fails(&kt, t, &[], "kvno_mismatch", "the keytab's kvno is wrong");
        assert!(
            r["cause"]["hint"].as_str().unwrap().contains("--kvno 1"),
            "{r}"
        );
    }
    // enctype: only aes128 for an aes256 ticket.
    let kt = spnkt_keytab(kdc, &svc, pw, &["--kvno", "1", "--enctypes", "aes128"]);
    assert_fails(
        &kt,
        &header,
        &[],
        "enctype_missing",
        "the ticket is encrypted with aes256-cts-hmac-sha1-96 (kvno 1), the keytab has only aes128-cts-hmac-sha1-96",
    );
    // password and salt.
    let kt = spnkt_keytab(kdc, &svc, "not the password", &["--kvno", "1"]);
    let r = assert_fails(
        &kt,
        &header,
        &[],
        "integrity",
        "wrong password or wrong salt",
    );
    assert_eq!(r["keys_tried"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["keys_tried"][0]["result"], "integrity check failed");
    let kt = spnkt_keytab(
        kdc,
        &svc,
        pw,
        &["--kvno", "1", "--salt", "MIT.TESTsvc-fail"],
    );
    assert_fails(&kt, &cc, &[], "integrity", "wrong password or wrong salt");
    // Another SPN altogether.
    let kt = spnkt_keytab(
        kdc,
        &format!("HTTP/other.mit.test@{REALM}"),
        pw,
        &["--kvno", "1"],
    );
    let r = assert_fails(
        &kt,
        &header,
        &[],
        "no_principal",
        "the keytab has no key for HTTP/fail.mit.test@MIT.TEST",
    );
    assert!(
        r["cause"]["near_misses"].as_array().unwrap().is_empty(),
        "{r}"
    );
    // HOST/ instead of HTTP/ for the same host.
    let kt = spnkt_keytab(
        kdc,
        &format!("HOST/fail.mit.test@{REALM}"),
        pw,
        &["--kvno", "1"],
    );
    let r = assert_fails(
        &kt,
        &header,
        &[],
        "no_principal",
        "the keytab has the same host under service HOST/",
    );
    assert_eq!(r["cause"]["near_misses"][0]["kind"], "other_service", "{r}");
    // A host/ ticket (what AD issues when no account has the HTTP/ SPN) with an HTTP/ keytab.
    kdc.kvno(&cc, &format!("host/fail.mit.test@{REALM}"));
    let kt = spnkt_keytab(kdc, &svc, pw, &["--kvno", "1"]);
    assert_fails(
        &kt,
        &cc,
        &["--service", "host/fail.mit.test"],
        "no_principal",
        "AD issued a HOST/ ticket",
    );
    // Case only.
    let kt = spnkt_keytab(
        kdc,
        &format!("HTTP/Fail.mit.test@{REALM}"),
        pw,
        &["--kvno", "1"],
    );
    let r = assert_fails(
        &kt,
        &header,
        &[],
        "no_principal",
        "Kerberos names are case-sensitive: the browser asked for HTTP/fail.mit.test, the keytab has HTTP/Fail.mit.test",
    );
    assert_eq!(r["cause"]["near_misses"][0]["kind"], "case", "{r}");
    ran("each_failure_cause_from_real_tickets");
}

#[test]
fn password_change_kvno_both_ways() {
    let Some(kdc) = kdc("password_change_kvno_both_ways") else {
        return;
    };
    let svc = format!("HTTP/rotate.mit.test@{REALM}");
    kdc.addprinc("carol", "Carol-pw-1", None);
    kdc.addprinc(&svc, "Rotate-pw-1", None);
    let old_kt = kdc.path("old.keytab");
    kdc.ktadd_norandkey(&svc, &old_kt);
    let cc_old = kdc.kinit("carol", "Carol-pw-1");
    kdc.kvno(&cc_old, &svc);

    kdc.cpw(&svc, "Rotate-pw-2");
    let new_kt = kdc.path("new.keytab");
    kdc.ktadd_norandkey(&svc, &new_kt);
    let cc_new = kdc.kinit("carol", "Carol-pw-1");
    kdc.kvno(&cc_new, &svc);
    let header_new = write_header(kdc, &negotiate_header(kdc, &cc_new, "rotate.mit.test", &[]));

    // The keytab is older than the password.
    let r = assert_fails(
        &old_kt,
        &header_new,
        &[],
        "kvno_mismatch",
        "the password changed after the keytab was made",
    );
    assert!(
        r["cause"]["message"]
            .as_str()
            .unwrap()
            .starts_with("ticket kvno 2, keytab has kvno 1"),
        "{r}"
    );
    // The ticket is older than the keytab.
    let r = assert_fails(
        &new_kt,
        &cc_old,
        &[],
        "kvno_mismatch",
        "the ticket predates the keytab",
    );
    assert!(
        r["cause"]["message"]
            .as_str()
            .unwrap()
            .starts_with("ticket kvno 1, keytab has kvno 2"),
        "{r}"
    );
    // Both current: fine; and spnkt's keytab for kvno 2 from the new password too.
    assert_ok(&new_kt, &header_new, &format!("carol@{REALM}"), &svc);
    let kt = spnkt_keytab(kdc, &svc, "Rotate-pw-2", &["--kvno", "2"]);
    assert_ok(&kt, &header_new, &format!("carol@{REALM}"), &svc);
    ran("password_change_kvno_both_ways");
}

#[test]
fn delegated_tgt_with_ok_as_delegate() {
    let Some(kdc) = kdc("delegated_tgt_with_ok_as_delegate") else {
        return;
    };
    let svc = format!("HTTP/deleg.mit.test@{REALM}");
    kdc.addprinc("dave", "Dave-pw-1", None);
    kdc.addprinc(&svc, "Deleg-pw-1", None);
    kdc.modprinc("+ok_as_delegate", &svc);
    let kt = kdc.path("deleg.keytab");
    kdc.ktadd_norandkey(&svc, &kt);
    let cc = kdc.kinit("dave", "Dave-pw-1");
    let header = write_header(
        kdc,
        &negotiate_header(kdc, &cc, "deleg.mit.test", &["--delegation", "always"]),
    );
    let client = format!("dave@{REALM}");
    let r = assert_ok(&kt, &header, &client, &svc);
    assert!(
        r["ticket"]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "ok-as-delegate"),
        "{r}"
    );
    let d = &r["delegation"];
    assert_eq!(d["ok_as_delegate"], true, "{r}");
    assert_eq!(d["deleg_flag"], true, "{r}");
    assert_eq!(d["tgt_enclosed"], true, "{r}");
    assert!(
        d["conclusion"]
            .as_str()
            .unwrap()
            .starts_with("delegated: the client forwarded its TGT"),
        "{r}"
    );
    let tgt = &r["authenticator"]["delegated_tgt"];
    assert!(tgt["decrypted_with"].is_string(), "{r}");
    let cred = &tgt["credentials"][0];
    assert_eq!(cred["server"], format!("krbtgt/{REALM}@{REALM}"), "{r}");
    assert_eq!(cred["client"], client.as_str(), "{r}");
    assert_eq!(cred["forwarded"], true, "{r}");
    let v = spnkt_verify(&kt, &header, &[]);
    assert!(
        v.stdout.contains("forwarded TGT: KRB-CRED decrypted"),
        "{}",
        v.stdout
    );

    // Without ok-as-delegate, a client following policy does not delegate.
    let svc2 = format!("HTTP/nodeleg.mit.test@{REALM}");
    kdc.addprinc(&svc2, "NoDeleg-pw-1", None);
    let kt2 = kdc.path("nodeleg.keytab");
    kdc.ktadd_norandkey(&svc2, &kt2);
    let header2 = write_header(
        kdc,
        &negotiate_header(kdc, &cc, "nodeleg.mit.test", &["--delegation", "policy"]),
    );
    let r = assert_ok(&kt2, &header2, &client, &svc2);
    assert_eq!(r["delegation"]["tgt_enclosed"], false, "{r}");
    assert!(
        r["delegation"]["conclusion"]
            .as_str()
            .unwrap()
            .starts_with("no delegation: the service ticket lacks ok-as-delegate, so browsers do not forward a TGT"),
        "{r}"
    );
    ran("delegated_tgt_with_ok_as_delegate");
}

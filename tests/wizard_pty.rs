//! `spnkt wizard` driven in a pseudo-terminal (rexpect) against the Samba AD DC lab
//! (`tests/lab/samba-lab.sh`), prompts matched by their text, keys sent as a user
//! types them (`\r`, arrow-key escape sequences, Ctrl-C). Judged by independent
//! peers: `ldapsearch` for the directory, MIT `kvno -k` / `klist -k` for keytabs.
//!
//! Every test prints `*** samba e2e test NAME ran ***` on stderr once it passed;
//! tests/run-all.sh counts those lines. Without the lab the tests are skipped loudly
//! (a failure under SPNKT_REQUIRE_PEERS=1). Hosts are `wiz-X-TAG.example.test`,
//! accounts `svc-http-wiz-X-TAG` (TAG drawn per process), removed at the end.

mod support;

use std::process::Command;
use std::time::Duration;

use nix::sys::wait::WaitStatus;
use rexpect::session::spawn_command;
use support::samba_lab::*;
use support::wizard_driver::{DOWN, UP, Wizard};
use support::{path_str, spnkt_bin};

fn ran(name: &str) {
    support::announce_ran("samba e2e", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

/// (`wiz-WHAT-TAG.example.test`, `svc-http-wiz-WHAT-TAG`): the wizard's suggested name.
fn names(what: &str) -> (String, String) {
    let label = format!("wiz-{what}-{}", tag());
    (format!("{label}.example.test"), format!("svc-http-{label}"))
}

/// A ccache with no tickets (so the wizard finds no admin there).
fn no_ccache(lab: &Lab) -> std::path::PathBuf {
    lab.work().join("no-ccache")
}

#[test]
fn wizard_full_run_creates_a_proven_keytab() {
    let Some(lab) = lab_available("wizard_full_run_creates_a_proven_keytab") else {
        return;
    };
    let (host, sam) = names("f");
    let _cleanup = lab.cleanup(&[&sam]);
    let admin_cc = lab.kinit_admin();
    let keytab = lab.work().join("full.keytab");

    let mut w = Wizard::start(&lab, &admin_cc);
    // Discovered before asking: the admin of the credential cache, the realm of krb5.conf.
    w.expect(&format!("found: realm {}", lab.realm));
    w.expect(&format!("found: admin {}", lab.admin_user));
    // A valid ticket: logging in with it is the first choice; no password asked.
    w.expect("Log in with");
    w.expect(&format!("use your Kerberos ticket ({})", lab.admin_user));
    w.send("\r");
    // Samba refuses Kerberos inside TLS: the wizard offers ldap://, sealed by Kerberos.
    w.answer("Domain controller URL", &lab.ldaps_url);
    w.expect("takes Kerberos logins only outside TLS");
    w.answer("instead?", "");
    w.expect(&format!("connected: realm {}", lab.realm));
    w.answer("Web site host name", &host);
    w.expect(&format!("ok: nobody holds HTTP/{host}"));
    w.expect("Account name");
    w.expect(&sam); // suggested
    w.send("\r");
    w.answer("Container (OU)", ""); // CN=Users
    w.expect("Security note");
    w.answer("Delegation", ""); // unconstrained, the first choice
    w.answer("Encryption types", ""); // AES only
    w.answer("Account password", ""); // generated
    w.answer("Keytab file", path_str(&keytab));
    w.expect("The plan");
    w.expect(&format!("HTTP/{host}"));
    w.expect("spnkt create");
    w.expect("--bind-kerberos");
    w.answer("Create it now?", "y");
    w.expect("Keytab fingerprint");
    w.expect("Next steps");
    w.expect(&format!("GssapiCredStore keytab:{}", path_str(&keytab)));
    let (code, transcript) = w.finish();
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(&lab.admin_password),
        "the bind password was echoed:\n{transcript}"
    );
    assert!(
        !transcript.contains("Password for") && !transcript.contains("--bind-password-env"),
        "a password was asked for or referenced despite the Kerberos ticket:\n{transcript}"
    );
    assert!(
        transcript.contains("--ldap-url ldap://"),
        "the printed command line lacks the sealed ldap:// URL:\n{transcript}"
    );

    let principal = lab.http_principal(&host);
    let (ok, out) = lab.kvno_k_output(&keytab, &principal, &admin_cc);
    assert!(
        ok,
        "kvno -k rejected the wizard's keytab: {out}\n{transcript}"
    );
    let uac = lab.uac(&sam).expect("account exists");
    assert_eq!(
        uac & 0x80000,
        0x80000,
        "TRUSTED_FOR_DELEGATION not set: 0x{uac:x}"
    );
    ran("wizard_full_run_creates_a_proven_keytab");
}

#[test]
fn wizard_re_asks_bad_answers() {
    let Some(lab) = lab_available("wizard_re_asks_bad_answers") else {
        return;
    };
    let (host, sam) = names("b");
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = lab.work().join("shared.keytab");
    // An existing keytab with another principal: the wizard offers to add to it.
    let other = lab.spnkt_exact(
        &[
            "keytab".into(),
            "create".into(),
            "--principal".into(),
            format!("HTTP/wiz-other.example.test@{}", lab.realm),
            "--password-env".into(),
            "OTHER_PW".into(),
            "--out".into(),
            path_str(&keytab).into(),
        ],
        &[("OTHER_PW", "other-secret-1")],
    );
    assert_eq!(other.code, 0, "{other:?}");
    let account_password = "Wz-typed-Pass-4711!";

    let mut w = Wizard::start(&lab, &no_ccache(&lab));
    // Not an LDAP URL, then a wrong password: both re-asked.
    w.answer("Domain controller URL", "http://dc1.example.test");
    w.expect("please try again");
    w.answer("Domain controller URL", &lab.ldaps_url);
    w.answer("Bind user", &lab.admin_user);
    w.answer("Password for", "not-the-password");
    w.expect("cannot bind");
    w.expect("let's try again");
    w.answer("Domain controller URL", ""); // the previous answer is the default now
    w.answer("Bind user", "");
    w.answer("Password for", &lab.admin_password);
    w.expect("connected");
    // HTTPS/ is not a host name; the DC's name is a machine name (preflight).
    w.answer("Web site host name", &format!("HTTPS/{host}"));
    w.expect("please try again");
    w.answer("Web site host name", &lab.dc_host);
    w.expect("machine name");
    w.expect("choose another host name");
    w.answer("Web site host name", &host);
    w.expect("ok: nobody holds");
    // 25 characters: too long for a sAMAccountName.
    let long = "svc-http-wiz-abcdefghijkl";
    assert_eq!(long.len(), 25);
    w.answer("Account name", long);
    w.expect("at most 20");
    w.expect("please try again");
    w.answer("Account name", ""); // the suggestion
    // Another container: not a DN, then CN=Users typed.
    w.expect("Container (OU)");
    w.send(&format!("{UP}\r")); // wraps to the last item: type a DN
    w.answer("Container DN", "Users");
    w.expect("is not a DN");
    w.answer("Container DN", &format!("CN=Users,{}", lab.base_dn));
    // Constrained delegation: a bad SPN, then a good one.
    w.expect("Delegation");
    w.send(&format!("{DOWN}\r"));
    w.answer("Delegate to", "backend");
    w.expect("please try again");
    w.answer("Delegate to", "HTTP/wiz-backend.example.test");
    w.answer("Allow protocol transition?", "n");
    // RC4 asked for, then declined at the warning.
    w.expect("Encryption types");
    w.send(&format!("{DOWN}\r"));
    w.expect("RC4 is weak");
    w.answer("Really allow RC4", "n");
    w.expect("AES only, then");
    // A typed password, mistyped once.
    w.expect("Account password");
    w.send(&format!("{DOWN}\r"));
    w.answer("Password for the account", account_password);
    w.answer("Repeat it", "something-else");
    w.expect("differ");
    w.answer("Password for the account", account_password);
    w.answer("Repeat it", account_password);
    // The keytab exists: add to it.
    w.answer("Keytab file", path_str(&keytab));
    w.expect("already exists");
    w.answer("What to do with the existing keytab", "");
    w.expect("--delegation constrained");
    w.expect("--password-env SPNKT_ACCOUNT_PASSWORD");
    w.expect("--append");
    w.answer("Create it now?", "y");
    w.expect("Next steps");
    let (code, transcript) = w.finish();
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(account_password) && !transcript.contains(&lab.admin_password),
        "a secret was echoed:\n{transcript}"
    );

    let principal = lab.http_principal(&host);
    let admin_cc = lab.kinit_admin();
    let (ok, out) = lab.kvno_k_output(&keytab, &principal, &admin_cc);
    assert!(ok, "kvno -k rejected the keytab: {out}\n{transcript}");
    let principals: Vec<String> = lab.klist_k(&keytab).into_iter().map(|e| e.1).collect();
    assert!(
        principals
            .iter()
            .any(|p| p.starts_with("HTTP/wiz-other.example.test@")),
        "the other principal's entries were lost: {principals:?}"
    );
    // The typed password is the account's: MIT kinit with it works.
    let delegate = lab.ldap_attr(
        &format!("(sAMAccountName={sam})"),
        "msDS-AllowedToDelegateTo",
    );
    assert_eq!(delegate, ["HTTP/wiz-backend.example.test"]);
    ran("wizard_re_asks_bad_answers");
}

#[test]
fn wizard_declined_at_confirmation_changes_nothing() {
    let Some(lab) = lab_available("wizard_declined_at_confirmation_changes_nothing") else {
        return;
    };
    let (host, sam) = names("n");
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = lab.work().join("declined.keytab");
    let mut w = Wizard::start(&lab, &no_ccache(&lab));
    w.connect(&lab);
    w.answer("Web site host name", &host);
    w.answer("Account name", "");
    w.answer("Container (OU)", "");
    w.answer("Delegation", "");
    w.answer("Encryption types", "");
    w.answer("Account password", "");
    w.answer("Keytab file", path_str(&keytab));
    w.expect("The plan");
    w.answer("Create it now?", "n");
    w.expect("nothing was changed");
    let (code, transcript) = w.finish();
    assert_eq!(code, 1, "{transcript}");
    assert!(
        !lab.ldap_exists(&format!("(sAMAccountName={sam})")),
        "the account exists after a declined wizard"
    );
    assert!(
        !lab.ldap_exists(&format!("(servicePrincipalName=HTTP/{host})")),
        "the SPN exists after a declined wizard"
    );
    assert!(!keytab.exists(), "a keytab was written");
    ran("wizard_declined_at_confirmation_changes_nothing");
}

#[test]
fn wizard_ctrl_c_at_a_prompt_exits_130_unchanged() {
    let Some(lab) = lab_available("wizard_ctrl_c_at_a_prompt_exits_130_unchanged") else {
        return;
    };
    let (host, sam) = names("c");
    let _cleanup = lab.cleanup(&[&sam]);
    let mut w = Wizard::start(&lab, &no_ccache(&lab));
    w.connect(&lab);
    w.answer("Web site host name", &host);
    w.answer("Account name", "");
    w.answer("Container (OU)", "");
    w.expect("Delegation");
    std::thread::sleep(Duration::from_millis(300));
    w.session.send_control('c').expect("send Ctrl-C");
    w.expect("interrupted: nothing was changed");
    let (code, transcript) = w.finish();
    assert_eq!(code, 130, "{transcript}");
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={sam})")));
    ran("wizard_ctrl_c_at_a_prompt_exits_130_unchanged");
}

#[test]
fn wizard_shows_an_untrusted_certificate_and_asks_for_its_ca() {
    let Some(lab) = lab_available("wizard_shows_an_untrusted_certificate_and_asks_for_its_ca")
    else {
        return;
    };
    let (host, sam) = names("t");
    let _cleanup = lab.cleanup(&[&sam]);
    // What OpenSSL says the DC's certificate's SHA-256 fingerprint is.
    let server_cert = lab.ca_cert.with_file_name("lab-cert.pem");
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&server_cert)
        .output()
        .expect("run openssl");
    let openssl = String::from_utf8_lossy(&out.stdout);
    let fingerprint = openssl
        .trim()
        .split_once('=')
        .map(|(_, f)| f.to_owned())
        .expect("openssl prints NAME=FINGERPRINT");

    let keytab = lab.work().join("untrusted.keytab");
    let mut w = Wizard::start_with(&lab, &no_ccache(&lab), false, &[]);
    w.answer("Domain controller URL", &lab.ldaps_url);
    w.answer("Bind user", &lab.admin_user);
    w.answer("Password for", &lab.admin_password);
    w.expect("not signed by a CA this machine trusts");
    w.expect("issuer:");
    w.expect(&format!("SHA-256:  {fingerprint}"));
    // Not a certificate file: re-asked; then the lab's CA.
    w.answer(
        "CA certificate file (PEM)",
        path_str(&keytab.with_file_name("nothing.pem")),
    );
    w.expect("please try again");
    w.answer("CA certificate file (PEM)", path_str(&lab.ca_cert));
    w.expect(&format!("connected: realm {}", lab.realm));
    w.answer("Web site host name", &host);
    w.answer("Account name", "");
    w.answer("Container (OU)", "");
    w.answer("Delegation", "");
    w.answer("Encryption types", "");
    w.answer("Account password", "");
    w.answer("Keytab file", path_str(&keytab));
    w.expect("spnkt create");
    w.expect(&format!("--ca-cert {}", path_str(&lab.ca_cert)));
    w.answer("Create it now?", "n");
    let (code, transcript) = w.finish();
    assert_eq!(code, 1, "{transcript}");
    assert!(
        !transcript.contains("--ca-cert FILE") && !transcript.contains("pass the CA"),
        "the wizard spoke of command-line flags:\n{transcript}"
    );
    ran("wizard_shows_an_untrusted_certificate_and_asks_for_its_ca");
}

/// `spnkt` alone on a terminal offers the wizard; declined, it prints the help (exit 2).
/// Needs no lab.
#[test]
fn wizard_dns_check_offers_the_canonical_name_of_an_alias() {
    let test = "wizard_dns_check_offers_the_canonical_name_of_an_alias";
    let Some(lab) = lab_available(test) else {
        return;
    };
    let Some(dnsmasq) = support::dnsmasq::dnsmasq_available(test) else {
        return;
    };
    let (alias, alias_sam) = names("al");
    let (canonical, sam) = names("cn");
    let (machine_alias, machine_sam) = names("m");
    let dc_ip = lab
        .ldaps_url
        .trim_start_matches("ldaps://")
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    // alias -> canonical (an A record); machine_alias -> the DC's own name.
    let dns = support::dnsmasq::Dnsmasq::start(
        &dnsmasq,
        &lab.domain,
        &[
            format!("--host-record={canonical},192.0.2.20"),
            format!("--cname={alias},{canonical}"),
            format!("--host-record={},{dc_ip}", lab.dc_host),
            format!("--cname={machine_alias},{}", lab.dc_host),
        ],
    );
    let _cleanup = lab.cleanup(&[&sam, &alias_sam, &machine_sam]);
    let keytab = lab.work().join("canonical.keytab");
    let server = dns.addr.to_string();
    let mut w = Wizard::start_with(
        &lab,
        &no_ccache(&lab),
        true,
        &[("SPNKT_DNS_SERVER", &server)],
    );
    w.connect(&lab);
    // An alias of the DC: a red flag, and the wizard does not go on by default.
    w.answer("Web site host name", &machine_alias);
    w.expect("RED FLAG");
    w.answer("anyway", "");
    w.expect("choose another host name (or fix DNS first)");
    // An alias of a virtual host name: its canonical name is offered, and taken.
    w.answer("Web site host name", &alias);
    w.expect(&format!("ok: nobody holds HTTP/{alias}"));
    w.expect(&format!("is an alias of {canonical}"));
    w.expect("Host name for the SPN");
    w.expect(&format!("use {canonical} (what browsers ask a ticket for)"));
    w.send("\r");
    w.expect(&format!("Web site host name: {canonical}"));
    w.expect(&format!("ok: nobody holds HTTP/{canonical}"));
    w.expect(&format!("DNS: {canonical} has address 192.0.2.20"));
    w.expect("Account name");
    w.expect(&sam); // suggested for the canonical name
    w.send("\r");
    w.answer("Container (OU)", "");
    w.answer("Delegation", "");
    w.answer("Encryption types", "");
    w.answer("Account password", "");
    w.answer("Keytab file", path_str(&keytab));
    w.expect("The plan");
    w.expect(&format!("DNS: {canonical} has address 192.0.2.20"));
    w.expect(&format!("--host {canonical}"));
    w.answer("Create it now?", "y");
    w.expect("Keytab fingerprint");
    let (code, transcript) = w.finish();
    assert_eq!(code, 0, "{transcript}");

    // The account holds the canonical name's SPN; nothing was made for the aliases.
    assert_eq!(
        lab.ldap_attr(&format!("(sAMAccountName={sam})"), "servicePrincipalName"),
        [format!("HTTP/{canonical}")]
    );
    for a in [&alias, &machine_alias] {
        assert!(
            !lab.ldap_exists(&format!("(servicePrincipalName=HTTP/{a})")),
            "HTTP/{a} exists:\n{transcript}"
        );
    }
    let cc = lab.kinit_admin();
    let (ok, out) = lab.kvno_k_output(&keytab, &lab.http_principal(&canonical), &cc);
    assert!(ok, "kvno -k: {out}\n{transcript}");
    ran(test);
}

#[test]
fn bare_spnkt_on_a_terminal_offers_the_wizard() {
    let start = || {
        let mut c = Command::new(spnkt_bin());
        // No credential cache: the first question is the URL.
        c.env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
            .env("KRB5CCNAME", "FILE:/nonexistent/spnkt-no-ccache");
        spawn_command(c, Some(30_000)).expect("spawn spnkt in a pty")
    };
    let mut s = start();
    s.exp_string("Start the guided setup (spnkt wizard)?")
        .expect("the offer");
    std::thread::sleep(Duration::from_millis(300));
    s.send("n\r").unwrap();
    s.flush().unwrap();
    s.exp_string("[OPTIONS] <COMMAND>").expect("the help");
    s.exp_eof().unwrap();
    assert!(matches!(
        s.process().wait().unwrap(),
        WaitStatus::Exited(_, 2)
    ));

    // Accepted: the wizard's first question; Ctrl-C there changes nothing (130).
    let mut s = start();
    s.exp_string("Start the guided setup").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.send("y\r").unwrap();
    s.flush().unwrap();
    s.exp_string("Domain controller URL").expect("the wizard");
    std::thread::sleep(Duration::from_millis(300));
    s.send_control('c').unwrap();
    s.exp_string("interrupted: nothing was changed").unwrap();
    s.exp_eof().unwrap();
    assert!(matches!(
        s.process().wait().unwrap(),
        WaitStatus::Exited(_, 130)
    ));
}

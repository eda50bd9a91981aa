//! `spnkt ktpass` and `spnkt setspn` against the Samba AD DC of tests/lab/samba-lab.sh,
//! with command lines as runbooks have them, judged by independent peers: MIT
//! `kvno -k` and `kinit` for keytabs and passwords, `ldapsearch` for the directory.
//!
//! Every test prints `*** samba e2e test NAME ran ***` once it passed (counted by
//! tests/run-all.sh); without the lab it is skipped loudly, and fails under
//! SPNKT_REQUIRE_PEERS=1.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use nix::sys::wait::WaitStatus;
use rexpect::session::spawn_command;
use support::samba_lab::*;
use support::{path_str, run_with_stdin, spnkt_bin};

fn ran(name: &str) {
    support::announce_ran("samba e2e", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// `spnkt ARGS...` in `dir`, with the lab's environment and extra variables.
fn spnkt_in(lab: &Lab, dir: &Path, args: &[String], env: &[(&str, &str)]) -> Run {
    lab.spnkt_exact_in(dir, args, env)
}

/// `kinit PRINCIPAL` with `password` against the lab's KDC: whether it worked.
fn kinit_with(lab: &Lab, principal: &str, password: &str) -> (bool, String) {
    let ccache = lab.path("kinit.ccache");
    let mut cmd = lab.krb_command("kinit", &ccache);
    cmd.arg(principal);
    let out = run_with_stdin(&mut cmd, format!("{password}\n").as_bytes());
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The exact line of an HCL Connections SPNEGO guide, en dashes as pasted.
const HCL_LINE: &str = "-out c:\\Node1.keytab \u{2013}princ HTTP/connections.example.test@EXAMPLE.TEST -mapuser connections_user -mapOp set \u{2013}pass Password1 -ptype KRB5_NT_PRINCIPAL";

#[test]
fn ktpass_hcl_connections_line_refused_then_run_with_the_password_from_env() {
    let name = "ktpass_hcl_connections_line_refused_then_run_with_the_password_from_env";
    let Some(lab) = lab_available(name) else {
        return;
    };
    // The guide's names are fixed: one run of this test at a time per lab.
    let _cleanup = lab.cleanup(&["connections_user"]);
    lab.delete_account("connections_user");
    let dir = lab.work().join("hcl");
    std::fs::create_dir_all(&dir).unwrap();

    // 1. As pasted: the password in the line is refused; nothing happens in AD.
    let mut args = words("ktpass --delegation unconstrained --yes");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(HCL_LINE));
    let run = spnkt_in(&lab, &dir, &args, &[]);
    assert_eq!(run.code, 2, "{}", run.text());
    for needle in [
        "What this ktpass line would do in AD",
        "reset connections_user's password",
        "userPrincipalName",
        "refusing the password given with -pass",
        "shell's history",
        "-pass *",
        "--password-env",
        "spnkt create --host connections.example.test --keytab Node1.keytab",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing {needle:?}:\n{}",
            run.stderr
        );
    }
    assert!(!run.text().contains("Password1"), "the password was echoed");
    assert!(!lab.ldap_exists("(sAMAccountName=connections_user)"));
    assert!(!dir.join("Node1.keytab").exists());

    // 2. The same line without the password, which comes from the environment.
    let pw = "Conn-Env-Pass-4711!";
    let mut args = words("ktpass --delegation unconstrained --yes --password-env CONN_PW");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(&HCL_LINE.replace("\u{2013}pass Password1 ", "")));
    let run = spnkt_in(&lab, &dir, &args, &[("CONN_PW", pw)]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("written to Node1.keytab in the current directory"),
        "{}",
        run.stderr
    );
    let keytab = dir.join("Node1.keytab");
    let principal = "HTTP/connections.example.test@EXAMPLE.TEST";
    let admin = lab.kinit_admin();
    let (ok, out) = lab.kvno_k_output(&keytab, principal, &admin);
    assert!(ok, "MIT kvno -k rejects Node1.keytab: {out}");
    // The account's password is the one given: MIT kinit with it as the UPN works.
    let (ok, out) = kinit_with(&lab, principal, pw);
    assert!(ok, "kinit {principal} with the given password: {out}");
    assert_eq!(
        lab.ldap_attr("(sAMAccountName=connections_user)", "userPrincipalName"),
        [principal]
    );
    assert_eq!(
        lab.ldap_attr("(sAMAccountName=connections_user)", "servicePrincipalName"),
        ["HTTP/connections.example.test"]
    );
    let uac = lab.uac("connections_user").expect("account");
    assert_eq!(uac & UF_TRUSTED_FOR_DELEGATION, UF_TRUSTED_FOR_DELEGATION);
    ran(name);
}

#[test]
fn ktpass_pass_star_asks_for_the_password_in_a_terminal() {
    let name = "ktpass_pass_star_asks_for_the_password_in_a_terminal";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let host = format!("kt-pty-{}.example.test", tag());
    let sam = format!("svc-kt-pty-{}", tag());
    let _cleanup = lab.cleanup(&[&sam]);
    let dir = lab.work().join("pty");
    std::fs::create_dir_all(&dir).unwrap();
    let pw = "Typed-In-Pass-0815!";
    let mut c = Command::new(spnkt_bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("SPNKT_") && !k.starts_with("SPNKT_LAB") {
            c.env_remove(k);
        }
    }
    c.env(BIND_PASSWORD_ENV, &lab.admin_password)
        .env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
        .env("KRB5_CONFIG", &lab.krb5_conf)
        .env(
            "KRB5CCNAME",
            format!("FILE:{}", path_str(&dir.join("no-cc"))),
        )
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .current_dir(&dir)
        .args(words("ktpass --delegation none --yes"))
        .args(lab.spnkt_dir_args())
        .args(words(&format!(
            "\u{2013}princ HTTP/{host}@{} \u{2013}mapuser {sam} \u{2013}pass * -out c:\\pty.keytab",
            lab.realm
        )));
    let mut s = spawn_command(c, Some(60_000)).expect("spawn spnkt in a pty");
    s.exp_string(&format!("Password for {sam}"))
        .expect("the prompt");
    std::thread::sleep(Duration::from_millis(300));
    s.send_line(pw).unwrap();
    s.exp_string("Repeat it").expect("the confirmation");
    std::thread::sleep(Duration::from_millis(300));
    s.send_line(pw).unwrap();
    let rest = s.exp_eof().expect("spnkt ends");
    let status = s.process().wait().unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{rest}"
    );
    assert!(!rest.contains(pw), "the password was echoed:\n{rest}");
    let principal = lab.http_principal(&host);
    let (ok, out) = kinit_with(&lab, &principal, pw);
    assert!(ok, "kinit with the typed password: {out}");
    let admin = lab.kinit_admin();
    let (ok, out) = lab.kvno_k_output(&dir.join("pty.keytab"), &principal, &admin);
    assert!(ok, "kvno -k: {out}");
    ran(name);
}

#[test]
fn ktpass_setpass_keeps_the_password_and_proves_the_keytab() {
    let name = "ktpass_setpass_keeps_the_password_and_proves_the_keytab";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let host = format!("kt-keep-{}.example.test", tag());
    let sam = format!("svc-kt-keep-{}", tag());
    let _cleanup = lab.cleanup(&[&sam]);
    let dir = lab.work().join("keep");
    std::fs::create_dir_all(&dir).unwrap();
    let pw = "Keep-This-Pass-77!";
    let line = format!("-princ HTTP/{host}@{} -mapuser {sam}", lab.realm);
    let mut args = words("ktpass --delegation none --yes --password-env KT_PW");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(&format!("{line} -out first.keytab")));
    spnkt_in(&lab, &dir, &args, &[("KT_PW", pw)]).assert_ok();
    let kvno = lab.kvno_of(&sam);

    // -setpass with the account's password: a keytab, and nothing changed in AD.
    let mut args = words("ktpass --password-env KT_PW");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(&format!("{line} -out kept.keytab -setpass")));
    let run = spnkt_in(&lab, &dir, &args, &[("KT_PW", pw)]);
    run.assert_ok();
    assert!(
        run.stderr.contains("spnkt keytab derive --host"),
        "{}",
        run.stderr
    );
    assert_eq!(lab.kvno_of(&sam), kvno, "-setpass changed the password");
    let admin = lab.kinit_admin();
    let principal = lab.http_principal(&host);
    let (ok, out) = lab.kvno_k_output(&dir.join("kept.keytab"), &principal, &admin);
    assert!(ok, "kvno -k rejects the -setpass keytab: {out}");

    // Another password: refused by the KDC, no keytab written.
    let mut args = words("ktpass --password-env KT_PW");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(&format!("{line} -out wrong.keytab -setpass")));
    let run = spnkt_in(&lab, &dir, &args, &[("KT_PW", "Not-The-Password-1!")]);
    assert_eq!(run.code, 4, "{}", run.text());
    assert!(
        run.stderr.contains("not the account's current password"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("wrong.keytab").exists());
    ran(name);
}

#[test]
fn ktpass_refuses_a_computer_and_warns_about_shared_accounts() {
    let name = "ktpass_refuses_a_computer_and_warns_about_shared_accounts";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let computer = format!("E2E-KT{}", tag().to_ascii_uppercase());
    let sam = format!("svc-kt-shr-{}", tag());
    let host = format!("kt-shr-{}.example.test", tag());
    let mut cleanup = lab.cleanup(&[&sam]);
    cleanup.also(&format!("{computer}$"));
    let dir = lab.work().join("shared");
    std::fs::create_dir_all(&dir).unwrap();
    lab.add_computer(
        &computer,
        &format!("{}.example.test", computer.to_lowercase()),
    );
    let pwd_last_set = lab.ldap_attr(&format!("(sAMAccountName={computer}$)"), "pwdLastSet");

    // A computer as -mapuser: ktpass would reset its password; spnkt refuses.
    let mut args = words("ktpass --delegation none --yes");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(&format!(
        "-princ HTTP/{host}@{} -mapuser {computer}$ -out c.keytab +rndpass",
        lab.realm
    )));
    let run = spnkt_in(&lab, &dir, &args, &[]);
    assert_ne!(run.code, 0, "{}", run.text());
    assert!(
        run.stderr.contains("is a computer account"),
        "{}",
        run.stderr
    );
    assert_eq!(
        lab.ldap_attr(&format!("(sAMAccountName={computer}$)"), "pwdLastSet"),
        pwd_last_set,
        "the computer's password was touched"
    );

    // An account that already holds another service's SPN: -mapop set warns that
    // ktpass would remove it, spnkt keeps it, and says the reset breaks its keytab.
    let other = format!("HTTP/other-{}.example.test", tag());
    lab.add_user(
        &sam,
        &[&other],
        None,
        UF_NORMAL_ACCOUNT | UF_DONT_EXPIRE_PASSWD,
    );
    let mut args = words("ktpass --delegation none --yes");
    args.extend(lab.spnkt_dir_args());
    args.extend(words(&format!(
        "-princ HTTP/{host}@{} -mapuser {sam} -mapop set +rndpass -out s.keytab",
        lab.realm
    )));
    let run = spnkt_in(&lab, &dir, &args, &[]);
    run.assert_ok();
    assert!(
        run.stderr.contains(&format!("also holds {other}"))
            && run.stderr.contains("ktpass -mapop set would remove them"),
        "{}",
        run.stderr
    );
    let mut spns = lab.ldap_attr(&format!("(sAMAccountName={sam})"), "servicePrincipalName");
    spns.sort();
    assert_eq!(spns, vec![format!("HTTP/{host}"), other.clone()]);
    ran(name);
}

#[test]
fn setspn_lines_with_setspns_exit_codes() {
    let name = "setspn_lines_with_setspns_exit_codes";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let a = format!("svc-ss-a-{}", tag());
    let b = format!("svc-ss-b-{}", tag());
    let _cleanup = lab.cleanup(&[&a, &b]);
    lab.add_user(&a, &[], None, UF_NORMAL_ACCOUNT | UF_ACCOUNTDISABLE);
    lab.add_user(&b, &[], None, UF_NORMAL_ACCOUNT | UF_ACCOUNTDISABLE);
    let spn = format!("HTTP/ss-{}.example.test", tag());
    let setspn = |line: &str| {
        let mut args = vec!["setspn".to_owned()];
        args.extend(lab.spnkt_dir_args());
        args.extend(words(line));
        lab.spnkt_exact(&args, &[])
    };
    // -S (pasted dash, DOMAIN\account): added.
    let run = setspn(&format!("\u{2013}S {spn} EXAMPLE\\{a}"));
    assert_eq!(run.code, 0, "{}", run.text());
    assert!(
        run.stderr
            .contains(&format!("spnkt spn add --account {a} {spn}"))
    );
    assert_eq!(
        lab.ldap_attr(&format!("(sAMAccountName={a})"), "servicePrincipalName"),
        std::slice::from_ref(&spn)
    );
    // -S of the same SPN to another account: a duplicate, setspn's exit status 1.
    let run = setspn(&format!("/s {spn} {b}"));
    assert_eq!(run.code, 1, "{}", run.text());
    assert!(
        lab.ldap_attr(&format!("(sAMAccountName={b})"), "servicePrincipalName")
            .is_empty()
    );
    // -Q: found (0), not found (1).
    let run = setspn(&format!("-Q {spn}"));
    assert_eq!(run.code, 0, "{}", run.text());
    assert!(run.stdout.contains("Existing SPN found!") && run.stdout.contains(&a));
    let run = setspn(&format!("-Q HTTP/nobody-{}.example.test", tag()));
    assert_eq!(run.code, 1, "{}", run.text());
    assert!(run.stdout.contains("No such SPN found."));
    // -L lists, -X finds no duplicate of it, -D removes.
    let run = setspn(&format!("-L {a}"));
    assert_eq!(run.code, 0, "{}", run.text());
    assert!(run.stdout.contains(&spn));
    let run = setspn("-X");
    assert_eq!(run.code, 0, "{}", run.text());
    let run = setspn(&format!("-D {spn} {a}"));
    assert_eq!(run.code, 0, "{}", run.text());
    assert!(
        lab.ldap_attr(&format!("(sAMAccountName={a})"), "servicePrincipalName")
            .is_empty()
    );
    // A line spnkt cannot carry out: 2.
    assert_eq!(setspn("-R web01").code, 2);
    ran(name);
}

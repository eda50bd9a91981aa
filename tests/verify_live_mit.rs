//! `spnkt verify --live` against a real MIT KDC (tests/support/mit_kdc.rs, 127.0.0.1
//! only): spnkt asks the KDC for the service ticket itself, with the TGT `kinit` put
//! into a ccache or with a bind password, and diagnoses it like `verify --ticket`.
//!
//! Every test prints `*** real MIT KDC test NAME ran (N so far) ***` on stderr (past
//! libtest's capture); without the MIT tools they are skipped loudly, and fail under
//! SPNKT_REQUIRE_PEERS=1.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::mit_kdc::{self, MitKdc, REALM};
use support::*;

fn ran(name: &str) {
    support::announce_ran("real MIT KDC", name);
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// `spnkt verify --live --keytab KEYTAB ARGS` with a clean environment plus `env`;
/// KRB5CCNAME is `ccache` (a path that need not exist).
fn live(kdc: &MitKdc, keytab: &Path, ccache: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::new(spnkt_bin());
    cmd.env("KRB5_CONFIG", &kdc.krb5_conf)
        .env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
        .env("KRB5CCNAME", format!("FILE:{}", path_str(ccache)))
        .env_remove("KRB5_KTNAME")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("SPNKT_KDC")
        .env_remove("SPNKT_REALM")
        .env_remove("SPNKT_BIND_USER");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .arg("verify")
        .arg("--live")
        .arg("--keytab")
        .arg(keytab)
        .args(args)
        .output()
        .expect("run spnkt");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A service principal with its current keys in a fresh `ktadd -norandkey` keytab.
fn service(kdc: &MitKdc, host: &str, password: &str) -> (String, PathBuf) {
    let svc = format!("HTTP/{host}@{REALM}");
    kdc.addprinc(&svc, password, None);
    let kt = kdc.path("live.keytab");
    kdc.ktadd_norandkey(&svc, &kt);
    (svc, kt)
}

fn user(kdc: &MitKdc, name: &str, password: &str) -> String {
    kdc.addprinc(name, password, None);
    format!("{name}@{REALM}")
}

fn kdc_arg(kdc: &MitKdc) -> String {
    format!("127.0.0.1:{}", kdc.port)
}

#[test]
fn live_with_the_admins_ccache() {
    let Some(kdc) = mit_kdc::shared("live_with_the_admins_ccache") else {
        return;
    };
    let alice = user(kdc, "live-alice1", "Alice-live-1");
    let (svc, kt) = service(kdc, "live1.mit.test", "Live-svc-pw 1");
    let cc = kdc.kinit(&alice, "Alice-live-1");
    let addr = kdc_arg(kdc);

    let r = live(kdc, &kt, &cc, &[], &["--kdc", &addr]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let detected = format!(
        "detected: live ticket from KDC {addr} (credentials: ccache FILE:{})",
        path_str(&cc)
    );
    assert!(r.stdout.contains(&detected), "{}", r.stdout);
    assert!(r.stdout.contains("result:      OK"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("client:      {alice}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("service:     {svc}")),
        "{}",
        r.stdout
    );

    let j = live(kdc, &kt, &cc, &[], &["--json", "--kdc", &addr]);
    assert_eq!(j.code, 0, "{}\n{}", j.stdout, j.stderr);
    let json = j.json();
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(json["input"]["path"], serde_json::Value::Null, "{json}");
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "one principal in the keytab: {json}");
    assert_eq!(results[0]["service"], svc.as_str(), "{json}");
    assert_eq!(results[0]["client"], alice.as_str(), "{json}");
    assert_eq!(results[0]["ticket"]["kvno"], 1, "{json}");
    assert_eq!(json["live"][0]["credentials"]["source"], "ccache", "{json}");
    assert_eq!(json["live"][0]["kdc"], addr.as_str(), "{json}");
    assert!(!j.stdout.contains("\"key\""), "no key bytes in JSON");
    ran("live_with_the_admins_ccache");
}

#[test]
fn live_with_a_bind_password_and_no_ccache() {
    let Some(kdc) = mit_kdc::shared("live_with_a_bind_password_and_no_ccache") else {
        return;
    };
    let alice = user(kdc, "live-alice2", "Alice-live-2");
    let (svc, kt) = service(kdc, "live2.mit.test", "Live-svc-pw 2");
    let no_ccache = kdc.path("no-such-ccache");
    // No --kdc: the realm's kdc comes from krb5.conf (KRB5_CONFIG).
    let r = live(kdc, &kt, &no_ccache, &[("LIVE_PW", "Alice-live-2")], &[]);
    // Without credentials first: a usage error.
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let r = live(
        kdc,
        &kt,
        &no_ccache,
        &[("LIVE_PW", "Alice-live-2"), ("SPNKT_BIND_USER", &alice)],
        &[
            "--bind-password-env",
            "LIVE_PW",
            "--spn",
            "HTTP/live2.mit.test",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let addr = kdc_arg(kdc);
    assert!(
        r.stdout.contains(&format!(
            "detected: live ticket from KDC {addr} (credentials: password for {alice})"
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("result:      OK"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("service:     {svc}")),
        "{}",
        r.stdout
    );
    // The flag form, with --kdc.
    let r = live(
        kdc,
        &kt,
        &no_ccache,
        &[("LIVE_PW", "Alice-live-2")],
        &[
            "--bind-user",
            &alice,
            "--bind-password-env",
            "LIVE_PW",
            "--kdc",
            &addr,
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // A wrong bind password: the admin's login fails (exit 1), not the keytab.
    let r = live(
        kdc,
        &kt,
        &no_ccache,
        &[("LIVE_PW", "not-the-password")],
        &["--bind-user", &alice, "--bind-password-env", "LIVE_PW"],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cannot log in to the KDC"),
        "{}",
        r.stderr
    );
    ran("live_with_a_bind_password_and_no_ccache");
}

#[test]
fn live_after_a_password_change_is_a_kvno_mismatch() {
    let Some(kdc) = mit_kdc::shared("live_after_a_password_change_is_a_kvno_mismatch") else {
        return;
    };
    let alice = user(kdc, "live-alice3", "Alice-live-3");
    let (svc, old_kt) = service(kdc, "live3.mit.test", "Live-svc-pw 3");
    kdc.cpw(&svc, "Live-svc-pw 3 new");
    let cc = kdc.kinit(&alice, "Alice-live-3");
    let addr = kdc_arg(kdc);

    let r = live(kdc, &old_kt, &cc, &[], &["--kdc", &addr]);
    assert_eq!(r.code, 4, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("result:      FAILED (kvno_mismatch)"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    let j = live(kdc, &old_kt, &cc, &[], &["--json", "--kdc", &addr]);
    assert_eq!(j.code, 4, "{}\n{}", j.stdout, j.stderr);
    let json = j.json();
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(
        json["results"][0]["cause"]["code"], "kvno_mismatch",
        "{json}"
    );
    assert_eq!(json["results"][0]["ticket"]["kvno"], 2, "{json}");

    // The keytab with the new keys verifies.
    let new_kt = kdc.path("live-new.keytab");
    kdc.ktadd_norandkey(&svc, &new_kt);
    let r = live(kdc, &new_kt, &cc, &[], &["--kdc", &addr]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    ran("live_after_a_password_change_is_a_kvno_mismatch");
}

#[test]
fn live_unknown_spn() {
    let Some(kdc) = mit_kdc::shared("live_unknown_spn") else {
        return;
    };
    let alice = user(kdc, "live-alice4", "Alice-live-4");
    let (_, kt) = service(kdc, "live4.mit.test", "Live-svc-pw 4");
    let cc = kdc.kinit(&alice, "Alice-live-4");
    let addr = kdc_arg(kdc);
    let r = live(
        kdc,
        &kt,
        &cc,
        &[],
        &["--kdc", &addr, "--spn", "HTTP/nosuch.mit.test"],
    );
    assert_eq!(r.code, 4, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error: the KDC does not know HTTP/nosuch.mit.test@{REALM}: the SPN is not registered (spnkt spn list / setspn -Q)"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);
    assert!(
        r.stderr.contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"),
        "{}",
        r.stderr
    );
    // --json: one error object on stdout.
    let j = live(
        kdc,
        &kt,
        &cc,
        &[],
        &["--json", "--kdc", &addr, "--spn", "HTTP/nosuch.mit.test"],
    );
    assert_eq!(j.code, 4, "{}\n{}", j.stdout, j.stderr);
    assert_eq!(j.json()["error"]["code"], 4, "{}", j.stdout);
    ran("live_unknown_spn");
}

#[test]
fn live_without_credentials_is_a_usage_error() {
    let Some(kdc) = mit_kdc::shared("live_without_credentials_is_a_usage_error") else {
        return;
    };
    let (_, kt) = service(kdc, "live5.mit.test", "Live-svc-pw 5");
    let addr = kdc_arg(kdc);
    // A ccache that does not exist.
    let r = live(
        kdc,
        &kt,
        &kdc.path("no-such-ccache"),
        &[],
        &["--kdc", &addr],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("error: no credentials"), "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: run kinit"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // A ccache holding another realm's TGT only is no better.
    let other = kdc.path("other-realm-ccache");
    std::fs::write(
        &other,
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/verify/expired-nopac.ccache"),
        )
        .unwrap(),
    )
    .unwrap();
    let r = live(kdc, &kt, &other, &[], &["--kdc", &addr]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains(&format!("holds no ticket-granting ticket for {REALM}")),
        "{}",
        r.stderr
    );
    ran("live_without_credentials_is_a_usage_error");
}

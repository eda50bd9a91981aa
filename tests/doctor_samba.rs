//! `spnkt doctor URL` judged by real peers: the Samba AD DC of
//! `tests/lab/samba-lab.sh` (EXAMPLE.TEST on 127.0.0.1), Apache + mod_auth_gssapi
//! (`tests/lab/apache-spnego.sh`) listening on 127.0.0.2 with a keytab `spnkt
//! create` wrote, and dnsmasq started by each test on 127.0.0.1 (named by
//! `SPNKT_DNS_SERVER`) resolving the site's names to 127.0.0.2. The "logged-in
//! user" is Administrator, `kinit`ed by MIT into a ccache named by KRB5CCNAME; the
//! directory is bound with that ticket (no --bind-* flag), as an admin at their
//! desk would run it. `curl --negotiate` (MIT's GSS-API) is the independent judge
//! of whether SPNEGO to the site works.
//!
//! Each test prints `*** doctor test NAME ran` once it passed; tests/run-all.sh
//! counts them. Without the lab or dnsmasq the tests are skipped loudly (a failure
//! under SPNKT_REQUIRE_PEERS=1). Hosts are `doc-WHAT-TAG.example.test`, accounts
//! `svc-http-doc-WHAT-TAG` (TAG drawn per process), removed at the end.

mod support;

use std::path::{Path, PathBuf};

use support::dnsmasq::{Dnsmasq, dnsmasq_available};
use support::path_str;
use support::samba_lab::*;

/// Where the tests' Apache listens (not the DC's 127.0.0.1: a site sharing the
/// DC's address is a finding of its own).
const WEB_IP: &str = "127.0.0.2";

fn ran(name: &str) {
    support::announce_ran("doctor", name);
}

fn host(what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("doc-{what}-{}.example.test", support::process_tag())
}

fn account(what: &str) -> String {
    format!("svc-http-doc-{what}-{}", support::process_tag())
}

/// The lab and a dnsmasq with `records`, or `None` after a loud skip.
fn setup(test: &str, records: &[String]) -> Option<(Lab, Dnsmasq)> {
    let lab = lab_available(test)?;
    let binary = dnsmasq_available(test)?;
    let dns = Dnsmasq::start(&binary, &lab.domain, records);
    Some((lab, dns))
}

/// `spnkt create --host HOST` into a fresh keytab (no delegation), judged OK.
fn create(lab: &Lab, host: &str, extra: &[&str]) -> PathBuf {
    let keytab = lab.path("http.keytab");
    let mut args = vec![
        "create",
        "--host",
        host,
        "--keytab",
        path_str(&keytab),
        "--delegation",
        "none",
        "--no-dns-check",
        "--yes",
    ];
    args.extend_from_slice(extra);
    lab.spnkt(&args).assert_ok();
    keytab
}

/// Apache + mod_auth_gssapi for `host` on [`WEB_IP`] with a copy of `keytab`
/// (`auth_conf`: its authentication instead of the script's own).
fn apache(lab: &Lab, host: &str, keytab: &Path, auth_conf: Option<&Path>) -> Apache {
    Apache::start_at(
        WEB_IP,
        Apache::temp_dir(),
        host,
        keytab,
        &lab.krb5_conf,
        auth_conf,
    )
}

/// `spnkt [--json] doctor URL ARGS` as the logged-in Administrator (`ccache`), with
/// the lab's DC and CA but no bind flags, asking dnsmasq.
fn doctor(
    lab: &Lab,
    dns: &Dnsmasq,
    ccache: &Path,
    url: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let mut args: Vec<String> = vec!["doctor".into(), url.into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(
        [
            // LDAPS, as an admin would give it: Samba refuses Kerberos binds inside
            // TLS, and doctor reads over ldap://, sealed by Kerberos, instead.
            "--ldap-url",
            &lab.ldaps_url,
            "--ca-cert",
            path_str(&lab.ca_cert),
            "--realm",
            &lab.realm,
            "--kdc",
            &lab.kdc,
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let ccache = format!("FILE:{}", path_str(ccache));
    let dns_addr = dns.addr.to_string();
    let mut all_env = vec![
        ("KRB5CCNAME", ccache.as_str()),
        ("SPNKT_DNS_SERVER", dns_addr.as_str()),
    ];
    all_env.extend_from_slice(env);
    lab.spnkt_exact(&args, &all_env)
}

/// `--json` doctor: its report.
fn doctor_json(
    lab: &Lab,
    dns: &Dnsmasq,
    ccache: &Path,
    url: &str,
    extra: &[&str],
) -> (Run, serde_json::Value) {
    let mut e = vec!["--json"];
    e.extend_from_slice(extra);
    let run = doctor(lab, dns, ccache, url, &e, &[]);
    let j = run.json();
    (run, j)
}

/// The status of step `n` (1-based).
fn status(j: &serde_json::Value, n: usize) -> String {
    j["steps"][n - 1]["status"]
        .as_str()
        .unwrap_or("?")
        .to_owned()
}

fn statuses(j: &serde_json::Value) -> Vec<String> {
    (1..=5).map(|n| status(j, n)).collect()
}

fn kinds(j: &serde_json::Value, n: usize) -> Vec<String> {
    j["steps"][n - 1]["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["kind"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn step_text(j: &serde_json::Value, n: usize) -> String {
    j["steps"][n - 1].to_string()
}

#[test]
fn healthy_site_is_all_green_and_exit_0() {
    let name = "healthy_site_is_all_green_and_exit_0";
    let h = host("ok");
    let Some((lab, dns)) = setup(name, &[format!("--host-record={h},{WEB_IP}")]) else {
        return;
    };
    let _cleanup = lab.cleanup(&[&account("ok")]);
    let keytab = create(&lab, &h, &[]);
    let web = apache(&lab, &h, &keytab, None);
    let cc = lab.kinit_admin();
    // The judge: MIT's curl --negotiate gets in.
    let url = format!("http://{h}:{}/", web.port);
    let (code, trace) = curl(&lab, &h, web.port, &cc);
    assert_eq!(code, 200, "curl --negotiate: {trace}\n{}", web.logs());

    let (run, j) = doctor_json(&lab, &dns, &cc, &url, &["--keytab", path_str(&keytab)]);
    assert_eq!(run.code, 0, "{}", run.text());
    assert_eq!(statuses(&j), ["ok"; 5], "{j:#}");
    assert_eq!(j["ok"], true);
    assert_eq!(j["spn"], format!("HTTP/{h}@{}", lab.realm).as_str());
    // What each step saw.
    assert_eq!(j["steps"][0]["facts"]["addresses"][0], WEB_IP, "{j:#}");
    assert_eq!(
        j["steps"][1]["facts"]["account"]["sam_account_name"],
        account("ok").as_str()
    );
    assert_eq!(j["steps"][2]["facts"]["enctype"], "aes256-cts-hmac-sha1-96");
    assert_eq!(j["steps"][3]["facts"]["challenge_status"], 401);
    assert_eq!(j["steps"][3]["facts"]["authenticated_status"], 200);
    let mutual = j["steps"][3]["facts"]["mutual_authentication"]
        .as_str()
        .unwrap_or("");
    assert!(
        mutual.contains("AP-REP decrypts with the session key"),
        "{j:#}"
    );
    assert!(kinds(&j, 5).contains(&"decrypted".to_owned()), "{j:#}");
    // The directory was read over ldap://, sealed, after LDAPS refused the bind.
    assert!(
        step_text(&j, 2).contains("read over ldap://127.0.0.1 instead, sealed by Kerberos"),
        "{j:#}"
    );
    // Apache saw the user spnkt's token named.
    assert!(
        web.logs().contains(&format!("Administrator@{}", lab.realm)),
        "{}",
        web.logs()
    );

    // Text: ✓ per step in a UTF-8 locale, ASCII marks in the C locale.
    let text = doctor(
        &lab,
        &dns,
        &cc,
        &url,
        &[],
        &[("LANG", "C.UTF-8"), ("LC_ALL", "")],
    );
    assert_eq!(text.code, 0, "{}", text.text());
    for n in 1..=4 {
        assert!(
            text.stdout
                .lines()
                .any(|l| l.starts_with(&format!("✓ {n}. "))),
            "step {n}:\n{}",
            text.stdout
        );
    }
    assert!(
        text.stdout.contains("- 5. Keytab: skipped: no --keytab"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .trim_end()
            .ends_with(&format!("✓ SPNEGO to {url} works")),
        "{}",
        text.stdout
    );
    let ascii = doctor(&lab, &dns, &cc, &url, &[], &[("LANG", "C"), ("LC_ALL", "")]);
    assert!(
        ascii.stdout.is_ascii() && ascii.stdout.contains("[ok] 4. Web server"),
        "{}",
        ascii.stdout
    );
    // -q: nothing at all when SPNEGO works.
    let quiet = doctor(&lab, &dns, &cc, &url, &["-q"], &[]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()),
        (0, "", ""),
        "{}",
        quiet.text()
    );
    eprintln!("--- captured run (healthy site) ---\n{}", text.stdout);
    ran(name);
}

/// `curl --negotiate` to http://HOST:PORT/ at [`WEB_IP`] with `cc`.
fn curl(lab: &Lab, host: &str, port: u16, cc: &Path) -> (u16, String) {
    lab.curl_negotiate_at(WEB_IP, host, port, Some(cc))
}

#[test]
fn stale_keytab_on_the_server_fails_step_4_and_step_5_names_the_kvno() {
    let name = "stale_keytab_on_the_server_fails_step_4_and_step_5_names_the_kvno";
    let h = host("stl");
    let Some((lab, dns)) = setup(name, &[format!("--host-record={h},{WEB_IP}")]) else {
        return;
    };
    let sam = account("stl");
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = create(&lab, &h, &[]);
    let web = apache(&lab, &h, &keytab, None);
    let old_kvno = lab.kvno_of(&sam);
    // New password and keys; the server keeps its copy of the old keytab.
    lab.spnkt(&[
        "rotate",
        "--host",
        &h,
        "--keytab",
        path_str(&keytab),
        "--yes",
    ])
    .assert_ok();
    let new_kvno = lab.kvno_of(&sam);
    assert!(new_kvno > old_kvno);
    let cc = lab.kinit_admin();
    let (code, _) = curl(&lab, &h, web.port, &cc);
    assert_eq!(
        code, 401,
        "curl --negotiate must be refused by the stale server"
    );

    let server_keytab = web.dir.join("http.keytab");
    let url = format!("http://{h}:{}/", web.port);
    let (run, j) = doctor_json(
        &lab,
        &dns,
        &cc,
        &url,
        &["--keytab", path_str(&server_keytab)],
    );
    assert_eq!(run.code, 4, "{}", run.text());
    assert_eq!(statuses(&j), ["ok", "ok", "ok", "fail", "fail"], "{j:#}");
    assert!(kinds(&j, 4).contains(&"rejected".to_owned()), "{j:#}");
    assert!(kinds(&j, 5).contains(&"kvno_mismatch".to_owned()), "{j:#}");
    let summary = j["steps"][4]["summary"].as_str().unwrap();
    assert_eq!(
        summary,
        format!("the keytab is at kvno {old_kvno}, AD is at kvno {new_kvno}"),
        "{j:#}"
    );
    let fix = j["steps"][4]["fix"].as_str().unwrap();
    assert!(
        fix.contains("spnkt rotate") && fix.contains("copy"),
        "{fix}"
    );
    // The kvno the directory step saw is the new one.
    assert_eq!(j["steps"][1]["facts"]["account"]["kvno"], new_kvno);
    // -q: one line on stderr naming the failing step, nothing on stdout.
    let quiet = doctor(&lab, &dns, &cc, &url, &["-q"], &[]);
    assert_eq!(quiet.code, 4);
    assert_eq!(quiet.stdout, "");
    assert_eq!(quiet.stderr.lines().count(), 1, "{}", quiet.stderr);
    assert!(
        quiet.stderr.contains("fails: step 4 (Web server)"),
        "{}",
        quiet.stderr
    );
    // The text names the cause and the fix under the ✗.
    let text = doctor(
        &lab,
        &dns,
        &cc,
        &url,
        &["--keytab", path_str(&server_keytab)],
        &[("LANG", "C.UTF-8"), ("LC_ALL", "")],
    );
    assert!(
        text.stdout.contains("✗ 4. Web server: 401 again"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(&format!(
            "✗ 5. Keytab: the keytab is at kvno {old_kvno}, AD is at kvno {new_kvno}"
        )),
        "{}",
        text.stdout
    );
    eprintln!("--- captured run (stale keytab) ---\n{}", text.stdout);
    ran(name);
}

#[test]
fn spn_on_two_accounts_fails_step_2() {
    let name = "spn_on_two_accounts_fails_step_2";
    let h = host("dup");
    let Some((lab, dns)) = setup(name, &[format!("--host-record={h},{WEB_IP}")]) else {
        return;
    };
    let sam = account("dup");
    let other = format!("svc-doc-dup2-{}", support::process_tag());
    let _cleanup = lab.cleanup(&[&sam, &other]);
    let keytab = create(&lab, &h, &["--no-upn"]);
    // Samba refuses a second servicePrincipalName HTTP/h, but not the same name as
    // another account's UPN (what `ktpass -mapuser` leaves behind).
    lab.add_user(
        &other,
        &[],
        Some(&format!("HTTP/{h}@{}", lab.realm)),
        UF_NORMAL_ACCOUNT | UF_ACCOUNTDISABLE,
    );
    let web = apache(&lab, &h, &keytab, None);
    let cc = lab.kinit_admin();
    let url = format!("http://{h}:{}/", web.port);
    let (run, j) = doctor_json(&lab, &dns, &cc, &url, &[]);
    assert_eq!(run.code, 4, "{}", run.text());
    assert_eq!(status(&j, 2), "fail", "{j:#}");
    assert!(kinds(&j, 2).contains(&"duplicate_spn".to_owned()), "{j:#}");
    let two = step_text(&j, 2);
    assert!(two.contains(&sam) && two.contains(&other), "{two}");
    assert_eq!(
        j["steps"][1]["facts"]["holders"].as_array().unwrap().len(),
        2,
        "{j:#}"
    );
    ran(name);
}

#[test]
fn cname_to_a_machine_name_fails_steps_1_and_2_with_the_host_explanation() {
    let name = "cname_to_a_machine_name_fails_steps_1_and_2_with_the_host_explanation";
    let h = host("cnm");
    let machine = format!("doc-m-{}.example.test", support::process_tag());
    let records = [
        format!("--host-record={machine},{WEB_IP}"),
        format!("--cname={h},{machine}"),
    ];
    let Some((lab, dns)) = setup(name, &records) else {
        return;
    };
    let sam = account("cnm");
    let computer = format!("DOC-M-{}", support::process_tag().to_uppercase());
    let _cleanup = lab.cleanup(&[&sam, &format!("{computer}$")]);
    lab.add_computer(&computer, &machine);
    // The site's own account and keytab, for the name in the URL.
    let keytab = create(&lab, &h, &[]);
    let web = apache(&lab, &h, &keytab, None);
    let cc = lab.kinit_admin();
    let url = format!("http://{h}:{}/", web.port);
    let (run, j) = doctor_json(&lab, &dns, &cc, &url, &[]);
    assert_eq!(run.code, 4, "{}", run.text());
    assert_eq!(status(&j, 1), "fail", "{j:#}");
    assert_eq!(status(&j, 2), "fail", "{j:#}");
    assert!(
        kinds(&j, 1).contains(&"cname_to_machine".to_owned()),
        "{j:#}"
    );
    assert!(kinds(&j, 2).contains(&"host_spn_wins".to_owned()), "{j:#}");
    let cause = j["steps"][0]["cause"].as_str().unwrap();
    assert!(cause.contains(&format!("HOST/{machine}")), "{cause}");
    let two = j["steps"][1]["cause"].as_str().unwrap();
    assert!(two.contains("HOST/"), "{two}");
    assert!(
        j["steps"][0]["fix"]
            .as_str()
            .unwrap()
            .contains(&format!("A record for {h}")),
        "{j:#}"
    );
    assert_eq!(j["spn"], format!("HTTP/{machine}@{}", lab.realm).as_str());
    ran(name);
}

#[test]
fn rc4_only_account_and_aes_keytab_are_named_in_steps_3_and_5() {
    let name = "rc4_only_account_and_aes_keytab_are_named_in_steps_3_and_5";
    let h = host("rc4");
    let Some((lab, dns)) = setup(name, &[format!("--host-record={h},{WEB_IP}")]) else {
        return;
    };
    let sam = account("rc4");
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = create(&lab, &h, &[]);
    // The account loses its AES enctypes; the keytab keeps only AES keys.
    let dn = lab.ldap_dns(&format!("(sAMAccountName={sam})")).remove(0);
    lab.ldap_modify(&format!(
        "dn: {dn}\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 4\n"
    ))
    .unwrap();
    let web = apache(&lab, &h, &keytab, None);
    let cc = lab.kinit_admin();
    let url = format!("http://{h}:{}/", web.port);
    let (run, j) = doctor_json(&lab, &dns, &cc, &url, &["--keytab", path_str(&keytab)]);
    assert_eq!(run.code, 4, "{}", run.text());
    assert_eq!(status(&j, 2), "warn", "{j:#}");
    assert!(kinds(&j, 2).contains(&"no_aes".to_owned()), "{j:#}");
    assert_eq!(status(&j, 3), "warn", "{j:#}");
    assert!(kinds(&j, 3).contains(&"rc4_ticket".to_owned()), "{j:#}");
    assert_eq!(j["steps"][2]["facts"]["enctype"], "rc4-hmac", "{j:#}");
    assert_eq!(status(&j, 4), "fail", "{j:#}");
    assert_eq!(status(&j, 5), "fail", "{j:#}");
    assert!(
        kinds(&j, 5).contains(&"enctype_missing".to_owned()),
        "{j:#}"
    );
    assert!(step_text(&j, 5).contains("rc4-hmac"), "{j:#}");
    ran(name);
}

#[test]
fn server_without_negotiate_fails_step_4() {
    let name = "server_without_negotiate_fails_step_4";
    let h = host("nng");
    let Some((lab, dns)) = setup(name, &[format!("--host-record={h},{WEB_IP}")]) else {
        return;
    };
    let _cleanup = lab.cleanup(&[&account("nng")]);
    let keytab = create(&lab, &h, &[]);
    // The server's configuration has no authentication at all: an open page.
    let conf = lab.work().join("no-auth.conf");
    std::fs::write(&conf, "# no authentication configured\n").unwrap();
    std::fs::set_permissions(&conf, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::set_permissions(
        lab.work(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let web = apache(&lab, &h, &keytab, Some(&conf));
    let cc = lab.kinit_admin();
    let url = format!("http://{h}:{}/", web.port);
    let (run, j) = doctor_json(&lab, &dns, &cc, &url, &[]);
    assert_eq!(run.code, 4, "{}", run.text());
    assert_eq!(statuses(&j)[..4], ["ok", "ok", "ok", "fail"], "{j:#}");
    assert!(kinds(&j, 4).contains(&"no_challenge".to_owned()), "{j:#}");
    assert_eq!(j["steps"][3]["facts"]["challenge_status"], 200, "{j:#}");
    assert!(
        j["steps"][3]["fix"]
            .as_str()
            .unwrap()
            .contains("spnkt config"),
        "{j:#}"
    );
    ran(name);
}

#[test]
fn tls_is_verified_as_a_browser_would() {
    let name = "tls_is_verified_as_a_browser_would";
    // The DC's LDAPS port speaks TLS with a certificate of the lab's private CA for
    // dc1.example.test (then LDAP, not HTTP): enough to see the certificate judged.
    let Some((lab, dns)) = setup(
        name,
        &[format!("--host-record={},127.0.0.1", "dc1.example.test")],
    ) else {
        return;
    };
    let cc = lab.kinit_admin();
    let port = lab.ldaps_url.rsplit(':').next().unwrap().to_owned();
    let url = format!("https://{}:{port}/", lab.dc_host);
    // Without the CA: the certificate is refused, as a browser would refuse it.
    let mut args: Vec<String> = [
        "--json",
        "doctor",
        &url,
        "--realm",
        &lab.realm,
        "--kdc",
        &lab.kdc,
        "--ldap-url",
        &lab.starttls_url,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let env = [
        ("KRB5CCNAME", format!("FILE:{}", path_str(&cc))),
        ("SPNKT_DNS_SERVER", dns.addr.to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = lab.spnkt_exact(&args, &env);
    assert_eq!(run.code, 4, "{}", run.text());
    let j = run.json();
    assert_eq!(status(&j, 4), "fail", "{j:#}");
    assert!(kinds(&j, 4).contains(&"tls".to_owned()), "{j:#}");
    assert!(
        j["steps"][3]["fix"].as_str().unwrap().contains("--ca-cert"),
        "{j:#}"
    );
    // With it: TLS passes, and what answers is no web server.
    args.extend(["--ca-cert".to_owned(), path_str(&lab.ca_cert).to_owned()]);
    let run = lab.spnkt_exact(&args, &env);
    let j = run.json();
    assert_eq!(status(&j, 4), "fail", "{j:#}");
    assert!(!kinds(&j, 4).contains(&"tls".to_owned()), "{j:#}");
    ran(name);
}

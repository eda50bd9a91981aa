//! The DNS check of a web site's host name, end to end: `spnkt create`, `spn check`
//! and `apply` against the Samba AD DC of `tests/lab/samba-lab.sh` (EXAMPLE.TEST on
//! 127.0.0.1, DC dc1.example.test), with a real nameserver, dnsmasq, started by each
//! test on 127.0.0.1 and a free port and named by `SPNKT_DNS_SERVER`. dnsmasq serves
//! what the test gives it: A records, CNAMEs to them, CNAMEs to the DC's own name
//! (whose A record is the DC's address, 127.0.0.1), a name with A and AAAA records,
//! and NXDOMAIN for everything else under example.test. The directory is judged by
//! `ldapsearch`, keytabs by MIT `kvno -k`.
//!
//! Every test prints `*** samba e2e test NAME ran ***` on stderr once it passed;
//! tests/run-all.sh counts those lines. Without the lab or dnsmasq the tests are
//! skipped loudly (a failure under SPNKT_REQUIRE_PEERS=1). Hosts are
//! `dns-WHAT-TAG.example.test`, accounts `svc-http-dns-WHAT-TAG` (TAG drawn per
//! process), removed at the end.

mod support;

use std::net::UdpSocket;
use std::path::Path;
use std::time::{Duration, Instant};

use support::dnsmasq::{Dnsmasq, dnsmasq_available};
use support::path_str;
use support::samba_lab::*;

fn ran(name: &str) {
    support::announce_ran("samba e2e", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

/// `dns-WHAT-TAG.example.test`.
fn host(what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("dns-{what}-{}.example.test", tag())
}

/// spnkt's default account for [`host`]`(what)`: `svc-http-dns-WHAT-TAG`.
fn account(what: &str) -> String {
    format!("svc-http-dns-{what}-{}", tag())
}

/// The lab and a dnsmasq serving this process's names, or `None` after a loud skip.
fn setup(test: &str) -> Option<(Lab, Dnsmasq)> {
    let lab = lab_available(test)?;
    let binary = dnsmasq_available(test)?;
    // The DC's address: the lab's LDAPS URL host.
    let dc_ip = lab
        .ldaps_url
        .trim_start_matches("ldaps://")
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    // Each test has names of its own (the tests of this file run at once).
    let records = vec![
        format!("--host-record={},192.0.2.10", host("a")),
        format!("--host-record={},192.0.2.11", host("ca")),
        format!("--cname={},{}", host("c"), host("ca")),
        format!("--host-record={},{dc_ip}", lab.dc_host),
        format!("--cname={},{}", host("m"), lab.dc_host),
        format!("--host-record={},192.0.2.16,2001:db8::16", host("6")),
        format!("--host-record={},192.0.2.12", host("pa")),
        format!("--cname={},{}", host("pc"), host("pa")),
        format!("--cname={},{}", host("pm"), lab.dc_host),
    ];
    let dns = Dnsmasq::start(&binary, &lab.domain, &records);
    Some((lab, dns))
}

/// `spnkt ARGS... <directory flags>` asking dnsmasq.
fn spnkt(lab: &Lab, dns: &Dnsmasq, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(lab.spnkt_dir_args());
    lab.spnkt_exact(&all, &[("SPNKT_DNS_SERVER", &dns.addr.to_string())])
}

fn create(lab: &Lab, dns: &Dnsmasq, host: &str, keytab: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "--json",
        "create",
        "--host",
        host,
        "--keytab",
        path_str(keytab),
        "--delegation",
        "none",
        "--yes",
    ];
    args.extend_from_slice(extra);
    spnkt(lab, dns, &args)
}

fn kinds(check: &serde_json::Value) -> Vec<String> {
    check["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {check}"))
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// The SPNs of the account `sam`, as `ldapsearch` reads them.
fn spns_of(lab: &Lab, sam: &str) -> Vec<String> {
    lab.ldap_attr(&format!("(sAMAccountName={sam})"), "servicePrincipalName")
}

#[test]
fn dns_a_record_is_reported_and_create_proceeds() {
    let Some((lab, dns)) = setup("dns_a_record_is_reported_and_create_proceeds") else {
        return;
    };
    let (h, sam) = (host("a"), account("a"));
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = lab.path("a.keytab");
    let run = create(&lab, &dns, &h, &keytab, &[]);
    run.assert_ok();
    let j = run.json();
    let d = &j["plan"]["dns_check"];
    assert_eq!(d["status"], "resolved", "{d}");
    assert_eq!(d["host"], h.as_str());
    assert_eq!(strings(&d["addresses"]), ["192.0.2.10"]);
    assert!(strings(&d["cname_chain"]).is_empty());
    assert_eq!(d["browser_spn"], format!("HTTP/{h}").as_str());
    assert_eq!(d["nameserver"], dns.addr.to_string().as_str());
    assert_eq!(d["dns_queries"], 2, "A and AAAA, one round trip: {d}");
    assert!(kinds(d).is_empty(), "{d}");
    assert!(
        run.stderr
            .contains(&format!("note: DNS: {h} has address 192.0.2.10")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // Judged by the peers: the account holds HTTP/host, and the KDC's ticket for it
    // decrypts with the keytab.
    assert_eq!(spns_of(&lab, &sam), [format!("HTTP/{h}")]);
    let cc = lab.kinit_admin();
    let (ok, out) = lab.kvno_k_output(&keytab, &lab.http_principal(&h), &cc);
    assert!(ok, "kvno -k: {out}");
    ran("dns_a_record_is_reported_and_create_proceeds");
}

#[test]
fn dns_cname_names_the_spn_browsers_ask_for() {
    let Some((lab, dns)) = setup("dns_cname_names_the_spn_browsers_ask_for") else {
        return;
    };
    let (alias, canonical) = (host("c"), host("ca"));
    let sam = account("c");
    // Another account already holds HTTP/<canonical>: browsers get its tickets.
    let holder = format!("svc-http-dns-h-{}", tag());
    let _cleanup = lab.cleanup(&[&sam, &holder]);
    lab.add_user(&holder, &[&format!("HTTP/{canonical}")], None, 0x202);
    let holder_dn = lab.ldap_dns(&format!("(sAMAccountName={holder})"));
    assert_eq!(holder_dn.len(), 1);

    // The dry run's plan shows what DNS says, and changes nothing.
    let keytab = lab.path("c.keytab");
    let mut args = vec![
        "create",
        "--host",
        &alias,
        "--keytab",
        path_str(&keytab),
        "--delegation",
        "none",
        "--dry-run",
    ];
    let text = spnkt(&lab, &dns, &args);
    text.assert_ok();
    assert!(
        text.stdout.contains(&format!(
            "DNS: {alias} is an alias (CNAME): {alias} -> {canonical}, address 192.0.2.11 (nameserver {}); browsers ask for HTTP/{canonical}\n",
            dns.addr
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(&format!(
            "  - warning: {alias} is an alias (CNAME) of {canonical}: browsers ask for a ticket for HTTP/{canonical}"
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("spnkt create --host ") && text.stdout.contains(&canonical),
        "the way out is named: {}",
        text.stdout
    );
    args.insert(0, "--json");
    let run = spnkt(&lab, &dns, &args);
    run.assert_ok();
    let j = run.json();
    let d = &j["plan"]["dns_check"];
    assert_eq!(strings(&d["cname_chain"]), [canonical.as_str()]);
    assert_eq!(d["canonical"], canonical.as_str());
    assert_eq!(d["browser_spn"], format!("HTTP/{canonical}").as_str());
    assert_eq!(kinds(d), ["cname", "canonical_spn_held"], "{d}");
    assert!(
        d["findings"][1]["message"]
            .as_str()
            .unwrap()
            .contains(&holder_dn[0]),
        "{d}"
    );
    let warnings = strings(&j["warnings"]);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        !lab.ldap_exists(&format!("(sAMAccountName={sam})")),
        "a dry run created the account"
    );
    ran("dns_cname_names_the_spn_browsers_ask_for");
}

#[test]
fn dns_cname_to_a_machine_name_is_a_red_flag_but_does_not_block() {
    let Some((lab, dns)) = setup("dns_cname_to_a_machine_name_is_a_red_flag_but_does_not_block")
    else {
        return;
    };
    let (h, sam) = (host("m"), account("m"));
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = lab.path("m.keytab");
    let run = create(&lab, &dns, &h, &keytab, &[]);
    run.assert_ok();
    let j = run.json();
    let d = &j["plan"]["dns_check"];
    assert_eq!(strings(&d["cname_chain"]), [lab.dc_host.as_str()]);
    assert_eq!(d["browser_spn"], format!("HTTP/{}", lab.dc_host).as_str());
    assert_eq!(kinds(d), ["cname_to_machine", "dc_address"], "{d}");
    assert_eq!(d["findings"][0]["severity"], "red_flag");
    // The computer named is the DC, as ldapsearch finds it by its dNSHostName.
    let dc_dn = lab.ldap_dns(&format!(
        "(&(objectClass=computer)(dNSHostName={}))",
        lab.dc_host
    ));
    assert_eq!(dc_dn.len(), 1, "{dc_dn:?}");
    let red = d["findings"][0]["message"].as_str().unwrap();
    assert!(red.contains(&dc_dn[0]), "{red}");
    assert!(red.contains("the domain controller"), "{red}");
    assert!(
        red.contains(&format!("replace the CNAME with an A record for {h}")),
        "{red}"
    );
    let warnings = strings(&j["warnings"]);
    assert!(warnings[0].starts_with("RED FLAG: "), "{warnings:?}");
    assert!(
        run.stderr.contains("warning: RED FLAG: "),
        "not loud on stderr: {}",
        run.stderr
    );
    // Never blocking: the account exists with HTTP/host and its keytab works.
    assert_eq!(spns_of(&lab, &sam), [format!("HTTP/{h}")]);
    let cc = lab.kinit_admin();
    assert!(lab.kvno_k(&keytab, &lab.http_principal(&h), &cc));

    // spn check --host says the same (and exits 0: no SPN problem in the directory).
    let check = spnkt(&lab, &dns, &["--json", "spn", "check", "--host", &h]);
    check.assert_ok();
    let c = check.json();
    assert_eq!(c["ok"], true);
    assert_eq!(kinds(&c["dns_check"]), ["cname_to_machine", "dc_address"]);
    let check = spnkt(&lab, &dns, &["spn", "check", "--host", &h]);
    check.assert_ok();
    assert!(check.stdout.contains("  - RED FLAG: "), "{}", check.stdout);
    let skipped = spnkt(
        &lab,
        &dns,
        &["--json", "spn", "check", "--host", &h, "--no-dns-check"],
    );
    skipped.assert_ok();
    assert_eq!(skipped.json()["dns_check"]["status"], "skipped");
    assert!(!skipped.stderr.contains("RED FLAG"), "{}", skipped.stderr);
    ran("dns_cname_to_a_machine_name_is_a_red_flag_but_does_not_block");
}

#[test]
fn dns_no_record_is_a_warning_and_no_dns_check_skips() {
    let Some((lab, dns)) = setup("dns_no_record_is_a_warning_and_no_dns_check_skips") else {
        return;
    };
    let (h, sam) = (host("n"), account("n"));
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = lab.path("n.keytab");
    let run = create(&lab, &dns, &h, &keytab, &[]);
    run.assert_ok();
    let j = run.json();
    let d = &j["plan"]["dns_check"];
    assert_eq!(d["status"], "no_record", "{d}");
    assert_eq!(kinds(d), ["no_record"]);
    assert_eq!(d["findings"][0]["severity"], "warning");
    assert!(
        run.stderr
            .contains(&format!("warning: DNS has no record for {h}")),
        "{}",
        run.stderr
    );
    assert_eq!(spns_of(&lab, &sam), [format!("HTTP/{h}")]);

    let again = lab.path("n2.keytab");
    let run = create(
        &lab,
        &dns,
        &h,
        &again,
        &["--dry-run", "--rotate", "--no-dns-check"],
    );
    run.assert_ok();
    let j = run.json();
    assert_eq!(j["plan"]["dns_check"]["status"], "skipped");
    assert!(strings(&j["warnings"]).is_empty(), "{j}");
    assert!(!run.stderr.contains("DNS"), "{}", run.stderr);
    ran("dns_no_record_is_a_warning_and_no_dns_check_skips");
}

#[test]
fn dns_aaaa_records_are_read() {
    let Some((lab, dns)) = setup("dns_aaaa_records_are_read") else {
        return;
    };
    let h = host("6");
    let run = spnkt(&lab, &dns, &["--json", "spn", "check", "--host", &h]);
    run.assert_ok();
    let d = &run.json()["dns_check"];
    assert_eq!(d["status"], "resolved", "{d}");
    assert_eq!(strings(&d["addresses"]), ["192.0.2.16", "2001:db8::16"]);
    assert!(kinds(d).is_empty(), "{d}");
    ran("dns_aaaa_records_are_read");
}

#[test]
fn dns_apply_reports_each_service() {
    let Some((lab, dns)) = setup("dns_apply_reports_each_service") else {
        return;
    };
    let (c, m, n) = (host("pc"), host("pm"), host("pn"));
    let sams = [account("pc"), account("pm"), account("pn")];
    let _cleanup = lab.cleanup(&[&sams[0], &sams[1], &sams[2]]);
    let dir = lab.path("plan");
    std::fs::create_dir(&dir).unwrap();
    let plan = dir.join("dns.toml");
    std::fs::write(
        &plan,
        format!(
            r#"name = "dns-{tag}"
[directory]
ldap_url = "{url}"
ca_cert = "{ca}"
bind_user = "{user}"
bind_password_env = "{env}"
realm = "{realm}"
kdc = "{kdc}"

[[service]]
host = "{c}"
delegation = "none"
keytab = "web.keytab"

[[service]]
host = "{m}"
delegation = "none"
keytab = "web.keytab"

[[service]]
host = "{n}"
delegation = "none"
keytab = "web.keytab"
dns_check = false
"#,
            tag = tag(),
            url = lab.ldaps_url,
            ca = path_str(&lab.ca_cert),
            user = lab.admin_user,
            env = BIND_PASSWORD_ENV,
            realm = lab.realm,
            kdc = lab.kdc,
        ),
    )
    .unwrap();
    let apply = |extra: &[&str]| {
        let mut args = vec![
            "--json".to_owned(),
            "apply".to_owned(),
            path_str(&plan).to_owned(),
            "--dry-run".to_owned(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        lab.spnkt_exact(&args, &[("SPNKT_DNS_SERVER", &dns.addr.to_string())])
    };
    let run = apply(&[]);
    assert_eq!(run.code, 10, "{}", run.text());
    let j = run.json();
    let s = j["services"].as_array().unwrap();
    assert_eq!(s.len(), 3, "{j}");
    assert_eq!(kinds(&s[0]["dns_check"]), ["cname"]);
    assert_eq!(s[0]["dns_check"]["canonical"], host("pa").as_str());
    assert_eq!(strings(&s[0]["warnings"]).len(), 1);
    assert_eq!(
        kinds(&s[1]["dns_check"]),
        ["cname_to_machine", "dc_address"]
    );
    assert!(strings(&s[1]["warnings"])[0].starts_with("RED FLAG: "));
    assert_eq!(s[2]["dns_check"]["status"], "skipped");
    assert!(s[2].get("warnings").is_none(), "{}", s[2]);
    // The text report carries them under each service.
    let text = lab.spnkt_exact(
        &[
            "apply".to_owned(),
            path_str(&plan).to_owned(),
            "--dry-run".to_owned(),
        ],
        &[("SPNKT_DNS_SERVER", &dns.addr.to_string())],
    );
    assert_eq!(text.code, 10, "{}", text.text());
    assert!(
        text.stdout.contains("    warning: RED FLAG: "),
        "{}",
        text.stdout
    );
    // --no-dns-check: every service skipped.
    let run = apply(&["--no-dns-check"]);
    assert_eq!(run.code, 10, "{}", run.text());
    for s in run.json()["services"].as_array().unwrap() {
        assert_eq!(s["dns_check"]["status"], "skipped", "{s}");
    }
    for sam in &sams {
        assert!(!lab.ldap_exists(&format!("(sAMAccountName={sam})")));
    }
    ran("dns_apply_reports_each_service");
}

#[test]
fn dns_silent_nameserver_is_a_note_within_the_deadline() {
    let Some((lab, _dns)) = setup("dns_silent_nameserver_is_a_note_within_the_deadline") else {
        return;
    };
    // A UDP port that takes every query and answers none.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let h = host("s");
    let keytab = lab.path("s.keytab");
    let args: Vec<String> = [
        "--json",
        "create",
        "--host",
        &h,
        "--keytab",
        path_str(&keytab),
        "--delegation",
        "none",
        "--dry-run",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(lab.spnkt_dir_args())
    .collect();
    let start = Instant::now();
    let run = lab.spnkt_exact(&args, &[("SPNKT_DNS_SERVER", &addr)]);
    let took = start.elapsed();
    run.assert_ok();
    let j = run.json();
    assert_eq!(j["plan"]["dns_check"]["status"], "not_checked");
    assert_eq!(kinds(&j["plan"]["dns_check"]), ["not_checked"]);
    assert!(
        strings(&j["notes"])
            .iter()
            .any(|n| n.starts_with(&format!("could not check DNS for {h}: nameserver {addr}"))),
        "{j}"
    );
    assert!(strings(&j["warnings"]).is_empty(), "{j}");
    // The check's budget is 1.5 s; the rest of a dry run takes well under a second.
    assert!(took < Duration::from_secs(5), "{took:?}");
    drop(silent);
    ran("dns_silent_nameserver_is_a_note_within_the_deadline");
}

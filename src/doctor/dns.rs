//! Step 1: the URL's host in DNS, with the DNS check `spnkt create` runs
//! ([`crate::provision::dnscheck`]): its CNAME chain and addresses, and so the name
//! a browser asks a ticket for.

use std::net::IpAddr;

use super::report::{Status, StepKind, StepReport};
use super::target::Target;
use crate::dns::{CheckStatus, HostCheck, Severity};
use crate::provision::{Collect, Session, dnscheck};

/// What the DNS step found.
#[derive(Debug)]
pub struct Outcome {
    /// The step's report.
    pub report: StepReport,
    /// The name a browser asks a ticket for: the end of the CNAME chain.
    pub browser_host: String,
    /// The addresses to connect to (empty: let the system resolver find them).
    pub addresses: Vec<IpAddr>,
}

/// What browsers do with the name, in words.
fn browser_note(target: &Target, browser_host: &str) -> String {
    let mut s = format!(
        "browsers ask a ticket for HTTP/{browser_host}: Chrome, Edge and Firefox ask for the canonical name of a CNAME by default (the Chrome and Edge policy DisableAuthNegotiateCnameLookup makes them ask for HTTP/{} instead)",
        target.host
    );
    if target.explicit_port {
        s.push_str(&format!(
            "; the port {} is not part of the SPN unless the Chrome and Edge policy EnableAuthNegotiatePort is set (then HTTP/{browser_host}:{})",
            target.port, target.port
        ));
    }
    s
}

/// Check `target`'s host; with a directory session the canonical name is also
/// looked up there (a computer's own name is the classic SPNEGO breaker).
pub fn run(target: &Target, session: Option<&mut Session>) -> Outcome {
    if let Some(ip) = target.ip() {
        let mut report = StepReport::new(
            StepKind::Dns,
            format!("the URL names the IP address {ip}, not a host name"),
        );
        report.fail(
            "ip_address",
            format!("{} is an IP address", target.host),
            "browsers do not use Kerberos for a site named by its IP address: there is no SPN for it in AD, so they fall back to NTLM or a password prompt",
            "use the site's DNS name in the URL (and give that name an A record)",
        );
        return Outcome {
            report,
            browser_host: target.host.clone(),
            addresses: vec![ip],
        };
    }
    let mut quiet = Collect::default();
    let check = match session {
        Some(s) => dnscheck::check(s, &target.host, None, &mut quiet),
        None => dnscheck::check_without_directory(&target.host, &mut quiet),
    };
    let browser_host = check.canonical.clone();
    let addresses = check
        .addresses
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect();
    let report = judge(target, &check);
    Outcome {
        report,
        browser_host,
        addresses,
    }
}

/// The step's report from the DNS check.
fn judge(target: &Target, check: &HostCheck) -> StepReport {
    let summary = check
        .summary()
        .strip_prefix("DNS: ")
        .map(str::to_owned)
        .unwrap_or_else(|| check.summary());
    let mut r = StepReport::new(StepKind::Dns, summary);
    match check.status {
        CheckStatus::NotChecked | CheckStatus::Skipped => {
            let why = check.findings.first().map_or_else(
                || "no nameserver answered".to_owned(),
                |f| f.message.clone(),
            );
            r.warn(
                "not_checked",
                why,
                Some("check SPNKT_DNS_SERVER or the nameservers of /etc/resolv.conf; the web step uses the system's resolver meanwhile".into()),
            );
        }
        CheckStatus::NoRecord => {
            let message = check
                .findings
                .first()
                .map_or_else(|| check.summary(), |f| f.message.clone());
            r.fail(
                "no_record",
                message,
                format!(
                    "DNS has no A, AAAA or CNAME record for {}: browsers cannot reach the site",
                    target.host
                ),
                format!(
                    "give {} an A record (not a CNAME), so browsers ask for HTTP/{}",
                    target.host, target.host
                ),
            );
        }
        CheckStatus::Resolved => {
            for f in &check.findings {
                match (f.kind, f.severity) {
                    // The directory step reports the holders, for the canonical name.
                    ("canonical_spn_held", _) => {}
                    ("cname_to_machine", _) => r.fail(
                        "cname_to_machine",
                        f.message.clone(),
                        format!(
                            "{} is a CNAME of a computer's own name: browsers ask for HTTP/{}, which AD answers with a ticket under that computer's key (HOST/{}), which the web server's keytab cannot decrypt",
                            target.host, check.canonical, check.canonical
                        ),
                        format!(
                            "replace the CNAME with an A record for {}, so browsers ask for HTTP/{}",
                            target.host, target.host
                        ),
                    ),
                    ("no_address", _) => r.fail(
                        "no_address",
                        f.message.clone(),
                        format!("{} resolves to no address: browsers cannot reach the site", check.canonical),
                        format!("give {} an A record", check.canonical),
                    ),
                    ("cname", _) => r.warn(
                        "cname",
                        format!(
                            "{} is an alias (CNAME) of {}: browsers ask for HTTP/{}, so that is the SPN the service account must hold",
                            target.host, check.canonical, check.canonical
                        ),
                        Some(format!(
                            "an A record for {} makes browsers ask for HTTP/{}; or keep the CNAME and give the account HTTP/{} (spnkt spn add)",
                            target.host, target.host, check.canonical
                        )),
                    ),
                    (kind, Severity::RedFlag) => r.fail(kind, f.message.clone(), f.message.clone(), "fix DNS first"),
                    (kind, Severity::Warning) => r.warn(kind, f.message.clone(), None),
                    (kind, Severity::Note) => r.fact(kind, f.message.clone()),
                }
            }
        }
    }
    if check.status != CheckStatus::NoRecord {
        r.add(
            Status::Ok,
            "browser_spn",
            browser_note(target, &check.canonical),
        );
    }
    r.with_facts(check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::Finding;

    fn resolved(chain: &[&str], findings: Vec<Finding>) -> HostCheck {
        let mut c = HostCheck::without_answer("www.example.test", CheckStatus::Resolved);
        c.cname_chain = chain.iter().map(|s| s.to_string()).collect();
        if let Some(last) = chain.last() {
            c.canonical = (*last).to_owned();
            c.browser_spn = format!("HTTP/{last}");
        }
        c.addresses = vec!["127.0.0.1".into()];
        c.nameserver = Some("127.0.0.1:53".into());
        c.findings = findings;
        c
    }

    #[test]
    fn an_a_record_is_fine_an_alias_a_warning_a_machine_name_a_failure() {
        let t = Target::parse("https://www.example.test:8443/").unwrap();
        let r = judge(&t, &resolved(&[], vec![]));
        assert_eq!(r.status, Status::Ok);
        assert_eq!(
            r.summary,
            "www.example.test has address 127.0.0.1 (nameserver 127.0.0.1:53)"
        );
        let note = &r.findings.last().unwrap().message;
        assert!(
            note.contains("HTTP/www.example.test") && note.contains("EnableAuthNegotiatePort"),
            "{note}"
        );

        let alias = Finding {
            severity: Severity::Warning,
            kind: "cname",
            message: "alias".into(),
        };
        let r = judge(&t, &resolved(&["web1.example.test"], vec![alias]));
        assert_eq!(r.status, Status::Warn);
        assert!(r.findings[0].message.contains("HTTP/web1.example.test"));

        let machine = Finding {
            severity: Severity::RedFlag,
            kind: "cname_to_machine",
            message: "machine".into(),
        };
        let r = judge(&t, &resolved(&["dc1.example.test"], vec![machine]));
        assert_eq!(r.status, Status::Fail);
        assert!(
            r.cause
                .as_deref()
                .unwrap()
                .contains("HOST/dc1.example.test")
        );
        assert!(
            r.fix
                .as_deref()
                .unwrap()
                .contains("A record for www.example.test")
        );

        let none = HostCheck::without_answer("www.example.test", CheckStatus::NoRecord);
        assert_eq!(judge(&t, &none).status, Status::Fail);
        let unasked = HostCheck::without_answer("www.example.test", CheckStatus::NotChecked);
        assert_eq!(judge(&t, &unasked).status, Status::Warn);
    }

    #[test]
    fn an_ip_address_is_no_kerberos_name() {
        let t = Target::parse("http://127.0.0.1/").unwrap();
        let o = run(&t, None);
        assert_eq!(o.report.status, Status::Fail);
        assert_eq!(o.addresses, vec!["127.0.0.1".parse::<IpAddr>().unwrap()]);
    }
}

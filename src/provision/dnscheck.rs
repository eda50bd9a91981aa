//! The DNS check of a web site's host name. SPNEGO fails quietly when the name in
//! the URL is not the name the browser asks a ticket for: browsers resolve a CNAME
//! and ask for `HTTP/<the canonical name>`, and when that is a computer's own name
//! AD answers with a ticket keyed with the computer's password (its `HOST/` key),
//! which no service account's keytab decrypts.
//!
//! [`check`] asks DNS for the host's A and AAAA records (both questions at once,
//! CNAMEs followed within the replies: [`crate::dns::Resolver::lookup_host`], within
//! [`BUDGET`]); for an alias it looks the canonical name up in the directory
//! (computers by `dNSHostName` or `sAMAccountName`, holders of `HOST/` and `HTTP/`
//! of that name); it compares the addresses with the domain controller's; and it
//! returns a [`HostCheck`]. It never fails and never stops an operation: a
//! nameserver that cannot be asked is a note ("could not check DNS"), no record is
//! a warning (the site may not exist yet), and a CNAME to a machine name is an
//! [`alarm`](Progress::alarm) saying what to do.

use std::net::{IpAddr, ToSocketAddrs as _};
use std::time::Duration;

use super::{Progress, Session};
use crate::ad::account::Uac;
use crate::ad::ldap::{Scope, escape_filter_value};
use crate::dns::{CheckStatus, DnsError, Finding, HostAddresses, HostCheck, Resolver, Severity};

/// The whole DNS check of one host may take this long (every nameserver tried).
pub const BUDGET: Duration = Duration::from_millis(1500);
/// Unanswered questions are sent again after this long, then after twice as long,
/// and so on (a reply to an earlier copy still counts): one lost datagram costs
/// this much, a slow nameserver still has the budget.
pub const FIRST_WAIT: Duration = Duration::from_millis(100);
/// Attempts per nameserver (the budget ends them first: 0.1 + 0.2 + 0.4 + 0.8 s).
pub const ATTEMPTS: u32 = 5;

/// The report of a check that was not made (`--no-dns-check`).
pub fn skipped(host: &str) -> HostCheck {
    HostCheck::without_answer(host, CheckStatus::Skipped)
}

/// Check `host` with the nameservers of `SPNKT_DNS_SERVER` or /etc/resolv.conf.
/// `account` is the DN of the account that holds (or is to hold) `HTTP/host`, if
/// known. Findings go to `progress` as they are found in the report.
pub fn check(
    session: &mut Session,
    host: &str,
    account: Option<&str>,
    progress: &mut dyn Progress,
) -> HostCheck {
    match Resolver::from_env() {
        Ok(mut resolver) => {
            resolver.timeout = FIRST_WAIT;
            resolver.attempts = ATTEMPTS;
            resolver.backoff = true;
            check_with(session, host, account, &resolver, progress)
        }
        Err(e) => not_checked(host, &e.to_string(), progress),
    }
}

/// [`check`] with the given resolver.
pub fn check_with(
    session: &mut Session,
    host: &str,
    account: Option<&str>,
    resolver: &Resolver,
    progress: &mut dyn Progress,
) -> HostCheck {
    if let Some(why) = &session.dns_unreachable {
        let why = format!("{why} (earlier in this run; not asked again)");
        return not_checked(host, &why, progress);
    }
    let found = match resolver.lookup_host(host, BUDGET) {
        Ok(f) => f,
        Err(e) => {
            // A nameserver that does not answer is not waited for again by the
            // next service of an `apply`.
            if matches!(e, DnsError::Timeout { .. }) {
                session.dns_unreachable = Some(e.to_string());
            }
            return not_checked(host, &e.to_string(), progress);
        }
    };
    let mut report = report_of(&found);
    let mut findings = Vec::new();
    if found.is_empty() {
        findings.push(no_record(&found));
    }
    if report.is_alias() {
        findings.extend(alias_findings(session, &report, account, progress));
        if found.addresses.is_empty() {
            findings.push(warning(
                "no_address",
                format!(
                    "{}, the end of {host}'s CNAME chain, has no address{}: browsers cannot reach the site",
                    report.canonical,
                    if found.nxdomain {
                        " (the nameserver says it does not exist)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    findings.extend(dc_address_findings(session, host, &found.addresses));
    progress.note(report.summary());
    for f in &findings {
        match f.severity {
            Severity::Note => progress.note(f.message.clone()),
            Severity::Warning => progress.warn(f.message.clone()),
            Severity::RedFlag => progress.alarm(f.message.clone()),
        }
    }
    report.findings = findings;
    report
}

/// [`check`] without a directory (`spnkt doctor` when it cannot bind): what DNS
/// says, the name browsers ask for and a missing record or address, without the
/// findings that need the directory (a machine's name, the holders of the SPN,
/// the domain controller's address).
pub fn check_without_directory(host: &str, progress: &mut dyn Progress) -> HostCheck {
    let resolver = match Resolver::from_env() {
        Ok(mut r) => {
            r.timeout = FIRST_WAIT;
            r.attempts = ATTEMPTS;
            r.backoff = true;
            r
        }
        Err(e) => return not_checked(host, &e.to_string(), progress),
    };
    let found = match resolver.lookup_host(host, BUDGET) {
        Ok(f) => f,
        Err(e) => return not_checked(host, &e.to_string(), progress),
    };
    let mut report = report_of(&found);
    if found.is_empty() {
        report.findings.push(no_record(&found));
    } else if report.is_alias() && found.addresses.is_empty() {
        report.findings.push(warning(
            "no_address",
            format!(
                "{}, the end of {host}'s CNAME chain, has no address: browsers cannot reach the site",
                report.canonical
            ),
        ));
    }
    progress.note(report.summary());
    report
}

fn report_of(found: &HostAddresses) -> HostCheck {
    let canonical = found.canonical().to_owned();
    HostCheck {
        host: found.name.clone(),
        status: if found.is_empty() {
            CheckStatus::NoRecord
        } else {
            CheckStatus::Resolved
        },
        nameserver: Some(found.server.to_string()),
        cname_chain: found.chain.clone(),
        browser_spn: format!("HTTP/{canonical}"),
        canonical,
        addresses: found.addresses.iter().map(IpAddr::to_string).collect(),
        dns_queries: found.queries,
        findings: Vec::new(),
    }
}

fn warning(kind: &'static str, message: String) -> Finding {
    Finding {
        severity: Severity::Warning,
        kind,
        message,
    }
}

fn not_checked(host: &str, why: &str, progress: &mut dyn Progress) -> HostCheck {
    let mut report = HostCheck::without_answer(host, CheckStatus::NotChecked);
    let message = format!("could not check DNS for {host}: {why}");
    progress.note(message.clone());
    report.findings.push(Finding {
        severity: Severity::Note,
        kind: "not_checked",
        message,
    });
    report
}

fn no_record(found: &HostAddresses) -> Finding {
    warning(
        "no_record",
        format!(
            "DNS has no record for {host} (nameserver {ns}: {what}): browsers cannot reach the site yet; when it goes live give it an A record (not a CNAME), so browsers ask for HTTP/{host}",
            host = found.name,
            ns = found.server,
            what = if found.nxdomain {
                "no such name"
            } else {
                "no A, AAAA or CNAME record"
            },
        ),
    )
}

/// A computer (or another object holding `HOST/name`) whose name is `name`.
struct Machine {
    dn: String,
    is_dc: bool,
}

/// The canonical name of an alias against the directory: is it a machine's name,
/// who holds `HTTP/` of it. A directory that cannot be asked is a note.
fn alias_findings(
    session: &mut Session,
    report: &HostCheck,
    account: Option<&str>,
    progress: &mut dyn Progress,
) -> Vec<Finding> {
    let host = &report.host;
    let canonical = &report.canonical;
    let browser_spn = &report.browser_spn;
    let mut out = Vec::new();
    let machines = match machines_named(session, canonical) {
        Ok(m) => m,
        Err(e) => {
            progress.note(format!(
                "could not check in the directory whether {canonical} is a machine name: {e}"
            ));
            Vec::new()
        }
    };
    let fix = format!(
        "replace the CNAME with an A record for {host}{}, so browsers ask for HTTP/{host}",
        match report.addresses.as_slice() {
            [] => String::new(),
            a => format!(" ({})", a.join(", ")),
        }
    );
    match machines.first() {
        Some(m) => out.push(Finding {
            severity: Severity::RedFlag,
            kind: "cname_to_machine",
            message: format!(
                "{host} is an alias (CNAME) of {canonical}, the name of the {} {}: browsers will ask for {browser_spn}, and AD answers with a ticket encrypted with that computer's own key (HOST/{canonical}), which no keytab of a service account decrypts, so SPNEGO for https://{host}/ will fail. What to do: {fix}",
                if m.is_dc {
                    "domain controller"
                } else {
                    "computer"
                },
                m.dn,
            ),
        }),
        None => out.push(warning(
            "cname",
            format!(
                "{host} is an alias (CNAME) of {canonical}: browsers ask for a ticket for {browser_spn}, not HTTP/{host}, so the account should hold {browser_spn} (spnkt create --host {canonical}, or spnkt spn add --account NAME {browser_spn}); or {fix}"
            ),
        )),
    }
    match session.dir.find_spn(browser_spn) {
        Ok(holders) => {
            let (same, others): (Vec<_>, Vec<_>) = holders
                .iter()
                .partition(|h| account.is_some_and(|a| a.eq_ignore_ascii_case(&h.dn)));
            if !others.is_empty() {
                let dns: Vec<&str> = others.iter().map(|h| h.dn.as_str()).collect();
                out.push(warning(
                    "canonical_spn_held",
                    format!(
                        "{browser_spn} is held by {}: browsers that follow the CNAME get tickets for that account's keys, not for this one's",
                        dns.join(", ")
                    ),
                ));
            }
            if let Some(h) = same.first() {
                out.push(Finding {
                    severity: Severity::Note,
                    kind: "canonical_spn_held",
                    message: format!(
                        "{browser_spn} is held by this account too ({}): browsers' tickets for it are encrypted with its keys",
                        h.dn
                    ),
                });
            }
        }
        Err(e) => progress.note(format!(
            "could not look up {browser_spn} in the directory: {e}"
        )),
    }
    out
}

/// Computers whose `dNSHostName` is `name` (or, for a name in the directory's own
/// domain, whose `sAMAccountName` is its first label and `$`), and every object
/// holding `HOST/name`.
fn machines_named(
    session: &mut Session,
    name: &str,
) -> Result<Vec<Machine>, crate::ad::ldap::LdapError> {
    let domain = session.realm.to_ascii_lowercase();
    let label = name.split('.').next().unwrap_or(name);
    let by_dns = format!("(dNSHostName={})", escape_filter_value(name));
    let filter = if name.ends_with(&format!(".{domain}")) {
        format!(
            "(&(objectClass=computer)(|{by_dns}(sAMAccountName={}$)))",
            escape_filter_value(label)
        )
    } else {
        format!("(&(objectClass=computer){by_dns})")
    };
    let base = session.base_dn.clone();
    let computers = session.dir.search(
        &base,
        Scope::Subtree,
        &filter,
        &["dNSHostName", "sAMAccountName", "userAccountControl"],
    )?;
    let mut out: Vec<Machine> = computers
        .iter()
        .map(|c| Machine {
            dn: c.dn.clone(),
            is_dc: c
                .first("userAccountControl")
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|u| u & Uac::SERVER_TRUST_ACCOUNT != 0),
        })
        .collect();
    for h in session.dir.find_spn(&format!("HOST/{name}"))? {
        if !out.iter().any(|m| m.dn.eq_ignore_ascii_case(&h.dn)) {
            out.push(Machine {
                dn: h.dn,
                is_dc: false,
            });
        }
    }
    // A domain controller first: the loudest case.
    out.sort_by_key(|m| !m.is_dc);
    Ok(out)
}

/// The addresses of the domain controller of the run: its URL's host (resolved as
/// the connection resolved it) and the KDC's, when that is an address.
fn dc_addresses(session: &Session) -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut add = |hostport: &str| {
        let host = super::locate::host_of(hostport);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let found: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => (host, 0)
                .to_socket_addrs()
                .map(|a| a.map(|s| s.ip()).collect())
                .unwrap_or_default(),
        };
        for ip in found {
            if !out.contains(&ip) {
                out.push(ip);
            }
        }
    };
    add(&super::locate::kdc_of_url(&session.url));
    if let Some(kdc) = &session.kdc
        && super::locate::host_of(kdc)
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok()
    {
        add(kdc);
    }
    out
}

fn dc_address_findings(session: &Session, host: &str, addresses: &[IpAddr]) -> Vec<Finding> {
    if addresses.is_empty() {
        return Vec::new();
    }
    let dc = dc_addresses(session);
    addresses
        .iter()
        .filter(|a| dc.contains(a))
        .map(|a| {
            warning(
                "dc_address",
                format!(
                    "{host} has the address {a}, the address of the domain controller {}: a web site should not share it (clients that find the name of an address by reverse DNS, such as MIT Kerberos with its default rdns = true, ask for HTTP/ of the DC's own name, a machine name)",
                    session.dc
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(chain: &[&str], addresses: &[&str], nxdomain: bool) -> HostAddresses {
        HostAddresses {
            name: "www.example.test".into(),
            chain: chain.iter().map(|s| s.to_string()).collect(),
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            nxdomain,
            server: "127.0.0.1:53".parse().unwrap(),
            queries: 2,
        }
    }

    #[test]
    fn reports() {
        let r = report_of(&found(&[], &["192.0.2.1"], false));
        assert_eq!(r.status, CheckStatus::Resolved);
        assert_eq!(r.browser_spn, "HTTP/www.example.test");
        assert_eq!(
            r.summary(),
            "DNS: www.example.test has address 192.0.2.1 (nameserver 127.0.0.1:53)"
        );
        let r = report_of(&found(
            &["web.example.test", "dc1.example.test"],
            &["127.0.0.1", "::1"],
            false,
        ));
        assert!(r.is_alias());
        assert_eq!(r.canonical, "dc1.example.test");
        assert_eq!(r.browser_spn, "HTTP/dc1.example.test");
        assert_eq!(
            r.summary(),
            "DNS: www.example.test is an alias (CNAME): www.example.test -> web.example.test -> dc1.example.test, addresses 127.0.0.1, ::1 (nameserver 127.0.0.1:53); browsers ask for HTTP/dc1.example.test"
        );
        let empty = found(&[], &[], true);
        let r = report_of(&empty);
        assert_eq!(r.status, CheckStatus::NoRecord);
        assert!(no_record(&empty).message.contains("no such name"));
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["status"], "no_record");
        assert_eq!(j["cname_chain"], serde_json::json!([]));
        let s = skipped("x.example.test");
        assert_eq!(
            s.to_string(),
            "DNS: x.example.test not checked (--no-dns-check)\n"
        );
        let mut silent = super::super::Collect::default();
        let n = not_checked(
            "x.example.test",
            "nameserver 10.0.0.1:53 did not answer",
            &mut silent,
        );
        assert_eq!(n.findings[0].kind, "not_checked");
        assert_eq!(silent.notes.len(), 1);
        assert!(silent.warnings.is_empty());
    }

    #[test]
    fn alarms_are_loud_by_default() {
        let mut c = super::super::Collect::default();
        c.alarm("x".into());
        assert_eq!(c.warnings, ["RED FLAG: x"]);
    }
}

//! `spnkt spn list|add|remove|check`: setspn -L/-Q/-S/-D/-X over LDAP.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::directory::{self, Session};
use super::{Outcome, Reported, Ui};
use crate::ad::account::ServiceAccount;
use crate::ad::ldap::{Entry, Scope, escape_filter_value};
use crate::cli::{SpnChangeArgs, SpnCheckArgs, SpnListArgs};
use crate::exit::CliError;
use crate::hostname;

const ATTRS: &[&str] = &["sAMAccountName", "servicePrincipalName", "objectClass"];

fn search(session: &mut Session, filter: &str) -> anyhow::Result<Vec<Entry>> {
    let base = session.base_dn.clone();
    session
        .dir
        .search(&base, Scope::Subtree, filter, ATTRS)
        .map_err(|e| {
            directory::ldap_error(
                e,
                "cannot search for SPNs",
                "check --base-dn and the bind account's read rights",
            )
        })
}

/// The host part of an SPN (`HTTP/host:port/name` → `host`).
pub fn spn_host(spn: &str) -> Option<&str> {
    let rest = spn.split_once('/')?.1;
    let host = rest.split('/').next()?;
    Some(host.split(':').next().unwrap_or(host))
}

fn host_filter(host: &str) -> String {
    let h = escape_filter_value(host);
    format!(
        "(|(servicePrincipalName=*/{h})(servicePrincipalName=*/{h}:*)(servicePrincipalName=*/{h}/*))"
    )
}

fn lower_host(input: &str) -> Result<String, CliError> {
    let h = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if h.is_empty() || h.contains(['/', '@', '*', '(', ')']) {
        return Err(
            CliError::usage(format!("--host `{input}` is not a host name"))
                .hint("e.g. --host app1.example.com"),
        );
    }
    Ok(h)
}

#[derive(Debug, Serialize)]
struct Holder {
    dn: String,
    sam_account_name: Option<String>,
    is_computer: bool,
    spns: Vec<String>,
}

pub fn list(args: &SpnListArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = args.host.as_deref().map(lower_host).transpose()?;
    if let Some(a) = &args.account {
        hostname::check_sam_account_name(a)?;
    }
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let holders: Vec<Holder> = if let Some(a) = &args.account {
        let base = session.base_dn.clone();
        let acc = session.dir.find_account(&base, a).map_err(|e| {
            directory::ldap_error(e, &format!("cannot look up {a}"), "check --base-dn")
        })?;
        let acc = acc.ok_or_else(|| {
            CliError::failure(format!("no account named {a} under {base}"))
                .hint("check the name (sAMAccountName) and --base-dn")
        })?;
        vec![Holder {
            dn: acc.dn,
            sam_account_name: Some(acc.sam_account_name),
            is_computer: acc.is_computer,
            spns: acc.service_principal_names,
        }]
    } else {
        let filter = host
            .as_deref()
            .map_or_else(|| "(servicePrincipalName=HTTP/*)".to_owned(), host_filter);
        search(&mut session, &filter)?
            .into_iter()
            .map(|e| {
                let spns = e
                    .values("servicePrincipalName")
                    .iter()
                    .filter(|s| match &host {
                        Some(h) => spn_host(s).is_some_and(|x| x.eq_ignore_ascii_case(h)),
                        None => s.to_ascii_uppercase().starts_with("HTTP/"),
                    })
                    .cloned()
                    .collect();
                Holder {
                    sam_account_name: e.first("sAMAccountName").map(str::to_owned),
                    is_computer: e
                        .values("objectClass")
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case("computer")),
                    dn: e.dn,
                    spns,
                }
            })
            .filter(|h| !h.spns.is_empty())
            .collect()
    };
    let mut human = String::new();
    if holders.is_empty() {
        human.push_str("no SPNs found\n");
    }
    for h in &holders {
        let _ = writeln!(
            human,
            "{} ({}{}):",
            h.dn,
            h.sam_account_name.as_deref().unwrap_or("-"),
            if h.is_computer { ", computer" } else { "" }
        );
        for s in &h.spns {
            let _ = writeln!(human, "  {s}");
        }
    }
    Ok(Outcome {
        human,
        json: Some(
            serde_json::json!({"accounts": holders, "ldap_round_trips": session.dir.round_trips()}),
        ),
    })
}

fn account_for(session: &mut Session, name: &str) -> anyhow::Result<ServiceAccount> {
    let base = session.base_dn.clone();
    session
        .dir
        .find_account(&base, name)
        .map_err(|e| {
            directory::ldap_error(e, &format!("cannot look up {name}"), "check --base-dn")
        })?
        .ok_or_else(|| {
            CliError::failure(format!("no account named {name} under {base}"))
                .hint("check the name (sAMAccountName) and --base-dn")
                .into()
        })
}

pub fn add(args: &SpnChangeArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let spn = hostname::check_spn(args.spn.trim())?;
    hostname::check_sam_account_name(&args.account)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let acc = account_for(&mut session, &args.account)?;
    let holders = session.dir.find_spn(&spn).map_err(|e| {
        directory::ldap_error(
            e,
            &format!("cannot look up {spn}"),
            "check the bind account's read rights",
        )
    })?;
    if acc
        .service_principal_names
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&spn))
    {
        ui.note(format!("{} already holds {spn}; nothing to do", acc.dn));
        return Ok(Outcome {
            human: format!("{} already holds {spn}\n", acc.dn),
            json: Some(serde_json::json!({"changed": false, "account": acc.dn, "spn": spn})),
        });
    }
    if let Some(other) = holders.iter().find(|h| !h.dn.eq_ignore_ascii_case(&acc.dn)) {
        return Err(CliError::usage(format!(
            "{spn} is already held by {}; a duplicate SPN breaks Kerberos for it",
            other.dn
        ))
        .hint("remove it there first (`spnkt spn remove --account NAME SPN`)")
        .into());
    }
    if let Some(h) = spn_host(&spn) {
        let host_spn = format!("HOST/{h}");
        let clash = session.dir.find_spn(&host_spn).unwrap_or_default();
        if let Some(c) = clash.first() {
            ui.warn(format!(
                "{host_spn} is held by {}: {h} is a machine name, and Kerberos may pick that computer's key",
                c.dn
            ));
        }
    }
    session
        .dir
        .add_values(&acc.dn, "servicePrincipalName", std::slice::from_ref(&spn))
        .map_err(|e| {
            anyhow::Error::new(super::provision::ldap_write_error(
                &e,
                &format!("cannot add {spn} to {}", acc.dn),
            ))
        })?;
    Ok(Outcome {
        human: format!("added {spn} to {}\n", acc.dn),
        json: Some(
            serde_json::json!({"changed": true, "account": acc.dn, "spn": spn, "ldap_round_trips": session.dir.round_trips()}),
        ),
    })
}

pub fn remove(args: &SpnChangeArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let spn = args.spn.trim().to_owned();
    if !spn.contains('/') {
        return Err(CliError::usage(format!("`{spn}` is not an SPN (no `/`)"))
            .hint("SPNs look like HTTP/app1.example.com")
            .into());
    }
    hostname::check_sam_account_name(&args.account)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let acc = account_for(&mut session, &args.account)?;
    let Some(stored) = acc
        .service_principal_names
        .iter()
        .find(|s| s.eq_ignore_ascii_case(&spn))
        .cloned()
    else {
        return Err(CliError::failure(format!("{} does not hold {spn}", acc.dn))
            .hint(format!(
                "its SPNs: {}",
                acc.service_principal_names.join(", ")
            ))
            .into());
    };
    session
        .dir
        .delete_values(
            &acc.dn,
            "servicePrincipalName",
            std::slice::from_ref(&stored),
        )
        .map_err(|e| {
            anyhow::Error::new(super::provision::ldap_write_error(
                &e,
                &format!("cannot remove {stored} from {}", acc.dn),
            ))
        })?;
    Ok(Outcome {
        human: format!("removed {stored} from {}\n", acc.dn),
        json: Some(
            serde_json::json!({"changed": true, "account": acc.dn, "spn": stored, "ldap_round_trips": session.dir.round_trips()}),
        ),
    })
}

/// One problem found by `spn check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `duplicate` or `host_clash`.
    pub kind: &'static str,
    pub spn: String,
    pub holders: Vec<String>,
    pub detail: String,
}

/// Find duplicate SPNs and HTTP/x vs HOST/x clashes among `(dn, spns)`.
pub fn find_problems(objects: &[(String, Vec<String>)], host: Option<&str>) -> Vec<Problem> {
    // Lower-cased SPN -> (the SPN as first seen, its holders).
    let mut by_spn: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (dn, spns) in objects {
        for s in spns {
            let (_, holders) = by_spn
                .entry(s.to_ascii_lowercase())
                .or_insert_with(|| (s.clone(), Vec::new()));
            if !holders.iter().any(|h| h.eq_ignore_ascii_case(dn)) {
                holders.push(dn.clone());
            }
        }
    }
    let wanted =
        |spn: &str| host.is_none_or(|h| spn_host(spn).is_some_and(|x| x.eq_ignore_ascii_case(h)));
    let mut problems = Vec::new();
    for (spn, holders) in by_spn.values() {
        if holders.len() > 1 && wanted(spn) {
            problems.push(Problem {
                kind: "duplicate",
                spn: spn.clone(),
                holders: holders.clone(),
                detail: format!(
                    "{spn} is held by {} objects: the KDC cannot tell which key to use and Kerberos fails for it",
                    holders.len()
                ),
            });
        }
    }
    for (key, (spn, holders)) in &by_spn {
        let Some(rest) = key.strip_prefix("http/") else {
            continue;
        };
        if !wanted(spn) {
            continue;
        }
        if let Some((_, host_holders)) = by_spn.get(&format!("host/{rest}")) {
            let others: Vec<String> = host_holders
                .iter()
                .filter(|h| !holders.iter().any(|x| x.eq_ignore_ascii_case(h)))
                .cloned()
                .collect();
            if !others.is_empty() {
                problems.push(Problem {
                    kind: "host_clash",
                    spn: spn.clone(),
                    holders: holders.iter().chain(&others).cloned().collect(),
                    detail: format!(
                        "{spn} is on {} but HOST/{rest} is on {}: the host is a machine name, so tickets for {spn} may come from the computer's key; give the web site a host name of its own",
                        holders.join(", "),
                        others.join(", ")
                    ),
                });
            }
        }
    }
    problems
}

pub fn check(args: &SpnCheckArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = args.host.as_deref().map(lower_host).transpose()?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let filter = host
        .as_deref()
        .map_or_else(|| "(servicePrincipalName=*)".to_owned(), host_filter);
    let entries = search(&mut session, &filter)?;
    let objects: Vec<(String, Vec<String>)> = entries
        .into_iter()
        .map(|e| (e.dn.clone(), e.values("servicePrincipalName").to_vec()))
        .collect();
    let spn_count: usize = objects.iter().map(|(_, s)| s.len()).sum();
    let problems = find_problems(&objects, host.as_deref());
    let scope = host
        .as_deref()
        .map_or_else(|| session.base_dn.clone(), |h| format!("host {h}"));
    let mut human = format!(
        "checked {spn_count} SPNs on {} objects ({scope}): {}\n",
        objects.len(),
        if problems.is_empty() {
            "no duplicates, no HOST/ clashes".to_owned()
        } else {
            format!("{} problem(s)", problems.len())
        }
    );
    for p in &problems {
        let _ = writeln!(human, "  - {}", p.detail);
    }
    let json = serde_json::json!({
        "objects": objects.len(),
        "spns": spn_count,
        "problems": problems,
        "ok": problems.is_empty(),
        "ldap_round_trips": session.dir.round_trips(),
    });
    let outcome = Outcome {
        human,
        json: Some(json),
    };
    if problems.is_empty() {
        return Ok(outcome);
    }
    Err(Reported {
        outcome,
        error: CliError::verification_failed(format!("spn check found {} problem(s)", problems.len()))
            .hint("remove duplicates with `spnkt spn remove --account NAME SPN`; move web sites off machine names"),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_spns() {
        assert_eq!(spn_host("HTTP/a.b"), Some("a.b"));
        assert_eq!(spn_host("MSSQLSvc/db.b:1433"), Some("db.b"));
        assert_eq!(spn_host("ldap/dc.b/b.example"), Some("dc.b"));
        assert_eq!(spn_host("nope"), None);
    }

    #[test]
    fn problems() {
        let o = |dn: &str, spns: &[&str]| {
            (
                dn.to_owned(),
                spns.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        let objects = [
            o("CN=a", &["HTTP/x.example.test", "HTTP/y.example.test"]),
            o("CN=b", &["http/X.example.test"]),
            o("CN=pc", &["HOST/y.example.test", "HOST/pc"]),
            o("CN=c", &["HTTP/z.example.test"]),
        ];
        let p = find_problems(&objects, None);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].kind, "duplicate");
        assert_eq!(p[0].holders, ["CN=a", "CN=b"]);
        assert_eq!(p[1].kind, "host_clash");
        assert_eq!(p[1].spn, "HTTP/y.example.test");
        assert_eq!(p[0].spn, "HTTP/x.example.test");
        assert!(find_problems(&objects, Some("z.example.test")).is_empty());
        assert_eq!(find_problems(&objects, Some("y.example.test")).len(), 1);
    }
}

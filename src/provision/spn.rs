//! SPNs in the directory, as `setspn` handles them: list (-L/-Q), add (-S), remove
//! (-D) and check for duplicates and `HOST/` clashes (-X).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Error, Progress, READ_RIGHTS_HINT, Session, lookup};
use crate::ad::ldap::{Entry, Scope, escape_filter_value};

const ATTRS: &[&str] = &["sAMAccountName", "servicePrincipalName", "objectClass"];

/// An object holding SPNs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Its DN.
    pub dn: String,
    /// Its sAMAccountName.
    pub sam_account_name: Option<String>,
    /// A computer account.
    pub is_computer: bool,
    /// The SPNs listed (those asked for).
    pub spns: Vec<String>,
}

fn search(session: &mut Session, filter: &str) -> Result<Vec<Entry>, Error> {
    let base = session.base_dn.clone();
    session
        .dir
        .search(&base, Scope::Subtree, filter, ATTRS)
        .map_err(|cause| Error::Directory {
            doing: "cannot search for SPNs".to_owned(),
            cause,
            hint: READ_RIGHTS_HINT,
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

/// The SPNs of the account `name` (setspn -L).
pub fn list_account(session: &mut Session, name: &str) -> Result<Vec<Holder>, Error> {
    let acc = lookup::account_named(session, name)?;
    Ok(vec![Holder {
        dn: acc.dn,
        sam_account_name: Some(acc.sam_account_name),
        is_computer: acc.is_computer,
        spns: acc.service_principal_names,
    }])
}

/// Every SPN for `host` with its holder (setspn -Q */host), or without a host every
/// `HTTP/` SPN of the directory.
pub fn list_host(session: &mut Session, host: Option<&str>) -> Result<Vec<Holder>, Error> {
    let filter = host.map_or_else(|| "(servicePrincipalName=HTTP/*)".to_owned(), host_filter);
    Ok(search(session, &filter)?
        .into_iter()
        .map(|e| {
            let spns = e
                .values("servicePrincipalName")
                .iter()
                .filter(|s| match host {
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
        .collect())
}

/// What an SPN change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The account's DN.
    pub account: String,
    /// The SPN as stored.
    pub spn: String,
    /// Whether the directory was changed (false: it already was so).
    pub changed: bool,
}

/// Add `spn` to the account `name` (setspn -S: refused when another object holds
/// it; a `HOST/` of the same host is warned about).
pub fn add(
    session: &mut Session,
    name: &str,
    spn: &str,
    progress: &mut dyn Progress,
) -> Result<Change, Error> {
    let acc = lookup::account_named(session, name)?;
    let holders = session
        .dir
        .find_spn(spn)
        .map_err(|cause| Error::Directory {
            doing: format!("cannot look up {spn}"),
            cause,
            hint: "check the bind account's read rights",
        })?;
    if acc
        .service_principal_names
        .iter()
        .any(|s| s.eq_ignore_ascii_case(spn))
    {
        progress.note(format!("{} already holds {spn}; nothing to do", acc.dn));
        return Ok(Change {
            account: acc.dn,
            spn: spn.to_owned(),
            changed: false,
        });
    }
    if let Some(other) = holders.iter().find(|h| !h.dn.eq_ignore_ascii_case(&acc.dn)) {
        return Err(Error::SpnTaken {
            spn: spn.to_owned(),
            holder: other.dn.clone(),
        });
    }
    if let Some(h) = spn_host(spn) {
        let host_spn = format!("HOST/{h}");
        let clash = session.dir.find_spn(&host_spn).unwrap_or_default();
        if let Some(c) = clash.first() {
            progress.warn(format!(
                "{host_spn} is held by {}: {h} is a machine name, and Kerberos may pick that computer's key",
                c.dn
            ));
        }
    }
    session
        .dir
        .add_values(&acc.dn, "servicePrincipalName", &[spn.to_owned()])
        .map_err(|cause| Error::Write {
            doing: format!("cannot add {spn} to {}", acc.dn),
            cause,
        })?;
    Ok(Change {
        account: acc.dn,
        spn: spn.to_owned(),
        changed: true,
    })
}

/// Remove `spn` (any case) from the account `name` (setspn -D).
pub fn remove(session: &mut Session, name: &str, spn: &str) -> Result<Change, Error> {
    let acc = lookup::account_named(session, name)?;
    let Some(stored) = acc
        .service_principal_names
        .iter()
        .find(|s| s.eq_ignore_ascii_case(spn))
        .cloned()
    else {
        return Err(Error::SpnNotHeld {
            dn: acc.dn,
            spn: spn.to_owned(),
            spns: acc.service_principal_names,
        });
    };
    session
        .dir
        .delete_values(
            &acc.dn,
            "servicePrincipalName",
            std::slice::from_ref(&stored),
        )
        .map_err(|cause| Error::Write {
            doing: format!("cannot remove {stored} from {}", acc.dn),
            cause,
        })?;
    Ok(Change {
        account: acc.dn,
        spn: stored,
        changed: true,
    })
}

/// One problem found by [`check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `duplicate` or `host_clash`.
    pub kind: &'static str,
    /// The SPN.
    pub spn: String,
    /// The objects involved.
    pub holders: Vec<String>,
    /// The problem in words.
    pub detail: String,
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Objects with SPNs searched.
    pub objects: usize,
    /// SPNs on them.
    pub spns: usize,
    /// The problems.
    pub problems: Vec<Problem>,
}

/// Look for duplicate SPNs and `HTTP/x` vs `HOST/x` clashes (setspn -X), in the
/// whole directory or for one host.
pub fn check(session: &mut Session, host: Option<&str>) -> Result<CheckReport, Error> {
    let filter = host.map_or_else(|| "(servicePrincipalName=*)".to_owned(), host_filter);
    let entries = search(session, &filter)?;
    let objects: Vec<(String, Vec<String>)> = entries
        .into_iter()
        .map(|e| (e.dn.clone(), e.values("servicePrincipalName").to_vec()))
        .collect();
    Ok(CheckReport {
        objects: objects.len(),
        spns: objects.iter().map(|(_, s)| s.len()).sum(),
        problems: find_problems(&objects, host),
    })
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

//! Read-only checks before an account is created or converged: who holds
//! `HTTP/host` (in the global catalog when it answers), `HOST/host`, the UPN and
//! the account name, and whether the host is a computer's name. Every finding is
//! reported at once, with nothing changed.

use super::{Error, Progress, READ_RIGHTS_HINT, Session};
use crate::ad::account::{ACCOUNT_ATTRS, ServiceAccount};
use crate::ad::ldap::{
    Entry, GlobalCatalog, LdapError, SPNS_PER_SEARCH, Scope, escape_filter_value,
};
use crate::hostname::Host;

/// Why a host is no name for a service account of its own.
const MACHINE: &str = "host is a machine name; use a virtual host name with its own account (AD would issue HOST/ tickets)";

/// One service's names to check: its host (`HTTP/host`, `HOST/host`, a computer of
/// that name), its account and its UPN.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The web site's host.
    pub host: &'a Host,
    /// The account's sAMAccountName.
    pub sam: &'a str,
    /// The UPN it gets, if any.
    pub upn: Option<&'a str>,
}

/// What the directory holds under the names of one or more services, read with as
/// few searches as the filters allow: the SPN holders forest-wide (global catalog)
/// and, in the domain, the accounts, UPN holders and computers of those names.
#[derive(Debug, Default)]
pub struct Names {
    /// Objects holding any of the `HTTP/` or `HOST/` SPNs asked about.
    spn_holders: Vec<Entry>,
    /// Accounts (with [`ACCOUNT_ATTRS`]) of the sAMAccountNames, UPN holders and
    /// computers named like the hosts, in the domain.
    domain: Vec<Entry>,
}

impl Names {
    /// The domain's entry with this sAMAccountName, if any.
    pub fn account(&self, sam: &str) -> Option<&Entry> {
        self.domain.iter().find(|e| {
            e.values("sAMAccountName")
                .iter()
                .any(|v| v.eq_ignore_ascii_case(sam))
        })
    }
}

/// Read [`Names`] for `queries`: one global catalog search for all their SPNs and one
/// domain search for their accounts, UPNs and computers (per
/// [`SPNS_PER_SEARCH`] values), instead of five searches each.
pub fn gather(
    session: &mut Session,
    queries: &[Query<'_>],
    progress: &mut dyn Progress,
) -> Result<Names, Error> {
    if queries.is_empty() {
        return Ok(Names::default());
    }
    let lookup = |what: String| {
        let doing = format!("cannot look up {what}");
        move |cause: LdapError| Error::Directory {
            doing,
            cause,
            hint: READ_RIGHTS_HINT,
        }
    };
    let first = queries.first().map_or_else(String::new, |q| q.host.spn());
    let spns: Vec<String> = queries
        .iter()
        .flat_map(|q| [q.host.spn(), format!("HOST/{}", q.host.name)])
        .collect();
    let base = session.base_dn.clone();
    // The domain object comes along (once) for the default container's name.
    let mut domain_term = session.domain_object_term();
    let attrs = [ACCOUNT_ATTRS, &[super::session::WELL_KNOWN_OBJECTS]].concat();
    let dir = &mut session.dir;
    let spn_holders = dir.find_spns(&spns).map_err(lookup(first.clone()))?;
    if let GlobalCatalog::Unavailable { reason } = dir.global_catalog() {
        progress.note(format!(
            "global catalog not available ({reason}): SPNs were searched in this domain only"
        ));
    }
    let mut domain = Vec::new();
    for chunk in queries.chunks(SPNS_PER_SEARCH / 4) {
        let mut terms = String::new();
        for q in chunk {
            terms.push_str(&format!(
                "(sAMAccountName={})(&(objectClass=computer)(|(dNSHostName={})(sAMAccountName={}$)))",
                escape_filter_value(q.sam),
                escape_filter_value(&q.host.name),
                escape_filter_value(q.host.first_label())
            ));
            if let Some(u) = q.upn {
                terms.push_str(&format!("(userPrincipalName={})", escape_filter_value(u)));
            }
        }
        let filter = format!("(|{terms}{})", std::mem::take(&mut domain_term));
        let found = dir
            .search(&base, Scope::Subtree, &filter, &attrs)
            .map_err(lookup(format!("the accounts of {first}")))?;
        domain.extend(found);
    }
    session.take_domain_object(&mut domain);
    Ok(Names {
        spn_holders,
        domain,
    })
}

/// Check `host`, the account `sam` and the `upn` against the directory. Returns
/// the existing account to converge (one that already holds `HTTP/host`, or with
/// `take_over` any account of that name), or refuses with every finding.
pub fn preflight(
    session: &mut Session,
    host: &Host,
    sam: &str,
    upn: Option<&str>,
    take_over: bool,
    progress: &mut dyn Progress,
) -> Result<Option<ServiceAccount>, Error> {
    let query = Query { host, sam, upn };
    let names = gather(session, &[query], progress)?;
    judge(&names, &query, take_over, progress)
}

/// [`preflight`]'s verdict on one service from names gathered before (for many
/// services at once by `apply`).
pub fn judge(
    names: &Names,
    query: &Query<'_>,
    take_over: bool,
    progress: &mut dyn Progress,
) -> Result<Option<ServiceAccount>, Error> {
    let Query { host, sam, upn } = *query;
    let spn = host.spn();
    let host_spn = format!("HOST/{}", host.name);
    let holding = |wanted: &str| -> Vec<&Entry> {
        names
            .spn_holders
            .iter()
            .filter(|e| {
                e.values("servicePrincipalName")
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(wanted))
            })
            .collect()
    };
    let holders = holding(&spn);
    let host_holders = holding(&host_spn);
    let is = |e: &Entry, attr: &str, value: &str| {
        e.values(attr).iter().any(|v| v.eq_ignore_ascii_case(value))
    };
    let account = match names.account(sam) {
        Some(e) => Some(
            ServiceAccount::from_entry(e).map_err(|err| Error::Directory {
                doing: format!("cannot read the account {sam}"),
                cause: LdapError::BadAttribute {
                    dn: e.dn.clone(),
                    attr: err.attr,
                    value: err.value,
                },
                hint: READ_RIGHTS_HINT,
            })?,
        ),
        None => None,
    };
    let computer_sam = format!("{}$", host.first_label());
    let computers: Vec<&Entry> = names
        .domain
        .iter()
        .filter(|e| is(e, "objectClass", "computer"))
        .filter(|e| is(e, "dNSHostName", &host.name) || is(e, "sAMAccountName", &computer_sam))
        .collect();
    let upn_holders: Vec<&Entry> = match upn {
        Some(u) => names
            .domain
            .iter()
            .filter(|e| is(e, "userPrincipalName", u))
            .collect(),
        None => Vec::new(),
    };

    let same = |dn: &str| {
        account
            .as_ref()
            .is_some_and(|a| a.dn.eq_ignore_ascii_case(dn))
    };
    let mut findings = Vec::new();
    for h in holders.iter().filter(|h| !same(&h.dn)) {
        findings.push(format!("{spn} is already held by {}", h.dn));
    }
    for h in &host_holders {
        findings.push(format!("{host_spn} is held by {}: {MACHINE}", h.dn));
    }
    for c in computers.iter().filter(|c| {
        !host_holders
            .iter()
            .any(|h| h.dn.eq_ignore_ascii_case(&c.dn))
    }) {
        findings.push(format!(
            "{} is the name of the computer {} (dNSHostName {}, sAMAccountName {}): {MACHINE}",
            host.name,
            c.dn,
            c.first("dNSHostName").unwrap_or("-"),
            c.first("sAMAccountName").unwrap_or("-")
        ));
    }
    for u in upn_holders.iter().filter(|u| !same(&u.dn)) {
        findings.push(format!(
            "the userPrincipalName {} is already used by {}",
            upn.unwrap_or_default(),
            u.dn
        ));
    }
    if let Some(a) = &account {
        let holds = a
            .service_principal_names
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&spn));
        if a.is_computer {
            findings.push(format!("{sam} is a computer account ({})", a.dn));
        } else if holds {
            progress.note(format!(
                "{} exists and holds {spn}: converging it (attributes brought in line, new password, new keytab)",
                a.dn
            ));
        } else if take_over {
            progress.note(format!(
                "--rotate: taking over the existing account {} (new password)",
                a.dn
            ));
        } else {
            findings.push(format!(
                "the account {sam} already exists ({}) and does not hold {spn}",
                a.dn
            ));
        }
    }
    if !findings.is_empty() {
        return Err(Error::Refused { spn, findings });
    }
    Ok(account)
}

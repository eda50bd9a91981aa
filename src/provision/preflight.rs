//! Read-only checks before an account is created or converged: who holds
//! `HTTP/host` and the UPN (forest-wide, in the global catalog when it answers),
//! `HOST/host` and the account name, and whether the host is a computer's name.
//! Every finding is reported at once, with nothing changed.
//!
//! The same reads bring what the bind account may do there (the container's
//! `allowedChildClassesEffective`, an existing account's
//! `allowedAttributesEffective`), which [`super::access`] weighs against the plan.

use super::{Error, Progress, READ_RIGHTS_HINT, Session};
use crate::ad::account::{ACCOUNT_ATTRS, ServiceAccount};
use crate::ad::ldap::{
    Entry, GlobalCatalog, LdapError, SPNS_PER_SEARCH, Scope, escape_filter_value,
};
use crate::ad::rights::{CHILD_CLASSES, WRITABLE_ATTRIBUTES};
use crate::hostname::Host;

/// Up to this many services at once, the domain search also reads what the bind
/// account may write on their existing accounts (`allowedAttributesEffective`: some
/// 300 attribute names, about 6 KB per account); `apply` with more services checks
/// the containers and the delegation privilege only.
pub const ATTRIBUTE_RIGHTS_UP_TO: usize = 10;

/// Why a host is no name for a service account of its own.
const MACHINE: &str = "host is a machine name; use a virtual host name with its own account (AD would issue HOST/ tickets)";

/// One service's names to check: its host (`HTTP/host`, `HOST/host`, a computer of
/// that name), its account and its UPN, and the container a new account goes to.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The web site's host.
    pub host: &'a Host,
    /// The account's sAMAccountName.
    pub sam: &'a str,
    /// The UPN it gets, if any.
    pub upn: Option<&'a str>,
    /// The container (DN) a new account is added to.
    pub container: &'a str,
}

/// What the directory holds under the names of one or more services, read with as
/// few searches as the filters allow: the SPN and UPN holders forest-wide (global
/// catalog) and, in the domain, the accounts, computers of those names and the
/// containers new accounts go to, with what the bind account may do there.
#[derive(Debug, Default)]
pub struct Names {
    /// Objects holding any of the `HTTP/` or `HOST/` SPNs or the UPNs asked about.
    holders: Vec<Entry>,
    /// Accounts (with [`ACCOUNT_ATTRS`]) of the sAMAccountNames, computers named
    /// like the hosts and the containers, in the domain.
    domain: Vec<Entry>,
    /// The accounts were read with `allowedAttributesEffective`.
    attribute_rights: bool,
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

    /// The entry at `dn` (a container or an account), if it was read.
    pub fn entry(&self, dn: &str) -> Option<&Entry> {
        self.domain.iter().find(|e| same_dn(&e.dn, dn))
    }

    /// Whether the accounts' writable attributes were read (see
    /// [`ATTRIBUTE_RIGHTS_UP_TO`]).
    pub fn has_attribute_rights(&self) -> bool {
        self.attribute_rights
    }

    /// Names as read: for tests of the judgements built on them.
    pub fn from_entries(holders: Vec<Entry>, domain: Vec<Entry>, attribute_rights: bool) -> Names {
        Names {
            holders,
            domain,
            attribute_rights,
        }
    }
}

/// Two DNs alike but for case and the blanks around their separators.
pub fn same_dn(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.split(',')
            .map(|rdn| {
                let (k, v) = rdn.split_once('=').unwrap_or((rdn, ""));
                format!("{}={}", k.trim(), v.trim()).to_lowercase()
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    norm(a) == norm(b)
}

/// Read [`Names`] for `queries`: one global catalog search for all their SPNs and
/// UPNs and one domain search for their accounts, computers and containers (per
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
    let upns: Vec<String> = queries
        .iter()
        .filter_map(|q| q.upn.map(str::to_owned))
        .collect();
    let base = session.base_dn.clone();
    // The domain object comes along (once) for the default container's name.
    let mut domain_term = session.domain_object_term();
    let dir = &mut session.dir;
    let holders = dir
        .find_holders(&spns, &upns)
        .map_err(lookup(first.clone()))?;
    if let GlobalCatalog::Unavailable { reason } = dir.global_catalog() {
        progress.note(format!(
            "global catalog not available ({reason}): SPNs and UPNs were searched in this domain only"
        ));
    }
    // The containers ride along with the first search's accounts.
    let mut containers: Vec<&str> = Vec::new();
    for q in queries {
        if !containers.iter().any(|c| same_dn(c, q.container)) {
            containers.push(q.container);
        }
    }
    let attribute_rights = queries.len() <= ATTRIBUTE_RIGHTS_UP_TO;
    let mut attrs: Vec<&str> = ACCOUNT_ATTRS.to_vec();
    attrs.push(super::session::WELL_KNOWN_OBJECTS);
    attrs.push(CHILD_CLASSES);
    if attribute_rights {
        attrs.push(WRITABLE_ATTRIBUTES);
    }
    let mut domain = Vec::new();
    for (i, chunk) in queries.chunks(SPNS_PER_SEARCH / 4).enumerate() {
        let mut terms = String::new();
        if i == 0 {
            for c in &containers {
                terms.push_str(&format!("(distinguishedName={})", escape_filter_value(c)));
            }
        }
        for q in chunk {
            terms.push_str(&format!(
                "(sAMAccountName={})(&(objectClass=computer)(|(dNSHostName={})(sAMAccountName={}$)))",
                escape_filter_value(q.sam),
                escape_filter_value(&q.host.name),
                escape_filter_value(q.host.first_label())
            ));
        }
        let filter = format!("(|{terms}{})", std::mem::take(&mut domain_term));
        let found = dir
            .search(&base, Scope::Subtree, &filter, &attrs)
            .map_err(lookup(format!("the accounts of {first}")))?;
        domain.extend(found);
    }
    session.take_domain_object(&mut domain);
    Ok(Names {
        holders,
        domain,
        attribute_rights,
    })
}

/// Make sure `names` holds what the bind account may do in `container`, the one a
/// new account really goes to: the default container's name comes with the names
/// themselves (the domain object's `wellKnownObjects`), so the search asked about
/// `CN=Users` ([`Session::users_container_guess`]); only a redirected Users
/// container costs one more read.
pub fn read_container(session: &mut Session, names: &mut Names, container: &str) {
    if names.entry(container).is_some() {
        return;
    }
    if let Ok(found) =
        session
            .dir
            .search(container, Scope::Base, "(objectClass=*)", &[CHILD_CLASSES])
    {
        names.domain.extend(found);
    }
}

/// What [`preflight`] found: the existing account to converge, and the names read
/// (for [`super::access`] to weigh the plan against).
#[derive(Debug)]
pub struct Found {
    /// The existing account to converge, if any.
    pub existing: Option<ServiceAccount>,
    /// What the directory holds under the service's names.
    pub names: Names,
}

/// Check the query's host, account and UPN against the directory. Returns the
/// existing account to converge (one that already holds `HTTP/host`, or with
/// `take_over` any account of that name) with the names read, or refuses with every
/// finding.
pub fn preflight(
    session: &mut Session,
    query: &Query<'_>,
    take_over: bool,
    progress: &mut dyn Progress,
) -> Result<Found, Error> {
    let names = gather(session, std::slice::from_ref(query), progress)?;
    let existing = judge(&names, query, take_over, progress)?;
    Ok(Found { existing, names })
}

/// [`preflight`]'s verdict on one service from names gathered before (for many
/// services at once by `apply`).
pub fn judge(
    names: &Names,
    query: &Query<'_>,
    take_over: bool,
    progress: &mut dyn Progress,
) -> Result<Option<ServiceAccount>, Error> {
    let Query { host, sam, upn, .. } = *query;
    let spn = host.spn();
    let host_spn = format!("HOST/{}", host.name);
    let holding = |wanted: &str| -> Vec<&Entry> {
        names
            .holders
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
    // Forest-wide: Windows Server 2012 R2 and later refuse a UPN another domain of
    // the forest uses.
    let upn_holders: Vec<&Entry> = match upn {
        Some(u) => names
            .holders
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::Collect;

    fn entry(dn: &str, attrs: &[(&str, &str)]) -> Entry {
        let mut e = Entry {
            dn: dn.into(),
            ..Entry::default()
        };
        for (k, v) in attrs {
            e.attrs.entry((*k).into()).or_default().push((*v).into());
        }
        e
    }

    const UPN: &str = "HTTP/portal.corp.example.com@CORP.EXAMPLE.COM";

    fn query(host: &Host) -> Query<'_> {
        Query {
            host,
            sam: "svc-http-portal",
            upn: Some(UPN),
            container: "CN=Users,DC=corp,DC=example,DC=com",
        }
    }

    #[test]
    fn a_upn_held_in_another_domain_of_the_forest_is_found() {
        let host = crate::hostname::check_host("portal.corp.example.com").unwrap();
        // What the global catalog answers: an account of the forest's other domain.
        let other = entry(
            "CN=svc-portal,OU=Web,DC=emea,DC=corp,DC=example,DC=com",
            &[
                ("sAMAccountName", "svc-portal"),
                ("userPrincipalName", UPN),
                ("objectClass", "user"),
            ],
        );
        let names = Names::from_entries(vec![other], vec![], true);
        let err = judge(&names, &query(&host), false, &mut Collect::default()).unwrap_err();
        let Error::Refused { findings, .. } = err else {
            panic!("{err}")
        };
        assert_eq!(
            findings,
            [format!(
                "the userPrincipalName {UPN} is already used by CN=svc-portal,OU=Web,DC=emea,DC=corp,DC=example,DC=com"
            )]
        );
    }

    #[test]
    fn the_account_converged_may_hold_its_own_upn() {
        let host = crate::hostname::check_host("portal.corp.example.com").unwrap();
        let dn = "CN=svc-http-portal,CN=Users,DC=corp,DC=example,DC=com";
        let gc = entry(
            dn,
            &[
                ("sAMAccountName", "svc-http-portal"),
                ("userPrincipalName", UPN),
                ("servicePrincipalName", "HTTP/portal.corp.example.com"),
            ],
        );
        let mut own = gc.clone();
        own.attrs
            .insert("userAccountControl".into(), vec!["66048".into()]);
        let container = entry(
            "CN=Users, DC=corp, DC=example, DC=com",
            &[("allowedChildClassesEffective", "user")],
        );
        let names = Names::from_entries(vec![gc], vec![own, container], true);
        let found = judge(&names, &query(&host), false, &mut Collect::default()).unwrap();
        assert_eq!(found.unwrap().dn, dn);
        // The container is found by its DN whatever the blanks and case.
        assert!(names.entry("cn=users,dc=corp,dc=example,dc=com").is_some());
    }
}

//! Read-only checks before an account is created or converged: who holds
//! `HTTP/host` (in the global catalog when it answers), `HOST/host`, the UPN and
//! the account name, and whether the host is a computer's name. Every finding is
//! reported at once, with nothing changed.

use super::{Error, Progress, READ_RIGHTS_HINT, Session};
use crate::ad::account::ServiceAccount;
use crate::ad::ldap::{GlobalCatalog, LdapError, Scope, escape_filter_value};
use crate::hostname::Host;

/// Why a host is no name for a service account of its own.
const MACHINE: &str = "host is a machine name; use a virtual host name with its own account (AD would issue HOST/ tickets)";

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
    let spn = host.spn();
    let base = session.base_dn.clone();
    let lookup = |what: &str| {
        let doing = format!("cannot look up {what}");
        move |cause: LdapError| Error::Directory {
            doing,
            cause,
            hint: READ_RIGHTS_HINT,
        }
    };
    let dir = &mut session.dir;
    let holders = dir.find_spn(&spn).map_err(lookup(&spn))?;
    if let GlobalCatalog::Unavailable { reason } = dir.global_catalog() {
        progress.note(format!(
            "global catalog not available ({reason}): SPNs were searched in this domain only"
        ));
    }
    let account = dir.find_account(&base, sam).map_err(lookup(sam))?;
    let host_spn = format!("HOST/{}", host.name);
    let host_holders = dir.find_spn(&host_spn).map_err(lookup(&host_spn))?;
    let filter = format!(
        "(&(objectClass=computer)(|(dNSHostName={})(sAMAccountName={}$)))",
        escape_filter_value(&host.name),
        escape_filter_value(host.first_label())
    );
    let computers = dir
        .search(
            &base,
            Scope::Subtree,
            &filter,
            &["sAMAccountName", "dNSHostName"],
        )
        .map_err(lookup("computers"))?;
    let upn_holders = match upn {
        Some(u) => dir
            .search(
                &base,
                Scope::Subtree,
                &format!("(userPrincipalName={})", escape_filter_value(u)),
                &["sAMAccountName"],
            )
            .map_err(lookup(u))?,
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

//! Finding accounts: the one holding `HTTP/host`, one by its sAMAccountName.

use super::{Error, READ_RIGHTS_HINT, Session};
use crate::ad::account::ServiceAccount;
use crate::hostname::Host;

/// The one account holding `HTTP/host` (none and several are errors).
pub fn owner(session: &mut Session, host: &Host) -> Result<ServiceAccount, Error> {
    let spn = host.spn();
    let holders = session
        .dir
        .find_spn(&spn)
        .map_err(|cause| Error::Directory {
            doing: format!("cannot look up {spn}"),
            cause,
            hint: READ_RIGHTS_HINT,
        })?;
    match holders.as_slice() {
        [] => Err(Error::NoOwner {
            spn,
            host: host.name.clone(),
        }),
        [one] => session
            .dir
            .read_account(&one.dn)
            .map_err(|cause| Error::Directory {
                doing: format!("cannot read {}", one.dn),
                cause,
                hint: "the account may be in another domain: use --ldap-url of a DC of that domain",
            }),
        many => Err(Error::DuplicateSpn {
            spn,
            holders: many.iter().map(|e| e.dn.clone()).collect(),
        }),
    }
}

/// The account named `name` (sAMAccountName) below the base DN.
pub fn account_named(session: &mut Session, name: &str) -> Result<ServiceAccount, Error> {
    let base = session.base_dn.clone();
    session
        .dir
        .find_account(&base, name)
        .map_err(|cause| Error::Directory {
            doing: format!("cannot look up {name}"),
            cause,
            hint: "check --base-dn",
        })?
        .ok_or_else(|| Error::NoAccount {
            name: name.to_owned(),
            base,
        })
}

/// The organizational units below the base DN (sorted, at most `limit`), for the
/// wizard's choice of container. A search the bind account may not make gives none.
pub fn containers(session: &mut Session, limit: usize) -> Vec<String> {
    let base = session.base_dn.clone();
    let mut ous: Vec<String> = session
        .dir
        .search(
            &base,
            crate::ad::ldap::Scope::Subtree,
            "(objectClass=organizationalUnit)",
            &["ou"],
        )
        .map(|v| v.into_iter().map(|e| e.dn).collect())
        .unwrap_or_default();
    ous.sort();
    ous.truncate(limit);
    ous
}

//! Delete the account holding `HTTP/host`: only accounts spnkt created (their
//! description carries [`CREATED_MARKER`]) unless forced, never computer accounts.
//!
//! AD refuses to delete an object with objects below it (66 notAllowedOnNonLeaf,
//! ERROR_DS_CHILDREN_EXIST; other software puts some under user objects, e.g.
//! Exchange's ActiveSync devices): that is [`Error::HasChildren`], with what is
//! below, and [`execute`] with `tree` deletes the whole subtree in one operation
//! with the tree delete control (MS-ADTS 3.1.1.5.5, 3.1.1.3.4.1) once the admin
//! has seen it and said so. A protected account (ADUC's "Protect object from
//! accidental deletion": a Deny Delete / Delete Subtree entry for Everyone) is
//! refused with 50 insufficientAccessRights: [`DELETE_DENIED_HINT`].

use super::create::CREATED_MARKER;
use super::{DeleteRefusal, Error, Session, lookup};
use crate::ad::account::ServiceAccount;
use crate::hostname::Host;
use crate::plan::{Plan, Step};

/// Hint when the directory refuses a delete.
pub const DELETE_RIGHTS_HINT: &str =
    "the bind account needs the right to delete users in that container";

/// Hint when the directory answers a delete with 50 insufficientAccessRights.
pub const DELETE_DENIED_HINT: &str = "either the bind account lacks the Delete right on the account (Delete Subtree for --tree), or the account is protected from accidental deletion (a Deny Delete / Delete Subtree entry for Everyone): clear \"Protect object from accidental deletion\" on the Object tab in Active Directory Users and Computers (View > Advanced Features), or Set-ADObject IDENTITY -ProtectedFromAccidentalDeletion $false, then run again";

/// How many objects below an account are named (the count says how many more).
pub const BELOW_SHOWN: usize = 20;

/// What a delete leaves behind with the AD Recycle Bin (MS-ADTS 3.1.1.5.5.1.2:
/// a deleted-object keeps its attributes; 3.1.1.5.5.1.3: a recycled-object does
/// not; 3.1.1.5.1.3: an undelete is checked for SPN/UPN uniqueness).
pub const RECYCLE_BIN_NOTE: &str = "with the AD Recycle Bin enabled, the deleted account keeps its SPNs and UPN as a deleted object until it is recycled (after msDS-DeletedObjectLifetime, by default the tombstone lifetime, 180 days) and can be restored with them; restoring it fails once another account holds one of them (ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST / ERROR_DS_UPN_VALUE_NOT_UNIQUE_IN_FOREST)";

/// The account and the plan that deletes it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The account holding the SPN.
    pub account: ServiceAccount,
    /// One step: delete it.
    pub plan: Plan,
    /// With a tree delete: the objects below the account that go with it.
    pub tree: Option<Below>,
}

/// The objects below an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Below {
    /// Their DNs (at most [`BELOW_SHOWN`]).
    pub dns: Vec<String>,
    /// There are more than those.
    pub more: bool,
}

impl std::fmt::Display for Below {
    /// `CN=a,...; CN=b,... and more`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.dns.join("; "))?;
        if self.more {
            f.write_str(" and more")?;
        }
        Ok(())
    }
}

/// Whether spnkt made this account (its description says so).
pub fn created_by_spnkt(a: &ServiceAccount) -> bool {
    a.description
        .as_deref()
        .is_some_and(|d| d.contains(CREATED_MARKER))
}

/// Read-only: find the account and check it may be deleted (`force`: also one
/// spnkt did not create; computers never). With `tree`, also list what is below it
/// (deleted with it).
pub fn prepare(
    session: &mut Session,
    host: &Host,
    force: bool,
    tree: bool,
) -> Result<Prepared, Error> {
    session.require_writable()?;
    let account = lookup::owner(session, host)?;
    let refuse = |reason| Error::DeleteRefused {
        account: Box::new(account.clone()),
        reason,
        spn: host.spn(),
    };
    if account.is_computer {
        return Err(refuse(DeleteRefusal::Computer));
    }
    if !created_by_spnkt(&account) && !force {
        return Err(refuse(DeleteRefusal::NotCreatedBySpnkt));
    }
    let plan = Plan {
        command: "delete".into(),
        principal: format!("{}@{}", host.spn(), session.realm),
        steps: vec![Step::DeleteAccount {
            dn: account.dn.clone(),
        }],
        dns_check: None,
    };
    let tree = if tree {
        Some(below(session, &account.dn)?)
    } else {
        None
    };
    Ok(Prepared {
        account,
        plan,
        tree,
    })
}

/// The objects below `dn`.
pub fn below(session: &mut Session, dn: &str) -> Result<Below, Error> {
    let (dns, more) = session
        .dir
        .children(dn, BELOW_SHOWN)
        .map_err(|cause| Error::Directory {
            doing: format!("cannot list the objects below {dn}"),
            cause,
            hint: super::READ_RIGHTS_HINT,
        })?;
    Ok(Below { dns, more })
}

/// Delete the prepared account: with [`Prepared::tree`], with everything below
/// it (one LDAP delete with the tree delete control). A refusal because objects
/// are below it lists them ([`Error::HasChildren`]).
pub fn execute(session: &mut Session, prepared: &Prepared) -> Result<(), Error> {
    let dn = &prepared.account.dn;
    let tree = prepared.tree.is_some();
    let done = if tree {
        session.dir.delete_tree(dn)
    } else {
        session.dir.delete(dn)
    };
    match done {
        Ok(()) => Ok(()),
        Err(cause) if cause.result_code() == Some(66) && !tree => {
            let below = below(session, dn).unwrap_or_default();
            Err(Error::HasChildren {
                dn: dn.clone(),
                below,
                diagnostic: cause.to_string(),
            })
        }
        Err(cause) => Err(Error::Directory {
            doing: format!(
                "cannot delete {dn}{}",
                if tree { " and what is below it" } else { "" }
            ),
            hint: if cause.result_code() == Some(50) {
                DELETE_DENIED_HINT
            } else {
                DELETE_RIGHTS_HINT
            },
            cause,
        }),
    }
}

//! Delete the account holding `HTTP/host`: only accounts spnkt created (their
//! description carries [`CREATED_MARKER`]) unless forced, never computer accounts.

use super::create::CREATED_MARKER;
use super::{DeleteRefusal, Error, Session, lookup};
use crate::ad::account::ServiceAccount;
use crate::hostname::Host;
use crate::plan::{Plan, Step};

/// Hint when the directory refuses a delete.
pub const DELETE_RIGHTS_HINT: &str =
    "the bind account needs the right to delete users in that container";

/// The account and the plan that deletes it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The account holding the SPN.
    pub account: ServiceAccount,
    /// One step: delete it.
    pub plan: Plan,
}

/// Whether spnkt made this account (its description says so).
pub fn created_by_spnkt(a: &ServiceAccount) -> bool {
    a.description
        .as_deref()
        .is_some_and(|d| d.contains(CREATED_MARKER))
}

/// Read-only: find the account and check it may be deleted (`force`: also one
/// spnkt did not create; computers never).
pub fn prepare(session: &mut Session, host: &Host, force: bool) -> Result<Prepared, Error> {
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
    Ok(Prepared { account, plan })
}

/// Delete the prepared account.
pub fn execute(session: &mut Session, prepared: &Prepared) -> Result<(), Error> {
    let dn = &prepared.account.dn;
    session.dir.delete(dn).map_err(|cause| Error::Directory {
        doing: format!("cannot delete {dn}"),
        cause,
        hint: DELETE_RIGHTS_HINT,
    })
}

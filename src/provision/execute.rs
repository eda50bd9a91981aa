//! Running a [`Plan`]: the LDAP changes in order, then the key steps (kvno, salt,
//! derivation, proof with the KDC) and the keytab. Shared by create, rotate, delete
//! and apply.
//!
//! The executor stops at the first failing step and says which one, with what it
//! had done so far ([`Executed`]); the operation decides what to undo ([`undo`]).

use serde::Serialize;

use super::{Progress, Session, StepError, keys, replication};
use crate::ad::account::{ServiceAccount, Uac};
use crate::ad::ldap::LdapError;
use crate::hostname::Host;
use crate::krb::{Enctype, Key, NameType, Password, Principal};
use crate::plan::{Attr, Plan, Step};

/// Who the keys are for (from the plan's inputs, not secret).
#[derive(Debug, Clone)]
pub struct KeyTarget {
    /// The realm.
    pub realm: String,
    /// The account's sAMAccountName (the salt without a UPN).
    pub sam_account_name: String,
    /// The account's UPN (the salt with one).
    pub upn: Option<String>,
    /// Keytab enctypes, strongest first.
    pub enctypes: Vec<Enctype>,
}

/// What the run did and learned: the facts of the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Executed {
    /// The DN this run added (to undo on failure).
    pub created_dn: Option<String>,
    /// An existing account's attributes were changed.
    pub updated: bool,
    /// The password was set.
    pub password_set: bool,
    /// The connection broke twice while the password was being set: it may or
    /// may not have changed.
    pub password_maybe_set: bool,
    /// userAccountControl as enabled.
    pub enabled_uac: Option<u32>,
    /// msDS-KeyVersionNumber read back.
    pub kvno: Option<u32>,
    /// The AES salt the keys were derived with.
    pub salt: Option<String>,
    /// PBKDF2 iterations of the AES keys.
    pub iterations: Option<u32>,
    /// Enctypes of the keys the KDC accepted.
    pub keys_proven: Vec<String>,
    /// The service ticket's enctype.
    pub ticket_enctype: Option<String>,
    /// The service ticket's flags by name.
    pub ticket_flags: Vec<String>,
    /// Whether the KDC set ok-as-delegate (the account may be delegated to).
    pub ok_as_delegate: Option<bool>,
    /// The keytab was written.
    pub keytab_written: bool,
    /// Entries in the keytab written.
    pub keytab_entries: Option<usize>,
    /// Older entries of the principal kept in it.
    pub kept_old_entries: Option<usize>,
    /// The enctypes the KDC announced for the account when asked for its salt (the
    /// proof then skips asking again).
    #[serde(skip)]
    pub kdc_enctypes: Option<Vec<Enctype>>,
}

/// The step that failed.
#[derive(Debug)]
pub struct StepFailure {
    /// 1-based step number in the plan.
    pub number: usize,
    /// The step.
    pub step: Step,
    /// Why.
    pub error: StepError,
}

impl StepFailure {
    /// Whether the failed step was an LDAP change (after which [`undo`] applies);
    /// otherwise the account is in place and only the keys or keytab are missing.
    pub fn changed_directory(&self) -> bool {
        matches!(
            self.step,
            Step::AddAccount { .. }
                | Step::UpdateAccount { .. }
                | Step::SetPassword { .. }
                | Step::Enable { .. }
        )
    }
}

/// What [`execute`] returns: what was done, and the keys the plan's
/// `QuerySalt`/`ProveKeys` steps derived and proved (so `apply` can write each
/// keytab file once, with the keys of every service sharing it).
pub type Outcome = Result<(Executed, Vec<Key>), Box<(Executed, StepFailure)>>;

fn pairs(attrs: &[Attr]) -> Vec<(&str, Vec<String>)> {
    attrs
        .iter()
        .map(|a| (a.name.as_str(), a.values.clone()))
        .collect()
}

/// A client/service principal from its text (`HTTP/host@REALM`, `name@REALM`).
pub fn principal(text: &str) -> Result<Principal, StepError> {
    Principal::parse(text)
        .map(|p| p.with_name_type(NameType::PRINCIPAL))
        .map_err(|e| StepError::Principal(e.to_string()))
}

/// Run the plan's steps in order; `password` is the one the plan sets.
pub fn execute(
    plan: &Plan,
    session: &mut Session,
    password: &Password,
    target: &KeyTarget,
    progress: &mut dyn Progress,
) -> Outcome {
    let mut done = Executed::default();
    let mut keys: Vec<Key> = Vec::new();
    let total = plan.steps.len();
    for (i, step) in plan.steps.iter().enumerate() {
        session.report_reconnects(progress);
        progress.step(i + 1, total, step);
        let started = std::time::Instant::now();
        let result = run_step(
            step, session, password, target, &mut keys, &mut done, progress,
        );
        progress.timed(step.kind(), started.elapsed());
        session.report_reconnects(progress);
        if let Err(error) = result {
            if error.outcome_unknown() {
                assume_maybe_done(step, &mut done);
            }
            return Err(Box::new((
                done,
                StepFailure {
                    number: i + 1,
                    step: step.clone(),
                    error,
                },
            )));
        }
    }
    Ok((done, keys))
}

/// A write whose answer never arrived may have happened: count it as possibly
/// done, so that the undo deletes an account that may have been added and the
/// messages do not promise that old keytabs still work.
fn assume_maybe_done(step: &Step, done: &mut Executed) {
    match step {
        Step::AddAccount { dn, .. } => done.created_dn = Some(dn.clone()),
        Step::UpdateAccount { .. } | Step::Enable { .. } => done.updated = true,
        Step::SetPassword { .. } => done.password_maybe_set = true,
        _ => {}
    }
}

fn run_step(
    step: &Step,
    session: &mut Session,
    password: &Password,
    target: &KeyTarget,
    keys: &mut Vec<Key>,
    done: &mut Executed,
    progress: &mut dyn Progress,
) -> Result<(), StepError> {
    let dir = &mut session.dir;
    let write = |doing: &'static str| move |cause| StepError::Write { doing, cause };
    match step {
        Step::AddAccount { dn, attrs, .. } => {
            dir.add_with_password(dn, &pairs(attrs), password)
                .map_err(write("cannot add the account"))?;
            done.created_dn = Some(dn.clone());
            done.password_set = true;
            done.enabled_uac = attrs
                .iter()
                .find(|a| a.name == "userAccountControl")
                .and_then(|a| a.values.first())
                .and_then(|v| v.parse().ok());
        }
        Step::UpdateAccount {
            dn,
            replace,
            add_values,
        } => {
            if !replace.is_empty() {
                dir.replace(dn, &pairs(replace))
                    .map_err(write("cannot update the account"))?;
            }
            for a in add_values {
                dir.add_values(dn, &a.name, &a.values)
                    .map_err(|cause| StepError::AddValues {
                        attr: a.name.clone(),
                        cause,
                    })?;
            }
            done.updated = true;
        }
        Step::SetPassword { dn, .. } => {
            dir.set_password(dn, password)
                .map_err(write("cannot set the password"))?;
            done.password_set = true;
        }
        Step::Enable { dn, uac, .. } => {
            dir.replace(dn, &[("userAccountControl", vec![uac.to_string()])])
                .map_err(write("cannot enable the account"))?;
            done.enabled_uac = Some(*uac);
        }
        Step::ReadKvno { dn } => {
            let account = dir.read_account(dn).map_err(|cause| StepError::ReadBack {
                dn: dn.clone(),
                cause,
            })?;
            let kvno = account
                .kvno
                .ok_or_else(|| StepError::NoKvno { dn: dn.clone() })?;
            done.kvno = Some(kvno);
        }
        Step::QuerySalt { kdc, client } => {
            let kdc = &crate::kdc::KdcAddress::new(kdc.as_str()).with_timeout(session.kdc_timeout);
            let derived = if session.kdc_elsewhere {
                let timeout = session.replication.timeout;
                replication::retry(kdc.as_str(), timeout, progress, |p| {
                    keys::derive(kdc, client, password, target, p)
                })?
            } else {
                keys::derive(kdc, client, password, target, progress)?
            };
            *keys = derived.keys;
            done.kdc_enctypes = Some(derived.kdc_enctypes);
            done.salt = Some(derived.salt);
            done.iterations = derived.iterations;
        }
        Step::ProveKeys {
            kdc,
            client,
            service,
        } => {
            let kdc = &crate::kdc::KdcAddress::new(kdc.as_str()).with_timeout(session.kdc_timeout);
            if session.kdc_elsewhere {
                let timeout = session.replication.timeout;
                replication::retry(kdc.as_str(), timeout, progress, |p| {
                    let mut attempt = done.clone();
                    keys::prove(kdc, client, service, keys, &mut attempt, p)?;
                    Ok(attempt)
                })
                .map(|proven| *done = proven)?;
            } else {
                keys::prove(kdc, client, service, keys, done, progress).map_err(|e| {
                    keys::explain_failed_proof(e, done.kvno, client, &mut || {
                        keys::kvno_of_account(
                            dir,
                            &session.base_dn,
                            &target.sam_account_name,
                            progress,
                        )
                    })
                })?;
            }
        }
        Step::WriteKeytab {
            path,
            principals,
            mode,
            ..
        } => {
            let kvno = done.kvno.ok_or(StepError::NoKvnoRead)?;
            let principals: Vec<Principal> = principals
                .iter()
                .map(|p| principal(p))
                .collect::<Result<_, _>>()?;
            let written = keys::write_keytab(
                std::path::Path::new(path),
                &[keys::NewKeys {
                    principals,
                    kvno,
                    keys: keys.clone(),
                    mode: *mode,
                }],
                &mut |_| {
                    keys::kvno_of_account(dir, &session.base_dn, &target.sam_account_name, progress)
                },
            )?;
            done.keytab_written = true;
            done.keytab_entries = Some(written.entries);
            done.kept_old_entries = Some(written.kept);
        }
        Step::DeleteAccount { dn } => {
            dir.delete(dn).map_err(write("cannot delete the account"))?;
        }
    }
    Ok(())
}

/// userAccountControl of an account this run added and could not delete again:
/// a normal account, disabled (nobody can log in with it, no ticket is issued for it).
pub const LEFT_DISABLED_UAC: u32 = Uac::NORMAL_ACCOUNT | Uac::ACCOUNTDISABLE;

/// After a failed LDAP step: delete what this run added (or, when the directory
/// refuses that, disable it), and say what is left.
pub fn undo(
    session: &mut Session,
    done: &Executed,
    existing: Option<&ServiceAccount>,
    host: &Host,
) -> String {
    match (&done.created_dn, existing) {
        (Some(dn), _) => {
            let deleted = session.dir.delete(dn);
            // Someone without the Delete right (a create-only delegation) still
            // takes the account out of use.
            let disabled = deleted
                .as_ref()
                .err()
                .filter(|e| !matches!(e, LdapError::NoSuchObject { .. }))
                .map(|_| {
                    session.dir.replace(
                        dn,
                        &[("userAccountControl", vec![LEFT_DISABLED_UAC.to_string()])],
                    )
                });
            undone(dn, host, &deleted, disabled.as_ref())
        }
        (None, Some(a)) => {
            let mut s = format!("the existing account {} ", a.dn);
            if done.password_set {
                s.push_str("HAS a new password (keytabs made before no longer work) but was not enabled as asked; run this command again to finish");
            } else if done.password_maybe_set {
                s.push_str("MAY have a new password (the connection broke while it was being set), so keytabs made before may no longer work; run this command again to finish");
            } else if done.updated {
                s.push_str("has its attributes updated, its password is unchanged (existing keytabs still work)");
            } else {
                s.push_str("is unchanged");
            }
            s
        }
        (None, None) => "nothing was changed".to_owned(),
    }
}

/// What an undo left of the account `dn` this run added: `deleted` is the delete's
/// outcome, `disabled` the disabling's when the delete failed. An account that is
/// there was added with its password (one add carries both).
pub fn undone(
    dn: &str,
    host: &Host,
    deleted: &Result<(), LdapError>,
    disabled: Option<&Result<(), LdapError>>,
) -> String {
    let spn = host.spn();
    let container = super::access::parent_dn(dn);
    let remove = format!(
        "someone with the Delete right on it or on {container} (whoever manages that container, or a Domain Admin) must remove it: `spnkt delete --host {}`",
        host.name
    );
    match (deleted, disabled) {
        (Ok(()), _) => format!(
            "the account this run added ({dn}) was deleted again: nothing is left in the directory"
        ),
        // An add whose answer was lost, and that had not happened after all.
        (Err(LdapError::NoSuchObject { .. }), _) => {
            format!("the account {dn} was not added: nothing is left in the directory")
        }
        (Err(e), Some(Ok(()))) => format!(
            "the account this run added could not be deleted again ({e}), so it was DISABLED instead: {dn} is left with userAccountControl 0x{LEFT_DISABLED_UAC:x} (ACCOUNTDISABLE | NORMAL_ACCOUNT), holding {spn} and its password; nobody can log in with it and the KDC issues no ticket for it. To finish it instead, run this command again; otherwise {remove}"
        ),
        (Err(e), disabling) => format!(
            "the account this run added could not be deleted again ({e}){}: {dn} is left as the add made it, ENABLED and holding {spn} and its password; run this command again to finish it, or {remove}",
            match disabling {
                Some(Err(d)) => format!(" nor disabled ({d})"),
                _ => String::new(),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DN: &str = "CN=svc-http-portal,OU=Service Accounts,DC=corp,DC=example,DC=com";

    /// Windows' answer to a delete without the Delete right.
    fn insufficient() -> LdapError {
        LdapError::InsufficientAccess {
            op: "delete",
            dn: DN.into(),
            diagnostic:
                "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0"
                    .into(),
        }
    }

    fn host() -> Host {
        crate::hostname::check_host("portal.corp.example.com").unwrap()
    }

    #[test]
    fn an_account_that_cannot_be_deleted_is_left_disabled_and_who_removes_it_is_named() {
        let s = undone(DN, &host(), &Err(insufficient()), Some(&Ok(())));
        assert!(s.contains("DISABLED"), "{s}");
        assert!(s.contains("0x202"), "{s}");
        assert!(s.contains("INSUFF_ACCESS_RIGHTS"), "{s}");
        assert!(
            s.contains(
                "the Delete right on it or on OU=Service Accounts,DC=corp,DC=example,DC=com"
            ),
            "{s}"
        );
        assert!(s.contains("Domain Admin"), "{s}");
        assert!(
            s.contains("`spnkt delete --host portal.corp.example.com`"),
            "{s}"
        );
    }

    #[test]
    fn one_that_cannot_be_disabled_either_is_said_to_be_enabled() {
        let refused = LdapError::InsufficientAccess {
            op: "modify",
            dn: DN.into(),
            diagnostic:
                "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0"
                    .into(),
        };
        let s = undone(DN, &host(), &Err(insufficient()), Some(&Err(refused)));
        assert!(s.contains("nor disabled"), "{s}");
        assert!(s.contains("ENABLED"), "{s}");
        assert!(!s.contains("DISABLED"), "{s}");
        assert!(
            s.contains("spnkt delete --host portal.corp.example.com"),
            "{s}"
        );
    }

    #[test]
    fn deleted_or_never_added_leaves_nothing() {
        let s = undone(DN, &host(), &Ok(()), None);
        assert!(s.contains("deleted again: nothing is left"), "{s}");
        let gone = LdapError::NoSuchObject {
            dn: DN.into(),
            diagnostic: "0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT), data 0".into(),
        };
        let s = undone(DN, &host(), &Err(gone), None);
        assert!(s.contains("was not added: nothing is left"), "{s}");
    }
}

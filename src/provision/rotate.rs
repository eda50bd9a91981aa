//! Rotate: a new random password for the account holding `HTTP/host`, the new kvno
//! read back, the keys proven, the keytab rewritten keeping the previous
//! `keep_old` kvnos of the principal (tickets issued before the change still work).

use std::path::PathBuf;

use super::execute::{self, Executed, KeyTarget, StepFailure};
use super::facts::{Facts, uac_text};
use super::{Error, Progress, Session, keys, lookup, replication};
use crate::ad::account::{ServiceAccount, SupportedEnctypes};
use crate::exit::Exit;
use crate::hostname::Host;
use crate::krb::{Enctype, Password};
use crate::plan::{KeytabMode, PasswordOrigin, Plan, Step, key_steps};

/// What to rotate.
#[derive(Debug, Clone)]
pub struct Request {
    /// The virtual host (`HTTP/host`).
    pub host: Host,
    /// The keytab to rewrite.
    pub keytab: PathBuf,
    /// How many previous kvnos of the principal the keytab keeps.
    pub keep_old: u32,
}

/// The account found and the plan for it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The account holding the SPN, as it is before the rotation.
    pub account: ServiceAccount,
    /// The steps.
    pub plan: Plan,
    /// Keytab enctypes (the account's supported ones spnkt can derive).
    pub enctypes: Vec<Enctype>,
    /// The request.
    pub request: Request,
    /// The realm.
    pub realm: String,
}

/// Read-only: the KDC answers, the one account holding the SPN, its enctypes, the plan.
pub fn prepare(
    session: &mut Session,
    request: &Request,
    progress: &mut dyn Progress,
) -> Result<Prepared, Error> {
    session.require_writable()?;
    let kdc = session.kdc()?;
    keys::check_kdc_reachable(&kdc, &session.realm)?;
    let realm = session.realm.clone();
    let account = lookup::owner(session, &request.host)?;
    if account.is_computer {
        return Err(Error::ComputerPassword { dn: account.dn });
    }
    let spn = request.host.spn();
    let enctypes: Vec<Enctype> = account
        .supported_enctypes
        .unwrap_or(SupportedEnctypes::AES)
        .enctypes()
        .into_iter()
        .filter(|e| e.is_supported())
        .collect();
    let enctypes = if enctypes.is_empty() {
        progress.warn("the account allows no AES or RC4 enctype; writing AES keys".to_owned());
        SupportedEnctypes::AES.enctypes()
    } else {
        enctypes
    };
    let upn = account.user_principal_name.clone();
    let client = upn
        .clone()
        .unwrap_or_else(|| format!("{}@{realm}", account.sam_account_name));
    let mut principals = vec![format!("{spn}@{realm}")];
    if upn.is_none() {
        principals.push(format!("{}@{realm}", account.sam_account_name));
    }
    let mut steps = vec![Step::SetPassword {
        dn: account.dn.clone(),
        password: PasswordOrigin::Random {
            length: crate::genpass::DEFAULT_LENGTH,
        },
    }];
    steps.extend(key_steps(
        &account.dn,
        kdc.as_str(),
        &client,
        &format!("{spn}@{realm}"),
        &request.keytab.display().to_string(),
        principals,
        enctypes.iter().map(Enctype::to_string).collect(),
        KeytabMode::Rotate {
            keep_old: request.keep_old,
        },
    ));
    let plan = Plan {
        command: "rotate".into(),
        principal: format!("{spn}@{realm}"),
        steps,
        dns_check: None,
    };
    Ok(Prepared {
        account,
        plan,
        enctypes,
        request: request.clone(),
        realm,
    })
}

/// What a rotation did (also a failed one).
#[derive(Debug)]
pub struct Report {
    /// The account and keytab as they are now.
    pub facts: Facts,
    /// What each step did.
    pub executed: Executed,
    /// The kvno before.
    pub previous_kvno: Option<u32>,
    /// The failed step, if one failed.
    pub failure: Option<StepFailure>,
    /// With `--wait-replication`: not every domain controller accepted the keys in
    /// time (the keytab is written and works on the DC written to).
    pub not_replicated: Option<super::Error>,
}

impl Report {
    /// The failure's message, exit class and hint: a failed password set changed
    /// nothing; a failure after it leaves a new password without a keytab.
    pub fn error(&self) -> Option<(String, Exit, Option<String>)> {
        let fail = self.failure.as_ref()?;
        Some(
            if matches!(fail.step, Step::SetPassword { .. }) && fail.error.outcome_unknown() {
                (
                    format!(
                        "step 1 failed: {}; the password MAY have been changed (the connection broke while it was being set), so keytabs made before may no longer work: run this command again to finish",
                        fail.error
                    ),
                    Exit::Failure,
                    fail.error.hint(),
                )
            } else if matches!(fail.step, Step::SetPassword { .. }) {
                (
                    format!(
                        "step 1 failed: {}; nothing was changed (the old keytab still works)",
                        fail.error
                    ),
                    Exit::Failure,
                    fail.error.hint(),
                )
            } else {
                (
                    format!(
                        "step {} failed: {}; the account has a new password, so keytabs made before no longer work until this is fixed: run this command again",
                        fail.number, fail.error
                    ),
                    fail.error.exit(),
                    fail.error.hint(),
                )
            },
        )
    }
}

/// Run the prepared rotation with a new random `password`.
pub fn execute(
    session: &mut Session,
    prepared: &Prepared,
    password: &Password,
    progress: &mut dyn Progress,
) -> Report {
    let account = &prepared.account;
    let target = KeyTarget {
        realm: prepared.realm.clone(),
        sam_account_name: account.sam_account_name.clone(),
        upn: account.user_principal_name.clone(),
        enctypes: prepared.enctypes.clone(),
    };
    let (executed, failure, keys) =
        match execute::execute(&prepared.plan, session, password, &target, progress) {
            Ok((done, keys)) => (done, None, keys),
            Err(boxed) => {
                let (done, f) = *boxed;
                (done, Some(f), Vec::new())
            }
        };
    if let (Some(old), Some(new)) = (account.kvno, executed.kvno)
        && new != old.wrapping_add(1)
    {
        progress.note(format!(
            "kvno went from {old} to {new} (someone else changed the password in between?)"
        ));
    }
    let mut facts = Facts {
        account_dn: account.dn.clone(),
        sam_account_name: account.sam_account_name.clone(),
        spn: prepared.request.host.spn(),
        upn: account.user_principal_name.clone(),
        kvno: None,
        salt: None,
        iterations: None,
        enctypes: prepared.enctypes.iter().map(Enctype::to_string).collect(),
        supported_enctypes: account
            .supported_enctypes
            .map_or("not set".to_owned(), |s| format!("0x{:x}", s.0)),
        delegation: account.delegation_text(),
        delegate_to: account.allowed_to_delegate_to.clone(),
        user_account_control: Some(uac_text(account.uac.0)),
        keys_proven: Vec::new(),
        ticket_flags: Vec::new(),
        keytab: None,
        keytab_entries: None,
        ldap_round_trips: 0,
        domain_controller: String::new(),
        kdc: String::new(),
        replication: Vec::new(),
    };
    facts.record(
        &executed,
        &prepared.request.keytab.display().to_string(),
        session,
    );
    let not_replicated = if failure.is_none() {
        let client = account
            .user_principal_name
            .clone()
            .unwrap_or_else(|| format!("{}@{}", account.sam_account_name, prepared.realm));
        replication::after_proof(session, &client, &keys, &mut facts, progress)
    } else {
        None
    };
    Report {
        facts,
        executed,
        previous_kvno: account.kvno,
        failure,
        not_replicated,
    }
}

//! A keytab from an account's current password, without changing the directory
//! (`ktpass -setpass`): the admin knows the password, the account already holds
//! `HTTP/host`. The salt comes from the KDC (ETYPE-INFO2), the kvno from the
//! directory, and the keys are proven with the KDC before the keytab is written,
//! exactly as after a password reset.

use serde::Serialize;

use super::execute::{self, Executed, KeyTarget};
use super::{Error, Progress, Session, StepError, keys, lookup};
use crate::ad::account::ServiceAccount;
use crate::hostname::Host;
use crate::krb::{Enctype, Password};
use crate::plan::KeytabMode;

/// What to adopt.
#[derive(Debug, Clone)]
pub struct Request {
    /// The virtual host: the account must hold `HTTP/host`.
    pub host: Host,
    /// The account, when named (else the holder of `HTTP/host`).
    pub account: Option<String>,
    /// Keytab enctypes, strongest first.
    pub enctypes: Vec<Enctype>,
    /// The keytab file.
    pub keytab: std::path::PathBuf,
    /// What happens to an existing file.
    pub keytab_mode: KeytabMode,
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The account's DN.
    pub dn: String,
    /// `HTTP/host@REALM`.
    pub principal: String,
    /// The kvno the directory reports (the keytab's).
    pub kvno: u32,
    /// The AES salt the KDC announced.
    pub salt: String,
    /// The steps' facts (keys proven, ticket, keytab entries).
    pub executed: Executed,
}

/// Why adopting failed: before anything was written, or at a key step.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The account or KDC could not be used.
    #[error(transparent)]
    Setup(#[from] Error),
    /// Deriving, proving or writing the keys failed (nothing was written).
    #[error(transparent)]
    Step(#[from] StepError),
}

fn holder(session: &mut Session, request: &Request) -> Result<ServiceAccount, Error> {
    let spn = request.host.spn();
    let account = match &request.account {
        Some(name) => lookup::account_named(session, name)?,
        None => lookup::owner(session, &request.host)?,
    };
    if !account
        .service_principal_names
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&spn))
    {
        return Err(Error::SpnNotHeld {
            dn: account.dn.clone(),
            spn,
            spns: account.service_principal_names.clone(),
        });
    }
    Ok(account)
}

/// Derive the keys of `password` with the KDC's salt, prove them, write the keytab.
pub fn adopt(
    session: &mut Session,
    request: &Request,
    password: &Password,
    progress: &mut dyn Progress,
) -> Result<Report, Failure> {
    let account = holder(session, request)?;
    let kdc = session.kdc()?;
    let realm = session.realm.clone();
    let kvno = account.kvno.ok_or_else(|| StepError::NoKvno {
        dn: account.dn.clone(),
    })?;
    let principal = format!("{}@{realm}", request.host.spn());
    let client = account
        .user_principal_name
        .clone()
        .unwrap_or_else(|| format!("{}@{realm}", account.sam_account_name));
    let target = KeyTarget {
        realm: realm.clone(),
        sam_account_name: account.sam_account_name.clone(),
        upn: account.user_principal_name.clone(),
        enctypes: request.enctypes.clone(),
    };
    let derived = keys::derive(&kdc, &client, password, &target, progress)?;
    let mut executed = Executed {
        kvno: Some(kvno),
        kdc_enctypes: Some(derived.kdc_enctypes.clone()),
        ..Executed::default()
    };
    keys::prove(
        &kdc,
        &client,
        &principal,
        &derived.keys,
        &mut executed,
        progress,
    )?;
    let mut principals = vec![execute::principal(&principal)?];
    if account.user_principal_name.is_none() {
        // The account logs in by its sAMAccountName: the keytab holds that too.
        principals.push(execute::principal(&client)?);
    }
    let written = keys::write_keytab(
        &request.keytab,
        &[keys::NewKeys {
            principals,
            kvno,
            keys: derived.keys,
            mode: request.keytab_mode,
        }],
        &mut |_| keys::kvno_of_dn(&mut session.dir, &account.dn, progress),
    )?;
    executed.keytab_written = true;
    executed.keytab_entries = Some(written.entries);
    Ok(Report {
        dn: account.dn,
        principal,
        kvno,
        salt: derived.salt,
        executed,
    })
}

//! Running a [`Plan`]: the LDAP changes in order, then the key steps (kvno, salt,
//! derivation, proof with the KDC) and the keytab. Shared by `create` and `rotate`.
//!
//! The executor stops at the first failing step and says which one, with what it
//! had done so far; the command decides what to undo.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::directory::Session;
use super::{Ui, read_keytab, write_keytab};
use crate::ad::ldap::LdapError;
use crate::atomic_file::Overwrite;
use crate::exit::CliError;
use crate::kdc::{self, KdcAddress};
use crate::krb::keytab::{Keytab, KeytabEntry, KeytabVersion};
use crate::krb::string_to_key::{DEFAULT_AES_ITERATIONS, string_to_key};
use crate::krb::ticket::{TicketFlags, decrypt_ticket};
use crate::krb::{Enctype, Key, NameType, Password, Principal, salt};
use crate::plan::{Attr, KeytabMode, Plan, Step};

/// Who the keys are for (from the plan's inputs, not secret).
#[derive(Debug, Clone)]
pub struct KeyTarget {
    pub realm: String,
    pub sam_account_name: String,
    pub upn: Option<String>,
    /// Keytab enctypes, strongest first.
    pub enctypes: Vec<Enctype>,
}

/// What the run did and learned: the facts of the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    /// The DN this run added (to undo on failure).
    pub created_dn: Option<String>,
    pub updated: bool,
    pub password_set: bool,
    pub enabled_uac: Option<u32>,
    pub kvno: Option<u32>,
    pub salt: Option<String>,
    pub iterations: Option<u32>,
    pub keys_proven: Vec<String>,
    pub ticket_enctype: Option<String>,
    pub ticket_flags: Vec<String>,
    pub ok_as_delegate: Option<bool>,
    pub keytab_written: bool,
    pub keytab_entries: Option<usize>,
    pub kept_old_entries: Option<usize>,
}

/// The step that failed.
#[derive(Debug)]
pub struct StepFailure {
    /// 1-based step number in the plan.
    pub number: usize,
    pub step: Step,
    pub error: CliError,
}

fn pairs(attrs: &[Attr]) -> Vec<(&str, Vec<String>)> {
    attrs
        .iter()
        .map(|a| (a.name.as_str(), a.values.clone()))
        .collect()
}

/// A client/service principal from its text (`HTTP/host@REALM`, `name@REALM`).
pub fn principal(text: &str) -> Result<Principal, CliError> {
    Principal::parse(text)
        .map(|p| p.with_name_type(NameType::PRINCIPAL))
        .map_err(|e| CliError::failure(e.to_string()))
}

/// Explain an LDAP write error.
pub fn ldap_write_error(e: &LdapError, what: &str) -> CliError {
    let hint = match e {
        LdapError::PasswordPolicy { .. } | LdapError::ConstraintViolation { .. } => {
            "the domain's password policy (length, complexity, history, minimum age) rejected the password; let spnkt generate one (no --password-* flag) or give a longer, more complex one"
        }
        LdapError::InsufficientAccess { .. } => {
            "the bind account lacks the right; bind as an account that may create users and reset passwords in the --ou"
        }
        LdapError::DuplicateSpn { .. } | LdapError::DuplicateUpn { .. } => {
            "another object holds this name; see `spnkt spn list --host HOST`"
        }
        LdapError::AlreadyExists { .. } => {
            "an object with this DN exists; choose another --account"
        }
        // Adding under a missing container, or an object that vanished mid-run
        // (deleted by someone else): both are "no such object".
        LdapError::NoSuchObject { .. } => {
            "the object or its container does not exist: check --ou (an existing container DN), and whether someone deleted the account meanwhile"
        }
        _ => "check the connection and the bind account's rights",
    };
    CliError::failure(format!("{what}: {e}")).hint(hint)
}

/// Run the plan's steps in order.
pub fn execute(
    plan: &Plan,
    session: &mut Session,
    password: &Password,
    target: &KeyTarget,
    ui: &mut Ui,
) -> Result<Progress, Box<(Progress, StepFailure)>> {
    execute_with_keys(plan, session, password, target, ui).map(|(progress, _)| progress)
}

/// What [`execute_with_keys`] returns: the progress and the proven keys.
pub type ProvenKeys = (Progress, Vec<Key>);

/// [`execute`], also returning the keys derived (and proven) by the plan's
/// `QuerySalt`/`ProveKeys` steps: `spnkt apply` leaves `WriteKeytab` out of the
/// plan and writes each keytab file once, with the keys of every service sharing it.
pub fn execute_with_keys(
    plan: &Plan,
    session: &mut Session,
    password: &Password,
    target: &KeyTarget,
    ui: &mut Ui,
) -> Result<ProvenKeys, Box<(Progress, StepFailure)>> {
    let mut progress = Progress::default();
    let mut keys: Vec<Key> = Vec::new();
    let total = plan.steps.len();
    for (i, step) in plan.steps.iter().enumerate() {
        // Visible progress on stderr (the first line of the step as the plan shows it).
        let step_text = step.to_string();
        ui.line(&format!(
            "[{}/{total}] {}",
            i + 1,
            step_text.lines().next().unwrap_or_default()
        ));
        if let Err(error) = run_step(
            step,
            session,
            password,
            target,
            &mut keys,
            &mut progress,
            ui,
        ) {
            return Err(Box::new((
                progress,
                StepFailure {
                    number: i + 1,
                    step: step.clone(),
                    error,
                },
            )));
        }
    }
    Ok((progress, keys))
}

#[allow(clippy::too_many_arguments)]
fn run_step(
    step: &Step,
    session: &mut Session,
    password: &Password,
    target: &KeyTarget,
    keys: &mut Vec<Key>,
    progress: &mut Progress,
    ui: &mut Ui,
) -> Result<(), CliError> {
    let dir = &mut session.dir;
    match step {
        Step::AddAccount { dn, attrs } => {
            dir.add(dn, &pairs(attrs))
                .map_err(|e| ldap_write_error(&e, "cannot add the account"))?;
            progress.created_dn = Some(dn.clone());
        }
        Step::UpdateAccount {
            dn,
            replace,
            add_values,
        } => {
            if !replace.is_empty() {
                dir.replace(dn, &pairs(replace))
                    .map_err(|e| ldap_write_error(&e, "cannot update the account"))?;
            }
            for a in add_values {
                dir.add_values(dn, &a.name, &a.values)
                    .map_err(|e| ldap_write_error(&e, &format!("cannot add to {}", a.name)))?;
            }
            progress.updated = true;
        }
        Step::SetPassword { dn, .. } => {
            dir.set_password(dn, password)
                .map_err(|e| ldap_write_error(&e, "cannot set the password"))?;
            progress.password_set = true;
        }
        Step::Enable { dn, uac, .. } => {
            dir.replace(dn, &[("userAccountControl", vec![uac.to_string()])])
                .map_err(|e| ldap_write_error(&e, "cannot enable the account"))?;
            progress.enabled_uac = Some(*uac);
        }
        Step::ReadKvno { dn } => {
            let account = dir.read_account(dn).map_err(|e| {
                CliError::failure(format!("cannot read {dn} back: {e}"))
                    .hint("the account is in place; run `spnkt rotate` to get a keytab")
            })?;
            let kvno = account.kvno.ok_or_else(|| {
                CliError::failure(format!("{dn} has no msDS-KeyVersionNumber"))
                    .hint("the bind account may lack the right to read it; the account is in place, the keytab was not written")
            })?;
            progress.kvno = Some(kvno);
        }
        Step::QuerySalt { kdc, client } => {
            let client_p = principal(client)?;
            let infos = kdc::salt_info(&KdcAddress(kdc.clone()), &client_p).map_err(|e| {
                CliError::verification_failed(format!(
                    "cannot get the salt of {client} from the KDC: {e}"
                ))
                .hint(kdc_hint(kdc, &e))
            })?;
            let predicted = salt::ad_salt(
                &target.realm,
                &target.sam_account_name,
                target.upn.as_deref(),
                false,
            );
            let aes_salt = infos
                .iter()
                .filter(|i| i.etype != Enctype::RC4_HMAC)
                .find_map(|i| i.salt.clone());
            let salt = match aes_salt {
                Some(s) if s != predicted => {
                    ui.warn(format!(
                        "the KDC's salt `{s}` differs from the AD rule's `{predicted}`; using the KDC's"
                    ));
                    s
                }
                Some(s) => s,
                None => predicted,
            };
            keys.clear();
            let mut iterations = None;
            for e in &target.enctypes {
                let info = infos.iter().find(|i| i.etype == *e);
                let salt_e = info
                    .and_then(|i| i.salt.clone())
                    .unwrap_or_else(|| salt.clone());
                let iter = info.map_or(DEFAULT_AES_ITERATIONS, |i| i.iterations);
                if *e != Enctype::RC4_HMAC {
                    iterations.get_or_insert(iter);
                }
                let key = string_to_key(*e, password, salt_e.as_bytes(), iter).map_err(|err| {
                    CliError::failure(format!("cannot derive the {e} key: {err}"))
                })?;
                keys.push(key);
            }
            progress.salt = Some(salt);
            progress.iterations = iterations;
        }
        Step::ProveKeys {
            kdc,
            client,
            service,
        } => {
            let addr = KdcAddress(kdc.clone());
            let client_p = principal(client)?;
            let service_p = principal(service)?;
            let mut tgt = None;
            for key in keys.iter() {
                match kdc::as_with_keys(&addr, &client_p, std::slice::from_ref(key)) {
                    Ok(t) => {
                        progress.keys_proven.push(key.enctype().to_string());
                        tgt.get_or_insert(t);
                    }
                    Err(kdc::KdcError::NoCommonEnctype { .. }) => ui.warn(format!(
                        "the KDC does not use {} for {client}: that key is written unproven",
                        key.enctype()
                    )),
                    Err(e) => {
                        return Err(CliError::verification_failed(format!(
                            "the KDC did not accept the new {} key of {client}: {e}",
                            key.enctype()
                        ))
                        .hint(kdc_hint(kdc, &e)));
                    }
                }
            }
            let Some(tgt) = tgt else {
                return Err(CliError::verification_failed(format!(
                    "no new key of {client} could be proven: the KDC offers none of the keytab's enctypes"
                ))
                .hint("check msDS-SupportedEncryptionTypes and --enctypes"));
            };
            let st = kdc::tgs(&addr, &tgt, &service_p).map_err(|e| {
                CliError::verification_failed(format!("cannot get a ticket for {service}: {e}"))
                    .hint(kdc_hint(kdc, &e))
            })?;
            let etype = st.ticket.enc_part.etype;
            let key = keys.iter().find(|k| k.enctype() == etype).ok_or_else(|| {
                CliError::verification_failed(format!(
                    "the KDC encrypted the ticket for {service} with {etype}, which the new keytab has no key for"
                ))
                .hint("add that enctype with --enctypes, or check msDS-SupportedEncryptionTypes")
            })?;
            if let (Some(tk), Some(k)) = (st.ticket.enc_part.kvno, progress.kvno)
                && tk != k
            {
                return Err(CliError::verification_failed(format!(
                    "the ticket for {service} is for kvno {tk}, but msDS-KeyVersionNumber said {k}"
                ))
                .hint(proof_hint(kdc)));
            }
            decrypt_ticket(&st.ticket, key).map_err(|e| {
                CliError::verification_failed(format!(
                    "the new {etype} key does not decrypt the ticket for {service}: {e}"
                ))
                .hint(proof_hint(kdc))
            })?;
            progress.ticket_enctype = Some(etype.to_string());
            progress.ticket_flags = st.flags.names();
            progress.ok_as_delegate = Some(st.flags.contains(TicketFlags::OK_AS_DELEGATE));
        }
        Step::WriteKeytab {
            path,
            principals,
            mode,
            ..
        } => {
            let kvno = progress
                .kvno
                .ok_or_else(|| CliError::failure("no kvno was read"))?;
            let principals: Vec<Principal> = principals
                .iter()
                .map(|p| principal(p))
                .collect::<Result<_, _>>()?;
            let timestamp = crate::timefmt::keytab_timestamp()?;
            let mut new_entries = Vec::new();
            for p in &principals {
                for k in keys.iter() {
                    new_entries.push(KeytabEntry {
                        principal: p.clone(),
                        timestamp,
                        kvno,
                        key: k.clone(),
                    });
                }
            }
            let path_ref = Path::new(path);
            let exists = std::fs::symlink_metadata(path_ref).is_ok();
            let existing = match mode {
                KeytabMode::Append | KeytabMode::Rotate { .. } if exists => {
                    Some(read_keytab(path_ref).map_err(|e| {
                        CliError::failure(format!("{e:#}")).hint(
                            "the account has its new password; fix the file and run `spnkt rotate`",
                        )
                    })?)
                }
                _ => None,
            };
            let (kt, kept) = merge_keytab(existing, new_entries, &principals, *mode, kvno);
            let overwrite = if exists && *mode != KeytabMode::New {
                Overwrite::Replace
            } else {
                Overwrite::Refuse
            };
            write_keytab(path_ref, &kt, overwrite).map_err(|e| {
                CliError::failure(format!("{e:#}")).hint(
                    "the account and its keys are fine but the keytab was not written; run `spnkt rotate` to get a new one",
                )
            })?;
            progress.keytab_written = true;
            progress.keytab_entries = Some(kt.entries.len());
            progress.kept_old_entries = Some(kept);
        }
        Step::DeleteAccount { dn } => {
            dir.delete(dn)
                .map_err(|e| ldap_write_error(&e, "cannot delete the account"))?;
        }
    }
    Ok(())
}

/// Whether a KDC error means the KDC could not be reached at all.
pub fn unreachable(e: &kdc::KdcError) -> bool {
    matches!(
        e,
        kdc::KdcError::BadAddress { .. }
            | kdc::KdcError::Resolve { .. }
            | kdc::KdcError::Connect { .. }
            | kdc::KdcError::Timeout { .. }
            | kdc::KdcError::Io { .. }
    )
}

/// Before changing anything: can the KDC be reached at all? Any Kerberos answer
/// (even an error) counts; no answer refuses the run.
pub fn check_kdc_reachable(kdc: &KdcAddress, realm: &str) -> Result<(), CliError> {
    let probe = Principal::new(
        NameType::SRV_INST,
        vec!["krbtgt".into(), realm.to_owned()],
        realm.to_owned(),
    );
    match kdc::salt_info(kdc, &probe) {
        Err(e) if unreachable(&e) => Err(CliError::failure(format!(
            "the KDC is needed to prove the new keys but cannot be reached: {e}; nothing was changed"
        ))
        .hint(super::directory::KDC_HINT)),
        _ => Ok(()),
    }
}

fn kdc_hint(kdc: &str, e: &kdc::KdcError) -> String {
    if unreachable(e) {
        format!(
            "the account is in place in AD, but the KDC at {kdc} cannot be reached: check --kdc (host[:port]) and run `spnkt rotate`"
        )
    } else {
        proof_hint(kdc)
    }
}

fn proof_hint(kdc: &str) -> String {
    format!(
        "the account is in place in AD; with several domain controllers the KDC at {kdc} may not have the new password yet (replication delay): point --kdc at the DC of --ldap-url, or wait and run `spnkt rotate`"
    )
}

/// The keytab to write: `existing` (for append/rotate) with this principal's entries
/// dropped or thinned, plus `new_entries`. Returns it and how many old entries of
/// these principals were kept.
pub fn merge_keytab(
    existing: Option<Keytab>,
    new_entries: Vec<KeytabEntry>,
    principals: &[Principal],
    mode: KeytabMode,
    new_kvno: u32,
) -> (Keytab, usize) {
    let ours = |e: &KeytabEntry| principals.iter().any(|p| e.matches(p, None, None));
    let mut entries = existing.map(|k| k.entries).unwrap_or_default();
    let mut kept = 0;
    match mode {
        KeytabMode::New | KeytabMode::Replace => entries.clear(),
        KeytabMode::Append => entries.retain(|e| !ours(e)),
        KeytabMode::Rotate { keep_old } => {
            let mut old_kvnos: Vec<u32> = entries
                .iter()
                .filter(|e| ours(e) && e.kvno != new_kvno)
                .map(|e| e.kvno)
                .collect();
            old_kvnos.sort_unstable_by(|a, b| b.cmp(a));
            old_kvnos.dedup();
            old_kvnos.truncate(keep_old as usize);
            entries.retain(|e| !ours(e) || old_kvnos.contains(&e.kvno));
            kept = entries.iter().filter(|e| ours(e)).count();
        }
    }
    entries.extend(new_entries);
    (
        Keytab {
            version: KeytabVersion::V2,
            entries,
        },
        kept,
    )
}

/// Facts shown after create/rotate (never secrets).
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub account_dn: String,
    pub sam_account_name: String,
    pub spn: String,
    pub upn: Option<String>,
    pub kvno: Option<u32>,
    pub salt: Option<String>,
    pub iterations: Option<u32>,
    pub enctypes: Vec<String>,
    pub supported_enctypes: String,
    pub delegation: String,
    pub delegate_to: Vec<String>,
    pub user_account_control: Option<String>,
    pub keys_proven: Vec<String>,
    pub ticket_flags: Vec<String>,
    pub keytab: Option<String>,
    pub keytab_entries: Option<usize>,
    pub ldap_round_trips: u64,
}

impl Facts {
    pub fn human(&self, headline: &str) -> String {
        let mut h = String::new();
        let _ = writeln!(h, "{headline}");
        let mut line = |k: &str, v: &str| {
            let _ = writeln!(h, "  {k:<20} {v}");
        };
        line("account:", &self.account_dn);
        line("sAMAccountName:", &self.sam_account_name);
        line("SPN:", &self.spn);
        line("UPN:", self.upn.as_deref().unwrap_or("(none)"));
        if let Some(k) = self.kvno {
            line("kvno:", &k.to_string());
        }
        if let Some(s) = &self.salt {
            line(
                "salt:",
                &format!(
                    "{s} ({} iterations)",
                    self.iterations.unwrap_or(DEFAULT_AES_ITERATIONS)
                ),
            );
        }
        line("enctypes:", &self.enctypes.join(", "));
        let mut deleg = self.delegation.clone();
        if !self.delegate_to.is_empty() {
            deleg.push_str(&format!(" to {}", self.delegate_to.join(", ")));
        }
        line("delegation:", &deleg);
        if let Some(u) = &self.user_account_control {
            line("userAccountControl:", u);
        }
        if !self.keys_proven.is_empty() {
            line(
                "proven:",
                &format!(
                    "KDC accepted {}; ticket flags: {}",
                    self.keys_proven.join(", "),
                    self.ticket_flags.join(" ")
                ),
            );
        }
        match (&self.keytab, self.keytab_entries) {
            (Some(k), Some(n)) => line("keytab:", &format!("{k} ({n} entries, mode 0600)")),
            _ => line("keytab:", "not written"),
        }
        line("LDAP round trips:", &self.ldap_round_trips.to_string());
        h
    }

    pub fn json(&self, ok: bool, progress: &Progress) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v["ok"] = serde_json::Value::Bool(ok);
        v["progress"] = serde_json::to_value(progress).unwrap_or_default();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(p: &str, kvno: u32, e: i32) -> KeytabEntry {
        KeytabEntry {
            principal: Principal::parse(p).unwrap(),
            timestamp: 0,
            kvno,
            key: Key::new(Enctype(e), vec![kvno as u8; 16]),
        }
    }

    #[test]
    fn rotate_keeps_previous_kvnos() {
        let me = "HTTP/a.example.test@EXAMPLE.TEST";
        let existing = Keytab {
            version: KeytabVersion::V2,
            entries: vec![
                entry(me, 2, 18),
                entry(me, 3, 18),
                entry(me, 3, 17),
                entry("HTTP/other.example.test@EXAMPLE.TEST", 1, 18),
                entry(me, 1, 18),
            ],
        };
        let p = [Principal::parse(me).unwrap()];
        let (kt, kept) = merge_keytab(
            Some(existing.clone()),
            vec![entry(me, 4, 18)],
            &p,
            KeytabMode::Rotate { keep_old: 1 },
            4,
        );
        let kv: Vec<(String, u32)> = kt
            .entries
            .iter()
            .map(|e| (e.principal.components[1].clone(), e.kvno))
            .collect();
        assert_eq!(
            kv,
            [
                ("a.example.test".into(), 3),
                ("a.example.test".into(), 3),
                ("other.example.test".into(), 1),
                ("a.example.test".into(), 4)
            ]
        );
        assert_eq!(kept, 2);
        let (kt, kept) = merge_keytab(
            Some(existing.clone()),
            vec![entry(me, 4, 18)],
            &p,
            KeytabMode::Rotate { keep_old: 0 },
            4,
        );
        assert_eq!((kt.entries.len(), kept), (2, 0));
        let (kt, _) = merge_keytab(
            Some(existing.clone()),
            vec![entry(me, 4, 18)],
            &p,
            KeytabMode::Append,
            4,
        );
        assert_eq!(kt.entries.len(), 2);
        let (kt, _) = merge_keytab(
            Some(existing),
            vec![entry(me, 4, 18)],
            &p,
            KeytabMode::Replace,
            4,
        );
        assert_eq!(kt.entries.len(), 1);
    }
}

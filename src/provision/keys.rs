//! The account's new keys: the salt the KDC really uses, derivation, the proof with
//! the KDC (an AS exchange per key and a service ticket the new key decrypts), and
//! the keytab they go into (merged with what the file holds, written atomically).

use std::path::Path;

use super::execute::{Executed, KeyTarget, principal};
use super::{Error, Progress, StepError, unreachable};
use crate::ad::ldap::{Directory, LdapError};
use crate::atomic_file::Overwrite;
use crate::kdc::{self, KdcAddress, KdcError};
use crate::keytab_file;
use crate::krb::kdc_msg::error_code;
use crate::krb::keytab::{Keytab, KeytabEntry, KeytabVersion};
use crate::krb::string_to_key::{DEFAULT_AES_ITERATIONS, string_to_key};
use crate::krb::ticket::{TicketFlags, decrypt_ticket};
use crate::krb::{Enctype, Key, NameType, Password, Principal, salt};
use crate::plan::KeytabMode;

/// Before changing anything: can the KDC be reached at all? Any Kerberos answer
/// (even an error) counts; no answer refuses the run.
pub fn check_kdc_reachable(kdc: &KdcAddress, realm: &str) -> Result<(), Error> {
    let probe = Principal::new(
        NameType::SRV_INST,
        vec!["krbtgt".into(), realm.to_owned()],
        realm.to_owned(),
    );
    match kdc::salt_info(kdc, &probe) {
        Err(cause) if unreachable(&cause) => Err(Error::KdcUnreachable { cause }),
        _ => Ok(()),
    }
}

/// Keys derived from the new password with the salt the KDC announced.
#[derive(Debug)]
pub struct Derived {
    /// One key per wanted enctype, strongest first.
    pub keys: Vec<Key>,
    /// The AES salt used.
    pub salt: String,
    /// The AES iterations used.
    pub iterations: Option<u32>,
    /// The enctypes the KDC announced keys of for the account (its ETYPE-INFO2).
    pub kdc_enctypes: Vec<Enctype>,
}

/// Ask the KDC for the account's salt (ETYPE-INFO2), cross-check it with the AD rule
/// (the KDC wins, with a warning), and derive the target's keys from `password`.
pub fn derive(
    kdc: &KdcAddress,
    client: &str,
    password: &Password,
    target: &KeyTarget,
    progress: &mut dyn Progress,
) -> Result<Derived, StepError> {
    let client_p = principal(client)?;
    let infos = kdc::salt_info(kdc, &client_p).map_err(|cause| StepError::Salt {
        client: client.to_owned(),
        kdc: kdc.to_string(),
        cause,
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
            progress.warn(format!(
                "the KDC's salt `{s}` differs from the AD rule's `{predicted}`; using the KDC's"
            ));
            s
        }
        Some(s) => s,
        None => predicted,
    };
    let mut keys = Vec::new();
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
            StepError::Derive {
                enctype: *e,
                cause: err.to_string(),
            }
        })?;
        keys.push(key);
    }
    Ok(Derived {
        keys,
        salt,
        iterations,
        kdc_enctypes: infos.iter().map(|i| i.etype).collect(),
    })
}

/// Prove `keys` with the KDC: every key either logs in as `client` (an AS exchange
/// with PA-ENC-TIMESTAMP made with it, whose reply it decrypts) or decrypts the
/// service ticket for `service` the KDC issues, whose kvno is checked against the
/// one read back. A key of an enctype the KDC does not use for the account is
/// written unproven, with a warning.
///
/// The KDC encrypts a service ticket in the strongest key of the account's enctypes
/// (AD, MIT and Heimdal alike), which is the first of `keys`. So the weaker keys log
/// in, the first login's TGT asks for the ticket, and the ticket proves the strongest
/// key. That is one AS exchange fewer per account than a login with every key, and
/// on AD each login is a database write (lastLogon); the proof is as strong. Should
/// the ticket come in another enctype, the strongest key logs in afterwards.
pub fn prove(
    addr: &KdcAddress,
    client: &str,
    service: &str,
    keys: &[Key],
    done: &mut Executed,
    progress: &mut dyn Progress,
) -> Result<(), StepError> {
    let kdc = addr.as_str();
    let client_p = principal(client)?;
    let service_p = principal(service)?;
    let mut proven: Vec<Enctype> = Vec::new();
    let mut unproven: Vec<Enctype> = Vec::new();
    let mut tgt = None;
    let (strongest, weaker) = match keys {
        [first, rest @ ..] if !rest.is_empty() => (Some(first), rest),
        _ => (None, keys),
    };
    for key in weaker {
        if let Some(t) = log_in(addr, &client_p, client, key, done, progress)? {
            proven.push(key.enctype());
            tgt.get_or_insert(t);
        } else {
            unproven.push(key.enctype());
        }
    }
    if let (None, Some(key)) = (&tgt, strongest) {
        // No weaker key could log in: the strongest one gets the TGT itself.
        if let Some(t) = log_in(addr, &client_p, client, key, done, progress)? {
            proven.push(key.enctype());
            tgt = Some(t);
        } else {
            unproven.push(key.enctype());
        }
    }
    let Some(tgt) = tgt else {
        return Err(StepError::NothingProven {
            client: client.to_owned(),
        });
    };
    let st = kdc::tgs(addr, &tgt, &service_p).map_err(|cause| StepError::ServiceTicket {
        service: service.to_owned(),
        kdc: kdc.to_owned(),
        cause,
    })?;
    let etype = st.ticket.enc_part.etype;
    let key =
        keys.iter()
            .find(|k| k.enctype() == etype)
            .ok_or_else(|| StepError::TicketEnctype {
                service: service.to_owned(),
                enctype: etype,
            })?;
    if let (Some(tk), Some(k)) = (st.ticket.enc_part.kvno, done.kvno)
        && tk != k
    {
        return Err(StepError::TicketKvno {
            service: service.to_owned(),
            ticket_kvno: tk,
            kvno: k,
            kdc: kdc.to_owned(),
        });
    }
    decrypt_ticket(&st.ticket, key).map_err(|e| StepError::TicketDecrypt {
        service: service.to_owned(),
        enctype: etype,
        kdc: kdc.to_owned(),
        cause: e.to_string(),
    })?;
    if !proven.contains(&etype) {
        proven.push(etype);
    }
    // The ticket came in a weaker enctype than expected: the strongest key has not
    // been proven yet, so it logs in like the others.
    if let Some(key) = strongest {
        let e = key.enctype();
        if !proven.contains(&e)
            && !unproven.contains(&e)
            && log_in(addr, &client_p, client, key, done, progress)?.is_some()
        {
            proven.push(e);
        }
    }
    // Reported strongest first, as the keys are.
    done.keys_proven = keys
        .iter()
        .map(Key::enctype)
        .filter(|e| proven.contains(e))
        .map(|e| e.to_string())
        .collect();
    done.ticket_enctype = Some(etype.to_string());
    done.ticket_flags = st.flags.names();
    done.ok_as_delegate = Some(st.flags.contains(TicketFlags::OK_AS_DELEGATE));
    Ok(())
}

/// The AES enctypes AD derives with one salt and iteration count.
fn is_ad_aes(e: Enctype) -> bool {
    [
        Enctype::AES128_CTS_HMAC_SHA1_96,
        Enctype::AES256_CTS_HMAC_SHA1_96,
    ]
    .contains(&e)
}

/// The answers to a pre-authenticated AS-REQ that mean the key is wrong or the KDC
/// keeps no key of its enctype for the account.
fn wrong_or_missing_key(e: &KdcError) -> bool {
    matches!(
        e,
        KdcError::PreauthFailed { .. } | KdcError::NoCommonEnctype { .. }
    ) || e.krb_error_code() == Some(error_code::KDC_ERR_ETYPE_NOSUPP)
}

/// One AS exchange with PA-ENC-TIMESTAMP made with `key`, asking for the reply in its
/// enctype: `Some(TGT)` when the KDC accepted the key, `None` (with a warning) when
/// the KDC keeps no key of that enctype for the account.
///
/// An AES key goes straight to the pre-authenticated request when the salt query
/// announced any AES enctype: AD derives every AES key of an account with the one
/// salt, and a KDC may announce only its preferred enctype (Heimdal, Samba's KDC,
/// does). Only a refusal costs the exchange that asks first whether the KDC has such
/// a key at all, which tells "no such key" from "wrong key".
fn log_in(
    addr: &KdcAddress,
    client_p: &Principal,
    client: &str,
    key: &Key,
    done: &Executed,
    progress: &mut dyn Progress,
) -> Result<Option<kdc::Tgt>, StepError> {
    let e = key.enctype();
    let announced = done.kdc_enctypes.as_deref().unwrap_or_default();
    let direct =
        announced.contains(&e) || (is_ad_aes(e) && announced.iter().any(|a| is_ad_aes(*a)));
    let ask_first = || kdc::as_with_keys(addr, client_p, std::slice::from_ref(key));
    let attempt = if !direct {
        ask_first()
    } else {
        match kdc::as_with_key(addr, client_p, key) {
            // A wrong key, or no such key (KDC_ERR_ETYPE_NOSUPP): the question tells which.
            Err(err) if !announced.contains(&e) && wrong_or_missing_key(&err) => ask_first(),
            first => first,
        }
    };
    match attempt {
        Ok(t) => Ok(Some(t)),
        Err(KdcError::NoCommonEnctype { .. }) => {
            progress.warn(format!(
                "the KDC does not use {e} for {client}: that key is written unproven"
            ));
            Ok(None)
        }
        Err(cause) => Err(StepError::KeyRefused {
            client: client.to_owned(),
            enctype: e,
            kdc: addr.as_str().to_owned(),
            cause,
        }),
    }
}

/// One account's proven keys, to be written to a keytab file.
#[derive(Debug, Clone)]
pub struct NewKeys {
    /// The principals the keys are written for.
    pub principals: Vec<Principal>,
    /// The kvno read back from the directory.
    pub kvno: u32,
    /// The keys, strongest first.
    pub keys: Vec<Key>,
    /// What happens to the file's older entries of these principals.
    pub mode: KeytabMode,
}

/// What [`write_keytab_shared`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Entries in the file now.
    pub entries: usize,
    /// Older entries of the principals kept (rotate mode), over all groups.
    pub kept: usize,
    /// Accounts of the group whose password another run changed meanwhile: their
    /// keys were left out (indexes into the group, with the error to report).
    pub moved: Vec<(usize, Moved)>,
}

/// An account's kvno moved between this run's read-back and its keytab write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The account's first principal.
    pub account: String,
    /// The keytab not written.
    pub keytab: String,
    /// The kvno this run read back (its keys').
    pub was: u32,
    /// The directory's kvno now (`None`: the account is gone).
    pub now: Option<u32>,
}

impl Moved {
    /// As the step's error.
    pub fn error(&self) -> StepError {
        StepError::ConcurrentChange {
            account: self.account.clone(),
            keytab: Some(self.keytab.clone()),
            was: self.was,
            now: self.now,
        }
    }
}

/// The account's kvno in the directory just before its keytab is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvnoNow {
    /// msDS-KeyVersionNumber now.
    Is(u32),
    /// The account no longer exists.
    Gone,
    /// It could not be read (a warning has said so): the keys are written, as proven.
    Unknown,
}

/// The kvno of the account `dn` now (for [`write_keytab`]'s check).
pub fn kvno_of_dn(dir: &mut Directory, dn: &str, progress: &mut dyn Progress) -> KvnoNow {
    match dir.read_account(dn) {
        Ok(a) => a.kvno.map_or(KvnoNow::Unknown, KvnoNow::Is),
        Err(LdapError::NoSuchObject { .. }) => KvnoNow::Gone,
        Err(e) => {
            progress.warn(format!(
                "cannot read the kvno of {dn} again before writing the keytab ({e}): writing the keys proven moments ago"
            ));
            KvnoNow::Unknown
        }
    }
}

/// The kvno of the account with this sAMAccountName now (for [`write_keytab`]'s check).
pub fn kvno_of_account(
    dir: &mut Directory,
    base_dn: &str,
    sam_account_name: &str,
    progress: &mut dyn Progress,
) -> KvnoNow {
    match dir.find_account(base_dn, sam_account_name) {
        Ok(Some(a)) => a.kvno.map_or(KvnoNow::Unknown, KvnoNow::Is),
        Ok(None) => KvnoNow::Gone,
        Err(e) => {
            progress.warn(format!(
                "cannot read the kvno of {sam_account_name} again before writing the keytab ({e}): writing the keys proven moments ago"
            ));
            KvnoNow::Unknown
        }
    }
}

/// When proving new keys failed in a way another run changing the password right
/// after this one explains, ask the directory (`kvno_now`) and say so
/// ([`StepError::ConcurrentChange`], exit 6) instead of "not proven":
///
/// - the account's kvno moved from `read_back` (the KDC refused the new key, its
///   ticket is for another kvno, or the ticket does not decrypt): the other run's
///   change came after this run's read-back;
/// - the KDC refused the new key (KDC_ERR_PREAUTH_FAILED) and the kvno did not move:
///   the other run's change came between this run's password set and its
///   read-back. Only for a KDC that is the domain controller the password was set
///   on (no replication between them): it has this run's password, with the salt
///   it announced itself, unless someone set another one since.
///
/// Otherwise (the directory cannot be read, or nothing moved) `e` as it was.
pub fn explain_failed_proof(
    e: StepError,
    read_back: Option<u32>,
    client: &str,
    kvno_now: &mut dyn FnMut() -> KvnoNow,
) -> StepError {
    let refused = matches!(
        &e,
        StepError::KeyRefused {
            cause: KdcError::PreauthFailed { .. },
            ..
        }
    );
    let explicable = refused
        || matches!(
            &e,
            StepError::TicketKvno { .. } | StepError::TicketDecrypt { .. }
        );
    let Some(was) = read_back.filter(|_| explicable) else {
        return e;
    };
    let now = match kvno_now() {
        KvnoNow::Is(k) if k != was || refused => Some(k),
        KvnoNow::Gone => None,
        _ => return e,
    };
    StepError::ConcurrentChange {
        account: client.to_owned(),
        keytab: None,
        was,
        now,
    }
}

/// Write the keytab at `path` with the new keys of one account (or several sharing
/// the file, see [`write_keytab_shared`]); an account whose kvno moved is an error
/// ([`StepError::ConcurrentChange`]) and then nothing is written.
pub fn write_keytab(
    path: &Path,
    group: &[NewKeys],
    kvno_now: &mut dyn FnMut(usize) -> KvnoNow,
) -> Result<Written, StepError> {
    let written = write_keytab_shared(path, group, kvno_now)?;
    match written.moved.first() {
        Some((_, m)) => Err(m.error()),
        None => Ok(written),
    }
}

/// Write the keytab at `path` once with the new keys of every account in `group`
/// (apply writes a shared file once), merged with what the file holds, under the
/// file's lock (see [`keytab_file::update`]).
///
/// Under the lock, before merging, `kvno_now(i)` tells the kvno of `group[i]`'s account in the
/// directory: when another run changed the password after this one read its kvno
/// back, this run's keys are stale and are not written (a run that lost the race
/// must not put keys the KDC no longer has into a file, perhaps over the winner's).
/// Those accounts are listed in [`Written::moved`]; the others are written. When no
/// account is left the file is not touched.
pub fn write_keytab_shared(
    path: &Path,
    group: &[NewKeys],
    kvno_now: &mut dyn FnMut(usize) -> KvnoNow,
) -> Result<Written, StepError> {
    let needs_existing = group
        .iter()
        .any(|g| matches!(g.mode, KeytabMode::Append | KeytabMode::Rotate { .. }));
    // `New` alone refuses an existing file; with any other mode it is replaced.
    let overwrite = if group.iter().all(|g| g.mode == KeytabMode::New) {
        Overwrite::Refuse
    } else {
        Overwrite::Replace
    };
    let timestamp = crate::timefmt::keytab_timestamp().map_err(StepError::Clock)?;
    keytab_file::update(path, overwrite, |current| {
        let mut moved = Vec::new();
        for (i, g) in group.iter().enumerate() {
            let now = match kvno_now(i) {
                KvnoNow::Is(k) if k == g.kvno => continue,
                KvnoNow::Unknown => continue,
                KvnoNow::Is(k) => Some(k),
                KvnoNow::Gone => None,
            };
            moved.push((
                i,
                Moved {
                    account: g
                        .principals
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    keytab: path.display().to_string(),
                    was: g.kvno,
                    now,
                },
            ));
        }
        if moved.len() == group.len() {
            let entries = current.read().ok().flatten().map_or(0, |k| k.entries.len());
            return Ok((
                None,
                Written {
                    entries,
                    kept: 0,
                    moved,
                },
            ));
        }
        let mut kt = if current.exists() && needs_existing {
            Some(
                current
                    .read()
                    .map_err(StepError::KeytabRead)?
                    .unwrap_or_default(),
            )
        } else {
            None
        };
        let mut kept = 0;
        for (i, g) in group.iter().enumerate() {
            if moved.iter().any(|(m, _)| *m == i) {
                continue;
            }
            let mut entries = Vec::new();
            for p in &g.principals {
                for k in &g.keys {
                    entries.push(KeytabEntry {
                        principal: p.clone(),
                        timestamp,
                        kvno: g.kvno,
                        key: k.clone(),
                    });
                }
            }
            let (merged, k) = merge_keytab(kt.take(), entries, &g.principals, g.mode, g.kvno);
            kept += k;
            kt = Some(merged);
        }
        let kt = kt.unwrap_or_else(Keytab::new);
        let entries = kt.entries.len();
        Ok((
            Some(kt),
            Written {
                entries,
                kept,
                moved,
            },
        ))
    })
}

/// The keytab to write: `existing` (for append/rotate) with these principals'
/// entries dropped or thinned, plus `new_entries`. Returns it and how many old
/// entries of these principals were kept.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One AES256 key for `p` at `kvno`, appended to the file.
    fn appended(p: &str, kvno: u32) -> NewKeys {
        NewKeys {
            principals: vec![Principal::parse(p).unwrap()],
            kvno,
            keys: vec![Key::new(Enctype(18), vec![1; 32])],
            mode: KeytabMode::Append,
        }
    }

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

    #[test]
    fn an_account_whose_kvno_moved_is_left_out_and_named() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("web.keytab");
        let keys = appended;
        let group = [
            keys("HTTP/a.example.test@EXAMPLE.TEST", 2),
            keys("HTTP/b.example.test@EXAMPLE.TEST", 3),
        ];
        // b's password was changed again (kvno 4) by another run: only a is written.
        let w = write_keytab_shared(&path, &group, &mut |i| {
            if i == 1 {
                KvnoNow::Is(4)
            } else {
                KvnoNow::Is(2)
            }
        })
        .unwrap();
        assert_eq!(w.entries, 1);
        assert_eq!(w.moved.len(), 1);
        assert_eq!(
            (w.moved[0].0, w.moved[0].1.was, w.moved[0].1.now),
            (1, 3, Some(4))
        );
        let e = w.moved[0].1.error();
        assert_eq!(e.exit(), crate::exit::Exit::Conflict);
        assert!(
            e.to_string().contains(
                "another run changed the password of HTTP/b.example.test@EXAMPLE.TEST (kvno 3 → 4)"
            ),
            "{e}"
        );
        // One account, gone meanwhile: an error, and the file is not touched.
        let before = std::fs::read(&path).unwrap();
        let e = write_keytab(&path, &group[1..], &mut |_| KvnoNow::Gone).unwrap_err();
        assert!(
            matches!(e, StepError::ConcurrentChange { now: None, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("kvno 3 → account deleted"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_refused_proof_is_a_conflict_when_another_run_changed_the_password() {
        let refused = || StepError::KeyRefused {
            client: "HTTP/a.example.test@EXAMPLE.TEST".into(),
            enctype: Enctype(18),
            kdc: "127.0.0.1:88".into(),
            cause: KdcError::PreauthFailed {
                client: "HTTP/a.example.test@EXAMPLE.TEST".into(),
                enctype: Enctype(18),
                e_text: None,
            },
        };
        let c = "HTTP/a.example.test@EXAMPLE.TEST";
        // Moved after the read-back.
        let e = explain_failed_proof(refused(), Some(5), c, &mut || KvnoNow::Is(6));
        assert!(e.to_string().contains("(kvno 5 → 6)"), "{e}");
        assert_eq!(e.exit(), crate::exit::Exit::Conflict);
        // Changed between the set and the read-back: the KDC refusing is the sign.
        let e = explain_failed_proof(refused(), Some(6), c, &mut || KvnoNow::Is(6));
        assert!(e.to_string().contains("right after this one set it"), "{e}");
        // The directory cannot tell: the KDC's refusal as it was.
        let e = explain_failed_proof(refused(), Some(6), c, &mut || KvnoNow::Unknown);
        assert_eq!(e.exit(), crate::exit::Exit::VerificationFailed);
        // Other failures are not explained by a kvno that did not move.
        let e = StepError::TicketEnctype {
            service: c.into(),
            enctype: Enctype(23),
        };
        let e = explain_failed_proof(e, Some(6), c, &mut || KvnoNow::Is(7));
        assert!(matches!(e, StepError::TicketEnctype { .. }));
    }

    #[test]
    fn shared_file_written_once_with_every_account() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("web.keytab");
        let keys = appended;
        let w = write_keytab(
            &path,
            &[
                keys("HTTP/a.example.test@EXAMPLE.TEST", 2),
                keys("HTTP/b.example.test@EXAMPLE.TEST", 3),
            ],
            &mut |_| KvnoNow::Unknown,
        )
        .unwrap();
        assert_eq!(w.entries, 2);
        let kt = keytab_file::read(&path).unwrap();
        assert_eq!(
            kt.entries.iter().map(|e| e.kvno).collect::<Vec<_>>(),
            [2, 3]
        );
    }
}

//! Why a service ticket does or does not decrypt with a keytab: the analysis behind
//! `spnkt verify`.
//!
//! Pure: a keytab, the decoded evidence ([`crate::krb::evidence::Detected`]) and
//! `now` (seconds since the epoch) go in, a [`Report`] comes out. No files, no clock,
//! no environment; `commands/verify.rs` does the I/O and the rendering.
//!
//! For each ticket the keytab is searched the way MIT's `krb5_rd_req` does (exact,
//! case-sensitive principal; the ticket's kvno and enctype), and when that fails the
//! most specific cause is named, in this order:
//!
//! 1. [`CauseCode::NoPrincipal`]: no entry for the ticket's service principal, with
//!    near misses (another service on the same host, a case-only difference,
//!    another realm);
//! 2. [`CauseCode::KvnoMismatch`]: entries of other kvnos only. Keys of the ticket's
//!    enctype at other kvnos are tried first: one that decrypts means only the
//!    keytab's kvno label is wrong;
//! 3. [`CauseCode::EnctypeMissing`]: the kvno is there but not the ticket's enctype;
//! 4. [`CauseCode::Integrity`]: the key is there and does not decrypt: wrong
//!    password or wrong salt;
//! 5. [`CauseCode::PacSignature`]: the ticket decrypts but its PAC server signature
//!    does not verify.
//!
//! An NTLMSSP token instead of a Kerberos one is [`CauseCode::Ntlm`]. Key bytes
//! never appear in a report: keys are named by keytab slot (1-based, file order),
//! kvno and enctype.

pub mod batch;
pub mod text;

use serde::Serialize;

use crate::krb::ap_req::{self, ApReq, GssFlags};
use std::cell::{OnceCell, RefCell};

use zeroize::Zeroizing;

use crate::krb::crypto::{self, ChecksumKey, CryptoError, DecryptionKey};
use crate::krb::evidence::{Detected, Evidence};
use crate::krb::keytab::{Keytab, KeytabEntry};
use crate::krb::krbcred;
use crate::krb::pac;
use crate::krb::spnego::Layer;
use crate::krb::ticket::{self, EncTicketPartRef, Ticket, TicketError, TicketFlags};
use crate::krb::{Enctype, Key, Principal};
use crate::timefmt::{format_relative, format_utc_i64};

/// Everything `spnkt verify` found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The detected input format (`MIT ccache v4`, ...).
    pub format: String,
    /// The format with counts: `MIT ccache v4, 3 credentials (2 config entries skipped)`.
    pub summary: String,
    pub results: Vec<TicketResult>,
}

impl Report {
    pub fn all_ok(&self) -> bool {
        !self.results.is_empty() && self.results.iter().all(|r| r.ok)
    }
}

/// Why a ticket failed, machine-readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseCode {
    NoPrincipal,
    KvnoMismatch,
    EnctypeMissing,
    Integrity,
    Ntlm,
    PacSignature,
}

impl CauseCode {
    pub fn as_str(self) -> &'static str {
        match self {
            CauseCode::NoPrincipal => "no_principal",
            CauseCode::KvnoMismatch => "kvno_mismatch",
            CauseCode::EnctypeMissing => "enctype_missing",
            CauseCode::Integrity => "integrity",
            CauseCode::Ntlm => "ntlm",
            CauseCode::PacSignature => "pac_signature",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Cause {
    pub code: CauseCode,
    pub message: String,
    pub hint: String,
    pub near_misses: Vec<NearMiss>,
}

/// A keytab principal that is almost the ticket's.
#[derive(Clone, Debug, Serialize)]
pub struct NearMiss {
    pub principal: String,
    /// `other_service`, `case` or `other_realm`.
    pub kind: &'static str,
    /// Keytab slots (1-based) holding it.
    pub slots: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Time {
    pub unix: i64,
    pub utc: String,
    /// `in 9h 58m`, `2h ago`.
    pub relative: String,
}

impl Time {
    fn new(t: i64, now: i64) -> Time {
        Time {
            unix: t,
            utc: format_utc_i64(t),
            relative: format_relative(t, now),
        }
    }
}

/// What is known about the ticket: the clear part always, the rest once decrypted.
#[derive(Clone, Debug, Serialize)]
pub struct TicketFacts {
    pub enctype: i32,
    pub enctype_name: String,
    pub kvno: Option<u32>,
    pub flags: Option<Vec<String>>,
    pub authtime: Option<Time>,
    pub starttime: Option<Time>,
    pub endtime: Option<Time>,
    pub renew_till: Option<Time>,
    pub session_enctype: Option<i32>,
    pub session_enctype_name: Option<String>,
}

/// A keytab entry, without its key.
#[derive(Clone, Debug, Serialize)]
pub struct Slot {
    pub slot: usize,
    pub principal: String,
    pub kvno: u32,
    pub enctype: i32,
    pub enctype_name: String,
}

impl Slot {
    fn new(slot: usize, e: &KeytabEntry) -> Slot {
        Slot {
            slot,
            principal: e.principal.to_string(),
            kvno: e.kvno,
            enctype: e.key.enctype().0,
            enctype_name: e.key.enctype().to_string(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyTried {
    #[serde(flatten)]
    pub slot: Slot,
    /// `decrypted`, `integrity check failed`, or the error.
    pub result: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LogonInfoFacts {
    pub user: String,
    pub full_name: String,
    pub domain: String,
    pub user_sid: String,
    pub group_count: u32,
    pub extra_sid_count: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct PacFacts {
    /// PAC buffer types in order.
    pub buffers: Vec<u32>,
    /// `ok`, `failed`, `missing` (no PAC_SERVER_CHECKSUM buffer) or `unreadable`.
    pub server_checksum: &'static str,
    pub server_checksum_error: Option<String>,
    pub logon_info: Option<LogonInfoFacts>,
    pub logon_info_error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CredFacts {
    pub client: Option<String>,
    pub server: Option<String>,
    pub flags: Option<Vec<String>>,
    pub forwarded: bool,
    pub endtime: Option<Time>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DelegatedTgt {
    /// `session key`, `authenticator subkey` or `unencrypted`; null when not decrypted.
    pub decrypted_with: Option<&'static str>,
    pub error: Option<String>,
    pub credentials: Vec<CredFacts>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuthenticatorFacts {
    pub decrypted: bool,
    pub error: Option<String>,
    pub client: Option<String>,
    pub ctime: Option<Time>,
    pub subkey_enctype: Option<i32>,
    pub checksum_type: Option<i32>,
    pub ap_options: Vec<&'static str>,
    /// GSS-API context flags from the 0x8003 checksum, by name.
    pub gss_flags: Option<Vec<String>>,
    pub delegated_tgt: Option<DelegatedTgt>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DelegationFacts {
    pub ok_as_delegate: bool,
    pub deleg_flag: Option<bool>,
    pub tgt_enclosed: bool,
    pub conclusion: String,
}

/// One ticket's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct TicketResult {
    /// Where the ticket came from: `Negotiate header`, `ccache credential 2`, ...
    pub origin: String,
    /// The ticket's service principal (null for NTLM).
    pub service: Option<String>,
    pub client: Option<String>,
    pub ok: bool,
    pub cause: Option<Cause>,
    pub ticket: Option<TicketFacts>,
    pub keytab_entry: Option<Slot>,
    pub keys_tried: Vec<KeyTried>,
    pub pac: Option<PacFacts>,
    pub authenticator: Option<AuthenticatorFacts>,
    pub delegation: Option<DelegationFacts>,
    pub warnings: Vec<String>,
}

/// A ticket to check, with what came with it.
struct Candidate<'a> {
    origin: String,
    ticket: std::borrow::Cow<'a, Ticket>,
    ap_req: Option<&'a ApReq>,
    /// The client as the container says (ccache, KRB-CRED), before decryption.
    client: Option<Principal>,
}

/// Which tickets the admin asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// `--service` matched no ticket; the services found are listed.
    NoSuchService { wanted: String, found: Vec<String> },
    /// The input holds no ticket at all.
    NoTickets { why: String },
}

impl std::fmt::Display for SelectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectError::NoSuchService { wanted, found } if found.is_empty() => {
                write!(
                    f,
                    "no ticket for {wanted} in the input (it holds no tickets)"
                )
            }
            SelectError::NoSuchService { wanted, found } => write!(
                f,
                "no ticket for {wanted} in the input; it has tickets for {}",
                found.join(", ")
            ),
            SelectError::NoTickets { why } => f.write_str(why),
        }
    }
}

impl std::error::Error for SelectError {}

/// Does `p` match the `--service` filter? An empty realm in the filter matches any.
pub fn service_matches(filter: &Principal, p: &Principal) -> bool {
    filter.components == p.components && (filter.realm.is_empty() || filter.realm == p.realm)
}

/// The keytab with each entry's keys for ticket decryption (usage 2) and the PAC
/// server signature (usage 17) derived on first use and kept: checking many
/// tickets with one keytab derives them once. A plain value the caller holds.
pub struct KeyCache<'k> {
    keytab: &'k Keytab,
    decrypt: Vec<OnceCell<Result<DecryptionKey, CryptoError>>>,
    checksum: Vec<OnceCell<Result<ChecksumKey, CryptoError>>>,
    /// Each entry as reports name it (its principal formatted once).
    slots: Vec<OnceCell<Slot>>,
    /// The buffer tickets are decrypted into and read in place, reused from
    /// ticket to ticket; wiped after each.
    plain: RefCell<Zeroizing<Vec<u8>>>,
}

impl<'k> KeyCache<'k> {
    pub fn new(keytab: &'k Keytab) -> KeyCache<'k> {
        let n = keytab.entries.len();
        KeyCache {
            keytab,
            decrypt: (0..n).map(|_| OnceCell::new()).collect(),
            checksum: (0..n).map(|_| OnceCell::new()).collect(),
            slots: (0..n).map(|_| OnceCell::new()).collect(),
            plain: RefCell::default(),
        }
    }

    pub fn keytab(&self) -> &'k Keytab {
        self.keytab
    }

    /// Slot is 1-based.
    fn decryption(&self, slot: usize) -> &Result<DecryptionKey, CryptoError> {
        self.decrypt[slot - 1].get_or_init(|| {
            DecryptionKey::new(&self.keytab.entries[slot - 1].key, ticket::KEY_USAGE_TICKET)
        })
    }

    /// Slot is 1-based.
    fn slot(&self, slot: usize) -> Slot {
        self.slots[slot - 1]
            .get_or_init(|| Slot::new(slot, &self.keytab.entries[slot - 1]))
            .clone()
    }

    fn checksum(&self, slot: usize) -> &Result<ChecksumKey, CryptoError> {
        self.checksum[slot - 1].get_or_init(|| {
            ChecksumKey::new(
                &self.keytab.entries[slot - 1].key,
                pac::KEY_USAGE_PAC_CHECKSUM,
            )
        })
    }
}

/// Analyse `detected` against `keytab` at time `now`.
pub fn analyse(
    keytab: &Keytab,
    detected: &Detected,
    service: Option<&Principal>,
    now: i64,
) -> Result<Report, SelectError> {
    analyse_with(&KeyCache::new(keytab), detected, service, now)
}

/// How much of each ticket to describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Everything `spnkt verify` prints for one capture.
    Full,
    /// The verdict, cause, names, keytab slot and warnings only (a batch of
    /// thousands keeps only those): every check runs, but no formatted times,
    /// flags, keys tried, PAC, authenticator or delegation facts are kept.
    Brief,
}

/// [`analyse`] with keys prepared in `keys` (kept for the next input).
pub fn analyse_with(
    keys: &KeyCache<'_>,
    detected: &Detected,
    service: Option<&Principal>,
    now: i64,
) -> Result<Report, SelectError> {
    analyse_detail(keys, detected, service, now, Detail::Full)
}

/// [`analyse_with`], describing each ticket as `detail` says.
pub fn analyse_detail(
    keys: &KeyCache<'_>,
    detected: &Detected,
    service: Option<&Principal>,
    now: i64,
    detail: Detail,
) -> Result<Report, SelectError> {
    let keytab = keys.keytab;
    let mut summary = detected.format.clone();
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    let mut early_warnings = Vec::new();
    match &detected.evidence {
        Evidence::Ntlm {
            layers,
            message_type,
        } => {
            return Ok(Report {
                format: detected.format.clone(),
                summary,
                results: vec![ntlm_result(layers, *message_type)],
            });
        }
        Evidence::ApReq { ap_req, .. } => candidates.push(Candidate {
            origin: "AP-REQ".into(),
            ticket: std::borrow::Cow::Borrowed(&ap_req.ticket),
            ap_req: Some(ap_req),
            client: None,
        }),
        Evidence::Ticket(t) => candidates.push(Candidate {
            origin: "ticket".into(),
            ticket: std::borrow::Cow::Borrowed(t),
            ap_req: None,
            client: None,
        }),
        Evidence::Ccache(cc) => {
            let config = cc.credentials.iter().filter(|c| c.is_config()).count();
            let creds: Vec<_> = cc.credentials.iter().filter(|c| !c.is_config()).collect();
            summary.push_str(&format!(
                ", {} {}",
                creds.len(),
                if creds.len() == 1 {
                    "credential"
                } else {
                    "credentials"
                }
            ));
            if config > 0 {
                summary.push_str(&format!(
                    " ({config} config {} skipped)",
                    if config == 1 { "entry" } else { "entries" }
                ));
            }
            for (i, c) in cc.credentials.iter().enumerate() {
                if c.is_config() {
                    continue;
                }
                match ticket::parse_ticket(&c.ticket) {
                    Ok(t) => candidates.push(Candidate {
                        origin: format!("ccache credential {} ({})", i + 1, c.server),
                        ticket: std::borrow::Cow::Owned(t),
                        ap_req: None,
                        client: Some(c.client.clone()),
                    }),
                    Err(e) => early_warnings.push(format!(
                        "ccache credential {} ({}): its ticket does not parse: {e}",
                        i + 1,
                        c.server
                    )),
                }
            }
        }
        Evidence::KrbCred(cred) => {
            summary.push_str(&format!(
                ", {} {}",
                cred.tickets.len(),
                if cred.tickets.len() == 1 {
                    "ticket"
                } else {
                    "tickets"
                }
            ));
            let infos = krbcred::cred_info(cred, None).ok();
            for (i, t) in cred.tickets.iter().enumerate() {
                let client = infos
                    .as_ref()
                    .and_then(|v| v.get(i))
                    .and_then(|info| info.client.clone());
                candidates.push(Candidate {
                    origin: format!("KRB-CRED ticket {}", i + 1),
                    ticket: std::borrow::Cow::Borrowed(t),
                    ap_req: None,
                    client,
                });
            }
        }
    }

    if let Some(filter) = service {
        let all_services: Vec<String> = candidates
            .iter()
            .map(|c| c.ticket.sname.to_string())
            .collect();
        candidates.retain(|c| service_matches(filter, &c.ticket.sname));
        if candidates.is_empty() {
            return Err(SelectError::NoSuchService {
                wanted: if filter.realm.is_empty() {
                    filter.name_without_realm()
                } else {
                    filter.to_string()
                },
                found: all_services,
            });
        }
    } else if matches!(detected.evidence, Evidence::Ccache(_)) {
        // A ccache holds the TGT and every ticket the user got: check those the keytab
        // is for, or all of them when it is for none.
        let in_keytab = |c: &Candidate<'_>| {
            keytab
                .entries
                .iter()
                .any(|e| e.matches(&c.ticket.sname, None, None))
        };
        if candidates.iter().any(in_keytab) {
            candidates.retain(in_keytab);
        }
    }
    if candidates.is_empty() {
        return Err(SelectError::NoTickets {
            why: format!("{summary}: the input holds no ticket to verify"),
        });
    }

    let mut results: Vec<TicketResult> = candidates
        .into_iter()
        .map(|c| verify_one(keys, c, now, detail))
        .collect();
    if let Some(first) = results.first_mut() {
        first.warnings.splice(0..0, early_warnings);
    }
    Ok(Report {
        format: detected.format.clone(),
        summary,
        results,
    })
}

fn ntlm_result(layers: &[Layer], message_type: u32) -> TicketResult {
    let via = if layers.is_empty() {
        "a raw NTLMSSP token".to_owned()
    } else {
        "NTLMSSP inside SPNEGO".to_owned()
    };
    TicketResult {
        origin: format!("{via} (message type {message_type})"),
        service: None,
        client: None,
        ok: false,
        cause: Some(Cause {
            code: CauseCode::Ntlm,
            message: "NTLM, not Kerberos: the client got no ticket for this SPN".into(),
            hint: NTLM_HINT.into(),
            near_misses: Vec::new(),
        }),
        ticket: None,
        keytab_entry: None,
        keys_tried: Vec::new(),
        pac: None,
        authenticator: None,
        delegation: None,
        warnings: Vec::new(),
    }
}

/// The usual reasons a browser falls back to NTLM.
pub const NTLM_HINT: &str = "the usual causes: the SPN HTTP/<host in the URL> is missing or registered on two accounts (check with setspn -Q HTTP/host or spnkt spn); the site is not in the browser's intranet zone / not trusted for Negotiate (Chrome AuthServerAllowlist, Firefox network.negotiate-auth.trusted-uris); the host name in the URL does not match the SPN (an IP address or a CNAME the browser does not resolve); the client is not logged into the domain";

fn empty_result(c: &mut Candidate<'_>) -> TicketResult {
    let enc = &c.ticket.enc_part;
    TicketResult {
        origin: std::mem::take(&mut c.origin),
        service: Some(c.ticket.sname.to_string()),
        client: c.client.as_ref().map(ToString::to_string),
        ok: false,
        cause: None,
        ticket: Some(TicketFacts {
            enctype: enc.etype.0,
            enctype_name: enc.etype.to_string(),
            kvno: enc.kvno,
            flags: None,
            authtime: None,
            starttime: None,
            endtime: None,
            renew_till: None,
            session_enctype: None,
            session_enctype_name: None,
        }),
        keytab_entry: None,
        keys_tried: Vec::new(),
        pac: None,
        authenticator: None,
        delegation: None,
        warnings: Vec::new(),
    }
}

fn fail(r: &mut TicketResult, code: CauseCode, message: String, hint: String) {
    r.ok = false;
    r.cause = Some(Cause {
        code,
        message,
        hint,
        near_misses: Vec::new(),
    });
}

/// `keys_tried`'s result for an integrity failure.
const INTEGRITY_FAILED: &str = "integrity check failed";

/// The keys tried on one ticket: listed in the report with [`Detail::Full`], and
/// the first failure other than an integrity check kept for the cause.
struct Tries {
    detail: Detail,
    other_error: Option<String>,
}

/// Decrypt `t` with keytab slot `slot` into `plain`; the EncTicketPart when it
/// decrypts and reads.
fn try_key<'p>(
    keys: &KeyCache<'_>,
    r: &mut TicketResult,
    tries: &mut Tries,
    t: &Ticket,
    slot: usize,
    e: &KeytabEntry,
    plain: &'p mut Zeroizing<Vec<u8>>,
) -> Option<EncTicketPartRef<'p>> {
    // What ticket::decrypt_ticket(t, &e.key) says, with the usage keys derived once.
    let res = if t.enc_part.etype != e.key.enctype() {
        Err(TicketError::EnctypeMismatch {
            ticket: t.enc_part.etype,
            key: e.key.enctype(),
        })
    } else {
        match keys.decryption(slot) {
            Ok(k) => ticket::decrypt_ticket_in(t.enc_part.as_ref(), k, plain),
            Err(err) => Err(TicketError::Crypto(err.clone())),
        }
    };
    let other_error = match &res {
        Ok(_) | Err(TicketError::Crypto(CryptoError::IntegrityCheckFailed)) => None,
        Err(err) => Some(err.to_string()),
    };
    if tries.detail == Detail::Full {
        let text = match (&res, &other_error) {
            (Ok(_), _) => "decrypted".to_owned(),
            (Err(_), Some(text)) => text.clone(),
            (Err(_), None) => INTEGRITY_FAILED.to_owned(),
        };
        r.keys_tried.push(KeyTried {
            slot: keys.slot(slot),
            result: text,
        });
    }
    if tries.other_error.is_none() {
        tries.other_error = other_error;
    }
    res.ok()
}

fn list_kvnos(kvnos: &[u32]) -> String {
    let mut k = kvnos.to_vec();
    k.sort_unstable();
    k.dedup();
    let s: Vec<String> = k.iter().map(ToString::to_string).collect();
    s.join(", ")
}

fn short_enctype(e: Enctype) -> String {
    match e {
        Enctype::AES256_CTS_HMAC_SHA1_96 => "aes256".into(),
        Enctype::AES128_CTS_HMAC_SHA1_96 => "aes128".into(),
        Enctype::RC4_HMAC => "rc4".into(),
        other => other.to_string(),
    }
}

fn verify_one(keys: &KeyCache<'_>, c: Candidate<'_>, now: i64, detail: Detail) -> TicketResult {
    let mut plain = keys.plain.take();
    let r = verify_in(keys, c, now, detail, &mut plain);
    crypto::wipe(&mut plain);
    keys.plain.replace(plain);
    r
}

/// [`verify_one`], decrypting into `plain`.
fn verify_in(
    keys: &KeyCache<'_>,
    mut c: Candidate<'_>,
    now: i64,
    detail: Detail,
    plain: &mut Zeroizing<Vec<u8>>,
) -> TicketResult {
    let keytab = keys.keytab;
    let mut r = empty_result(&mut c);
    let mut tries = Tries {
        detail,
        other_error: None,
    };
    let t = &c.ticket;
    let sname = &t.sname;
    let etype = t.enc_part.etype;
    let kvno = t.enc_part.kvno;
    let entries: Vec<(usize, &KeytabEntry)> = keytab
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i + 1, e))
        .filter(|(_, e)| e.matches(sname, None, None))
        .collect();

    // 1. No entry for the principal.
    if entries.is_empty() {
        no_principal(&mut r, keytab, sname);
        return r;
    }

    let same_etype: Vec<(usize, &KeytabEntry)> = entries
        .iter()
        .copied()
        .filter(|(_, e)| e.key.enctype() == etype)
        .collect();
    let exact: Vec<(usize, &KeytabEntry)> = same_etype
        .iter()
        .copied()
        .filter(|(_, e)| kvno.is_none_or(|k| e.kvno == k))
        .collect();

    let mut exact_keys = exact.iter();
    let decrypted = loop {
        let Some(&(slot, e)) = exact_keys.next() else {
            break None;
        };
        if let Some(part) = try_key(keys, &mut r, &mut tries, t, slot, e, plain) {
            break Some((slot, e, part));
        }
    };

    if decrypted.is_none() {
        let kvno_n = kvno.unwrap_or_default();
        // Same enctype, other kvnos: a key that decrypts means a wrong kvno label.
        let others: Vec<(usize, &KeytabEntry)> = same_etype
            .iter()
            .copied()
            .filter(|(_, e)| kvno.is_some_and(|k| e.kvno != k))
            .collect();
        for &(slot, e) in &others {
            if try_key(keys, &mut r, &mut tries, t, slot, e, plain).is_some() {
                let m = e.kvno;
                fail(
                    &mut r,
                    CauseCode::KvnoMismatch,
                    format!(
                        "ticket kvno {kvno_n}, keytab has kvno {}: keytab entry kvno {m} (slot {slot}) decrypts it: the key is right, the keytab's kvno is wrong",
                        list_kvnos(&entries.iter().map(|(_, e)| e.kvno).collect::<Vec<_>>())
                    ),
                    format!(
                        "re-create it with --kvno {kvno_n} (spnkt keytab create --principal {sname} --kvno {kvno_n} ...), the account's msDS-KeyVersionNumber"
                    ),
                );
                return r;
            }
        }
        let all_kvnos: Vec<u32> = entries.iter().map(|(_, e)| e.kvno).collect();
        let kvno_present = kvno.is_none_or(|k| all_kvnos.contains(&k));
        if !kvno_present {
            let k = kvno_n;
            let older = all_kvnos.iter().all(|&m| m < k);
            let newer = all_kvnos.iter().all(|&m| m > k);
            let have = list_kvnos(&all_kvnos);
            let (message, hint) = if older {
                (
                    format!(
                        "ticket kvno {k}, keytab has kvno {have}: the password changed after the keytab was made"
                    ),
                    format!(
                        "re-create the keytab with the account's current password and --kvno {k} (its msDS-KeyVersionNumber)"
                    ),
                )
            } else if newer {
                (
                    format!("ticket kvno {k}, keytab has kvno {have}: the ticket predates the keytab: get a new ticket (klist purge / restart the browser)"),
                    "the client cached a ticket issued before the password was changed: run klist purge on Windows (kdestroy, then kinit elsewhere) or restart the browser, then retry".to_owned(),
                )
            } else {
                (
                    format!("ticket kvno {k}, keytab has kvno {have}, but not {k}"),
                    format!(
                        "re-create the keytab with the account's current password and --kvno {k} (its msDS-KeyVersionNumber)"
                    ),
                )
            };
            let mut hint = hint;
            if same_etype.is_empty() {
                hint.push_str(&format!(
                    "; the keytab also has no {etype} key for it (add --enctypes {})",
                    short_enctype(etype)
                ));
            }
            fail(&mut r, CauseCode::KvnoMismatch, message, hint);
            return r;
        }
        if exact.is_empty() {
            let at_kvno: Vec<Enctype> = entries
                .iter()
                .filter(|(_, e)| kvno.is_none_or(|k| e.kvno == k))
                .map(|(_, e)| e.key.enctype())
                .collect();
            let have: Vec<String> = at_kvno.iter().map(ToString::to_string).collect();
            let kv = kvno.map(|k| format!(" (kvno {k})")).unwrap_or_default();
            let kvfor = kvno.map(|k| format!(" for kvno {k}")).unwrap_or_default();
            let message = format!(
                "the ticket is encrypted with {etype}{kv}, the keytab has only {}{kvfor}",
                have.join(", ")
            );
            let hint = if etype.is_supported() {
                format!(
                    "AD encrypts the ticket with the strongest type in the account's msDS-SupportedEncryptionTypes: add {} keys (spnkt keytab create --enctypes {},... with the same password, salt and kvno) or change msDS-SupportedEncryptionTypes to what the keytab holds",
                    short_enctype(etype),
                    short_enctype(etype)
                )
            } else {
                format!(
                    "{etype} is not supported by spnkt; set the account's msDS-SupportedEncryptionTypes to AES (0x18) and make a keytab with --enctypes aes256,aes128"
                )
            };
            fail(&mut r, CauseCode::EnctypeMissing, message, hint);
            return r;
        }
        // 4. The right slot is there and does not decrypt.
        let non_integrity = tries.other_error;
        let kv = kvno.map(|k| format!(" (kvno {k})")).unwrap_or_default();
        let (message, hint) = match non_integrity {
            Some(err) if !etype.is_supported() => (
                format!("the ticket is encrypted with {etype}{kv}, which spnkt cannot decrypt: {err}"),
                "set the account's msDS-SupportedEncryptionTypes to AES (0x18) and make a keytab with --enctypes aes256,aes128".to_owned(),
            ),
            Some(err) => (
                format!("the keytab's {etype} key for {sname}{kv} does not decrypt the ticket: {err}"),
                "the keytab entry or the ticket is damaged; re-create the keytab".to_owned(),
            ),
            None => (
                format!(
                    "the keytab's {etype} key for {sname}{kv} does not decrypt the ticket: integrity check failed — wrong password or wrong salt"
                ),
                if etype == Enctype::RC4_HMAC {
                    "RC4 keys are the password's NT hash, with no salt: the keytab was made from another password than the account's current one; re-create it with the current password".to_owned()
                } else {
                    "the key was derived from another password or salt than the account's. AD salts AES keys with the realm followed by the UPN's name parts (EXAMPLE.COMHTTPapp1.example.com for UPN HTTP/app1.example.com@EXAMPLE.COM), or by the sAMAccountName when the account has no UPN (EXAMPLE.COMsvc-app1); re-create the keytab with the current password and `spnkt keytab create --salt ...`".to_owned()
                },
            ),
        };
        fail(&mut r, CauseCode::Integrity, message, hint);
        return r;
    }

    let (slot, entry, part) = decrypted.expect("checked above");
    r.ok = true;
    r.keytab_entry = Some(keys.slot(slot));
    r.client = Some(part.client.to_string());
    if let Some(container_client) = &c.client {
        if !part.client.is(container_client) {
            r.warnings.push(format!(
                "the container names the client {container_client}, the ticket says {}",
                part.client
            ));
        }
    }
    if detail == Detail::Full {
        fill_ticket_facts(&mut r, &part, now);
    }
    check_times(&mut r, &part, now);
    check_pac(keys, &mut r, &part, entry, slot, detail);
    if let Some(ap) = c.ap_req {
        check_ap_req(&mut r, ap, &part, now, detail);
    }
    r
}

fn no_principal(r: &mut TicketResult, keytab: &Keytab, sname: &Principal) {
    let mut near: Vec<NearMiss> = Vec::new();
    let mut add = |p: &Principal, kind: &'static str, slot: usize| {
        let text = p.to_string();
        if let Some(n) = near
            .iter_mut()
            .find(|n| n.principal == text && n.kind == kind)
        {
            n.slots.push(slot);
        } else {
            near.push(NearMiss {
                principal: text,
                kind,
                slots: vec![slot],
            });
        }
    };
    let lower = |v: &[String]| v.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>();
    let want_lc = lower(&sname.components);
    for (i, e) in keytab.entries.iter().enumerate() {
        let p = &e.principal;
        let comps_lc = lower(&p.components);
        let same_realm_ci = p.realm.eq_ignore_ascii_case(&sname.realm);
        if comps_lc == want_lc
            && same_realm_ci
            && (p.realm != sname.realm || p.components != sname.components)
        {
            if p.components == sname.components {
                add(p, "other_realm", i + 1);
            } else {
                add(p, "case", i + 1);
            }
        } else if p.components == sname.components && !same_realm_ci {
            add(p, "other_realm", i + 1);
        } else if p.components.len() == sname.components.len()
            && p.components.len() >= 2
            && comps_lc[1..] == want_lc[1..]
            && comps_lc[0] != want_lc[0]
            && same_realm_ci
        {
            add(p, "other_service", i + 1);
        }
    }
    let want = sname.name_without_realm();
    let service = sname.components.first().cloned().unwrap_or_default();
    let message = format!("the keytab has no key for {sname}");
    let hint = if let Some(n) = near.iter().find(|n| n.kind == "case") {
        let have = n
            .principal
            .rsplit_once('@')
            .map_or(n.principal.as_str(), |(a, _)| a);
        format!(
            "Kerberos names are case-sensitive: the browser asked for {want}, the keytab has {have}; make the keytab (and the SPN) with the name exactly as the ticket has it, normally a lower-case host name"
        )
    } else if service.eq_ignore_ascii_case("host") && near.iter().any(|n| n.kind == "other_service")
    {
        format!(
            "AD issued a HOST/ ticket: the host name is a computer's own name; use a virtual host name with its own service account (AD maps {}/... to the computer account's HOST/ SPN when no account has the SPN the browser asked for)",
            near.iter()
                .find(|n| n.kind == "other_service")
                .and_then(|n| n.principal.split('/').next())
                .unwrap_or("HTTP")
        )
    } else if let Some(n) = near.iter().find(|n| n.kind == "other_service") {
        let other = n.principal.split('/').next().unwrap_or_default();
        format!(
            "the keytab has the same host under service {other}/ ({}), but the ticket is for {service}/: browsers ask for HTTP/<host name in the URL>; add keys for {sname} to the keytab (spnkt keytab create --principal {sname} ...)",
            n.principal
        )
    } else if let Some(n) = near.iter().find(|n| n.kind == "other_realm") {
        format!(
            "the keytab has {} in another realm; the ticket is from realm {}: re-create the keytab with @{}",
            n.principal, sname.realm, sname.realm
        )
    } else {
        let mut names: Vec<String> = Vec::new();
        for e in &keytab.entries {
            let s = e.principal.to_string();
            if !names.contains(&s) {
                names.push(s);
            }
        }
        let shown = if names.is_empty() {
            "none (the keytab is empty)".to_owned()
        } else if names.len() > 5 {
            format!(
                "{}, ... ({} principals)",
                names[..5].join(", "),
                names.len()
            )
        } else {
            names.join(", ")
        };
        format!(
            "the keytab has keys for: {shown}. Check that this is the service's keytab and that the host name in the URL is the one in the SPN (setspn -Q {want}, spnkt spn)"
        )
    };
    fail(r, CauseCode::NoPrincipal, message, hint);
    if let Some(c) = r.cause.as_mut() {
        c.near_misses = near;
    }
}

fn fill_ticket_facts(r: &mut TicketResult, part: &EncTicketPartRef<'_>, now: i64) {
    if let Some(tf) = r.ticket.as_mut() {
        tf.flags = Some(part.flags.names());
        tf.authtime = Some(Time::new(part.authtime, now));
        tf.starttime = part.starttime.map(|t| Time::new(t, now));
        tf.endtime = Some(Time::new(part.endtime, now));
        tf.renew_till = part.renew_till.map(|t| Time::new(t, now));
        tf.session_enctype = Some(part.session_key.keytype.0);
        tf.session_enctype_name = Some(part.session_key.keytype.to_string());
    }
}

/// How far a service's clock may be from a client's or KDC's before it rejects
/// an authenticator or a ticket that starts later (MIT's and AD's default
/// clockskew: 5 minutes).
const CLOCK_SKEW: i64 = 300;

fn check_times(r: &mut TicketResult, part: &EncTicketPartRef<'_>, now: i64) {
    r.warnings
        .extend(time_warnings(part.endtime, part.starttime, now));
}

/// What a ticket's end and start times mean `now`. A starttime within the clock
/// skew is no warning: a KDC a second ahead is normal, and services accept it.
fn time_warnings(endtime: i64, starttime: Option<i64>, now: i64) -> Vec<String> {
    let mut warnings = Vec::new();
    if endtime <= now {
        warnings.push(format!(
            "the ticket expired {} ({}): it decrypts, but a service rejects it; get a new ticket",
            format_relative(endtime, now),
            format_utc_i64(endtime)
        ));
    }
    if let Some(start) = starttime.filter(|&s| s > now.saturating_add(CLOCK_SKEW)) {
        warnings.push(format!(
            "the ticket is not valid yet: it starts {} ({}), beyond the 5 minutes of clock skew a service allows, so it rejects the ticket until then (KRB_AP_ERR_TKT_NYV); check the clocks",
            format_relative(start, now),
            format_utc_i64(start)
        ));
    }
    warnings
}

fn check_pac(
    keys: &KeyCache<'_>,
    r: &mut TicketResult,
    part: &EncTicketPartRef<'_>,
    entry: &KeytabEntry,
    slot: usize,
    detail: Detail,
) {
    let Some(raw) = part.pac() else {
        return;
    };
    let parsed = match pac::PacRef::parse(raw) {
        Ok(p) => p,
        Err(e) => {
            if detail == Detail::Full {
                r.pac = Some(PacFacts {
                    buffers: Vec::new(),
                    server_checksum: "unreadable",
                    server_checksum_error: Some(e.to_string()),
                    logon_info: None,
                    logon_info_error: None,
                });
            }
            r.warnings
                .push(format!("the ticket's PAC does not parse: {e}"));
            return;
        }
    };
    let has_server = parsed.buffer(pac::PAC_SERVER_CHECKSUM).is_some();
    let (status, err) = if !has_server {
        ("missing", None)
    } else {
        let checked = match keys.checksum(slot) {
            Ok(k) => parsed.verify_server_checksum_with(k),
            Err(_) => parsed.verify_server_checksum(&entry.key),
        };
        match checked {
            Ok(()) => ("ok", None),
            Err(e) => ("failed", Some(e.to_string())),
        }
    };
    let logon = match detail {
        Detail::Full => parsed.logon_info(),
        Detail::Brief => None,
    };
    let (logon_info, logon_info_error) = match logon {
        None => (None, None),
        Some(Ok(li)) => (
            Some(LogonInfoFacts {
                user: li.user_name,
                full_name: li.full_name,
                domain: li.logon_domain,
                user_sid: li.user_sid,
                group_count: li.group_count,
                extra_sid_count: li.extra_sid_count,
            }),
            None,
        ),
        Some(Err(e)) => (None, Some(e.to_string())),
    };
    if status == "failed" {
        let e = err.clone().unwrap_or_default();
        fail(
            r,
            CauseCode::PacSignature,
            format!(
                "the ticket decrypts with keytab slot {slot}, but the PAC server signature does not verify: {e}"
            ),
            "the PAC was not signed with this service key: a tampered or forged ticket, or a KDC that signs with another key; a Windows service rejects it".to_owned(),
        );
    } else if status == "missing" {
        r.warnings.push(
            "the PAC has no server signature (PAC_SERVER_CHECKSUM): Windows services reject such tickets".into(),
        );
    }
    if let Some(e) = &logon_info_error {
        r.warnings
            .push(format!("the PAC's logon information does not parse: {e}"));
    }
    if detail == Detail::Full {
        r.pac = Some(PacFacts {
            buffers: parsed.buffers().map(|(ty, _)| ty).collect(),
            server_checksum: status,
            server_checksum_error: err,
            logon_info,
            logon_info_error,
        });
    }
}

/// The authenticator and delegation checks; with [`Detail::Brief`] only their
/// warnings are kept (no facts).
fn check_ap_req(
    r: &mut TicketResult,
    ap: &ApReq,
    part: &EncTicketPartRef<'_>,
    now: i64,
    detail: Detail,
) {
    let full = detail == Detail::Full;
    let session_key = part.session_key.to_key();
    let ok_as_delegate = part.flags.contains(TicketFlags::OK_AS_DELEGATE);
    let mut facts = AuthenticatorFacts {
        decrypted: false,
        error: None,
        client: None,
        ctime: None,
        subkey_enctype: None,
        checksum_type: None,
        ap_options: if full {
            ap_option_names(ap.ap_options)
        } else {
            Vec::new()
        },
        gss_flags: None,
        delegated_tgt: None,
    };
    let mut deleg_flag = None;
    let mut tgt_enclosed = false;
    let mut tgt_decoded = false;
    match ap_req::decrypt_authenticator(ap, &session_key) {
        Err(e) => {
            facts.error = Some(e.to_string());
            r.warnings.push(format!(
                "the authenticator does not decrypt with the ticket's session key: {e}"
            ));
        }
        Ok(auth) => {
            facts.decrypted = true;
            facts.client = full.then(|| auth.client.to_string());
            facts.ctime = full.then(|| Time::new(auth.ctime, now));
            facts.subkey_enctype = auth.subkey.as_ref().map(|k| k.enctype().0);
            if !part.client.is(&auth.client) {
                r.warnings.push(format!(
                    "the authenticator names {} but the ticket was issued to {}: a service rejects this",
                    auth.client, part.client
                ));
            }
            if auth.ctime > now.saturating_add(CLOCK_SKEW) {
                r.warnings.push(format!(
                    "the authenticator was made {} ({}), in the future: the client's clock is ahead, and a service more than 5 minutes behind rejects it (clock skew)",
                    format_relative(auth.ctime, now),
                    format_utc_i64(auth.ctime)
                ));
            }
            if let Some(ck) = &auth.checksum {
                facts.checksum_type = Some(ck.cksumtype);
                if ck.cksumtype == ap_req::GSS_CHECKSUM_TYPE {
                    match ap_req::parse_gss_checksum(ck) {
                        Ok(g) => {
                            facts.gss_flags = full.then(|| g.flags.names());
                            deleg_flag = Some(g.flags.contains(GssFlags::DELEG));
                            if let Some(cred) = &g.delegation {
                                tgt_enclosed = true;
                                let d = decode_delegation(
                                    cred,
                                    &session_key,
                                    auth.subkey.as_ref(),
                                    now,
                                );
                                tgt_decoded = d.decrypted_with.is_some();
                                if let Some(e) = &d.error {
                                    r.warnings.push(format!(
                                        "the delegated credentials do not decode: {e}"
                                    ));
                                }
                                facts.delegated_tgt = Some(d);
                            }
                        }
                        Err(e) => r
                            .warnings
                            .push(format!("the GSS-API checksum (0x8003) does not parse: {e}")),
                    }
                }
            }
        }
    }
    if !full {
        return;
    }
    let conclusion = delegation_conclusion(
        ok_as_delegate,
        deleg_flag,
        tgt_enclosed,
        tgt_decoded,
        facts.delegated_tgt.as_ref(),
    );
    r.delegation = Some(DelegationFacts {
        ok_as_delegate,
        deleg_flag,
        tgt_enclosed,
        conclusion,
    });
    r.authenticator = Some(facts);
}

fn delegation_conclusion(
    ok_as_delegate: bool,
    deleg_flag: Option<bool>,
    tgt_enclosed: bool,
    tgt_decoded: bool,
    tgt: Option<&DelegatedTgt>,
) -> String {
    if tgt_enclosed {
        let what = tgt
            .and_then(|d| d.credentials.first())
            .map(|c| {
                format!(
                    " ({} for {})",
                    c.server.as_deref().unwrap_or("?"),
                    c.client.as_deref().unwrap_or("?")
                )
            })
            .unwrap_or_default();
        return if tgt_decoded {
            format!(
                "delegated: the client forwarded its TGT{what}; the service can act as the user (unconstrained delegation)"
            )
        } else {
            "delegated, but the forwarded credentials the client enclosed could not be decoded"
                .to_owned()
        };
    }
    match (ok_as_delegate, deleg_flag) {
        (false, Some(true)) => "no delegation: the client asked for delegation (deleg flag) but enclosed no TGT: its TGT is not forwardable (kinit -f; in AD the user may be \"sensitive and cannot be delegated\")".into(),
        (true, Some(true)) => "no delegation: the client set the deleg flag but enclosed no TGT: its TGT is not forwardable (kinit -f; in AD the user may be \"sensitive and cannot be delegated\")".into(),
        (false, _) => "no delegation: the service ticket lacks ok-as-delegate, so browsers do not forward a TGT — trust the service account for delegation in AD".into(),
        (true, _) => "no delegation: the service is trusted for delegation (ok-as-delegate) but the client did not delegate: allow it in the browser (Chrome AuthNegotiateDelegateAllowlist, Firefox network.negotiate-auth.delegation-uris) and make sure the user's TGT is forwardable".into(),
    }
}

fn decode_delegation(
    der: &[u8],
    session_key: &Key,
    subkey: Option<&Key>,
    now: i64,
) -> DelegatedTgt {
    let mut out = DelegatedTgt {
        decrypted_with: None,
        error: None,
        credentials: Vec::new(),
    };
    let cred = match krbcred::parse_krb_cred(der) {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(format!("KRB-CRED does not parse: {e}"));
            return out;
        }
    };
    let mut attempts: Vec<(&'static str, Option<&Key>)> = Vec::new();
    if cred.enc_part.etype.0 == 0 {
        attempts.push(("unencrypted", None));
    } else {
        attempts.push(("session key", Some(session_key)));
        if let Some(k) = subkey {
            attempts.push(("authenticator subkey", Some(k)));
        }
    }
    let mut errors = Vec::new();
    for (name, key) in attempts {
        match krbcred::cred_info(&cred, key) {
            Ok(infos) => {
                out.decrypted_with = Some(name);
                out.credentials = infos
                    .iter()
                    .enumerate()
                    .map(|(i, info)| CredFacts {
                        client: info.client.as_ref().map(ToString::to_string),
                        server: info
                            .server
                            .as_ref()
                            .or_else(|| cred.tickets.get(i).map(|t| &t.sname))
                            .map(ToString::to_string),
                        flags: info.flags.map(TicketFlags::names),
                        forwarded: info
                            .flags
                            .is_some_and(|f| f.contains(TicketFlags::FORWARDED)),
                        endtime: info.endtime.map(|t| Time::new(t, now)),
                    })
                    .collect();
                return out;
            }
            Err(e) => errors.push(format!("with the {name}: {e}")),
        }
    }
    out.error = Some(errors.join("; "));
    out
}

fn ap_option_names(opts: u32) -> Vec<&'static str> {
    let mut out = Vec::new();
    if opts & ap_req::AP_OPTION_USE_SESSION_KEY != 0 {
        out.push("use-session-key");
    }
    if opts & ap_req::AP_OPTION_MUTUAL_REQUIRED != 0 {
        out.push("mutual-required");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ap_options() {
        assert_eq!(
            ap_option_names(ap_req::AP_OPTION_MUTUAL_REQUIRED),
            ["mutual-required"]
        );
    }

    #[test]
    fn a_starttime_within_the_clock_skew_is_no_warning() {
        let now = 1_800_000_000;
        let end = now + 36_000;
        assert!(time_warnings(end, Some(now + 1), now).is_empty());
        assert!(time_warnings(end, Some(now + CLOCK_SKEW), now).is_empty());
        let later = time_warnings(end, Some(now + CLOCK_SKEW + 1), now);
        assert_eq!(later.len(), 1, "{later:?}");
        assert!(later[0].contains("not valid yet"), "{later:?}");
        let expired = time_warnings(now, Some(now - 36_000), now);
        assert_eq!(expired.len(), 1, "{expired:?}");
        assert!(expired[0].contains("expired"), "{expired:?}");
    }

    #[test]
    fn service_filter() {
        let p = Principal::parse("HTTP/a@R").unwrap();
        let f = Principal::parse_with_default_realm("HTTP/a", None).unwrap();
        assert!(service_matches(&f, &p));
        assert!(!service_matches(&Principal::parse("HTTP/a@S").unwrap(), &p));
    }
}

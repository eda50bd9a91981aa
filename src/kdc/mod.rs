//! Talking to the KDC over TCP port 88: the salt and iteration count an account's
//! keys use (ETYPE-INFO2), AS and TGS exchanges. The messages themselves are built
//! and parsed by the pure `krb::kdc_msg`; this module adds the edge: the socket
//! (`transport`, only the address given is contacted), the clock (`SystemTime`) and
//! randomness for nonces and confounders (`getrandom`).

pub mod transport;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::krb::crypto::{self, CryptoError};
use crate::krb::ext_error::NtStatus;
use crate::krb::kdc_msg::{
    self, EtypeInfo2Entry, KdcMsgError, KdcOptions, KdcRep, KdcReply, KrbError, error_code,
};
use crate::krb::salt::mit_default_salt;
use crate::krb::string_to_key::string_to_key;
use crate::krb::ticket::{Ticket, TicketFlags};
use crate::krb::{Enctype, Key, Password, Principal};

/// One ETYPE-INFO2 entry: what the KDC says an account's key of `etype` is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaltInfo {
    pub etype: Enctype,
    /// The salt (for AES); None when the KDC sent none (RC4, or the default salt).
    pub salt: Option<String>,
    /// PBKDF2 iterations from s2kparams (4096 when absent).
    pub iterations: u32,
}

/// Credentials from an AS exchange.
#[derive(Clone, Debug)]
pub struct Tgt {
    pub client: Principal,
    pub ticket: Ticket,
    pub session_key: Key,
    pub flags: TicketFlags,
    pub endtime: i64,
}

/// A service ticket from a TGS exchange.
#[derive(Clone, Debug)]
pub struct ServiceTicket {
    pub client: Principal,
    pub server: Principal,
    pub ticket: Ticket,
    pub session_key: Key,
    pub flags: TicketFlags,
    pub endtime: i64,
}

fn colon_text(t: &Option<String>) -> String {
    match t.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => format!(": {t}"),
        _ => String::new(),
    }
}

fn paren_hint(h: &Option<String>) -> String {
    h.as_deref().map(|h| format!(" ({h})")).unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum KdcError {
    #[error("invalid KDC address `{address}`: {reason}")]
    BadAddress { address: String, reason: String },
    #[error("cannot resolve the KDC address {address}: {source}")]
    Resolve {
        address: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the KDC at {address}: {source}")]
    Connect {
        address: String,
        source: std::io::Error,
    },
    #[error("the KDC at {address} did not answer within {} s", .after.as_secs_f64())]
    Timeout { address: String, after: Duration },
    #[error("lost the connection to the KDC at {address}: {source}")]
    Io {
        address: String,
        source: std::io::Error,
    },
    #[error(
        "the KDC at {address} announced a reply of {len} bytes, more than the {max} spnkt accepts"
    )]
    ReplyTooLarge {
        address: String,
        len: u64,
        max: usize,
    },
    #[error("the KDC at {address} sent a malformed reply: {source}")]
    Malformed {
        address: String,
        source: KdcMsgError,
    },
    #[error("the KDC at {address} sent {got} where {expected} was expected")]
    UnexpectedReply {
        address: String,
        expected: &'static str,
        got: &'static str,
    },
    /// KDC_ERR_PREAUTH_FAILED: the key does not match the KDC's.
    #[error(
        "the KDC rejected the key: wrong password, salt or kvno (KDC_ERR_PREAUTH_FAILED for {client} with {enctype}{})",
        colon_text(.e_text)
    )]
    PreauthFailed {
        client: String,
        enctype: Enctype,
        e_text: Option<String>,
    },
    /// Any other KRB-ERROR: its code, name, e-text and what it usually means.
    #[error("{0}")]
    Kdc(Box<KdcRefusal>),
    #[error("the KDC at {address} answered with nonce {received}, not the {sent} spnkt sent")]
    NonceMismatch {
        address: String,
        sent: u32,
        received: u32,
    },
    #[error(
        "the KDC offers {offered} for {client} but spnkt has keys of {ours} only",
        offered = list(.offered),
        ours = list(.ours)
    )]
    NoCommonEnctype {
        client: String,
        offered: Vec<Enctype>,
        ours: Vec<Enctype>,
    },
    #[error("the KDC at {address} sent no salt information (ETYPE-INFO2) for {client}")]
    NoSaltInfo { address: String, client: String },
    /// The KDC answered without asking for pre-authentication, and its AS-REP does
    /// not decrypt with the key: the key is not the account's.
    #[error(
        "the key does not match the KDC's: wrong password, salt or kvno (the {enctype} key for {client} does not decrypt the AS-REP)"
    )]
    ReplyKeyMismatch { client: String, enctype: Enctype },
    #[error("cannot decrypt the KDC's {what}: {source}")]
    Decrypt {
        what: &'static str,
        source: KdcMsgError,
    },
    #[error("cannot build the request: {0}")]
    Build(KdcMsgError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error("the system clock is before 1970")]
    Clock,
}

/// `; NTSTATUS 0xC0000072 STATUS_ACCOUNT_DISABLED: the account is disabled`.
fn status_text(s: &Option<u32>) -> String {
    let Some(s) = s.map(NtStatus) else {
        return String::new();
    };
    match s.meaning() {
        Some(m) => format!("; NTSTATUS {s}: {m}"),
        None => format!("; NTSTATUS {s}"),
    }
}

/// A KRB-ERROR the KDC answered (other than PREAUTH_FAILED): its code, name,
/// e-text, the NTSTATUS an AD KDC adds (MS-KILE 2.2.1) and what it usually means.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the KDC at {address} answered {name} ({code}) for {principal}{}{}{}",
    colon_text(.e_text),
    status_text(.nt_status),
    paren_hint(.hint)
)]
pub struct KdcRefusal {
    pub address: String,
    pub code: i32,
    /// `KDC_ERR_C_PRINCIPAL_UNKNOWN`, ...
    pub name: String,
    /// The client (AS) or service (TGS) the request was about.
    pub principal: String,
    pub e_text: Option<String>,
    pub hint: Option<String>,
    /// The NTSTATUS of the KERB-EXT-ERROR in e-data (Windows, Samba), when sent:
    /// e.g. 0xC0000072 STATUS_ACCOUNT_DISABLED.
    pub nt_status: Option<u32>,
}

fn list(e: &[Enctype]) -> String {
    if e.is_empty() {
        return "no enctype".into();
    }
    e.iter()
        .map(Enctype::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl KdcError {
    /// The KRB-ERROR code the KDC answered, when this error is one.
    pub fn krb_error_code(&self) -> Option<i32> {
        match self {
            KdcError::PreauthFailed { .. } => Some(error_code::KDC_ERR_PREAUTH_FAILED),
            KdcError::Kdc(r) => Some(r.code),
            _ => None,
        }
    }
}

/// Where the KDC is: `host[:port]` (port 88 by default), and how long one exchange
/// with it may take. Only this address is contacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KdcAddress {
    address: String,
    timeout: Duration,
}

impl KdcAddress {
    /// `host[:port]` with the default deadline ([`transport::TIMEOUT`]).
    pub fn new(address: impl Into<String>) -> KdcAddress {
        KdcAddress {
            address: address.into(),
            timeout: transport::TIMEOUT,
        }
    }

    /// The same KDC with another deadline for each exchange.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> KdcAddress {
        self.timeout = timeout;
        self
    }

    /// `host[:port]` as given.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// How long one exchange (connect, send, receive) may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

impl std::fmt::Display for KdcAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.address)
    }
}

// ---------------------------------------------------------------- the edge

fn now() -> Result<(i64, u32), KdcError> {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| KdcError::Clock)?;
    let secs = i64::try_from(d.as_secs()).map_err(|_| KdcError::Clock)?;
    Ok((secs, d.subsec_micros()))
}

fn random(n: usize) -> Result<Vec<u8>, KdcError> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|e| KdcError::Random(e.to_string()))?;
    Ok(b)
}

/// A nonce in 0..2^31: some KDCs treat the UInt32 as a signed Int32.
fn nonce() -> Result<u32, KdcError> {
    let b = random(4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) & 0x7fff_ffff)
}

fn confounder(enctype: Enctype) -> Result<Vec<u8>, KdcError> {
    random(crypto::confounder_len(enctype).ok_or(CryptoError::UnsupportedEnctype(enctype))?)
}

/// Requested ticket lifetime; the KDC caps it with its policy.
const LIFETIME: i64 = 10 * 3600;

fn send(kdc: &KdcAddress, request: &[u8]) -> Result<KdcReply, KdcError> {
    let bytes = transport::exchange(kdc, request, kdc.timeout())?;
    kdc_msg::parse_kdc_reply(&bytes).map_err(|source| KdcError::Malformed {
        address: kdc.as_str().to_owned(),
        source,
    })
}

fn reply_name(r: &KdcReply) -> &'static str {
    match r {
        KdcReply::AsRep(_) => "an AS-REP",
        KdcReply::TgsRep(_) => "a TGS-REP",
        KdcReply::Error(_) => "a KRB-ERROR",
    }
}

fn hint(e: &KrbError, now: i64) -> Option<String> {
    use error_code::*;
    Some(match e.error_code {
        KDC_ERR_C_PRINCIPAL_UNKNOWN => "the KDC has no such client principal: check the name and realm; a new account may not have reached this domain controller yet".into(),
        KDC_ERR_S_PRINCIPAL_UNKNOWN => "the KDC has no such service principal: is the SPN registered on exactly one account?".into(),
        KDC_ERR_PRINCIPAL_NOT_UNIQUE => "the name is registered on more than one account (duplicate SPN or UPN)".into(),
        KDC_ERR_CLIENT_REVOKED => "the account is disabled, locked out or expired".into(),
        KDC_ERR_KEY_EXPIRED => "the account's password has expired or must be changed".into(),
        KDC_ERR_ETYPE_NOSUPP => "the account has no key of an enctype offered (aes256, aes128, rc4): check msDS-SupportedEncryptionTypes and set the password again".into(),
        KDC_ERR_POLICY => "the KDC's policy refuses this request (logon hours, workstation restrictions, ...)".into(),
        KRB_AP_ERR_SKEW => match e.stime {
            Some(stime) => format!(
                "clock skew too large: the KDC's clock says {stime} and this machine's {now} (difference {} s)",
                now - stime
            ),
            None => "clock skew too large between this machine and the KDC".into(),
        },
        KDC_ERR_WRONG_REALM => "the principal belongs to another realm (referral)".into(),
        KRB_AP_ERR_MODIFIED | KRB_AP_ERR_BAD_INTEGRITY => "the KDC could not decrypt the TGT or authenticator".into(),
        _ => return None,
    })
}

/// What to do about an account the KDC refused with `status` (MS-KILE 2.2.1's
/// KERB-EXT-ERROR), when spnkt knows.
pub fn nt_status_hint(status: NtStatus) -> Option<&'static str> {
    Some(match status {
        NtStatus::ACCOUNT_DISABLED => {
            "enable the account: Enable-ADAccount, or samba-tool user enable"
        }
        NtStatus::ACCOUNT_EXPIRED => {
            "extend or clear accountExpires: Set-ADAccountExpiration, or samba-tool user setexpiry --noexpiry"
        }
        NtStatus::ACCOUNT_LOCKED_OUT => {
            "unlock it with Unlock-ADAccount or wait for the lockout duration, and find what keeps sending an old password"
        }
        NtStatus::PASSWORD_EXPIRED => {
            "set a new password, for an spnkt service account with spnkt rotate, or exempt the account from password expiry"
        }
        NtStatus::PASSWORD_MUST_CHANGE => {
            "set a new password, or clear \"User must change password at next logon\""
        }
        NtStatus::INVALID_LOGON_HOURS => "allow logons at this time in the account's logon hours",
        NtStatus::INVALID_WORKSTATION => {
            "add this computer to the account's \"Log On To\" list, or clear the list"
        }
        NtStatus::ACCOUNT_RESTRICTION => {
            "check the account's restrictions: members of Protected Users get no RC4 or DES tickets and no delegation; an empty password is refused"
        }
        NtStatus::AUTHENTICATION_FIREWALL_FAILED => {
            "allow the logon in the authentication policy or silo, or in the trust's selective authentication"
        }
        NtStatus::LOGON_TYPE_NOT_GRANTED => {
            "grant the account the logon right this needs: user rights assignment"
        }
        NtStatus::TIME_DIFFERENCE_AT_DC => {
            "synchronise this machine's clock with the domain controller's, within 5 minutes"
        }
        NtStatus::WRONG_PASSWORD | NtStatus::LOGON_FAILURE => "the password or key is wrong",
        NtStatus::NO_SUCH_USER => {
            "check the account name; a new account may not have reached this domain controller yet"
        }
        _ => return None,
    })
}

/// The error a KRB-ERROR `e` from `kdc` about `principal` becomes, with its hint
/// and NTSTATUS (`now`: this machine's clock, for KRB_AP_ERR_SKEW).
pub fn refusal(kdc: &KdcAddress, e: &KrbError, principal: &Principal, now: i64) -> KdcError {
    let nt_status = e.nt_status();
    // The NTSTATUS says more precisely what is wrong than the error code.
    let hint = nt_status
        .and_then(|s| nt_status_hint(NtStatus(s)))
        .map(str::to_owned)
        .or_else(|| hint(e, now));
    KdcError::Kdc(Box::new(KdcRefusal {
        address: kdc.as_str().to_owned(),
        code: e.error_code,
        name: e.name(),
        principal: principal.to_string(),
        e_text: e.e_text.clone(),
        hint,
        nt_status,
    }))
}

fn salt_infos(
    kdc: &KdcAddress,
    client: &Principal,
    entries: Vec<EtypeInfo2Entry>,
) -> Result<Vec<SaltInfo>, KdcError> {
    if entries.is_empty() {
        return Err(KdcError::NoSaltInfo {
            address: kdc.as_str().to_owned(),
            client: client.to_string(),
        });
    }
    entries
        .into_iter()
        .map(|e| {
            let iterations = e.iterations().map_err(|source| KdcError::Malformed {
                address: kdc.as_str().to_owned(),
                source,
            })?;
            Ok(SaltInfo {
                etype: e.etype,
                salt: e.salt,
                iterations,
            })
        })
        .collect()
}

/// The AS-REQ options spnkt sends: forwardable, canonicalize (as Windows clients do).
fn as_options() -> KdcOptions {
    KdcOptions(KdcOptions::FORWARDABLE | KdcOptions::CANONICALIZE)
}

/// First exchange without pre-authentication: the ETYPE-INFO2 the KDC answers
/// PREAUTH_REQUIRED with, or an AS-REP when the account needs no pre-auth.
enum Probe {
    Info(Vec<SaltInfo>),
    Rep(Box<KdcRep>, u32),
}

fn probe(kdc: &KdcAddress, client: &Principal, etypes: &[Enctype]) -> Result<Probe, KdcError> {
    let (t, _) = now()?;
    let n = nonce()?;
    let req = kdc_msg::build_as_req(
        client,
        as_options(),
        t + LIFETIME,
        n,
        etypes,
        &[kdc_msg::pa_pac_request(true)],
    )
    .map_err(KdcError::Build)?;
    match send(kdc, &req)? {
        KdcReply::Error(e) if e.error_code == error_code::KDC_ERR_PREAUTH_REQUIRED => {
            let entries = e.etype_info().map_err(|source| KdcError::Malformed {
                address: kdc.as_str().to_owned(),
                source,
            })?;
            Ok(Probe::Info(salt_infos(kdc, client, entries)?))
        }
        KdcReply::Error(e) => Err(refusal(kdc, &e, client, t)),
        KdcReply::AsRep(rep) => Ok(Probe::Rep(Box::new(rep), n)),
        other => Err(KdcError::UnexpectedReply {
            address: kdc.as_str().to_owned(),
            expected: "an AS-REP or KRB-ERROR",
            got: reply_name(&other),
        }),
    }
}

fn finish_as(
    kdc: &KdcAddress,
    rep: KdcRep,
    sent_nonce: u32,
    keys: &[&Key],
    client: &Principal,
) -> Result<Tgt, KdcError> {
    let Some(key) = keys.iter().find(|k| k.enctype() == rep.enc_part.etype) else {
        return Err(KdcError::NoCommonEnctype {
            client: client.to_string(),
            offered: vec![rep.enc_part.etype],
            ours: keys.iter().map(|k| k.enctype()).collect(),
        });
    };
    let part = kdc_msg::decrypt_as_rep(&rep, key).map_err(|source| match source {
        KdcMsgError::Decrypt {
            source: CryptoError::IntegrityCheckFailed,
            ..
        } => KdcError::ReplyKeyMismatch {
            client: client.to_string(),
            enctype: key.enctype(),
        },
        source => KdcError::Decrypt {
            what: "AS-REP",
            source,
        },
    })?;
    if part.nonce != sent_nonce {
        return Err(KdcError::NonceMismatch {
            address: kdc.as_str().to_owned(),
            sent: sent_nonce,
            received: part.nonce,
        });
    }
    Ok(Tgt {
        client: rep.client,
        ticket: rep.ticket,
        session_key: part.session_key,
        flags: part.flags,
        endtime: part.endtime,
    })
}

/// AS-REQ with PA-ENC-TIMESTAMP made with `key`, asking for a reply in `key`'s
/// enctype only (so the reply proves that key too).
fn as_preauth(kdc: &KdcAddress, client: &Principal, key: &Key) -> Result<Tgt, KdcError> {
    let (t, usec) = now()?;
    let n = nonce()?;
    let pa = kdc_msg::pa_enc_timestamp(key, t, usec, &confounder(key.enctype())?)
        .map_err(KdcError::Build)?;
    let req = kdc_msg::build_as_req(
        client,
        as_options(),
        t + LIFETIME,
        n,
        &[key.enctype()],
        &[pa, kdc_msg::pa_pac_request(true)],
    )
    .map_err(KdcError::Build)?;
    match send(kdc, &req)? {
        KdcReply::AsRep(rep) => finish_as(kdc, rep, n, &[key], client),
        KdcReply::Error(e) if e.error_code == error_code::KDC_ERR_PREAUTH_FAILED => {
            Err(KdcError::PreauthFailed {
                client: client.to_string(),
                enctype: key.enctype(),
                e_text: e.e_text,
            })
        }
        KdcReply::Error(e) => Err(refusal(kdc, &e, client, t)),
        other => Err(KdcError::UnexpectedReply {
            address: kdc.as_str().to_owned(),
            expected: "an AS-REP or KRB-ERROR",
            got: reply_name(&other),
        }),
    }
}

/// Ask the KDC, without pre-authentication, for `client`'s ETYPE-INFO2 (the KDC answers
/// PREAUTH_REQUIRED with the salts), in the KDC's order of preference. Errors name
/// what the KDC said (unknown principal...).
pub fn salt_info(kdc: &KdcAddress, client: &Principal) -> Result<Vec<SaltInfo>, KdcError> {
    match probe(kdc, client, &Enctype::SUPPORTED)? {
        Probe::Info(info) => Ok(info),
        // No pre-auth required: the AS-REP carries ETYPE-INFO2 in its padata.
        Probe::Rep(rep, _) => {
            let entries = kdc_msg::etype_info_from_padata(&rep.padata).map_err(|source| {
                KdcError::Malformed {
                    address: kdc.as_str().to_owned(),
                    source,
                }
            })?;
            salt_infos(kdc, client, entries)
        }
    }
}

/// The enctypes of `keys` spnkt can use, strongest first, each once.
fn usable(keys: &[Key]) -> Vec<Enctype> {
    Enctype::SUPPORTED
        .into_iter()
        .filter(|e| keys.iter().any(|k| k.enctype() == *e))
        .collect()
}

/// AS exchange with PA-ENC-TIMESTAMP using the account's keys (from a new keytab): the
/// proof that the keys are the ones the KDC has.
///
/// First an AS-REQ without pre-authentication learns which of our enctypes the KDC
/// prefers (ETYPE-INFO2 order); then PA-ENC-TIMESTAMP with that key, asking for the
/// reply in that enctype only, whose enc-part is decrypted with it. One key is proven
/// per call: to prove each key of a keytab, call once per key.
pub fn as_with_keys(kdc: &KdcAddress, client: &Principal, keys: &[Key]) -> Result<Tgt, KdcError> {
    let ours = usable(keys);
    if ours.is_empty() {
        return Err(KdcError::NoCommonEnctype {
            client: client.to_string(),
            offered: Vec::new(),
            ours: keys.iter().map(Key::enctype).collect(),
        });
    }
    let chosen = match probe(kdc, client, &ours)? {
        Probe::Info(info) => info
            .iter()
            .map(|i| i.etype)
            .find(|e| ours.contains(e))
            .ok_or_else(|| KdcError::NoCommonEnctype {
                client: client.to_string(),
                offered: info.iter().map(|i| i.etype).collect(),
                ours: ours.clone(),
            })?,
        Probe::Rep(rep, n) => {
            let refs: Vec<&Key> = keys.iter().collect();
            return finish_as(kdc, *rep, n, &refs, client);
        }
    };
    let key = keys
        .iter()
        .find(|k| k.enctype() == chosen)
        .ok_or(CryptoError::UnsupportedEnctype(chosen))?;
    as_preauth(kdc, client, key)
}

/// [`as_with_keys`] for one key when the client's ETYPE-INFO2 is known already (a
/// [`salt_info`] moments before listed the key's enctype): the AS-REQ with
/// PA-ENC-TIMESTAMP at once, one exchange instead of two.
pub fn as_with_key(kdc: &KdcAddress, client: &Principal, key: &Key) -> Result<Tgt, KdcError> {
    as_preauth(kdc, client, key)
}

/// AS exchange with a password (the admin's credentials): asks for the salts first,
/// derives the key of the KDC's preferred enctype with the announced salt (the MIT
/// default salt when none is announced) and iterations.
pub fn as_with_password(
    kdc: &KdcAddress,
    client: &Principal,
    password: &Password,
) -> Result<Tgt, KdcError> {
    let (info, early) = match probe(kdc, client, &Enctype::SUPPORTED)? {
        Probe::Info(info) => (info, None),
        Probe::Rep(rep, n) => {
            let entries = kdc_msg::etype_info_from_padata(&rep.padata).map_err(|source| {
                KdcError::Malformed {
                    address: kdc.as_str().to_owned(),
                    source,
                }
            })?;
            (salt_infos(kdc, client, entries)?, Some((rep, n)))
        }
    };
    let Some(entry) = info.iter().find(|i| i.etype.is_supported()) else {
        return Err(KdcError::NoCommonEnctype {
            client: client.to_string(),
            offered: info.iter().map(|i| i.etype).collect(),
            ours: Enctype::SUPPORTED.to_vec(),
        });
    };
    let salt = entry
        .salt
        .clone()
        .unwrap_or_else(|| mit_default_salt(client));
    let key = string_to_key(entry.etype, password, salt.as_bytes(), entry.iterations)?;
    match early {
        Some((rep, n)) => finish_as(kdc, *rep, n, &[&key], client),
        None => as_preauth(kdc, client, &key),
    }
}

/// TGS exchange: a service ticket for `service` (in `service.realm`) with `tgt`.
pub fn tgs(kdc: &KdcAddress, tgt: &Tgt, service: &Principal) -> Result<ServiceTicket, KdcError> {
    let (t, usec) = now()?;
    let n = nonce()?;
    let req = kdc_msg::build_tgs_req(
        &tgt.ticket,
        &tgt.session_key,
        &tgt.client,
        service,
        KdcOptions(KdcOptions::CANONICALIZE),
        t + LIFETIME,
        n,
        &Enctype::SUPPORTED,
        t,
        usec,
        &confounder(tgt.session_key.enctype())?,
    )
    .map_err(KdcError::Build)?;
    match send(kdc, &req)? {
        KdcReply::TgsRep(rep) => {
            let part = kdc_msg::decrypt_tgs_rep(&rep, &tgt.session_key).map_err(|source| {
                KdcError::Decrypt {
                    what: "TGS-REP",
                    source,
                }
            })?;
            if part.nonce != n {
                return Err(KdcError::NonceMismatch {
                    address: kdc.as_str().to_owned(),
                    sent: n,
                    received: part.nonce,
                });
            }
            Ok(ServiceTicket {
                client: rep.client,
                server: part.server,
                ticket: rep.ticket,
                session_key: part.session_key,
                flags: part.flags,
                endtime: part.endtime,
            })
        }
        KdcReply::Error(e) => Err(refusal(kdc, &e, service, t)),
        other => Err(KdcError::UnexpectedReply {
            address: kdc.as_str().to_owned(),
            expected: "a TGS-REP or KRB-ERROR",
            got: reply_name(&other),
        }),
    }
}

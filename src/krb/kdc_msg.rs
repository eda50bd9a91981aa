//! KDC messages (RFC 4120 section 5.4 and 5.9.1): AS-REQ and TGS-REQ with their
//! pre-authentication data, AS-REP / TGS-REP and their encrypted parts, KRB-ERROR
//! with its METHOD-DATA / ETYPE-INFO2.
//!
//! Pure, like the rest of `krb`: nonces, confounders and times are parameters.
//! Every reader goes through the crate's one DER codec (`krb::der`) and never
//! panics on arbitrary bytes; errors name the field and its byte offset.

use super::ap_req::{self, ApReq, Authenticator, Checksum};
use super::crypto::{self, CryptoError};
use super::der::{self, DerError, Reader, app};
use super::ticket::{
    EncryptedData, Ticket, TicketError, TicketFlags, encode_encrypted_data, encode_encryption_key,
    encode_principal_name, encode_ticket, read_encrypted_data, read_encryption_key,
    read_principal_name, read_ticket,
};
use super::{Enctype, Key, NameType, Principal};

// ---------------------------------------------------------------- constants

/// AS-REQ PA-ENC-TIMESTAMP (RFC 4120 section 7.5.1).
pub const KEY_USAGE_PA_ENC_TIMESTAMP: u32 = 1;
/// AS-REP encrypted part, with the client key.
pub const KEY_USAGE_AS_REP_ENC_PART: u32 = 3;
/// Checksum of the TGS-REQ body in the PA-TGS-REQ authenticator.
pub const KEY_USAGE_TGS_REQ_AUTH_CKSUM: u32 = 6;
/// The PA-TGS-REQ authenticator, with the TGT session key.
pub const KEY_USAGE_TGS_REQ_AUTHENTICATOR: u32 = 7;
/// TGS-REP encrypted part, with the TGT session key.
pub const KEY_USAGE_TGS_REP_ENC_PART_SESSION_KEY: u32 = 8;

pub const MSG_AS_REQ: i64 = 10;
pub const MSG_AS_REP: i64 = 11;
pub const MSG_TGS_REQ: i64 = 12;
pub const MSG_TGS_REP: i64 = 13;
pub const MSG_KRB_ERROR: i64 = 30;

pub const PA_TGS_REQ: i32 = 1;
pub const PA_ENC_TIMESTAMP: i32 = 2;
/// PA-PW-SALT (RFC 4120 5.2.7.3); a PA-DATA of this type in a KRB-ERROR's
/// METHOD-DATA is how Samba's KDC sends a KERB-EXT-ERROR ([`super::ext_error`]).
pub const PA_PW_SALT: i32 = 3;
pub const PA_ETYPE_INFO: i32 = 11;
pub const PA_ETYPE_INFO2: i32 = 19;
/// KERB-PA-PAC-REQUEST (MS-KILE 2.2.3).
pub const PA_PAC_REQUEST: i32 = 128;

/// KDCOptions (RFC 4120 section 5.4.1) as 32-bit KerberosFlags, bit 0 = MSB.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct KdcOptions(pub u32);

impl KdcOptions {
    pub const FORWARDABLE: u32 = 0x4000_0000;
    pub const FORWARDED: u32 = 0x2000_0000;
    pub const PROXIABLE: u32 = 0x1000_0000;
    pub const RENEWABLE: u32 = 0x0080_0000;
    /// Bit 15 (RFC 6806).
    pub const CANONICALIZE: u32 = 0x0001_0000;
    pub const RENEWABLE_OK: u32 = 0x0000_0010;
}

/// KRB-ERROR codes (RFC 4120 section 7.5.9, plus RFC 6113 / MS-KILE additions).
pub mod error_code {
    pub const KDC_ERR_NONE: i32 = 0;
    pub const KDC_ERR_NAME_EXP: i32 = 1;
    pub const KDC_ERR_SERVICE_EXP: i32 = 2;
    pub const KDC_ERR_BAD_PVNO: i32 = 3;
    pub const KDC_ERR_C_OLD_MAST_KVNO: i32 = 4;
    pub const KDC_ERR_S_OLD_MAST_KVNO: i32 = 5;
    pub const KDC_ERR_C_PRINCIPAL_UNKNOWN: i32 = 6;
    pub const KDC_ERR_S_PRINCIPAL_UNKNOWN: i32 = 7;
    pub const KDC_ERR_PRINCIPAL_NOT_UNIQUE: i32 = 8;
    pub const KDC_ERR_NULL_KEY: i32 = 9;
    pub const KDC_ERR_CANNOT_POSTDATE: i32 = 10;
    pub const KDC_ERR_NEVER_VALID: i32 = 11;
    pub const KDC_ERR_POLICY: i32 = 12;
    pub const KDC_ERR_BADOPTION: i32 = 13;
    pub const KDC_ERR_ETYPE_NOSUPP: i32 = 14;
    pub const KDC_ERR_SUMTYPE_NOSUPP: i32 = 15;
    pub const KDC_ERR_PADATA_TYPE_NOSUPP: i32 = 16;
    pub const KDC_ERR_TRTYPE_NOSUPP: i32 = 17;
    pub const KDC_ERR_CLIENT_REVOKED: i32 = 18;
    pub const KDC_ERR_SERVICE_REVOKED: i32 = 19;
    pub const KDC_ERR_TGT_REVOKED: i32 = 20;
    pub const KDC_ERR_CLIENT_NOTYET: i32 = 21;
    pub const KDC_ERR_SERVICE_NOTYET: i32 = 22;
    pub const KDC_ERR_KEY_EXPIRED: i32 = 23;
    pub const KDC_ERR_PREAUTH_FAILED: i32 = 24;
    pub const KDC_ERR_PREAUTH_REQUIRED: i32 = 25;
    pub const KDC_ERR_SERVER_NOMATCH: i32 = 26;
    pub const KDC_ERR_MUST_USE_USER2USER: i32 = 27;
    pub const KDC_ERR_PATH_NOT_ACCEPTED: i32 = 28;
    pub const KDC_ERR_SVC_UNAVAILABLE: i32 = 29;
    pub const KRB_AP_ERR_BAD_INTEGRITY: i32 = 31;
    pub const KRB_AP_ERR_TKT_EXPIRED: i32 = 32;
    pub const KRB_AP_ERR_TKT_NYV: i32 = 33;
    pub const KRB_AP_ERR_REPEAT: i32 = 34;
    pub const KRB_AP_ERR_NOT_US: i32 = 35;
    pub const KRB_AP_ERR_BADMATCH: i32 = 36;
    pub const KRB_AP_ERR_SKEW: i32 = 37;
    pub const KRB_AP_ERR_BADADDR: i32 = 38;
    pub const KRB_AP_ERR_BADVERSION: i32 = 39;
    pub const KRB_AP_ERR_MSG_TYPE: i32 = 40;
    pub const KRB_AP_ERR_MODIFIED: i32 = 41;
    pub const KRB_AP_ERR_BADORDER: i32 = 42;
    pub const KRB_AP_ERR_BADKEYVER: i32 = 44;
    pub const KRB_AP_ERR_NOKEY: i32 = 45;
    pub const KRB_AP_ERR_MUT_FAIL: i32 = 46;
    pub const KRB_AP_ERR_BADDIRECTION: i32 = 47;
    pub const KRB_AP_ERR_METHOD: i32 = 48;
    pub const KRB_AP_ERR_BADSEQ: i32 = 49;
    pub const KRB_AP_ERR_INAPP_CKSUM: i32 = 50;
    pub const KRB_AP_PATH_NOT_ACCEPTED: i32 = 51;
    pub const KRB_ERR_RESPONSE_TOO_BIG: i32 = 52;
    pub const KRB_ERR_GENERIC: i32 = 60;
    pub const KRB_ERR_FIELD_TOOLONG: i32 = 61;
    pub const KDC_ERR_CLIENT_NOT_TRUSTED: i32 = 62;
    pub const KDC_ERR_KDC_NOT_TRUSTED: i32 = 63;
    pub const KDC_ERR_INVALID_SIG: i32 = 64;
    pub const KDC_ERR_KEY_TOO_WEAK: i32 = 65;
    pub const KDC_ERR_CERTIFICATE_MISMATCH: i32 = 66;
    pub const KRB_AP_ERR_NO_TGT: i32 = 67;
    pub const KDC_ERR_WRONG_REALM: i32 = 68;
    pub const KRB_AP_ERR_USER_TO_USER_REQUIRED: i32 = 69;
    pub const KDC_ERR_CANT_VERIFY_CERTIFICATE: i32 = 70;
    pub const KDC_ERR_INVALID_CERTIFICATE: i32 = 71;
    pub const KDC_ERR_REVOKED_CERTIFICATE: i32 = 72;
    pub const KDC_ERR_REVOCATION_STATUS_UNKNOWN: i32 = 73;
    pub const KDC_ERR_REVOCATION_STATUS_UNAVAILABLE: i32 = 74;
    pub const KDC_ERR_CLIENT_NAME_MISMATCH: i32 = 75;
    pub const KDC_ERR_KDC_NAME_MISMATCH: i32 = 76;
    pub const KDC_ERR_PREAUTH_EXPIRED: i32 = 90;
    pub const KDC_ERR_MORE_PREAUTH_DATA_REQUIRED: i32 = 91;
    pub const KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET: i32 = 92;
    pub const KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS: i32 = 93;
}

/// The RFC name of a KRB-ERROR code (`KDC_ERR_PREAUTH_FAILED`), when it has one.
pub fn error_name(code: i32) -> Option<&'static str> {
    use error_code::*;
    Some(match code {
        KDC_ERR_NONE => "KDC_ERR_NONE",
        KDC_ERR_NAME_EXP => "KDC_ERR_NAME_EXP",
        KDC_ERR_SERVICE_EXP => "KDC_ERR_SERVICE_EXP",
        KDC_ERR_BAD_PVNO => "KDC_ERR_BAD_PVNO",
        KDC_ERR_C_OLD_MAST_KVNO => "KDC_ERR_C_OLD_MAST_KVNO",
        KDC_ERR_S_OLD_MAST_KVNO => "KDC_ERR_S_OLD_MAST_KVNO",
        KDC_ERR_C_PRINCIPAL_UNKNOWN => "KDC_ERR_C_PRINCIPAL_UNKNOWN",
        KDC_ERR_S_PRINCIPAL_UNKNOWN => "KDC_ERR_S_PRINCIPAL_UNKNOWN",
        KDC_ERR_PRINCIPAL_NOT_UNIQUE => "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
        KDC_ERR_NULL_KEY => "KDC_ERR_NULL_KEY",
        KDC_ERR_CANNOT_POSTDATE => "KDC_ERR_CANNOT_POSTDATE",
        KDC_ERR_NEVER_VALID => "KDC_ERR_NEVER_VALID",
        KDC_ERR_POLICY => "KDC_ERR_POLICY",
        KDC_ERR_BADOPTION => "KDC_ERR_BADOPTION",
        KDC_ERR_ETYPE_NOSUPP => "KDC_ERR_ETYPE_NOSUPP",
        KDC_ERR_SUMTYPE_NOSUPP => "KDC_ERR_SUMTYPE_NOSUPP",
        KDC_ERR_PADATA_TYPE_NOSUPP => "KDC_ERR_PADATA_TYPE_NOSUPP",
        KDC_ERR_TRTYPE_NOSUPP => "KDC_ERR_TRTYPE_NOSUPP",
        KDC_ERR_CLIENT_REVOKED => "KDC_ERR_CLIENT_REVOKED",
        KDC_ERR_SERVICE_REVOKED => "KDC_ERR_SERVICE_REVOKED",
        KDC_ERR_TGT_REVOKED => "KDC_ERR_TGT_REVOKED",
        KDC_ERR_CLIENT_NOTYET => "KDC_ERR_CLIENT_NOTYET",
        KDC_ERR_SERVICE_NOTYET => "KDC_ERR_SERVICE_NOTYET",
        KDC_ERR_KEY_EXPIRED => "KDC_ERR_KEY_EXPIRED",
        KDC_ERR_PREAUTH_FAILED => "KDC_ERR_PREAUTH_FAILED",
        KDC_ERR_PREAUTH_REQUIRED => "KDC_ERR_PREAUTH_REQUIRED",
        KDC_ERR_SERVER_NOMATCH => "KDC_ERR_SERVER_NOMATCH",
        KDC_ERR_MUST_USE_USER2USER => "KDC_ERR_MUST_USE_USER2USER",
        KDC_ERR_PATH_NOT_ACCEPTED => "KDC_ERR_PATH_NOT_ACCEPTED",
        KDC_ERR_SVC_UNAVAILABLE => "KDC_ERR_SVC_UNAVAILABLE",
        KRB_AP_ERR_BAD_INTEGRITY => "KRB_AP_ERR_BAD_INTEGRITY",
        KRB_AP_ERR_TKT_EXPIRED => "KRB_AP_ERR_TKT_EXPIRED",
        KRB_AP_ERR_TKT_NYV => "KRB_AP_ERR_TKT_NYV",
        KRB_AP_ERR_REPEAT => "KRB_AP_ERR_REPEAT",
        KRB_AP_ERR_NOT_US => "KRB_AP_ERR_NOT_US",
        KRB_AP_ERR_BADMATCH => "KRB_AP_ERR_BADMATCH",
        KRB_AP_ERR_SKEW => "KRB_AP_ERR_SKEW",
        KRB_AP_ERR_BADADDR => "KRB_AP_ERR_BADADDR",
        KRB_AP_ERR_BADVERSION => "KRB_AP_ERR_BADVERSION",
        KRB_AP_ERR_MSG_TYPE => "KRB_AP_ERR_MSG_TYPE",
        KRB_AP_ERR_MODIFIED => "KRB_AP_ERR_MODIFIED",
        KRB_AP_ERR_BADORDER => "KRB_AP_ERR_BADORDER",
        KRB_AP_ERR_BADKEYVER => "KRB_AP_ERR_BADKEYVER",
        KRB_AP_ERR_NOKEY => "KRB_AP_ERR_NOKEY",
        KRB_AP_ERR_MUT_FAIL => "KRB_AP_ERR_MUT_FAIL",
        KRB_AP_ERR_BADDIRECTION => "KRB_AP_ERR_BADDIRECTION",
        KRB_AP_ERR_METHOD => "KRB_AP_ERR_METHOD",
        KRB_AP_ERR_BADSEQ => "KRB_AP_ERR_BADSEQ",
        KRB_AP_ERR_INAPP_CKSUM => "KRB_AP_ERR_INAPP_CKSUM",
        KRB_AP_PATH_NOT_ACCEPTED => "KRB_AP_PATH_NOT_ACCEPTED",
        KRB_ERR_RESPONSE_TOO_BIG => "KRB_ERR_RESPONSE_TOO_BIG",
        KRB_ERR_GENERIC => "KRB_ERR_GENERIC",
        KRB_ERR_FIELD_TOOLONG => "KRB_ERR_FIELD_TOOLONG",
        KDC_ERR_CLIENT_NOT_TRUSTED => "KDC_ERR_CLIENT_NOT_TRUSTED",
        KDC_ERR_KDC_NOT_TRUSTED => "KDC_ERR_KDC_NOT_TRUSTED",
        KDC_ERR_INVALID_SIG => "KDC_ERR_INVALID_SIG",
        KDC_ERR_KEY_TOO_WEAK => "KDC_ERR_KEY_TOO_WEAK",
        KDC_ERR_CERTIFICATE_MISMATCH => "KDC_ERR_CERTIFICATE_MISMATCH",
        KRB_AP_ERR_NO_TGT => "KRB_AP_ERR_NO_TGT",
        KDC_ERR_WRONG_REALM => "KDC_ERR_WRONG_REALM",
        KRB_AP_ERR_USER_TO_USER_REQUIRED => "KRB_AP_ERR_USER_TO_USER_REQUIRED",
        KDC_ERR_CANT_VERIFY_CERTIFICATE => "KDC_ERR_CANT_VERIFY_CERTIFICATE",
        KDC_ERR_INVALID_CERTIFICATE => "KDC_ERR_INVALID_CERTIFICATE",
        KDC_ERR_REVOKED_CERTIFICATE => "KDC_ERR_REVOKED_CERTIFICATE",
        KDC_ERR_REVOCATION_STATUS_UNKNOWN => "KDC_ERR_REVOCATION_STATUS_UNKNOWN",
        KDC_ERR_REVOCATION_STATUS_UNAVAILABLE => "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE",
        KDC_ERR_CLIENT_NAME_MISMATCH => "KDC_ERR_CLIENT_NAME_MISMATCH",
        KDC_ERR_KDC_NAME_MISMATCH => "KDC_ERR_KDC_NAME_MISMATCH",
        KDC_ERR_PREAUTH_EXPIRED => "KDC_ERR_PREAUTH_EXPIRED",
        KDC_ERR_MORE_PREAUTH_DATA_REQUIRED => "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED",
        KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET => "KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET",
        KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS => "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS",
        _ => return None,
    })
}

// ---------------------------------------------------------------- errors

/// Why a KDC message could not be built, parsed or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KdcMsgError {
    #[error("malformed {what}: {source}")]
    Der {
        what: &'static str,
        source: DerError,
    },
    #[error("malformed ticket in the KDC reply: {0}")]
    Ticket(#[from] TicketError),
    #[error("the {what} has protocol version {pvno}, not Kerberos 5")]
    BadVersion { what: &'static str, pvno: i64 },
    #[error("the {what} has message type {found}, expected {expected}")]
    BadMessageType {
        what: &'static str,
        found: i64,
        expected: i64,
    },
    #[error("the reply is not an AS-REP, TGS-REP or KRB-ERROR (first byte 0x{0:02x})")]
    NotAReply(u8),
    #[error("the message is not an AS-REQ or TGS-REQ (first byte 0x{0:02x})")]
    NotARequest(u8),
    #[error("the reply is empty")]
    Empty,
    /// The encrypted part uses another enctype than the key's.
    #[error("the {what} is encrypted with {found} but the key is {key}")]
    EnctypeMismatch {
        what: &'static str,
        found: Enctype,
        key: Enctype,
    },
    #[error("cannot decrypt the {what}: {source}")]
    Decrypt {
        what: &'static str,
        source: CryptoError,
    },
    #[error("ETYPE-INFO2 s2kparams for {etype} are {len} bytes, not a 4-byte iteration count")]
    BadS2kParams { etype: Enctype, len: usize },
    #[error("KerberosTime {0} cannot be encoded (outside years 0000-9999)")]
    BadTime(i64),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("cannot build the PA-TGS-REQ authenticator: {0}")]
    ApReq(#[from] ap_req::ApReqError),
}

trait Context<T> {
    fn ctx(self, what: &'static str) -> Result<T, KdcMsgError>;
}

impl<T> Context<T> for Result<T, DerError> {
    fn ctx(self, what: &'static str) -> Result<T, KdcMsgError> {
        self.map_err(|source| KdcMsgError::Der { what, source })
    }
}

// ---------------------------------------------------------------- PA-DATA

/// One PA-DATA element; the value is the DER (or raw) bytes it carries.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PaData {
    pub padata_type: i32,
    pub value: Vec<u8>,
}

fn read_method_data(r: &mut Reader<'_>, field: &'static str) -> Result<Vec<PaData>, DerError> {
    let mut list = r.sequence(field)?;
    let mut out = Vec::new();
    while !list.at_end() {
        let mut s = list.sequence("PA-DATA")?;
        let padata_type = s.field(1, "padata-type", Reader::int32)?;
        let value = s.field(2, "padata-value", Reader::octets)?.to_vec();
        s.skip_extensions()?;
        out.push(PaData { padata_type, value });
    }
    Ok(out)
}

/// Encode METHOD-DATA (SEQUENCE OF PA-DATA).
pub fn encode_method_data(padata: &[PaData]) -> Vec<u8> {
    let items: Vec<Vec<u8>> = padata
        .iter()
        .map(|p| {
            der::seq(&[
                der::field(1, &der::enc_integer(p.padata_type.into())),
                der::field(2, &der::enc_octets(&p.value)),
            ])
        })
        .collect();
    der::seq(&items)
}

/// Parse METHOD-DATA (SEQUENCE OF PA-DATA), e.g. a KRB-ERROR's e-data.
pub fn parse_method_data(bytes: &[u8]) -> Result<Vec<PaData>, KdcMsgError> {
    let mut r = Reader::new(bytes, "METHOD-DATA");
    let v = read_method_data(&mut r, "METHOD-DATA").ctx("METHOD-DATA")?;
    r.finish().ctx("METHOD-DATA")?;
    Ok(v)
}

/// PA-ENC-TIMESTAMP: PA-ENC-TS-ENC {patimestamp, pausec} encrypted with the client
/// key (usage 1). `confounder` must have the enctype's confounder length.
pub fn pa_enc_timestamp(
    key: &Key,
    time: i64,
    usec: u32,
    confounder: &[u8],
) -> Result<PaData, KdcMsgError> {
    let ts = der::enc_time(time).ok_or(KdcMsgError::BadTime(time))?;
    let plain = der::seq(&[
        der::field(0, &ts),
        der::field(1, &der::enc_integer(usec.into())),
    ]);
    let cipher = crypto::encrypt(key, KEY_USAGE_PA_ENC_TIMESTAMP, confounder, &plain)?;
    let value = encode_encrypted_data(&EncryptedData {
        etype: key.enctype(),
        kvno: None,
        cipher,
    });
    Ok(PaData {
        padata_type: PA_ENC_TIMESTAMP,
        value,
    })
}

/// Decrypt a PA-ENC-TIMESTAMP value (what a KDC does): (patimestamp, pausec).
pub fn decrypt_pa_enc_timestamp(
    value: &[u8],
    key: &Key,
) -> Result<(i64, Option<u32>), KdcMsgError> {
    const WHAT: &str = "PA-ENC-TIMESTAMP";
    let mut r = Reader::new(value, WHAT);
    let enc = read_encrypted_data(&mut r, WHAT).ctx(WHAT)?;
    r.finish().ctx(WHAT)?;
    let plain = decrypt_part(&enc, key, KEY_USAGE_PA_ENC_TIMESTAMP, WHAT)?;
    let mut r = Reader::new(&plain, "PA-ENC-TS-ENC");
    let mut s = r.sequence("PA-ENC-TS-ENC").ctx(WHAT)?;
    let t = s.field(0, "patimestamp", Reader::time_lenient).ctx(WHAT)?;
    let usec = s.optional_field(1, "pausec", Reader::uint32).ctx(WHAT)?;
    s.skip_extensions().ctx(WHAT)?;
    r.finish().ctx(WHAT)?;
    Ok((t, usec))
}

/// KERB-PA-PAC-REQUEST { include-pac BOOLEAN } (MS-KILE 2.2.3).
pub fn pa_pac_request(include_pac: bool) -> PaData {
    const BOOLEAN: u8 = 0x01;
    let b = if include_pac { 0xff } else { 0x00 };
    PaData {
        padata_type: PA_PAC_REQUEST,
        value: der::seq(&[der::field(0, &der::tlv(BOOLEAN, &[b]))]),
    }
}

/// PA-TGS-REQ: an AP-REQ with the TGT whose authenticator (usage 7, TGT session
/// key) carries a keyed checksum (usage 6, the session key's checksum type) of the
/// encoded KDC-REQ-BODY `req_body` exactly as it is sent.
pub fn pa_tgs_req(
    tgt: &Ticket,
    session_key: &Key,
    client: &Principal,
    req_body: &[u8],
    ctime: i64,
    cusec: u32,
    confounder: &[u8],
) -> Result<PaData, KdcMsgError> {
    let checksum = crypto::make_checksum(session_key, KEY_USAGE_TGS_REQ_AUTH_CKSUM, req_body)?;
    let authenticator = Authenticator {
        client: client.clone(),
        checksum: Some(checksum),
        cusec,
        ctime,
        subkey: None,
        seq_number: None,
    };
    let plain = ap_req::encode_authenticator(&authenticator);
    let cipher = crypto::encrypt(
        session_key,
        KEY_USAGE_TGS_REQ_AUTHENTICATOR,
        confounder,
        &plain,
    )?;
    let ap = ApReq {
        ap_options: 0,
        ticket: tgt.clone(),
        authenticator: EncryptedData {
            etype: session_key.enctype(),
            kvno: None,
            cipher,
        },
    };
    Ok(PaData {
        padata_type: PA_TGS_REQ,
        value: ap_req::encode_ap_req(&ap),
    })
}

/// Check a PA-TGS-REQ (what a KDC does; for tests): decrypts the authenticator with
/// the session key and verifies its checksum over `req_body`.
pub fn verify_pa_tgs_req(
    value: &[u8],
    session_key: &Key,
    req_body: &[u8],
) -> Result<Authenticator, KdcMsgError> {
    let ap = ap_req::parse_ap_req(value)?;
    let plain = decrypt_part(
        &ap.authenticator,
        session_key,
        KEY_USAGE_TGS_REQ_AUTHENTICATOR,
        "PA-TGS-REQ authenticator",
    )?;
    let auth = ap_req::parse_authenticator(&plain)?;
    let Some(Checksum { cksumtype, data }) = &auth.checksum else {
        return Err(KdcMsgError::Decrypt {
            what: "PA-TGS-REQ checksum",
            source: CryptoError::IntegrityCheckFailed,
        });
    };
    crypto::verify_checksum(
        session_key,
        KEY_USAGE_TGS_REQ_AUTH_CKSUM,
        *cksumtype,
        req_body,
        data,
    )
    .map_err(|_| KdcMsgError::Decrypt {
        what: "PA-TGS-REQ checksum",
        source: CryptoError::IntegrityCheckFailed,
    })?;
    Ok(auth)
}

// ---------------------------------------------------------------- ETYPE-INFO2

/// One ETYPE-INFO2 (or ETYPE-INFO) entry.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EtypeInfo2Entry {
    pub etype: Enctype,
    pub salt: Option<String>,
    pub s2kparams: Option<Vec<u8>>,
}

impl EtypeInfo2Entry {
    /// The PBKDF2 iteration count: s2kparams as a 4-byte big-endian number for AES,
    /// 4096 when absent (RFC 3962).
    pub fn iterations(&self) -> Result<u32, KdcMsgError> {
        match &self.s2kparams {
            None => Ok(super::string_to_key::DEFAULT_AES_ITERATIONS),
            Some(p) => <[u8; 4]>::try_from(p.as_slice())
                .map(u32::from_be_bytes)
                .map_err(|_| KdcMsgError::BadS2kParams {
                    etype: self.etype,
                    len: p.len(),
                }),
        }
    }
}

/// Parse PA-ETYPE-INFO2 (SEQUENCE OF ETYPE-INFO2-ENTRY).
pub fn parse_etype_info2(bytes: &[u8]) -> Result<Vec<EtypeInfo2Entry>, KdcMsgError> {
    const WHAT: &str = "PA-ETYPE-INFO2";
    let mut r = Reader::new(bytes, WHAT);
    let mut list = r.sequence(WHAT).ctx(WHAT)?;
    let mut out = Vec::new();
    while !list.at_end() {
        let mut s = list.sequence("ETYPE-INFO2-ENTRY").ctx(WHAT)?;
        let etype = s.field(0, "etype", Reader::int32).ctx(WHAT)?;
        let salt = s.optional_field(1, "salt", Reader::string).ctx(WHAT)?;
        let s2kparams = s
            .optional_field(2, "s2kparams", |r, f| r.octets(f).map(<[u8]>::to_vec))
            .ctx(WHAT)?;
        s.skip_extensions().ctx(WHAT)?;
        out.push(EtypeInfo2Entry {
            etype: Enctype(etype),
            salt,
            s2kparams,
        });
    }
    r.finish().ctx(WHAT)?;
    Ok(out)
}

/// Parse PA-ETYPE-INFO (SEQUENCE OF ETYPE-INFO-ENTRY, salt as OCTET STRING); the
/// salt must be UTF-8.
pub fn parse_etype_info(bytes: &[u8]) -> Result<Vec<EtypeInfo2Entry>, KdcMsgError> {
    const WHAT: &str = "PA-ETYPE-INFO";
    let mut r = Reader::new(bytes, WHAT);
    let mut list = r.sequence(WHAT).ctx(WHAT)?;
    let mut out = Vec::new();
    while !list.at_end() {
        let mut s = list.sequence("ETYPE-INFO-ENTRY").ctx(WHAT)?;
        let etype = s.field(0, "etype", Reader::int32).ctx(WHAT)?;
        let at = s.offset();
        let salt = s.optional_field(1, "salt", Reader::octets).ctx(WHAT)?;
        let salt = match salt.map(std::str::from_utf8).transpose() {
            Ok(s) => s.map(str::to_owned),
            Err(e) => {
                return Err(KdcMsgError::Der {
                    what: WHAT,
                    source: DerError::InvalidUtf8 {
                        offset: at + e.valid_up_to(),
                        field: "salt",
                    },
                });
            }
        };
        s.skip_extensions().ctx(WHAT)?;
        out.push(EtypeInfo2Entry {
            etype: Enctype(etype),
            salt,
            s2kparams: None,
        });
    }
    r.finish().ctx(WHAT)?;
    Ok(out)
}

/// Encode PA-ETYPE-INFO2 (for tests and fake KDCs).
pub fn encode_etype_info2(entries: &[EtypeInfo2Entry]) -> Vec<u8> {
    let items: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| {
            let mut parts = vec![der::field(0, &der::enc_integer(e.etype.0.into()))];
            if let Some(s) = &e.salt {
                parts.push(der::field(1, &der::enc_string(s)));
            }
            if let Some(p) = &e.s2kparams {
                parts.push(der::field(2, &der::enc_octets(p)));
            }
            der::seq(&parts)
        })
        .collect();
    der::seq(&items)
}

/// The ETYPE-INFO2 entries in `padata` (the KDC's order, its preferred first); when
/// there is no PA-ETYPE-INFO2, the PA-ETYPE-INFO ones; empty when neither is there.
pub fn etype_info_from_padata(padata: &[PaData]) -> Result<Vec<EtypeInfo2Entry>, KdcMsgError> {
    if let Some(p) = padata.iter().find(|p| p.padata_type == PA_ETYPE_INFO2) {
        return parse_etype_info2(&p.value);
    }
    if let Some(p) = padata.iter().find(|p| p.padata_type == PA_ETYPE_INFO) {
        return parse_etype_info(&p.value);
    }
    Ok(Vec::new())
}

// ---------------------------------------------------------------- KDC-REQ

/// KDC-REQ-BODY. `cname` and `sname` use their components and name type; the
/// request's realm is `realm` (the client's for AS, the service's for TGS).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KdcReqBody {
    pub options: KdcOptions,
    pub cname: Option<Principal>,
    pub realm: String,
    pub sname: Option<Principal>,
    pub from: Option<i64>,
    pub till: i64,
    pub rtime: Option<i64>,
    pub nonce: u32,
    pub etypes: Vec<Enctype>,
}

/// A decoded AS-REQ or TGS-REQ (tests and fake KDCs read what spnkt sends).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KdcReq {
    pub msg_type: i64,
    pub padata: Vec<PaData>,
    pub body: KdcReqBody,
    /// The KDC-REQ-BODY bytes as sent (what the PA-TGS-REQ checksum covers).
    pub body_der: Vec<u8>,
}

/// Encode a KDC-REQ-BODY as DER.
pub fn encode_kdc_req_body(body: &KdcReqBody) -> Result<Vec<u8>, KdcMsgError> {
    let time = |t: i64| der::enc_time(t).ok_or(KdcMsgError::BadTime(t));
    let mut parts = vec![der::field(0, &der::enc_flags(body.options.0))];
    if let Some(c) = &body.cname {
        parts.push(der::field(1, &encode_principal_name(c)));
    }
    parts.push(der::field(2, &der::enc_string(&body.realm)));
    if let Some(s) = &body.sname {
        parts.push(der::field(3, &encode_principal_name(s)));
    }
    if let Some(t) = body.from {
        parts.push(der::field(4, &time(t)?));
    }
    parts.push(der::field(5, &time(body.till)?));
    if let Some(t) = body.rtime {
        parts.push(der::field(6, &time(t)?));
    }
    parts.push(der::field(7, &der::enc_integer(body.nonce.into())));
    let etypes: Vec<Vec<u8>> = body
        .etypes
        .iter()
        .map(|e| der::enc_integer(e.0.into()))
        .collect();
    parts.push(der::field(8, &der::seq(&etypes)));
    Ok(der::seq(&parts))
}

/// Encode an AS-REQ (`msg_type` 10) or TGS-REQ (12) around an encoded body.
pub fn encode_kdc_req(msg_type: i64, padata: &[PaData], body_der: &[u8]) -> Vec<u8> {
    let tag = if msg_type == MSG_TGS_REQ {
        app(12)
    } else {
        app(10)
    };
    let mut parts = vec![
        der::field(1, &der::enc_integer(5)),
        der::field(2, &der::enc_integer(msg_type)),
    ];
    if !padata.is_empty() {
        parts.push(der::field(3, &encode_method_data(padata)));
    }
    parts.push(der::field(4, body_der));
    der::tlv(tag, &der::seq(&parts))
}

/// An AS-REQ: `client` (its realm is the request's realm) asks for
/// krbtgt/REALM@REALM.
pub fn build_as_req(
    client: &Principal,
    options: KdcOptions,
    till: i64,
    nonce: u32,
    etypes: &[Enctype],
    padata: &[PaData],
) -> Result<Vec<u8>, KdcMsgError> {
    let body = KdcReqBody {
        options,
        cname: Some(client.clone()),
        realm: client.realm.clone(),
        sname: Some(Principal::new(
            NameType::SRV_INST,
            vec!["krbtgt".into(), client.realm.clone()],
            client.realm.clone(),
        )),
        from: None,
        till,
        rtime: None,
        nonce,
        etypes: etypes.to_vec(),
    };
    Ok(encode_kdc_req(
        MSG_AS_REQ,
        padata,
        &encode_kdc_req_body(&body)?,
    ))
}

/// A TGS-REQ for `service` (its realm is the request's realm) with the TGT and its
/// session key; `client` is the TGT's client (the authenticator's cname/crealm).
#[allow(clippy::too_many_arguments)]
pub fn build_tgs_req(
    tgt: &Ticket,
    session_key: &Key,
    client: &Principal,
    service: &Principal,
    options: KdcOptions,
    till: i64,
    nonce: u32,
    etypes: &[Enctype],
    now: i64,
    usec: u32,
    confounder: &[u8],
) -> Result<Vec<u8>, KdcMsgError> {
    let body = KdcReqBody {
        options,
        cname: None,
        realm: service.realm.clone(),
        sname: Some(service.clone()),
        from: None,
        till,
        rtime: None,
        nonce,
        etypes: etypes.to_vec(),
    };
    let body_der = encode_kdc_req_body(&body)?;
    let pa = pa_tgs_req(tgt, session_key, client, &body_der, now, usec, confounder)?;
    Ok(encode_kdc_req(
        MSG_TGS_REQ,
        &[pa, pa_pac_request(true)],
        &body_der,
    ))
}

fn read_kdc_req_body(r: &mut Reader<'_>, field: &'static str) -> Result<KdcReqBody, DerError> {
    let mut s = r.sequence(field)?;
    let options = s.field(0, "kdc-options", Reader::flags)?;
    let cname = s.optional_field(1, "cname", read_principal_name)?;
    let realm = s.field(2, "realm", Reader::string)?;
    let sname = s.optional_field(3, "sname", read_principal_name)?;
    let from = s.optional_field(4, "from", Reader::time_lenient)?;
    let till = s.field(5, "till", Reader::time_lenient)?;
    let rtime = s.optional_field(6, "rtime", Reader::time_lenient)?;
    let nonce = s.field(7, "nonce", Reader::uint32)?;
    let mut list = s.field(8, "etype", Reader::sequence)?;
    let mut etypes = Vec::new();
    while !list.at_end() {
        etypes.push(Enctype(list.int32("etype")?));
    }
    s.optional_field(9, "addresses", |r, f| r.sequence(f).map(drop))?;
    s.optional_field(10, "enc-authorization-data", read_encrypted_data)?;
    s.optional_field(11, "additional-tickets", |r, f| r.sequence(f).map(drop))?;
    s.skip_extensions()?;
    let p = |(nt, c): (NameType, Vec<String>)| Principal::new(nt, c, realm.clone());
    Ok(KdcReqBody {
        options: KdcOptions(options),
        cname: cname.map(p),
        sname: sname.map(p),
        realm: realm.clone(),
        from,
        till,
        rtime,
        nonce,
        etypes,
    })
}

/// Parse an AS-REQ or TGS-REQ.
pub fn parse_kdc_req(bytes: &[u8]) -> Result<KdcReq, KdcMsgError> {
    const WHAT: &str = "KDC-REQ";
    let mut r = Reader::new(bytes, WHAT);
    let (tag, outer) = r.any(WHAT).ctx(WHAT)?;
    let expected = match tag {
        t if t == app(10) => MSG_AS_REQ,
        t if t == app(12) => MSG_TGS_REQ,
        t => return Err(KdcMsgError::NotARequest(t)),
    };
    let mut s = outer.only(Reader::sequence).ctx(WHAT)?;
    let msg_type = read_pvno_and_msg_type(&mut s, 1, expected, WHAT)?;
    let padata = s
        .optional_field(3, "padata", read_method_data)
        .ctx(WHAT)?
        .unwrap_or_default();
    let body_reader = s.required(4, "req-body").ctx(WHAT)?;
    let body_der = body_reader.contents().to_vec();
    let body = body_reader.only(read_kdc_req_body).ctx(WHAT)?;
    s.skip_extensions().ctx(WHAT)?;
    r.finish().ctx(WHAT)?;
    Ok(KdcReq {
        msg_type,
        padata,
        body,
        body_der,
    })
}

// ---------------------------------------------------------------- KDC-REP

/// An AS-REP or TGS-REP, before decryption.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KdcRep {
    /// 11 (AS-REP) or 13 (TGS-REP).
    pub msg_type: i64,
    pub padata: Vec<PaData>,
    /// cname with crealm: the client as the KDC names it (canonicalized).
    pub client: Principal,
    pub ticket: Ticket,
    pub enc_part: EncryptedData,
}

/// One LastReq element.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LastReq {
    pub lr_type: i32,
    pub lr_value: i64,
}

/// The decrypted EncASRepPart / EncTGSRepPart.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EncKdcRepPart {
    pub session_key: Key,
    pub last_req: Vec<LastReq>,
    pub nonce: u32,
    pub key_expiration: Option<i64>,
    pub flags: TicketFlags,
    pub authtime: i64,
    pub starttime: Option<i64>,
    pub endtime: i64,
    pub renew_till: Option<i64>,
    /// sname with srealm.
    pub server: Principal,
    /// encrypted-pa-data \[12\] (RFC 6806), when sent.
    pub encrypted_padata: Vec<PaData>,
}

/// A KRB-ERROR.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KrbError {
    pub ctime: Option<i64>,
    pub cusec: Option<u32>,
    pub stime: Option<i64>,
    pub susec: Option<u32>,
    pub error_code: i32,
    /// cname with crealm (crealm, else realm).
    pub client: Option<Principal>,
    /// sname with realm.
    pub server: Option<Principal>,
    pub e_text: Option<String>,
    pub e_data: Option<Vec<u8>>,
}

impl KrbError {
    /// The RFC name of the error code, or `Kerberos error N`.
    pub fn name(&self) -> String {
        error_name(self.error_code).map_or_else(
            || format!("Kerberos error {}", self.error_code),
            str::to_owned,
        )
    }

    /// e-data as METHOD-DATA, when it is that (PREAUTH_REQUIRED / PREAUTH_FAILED
    /// carry ETYPE-INFO2 there); None when absent or something else (TYPED-DATA).
    pub fn method_data(&self) -> Option<Vec<PaData>> {
        self.e_data
            .as_deref()
            .and_then(|d| parse_method_data(d).ok())
    }

    /// ETYPE-INFO2 (or ETYPE-INFO) entries from e-data, in the KDC's order.
    pub fn etype_info(&self) -> Result<Vec<EtypeInfo2Entry>, KdcMsgError> {
        match self.method_data() {
            Some(pa) => etype_info_from_padata(&pa),
            None => Ok(Vec::new()),
        }
    }

    /// The KERB-EXT-ERROR an Active Directory KDC puts in e-data (MS-KILE
    /// 2.2.1-2.2.2): as KERB-ERROR-DATA (Windows) or as a PA-DATA of type 3 in
    /// METHOD-DATA (Samba). See [`super::ext_error`].
    pub fn ext_error(&self) -> Option<super::ext_error::KerbExtError> {
        super::ext_error::from_e_data(self.e_data.as_deref()?).map(|(e, _)| e)
    }

    /// The NTSTATUS of [`KrbError::ext_error`]: e.g. 0xC0000072
    /// STATUS_ACCOUNT_DISABLED.
    pub fn nt_status(&self) -> Option<u32> {
        self.ext_error().map(|e| e.status.0)
    }
}

/// What the KDC answered.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum KdcReply {
    AsRep(KdcRep),
    TgsRep(KdcRep),
    Error(KrbError),
}

/// The two fields every KDC message starts with (at context tags `first` and
/// `first + 1`): pvno, which must be 5, and msg-type, which must be `expected`
/// (returned for the caller's record).
fn read_pvno_and_msg_type(
    s: &mut Reader<'_>,
    first: u8,
    expected: i64,
    what: &'static str,
) -> Result<i64, KdcMsgError> {
    let pvno = s.field(first, "pvno", Reader::integer).ctx(what)?;
    if pvno != 5 {
        return Err(KdcMsgError::BadVersion { what, pvno });
    }
    let msg_type = s.field(first + 1, "msg-type", Reader::integer).ctx(what)?;
    if msg_type != expected {
        return Err(KdcMsgError::BadMessageType {
            what,
            found: msg_type,
            expected,
        });
    }
    Ok(msg_type)
}

fn read_kdc_rep(s: &mut Reader<'_>, expected: i64) -> Result<KdcRep, KdcMsgError> {
    const WHAT: &str = "KDC-REP";
    let msg_type = read_pvno_and_msg_type(s, 0, expected, WHAT)?;
    let padata = s
        .optional_field(2, "padata", read_method_data)
        .ctx(WHAT)?
        .unwrap_or_default();
    let crealm = s.field(3, "crealm", Reader::string).ctx(WHAT)?;
    let (nt, comps) = s.field(4, "cname", read_principal_name).ctx(WHAT)?;
    let ticket = s
        .required(5, "ticket")
        .ctx(WHAT)?
        .only(|t, _| read_ticket(t))?;
    let enc_part = s.field(6, "enc-part", read_encrypted_data).ctx(WHAT)?;
    Ok(KdcRep {
        msg_type,
        padata,
        client: Principal::new(nt, comps, crealm),
        ticket,
        enc_part,
    })
}

fn read_krb_error(s: &mut Reader<'_>) -> Result<KrbError, KdcMsgError> {
    const WHAT: &str = "KRB-ERROR";
    read_pvno_and_msg_type(s, 0, MSG_KRB_ERROR, WHAT)?;
    let ctime = s
        .optional_field(2, "ctime", Reader::time_lenient)
        .ctx(WHAT)?;
    let cusec = s.optional_field(3, "cusec", Reader::uint32).ctx(WHAT)?;
    let stime = s
        .optional_field(4, "stime", Reader::time_lenient)
        .ctx(WHAT)?;
    let susec = s.optional_field(5, "susec", Reader::uint32).ctx(WHAT)?;
    let error_code = s.field(6, "error-code", Reader::int32).ctx(WHAT)?;
    let crealm = s.optional_field(7, "crealm", Reader::string).ctx(WHAT)?;
    let cname = s
        .optional_field(8, "cname", read_principal_name)
        .ctx(WHAT)?;
    let realm = s.optional_field(9, "realm", Reader::string).ctx(WHAT)?;
    let sname = s
        .optional_field(10, "sname", read_principal_name)
        .ctx(WHAT)?;
    let e_text = s.optional_field(11, "e-text", Reader::string).ctx(WHAT)?;
    let e_data = s
        .optional_field(12, "e-data", |r, f| r.octets(f).map(<[u8]>::to_vec))
        .ctx(WHAT)?;
    let realm = realm.unwrap_or_default();
    let client =
        cname.map(|(nt, c)| Principal::new(nt, c, crealm.unwrap_or_else(|| realm.clone())));
    let server = sname.map(|(nt, c)| Principal::new(nt, c, realm));
    Ok(KrbError {
        ctime,
        cusec,
        stime,
        susec,
        error_code,
        client,
        server,
        e_text,
        e_data,
    })
}

/// Parse what a KDC sent back: AS-REP ([APPLICATION 11]), TGS-REP (13) or
/// KRB-ERROR (30).
pub fn parse_kdc_reply(bytes: &[u8]) -> Result<KdcReply, KdcMsgError> {
    const WHAT: &str = "KDC reply";
    let first = *bytes.first().ok_or(KdcMsgError::Empty)?;
    let mut r = Reader::new(bytes, WHAT);
    let reply = match first {
        t if t == app(11) || t == app(13) || t == app(30) => {
            let mut s = r
                .element(t, WHAT)
                .ctx(WHAT)?
                .only(Reader::sequence)
                .ctx(WHAT)?;
            let reply = if t == app(11) {
                KdcReply::AsRep(read_kdc_rep(&mut s, MSG_AS_REP)?)
            } else if t == app(13) {
                KdcReply::TgsRep(read_kdc_rep(&mut s, MSG_TGS_REP)?)
            } else {
                KdcReply::Error(read_krb_error(&mut s)?)
            };
            s.skip_extensions().ctx(WHAT)?;
            reply
        }
        t => return Err(KdcMsgError::NotAReply(t)),
    };
    r.finish().ctx(WHAT)?;
    Ok(reply)
}

fn decrypt_part(
    enc: &EncryptedData,
    key: &Key,
    usage: u32,
    what: &'static str,
) -> Result<zeroize::Zeroizing<Vec<u8>>, KdcMsgError> {
    if enc.etype != key.enctype() {
        return Err(KdcMsgError::EnctypeMismatch {
            what,
            found: enc.etype,
            key: key.enctype(),
        });
    }
    crypto::decrypt(key, usage, &enc.cipher).map_err(|source| KdcMsgError::Decrypt { what, source })
}

fn read_enc_kdc_rep_part(r: &mut Reader<'_>) -> Result<EncKdcRepPart, DerError> {
    const F: &str = "EncKDCRepPart";
    // EncASRepPart is [APPLICATION 25], EncTGSRepPart [APPLICATION 26]; Windows and
    // Heimdal-based KDCs may use 26 in AS-REPs too (MIT accepts both, so do we).
    let at = r.offset();
    let (tag, outer) = r.any(F)?;
    if tag != app(25) && tag != app(26) {
        return Err(DerError::UnexpectedTag {
            offset: at,
            field: F,
            expected: "[APPLICATION 25] or [APPLICATION 26]",
            found: tag,
        });
    }
    let mut s = outer.only(Reader::sequence)?;
    let session_key = s.field(0, "key", read_encryption_key)?;
    let last_req = s.field(1, "last-req", |r, f| {
        let mut list = r.sequence(f)?;
        let mut out = Vec::new();
        while !list.at_end() {
            let mut e = list.sequence("LastReq element")?;
            let lr_type = e.field(0, "lr-type", Reader::int32)?;
            let lr_value = e.field(1, "lr-value", Reader::time_lenient)?;
            e.skip_extensions()?;
            out.push(LastReq { lr_type, lr_value });
        }
        Ok(out)
    })?;
    let nonce = s.field(2, "nonce", Reader::uint32)?;
    let key_expiration = s.optional_field(3, "key-expiration", Reader::time_lenient)?;
    let flags = s.field(4, "flags", Reader::flags)?;
    let authtime = s.field(5, "authtime", Reader::time_lenient)?;
    let starttime = s.optional_field(6, "starttime", Reader::time_lenient)?;
    let endtime = s.field(7, "endtime", Reader::time_lenient)?;
    let renew_till = s.optional_field(8, "renew-till", Reader::time_lenient)?;
    let srealm = s.field(9, "srealm", Reader::string)?;
    let (nt, comps) = s.field(10, "sname", read_principal_name)?;
    s.optional_field(11, "caddr", |r, f| r.sequence(f).map(drop))?;
    let encrypted_padata = s
        .optional_field(12, "encrypted-pa-data", read_method_data)?
        .unwrap_or_default();
    s.skip_extensions()?;
    Ok(EncKdcRepPart {
        session_key,
        last_req,
        nonce,
        key_expiration,
        flags: TicketFlags(flags),
        authtime,
        starttime,
        endtime,
        renew_till,
        server: Principal::new(nt, comps, srealm),
        encrypted_padata,
    })
}

/// Decode a DER EncASRepPart / EncTGSRepPart (either tag).
pub fn parse_enc_kdc_rep_part(bytes: &[u8]) -> Result<EncKdcRepPart, KdcMsgError> {
    const WHAT: &str = "EncKDCRepPart";
    let mut r = Reader::new(bytes, WHAT);
    let part = read_enc_kdc_rep_part(&mut r).ctx(WHAT)?;
    // Some KDCs pad the plaintext (block-cipher enctypes pre-RFC 3961); tolerate
    // trailing zero bytes only.
    if !r.contents().iter().all(|&b| b == 0) {
        r.finish().ctx(WHAT)?;
    }
    Ok(part)
}

/// Decrypt an AS-REP's enc-part with the client key (usage 3).
pub fn decrypt_as_rep(rep: &KdcRep, key: &Key) -> Result<EncKdcRepPart, KdcMsgError> {
    let plain = decrypt_part(
        &rep.enc_part,
        key,
        KEY_USAGE_AS_REP_ENC_PART,
        "AS-REP encrypted part",
    )?;
    parse_enc_kdc_rep_part(&plain)
}

/// Decrypt a TGS-REP's enc-part with the TGT session key (usage 8).
pub fn decrypt_tgs_rep(rep: &KdcRep, session_key: &Key) -> Result<EncKdcRepPart, KdcMsgError> {
    let plain = decrypt_part(
        &rep.enc_part,
        session_key,
        KEY_USAGE_TGS_REP_ENC_PART_SESSION_KEY,
        "TGS-REP encrypted part",
    )?;
    parse_enc_kdc_rep_part(&plain)
}

// ---------------------------------------------------------------- encoders for fakes

/// Encode an EncKDCRepPart with tag [APPLICATION `app_tag`] (25 or 26); holds the
/// session key, so zeroized on drop.
pub fn encode_enc_kdc_rep_part(part: &EncKdcRepPart, app_tag: u8) -> zeroize::Zeroizing<Vec<u8>> {
    let t = der::enc_time_clamped;
    let last_req: Vec<Vec<u8>> = part
        .last_req
        .iter()
        .map(|l| {
            der::seq(&[
                der::field(0, &der::enc_integer(l.lr_type.into())),
                der::field(1, &t(l.lr_value)),
            ])
        })
        .collect();
    let key = encode_encryption_key(&part.session_key);
    let mut parts = vec![
        der::field(0, &key),
        der::field(1, &der::seq(&last_req)),
        der::field(2, &der::enc_integer(part.nonce.into())),
    ];
    if let Some(x) = part.key_expiration {
        parts.push(der::field(3, &t(x)));
    }
    parts.push(der::field(4, &der::enc_flags(part.flags.0)));
    parts.push(der::field(5, &t(part.authtime)));
    if let Some(x) = part.starttime {
        parts.push(der::field(6, &t(x)));
    }
    parts.push(der::field(7, &t(part.endtime)));
    if let Some(x) = part.renew_till {
        parts.push(der::field(8, &t(x)));
    }
    parts.push(der::field(9, &der::enc_string(&part.server.realm)));
    parts.push(der::field(10, &encode_principal_name(&part.server)));
    if !part.encrypted_padata.is_empty() {
        parts.push(der::field(12, &encode_method_data(&part.encrypted_padata)));
    }
    let out = zeroize::Zeroizing::new(der::tlv(app(app_tag & 0x1f), &der::seq(&parts)));
    for mut p in parts {
        zeroize::Zeroize::zeroize(&mut p);
    }
    out
}

/// Encode an AS-REP / TGS-REP (by `rep.msg_type`).
pub fn encode_kdc_rep(rep: &KdcRep) -> Vec<u8> {
    let tag = if rep.msg_type == MSG_TGS_REP {
        app(13)
    } else {
        app(11)
    };
    let mut parts = vec![
        der::field(0, &der::enc_integer(5)),
        der::field(1, &der::enc_integer(rep.msg_type)),
    ];
    if !rep.padata.is_empty() {
        parts.push(der::field(2, &encode_method_data(&rep.padata)));
    }
    parts.push(der::field(3, &der::enc_string(&rep.client.realm)));
    parts.push(der::field(4, &encode_principal_name(&rep.client)));
    parts.push(der::field(5, &encode_ticket(&rep.ticket)));
    parts.push(der::field(6, &encode_encrypted_data(&rep.enc_part)));
    der::tlv(tag, &der::seq(&parts))
}

/// Encode a KRB-ERROR.
pub fn encode_krb_error(e: &KrbError) -> Vec<u8> {
    let t = der::enc_time_clamped;
    let mut parts = vec![
        der::field(0, &der::enc_integer(5)),
        der::field(1, &der::enc_integer(MSG_KRB_ERROR)),
    ];
    if let Some(x) = e.ctime {
        parts.push(der::field(2, &t(x)));
    }
    if let Some(x) = e.cusec {
        parts.push(der::field(3, &der::enc_integer(x.into())));
    }
    if let Some(x) = e.stime {
        parts.push(der::field(4, &t(x)));
    }
    if let Some(x) = e.susec {
        parts.push(der::field(5, &der::enc_integer(x.into())));
    }
    parts.push(der::field(6, &der::enc_integer(e.error_code.into())));
    if let Some(c) = &e.client {
        parts.push(der::field(7, &der::enc_string(&c.realm)));
        parts.push(der::field(8, &encode_principal_name(c)));
    }
    if let Some(s) = &e.server {
        parts.push(der::field(9, &der::enc_string(&s.realm)));
        parts.push(der::field(10, &encode_principal_name(s)));
    }
    if let Some(x) = &e.e_text {
        parts.push(der::field(11, &der::enc_string(x)));
    }
    if let Some(x) = &e.e_data {
        parts.push(der::field(12, &der::enc_octets(x)));
    }
    der::tlv(app(30), &der::seq(&parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn aes256(seed: u8) -> Key {
        Key::new(
            Enctype::AES256_CTS_HMAC_SHA1_96,
            (0..32u8).map(|b| b ^ seed).collect(),
        )
    }

    fn client() -> Principal {
        Principal::parse("alice@EXAMPLE.TEST").unwrap()
    }

    fn tgt_ticket() -> Ticket {
        Ticket {
            sname: Principal::new(
                NameType::SRV_INST,
                vec!["krbtgt".into(), "EXAMPLE.TEST".into()],
                "EXAMPLE.TEST".into(),
            ),
            enc_part: EncryptedData {
                etype: Enctype::AES256_CTS_HMAC_SHA1_96,
                kvno: Some(2),
                cipher: vec![9; 60],
            },
        }
    }

    #[test]
    fn as_req_round_trips_and_timestamp_decrypts() {
        for key in [
            aes256(1),
            Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![5; 16]),
            Key::new(Enctype::RC4_HMAC, vec![7; 16]),
        ] {
            let conf = vec![3u8; crypto::confounder_len(key.enctype()).unwrap()];
            let pa = pa_enc_timestamp(&key, 1_700_000_000, 123_456, &conf).unwrap();
            let opts = KdcOptions(KdcOptions::FORWARDABLE | KdcOptions::CANONICALIZE);
            let der = build_as_req(
                &client(),
                opts,
                1_700_086_400,
                0x1234_5678,
                &Enctype::SUPPORTED,
                &[pa, pa_pac_request(true)],
            )
            .unwrap();
            let req = parse_kdc_req(&der).unwrap();
            assert_eq!(req.msg_type, MSG_AS_REQ);
            assert_eq!(req.body.options, opts);
            assert_eq!(req.body.cname.as_ref().unwrap().components, ["alice"]);
            assert_eq!(req.body.realm, "EXAMPLE.TEST");
            assert_eq!(
                req.body.sname.as_ref().unwrap().components,
                ["krbtgt", "EXAMPLE.TEST"]
            );
            assert_eq!(req.body.till, 1_700_086_400);
            assert_eq!(req.body.nonce, 0x1234_5678);
            assert_eq!(req.body.etypes, Enctype::SUPPORTED);
            assert_eq!(req.padata.len(), 2);
            assert_eq!(req.padata[0].padata_type, PA_ENC_TIMESTAMP);
            assert_eq!(
                decrypt_pa_enc_timestamp(&req.padata[0].value, &key).unwrap(),
                (1_700_000_000, Some(123_456))
            );
            assert_eq!(req.padata[1].value, [0x30, 5, 0xa0, 3, 1, 1, 0xff]);
            assert!(decrypt_pa_enc_timestamp(&req.padata[0].value, &aes256(99)).is_err());
        }
    }

    #[test]
    fn tgs_req_checksum_covers_the_body() {
        let sk = aes256(4);
        let service = Principal::parse("HTTP/app.example.test@EXAMPLE.TEST").unwrap();
        let der = build_tgs_req(
            &tgt_ticket(),
            &sk,
            &client(),
            &service,
            KdcOptions(KdcOptions::CANONICALIZE),
            1_700_086_400,
            77,
            &Enctype::SUPPORTED,
            1_700_000_000,
            5,
            &[1; 16],
        )
        .unwrap();
        let req = parse_kdc_req(&der).unwrap();
        assert_eq!(req.msg_type, MSG_TGS_REQ);
        assert_eq!(req.body.sname.as_ref().unwrap(), &service);
        assert!(req.body.cname.is_none());
        let pa = &req.padata[0];
        assert_eq!(pa.padata_type, PA_TGS_REQ);
        let auth = verify_pa_tgs_req(&pa.value, &sk, &req.body_der).unwrap();
        assert_eq!(auth.client, client());
        assert_eq!(auth.ctime, 1_700_000_000);
        assert_eq!(auth.checksum.unwrap().cksumtype, 16);
        let ap = ap_req::parse_ap_req(&pa.value).unwrap();
        assert_eq!(ap.ticket, tgt_ticket());
        let mut other = req.body_der.clone();
        *other.last_mut().unwrap() ^= 1;
        assert!(verify_pa_tgs_req(&pa.value, &sk, &other).is_err());
        assert!(verify_pa_tgs_req(&pa.value, &aes256(5), &req.body_der).is_err());
    }

    fn enc_part(nonce: u32) -> EncKdcRepPart {
        EncKdcRepPart {
            session_key: Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![8; 16]),
            last_req: vec![LastReq {
                lr_type: 0,
                lr_value: 1_700_000_000,
            }],
            nonce,
            key_expiration: None,
            flags: TicketFlags(TicketFlags::INITIAL | TicketFlags::PRE_AUTHENT),
            authtime: 1_700_000_000,
            starttime: Some(1_700_000_001),
            endtime: 1_700_036_000,
            renew_till: None,
            server: tgt_ticket().sname,
            encrypted_padata: vec![],
        }
    }

    #[test]
    fn as_rep_both_tags_decrypt() {
        let key = aes256(2);
        for tag in [25u8, 26] {
            let part = enc_part(42);
            let plain = encode_enc_kdc_rep_part(&part, tag);
            let cipher =
                crypto::encrypt(&key, KEY_USAGE_AS_REP_ENC_PART, &[0; 16], &plain).unwrap();
            let rep = KdcRep {
                msg_type: MSG_AS_REP,
                padata: vec![PaData {
                    padata_type: PA_ETYPE_INFO2,
                    value: encode_etype_info2(&[EtypeInfo2Entry {
                        etype: Enctype::AES256_CTS_HMAC_SHA1_96,
                        salt: Some("EXAMPLE.TESTalice".into()),
                        s2kparams: None,
                    }]),
                }],
                client: client(),
                ticket: tgt_ticket(),
                enc_part: EncryptedData {
                    etype: key.enctype(),
                    kvno: Some(3),
                    cipher,
                },
            };
            let der = encode_kdc_rep(&rep);
            let KdcReply::AsRep(parsed) = parse_kdc_reply(&der).unwrap() else {
                panic!("not an AS-REP")
            };
            assert_eq!(parsed, rep);
            assert_eq!(decrypt_as_rep(&parsed, &key).unwrap(), part);
            assert!(matches!(
                decrypt_tgs_rep(&parsed, &key),
                Err(KdcMsgError::Decrypt { .. })
            ));
            assert!(matches!(
                decrypt_as_rep(&parsed, &Key::new(Enctype::RC4_HMAC, vec![1; 16])),
                Err(KdcMsgError::EnctypeMismatch { .. })
            ));
            let info = etype_info_from_padata(&parsed.padata).unwrap();
            assert_eq!(info[0].salt.as_deref(), Some("EXAMPLE.TESTalice"));
            assert_eq!(info[0].iterations().unwrap(), 4096);
        }
        // Another application tag inside is refused.
        let bad = encode_enc_kdc_rep_part(&enc_part(1), 27);
        assert!(parse_enc_kdc_rep_part(&bad).is_err());
    }

    #[test]
    fn krb_error_with_etype_info2() {
        let entries = vec![
            EtypeInfo2Entry {
                etype: Enctype::AES256_CTS_HMAC_SHA1_96,
                salt: Some("EXAMPLE.TESTHTTPkdct1.example.test".into()),
                s2kparams: Some(vec![0, 0, 0x10, 0]),
            },
            EtypeInfo2Entry {
                etype: Enctype::RC4_HMAC,
                salt: None,
                s2kparams: None,
            },
        ];
        let e = KrbError {
            ctime: None,
            cusec: None,
            stime: Some(1_700_000_000),
            susec: Some(7),
            error_code: error_code::KDC_ERR_PREAUTH_REQUIRED,
            client: Some(client()),
            server: Some(tgt_ticket().sname),
            e_text: Some("Need to use PA-ENC-TIMESTAMP".into()),
            e_data: Some(encode_method_data(&[
                PaData {
                    padata_type: PA_ETYPE_INFO2,
                    value: encode_etype_info2(&entries),
                },
                PaData {
                    padata_type: PA_ENC_TIMESTAMP,
                    value: vec![],
                },
            ])),
        };
        let der = encode_krb_error(&e);
        let KdcReply::Error(parsed) = parse_kdc_reply(&der).unwrap() else {
            panic!("not a KRB-ERROR")
        };
        assert_eq!(parsed, e);
        assert_eq!(parsed.name(), "KDC_ERR_PREAUTH_REQUIRED");
        let info = parsed.etype_info().unwrap();
        assert_eq!(info, entries);
        assert_eq!(info[0].iterations().unwrap(), 4096);
        assert!(
            EtypeInfo2Entry {
                s2kparams: Some(vec![1, 2, 3]),
                ..entries[0].clone()
            }
            .iterations()
            .is_err()
        );
        assert_eq!(error_name(37), Some("KRB_AP_ERR_SKEW"));
        assert_eq!(error_name(18), Some("KDC_ERR_CLIENT_REVOKED"));
        assert_eq!(error_name(1000), None);
    }

    #[test]
    fn etype_info_fallback() {
        // ETYPE-INFO: salt is an OCTET STRING.
        let v = der::seq(&[der::seq(&[
            der::field(0, &der::enc_integer(17)),
            der::field(1, &der::enc_octets(b"MIT.TESTbob")),
        ])]);
        let pa = [PaData {
            padata_type: PA_ETYPE_INFO,
            value: v,
        }];
        let info = etype_info_from_padata(&pa).unwrap();
        assert_eq!(info[0].etype, Enctype::AES128_CTS_HMAC_SHA1_96);
        assert_eq!(info[0].salt.as_deref(), Some("MIT.TESTbob"));
        let bad = der::seq(&[der::seq(&[
            der::field(0, &der::enc_integer(17)),
            der::field(1, &der::enc_octets(&[0xff, 0xfe])),
        ])]);
        assert!(parse_etype_info(&bad).is_err());
        assert_eq!(etype_info_from_padata(&[]).unwrap(), vec![]);
    }

    #[test]
    fn not_replies() {
        assert_eq!(parse_kdc_reply(&[]), Err(KdcMsgError::Empty));
        assert_eq!(
            parse_kdc_reply(&[0x30, 0]),
            Err(KdcMsgError::NotAReply(0x30))
        );
        assert!(parse_kdc_reply(&[0x7e, 0x02, 0x30, 0x00]).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_kdc_reply(&bytes);
            let _ = parse_kdc_req(&bytes);
            let _ = parse_method_data(&bytes);
            let _ = parse_etype_info2(&bytes);
            let _ = parse_etype_info(&bytes);
            let _ = parse_enc_kdc_rep_part(&bytes);
            let _ = decrypt_pa_enc_timestamp(&bytes, &aes256(1));
            let _ = verify_pa_tgs_req(&bytes, &aes256(1), b"");
        }

        #[test]
        fn tagged_prefixes_never_panic(
            tag in prop::sample::select(vec![0x6bu8, 0x6d, 0x7e, 0x79, 0x7a, 0x6a, 0x6c]),
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let mut v = vec![tag];
            v.extend(bytes);
            let _ = parse_kdc_reply(&v);
            let _ = parse_kdc_req(&v);
            let _ = parse_enc_kdc_rep_part(&v);
        }

        #[test]
        fn mutated_krb_errors_never_panic(pos in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
            let e = KrbError {
                ctime: None, cusec: None, stime: Some(1_700_000_000), susec: Some(1),
                error_code: 25, client: Some(client()), server: Some(tgt_ticket().sname),
                e_text: Some("x".into()),
                e_data: Some(encode_method_data(&[PaData { padata_type: 19, value: encode_etype_info2(&[EtypeInfo2Entry { etype: Enctype(18), salt: Some("S".into()), s2kparams: Some(vec![0,0,16,0]) }]) }])),
            };
            let mut der = encode_krb_error(&e);
            let p = pos % der.len();
            der[p] = byte;
            der.truncate(cut.max(1).min(der.len()));
            if let Ok(KdcReply::Error(k)) = parse_kdc_reply(&der) {
                let _ = k.etype_info();
                let _ = k.nt_status();
                let _ = k.name();
            }
        }
    }
}

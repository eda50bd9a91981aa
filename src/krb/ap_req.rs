//! KRB_AP_REQ (RFC 4120 section 5.5.1), its Authenticator, and the GSS-API krb5
//! checksum (RFC 4121 section 4.1.1) that carries the context flags and delegation.

use super::crypto::{self, CryptoError};
use super::der::{self, DerError, Reader, app};
use super::ticket::{
    self, EncryptedData, Ticket, TicketError, encode_encrypted_data, encode_encryption_key,
    encode_principal_name, encode_ticket, read_authorization_data, read_encrypted_data,
    read_encryption_key, read_principal_name,
};
use super::{Enctype, Key, Principal};

/// Key usage for the AP-REQ Authenticator (RFC 4120 section 7.5.1).
pub const KEY_USAGE_AP_REQ_AUTHENTICATOR: u32 = 11;
/// Checksum type of the GSS-API krb5 authenticator checksum (RFC 4121).
pub const GSS_CHECKSUM_TYPE: i32 = 0x8003;

/// APOptions use-session-key (bit 1).
pub const AP_OPTION_USE_SESSION_KEY: u32 = 0x4000_0000;
/// APOptions mutual-required (bit 2).
pub const AP_OPTION_MUTUAL_REQUIRED: u32 = 0x2000_0000;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ApReq {
    /// APOptions as a 32-bit KerberosFlags value (bit 0 = MSB): use-session-key, mutual-required.
    pub ap_options: u32,
    pub ticket: Ticket,
    pub authenticator: EncryptedData,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Checksum {
    pub cksumtype: i32,
    pub data: Vec<u8>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Authenticator {
    /// Client principal; its `realm` is crealm.
    pub client: Principal,
    pub checksum: Option<Checksum>,
    pub cusec: u32,
    pub ctime: i64,
    pub subkey: Option<Key>,
    pub seq_number: Option<u32>,
}

/// GSS-API context flags (RFC 4121 / RFC 2744 values).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct GssFlags(pub u32);

impl GssFlags {
    pub const DELEG: u32 = 1;
    pub const MUTUAL: u32 = 2;
    pub const REPLAY: u32 = 4;
    pub const SEQUENCE: u32 = 8;
    pub const CONF: u32 = 16;
    pub const INTEG: u32 = 32;
    pub const ANON: u32 = 64;
    pub const PROT_READY: u32 = 128;
    /// GSS_C_TRANS_FLAG; MIT's initiator always sets it in the checksum.
    pub const TRANS: u32 = 256;
    /// Microsoft DCE-style (MS-KILE 3.2.5.2).
    pub const DCE_STYLE: u32 = 0x1000;
    pub const IDENTIFY: u32 = 0x2000;
    pub const EXTENDED_ERROR: u32 = 0x4000;
    /// MIT's GSS_C_DELEG_POLICY_FLAG (delegate only when ok-as-delegate).
    pub const DELEG_POLICY: u32 = 0x8000;

    const NAMES: [(u32, &'static str); 13] = [
        (Self::DELEG, "deleg"),
        (Self::MUTUAL, "mutual"),
        (Self::REPLAY, "replay"),
        (Self::SEQUENCE, "sequence"),
        (Self::CONF, "conf"),
        (Self::INTEG, "integ"),
        (Self::ANON, "anon"),
        (Self::PROT_READY, "prot-ready"),
        (Self::TRANS, "trans"),
        (Self::DCE_STYLE, "dce-style"),
        (Self::IDENTIFY, "identify"),
        (Self::EXTENDED_ERROR, "extended-error"),
        (Self::DELEG_POLICY, "deleg-policy"),
    ];

    pub fn contains(self, flag: u32) -> bool {
        self.0 & flag == flag
    }

    /// The set flags' names, lowest bit first (`["deleg", "mutual", ...]`);
    /// unnamed bits as `0xNNNN`.
    pub fn names(self) -> Vec<String> {
        super::flags::bit_names(
            self.0,
            (0..32).map(|bit| (bit, 1u32 << bit)),
            &Self::NAMES,
            |_, mask| format!("0x{mask:x}"),
        )
    }
}

/// The 0x8003 checksum: channel bindings hash, flags and an optional KRB-CRED
/// (the delegated, forwarded TGT).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GssChecksum {
    pub channel_bindings: [u8; 16],
    pub flags: GssFlags,
    /// DER KRB-CRED when the client delegated (GSS_C_DELEG_FLAG).
    pub delegation: Option<Vec<u8>>,
}

/// Why an AP-REQ, its authenticator or its GSS checksum could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApReqError {
    #[error("malformed AP-REQ: {0}")]
    Der(#[from] DerError),
    #[error("malformed ticket in the AP-REQ: {0}")]
    Ticket(#[from] TicketError),
    #[error("AP-REQ protocol version {0} is not Kerberos 5 (pvno 5)")]
    BadVersion(i64),
    #[error("message type {0} is not an AP-REQ (14)")]
    BadMessageType(i64),
    #[error("authenticator version {0} is not 5")]
    BadAuthenticatorVersion(i64),
    /// The authenticator is encrypted with another enctype than the session key's.
    #[error("the authenticator is encrypted with {authenticator} but the session key is {key}")]
    EnctypeMismatch {
        authenticator: Enctype,
        key: Enctype,
    },
    #[error("the authenticator checksum is type {0}, not the GSS-API type 0x8003")]
    NotGssChecksum(i32),
    #[error("the GSS checksum is {0} bytes, shorter than the 24 it needs")]
    GssChecksumTooShort(usize),
    #[error("the GSS checksum channel-binding length is {0}, not 16")]
    BadBindingsLength(u32),
    #[error("the GSS checksum delegation option is {0}, not 1")]
    BadDelegationOption(u16),
    #[error(
        "the GSS checksum delegation is truncated ({needed} bytes needed, {available} present)"
    )]
    DelegationTruncated { needed: usize, available: usize },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

pub fn parse_ap_req(der: &[u8]) -> Result<ApReq, ApReqError> {
    let mut r = Reader::new(der, "AP-REQ");
    let mut s = r.element(app(14), "AP-REQ")?.only(Reader::sequence)?;
    let pvno = s.field(0, "pvno", Reader::integer)?;
    if pvno != 5 {
        return Err(ApReqError::BadVersion(pvno));
    }
    let msg_type = s.field(1, "msg-type", Reader::integer)?;
    if msg_type != 14 {
        return Err(ApReqError::BadMessageType(msg_type));
    }
    let ap_options = s.field(2, "ap-options", Reader::flags)?;
    let ticket = s
        .required(3, "ticket")?
        .only(|t, _| ticket::read_ticket(t))?;
    let authenticator = s.field(4, "authenticator", read_encrypted_data)?;
    s.skip_extensions()?;
    r.finish()?;
    Ok(ApReq {
        ap_options,
        ticket,
        authenticator,
    })
}

pub fn encode_ap_req(ap_req: &ApReq) -> Vec<u8> {
    der::tlv(
        app(14),
        &der::seq(&[
            der::field(0, &der::enc_integer(5)),
            der::field(1, &der::enc_integer(14)),
            der::field(2, &der::enc_flags(ap_req.ap_options)),
            der::field(3, &encode_ticket(&ap_req.ticket)),
            der::field(4, &encode_encrypted_data(&ap_req.authenticator)),
        ]),
    )
}

fn read_checksum(r: &mut Reader<'_>, field: &'static str) -> Result<Checksum, DerError> {
    let mut s = r.sequence(field)?;
    let cksumtype = s.field(0, "cksumtype", Reader::int32)?;
    let data = s.field(1, "checksum", Reader::octets)?.to_vec();
    s.skip_extensions()?;
    Ok(Checksum { cksumtype, data })
}

fn encode_checksum(c: &Checksum) -> Vec<u8> {
    der::seq(&[
        der::field(0, &der::enc_integer(c.cksumtype.into())),
        der::field(1, &der::enc_octets(&c.data)),
    ])
}

/// Decode a DER Authenticator ([APPLICATION 2]); its authorization-data is checked
/// for form and dropped.
pub fn parse_authenticator(der: &[u8]) -> Result<Authenticator, ApReqError> {
    let mut r = Reader::new(der, "Authenticator");
    let mut s = r.element(app(2), "Authenticator")?.only(Reader::sequence)?;
    let vno = s.field(0, "authenticator-vno", Reader::integer)?;
    if vno != 5 {
        return Err(ApReqError::BadAuthenticatorVersion(vno));
    }
    let crealm = s.field(1, "crealm", Reader::string)?;
    let (name_type, components) = s.field(2, "cname", read_principal_name)?;
    let client = Principal::new(name_type, components, crealm);
    let checksum = s.optional_field(3, "cksum", read_checksum)?;
    let cusec = s.field(4, "cusec", Reader::uint32)?;
    let ctime = s.field(5, "ctime", Reader::time_lenient)?;
    let subkey = s.optional_field(6, "subkey", read_encryption_key)?;
    let seq_number = s.optional_field(7, "seq-number", Reader::uint32)?;
    s.optional_field(8, "authorization-data", read_authorization_data)?;
    s.skip_extensions()?;
    r.finish()?;
    Ok(Authenticator {
        client,
        checksum,
        cusec,
        ctime,
        subkey,
        seq_number,
    })
}

/// Encode an Authenticator as DER (it may hold a subkey: zeroized on drop).
pub fn encode_authenticator(a: &Authenticator) -> zeroize::Zeroizing<Vec<u8>> {
    let mut parts = vec![
        der::field(0, &der::enc_integer(5)),
        der::field(1, &der::enc_string(&a.client.realm)),
        der::field(2, &encode_principal_name(&a.client)),
    ];
    if let Some(c) = &a.checksum {
        parts.push(der::field(3, &encode_checksum(c)));
    }
    parts.push(der::field(4, &der::enc_integer(a.cusec.into())));
    parts.push(der::field(5, &der::enc_time_clamped(a.ctime)));
    if let Some(k) = &a.subkey {
        parts.push(der::field(6, &encode_encryption_key(k)));
    }
    if let Some(s) = a.seq_number {
        parts.push(der::field(7, &der::enc_integer(s.into())));
    }
    let out = zeroize::Zeroizing::new(der::tlv(app(2), &der::seq(&parts)));
    for mut p in parts {
        zeroize::Zeroize::zeroize(&mut p);
    }
    out
}

/// Decrypt the authenticator with the ticket's session key (usage 11).
pub fn decrypt_authenticator(
    ap_req: &ApReq,
    session_key: &Key,
) -> Result<Authenticator, ApReqError> {
    if ap_req.authenticator.etype != session_key.enctype() {
        return Err(ApReqError::EnctypeMismatch {
            authenticator: ap_req.authenticator.etype,
            key: session_key.enctype(),
        });
    }
    let mut plain = crypto::decrypt(
        session_key,
        KEY_USAGE_AP_REQ_AUTHENTICATOR,
        &ap_req.authenticator.cipher,
    )?;
    let authenticator = parse_authenticator(&plain);
    crypto::wipe(&mut plain);
    authenticator
}

/// Encode and encrypt an authenticator (tests build AP-REQs with it).
pub fn encrypt_authenticator(
    authenticator: &Authenticator,
    session_key: &Key,
    confounder: &[u8],
) -> Result<EncryptedData, ApReqError> {
    let plain = encode_authenticator(authenticator);
    let cipher = crypto::encrypt(
        session_key,
        KEY_USAGE_AP_REQ_AUTHENTICATOR,
        confounder,
        &plain,
    )?;
    Ok(EncryptedData {
        etype: session_key.enctype(),
        kvno: None,
        cipher,
    })
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u16_le(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// Decode a 0x8003 GSS checksum (RFC 4121 section 4.1.1). Extensions after the
/// delegation are ignored; the flags are returned as sent.
pub fn parse_gss_checksum(checksum: &Checksum) -> Result<GssChecksum, ApReqError> {
    if checksum.cksumtype != GSS_CHECKSUM_TYPE {
        return Err(ApReqError::NotGssChecksum(checksum.cksumtype));
    }
    let b = &checksum.data;
    let (Some(lgth), Some(flags)) = (u32_le(b, 0), u32_le(b, 20)) else {
        return Err(ApReqError::GssChecksumTooShort(b.len()));
    };
    if lgth != 16 {
        return Err(ApReqError::BadBindingsLength(lgth));
    }
    let mut channel_bindings = [0u8; 16];
    channel_bindings.copy_from_slice(&b[4..20]);
    let flags = GssFlags(flags);
    // Like MIT's acceptor, a DELEG flag on a bare 24-byte checksum means no
    // delegation was sent (not an error).
    let delegation = if flags.contains(GssFlags::DELEG) && b.len() > 24 {
        let (Some(opt), Some(len)) = (u16_le(b, 24), u16_le(b, 26)) else {
            return Err(ApReqError::DelegationTruncated {
                needed: 28,
                available: b.len(),
            });
        };
        if opt != 1 {
            return Err(ApReqError::BadDelegationOption(opt));
        }
        let end = 28 + usize::from(len);
        Some(
            b.get(28..end)
                .ok_or(ApReqError::DelegationTruncated {
                    needed: end,
                    available: b.len(),
                })?
                .to_vec(),
        )
    } else {
        None
    };
    Ok(GssChecksum {
        channel_bindings,
        flags,
        delegation,
    })
}

/// Build a 0x8003 checksum with zero channel bindings (for tests): the DELEG flag
/// is set when `delegation` (a DER KRB-CRED, at most 65535 bytes) is given.
pub fn gss_checksum(flags: GssFlags, delegation: Option<&[u8]>) -> Checksum {
    let mut flags = flags.0 & !GssFlags::DELEG;
    if delegation.is_some() {
        flags |= GssFlags::DELEG;
    }
    let mut data = Vec::with_capacity(28);
    data.extend_from_slice(&16u32.to_le_bytes());
    data.extend_from_slice(&[0; 16]);
    data.extend_from_slice(&flags.to_le_bytes());
    if let Some(cred) = delegation {
        let len = u16::try_from(cred.len()).unwrap_or(u16::MAX);
        data.extend_from_slice(&1u16.to_le_bytes());
        data.extend_from_slice(&len.to_le_bytes());
        data.extend_from_slice(&cred[..usize::from(len)]);
    }
    Checksum {
        cksumtype: GSS_CHECKSUM_TYPE,
        data,
    }
}

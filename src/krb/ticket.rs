//! Tickets (RFC 4120 section 5.3): the outer `Ticket` and its encrypted part.
//!
//! spnkt's own types, read and written by the crate's DER codec (`krb::der`; not
//! `kerberos_asn1`: its red_asn1 parser panics on some malformed times, see
//! `der`'s docs). Times are seconds since the Unix epoch (UTC). EncTicketPart's
//! caddr is checked for form but not kept.
//!
//! The SEQUENCEs read here (and PrincipalName, EncryptedData, EncryptionKey, also
//! read for AP-REQ and KRB-CRED) skip unknown trailing `[n]` fields, as RFC 4120
//! decoders do; KerberosTime tolerates fractional seconds and a leap second.

use super::crypto::{self, CryptoError};
use super::der::{self, Reader, app};
use super::{Enctype, Key, NameType, Principal};

mod borrowed;

pub use super::der::DerError;
pub use borrowed::{
    AuthorizationDataRef, Components, EncTicketPartRef, EncryptedDataRef, EncryptionKeyRef,
    PrincipalNameRef, TicketRef,
};

/// Key usage for the EncTicketPart (RFC 4120 section 7.5.1).
pub const KEY_USAGE_TICKET: u32 = 2;

/// RFC 4120 EncryptedData.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EncryptedData {
    pub etype: Enctype,
    pub kvno: Option<u32>,
    pub cipher: Vec<u8>,
}

/// A ticket as sent on the wire: its service principal (whose `realm` is the ticket's
/// realm) and the encrypted part.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ticket {
    pub sname: Principal,
    pub enc_part: EncryptedData,
}

/// RFC 4120 TicketFlags as a 32-bit number with bit 0 the most significant bit
/// (KerberosFlags order, the same order MIT ccaches store).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct TicketFlags(pub u32);

impl TicketFlags {
    pub const RESERVED: u32 = 0x8000_0000;
    pub const FORWARDABLE: u32 = 0x4000_0000;
    pub const FORWARDED: u32 = 0x2000_0000;
    pub const PROXIABLE: u32 = 0x1000_0000;
    pub const PROXY: u32 = 0x0800_0000;
    pub const MAY_POSTDATE: u32 = 0x0400_0000;
    pub const POSTDATED: u32 = 0x0200_0000;
    pub const INVALID: u32 = 0x0100_0000;
    pub const RENEWABLE: u32 = 0x0080_0000;
    pub const INITIAL: u32 = 0x0040_0000;
    pub const PRE_AUTHENT: u32 = 0x0020_0000;
    pub const HW_AUTHENT: u32 = 0x0010_0000;
    pub const TRANSITED_POLICY_CHECKED: u32 = 0x0008_0000;
    pub const OK_AS_DELEGATE: u32 = 0x0004_0000;
    /// Bit 15, RFC 6806 (MIT `TKT_FLG_ENC_PA_REP`).
    pub const ENC_PA_REP: u32 = 0x0001_0000;
    /// Bit 16, where MIT puts it (`TKT_FLG_ANONYMOUS` 0x00008000, RFC 6112).
    pub const ANONYMOUS: u32 = 0x0000_8000;

    /// Names in RFC 4120 / MIT `krb5.h` spelling, bit 0 first (bit 14 and
    /// anything above 16 as `bit-N`).
    const NAMES: [(u32, &'static str); 15] = [
        (Self::FORWARDABLE, "forwardable"),
        (Self::FORWARDED, "forwarded"),
        (Self::PROXIABLE, "proxiable"),
        (Self::PROXY, "proxy"),
        (Self::MAY_POSTDATE, "may-postdate"),
        (Self::POSTDATED, "postdated"),
        (Self::INVALID, "invalid"),
        (Self::RENEWABLE, "renewable"),
        (Self::INITIAL, "initial"),
        (Self::PRE_AUTHENT, "pre-authent"),
        (Self::HW_AUTHENT, "hw-authent"),
        (Self::TRANSITED_POLICY_CHECKED, "transited-policy-checked"),
        (Self::OK_AS_DELEGATE, "ok-as-delegate"),
        (Self::ENC_PA_REP, "enc-pa-rep"),
        (Self::ANONYMOUS, "anonymous"),
    ];

    pub fn contains(self, flag: u32) -> bool {
        self.0 & flag == flag
    }

    /// The set flags' names in bit order, e.g. `["forwardable", "renewable",
    /// "pre-authent"]`; bits without a name come out as `bit-N` (bit 0 = MSB,
    /// so the reserved bit 0 is `bit-0`).
    pub fn names(self) -> Vec<String> {
        super::flags::bit_names(
            self.0,
            (0..32).map(|bit| (bit, 0x8000_0000u32 >> bit)),
            &Self::NAMES,
            |bit, _| format!("bit-{bit}"),
        )
    }
}

/// ad-type AD-IF-RELEVANT (RFC 4120 section 5.2.6.1).
pub const AD_IF_RELEVANT: i32 = 1;
/// ad-type AD-WIN2K-PAC (MS-PAC).
pub const AD_WIN2K_PAC: i32 = 128;

/// One AuthorizationData element.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AuthorizationDataEntry {
    pub ad_type: i32,
    pub data: Vec<u8>,
}

/// The decrypted EncTicketPart (what the service learns from a ticket).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EncTicketPart {
    pub flags: TicketFlags,
    pub session_key: Key,
    /// Client principal; its `realm` is crealm.
    pub client: Principal,
    pub transited_type: i32,
    pub transited: Vec<u8>,
    pub authtime: i64,
    pub starttime: Option<i64>,
    pub endtime: i64,
    pub renew_till: Option<i64>,
    pub authorization_data: Vec<AuthorizationDataEntry>,
}

impl EncTicketPart {
    /// The PAC: the first AD-WIN2K-PAC (128) element inside an AD-IF-RELEVANT (1)
    /// element (whose data is itself DER AuthorizationData), or a bare top-level one.
    pub fn pac(&self) -> Option<&[u8]> {
        borrowed::find_pac(
            self.authorization_data
                .iter()
                .map(|e| (e.ad_type, e.data.as_slice())),
        )
    }
}

/// Why a ticket could not be parsed or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("malformed ticket: {0}")]
    Der(#[from] DerError),
    #[error("ticket version {0} is not Kerberos 5 (tkt-vno 5)")]
    BadVersion(i64),
    /// The ticket is encrypted with another enctype than the key's.
    #[error("the ticket is encrypted with {ticket} but the key is {key}")]
    EnctypeMismatch { ticket: Enctype, key: Enctype },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

// ---- shared element codecs (also used by ap_req and krbcred) ----

/// PrincipalName: (name-type, name-string); the realm is a sibling field.
pub(crate) fn read_principal_name(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<(NameType, Vec<String>), DerError> {
    let name = borrowed::read_principal_name(r, field, "")?;
    Ok((
        name.name_type,
        name.components().map(str::to_owned).collect(),
    ))
}

pub(crate) fn encode_principal_name(p: &Principal) -> Vec<u8> {
    let names: Vec<Vec<u8>> = p.components.iter().map(|c| der::enc_string(c)).collect();
    der::seq(&[
        der::field(0, &der::enc_integer(p.name_type.0.into())),
        der::field(1, &der::seq(&names)),
    ])
}

pub(crate) fn read_encrypted_data(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<EncryptedData, DerError> {
    borrowed::read_encrypted_data(r, field).map(|e| e.to_owned())
}

pub(crate) fn encode_encrypted_data(e: &EncryptedData) -> Vec<u8> {
    let mut parts = vec![der::field(0, &der::enc_integer(e.etype.0.into()))];
    if let Some(k) = e.kvno {
        parts.push(der::field(1, &der::enc_integer(k.into())));
    }
    parts.push(der::field(2, &der::enc_octets(&e.cipher)));
    der::seq(&parts)
}

pub(crate) fn read_encryption_key(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<Key, DerError> {
    borrowed::read_encryption_key(r, field).map(|k| k.to_key())
}

pub(crate) fn encode_encryption_key(k: &Key) -> zeroize::Zeroizing<Vec<u8>> {
    let value = zeroize::Zeroizing::new(der::enc_octets(k.expose()));
    let parts = [
        der::field(0, &der::enc_integer(k.enctype().0.into())),
        der::field(1, &value),
    ];
    let out = zeroize::Zeroizing::new(der::seq(&parts));
    for mut p in parts {
        zeroize::Zeroize::zeroize(&mut p);
    }
    out
}

pub(crate) fn read_authorization_data(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<Vec<AuthorizationDataEntry>, DerError> {
    borrowed::read_authorization_data(r, field).map(|ad| ad.to_owned())
}

/// DER AuthorizationData (SEQUENCE OF), e.g. for the data of an AD-IF-RELEVANT.
pub fn encode_authorization_data(entries: &[AuthorizationDataEntry]) -> Vec<u8> {
    let items: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| {
            der::seq(&[
                der::field(0, &der::enc_integer(e.ad_type.into())),
                der::field(1, &der::enc_octets(&e.data)),
            ])
        })
        .collect();
    der::seq(&items)
}

/// An AD-IF-RELEVANT element wrapping one AD-WIN2K-PAC, as AD and MIT put PACs.
pub fn pac_authorization_data(pac: &[u8]) -> AuthorizationDataEntry {
    AuthorizationDataEntry {
        ad_type: AD_IF_RELEVANT,
        data: encode_authorization_data(&[AuthorizationDataEntry {
            ad_type: AD_WIN2K_PAC,
            data: pac.to_vec(),
        }]),
    }
}

/// The next element of `r`, a Ticket ([APPLICATION 1]); error offsets are those
/// of `r` (the AP-REQ's or KRB-CRED's bytes when the ticket sits inside one).
pub(crate) fn read_ticket(r: &mut Reader<'_>) -> Result<Ticket, TicketError> {
    borrowed::read_ticket(r).map(|t| t.to_owned())
}

/// Parse a DER Ticket ([APPLICATION 1]).
pub fn parse_ticket(der: &[u8]) -> Result<Ticket, TicketError> {
    TicketRef::parse(der).map(|t| t.to_owned())
}

/// Encode a Ticket as DER.
pub fn encode_ticket(ticket: &Ticket) -> Vec<u8> {
    der::tlv(
        app(1),
        &der::seq(&[
            der::field(0, &der::enc_integer(5)),
            der::field(1, &der::enc_string(&ticket.sname.realm)),
            der::field(2, &encode_principal_name(&ticket.sname)),
            der::field(3, &encode_encrypted_data(&ticket.enc_part)),
        ]),
    )
}

/// Decode a DER EncTicketPart ([APPLICATION 3]), e.g. a decrypted ticket's plaintext.
pub fn parse_enc_ticket_part(der: &[u8]) -> Result<EncTicketPart, TicketError> {
    EncTicketPartRef::parse(der).map(|p| p.to_owned())
}

/// Encode an EncTicketPart as DER (it holds the session key: zeroized on drop).
pub fn encode_enc_ticket_part(part: &EncTicketPart) -> zeroize::Zeroizing<Vec<u8>> {
    let key = encode_encryption_key(&part.session_key);
    let mut parts = vec![
        der::field(0, &der::enc_flags(part.flags.0)),
        der::field(1, &key),
        der::field(2, &der::enc_string(&part.client.realm)),
        der::field(3, &encode_principal_name(&part.client)),
        der::field(
            4,
            &der::seq(&[
                der::field(0, &der::enc_integer(part.transited_type.into())),
                der::field(1, &der::enc_octets(&part.transited)),
            ]),
        ),
        der::field(5, &der::enc_time_clamped(part.authtime)),
    ];
    if let Some(t) = part.starttime {
        parts.push(der::field(6, &der::enc_time_clamped(t)));
    }
    parts.push(der::field(7, &der::enc_time_clamped(part.endtime)));
    if let Some(t) = part.renew_till {
        parts.push(der::field(8, &der::enc_time_clamped(t)));
    }
    if !part.authorization_data.is_empty() {
        parts.push(der::field(
            10,
            &encode_authorization_data(&part.authorization_data),
        ));
    }
    let out = zeroize::Zeroizing::new(der::tlv(app(3), &der::seq(&parts)));
    for mut p in parts {
        zeroize::Zeroize::zeroize(&mut p);
    }
    out
}

/// Decrypt and decode the ticket's EncTicketPart with the service key (usage 2).
pub fn decrypt_ticket(ticket: &Ticket, key: &Key) -> Result<EncTicketPart, TicketError> {
    check_enctype(ticket.enc_part.etype, key.enctype())?;
    decrypt_ticket_with(ticket, &crypto::DecryptionKey::new(key, KEY_USAGE_TICKET)?)
}

/// [`decrypt_ticket`] with a key prepared once for usage 2 (many tickets, one
/// keytab): the same result, without deriving the usage keys for every ticket.
pub fn decrypt_ticket_with(
    ticket: &Ticket,
    key: &crypto::DecryptionKey,
) -> Result<EncTicketPart, TicketError> {
    let mut plain = zeroize::Zeroizing::new(Vec::new());
    let part = decrypt_ticket_in(ticket.enc_part.as_ref(), key, &mut plain).map(|p| p.to_owned());
    crypto::wipe(&mut plain);
    part
}

/// [`decrypt_ticket_with`] into `plain`, a buffer reused from ticket to ticket,
/// the EncTicketPart read in place there: no allocation once `plain` is large
/// enough. `plain` holds the session key afterwards: wipe it
/// ([`crypto::wipe`]) once the part has been read.
pub fn decrypt_ticket_in<'p>(
    enc_part: EncryptedDataRef<'_>,
    key: &crypto::DecryptionKey,
    plain: &'p mut zeroize::Zeroizing<Vec<u8>>,
) -> Result<EncTicketPartRef<'p>, TicketError> {
    check_enctype(enc_part.etype, key.enctype())?;
    debug_assert_eq!(key.usage(), KEY_USAGE_TICKET);
    key.decrypt_into(enc_part.cipher, plain)?;
    let skip = crypto::confounder_len(key.enctype())
        .unwrap_or(0)
        .min(plain.len());
    EncTicketPartRef::parse(&plain[skip..])
}

fn check_enctype(ticket: Enctype, key: Enctype) -> Result<(), TicketError> {
    if ticket != key {
        return Err(TicketError::EnctypeMismatch { ticket, key });
    }
    Ok(())
}

/// Encode and encrypt `part` into a ticket for `sname` (tests and fixtures build
/// the tickets a KDC will not issue: RC4, huge kvno, no PAC, expired).
pub fn encrypt_ticket(
    sname: &Principal,
    part: &EncTicketPart,
    key: &Key,
    kvno: Option<u32>,
    confounder: &[u8],
) -> Result<Ticket, TicketError> {
    let plain = encode_enc_ticket_part(part);
    let cipher = crypto::encrypt(key, KEY_USAGE_TICKET, confounder, &plain)?;
    Ok(Ticket {
        sname: sname.clone(),
        enc_part: EncryptedData {
            etype: key.enctype(),
            kvno,
            cipher,
        },
    })
}

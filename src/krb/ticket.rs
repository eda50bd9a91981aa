//! Tickets (RFC 4120 section 5.3): the outer `Ticket` and its encrypted part.
//!
//! spnkt's own types, read and written by the private DER codec in [`der`] (not
//! `kerberos_asn1`: its red_asn1 parser panics on some malformed times, see
//! `der`'s docs). Times are seconds since the Unix epoch (UTC). EncTicketPart's
//! caddr is checked for form but not kept.

use super::crypto::{self, CryptoError};
use super::{Enctype, Key, NameType, Principal};

pub(crate) mod der;

pub use der::DerError;
use der::{Fields, app};

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
        (0..32)
            .filter_map(|bit| {
                let mask = 0x8000_0000u32 >> bit;
                if self.0 & mask == 0 {
                    return None;
                }
                Some(
                    Self::NAMES
                        .iter()
                        .find(|(m, _)| *m == mask)
                        .map_or_else(|| format!("bit-{bit}"), |(_, n)| (*n).to_owned()),
                )
            })
            .collect()
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
        for entry in &self.authorization_data {
            match entry.ad_type {
                AD_WIN2K_PAC => return Some(&entry.data),
                AD_IF_RELEVANT => {
                    let Ok(inner) = borrow_authorization_data(&entry.data) else {
                        continue;
                    };
                    if let Some((_, data)) = inner.into_iter().find(|(t, _)| *t == AD_WIN2K_PAC) {
                        return Some(data);
                    }
                }
                _ => {}
            }
        }
        None
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

// ---- shared element codecs (also used by ap_req) ----

pub(crate) fn parse_principal_name(field: &[u8], realm: String) -> Result<Principal, DerError> {
    let body = der::expect_only(field, der::SEQUENCE, "PrincipalName")?;
    let mut f = Fields::new(body);
    let name_type = der::int32(f.required(0, "name-type")?, "name-type")?;
    let strings = der::expect_only(f.required(1, "name-string")?, der::SEQUENCE, "name-string")?;
    f.finish("PrincipalName")?;
    let mut components = Vec::new();
    let mut rest = strings;
    while !rest.is_empty() {
        let (v, r) = der::expect(rest, der::GENERAL_STRING, "name-string component")?;
        components.push(
            String::from_utf8(v.to_vec()).map_err(|_| DerError::BadValue {
                what: "name-string component",
            })?,
        );
        rest = r;
    }
    Ok(Principal::new(NameType(name_type), components, realm))
}

pub(crate) fn encode_principal_name(p: &Principal) -> Vec<u8> {
    let names: Vec<Vec<u8>> = p.components.iter().map(|c| der::enc_string(c)).collect();
    der::seq(&[
        der::field(0, &der::enc_integer(p.name_type.0.into())),
        der::field(1, &der::seq(&names)),
    ])
}

pub(crate) fn parse_encrypted_data(field: &[u8]) -> Result<EncryptedData, DerError> {
    let body = der::expect_only(field, der::SEQUENCE, "EncryptedData")?;
    let mut f = Fields::new(body);
    let etype = der::int32(f.required(0, "etype")?, "etype")?;
    let kvno = f
        .optional(1, "kvno")?
        .map(|k| der::uint32(k, "kvno"))
        .transpose()?;
    let cipher = der::octet_string(f.required(2, "cipher")?, "cipher")?.to_vec();
    f.finish("EncryptedData")?;
    Ok(EncryptedData {
        etype: Enctype(etype),
        kvno,
        cipher,
    })
}

pub(crate) fn encode_encrypted_data(e: &EncryptedData) -> Vec<u8> {
    let mut parts = vec![der::field(0, &der::enc_integer(e.etype.0.into()))];
    if let Some(k) = e.kvno {
        parts.push(der::field(1, &der::enc_integer(k.into())));
    }
    parts.push(der::field(2, &der::enc_octets(&e.cipher)));
    der::seq(&parts)
}

pub(crate) fn parse_encryption_key(field: &[u8]) -> Result<Key, DerError> {
    let body = der::expect_only(field, der::SEQUENCE, "EncryptionKey")?;
    let mut f = Fields::new(body);
    let keytype = der::int32(f.required(0, "keytype")?, "keytype")?;
    let value = der::octet_string(f.required(1, "keyvalue")?, "keyvalue")?;
    f.finish("EncryptionKey")?;
    Ok(Key::new(Enctype(keytype), value.to_vec()))
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

/// AuthorizationData elements borrowed from `der_bytes` (a bare SEQUENCE OF).
fn borrow_authorization_data(der_bytes: &[u8]) -> Result<Vec<(i32, &[u8])>, DerError> {
    let mut rest = der::expect_only(der_bytes, der::SEQUENCE, "AuthorizationData")?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (body, r) = der::expect(rest, der::SEQUENCE, "AuthorizationData element")?;
        let mut f = Fields::new(body);
        let ad_type = der::int32(f.required(0, "ad-type")?, "ad-type")?;
        let data = der::octet_string(f.required(1, "ad-data")?, "ad-data")?;
        f.finish("AuthorizationData element")?;
        out.push((ad_type, data));
        rest = r;
    }
    Ok(out)
}

pub(crate) fn parse_authorization_data(
    field: &[u8],
) -> Result<Vec<AuthorizationDataEntry>, DerError> {
    Ok(borrow_authorization_data(field)?
        .into_iter()
        .map(|(ad_type, data)| AuthorizationDataEntry {
            ad_type,
            data: data.to_vec(),
        })
        .collect())
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

fn realm(field: &[u8], what: &'static str) -> Result<String, DerError> {
    der::kerberos_string(field, what)
}

/// Ticket from the value of its [APPLICATION 1] tag's content.
pub(crate) fn parse_ticket_tlv(field: &[u8]) -> Result<Ticket, TicketError> {
    let app_body = der::expect_only(field, app(1), "Ticket")?;
    let body = der::expect_only(app_body, der::SEQUENCE, "Ticket")?;
    let mut f = Fields::new(body);
    let vno = der::integer(f.required(0, "tkt-vno")?, "tkt-vno")?;
    if vno != 5 {
        return Err(TicketError::BadVersion(vno));
    }
    let realm = realm(f.required(1, "realm")?, "realm")?;
    let sname = parse_principal_name(f.required(2, "sname")?, realm)?;
    let enc_part = parse_encrypted_data(f.required(3, "enc-part")?)?;
    f.finish("Ticket")?;
    Ok(Ticket { sname, enc_part })
}

/// Parse a DER Ticket ([APPLICATION 1]).
pub fn parse_ticket(der: &[u8]) -> Result<Ticket, TicketError> {
    parse_ticket_tlv(der)
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
    let inner = || -> Result<EncTicketPart, DerError> {
        let app_body = der::expect_only(der, app(3), "EncTicketPart")?;
        let body = der::expect_only(app_body, der::SEQUENCE, "EncTicketPart")?;
        let mut f = Fields::new(body);
        let flags = der::flags(f.required(0, "flags")?, "flags")?;
        let session_key = parse_encryption_key(f.required(1, "key")?)?;
        let crealm = realm(f.required(2, "crealm")?, "crealm")?;
        let client = parse_principal_name(f.required(3, "cname")?, crealm)?;
        let tr = der::expect_only(f.required(4, "transited")?, der::SEQUENCE, "transited")?;
        let mut trf = Fields::new(tr);
        let transited_type = der::int32(trf.required(0, "tr-type")?, "tr-type")?;
        let transited = der::octet_string(trf.required(1, "contents")?, "contents")?.to_vec();
        trf.finish("transited")?;
        let authtime = der::time(f.required(5, "authtime")?, "authtime")?;
        let starttime = f
            .optional(6, "starttime")?
            .map(|t| der::time(t, "starttime"))
            .transpose()?;
        let endtime = der::time(f.required(7, "endtime")?, "endtime")?;
        let renew_till = f
            .optional(8, "renew-till")?
            .map(|t| der::time(t, "renew-till"))
            .transpose()?;
        // caddr [9]: checked for form, not kept (spnkt does not check addresses).
        if let Some(caddr) = f.optional(9, "caddr")? {
            der::expect_only(caddr, der::SEQUENCE, "caddr")?;
        }
        let authorization_data = f
            .optional(10, "authorization-data")?
            .map(parse_authorization_data)
            .transpose()?
            .unwrap_or_default();
        f.finish("EncTicketPart")?;
        Ok(EncTicketPart {
            flags: TicketFlags(flags),
            session_key,
            client,
            transited_type,
            transited,
            authtime,
            starttime,
            endtime,
            renew_till,
            authorization_data,
        })
    };
    Ok(inner()?)
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
        der::field(5, &der::enc_time(part.authtime)),
    ];
    if let Some(t) = part.starttime {
        parts.push(der::field(6, &der::enc_time(t)));
    }
    parts.push(der::field(7, &der::enc_time(part.endtime)));
    if let Some(t) = part.renew_till {
        parts.push(der::field(8, &der::enc_time(t)));
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
    if ticket.enc_part.etype != key.enctype() {
        return Err(TicketError::EnctypeMismatch {
            ticket: ticket.enc_part.etype,
            key: key.enctype(),
        });
    }
    let plain = crypto::decrypt(key, KEY_USAGE_TICKET, &ticket.enc_part.cipher)?;
    parse_enc_ticket_part(&plain)
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

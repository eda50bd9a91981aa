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

pub use super::der::DerError;

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
        for entry in &self.authorization_data {
            match entry.ad_type {
                AD_WIN2K_PAC => return Some(&entry.data),
                AD_IF_RELEVANT => {
                    // The first PAC of an inner AuthorizationData that reads whole.
                    let mut r = Reader::new(&entry.data, "AD-IF-RELEVANT data");
                    let mut pac = None;
                    let read = each_authorization_data(&mut r, "AD-IF-RELEVANT data", |t, data| {
                        if t == AD_WIN2K_PAC && pac.is_none() {
                            pac = Some(data);
                        }
                    })
                    .and_then(|()| r.finish());
                    if let (Ok(()), Some(data)) = (read, pac) {
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

// ---- shared element codecs (also used by ap_req and krbcred) ----

/// PrincipalName: (name-type, name-string); the realm is a sibling field.
pub(crate) fn read_principal_name(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<(NameType, Vec<String>), DerError> {
    let mut s = r.sequence(field)?;
    let name_type = s.field(0, "name-type", Reader::int32)?;
    let mut names = s.field(1, "name-string", Reader::sequence)?;
    s.skip_extensions()?;
    let mut components = Vec::new();
    while !names.at_end() {
        components.push(names.string("name-string component")?);
    }
    Ok((NameType(name_type), components))
}

/// PrincipalName with its realm.
fn read_principal(
    r: &mut Reader<'_>,
    field: &'static str,
    realm: String,
) -> Result<Principal, DerError> {
    let (name_type, components) = read_principal_name(r, field)?;
    Ok(Principal::new(name_type, components, realm))
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
    let mut s = r.sequence(field)?;
    let etype = s.field(0, "etype", Reader::int32)?;
    let kvno = s.optional_field(1, "kvno", Reader::uint32)?;
    let cipher = s.field(2, "cipher", Reader::octets)?.to_vec();
    s.skip_extensions()?;
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

pub(crate) fn read_encryption_key(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<Key, DerError> {
    let mut s = r.sequence(field)?;
    let keytype = s.field(0, "keytype", Reader::int32)?;
    let value = s.field(1, "keyvalue", Reader::octets)?;
    s.skip_extensions()?;
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

/// The elements of a bare AuthorizationData SEQUENCE OF, borrowed, in order.
fn each_authorization_data<'a>(
    r: &mut Reader<'a>,
    field: &'static str,
    mut each: impl FnMut(i32, &'a [u8]),
) -> Result<(), DerError> {
    let mut list = r.sequence(field)?;
    while !list.at_end() {
        let mut s = list.sequence("AuthorizationData element")?;
        let ad_type = s.field(0, "ad-type", Reader::int32)?;
        let data = s.field(1, "ad-data", Reader::octets)?;
        s.skip_extensions()?;
        each(ad_type, data);
    }
    Ok(())
}

pub(crate) fn read_authorization_data(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<Vec<AuthorizationDataEntry>, DerError> {
    let mut out = Vec::new();
    each_authorization_data(r, field, |ad_type, data| {
        out.push(AuthorizationDataEntry {
            ad_type,
            data: data.to_vec(),
        });
    })?;
    Ok(out)
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
    let mut s = r.element(app(1), "Ticket")?.only(Reader::sequence)?;
    let vno = s.field(0, "tkt-vno", Reader::integer)?;
    if vno != 5 {
        return Err(TicketError::BadVersion(vno));
    }
    let realm = s.field(1, "realm", Reader::string)?;
    let sname = s.field(2, "sname", |r, f| read_principal(r, f, realm))?;
    let enc_part = s.field(3, "enc-part", read_encrypted_data)?;
    s.skip_extensions()?;
    Ok(Ticket { sname, enc_part })
}

/// Parse a DER Ticket ([APPLICATION 1]).
pub fn parse_ticket(der: &[u8]) -> Result<Ticket, TicketError> {
    let mut r = Reader::new(der, "Ticket");
    let ticket = read_ticket(&mut r)?;
    r.finish()?;
    Ok(ticket)
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

fn read_enc_ticket_part(r: &mut Reader<'_>) -> Result<EncTicketPart, DerError> {
    let mut s = r.element(app(3), "EncTicketPart")?.only(Reader::sequence)?;
    let flags = s.field(0, "flags", Reader::flags)?;
    let session_key = s.field(1, "key", read_encryption_key)?;
    let crealm = s.field(2, "crealm", Reader::string)?;
    let client = s.field(3, "cname", |r, f| read_principal(r, f, crealm))?;
    let (transited_type, transited) = s.field(4, "transited", |r, f| {
        let mut tr = r.sequence(f)?;
        let tr_type = tr.field(0, "tr-type", Reader::int32)?;
        let contents = tr.field(1, "contents", Reader::octets)?.to_vec();
        tr.skip_extensions()?;
        Ok((tr_type, contents))
    })?;
    let authtime = s.field(5, "authtime", Reader::time_lenient)?;
    let starttime = s.optional_field(6, "starttime", Reader::time_lenient)?;
    let endtime = s.field(7, "endtime", Reader::time_lenient)?;
    let renew_till = s.optional_field(8, "renew-till", Reader::time_lenient)?;
    // caddr [9]: checked for form, not kept (spnkt does not check addresses).
    s.optional_field(9, "caddr", |r, f| r.sequence(f).map(drop))?;
    let authorization_data = s
        .optional_field(10, "authorization-data", read_authorization_data)?
        .unwrap_or_default();
    s.skip_extensions()?;
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
}

/// Decode a DER EncTicketPart ([APPLICATION 3]), e.g. a decrypted ticket's plaintext.
pub fn parse_enc_ticket_part(der: &[u8]) -> Result<EncTicketPart, TicketError> {
    let mut r = Reader::new(der, "EncTicketPart");
    let part = read_enc_ticket_part(&mut r)?;
    r.finish()?;
    Ok(part)
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
    if ticket.enc_part.etype != key.enctype() {
        return Err(TicketError::EnctypeMismatch {
            ticket: ticket.enc_part.etype,
            key: key.enctype(),
        });
    }
    let mut plain = crypto::decrypt(key, KEY_USAGE_TICKET, &ticket.enc_part.cipher)?;
    let part = parse_enc_ticket_part(&plain);
    crypto::wipe(&mut plain);
    part
}

/// [`decrypt_ticket`] with a key prepared once for usage 2 (many tickets, one
/// keytab): the same result, without deriving the usage keys for every ticket.
pub fn decrypt_ticket_with(
    ticket: &Ticket,
    key: &crypto::DecryptionKey,
) -> Result<EncTicketPart, TicketError> {
    if ticket.enc_part.etype != key.enctype() {
        return Err(TicketError::EnctypeMismatch {
            ticket: ticket.enc_part.etype,
            key: key.enctype(),
        });
    }
    debug_assert_eq!(key.usage(), KEY_USAGE_TICKET);
    let mut plain = key.decrypt_with_confounder(&ticket.enc_part.cipher)?;
    let skip = crypto::confounder_len(key.enctype())
        .unwrap_or(0)
        .min(plain.len());
    let part = parse_enc_ticket_part(&plain[skip..]);
    crypto::wipe(&mut plain);
    part
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

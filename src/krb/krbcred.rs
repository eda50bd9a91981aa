//! KRB-CRED (RFC 4120 section 5.8): forwarded credentials, and `.kirbi` files as
//! written by Rubeus, mimikatz and impacket.
//!
//! ```text
//! KRB-CRED        ::= [APPLICATION 22] SEQUENCE {
//!     pvno     [0] INTEGER (5), msg-type [1] INTEGER (22),
//!     tickets  [2] SEQUENCE OF Ticket,
//!     enc-part [3] EncryptedData }              -- EncKrbCredPart, key usage 14
//! Ticket          ::= [APPLICATION 1] SEQUENCE {
//!     tkt-vno [0] INTEGER (5), realm [1] Realm, sname [2] PrincipalName,
//!     enc-part [3] EncryptedData }
//! EncryptedData   ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL,
//!                                cipher [2] OCTET STRING }
//! EncKrbCredPart  ::= [APPLICATION 29] SEQUENCE {
//!     ticket-info [0] SEQUENCE OF KrbCredInfo,
//!     nonce [1] UInt32 OPTIONAL, timestamp [2] KerberosTime OPTIONAL,
//!     usec [3] Microseconds OPTIONAL,
//!     s-address [4] HostAddress OPTIONAL, r-address [5] HostAddress OPTIONAL }
//! KrbCredInfo     ::= SEQUENCE {
//!     key [0] EncryptionKey,                    -- SEQUENCE { keytype [0] Int32,
//!                                               --            keyvalue [1] OCTET STRING }
//!     prealm [1] Realm OPTIONAL, pname [2] PrincipalName OPTIONAL,
//!     flags [3] TicketFlags OPTIONAL,           -- BIT STRING, bit 0 first
//!     authtime [4], starttime [5], endtime [6], renew-till [7] KerberosTime OPTIONAL,
//!     srealm [8] Realm OPTIONAL, sname [9] PrincipalName OPTIONAL,
//!     caddr [10] HostAddresses OPTIONAL }
//! PrincipalName   ::= SEQUENCE { name-type [0] Int32,
//!                                name-string [1] SEQUENCE OF KerberosString }
//! Realm, KerberosString ::= GeneralString      -- UTF-8 here (spnkt's `String`s)
//! KerberosTime    ::= GeneralizedTime           -- "YYYYMMDDHHMMSSZ", exactly
//! ```
//!
//! The DER is read and written by the crate's DER codec (`krb::der`, shared with
//! tickets and AP-REQs) rather than by `kerberos_asn1`: its `red_asn1` 0.3
//! dependency panics on some malformed input (e.g. a GeneralizedTime with month 13
//! reaches chrono's panicking `Utc.ymd`), and spnkt's parsers must never panic.
//!
//! Reading is strict where it costs nothing and lenient where real peers differ:
//! - one KRB-CRED per input; trailing bytes are [`KrbCredError::TrailingBytes`];
//! - indefinite lengths, tags >= 31 and unknown, repeated or out-of-order fields
//!   inside the KRB-CRED, EncKrbCredPart, KrbCredInfo and HostAddress SEQUENCEs
//!   are errors (the Tickets, PrincipalNames, EncryptedData and EncryptionKeys are
//!   read by the ticket module's readers, which skip unknown trailing fields);
//!   non-minimal length and INTEGER encodings are read;
//! - `kvno` is read as a 32-bit value and negative encodings wrap (Windows encodes
//!   kvnos >= 2^31 as negative INTEGERs);
//! - `caddr`, `nonce`, `timestamp`, `usec`, `s-address` and `r-address` are
//!   checked for well-formed DER and otherwise ignored (and never written).

use zeroize::Zeroizing;

use super::crypto::{self, CryptoError};
use super::der::{self, DerError, Reader, app};
use super::ticket::{self, EncryptedData, Ticket, TicketError, TicketFlags};
use super::{Enctype, Key, NameType, Principal};

/// Key usage for EncKrbCredPart (RFC 4120 section 7.5.1).
pub const KEY_USAGE_KRB_CRED: u32 = 14;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KrbCred {
    pub tickets: Vec<Ticket>,
    /// etype 0 means the EncKrbCredPart is not encrypted (kirbi files, MS-KILE).
    pub enc_part: EncryptedData,
}

/// One KrbCredInfo: what the holder knows about one of the tickets.
///
/// `client` is `prealm` + `pname` and `server` is `srealm` + `sname`: a name without
/// its realm reads with an empty realm, a realm without a name is dropped.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KrbCredInfo {
    pub key: Key,
    pub client: Option<Principal>,
    pub flags: Option<TicketFlags>,
    pub authtime: Option<i64>,
    pub starttime: Option<i64>,
    pub endtime: Option<i64>,
    pub renew_till: Option<i64>,
    pub server: Option<Principal>,
}

/// Which DER structure an error's byte offset is relative to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KrbCredPart {
    /// The KRB-CRED message itself (offsets into the `.kirbi` bytes).
    KrbCred,
    /// The (decrypted, or etype 0 plain) EncKrbCredPart in `enc-part.cipher`.
    EncKrbCredPart,
}

impl std::fmt::Display for KrbCredPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KrbCredPart::KrbCred => "KRB-CRED",
            KrbCredPart::EncKrbCredPart => "EncKrbCredPart",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KrbCredError {
    #[error(
        "the {part} is truncated at byte offset {offset}: the {field} needs {needed} bytes but only {available} remain"
    )]
    Truncated {
        part: KrbCredPart,
        offset: usize,
        field: &'static str,
        needed: u64,
        available: usize,
    },
    #[error(
        "the {part} is malformed at byte offset {offset}: expected the {field} ({expected}) but found tag byte 0x{found:02x}"
    )]
    UnexpectedTag {
        part: KrbCredPart,
        offset: usize,
        field: &'static str,
        expected: &'static str,
        found: u8,
    },
    #[error("the {part} is malformed at byte offset {offset}: the {field} {problem}")]
    BadValue {
        part: KrbCredPart,
        offset: usize,
        field: &'static str,
        problem: &'static str,
    },
    #[error(
        "the {field} in the {part} is not valid UTF-8 (invalid byte at offset {offset}); spnkt only handles UTF-8 names"
    )]
    InvalidUtf8 {
        part: KrbCredPart,
        offset: usize,
        field: &'static str,
    },
    #[error(
        "{count} bytes follow the {part} that ends at byte offset {offset}; a .kirbi holds exactly one KRB-CRED"
    )]
    TrailingBytes {
        part: KrbCredPart,
        offset: usize,
        count: usize,
    },
    #[error(
        "ticket {index} (0-based) at byte offset {offset} of the KRB-CRED is invalid: {source}"
    )]
    Ticket {
        index: usize,
        offset: usize,
        source: TicketError,
    },
    #[error(
        "the EncKrbCredPart is encrypted with {etype} and no key was given to decrypt it (only etype 0 is plaintext)"
    )]
    MissingKey { etype: Enctype },
    #[error("the EncKrbCredPart is encrypted with {etype} but the key given is {key_enctype}")]
    WrongKeyEnctype {
        etype: Enctype,
        key_enctype: Enctype,
    },
    #[error("the KRB-CRED cannot be encoded: {problem}")]
    NotEncodable { problem: &'static str },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl KrbCredError {
    /// The byte offset the error is about, in the structure named by its `part`.
    pub fn offset(&self) -> Option<usize> {
        match *self {
            KrbCredError::Truncated { offset, .. }
            | KrbCredError::UnexpectedTag { offset, .. }
            | KrbCredError::BadValue { offset, .. }
            | KrbCredError::InvalidUtf8 { offset, .. }
            | KrbCredError::TrailingBytes { offset, .. }
            | KrbCredError::Ticket { offset, .. } => Some(offset),
            _ => None,
        }
    }

    fn der(part: KrbCredPart, e: DerError) -> KrbCredError {
        match e {
            DerError::Truncated {
                offset,
                field,
                needed,
                available,
            } => KrbCredError::Truncated {
                part,
                offset,
                field,
                needed,
                available,
            },
            DerError::UnexpectedTag {
                offset,
                field,
                expected,
                found,
            } => KrbCredError::UnexpectedTag {
                part,
                offset,
                field,
                expected,
                found,
            },
            DerError::BadValue {
                offset,
                field,
                problem,
            } => KrbCredError::BadValue {
                part,
                offset,
                field,
                problem,
            },
            DerError::InvalidUtf8 { offset, field } => KrbCredError::InvalidUtf8 {
                part,
                offset,
                field,
            },
            DerError::TrailingBytes { offset, count, .. } => KrbCredError::TrailingBytes {
                part,
                offset,
                count,
            },
        }
    }
}

pub fn parse_krb_cred(der: &[u8]) -> Result<KrbCred, KrbCredError> {
    let mut r = Reader::new(der, "KRB-CRED");
    let cred = read_krb_cred(&mut r)?;
    r.finish()
        .map_err(|e| KrbCredError::der(KrbCredPart::KrbCred, e))?;
    Ok(cred)
}

/// The KrbCredInfo list, one per ticket: plaintext for etype 0, else decrypted with
/// `key` (usage 14); `key` None with an encrypted part is an error naming the etype.
pub fn cred_info(cred: &KrbCred, key: Option<&Key>) -> Result<Vec<KrbCredInfo>, KrbCredError> {
    let etype = cred.enc_part.etype;
    let plain: Zeroizing<Vec<u8>> = if etype == Enctype(0) {
        Zeroizing::new(cred.enc_part.cipher.clone())
    } else {
        let key = key.ok_or(KrbCredError::MissingKey { etype })?;
        if key.enctype() != etype {
            return Err(KrbCredError::WrongKeyEnctype {
                etype,
                key_enctype: key.enctype(),
            });
        }
        crypto::decrypt(key, KEY_USAGE_KRB_CRED, &cred.enc_part.cipher)?
    };
    let mut r = Reader::new(&plain, "EncKrbCredPart");
    read_enc_krb_cred_part(&mut r)
        .and_then(|infos| r.finish().map(|()| infos))
        .map_err(|e| KrbCredError::der(KrbCredPart::EncKrbCredPart, e))
}

/// Build a KRB-CRED; `key` None writes the EncKrbCredPart unencrypted (etype 0).
pub fn encode_krb_cred(
    tickets: &[Ticket],
    infos: &[KrbCredInfo],
    key: Option<(&Key, &[u8])>,
) -> Result<Vec<u8>, KrbCredError> {
    let plain = write_enc_krb_cred_part(infos)?;
    let enc_part = match key {
        None => EncryptedData {
            etype: Enctype(0),
            kvno: None,
            cipher: plain.to_vec(),
        },
        Some((key, confounder)) => EncryptedData {
            etype: key.enctype(),
            kvno: None,
            cipher: crypto::encrypt(key, KEY_USAGE_KRB_CRED, confounder, &plain)?,
        },
    };
    Ok(write_krb_cred(tickets, &enc_part))
}

/// Decode a `.kirbi` given either as DER or as base64 text (as Rubeus prints it:
/// standard alphabet, whitespace and line breaks ignored).
pub fn parse_kirbi(bytes: &[u8]) -> Result<KrbCred, KrbCredError> {
    use base64::Engine as _;
    // DER KRB-CRED starts with [APPLICATION 22] = 0x76 ('v'); base64 text of one
    // starts with "d" ("dg" / "di" / "dh"). Anything else is tried as DER.
    if bytes.first() == Some(&0x76) {
        return parse_krb_cred(bytes);
    }
    let text: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    match base64::engine::general_purpose::STANDARD.decode(&text) {
        Ok(der) => parse_krb_cred(&der),
        Err(_) => parse_krb_cred(bytes),
    }
}

// ------------------------------------------------------------------ reader

const APP_KRB_CRED: u8 = app(22);
const APP_ENC_KRB_CRED_PART: u8 = app(29);

fn read_krb_cred(r: &mut Reader<'_>) -> Result<KrbCred, KrbCredError> {
    let der = |e| KrbCredError::der(KrbCredPart::KrbCred, e);
    let mut s = r
        .element(APP_KRB_CRED, "KRB-CRED")
        .and_then(|app| app.only(Reader::sequence))
        .map_err(der)?;
    let check = |s: &mut Reader<'_>, n, field, want, problem| {
        let offset = s.offset();
        match s.field(n, field, Reader::integer)? {
            v if v == want => Ok(()),
            _ => Err(DerError::BadValue {
                offset,
                field,
                problem,
            }),
        }
    };
    check(&mut s, 0, "pvno", 5, "is not 5").map_err(der)?;
    check(&mut s, 1, "msg-type", 22, "is not 22 (KRB-CRED)").map_err(der)?;
    let mut list = s.field(2, "tickets", Reader::sequence).map_err(der)?;
    let mut tickets = Vec::new();
    while !list.at_end() {
        let (index, offset) = (tickets.len(), list.offset());
        let t = ticket::read_ticket(&mut list).map_err(|source| KrbCredError::Ticket {
            index,
            offset,
            source,
        })?;
        tickets.push(t);
    }
    let enc_part = s
        .field(3, "enc-part", ticket::read_encrypted_data)
        .map_err(der)?;
    s.end_of_sequence().map_err(der)?;
    Ok(KrbCred { tickets, enc_part })
}

fn read_enc_krb_cred_part(r: &mut Reader<'_>) -> Result<Vec<KrbCredInfo>, DerError> {
    let mut s = r
        .element(APP_ENC_KRB_CRED_PART, "EncKrbCredPart")?
        .only(Reader::sequence)?;
    let mut list = s.field(0, "ticket-info", Reader::sequence)?;
    let mut infos = Vec::new();
    while !list.at_end() {
        infos.push(read_cred_info(&mut list)?);
    }
    s.optional_field(1, "nonce", Reader::uint32)?;
    s.optional_field(2, "timestamp", Reader::time)?;
    s.optional_field(3, "usec", Reader::int32)?;
    s.optional_field(4, "s-address", read_host_address)?;
    s.optional_field(5, "r-address", read_host_address)?;
    s.end_of_sequence()?;
    Ok(infos)
}

fn read_cred_info(list: &mut Reader<'_>) -> Result<KrbCredInfo, DerError> {
    let mut s = list.sequence("KrbCredInfo")?;
    let key = s.field(0, "key", ticket::read_encryption_key)?;
    let prealm = s.optional_field(1, "prealm", Reader::string)?;
    let pname = s.optional_field(2, "pname", ticket::read_principal_name)?;
    let flags = s
        .optional_field(3, "flags", Reader::flags)?
        .map(TicketFlags);
    let authtime = s.optional_field(4, "authtime", Reader::time)?;
    let starttime = s.optional_field(5, "starttime", Reader::time)?;
    let endtime = s.optional_field(6, "endtime", Reader::time)?;
    let renew_till = s.optional_field(7, "renew-till", Reader::time)?;
    let srealm = s.optional_field(8, "srealm", Reader::string)?;
    let sname = s.optional_field(9, "sname", ticket::read_principal_name)?;
    s.optional_field(10, "caddr", |r, field| {
        let mut addrs = r.sequence(field)?;
        while !addrs.at_end() {
            read_host_address(&mut addrs, "caddr address")?;
        }
        Ok(())
    })?;
    s.end_of_sequence()?;
    let principal = |name: Option<(NameType, Vec<String>)>, realm: Option<String>| {
        name.map(|(name_type, components)| {
            Principal::new(name_type, components, realm.unwrap_or_default())
        })
    };
    Ok(KrbCredInfo {
        key,
        client: principal(pname, prealm),
        flags,
        authtime,
        starttime,
        endtime,
        renew_till,
        server: principal(sname, srealm),
    })
}

/// HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }:
/// checked for form, not kept.
fn read_host_address(r: &mut Reader<'_>, field: &'static str) -> Result<(), DerError> {
    let mut s = r.sequence(field)?;
    s.field(0, "addr-type", Reader::int32)?;
    s.field(1, "address", Reader::octets)?;
    s.end_of_sequence()
}

// ------------------------------------------------------------------ writer
//
// Every intermediate buffer is Zeroizing: the EncKrbCredPart carries session keys
// (and an etype 0 KRB-CRED carries it in the clear).

type Buf = Zeroizing<Vec<u8>>;

fn buf(v: Vec<u8>) -> Buf {
    Zeroizing::new(v)
}

fn write_krb_cred(tickets: &[Ticket], enc_part: &EncryptedData) -> Vec<u8> {
    let tickets: Vec<Vec<u8>> = tickets.iter().map(ticket::encode_ticket).collect();
    let enc_part = buf(ticket::encode_encrypted_data(enc_part));
    let seq = buf(der::seq(&[
        buf(der::field(0, &der::enc_integer(5))),
        buf(der::field(1, &der::enc_integer(22))),
        buf(der::field(2, &der::seq(&tickets))),
        buf(der::field(3, &enc_part)),
    ]));
    der::tlv(APP_KRB_CRED, &seq)
}

fn write_cred_info(i: &KrbCredInfo) -> Result<Buf, KrbCredError> {
    let key = ticket::encode_encryption_key(&i.key);
    let mut fields: Vec<Buf> = vec![buf(der::field(0, &key))];
    if let Some(c) = &i.client {
        fields.push(buf(der::field(1, &der::enc_string(&c.realm))));
        fields.push(buf(der::field(2, &ticket::encode_principal_name(c))));
    }
    if let Some(f) = i.flags {
        fields.push(buf(der::field(3, &der::enc_flags(f.0))));
    }
    for (n, t) in [
        (4, i.authtime),
        (5, i.starttime),
        (6, i.endtime),
        (7, i.renew_till),
    ] {
        if let Some(t) = t {
            let time = der::enc_time(t).ok_or(KrbCredError::NotEncodable {
                problem: "a time is outside years 0000 to 9999 (KerberosTime has 4 year digits)",
            })?;
            fields.push(buf(der::field(n, &time)));
        }
    }
    if let Some(s) = &i.server {
        fields.push(buf(der::field(8, &der::enc_string(&s.realm))));
        fields.push(buf(der::field(9, &ticket::encode_principal_name(s))));
    }
    Ok(buf(der::seq(&fields)))
}

fn write_enc_krb_cred_part(infos: &[KrbCredInfo]) -> Result<Buf, KrbCredError> {
    let infos = infos
        .iter()
        .map(write_cred_info)
        .collect::<Result<Vec<Buf>, _>>()?;
    let list = buf(der::field(0, &buf(der::seq(&infos))));
    let seq = buf(der::seq(&[&list]));
    Ok(buf(der::tlv(APP_ENC_KRB_CRED_PART, &seq)))
}

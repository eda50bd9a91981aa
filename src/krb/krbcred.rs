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
//! The DER is read and written by a small private reader/writer in this file rather
//! than by `kerberos_asn1`: its `red_asn1` 0.3 dependency panics on some malformed
//! input (e.g. a GeneralizedTime with month 13 reaches chrono's panicking
//! `Utc.ymd`), and spnkt's parsers must never panic.
//!
//! Reading is strict where it costs nothing and lenient where real peers differ:
//! - one KRB-CRED per input; trailing bytes are [`KrbCredError::TrailingBytes`];
//! - indefinite lengths, tags >= 31 and unknown, repeated or out-of-order fields
//!   inside a SEQUENCE are errors; non-minimal length and INTEGER encodings are read;
//! - `kvno` is read as a 32-bit value and negative encodings wrap (Windows encodes
//!   kvnos >= 2^31 as negative INTEGERs);
//! - `caddr`, `nonce`, `timestamp`, `usec`, `s-address` and `r-address` are
//!   checked for well-formed DER and otherwise ignored (and never written).

use zeroize::Zeroizing;

use super::crypto::{self, CryptoError};
use super::ticket::{EncryptedData, Ticket, TicketError, TicketFlags};
use super::{Enctype, Key, Principal};

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
}

pub fn parse_krb_cred(der: &[u8]) -> Result<KrbCred, KrbCredError> {
    let mut r = der::Reader::new(der, KrbCredPart::KrbCred);
    let cred = der::read_krb_cred(&mut r)?;
    r.finish()?;
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
    let mut r = der::Reader::new(&plain, KrbCredPart::EncKrbCredPart);
    let infos = der::read_enc_krb_cred_part(&mut r)?;
    r.finish()?;
    Ok(infos)
}

/// Build a KRB-CRED; `key` None writes the EncKrbCredPart unencrypted (etype 0).
pub fn encode_krb_cred(
    tickets: &[Ticket],
    infos: &[KrbCredInfo],
    key: Option<(&Key, &[u8])>,
) -> Result<Vec<u8>, KrbCredError> {
    let plain = der::write_enc_krb_cred_part(infos)?;
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
    Ok(der::write_krb_cred(tickets, &enc_part))
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

/// Minimal DER reader and writer for the structures above; Tickets themselves are
/// decoded and encoded by [`super::ticket`] (`parse_ticket` / `encode_ticket`).
/// Private: the ticket module has a similar DER codec; the two could be merged.
mod der {
    use zeroize::Zeroizing;

    use super::{KrbCredError, KrbCredInfo, KrbCredPart};
    use crate::krb::ticket::{self, EncryptedData, Ticket, TicketFlags};
    use crate::krb::{Enctype, Key, NameType, Principal};

    pub const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const BIT_STRING: u8 = 0x03;
    const OCTET_STRING: u8 = 0x04;
    const GENERAL_STRING: u8 = 0x1b;
    const GENERALIZED_TIME: u8 = 0x18;
    const APP_KRB_CRED: u8 = 0x76; // [APPLICATION 22] constructed
    const APP_TICKET: u8 = 0x61; // [APPLICATION 1] constructed
    const APP_ENC_KRB_CRED_PART: u8 = 0x7d; // [APPLICATION 29] constructed

    const fn ctx(n: u8) -> u8 {
        0xa0 | n
    }

    /// Cursor over `buf[pos..end]`; offsets are absolute in `buf`.
    pub struct Reader<'a> {
        buf: &'a [u8],
        pos: usize,
        end: usize,
        part: KrbCredPart,
    }

    impl<'a> Reader<'a> {
        pub fn new(buf: &'a [u8], part: KrbCredPart) -> Reader<'a> {
            Reader {
                buf,
                pos: 0,
                end: buf.len(),
                part,
            }
        }

        /// Everything read: anything left is trailing garbage.
        pub fn finish(&self) -> Result<(), KrbCredError> {
            if self.pos < self.end {
                return Err(KrbCredError::TrailingBytes {
                    part: self.part,
                    offset: self.pos,
                    count: self.end - self.pos,
                });
            }
            Ok(())
        }

        fn at_end(&self) -> bool {
            self.pos >= self.end
        }

        fn peek(&self) -> Option<u8> {
            (self.pos < self.end).then(|| self.buf[self.pos])
        }

        fn truncated(&self, field: &'static str, needed: u64) -> KrbCredError {
            KrbCredError::Truncated {
                part: self.part,
                offset: self.pos,
                field,
                needed,
                available: self.end - self.pos,
            }
        }

        fn bad(&self, offset: usize, field: &'static str, problem: &'static str) -> KrbCredError {
            KrbCredError::BadValue {
                part: self.part,
                offset,
                field,
                problem,
            }
        }

        fn byte(&mut self, field: &'static str) -> Result<u8, KrbCredError> {
            if self.pos >= self.end {
                return Err(self.truncated(field, 1));
            }
            let b = self.buf[self.pos];
            self.pos += 1;
            Ok(b)
        }

        /// One TLV with tag byte `tag`: returns a reader over its contents (and the
        /// offset of the tag). The length is checked against what is left first.
        fn tlv(
            &mut self,
            tag: u8,
            field: &'static str,
            expected: &'static str,
        ) -> Result<Reader<'a>, KrbCredError> {
            let start = self.pos;
            let found = self.byte(field)?;
            if found != tag {
                return Err(KrbCredError::UnexpectedTag {
                    part: self.part,
                    offset: start,
                    field,
                    expected,
                    found,
                });
            }
            let len_offset = self.pos;
            let first = self.byte(field)?;
            let len: u64 = if first < 0x80 {
                u64::from(first)
            } else if first == 0x80 {
                return Err(self.bad(len_offset, field, "uses an indefinite length (not DER)"));
            } else {
                let n = first & 0x7f;
                if n > 4 {
                    return Err(self.bad(len_offset, field, "has a length of more than 4 bytes"));
                }
                let mut len = 0u64;
                for _ in 0..n {
                    len = (len << 8) | u64::from(self.byte(field)?);
                }
                len
            };
            let available = self.end - self.pos;
            if len > available as u64 {
                return Err(KrbCredError::Truncated {
                    part: self.part,
                    offset: self.pos,
                    field,
                    needed: len,
                    available,
                });
            }
            let inner = Reader {
                buf: self.buf,
                pos: self.pos,
                end: self.pos + len as usize,
                part: self.part,
            };
            self.pos = inner.end;
            Ok(inner)
        }

        fn contents(&self) -> &'a [u8] {
            &self.buf[self.pos..self.end]
        }

        /// `[n] EXPLICIT` wrapper if the next tag is it; `None` if absent.
        fn optional(
            &mut self,
            n: u8,
            field: &'static str,
        ) -> Result<Option<Reader<'a>>, KrbCredError> {
            if self.peek() == Some(ctx(n)) {
                Ok(Some(self.tlv(ctx(n), field, "context tag")?))
            } else {
                Ok(None)
            }
        }

        fn required(&mut self, n: u8, field: &'static str) -> Result<Reader<'a>, KrbCredError> {
            self.tlv(ctx(n), field, "context-specific tag")
        }

        /// The end of a SEQUENCE: anything left is an unknown or out-of-order field.
        fn end_of_sequence(&self, field: &'static str) -> Result<(), KrbCredError> {
            if !self.at_end() {
                return Err(self.bad(
                    self.pos,
                    field,
                    "has an unknown, repeated or out-of-order field here",
                ));
            }
            Ok(())
        }

        /// The whole wrapper holds exactly one value.
        fn only<T>(
            mut self,
            field: &'static str,
            read: impl FnOnce(&mut Reader<'a>) -> Result<T, KrbCredError>,
        ) -> Result<T, KrbCredError> {
            let v = read(&mut self)?;
            if !self.at_end() {
                return Err(self.bad(self.pos, field, "is followed by extra bytes in its field"));
            }
            Ok(v)
        }

        fn integer(&mut self, field: &'static str) -> Result<i64, KrbCredError> {
            let offset = self.pos;
            let c = self.tlv(INTEGER, field, "INTEGER")?.contents();
            if c.is_empty() {
                return Err(self.bad(offset, field, "is an empty INTEGER"));
            }
            // Drop redundant sign bytes (BER allows them), then it must fit 64 bits.
            let mut c = c;
            while c.len() > 1
                && ((c[0] == 0 && c[1] & 0x80 == 0) || (c[0] == 0xff && c[1] & 0x80 != 0))
            {
                c = &c[1..];
            }
            if c.len() > 8 {
                return Err(self.bad(offset, field, "does not fit in 64 bits"));
            }
            let mut v: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
            for &b in c {
                v = (v << 8) | i64::from(b);
            }
            Ok(v)
        }

        fn int32(&mut self, field: &'static str) -> Result<i32, KrbCredError> {
            let offset = self.pos;
            i32::try_from(self.integer(field)?)
                .map_err(|_| self.bad(offset, field, "does not fit a 32-bit signed integer"))
        }

        /// UInt32, also accepting negative 32-bit encodings (wrapped, as Windows
        /// writes kvnos >= 2^31).
        fn uint32(&mut self, field: &'static str) -> Result<u32, KrbCredError> {
            let offset = self.pos;
            let v = self.integer(field)?;
            if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(self.bad(offset, field, "does not fit a 32-bit unsigned integer"))
            }
        }

        fn octets(&mut self, field: &'static str) -> Result<&'a [u8], KrbCredError> {
            Ok(self.tlv(OCTET_STRING, field, "OCTET STRING")?.contents())
        }

        fn string(&mut self, field: &'static str) -> Result<String, KrbCredError> {
            let r = self.tlv(GENERAL_STRING, field, "GeneralString")?;
            match std::str::from_utf8(r.contents()) {
                Ok(s) => Ok(s.to_owned()),
                Err(e) => Err(KrbCredError::InvalidUtf8 {
                    part: self.part,
                    offset: r.pos + e.valid_up_to(),
                    field,
                }),
            }
        }

        /// KerberosTime: exactly `YYYYMMDDHHMMSSZ`, as seconds since the epoch.
        fn time(&mut self, field: &'static str) -> Result<i64, KrbCredError> {
            let r = self.tlv(GENERALIZED_TIME, field, "GeneralizedTime")?;
            let offset = r.pos;
            let c = r.contents();
            let bad = || self.bad(offset, field, "is not a YYYYMMDDHHMMSSZ KerberosTime");
            if c.len() != 15 || c[14] != b'Z' || !c[..14].iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            let n = |i: usize, len: usize| {
                c[i..i + len]
                    .iter()
                    .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'))
            };
            let (y, mo, d, h, mi, s) = (n(0, 4), n(4, 2), n(6, 2), n(8, 2), n(10, 2), n(12, 2));
            if !(1..=12).contains(&mo)
                || d < 1
                || d > days_in_month(y, mo)
                || h > 23
                || mi > 59
                || s > 59
            {
                return Err(bad());
            }
            Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
        }

        /// KerberosFlags: bit 0 is the first (most significant) bit of the string.
        /// Bits past 31 are ignored, missing ones are 0 (MIT does the same).
        fn flags(&mut self, field: &'static str) -> Result<TicketFlags, KrbCredError> {
            let r = self.tlv(BIT_STRING, field, "BIT STRING")?;
            let offset = r.pos;
            let c = r.contents();
            match c.first() {
                None => return Err(self.bad(offset, field, "is an empty BIT STRING")),
                Some(&unused) if unused > 7 || (unused > 0 && c.len() == 1) => {
                    return Err(self.bad(offset, field, "has an invalid unused-bits count"));
                }
                Some(_) => {}
            }
            let mut v = [0u8; 4];
            for (dst, src) in v.iter_mut().zip(&c[1..]) {
                *dst = *src;
            }
            Ok(TicketFlags(u32::from_be_bytes(v)))
        }

        fn sequence(&mut self, field: &'static str) -> Result<Reader<'a>, KrbCredError> {
            self.tlv(SEQUENCE, field, "SEQUENCE")
        }

        fn principal_name(
            &mut self,
            field: &'static str,
        ) -> Result<(NameType, Vec<String>), KrbCredError> {
            let mut s = self.sequence(field)?;
            let name_type = s
                .required(0, "name-type")?
                .only("name-type", |r| r.int32("name-type"))?;
            let mut names = s
                .required(1, "name-string")?
                .only("name-string", |r| r.sequence("name-string"))?;
            let mut components = Vec::new();
            while !names.at_end() {
                components.push(names.string("name-string component")?);
            }
            s.end_of_sequence(field)?;
            Ok((NameType(name_type), components))
        }

        fn encrypted_data(&mut self, field: &'static str) -> Result<EncryptedData, KrbCredError> {
            let mut s = self.sequence(field)?;
            let etype = s
                .required(0, "etype")?
                .only("etype", |r| r.int32("etype"))?;
            let kvno = match s.optional(1, "kvno")? {
                Some(r) => Some(r.only("kvno", |r| r.uint32("kvno"))?),
                None => None,
            };
            let cipher = s
                .required(2, "cipher")?
                .only("cipher", |r| r.octets("cipher"))?;
            s.end_of_sequence(field)?;
            Ok(EncryptedData {
                etype: Enctype(etype),
                kvno,
                cipher: cipher.to_vec(),
            })
        }

        /// One Ticket, decoded by the ticket module from its DER.
        fn ticket(&mut self, index: usize) -> Result<Ticket, KrbCredError> {
            let offset = self.pos;
            self.tlv(APP_TICKET, "Ticket", "[APPLICATION 1]")?;
            ticket::parse_ticket(&self.buf[offset..self.pos]).map_err(|source| {
                KrbCredError::Ticket {
                    index,
                    offset,
                    source,
                }
            })
        }

        /// HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }
        fn host_address(&mut self, field: &'static str) -> Result<(), KrbCredError> {
            let mut s = self.sequence(field)?;
            s.required(0, "addr-type")?
                .only("addr-type", |r| r.int32("addr-type"))?;
            s.required(1, "address")?
                .only("address", |r| r.octets("address"))?;
            s.end_of_sequence(field)
        }
    }

    pub fn read_krb_cred(r: &mut Reader<'_>) -> Result<super::KrbCred, KrbCredError> {
        let mut app = r.tlv(APP_KRB_CRED, "KRB-CRED", "[APPLICATION 22]")?;
        let mut s = app.sequence("KRB-CRED")?;
        app.end_of_sequence("KRB-CRED")?;
        let pvno_offset = s.pos;
        if s.required(0, "pvno")?.only("pvno", |r| r.integer("pvno"))? != 5 {
            return Err(s.bad(pvno_offset, "pvno", "is not 5"));
        }
        let type_offset = s.pos;
        if s.required(1, "msg-type")?
            .only("msg-type", |r| r.integer("msg-type"))?
            != 22
        {
            return Err(s.bad(type_offset, "msg-type", "is not 22 (KRB-CRED)"));
        }
        let mut list = s
            .required(2, "tickets")?
            .only("tickets", |r| r.sequence("tickets"))?;
        let mut tickets = Vec::new();
        while !list.at_end() {
            tickets.push(list.ticket(tickets.len())?);
        }
        let enc_part = s
            .required(3, "enc-part")?
            .only("enc-part", |r| r.encrypted_data("enc-part"))?;
        s.end_of_sequence("KRB-CRED")?;
        Ok(super::KrbCred { tickets, enc_part })
    }

    pub fn read_enc_krb_cred_part(r: &mut Reader<'_>) -> Result<Vec<KrbCredInfo>, KrbCredError> {
        let mut app = r.tlv(APP_ENC_KRB_CRED_PART, "EncKrbCredPart", "[APPLICATION 29]")?;
        let mut s = app.sequence("EncKrbCredPart")?;
        app.end_of_sequence("EncKrbCredPart")?;
        let mut list = s
            .required(0, "ticket-info")?
            .only("ticket-info", |r| r.sequence("ticket-info"))?;
        let mut infos = Vec::new();
        while !list.at_end() {
            infos.push(read_cred_info(&mut list)?);
        }
        if let Some(r) = s.optional(1, "nonce")? {
            r.only("nonce", |r| r.uint32("nonce"))?;
        }
        if let Some(r) = s.optional(2, "timestamp")? {
            r.only("timestamp", |r| r.time("timestamp"))?;
        }
        if let Some(r) = s.optional(3, "usec")? {
            r.only("usec", |r| r.int32("usec"))?;
        }
        if let Some(r) = s.optional(4, "s-address")? {
            r.only("s-address", |r| r.host_address("s-address"))?;
        }
        if let Some(r) = s.optional(5, "r-address")? {
            r.only("r-address", |r| r.host_address("r-address"))?;
        }
        s.end_of_sequence("EncKrbCredPart")?;
        Ok(infos)
    }

    fn read_cred_info(list: &mut Reader<'_>) -> Result<KrbCredInfo, KrbCredError> {
        let mut s = list.sequence("KrbCredInfo")?;
        let key = s.required(0, "key")?.only("key", |r| {
            let mut k = r.sequence("key")?;
            let keytype = k
                .required(0, "keytype")?
                .only("keytype", |r| r.int32("keytype"))?;
            let value = k
                .required(1, "keyvalue")?
                .only("keyvalue", |r| r.octets("keyvalue"))?;
            k.end_of_sequence("key")?;
            Ok(Key::new(Enctype(keytype), value.to_vec()))
        })?;
        let prealm = opt(&mut s, 1, "prealm", |r| r.string("prealm"))?;
        let pname = opt(&mut s, 2, "pname", |r| r.principal_name("pname"))?;
        let flags = opt(&mut s, 3, "flags", |r| r.flags("flags"))?;
        let authtime = opt(&mut s, 4, "authtime", |r| r.time("authtime"))?;
        let starttime = opt(&mut s, 5, "starttime", |r| r.time("starttime"))?;
        let endtime = opt(&mut s, 6, "endtime", |r| r.time("endtime"))?;
        let renew_till = opt(&mut s, 7, "renew-till", |r| r.time("renew-till"))?;
        let srealm = opt(&mut s, 8, "srealm", |r| r.string("srealm"))?;
        let sname = opt(&mut s, 9, "sname", |r| r.principal_name("sname"))?;
        opt(&mut s, 10, "caddr", |r| {
            let mut addrs = r.sequence("caddr")?;
            while !addrs.at_end() {
                addrs.host_address("caddr address")?;
            }
            Ok(())
        })?;
        s.end_of_sequence("KrbCredInfo")?;
        let principal = |name: Option<(NameType, Vec<String>)>, realm: Option<String>| {
            name.map(|(name_type, components)| Principal {
                name_type,
                components,
                realm: realm.unwrap_or_default(),
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

    fn opt<'a, T>(
        s: &mut Reader<'a>,
        n: u8,
        field: &'static str,
        read: impl FnOnce(&mut Reader<'a>) -> Result<T, KrbCredError>,
    ) -> Result<Option<T>, KrbCredError> {
        match s.optional(n, field)? {
            Some(r) => Ok(Some(r.only(field, read)?)),
            None => Ok(None),
        }
    }

    fn days_in_month(y: i64, m: i64) -> i64 {
        match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of a day count since 1970-01-01.
    fn civil_from_days(z: i64) -> (i64, i64, i64) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }

    /// Seconds since the epoch that a 4-digit-year KerberosTime can hold.
    pub const MIN_TIME: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    pub const MAX_TIME: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

    // ------------------------------------------------------------------ writer
    //
    // Every buffer is a Zeroizing<Vec<u8>> sized exactly before it is filled: the
    // EncKrbCredPart carries session keys.

    type Buf = Zeroizing<Vec<u8>>;

    fn len_of_len(len: usize) -> usize {
        match len {
            0..=0x7f => 1,
            0x80..=0xff => 2,
            0x100..=0xffff => 3,
            0x1_0000..=0xff_ffff => 4,
            _ => 5,
        }
    }

    /// tag + length + the concatenation of `parts`. (Lengths are written in at most
    /// 4 bytes, as the reader accepts: no Kerberos message comes near 4 GiB.)
    fn tlv(tag: u8, parts: &[&[u8]]) -> Buf {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let mut out = Zeroizing::new(Vec::with_capacity(1 + len_of_len(len) + len));
        out.push(tag);
        match len_of_len(len) {
            1 => out.push(len as u8),
            n => {
                out.push(0x80 | (n - 1) as u8);
                out.extend_from_slice(&(len as u32).to_be_bytes()[5 - n..]);
            }
        }
        for p in parts {
            out.extend_from_slice(p);
        }
        out
    }

    fn explicit(n: u8, inner: &[u8]) -> Buf {
        tlv(ctx(n), &[inner])
    }

    fn integer(v: i64) -> Buf {
        let bytes = v.to_be_bytes();
        let mut start = 0;
        while start < 7
            && ((bytes[start] == 0 && bytes[start + 1] & 0x80 == 0)
                || (bytes[start] == 0xff && bytes[start + 1] & 0x80 != 0))
        {
            start += 1;
        }
        tlv(INTEGER, &[&bytes[start..]])
    }

    fn string(s: &str) -> Buf {
        tlv(GENERAL_STRING, &[s.as_bytes()])
    }

    fn time(t: i64) -> Result<Buf, KrbCredError> {
        if !(MIN_TIME..=MAX_TIME).contains(&t) {
            return Err(KrbCredError::NotEncodable {
                problem: "a time is outside years 0000 to 9999 (KerberosTime has 4 year digits)",
            });
        }
        let (y, m, d) = civil_from_days(t.div_euclid(86_400));
        let secs = t.rem_euclid(86_400);
        let text = format!(
            "{y:04}{m:02}{d:02}{:02}{:02}{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        Ok(tlv(GENERALIZED_TIME, &[text.as_bytes()]))
    }

    fn principal_name(p: &Principal) -> Buf {
        let names: Vec<Buf> = p.components.iter().map(|c| string(c)).collect();
        let names: Vec<&[u8]> = names.iter().map(|b| b.as_slice()).collect();
        let seq = tlv(SEQUENCE, &names);
        tlv(
            SEQUENCE,
            &[
                &explicit(0, &integer(i64::from(p.name_type.0))),
                &explicit(1, &seq),
            ],
        )
    }

    fn encrypted_data(e: &EncryptedData) -> Buf {
        let etype = explicit(0, &integer(i64::from(e.etype.0)));
        let kvno = e.kvno.map(|k| explicit(1, &integer(i64::from(k))));
        let cipher = explicit(2, &tlv(OCTET_STRING, &[&e.cipher]));
        let mut parts: Vec<&[u8]> = vec![&etype];
        if let Some(k) = &kvno {
            parts.push(k);
        }
        parts.push(&cipher);
        tlv(SEQUENCE, &parts)
    }

    pub fn write_krb_cred(tickets: &[Ticket], enc_part: &EncryptedData) -> Vec<u8> {
        let tickets: Vec<Vec<u8>> = tickets.iter().map(ticket::encode_ticket).collect();
        let tickets: Vec<&[u8]> = tickets.iter().map(|b| b.as_slice()).collect();
        let seq = tlv(
            SEQUENCE,
            &[
                &explicit(0, &integer(5)),
                &explicit(1, &integer(22)),
                &explicit(2, &tlv(SEQUENCE, &tickets)),
                &explicit(3, &encrypted_data(enc_part)),
            ],
        );
        tlv(APP_KRB_CRED, &[&seq]).to_vec()
    }

    fn cred_info(i: &KrbCredInfo) -> Result<Buf, KrbCredError> {
        let key = tlv(
            SEQUENCE,
            &[
                &explicit(0, &integer(i64::from(i.key.enctype().0))),
                &explicit(1, &tlv(OCTET_STRING, &[i.key.expose()])),
            ],
        );
        let mut fields: Vec<Buf> = vec![explicit(0, &key)];
        if let Some(c) = &i.client {
            fields.push(explicit(1, &string(&c.realm)));
            fields.push(explicit(2, &principal_name(c)));
        }
        if let Some(f) = i.flags {
            let b = f.0.to_be_bytes();
            fields.push(explicit(3, &tlv(BIT_STRING, &[&[0], &b])));
        }
        for (n, t) in [
            (4, i.authtime),
            (5, i.starttime),
            (6, i.endtime),
            (7, i.renew_till),
        ] {
            if let Some(t) = t {
                fields.push(explicit(n, &time(t)?));
            }
        }
        if let Some(s) = &i.server {
            fields.push(explicit(8, &string(&s.realm)));
            fields.push(explicit(9, &principal_name(s)));
        }
        let fields: Vec<&[u8]> = fields.iter().map(|b| b.as_slice()).collect();
        Ok(tlv(SEQUENCE, &fields))
    }

    pub fn write_enc_krb_cred_part(infos: &[KrbCredInfo]) -> Result<Buf, KrbCredError> {
        let infos = infos
            .iter()
            .map(cred_info)
            .collect::<Result<Vec<Buf>, _>>()?;
        let infos: Vec<&[u8]> = infos.iter().map(|b| b.as_slice()).collect();
        let seq = tlv(SEQUENCE, &[&explicit(0, &tlv(SEQUENCE, &infos))]);
        Ok(tlv(APP_ENC_KRB_CRED_PART, &[&seq]))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn civil_round_trip() {
            for t in [MIN_TIME, -1, 0, 951_782_400, 1_700_000_000, MAX_TIME] {
                let (y, m, d) = civil_from_days(t.div_euclid(86_400));
                assert_eq!(days_from_civil(y, m, d) * 86_400 + t.rem_euclid(86_400), t);
            }
            assert_eq!(civil_from_days(0), (1970, 1, 1));
            assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        }

        #[test]
        fn integers_minimal() {
            for (v, der) in [
                (0i64, &[2, 1, 0][..]),
                (127, &[2, 1, 127]),
                (128, &[2, 2, 0, 128]),
                (-1, &[2, 1, 0xff]),
                (-129, &[2, 2, 0xff, 0x7f]),
            ] {
                assert_eq!(integer(v).as_slice(), der);
                let mut r = Reader::new(der, KrbCredPart::KrbCred);
                assert_eq!(r.integer("x").unwrap(), v);
            }
        }
    }
}

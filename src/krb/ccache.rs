//! MIT credential cache file format, versions 3 and 4
//! (krb5 `doc/formats/ccache_file_format.rst`, `cc_file.c`, `ccmarshal.c`).
//!
//! ```text
//! file       ::= 0x05 version header? principal credential*   version: 0x03 or 0x04
//!                                                            credentials run to end of file
//! header     ::= length(u16) field*                           v4 only; the fields fill exactly
//!                                                            `length` bytes (at most 1024)
//! field      ::= tag(u16) len(u16) value(len bytes)           tag 1 (KDC time offset): len 8
//! principal  ::= name_type(u32) count(u32) realm(data) component(data)*count
//! credential ::= client(principal) server(principal)
//!                enctype(u16) [enctype(u16) again in v3]     keyblock
//!                key(data)
//!                authtime(u32) starttime(u32) endtime(u32) renew_till(u32)
//!                is_skey(u8)                                 0 or 1
//!                ticket_flags(u32)                           bit 0 (forwardable ...) is the MSB
//!                count(u32) (addrtype(u16) address(data))*count
//!                count(u32) (ad_type(u16) ad_data(data))*count
//!                ticket(data) second_ticket(data)
//! data       ::= length(u32) bytes
//! ```
//!
//! All integers are big-endian. Versions 0x0501 and 0x0502 are in the writer's
//! native byte order and are refused ([`CcacheError::UnsupportedVersion`]); nothing
//! has written them by default since MIT krb5 1.0.
//!
//! Where MIT is looser or stricter than spnkt:
//! - MIT stops listing silently at a truncated trailing credential (`KRB5_CC_END`);
//!   spnkt returns a [`CcacheError`] with the byte offset instead of a partial cache.
//! - MIT reads any non-zero `is_skey` byte as true; spnkt only accepts 0 and 1 so
//!   that [`write()`] reproduces every v4 file it accepts byte for byte (in v3 the
//!   second copy of each enctype, which MIT ignores, is rewritten as the first).
//! - Realms and components must be UTF-8 here (spnkt's [`Principal`] holds
//!   `String`s); anything else is [`CcacheError::InvalidUtf8`] with the offset.
//! - The keyblock enctype is read as a signed 16-bit number and sign-extended, as
//!   `keytab.rs`, Heimdal and MIT before 1.13 do. MIT 1.13+ (`ccmarshal.c`) zero-extends
//!   it instead, so for enctypes 0x8000..=0xFFFF (none is assigned to a real cipher)
//!   `klist` prints e.g. `etype 65408` where spnkt says `etype -128`.
//! - Like MIT, a header longer than 1024 bytes and a time-offset field (tag 1) whose
//!   length is not 8 are format errors; other header tags are kept verbatim.
//! - Configuration entries (`X-CACHECONF:` server realm) are ordinary credentials
//!   here; see [`Credential::is_config`].

use std::fmt;

use zeroize::Zeroizing;

use super::ticket::TicketFlags;
use super::{Enctype, Key, NameType, Principal};

const MAGIC: u8 = 0x05;
/// MIT `open_cache_file`: a longer v4 header is `KRB5_CC_FORMAT`.
pub const MAX_HEADER_LEN: usize = 1024;
/// v4 header tag for the KDC time offset (two u32: seconds, microseconds).
pub const TAG_KDC_TIME_OFFSET: u16 = 1;
/// The realm MIT gives the server principal of cache configuration entries.
pub const CONFIG_REALM: &str = "X-CACHECONF:";

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ccache {
    /// 3 or 4 (0x0503 / 0x0504).
    pub version: u8,
    /// v4 header fields (tag, value), e.g. tag 1 = KDC time offset; empty for v3.
    pub header: Vec<(u16, Vec<u8>)>,
    pub default_principal: Principal,
    pub credentials: Vec<Credential>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Credential {
    pub client: Principal,
    pub server: Principal,
    pub key: Key,
    pub authtime: u32,
    pub starttime: u32,
    pub endtime: u32,
    pub renew_till: u32,
    pub is_skey: bool,
    pub flags: TicketFlags,
    /// (addrtype, address)
    pub addresses: Vec<(u16, Vec<u8>)>,
    /// (ad_type, data)
    pub authdata: Vec<(u16, Vec<u8>)>,
    /// DER Ticket.
    pub ticket: Vec<u8>,
    pub second_ticket: Vec<u8>,
}

impl Credential {
    /// MIT stores cache configuration as fake credentials for `X-CACHECONF:` principals.
    pub fn is_config(&self) -> bool {
        self.server.realm == CONFIG_REALM
    }

    /// For a configuration entry, its key (`fast_avail`, `pa_type`, ...): the second
    /// component of `krb5_ccache_conf_data/KEY[/PRINCIPAL]@X-CACHECONF:`.
    pub fn config_key(&self) -> Option<&str> {
        match self.server.components.as_slice() {
            [first, key, ..] if self.is_config() && first == "krb5_ccache_conf_data" => {
                Some(key.as_str())
            }
            _ => None,
        }
    }
}

impl Ccache {
    /// The KDC time offset (seconds, microseconds) from header tag 1, if present.
    pub fn kdc_time_offset(&self) -> Option<(i32, i32)> {
        self.header
            .iter()
            .find(|(tag, _)| *tag == TAG_KDC_TIME_OFFSET)
            .and_then(|(_, v)| {
                let v: &[u8; 8] = v.as_slice().try_into().ok()?;
                Some((
                    i32::from_be_bytes([v[0], v[1], v[2], v[3]]),
                    i32::from_be_bytes([v[4], v[5], v[6], v[7]]),
                ))
            })
    }

    /// Check that [`write()`] can encode this cache so that [`parse()`] reads it back
    /// equal: version 3 or 4, no header in v3, a v4 header of at most 1024 bytes with
    /// an 8-byte tag-1 value, enctypes in -32768..=32767, lengths and counts that fit
    /// their 32-bit fields.
    pub fn check_writable(&self) -> Result<(), CcacheError> {
        self.check_writable_as(self.version)
    }

    fn check_writable_as(&self, version: u8) -> Result<(), CcacheError> {
        let fail = |credential, problem| {
            Err(CcacheError::NotWritable {
                credential,
                problem,
            })
        };
        match version {
            3 if !self.header.is_empty() => {
                return fail(None, "a version 3 ccache has no header fields");
            }
            3 | 4 => {}
            _ => return fail(None, "only ccache versions 3 and 4 can be written"),
        }
        if header_len(&self.header) > MAX_HEADER_LEN {
            return fail(None, "the header is longer than the 1024 bytes MIT reads");
        }
        if self
            .header
            .iter()
            .any(|(t, v)| *t == TAG_KDC_TIME_OFFSET && v.len() != 8)
        {
            return fail(None, "header tag 1 (KDC time offset) must hold 8 bytes");
        }
        let principal_ok = |p: &Principal| {
            p.components.len() <= u32::MAX as usize
                && fits_u32(p.realm.len())
                && p.components.iter().all(|c| fits_u32(c.len()))
        };
        if !principal_ok(&self.default_principal) {
            return fail(None, "the default principal has a field longer than 4 GiB");
        }
        for (i, c) in self.credentials.iter().enumerate() {
            if !principal_ok(&c.client) || !principal_ok(&c.server) {
                return fail(Some(i), "a principal has a field longer than 4 GiB");
            }
            if i16::try_from(c.key.enctype().0).is_err() {
                return fail(
                    Some(i),
                    "the enctype number does not fit the signed 16-bit ccache field",
                );
            }
            let lists_ok = |l: &[(u16, Vec<u8>)]| {
                fits_u32(l.len()) && l.iter().all(|(_, d)| fits_u32(d.len()))
            };
            if !fits_u32(c.key.len())
                || !lists_ok(&c.addresses)
                || !lists_ok(&c.authdata)
                || !fits_u32(c.ticket.len())
                || !fits_u32(c.second_ticket.len())
            {
                return fail(
                    Some(i),
                    "a field is longer than the 4 GiB a ccache field can hold",
                );
            }
        }
        Ok(())
    }
}

fn fits_u32(n: usize) -> bool {
    u32::try_from(n).is_ok()
}

/// Which field an error is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CcacheField {
    Version,
    HeaderLength,
    /// A v4 header field (tag, length and value).
    HeaderField,
    NameType,
    ComponentCount,
    Realm,
    /// A name component, by 0-based index.
    Component(u32),
    Enctype,
    Key,
    Times,
    IsSkey,
    TicketFlags,
    AddressCount,
    /// An address, by 0-based index.
    Address(u32),
    AuthdataCount,
    /// An authorization data element, by 0-based index.
    Authdata(u32),
    Ticket,
    SecondTicket,
}

impl fmt::Display for CcacheField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CcacheField::Version => f.write_str("version"),
            CcacheField::HeaderLength => f.write_str("header length"),
            CcacheField::HeaderField => f.write_str("header field"),
            CcacheField::NameType => f.write_str("principal name type"),
            CcacheField::ComponentCount => f.write_str("principal component count"),
            CcacheField::Realm => f.write_str("realm"),
            CcacheField::Component(i) => write!(f, "name component {i} (0-based)"),
            CcacheField::Enctype => f.write_str("key enctype"),
            CcacheField::Key => f.write_str("key"),
            CcacheField::Times => f.write_str("ticket times"),
            CcacheField::IsSkey => f.write_str("is_skey byte"),
            CcacheField::TicketFlags => f.write_str("ticket flags"),
            CcacheField::AddressCount => f.write_str("address count"),
            CcacheField::Address(i) => write!(f, "address {i} (0-based)"),
            CcacheField::AuthdataCount => f.write_str("authorization data count"),
            CcacheField::Authdata(i) => write!(f, "authorization data element {i} (0-based)"),
            CcacheField::Ticket => f.write_str("ticket"),
            CcacheField::SecondTicket => f.write_str("second ticket"),
        }
    }
}

/// Where in the file: the default principal (`None`) or credential `n` (0-based).
fn context(field: &CcacheField, credential: &Option<usize>) -> String {
    match credential {
        Some(n) => format!("the {field} of credential {n} (0-based)"),
        None if matches!(
            field,
            CcacheField::Version | CcacheField::HeaderLength | CcacheField::HeaderField
        ) =>
        {
            format!("the {field}")
        }
        None => format!("the {field} of the default principal"),
    }
}

/// Why a ccache could not be read (every variant but `NotWritable` carries the byte
/// offset in the file where the problem is) or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CcacheError {
    #[error(
        "the ccache is truncated at byte offset {offset}: {what} needs {needed} bytes but only {available} remain",
        what = context(.field, .credential)
    )]
    Truncated {
        offset: usize,
        field: CcacheField,
        credential: Option<usize>,
        needed: u64,
        available: usize,
    },
    #[error(
        "not a ccache: byte offset 0 holds 0x{found:02x} instead of the credential cache magic byte 0x05"
    )]
    BadMagic { found: u8 },
    #[error(
        "the ccache version at byte offset 1 is 0x05{found:02x}; only 0x0503 and 0x0504 are supported (0x0501 and 0x0502 are in the writing host's byte order)"
    )]
    UnsupportedVersion { found: u8 },
    #[error("the ccache header length at byte offset 2 is {length} bytes; MIT reads at most 1024")]
    HeaderTooLong { length: u16 },
    #[error(
        "the ccache header field at byte offset {offset} does not fit in the {remaining} header bytes left"
    )]
    HeaderFieldOverrun { offset: usize, remaining: usize },
    #[error(
        "the ccache KDC time offset header field at byte offset {offset} is {length} bytes long instead of 8"
    )]
    BadTimeOffsetLength { offset: usize, length: u16 },
    #[error(
        "{what} at ccache byte offset {offset} is {count}, more than the {remaining} bytes left in the file could hold",
        what = context(.field, .credential)
    )]
    CountTooLarge {
        offset: usize,
        field: CcacheField,
        credential: Option<usize>,
        count: u32,
        remaining: usize,
    },
    #[error(
        "{what} in the ccache is not valid UTF-8 (invalid byte at offset {offset}); spnkt only handles UTF-8 principal names",
        what = context(.field, .credential)
    )]
    InvalidUtf8 {
        offset: usize,
        field: CcacheField,
        credential: Option<usize>,
    },
    #[error(
        "the is_skey byte of credential {credential} (0-based) at ccache byte offset {offset} is {found}; only 0 and 1 are valid"
    )]
    BadIsSkey {
        offset: usize,
        credential: usize,
        found: u8,
    },
    #[error("the ccache cannot be written: {problem}{}", .credential.map(|c| format!(" (credential {c}, 0-based)")).unwrap_or_default())]
    NotWritable {
        credential: Option<usize>,
        problem: &'static str,
    },
}

impl CcacheError {
    /// The byte offset in the file the error is about (`None` for `NotWritable`).
    pub fn offset(&self) -> Option<usize> {
        match *self {
            CcacheError::BadMagic { .. } => Some(0),
            CcacheError::UnsupportedVersion { .. } => Some(1),
            CcacheError::HeaderTooLong { .. } => Some(2),
            CcacheError::Truncated { offset, .. }
            | CcacheError::HeaderFieldOverrun { offset, .. }
            | CcacheError::BadTimeOffsetLength { offset, .. }
            | CcacheError::CountTooLarge { offset, .. }
            | CcacheError::InvalidUtf8 { offset, .. }
            | CcacheError::BadIsSkey { offset, .. } => Some(offset),
            CcacheError::NotWritable { .. } => None,
        }
    }
}

/// Bounds-checked big-endian cursor; offsets are absolute in the file.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// The credential being read (`None`: header or default principal).
    credential: Option<usize>,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: u64, field: CcacheField) -> Result<&'a [u8], CcacheError> {
        let available = self.remaining();
        match usize::try_from(n) {
            Ok(n) if n <= available => {
                let s = &self.buf[self.pos..self.pos + n];
                self.pos += n;
                Ok(s)
            }
            _ => Err(CcacheError::Truncated {
                offset: self.pos,
                field,
                credential: self.credential,
                needed: n,
                available,
            }),
        }
    }

    fn array<const N: usize>(&mut self, field: CcacheField) -> Result<[u8; N], CcacheError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N as u64, field)?);
        Ok(a)
    }

    fn u16(&mut self, field: CcacheField) -> Result<u16, CcacheError> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    fn u32(&mut self, field: CcacheField) -> Result<u32, CcacheError> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    /// A u32-length counted byte string. The length is checked against the bytes
    /// left before anything is allocated.
    fn data(&mut self, field: CcacheField) -> Result<&'a [u8], CcacheError> {
        let len = self.u32(field)?;
        self.take(u64::from(len), field)
    }

    fn string(&mut self, field: CcacheField) -> Result<String, CcacheError> {
        let bytes = self.data(field)?;
        let start = self.pos - bytes.len();
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(CcacheError::InvalidUtf8 {
                offset: start + e.valid_up_to(),
                field,
                credential: self.credential,
            }),
        }
    }

    /// A u32 count of items each at least `min_item` bytes long: refuse counts the
    /// rest of the file cannot hold (MIT's "sanity check to avoid large allocations").
    fn count(&mut self, field: CcacheField, min_item: usize) -> Result<u32, CcacheError> {
        let offset = self.pos;
        let count = self.u32(field)?;
        let remaining = self.remaining();
        if count as usize > remaining / min_item {
            return Err(CcacheError::CountTooLarge {
                offset,
                field,
                credential: self.credential,
                count,
                remaining,
            });
        }
        Ok(count)
    }

    fn principal(&mut self) -> Result<Principal, CcacheError> {
        let name_type = NameType(self.u32(CcacheField::NameType)? as i32);
        // The realm and each component take at least their 4-byte length.
        let count = self.count(CcacheField::ComponentCount, 4)?;
        let realm = self.string(CcacheField::Realm)?;
        let mut components = Vec::with_capacity(count as usize);
        for i in 0..count {
            components.push(self.string(CcacheField::Component(i))?);
        }
        Ok(Principal {
            name_type,
            components,
            realm,
        })
    }

    /// `count(u32) (type(u16) data)*count`, as addresses and authdata are stored.
    fn typed_list(
        &mut self,
        count_field: CcacheField,
        item: fn(u32) -> CcacheField,
    ) -> Result<Vec<(u16, Vec<u8>)>, CcacheError> {
        let count = self.count(count_field, 6)?;
        let mut list = Vec::with_capacity(count as usize);
        for i in 0..count {
            let t = self.u16(item(i))?;
            list.push((t, self.data(item(i))?.to_vec()));
        }
        Ok(list)
    }

    fn credential(&mut self, version: u8) -> Result<Credential, CcacheError> {
        let client = self.principal()?;
        let server = self.principal()?;
        // MIT before 1.13 and Heimdal: `(krb5_int16)` - sign-extended.
        let enctype = Enctype(i32::from(self.u16(CcacheField::Enctype)? as i16));
        if version == 3 {
            self.u16(CcacheField::Enctype)?; // the old "keytype": MIT ignores it
        }
        let key = Key::new(enctype, self.data(CcacheField::Key)?.to_vec());
        let t: [u8; 16] = self.array(CcacheField::Times)?;
        let time = |i: usize| u32::from_be_bytes([t[i], t[i + 1], t[i + 2], t[i + 3]]);
        let skey_offset = self.pos;
        let is_skey = match self.array::<1>(CcacheField::IsSkey)?[0] {
            0 => false,
            1 => true,
            found => {
                return Err(CcacheError::BadIsSkey {
                    offset: skey_offset,
                    credential: self.credential.unwrap_or_default(),
                    found,
                });
            }
        };
        let flags = TicketFlags(self.u32(CcacheField::TicketFlags)?);
        let addresses = self.typed_list(CcacheField::AddressCount, CcacheField::Address)?;
        let authdata = self.typed_list(CcacheField::AuthdataCount, CcacheField::Authdata)?;
        let ticket = self.data(CcacheField::Ticket)?.to_vec();
        let second_ticket = self.data(CcacheField::SecondTicket)?.to_vec();
        Ok(Credential {
            client,
            server,
            key,
            authtime: time(0),
            starttime: time(4),
            endtime: time(8),
            renew_till: time(12),
            is_skey,
            flags,
            addresses,
            authdata,
            ticket,
            second_ticket,
        })
    }
}

/// Parse a whole version 3 or 4 ccache file.
pub fn parse(bytes: &[u8]) -> Result<Ccache, CcacheError> {
    let mut r = Reader {
        buf: bytes,
        pos: 0,
        credential: None,
    };
    let [magic, version] = r.array(CcacheField::Version)?;
    if magic != MAGIC {
        return Err(CcacheError::BadMagic { found: magic });
    }
    if version != 3 && version != 4 {
        return Err(CcacheError::UnsupportedVersion { found: version });
    }
    let mut header = Vec::new();
    if version == 4 {
        let length = r.u16(CcacheField::HeaderLength)?;
        if usize::from(length) > MAX_HEADER_LEN {
            return Err(CcacheError::HeaderTooLong { length });
        }
        // Truncation of the header as a whole is reported before its fields.
        let start = r.pos;
        r.take(u64::from(length), CcacheField::HeaderLength)?;
        let end = r.pos;
        r.pos = start;
        while r.pos < end {
            let offset = r.pos;
            let left = end - r.pos;
            if left < 4 {
                return Err(CcacheError::HeaderFieldOverrun {
                    offset,
                    remaining: left,
                });
            }
            let tag = r.u16(CcacheField::HeaderField)?;
            let len = r.u16(CcacheField::HeaderField)?;
            if usize::from(len) > left - 4 {
                return Err(CcacheError::HeaderFieldOverrun {
                    offset,
                    remaining: left,
                });
            }
            if tag == TAG_KDC_TIME_OFFSET && len != 8 {
                return Err(CcacheError::BadTimeOffsetLength {
                    offset,
                    length: len,
                });
            }
            header.push((
                tag,
                r.take(u64::from(len), CcacheField::HeaderField)?.to_vec(),
            ));
        }
    }
    let default_principal = r.principal()?;
    let mut credentials = Vec::new();
    while r.pos < bytes.len() {
        r.credential = Some(credentials.len());
        credentials.push(r.credential(version)?);
    }
    Ok(Ccache {
        version,
        header,
        default_principal,
        credentials,
    })
}

fn header_len(header: &[(u16, Vec<u8>)]) -> usize {
    header.iter().map(|(_, v)| 4 + v.len()).sum()
}

fn principal_len(p: &Principal) -> usize {
    8 + 4 + p.realm.len() + p.components.iter().map(|c| 4 + c.len()).sum::<usize>()
}

fn list_len(l: &[(u16, Vec<u8>)]) -> usize {
    4 + l.iter().map(|(_, d)| 6 + d.len()).sum::<usize>()
}

fn credential_len(c: &Credential, version: u8) -> usize {
    principal_len(&c.client)
        + principal_len(&c.server)
        + if version == 3 { 4 } else { 2 }
        + 4
        + c.key.len()
        + 16 // times
        + 1 // is_skey
        + 4 // flags
        + list_len(&c.addresses)
        + list_len(&c.authdata)
        + 4
        + c.ticket.len()
        + 4
        + c.second_ticket.len()
}

fn put_data(out: &mut Vec<u8>, d: &[u8]) {
    out.extend_from_slice(&(d.len() as u32).to_be_bytes());
    out.extend_from_slice(d);
}

fn put_principal(out: &mut Vec<u8>, p: &Principal) {
    out.extend_from_slice(&p.name_type.0.to_be_bytes());
    out.extend_from_slice(&(p.components.len() as u32).to_be_bytes());
    put_data(out, p.realm.as_bytes());
    for c in &p.components {
        put_data(out, c.as_bytes());
    }
}

/// Serialise (version 4 unless `ccache.version` is 3), as MIT's `k5_marshal_cred`
/// does: in v3 the enctype is written twice; v3 has no header.
///
/// The buffer is sized up front so no unzeroized copy of the keys is left behind by
/// a reallocation.
///
/// # Panics
/// If [`Ccache::check_writable`] fails for a version 3 or 4 cache (a caller bug:
/// call it first on values that did not come from [`parse()`]). Any other version is
/// written as version 4.
pub fn write(ccache: &Ccache) -> Zeroizing<Vec<u8>> {
    let version = if ccache.version == 3 { 3 } else { 4 };
    if let Err(e) = ccache.check_writable_as(version) {
        panic!("{e}");
    }
    let total =
        2 + if version == 4 {
            2 + header_len(&ccache.header)
        } else {
            0
        } + principal_len(&ccache.default_principal)
            + ccache
                .credentials
                .iter()
                .map(|c| credential_len(c, version))
                .sum::<usize>();
    let mut out = Zeroizing::new(Vec::with_capacity(total));
    out.extend_from_slice(&[MAGIC, version]);
    if version == 4 {
        out.extend_from_slice(&(header_len(&ccache.header) as u16).to_be_bytes());
        for (tag, value) in &ccache.header {
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&(value.len() as u16).to_be_bytes());
            out.extend_from_slice(value);
        }
    }
    put_principal(&mut out, &ccache.default_principal);
    for c in &ccache.credentials {
        put_principal(&mut out, &c.client);
        put_principal(&mut out, &c.server);
        let enctype = (c.key.enctype().0 as i16).to_be_bytes();
        out.extend_from_slice(&enctype);
        if version == 3 {
            out.extend_from_slice(&enctype);
        }
        put_data(&mut out, c.key.expose());
        for t in [c.authtime, c.starttime, c.endtime, c.renew_till] {
            out.extend_from_slice(&t.to_be_bytes());
        }
        out.push(u8::from(c.is_skey));
        out.extend_from_slice(&c.flags.0.to_be_bytes());
        for list in [&c.addresses, &c.authdata] {
            out.extend_from_slice(&(list.len() as u32).to_be_bytes());
            for (t, d) in list {
                out.extend_from_slice(&t.to_be_bytes());
                put_data(&mut out, d);
            }
        }
        put_data(&mut out, &c.ticket);
        put_data(&mut out, &c.second_ticket);
    }
    debug_assert_eq!(out.len(), total);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(server: &str) -> Credential {
        Credential {
            client: Principal::parse("alice@R").unwrap(),
            server: Principal::parse(server).unwrap(),
            key: Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![9; 16]),
            authtime: 1,
            starttime: 2,
            endtime: 3,
            renew_till: 4,
            is_skey: false,
            flags: TicketFlags(0x5000_0000),
            addresses: vec![(2, vec![127, 0, 0, 1])],
            authdata: vec![],
            ticket: vec![0x61, 0],
            second_ticket: vec![],
        }
    }

    #[test]
    fn round_trip_v3_v4_exact_size() {
        for version in [3, 4] {
            let cc = Ccache {
                version,
                header: if version == 4 {
                    vec![(1, vec![0; 8])]
                } else {
                    vec![]
                },
                default_principal: Principal::parse("alice@R").unwrap(),
                credentials: vec![
                    cred("krbtgt/R@R"),
                    cred("krb5_ccache_conf_data/fast_avail@X-CACHECONF:"),
                ],
            };
            let bytes = write(&cc);
            assert_eq!(bytes.len(), bytes.capacity());
            assert_eq!(parse(&bytes).unwrap(), cc);
            assert!(!cc.credentials[0].is_config());
            assert!(cc.credentials[1].is_config());
            assert_eq!(cc.credentials[1].config_key(), Some("fast_avail"));
        }
    }
}

//! MIT keytab file format (krb5 `doc/formats/keytab_file_format.rst`, `kt_file.c`).
//!
//! ```text
//! file     ::= 0x05 version record*            version: 0x01 or 0x02 (one byte each)
//! record   ::= length(i32) body                length > 0: an entry in `length` bytes
//!                                              length < 0: a zero-filled hole of -length bytes
//!                                              length = 0 (or end of file): no more records
//! entry    ::= count(u16)                      name components; in v1 it also counts the realm
//!              realm(data) component(data)*count
//!              name_type(i32)                  v2 only; v1 entries read as KRB5_NT_PRINCIPAL
//!              timestamp(u32) kvno8(u8)
//!              enctype(i16) keylen(u16) key(keylen bytes)
//!              [kvno32(u32)]                   read when >= 4 bytes remain in the record;
//!                                              a non-zero value replaces kvno8
//!              ignored*                        anything after that up to the record length
//! data     ::= length(u16) bytes
//! ```
//!
//! Integers are big-endian in v2 (0x0502). In v1 (0x0501) they are in the byte order
//! of the host that wrote the file (MIT and Heimdal both read v1 in host order); see
//! [`parse`] for how spnkt decides. The header bytes are the same in both.
//!
//! Where MIT is looser or stricter than spnkt:
//! - MIT ends the listing silently at any malformed entry (`KRB5_KT_END`); spnkt
//!   returns a [`KeytabError`] with the byte offset instead of a partial keytab.
//! - MIT rejects empty strings and empty keys the same way; spnkt reads them (as
//!   Heimdal does) so that everything [`write()`] produces reads back.
//! - Components and realm must be UTF-8 here (spnkt's [`Principal`] holds `String`s);
//!   anything else is [`KeytabError::InvalidUtf8`] with the offset of the bad byte.
//! - The enctype is read as a signed 16-bit number and sign-extended, as MIT does
//!   (`(krb5_enctype)(krb5_int16)`), so `klist` and spnkt print the same number.

use std::fmt;

use super::{Enctype, Key, NameType, Principal};

const MAGIC: u8 = 0x05;

/// File format version found in the header (0x0501 or 0x0502).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeytabVersion {
    /// 0x0501: native byte order, component count includes the realm, no name type.
    V1,
    /// 0x0502: big-endian, with name type. The only version spnkt writes.
    V2,
}

/// One key: principal, timestamp, kvno and the key.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KeytabEntry {
    pub principal: Principal,
    /// Seconds since the Unix epoch when the key was written (caller-supplied).
    pub timestamp: u32,
    /// The full key version number (the 32-bit trailer when present, else the 8-bit field).
    pub kvno: u32,
    pub key: Key,
}

impl KeytabEntry {
    /// Whether this entry is for `principal` (components and realm compared exactly,
    /// name type ignored as MIT's `krb5_principal_compare` does) and, when given, has
    /// that kvno and enctype.
    pub fn matches(
        &self,
        principal: &Principal,
        kvno: Option<u32>,
        enctype: Option<Enctype>,
    ) -> bool {
        self.principal.realm == principal.realm
            && self.principal.components == principal.components
            && kvno.is_none_or(|k| k == self.kvno)
            && enctype.is_none_or(|e| e == self.key.enctype())
    }

    /// Same principal, kvno and enctype: the two cannot both stand in one keytab
    /// without one shadowing the other.
    pub fn same_slot(&self, other: &KeytabEntry) -> bool {
        self.matches(
            &other.principal,
            Some(other.kvno),
            Some(other.key.enctype()),
        )
    }
}

/// A parsed keytab: its version and its entries in file order (holes skipped).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Keytab {
    pub version: KeytabVersion,
    pub entries: Vec<KeytabEntry>,
}

impl Default for Keytab {
    fn default() -> Keytab {
        Keytab::new()
    }
}

impl Keytab {
    /// An empty version 0x0502 keytab.
    pub fn new() -> Keytab {
        Keytab {
            version: KeytabVersion::V2,
            entries: Vec::new(),
        }
    }

    /// Check that [`write()`] can encode every entry: at least one name component, at
    /// most 65535 of them, realm/components/key at most 65535 bytes each, an enctype
    /// in -32768..=32767 (the on-disk field is a signed 16-bit number).
    pub fn check_writable(&self) -> Result<(), KeytabError> {
        for (entry, e) in self.entries.iter().enumerate() {
            let problem = |problem| Err(KeytabError::NotWritable { entry, problem });
            let p = &e.principal;
            if p.components.is_empty() {
                return problem("the principal has no name components");
            }
            if p.components.len() > usize::from(u16::MAX) {
                return problem("the principal has more than 65535 name components");
            }
            if p.realm.len() > usize::from(u16::MAX) {
                return problem("the realm is longer than 65535 bytes");
            }
            if p.components.iter().any(|c| c.len() > usize::from(u16::MAX)) {
                return problem("a name component is longer than 65535 bytes");
            }
            if e.key.len() > usize::from(u16::MAX) {
                return problem("the key is longer than 65535 bytes");
            }
            if i16::try_from(e.key.enctype().0).is_err() {
                return problem("the enctype number does not fit the signed 16-bit keytab field");
            }
            if record_len(e) > i32::MAX as usize {
                return problem("the entry is larger than the 2 GiB a keytab record can hold");
            }
        }
        Ok(())
    }

    /// Add `entry` unless an identical one is there: `Ok(true)` when added,
    /// `Ok(false)` for an exact duplicate, `Err(index)` of the entry holding the same
    /// slot (principal, kvno, enctype) with another key, which would shadow it.
    pub fn merge_entry(&mut self, entry: KeytabEntry) -> Result<bool, usize> {
        match self.entries.iter().position(|e| e.same_slot(&entry)) {
            Some(i) if self.entries[i].key == entry.key => Ok(false),
            Some(i) => Err(i),
            None => {
                self.entries.push(entry);
                Ok(true)
            }
        }
    }
}

impl Keytab {
    /// Put `entry` in: an entry in the same slot (principal, kvno, enctype) is
    /// replaced in place, keeping the file order, else it is added at the end.
    /// Returns whether one was replaced (`ktutil addent` would add a shadowed twin).
    pub fn put_entry(&mut self, entry: KeytabEntry) -> bool {
        match self.entries.iter_mut().find(|old| old.same_slot(&entry)) {
            Some(old) => {
                *old = entry;
                true
            }
            None => {
                self.entries.push(entry);
                false
            }
        }
    }

    /// Take out the entries `selection` matches; each comes back with its 1-based
    /// slot as `klist -k` numbers it. The rest keep their order.
    pub fn remove_selected(&mut self, selection: &Selection) -> Vec<(usize, KeytabEntry)> {
        // Highest kvno per principal (components + realm), for `old_kvnos`.
        let mut newest: std::collections::HashMap<(&[String], &str), u32> =
            std::collections::HashMap::new();
        for e in &self.entries {
            let k = newest
                .entry((&e.principal.components, &e.principal.realm))
                .or_insert(e.kvno);
            *k = (*k).max(e.kvno);
        }
        let hit: Vec<bool> = self
            .entries
            .iter()
            .map(|e| {
                selection
                    .principal
                    .as_ref()
                    .is_none_or(|p| e.matches(p, None, None))
                    && selection.kvno.is_none_or(|k| k == e.kvno)
                    && selection.enctype.is_none_or(|t| t == e.key.enctype())
                    && (!selection.old_kvnos
                        || e.kvno < newest[&(&e.principal.components[..], &e.principal.realm[..])])
            })
            .collect();
        let mut removed = Vec::new();
        let mut kept = Vec::new();
        for (i, (e, hit)) in std::mem::take(&mut self.entries)
            .into_iter()
            .zip(hit)
            .enumerate()
        {
            if hit {
                removed.push((i + 1, e));
            } else {
                kept.push(e);
            }
        }
        self.entries = kept;
        removed
    }

    /// Entries that nearly name `wanted`: the same principal ignoring case or in
    /// another realm's letters, or the very same principal (then a kvno or enctype
    /// filter is what did not match). Each once, as `PRINCIPAL kvno N ENCTYPE`.
    pub fn near_misses(&self, wanted: &Principal) -> Vec<String> {
        let lower = |p: &Principal| {
            (
                p.components
                    .iter()
                    .map(|c| c.to_lowercase())
                    .collect::<Vec<_>>(),
                p.realm.to_lowercase(),
            )
        };
        let mut out: Vec<String> = self
            .entries
            .iter()
            .filter(|e| {
                wanted.components == e.principal.components || lower(wanted) == lower(&e.principal)
            })
            .map(|e| format!("{} kvno {} {}", e.principal, e.kvno, e.key.enctype()))
            .collect();
        out.dedup();
        out
    }
}

/// Which entries `spnkt keytab remove` takes out: all the given filters must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only this principal (components and realm exactly, name type ignored).
    pub principal: Option<Principal>,
    /// Only this kvno.
    pub kvno: Option<u32>,
    /// Only this enctype.
    pub enctype: Option<Enctype>,
    /// Only kvnos below the highest one its principal has in the keytab.
    pub old_kvnos: bool,
}

/// Which field of an entry an error is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeytabField {
    ComponentCount,
    Realm,
    /// A name component, by 0-based index.
    Component(u16),
    NameType,
    Timestamp,
    Kvno,
    Enctype,
    KeyLength,
    Key,
}

impl fmt::Display for KeytabField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeytabField::ComponentCount => f.write_str("component count"),
            KeytabField::Realm => f.write_str("realm"),
            KeytabField::Component(i) => write!(f, "name component {i} (0-based)"),
            KeytabField::NameType => f.write_str("name type"),
            KeytabField::Timestamp => f.write_str("timestamp"),
            KeytabField::Kvno => f.write_str("key version number"),
            KeytabField::Enctype => f.write_str("enctype"),
            KeytabField::KeyLength => f.write_str("key length"),
            KeytabField::Key => f.write_str("key"),
        }
    }
}

/// Why a keytab could not be read (every variant but `NotWritable` carries the byte
/// offset in the file where the problem is) or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeytabError {
    #[error(
        "the keytab is truncated at byte offset {offset}: {needed} bytes are needed there but only {available} remain"
    )]
    Truncated {
        offset: usize,
        needed: usize,
        available: usize,
    },
    #[error(
        "not a keytab: byte offset 0 holds 0x{found:02x} instead of the keytab magic byte 0x05"
    )]
    BadMagic { found: u8 },
    #[error(
        "the keytab version byte at byte offset 1 is 0x{found:02x} (format 0x05{found:02x}); only 0x0501 and 0x0502 are supported"
    )]
    UnsupportedVersion { found: u8 },
    #[error(
        "the keytab record at byte offset {offset} declares {record_len} bytes but only {remaining} bytes follow its length field"
    )]
    RecordOverrun {
        offset: usize,
        record_len: u32,
        remaining: usize,
    },
    #[error(
        "the keytab hole (deleted entry) at byte offset {offset} declares {hole_len} bytes but only {remaining} bytes follow its length field"
    )]
    HoleOverrun {
        offset: usize,
        hole_len: u32,
        remaining: usize,
    },
    #[error(
        "the {field} at keytab byte offset {offset} needs {needed} bytes but only {available} remain in its record"
    )]
    FieldOverrun {
        offset: usize,
        field: KeytabField,
        needed: usize,
        available: usize,
    },
    #[error(
        "the {field} in the keytab is not valid UTF-8 (invalid byte at offset {offset}); spnkt only handles UTF-8 principal names"
    )]
    InvalidUtf8 { offset: usize, field: KeytabField },
    #[error(
        "the keytab entry principal at byte offset {offset} has no name components (MIT stops reading the keytab there)"
    )]
    ZeroComponents { offset: usize },
    #[error("keytab entry {entry} (0-based) cannot be written: {problem}")]
    NotWritable { entry: usize, problem: &'static str },
}

impl KeytabError {
    /// The byte offset in the file the error is about (`None` for `NotWritable`).
    pub fn offset(&self) -> Option<usize> {
        match *self {
            KeytabError::BadMagic { .. } => Some(0),
            KeytabError::UnsupportedVersion { .. } => Some(1),
            KeytabError::Truncated { offset, .. }
            | KeytabError::RecordOverrun { offset, .. }
            | KeytabError::HoleOverrun { offset, .. }
            | KeytabError::FieldOverrun { offset, .. }
            | KeytabError::InvalidUtf8 { offset, .. }
            | KeytabError::ZeroComponents { offset } => Some(offset),
            KeytabError::NotWritable { .. } => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Order {
    Big,
    Little,
}

/// Bounds-checked cursor over `buf[..end]`; offsets are absolute in the file.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
    order: Order,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: KeytabField) -> Result<&'a [u8], KeytabError> {
        let available = self.end - self.pos;
        if n > available {
            return Err(KeytabError::FieldOverrun {
                offset: self.pos,
                field,
                needed: n,
                available,
            });
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, field: KeytabField) -> Result<[u8; N], KeytabError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N, field)?);
        Ok(a)
    }

    fn u8(&mut self, field: KeytabField) -> Result<u8, KeytabError> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u16(&mut self, field: KeytabField) -> Result<u16, KeytabError> {
        let a = self.array(field)?;
        Ok(match self.order {
            Order::Big => u16::from_be_bytes(a),
            Order::Little => u16::from_le_bytes(a),
        })
    }

    fn u32(&mut self, field: KeytabField) -> Result<u32, KeytabError> {
        let a = self.array(field)?;
        Ok(match self.order {
            Order::Big => u32::from_be_bytes(a),
            Order::Little => u32::from_le_bytes(a),
        })
    }

    /// A u16-length counted string, which must be UTF-8.
    fn string(&mut self, field: KeytabField) -> Result<String, KeytabError> {
        let len = self.u16(field)?;
        let start = self.pos;
        let bytes = self.take(usize::from(len), field)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(KeytabError::InvalidUtf8 {
                offset: start + e.valid_up_to(),
                field,
            }),
        }
    }
}

/// Parse a whole keytab file.
///
/// Version 0x0501 bodies are in the writer's host byte order and the file does not
/// say which. To be deterministic on every platform spnkt tries little-endian first
/// (x86/ARM, where every v1 writer still running lives) and then big-endian (the
/// SPARC/POWER hosts DCE-era files came from); a wrong order fails fast because the
/// first record length comes out as hundreds of megabytes. If both fail, the error
/// that got further into the file is returned (little-endian on a tie).
pub fn parse(bytes: &[u8]) -> Result<Keytab, KeytabError> {
    if bytes.len() < 2 {
        return Err(KeytabError::Truncated {
            offset: 0,
            needed: 2,
            available: bytes.len(),
        });
    }
    if bytes[0] != MAGIC {
        return Err(KeytabError::BadMagic { found: bytes[0] });
    }
    let version = match bytes[1] {
        1 => KeytabVersion::V1,
        2 => KeytabVersion::V2,
        found => return Err(KeytabError::UnsupportedVersion { found }),
    };
    let entries = match version {
        KeytabVersion::V2 => parse_records(bytes, Order::Big, version)?,
        KeytabVersion::V1 => match parse_records(bytes, Order::Little, version) {
            Ok(entries) => entries,
            Err(le) => match parse_records(bytes, Order::Big, version) {
                Ok(entries) => entries,
                Err(be) if be.offset() > le.offset() => return Err(be),
                Err(_) => return Err(le),
            },
        },
    };
    Ok(Keytab { version, entries })
}

fn parse_records(
    bytes: &[u8],
    order: Order,
    version: KeytabVersion,
) -> Result<Vec<KeytabEntry>, KeytabError> {
    let mut entries = Vec::new();
    let mut pos = 2;
    while pos < bytes.len() {
        let available = bytes.len() - pos;
        if available < 4 {
            return Err(KeytabError::Truncated {
                offset: pos,
                needed: 4,
                available,
            });
        }
        let raw = [bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]];
        let len = match order {
            Order::Big => i32::from_be_bytes(raw),
            Order::Little => i32::from_le_bytes(raw),
        };
        let body = pos + 4;
        let remaining = bytes.len() - body;
        let size = len.unsigned_abs();
        // u32 -> usize is lossless on the 32/64-bit targets spnkt builds for.
        let size_usize = size as usize;
        if len == 0 {
            break;
        }
        if size_usize > remaining {
            return Err(if len < 0 {
                KeytabError::HoleOverrun {
                    offset: pos,
                    hole_len: size,
                    remaining,
                }
            } else {
                KeytabError::RecordOverrun {
                    offset: pos,
                    record_len: size,
                    remaining,
                }
            });
        }
        if len > 0 {
            let mut r = Reader {
                buf: bytes,
                pos: body,
                end: body + size_usize,
                order,
            };
            entries.push(parse_entry(&mut r, version)?);
        }
        pos = body + size_usize;
    }
    Ok(entries)
}

fn parse_entry(r: &mut Reader<'_>, version: KeytabVersion) -> Result<KeytabEntry, KeytabError> {
    let count_offset = r.pos;
    let mut count = r.u16(KeytabField::ComponentCount)?;
    if version == KeytabVersion::V1 {
        count = count.saturating_sub(1); // v1 counts the realm too
    }
    if count == 0 {
        return Err(KeytabError::ZeroComponents {
            offset: count_offset,
        });
    }
    let realm = r.string(KeytabField::Realm)?;
    // Each component takes at least 2 bytes: never reserve more than the record holds.
    let mut components = Vec::with_capacity(usize::from(count).min((r.end - r.pos) / 2));
    for i in 0..count {
        components.push(r.string(KeytabField::Component(i))?);
    }
    let name_type = match version {
        KeytabVersion::V2 => NameType(r.u32(KeytabField::NameType)? as i32),
        KeytabVersion::V1 => NameType::PRINCIPAL,
    };
    let timestamp = r.u32(KeytabField::Timestamp)?;
    let kvno8 = r.u8(KeytabField::Kvno)?;
    // MIT: `(krb5_enctype)(krb5_int16)` - sign-extended.
    let enctype = Enctype(i32::from(r.u16(KeytabField::Enctype)? as i16));
    let key_len = r.u16(KeytabField::KeyLength)?;
    let key = Key::new(
        enctype,
        r.take(usize::from(key_len), KeytabField::Key)?.to_vec(),
    );
    let mut kvno = u32::from(kvno8);
    if r.end - r.pos >= 4 {
        // Zero is zero-fill from a reused hole, not a kvno (kt_file.c).
        match r.u32(KeytabField::Kvno)? {
            0 => {}
            k => kvno = k,
        }
    }
    Ok(KeytabEntry {
        principal: Principal {
            name_type,
            components,
            realm,
        },
        timestamp,
        kvno,
        key,
    })
}

/// Bytes of an entry's record body (without the 4-byte length), as written.
fn record_len(e: &KeytabEntry) -> usize {
    let p = &e.principal;
    2 + 2
        + p.realm.len()
        + p.components.iter().map(|c| 2 + c.len()).sum::<usize>()
        + 4 // name type
        + 4 // timestamp
        + 1 // kvno8
        + 2 // enctype
        + 2
        + e.key.len()
        + 4 // kvno32
}

/// Serialise as version 0x0502 with the 32-bit kvno trailer on every entry, as MIT's
/// `krb5_ktfileint_write_entry` does: the 8-bit field holds `kvno % 256`.
///
/// The buffer is sized up front so no unzeroized copy of the keys is left behind by
/// a reallocation.
///
/// # Panics
/// If [`Keytab::check_writable`] fails (a caller bug: call it first on untrusted input).
pub fn write(keytab: &Keytab) -> zeroize::Zeroizing<Vec<u8>> {
    if let Err(e) = keytab.check_writable() {
        panic!("{e}");
    }
    let total = 2 + keytab
        .entries
        .iter()
        .map(|e| 4 + record_len(e))
        .sum::<usize>();
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(total));
    out.extend_from_slice(&[MAGIC, 0x02]);
    for e in &keytab.entries {
        let p = &e.principal;
        let put_data = |out: &mut Vec<u8>, s: &[u8]| {
            out.extend_from_slice(&(s.len() as u16).to_be_bytes());
            out.extend_from_slice(s);
        };
        out.extend_from_slice(&(record_len(e) as i32).to_be_bytes());
        out.extend_from_slice(&(p.components.len() as u16).to_be_bytes());
        put_data(&mut out, p.realm.as_bytes());
        for c in &p.components {
            put_data(&mut out, c.as_bytes());
        }
        out.extend_from_slice(&p.name_type.0.to_be_bytes());
        out.extend_from_slice(&e.timestamp.to_be_bytes());
        out.push(e.kvno as u8); // kvno % 256, as MIT's `(krb5_octet)entry->vno`
        out.extend_from_slice(&(e.key.enctype().0 as i16).to_be_bytes());
        put_data(&mut out, e.key.expose());
        out.extend_from_slice(&e.kvno.to_be_bytes());
    }
    debug_assert_eq!(out.len(), total);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kvno: u32) -> KeytabEntry {
        KeytabEntry {
            principal: Principal::parse("HTTP/h.example.test@EXAMPLE.TEST").unwrap(),
            timestamp: 1_700_000_000,
            kvno,
            key: Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![7; 16]),
        }
    }

    fn keytab(kvnos: &[u32]) -> Keytab {
        Keytab {
            version: KeytabVersion::V2,
            entries: kvnos.iter().map(|k| entry(*k)).collect(),
        }
    }

    #[test]
    fn put_entry_replaces_the_same_slot_in_place() {
        let mut kt = keytab(&[2, 3]);
        let mut fresh = entry(2);
        fresh.key = Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![9; 16]);
        assert!(kt.put_entry(fresh.clone()));
        assert_eq!(kt.entries[0], fresh, "replaced where it was");
        assert!(!kt.put_entry(entry(4)));
        assert_eq!(
            kt.entries.iter().map(|e| e.kvno).collect::<Vec<_>>(),
            [2, 3, 4]
        );
    }

    #[test]
    fn remove_selected_by_kvno_and_old_kvnos() {
        let mut kt = keytab(&[2, 3, 4]);
        let removed = kt.remove_selected(&Selection {
            kvno: Some(3),
            ..Selection::default()
        });
        assert_eq!(
            removed.iter().map(|(slot, _)| *slot).collect::<Vec<_>>(),
            [2]
        );
        let removed = kt.remove_selected(&Selection {
            old_kvnos: true,
            ..Selection::default()
        });
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].1.kvno, 2);
        assert_eq!(kt.entries.len(), 1);
        assert_eq!(kt.entries[0].kvno, 4);
        let other = Principal::parse("HTTP/other.example.test@EXAMPLE.TEST").unwrap();
        let none = kt.remove_selected(&Selection {
            principal: Some(other),
            ..Selection::default()
        });
        assert!(none.is_empty());
        assert_eq!(kt.entries.len(), 1);
    }

    #[test]
    fn near_misses_differ_in_case_only() {
        let kt = keytab(&[2]);
        let upper = Principal::parse("HTTP/H.Example.Test@EXAMPLE.TEST").unwrap();
        assert_eq!(
            kt.near_misses(&upper),
            ["HTTP/h.example.test@EXAMPLE.TEST kvno 2 aes128-cts-hmac-sha1-96"]
        );
        let far = Principal::parse("HTTP/x.example.test@EXAMPLE.TEST").unwrap();
        assert!(kt.near_misses(&far).is_empty());
    }

    #[test]
    fn round_trip_and_exact_size() {
        let kt = Keytab {
            version: KeytabVersion::V2,
            entries: vec![entry(2), entry(300)],
        };
        let bytes = write(&kt);
        assert_eq!(bytes.len(), bytes.capacity());
        assert_eq!(parse(&bytes).unwrap(), kt);
    }

    #[test]
    fn v1_little_endian_then_big_endian() {
        // One v1 entry "a@R", written in both byte orders.
        fn v1(le: bool) -> Vec<u8> {
            let u16b = |v: u16| if le { v.to_le_bytes() } else { v.to_be_bytes() };
            let u32b = |v: u32| if le { v.to_le_bytes() } else { v.to_be_bytes() };
            let mut body = Vec::new();
            body.extend(u16b(2));
            body.extend(u16b(1));
            body.push(b'R');
            body.extend(u16b(1));
            body.push(b'a');
            body.extend(u32b(5));
            body.push(9);
            body.extend(u16b(23));
            body.extend(u16b(1));
            body.push(0xAA);
            let mut f = vec![5, 1];
            f.extend(u32b(body.len() as u32));
            f.extend(body);
            f
        }
        for le in [true, false] {
            let kt = parse(&v1(le)).unwrap();
            assert_eq!(kt.version, KeytabVersion::V1);
            let e = &kt.entries[0];
            assert_eq!(e.principal.to_string(), "a@R");
            assert_eq!(
                (e.timestamp, e.kvno, e.key.enctype(), e.key.expose()),
                (5, 9, Enctype::RC4_HMAC, &[0xAA][..])
            );
        }
    }

    #[test]
    fn matches_ignores_name_type() {
        let e = entry(3);
        let p = Principal::parse("HTTP/h.example.test@EXAMPLE.TEST")
            .unwrap()
            .with_name_type(NameType::SRV_HST);
        assert!(e.matches(&p, None, None));
        assert!(e.matches(&p, Some(3), Some(Enctype::AES128_CTS_HMAC_SHA1_96)));
        assert!(!e.matches(&p, Some(4), None));
        assert!(!e.matches(&p, None, Some(Enctype::RC4_HMAC)));
        assert!(!e.matches(
            &Principal::parse("HTTP/h.example.test@OTHER").unwrap(),
            None,
            None
        ));
    }

    #[test]
    #[should_panic(expected = "no name components")]
    fn write_refuses_nameless_principal() {
        let mut e = entry(1);
        e.principal.components.clear();
        write(&Keytab {
            version: KeytabVersion::V2,
            entries: vec![e],
        });
    }
}

//! MIT keytab file format (krb5 doc/formats/keytab_file_format.rst).

use super::{Key, Principal};

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

/// A parsed keytab: its version and its entries in file order (holes skipped).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Keytab {
    pub version: KeytabVersion,
    pub entries: Vec<KeytabEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeytabError {
    #[error("not a keytab todo")]
    Todo,
}

/// Parse a whole keytab file.
pub fn parse(bytes: &[u8]) -> Result<Keytab, KeytabError> {
    todo!("{bytes:?}")
}

/// Serialise as version 0x0502 with the 32-bit kvno trailer on every entry.
pub fn write(keytab: &Keytab) -> zeroize::Zeroizing<Vec<u8>> {
    todo!("{keytab:?}")
}

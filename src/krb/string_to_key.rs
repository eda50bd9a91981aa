//! string-to-key: from a password and salt to a key.
//!
//! - AES (RFC 3962): DK(PBKDF2-HMAC-SHA1(password UTF-8, salt, iterations), "kerberos").
//! - RC4-HMAC (RFC 4757): MD4(UTF-16LE(password)); salt and iterations do not apply.

use super::crypto::CryptoError;
use super::{Enctype, Key, Password};

/// PBKDF2 iteration count AD and MIT use unless ETYPE-INFO2 s2kparams say otherwise.
pub const DEFAULT_AES_ITERATIONS: u32 = 4096;

/// Derive the key of `enctype` for `password` and `salt`.
pub fn string_to_key(enctype: Enctype, password: &Password, salt: &[u8], iterations: u32) -> Result<Key, CryptoError> {
    todo!("{enctype} {password:?} {salt:?} {iterations}")
}

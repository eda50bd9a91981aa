//! RFC 3961 encryption framing for the enctypes spnkt supports:
//! AES-CTS-HMAC-SHA1-96 (RFC 3962) and RC4-HMAC (RFC 4757).
//!
//! The confounder is passed in (no randomness here); decryption checks integrity
//! and reports a failed check as [`CryptoError::IntegrityCheckFailed`].

use zeroize::Zeroizing;

use super::{Enctype, Key};

pub mod nfold;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("encryption type {0} is not supported (spnkt supports aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, rc4-hmac)")]
    UnsupportedEnctype(Enctype),
    #[error("{enctype} key is {actual} bytes, expected {expected}")]
    BadKeyLength { enctype: Enctype, expected: usize, actual: usize },
    #[error("{enctype} confounder is {actual} bytes, expected {expected}")]
    BadConfounderLength { enctype: Enctype, expected: usize, actual: usize },
    #[error("{enctype} ciphertext is {actual} bytes, shorter than the minimum {minimum}")]
    CiphertextTooShort { enctype: Enctype, minimum: usize, actual: usize },
    #[error("integrity check failed: the key does not match the one the data was encrypted with")]
    IntegrityCheckFailed,
}

/// Length of the random confounder `encrypt` expects for this enctype.
pub fn confounder_len(enctype: Enctype) -> Option<usize> {
    todo!("{enctype}")
}

/// Encrypt `plaintext` with `key` for key usage `usage` (RFC 4120 section 7.5.1).
pub fn encrypt(key: &Key, usage: u32, confounder: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    todo!("{key:?} {usage} {confounder:?} {plaintext:?}")
}

/// Decrypt and verify `ciphertext`; returns the plaintext without the confounder.
pub fn decrypt(key: &Key, usage: u32, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    todo!("{key:?} {usage} {ciphertext:?}")
}

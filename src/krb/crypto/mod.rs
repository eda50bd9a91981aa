//! RFC 3961 encryption framing for the enctypes spnkt supports:
//! AES-CTS-HMAC-SHA1-96 (RFC 3962) and RC4-HMAC (RFC 4757).
//!
//! The confounder is passed in (no randomness here); decryption checks integrity
//! and reports a failed check as [`CryptoError::IntegrityCheckFailed`].

use aes::{Aes128Enc, Aes256Enc};
use zeroize::{Zeroize, Zeroizing};

use super::{Enctype, Key};

mod aes_cts;
mod aes_sha1;
pub mod checksum;
pub mod dk;
pub mod nfold;
mod prepared;
mod rc4_hmac;

pub use aes_cts::{aes_cts_decrypt, aes_cts_encrypt};
pub use checksum::{ChecksumError, make_checksum, verify_checksum};
pub use dk::derive_key;
pub use prepared::{ChecksumKey, DecryptionKey};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error(
        "encryption type {0} is not supported (spnkt supports aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, rc4-hmac)"
    )]
    UnsupportedEnctype(Enctype),
    #[error("{enctype} key is {actual} bytes, expected {expected}")]
    BadKeyLength {
        enctype: Enctype,
        expected: usize,
        actual: usize,
    },
    #[error("{enctype} confounder is {actual} bytes, expected {expected}")]
    BadConfounderLength {
        enctype: Enctype,
        expected: usize,
        actual: usize,
    },
    #[error("{enctype} ciphertext is {actual} bytes, shorter than the minimum {minimum}")]
    CiphertextTooShort {
        enctype: Enctype,
        minimum: usize,
        actual: usize,
    },
    #[error("integrity check failed: the key does not match the one the data was encrypted with")]
    IntegrityCheckFailed,
    /// AES string-to-key iteration count outside 1..=[`MAX_AES_ITERATIONS`]. MIT
    /// krb5 refuses the same counts (s2kparams 0 means 2^32 there, also refused).
    ///
    /// [`MAX_AES_ITERATIONS`]: crate::krb::string_to_key::MAX_AES_ITERATIONS
    #[error("string-to-key iteration count {0} is invalid (must be 1 to 16777215, as in MIT krb5)")]
    BadIterationCount(u32),
    /// A raw AES key for the CTS / key-derivation primitives is not 16 or 32 bytes.
    #[error("AES key is {0} bytes, expected 16 or 32")]
    BadAesKeyLength(usize),
    /// CBC-CTS needs at least one full block.
    #[error("CBC-CTS input is {actual} bytes, shorter than one 16-byte block")]
    CtsInputTooShort { actual: usize },
}

/// Wipe a decrypted buffer once read. Dropped as it is, a `Zeroizing<Vec<u8>>`
/// zeroes one volatile byte write at a time (zeroize 1.9 does a `Vec`'s elements
/// one by one): about 0.3 µs for a ticket's 857 bytes, a tenth of verifying it.
/// As a slice it is one `memset` behind zeroize's optimization barrier, and the
/// drop then finds only spare capacity (zeroed the same way).
pub fn wipe(buf: &mut Zeroizing<Vec<u8>>) {
    buf.as_mut_slice().zeroize();
    buf.clear();
}

/// Length of the random confounder `encrypt` expects for this enctype.
pub fn confounder_len(enctype: Enctype) -> Option<usize> {
    match enctype {
        Enctype::AES128_CTS_HMAC_SHA1_96 | Enctype::AES256_CTS_HMAC_SHA1_96 => {
            Some(aes_sha1::CONFOUNDER_LEN)
        }
        Enctype::RC4_HMAC => Some(rc4_hmac::CONFOUNDER_LEN),
        _ => None,
    }
}

/// Bytes `encrypt` adds to a plaintext (confounder plus checksum) for this enctype.
pub fn ciphertext_overhead(enctype: Enctype) -> Option<usize> {
    match enctype {
        Enctype::AES128_CTS_HMAC_SHA1_96 | Enctype::AES256_CTS_HMAC_SHA1_96 => {
            Some(aes_sha1::CONFOUNDER_LEN + aes_sha1::MAC_LEN)
        }
        Enctype::RC4_HMAC => Some(rc4_hmac::CONFOUNDER_LEN + rc4_hmac::CHECKSUM_LEN),
        _ => None,
    }
}

/// Checks the enctype is supported and the key has its length.
fn check_key(key: &Key) -> Result<(), CryptoError> {
    let enctype = key.enctype();
    let expected = match enctype {
        e if e.is_supported() => e.key_len().ok_or(CryptoError::UnsupportedEnctype(e))?,
        e => return Err(CryptoError::UnsupportedEnctype(e)),
    };
    if key.len() != expected {
        return Err(CryptoError::BadKeyLength {
            enctype,
            expected,
            actual: key.len(),
        });
    }
    Ok(())
}

/// Encrypt `plaintext` with `key` for key usage `usage` (RFC 4120 section 7.5.1).
pub fn encrypt(
    key: &Key,
    usage: u32,
    confounder: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_key(key)?;
    let enctype = key.enctype();
    let expected = confounder_len(enctype).ok_or(CryptoError::UnsupportedEnctype(enctype))?;
    if confounder.len() != expected {
        return Err(CryptoError::BadConfounderLength {
            enctype,
            expected,
            actual: confounder.len(),
        });
    }
    let k = key.expose();
    match enctype {
        Enctype::AES128_CTS_HMAC_SHA1_96 => {
            aes_sha1::encrypt::<Aes128Enc>(k, usage, confounder, plaintext)
        }
        Enctype::AES256_CTS_HMAC_SHA1_96 => {
            aes_sha1::encrypt::<Aes256Enc>(k, usage, confounder, plaintext)
        }
        Enctype::RC4_HMAC => rc4_hmac::encrypt(k, usage, confounder, plaintext),
        e => Err(CryptoError::UnsupportedEnctype(e)),
    }
}

/// Decrypt and verify `ciphertext`; returns the plaintext without the confounder.
pub fn decrypt(
    key: &Key,
    usage: u32,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut buf = decrypt_with_confounder(key, usage, ciphertext)?;
    // Length checked by decrypt_with_confounder, so the confounder is there.
    let skip = confounder_len(key.enctype()).unwrap_or(0).min(buf.len());
    let len = buf.len();
    buf.copy_within(skip.., 0);
    buf[len - skip..].zeroize();
    buf.truncate(len - skip);
    Ok(buf)
}

/// Like [`decrypt`], but keeps the confounder in front of the plaintext
/// (for tests that re-encrypt a known ciphertext byte for byte).
pub fn decrypt_with_confounder(
    key: &Key,
    usage: u32,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    DecryptionKey::new(key, usage)?.decrypt_with_confounder(ciphertext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(enctype: Enctype, seed: u8) -> Key {
        let len = enctype.key_len().unwrap();
        Key::new(
            enctype,
            (0..len as u8)
                .map(|b| b.wrapping_mul(31).wrapping_add(seed))
                .collect(),
        )
    }

    #[test]
    fn round_trip_lengths_0_to_70_every_enctype() {
        for enctype in Enctype::SUPPORTED {
            let k = key(enctype, 7);
            let conf: Vec<u8> = (0..confounder_len(enctype).unwrap() as u8).collect();
            for (i, len) in (0..=70usize).enumerate() {
                let usage = [0, 1, 2, 3, 7, 9, 11, 23, 1024, u32::MAX][i % 10];
                let pt: Vec<u8> = (0..len).map(|b| (b * 7) as u8).collect();
                let ct = encrypt(&k, usage, &conf, &pt).unwrap();
                assert_eq!(ct.len(), len + ciphertext_overhead(enctype).unwrap());
                assert_eq!(*decrypt(&k, usage, &ct).unwrap(), pt, "{enctype} len {len}");
                let with = decrypt_with_confounder(&k, usage, &ct).unwrap();
                assert_eq!(&with[..conf.len()], &conf[..]);
                // Another usage derives other keys (RC4 9 also accepts 8; skip that pair).
                if !(enctype == Enctype::RC4_HMAC && usage == 9) {
                    assert_eq!(
                        decrypt(&k, usage ^ 0x40, &ct),
                        Err(CryptoError::IntegrityCheckFailed)
                    );
                }
            }
        }
    }

    #[test]
    fn typed_errors_not_panics() {
        for enctype in Enctype::SUPPORTED {
            let k = key(enctype, 1);
            let n = confounder_len(enctype).unwrap();
            let min = ciphertext_overhead(enctype).unwrap();
            for len in 0..min {
                assert_eq!(
                    decrypt(&k, 1, &vec![0; len]),
                    Err(CryptoError::CiphertextTooShort {
                        enctype,
                        minimum: min,
                        actual: len
                    })
                );
            }
            assert_eq!(
                decrypt(&k, 1, &vec![0; min]),
                Err(CryptoError::IntegrityCheckFailed)
            );
            assert_eq!(
                encrypt(&k, 1, &vec![0; n + 1], b""),
                Err(CryptoError::BadConfounderLength {
                    enctype,
                    expected: n,
                    actual: n + 1
                })
            );
            let short = Key::new(enctype, vec![0; 5]);
            let expected = enctype.key_len().unwrap();
            let err = CryptoError::BadKeyLength {
                enctype,
                expected,
                actual: 5,
            };
            assert_eq!(encrypt(&short, 1, &vec![0; n], b""), Err(err.clone()));
            assert_eq!(decrypt(&short, 1, &[0; 64]), Err(err));
        }
        for e in [1, 3, 16, 19, 20, 24, 25, 26, 0, -1, 99] {
            let k = Key::new(Enctype(e), vec![0; 32]);
            assert_eq!(confounder_len(Enctype(e)), None);
            assert_eq!(
                encrypt(&k, 1, &[0; 16], b"x"),
                Err(CryptoError::UnsupportedEnctype(Enctype(e)))
            );
            assert_eq!(
                decrypt(&k, 1, &[0; 64]),
                Err(CryptoError::UnsupportedEnctype(Enctype(e)))
            );
        }
    }
}

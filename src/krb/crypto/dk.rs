//! RFC 3961 section 5.1 key derivation (DR/DK) for the AES enctypes of RFC 3962.
//!
//! DR(key, constant) encrypts n-fold(constant, 16) with `key` and feeds each
//! output block back in until there are enough bytes. For AES, random-to-key is
//! the identity, so DK = DR truncated to the key length.

use aes::cipher::BlockCipherEncrypt;
use aes::cipher::consts::U16;
use aes::cipher::{Block, BlockSizeUser};
use aes::{Aes128Enc, Aes256Enc};
use zeroize::{Zeroize, Zeroizing};

use super::CryptoError;
use super::aes_cts::{BLOCK_LEN, new_cipher};
use super::nfold::nfold;

/// Largest AES key: derived keys live in a fixed buffer of this size.
pub(crate) const MAX_KEY_LEN: usize = 32;

/// A derived AES key, zeroized on drop.
pub(crate) struct DerivedKey {
    bytes: Zeroizing<[u8; MAX_KEY_LEN]>,
    len: usize,
}

impl DerivedKey {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// DK(`base_key`, `constant`) for AES: a key of the same length as `base_key`
/// (16 or 32 bytes).
pub fn derive_key(base_key: &[u8], constant: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let dk = match base_key.len() {
        16 => derive_with(&new_cipher::<Aes128Enc>(base_key)?, 16, constant),
        32 => derive_with(&new_cipher::<Aes256Enc>(base_key)?, 32, constant),
        n => return Err(CryptoError::BadAesKeyLength(n)),
    };
    Ok(Zeroizing::new(dk.as_bytes().to_vec()))
}

/// DK with the base key's cipher already set up (the hot path derives Ke and
/// Ki from one key schedule). `key_len` is 16 or 32.
pub(crate) fn derive_with<C>(base: &C, key_len: usize, constant: &[u8]) -> DerivedKey
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16>,
{
    let mut block = Block::<C>::default();
    if constant.len() == BLOCK_LEN {
        block.copy_from_slice(constant);
    } else if let Some(folded) = folded_usage_constant(constant) {
        block.copy_from_slice(folded);
    } else {
        block.copy_from_slice(&nfold(constant, BLOCK_LEN));
    }
    let mut out = DerivedKey {
        bytes: Zeroizing::new([0u8; MAX_KEY_LEN]),
        len: key_len.min(MAX_KEY_LEN),
    };
    for chunk in out.bytes[..out.len].chunks_mut(BLOCK_LEN) {
        base.encrypt_block(&mut block);
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
    block.as_mut_slice().zeroize();
    out
}

/// Key usages whose folded constants are kept (every usage of RFC 4120 and the
/// GSS-API ones of RFC 4121).
const FOLDED_USAGES: u32 = 32;

/// n-fold(usage || kind, 16) for the common usages and the three kinds, computed
/// once per process: n-fold costs as much as the AES key schedule, and checking
/// an authenticator derives two keys from a new session key every time. A table
/// of constants (deterministic), not a cache of keys.
fn folded_usage_constant(constant: &[u8]) -> Option<&'static [u8; 16]> {
    static TABLE: std::sync::OnceLock<Vec<[u8; 16]>> = std::sync::OnceLock::new();
    let [u0, u1, u2, u3, kind] = *constant else {
        return None;
    };
    let usage = u32::from_be_bytes([u0, u1, u2, u3]);
    let k = match kind {
        0xAA => 0,
        0x55 => 1,
        0x99 => 2,
        _ => return None,
    };
    if usage >= FOLDED_USAGES {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = Vec::with_capacity(FOLDED_USAGES as usize * 3);
        for u in 0..FOLDED_USAGES {
            for kind in [0xAA, 0x55, 0x99] {
                let mut b = [0u8; 16];
                b.copy_from_slice(&nfold(&usage_constant(u, kind), BLOCK_LEN));
                t.push(b);
            }
        }
        t
    });
    table.get(usage as usize * 3 + k)
}

/// The 5-byte RFC 3961 usage constant: usage (big-endian) || `kind`, where kind
/// is 0xAA for Ke, 0x55 for Ki and 0x99 for Kc.
pub(crate) fn usage_constant(usage: u32, kind: u8) -> [u8; 5] {
    let u = usage.to_be_bytes();
    [u[0], u[1], u[2], u[3], kind]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_base_key_length_is_an_error() {
        assert_eq!(
            derive_key(&[0; 24], b"kerberos").map(|k| k.len()),
            Err(CryptoError::BadAesKeyLength(24))
        );
    }

    #[test]
    fn folded_constant_table_matches_nfold() {
        for usage in [0, 1, 2, 11, 17, 31, 32, 1024] {
            for kind in [0xAA, 0x55, 0x99, 0x11] {
                let c = usage_constant(usage, kind);
                if let Some(f) = folded_usage_constant(&c) {
                    assert_eq!(f[..], nfold(&c, 16)[..]);
                } else {
                    assert!(usage >= FOLDED_USAGES || kind == 0x11);
                }
            }
        }
    }

    #[test]
    fn folded_and_prefolded_constants_agree() {
        let key = [5u8; 32];
        let folded = nfold(b"kerberos", 16);
        assert_eq!(
            *derive_key(&key, b"kerberos").unwrap(),
            *derive_key(&key, &folded).unwrap()
        );
        assert_eq!(derive_key(&key, b"kerberos").unwrap().len(), 32);
        assert_eq!(derive_key(&[5u8; 16], b"kerberos").unwrap().len(), 16);
    }
}

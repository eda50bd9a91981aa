//! aes128/aes256-cts-hmac-sha1-96 message framing (RFC 3962 section 6, on the
//! RFC 3961 section 5.3 simplified profile).
//!
//! ciphertext = CTS(Ke, IV 0, confounder || plaintext)
//!              || HMAC-SHA1(Ki, confounder || plaintext)[..12]
//! with Ke = DK(key, usage || 0xAA) and Ki = DK(key, usage || 0x55).

use aes::cipher::consts::U16;
use aes::cipher::{BlockCipherEncrypt, BlockSizeUser, KeyInit};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use super::CryptoError;
use super::aes_cts::{encrypt_in_place, new_cipher};
use super::dk::{DerivedKey, derive_with, usage_constant};

pub(crate) const CONFOUNDER_LEN: usize = 16;
pub(crate) const MAC_LEN: usize = 12;
const ZERO_IV: [u8; 16] = [0; 16];

/// Ke and Ki for `usage`, from a single key schedule of the base key.
fn usage_keys<E>(key: &[u8], usage: u32) -> Result<(DerivedKey, DerivedKey), CryptoError>
where
    E: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let base: E = new_cipher(key)?;
    let ke = derive_with(&base, key.len(), &usage_constant(usage, 0xAA));
    let ki = derive_with(&base, key.len(), &usage_constant(usage, 0x55));
    Ok((ke, ki))
}

fn mac(ki: &DerivedKey) -> Result<Hmac<Sha1>, CryptoError> {
    // HMAC takes keys of any length; the error cannot happen.
    <Hmac<Sha1> as hmac::KeyInit>::new_from_slice(ki.as_bytes())
        .map_err(|_| CryptoError::BadAesKeyLength(ki.as_bytes().len()))
}

/// Caller has checked the key and confounder lengths.
pub(crate) fn encrypt<E>(
    key: &[u8],
    usage: u32,
    confounder: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError>
where
    E: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let (ke, ki) = usage_keys::<E>(key, usage)?;
    let mut buf = Zeroizing::new(Vec::with_capacity(
        confounder.len() + plaintext.len() + MAC_LEN,
    ));
    buf.extend_from_slice(confounder);
    buf.extend_from_slice(plaintext);
    let mut h = mac(&ki)?;
    h.update(&buf);
    let tag = h.finalize().into_bytes();
    encrypt_in_place(new_cipher::<E>(ke.as_bytes())?, &ZERO_IV, &mut buf)?;
    buf.extend_from_slice(&tag[..MAC_LEN]);
    // Now only ciphertext: hand it out of the zeroizing wrapper.
    Ok(std::mem::take(&mut *buf))
}

//! rc4-hmac (RFC 4757 section 4, as MIT krb5 `src/lib/crypto/krb/enc_rc4.c`
//! implements it).
//!
//! K1 = HMAC-MD5(key, ms_usage as 4 bytes little-endian)
//! checksum = HMAC-MD5(K1, confounder(8) || plaintext)
//! K3 = HMAC-MD5(K1, checksum)
//! ciphertext = checksum || RC4(K3, confounder || plaintext)
//!
//! Only enctype 23; the exportable 24 ("fortybits" salt, K1 truncated) is not
//! supported.

use hmac::{Hmac, Mac};
use md5::Md5;
use rc4::{KeyInit, Rc4, StreamCipher};
use zeroize::Zeroizing;

use super::CryptoError;

pub(crate) const CONFOUNDER_LEN: usize = 8;
pub(crate) const CHECKSUM_LEN: usize = 16;

/// RFC 4757 usage numbers where Microsoft differs from RFC 4120 (MIT
/// `krb5int_arcfour_translate_usage`). Usage 9 is kept as 9, as Windows does;
/// decrypt falls back to the RFC 4757 value 8 (see [`decrypt`]).
fn ms_usage(usage: u32) -> u32 {
    match usage {
        3 => 8,
        23 => 13,
        u => u,
    }
}

fn hmac_md5(key: &[u8], data: &[u8]) -> Result<Zeroizing<[u8; 16]>, CryptoError> {
    let mut h =
        <Hmac<Md5> as hmac::KeyInit>::new_from_slice(key).map_err(|_| bad_key(key.len()))?;
    h.update(data);
    let mut out = Zeroizing::new([0u8; 16]);
    out.copy_from_slice(&h.finalize().into_bytes());
    Ok(out)
}

fn bad_key(actual: usize) -> CryptoError {
    CryptoError::BadKeyLength {
        enctype: super::Enctype::RC4_HMAC,
        expected: 16,
        actual,
    }
}

fn rc4_apply(key: &[u8], buf: &mut [u8]) -> Result<(), CryptoError> {
    let mut rc4 = Rc4::new_from_slice(key).map_err(|_| bad_key(key.len()))?;
    // RC4 has no length limit; the error cannot happen.
    rc4.try_apply_keystream(buf).map_err(|_| bad_key(key.len()))
}

/// Caller has checked the key and confounder lengths.
pub(crate) fn encrypt(
    key: &[u8],
    usage: u32,
    confounder: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let k1 = hmac_md5(key, &ms_usage(usage).to_le_bytes())?;
    let mut buf = Zeroizing::new(Vec::with_capacity(
        CHECKSUM_LEN + confounder.len() + plaintext.len(),
    ));
    buf.extend_from_slice(&[0; CHECKSUM_LEN]);
    buf.extend_from_slice(confounder);
    buf.extend_from_slice(plaintext);
    let checksum = hmac_md5(&*k1, &buf[CHECKSUM_LEN..])?;
    let k3 = hmac_md5(&*k1, &*checksum)?;
    rc4_apply(&*k3, &mut buf[CHECKSUM_LEN..])?;
    buf[..CHECKSUM_LEN].copy_from_slice(&*checksum);
    Ok(std::mem::take(&mut *buf))
}

/// Decrypts and verifies; returns confounder || plaintext. Caller has checked
/// the key length and that the ciphertext holds at least checksum + confounder.
///
/// Like MIT, usage 9 (TGS-REP part under a subkey) is tried as 9, which Windows
/// sends, then as 8, which RFC 4757 specifies.
pub(crate) fn decrypt(
    key: &[u8],
    usage: u32,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    match decrypt_ms_usage(key, ms_usage(usage), ciphertext) {
        Err(CryptoError::IntegrityCheckFailed) if usage == 9 => {
            decrypt_ms_usage(key, 8, ciphertext)
        }
        r => r,
    }
}

fn decrypt_ms_usage(
    key: &[u8],
    ms_usage: u32,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (checksum, body) = ciphertext.split_at(CHECKSUM_LEN.min(ciphertext.len()));
    let k1 = hmac_md5(key, &ms_usage.to_le_bytes())?;
    let k3 = hmac_md5(&*k1, checksum)?;
    let mut buf = Zeroizing::new(body.to_vec());
    rc4_apply(&*k3, &mut buf)?;
    let mut h =
        <Hmac<Md5> as hmac::KeyInit>::new_from_slice(&*k1).map_err(|_| bad_key(k1.len()))?;
    h.update(&buf);
    // Constant-time comparison.
    h.verify_slice(checksum)
        .map_err(|_| CryptoError::IntegrityCheckFailed)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_9_accepts_rfc_4757_usage_8() {
        let key = [0x11u8; 16];
        // Encrypted the RFC 4757 way: usage 9 mapped to 8.
        let ct = encrypt(&key, 8, &[1; 8], b"tgs-rep").unwrap();
        assert_eq!(&decrypt(&key, 9, &ct).unwrap()[8..], b"tgs-rep");
        // And the Windows way.
        let ct = encrypt(&key, 9, &[1; 8], b"tgs-rep").unwrap();
        assert_eq!(&decrypt(&key, 9, &ct).unwrap()[8..], b"tgs-rep");
        // Other usages get no second try.
        let ct = encrypt(&key, 8, &[1; 8], b"x").unwrap();
        assert_eq!(
            decrypt(&key, 7, &ct),
            Err(CryptoError::IntegrityCheckFailed)
        );
    }

    #[test]
    fn usage_mapping_matches_mit() {
        let key = [0x22u8; 16];
        // 3 is the same key as 8, 23 the same as 13.
        assert_eq!(
            encrypt(&key, 3, &[2; 8], b"a").unwrap(),
            encrypt(&key, 8, &[2; 8], b"a").unwrap()
        );
        assert_eq!(
            encrypt(&key, 23, &[2; 8], b"a").unwrap(),
            encrypt(&key, 13, &[2; 8], b"a").unwrap()
        );
        assert_ne!(
            encrypt(&key, 9, &[2; 8], b"a").unwrap(),
            encrypt(&key, 8, &[2; 8], b"a").unwrap()
        );
    }
}

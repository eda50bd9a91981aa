//! Keyed checksums (RFC 3961 "get_mic") for the enctypes spnkt supports:
//! hmac-sha1-96-aes128 (15) and hmac-sha1-96-aes256 (16) from RFC 3962, and
//! hmac-md5-rc4 (-138) from RFC 4757.
//!
//! AES: Kc = DK(key, usage || 0x99); checksum = HMAC-SHA1(Kc, data)[..12].
//! RC4: Ksign = HMAC-MD5(key, "signaturekey\0");
//!      checksum = HMAC-MD5(Ksign, MD5(ms_usage as u32 LE || data)),
//! with MIT's usage translation (3 → 8, 23 → 13), as `krb5_c_make_checksum` does.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

use super::dk::{derive_key, usage_constant};
use super::{CryptoError, check_key};
use crate::krb::Enctype;
use crate::krb::Key;
use crate::krb::ap_req::Checksum;

/// hmac-sha1-96-aes128 (RFC 3962).
pub const CKSUMTYPE_HMAC_SHA1_96_AES128: i32 = 15;
/// hmac-sha1-96-aes256 (RFC 3962).
pub const CKSUMTYPE_HMAC_SHA1_96_AES256: i32 = 16;
/// hmac-md5-rc4 / KERB_CHECKSUM_HMAC_MD5 (RFC 4757).
pub const CKSUMTYPE_HMAC_MD5_ARCFOUR: i32 = -138;

const AES_MAC_LEN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChecksumError {
    /// The checksum type is not the one keyed checksums with this key use.
    #[error(
        "checksum type {cksumtype} does not match the {enctype} key (expected type {expected})"
    )]
    WrongType {
        cksumtype: i32,
        enctype: Enctype,
        expected: i32,
    },
    /// The checksum was computed over other data or with another key.
    #[error("checksum mismatch: the data was altered or signed with another key")]
    Mismatch,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The keyed checksum type used with keys of `enctype`.
pub fn checksum_type_for(enctype: Enctype) -> Option<i32> {
    match enctype {
        Enctype::AES128_CTS_HMAC_SHA1_96 => Some(CKSUMTYPE_HMAC_SHA1_96_AES128),
        Enctype::AES256_CTS_HMAC_SHA1_96 => Some(CKSUMTYPE_HMAC_SHA1_96_AES256),
        Enctype::RC4_HMAC => Some(CKSUMTYPE_HMAC_MD5_ARCFOUR),
        _ => None,
    }
}

/// Length of a checksum of this type, when spnkt knows the type.
pub fn checksum_len(cksumtype: i32) -> Option<usize> {
    match cksumtype {
        CKSUMTYPE_HMAC_SHA1_96_AES128 | CKSUMTYPE_HMAC_SHA1_96_AES256 => Some(AES_MAC_LEN),
        CKSUMTYPE_HMAC_MD5_ARCFOUR => Some(16),
        _ => None,
    }
}

fn mac_sha1(key: &[u8]) -> Result<Hmac<Sha1>, CryptoError> {
    <Hmac<Sha1> as hmac::KeyInit>::new_from_slice(key)
        .map_err(|_| CryptoError::BadAesKeyLength(key.len()))
}

fn mac_md5(key: &[u8]) -> Result<Hmac<Md5>, CryptoError> {
    <Hmac<Md5> as hmac::KeyInit>::new_from_slice(key).map_err(|_| CryptoError::BadKeyLength {
        enctype: Enctype::RC4_HMAC,
        expected: 16,
        actual: key.len(),
    })
}

pub(super) fn rc4_ms_usage(usage: u32) -> u32 {
    match usage {
        3 => 8,
        23 => 13,
        u => u,
    }
}

/// The full (untruncated for RC4, HMAC-SHA1 for AES) MAC state over `data`.
enum Keyed {
    Sha1(Hmac<Sha1>),
    Md5(Hmac<Md5>),
}

fn keyed_mac(key: &Key, usage: u32, data: &[u8]) -> Result<Keyed, CryptoError> {
    check_key(key)?;
    let k = key.expose();
    match key.enctype() {
        Enctype::AES128_CTS_HMAC_SHA1_96 | Enctype::AES256_CTS_HMAC_SHA1_96 => {
            let kc = derive_key(k, &usage_constant(usage, 0x99))?;
            let mut h = mac_sha1(&kc)?;
            h.update(data);
            Ok(Keyed::Sha1(h))
        }
        Enctype::RC4_HMAC => {
            let mut ks = mac_md5(k)?;
            ks.update(b"signaturekey\0");
            let ksign = ks.finalize().into_bytes();
            let mut md5 = Md5::new();
            md5.update(rc4_ms_usage(usage).to_le_bytes());
            md5.update(data);
            let tmp = md5.finalize();
            let mut h = mac_md5(&ksign)?;
            h.update(&tmp);
            Ok(Keyed::Md5(h))
        }
        e => Err(CryptoError::UnsupportedEnctype(e)),
    }
}

/// Keyed checksum of `data` with `key` for key usage `usage`; the type follows the
/// key's enctype (15, 16 or -138).
pub fn make_checksum(key: &Key, usage: u32, data: &[u8]) -> Result<Checksum, CryptoError> {
    let cksumtype =
        checksum_type_for(key.enctype()).ok_or(CryptoError::UnsupportedEnctype(key.enctype()))?;
    let data = match keyed_mac(key, usage, data)? {
        Keyed::Sha1(h) => h.finalize().into_bytes()[..AES_MAC_LEN].to_vec(),
        Keyed::Md5(h) => h.finalize().into_bytes().to_vec(),
    };
    Ok(Checksum { cksumtype, data })
}

/// Check `expected` (of type `cksumtype`) over `data` with `key` and `usage`, in
/// constant time.
pub fn verify_checksum(
    key: &Key,
    usage: u32,
    cksumtype: i32,
    data: &[u8],
    expected: &[u8],
) -> Result<(), ChecksumError> {
    let enctype = key.enctype();
    let want = checksum_type_for(enctype).ok_or(CryptoError::UnsupportedEnctype(enctype))?;
    if cksumtype != want {
        return Err(ChecksumError::WrongType {
            cksumtype,
            enctype,
            expected: want,
        });
    }
    let ok = match keyed_mac(key, usage, data)? {
        // verify_truncated_left accepts any prefix length; insist on all 12 bytes.
        Keyed::Sha1(h) => {
            expected.len() == AES_MAC_LEN && h.verify_truncated_left(expected).is_ok()
        }
        Keyed::Md5(h) => h.verify_slice(expected).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(ChecksumError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_long_checksums_do_not_verify() {
        let key = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![3; 32]);
        let c = make_checksum(&key, 17, b"pac").unwrap();
        assert_eq!(c.cksumtype, 16);
        assert_eq!(verify_checksum(&key, 17, 16, b"pac", &c.data), Ok(()));
        assert_eq!(
            verify_checksum(&key, 17, 16, b"pac", &c.data[..11]),
            Err(ChecksumError::Mismatch)
        );
        assert_eq!(
            verify_checksum(&key, 17, 16, b"pac", &[]),
            Err(ChecksumError::Mismatch)
        );
        let mut long = c.data.clone();
        long.push(0);
        assert_eq!(
            verify_checksum(&key, 17, 16, b"pac", &long),
            Err(ChecksumError::Mismatch)
        );
        assert_eq!(
            verify_checksum(&key, 17, 15, b"pac", &c.data),
            Err(ChecksumError::WrongType {
                cksumtype: 15,
                enctype: Enctype::AES256_CTS_HMAC_SHA1_96,
                expected: 16
            })
        );
    }
}

//! string-to-key: from a password and salt to a key.
//!
//! - AES (RFC 3962): DK(PBKDF2-HMAC-SHA1(password UTF-8, salt, iterations), "kerberos").
//! - RC4-HMAC (RFC 4757): MD4(UTF-16LE(password)); salt and iterations do not apply.

use md4::{Digest, Md4};
use sha1::Sha1;
use zeroize::Zeroizing;

use super::crypto::CryptoError;
use super::crypto::dk::derive_key;
use super::{Enctype, Key, Password};

/// PBKDF2 iteration count AD and MIT use unless ETYPE-INFO2 s2kparams say otherwise.
pub const DEFAULT_AES_ITERATIONS: u32 = 4096;

/// Largest AES iteration count accepted: MIT krb5's limit (`MAX_ITERATION_COUNT`
/// 0x1000000 in `s2k_pbkdf2.c`, exclusive), which keeps a hostile or mistyped
/// count from running PBKDF2 for hours.
pub const MAX_AES_ITERATIONS: u32 = 0x00ff_ffff;

/// Derive the key of `enctype` for `password` and `salt`.
///
/// `iterations` is the PBKDF2 count for AES (1 to [`MAX_AES_ITERATIONS`]) and
/// is ignored, like `salt`, for RC4-HMAC.
pub fn string_to_key(
    enctype: Enctype,
    password: &Password,
    salt: &[u8],
    iterations: u32,
) -> Result<Key, CryptoError> {
    match enctype {
        Enctype::AES128_CTS_HMAC_SHA1_96 => aes(enctype, 16, password, salt, iterations),
        Enctype::AES256_CTS_HMAC_SHA1_96 => aes(enctype, 32, password, salt, iterations),
        Enctype::RC4_HMAC => Ok(rc4(password)),
        e => Err(CryptoError::UnsupportedEnctype(e)),
    }
}

fn aes(
    enctype: Enctype,
    len: usize,
    password: &Password,
    salt: &[u8],
    iterations: u32,
) -> Result<Key, CryptoError> {
    if iterations == 0 || iterations > MAX_AES_ITERATIONS {
        return Err(CryptoError::BadIterationCount(iterations));
    }
    let mut tkey = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha1>(
        password.expose().as_bytes(),
        salt,
        iterations,
        &mut tkey[..len],
    );
    // random-to-key is the identity for AES, so the key is DK(tkey, "kerberos").
    let mut key = derive_key(&tkey[..len], b"kerberos")?;
    Ok(Key::new(enctype, std::mem::take(&mut *key)))
}

fn rc4(password: &Password) -> Key {
    let mut utf16 = Zeroizing::new(Vec::with_capacity(password.expose().len() * 2));
    for unit in password.expose().encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut hash = Md4::digest(&*utf16);
    let key = hash.to_vec();
    hash.as_mut_slice().fill(0);
    Key::new(Enctype::RC4_HMAC, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nt_hash_of_password() {
        let k = string_to_key(
            Enctype::RC4_HMAC,
            &Password::from("password"),
            b"ignored",
            0,
        )
        .unwrap();
        assert_eq!(
            k.expose(),
            [
                0x88, 0x46, 0xf7, 0xea, 0xee, 0x8f, 0xb1, 0x17, 0xad, 0x06, 0xbd, 0xd8, 0x30, 0xb7,
                0x58, 0x6c
            ]
        );
        assert_eq!(k.enctype(), Enctype::RC4_HMAC);
    }

    #[test]
    fn aes_key_lengths_and_errors() {
        let pw = Password::from("pw");
        assert_eq!(
            string_to_key(Enctype::AES128_CTS_HMAC_SHA1_96, &pw, b"S", 1)
                .unwrap()
                .len(),
            16
        );
        assert_eq!(
            string_to_key(Enctype::AES256_CTS_HMAC_SHA1_96, &pw, b"S", 1)
                .unwrap()
                .len(),
            32
        );
        assert_eq!(
            string_to_key(Enctype::AES256_CTS_HMAC_SHA1_96, &pw, b"S", 0),
            Err(CryptoError::BadIterationCount(0))
        );
        assert_eq!(
            string_to_key(
                Enctype::AES128_CTS_HMAC_SHA1_96,
                &pw,
                b"S",
                MAX_AES_ITERATIONS + 1
            ),
            Err(CryptoError::BadIterationCount(MAX_AES_ITERATIONS + 1))
        );
        assert_eq!(
            string_to_key(Enctype::AES128_CTS_HMAC_SHA1_96, &pw, b"S", u32::MAX),
            Err(CryptoError::BadIterationCount(u32::MAX))
        );
        for e in [
            Enctype::RC4_HMAC_EXP,
            Enctype::DES3_CBC_SHA1,
            Enctype::AES128_CTS_HMAC_SHA256_128,
            Enctype(-7),
        ] {
            assert_eq!(
                string_to_key(e, &pw, b"S", 4096),
                Err(CryptoError::UnsupportedEnctype(e))
            );
        }
    }

    #[test]
    fn empty_password_and_salt_work() {
        let pw = Password::from("");
        assert_eq!(
            string_to_key(Enctype::AES256_CTS_HMAC_SHA1_96, &pw, b"", 1)
                .unwrap()
                .len(),
            32
        );
        // MD4 of the empty string.
        let k = string_to_key(Enctype::RC4_HMAC, &pw, b"", 1).unwrap();
        assert_eq!(k.expose()[..4], [0x31, 0xd6, 0xcf, 0xe0]);
    }
}

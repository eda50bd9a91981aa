//! Keys prepared once for one key usage, for checking many messages with the same
//! key (a web server's keytab against every ticket in a log).
//!
//! Decrypting with a raw AES key derives Ke and Ki (RFC 3961 DK: n-fold plus AES
//! encryptions) and sets up the AES and HMAC key schedules every time; that costs
//! about as much as decrypting a whole ticket. A [`DecryptionKey`] or
//! [`ChecksumKey`] does it once: the caller holds it (a plain value, no global
//! cache) and reuses it. Results are the same as [`super::decrypt`] and
//! [`super::verify_checksum`] give, errors included.

use aes::{Aes128Dec, Aes128Enc, Aes256Dec, Aes256Enc};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;
use zeroize::Zeroizing;

use super::aes_cts::{decrypt_in_place, new_cipher};
use super::aes_sha1::MAC_LEN;
use super::checksum::{ChecksumError, checksum_type_for};
use super::dk::{derive_with, usage_constant};
use super::{CryptoError, check_key, ciphertext_overhead, rc4_hmac};
use crate::krb::{Enctype, Key};

const ZERO_IV: [u8; 16] = [0; 16];

// The AES variants hold key schedules (about 0.8 KB); one per keytab entry, kept
// for the whole run: boxing them would only add an indirection per ticket.
#[allow(clippy::large_enum_variant)]
enum Decrypt {
    /// Ke's decryption key schedule and an HMAC-SHA1 state already keyed with Ki.
    Aes128 {
        ke: Aes128Dec,
        ki: Hmac<Sha1>,
    },
    Aes256 {
        ke: Aes256Dec,
        ki: Hmac<Sha1>,
    },
    /// RC4-HMAC derives its keys from the confounder-independent usage and the
    /// checksum in the message: nothing worth keeping beyond the key.
    Rc4(Key),
}

/// A key ready to decrypt messages of one key usage.
pub struct DecryptionKey {
    enctype: Enctype,
    usage: u32,
    inner: Decrypt,
}

impl DecryptionKey {
    /// Checks the enctype is supported and the key's length, as [`super::decrypt`]
    /// does, and derives the usage's keys.
    pub fn new(key: &Key, usage: u32) -> Result<DecryptionKey, CryptoError> {
        check_key(key)?;
        let k = key.expose();
        let inner = match key.enctype() {
            Enctype::AES128_CTS_HMAC_SHA1_96 => {
                let base: Aes128Enc = new_cipher(k)?;
                let ke = derive_with(&base, k.len(), &usage_constant(usage, 0xAA));
                let ki = derive_with(&base, k.len(), &usage_constant(usage, 0x55));
                Decrypt::Aes128 {
                    ke: new_cipher(ke.as_bytes())?,
                    ki: hmac_sha1(ki.as_bytes())?,
                }
            }
            Enctype::AES256_CTS_HMAC_SHA1_96 => {
                let base: Aes256Enc = new_cipher(k)?;
                let ke = derive_with(&base, k.len(), &usage_constant(usage, 0xAA));
                let ki = derive_with(&base, k.len(), &usage_constant(usage, 0x55));
                Decrypt::Aes256 {
                    ke: new_cipher(ke.as_bytes())?,
                    ki: hmac_sha1(ki.as_bytes())?,
                }
            }
            Enctype::RC4_HMAC => Decrypt::Rc4(key.clone()),
            e => return Err(CryptoError::UnsupportedEnctype(e)),
        };
        Ok(DecryptionKey {
            enctype: key.enctype(),
            usage,
            inner,
        })
    }

    pub fn enctype(&self) -> Enctype {
        self.enctype
    }

    pub fn usage(&self) -> u32 {
        self.usage
    }

    /// Decrypt and verify; returns confounder || plaintext, like
    /// [`super::decrypt_with_confounder`]. The plaintext starts at
    /// [`super::confounder_len`].
    pub fn decrypt_with_confounder(
        &self,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let mut out = Zeroizing::new(Vec::new());
        self.decrypt_into(ciphertext, &mut out)?;
        Ok(out)
    }

    /// [`DecryptionKey::decrypt_with_confounder`] into `out`, a buffer reused from
    /// message to message (what it held is wiped first; it is grown only when too
    /// small, its old allocation wiped too). On an error `out` is left empty.
    pub fn decrypt_into(
        &self,
        ciphertext: &[u8],
        out: &mut Zeroizing<Vec<u8>>,
    ) -> Result<(), CryptoError> {
        super::wipe(out);
        let minimum = ciphertext_overhead(self.enctype)
            .ok_or(CryptoError::UnsupportedEnctype(self.enctype))?;
        if ciphertext.len() < minimum {
            return Err(CryptoError::CiphertextTooShort {
                enctype: self.enctype,
                minimum,
                actual: ciphertext.len(),
            });
        }
        let done = match &self.inner {
            Decrypt::Aes128 { ke, ki } => aes_decrypt(ke, ki, ciphertext, out),
            Decrypt::Aes256 { ke, ki } => aes_decrypt(ke, ki, ciphertext, out),
            Decrypt::Rc4(key) => rc4_hmac::decrypt(key.expose(), self.usage, ciphertext)
                .map(|plain| copy_into(out, &plain)),
        };
        if done.is_err() {
            super::wipe(out);
        }
        done
    }
}

/// `out` (empty) holding `data`; a too small allocation is replaced, the old
/// one wiped as it is dropped.
fn copy_into(out: &mut Zeroizing<Vec<u8>>, data: &[u8]) {
    if out.capacity() < data.len() {
        *out = Zeroizing::new(Vec::with_capacity(data.len()));
    }
    out.extend_from_slice(data);
}

fn aes_decrypt<D>(
    ke: &D,
    ki: &Hmac<Sha1>,
    ciphertext: &[u8],
    out: &mut Zeroizing<Vec<u8>>,
) -> Result<(), CryptoError>
where
    D: aes::cipher::BlockCipherDecrypt
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>,
{
    let (body, tag) = ciphertext.split_at(ciphertext.len().saturating_sub(MAC_LEN));
    copy_into(out, body);
    decrypt_in_place(ke, &ZERO_IV, out)?;
    let mut h = ki.clone();
    h.update(out);
    // Constant-time comparison of the first 12 bytes of the HMAC.
    h.verify_truncated_left(tag)
        .map_err(|_| CryptoError::IntegrityCheckFailed)
}

fn hmac_sha1(key: &[u8]) -> Result<Hmac<Sha1>, CryptoError> {
    <Hmac<Sha1> as hmac::KeyInit>::new_from_slice(key)
        .map_err(|_| CryptoError::BadAesKeyLength(key.len()))
}

fn hmac_md5(key: &[u8]) -> Result<Hmac<Md5>, CryptoError> {
    <Hmac<Md5> as hmac::KeyInit>::new_from_slice(key).map_err(|_| CryptoError::BadKeyLength {
        enctype: Enctype::RC4_HMAC,
        expected: 16,
        actual: key.len(),
    })
}

enum Checksum {
    /// HMAC-SHA1 keyed with Kc = DK(key, usage || 0x99).
    Aes(Hmac<Sha1>),
    /// HMAC-MD5 keyed with Ksign = HMAC-MD5(key, "signaturekey\0"), and the
    /// translated usage (RFC 4757).
    Rc4 { ksign: Hmac<Md5>, ms_usage: u32 },
}

/// A key ready to verify keyed checksums of one key usage (a PAC's server
/// signature, usage 17), as [`super::verify_checksum`] does.
pub struct ChecksumKey {
    enctype: Enctype,
    cksumtype: i32,
    inner: Checksum,
}

impl ChecksumKey {
    pub fn new(key: &Key, usage: u32) -> Result<ChecksumKey, CryptoError> {
        let enctype = key.enctype();
        let cksumtype =
            checksum_type_for(enctype).ok_or(CryptoError::UnsupportedEnctype(enctype))?;
        check_key(key)?;
        let k = key.expose();
        let inner = match enctype {
            Enctype::AES128_CTS_HMAC_SHA1_96 => {
                let base: Aes128Enc = new_cipher(k)?;
                Checksum::Aes(hmac_sha1(
                    derive_with(&base, k.len(), &usage_constant(usage, 0x99)).as_bytes(),
                )?)
            }
            Enctype::AES256_CTS_HMAC_SHA1_96 => {
                let base: Aes256Enc = new_cipher(k)?;
                Checksum::Aes(hmac_sha1(
                    derive_with(&base, k.len(), &usage_constant(usage, 0x99)).as_bytes(),
                )?)
            }
            Enctype::RC4_HMAC => {
                let mut ks = hmac_md5(k)?;
                ks.update(b"signaturekey\0");
                let ksign = Zeroizing::new(ks.finalize().into_bytes());
                Checksum::Rc4 {
                    ksign: hmac_md5(&ksign)?,
                    ms_usage: super::checksum::rc4_ms_usage(usage),
                }
            }
            e => return Err(CryptoError::UnsupportedEnctype(e)),
        };
        Ok(ChecksumKey {
            enctype,
            cksumtype,
            inner,
        })
    }

    pub fn enctype(&self) -> Enctype {
        self.enctype
    }

    /// Check `expected` (of type `cksumtype`) over `data`, in constant time.
    pub fn verify(
        &self,
        cksumtype: i32,
        data: &[u8],
        expected: &[u8],
    ) -> Result<(), ChecksumError> {
        self.verify_pieces(cksumtype, [data], expected)
    }

    /// [`ChecksumKey::verify`] over the concatenation of `pieces` (a PAC with its
    /// signatures read as zeros, without copying it).
    pub fn verify_pieces<'d>(
        &self,
        cksumtype: i32,
        pieces: impl IntoIterator<Item = &'d [u8]>,
        expected: &[u8],
    ) -> Result<(), ChecksumError> {
        if cksumtype != self.cksumtype {
            return Err(ChecksumError::WrongType {
                cksumtype,
                enctype: self.enctype,
                expected: self.cksumtype,
            });
        }
        let ok = match &self.inner {
            Checksum::Aes(kc) => {
                let mut h = kc.clone();
                for p in pieces {
                    h.update(p);
                }
                // verify_truncated_left accepts any prefix length; insist on all 12.
                expected.len() == MAC_LEN && h.verify_truncated_left(expected).is_ok()
            }
            Checksum::Rc4 { ksign, ms_usage } => {
                let mut md5 = Md5::new();
                md5.update(ms_usage.to_le_bytes());
                for p in pieces {
                    md5.update(p);
                }
                let tmp = md5.finalize();
                let mut h = ksign.clone();
                h.update(&tmp);
                h.verify_slice(expected).is_ok()
            }
        };
        if ok {
            Ok(())
        } else {
            Err(ChecksumError::Mismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krb::crypto::{confounder_len, decrypt_with_confounder, encrypt, make_checksum};

    #[test]
    fn same_results_as_the_one_shot_functions() {
        for enctype in Enctype::SUPPORTED {
            let key = Key::new(enctype, vec![0x42; enctype.key_len().unwrap()]);
            let other = Key::new(enctype, vec![0x43; enctype.key_len().unwrap()]);
            let conf = vec![7; confounder_len(enctype).unwrap()];
            for usage in [2, 3, 7, 11, 17] {
                let dk = DecryptionKey::new(&key, usage).unwrap();
                for len in [0, 1, 15, 16, 17, 100, 1200] {
                    let pt: Vec<u8> = (0..len).map(|i| i as u8).collect();
                    let ct = encrypt(&key, usage, &conf, &pt).unwrap();
                    assert_eq!(
                        dk.decrypt_with_confounder(&ct).map(|b| b.to_vec()),
                        decrypt_with_confounder(&key, usage, &ct).map(|b| b.to_vec())
                    );
                    let wrong = encrypt(&other, usage, &conf, &pt).unwrap();
                    assert_eq!(
                        dk.decrypt_with_confounder(&wrong).map(|b| b.to_vec()),
                        Err(CryptoError::IntegrityCheckFailed)
                    );
                }
                assert!(matches!(
                    dk.decrypt_with_confounder(&[0; 5]),
                    Err(CryptoError::CiphertextTooShort { .. })
                ));
                let ck = ChecksumKey::new(&key, usage).unwrap();
                let c = make_checksum(&key, usage, b"some PAC").unwrap();
                assert_eq!(ck.verify(c.cksumtype, b"some PAC", &c.data), Ok(()));
                assert_eq!(
                    ck.verify_pieces(c.cksumtype, [&b"some"[..], b"", b" PAC"], &c.data),
                    Ok(())
                );
                assert_eq!(
                    ck.verify(c.cksumtype, b"other PAC", &c.data),
                    Err(ChecksumError::Mismatch)
                );
                assert_eq!(
                    ck.verify(c.cksumtype, b"some PAC", &c.data[..c.data.len() - 1]),
                    Err(ChecksumError::Mismatch)
                );
                assert!(matches!(
                    ck.verify(1, b"some PAC", &c.data),
                    Err(ChecksumError::WrongType { .. })
                ));
            }
        }
        let bad = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![0; 5]);
        assert!(matches!(
            DecryptionKey::new(&bad, 2),
            Err(CryptoError::BadKeyLength { .. })
        ));
        assert!(matches!(
            ChecksumKey::new(&Key::new(Enctype(1), vec![0; 8]), 17),
            Err(CryptoError::UnsupportedEnctype(_))
        ));
    }
}

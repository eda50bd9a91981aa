//! AES in CBC mode with ciphertext stealing, as RFC 3962 section 5 defines it
//! (NIST CBC-CS3: the last two blocks are swapped, always).
//!
//! The `cts` crate implements CBC-CS3 but encrypts an input of exactly one block
//! as a stolen block (E(E(P ^ IV))) where RFC 3962 wants plain CBC (E(P ^ IV));
//! that length is every AES message with an empty plaintext, so the single
//! block case is done here and everything longer goes to `cts`.

use aes::cipher::consts::U16;
use aes::cipher::{
    Block, BlockCipherDecrypt, BlockCipherEncrypt, BlockSizeUser, InnerIvInit, KeyInit,
};
use aes::{Aes128Dec, Aes128Enc, Aes256Dec, Aes256Enc};
use cts::{CbcCs3, Decrypt as _, Encrypt as _};
use zeroize::{Zeroize, Zeroizing};

use super::CryptoError;

/// AES block size; also the shortest input CTS accepts.
pub const BLOCK_LEN: usize = 16;

/// CBC-CTS-encrypt `data` (at least one block) with a raw 16- or 32-byte AES key.
pub fn aes_cts_encrypt(key: &[u8], iv: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut buf = data.to_vec();
    match key.len() {
        16 => encrypt_in_place(new_cipher::<Aes128Enc>(key)?, iv, &mut buf)?,
        32 => encrypt_in_place(new_cipher::<Aes256Enc>(key)?, iv, &mut buf)?,
        n => return Err(CryptoError::BadAesKeyLength(n)),
    }
    Ok(buf)
}

/// Inverse of [`aes_cts_encrypt`].
pub fn aes_cts_decrypt(
    key: &[u8],
    iv: &[u8; 16],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut buf = Zeroizing::new(data.to_vec());
    match key.len() {
        16 => decrypt_in_place(new_cipher::<Aes128Dec>(key)?, iv, &mut buf)?,
        32 => decrypt_in_place(new_cipher::<Aes256Dec>(key)?, iv, &mut buf)?,
        n => return Err(CryptoError::BadAesKeyLength(n)),
    }
    Ok(buf)
}

pub(crate) fn new_cipher<C: KeyInit>(key: &[u8]) -> Result<C, CryptoError> {
    C::new_from_slice(key).map_err(|_| CryptoError::BadAesKeyLength(key.len()))
}

pub(crate) fn encrypt_in_place<C>(
    cipher: C,
    iv: &[u8; 16],
    buf: &mut [u8],
) -> Result<(), CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16>,
{
    match buf.len() {
        n if n < BLOCK_LEN => Err(CryptoError::CtsInputTooShort { actual: n }),
        BLOCK_LEN => {
            let mut block = Block::<C>::from(*iv);
            xor_into(&mut block, buf);
            cipher.encrypt_block(&mut block);
            buf.copy_from_slice(&block);
            Ok(())
        }
        // Length checked above, so `cts` cannot refuse it.
        _ => CbcCs3::inner_iv_init(cipher, &(*iv).into())
            .encrypt(buf)
            .map_err(|_| CryptoError::CtsInputTooShort { actual: buf.len() }),
    }
}

pub(crate) fn decrypt_in_place<C>(
    cipher: C,
    iv: &[u8; 16],
    buf: &mut [u8],
) -> Result<(), CryptoError>
where
    C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16>,
{
    match buf.len() {
        n if n < BLOCK_LEN => Err(CryptoError::CtsInputTooShort { actual: n }),
        BLOCK_LEN => {
            let mut block = Block::<C>::default();
            block.copy_from_slice(buf);
            cipher.decrypt_block(&mut block);
            xor_into(&mut block, iv);
            buf.copy_from_slice(&block);
            block.as_mut_slice().zeroize();
            Ok(())
        }
        _ => CbcCs3::inner_iv_init(cipher, &(*iv).into())
            .decrypt(buf)
            .map_err(|_| CryptoError::CtsInputTooShort { actual: buf.len() }),
    }
}

fn xor_into(block: &mut [u8], other: &[u8]) {
    for (b, o) in block.iter_mut().zip(other) {
        *b ^= o;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_length() {
        for key in [&[7u8; 16][..], &[9u8; 32][..]] {
            for len in 16..=70 {
                let data: Vec<u8> = (0..len as u8).collect();
                let iv = [len as u8; 16];
                let ct = aes_cts_encrypt(key, &iv, &data).unwrap();
                assert_eq!(ct.len(), len);
                assert_ne!(ct, data);
                assert_eq!(*aes_cts_decrypt(key, &iv, &ct).unwrap(), data, "len {len}");
            }
        }
    }

    #[test]
    fn single_block_is_plain_cbc() {
        // RFC 3962: one block is CBC, so with IV 0 it equals the first block of
        // any longer message with the same start (where CBC-CS3 moved it last).
        let key = [3u8; 16];
        let one = aes_cts_encrypt(&key, &[0; 16], &[0x41; 16]).unwrap();
        let two = aes_cts_encrypt(&key, &[0; 16], &[0x41; 32]).unwrap();
        assert_eq!(one, two[16..]);
    }

    #[test]
    fn short_input_and_bad_key_are_errors() {
        assert_eq!(
            aes_cts_encrypt(&[0; 16], &[0; 16], &[0; 15]),
            Err(CryptoError::CtsInputTooShort { actual: 15 })
        );
        assert_eq!(
            aes_cts_decrypt(&[0; 16], &[0; 16], &[]).map(|v| v.to_vec()),
            Err(CryptoError::CtsInputTooShort { actual: 0 })
        );
        assert_eq!(
            aes_cts_encrypt(&[0; 24], &[0; 16], &[0; 16]),
            Err(CryptoError::BadAesKeyLength(24))
        );
    }
}

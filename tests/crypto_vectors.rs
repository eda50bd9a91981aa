//! Known-answer tests for `spnkt::krb::crypto` and `string_to_key`, from the
//! data files in `tests/vectors/` (each file names its source in its header).

use spnkt::krb::crypto::{
    self, CryptoError, aes_cts_decrypt, aes_cts_encrypt, confounder_len, decrypt,
    decrypt_with_confounder, derive_key, encrypt, nfold::nfold,
};
use spnkt::krb::string_to_key::string_to_key;
use spnkt::krb::{Enctype, Key, Password};

/// Data lines of a vector file, split on whitespace; `#` lines and blanks skipped.
fn rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
        .collect()
}

/// Hex field; "-" is the empty string.
fn hex(field: &str) -> Vec<u8> {
    if field == "-" {
        Vec::new()
    } else {
        hex::decode(field).unwrap_or_else(|e| panic!("bad hex {field:?}: {e}"))
    }
}

fn num<T: std::str::FromStr>(field: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    field
        .parse()
        .unwrap_or_else(|e| panic!("bad number {field:?}: {e:?}"))
}

#[test]
fn rfc3961_nfold() {
    let rows = rows(include_str!("vectors/nfold.txt"));
    assert_eq!(rows.len(), 11, "RFC 3961 A.1 has eleven n-fold vectors");
    for r in &rows {
        let bits: usize = num(r[0]);
        assert_eq!(
            hex::encode(nfold(&hex(r[1]), bits / 8)),
            r[2],
            "{bits}-fold({})",
            r[1]
        );
    }
}

/// Checks one string-to-key row: `iterations pw salt pbkdf2-128 key128 pbkdf2-256 key256`.
fn check_aes_string_to_key(r: &[&str]) {
    let iterations: u32 = num(r[0]);
    let password = Password::new(String::from_utf8(hex(r[1])).expect("pass phrases are UTF-8"));
    let salt = hex(r[2]);
    for (enctype, tkey, key) in [
        (Enctype::AES128_CTS_HMAC_SHA1_96, r[3], r[4]),
        (Enctype::AES256_CTS_HMAC_SHA1_96, r[5], r[6]),
    ] {
        let k = string_to_key(enctype, &password, &salt, iterations).unwrap();
        assert_eq!(k.enctype(), enctype);
        assert_eq!(
            hex::encode(k.expose()),
            key,
            "{enctype} iterations {iterations} salt {}",
            r[2]
        );
        // The DK step alone, from the listed PBKDF2 output.
        assert_eq!(
            hex::encode(&*derive_key(&hex(tkey), b"kerberos").unwrap()),
            key
        );
    }
}

#[test]
fn rfc3962_string_to_key() {
    let rows = rows(include_str!("vectors/rfc3962_string_to_key.txt"));
    assert_eq!(rows.len(), 7);
    let iterations: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(iterations, ["1", "2", "1200", "5", "1200", "1200", "50"]);
    for r in &rows {
        check_aes_string_to_key(r);
    }
}

#[test]
fn aes_string_to_key_non_ascii_uses_utf8() {
    let rows = rows(include_str!("vectors/aes_string_to_key_utf8.txt"));
    assert_eq!(rows.len(), 2);
    for r in &rows {
        check_aes_string_to_key(r);
    }
}

#[test]
fn rc4_string_to_key() {
    let rows = rows(include_str!("vectors/rc4_string_to_key.txt"));
    assert_eq!(rows.len(), 5);
    for r in &rows {
        let password = Password::new(String::from_utf8(hex(r[0])).unwrap());
        // Salt and iterations do not apply to RC4, whatever they are.
        for (salt, iterations) in [(&b""[..], 0), (&b"EXAMPLE.COMuser"[..], 4096)] {
            let k = string_to_key(Enctype::RC4_HMAC, &password, salt, iterations).unwrap();
            assert_eq!(k.enctype(), Enctype::RC4_HMAC);
            assert_eq!(hex::encode(k.expose()), r[1], "password {}", r[0]);
        }
    }
}

#[test]
fn rfc3962_cts() {
    let rows = rows(include_str!("vectors/rfc3962_cts.txt"));
    assert_eq!(rows.len(), 6);
    for r in &rows {
        let (key, input, output) = (hex(r[0]), hex(r[2]), hex(r[3]));
        let iv: [u8; 16] = hex(r[1]).try_into().unwrap();
        assert_eq!(
            hex::encode(aes_cts_encrypt(&key, &iv, &input).unwrap()),
            r[3],
            "input {}",
            r[2]
        );
        assert_eq!(*aes_cts_decrypt(&key, &iv, &output).unwrap(), input);
    }
}

struct DecryptCase {
    key: Key,
    usage: u32,
    plaintext: Vec<u8>,
    ciphertext: Vec<u8>,
}

fn mit_cases() -> Vec<DecryptCase> {
    rows(include_str!("vectors/mit_t_decrypt.txt"))
        .iter()
        .map(|r| DecryptCase {
            key: Key::new(Enctype(num(r[0])), hex(r[3])),
            usage: num(r[1]),
            plaintext: hex(r[2]),
            ciphertext: hex(r[4]),
        })
        .collect()
}

#[test]
fn mit_t_decrypt_known_ciphertexts() {
    let cases = mit_cases();
    assert_eq!(cases.len(), 15);
    for enctype in Enctype::SUPPORTED {
        assert_eq!(
            cases.iter().filter(|c| c.key.enctype() == enctype).count(),
            5,
            "{enctype}"
        );
    }
    for c in &cases {
        let what = format!("{} usage {}", c.key.enctype(), c.usage);
        assert_eq!(
            *decrypt(&c.key, c.usage, &c.ciphertext).unwrap(),
            c.plaintext,
            "{what}"
        );

        // Re-encrypting with the recovered confounder gives the same bytes.
        let full = decrypt_with_confounder(&c.key, c.usage, &c.ciphertext).unwrap();
        let n = confounder_len(c.key.enctype()).unwrap();
        assert_eq!(full.len(), n + c.plaintext.len());
        assert_eq!(full[n..], c.plaintext[..]);
        let again = encrypt(&c.key, c.usage, &full[..n], &c.plaintext).unwrap();
        assert_eq!(hex::encode(again), hex::encode(&c.ciphertext), "{what}");
    }
}

#[test]
fn mit_t_decrypt_tampering_is_detected() {
    for c in mit_cases() {
        let enctype = c.key.enctype();
        for i in 0..c.ciphertext.len() {
            let mut bad = c.ciphertext.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                decrypt(&c.key, c.usage, &bad),
                Err(CryptoError::IntegrityCheckFailed),
                "{enctype} byte {i}"
            );
        }
        let mut wrong = c.key.expose().to_vec();
        wrong[0] ^= 0x80;
        let wrong = Key::new(enctype, wrong);
        assert_eq!(
            decrypt(&wrong, c.usage, &c.ciphertext),
            Err(CryptoError::IntegrityCheckFailed)
        );
        assert_eq!(
            decrypt(&c.key, c.usage + 1, &c.ciphertext),
            Err(CryptoError::IntegrityCheckFailed)
        );

        let minimum = crypto::ciphertext_overhead(enctype).unwrap();
        assert_eq!(
            decrypt(&c.key, c.usage, &c.ciphertext[..minimum - 1]),
            Err(CryptoError::CiphertextTooShort {
                enctype,
                minimum,
                actual: minimum - 1
            })
        );
        // One byte dropped from a longer message: the MAC no longer matches.
        if c.ciphertext.len() > minimum {
            let cut = &c.ciphertext[..c.ciphertext.len() - 1];
            assert_eq!(
                decrypt(&c.key, c.usage, cut),
                Err(CryptoError::IntegrityCheckFailed)
            );
        }
    }
}

#[test]
fn unsupported_enctypes_are_typed_errors() {
    for e in [
        Enctype::DES3_CBC_SHA1,
        Enctype::RC4_HMAC_EXP,
        Enctype::DES_CBC_MD5,
        Enctype(99),
    ] {
        let key = Key::new(e, vec![0x42; 24]);
        assert_eq!(
            encrypt(&key, 1, &[0; 16], b"x"),
            Err(CryptoError::UnsupportedEnctype(e))
        );
        assert_eq!(
            decrypt(&key, 1, &[0; 64]),
            Err(CryptoError::UnsupportedEnctype(e))
        );
        assert_eq!(
            string_to_key(e, &Password::from("password"), b"salt", 4096),
            Err(CryptoError::UnsupportedEnctype(e))
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const ENCTYPES: [i32; 6] = [17, 18, 23, 24, 16, 1];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Arbitrary keys and bytes give a result or a typed error, never a panic.
        #[test]
        fn decrypt_never_panics(
            e in prop::sample::select(&ENCTYPES[..]),
            key in prop::collection::vec(any::<u8>(), 0..40),
            usage in any::<u32>(),
            ct in prop::collection::vec(any::<u8>(), 0..120),
        ) {
            let key = Key::new(Enctype(e), key);
            let _ = decrypt(&key, usage, &ct);
            let _ = encrypt(&key, usage, &ct[..ct.len().min(16)], &ct);
        }

        #[test]
        fn round_trip(
            e in prop::sample::select(&ENCTYPES[..3]),
            seed in any::<u8>(),
            usage in any::<u32>(),
            pt in prop::collection::vec(any::<u8>(), 0..300),
        ) {
            let enctype = Enctype(e);
            let key = Key::new(enctype, vec![seed; enctype.key_len().unwrap()]);
            let conf = vec![seed ^ 0x5c; confounder_len(enctype).unwrap()];
            let ct = encrypt(&key, usage, &conf, &pt).unwrap();
            prop_assert_eq!(&*decrypt(&key, usage, &ct).unwrap(), &pt[..]);
        }
    }
}

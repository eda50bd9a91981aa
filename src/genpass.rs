//! Random account passwords: letters, digits and punctuation from the operating
//! system's random source (getrandom), at least one of each class so that AD's
//! complexity rule always accepts them. Nobody ever types these: the keys go into
//! the keytab and the password is forgotten (zeroized).

use zeroize::Zeroizing;

use crate::krb::Password;

/// Default length of generated passwords.
pub const DEFAULT_LENGTH: usize = 32;

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";
/// ASCII punctuation without quotes, backslash and backtick (harmless anywhere).
const PUNCT: &[u8] = b"!#$%&()*+,-./:;<=>?@[]^_{|}~";

/// A random password of `len` (at least 8) characters with an upper-case letter, a
/// lower-case letter, a digit and a punctuation character.
pub fn random_password(len: usize) -> Result<Password, getrandom::Error> {
    let len = len.max(8);
    let alphabet: Vec<u8> = [UPPER, LOWER, DIGITS, PUNCT].concat();
    // Rejection sampling: bytes >= limit would bias the choice.
    let n = alphabet.len();
    let limit = 256 - 256 % n;
    loop {
        let mut out = Zeroizing::new(String::with_capacity(len));
        let mut buf = Zeroizing::new([0u8; 64]);
        while out.len() < len {
            getrandom::fill(&mut *buf)?;
            for &b in buf.iter() {
                if usize::from(b) < limit && out.len() < len {
                    out.push(char::from(alphabet[usize::from(b) % n]));
                }
            }
        }
        if meets_complexity(&out) {
            return Ok(Password::new(std::mem::take(&mut *out)));
        }
    }
}

/// Upper, lower, digit and punctuation all present.
pub fn meets_complexity(s: &str) -> bool {
    let has = |set: &[u8]| s.bytes().any(|b| set.contains(&b));
    has(UPPER) && has(LOWER) && has(DIGITS) && has(PUNCT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_classes() {
        for len in [0, 8, 32, 64, 120] {
            let p = random_password(len).unwrap();
            assert_eq!(p.expose().len(), len.max(8));
            assert!(meets_complexity(p.expose()));
            assert!(p.expose().is_ascii());
            assert!(!p.expose().contains(['"', '\\', '`', '\'', ' ']));
        }
    }

    #[test]
    fn different_every_time() {
        let a = random_password(DEFAULT_LENGTH).unwrap();
        let b = random_password(DEFAULT_LENGTH).unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(format!("{a:?}"), "Password(<redacted>)");
    }

    #[test]
    fn complexity_check() {
        assert!(meets_complexity("aA1!"));
        assert!(!meets_complexity("aA1a"));
        assert!(!meets_complexity("a!1a"));
    }
}

//! Encryption types (RFC 3961 section 8, IANA "Kerberos Encryption Type Numbers").
//!
//! An [`Enctype`] is just the number found on the wire or in a keytab. Every number
//! can be read, named (when known) and listed; only the three AD uses today can be
//! derived from a password or used to encrypt.

use std::fmt;

/// A Kerberos encryption type number, known or not.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Enctype(pub i32);

impl Enctype {
    pub const DES_CBC_CRC: Enctype = Enctype(1);
    pub const DES_CBC_MD4: Enctype = Enctype(2);
    pub const DES_CBC_MD5: Enctype = Enctype(3);
    pub const DES3_CBC_SHA1: Enctype = Enctype(16);
    pub const AES128_CTS_HMAC_SHA1_96: Enctype = Enctype(17);
    pub const AES256_CTS_HMAC_SHA1_96: Enctype = Enctype(18);
    pub const AES128_CTS_HMAC_SHA256_128: Enctype = Enctype(19);
    pub const AES256_CTS_HMAC_SHA384_192: Enctype = Enctype(20);
    pub const RC4_HMAC: Enctype = Enctype(23);
    pub const RC4_HMAC_EXP: Enctype = Enctype(24);
    pub const CAMELLIA128_CTS_CMAC: Enctype = Enctype(25);
    pub const CAMELLIA256_CTS_CMAC: Enctype = Enctype(26);

    /// The enctypes spnkt can derive keys for and encrypt/decrypt with,
    /// strongest first (the order keys are written in by default).
    pub const SUPPORTED: [Enctype; 3] = [
        Enctype::AES256_CTS_HMAC_SHA1_96,
        Enctype::AES128_CTS_HMAC_SHA1_96,
        Enctype::RC4_HMAC,
    ];

    /// MIT krb5's name for the enctype, if it has one.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "des-cbc-crc",
            2 => "des-cbc-md4",
            3 => "des-cbc-md5",
            16 => "des3-cbc-sha1",
            17 => "aes128-cts-hmac-sha1-96",
            18 => "aes256-cts-hmac-sha1-96",
            19 => "aes128-cts-hmac-sha256-128",
            20 => "aes256-cts-hmac-sha384-192",
            23 => "rc4-hmac",
            24 => "rc4-hmac-exp",
            25 => "camellia128-cts-cmac",
            26 => "camellia256-cts-cmac",
            _ => return None,
        })
    }

    /// True for the enctypes spnkt derives and uses (AES256, AES128, RC4-HMAC).
    pub fn is_supported(self) -> bool {
        Enctype::SUPPORTED.contains(&self)
    }

    /// Length in bytes of a key of this enctype, when known.
    pub fn key_len(self) -> Option<usize> {
        Some(match self.0 {
            1..=3 => 8,
            16 => 24,
            17 | 19 | 25 => 16,
            18 | 20 | 26 => 32,
            23 | 24 => 16,
            _ => return None,
        })
    }

    /// Bit in AD's `msDS-SupportedEncryptionTypes` for this enctype (MS-KILE 2.2.7).
    pub fn ad_supported_bit(self) -> Option<u32> {
        Some(match self.0 {
            1 => 0x1,
            3 => 0x2,
            23 => 0x4,
            17 => 0x8,
            18 => 0x10,
            _ => return None,
        })
    }

    /// Parse what an admin types: a short name (`aes256`, `aes128`, `rc4`), an MIT
    /// name or alias (`aes256-cts`, `arcfour-hmac`, ...) or the number.
    pub fn from_user_str(s: &str) -> Option<Enctype> {
        let s = s.trim().to_ascii_lowercase();
        if let Ok(n) = s.parse::<i32>() {
            return Some(Enctype(n));
        }
        Some(match s.as_str() {
            "aes256" | "aes256-cts" | "aes256-cts-hmac-sha1-96" | "aes256-sha1" => {
                Enctype::AES256_CTS_HMAC_SHA1_96
            }
            "aes128" | "aes128-cts" | "aes128-cts-hmac-sha1-96" | "aes128-sha1" => {
                Enctype::AES128_CTS_HMAC_SHA1_96
            }
            "rc4" | "rc4-hmac" | "arcfour-hmac" | "arcfour-hmac-md5" | "rc4-hmac-nt" => {
                Enctype::RC4_HMAC
            }
            "aes128-sha2" | "aes128-cts-hmac-sha256-128" => Enctype::AES128_CTS_HMAC_SHA256_128,
            "aes256-sha2" | "aes256-cts-hmac-sha384-192" => Enctype::AES256_CTS_HMAC_SHA384_192,
            "des3-cbc-sha1" | "des3-hmac-sha1" | "des3" => Enctype::DES3_CBC_SHA1,
            "des-cbc-crc" => Enctype::DES_CBC_CRC,
            "des-cbc-md4" => Enctype::DES_CBC_MD4,
            "des-cbc-md5" | "des" => Enctype::DES_CBC_MD5,
            "camellia128-cts-cmac" | "camellia128-cts" => Enctype::CAMELLIA128_CTS_CMAC,
            "camellia256-cts-cmac" | "camellia256-cts" => Enctype::CAMELLIA256_CTS_CMAC,
            _ => return None,
        })
    }
}

impl fmt::Display for Enctype {
    /// The MIT name, or `etype N` for a number nobody named (as `klist -e` does).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "etype {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        assert_eq!(Enctype::from_user_str("AES256"), Some(Enctype(18)));
        assert_eq!(Enctype::from_user_str("arcfour-hmac"), Some(Enctype(23)));
        assert_eq!(Enctype::from_user_str("17"), Some(Enctype(17)));
        assert_eq!(Enctype::from_user_str("des-cbc-md5"), Some(Enctype(3)));
        assert_eq!(Enctype::from_user_str("bogus"), None);
        assert_eq!(Enctype(99).to_string(), "etype 99");
        assert_eq!(Enctype(-128).to_string(), "etype -128");
        assert!(!Enctype::DES3_CBC_SHA1.is_supported());
        assert!(Enctype::RC4_HMAC.is_supported());
    }
}

//! The NTSTATUS an Active Directory KDC adds to a KRB-ERROR (MS-KILE 2.2.1-2.2.2),
//! which says what the error code alone does not: KDC_ERR_CLIENT_REVOKED is the
//! same for a disabled, an expired and a locked-out account.
//!
//! ```text
//! KERB-ERROR-DATA ::= SEQUENCE {          -- MS-KILE 2.2.2, in KRB-ERROR e-data
//!     data-type   [1] INTEGER,            -- 3: KERB_ERR_TYPE_EXTENDED
//!     data-value  [2] OCTET STRING OPTIONAL
//! }
//! KERB-EXT-ERROR: status, reserved, flags -- MS-KILE 2.2.1: three little-endian
//!                                          -- 32-bit words; status an NTSTATUS
//! ```
//!
//! It arrives in one of two carriers:
//! - e-data is the KERB-ERROR-DATA itself (what MS-KILE 2.2.2 describes and Windows
//!   KDCs send);
//! - e-data is METHOD-DATA and one of its PA-DATA has padata-type 3 (Samba 4.17's
//!   KDC, next to PA-ETYPE-INFO2). A PA-DATA { [1] 3, [2] bytes } is encoded
//!   exactly like a KERB-ERROR-DATA with data-type 3, which is why older code calls
//!   it "PA-PW-SALT". A real PA-PW-SALT (RFC 4120 5.2.7.3) carries a salt string,
//!   so that carrier is only read as a KERB-EXT-ERROR when its status is an error
//!   NTSTATUS (severity bits 11): a salt's fourth character is ASCII and never
//!   makes the top byte 0xC0-0xFF.
//!
//! Pure and total: any bytes give a value or `None`, never a panic.

use super::der::{self, Reader};
use super::kdc_msg::{PA_PW_SALT, parse_method_data};

/// KERB-ERROR-DATA data-type: clock skew recovery (data-value absent).
pub const KERB_AP_ERR_TYPE_SKEW_RECOVERY: i32 = 2;
/// KERB-ERROR-DATA data-type: data-value is a KERB-EXT-ERROR.
pub const KERB_ERR_TYPE_EXTENDED: i32 = 3;

/// An NTSTATUS value (MS-ERREF 2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NtStatus(pub u32);

impl NtStatus {
    pub const WRONG_PASSWORD: NtStatus = NtStatus(0xC000_006A);
    pub const NO_SUCH_USER: NtStatus = NtStatus(0xC000_0064);
    pub const LOGON_FAILURE: NtStatus = NtStatus(0xC000_006D);
    pub const ACCOUNT_RESTRICTION: NtStatus = NtStatus(0xC000_006E);
    pub const INVALID_LOGON_HOURS: NtStatus = NtStatus(0xC000_006F);
    pub const INVALID_WORKSTATION: NtStatus = NtStatus(0xC000_0070);
    pub const PASSWORD_EXPIRED: NtStatus = NtStatus(0xC000_0071);
    pub const ACCOUNT_DISABLED: NtStatus = NtStatus(0xC000_0072);
    pub const TIME_DIFFERENCE_AT_DC: NtStatus = NtStatus(0xC000_0133);
    pub const LOGON_TYPE_NOT_GRANTED: NtStatus = NtStatus(0xC000_015B);
    pub const ACCOUNT_EXPIRED: NtStatus = NtStatus(0xC000_0193);
    pub const PASSWORD_MUST_CHANGE: NtStatus = NtStatus(0xC000_0224);
    pub const ACCOUNT_LOCKED_OUT: NtStatus = NtStatus(0xC000_0234);
    pub const AUTHENTICATION_FIREWALL_FAILED: NtStatus = NtStatus(0xC000_0413);

    /// Known statuses: value, name, what it means for the account.
    const KNOWN: [(NtStatus, &'static str, &'static str); 14] = [
        (
            Self::NO_SUCH_USER,
            "STATUS_NO_SUCH_USER",
            "the account does not exist",
        ),
        (
            Self::WRONG_PASSWORD,
            "STATUS_WRONG_PASSWORD",
            "the password or key is wrong",
        ),
        (
            Self::LOGON_FAILURE,
            "STATUS_LOGON_FAILURE",
            "unknown user name or wrong password",
        ),
        (
            Self::ACCOUNT_RESTRICTION,
            "STATUS_ACCOUNT_RESTRICTION",
            "an account restriction refuses the logon, e.g. membership in Protected Users or an empty password",
        ),
        (
            Self::INVALID_LOGON_HOURS,
            "STATUS_INVALID_LOGON_HOURS",
            "the account's logon hours, logonHours, exclude this time",
        ),
        (
            Self::INVALID_WORKSTATION,
            "STATUS_INVALID_WORKSTATION",
            "the account may not log on from this computer: userWorkstations",
        ),
        (
            Self::PASSWORD_EXPIRED,
            "STATUS_PASSWORD_EXPIRED",
            "the account's password has expired",
        ),
        (
            Self::ACCOUNT_DISABLED,
            "STATUS_ACCOUNT_DISABLED",
            "the account is disabled",
        ),
        (
            Self::TIME_DIFFERENCE_AT_DC,
            "STATUS_TIME_DIFFERENCE_AT_DC",
            "this machine's clock differs too much from the domain controller's",
        ),
        (
            Self::LOGON_TYPE_NOT_GRANTED,
            "STATUS_LOGON_TYPE_NOT_GRANTED",
            "the account is not granted this kind of logon",
        ),
        (
            Self::ACCOUNT_EXPIRED,
            "STATUS_ACCOUNT_EXPIRED",
            "the account's expiry date, accountExpires, has passed",
        ),
        (
            Self::PASSWORD_MUST_CHANGE,
            "STATUS_PASSWORD_MUST_CHANGE",
            "the password must be changed before the account can log on: pwdLastSet is 0",
        ),
        (
            Self::ACCOUNT_LOCKED_OUT,
            "STATUS_ACCOUNT_LOCKED_OUT",
            "the account is locked out after too many wrong passwords",
        ),
        (
            Self::AUTHENTICATION_FIREWALL_FAILED,
            "STATUS_AUTHENTICATION_FIREWALL_FAILED",
            "an authentication policy or selective trust refuses the logon",
        ),
    ];

    /// `STATUS_ACCOUNT_DISABLED`, for the statuses spnkt knows.
    pub fn name(self) -> Option<&'static str> {
        Self::KNOWN
            .iter()
            .find(|(s, _, _)| *s == self)
            .map(|(_, n, _)| *n)
    }

    /// What the status means for the account, in words.
    pub fn meaning(self) -> Option<&'static str> {
        Self::KNOWN
            .iter()
            .find(|(s, _, _)| *s == self)
            .map(|(_, _, m)| *m)
    }

    /// Severity bits 11: an error status (0xC0000000-0xFFFFFFFF).
    pub fn is_error(self) -> bool {
        self.0 >> 30 == 3
    }
}

impl std::fmt::Display for NtStatus {
    /// `0xC0000072 STATUS_ACCOUNT_DISABLED`, or the number alone.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{:08X}", self.0)?;
        if let Some(n) = self.name() {
            write!(f, " {n}")?;
        }
        Ok(())
    }
}

/// KERB-EXT-ERROR (MS-KILE 2.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KerbExtError {
    /// The NTSTATUS.
    pub status: NtStatus,
    /// Zero; ignored on receipt.
    pub reserved: u32,
    /// 1 (Samba adds 2 for a TGS-REQ); other bits ignored on receipt.
    pub flags: u32,
}

/// Where a KRB-ERROR carried its KERB-EXT-ERROR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// e-data is a KERB-ERROR-DATA (MS-KILE 2.2.2; Windows).
    KerbErrorData,
    /// e-data is METHOD-DATA with a PA-DATA of type 3 (Samba).
    MethodData,
}

/// KERB-ERROR-DATA (MS-KILE 2.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KerbErrorData {
    pub data_type: i32,
    pub data_value: Option<Vec<u8>>,
}

/// The 12 bytes of a KERB-EXT-ERROR. Longer data is read for its first 12 bytes
/// (as Windows' own client does); shorter is none.
pub fn parse_kerb_ext_error(bytes: &[u8]) -> Option<KerbExtError> {
    let word = |i: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(i..i + 4)?.try_into().ok()?;
        Some(u32::from_le_bytes(b))
    };
    Some(KerbExtError {
        status: NtStatus(word(0)?),
        reserved: word(4)?,
        flags: word(8)?,
    })
}

/// The 12 bytes of `e`.
pub fn encode_kerb_ext_error(e: &KerbExtError) -> [u8; 12] {
    let mut out = [0u8; 12];
    out[..4].copy_from_slice(&e.status.0.to_le_bytes());
    out[4..8].copy_from_slice(&e.reserved.to_le_bytes());
    out[8..].copy_from_slice(&e.flags.to_le_bytes());
    out
}

fn read_kerb_error_data(r: &mut Reader<'_>) -> Result<KerbErrorData, der::DerError> {
    let mut s = r.sequence("KERB-ERROR-DATA")?;
    let data_type = s.field(1, "data-type", Reader::int32)?;
    let data_value = s.optional_field(2, "data-value", |r, f| r.octets(f).map(<[u8]>::to_vec))?;
    s.end_of_sequence()?;
    Ok(KerbErrorData {
        data_type,
        data_value,
    })
}

/// Parse a KERB-ERROR-DATA; `None` for anything else.
pub fn parse_kerb_error_data(bytes: &[u8]) -> Option<KerbErrorData> {
    let mut r = Reader::new(bytes, "KERB-ERROR-DATA");
    let d = read_kerb_error_data(&mut r).ok()?;
    r.finish().ok()?;
    Some(d)
}

/// Encode a KERB-ERROR-DATA.
pub fn encode_kerb_error_data(d: &KerbErrorData) -> Vec<u8> {
    let mut parts = vec![der::field(1, &der::enc_integer(d.data_type.into()))];
    if let Some(v) = &d.data_value {
        parts.push(der::field(2, &der::enc_octets(v)));
    }
    der::seq(&parts)
}

/// The KERB-EXT-ERROR in a KRB-ERROR's e-data, in either carrier.
pub fn from_e_data(e_data: &[u8]) -> Option<(KerbExtError, Carrier)> {
    if let Some(d) = parse_kerb_error_data(e_data) {
        return (d.data_type == KERB_ERR_TYPE_EXTENDED)
            .then(|| parse_kerb_ext_error(d.data_value.as_deref()?))
            .flatten()
            .map(|e| (e, Carrier::KerbErrorData));
    }
    parse_method_data(e_data)
        .ok()?
        .iter()
        .filter(|p| p.padata_type == PA_PW_SALT)
        .filter_map(|p| parse_kerb_ext_error(&p.value))
        .find(|e| e.status.is_error())
        .map(|e| (e, Carrier::MethodData))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MS-KILE 2.2.2 byte for byte: STATUS_ACCOUNT_DISABLED, reserved 0, flags 1.
    const WINDOWS_DISABLED: [u8; 23] = [
        0x30, 0x15, 0xa1, 0x03, 0x02, 0x01, 0x03, 0xa2, 0x0e, 0x04, 0x0c, 0x72, 0x00, 0x00, 0xc0,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn kerb_error_data_round_trip() {
        let (e, carrier) = from_e_data(&WINDOWS_DISABLED).unwrap();
        assert_eq!(carrier, Carrier::KerbErrorData);
        assert_eq!(e.status, NtStatus::ACCOUNT_DISABLED);
        assert_eq!((e.reserved, e.flags), (0, 1));
        let d = KerbErrorData {
            data_type: KERB_ERR_TYPE_EXTENDED,
            data_value: Some(encode_kerb_ext_error(&e).to_vec()),
        };
        assert_eq!(encode_kerb_error_data(&d), WINDOWS_DISABLED);
        assert_eq!(e.status.to_string(), "0xC0000072 STATUS_ACCOUNT_DISABLED");
        assert_eq!(NtStatus(0xC000_9999).to_string(), "0xC0009999");
    }

    #[test]
    fn what_is_not_an_extended_error() {
        // Skew recovery has no data-value.
        let skew = encode_kerb_error_data(&KerbErrorData {
            data_type: KERB_AP_ERR_TYPE_SKEW_RECOVERY,
            data_value: None,
        });
        assert_eq!(from_e_data(&skew), None);
        // Too short a KERB-EXT-ERROR.
        assert_eq!(parse_kerb_ext_error(&[0x72, 0, 0, 0xc0, 0, 0, 0, 0]), None);
        // A real PA-PW-SALT (a salt string) is not an NTSTATUS.
        let salt = crate::krb::kdc_msg::encode_method_data(&[crate::krb::kdc_msg::PaData {
            padata_type: PA_PW_SALT,
            value: b"EXAMPLE.COMhttpsvc".to_vec(),
        }]);
        assert_eq!(from_e_data(&salt), None);
        assert_eq!(from_e_data(&[]), None);
        assert_eq!(from_e_data(&[0x30, 0x80]), None);
    }
}

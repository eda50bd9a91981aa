//! What an AD service account is made of: userAccountControl bits, the enctype bits
//! of msDS-SupportedEncryptionTypes, delegation settings. Pure values.

use crate::krb::Enctype;

/// userAccountControl bits (MS-ADTS 2.2.16).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Uac(pub u32);

impl Uac {
    pub const SCRIPT: u32 = 0x1;
    pub const ACCOUNTDISABLE: u32 = 0x2;
    pub const LOCKOUT: u32 = 0x10;
    pub const PASSWD_NOTREQD: u32 = 0x20;
    pub const NORMAL_ACCOUNT: u32 = 0x200;
    pub const WORKSTATION_TRUST_ACCOUNT: u32 = 0x1000;
    pub const SERVER_TRUST_ACCOUNT: u32 = 0x2000;
    pub const DONT_EXPIRE_PASSWORD: u32 = 0x10000;
    pub const TRUSTED_FOR_DELEGATION: u32 = 0x80000;
    pub const NOT_DELEGATED: u32 = 0x100000;
    pub const USE_DES_KEY_ONLY: u32 = 0x200000;
    pub const DONT_REQ_PREAUTH: u32 = 0x400000;
    pub const TRUSTED_TO_AUTH_FOR_DELEGATION: u32 = 0x1000000;

    pub fn contains(self, bit: u32) -> bool {
        self.0 & bit == bit
    }

    /// Names of the set bits, as AD tools print them (`NORMAL_ACCOUNT`, ...), unknown
    /// bits as hex.
    pub fn names(self) -> Vec<String> {
        const NAMES: [(u32, &str); 13] = [
            (Uac::SCRIPT, "SCRIPT"),
            (Uac::ACCOUNTDISABLE, "ACCOUNTDISABLE"),
            (Uac::LOCKOUT, "LOCKOUT"),
            (Uac::PASSWD_NOTREQD, "PASSWD_NOTREQD"),
            (Uac::NORMAL_ACCOUNT, "NORMAL_ACCOUNT"),
            (Uac::WORKSTATION_TRUST_ACCOUNT, "WORKSTATION_TRUST_ACCOUNT"),
            (Uac::SERVER_TRUST_ACCOUNT, "SERVER_TRUST_ACCOUNT"),
            (Uac::DONT_EXPIRE_PASSWORD, "DONT_EXPIRE_PASSWORD"),
            (Uac::TRUSTED_FOR_DELEGATION, "TRUSTED_FOR_DELEGATION"),
            (Uac::NOT_DELEGATED, "NOT_DELEGATED"),
            (Uac::USE_DES_KEY_ONLY, "USE_DES_KEY_ONLY"),
            (Uac::DONT_REQ_PREAUTH, "DONT_REQ_PREAUTH"),
            (Uac::TRUSTED_TO_AUTH_FOR_DELEGATION, "TRUSTED_TO_AUTH_FOR_DELEGATION"),
        ];
        let mut out: Vec<String> = NAMES
            .iter()
            .filter(|(bit, _)| self.contains(*bit))
            .map(|(_, n)| (*n).to_owned())
            .collect();
        let unknown = NAMES.iter().fold(self.0, |rest, (bit, _)| rest & !bit);
        if unknown != 0 {
            out.push(format!("0x{unknown:x}"));
        }
        out
    }
}

/// msDS-SupportedEncryptionTypes (MS-KILE 2.2.7): the enctypes the KDC may use for
/// tickets to this account.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SupportedEnctypes(pub u32);

impl SupportedEnctypes {
    /// AES128 + AES256 (0x18): spnkt's default.
    pub const AES: SupportedEnctypes = SupportedEnctypes(0x18);

    pub fn from_enctypes(enctypes: &[Enctype]) -> SupportedEnctypes {
        SupportedEnctypes(enctypes.iter().filter_map(|e| e.ad_supported_bit()).fold(0, |a, b| a | b))
    }

    /// The enctypes whose bits are set, strongest first.
    pub fn enctypes(self) -> Vec<Enctype> {
        [Enctype(18), Enctype(17), Enctype(23), Enctype(3), Enctype(1)]
            .into_iter()
            .filter(|e| e.ad_supported_bit().is_some_and(|b| self.0 & b != 0))
            .collect()
    }
}

/// Who the service may act for (and towards what).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Delegation {
    /// Neither TRUSTED_FOR_DELEGATION nor msDS-AllowedToDelegateTo.
    None,
    /// TRUSTED_FOR_DELEGATION: "trust this user for delegation to any service
    /// (Kerberos only)", what WebSphere/HCL SPNEGO deployments need.
    Unconstrained,
    /// msDS-AllowedToDelegateTo = `targets`; with `protocol_transition` also
    /// TRUSTED_TO_AUTH_FOR_DELEGATION ("use any authentication protocol").
    Constrained { targets: Vec<String>, protocol_transition: bool },
}

impl Delegation {
    /// The delegation bits this setting puts in userAccountControl.
    pub fn uac_bits(&self) -> u32 {
        match self {
            Delegation::None => 0,
            Delegation::Unconstrained => Uac::TRUSTED_FOR_DELEGATION,
            Delegation::Constrained { protocol_transition: true, .. } => Uac::TRUSTED_TO_AUTH_FOR_DELEGATION,
            Delegation::Constrained { .. } => 0,
        }
    }
}

/// A service account as read from the directory.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ServiceAccount {
    pub dn: String,
    pub sam_account_name: String,
    pub user_principal_name: Option<String>,
    pub service_principal_names: Vec<String>,
    pub uac: Uac,
    pub supported_enctypes: Option<SupportedEnctypes>,
    /// msDS-KeyVersionNumber.
    pub kvno: Option<u32>,
    /// pwdLastSet as FILETIME (100 ns since 1601), 0 = must change.
    pub pwd_last_set: Option<i64>,
    pub description: Option<String>,
    pub allowed_to_delegate_to: Vec<String>,
    /// objectClass includes `computer`.
    pub is_computer: bool,
    pub dns_host_name: Option<String>,
}

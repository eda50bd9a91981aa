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
            (
                Uac::TRUSTED_TO_AUTH_FOR_DELEGATION,
                "TRUSTED_TO_AUTH_FOR_DELEGATION",
            ),
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
        SupportedEnctypes(
            enctypes
                .iter()
                .filter_map(|e| e.ad_supported_bit())
                .fold(0, |a, b| a | b),
        )
    }

    /// The enctypes whose bits are set, strongest first.
    pub fn enctypes(self) -> Vec<Enctype> {
        [
            Enctype(18),
            Enctype(17),
            Enctype(23),
            Enctype(3),
            Enctype(1),
        ]
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
    Constrained {
        targets: Vec<String>,
        protocol_transition: bool,
    },
}

impl Delegation {
    /// The delegation bits this setting puts in userAccountControl.
    pub fn uac_bits(&self) -> u32 {
        match self {
            Delegation::None => 0,
            Delegation::Unconstrained => Uac::TRUSTED_FOR_DELEGATION,
            Delegation::Constrained {
                protocol_transition: true,
                ..
            } => Uac::TRUSTED_TO_AUTH_FOR_DELEGATION,
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

/// The attributes [`ServiceAccount::from_entry`] reads. `msDS-KeyVersionNumber` is
/// constructed: AD returns it only when asked for by name.
pub const ACCOUNT_ATTRS: &[&str] = &[
    "sAMAccountName",
    "userPrincipalName",
    "servicePrincipalName",
    "userAccountControl",
    "msDS-SupportedEncryptionTypes",
    "msDS-KeyVersionNumber",
    "pwdLastSet",
    "description",
    "msDS-AllowedToDelegateTo",
    "objectClass",
    "dNSHostName",
];

/// An attribute of an account entry that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unexpected {attr} value {value:?}")]
pub struct AccountParseError {
    pub attr: String,
    pub value: String,
}

/// An LDAP Integer attribute holding a 32-bit flag word: AD stores them signed
/// (`-2147483648` for bit 31), spnkt treats them as bits.
fn parse_flags(attr: &str, v: &str) -> Result<u32, AccountParseError> {
    let n: i64 = v.trim().parse().map_err(|_| AccountParseError {
        attr: attr.to_owned(),
        value: v.to_owned(),
    })?;
    if let Ok(u) = u32::try_from(n) {
        Ok(u)
    } else if let Ok(i) = i32::try_from(n) {
        Ok(i as u32)
    } else {
        Err(AccountParseError {
            attr: attr.to_owned(),
            value: v.to_owned(),
        })
    }
}

impl ServiceAccount {
    /// Build from a search entry read with [`ACCOUNT_ATTRS`]. Missing attributes stay
    /// empty/`None`; present ones that do not parse are an error.
    pub fn from_entry(e: &super::entry::Entry) -> Result<ServiceAccount, AccountParseError> {
        let opt = |a: &str| e.first(a).map(str::to_owned);
        let bad = |attr: &str, value: &str| AccountParseError {
            attr: attr.to_owned(),
            value: value.to_owned(),
        };
        let uac = match e.first("userAccountControl") {
            Some(v) => Uac(parse_flags("userAccountControl", v)?),
            None => Uac::default(),
        };
        let supported_enctypes = e
            .first("msDS-SupportedEncryptionTypes")
            .map(|v| parse_flags("msDS-SupportedEncryptionTypes", v).map(SupportedEnctypes))
            .transpose()?;
        let kvno = e
            .first("msDS-KeyVersionNumber")
            .map(|v| {
                v.trim()
                    .parse::<u32>()
                    .map_err(|_| bad("msDS-KeyVersionNumber", v))
            })
            .transpose()?;
        let pwd_last_set = e
            .first("pwdLastSet")
            .map(|v| v.trim().parse::<i64>().map_err(|_| bad("pwdLastSet", v)))
            .transpose()?;
        Ok(ServiceAccount {
            dn: e.dn.clone(),
            sam_account_name: e.first("sAMAccountName").unwrap_or_default().to_owned(),
            user_principal_name: opt("userPrincipalName"),
            service_principal_names: e.values("servicePrincipalName").to_vec(),
            uac,
            supported_enctypes,
            kvno,
            pwd_last_set,
            description: opt("description"),
            allowed_to_delegate_to: e.values("msDS-AllowedToDelegateTo").to_vec(),
            is_computer: e
                .values("objectClass")
                .iter()
                .any(|c| c.eq_ignore_ascii_case("computer")),
            dns_host_name: opt("dNSHostName"),
        })
    }
}

impl ServiceAccount {
    /// Who the account may act for, in words (`none`, `unconstrained
    /// (TRUSTED_FOR_DELEGATION)`, `constrained to HTTP/b, with protocol transition`).
    pub fn delegation_text(&self) -> String {
        let mut parts = Vec::new();
        if self.uac.contains(Uac::TRUSTED_FOR_DELEGATION) {
            parts.push("unconstrained (TRUSTED_FOR_DELEGATION)".to_owned());
        }
        if !self.allowed_to_delegate_to.is_empty() {
            let pt = if self.uac.contains(Uac::TRUSTED_TO_AUTH_FOR_DELEGATION) {
                ", with protocol transition"
            } else {
                ""
            };
            parts.push(format!(
                "constrained to {}{pt}",
                self.allowed_to_delegate_to.join(", ")
            ));
        } else if self.uac.contains(Uac::TRUSTED_TO_AUTH_FOR_DELEGATION) {
            parts.push(
                "protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION) without targets".to_owned(),
            );
        }
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join("; ")
        }
    }
}

/// 100 ns intervals between 1601-01-01 (FILETIME epoch) and 1970-01-01.
const FILETIME_UNIX_EPOCH: i64 = 116_444_736_000_000_000;

/// A FILETIME (pwdLastSet, lastLogonTimestamp, accountExpires) as a time. `None` for
/// 0 ("must change" / "never") and for `i64::MAX` ("never expires").
pub fn filetime_to_system_time(ft: i64) -> Option<std::time::SystemTime> {
    if ft <= 0 || ft == i64::MAX {
        return None;
    }
    let since_unix = ft - FILETIME_UNIX_EPOCH;
    let d = |hns: i64| {
        let hns = hns.unsigned_abs();
        std::time::Duration::new(hns / 10_000_000, ((hns % 10_000_000) * 100) as u32)
    };
    if since_unix >= 0 {
        std::time::UNIX_EPOCH.checked_add(d(since_unix))
    } else {
        std::time::UNIX_EPOCH.checked_sub(d(since_unix))
    }
}

/// A time as FILETIME (100 ns since 1601-01-01 UTC), saturating.
pub fn system_time_to_filetime(t: std::time::SystemTime) -> i64 {
    let hns = |d: std::time::Duration| i64::try_from(d.as_nanos() / 100).unwrap_or(i64::MAX);
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => FILETIME_UNIX_EPOCH.saturating_add(hns(d)),
        Err(e) => FILETIME_UNIX_EPOCH.saturating_sub(hns(e.duration())),
    }
}

/// Characters Windows forbids in a sAMAccountName (MS "Naming conventions in AD").
pub const SAM_FORBIDDEN_CHARS: &str = "\"/\\[]:;|=,+*?<>@";

/// Check a user sAMAccountName: 1 to 20 characters, none of
/// `"/\[]:;|=,+*?<>@` nor control characters, not ending in `.`, not only dots and
/// spaces. (Computer accounts: 15 characters plus the trailing `$`, also ≤ 20.)
pub fn validate_sam_account_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if len == 0 {
        return Err("the sAMAccountName is empty".to_owned());
    }
    if len > 20 {
        return Err(format!(
            "the sAMAccountName {name:?} has {len} characters; Active Directory allows at most 20"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| SAM_FORBIDDEN_CHARS.contains(*c) || c.is_control())
    {
        return Err(format!(
            "the sAMAccountName {name:?} contains {c:?}; none of {SAM_FORBIDDEN_CHARS} or control characters are allowed"
        ));
    }
    if name.ends_with('.') {
        return Err(format!(
            "the sAMAccountName {name:?} must not end with a period"
        ));
    }
    if name.chars().all(|c| c == '.' || c == ' ') {
        return Err(format!(
            "the sAMAccountName {name:?} must not consist only of periods and spaces"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::entry::Entry;

    fn entry(pairs: &[(&str, &[&str])]) -> Entry {
        let mut e = Entry {
            dn: "CN=svc-web,CN=Users,DC=example,DC=test".into(),
            ..Entry::default()
        };
        for (k, vs) in pairs {
            e.attrs.insert(
                (*k).to_owned(),
                vs.iter().map(|v| (*v).to_owned()).collect(),
            );
        }
        e
    }

    #[test]
    fn account_from_entry() {
        let e = entry(&[
            ("sAMAccountName", &["svc-web"]),
            ("userPrincipalName", &["HTTP/web.example.test@EXAMPLE.TEST"]),
            (
                "servicePrincipalName",
                &["HTTP/web.example.test", "HTTP/web"],
            ),
            ("userAccountControl", &["66048"]),
            ("msDS-SupportedEncryptionTypes", &["24"]),
            ("msDS-KeyVersionNumber", &["2"]),
            ("pwdLastSet", &["134399229306168930"]),
            ("description", &["web"]),
            ("msDS-AllowedToDelegateTo", &["HTTP/back.example.test"]),
            (
                "objectClass",
                &["top", "person", "organizationalPerson", "user"],
            ),
        ]);
        let a = ServiceAccount::from_entry(&e).unwrap();
        assert_eq!(a.sam_account_name, "svc-web");
        assert_eq!(a.service_principal_names.len(), 2);
        assert_eq!(a.uac, Uac(Uac::NORMAL_ACCOUNT | Uac::DONT_EXPIRE_PASSWORD));
        assert_eq!(a.supported_enctypes, Some(SupportedEnctypes::AES));
        assert_eq!(a.kvno, Some(2));
        assert_eq!(a.pwd_last_set, Some(134_399_229_306_168_930));
        assert!(!a.is_computer);
        assert_eq!(a.dns_host_name, None);

        let c = entry(&[
            ("objectClass", &["top", "computer"]),
            ("dNSHostName", &["web.example.test"]),
        ]);
        let a = ServiceAccount::from_entry(&c).unwrap();
        assert!(a.is_computer);
        assert_eq!(a.supported_enctypes, None);

        let neg = entry(&[("userAccountControl", &["-2147483136"])]);
        assert_eq!(ServiceAccount::from_entry(&neg).unwrap().uac.0, 0x8000_0200);
        let bad = entry(&[("userAccountControl", &["lots"])]);
        assert_eq!(
            ServiceAccount::from_entry(&bad).unwrap_err(),
            AccountParseError {
                attr: "userAccountControl".into(),
                value: "lots".into()
            }
        );
    }

    #[test]
    fn filetime() {
        assert_eq!(filetime_to_system_time(0), None);
        assert_eq!(filetime_to_system_time(i64::MAX), None);
        assert_eq!(
            filetime_to_system_time(FILETIME_UNIX_EPOCH),
            Some(std::time::UNIX_EPOCH)
        );
        // 2026-11-23T15:55:30.6168930Z, the pwdLastSet Samba wrote in the lab.
        let t = filetime_to_system_time(134_399_229_306_168_930).unwrap();
        let d = t.duration_since(std::time::UNIX_EPOCH).unwrap();
        assert_eq!(d.as_secs(), 1_795_449_330);
        assert_eq!(system_time_to_filetime(t), 134_399_229_306_168_930);
        let before = std::time::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
        assert_eq!(
            system_time_to_filetime(before),
            FILETIME_UNIX_EPOCH - 864_000_000_000
        );
        assert_eq!(
            filetime_to_system_time(FILETIME_UNIX_EPOCH - 864_000_000_000),
            Some(before)
        );
    }

    #[test]
    fn sam_account_names() {
        for ok in [
            "svc-web",
            "HTTP-web01",
            "a",
            "x2345678901234567890",
            "WEB01$",
            "dots.in.middle",
        ] {
            assert_eq!(validate_sam_account_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "x23456789012345678901",
            "a/b",
            "a\\b",
            "a@b",
            "a[b]",
            "a:b",
            "a;b",
            "a|b",
            "a=b",
            "a,b",
            "a+b",
            "a*b",
            "a?b",
            "a<b>",
            "a\"b",
            "trailing.",
            "...",
            "  ",
            "tab\there",
        ] {
            assert!(validate_sam_account_name(bad).is_err(), "{bad:?}");
        }
        // Characters, not bytes.
        assert_eq!(validate_sam_account_name("ääääääääääääääääääää"), Ok(()));
    }
}

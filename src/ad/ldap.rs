//! LDAP(S) to Active Directory with `ldap3` (sync API, rustls): connect, bind,
//! paged searches, and the few writes spnkt makes. Every call counts its round trips.
//!
//! Only encrypted transports are used: `ldaps://` (TLS from the first byte) or
//! `ldap://` + StartTLS. A plain `ldap://` URL without StartTLS is refused before
//! anything is sent: AD refuses simple binds (`strongerAuthRequired`) and password
//! sets over it anyway, and the bind password would cross the wire in clear text.
//!
//! Server results are mapped to typed [`LdapError`]s; AD's diagnostic text (the
//! `0000052D: ...` / `data 52e` strings) is kept in the error for the humans. Secrets
//! (the bind password, `unicodePwd`) never appear in errors or `Debug` output.

use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ldap3::asn1::{PL, StructureTag, parse_tag};
use ldap3::controls::{Control, PagedResults};
use ldap3::{LdapConn, LdapConnSettings, LdapResult, Mod, ResultEntry};
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use zeroize::Zeroizing;

use super::account::{ACCOUNT_ATTRS, ServiceAccount};
pub use super::entry::Entry;
use super::sasl::{self, KerberosBindFailure, TicketSource};
use super::wire::{self, TlsWire, Wire};
use crate::krb::{NameType, Password, Principal};

/// How many values one OR filter of a batched search carries (AD accepts far longer
/// filters; this keeps each request a few KiB).
pub const SPNS_PER_SEARCH: usize = 100;

/// `(|(attr=v1)(attr=v2)...)`, values escaped; one value gives `(attr=v1)`.
pub fn or_filter(attr: &str, values: &[String]) -> String {
    let terms: Vec<(&str, &String)> = values.iter().map(|v| (attr, v)).collect();
    or_terms(&terms)
}

/// `(|(a1=v1)(a2=v2)...)` of `(attribute, value)` terms, values escaped; one term
/// gives `(a1=v1)`.
fn or_terms(terms: &[(&str, &String)]) -> String {
    let text: String = terms
        .iter()
        .map(|(a, v)| format!("({a}={})", escape_filter_value(v)))
        .collect();
    if terms.len() == 1 {
        text
    } else {
        format!("(|{text})")
    }
}

/// Page size of [`Directory::search`] (RFC 2696). AD's default MaxPageSize is 1000.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

const PAGED_RESULTS_OID: &str = "1.2.840.113556.1.4.319";
/// LDAP_SERVER_TREE_DELETE_OID (MS-ADTS 3.1.1.3.4.1): delete an object with
/// everything below it.
pub const TREE_DELETE_OID: &str = "1.2.840.113556.1.4.805";

/// How to reach the directory.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// `ldaps://host[:636]` or `ldap://host[:389]` (then `starttls` must be set).
    pub url: String,
    pub starttls: bool,
    /// Extra trust anchor (PEM) on top of the OS trust store.
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server certificate (warned about loudly by callers).
    pub insecure_skip_verify: bool,
    pub timeout: Duration,
}

/// A simple bind as `user@realm`, `DOMAIN\user` or a DN, with its password.
#[derive(Clone, Debug)]
pub struct SimpleBind {
    pub user: String,
    pub password: Password,
}

/// How to bind: with a password, or with Kerberos tickets. A connection keeps them
/// to bind its global catalog connection the same way.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A simple bind (over TLS only).
    Simple(SimpleBind),
    /// A SASL GSSAPI bind with tickets from the source.
    Kerberos(Arc<dyn TicketSource>),
}

impl Credentials {
    fn user(&self) -> String {
        match self {
            Credentials::Simple(b) => b.user.clone(),
            Credentials::Kerberos(k) => k.client(),
        }
    }
}

/// What the rootDSE says about the directory.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RootDse {
    pub default_naming_context: String,
    pub configuration_naming_context: String,
    pub root_domain_naming_context: String,
    pub dns_host_name: Option<String>,
    /// The rootDSE says `isGlobalCatalogReady: TRUE`. Whether the GC port really
    /// answers is found out lazily by [`Directory::find_spn`]; see
    /// [`Directory::global_catalog`].
    pub is_global_catalog_ready: bool,
    /// The DN of the DC's NTDS Settings object (`dsServiceName`), whose
    /// `msDS-isRODC` says whether it is read-only.
    pub ds_service_name: Option<String>,
    /// The SIDs of the bound account's token (`tokenGroups`), as the DC evaluates
    /// its rights; `None` when the DC did not say ([`super::rights`]).
    pub token: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Base,
    OneLevel,
    Subtree,
}

impl From<Scope> for ldap3::Scope {
    fn from(s: Scope) -> ldap3::Scope {
        match s {
            Scope::Base => ldap3::Scope::Base,
            Scope::OneLevel => ldap3::Scope::OneLevel,
            Scope::Subtree => ldap3::Scope::Subtree,
        }
    }
}

/// Why AD refused a simple bind with `invalidCredentials` (49): the `data XXX` code of
/// its diagnostic message (MS-ADTS / the well-known AcceptSecurityContext codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindFailure {
    /// `data 525`
    UserNotFound,
    /// `data 52e` (Samba also says this for an unknown user)
    BadPassword,
    /// `data 530`
    LogonTimeRestriction,
    /// `data 531`
    WorkstationRestriction,
    /// `data 532`
    PasswordExpired,
    /// `data 533`
    AccountDisabled,
    /// `data 568`
    TooManySids,
    /// `data 701`
    AccountExpired,
    /// `data 773`
    MustChangePassword,
    /// `data 775`
    AccountLockedOut,
    /// No or an unknown `data` code.
    Other,
}

impl BindFailure {
    /// Parse the `data XXX` code out of AD's bind diagnostic.
    pub fn from_diagnostic(text: &str) -> BindFailure {
        let lower = text.to_ascii_lowercase();
        let Some(pos) = lower.find("data ") else {
            return BindFailure::Other;
        };
        let code: String = lower[pos + 5..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        match code.as_str() {
            "525" => BindFailure::UserNotFound,
            "52e" => BindFailure::BadPassword,
            "530" => BindFailure::LogonTimeRestriction,
            "531" => BindFailure::WorkstationRestriction,
            "532" => BindFailure::PasswordExpired,
            "533" => BindFailure::AccountDisabled,
            "568" => BindFailure::TooManySids,
            "701" => BindFailure::AccountExpired,
            "773" => BindFailure::MustChangePassword,
            "775" => BindFailure::AccountLockedOut,
            _ => BindFailure::Other,
        }
    }
}

impl fmt::Display for BindFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BindFailure::UserNotFound => "no such user",
            BindFailure::BadPassword => "wrong user name or password",
            BindFailure::LogonTimeRestriction => "logon not permitted at this time",
            BindFailure::WorkstationRestriction => "logon not permitted from this workstation",
            BindFailure::PasswordExpired => "the password has expired",
            BindFailure::AccountDisabled => "the account is disabled",
            BindFailure::TooManySids => "the account is in too many groups",
            BindFailure::AccountExpired => "the account has expired",
            BindFailure::MustChangePassword => "the password must be changed before first use",
            BindFailure::AccountLockedOut => "the account is locked out",
            BindFailure::Other => "invalid credentials",
        })
    }
}

/// What happened to the global catalog connection of [`Directory::find_spn`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalCatalog {
    /// `find_spn` has not needed it yet.
    NotTried,
    /// SPN searches go to the global catalog at this URL (the whole forest).
    Connected { url: String },
    /// SPN searches go to the domain (subtree of defaultNamingContext) because the
    /// global catalog is not available.
    Unavailable { reason: String },
}

#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    #[error("invalid LDAP URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "refusing plain {url}: Active Directory accepts neither a simple bind nor a password \
         change over an unencrypted connection; use ldaps:// or StartTLS"
    )]
    PlaintextRefused { url: String },
    #[error("cannot read the CA certificate file {}: {reason}", path.display())]
    CaCert { path: PathBuf, reason: String },
    #[error("cannot connect to {url}: {cause}")]
    Connect { url: String, cause: String },
    #[error("{url}: the connection was lost during {op}{} ({cause}){}", spaced(.dn), lost_again(.retried))]
    ConnectionLost {
        url: String,
        op: &'static str,
        dn: String,
        cause: String,
        /// Lost again on the one retry spnkt makes.
        retried: bool,
    },
    #[error(
        "{url}: no answer within {timeout:?} ({what}), neither on the first connection nor after reconnecting, so spnkt stopped"
    )]
    Stalled {
        url: String,
        what: String,
        timeout: Duration,
    },
    #[error("{url}: timed out after {timeout:?} ({what})")]
    Timeout {
        url: String,
        what: String,
        timeout: Duration,
    },
    #[error(
        "{url}: the server certificate is not signed by a trusted CA ({cause}); \
         pass the CA certificate (PEM) that issued the DC's certificate with --ca-cert FILE"
    )]
    UnknownCa { url: String, cause: String },
    #[error("{url}: the server certificate is not valid for {host:?}: {}", name_mismatch(.found, .cause))]
    TlsNameMismatch {
        url: String,
        host: String,
        cause: String,
        /// What the certificate names instead (looked at after the failure).
        found: super::tls_names::NameMismatch,
    },
    #[error("{url}: TLS failed: {cause}")]
    Tls { url: String, cause: String },
    #[error("{url}: StartTLS refused by the server: {diagnostic}")]
    StartTls { url: String, diagnostic: String },
    #[error("Kerberos: {cause}")]
    KerberosBind {
        url: String,
        user: String,
        cause: KerberosBindFailure,
    },
    #[error("refusing a bind with an empty password (it would be an anonymous bind)")]
    EmptyPassword,
    #[error("bind as {user:?} failed: {reason} (server: {diagnostic})")]
    InvalidCredentials {
        user: String,
        reason: BindFailure,
        diagnostic: String,
    },
    #[error("{url}: the server requires an encrypted connection ({diagnostic})")]
    StrongAuthRequired { url: String, diagnostic: String },
    #[error("refusing to set a password over an unencrypted connection")]
    NotEncrypted,
    #[error("{dn}: already exists")]
    AlreadyExists { dn: String, diagnostic: String },
    #[error("{dn}: no such object")]
    NoSuchObject { dn: String, diagnostic: String },
    #[error(
        "{dn}: a service principal name is already registered on another account ({diagnostic})"
    )]
    DuplicateSpn { dn: String, diagnostic: String },
    #[error("{dn}: the userPrincipalName is already used by another account ({diagnostic})")]
    DuplicateUpn { dn: String, diagnostic: String },
    #[error("{dn}: the value is already present ({diagnostic})")]
    ValueExists { dn: String, diagnostic: String },
    #[error("{dn}: no such attribute value ({diagnostic})")]
    NoSuchAttribute { dn: String, diagnostic: String },
    #[error("{dn}: the password does not meet the domain's password policy ({diagnostic})")]
    PasswordPolicy { dn: String, diagnostic: String },
    #[error("{dn}: insufficient access rights for {op} ({diagnostic})")]
    InsufficientAccess {
        op: &'static str,
        dn: String,
        diagnostic: String,
    },
    #[error("{dn}: constraint violation ({diagnostic})")]
    ConstraintViolation { dn: String, diagnostic: String },
    #[error("{op} {dn}: server answered {code} {name} ({diagnostic})")]
    Server {
        op: &'static str,
        dn: String,
        code: u32,
        name: &'static str,
        diagnostic: String,
    },
    #[error("{op} {dn}: {cause}")]
    Protocol {
        op: &'static str,
        dn: String,
        cause: String,
    },
    #[error("{dn}: unexpected {attr} value {value:?}")]
    BadAttribute {
        dn: String,
        attr: String,
        value: String,
    },
}

impl LdapError {
    /// Whether the bind itself was refused (wrong credentials, Kerberos trouble):
    /// the same on every domain controller, so no reason to try another.
    pub fn is_bind_failure(&self) -> bool {
        matches!(
            self,
            LdapError::InvalidCredentials { .. }
                | LdapError::KerberosBind { .. }
                | LdapError::EmptyPassword
                | LdapError::StrongAuthRequired { .. }
                | LdapError::Server { op: "bind", .. }
        )
    }

    /// Whether the connection broke (closed, reset, or an operation that timed out):
    /// the operation's outcome is unknown and a new connection may succeed.
    pub fn is_connection_lost(&self) -> bool {
        matches!(
            self,
            LdapError::ConnectionLost { .. }
                | LdapError::Timeout { .. }
                | LdapError::Stalled { .. }
        )
    }

    /// The LDAP result code behind this error, if the server sent one.
    pub fn result_code(&self) -> Option<u32> {
        Some(match self {
            LdapError::InvalidCredentials { .. } => 49,
            LdapError::StrongAuthRequired { .. } => 8,
            LdapError::AlreadyExists { .. } => 68,
            LdapError::NoSuchObject { .. } => 32,
            LdapError::DuplicateSpn { .. }
            | LdapError::DuplicateUpn { .. }
            | LdapError::ConstraintViolation { .. } => 19,
            LdapError::ValueExists { .. } => 20,
            LdapError::NoSuchAttribute { .. } => 16,
            LdapError::InsufficientAccess { .. } => 50,
            LdapError::Server { code, .. } => *code,
            _ => return None,
        })
    }
}

/// What the certificate names instead, else what rustls said.
fn name_mismatch(found: &super::tls_names::NameMismatch, cause: &str) -> String {
    match found {
        super::tls_names::NameMismatch::Unknown => cause.to_owned(),
        found => found.to_string(),
    }
}

fn spaced(dn: &str) -> String {
    if dn.is_empty() {
        String::new()
    } else {
        format!(" {dn}")
    }
}

fn lost_again(retried: &bool) -> &'static str {
    if *retried {
        "; it was lost again after reconnecting, so spnkt stopped"
    } else {
        ""
    }
}

/// `ldaps://` or `ldap://` and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LdapUrl {
    pub(crate) tls: bool,
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl LdapUrl {
    fn parse(url: &str) -> Result<LdapUrl, LdapError> {
        let bad = |reason: &str| LdapError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected ldaps://host[:port] or ldap://host[:port]"))?;
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "ldaps" => true,
            "ldap" => false,
            _ => return Err(bad("the scheme must be ldaps:// or ldap://")),
        };
        // Drop a trailing "/" and anything after it (an LDAP URL's DN part).
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            return Err(bad("user information is not allowed in the URL"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| bad("garbage after ']'"))?,
                ),
            };
            (h.to_owned(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_owned(), Some(p)),
                None => (authority.to_owned(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = match port {
            None => {
                if tls {
                    636
                } else {
                    389
                }
            }
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("invalid port"))?,
        };
        Ok(LdapUrl { tls, host, port })
    }

    fn host_for_url(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    fn to_url(&self) -> String {
        format!(
            "{}://{}:{}",
            if self.tls { "ldaps" } else { "ldap" },
            self.host_for_url(),
            self.port
        )
    }
}

/// Escape a value for an RFC 4515 search filter: `*`, `(`, `)`, `\` and NUL
/// become `\2a`, `\28`, `\29`, `\5c`, `\00`. Other characters (UTF-8 included)
/// stay as they are.
pub fn escape_filter_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '*' => out.push_str("\\2a"),
            '(' => out.push_str("\\28"),
            ')' => out.push_str("\\29"),
            '\\' => out.push_str("\\5c"),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

/// Escape a value for use as an RDN value in a DN (RFC 4514): `CN=<this>,OU=...`.
pub fn escape_rdn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

/// Attributes that are binary in AD: always returned in `bin_attrs`.
const BINARY_ATTRS: &[&str] = &[
    "objectSid",
    "objectGUID",
    "sIDHistory",
    "tokenGroups",
    "nTSecurityDescriptor",
    "msDS-AllowedToActOnBehalfOfOtherIdentity",
    "userCertificate",
    "cACertificate",
    "thumbnailPhoto",
    "jpegPhoto",
    "logonHours",
    "securityIdentifier",
    "msDS-GenerationId",
    "msDS-ManagedPassword",
    "mS-DS-ConsistencyGuid",
    "msExchMailboxGuid",
    "replicationSignature",
    "schemaIDGUID",
    "attributeSecurityGUID",
    "invocationId",
    "objectSID",
];

pub(super) fn is_binary_attr(name: &str) -> bool {
    let base = name.split(';').next().unwrap_or(name);
    BINARY_ATTRS.iter().any(|b| b.eq_ignore_ascii_case(base))
}

/// Parse a SearchResultEntry (`[APPLICATION 4] SEQUENCE { objectName, attributes }`)
/// without the panics of `ldap3::SearchEntry::construct`.
fn parse_entry(tag: StructureTag) -> Option<Entry> {
    if tag.id != 4 {
        return None;
    }
    let PL::C(mut parts) = tag.payload else {
        return None;
    };
    if parts.len() < 2 {
        return None;
    }
    let attrs_tag = parts.remove(1);
    let dn_tag = parts.remove(0);
    let PL::P(dn) = dn_tag.payload else {
        return None;
    };
    let dn = String::from_utf8(dn).ok()?;
    let PL::C(attr_list) = attrs_tag.payload else {
        return None;
    };
    let mut entry = Entry {
        dn,
        ..Entry::default()
    };
    for pa in attr_list {
        let PL::C(mut pa) = pa.payload else {
            return None;
        };
        if pa.len() < 2 {
            return None;
        }
        let vals_tag = pa.remove(1);
        let PL::P(name) = pa.remove(0).payload else {
            return None;
        };
        let name = String::from_utf8(name).ok()?;
        let PL::C(vals) = vals_tag.payload else {
            return None;
        };
        let mut raw = Vec::with_capacity(vals.len());
        for v in vals {
            let PL::P(bytes) = v.payload else {
                return None;
            };
            raw.push(bytes);
        }
        let text: Option<Vec<String>> = if is_binary_attr(&name) {
            None
        } else {
            raw.iter()
                .map(|b| String::from_utf8(b.clone()).ok())
                .collect()
        };
        match text {
            Some(text) => {
                entry.attrs.entry(name).or_default().extend(text);
            }
            None => {
                entry.bin_attrs.entry(name).or_default().extend(raw);
            }
        }
    }
    Some(entry)
}

/// The cookie of a paged-results response control (`SEQUENCE { size, cookie }`).
fn paged_cookie(ctrls: &[Control]) -> Option<Vec<u8>> {
    let raw = ctrls.iter().find(|c| c.1.ctype == PAGED_RESULTS_OID)?;
    let val = raw.1.val.as_ref()?;
    let (_, tag) = parse_tag(val).ok()?;
    let PL::C(parts) = tag.payload else {
        return None;
    };
    match &parts.get(1)?.payload {
        PL::P(cookie) => Some(cookie.clone()),
        PL::C(_) => None,
    }
}

pub(crate) fn result_name(rc: u32) -> &'static str {
    match rc {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        4 => "sizeLimitExceeded",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        10 => "referral",
        11 => "adminLimitExceeded",
        12 => "unavailableCriticalExtension",
        13 => "confidentialityRequired",
        16 => "noSuchAttribute",
        17 => "undefinedAttributeType",
        18 => "inappropriateMatching",
        19 => "constraintViolation",
        20 => "attributeOrValueExists",
        21 => "invalidAttributeSyntax",
        32 => "noSuchObject",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        54 => "loopDetect",
        64 => "namingViolation",
        65 => "objectClassViolation",
        66 => "notAllowedOnNonLeaf",
        67 => "notAllowedOnRDN",
        68 => "entryAlreadyExists",
        69 => "objectClassModsProhibited",
        71 => "affectsMultipleDSAs",
        80 => "other",
        _ => "unknown",
    }
}

/// Map a non-success LDAP result of `op` on `dn` to a typed error.
fn map_result(op: &'static str, dn: &str, url: &str, r: &LdapResult) -> LdapError {
    error_from_result(op, dn, url, r.rc, &r.text)
}

/// The typed error of an LDAP result code `rc` with the server's diagnostic `text`
/// for operation `op` on `dn` (the diagnostic is cleaned of the NUL byte Windows
/// ends it with).
pub fn error_from_result(op: &'static str, dn: &str, url: &str, rc: u32, text: &str) -> LdapError {
    use super::diagnostic::{self, Duplicate};
    let dn = dn.to_owned();
    let diagnostic = diagnostic::clean(text);
    let upper = diagnostic.to_ascii_uppercase();
    match rc {
        8 | 13 => LdapError::StrongAuthRequired {
            url: url.to_owned(),
            diagnostic,
        },
        // Windows: 19 or 53 with 0000052D (ERROR_PASSWORD_RESTRICTION); Samba: 19
        // "0000052D: Constraint violation - check_password_restrictions: ...".
        19 | 53 if upper.contains("0000052D") => LdapError::PasswordPolicy { dn, diagnostic },
        // Windows: 000021C7 / 000021C8 with the attribute named (MS-ADTS
        // 3.1.1.5.1.3); Samba: "0000202F: samldb: spn[...] would cause a conflict",
        // "... userPrincipalName '...' is already in use".
        19 => match diagnostic::duplicate(&diagnostic) {
            Some(Duplicate::Spn) => LdapError::DuplicateSpn { dn, diagnostic },
            Some(Duplicate::Upn) => LdapError::DuplicateUpn { dn, diagnostic },
            None => LdapError::ConstraintViolation { dn, diagnostic },
        },
        16 => LdapError::NoSuchAttribute { dn, diagnostic },
        20 => LdapError::ValueExists { dn, diagnostic },
        32 => LdapError::NoSuchObject { dn, diagnostic },
        50 => LdapError::InsufficientAccess { op, dn, diagnostic },
        68 => LdapError::AlreadyExists { dn, diagnostic },
        rc => LdapError::Server {
            op,
            dn,
            code: rc,
            name: result_name(rc),
            diagnostic,
        },
    }
}

/// Map an `ldap3` error of an operation (not of connecting).
fn map_op_error(
    op: &'static str,
    dn: &str,
    url: &str,
    timeout: Duration,
    e: ldap3::LdapError,
) -> LdapError {
    match e {
        ldap3::LdapError::LdapResult { result } => map_result(op, dn, url, &result),
        ldap3::LdapError::Timeout { .. } => LdapError::Timeout {
            url: url.to_owned(),
            what: format!("{op} {dn}"),
            timeout,
        },
        // The connection's driver ended: the server closed or reset it, or the
        // stream broke mid-message.
        e @ (ldap3::LdapError::Io { .. }
        | ldap3::LdapError::OpSend { .. }
        | ldap3::LdapError::ResultRecv { .. }
        | ldap3::LdapError::IdScrubSend { .. }
        | ldap3::LdapError::MiscSend { .. }
        | ldap3::LdapError::EndOfStream) => LdapError::ConnectionLost {
            url: url.to_owned(),
            op,
            dn: dn.to_owned(),
            cause: e.to_string(),
            retried: false,
        },
        other => LdapError::Protocol {
            op,
            dn: dn.to_owned(),
            cause: other.to_string(),
        },
    }
}

/// Map an `ldap3` error while connecting (TCP, TLS, StartTLS).
fn map_connect_error(url: &LdapUrl, timeout: Duration, e: ldap3::LdapError) -> LdapError {
    let shown = url.to_url();
    match e {
        ldap3::LdapError::Timeout { .. } => LdapError::Timeout {
            url: shown,
            what: "connecting".to_owned(),
            timeout,
        },
        ldap3::LdapError::LdapResult { result } => LdapError::StartTls {
            url: shown,
            diagnostic: format!(
                "{} {}: {}",
                result.rc,
                result_name(result.rc),
                super::diagnostic::clean(&result.text)
            ),
        },
        ldap3::LdapError::Rustls { source } => map_tls_error(url, &source),
        ldap3::LdapError::DNSName { source } => LdapError::InvalidUrl {
            url: shown,
            reason: format!("not a valid TLS server name: {source}"),
        },
        ldap3::LdapError::Io { source } => map_io_connect_error(url, timeout, &source),
        other => LdapError::Connect {
            url: shown,
            cause: other.to_string(),
        },
    }
}

/// Map an I/O error while connecting (TCP, or TLS inside it).
fn map_io_connect_error(url: &LdapUrl, timeout: Duration, source: &std::io::Error) -> LdapError {
    if let Some(tls) = source
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return map_tls_error(url, tls);
    }
    let cause = match source.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            return LdapError::Timeout {
                url: url.to_url(),
                what: "connecting".to_owned(),
                timeout,
            };
        }
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset if url.tls => {
            return LdapError::ConnectionLost {
                url: url.to_url(),
                op: "the TLS handshake",
                dn: String::new(),
                cause: format!(
                    "the server closed the connection ({source}); is this an LDAPS port?"
                ),
                retried: false,
            };
        }
        _ => source.to_string(),
    };
    LdapError::Connect {
        url: url.to_url(),
        cause,
    }
}

fn map_tls_error(url: &LdapUrl, e: &rustls::Error) -> LdapError {
    use rustls::CertificateError as C;
    let shown = url.to_url();
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer)
        | rustls::Error::InvalidCertificate(C::BadSignature) => LdapError::UnknownCa {
            url: shown,
            cause: e.to_string(),
        },
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            LdapError::TlsNameMismatch {
                url: shown,
                host: url.host.clone(),
                cause: e.to_string(),
                found: super::tls_names::NameMismatch::Unknown,
            }
        }
        _ => LdapError::Tls {
            url: shown,
            cause: e.to_string(),
        },
    }
}

/// The OS trust store, loaded once per process. Unparsable certificates are skipped.
pub(crate) fn native_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// All certificates of a PEM file.
pub(crate) fn load_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, LdapError> {
    let err = |reason: String| LdapError::CaCert {
        path: path.to_owned(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(err(
            "no \"-----BEGIN CERTIFICATE-----\" block in it".to_owned()
        ));
    }
    Ok(certs)
}

/// Check that `path` holds PEM certificates usable as trust anchors.
pub fn check_ca_file(path: &Path) -> Result<(), LdapError> {
    let mut roots = RootCertStore::empty();
    for cert in load_pem_certs(path)? {
        roots.add(cert).map_err(|e| LdapError::CaCert {
            path: path.to_owned(),
            reason: format!("unusable as a trust anchor: {e}"),
        })?;
    }
    Ok(())
}

fn tls_config(options: &ConnectOptions) -> Result<Arc<rustls::ClientConfig>, LdapError> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(native_roots().iter().cloned());
    if let Some(path) = &options.ca_cert {
        for cert in load_pem_certs(path)? {
            roots.add(cert).map_err(|e| LdapError::CaCert {
                path: path.clone(),
                reason: format!("unusable as a trust anchor: {e}"),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LdapError::Tls {
            url: options.url.clone(),
            cause: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Open one connection (no bind). Returns the connection and whether it is encrypted.
fn open(url: &LdapUrl, options: &ConnectOptions) -> Result<LdapConn, LdapError> {
    if !url.tls && !options.starttls {
        return Err(LdapError::PlaintextRefused { url: url.to_url() });
    }
    let mut settings = LdapConnSettings::new()
        .set_conn_timeout(options.timeout)
        .set_starttls(!url.tls && options.starttls);
    if options.insecure_skip_verify {
        // ldap3's own config with its no-verification verifier.
        settings = settings.set_no_tls_verify(true);
    } else {
        settings = settings.set_config(tls_config(options)?);
    }
    // spnkt's own TCP connection, with TCP_NODELAY: ldap3's would leave Nagle on, and
    // a bind request written in two pieces then waits for the server's delayed ACK
    // (40 ms per bind on Linux).
    let tcp = wire::connect_tcp(&url.host, url.port, options.timeout)
        .map_err(|e| map_io_connect_error(url, options.timeout, &e))?;
    settings = settings.set_std_stream(ldap3::StdStream::Tcp(tcp));
    LdapConn::with_settings(settings, &url.to_url())
        .map_err(|e| explain_name_mismatch(map_connect_error(url, options.timeout, e), options))
}

/// A certificate name mismatch, with what the certificate names instead: it is
/// fetched once more, unverified, to be looked at (nothing but a TLS handshake, and
/// StartTLS before it, is sent on that connection).
fn explain_name_mismatch(e: LdapError, options: &ConnectOptions) -> LdapError {
    let LdapError::TlsNameMismatch {
        url,
        host,
        cause,
        found: super::tls_names::NameMismatch::Unknown,
    } = e
    else {
        return e;
    };
    let found = server_certificate(&ConnectOptions {
        url: url.clone(),
        ..options.clone()
    })
    .map_or(super::tls_names::NameMismatch::Unknown, |cert| {
        super::tls_names::classify(&host, &cert)
    });
    LdapError::TlsNameMismatch {
        url,
        host,
        cause,
        found,
    }
}

/// The domain controller's TLS certificate, fetched without checking it (nothing
/// is sent over that connection but StartTLS when the URL asks for it), so that a
/// person can decide whether to trust its issuer.
pub fn server_certificate(options: &ConnectOptions) -> Result<wire::CertificateInfo, LdapError> {
    let url = LdapUrl::parse(&options.url)?;
    let io_fail = |e: std::io::Error| map_io_connect_error(&url, options.timeout, &e);
    let tcp = wire::connect_tcp(&url.host, url.port, options.timeout).map_err(io_fail)?;
    if !url.tls {
        let plain = Wire::Tcp(Arc::new(tcp.try_clone().map_err(io_fail)?));
        sasl::start_tls(&plain).map_err(|cause| LdapError::StartTls {
            url: url.to_url(),
            diagnostic: cause.to_string(),
        })?;
    }
    let tls = TlsWire::handshake(tcp, wire::unverified_config(), &url.host).map_err(io_fail)?;
    let _ = tls.tcp().shutdown(std::net::Shutdown::Both);
    tls.peer_certificates()
        .first()
        .and_then(|c| wire::certificate_info(c))
        .ok_or_else(|| LdapError::Tls {
            url: url.to_url(),
            cause: "the server sent no readable certificate".to_owned(),
        })
}

/// A Kerberos-bound connection handed to `ldap3`.
struct KerberosConn {
    conn: LdapConn,
    encrypted: bool,
    failure: Arc<Mutex<Option<String>>>,
    round_trips: u64,
}

/// Open `url` with spnkt's own transport, bind with SASL GSSAPI, and hand the
/// connection to `ldap3` through the relay. `service` is the ldap/ service's host
/// and realm when already known (the global catalog of a DC whose rootDSE was
/// read); else the rootDSE is read anonymously first.
fn open_kerberos(
    url: &LdapUrl,
    options: &ConnectOptions,
    tickets: &dyn TicketSource,
    service: Option<(&str, &str)>,
) -> Result<KerberosConn, LdapError> {
    let shown = url.to_url();
    let fail = |cause: KerberosBindFailure| LdapError::KerberosBind {
        url: shown.clone(),
        user: tickets.client(),
        cause,
    };
    let io_fail = |e: std::io::Error| map_io_connect_error(url, options.timeout, &e);
    let config = || -> Result<Arc<rustls::ClientConfig>, LdapError> {
        if options.insecure_skip_verify {
            Ok(wire::unverified_config())
        } else {
            tls_config(options)
        }
    };
    let tcp = wire::connect_tcp(&url.host, url.port, options.timeout).map_err(io_fail)?;
    let tls_fail = |e: std::io::Error| explain_name_mismatch(io_fail(e), options);
    let mut id = 1;
    let mut round_trips = 0;
    let wire = if url.tls {
        Wire::Tls(Arc::new(
            TlsWire::handshake(tcp, config()?, &url.host).map_err(tls_fail)?,
        ))
    } else if options.starttls {
        let plain = Wire::Tcp(Arc::new(tcp.try_clone().map_err(io_fail)?));
        sasl::start_tls(&plain).map_err(|cause| LdapError::StartTls {
            url: shown.clone(),
            diagnostic: cause.to_string(),
        })?;
        id += 1;
        round_trips += 1;
        Wire::Tls(Arc::new(
            TlsWire::handshake(tcp, config()?, &url.host).map_err(tls_fail)?,
        ))
    } else {
        Wire::Tcp(Arc::new(tcp))
    };
    let (host, realm) = match service {
        Some((h, r)) => (h.to_owned(), r.to_owned()),
        None => {
            let found = sasl::read_root_dse(&wire, id).map_err(fail)?;
            id += 1;
            round_trips += 1;
            let realm = found
                .default_naming_context
                .as_deref()
                .and_then(super::realm_from_dn)
                .ok_or_else(|| {
                    fail(KerberosBindFailure::Protocol(
                        "the rootDSE names no defaultNamingContext (is this a domain controller?)"
                            .into(),
                    ))
                })?;
            (
                found.dns_host_name.unwrap_or_else(|| url.host.clone()),
                realm,
            )
        }
    };
    let service = Principal::new(
        NameType::SRV_INST,
        vec!["ldap".to_owned(), host.to_ascii_lowercase()],
        realm,
    );
    let grant = tickets
        .service_ticket(&service, &url.host)
        .map_err(|cause| {
            fail(KerberosBindFailure::Ticket {
                service: service.to_string(),
                cause,
            })
        })?;
    let layer = sasl::gssapi_bind(&wire, &grant, id).map_err(fail)?;
    round_trips += 3;
    let encrypted = wire.is_tls() || layer.as_ref().is_some_and(|l| l.seal);
    let relay = super::relay::start(wire, layer).map_err(|e| LdapError::Connect {
        url: shown.clone(),
        cause: format!("cannot start the local relay for the Kerberos-bound connection: {e}"),
    })?;
    let conn = LdapConn::with_settings(
        LdapConnSettings::new().set_std_stream(relay.stream),
        &relay.url,
    )
    .map_err(|e| map_connect_error(url, options.timeout, e))?;
    Ok(KerberosConn {
        conn,
        encrypted,
        failure: relay.failure,
        round_trips,
    })
}

/// `unicodePwd` bytes, zeroized on drop. `Hash` so it can sit in ldap3's `HashSet`.
#[derive(PartialEq, Eq)]
struct SecretBytes(Zeroizing<Vec<u8>>);

impl Hash for SecretBytes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_slice().hash(state);
    }
}

impl AsRef<[u8]> for SecretBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes(<redacted>)")
    }
}

/// The `unicodePwd` value: UTF-16LE of the password in double quotes (MS-ADTS
/// 3.1.1.3.1.5.2), built in place so no unzeroized copy is left behind.
fn unicode_pwd(password: &Password) -> Zeroizing<Vec<u8>> {
    let units = password.expose().encode_utf16().count() + 2;
    let mut buf = Zeroizing::new(Vec::with_capacity(units * 2));
    let quote = u16::from(b'"').to_le_bytes();
    buf.extend_from_slice(&quote);
    for u in password.expose().encode_utf16() {
        buf.extend_from_slice(&u.to_le_bytes());
    }
    buf.extend_from_slice(&quote);
    buf
}

pub(super) enum GcState {
    NotTried,
    Connected { url: String, conn: Box<LdapConn> },
    Unavailable { reason: String },
}

/// An open, bound (after `bind`) connection.
pub struct Directory {
    pub(super) conn: LdapConn,
    pub(super) url: LdapUrl,
    pub(super) options: ConnectOptions,
    pub(super) bind: Option<Credentials>,
    /// Encrypted by TLS, or by a Kerberos bind's sealing.
    pub(super) encrypted: bool,
    /// Why the Kerberos relay stopped, if it did (see [`super::relay`]).
    pub(super) relay_failure: Option<Arc<Mutex<Option<String>>>>,
    pub(super) round_trips: u64,
    pub(super) root_dse: Option<RootDse>,
    pub(super) gc: GcState,
    /// Connections lost and what spnkt did about them, for the caller to report
    /// ([`Directory::take_events`]).
    pub(super) events: Vec<String>,
}

impl fmt::Debug for Directory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Directory")
            .field("url", &self.url.to_url())
            .field("bound_as", &self.bind.as_ref().map(Credentials::user))
            .field("round_trips", &self.round_trips)
            .finish_non_exhaustive()
    }
}

impl Directory {
    pub fn connect(options: &ConnectOptions) -> Result<Directory, LdapError> {
        let url = LdapUrl::parse(&options.url)?;
        let conn = open(&url, options)?;
        Ok(Directory {
            conn,
            // The StartTLS extended operation is an LDAP operation too.
            round_trips: u64::from(!url.tls),
            encrypted: url.tls || options.starttls,
            url,
            options: options.clone(),
            bind: None,
            relay_failure: None,
            root_dse: None,
            gc: GcState::NotTried,
            events: Vec::new(),
        })
    }

    /// The URL connected to, normalised (`ldaps://host:636`).
    pub fn url(&self) -> String {
        self.url.to_url()
    }

    /// Whether the connection is encrypted (always, since plain LDAP is refused).
    /// How long each later operation may take (a connection opened with a short
    /// deadline, to try the next DC quickly, then works with the normal one).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.options.timeout = timeout;
    }

    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// Connect and bind with `credentials`.
    pub fn open(
        options: &ConnectOptions,
        credentials: &Credentials,
    ) -> Result<Directory, LdapError> {
        match credentials {
            Credentials::Simple(b) => {
                let mut dir = Directory::connect(options)?;
                dir.bind(b)?;
                Ok(dir)
            }
            Credentials::Kerberos(t) => Directory::connect_kerberos(options, t.clone()),
        }
    }

    /// Connect and bind with Kerberos (SASL GSSAPI) using `tickets`: over TLS
    /// (`ldaps://`, or StartTLS) with the `tls-server-end-point` channel binding and
    /// no SASL security layer, over plain `ldap://` sealed. The service ticket is
    /// for `ldap/<the rootDSE's dnsHostName>` in the directory's realm, asked of the
    /// KDC on the same host.
    pub fn connect_kerberos(
        options: &ConnectOptions,
        tickets: Arc<dyn TicketSource>,
    ) -> Result<Directory, LdapError> {
        let url = LdapUrl::parse(&options.url)?;
        let k = open_kerberos(&url, options, tickets.as_ref(), None)?;
        Ok(Directory {
            conn: k.conn,
            url,
            options: options.clone(),
            bind: Some(Credentials::Kerberos(tickets)),
            encrypted: k.encrypted,
            relay_failure: Some(k.failure),
            round_trips: k.round_trips,
            root_dse: None,
            gc: GcState::NotTried,
            events: Vec::new(),
        })
    }

    /// A broken Kerberos-bound connection's error, with why the relay stopped
    /// (a wrap token that did not verify, the DC closing the connection).
    fn with_relay_cause(&self, e: LdapError) -> LdapError {
        let why = self
            .relay_failure
            .as_ref()
            .and_then(|f| f.lock().unwrap_or_else(|p| p.into_inner()).clone());
        match (e, why) {
            (LdapError::Protocol { op, dn, cause }, Some(why)) => LdapError::Protocol {
                op,
                dn,
                cause: format!("{cause} (the Kerberos-protected connection ended: {why})"),
            },
            (
                LdapError::ConnectionLost {
                    url,
                    op,
                    dn,
                    cause,
                    retried,
                },
                Some(why),
            ) => LdapError::ConnectionLost {
                url,
                op,
                dn,
                cause: format!("{cause} (the Kerberos-protected connection ended: {why})"),
                retried,
            },
            (e, _) => e,
        }
    }

    pub fn bind(&mut self, bind: &SimpleBind) -> Result<(), LdapError> {
        let url = self.url.to_url();
        Self::bind_conn(
            &mut self.conn,
            &mut self.round_trips,
            &url,
            self.options.timeout,
            bind,
        )?;
        self.bind = Some(Credentials::Simple(bind.clone()));
        Ok(())
    }

    fn bind_conn(
        conn: &mut LdapConn,
        round_trips: &mut u64,
        url: &str,
        timeout: Duration,
        bind: &SimpleBind,
    ) -> Result<(), LdapError> {
        if bind.password.is_empty() {
            return Err(LdapError::EmptyPassword);
        }
        *round_trips += 1;
        let result = conn
            .with_timeout(timeout)
            .simple_bind(&bind.user, bind.password.expose())
            .map_err(|e| map_op_error("bind", &bind.user, url, timeout, e))?;
        match result.rc {
            0 => Ok(()),
            49 => Err(LdapError::InvalidCredentials {
                user: bind.user.clone(),
                reason: BindFailure::from_diagnostic(&result.text),
                diagnostic: super::diagnostic::clean(&result.text),
            }),
            _ => Err(map_result("bind", &bind.user, url, &result)),
        }
    }

    pub fn root_dse(&mut self) -> Result<RootDse, LdapError> {
        if let Some(dse) = &self.root_dse {
            return Ok(dse.clone());
        }
        let entries = self.search(
            "",
            Scope::Base,
            "(objectClass=*)",
            &[
                "defaultNamingContext",
                "configurationNamingContext",
                "rootDomainNamingContext",
                "dnsHostName",
                "isGlobalCatalogReady",
                "dsServiceName",
                // What the bound account's rights are judged by: one more attribute of
                // a read made anyway.
                super::rights::TOKEN_GROUPS,
            ],
        )?;
        let entry = entries.into_iter().next().unwrap_or_default();
        let text = |a: &str| entry.first(a).unwrap_or_default().to_owned();
        let dse = RootDse {
            default_naming_context: text("defaultNamingContext"),
            configuration_naming_context: text("configurationNamingContext"),
            root_domain_naming_context: text("rootDomainNamingContext"),
            dns_host_name: entry.first("dnsHostName").map(str::to_owned),
            is_global_catalog_ready: entry
                .first("isGlobalCatalogReady")
                .is_some_and(|v| v.eq_ignore_ascii_case("TRUE")),
            ds_service_name: entry.first("dsServiceName").map(str::to_owned),
            token: super::rights::token_of(&entry),
        };
        self.root_dse = Some(dse.clone());
        Ok(dse)
    }

    /// One paged search on the connection as it is.
    pub(super) fn search_with_page_size_once(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
        page_size: u32,
    ) -> Result<Vec<Entry>, LdapError> {
        let url = self.url.to_url();
        paged_search(
            &mut self.conn,
            &mut self.round_trips,
            &url,
            self.options.timeout,
            SearchArgs {
                base,
                scope,
                filter,
                attrs,
                page_size,
            },
        )
        .map_err(|e| self.with_relay_cause(e))
    }

    /// Every object holding any of `spns` or `upns` (case-insensitive), in the global
    /// catalog when it is available (the whole forest: SPNs and, since Windows Server
    /// 2012 R2, UPNs must be unique forest-wide), else in the domain: one search per
    /// [`SPNS_PER_SEARCH`] values (an OR filter), on the connections as they are.
    pub(super) fn find_holders_once(
        &mut self,
        spns: &[String],
        upns: &[String],
    ) -> Result<Vec<Entry>, LdapError> {
        let attrs = [
            "sAMAccountName",
            "servicePrincipalName",
            "userPrincipalName",
            "objectClass",
            "dNSHostName",
        ];
        let dse = self.root_dse()?;
        if matches!(self.gc, GcState::NotTried) {
            self.gc = if dse.is_global_catalog_ready {
                self.open_gc()
            } else {
                GcState::Unavailable {
                    reason: "the rootDSE says isGlobalCatalogReady is not TRUE".to_owned(),
                }
            };
        }
        let mut entries: Vec<Entry> = Vec::new();
        let terms: Vec<(&str, &String)> = spns
            .iter()
            .map(|v| ("servicePrincipalName", v))
            .chain(upns.iter().map(|v| ("userPrincipalName", v)))
            .collect();
        for chunk in terms.chunks(SPNS_PER_SEARCH) {
            let filter = or_terms(chunk);
            let found = match &mut self.gc {
                GcState::Connected { url, conn } => {
                    let url = url.clone();
                    paged_search(
                        conn,
                        &mut self.round_trips,
                        &url,
                        self.options.timeout,
                        SearchArgs {
                            base: "",
                            scope: Scope::Subtree,
                            filter: &filter,
                            attrs: &attrs,
                            page_size: DEFAULT_PAGE_SIZE,
                        },
                    )?
                }
                _ => {
                    let base = dse.default_naming_context.clone();
                    self.search_with_page_size_once(
                        &base,
                        Scope::Subtree,
                        &filter,
                        &attrs,
                        DEFAULT_PAGE_SIZE,
                    )?
                }
            };
            for e in found {
                if !entries.iter().any(|x| x.dn.eq_ignore_ascii_case(&e.dn)) {
                    entries.push(e);
                }
            }
        }
        // AD matches case-insensitively; make sure of it whatever the server did.
        let holds = |e: &Entry, attr: &str, wanted: &[String]| {
            e.values(attr)
                .iter()
                .any(|v| wanted.iter().any(|s| v.eq_ignore_ascii_case(s)))
        };
        entries.retain(|e| {
            holds(e, "servicePrincipalName", spns) || holds(e, "userPrincipalName", upns)
        });
        Ok(entries)
    }

    /// Where [`Directory::find_spn`] searches (after its first call).
    pub fn global_catalog(&self) -> GlobalCatalog {
        match &self.gc {
            GcState::NotTried => GlobalCatalog::NotTried,
            GcState::Connected { url, .. } => GlobalCatalog::Connected { url: url.clone() },
            GcState::Unavailable { reason } => GlobalCatalog::Unavailable {
                reason: reason.clone(),
            },
        }
    }

    /// Connect and bind to the global catalog on the same host: 3269 (LDAPS) when we
    /// use LDAPS, 3268 + StartTLS when we use StartTLS.
    fn open_gc(&mut self) -> GcState {
        let Some(bind) = self.bind.clone() else {
            return GcState::Unavailable {
                reason: "not bound".to_owned(),
            };
        };
        let gc_url = LdapUrl {
            tls: self.url.tls,
            host: self.url.host.clone(),
            port: if self.url.tls || self.options.starttls {
                if self.url.tls { 3269 } else { 3268 }
            } else {
                3268
            },
        };
        let shown = gc_url.to_url();
        let conn = match bind {
            Credentials::Simple(simple) => {
                let mut conn = match open(&gc_url, &self.options) {
                    Ok(c) => c,
                    Err(e) => {
                        return GcState::Unavailable {
                            reason: e.to_string(),
                        };
                    }
                };
                if !self.url.tls {
                    self.round_trips += 1; // StartTLS
                }
                if let Err(e) = Self::bind_conn(
                    &mut conn,
                    &mut self.round_trips,
                    &shown,
                    self.options.timeout,
                    &simple,
                ) {
                    return GcState::Unavailable {
                        reason: e.to_string(),
                    };
                }
                conn
            }
            Credentials::Kerberos(tickets) => {
                let dse = self.root_dse.clone().unwrap_or_default();
                let host = dse.dns_host_name.unwrap_or_else(|| self.url.host.clone());
                let Some(realm) = super::realm_from_dn(&dse.default_naming_context) else {
                    return GcState::Unavailable {
                        reason: "the realm is not known yet".to_owned(),
                    };
                };
                match open_kerberos(
                    &gc_url,
                    &self.options,
                    tickets.as_ref(),
                    Some((&host, &realm)),
                ) {
                    Ok(k) => {
                        self.round_trips += k.round_trips;
                        k.conn
                    }
                    Err(e) => {
                        return GcState::Unavailable {
                            reason: e.to_string(),
                        };
                    }
                }
            }
        };
        GcState::Connected {
            url: shown,
            conn: Box::new(conn),
        }
    }

    /// The account with this sAMAccountName, if any.
    pub fn find_account(
        &mut self,
        base_dn: &str,
        sam_account_name: &str,
    ) -> Result<Option<ServiceAccount>, LdapError> {
        let filter = format!("(sAMAccountName={})", escape_filter_value(sam_account_name));
        let entries = self.search(base_dn, Scope::Subtree, &filter, ACCOUNT_ATTRS)?;
        match entries.into_iter().next() {
            None => Ok(None),
            Some(e) => Ok(Some(account_from_entry(&e)?)),
        }
    }

    /// Read an account by DN (one read on the connection as it is).
    pub(super) fn read_account_once(&mut self, dn: &str) -> Result<ServiceAccount, LdapError> {
        let entries = self.search_with_page_size_once(
            dn,
            Scope::Base,
            "(objectClass=*)",
            ACCOUNT_ATTRS,
            DEFAULT_PAGE_SIZE,
        )?;
        match entries.into_iter().next() {
            None => Err(LdapError::NoSuchObject {
                dn: dn.to_owned(),
                diagnostic: String::new(),
            }),
            Some(e) => account_from_entry(&e),
        }
    }

    /// Add an entry. Attributes with no values are left out.
    pub(super) fn add_once(
        &mut self,
        dn: &str,
        attrs: &[(&str, Vec<String>)],
    ) -> Result<(), LdapError> {
        let attrs: Vec<(String, HashSet<String>)> = attrs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(a, v)| ((*a).to_owned(), v.iter().cloned().collect()))
            .collect();
        self.round_trips += 1;
        let timeout = self.options.timeout;
        let r = self.conn.with_timeout(timeout).add(dn, attrs);
        self.check("add", dn, r)
    }

    /// Replace attributes (an empty value list deletes the attribute).
    pub(super) fn replace_once(
        &mut self,
        dn: &str,
        attrs: &[(&str, Vec<String>)],
    ) -> Result<(), LdapError> {
        if attrs.is_empty() {
            return Ok(());
        }
        let mods: Vec<Mod<String>> = attrs
            .iter()
            .map(|(a, v)| Mod::Replace((*a).to_owned(), v.iter().cloned().collect()))
            .collect();
        self.modify("modify", dn, mods)
    }

    /// Add and remove single values of a multi-valued attribute (servicePrincipalName).
    /// No values: nothing is sent.
    pub(super) fn add_values_once(
        &mut self,
        dn: &str,
        attr: &str,
        values: &[String],
    ) -> Result<(), LdapError> {
        if values.is_empty() {
            return Ok(());
        }
        let mods = vec![Mod::Add(attr.to_owned(), values.iter().cloned().collect())];
        self.modify("modify (add values)", dn, mods)
    }

    /// No values: nothing is sent (an empty delete would remove the whole attribute).
    pub(super) fn delete_values_once(
        &mut self,
        dn: &str,
        attr: &str,
        values: &[String],
    ) -> Result<(), LdapError> {
        if values.is_empty() {
            return Ok(());
        }
        let mods = vec![Mod::Delete(
            attr.to_owned(),
            values.iter().cloned().collect(),
        )];
        self.modify("modify (delete values)", dn, mods)
    }

    fn modify(
        &mut self,
        op: &'static str,
        dn: &str,
        mods: Vec<Mod<String>>,
    ) -> Result<(), LdapError> {
        self.round_trips += 1;
        let timeout = self.options.timeout;
        let r = self.conn.with_timeout(timeout).modify(dn, mods);
        self.check(op, dn, r)
    }

    fn check(
        &self,
        op: &'static str,
        dn: &str,
        r: ldap3::result::Result<LdapResult>,
    ) -> Result<(), LdapError> {
        let url = self.url.to_url();
        let r = r.map_err(|e| {
            self.with_relay_cause(map_op_error(op, dn, &url, self.options.timeout, e))
        })?;
        if r.rc == 0 {
            Ok(())
        } else {
            Err(map_result(op, dn, &url, &r))
        }
    }

    /// Set `unicodePwd` (a reset, needs an encrypted connection).
    /// Add an entry with `unicodePwd` set to `password` in the same operation (needs
    /// an encrypted connection); one atomic add.
    pub(super) fn add_with_password_once(
        &mut self,
        dn: &str,
        attrs: &[(&str, Vec<String>)],
        password: &Password,
    ) -> Result<(), LdapError> {
        if !self.is_encrypted() {
            return Err(LdapError::NotEncrypted);
        }
        let bytes = |s: &str| SecretBytes(Zeroizing::new(s.as_bytes().to_vec()));
        let mut all: Vec<(SecretBytes, HashSet<SecretBytes>)> = attrs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(a, v)| (bytes(a), v.iter().map(|x| bytes(x)).collect()))
            .collect();
        all.push((
            bytes("unicodePwd"),
            HashSet::from([SecretBytes(unicode_pwd(password))]),
        ));
        self.round_trips += 1;
        let timeout = self.options.timeout;
        let r = self.conn.with_timeout(timeout).add(dn, all);
        // As for a password set: the values were dropped (zeroized) with `all`.
        self.check("add", dn, r)
    }

    pub(super) fn set_password_once(
        &mut self,
        dn: &str,
        password: &Password,
    ) -> Result<(), LdapError> {
        if !self.is_encrypted() {
            return Err(LdapError::NotEncrypted);
        }
        let value = SecretBytes(unicode_pwd(password));
        let attr = SecretBytes(Zeroizing::new(b"unicodePwd".to_vec()));
        let mods = vec![Mod::Replace(attr, HashSet::from([value]))];
        self.round_trips += 1;
        let timeout = self.options.timeout;
        let r = self.conn.with_timeout(timeout).modify(dn, mods);
        // ldap3's result never echoes the request; the value was dropped (zeroized) above.
        self.check("set password", dn, r)
    }

    pub(super) fn delete_once(&mut self, dn: &str) -> Result<(), LdapError> {
        self.round_trips += 1;
        let timeout = self.options.timeout;
        let r = self.conn.with_timeout(timeout).delete(dn);
        self.check("delete", dn, r)
    }

    /// Delete `dn` and every object below it in one operation: the tree delete
    /// control, sent critical so that a server without it refuses instead of
    /// deleting a leaf only (MS-ADTS 3.1.1.3.4.1, LDAP_SERVER_TREE_DELETE_OID).
    pub(super) fn delete_tree_once(&mut self, dn: &str) -> Result<(), LdapError> {
        self.round_trips += 1;
        let timeout = self.options.timeout;
        let control = ldap3::controls::RawControl {
            ctype: TREE_DELETE_OID.to_owned(),
            crit: true,
            val: None,
        };
        let r = self
            .conn
            .with_controls(vec![control])
            .with_timeout(timeout)
            .delete(dn);
        self.check("delete (tree)", dn, r)
    }

    /// LDAP operations sent so far (for reports and benchmarks), the global catalog
    /// connection's included; a paged search counts one per page.
    pub fn round_trips(&self) -> u64 {
        self.round_trips
    }
}

impl Drop for Directory {
    /// Say goodbye politely (an unbind has no response; errors do not matter here).
    fn drop(&mut self) {
        if let GcState::Connected { conn, .. } = &mut self.gc {
            let _ = conn.unbind();
        }
        let _ = self.conn.unbind();
    }
}

struct SearchArgs<'a> {
    base: &'a str,
    scope: Scope,
    filter: &'a str,
    attrs: &'a [&'a str],
    page_size: u32,
}

fn paged_search(
    conn: &mut LdapConn,
    round_trips: &mut u64,
    url: &str,
    timeout: Duration,
    args: SearchArgs<'_>,
) -> Result<Vec<Entry>, LdapError> {
    let page_size = i32::try_from(args.page_size.max(1)).unwrap_or(i32::MAX);
    let mut cookie = Vec::new();
    let mut out = Vec::new();
    loop {
        *round_trips += 1;
        let control = PagedResults {
            size: page_size,
            cookie: std::mem::take(&mut cookie),
        };
        let res = conn
            .with_controls(control)
            .with_timeout(timeout)
            .search(
                args.base,
                args.scope.into(),
                args.filter,
                args.attrs.to_vec(),
            )
            .map_err(|e| map_op_error("search", args.base, url, timeout, e))?;
        let ldap3::SearchResult(items, result) = res;
        if result.rc != 0 {
            return Err(map_result("search", args.base, url, &result));
        }
        for item in items {
            if let Some(entry) = entry_of(item) {
                out.push(entry);
            }
        }
        match paged_cookie(&result.ctrls) {
            Some(c) if !c.is_empty() => cookie = c,
            _ => break,
        }
    }
    Ok(out)
}

/// A search result item as an [`Entry`]; references and intermediate messages are
/// dropped (never handed to `SearchEntry::construct`, which panics on them).
fn entry_of(item: ResultEntry) -> Option<Entry> {
    if item.is_ref() || item.is_intermediate() {
        return None;
    }
    parse_entry(item.0)
}

fn account_from_entry(e: &Entry) -> Result<ServiceAccount, LdapError> {
    ServiceAccount::from_entry(e).map_err(|err| LdapError::BadAttribute {
        dn: e.dn.clone(),
        attr: err.attr,
        value: err.value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4515_escaping() {
        assert_eq!(
            escape_filter_value("HTTP/web.example.test"),
            "HTTP/web.example.test"
        );
        assert_eq!(escape_filter_value("a*b"), "a\\2ab");
        assert_eq!(escape_filter_value("(x)"), "\\28x\\29");
        assert_eq!(escape_filter_value("c:\\dir"), "c:\\5cdir");
        assert_eq!(escape_filter_value("nul\0"), "nul\\00");
        assert_eq!(
            escape_filter_value("*)(uid=*))(|(uid=*"),
            "\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a"
        );
        assert_eq!(escape_filter_value("café/ü"), "café/ü");
        // What we escape, ldap3's filter parser accepts and decodes back.
        for v in ["a*b", "(x)", "c:\\dir", "plain", "HTTP/x:80"] {
            let f = format!("(servicePrincipalName={})", escape_filter_value(v));
            assert!(ldap3::parse_filter(&f).is_ok(), "{f}");
        }
    }

    #[test]
    fn rfc4514_rdn_escaping() {
        assert_eq!(escape_rdn_value("svc-web"), "svc-web");
        assert_eq!(escape_rdn_value("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape_rdn_value("#x "), "\\#x\\ ");
        assert_eq!(escape_rdn_value(" x"), "\\ x");
    }

    #[test]
    fn url_parsing() {
        let u = LdapUrl::parse("ldaps://dc1.example.test").unwrap();
        assert_eq!(
            u,
            LdapUrl {
                tls: true,
                host: "dc1.example.test".into(),
                port: 636
            }
        );
        let u = LdapUrl::parse("LDAP://dc1:3890/").unwrap();
        assert_eq!(
            u,
            LdapUrl {
                tls: false,
                host: "dc1".into(),
                port: 3890
            }
        );
        let u = LdapUrl::parse("ldaps://[::1]:1636").unwrap();
        assert_eq!(u.to_url(), "ldaps://[::1]:1636");
        let u = LdapUrl::parse("ldap://[fd00::2]").unwrap();
        assert_eq!(u.port, 389);
        for bad in [
            "dc1:636",
            "http://dc1",
            "ldaps://",
            "ldaps://dc1:x",
            "ldaps://dc1:0",
            "ldaps://u@dc1",
        ] {
            assert!(
                matches!(LdapUrl::parse(bad), Err(LdapError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn plain_ldap_refused_before_connecting() {
        let opts = ConnectOptions {
            url: "ldap://192.0.2.1:389".into(),
            starttls: false,
            ca_cert: None,
            insecure_skip_verify: false,
            timeout: Duration::from_secs(1),
        };
        let err = Directory::connect(&opts).unwrap_err();
        assert!(matches!(err, LdapError::PlaintextRefused { .. }), "{err}");
        assert!(err.to_string().contains("ldap://192.0.2.1:389"));
    }

    #[test]
    fn bind_failure_codes() {
        let t = "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1";
        assert_eq!(BindFailure::from_diagnostic(t), BindFailure::BadPassword);
        for (code, want) in [
            ("525", BindFailure::UserNotFound),
            ("530", BindFailure::LogonTimeRestriction),
            ("531", BindFailure::WorkstationRestriction),
            ("532", BindFailure::PasswordExpired),
            ("533", BindFailure::AccountDisabled),
            ("701", BindFailure::AccountExpired),
            ("773", BindFailure::MustChangePassword),
            ("775", BindFailure::AccountLockedOut),
            ("999", BindFailure::Other),
        ] {
            let t = format!(
                "80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data {code}, v3839"
            );
            assert_eq!(BindFailure::from_diagnostic(&t), want, "{code}");
        }
        assert_eq!(BindFailure::from_diagnostic(""), BindFailure::Other);
    }

    fn result(rc: u32, text: &str) -> LdapResult {
        LdapResult {
            rc,
            matched: String::new(),
            text: text.to_owned(),
            refs: vec![],
            ctrls: vec![],
        }
    }

    #[test]
    fn result_mapping() {
        let m = |rc, t: &str| map_result("modify", "CN=x", "ldaps://dc:636", &result(rc, t));
        assert!(matches!(
            m(68, "Entry CN=x already exists"),
            LdapError::AlreadyExists { .. }
        ));
        assert!(matches!(
            m(32, "00002030: No such Base DN"),
            LdapError::NoSuchObject { .. }
        ));
        let samba_pw = "0000052D: Constraint violation - check_password_restrictions: the password is too short.";
        assert!(matches!(m(19, samba_pw), LdapError::PasswordPolicy { .. }));
        let win_pw = "0000052D: SvcErr: DSID-031A1248, problem 5003 (WILL_NOT_PERFORM), data 0";
        assert!(matches!(m(53, win_pw), LdapError::PasswordPolicy { .. }));
        let samba_spn = "0000202F: samldb: spn[http/X.example.test] would cause a conflict";
        assert!(matches!(m(19, samba_spn), LdapError::DuplicateSpn { .. }));
        // Windows ends its diagnostics with a NUL byte: it is not shown.
        let win_spn = "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n\0";
        let e = m(19, win_spn);
        assert!(matches!(e, LdapError::DuplicateSpn { .. }), "{e:?}");
        assert!(!e.to_string().contains('\0'), "{e}");
        let win_upn = "000021C8: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C8: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90290 (userPrincipalName)\n\0";
        assert!(matches!(m(19, win_upn), LdapError::DuplicateUpn { .. }));
        let samba_upn = "0000202F: samldb: userPrincipalName 'a@example.test' is already in use";
        assert!(matches!(m(19, samba_upn), LdapError::DuplicateUpn { .. }));
        assert!(matches!(
            m(
                19,
                "0000202F: samldb: sAMAccountName contains invalid '/' character"
            ),
            LdapError::ConstraintViolation { .. }
        ));
        assert!(matches!(
            m(20, "value exists"),
            LdapError::ValueExists { .. }
        ));
        assert!(matches!(
            m(16, "no matching attribute value"),
            LdapError::NoSuchAttribute { .. }
        ));
        assert!(matches!(
            m(50, "00002098: SecErr"),
            LdapError::InsufficientAccess { .. }
        ));
        assert!(matches!(
            m(8, "BindSimple: Transport encryption required."),
            LdapError::StrongAuthRequired { .. }
        ));
        let e = m(53, "00002077: something else");
        assert!(
            matches!(
                e,
                LdapError::Server {
                    code: 53,
                    name: "unwillingToPerform",
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(e.result_code(), Some(53));
    }

    #[test]
    fn unicode_pwd_encoding() {
        let p = Password::from("Pä1");
        let b = unicode_pwd(&p);
        assert_eq!(b.as_slice(), &[b'"', 0, b'P', 0, 0xE4, 0, b'1', 0, b'"', 0]);
        assert_eq!(
            b.capacity(),
            b.len(),
            "built in place, no reallocation copies"
        );
        let s = SecretBytes(b);
        assert_eq!(format!("{s:?}"), "SecretBytes(<redacted>)");
    }

    #[test]
    fn secrets_not_in_debug() {
        let b = SimpleBind {
            user: "Administrator@EXAMPLE.TEST".into(),
            password: Password::from("s3cret-Pw"),
        };
        assert!(!format!("{b:?}").contains("s3cret"));
        let e = LdapError::InvalidCredentials {
            user: b.user.clone(),
            reason: BindFailure::BadPassword,
            diagnostic: "data 52e".into(),
        };
        assert!(!format!("{e} {e:?}").contains("s3cret"));
    }

    #[test]
    fn entry_parsing_without_panics() {
        let p = |b: &[u8]| StructureTag {
            class: ldap3::asn1::TagClass::Universal,
            id: 4,
            payload: PL::P(b.to_vec()),
        };
        let c = |id, v: Vec<StructureTag>| StructureTag {
            class: ldap3::asn1::TagClass::Universal,
            id,
            payload: PL::C(v),
        };
        let attr = |name: &str, vals: Vec<&[u8]>| {
            c(
                16,
                vec![p(name.as_bytes()), c(17, vals.into_iter().map(p).collect())],
            )
        };
        let tag = StructureTag {
            class: ldap3::asn1::TagClass::Application,
            id: 4,
            payload: PL::C(vec![
                p(b"CN=x,DC=example,DC=test"),
                c(
                    16,
                    vec![
                        attr("sAMAccountName", vec![b"x"]),
                        attr("objectGUID", vec![b"ascii-only-guid!"]),
                        attr("weird", vec![b"ok", b"\xff\xfe"]),
                    ],
                ),
            ]),
        };
        let e = parse_entry(tag).unwrap();
        assert_eq!(e.first("samaccountname"), Some("x"));
        assert_eq!(e.bin_values("objectGUID"), &[b"ascii-only-guid!".to_vec()]);
        assert!(e.values("objectGUID").is_empty());
        assert_eq!(e.bin_values("weird").len(), 2);
        // A search reference (id 19) or junk is not an entry.
        assert!(parse_entry(c(19, vec![p(b"ldaps://x/")])).is_none());
        assert!(parse_entry(p(b"junk")).is_none());
    }
}

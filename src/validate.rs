//! Checks of what the admin asks for, shared by the command line, the plan file and
//! the wizard: delegation, keytab enctypes, the directory URL and the keytab's
//! directory. Offline and pure but for the file system look-up of the keytab's
//! directory. Errors are usage errors with hints (like [`crate::hostname`]'s).

use std::path::Path;

use crate::ad::account::Delegation;
use crate::exit::CliError;
use crate::hostname;
use crate::krb::principal::PrincipalError;
use crate::krb::{Enctype, NameType, Principal};

/// The short names accepted for derivable enctypes, for hints.
pub const ENCTYPE_NAMES_HINT: &str = "accepted: aes256, aes128, rc4 (or MIT names such as aes256-cts-hmac-sha1-96, or enctype numbers)";

/// The kind of delegation asked for, before its targets are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegationKind {
    /// The service cannot act for its users.
    None,
    /// TRUSTED_FOR_DELEGATION: to any service (Kerberos only).
    Unconstrained,
    /// msDS-AllowedToDelegateTo: only to the services listed.
    Constrained,
}

/// Parse an enctype name or number as typed by the admin.
pub fn parse_enctype(s: &str) -> Result<Enctype, CliError> {
    Enctype::from_user_str(s).ok_or_else(|| {
        CliError::usage(format!("unknown encryption type `{s}`")).hint(ENCTYPE_NAMES_HINT)
    })
}

/// The delegation of `kind` with its targets, checked (for `create` and for
/// `spnkt apply`'s plan entries): targets and protocol transition only with
/// constrained, which needs at least one valid target SPN.
pub fn delegation_for(
    kind: DelegationKind,
    delegate_to: &[String],
    protocol_transition: bool,
) -> Result<Delegation, CliError> {
    if kind != DelegationKind::Constrained {
        if !delegate_to.is_empty() {
            return Err(
                CliError::usage("--delegate-to needs --delegation constrained")
                    .hint("use --delegation constrained --delegate-to SPN ..."),
            );
        }
        if protocol_transition {
            return Err(
                CliError::usage("--protocol-transition needs --delegation constrained")
                    .hint("use --delegation constrained --delegate-to SPN --protocol-transition"),
            );
        }
    }
    Ok(match kind {
        DelegationKind::None => Delegation::None,
        DelegationKind::Unconstrained => Delegation::Unconstrained,
        DelegationKind::Constrained => {
            if delegate_to.is_empty() {
                return Err(CliError::usage(
                    "--delegation constrained needs at least one --delegate-to SPN",
                )
                .hint("e.g. --delegate-to HTTP/backend.example.com (repeat for more)"));
            }
            let mut targets = Vec::new();
            for t in delegate_to {
                targets.push(hostname::check_spn(t.trim())?);
            }
            Delegation::Constrained {
                targets,
                protocol_transition,
            }
        }
    })
}

/// `--enctypes` for an AD account: aes256, aes128, rc4; strongest first, each once.
pub fn keytab_enctypes(list: &[String]) -> Result<Vec<Enctype>, CliError> {
    let mut out = enctype_list(list, |e| {
        CliError::usage(format!(
            "AD accounts made by spnkt use aes256, aes128 and (optionally) rc4, not {e}"
        ))
        .hint("use --enctypes aes256,aes128 (add rc4 only for old clients)")
    })?;
    out.sort_by_key(|e| match *e {
        Enctype::AES256_CTS_HMAC_SHA1_96 => 0,
        Enctype::AES128_CTS_HMAC_SHA1_96 => 1,
        _ => 2,
    });
    Ok(out)
}

/// `--enctypes` for keys derived from a password (`keytab create`): the ones spnkt
/// can derive, in the order given, each once.
pub fn derivable_enctypes(list: &[String]) -> Result<Vec<Enctype>, CliError> {
    enctype_list(list, |e| {
        CliError::usage(format!(
            "cannot derive {e} keys: spnkt derives aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96 and rc4-hmac only"
        ))
        .hint("use --enctypes aes256,aes128 (add rc4 only for old clients); DES and 3DES are obsolete")
    })
}

/// Parse the names, refusing (with `refuse`) one spnkt cannot derive; each once.
fn enctype_list(
    list: &[String],
    refuse: impl Fn(Enctype) -> CliError,
) -> Result<Vec<Enctype>, CliError> {
    let mut out = Vec::new();
    for item in list {
        let e = parse_enctype(item.trim())?;
        if !e.is_supported() {
            return Err(refuse(e));
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    if out.is_empty() {
        return Err(CliError::usage("--enctypes is empty").hint(ENCTYPE_NAMES_HINT));
    }
    Ok(out)
}

/// A principal given on the command line; errors are usage errors with hints.
pub fn principal(input: &str) -> Result<Principal, CliError> {
    Principal::parse(input).map_err(|e| {
        let hint = match &e {
            PrincipalError::MissingRealm { .. } => {
                format!("add @REALM, the AD domain in upper case: {input}@EXAMPLE.COM")
            }
            _ => "principals look like HTTP/app1.example.com@EXAMPLE.COM; escape a literal / or @ with a backslash"
                .to_owned(),
        };
        CliError::usage(e.to_string()).hint(hint)
    })
}

/// A principal to derive keys for: parsed, its realm upper-cased (AD realms are
/// upper case) and given `name_type`; with the warnings about the usual SPN
/// mistakes (an `HTTPS/` service, upper case in the host), which do not stop it.
pub fn keytab_principal(
    input: &str,
    name_type: NameType,
) -> Result<(Principal, Vec<String>), CliError> {
    let parsed = principal(input)?;
    let mut warnings = Vec::new();
    let before = parsed.realm.clone();
    let principal = parsed.with_uppercase_realm().with_name_type(name_type);
    if principal.realm != before {
        warnings.push(format!(
            "realm upper-cased to {}: AD realms are upper case",
            principal.realm
        ));
    }
    if let [service, host, ..] = principal.components.as_slice() {
        let is_http = service.eq_ignore_ascii_case("HTTP");
        let is_https = service.eq_ignore_ascii_case("HTTPS");
        if is_https {
            warnings.push(format!(
                "service `{service}`: browsers ask for HTTP/{host} even for https:// sites; use HTTP/{host}@{}",
                principal.realm
            ));
        }
        if (is_http || is_https) && host.chars().any(char::is_uppercase) {
            warnings.push(format!(
                "host `{host}` has upper-case letters: Kerberos names are case-sensitive and browsers ask for \
                 HTTP/{}; written as given",
                host.to_lowercase()
            ));
        }
    }
    Ok((principal, warnings))
}

/// A container DN below `base` (the wizard's "another container" answer).
pub fn container_dn(s: &str, base: &str) -> Result<String, String> {
    let s = s.trim();
    if !s.contains('=') {
        return Err(format!("`{s}` is not a DN (e.g. OU=Services,{base})"));
    }
    if !s.to_ascii_lowercase().ends_with(&base.to_ascii_lowercase()) {
        return Err(format!("`{s}` is not in this domain ({base})"));
    }
    Ok(s.to_owned())
}

/// Comma-separated SPNs for constrained delegation, trimmed and re-joined.
pub fn spn_list(s: &str) -> Result<String, String> {
    let items: Vec<&str> = s
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if items.is_empty() {
        return Err("give at least one SPN, e.g. HTTP/backend.example.com".into());
    }
    for t in &items {
        hostname::check_spn(t).map_err(|e| match &e.hint {
            Some(h) => format!("{} ({h})", e.message),
            None => e.message.clone(),
        })?;
    }
    Ok(items.join(","))
}

/// ldaps://, or ldap:// with --starttls; nothing else.
pub fn check_url(url: &str, starttls: bool, kerberos: bool) -> Result<(), CliError> {
    let lower = url.to_ascii_lowercase();
    let no_host = || {
        CliError::usage(format!("--ldap-url `{url}` has no host"))
            .hint("e.g. --ldap-url ldaps://dc1.example.com")
    };
    if let Some(rest) = lower.strip_prefix("ldaps://") {
        if rest.is_empty() {
            return Err(no_host());
        }
        if starttls {
            return Err(
                CliError::usage("--starttls is for ldap:// URLs; ldaps:// is TLS already")
                    .hint("drop --starttls, or use ldap://HOST with --starttls"),
            );
        }
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("ldap://") {
        if rest.is_empty() {
            return Err(no_host());
        }
        // A Kerberos bind seals plain LDAP itself (SASL GSSAPI confidentiality).
        if !starttls && !kerberos {
            return Err(CliError::usage(format!(
                "refusing plain LDAP to {url}: the bind password would cross the network in clear text, and AD sets passwords only over an encrypted connection"
            ))
            .hint(format!(
                "use --ldap-url ldaps://{} (port 636), add --starttls, or bind with Kerberos (--bind-kerberos or --bind-keytab), which seals ldap://",
                &url["ldap://".len()..]
            )));
        }
        return Ok(());
    }
    Err(CliError::usage(format!(
        "--ldap-url `{url}` is not an ldaps:// or ldap:// URL"
    ))
    .hint("e.g. --ldap-url ldaps://dc1.example.com"))
}

/// The directory a keytab at `path` goes into (`.` for a bare file name).
pub fn keytab_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Where a keytab is to be written, checked before the directory is changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeytabDir {
    /// The directory exists.
    Exists,
    /// The directory (and maybe its parents) does not exist yet: `spnkt apply` creates
    /// it, the other commands refuse.
    Missing,
}

/// The keytab's directory must exist (or, with `allow_missing`, be creatable:
/// nothing in its way that is not a directory).
pub fn check_keytab_dir(path: &Path, allow_missing: bool) -> Result<KeytabDir, CliError> {
    let dir = keytab_dir(path);
    let not_dir = |shown: &Path| {
        CliError::usage(format!(
            "cannot write the keytab {}: {} is not a directory",
            path.display(),
            shown.display()
        ))
        .hint("give another --keytab path")
    };
    if path.file_name().is_none() {
        return Err(not_dir(dir));
    }
    if dir.is_dir() {
        return Ok(KeytabDir::Exists);
    }
    // The nearest existing ancestor decides: a file in the way can never become a
    // directory; nothing there at all can be created.
    let blocked = dir
        .ancestors()
        .find(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_ok());
    match blocked {
        Some(a) if !a.is_dir() => Err(not_dir(a)),
        _ if allow_missing => Ok(KeytabDir::Missing),
        _ => Err(CliError::usage(format!(
            "cannot write the keytab {}: the directory {} does not exist",
            path.display(),
            dir.display()
        ))
        .hint("create the directory first, or give another --keytab path")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("ldaps://dc1.example.com", false, false).is_ok());
        assert!(check_url("LDAPS://dc1:636", false, false).is_ok());
        assert!(check_url("ldap://dc1", true, false).is_ok());
        assert!(check_url("ldap://dc1", false, true).is_ok());
        let e = check_url("ldap://dc1", false, false).unwrap_err();
        assert!(e.message.starts_with("refusing plain LDAP"));
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "use --ldap-url ldaps://dc1 (port 636), add --starttls, or bind with Kerberos (--bind-kerberos or --bind-keytab), which seals ldap://"
            )
        );
        assert!(check_url("ldaps://dc1", true, false).is_err());
        assert!(check_url("http://dc1", false, false).is_err());
        assert!(check_url("ldaps://", false, false).is_err());
    }

    #[test]
    fn enctype_order() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            keytab_enctypes(&v(&["rc4", "aes128", "aes256", "aes128"])).unwrap(),
            [Enctype(18), Enctype(17), Enctype(23)]
        );
        assert!(keytab_enctypes(&v(&["des"])).is_err());
        assert!(keytab_enctypes(&v(&["nope"])).is_err());
    }

    #[test]
    fn keytab_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain-file");
        std::fs::write(&file, b"x").unwrap();
        let here = tmp.path().join("a.keytab");
        assert_eq!(check_keytab_dir(&here, false).unwrap(), KeytabDir::Exists);
        let deep = tmp.path().join("new/dirs/a.keytab");
        let e = check_keytab_dir(&deep, false).unwrap_err();
        assert!(
            e.message.ends_with("new/dirs does not exist"),
            "{}",
            e.message
        );
        assert_eq!(check_keytab_dir(&deep, true).unwrap(), KeytabDir::Missing);
        let under_file = file.join("x/a.keytab");
        for allow in [false, true] {
            let e = check_keytab_dir(&under_file, allow).unwrap_err();
            assert!(
                e.message.ends_with("plain-file is not a directory"),
                "{}",
                e.message
            );
        }
        assert_eq!(keytab_dir(Path::new("a.keytab")), Path::new("."));
    }

    #[test]
    fn enctype_lists() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            derivable_enctypes(&v(&["aes256", "AES128", "aes256", "23"])).unwrap(),
            [Enctype(18), Enctype(17), Enctype(23)]
        );
        assert_eq!(
            keytab_enctypes(&v(&["rc4", "aes128", "aes256"])).unwrap(),
            [Enctype(18), Enctype(17), Enctype(23)]
        );
        let e = derivable_enctypes(&v(&["aes256", "bogus"])).unwrap_err();
        assert_eq!(e.message, "unknown encryption type `bogus`");
        let e = derivable_enctypes(&v(&["des"])).unwrap_err();
        assert!(
            e.message.starts_with("cannot derive des-cbc-md5 keys"),
            "{}",
            e.message
        );
        assert!(
            keytab_enctypes(&v(&["des"]))
                .unwrap_err()
                .message
                .starts_with("AD accounts")
        );
        assert_eq!(
            derivable_enctypes(&[]).unwrap_err().message,
            "--enctypes is empty"
        );
    }

    #[test]
    fn principal_checks() {
        let (p, warnings) =
            keytab_principal("HTTPS/App1.example.com@example.com", NameType::SRV_HST).unwrap();
        assert_eq!(p.realm, "EXAMPLE.COM");
        assert_eq!(p.components[1], "App1.example.com");
        assert_eq!(p.name_type, NameType::SRV_HST);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        let e = keytab_principal("HTTP/x", NameType::PRINCIPAL).unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("add @REALM, the AD domain in upper case: HTTP/x@EXAMPLE.COM")
        );
    }

    #[test]
    fn answer_validators() {
        let base = "DC=example,DC=test";
        assert!(container_dn("OU=Web,DC=example,DC=test", base).is_ok());
        assert!(container_dn("ou=web,dc=EXAMPLE,dc=test", base).is_ok());
        assert!(container_dn("Web", base).is_err());
        assert!(container_dn("OU=Web,DC=other,DC=test", base).is_err());
        assert_eq!(
            spn_list(" HTTP/a.example.test , HTTP/b.example.test").unwrap(),
            "HTTP/a.example.test,HTTP/b.example.test"
        );
        assert!(spn_list("").is_err());
        assert!(spn_list("backend").is_err());
        // The host and account answers use create's own validators.
        assert!(hostname::check_host("HTTPS/app1.example.test").is_err());
        assert!(hostname::check_sam_account_name("svc-http-abcdefghijklmnop").is_err());
    }
}

//! Pure validation of what the admin types for a web service: the host name its
//! SPN is made of, and the sAMAccountName of the account that holds it.
//!
//! Browsers ask for `HTTP/<host the user typed>` (also for https:// sites), in
//! lower case, without a port; a host name that is an IP address makes them fall
//! back to NTLM. So the host must be a lower-case FQDN and the service is always HTTP.

use crate::exit::CliError;

/// The longest sAMAccountName AD accepts for a user (the pre-Windows 2000 name).
pub const MAX_SAM_LEN: usize = 20;

/// Characters AD forbids in a sAMAccountName.
const SAM_FORBIDDEN: &[char] = &[
    '"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>', '@',
];

/// A checked host name and the warnings its normalisation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Lower-case FQDN, no trailing dot.
    pub name: String,
    pub warnings: Vec<String>,
}

impl Host {
    /// `HTTP/host`.
    pub fn spn(&self) -> String {
        format!("HTTP/{}", self.name)
    }

    /// The first DNS label (`app1` of `app1.example.com`).
    pub fn first_label(&self) -> &str {
        self.name.split('.').next().unwrap_or_default()
    }
}

fn refuse(message: impl Into<String>, hint: impl Into<String>) -> CliError {
    CliError::usage(message).hint(hint)
}

/// Check `--host`: an FQDN, not an IP address, not a URL, no port, no trailing dot,
/// the service (when given as `HTTP/host`) HTTP. Upper case is lowered with a warning.
pub fn check_host(input: &str) -> Result<Host, CliError> {
    let mut warnings = Vec::new();
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(refuse(
            "--host is empty",
            "give the web site's host name as users type it, e.g. --host app1.example.com",
        ));
    }
    if let Some((scheme, rest)) = trimmed.split_once("://") {
        let bare = rest.split(['/', ':']).next().unwrap_or_default();
        let why = if scheme.eq_ignore_ascii_case("https") {
            "; for https:// sites too, browsers ask for HTTP/<host> tickets, so spnkt registers HTTP/ only"
        } else {
            ""
        };
        return Err(refuse(
            format!("--host `{input}` is a URL, not a host name{why}"),
            format!("give the bare host name: --host {}", bare.to_lowercase()),
        ));
    }
    let mut host = trimmed;
    if let Some((service, rest)) = host.split_once('/') {
        if service.eq_ignore_ascii_case("https") {
            return Err(refuse(
                format!(
                    "`{input}`: there is no HTTPS/ service principal; browsers ask for HTTP/<host> tickets for https:// sites too"
                ),
                format!("use --host {}", rest.to_lowercase()),
            ));
        }
        if !service.eq_ignore_ascii_case("http") {
            return Err(refuse(
                format!(
                    "`{input}`: spnkt creates HTTP/ service principals only (for SPNEGO web sign-on), not {service}/"
                ),
                "give the web site's host name, e.g. --host app1.example.com; use `spnkt spn add` for other SPNs",
            ));
        }
        if rest.contains('/') {
            return Err(refuse(
                format!("`{input}` has more than one `/`"),
                "give the bare host name, e.g. --host app1.example.com",
            ));
        }
        host = rest;
    }
    if host.contains('@') {
        return Err(refuse(
            format!("--host `{input}` contains a realm (`@`)"),
            "give the host name only; the realm comes from --realm or krb5.conf",
        ));
    }
    if host.parse::<std::net::IpAddr>().is_ok()
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::Ipv6Addr>()
            .is_ok()
    {
        return Err(refuse(
            format!("--host `{input}` is an IP address"),
            "browsers never use Kerberos for IP addresses (they fall back to NTLM); give the DNS name users type, e.g. --host app1.example.com",
        ));
    }
    if let Some((name, port)) = host.rsplit_once(':') {
        return Err(refuse(
            format!("--host `{input}` has a port (`:{port}`)"),
            format!(
                "browsers ask for HTTP/<host> without the port; use --host {}",
                name.to_lowercase()
            ),
        ));
    }
    if host.ends_with('.') {
        return Err(refuse(
            format!("--host `{input}` ends with a dot"),
            format!(
                "give the name without the trailing dot: --host {}",
                host.trim_end_matches('.').to_lowercase()
            ),
        ));
    }
    if !host.contains('.') {
        return Err(refuse(
            format!("--host `{input}` is not a fully qualified domain name (it has no dots)"),
            format!(
                "give the full DNS name users type, e.g. --host {}.example.com; short names make browsers ask for HTTP/<short name> and AD cannot tell which domain is meant",
                host.to_lowercase()
            ),
        ));
    }
    if host.len() > 253 {
        return Err(refuse(
            format!(
                "--host is {} characters long; DNS names have at most 253",
                host.len()
            ),
            "check the host name",
        ));
    }
    for label in host.split('.') {
        let bad = label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if bad {
            return Err(refuse(
                format!("--host `{input}`: `{label}` is not a valid DNS label"),
                "DNS labels are 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen",
            ));
        }
    }
    let lower = host.to_ascii_lowercase();
    if lower != host {
        warnings.push(format!(
            "host `{host}` lower-cased to `{lower}`: Kerberos names are case-sensitive and browsers ask for lower-case HTTP/{lower}; mixed case (e.g. in a hosts file) breaks Kerberos"
        ));
    }
    Ok(Host {
        name: lower,
        warnings,
    })
}

/// spnkt's default account name: `svc-http-<first label>`, cut to 20 characters
/// (without a trailing hyphen or dot).
pub fn default_account_name(host: &Host) -> String {
    let mut name: String = format!("svc-http-{}", host.first_label())
        .chars()
        .take(MAX_SAM_LEN)
        .collect();
    while name.ends_with(['-', '.']) {
        name.pop();
    }
    name
}

/// Check a sAMAccountName for a user account.
pub fn check_sam_account_name(name: &str) -> Result<(), CliError> {
    let hint = "an account name has 1 to 20 characters, none of \" / \\ [ ] : ; | = , + * ? < > @, does not end with `.` or `$` and does not start with a space or `#`";
    let n = name.chars().count();
    if n == 0 {
        return Err(refuse("--account is empty", hint));
    }
    if n > MAX_SAM_LEN {
        return Err(refuse(
            format!(
                "account name `{name}` is {n} characters long; AD allows at most {MAX_SAM_LEN} (sAMAccountName)"
            ),
            format!(
                "choose a shorter --account, e.g. `{}`",
                name.chars()
                    .take(MAX_SAM_LEN)
                    .collect::<String>()
                    .trim_end_matches(['-', '.'])
            ),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| SAM_FORBIDDEN.contains(c) || c.is_control())
    {
        return Err(refuse(
            format!(
                "account name `{name}` contains `{}`, which AD does not allow",
                c.escape_default()
            ),
            hint,
        ));
    }
    if name.ends_with('.')
        || name.ends_with('$')
        || name.starts_with([' ', '#'])
        || name.ends_with(' ')
    {
        return Err(refuse(format!("account name `{name}` is not valid"), hint));
    }
    Ok(())
}

/// An SPN as given to `spn add/remove`: `service/host[:port][/name]`, no realm.
pub fn check_spn(input: &str) -> Result<String, CliError> {
    let hint = "SPNs look like HTTP/app1.example.com (service/host, no @REALM)";
    let Some((service, rest)) = input.split_once('/') else {
        return Err(refuse(format!("`{input}` is not an SPN (no `/`)"), hint));
    };
    if service.is_empty()
        || rest.is_empty()
        || input.contains('@')
        || input.chars().any(char::is_whitespace)
    {
        return Err(refuse(format!("`{input}` is not a valid SPN"), hint));
    }
    if service.eq_ignore_ascii_case("https") {
        return Err(refuse(
            format!(
                "`{input}`: there is no HTTPS/ service principal; browsers ask for HTTP/<host> tickets for https:// sites too"
            ),
            format!("use HTTP/{rest}"),
        ));
    }
    Ok(input.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(input: &str) -> String {
        check_host(input).unwrap_err().message
    }

    #[test]
    fn good_hosts() {
        let h = check_host("app1.example.com").unwrap();
        assert_eq!(h.name, "app1.example.com");
        assert!(h.warnings.is_empty());
        assert_eq!(h.spn(), "HTTP/app1.example.com");
        assert_eq!(h.first_label(), "app1");
        let h = check_host("HTTP/App1.Example.com").unwrap();
        assert_eq!(h.name, "app1.example.com");
        assert_eq!(h.warnings.len(), 1);
        assert!(h.warnings[0].contains("lower-cased"));
    }

    #[test]
    fn refused_hosts() {
        assert!(msg("https://app1.example.com/x").contains("is a URL"));
        assert!(msg("https://app1.example.com").contains("browsers ask for HTTP/"));
        assert_eq!(
            check_host("https://App1.example.com:8443/")
                .unwrap_err()
                .hint
                .as_deref(),
            Some("give the bare host name: --host app1.example.com")
        );
        assert!(msg("HTTPS/app1.example.com").contains("no HTTPS/"));
        assert!(msg("HOST/app1.example.com").contains("HTTP/ service principals only"));
        assert!(msg("10.0.0.1").contains("IP address"));
        assert!(msg("::1").contains("IP address"));
        assert!(msg("[fe80::1]").contains("IP address"));
        assert!(msg("app1").contains("no dots"));
        assert!(msg("app1.example.com.").contains("ends with a dot"));
        assert!(msg("app1.example.com:8080").contains("port"));
        assert!(msg("app_1.example.com").contains("DNS label"));
        assert!(msg("app1..example.com").contains("DNS label"));
        assert!(msg("-a.example.com").contains("DNS label"));
        assert!(msg("HTTP/app1.example.com@EXAMPLE.COM").contains("realm"));
        assert!(msg("").contains("empty"));
        assert_eq!(check_host("x").unwrap_err().exit, crate::exit::Exit::Usage);
    }

    #[test]
    fn account_names() {
        let h = |s| check_host(s).unwrap();
        assert_eq!(
            default_account_name(&h("app1.example.com")),
            "svc-http-app1"
        );
        assert_eq!(
            default_account_name(&h("averyveryverylongname.example.com")),
            "svc-http-averyveryve"
        );
        assert_eq!(
            default_account_name(&h("abcdefghij-x.example.com")),
            "svc-http-abcdefghij"
        );
        for n in [
            default_account_name(&h("averyveryverylongname.example.com")),
            "svc-http-app1".into(),
            "a".into(),
            "x".repeat(20),
        ] {
            check_sam_account_name(&n).unwrap();
        }
        let e = check_sam_account_name(&"x".repeat(25)).unwrap_err();
        assert!(e.message.contains("25 characters"), "{}", e.message);
        for bad in ["", "a/b", "a@b", "a,b", "ab.", "ab$", " ab", "#ab", "a\tb"] {
            assert!(check_sam_account_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn spns() {
        assert_eq!(check_spn("HTTP/a.b.c").unwrap(), "HTTP/a.b.c");
        assert_eq!(
            check_spn("MSSQLSvc/db.b.c:1433").unwrap(),
            "MSSQLSvc/db.b.c:1433"
        );
        for bad in ["HTTP", "HTTP/", "/x", "HTTP/a@R", "HTTPS/a.b", "HTTP/a b"] {
            assert!(check_spn(bad).is_err(), "{bad}");
        }
    }
}

//! What every directory command shares: turning `DirectoryArgs` (+ krb5.conf) into
//! connection settings before anything is contacted, reading the bind password,
//! connecting and binding, confirmation, and LDAP/KDC errors with hints.

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use zeroize::Zeroizing;

use super::Ui;
use crate::ad::ldap::{ConnectOptions, Directory, LdapError, RootDse, SimpleBind};
use crate::cli::{BindArgs, BindPasswordArgs, DirectoryArgs, KerberosArgs};
use crate::dns;
use crate::exit::CliError;
use crate::kdc::{KdcAddress, KdcError};
use crate::krb::Password;
use crate::krb5conf::{self, Krb5Conf};
use crate::secret_input::strip_one_newline;

/// The hint listing every way to give the bind password.
pub const BIND_SOURCES_HINT: &str = "give the bind password with --bind-password-file FILE, --bind-password-stdin or --bind-password-env VAR, or run in a terminal to be prompted";

/// Hint for a KDC that cannot be found.
pub const KDC_HINT: &str = "give --kdc dc1.example.com (or SPNKT_KDC), or a kdc line for the realm in krb5.conf ([realms] section; KRB5_CONFIG names the file), or a DNS SRV record _kerberos._tcp.REALM (SPNKT_DNS_SERVER=ip[:port] names the nameserver; default /etc/resolv.conf)";

/// Where the bind password will come from, decided before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindSource<'a> {
    File(&'a Path),
    Stdin,
    Env(&'a str),
    Prompt,
}

/// Connection settings checked offline.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub options: ConnectOptions,
    pub bind_user: String,
    pub source: BindSource<'a>,
    /// From --realm / SPNKT_REALM / krb5.conf; else taken from the base DN later.
    pub realm: Option<String>,
    /// The realm came from --realm / SPNKT_REALM (not krb5.conf): a mismatch with the
    /// directory is then an error, not something to correct.
    pub realm_explicit: bool,
    pub kdc: Option<String>,
    /// The KDC came from --kdc / SPNKT_KDC.
    pub kdc_explicit: bool,
    pub base_dn: Option<String>,
    pub conf: Krb5Conf,
}

impl Prepared<'_> {
    /// create and rotate prove new keys with the KDC: refuse before touching AD when the
    /// realm is known but no KDC for it is.
    pub fn require_kdc_to_prove_keys(&self) -> Result<(), CliError> {
        match (&self.realm, &self.kdc) {
            (Some(realm), None) => Err(CliError::usage(format!(
                "no KDC known for realm {realm}: spnkt must prove the new keys with it"
            ))
            .hint(KDC_HINT)),
            _ => Ok(()),
        }
    }
}

/// Check the directory arguments, contacting nothing but DNS (SRV lookups for a KDC
/// or domain controller not given otherwise). `stdin_taken` names
/// another flag that reads standard input (`--password-stdin`), if any.
pub fn prepare<'a>(
    args: &'a DirectoryArgs,
    ui: &mut Ui,
    stdin_taken: Option<&str>,
) -> Result<Prepared<'a>, CliError> {
    let conf = krb5conf::load();
    let realm = resolve_realm(&args.kerberos, &conf, ui);
    let kdc = resolve_kdc_noted(&args.kerberos, realm.as_deref(), &conf, ui);
    let url = match args.ldap_url.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(u) => u.trim().to_owned(),
        None => match realm
            .as_deref()
            .and_then(|r| ldap_url_from_dns(r, args.starttls, ui))
        {
            Some(u) => u,
            None => {
                let Some(host) = kdc.as_deref().map(kdc_host) else {
                    return Err(CliError::usage("no domain controller given").hint(
                        "give --ldap-url ldaps://dc1.example.com (or SPNKT_LDAP_URL); without it spnkt asks DNS for SRV _ldap._tcp.dc._msdcs.REALM, then uses the realm's KDC (--kdc, krb5.conf or DNS SRV _kerberos._tcp.REALM)",
                    ));
                };
                let u = format!("ldaps://{host}");
                ui.note(format!("using --ldap-url {u} (the realm's KDC)"));
                u
            }
        },
    };
    check_url(&url, args.starttls)?;
    if args.insecure_skip_verify {
        ui.warn(
            "--insecure-skip-verify: the domain controller's certificate is NOT checked; anyone on the network path can pose as it and read the bind password. Use --ca-cert instead",
        );
    }
    let Some(bind_user) = bind_user(&args.bind) else {
        return Err(CliError::usage("no account to bind as").hint(
            "give --bind-user admin@EXAMPLE.COM (or DOMAIN\\admin, or a DN; or SPNKT_BIND_USER); Kerberos (GSSAPI) bind is not implemented yet",
        ));
    };
    let source = bind_source(&args.bind.bind_password, stdin_taken)?;
    Ok(Prepared {
        options: ConnectOptions {
            url,
            starttls: args.starttls,
            ca_cert: args.ca_cert.clone(),
            insecure_skip_verify: args.insecure_skip_verify,
            timeout: Duration::from_secs(30),
        },
        bind_user,
        source,
        realm,
        realm_explicit: args
            .kerberos
            .realm
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        kdc,
        kdc_explicit: args.kerberos.kdc.is_some(),
        base_dn: args.base_dn.clone().filter(|b| !b.trim().is_empty()),
        conf,
    })
}

/// `--realm` / SPNKT_REALM, else krb5.conf's default_realm; upper-cased (with a
/// warning when that changed it). None when neither gives one.
pub fn resolve_realm(args: &KerberosArgs, conf: &Krb5Conf, ui: &mut Ui) -> Option<String> {
    match args.realm.as_deref().or(conf.default_realm.as_deref()) {
        Some(r) if r.trim().is_empty() => None,
        Some(r) => {
            let upper = r.trim().to_uppercase();
            if upper != r {
                ui.warn(format!(
                    "realm upper-cased to {upper}: AD realms are upper case"
                ));
            }
            Some(upper)
        }
        None => None,
    }
}

/// `--kdc` / SPNKT_KDC, else the first kdc krb5.conf lists for `realm`, else the
/// first DNS SRV record `_kerberos._tcp.REALM` (RFC 2782 order), as `target:port`.
/// Silent; [`resolve_kdc_noted`] says where a KDC from DNS came from.
pub fn resolve_kdc(args: &KerberosArgs, realm: Option<&str>, conf: &Krb5Conf) -> Option<String> {
    let mut quiet = Ui {
        quiet: true,
        ..Ui::default()
    };
    resolve_kdc_noted(args, realm, conf, &mut quiet)
}

/// [`resolve_kdc`], with a note naming the SRV record a KDC came from, or why DNS
/// gave none.
pub fn resolve_kdc_noted(
    args: &KerberosArgs,
    realm: Option<&str>,
    conf: &Krb5Conf,
    ui: &mut Ui,
) -> Option<String> {
    if let Some(k) = args.kdc.clone().filter(|k| !k.trim().is_empty()) {
        return Some(k);
    }
    let realm = realm?;
    if let Some(k) = conf.kdcs_for(realm).first() {
        return Some(k.clone());
    }
    let name = kdc_srv_name(realm);
    match srv_first(&name) {
        Ok(srv) => {
            let kdc = srv.host_port();
            ui.note(format!("KDC {kdc} from DNS SRV {name}"));
            Some(kdc)
        }
        Err(e) => {
            ui.note(format!("no KDC from DNS: {e}"));
            None
        }
    }
}

/// The DNS name of a realm's KDC SRV records.
pub fn kdc_srv_name(realm: &str) -> String {
    format!("_kerberos._tcp.{realm}")
}

/// The DNS name of a realm's domain controller SRV records (AD's DC locator).
pub fn ldap_srv_name(realm: &str) -> String {
    format!("_ldap._tcp.dc._msdcs.{realm}")
}

/// The domain controller of `realm` from DNS SRV `_ldap._tcp.dc._msdcs.REALM`:
/// `ldaps://TARGET:636`, or `ldap://TARGET:PORT` with --starttls. None (with a note
/// saying why) when DNS gives none.
pub fn ldap_url_from_dns(realm: &str, starttls: bool, ui: &mut Ui) -> Option<String> {
    let name = ldap_srv_name(realm);
    match srv_first(&name) {
        Ok(srv) => {
            let url = if starttls {
                format!("ldap://{}:{}", srv.target, srv.port)
            } else {
                format!("ldaps://{}:636", srv.target)
            };
            ui.note(format!("using --ldap-url {url} (from DNS SRV {name})"));
            Some(url)
        }
        Err(e) => {
            ui.note(format!("no domain controller from DNS: {e}"));
            None
        }
    }
}

/// The first SRV record of `name`, asking the nameserver of SPNKT_DNS_SERVER or
/// /etc/resolv.conf.
fn srv_first(name: &str) -> Result<dns::Srv, dns::DnsError> {
    dns::Resolver::from_env()?
        .lookup_srv(name)?
        .into_iter()
        .next()
        .ok_or_else(|| dns::DnsError::NoRecord {
            name: name.to_owned(),
        })
}

/// `--bind-user` / SPNKT_BIND_USER, trimmed; None when not given.
pub fn bind_user(args: &BindArgs) -> Option<String> {
    args.bind_user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
}

/// Where the bind password will come from. `stdin_taken` names another flag that
/// reads standard input, if any.
pub fn bind_source<'a>(
    b: &'a BindPasswordArgs,
    stdin_taken: Option<&str>,
) -> Result<BindSource<'a>, CliError> {
    Ok(if let Some(f) = &b.bind_password_file {
        BindSource::File(f)
    } else if b.bind_password_stdin {
        if let Some(other) = stdin_taken {
            return Err(CliError::usage(format!(
                "--bind-password-stdin and {other} cannot both read standard input"
            ))
            .hint("give one of the two passwords with a file (…-file) or an environment variable (…-env)"));
        }
        BindSource::Stdin
    } else if let Some(v) = &b.bind_password_env {
        BindSource::Env(v)
    } else if std::io::stdin().is_terminal() && stdin_taken.is_none() {
        BindSource::Prompt
    } else if let Some(other) = stdin_taken {
        return Err(CliError::usage(format!(
            "no bind password given, and standard input is taken by {other}"
        ))
        .hint("give the bind password with --bind-password-file FILE or --bind-password-env VAR"));
    } else {
        return Err(
            CliError::usage("no bind password given and standard input is not a terminal")
                .hint(BIND_SOURCES_HINT),
        );
    })
}

/// The host of `host[:port]` (IPv6 in brackets kept).
fn kdc_host(kdc: &str) -> &str {
    if kdc.starts_with('[') {
        return kdc.split_once(']').map_or(kdc, |(h, _)| &kdc[..=h.len()]);
    }
    match kdc.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => kdc,
    }
}

/// ldaps://, or ldap:// with --starttls; nothing else.
pub fn check_url(url: &str, starttls: bool) -> Result<(), CliError> {
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("ldaps://") {
        if rest.is_empty() {
            return Err(CliError::usage(format!("--ldap-url `{url}` has no host"))
                .hint("e.g. --ldap-url ldaps://dc1.example.com"));
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
            return Err(CliError::usage(format!("--ldap-url `{url}` has no host"))
                .hint("e.g. --ldap-url ldaps://dc1.example.com"));
        }
        if !starttls {
            return Err(CliError::usage(format!(
                "refusing plain LDAP to {url}: the bind password would cross the network in clear text, and AD sets passwords only over an encrypted connection"
            ))
            .hint(format!(
                "use --ldap-url ldaps://{} (port 636), or add --starttls",
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

/// The keytab's directory must exist before the directory is changed.
pub fn check_keytab_dir(path: &Path) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() || !dir.is_dir() {
        return Err(CliError::usage(format!(
            "cannot write the keytab {}: {} is not a directory",
            path.display(),
            dir.display()
        ))
        .hint("create the directory first, or give another --keytab path"));
    }
    Ok(())
}

/// Refuse early (before any connection) when a change would need confirmation that
/// cannot be asked for.
pub fn require_confirmation_possible(yes: bool, dry_run: bool) -> Result<(), CliError> {
    if yes || dry_run || std::io::stdin().is_terminal() {
        return Ok(());
    }
    Err(CliError::usage(
        "refusing to change the directory without confirmation: standard input is not a terminal",
    )
    .hint("add --yes to confirm in scripts, or --dry-run to see the plan first"))
}

/// Ask (on a terminal) whether to go ahead; `--yes` answers yes.
pub fn confirm(yes: bool, question: &str) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .context("cannot read the answer from the terminal")
}

/// The refusal when the admin says no.
pub fn declined() -> anyhow::Error {
    CliError::failure("cancelled: nothing was changed")
        .hint("run again with --dry-run to review the plan, or --yes to skip the question")
        .into()
}

/// Read the bind password from its source.
pub fn read_bind_password(source: &BindSource<'_>, user: &str) -> anyhow::Result<Password> {
    let password = match source {
        BindSource::File(path) => {
            let bytes =
                Zeroizing::new(std::fs::read(path).with_context(|| {
                    format!("cannot read bind password file {}", path.display())
                })?);
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                CliError::usage(format!(
                    "bind password file {} is not UTF-8 text",
                    path.display()
                ))
            })?;
            Password::new(strip_one_newline(text).to_owned())
        }
        BindSource::Stdin => {
            let mut line = Zeroizing::new(String::new());
            let n = std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the bind password from standard input")?;
            if n == 0 {
                return Err(
                    CliError::usage("--bind-password-stdin: standard input is empty")
                        .hint("pipe the password in, e.g. printf '%s\\n' \"$PW\" | spnkt ...")
                        .into(),
                );
            }
            Password::new(strip_one_newline(&line).to_owned())
        }
        BindSource::Env(var) => match crate::secret_input::env_var(var) {
            None => {
                return Err(CliError::usage(format!(
                    "--bind-password-env: environment variable {var} is not set"
                ))
                .hint(format!("export {var} first, or: {BIND_SOURCES_HINT}"))
                .into());
            }
            Some(v) => Password::new(v.into_string().map_err(|_| {
                CliError::usage(format!(
                    "--bind-password-env: environment variable {var} is not valid UTF-8"
                ))
            })?),
        },
        BindSource::Prompt => Password::new(
            dialoguer::Password::new()
                .with_prompt(format!("Password for {user}"))
                .interact()
                .context("cannot read the bind password from the terminal")?,
        ),
    };
    if password.is_empty() {
        return Err(CliError::usage("the bind password is empty")
            .hint(BIND_SOURCES_HINT)
            .into());
    }
    Ok(password)
}

/// A bound connection and what it told us.
pub struct Session {
    pub dir: Directory,
    pub root: RootDse,
    pub base_dn: String,
    pub realm: String,
    pub kdc: Option<String>,
    pub url: String,
    pub bind_user: String,
}

impl Session {
    /// The KDC address, or a usage error naming how to give one.
    pub fn kdc(&self) -> Result<KdcAddress, CliError> {
        self.kdc.clone().map(KdcAddress).ok_or_else(|| {
            CliError::usage(format!("no KDC known for realm {}", self.realm)).hint(KDC_HINT)
        })
    }
}

/// Read the bind password, connect, bind, read the rootDSE.
pub fn connect(p: Prepared<'_>, ui: &mut Ui) -> anyhow::Result<Session> {
    let password = read_bind_password(&p.source, &p.bind_user)?;
    let url = p.options.url.clone();
    let mut dir = Directory::connect(&p.options).map_err(|e| {
        ldap_error(
            e,
            &format!("cannot connect to {url}"),
            "check --ldap-url (host and port) and that the DC's certificate is trusted (--ca-cert PEM)",
        )
    })?;
    dir.bind(&SimpleBind {
        user: p.bind_user.clone(),
        password,
    })
    .map_err(|e| {
        ldap_error(
            e,
            &format!("cannot bind to {url} as {}", p.bind_user),
            "check --bind-user (user@REALM, DOMAIN\\user or a DN) and the bind password",
        )
    })?;
    let root = dir.root_dse().map_err(|e| {
        ldap_error(
            e,
            "cannot read the rootDSE",
            "is this an Active Directory domain controller?",
        )
    })?;
    let base_dn = p
        .base_dn
        .clone()
        .unwrap_or_else(|| root.default_naming_context.clone());
    // In AD the realm is the domain's DNS name in upper case: the directory is the
    // authority. A krb5.conf default realm for another domain (Debian ships
    // ATHENA.MIT.EDU) would otherwise end up in UPNs and salts.
    let dir_realm = realm_from_dn(&root.default_naming_context);
    let (realm, realm_corrected) = match (p.realm.clone(), dir_realm) {
        (Some(r), Some(d)) if r != d => {
            if p.realm_explicit {
                return Err(CliError::usage(format!(
                    "--realm {r} does not match the directory: its domain {} is realm {d}",
                    root.default_naming_context
                ))
                .hint(format!(
                    "give --realm {d} (or leave it out), or point --ldap-url at a domain controller of {r}"
                ))
                .into());
            }
            ui.warn(format!(
                "krb5.conf's default realm {r} is not the directory's: using {d} (from {})",
                root.default_naming_context
            ));
            (d, true)
        }
        (Some(r), _) => (r, false),
        (None, _) => {
            let r = realm_from_dn(&base_dn).ok_or_else(|| {
                CliError::usage("no realm: none given and none in krb5.conf")
                    .hint("give --realm EXAMPLE.COM (or SPNKT_REALM)")
            })?;
            ui.note(format!("realm {r} (from the base DN {base_dn})"));
            (r, true)
        }
    };
    // prepare() looked for a KDC (krb5.conf, DNS) for the realm it knew; look again
    // when the realm only now became known or was corrected.
    let kdc = if p.kdc_explicit || !realm_corrected {
        p.kdc.clone()
    } else {
        resolve_kdc_noted(&KerberosArgs::default(), Some(&realm), &p.conf, ui)
    };
    Ok(Session {
        dir,
        root,
        base_dn,
        realm,
        kdc,
        url,
        bind_user: p.bind_user,
    })
}

/// `DC=example,DC=com` → `EXAMPLE.COM`.
pub fn realm_from_dn(dn: &str) -> Option<String> {
    let parts: Vec<String> = dn
        .split(',')
        .filter_map(|rdn| {
            let (k, v) = rdn.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("dc")
                .then(|| v.trim().to_uppercase())
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("."))
}

/// An LDAP error as a failure with context and a hint.
pub fn ldap_error(e: LdapError, what: &str, hint: &str) -> anyhow::Error {
    CliError::failure(format!("{what}: {e}")).hint(hint).into()
}

/// A KDC error as a message.
pub fn kdc_message(e: &KdcError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("ldaps://dc1.example.com", false).is_ok());
        assert!(check_url("LDAPS://dc1:636", false).is_ok());
        assert!(check_url("ldap://dc1", true).is_ok());
        let e = check_url("ldap://dc1", false).unwrap_err();
        assert!(e.message.starts_with("refusing plain LDAP"));
        assert_eq!(
            e.hint.as_deref(),
            Some("use --ldap-url ldaps://dc1 (port 636), or add --starttls")
        );
        assert!(check_url("ldaps://dc1", true).is_err());
        assert!(check_url("http://dc1", false).is_err());
        assert!(check_url("ldaps://", false).is_err());
    }

    #[test]
    fn realm_and_kdc_host() {
        assert_eq!(
            realm_from_dn("DC=example,DC=test").as_deref(),
            Some("EXAMPLE.TEST")
        );
        assert_eq!(
            realm_from_dn("OU=x, dc=Corp ,dc=example,DC=com").as_deref(),
            Some("CORP.EXAMPLE.COM")
        );
        assert_eq!(realm_from_dn("CN=x"), None);
        assert_eq!(kdc_host("127.0.0.1:88"), "127.0.0.1");
        assert_eq!(kdc_host("dc1.example.com"), "dc1.example.com");
        assert_eq!(kdc_host("[::1]:88"), "[::1]");
    }
}

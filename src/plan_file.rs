//! The plan file of `spnkt apply`: TOML in, checked services out. Pure (no I/O but
//! the caller's text; paths are resolved against the plan file's directory).
//!
//! File-level mistakes (TOML syntax, an unknown key, an inline secret, a missing
//! `host` or `keytab`) refuse the whole file, naming the key and line. Entry-level
//! mistakes (a bad host, account, delegation or enctype; a host or account listed
//! twice) fail only that entry: the others still run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::ad::account::Delegation;
use crate::exit::CliError;
use crate::hostname::{self, Host};
use crate::krb::Enctype;
use crate::validate::{DelegationKind, delegation_for, keytab_enctypes};

/// Default number of previous kvnos kept in a keytab when a service is rotated.
pub const DEFAULT_KEEP_OLD: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    name: Option<Spanned<String>>,
    #[serde(default)]
    directory: RawDirectory,
    #[serde(default)]
    service: Vec<Spanned<RawService>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDirectory {
    ldap_url: Option<String>,
    #[serde(default)]
    starttls: bool,
    realm: Option<String>,
    kdc: Option<String>,
    ca_cert: Option<String>,
    base_dn: Option<String>,
    bind_user: Option<String>,
    bind_password_env: Option<String>,
    bind_password_file: Option<String>,
    #[serde(default)]
    bind_kerberos: bool,
    bind_keytab: Option<String>,
    /// Accepted by the parser only to be refused with a clear message.
    bind_password: Option<Spanned<serde::de::IgnoredAny>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    host: String,
    account: Option<String>,
    ou: Option<String>,
    delegation: Option<String>,
    #[serde(default)]
    delegate_to: Vec<String>,
    #[serde(default)]
    protocol_transition: bool,
    enctypes: Option<Vec<String>>,
    keytab: String,
    rotate_after_days: Option<u32>,
    keep_old: Option<u32>,
    dns_check: Option<bool>,
}

/// The `[directory]` table, paths resolved; unset values fall back to the
/// SPNKT_* environment variables (done by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectorySettings {
    pub ldap_url: Option<String>,
    pub starttls: bool,
    pub realm: Option<String>,
    pub kdc: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub base_dn: Option<String>,
    pub bind_user: Option<String>,
    pub bind_password_env: Option<String>,
    pub bind_password_file: Option<PathBuf>,
    /// Bind with the admin's Kerberos ticket (the credential cache).
    pub bind_kerberos: bool,
    /// Bind with Kerberos as `bind_user`, logging in with this keytab.
    pub bind_keytab: Option<PathBuf>,
}

/// One `[[service]]` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub host: Host,
    /// sAMAccountName (given, or spnkt's default for the host).
    pub account: String,
    pub ou: Option<String>,
    pub delegation: Delegation,
    /// Keytab enctypes, strongest first.
    pub enctypes: Vec<Enctype>,
    /// Resolved against the plan file's directory.
    pub keytab: PathBuf,
    pub rotate_after_days: Option<u32>,
    pub keep_old: u32,
    /// Check the host in DNS (`dns_check = false` turns it off for this service).
    pub dns_check: bool,
}

/// One `[[service]]` entry as written, and the result of checking it.
#[derive(Debug)]
pub struct Entry {
    /// 1-based position in the file.
    pub index: usize,
    /// Line of the entry's `[[service]]` header.
    pub line: usize,
    /// `host` as written (trimmed).
    pub host: String,
    pub service: Result<Service, CliError>,
}

/// A parsed plan file.
#[derive(Debug)]
pub struct PlanFile {
    /// `name = "..."`, else the file name without extension. Accounts made by this
    /// plan carry `[spnkt plan: NAME]` in their description; `--prune` removes only those.
    pub name: String,
    pub directory: DirectorySettings,
    pub entries: Vec<Entry>,
}

impl PlanFile {
    /// The description tag of accounts this plan made.
    pub fn tag(&self) -> String {
        plan_tag(&self.name)
    }
}

/// `[spnkt plan: NAME]`.
pub fn plan_tag(name: &str) -> String {
    format!("[spnkt plan: {name}]")
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn file_error(path: &Path, message: impl std::fmt::Display) -> CliError {
    CliError::usage(format!("plan {}: {message}", path.display()))
}

/// Parse and check a plan file's text. `path` names it in messages and is the base
/// for relative paths.
pub fn parse(path: &Path, text: &str) -> Result<PlanFile, CliError> {
    let raw: RawPlan = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| format!("line {}: ", line_of(text, s.start)))
            .unwrap_or_default();
        file_error(path, format!("{at}{}", e.message().trim_end())).hint(
            "see `spnkt apply --help` for the plan format ([directory] and [[service]] tables)",
        )
    })?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let resolve = |p: &str| -> PathBuf {
        let p = Path::new(p.trim());
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let d = raw.directory;
    if let Some(inline) = &d.bind_password {
        return Err(file_error(
            path,
            format!(
                "line {}: an inline bind_password is refused: plan files end up in repositories and CI logs",
                line_of(text, inline.span().start)
            ),
        )
        .hint("reference the secret instead: bind_password_env = \"VAR\" or bind_password_file = \"FILE\""));
    }
    let sources = [
        d.bind_password_env.is_some(),
        d.bind_password_file.is_some(),
        d.bind_kerberos,
        d.bind_keytab.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() > 1 {
        return Err(file_error(
            path,
            "[directory] names more than one way to bind (bind_password_env, bind_password_file, bind_kerberos, bind_keytab)",
        )
        .hint("keep one of them"));
    }
    let directory = DirectorySettings {
        ldap_url: non_empty(d.ldap_url),
        starttls: d.starttls,
        realm: non_empty(d.realm),
        kdc: non_empty(d.kdc),
        ca_cert: non_empty(d.ca_cert).map(|p| resolve(&p)),
        base_dn: non_empty(d.base_dn),
        bind_user: non_empty(d.bind_user),
        bind_password_env: non_empty(d.bind_password_env),
        bind_password_file: non_empty(d.bind_password_file).map(|p| resolve(&p)),
        bind_kerberos: d.bind_kerberos,
        bind_keytab: non_empty(d.bind_keytab).map(|p| resolve(&p)),
    };
    let name = match raw.name {
        Some(n) => {
            let line = line_of(text, n.span().start);
            let n = n.into_inner();
            check_plan_name(&n).map_err(|why| {
                file_error(path, format!("line {line}: name `{n}` {why}"))
                    .hint("use letters, digits, `.`, `_` and `-` (at most 64)")
            })?;
            n
        }
        None => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            check_plan_name(&stem).map_err(|why| {
                file_error(
                    path,
                    format!("the plan's name (its file name `{stem}`) {why}"),
                )
                .hint("give the plan a name = \"...\" of letters, digits, `.`, `_` and `-`")
            })?;
            stem
        }
    };
    let mut entries: Vec<Entry> = raw
        .service
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let line = line_of(text, s.span().start);
            let s = s.into_inner();
            Entry {
                index: i + 1,
                line,
                host: s.host.trim().to_owned(),
                service: check_service(&s, &resolve),
            }
        })
        .collect();
    mark_duplicates(&mut entries);
    Ok(PlanFile {
        name,
        directory,
        entries,
    })
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn check_plan_name(n: &str) -> Result<(), &'static str> {
    if n.is_empty() || n.len() > 64 {
        return Err("must have 1 to 64 characters");
    }
    if !n
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("may only contain letters, digits, `.`, `_` and `-`");
    }
    Ok(())
}

/// `delegation` of a plan entry: required, so nobody gets or loses delegation by
/// accident (as `create --delegation` without a terminal).
fn delegation_kind(v: Option<&str>) -> Result<DelegationKind, CliError> {
    let hint = "delegation = \"none\", \"unconstrained\" (WebSphere/HCL SPNEGO) or \"constrained\" with delegate_to = [\"HTTP/backend.example.com\"]";
    match v.map(str::trim) {
        None => Err(CliError::usage("delegation is missing").hint(hint)),
        Some("none") => Ok(DelegationKind::None),
        Some("unconstrained") => Ok(DelegationKind::Unconstrained),
        Some("constrained") => Ok(DelegationKind::Constrained),
        Some(other) => Err(CliError::usage(format!("unknown delegation `{other}`")).hint(hint)),
    }
}

fn check_service(s: &RawService, resolve: &dyn Fn(&str) -> PathBuf) -> Result<Service, CliError> {
    let host = hostname::check_host(&s.host)?;
    let account = match &s.account {
        Some(a) => a.trim().to_owned(),
        None => hostname::default_account_name(&host),
    };
    hostname::check_sam_account_name(&account)?;
    let kind = delegation_kind(s.delegation.as_deref())?;
    let delegation = delegation_for(kind, &s.delegate_to, s.protocol_transition)?;
    let default_enctypes = ["aes256".to_owned(), "aes128".to_owned()];
    let enctypes = keytab_enctypes(s.enctypes.as_deref().unwrap_or(&default_enctypes))?;
    if s.keytab.trim().is_empty() {
        return Err(CliError::usage("keytab is empty").hint("keytab = \"keytabs/app1.keytab\""));
    }
    if s.rotate_after_days == Some(0) {
        return Err(CliError::usage("rotate_after_days is 0").hint(
            "give a number of days (e.g. 90), or leave it out to rotate only with --rotate",
        ));
    }
    Ok(Service {
        host,
        account,
        ou: non_empty(s.ou.clone()),
        delegation,
        enctypes,
        keytab: resolve(&s.keytab),
        rotate_after_days: s.rotate_after_days,
        keep_old: s.keep_old.unwrap_or(DEFAULT_KEEP_OLD),
        dns_check: s.dns_check.unwrap_or(true),
    })
}

/// A host or account listed twice fails every entry naming it.
fn mark_duplicates(entries: &mut [Entry]) {
    let mut hosts: HashMap<String, Vec<usize>> = HashMap::new();
    let mut accounts: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Ok(s) = &e.service {
            hosts.entry(s.host.name.clone()).or_default().push(i);
            accounts
                .entry(s.account.to_lowercase())
                .or_default()
                .push(i);
        }
    }
    let lines = |idx: &[usize], entries: &[Entry]| -> String {
        idx.iter()
            .map(|&i| format!("#{} (line {})", entries[i].index, entries[i].line))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut errors: Vec<(usize, CliError)> = Vec::new();
    for (what, map) in [("host", &hosts), ("account", &accounts)] {
        for (name, idx) in map.iter().filter(|(_, v)| v.len() > 1) {
            let at = lines(idx, entries);
            for &i in idx {
                errors.push((
                    i,
                    CliError::usage(format!(
                        "the {what} {name} is listed by several services: {at}"
                    ))
                    .hint(format!("keep one [[service]] entry per {what}")),
                ));
            }
        }
    }
    errors.sort_by_key(|(i, _)| *i);
    for (i, err) in errors {
        if entries[i].service.is_ok() {
            entries[i].service = Err(err);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[directory]\nldap_url = \"ldaps://dc1.example.test\"\nrealm = \"EXAMPLE.TEST\"\nbind_user = \"Administrator@EXAMPLE.TEST\"\nbind_password_env = \"PW\"\n";

    fn plan(services: &str) -> Result<PlanFile, CliError> {
        parse(
            Path::new("/etc/spnkt/web.toml"),
            &format!("{HEAD}{services}"),
        )
    }

    #[test]
    fn the_documented_shape() {
        let p = parse(
            Path::new("plans/farm.toml"),
            r#"
[directory]
ldap_url = "ldaps://dc1.example.test"
realm = "EXAMPLE.TEST"
kdc = "dc1.example.test:88"
ca_cert = "ca.pem"
bind_user = "Administrator@EXAMPLE.TEST"
bind_password_env = "SPNKT_BIND_PASSWORD"

[[service]]
host = "app1.example.test"
account = "svc-http-app1"
ou = "OU=Services,DC=example,DC=test"
delegation = "constrained"
delegate_to = ["HTTP/backend.example.test"]
enctypes = ["aes256", "aes128"]
keytab = "keytabs/app1.keytab"
rotate_after_days = 90

[[service]]
host = "app2.example.test"
delegation = "unconstrained"
keytab = "/abs/app2.keytab"
dns_check = false
"#,
        )
        .unwrap();
        assert_eq!(p.name, "farm");
        assert_eq!(p.tag(), "[spnkt plan: farm]");
        assert_eq!(
            p.directory.ca_cert.as_deref(),
            Some(Path::new("plans/ca.pem"))
        );
        assert_eq!(p.entries.len(), 2);
        let s = p.entries[0].service.as_ref().unwrap();
        assert_eq!(p.entries[0].line, 10);
        assert_eq!(s.keytab, Path::new("plans/keytabs/app1.keytab"));
        assert_eq!(s.rotate_after_days, Some(90));
        assert!(
            matches!(&s.delegation, Delegation::Constrained { targets, .. } if targets == &["HTTP/backend.example.test"])
        );
        assert!(s.dns_check);
        let s = p.entries[1].service.as_ref().unwrap();
        assert!(!s.dns_check);
        assert_eq!(s.account, "svc-http-app2");
        assert_eq!(s.keytab, Path::new("/abs/app2.keytab"));
        assert_eq!(s.delegation, Delegation::Unconstrained);
        assert_eq!(s.enctypes, [Enctype(18), Enctype(17)]);
        assert_eq!(s.keep_old, 1);
    }

    #[test]
    fn kerberos_binds_and_one_bind_only() {
        let p = parse(
            Path::new("plans/farm.toml"),
            "[directory]\nbind_user = \"deploy@EXAMPLE.TEST\"\nbind_keytab = \"deploy.keytab\"\n",
        )
        .unwrap();
        assert_eq!(
            p.directory.bind_keytab,
            Some(PathBuf::from("plans/deploy.keytab"))
        );
        let p = parse(Path::new("p.toml"), "[directory]\nbind_kerberos = true\n").unwrap();
        assert!(p.directory.bind_kerberos);
        let e = parse(
            Path::new("p.toml"),
            "[directory]\nbind_kerberos = true\nbind_password_env = \"PW\"\n",
        )
        .unwrap_err();
        assert!(
            e.message.contains("more than one way to bind"),
            "{}",
            e.message
        );
    }

    #[test]
    fn file_errors_name_key_and_line() {
        let e = parse(
            Path::new("p.toml"),
            "[directory]\nbind_user = \"a@B\"\nbind_password = \"hunter2\"\n",
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("line 3: an inline bind_password is refused"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("hunter2"));
        let e = plan("[[service]]\nhost = \"a.example.test\"\ndelegation = \"none\"\nkeytab = \"a\"\nkeytabs = \"b\"\n").unwrap_err();
        assert!(
            e.message.contains("line 10") && e.message.contains("keytabs"),
            "{}",
            e.message
        );
        let e = plan("[[service]]\ndelegation = \"none\"\nkeytab = \"a\"\n").unwrap_err();
        assert!(e.message.contains("missing field `host`"), "{}", e.message);
        assert!(e.message.contains("line 6"), "{}", e.message);
        let e = parse(Path::new("p.toml"), "[directory\n").unwrap_err();
        assert!(
            e.message.starts_with("plan p.toml: line 1:"),
            "{}",
            e.message
        );
        let e = parse(Path::new("p.toml"), "name = \"a b\"\n").unwrap_err();
        assert!(e.message.contains("name `a b`"), "{}", e.message);
    }

    #[test]
    fn entry_errors_fail_only_that_entry() {
        let p = plan(concat!(
            "[[service]]\nhost = \"ok.example.test\"\ndelegation = \"none\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"https://x.example.test\"\ndelegation = \"none\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"b.example.test\"\ndelegation = \"sometimes\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"c.example.test\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"d.example.test\"\ndelegation = \"constrained\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"e.example.test\"\ndelegation = \"none\"\nkeytab = \"k\"\naccount = \"a-very-long-account-name-x\"\n",
        ))
        .unwrap();
        let errs: Vec<String> = p
            .entries
            .iter()
            .map(|e| {
                e.service
                    .as_ref()
                    .err()
                    .map(|e| e.message.clone())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(errs[0], "");
        assert!(errs[1].contains("https"), "{}", errs[1]);
        assert!(errs[2].contains("unknown delegation `sometimes`"));
        assert!(errs[3].contains("delegation is missing"));
        assert!(errs[4].contains("at least one --delegate-to"));
        assert!(errs[5].contains("at most 20"), "{}", errs[5]);
    }

    #[test]
    fn duplicates_fail_each_listing() {
        let p = plan(concat!(
            "[[service]]\nhost = \"a.example.test\"\ndelegation = \"none\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"b.example.test\"\ndelegation = \"none\"\nkeytab = \"k\"\n",
            "[[service]]\nhost = \"A.example.test\"\ndelegation = \"none\"\nkeytab = \"k\"\n",
        ))
        .unwrap();
        let e0 = p.entries[0].service.as_ref().unwrap_err();
        assert!(
            e0.message.contains(
                "the host a.example.test is listed by several services: #1 (line 6), #3 (line 14)"
            ),
            "{}",
            e0.message
        );
        assert!(p.entries[1].service.is_ok());
        assert!(p.entries[2].service.is_err());
    }
}

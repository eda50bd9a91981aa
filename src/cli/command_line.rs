//! A `spnkt create` command line from [`CreateArgs`]: what the wizard prints as the
//! equivalent of its answers, so the same account can be made again without
//! questions. It renders exactly the flags this clap definition parses (a test
//! parses the line back); secrets appear only as `--*-password-env` variable names.

use std::path::Path;

use super::{CreateArgs, DelegationKind, DirectoryArgs, PasswordArgs};

/// The variable the printed command line reads the bind password from.
pub const BIND_PASSWORD_ENV: &str = "SPNKT_BIND_PASSWORD";
/// The variable the printed command line reads a typed account password from.
pub const ACCOUNT_PASSWORD_ENV: &str = "SPNKT_ACCOUNT_PASSWORD";

/// `CreateArgs` as `spnkt create --host HOST --keytab KEYTAB [--account A]` with
/// the wizard's directory settings and no delegation, not yet confirmed.
pub fn create_args(
    host: &str,
    keytab: &Path,
    account: Option<String>,
    dir: &DirectoryArgs,
) -> CreateArgs {
    CreateArgs {
        host: host.to_owned(),
        keytab: keytab.to_owned(),
        account,
        ou: None,
        delegation: Some(DelegationKind::None),
        delegate_to: Vec::new(),
        protocol_transition: false,
        enctypes: vec!["aes256".into(), "aes128".into()],
        no_upn: false,
        password: PasswordArgs::default(),
        rotate: false,
        no_dns_check: false,
        dry_run: true,
        yes: false,
        append: false,
        // A probe only: an existing file is asked about later.
        force: true,
        replication: super::ReplicationArgs::default(),
        directory: dir.clone(),
    }
}

/// The equivalent non-interactive command line; secrets only as `--*-env VAR`.
pub fn command_line(a: &CreateArgs) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut vars: Vec<&str> = Vec::new();
    if let Some(v) = &a.directory.bind.bind_password.bind_password_env {
        vars.push(v);
    }
    if let Some(v) = &a.password.password_env {
        vars.push(v);
    }
    let mut opt = |flag: &str, value: &str| parts.push(format!("{flag} {}", shell_quote(value)));
    opt("--host", &a.host);
    opt("--keytab", &a.keytab.display().to_string());
    if let Some(x) = &a.account {
        opt("--account", x);
    }
    if let Some(x) = &a.ou {
        opt("--ou", x);
    }
    if let Some(d) = a.delegation {
        opt(
            "--delegation",
            match d {
                DelegationKind::None => "none",
                DelegationKind::Unconstrained => "unconstrained",
                DelegationKind::Constrained => "constrained",
            },
        );
    }
    for t in &a.delegate_to {
        opt("--delegate-to", t);
    }
    opt("--enctypes", &a.enctypes.join(","));
    if let Some(v) = &a.password.password_env {
        opt("--password-env", v);
    }
    let d = &a.directory;
    if let Some(x) = &d.ldap_url {
        opt("--ldap-url", x);
    }
    if let Some(x) = &d.ca_cert {
        opt("--ca-cert", &x.display().to_string());
    }
    if let Some(x) = &d.bind.bind_user {
        opt("--bind-user", x);
    }
    if let Some(x) = &d.bind.bind_password.bind_password_env {
        opt("--bind-password-env", x);
    }
    if let Some(x) = &d.kerberos_bind.bind_keytab {
        opt("--bind-keytab", &x.display().to_string());
    }
    if let Some(x) = &d.kerberos.realm {
        opt("--realm", x);
    }
    if let Some(x) = &d.kerberos.kdc {
        opt("--kdc", x);
    }
    if let Some(x) = &d.base_dn {
        opt("--base-dn", x);
    }
    let mut flags = Vec::new();
    if a.protocol_transition {
        flags.push("--protocol-transition");
    }
    if a.no_upn {
        flags.push("--no-upn");
    }
    if a.rotate {
        flags.push("--rotate");
    }
    if a.append {
        flags.push("--append");
    }
    if a.force {
        flags.push("--force");
    }
    if a.no_dns_check {
        flags.push("--no-dns-check");
    }
    if d.starttls {
        flags.push("--starttls");
    }
    if d.insecure_skip_verify {
        flags.push("--insecure-skip-verify");
    }
    if d.kerberos_bind.bind_kerberos {
        flags.push("--bind-kerberos");
    }
    flags.push("--yes");
    parts.extend(flags.into_iter().map(str::to_owned));
    let mut out = if vars.is_empty() {
        "spnkt create".to_owned()
    } else {
        format!(
            "# read -rs {} && export {}\nspnkt create",
            vars.join(" && read -rs "),
            vars.join(" ")
        )
    };
    let mut width = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
    for p in parts {
        if width + 1 + p.len() > 78 {
            out.push_str(" \\\n   ");
            width = 3;
        }
        out.push(' ');
        out.push_str(&p);
        width += 1 + p.len();
    }
    out
}

pub use crate::text::shell_quote;

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn sample() -> CreateArgs {
        let mut dir = DirectoryArgs {
            ldap_url: Some("ldaps://dc1.example.test".into()),
            ca_cert: Some(PathBuf::from("/etc/ssl/lab ca.pem")),
            ..Default::default()
        };
        dir.bind.bind_user = Some("Administrator@EXAMPLE.TEST".into());
        dir.bind.bind_password.bind_password_env = Some(BIND_PASSWORD_ENV.into());
        let mut a = create_args(
            "app1.example.test",
            Path::new("app1.keytab"),
            Some("svc-http-app1".into()),
            &dir,
        );
        a.ou = Some("OU=Web Services,DC=example,DC=test".into());
        a.delegation = Some(DelegationKind::Constrained);
        a.delegate_to = vec!["HTTP/backend.example.test".into()];
        a.force = false;
        a.append = true;
        a.password.password_env = Some(ACCOUNT_PASSWORD_ENV.into());
        a.no_dns_check = true;
        a
    }

    #[test]
    fn command_line_has_every_answer() {
        let line = command_line(&sample());
        let flat = line.replace(" \\\n   ", "");
        for want in [
            "--host app1.example.test",
            "--keytab app1.keytab",
            "--account svc-http-app1",
            "--ou 'OU=Web Services,DC=example,DC=test'",
            "--delegation constrained",
            "--delegate-to HTTP/backend.example.test",
            "--enctypes aes256,aes128",
            "--password-env SPNKT_ACCOUNT_PASSWORD",
            "--ldap-url ldaps://dc1.example.test",
            "--ca-cert '/etc/ssl/lab ca.pem'",
            "--bind-user Administrator@EXAMPLE.TEST",
            "--bind-password-env SPNKT_BIND_PASSWORD",
            "--append",
            "--no-dns-check",
            "--yes",
        ] {
            assert!(flat.contains(want), "{want} missing in {line}");
        }
        assert!(!flat.contains("--force"));
        assert!(
            line.starts_with("# read -rs SPNKT_BIND_PASSWORD && read -rs SPNKT_ACCOUNT_PASSWORD")
        );
        // Every continuation line ends with a backslash and fits a terminal.
        for l in line.lines().skip(1) {
            assert!(l.len() <= 100, "{l}");
        }
    }

    #[test]
    fn command_line_parses_back_to_the_same_arguments() {
        use clap::Parser;
        let a = sample();
        let line = command_line(&a);
        let body = line
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" \\", "");
        let words = shell_words(&body);
        let cli = super::super::Cli::try_parse_from(words).expect("parses");
        let super::super::Command::Create(b) = cli.command else {
            panic!("not create")
        };
        assert_eq!(b.host, a.host);
        assert_eq!(b.ou, a.ou);
        assert_eq!(b.delegate_to, a.delegate_to);
        assert_eq!(b.password.password_env, a.password.password_env);
        assert_eq!(b.directory.ca_cert, a.directory.ca_cert);
        assert!(b.yes && b.append && !b.force && b.no_dns_check);
    }

    /// Enough of POSIX word splitting for the rendered line: spaces and '...'.
    fn shell_words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut any = false;
        for c in s.chars() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    any = true;
                }
                ' ' if !quoted => {
                    if any || !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                _ => cur.push(c),
            }
        }
        if any || !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("app1.example.test"), "app1.example.test");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}

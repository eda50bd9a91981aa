//! The command line's side of connecting to the directory: `DirectoryArgs` into the
//! engine's request, where the bind password comes from and reading it, the
//! confirmation question, and engine errors into `CliError`s.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::Context;
use zeroize::Zeroizing;

use super::Ui;
use crate::cli::{BindArgs, BindPasswordArgs, DirectoryArgs, ReplicationArgs};
use crate::exit::CliError;
use crate::krb::Password;
use crate::provision::bind::KerberosLogin;
use crate::provision::credentials::{self, CcacheSource};
use crate::provision::{self, Bind, Session, locate};
use crate::secret_input::strip_one_newline;

/// The hint listing every way to give the bind password.
pub const BIND_SOURCES_HINT: &str = "give the bind password with --bind-password-file FILE, --bind-password-stdin or --bind-password-env VAR, or run in a terminal to be prompted";

/// An engine error as the command line reports it (exit code, message, hint).
pub fn engine(e: provision::Error) -> anyhow::Error {
    CliError::from(e).into()
}

/// Where the bind password will come from, decided before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindSource<'a> {
    File(&'a Path),
    Stdin,
    Env(&'a str),
    Prompt,
}

/// Connection settings checked offline, and who binds with what.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub settings: locate::Settings,
    pub bind: PreparedBind<'a>,
}

/// Who binds, and with what.
#[derive(Debug)]
pub enum PreparedBind<'a> {
    /// A simple bind with a password from `source`.
    Password {
        user: String,
        source: BindSource<'a>,
    },
    /// A Kerberos bind.
    Kerberos(KerberosLogin),
}

/// The engine's request from the flags.
pub fn request(args: &DirectoryArgs) -> locate::Request {
    locate::Request {
        ldap_url: args.ldap_url.clone(),
        starttls: args.starttls,
        ca_cert: args.ca_cert.clone(),
        insecure_skip_verify: args.insecure_skip_verify,
        realm: args.kerberos.realm.clone(),
        kdc: args.kerberos.kdc.clone(),
        base_dn: args.base_dn.clone(),
        site: args.site.clone(),
        replication: locate::Replication::default(),
        kerberos_bind: args.kerberos_bind.any(),
        timeout: args.timeout.map(std::time::Duration::from_secs),
    }
}

/// `--wait-replication`, `--replication-timeout`, `--dc` for the engine.
pub fn replication(args: &ReplicationArgs) -> Result<locate::Replication, CliError> {
    let timeout = match args.replication_timeout {
        Some(0) => {
            return Err(
                CliError::usage("--replication-timeout 0 leaves no time to wait")
                    .hint("give the seconds to wait, e.g. --replication-timeout 300"),
            );
        }
        Some(s) => std::time::Duration::from_secs(s),
        None => locate::DEFAULT_REPLICATION_TIMEOUT,
    };
    Ok(locate::Replication {
        every_dc: args.wait_replication,
        only: args.dcs.clone(),
        timeout,
    })
}

/// Check the directory arguments, contacting nothing but DNS (SRV lookups for a KDC
/// or domain controller not given otherwise). `stdin_taken` names another flag that
/// reads standard input (`--password-stdin`), if any.
pub fn prepare<'a>(
    args: &'a DirectoryArgs,
    ui: &mut Ui,
    stdin_taken: Option<&str>,
) -> Result<Prepared<'a>, CliError> {
    let settings = locate::resolve(&request(args), ui)?;
    let bind = if args.kerberos_bind.bind_kerberos {
        PreparedBind::Kerberos(KerberosLogin::Ccache(readable_ccache()?))
    } else if let Some(keytab) = &args.kerberos_bind.bind_keytab {
        let Some(user) = bind_user(&args.bind) else {
            return Err(CliError::usage(
                "--bind-keytab needs --bind-user: the account whose keys the keytab holds",
            )
            .hint("e.g. --bind-user deploy@EXAMPLE.COM --bind-keytab deploy.keytab"));
        };
        PreparedBind::Kerberos(KerberosLogin::Keytab {
            user,
            keytab: keytab.clone(),
        })
    } else {
        let Some(user) = bind_user(&args.bind) else {
            return Err(CliError::usage("no account to bind as").hint(
                "give --bind-user admin@EXAMPLE.COM (or DOMAIN\\admin, or a DN; or SPNKT_BIND_USER) with a password, or bind with Kerberos: --bind-kerberos (your kinit ticket) or --bind-keytab FILE",
            ));
        };
        let source = bind_source(&args.bind.bind_password, stdin_taken)?;
        PreparedBind::Password { user, source }
    };
    Ok(Prepared { settings, bind })
}

/// The credential cache `--bind-kerberos` uses, checked to be readable before
/// anything is contacted (its TGT is looked for once the realm is known).
fn readable_ccache() -> Result<CcacheSource, CliError> {
    const HINT: &str = "run kinit admin@REALM first (KRB5CCNAME names the cache), or bind with --bind-keytab FILE --bind-user USER";
    let source = CcacheSource::from_env();
    match &source {
        CcacheSource::File(path) if credentials::ccache_principal_of(path).is_none() => {
            Err(CliError::usage(format!(
                "--bind-kerberos: no readable credential cache at FILE:{}",
                path.display()
            ))
            .hint(HINT))
        }
        CcacheSource::File(_) => Ok(source),
        CcacheSource::Unsupported(name) => Err(CliError::usage(format!(
            "--bind-kerberos: KRB5CCNAME={name} is a credential cache type spnkt cannot read (only FILE:)"
        ))
        .hint("kinit into a file cache: KRB5CCNAME=FILE:/tmp/krb5cc_admin kinit admin@REALM")),
        CcacheSource::None => Err(CliError::usage(
            "--bind-kerberos: no credential cache (KRB5CCNAME is not set)",
        )
        .hint(HINT)),
    }
}

/// Read the bind password (for a simple bind), connect, bind, read the rootDSE.
pub fn connect(p: Prepared<'_>, ui: &mut Ui) -> anyhow::Result<Session> {
    let bind = match p.bind {
        PreparedBind::Password { user, source } => {
            let password = read_bind_password(&source, &user)?;
            Bind::Simple { user, password }
        }
        PreparedBind::Kerberos(login) => Bind::Kerberos(login),
    };
    Session::open(p.settings, bind, ui).map_err(engine)
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

/// Show `plan` on stderr and ask (on a terminal) whether to go ahead, unless `yes`.
pub fn confirm_plan(yes: bool, plan: &str, question: &str) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    eprint!("{plan}");
    let go = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .context("cannot read the answer from the terminal")?;
    if go { Ok(()) } else { Err(declined()) }
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

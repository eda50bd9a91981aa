//! `spnkt keytab derive`: an existing account's keytab from its current password,
//! with nothing changed in AD (what `ktpass -setpass` does, but proven). The engine
//! is [`crate::provision::adopt`].

use super::create;
use super::directory::{self, engine};
use super::{Outcome, Ui};
use crate::cli::KeytabDeriveArgs;
use crate::cli::command_line::shell_quote;
use crate::exit::CliError;
use crate::hostname;
use crate::krb::Password;
use crate::provision::adopt;

/// Derive and write; `given` is a password already read (the ktpass front end's
/// prompt), else it comes from the flags.
pub fn run(
    args: &KeytabDeriveArgs,
    ui: &mut Ui,
    given: Option<Password>,
) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    if let Some(a) = &args.account {
        hostname::check_sam_account_name(a)?;
    }
    let enctypes = crate::validate::keytab_enctypes(&args.enctypes)?;
    crate::validate::check_keytab_dir(&args.keytab, false)?;
    let keytab_mode = create::keytab_mode(
        &args.keytab,
        crate::keytab_file::exists(&args.keytab),
        args.append,
        args.force,
    )?;
    let source = match &given {
        Some(_) => None,
        None => Some(super::password_source(&args.password)?),
    };
    let stdin_taken = args.password.password_stdin.then_some("--password-stdin");
    let prepared = directory::prepare(&args.directory, ui, stdin_taken)?;
    let account_label = args.account.as_deref().unwrap_or(&host.name).to_owned();
    let password = match (given, source) {
        (Some(p), _) => p,
        (None, Some(s)) => {
            crate::secret_input::read(&s, &format!("the account of {account_label}"))?
        }
        (None, None) => unreachable!("a source is found when no password is given"),
    };
    let mut session = directory::connect(prepared, ui)?;
    let request = adopt::Request {
        host,
        account: args.account.clone(),
        enctypes,
        keytab: args.keytab.clone(),
        keytab_mode,
    };
    let report = adopt::adopt(&mut session, &request, &password, ui).map_err(|e| match e {
        adopt::Failure::Setup(e) => engine(e),
        adopt::Failure::Step(crate::provision::StepError::KeyRefused {
            client,
            cause: crate::kdc::KdcError::PreauthFailed { .. },
            ..
        }) => anyhow::Error::from(
            CliError::verification_failed(format!(
                "the KDC refused the keys made from the password given for {client}: it is not the account's current password"
            ))
            .hint("check the password; to give the account a new one and a keytab with it use `spnkt rotate --host HOST --keytab FILE`"),
        ),
        adopt::Failure::Step(s) => anyhow::Error::from(CliError {
            exit: s.exit(),
            hint: s.hint(),
            message: s.to_string(),
        }),
    })?;
    let human = format!(
        "wrote {} from the current password of {} (nothing changed in AD); keys proven with the KDC\n  principal:  {}\n  kvno:       {}\n  salt:       {}\n  proven:     {}\n  keytab:     {} ({} entries, mode 0600)\n",
        args.keytab.display(),
        report.dn,
        report.principal,
        report.kvno,
        report.salt,
        report.executed.keys_proven.join(", "),
        args.keytab.display(),
        report.executed.keytab_entries.unwrap_or(0),
    );
    Ok(Outcome {
        human,
        json: Some(serde_json::json!({
            "ok": true,
            "account": report.dn,
            "principal": report.principal,
            "kvno": report.kvno,
            "salt": report.salt,
            "keys_proven": report.executed.keys_proven,
            "keytab": args.keytab,
            "keytab_entries": report.executed.keytab_entries,
            "ldap_round_trips": session.round_trips(),
        })),
    })
}

/// The command line for these arguments (secrets only as variable names).
pub fn command_line(a: &KeytabDeriveArgs) -> String {
    let mut parts = vec![
        "spnkt keytab derive".to_owned(),
        format!("--host {}", shell_quote(&a.host)),
        format!("--keytab {}", shell_quote(&a.keytab.display().to_string())),
    ];
    if let Some(x) = &a.account {
        parts.push(format!("--account {}", shell_quote(x)));
    }
    parts.push(format!("--enctypes {}", a.enctypes.join(",")));
    if let Some(v) = &a.password.password_env {
        parts.push(format!("--password-env {v}"));
    }
    if let Some(f) = &a.password.password_file {
        parts.push(format!(
            "--password-file {}",
            shell_quote(&f.display().to_string())
        ));
    }
    let d = &a.directory;
    if let Some(x) = &d.ldap_url {
        parts.push(format!("--ldap-url {}", shell_quote(x)));
    }
    if let Some(x) = &d.ca_cert {
        parts.push(format!(
            "--ca-cert {}",
            shell_quote(&x.display().to_string())
        ));
    }
    if let Some(x) = &d.bind.bind_user {
        parts.push(format!("--bind-user {}", shell_quote(x)));
    }
    if let Some(x) = &d.bind.bind_password.bind_password_env {
        parts.push(format!("--bind-password-env {x}"));
    }
    if d.kerberos_bind.bind_kerberos {
        parts.push("--bind-kerberos".to_owned());
    }
    if let Some(x) = &d.kerberos_bind.bind_keytab {
        parts.push(format!(
            "--bind-keytab {}",
            shell_quote(&x.display().to_string())
        ));
    }
    if let Some(x) = &d.kerberos.realm {
        parts.push(format!("--realm {x}"));
    }
    if a.append {
        parts.push("--append".to_owned());
    }
    if a.force {
        parts.push("--force".to_owned());
    }
    parts.join(" ")
}

//! `spnkt create`: the AD account for HTTP/host and a keytab the KDC has proven.
//!
//! The flags are checked offline and become a [`create::Request`]; the engine
//! ([`crate::provision::create`]) does the rest: preflight, plan, execution with
//! undo, proof, keytab. This file asks what the flags leave open (delegation on a
//! terminal, confirmation) and renders the result.

use std::io::IsTerminal;

use super::directory::{self, engine};
use super::{Outcome, Ui, render};
use crate::cli::{CreateArgs, DelegationKind as CliDelegation};
use crate::exit::CliError;
use crate::hostname;
use crate::krb::Enctype;
use crate::plan::KeytabMode;
use crate::provision::{self, create};
use crate::secret_input;
use crate::validate::{self, DelegationKind};

impl From<CliDelegation> for DelegationKind {
    fn from(k: CliDelegation) -> DelegationKind {
        match k {
            CliDelegation::None => DelegationKind::None,
            CliDelegation::Unconstrained => DelegationKind::Unconstrained,
            CliDelegation::Constrained => DelegationKind::Constrained,
        }
    }
}

pub fn run(args: &CreateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    run_with(args, ui, None, |_, _| {})
}

/// `spnkt create` as the flags say, with the account's password already in hand
/// when `given` (else from the flags, or generated), and `review` called with the
/// plan before it is shown for confirmation (the ktpass front end adds its
/// warnings about the existing account there).
pub fn run_with(
    args: &CreateArgs,
    ui: &mut Ui,
    given: Option<crate::krb::Password>,
    review: impl FnOnce(&create::Prepared, &mut Ui),
) -> anyhow::Result<Outcome> {
    // Offline checks: nothing contacted, nothing changed.
    let mut request = request(args, ui)?;
    request.password_given |= given.is_some();
    let given_source = if given.is_none()
        && (args.password.password_file.is_some()
            || args.password.password_stdin
            || args.password.password_env.is_some())
    {
        Some(super::password_source(&args.password)?)
    } else {
        None
    };
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let stdin_taken = args.password.password_stdin.then_some("--password-stdin");
    let mut prepared = directory::prepare(&args.directory, ui, stdin_taken)?;
    prepared.settings.replication = directory::replication(&args.replication)?;
    let given_password = match (&given_source, given) {
        (_, Some(p)) => Some(p),
        (Some(s), None) => Some(secret_input::read(
            s,
            &format!("the account {}", request.account),
        )?),
        (None, None) => None,
    };

    // Preflight (read-only) and the plan.
    let mut session = directory::connect(prepared, ui)?;
    let prepared = create::prepare(&mut session, &request, ui).map_err(engine)?;
    review(&prepared, ui);
    if args.dry_run {
        return Ok(render::create_dry_run(&prepared, &session));
    }
    directory::confirm_plan(args.yes, &prepared.plan.to_string(), "Make these changes?")?;
    let password = match given_password {
        Some(p) => p,
        None => provision::random_password().map_err(engine)?,
    };
    let result = create::execute(&mut session, &prepared, &password, ui);
    render::create_outcome(result, &prepared)
}

/// The request the flags describe, checked offline (warnings about the host and
/// RC4 are given here).
pub fn request(args: &CreateArgs, ui: &mut Ui) -> anyhow::Result<create::Request> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    let account = match &args.account {
        Some(a) => a.trim().to_owned(),
        None => hostname::default_account_name(&host),
    };
    hostname::check_sam_account_name(&account)?;
    let enctypes = validate::keytab_enctypes(&args.enctypes)?;
    if enctypes.contains(&Enctype::RC4_HMAC) {
        ui.warn("rc4-hmac requested: RC4 is weak and Windows domain controllers are dropping it; use AES unless a client still needs it");
    }
    let kind = match args.delegation {
        Some(k) => k.into(),
        None if !args.delegate_to.is_empty() => DelegationKind::Constrained,
        None if std::io::stdin().is_terminal() => ask_delegation()?,
        None => {
            return Err(CliError::usage(
                "--delegation is required when standard input is not a terminal",
            )
            .hint("choose --delegation none, unconstrained (WebSphere/HCL SPNEGO: trust for delegation to any service) or constrained --delegate-to SPN, so nobody gets or loses delegation by accident")
            .into());
        }
    };
    let delegation = validate::delegation_for(kind, &args.delegate_to, args.protocol_transition)?;
    validate::check_keytab_dir(&args.keytab, false)?;
    let keytab_mode = keytab_mode(
        &args.keytab,
        crate::keytab_file::exists(&args.keytab),
        args.append,
        args.force,
    )?;
    Ok(create::Request {
        host,
        account,
        container: args.ou.clone(),
        upn: !args.no_upn,
        enctypes,
        delegation,
        password_given: args.password.password_file.is_some()
            || args.password.password_stdin
            || args.password.password_env.is_some(),
        keytab: args.keytab.clone(),
        keytab_mode,
        take_over: args.rotate,
        dns_check: !args.no_dns_check,
    })
}

/// What to do with the keytab file: a new one, or an existing one only when asked.
pub fn keytab_mode(
    path: &std::path::Path,
    exists: bool,
    append: bool,
    force: bool,
) -> Result<KeytabMode, CliError> {
    match (exists, append, force) {
        (false, _, _) => Ok(KeytabMode::New),
        (true, true, _) => Ok(KeytabMode::Append),
        (true, _, true) => Ok(KeytabMode::Replace),
        (true, false, false) => Err(
            CliError::usage(format!("{} already exists", path.display())).hint(
                "use --append to keep its other principals' entries, or --force to replace it",
            ),
        ),
    }
}

fn ask_delegation() -> Result<DelegationKind, CliError> {
    let items = [
        "unconstrained: trust this user for delegation to any service (Kerberos only); WebSphere/HCL SPNEGO needs it. Note: the service can then act as its users towards any service",
        "none: the service cannot act for its users",
    ];
    let choice = dialoguer::Select::new()
        .with_prompt("Kerberos delegation for this service (--delegation)")
        .items(items)
        .default(0)
        .interact()
        .map_err(|e| {
            CliError::usage(format!("cannot ask for --delegation: {e}")).hint("give --delegation")
        })?;
    Ok(if choice == 0 {
        DelegationKind::Unconstrained
    } else {
        DelegationKind::None
    })
}

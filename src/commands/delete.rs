//! `spnkt delete`: remove the account holding HTTP/host, after showing it; only
//! accounts spnkt created unless `--force`, never computer accounts (the engine:
//! [`crate::provision::delete`]).

use super::directory::{self, engine};
use super::render::{account_human, account_json};
use super::{Outcome, Ui};
use crate::cli::DeleteArgs;
use crate::exit::CliError;
use crate::hostname;
use crate::provision::{Error, delete};

pub fn run(args: &DeleteArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let prepared = delete::prepare(&mut session, &host, args.force).map_err(|e| {
        // A refusal shows the account, so the admin sees which one was meant.
        let shown = match &e {
            Error::DeleteRefused { account, .. } => Some(account_human(account)),
            _ => None,
        };
        let mut cli = CliError::from(e);
        if let Some(shown) = shown {
            cli.message = format!("{}\n{shown}", cli.message);
        }
        anyhow::Error::new(cli)
    })?;
    let account = &prepared.account;
    let shown = account_human(account);
    let plan = &prepared.plan;
    if args.dry_run {
        return Ok(Outcome {
            human: format!("{shown}{plan}dry run: nothing was changed\n"),
            json: Some(
                serde_json::json!({"dry_run": true, "plan": plan.json(), "account": account_json(account)}),
            ),
        });
    }
    directory::confirm_plan(
        args.yes,
        &format!("{shown}{plan}"),
        "Delete this account? Keytabs for it stop working",
    )?;
    delete::execute(&mut session, &prepared).map_err(engine)?;
    Ok(Outcome {
        human: format!(
            "deleted {} ({}); it held {}\n",
            account.dn,
            account.sam_account_name,
            account.service_principal_names.join(", ")
        ),
        json: Some(serde_json::json!({
            "deleted": true,
            "account": account_json(account),
            "ldap_round_trips": session.round_trips(),
        })),
    })
}

//! `spnkt delete`: remove the account holding HTTP/host, after showing it; only
//! accounts spnkt created unless `--force`, never computer accounts.

use super::account::{account_human, account_json, owner};
use super::create::CREATED_MARKER;
use super::directory;
use super::{Outcome, Ui};
use crate::cli::DeleteArgs;
use crate::exit::CliError;
use crate::hostname;
use crate::plan::{Plan, Step};

pub fn run(args: &DeleteArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let account = owner(&mut session, &host)?;
    let shown = account_human(&account);
    if account.is_computer {
        return Err(CliError::usage(format!(
            "{} is a computer account; spnkt never deletes computers\n{shown}",
            account.dn
        ))
        .hint(format!(
            "to move {} off it, use `spnkt spn remove --account {} {}`",
            host.spn(),
            account.sam_account_name,
            host.spn()
        ))
        .into());
    }
    let ours = account
        .description
        .as_deref()
        .is_some_and(|d| d.contains(CREATED_MARKER));
    if !ours && !args.force {
        return Err(CliError::usage(format!(
            "{} was not created by spnkt (its description does not say so); not deleting it\n{shown}",
            account.dn
        ))
        .hint("check that this is the account you mean, then add --force")
        .into());
    }
    let plan = Plan {
        command: "delete".into(),
        principal: format!("{}@{}", host.spn(), session.realm),
        steps: vec![Step::DeleteAccount {
            dn: account.dn.clone(),
        }],
    };
    if args.dry_run {
        return Ok(Outcome {
            human: format!("{shown}{plan}dry run: nothing was changed\n"),
            json: Some(
                serde_json::json!({"dry_run": true, "plan": plan.json(), "account": account_json(&account)}),
            ),
        });
    }
    if !args.yes {
        eprint!("{shown}{plan}");
        if !directory::confirm(false, "Delete this account? Keytabs for it stop working")? {
            return Err(directory::declined());
        }
    }
    session.dir.delete(&account.dn).map_err(|e| {
        directory::ldap_error(
            e,
            &format!("cannot delete {}", account.dn),
            "the bind account needs the right to delete users in that container",
        )
    })?;
    Ok(Outcome {
        human: format!(
            "deleted {} ({}); it held {}\n",
            account.dn,
            account.sam_account_name,
            account.service_principal_names.join(", ")
        ),
        json: Some(serde_json::json!({
            "deleted": true,
            "account": account_json(&account),
            "ldap_round_trips": session.dir.round_trips(),
        })),
    })
}

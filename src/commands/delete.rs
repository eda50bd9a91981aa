//! `spnkt delete`: remove the account holding HTTP/host, after showing it; only
//! accounts spnkt created unless `--force`, never computer accounts (the engine:
//! [`crate::provision::delete`]). An account with objects below it is deleted with
//! them only after the admin saw them: `--tree`, or a second question on a
//! terminal.

use std::io::IsTerminal as _;

use super::directory::{self, engine};
use super::render::{account_human, account_json};
use super::{Outcome, Ui};
use crate::cli::DeleteArgs;
use crate::exit::CliError;
use crate::hostname;
use crate::provision::delete::{self, Below, RECYCLE_BIN_NOTE};
use crate::provision::{Error, Session};

pub fn run(args: &DeleteArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let mut prepared =
        delete::prepare(&mut session, &host, args.force, args.tree).map_err(|e| {
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
    let account = prepared.account.clone();
    let shown = format!(
        "{}{}{}",
        account_human(&account),
        prepared.plan,
        prepared.tree.as_ref().map(below_text).unwrap_or_default()
    );
    if args.dry_run {
        return Ok(Outcome {
            human: format!("{shown}dry run: nothing was changed\n"),
            json: Some(serde_json::json!({
                "dry_run": true,
                "plan": prepared.plan.json(),
                "account": account_json(&account),
                "below": prepared.tree.as_ref().map(below_json),
            })),
        });
    }
    let question = match &prepared.tree {
        Some(b) if !b.dns.is_empty() => {
            "Delete this account and everything below it? Keytabs for it stop working"
        }
        _ => "Delete this account? Keytabs for it stop working",
    };
    directory::confirm_plan(args.yes, &shown, question)?;
    match delete::execute(&mut session, &prepared) {
        Err(Error::HasChildren { below, .. }) if !args.yes && std::io::stdin().is_terminal() => {
            // Offer the tree delete, saying what goes with the account.
            directory::confirm_plan(
                false,
                &format!(
                    "Active Directory deletes no object that has objects below it (66 notAllowedOnNonLeaf).\n{}",
                    below_text(&below)
                ),
                "Delete the account together with these objects (tree delete)?",
            )?;
            prepared.tree = Some(below);
            delete::execute(&mut session, &prepared).map_err(engine)?;
        }
        r => r.map_err(engine)?,
    }
    ui.note(RECYCLE_BIN_NOTE);
    Ok(deleted(&prepared, &session))
}

/// `and below it, deleted with it: ...` for the plan shown.
fn below_text(b: &Below) -> String {
    if b.dns.is_empty() {
        return "nothing is below the account\n".to_owned();
    }
    let mut out = format!(
        "tree delete: {} object(s){} below the account go with it:\n",
        b.dns.len(),
        if b.more { " and more" } else { "" }
    );
    for dn in &b.dns {
        out.push_str(&format!("  {dn}\n"));
    }
    if b.more {
        out.push_str("  ...\n");
    }
    out
}

fn below_json(b: &Below) -> serde_json::Value {
    serde_json::json!({"objects": b.dns, "more": b.more})
}

/// What a finished delete reports.
fn deleted(prepared: &delete::Prepared, session: &Session) -> Outcome {
    let account = &prepared.account;
    let with = match &prepared.tree {
        Some(b) if !b.dns.is_empty() => format!(
            " with {}{} object(s) below it",
            if b.more { "more than " } else { "" },
            b.dns.len()
        ),
        _ => String::new(),
    };
    Outcome {
        human: format!(
            "deleted {}{with} ({}); it held {}\n",
            account.dn,
            account.sam_account_name,
            account.service_principal_names.join(", ")
        ),
        json: Some(serde_json::json!({
            "deleted": true,
            "account": account_json(account),
            "below": prepared.tree.as_ref().map(below_json),
            "ldap_round_trips": session.round_trips(),
        })),
    }
}

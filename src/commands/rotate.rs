//! `spnkt rotate`: a new random password for the account holding HTTP/host, the
//! new kvno read back, the keys proven, the keytab rewritten keeping the previous
//! `--keep-old` kvnos (the engine: [`crate::provision::rotate`]).

use super::directory::{self, engine};
use super::render::{facts_human, facts_json};
use super::{Outcome, Reported, Ui};
use crate::cli::RotateArgs;
use crate::exit::CliError;
use crate::hostname;
use crate::provision::{self, rotate};
use crate::validate;

pub fn run(args: &RotateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    validate::check_keytab_dir(&args.keytab, false)?;
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let mut prepared = directory::prepare(&args.directory, ui, None)?;
    prepared.settings.replication = directory::replication(&args.replication)?;
    let mut session = directory::connect(prepared, ui)?;
    let request = rotate::Request {
        host,
        keytab: args.keytab.clone(),
        keep_old: args.keep_old,
    };
    let prepared = rotate::prepare(&mut session, &request, ui).map_err(engine)?;
    let account = &prepared.account;
    if args.dry_run {
        let mut human = prepared.plan.to_string();
        human.push_str("dry run: nothing was changed\n");
        return Ok(Outcome {
            human,
            json: Some(
                serde_json::json!({"dry_run": true, "plan": prepared.plan.json(), "account": account.dn, "kvno": account.kvno}),
            ),
        });
    }
    directory::confirm_plan(
        args.yes,
        &prepared.plan.to_string(),
        "Change the password now? Keytabs older than the kept kvnos stop working",
    )?;
    let password = provision::random_password().map_err(engine)?;
    let report = rotate::execute(&mut session, &prepared, &password, ui);
    drop(password);
    let spn = request.host.spn();
    let f = &report.facts;
    let mut json = facts_json(f, report.failure.is_none(), &report.executed);
    json["previous_kvno"] = serde_json::json!(report.previous_kvno);
    let kvno_text = |k: Option<u32>| k.map_or("?".into(), |k| k.to_string());
    match report.error() {
        None => {
            let kept = report.executed.kept_old_entries.unwrap_or_default();
            let outcome = Outcome {
                human: facts_human(
                    f,
                    &format!(
                        "rotated {spn}: kvno {} -> {}, keys proven, keytab rewritten ({kept} older entries kept)",
                        kvno_text(report.previous_kvno),
                        kvno_text(f.kvno)
                    ),
                ),
                json: Some(json),
            };
            match &report.not_replicated {
                Some(e) => Err(super::render::not_replicated(outcome, e)),
                None => Ok(outcome),
            }
        }
        Some((message, exit, hint)) if !report.executed.password_set => Err(CliError {
            exit,
            message,
            hint,
        }
        .into()),
        Some((message, exit, hint)) => Err(Reported {
            outcome: Outcome {
                human: facts_human(
                    f,
                    &format!("{spn}: the password WAS changed, the keytab was NOT rewritten"),
                ),
                json: Some(json),
            },
            error: CliError {
                exit,
                message,
                hint: hint.or_else(|| {
                    Some(format!(
                        "run `spnkt rotate --host {}` again",
                        request.host.name
                    ))
                }),
            },
        }
        .into()),
    }
}

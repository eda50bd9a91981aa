//! `spnkt setspn ...`: a setspn line carried out with spnkt's SPN commands
//! ([`super::spn`]), with setspn's exit codes: 0 done or found, 1 not found, a
//! duplicate or another failure (2 only for a line spnkt cannot read). A note
//! names the native command.

use std::fmt::Write as _;

use super::directory::{self, engine};
use super::{Outcome, Reported, Ui, spn};
use crate::cli::command_line::shell_quote;
use crate::cli::{SetspnArgs, SpnChangeArgs, SpnCheckArgs, SpnListArgs};
use crate::exit::{CliError, Exit};
use crate::legacy::setspn::{self, SetspnError, SetspnLine};
use crate::provision::spn as engine_spn;

fn parse_error(e: SetspnError) -> CliError {
    CliError::usage(e.to_string()).hint(
        "setspn lines spnkt takes: -S SPN ACCOUNT, -A SPN ACCOUNT, -D SPN ACCOUNT, -Q SPN, -X, -L ACCOUNT (spnkt's own options go first)",
    )
}

/// Any failure is setspn's exit status 1 (the output, if any, is kept).
fn as_setspn_failure(e: anyhow::Error) -> anyhow::Error {
    let e = match e.downcast::<Reported>() {
        Ok(mut r) => {
            r.error.exit = Exit::Failure;
            return r.into();
        }
        Err(e) => e,
    };
    match e.downcast::<CliError>() {
        Ok(mut c) => {
            c.exit = Exit::Failure;
            c.into()
        }
        Err(e) => e,
    }
}

pub fn run(args: &SetspnArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let line = setspn::parse(&args.setspn).map_err(parse_error)?;
    let d = args.directory.clone();
    match line {
        SetspnLine::Add {
            spn: s,
            account,
            checked,
        } => {
            let account = setspn::account_name(&account).to_owned();
            native(
                ui,
                &format!(
                    "spnkt spn add --account {} {}",
                    shell_quote(&account),
                    shell_quote(&s)
                ),
            );
            if !checked {
                ui.note("-A: spnkt checks for duplicates before adding, as -S does");
            }
            spn::add(
                &SpnChangeArgs {
                    account,
                    spn: s,
                    directory: d,
                },
                ui,
            )
            .map_err(as_setspn_failure)
        }
        SetspnLine::Delete { spn: s, account } => {
            let account = setspn::account_name(&account).to_owned();
            native(
                ui,
                &format!(
                    "spnkt spn remove --account {} {}",
                    shell_quote(&account),
                    shell_quote(&s)
                ),
            );
            spn::remove(
                &SpnChangeArgs {
                    account,
                    spn: s,
                    directory: d,
                },
                ui,
            )
            .map_err(as_setspn_failure)
        }
        SetspnLine::Duplicates => {
            native(ui, "spnkt spn check");
            spn::check(
                &SpnCheckArgs {
                    host: None,
                    no_dns_check: true,
                    directory: d,
                },
                ui,
            )
            .map_err(as_setspn_failure)
        }
        SetspnLine::List { account } => {
            let account = setspn::account_name(&account).to_owned();
            native(
                ui,
                &format!("spnkt spn list --account {}", shell_quote(&account)),
            );
            spn::list(
                &SpnListArgs {
                    account: Some(account),
                    host: None,
                    directory: d,
                },
                ui,
            )
            .map_err(as_setspn_failure)
        }
        SetspnLine::Query { spn: s } => query(&s, &d, ui).map_err(as_setspn_failure),
    }
}

fn native(ui: &mut Ui, command: &str) {
    ui.note(format!("the native spnkt command: {command}"));
}

/// `-Q SPN`: who holds it. A `*` in the host part (`HTTP/*`) lists every match.
fn query(wanted: &str, d: &crate::cli::DirectoryArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let Some(host) = engine_spn::spn_host(wanted) else {
        return Err(
            CliError::usage(format!("`{wanted}` is not an SPN (no `/`)"))
                .hint("SPNs look like HTTP/app1.example.com")
                .into(),
        );
    };
    let wildcard = host.contains('*');
    native(
        ui,
        &if wildcard {
            "spnkt spn list".to_owned()
        } else {
            format!("spnkt spn list --host {}", shell_quote(host))
        },
    );
    let prepared = directory::prepare(d, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let holders =
        engine_spn::list_host(&mut session, (!wildcard).then_some(host)).map_err(engine)?;
    let matches = |s: &str| {
        if wildcard {
            let prefix = wanted.split('*').next().unwrap_or("");
            s.to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase())
        } else {
            s.eq_ignore_ascii_case(wanted)
        }
    };
    let found: Vec<_> = holders
        .into_iter()
        .filter_map(|mut h| {
            h.spns.retain(|s| matches(s));
            (!h.spns.is_empty()).then_some(h)
        })
        .collect();
    let mut human = format!("Checking domain {}\n", session.base_dn);
    for h in &found {
        let _ = writeln!(human, "{}", h.dn);
        for s in &h.spns {
            let _ = writeln!(human, "\t{s}");
        }
    }
    let json = serde_json::json!({"spn": wanted, "found": !found.is_empty(), "accounts": found});
    if found.is_empty() {
        human.push_str("\nNo such SPN found.\n");
        return Err(Reported {
            outcome: Outcome {
                human,
                json: Some(json),
            },
            error: CliError {
                exit: Exit::Failure,
                message: format!("no object holds {wanted}"),
                hint: None,
            },
        }
        .into());
    }
    human.push_str("\nExisting SPN found!\n");
    Ok(Outcome {
        human,
        json: Some(json),
    })
}

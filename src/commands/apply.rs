//! `spnkt apply PLAN.toml`: the declarative, idempotent rollout for pipelines.
//!
//! The plan file is parsed and checked here ([`crate::plan_file`]: file errors refuse
//! the run with exit 2, entry errors fail that entry only); the engine
//! ([`crate::provision::apply`]) converges the directory and the keytabs over one
//! session; this file renders its per-service report, as text or `--json`.
//!
//! A progress line per service on stderr, with a progress bar below them on a terminal.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::directory::{self, engine};
use super::{Outcome, Reported, Ui};
use crate::cli::{
    ApplyArgs, BindArgs, BindPasswordArgs, DirectoryArgs, KerberosArgs, KerberosBindArgs,
};
use crate::exit::{CliError, Exit};
use crate::hostname;
use crate::plan_file::{self, PlanFile};
use crate::provision::apply::{self, ServiceReport, exit_status};
use crate::provision::converge::Action;
use crate::provision::timings::Timings;
use crate::provision::{self, Session};

/// `--dry-run` with changes pending: the report is the output, exit status 10.
#[derive(Debug)]
pub struct ChangesPending {
    pub outcome: Outcome,
}

impl std::fmt::Display for ChangesPending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the plan would change something")
    }
}

impl std::error::Error for ChangesPending {}

/// The directory arguments of the plan's `[directory]`, SPNKT_* for what it leaves out.
fn directory_args(d: &plan_file::DirectorySettings, timeout: Option<u64>) -> DirectoryArgs {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    DirectoryArgs {
        ldap_url: d.ldap_url.clone().or_else(|| env("SPNKT_LDAP_URL")),
        starttls: d.starttls,
        ca_cert: d
            .ca_cert
            .clone()
            .or_else(|| env("SPNKT_CA_CERT").map(PathBuf::from)),
        insecure_skip_verify: false,
        bind: BindArgs {
            bind_user: d.bind_user.clone().or_else(|| env("SPNKT_BIND_USER")),
            bind_password: BindPasswordArgs {
                bind_password_file: d.bind_password_file.clone(),
                bind_password_stdin: false,
                bind_password_env: d.bind_password_env.clone(),
            },
        },
        kerberos_bind: KerberosBindArgs {
            bind_kerberos: d.bind_kerberos,
            bind_keytab: d
                .bind_keytab
                .clone()
                .or_else(|| env("SPNKT_BIND_KEYTAB").map(PathBuf::from)),
        },
        kerberos: KerberosArgs {
            realm: d.realm.clone().or_else(|| env("SPNKT_REALM")),
            kdc: d.kdc.clone().or_else(|| env("SPNKT_KDC")),
        },
        base_dn: d.base_dn.clone(),
        site: env("SPNKT_SITE"),
        timeout,
    }
}

/// Read and check the plan file (exit 2 on file-level errors).
pub fn load(path: &Path) -> Result<PlanFile, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!("cannot read the plan {}: {e}", path.display()))
            .hint("give the path of a TOML plan file: spnkt apply PLAN.toml")
    })?;
    plan_file::parse(path, &text)
}

pub fn run(args: &ApplyArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    // 1. The whole file, offline.
    let plan = load(&args.plan)?;
    if args.prune && !args.yes && !args.dry_run {
        return Err(CliError::usage("--prune deletes accounts: it needs --yes")
            .hint("run with --prune --dry-run to see what would be removed, then --prune --yes")
            .into());
    }
    let mut forced = HashSet::new();
    for h in &args.rotate {
        let host = hostname::check_host(h)?;
        let listed = plan
            .entries
            .iter()
            .any(|e| e.service.as_ref().is_ok_and(|s| s.host.name == host.name));
        if !listed {
            return Err(CliError::usage(format!(
                "--rotate {}: the plan has no valid service for this host",
                host.name
            ))
            .hint("give a host listed in the plan's [[service]] entries")
            .into());
        }
        forced.insert(host.name);
    }
    let dargs = directory_args(&plan.directory, args.timeout);
    if dargs.bind.bind_password.bind_password_env.is_none()
        && dargs.bind.bind_password.bind_password_file.is_none()
        && !dargs.kerberos_bind.any()
        && !std::io::stdin().is_terminal()
    {
        return Err(CliError::usage(format!(
            "plan {}: no bind password source, and standard input is not a terminal",
            args.plan.display()
        ))
        .hint("add bind_password_env = \"VAR\", bind_password_file = \"FILE\", bind_kerberos = true or bind_keytab = \"FILE\" to [directory]")
        .into());
    }

    // Nothing valid to apply (and nothing to prune): report without connecting.
    if !args.prune && plan.entries.iter().all(|e| e.service.is_err()) {
        let reports = apply::invalid_only(&plan, ui);
        return finish(&plan, args, &reports, None);
    }

    // One connection, one KDC, every service.
    if args.timings {
        ui.timings = Some(Timings::default());
    }
    let started = Instant::now();
    let mut prepared = directory::prepare(&dargs, ui, None)?;
    prepared.settings.replication = directory::replication(&args.replication)?;
    let mut session = directory::connect(prepared, ui)?;
    provision::Progress::timed(ui, "connect and bind", started.elapsed());
    let request = apply::Request {
        plan: &plan,
        plan_path: args.plan.display().to_string(),
        dry_run: args.dry_run,
        prune: args.prune,
        rotate: forced,
        dns_check: !args.no_dns_check,
        jobs: usize::from(args.jobs),
    };
    let reports = apply::apply(&mut session, &request, ui).map_err(engine)?;
    let mut outcome = finish(&plan, args, &reports, Some(&session));
    if let Some(t) = ui.timings.take() {
        show_timings(&t, started.elapsed(), ui);
        // Also in the report of a run that failed or found changes pending.
        let json = match &mut outcome {
            Ok(o) => o.json.as_mut(),
            Err(e) => match e.downcast_mut::<Reported>() {
                Some(r) => r.outcome.json.as_mut(),
                None => e
                    .downcast_mut::<ChangesPending>()
                    .and_then(|c| c.outcome.json.as_mut()),
            },
        };
        if let Some(json) = json {
            json["timings"] = serde_json::json!(t.rows());
        }
    }
    outcome
}

/// `--timings`: a table on stderr of where the time went.
fn show_timings(t: &Timings, wall: std::time::Duration, ui: &Ui) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    ui.line(&format!(
        "timings (wall clock {:.0} ms; with --jobs the steps add up over the jobs):",
        ms(wall)
    ));
    ui.line(&format!(
        "  {:<38} {:>6} {:>11} {:>9}",
        "what", "count", "total ms", "mean ms"
    ));
    for r in t.rows() {
        ui.line(&format!(
            "  {:<38} {:>6} {:>11.1} {:>9.2}",
            r.what,
            r.count,
            ms(r.total),
            ms(r.mean())
        ));
    }
}

/// The report and the exit status.
fn finish(
    plan: &PlanFile,
    args: &ApplyArgs,
    reports: &[ServiceReport],
    session: Option<&Session>,
) -> anyhow::Result<Outcome> {
    let status = exit_status(reports, args.dry_run);
    let outcome = render(plan, &args.plan, reports, args.dry_run, session);
    match status {
        Exit::Ok => Ok(outcome),
        Exit::Changes => Err(ChangesPending { outcome }.into()),
        Exit::NotReplicated => {
            let pending = reports
                .iter()
                .filter(|r| r.not_replicated.is_some())
                .count();
            Err(Reported {
                outcome,
                error: CliError {
                    exit: Exit::NotReplicated,
                    message: format!(
                        "{} of {} services are not on every domain controller yet; their keytabs are written and work on the one written to",
                        pending,
                        reports.len()
                    ),
                    hint: Some("give replication more time (--replication-timeout SECONDS) or check it (repadmin /showrepl, samba-tool drs showrepl) before restarting servers that use the other DCs".to_owned()),
                },
            }
            .into())
        }
        Exit::Conflict => {
            let conflicts = reports.iter().filter(|r| r.conflict).count();
            Err(Reported {
                outcome,
                error: CliError {
                    exit: Exit::Conflict,
                    message: format!(
                        "{conflicts} of {} services were changed by another run at the same time (created, or given another password, after this run looked): this run's keys for them were NOT written",
                        reports.len()
                    ),
                    hint: Some("the accounts work with the other run's keys; run the same plan again to converge".to_owned()),
                },
            }
            .into())
        }
        _ => {
            let failed = reports.iter().filter(|r| r.kind == Action::Failed).count();
            Err(Reported {
                outcome,
                error: CliError::failure(if failed == reports.len() {
                    format!("all {failed} services failed")
                } else {
                    format!(
                        "{failed} of {} services failed; the others were {}",
                        reports.len(),
                        if args.dry_run { "checked" } else { "applied" }
                    )
                })
                .hint("see each failed service's error above; fix the plan or the directory and run the same plan again"),
            }
            .into())
        }
    }
}

fn render(
    plan: &PlanFile,
    path: &Path,
    reports: &[ServiceReport],
    dry_run: bool,
    session: Option<&Session>,
) -> Outcome {
    let count = |a: Action| reports.iter().filter(|r| r.kind == a).count();
    let summary = serde_json::json!({
        "created": count(Action::Create),
        "repaired": count(Action::Repair),
        "rotated": count(Action::Rotate),
        "removed": count(Action::Remove),
        "unchanged": count(Action::Unchanged),
        "failed": count(Action::Failed),
    });
    let changed = reports.iter().any(|r| r.kind.changes_something());
    let mut human = String::new();
    for r in reports {
        let mut line = format!("{:<9} {}", r.action, r.host);
        if let Some(a) = &r.account {
            line.push_str(&format!(" ({a})"));
        }
        if let Some(k) = r.kvno {
            line.push_str(&format!(", kvno {k}"));
        }
        if r.kind != Action::Failed
            && r.kind != Action::Remove
            && let Some(k) = &r.keytab
        {
            line.push_str(&format!(", keytab {k}"));
        }
        human.push_str(&line);
        human.push('\n');
        if r.kind != Action::Unchanged {
            for c in &r.changes {
                human.push_str(&format!("    - {c}\n"));
            }
        }
        for note in &r.notes {
            human.push_str(&format!("    note: {note}\n"));
        }
        for w in &r.warnings {
            human.push_str(&format!("    warning: {w}\n"));
        }
        for l in crate::provision::replication::table_text(&r.replication).lines() {
            human.push_str(&format!("    {}\n", l.trim_start()));
        }
        if let Some(e) = &r.not_replicated {
            human.push_str(&format!("    not replicated: {e}\n"));
        }
        if let Some(e) = &r.error {
            human.push_str(&format!("    error: {}\n", e.message));
            if let Some(h) = &e.hint {
                human.push_str(&format!("    hint: {h}\n"));
            }
        }
    }
    let parts: Vec<String> = [
        (Action::Create, "created", "to create"),
        (Action::Repair, "repaired", "to repair"),
        (Action::Rotate, "rotated", "to rotate"),
        (Action::Remove, "removed", "to remove"),
        (Action::Unchanged, "unchanged", "unchanged"),
        (Action::Failed, "failed", "failed"),
    ]
    .iter()
    .filter(|(a, _, _)| count(*a) > 0)
    .map(|(a, done, todo)| format!("{} {}", count(*a), if dry_run { todo } else { done }))
    .collect();
    let failed = count(Action::Failed);
    let headline = match (changed, failed, dry_run) {
        (false, 0, _) => format!(
            "no changes: the directory and keytabs match plan `{}` ({} services)",
            plan.name,
            reports.len()
        ),
        (true, 0, true) => format!(
            "dry run: nothing was changed; applying would change something (exit status 10): {}",
            parts.join(", ")
        ),
        (_, _, true) => format!("dry run: nothing was changed: {}", parts.join(", ")),
        _ => format!("applied plan `{}`: {}", plan.name, parts.join(", ")),
    };
    human.push_str(&headline);
    human.push('\n');
    Outcome {
        human,
        json: Some(serde_json::json!({
            "plan": path.display().to_string(),
            "name": plan.name,
            "dry_run": dry_run,
            "changed": changed,
            "services": reports,
            "summary": summary,
            "ldap_round_trips": session.map_or(0, Session::round_trips),
        })),
    }
}

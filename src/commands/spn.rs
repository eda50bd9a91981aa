//! `spnkt spn list|add|remove|check`: setspn -L/-Q/-S/-D/-X over LDAP (the engine:
//! [`crate::provision::spn`]); `spn check --host` also checks the host in DNS
//! ([`crate::provision::dnscheck`]).

use std::fmt::Write as _;

use super::directory::{self, engine};
use super::{Outcome, Reported, Ui};
use crate::cli::{SpnChangeArgs, SpnCheckArgs, SpnListArgs};
use crate::exit::CliError;
use crate::hostname;
use crate::provision::{dnscheck, spn};

fn lower_host(input: &str) -> Result<String, CliError> {
    let h = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if h.is_empty() || h.contains(['/', '@', '*', '(', ')']) {
        return Err(
            CliError::usage(format!("--host `{input}` is not a host name"))
                .hint("e.g. --host app1.example.com"),
        );
    }
    Ok(h)
}

pub fn list(args: &SpnListArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = args.host.as_deref().map(lower_host).transpose()?;
    if let Some(a) = &args.account {
        hostname::check_sam_account_name(a)?;
    }
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let holders = match &args.account {
        Some(a) => spn::list_account(&mut session, a),
        None => spn::list_host(&mut session, host.as_deref()),
    }
    .map_err(engine)?;
    let mut human = String::new();
    if holders.is_empty() {
        human.push_str("no SPNs found\n");
    }
    for h in &holders {
        let _ = writeln!(
            human,
            "{} ({}{}):",
            h.dn,
            h.sam_account_name.as_deref().unwrap_or("-"),
            if h.is_computer { ", computer" } else { "" }
        );
        for s in &h.spns {
            let _ = writeln!(human, "  {s}");
        }
    }
    Ok(Outcome {
        human,
        json: Some(
            serde_json::json!({"accounts": holders, "ldap_round_trips": session.round_trips()}),
        ),
    })
}

pub fn add(args: &SpnChangeArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let spn = hostname::check_spn(args.spn.trim())?;
    hostname::check_sam_account_name(&args.account)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let change = spn::add(&mut session, &args.account, &spn, ui).map_err(engine)?;
    if !change.changed {
        return Ok(Outcome {
            human: format!("{} already holds {spn}\n", change.account),
            json: Some(
                serde_json::json!({"changed": false, "account": change.account, "spn": spn}),
            ),
        });
    }
    Ok(Outcome {
        human: format!("added {spn} to {}\n", change.account),
        json: Some(
            serde_json::json!({"changed": true, "account": change.account, "spn": spn, "ldap_round_trips": session.round_trips()}),
        ),
    })
}

pub fn remove(args: &SpnChangeArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let spn = args.spn.trim().to_owned();
    if !spn.contains('/') {
        return Err(CliError::usage(format!("`{spn}` is not an SPN (no `/`)"))
            .hint("SPNs look like HTTP/app1.example.com")
            .into());
    }
    hostname::check_sam_account_name(&args.account)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let change = spn::remove(&mut session, &args.account, &spn).map_err(engine)?;
    Ok(Outcome {
        human: format!("removed {} from {}\n", change.spn, change.account),
        json: Some(
            serde_json::json!({"changed": true, "account": change.account, "spn": change.spn, "ldap_round_trips": session.round_trips()}),
        ),
    })
}

pub fn check(args: &SpnCheckArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = args.host.as_deref().map(lower_host).transpose()?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let report = spn::check(&mut session, host.as_deref()).map_err(engine)?;
    let problems = &report.problems;
    let scope = host
        .as_deref()
        .map_or_else(|| session.base_dn.clone(), |h| format!("host {h}"));
    let mut human = format!(
        "checked {} SPNs on {} objects ({scope}): {}\n",
        report.spns,
        report.objects,
        if problems.is_empty() {
            "no duplicates, no HOST/ clashes".to_owned()
        } else {
            format!("{} problem(s)", problems.len())
        }
    );
    for p in problems {
        let _ = writeln!(human, "  - {}", p.detail);
    }
    // The host in DNS: what browsers will ask a ticket for (warnings only).
    let dns_check = host.as_deref().map(|h| {
        if args.no_dns_check {
            dnscheck::skipped(h)
        } else {
            dnscheck::check(&mut session, h, None, ui)
        }
    });
    if let Some(d) = &dns_check {
        human.push_str(&d.to_string());
    }
    let mut json = serde_json::json!({
        "objects": report.objects,
        "spns": report.spns,
        "problems": problems,
        "ok": problems.is_empty(),
        "ldap_round_trips": session.round_trips(),
    });
    if let Some(d) = &dns_check {
        json["dns_check"] = serde_json::to_value(d).unwrap_or_default();
    }
    let outcome = Outcome {
        human,
        json: Some(json),
    };
    if problems.is_empty() {
        return Ok(outcome);
    }
    Err(Reported {
        outcome,
        error: CliError::verification_failed(format!("spn check found {} problem(s)", problems.len()))
            .hint("remove duplicates with `spnkt spn remove --account NAME SPN`; move web sites off machine names"),
    }
    .into())
}

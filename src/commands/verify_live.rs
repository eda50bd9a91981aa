//! `spnkt verify --keytab FILE --live [--spn PRINCIPAL]`: the `kvno -k` equivalent.
//! Ask the KDC for a service ticket now, with spnkt's own KDC client (the engine:
//! [`crate::provision::live`]), and put it through exactly the analysis
//! `verify --ticket` uses, rendered by [`super::verify_report`].
//!
//! Which principals: `--spn`, else every distinct principal of the keytab (one
//! report each). Credentials, per realm: a ticket-granting ticket for the realm in
//! the admin's ccache (`KRB5CCNAME`, `FILE:` or a plain path; default
//! `/tmp/krb5cc_<uid>`), not expired (now is the clock, or SOURCE_DATE_EPOCH);
//! else `--bind-user` with a bind password source (an AS exchange). Neither is a
//! usage error (exit 2).
//!
//! Exit status: 0 when every ticket verifies; 4 when one does not, or when the KDC
//! refuses the service ticket (unknown SPN, ...); 1 when the KDC cannot be reached
//! or the admin's credentials are refused; 2 for usage errors.
//!
//! `--json`: the object of `verify --ticket` (`input.path` is null, `results` holds
//! every principal's ticket), plus `"live": [{"spn", "kdc", "credentials":
//! {"source": "ccache" | "password", "name"}}]`.

use std::collections::BTreeMap;
use std::path::Path;

use super::directory::{self, BindSource};
use super::verify_report;
use super::{Outcome, Ui, read_keytab};
use crate::cli::VerifyArgs;
use crate::diagnose::text::render;
use crate::diagnose::{self, Report};
use crate::exit::CliError;
use crate::kdc::{KdcAddress, Tgt};
use crate::krb::{Password, Principal};
use crate::krb5conf;
use crate::provision::credentials::{self, CcacheSource, ccache_tgt};
use crate::provision::live::{self, LiveError};
use crate::provision::{KDC_HINT, locate};

/// How to get credentials when nothing usable is found.
const CREDENTIALS_HINT: &str = "run kinit admin@REALM first (KRB5CCNAME names the ccache), or give --bind-user admin@REALM with --bind-password-env VAR, --bind-password-file FILE or --bind-password-stdin";

fn live_error(e: LiveError) -> anyhow::Error {
    CliError {
        exit: e.exit(),
        hint: Some(e.hint()),
        message: e.to_string(),
    }
    .into()
}

pub fn run(args: &VerifyArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let keytab_path = verify_report::keytab_path(args)?;
    let now = crate::timefmt::verify_now()?;
    let keytab = read_keytab(&keytab_path)?;
    let conf = krb5conf::load();
    let default_realm = locate::resolve_realm(args.kerberos.realm.as_deref(), &conf, ui);
    let spns = live::targets(args.spn.as_deref(), &keytab, default_realm.as_deref()).map_err(
        |e| {
            let hint = match e {
                live::TargetError::BadSpn { .. } => {
                    "name the service like HTTP/app1.example.com@EXAMPLE.COM"
                }
                live::TargetError::NoRealm { .. } => {
                    "give --spn HTTP/host@REALM, or --realm REALM (or SPNKT_REALM, or default_realm in krb5.conf)"
                }
            };
            CliError::usage(e.to_string()).hint(hint)
        },
    )?;
    if spns.is_empty() {
        return Err(CliError::usage(format!(
            "{} has no entries: there is no principal to ask the KDC for",
            keytab_path.display()
        ))
        .hint("name the service with --spn HTTP/host@REALM, or give the keytab that holds its keys")
        .into());
    }
    let ccache = CcacheSource::from_env();
    let bind_user = directory::bind_user(&args.bind);

    // Decide every realm's credentials before anything is contacted.
    let mut creds: BTreeMap<String, (KdcAddress, Credentials)> = BTreeMap::new();
    for spn in &spns {
        if creds.contains_key(&spn.realm) {
            continue;
        }
        let c = credentials(&ccache, bind_user.as_deref(), &args.bind, spn, now)?;
        let kdc =
            locate::resolve_kdc_quietly(args.kerberos.kdc.as_deref(), Some(&spn.realm), &conf)
                .map(KdcAddress::new)
                .ok_or_else(|| {
                    CliError::usage(format!("no KDC known for realm {}", spn.realm)).hint(KDC_HINT)
                })?;
        creds.insert(spn.realm.clone(), (kdc, c));
    }

    let mut password: Option<Password> = None;
    let mut tgts: BTreeMap<String, (Tgt, String)> = BTreeMap::new();
    let mut reports = Vec::new();
    let mut live = Vec::new();
    for spn in &spns {
        let (kdc, c) = &creds[&spn.realm];
        if !tgts.contains_key(&spn.realm) {
            let got = match c {
                Credentials::Ccache { tgt, name } => (tgt.clone(), format!("ccache {name}")),
                Credentials::Password { user, source } => {
                    if password.is_none() {
                        password = Some(directory::read_bind_password(source, &user.to_string())?);
                    }
                    let pw = password.as_ref().expect("just read");
                    let tgt = live::login(kdc, user, pw).map_err(live_error)?;
                    (tgt, format!("password for {user}"))
                }
            };
            tgts.insert(spn.realm.clone(), got);
        }
        let (tgt, desc) = &tgts[&spn.realm];
        let st = live::service_ticket(kdc, tgt, spn).map_err(live_error)?;
        let report = live::analyse(&keytab, &st, kdc, desc, now)
            .map_err(|e| CliError::failure(e.to_string()))?;
        live.push(serde_json::json!({
            "spn": spn.to_string(),
            "kdc": kdc.as_str(),
            "credentials": match c {
                Credentials::Ccache { name, .. } => serde_json::json!({"source": "ccache", "name": name}),
                Credentials::Password { user, .. } => serde_json::json!({"source": "password", "name": user.to_string()}),
            },
        }));
        reports.push(report);
    }

    let results: Vec<diagnose::TicketResult> =
        reports.iter().flat_map(|r| r.results.clone()).collect();
    let json = ui
        .json
        .then(|| to_json(&reports, &results, &keytab_path, live));
    let human = if ui.json {
        String::new()
    } else {
        reports
            .iter()
            .map(|r| render(r, &keytab_path, keytab.entries.len()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    verify_report::conclude(Outcome { human, json }, &results)
}

fn to_json(
    reports: &[Report],
    results: &[diagnose::TicketResult],
    keytab: &Path,
    live: Vec<serde_json::Value>,
) -> serde_json::Value {
    let summary: Vec<&str> = reports.iter().map(|r| r.summary.as_str()).collect();
    serde_json::json!({
        "input": {"path": null, "format": "live ticket from KDC", "summary": summary.join("; ")},
        "keytab": keytab.display().to_string(),
        "ok": !results.is_empty() && results.iter().all(|r| r.ok),
        "results": results,
        "live": live,
    })
}

/// What to ask the KDC with.
enum Credentials<'a> {
    Ccache {
        tgt: Tgt,
        name: String,
    },
    Password {
        user: Principal,
        source: BindSource<'a>,
    },
}

/// The ccache's TGT for the SPN's realm, else the bind user and password source.
fn credentials<'a>(
    ccache: &CcacheSource,
    bind_user: Option<&str>,
    bind: &'a crate::cli::BindArgs,
    spn: &Principal,
    now: i64,
) -> Result<Credentials<'a>, CliError> {
    let why = match ccache_tgt(ccache, &spn.realm, now) {
        Ok((tgt, name)) => return Ok(Credentials::Ccache { tgt, name }),
        Err(why) => why,
    };
    let Some(user) = bind_user else {
        return Err(CliError::usage(format!(
            "no credentials to ask the KDC for {spn} with: {why}, and no --bind-user was given"
        ))
        .hint(CREDENTIALS_HINT));
    };
    let user = credentials::user_principal(user, &spn.realm).map_err(|e| {
        CliError::usage(e.to_string()).hint("give --bind-user admin@REALM (or DOMAIN\\admin)")
    })?;
    let source = directory::bind_source(&bind.bind_password, None)?;
    Ok(Credentials::Password { user, source })
}

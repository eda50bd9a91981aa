//! Rendering the engine's reports shared by several commands: the facts after a
//! create or rotate, an account as AD sees it.

use std::fmt::Write as _;

use super::{Outcome, Reported};
use crate::ad::account::{ServiceAccount, Uac, filetime_to_system_time};
use crate::exit::CliError;
use crate::krb::Enctype;
use crate::krb::string_to_key::DEFAULT_AES_ITERATIONS;
use crate::provision::execute::Executed;
use crate::provision::{Facts, Session, create};
use crate::webconf::{self, KdcSource, Site};

/// The facts as text lines under `headline`.
pub fn facts_human(f: &Facts, headline: &str) -> String {
    let mut h = String::new();
    let _ = writeln!(h, "{headline}");
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(h, "  {k:<20} {v}");
    };
    line("account:", &f.account_dn);
    line("sAMAccountName:", &f.sam_account_name);
    line("SPN:", &f.spn);
    line("UPN:", f.upn.as_deref().unwrap_or("(none)"));
    if let Some(k) = f.kvno {
        line("kvno:", &k.to_string());
    }
    if let Some(s) = &f.salt {
        line(
            "salt:",
            &format!(
                "{s} ({} iterations)",
                f.iterations.unwrap_or(DEFAULT_AES_ITERATIONS)
            ),
        );
    }
    line("enctypes:", &f.enctypes.join(", "));
    let mut deleg = f.delegation.clone();
    if !f.delegate_to.is_empty() {
        deleg.push_str(&format!(" to {}", f.delegate_to.join(", ")));
    }
    line("delegation:", &deleg);
    if let Some(u) = &f.user_account_control {
        line("userAccountControl:", u);
    }
    if !f.keys_proven.is_empty() {
        line(
            "proven:",
            &format!(
                "KDC accepted {}; ticket flags: {}",
                f.keys_proven.join(", "),
                f.ticket_flags.join(" ")
            ),
        );
    }
    match (&f.keytab, f.keytab_entries) {
        (Some(k), Some(n)) => line("keytab:", &format!("{k} ({n} entries, mode 0600)")),
        _ => line("keytab:", "not written"),
    }
    if !f.domain_controller.is_empty() {
        let dc = if f.kdc.is_empty() {
            format!("{} (LDAP and KDC)", f.domain_controller)
        } else {
            format!("{} (LDAP; KDC {})", f.domain_controller, f.kdc)
        };
        line("domain controller:", &dc);
    }
    line("LDAP round trips:", &f.ldap_round_trips.to_string());
    if !f.replication.is_empty() {
        let _ = writeln!(h, "  replication:");
        for l in crate::provision::replication::table_text(&f.replication).lines() {
            let _ = writeln!(h, "  {l}");
        }
    }
    h
}

/// A run whose keys are proven on the DC written to but not (yet) on every DC:
/// the report stands, the exit status is 5.
pub fn not_replicated(mut outcome: Outcome, e: &crate::provision::Error) -> anyhow::Error {
    // The keytab is written and proven on the DC written to, but the run did not
    // do what was asked (every DC accepting the keys): not `ok`, exit status 5.
    if let Some(v) = outcome.json.as_mut() {
        v["ok"] = serde_json::Value::Bool(false);
        v["replicated"] = serde_json::Value::Bool(false);
    }
    Reported {
        outcome,
        error: CliError {
            exit: e.exit(),
            message: e.to_string(),
            hint: e.hint(),
        },
    }
    .into()
}

/// The facts as JSON, with `ok` and what each step did.
pub fn facts_json(f: &Facts, ok: bool, executed: &Executed) -> serde_json::Value {
    let mut v = serde_json::to_value(f).unwrap_or_default();
    v["ok"] = serde_json::Value::Bool(ok);
    v["progress"] = serde_json::to_value(executed).unwrap_or_default();
    v
}

/// `create --dry-run`: the plan, and nothing changed.
pub fn create_dry_run(prepared: &create::Prepared, session: &Session) -> Outcome {
    let mut human = prepared.plan.to_string();
    human.push_str("dry run: nothing was changed\n");
    Outcome {
        human,
        json: Some(serde_json::json!({
            "dry_run": true,
            "plan": prepared.plan.json(),
            "existing_account": prepared.existing.as_ref().map(|a| a.dn.clone()),
            "ldap_round_trips": session.round_trips(),
        })),
    }
}

/// The web site of a create that wrote its keytab: the realm, the host, the keytab
/// (on the web server at the same absolute path until `spnkt config --server-keytab`
/// says otherwise), the KDC the keys were proven with, the keytab's enctypes.
pub fn created_site(prepared: &create::Prepared) -> Site {
    let keytab = &prepared.request.keytab;
    let abs = std::path::absolute(keytab).unwrap_or_else(|_| keytab.clone());
    let server_dir = abs
        .parent()
        .map_or_else(String::new, |d| d.display().to_string());
    Site {
        realm: prepared.spec.realm.clone(),
        host: prepared.spec.host.clone(),
        keytab: keytab.display().to_string(),
        server_keytab: abs.display().to_string(),
        server_dir,
        kdcs: vec![prepared.spec.kdc.clone()],
        kdc_source: KdcSource::Provisioned,
        enctypes: webconf::select_enctypes(&prepared.request.enctypes).used,
    }
}

/// The result of [`create::execute`] as the command's output: the facts and the next
/// steps, or the error (with the facts when the account is in place but the keys are
/// not).
pub fn create_outcome(
    result: Result<create::Report, Box<create::Failure>>,
    prepared: &create::Prepared,
) -> anyhow::Result<Outcome> {
    create_outcome_with(result, prepared, String::new)
}

/// [`create_outcome`] with `between` (the wizard's keytab fingerprint) printed
/// between the facts and the next steps.
pub fn create_outcome_with(
    result: Result<create::Report, Box<create::Failure>>,
    prepared: &create::Prepared,
    between: impl FnOnce() -> String,
) -> anyhow::Result<Outcome> {
    let spn = prepared.request.host.spn();
    match result {
        Ok(report) => {
            let verb = if report.created {
                "created"
            } else {
                "converged"
            };
            let mut json = facts_json(&report.facts, true, &report.executed);
            json["created"] = serde_json::Value::Bool(report.created);
            json["plan"] = prepared.plan.json();
            let mut human = facts_human(
                &report.facts,
                &format!("{verb} {spn}: keys proven with the KDC, keytab written"),
            );
            human.push_str(&between());
            // The same generator as `spnkt config`: a few lines here, every file's
            // contents in the JSON.
            let site = created_site(prepared);
            let steps = webconf::next_steps(&site, webconf::Stage::Created);
            human.push('\n');
            human.push_str(&steps.text());
            json["next_steps"] = serde_json::to_value(&steps).unwrap_or_default();
            if let Ok(g) = webconf::generate(&site, &webconf::Target::ALL) {
                json["web_server_files"] = serde_json::to_value(&g.files).unwrap_or_default();
            }
            let outcome = Outcome {
                human,
                json: Some(json),
            };
            match &report.not_replicated {
                Some(e) => Err(not_replicated(outcome, e)),
                None => Ok(outcome),
            }
        }
        Err(failure) => {
            let error = CliError {
                exit: failure.exit(),
                message: failure.error.clone(),
                hint: failure.hint(),
            };
            if failure.undone.is_some() {
                return Err(error.into());
            }
            // The account is right in AD; the keys could not be proven or written.
            let mut json = facts_json(&failure.facts, false, &failure.executed);
            json["created"] = serde_json::Value::Bool(failure.created);
            Err(Reported {
                outcome: Outcome {
                    human: facts_human(
                        &failure.facts,
                        &format!("{spn}: the account is in place, the keys are NOT proven"),
                    ),
                    json: Some(json),
                },
                error,
            }
            .into())
        }
    }
}

/// pwdLastSet as UTC text.
pub fn pwd_last_set_text(ft: Option<i64>) -> String {
    match ft {
        None => "-".to_owned(),
        Some(0) => "0 (must change at next logon)".to_owned(),
        Some(ft) => filetime_to_system_time(ft)
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or_else(
                || ft.to_string(),
                |d| crate::timefmt::format_utc_i64(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            ),
    }
}

/// The account's facts as JSON (no secrets in there to begin with).
pub fn account_json(a: &ServiceAccount) -> serde_json::Value {
    serde_json::json!({
        "dn": a.dn,
        "sam_account_name": a.sam_account_name,
        "user_principal_name": a.user_principal_name,
        "service_principal_names": a.service_principal_names,
        "user_account_control": a.uac.0,
        "user_account_control_names": a.uac.names(),
        "enabled": !a.uac.contains(Uac::ACCOUNTDISABLE),
        "supported_enctypes": a.supported_enctypes.map(|s| s.0),
        "supported_enctype_names": a.supported_enctypes.map(|s| s.enctypes().iter().map(Enctype::to_string).collect::<Vec<_>>()),
        "kvno": a.kvno,
        "pwd_last_set": a.pwd_last_set,
        "pwd_last_set_utc": pwd_last_set_text(a.pwd_last_set),
        "delegation": a.delegation_text(),
        "allowed_to_delegate_to": a.allowed_to_delegate_to,
        "description": a.description,
        "is_computer": a.is_computer,
    })
}

/// The account as text lines.
pub fn account_human(a: &ServiceAccount) -> String {
    let mut h = String::new();
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(h, "  {k:<20} {v}");
    };
    line("account:", &a.dn);
    line("sAMAccountName:", &a.sam_account_name);
    line("UPN:", a.user_principal_name.as_deref().unwrap_or("(none)"));
    line("SPNs:", &a.service_principal_names.join(", "));
    line(
        "userAccountControl:",
        &format!("0x{:x} ({})", a.uac.0, a.uac.names().join(" | ")),
    );
    line(
        "enabled:",
        if a.uac.contains(Uac::ACCOUNTDISABLE) {
            "no (ACCOUNTDISABLE)"
        } else {
            "yes"
        },
    );
    line(
        "enctypes:",
        &match a.supported_enctypes {
            Some(s) => format!(
                "0x{:x} ({})",
                s.0,
                s.enctypes()
                    .iter()
                    .map(Enctype::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "not set (the domain's default)".to_owned(),
        },
    );
    line("kvno:", &a.kvno.map_or("-".to_owned(), |k| k.to_string()));
    line("pwdLastSet:", &pwd_last_set_text(a.pwd_last_set));
    line("delegation:", &a.delegation_text());
    line("description:", a.description.as_deref().unwrap_or("-"));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        let a = ServiceAccount {
            uac: Uac(Uac::NORMAL_ACCOUNT | Uac::TRUSTED_TO_AUTH_FOR_DELEGATION),
            allowed_to_delegate_to: vec!["HTTP/b.example.test".into()],
            ..ServiceAccount::default()
        };
        assert_eq!(
            a.delegation_text(),
            "constrained to HTTP/b.example.test, with protocol transition"
        );
        assert_eq!(ServiceAccount::default().delegation_text(), "none");
        assert_eq!(pwd_last_set_text(Some(0)), "0 (must change at next logon)");
        assert_eq!(
            pwd_last_set_text(Some(116_444_736_000_000_000)),
            "1970-01-01T00:00:00Z"
        );
    }
}

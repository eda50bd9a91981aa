//! `spnkt account show`: the account holding HTTP/host as AD sees it, and whether
//! a keytab matches it.

use std::fmt::Write as _;

use serde::Serialize;

use super::directory::{self, engine};
use super::render::{account_human, account_json};
use super::{Outcome, Reported, Ui, read_keytab};
use crate::ad::account::ServiceAccount;
use crate::cli::AccountShowArgs;
use crate::exit::CliError;
use crate::hostname;
use crate::krb::keytab::Keytab;
use crate::krb::{Enctype, Principal};
use crate::provision::converge::{KeytabProblem, compare_keytab, kvno_list};
use crate::provision::lookup;

/// How a keytab compares with the account (`--json`'s `keytab.detail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeytabMatch {
    pub principal: String,
    pub kvnos: Vec<u32>,
    pub enctypes_at_kvno: Vec<String>,
    pub problems: Vec<String>,
}

/// Compare the keytab entries of `principal` with the account's kvno and the
/// enctypes it allows, in this command's words.
pub fn keytab_match(kt: &Keytab, principal: &Principal, a: &ServiceAccount) -> KeytabMatch {
    let allowed: Vec<Enctype> = a
        .supported_enctypes
        .map(|s| {
            s.enctypes()
                .into_iter()
                .filter(|e| e.is_supported())
                .collect()
        })
        .unwrap_or_default();
    let c = compare_keytab(kt, principal, a.kvno, &allowed);
    let problems = c
        .problems
        .iter()
        .filter_map(|p| match p {
            // An unreadable kvno is no verdict on the keytab here.
            KeytabProblem::KvnoUnknown => None,
            KeytabProblem::OtherKvno { have, want } => Some(format!(
                "the keytab has kvno {} for {principal}, the account is at kvno {want}: tickets will not decrypt (the password changed since)",
                kvno_list(have)
            )),
            KeytabProblem::MissingEnctype { enctype, kvno } => Some(format!(
                "no {enctype} key at kvno {kvno}, which the account allows"
            )),
            p @ KeytabProblem::NoEntry => Some(p.describe(principal)),
        })
        .collect();
    KeytabMatch {
        principal: principal.to_string(),
        kvnos: c.kvnos,
        enctypes_at_kvno: c.enctypes_at_kvno.iter().map(Enctype::to_string).collect(),
        problems,
    }
}

pub fn show(args: &AccountShowArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    let keytab = match &args.keytab {
        Some(p) => Some(read_keytab(p)?),
        None => None,
    };
    let prepared = directory::prepare(&args.directory, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let a = lookup::owner(&mut session, &host).map_err(engine)?;
    let mut human = format!("{} is held by:\n", host.spn());
    human.push_str(&account_human(&a));
    let mut json = serde_json::json!({"spn": host.spn(), "account": account_json(&a)});
    let mut problems = Vec::new();
    if let (Some(kt), Some(path)) = (&keytab, &args.keytab) {
        let p = Principal::new(
            crate::krb::NameType::PRINCIPAL,
            vec!["HTTP".into(), host.name.clone()],
            session.realm.clone(),
        );
        let m = keytab_match(kt, &p, &a);
        let _ = writeln!(
            human,
            "  {:<20} {}: {}",
            "keytab:",
            path.display(),
            if m.problems.is_empty() {
                format!(
                    "matches (kvno {}, {})",
                    a.kvno.unwrap_or_default(),
                    m.enctypes_at_kvno.join(", ")
                )
            } else {
                format!("DOES NOT MATCH: {}", m.problems.join("; "))
            }
        );
        json["keytab"] = serde_json::json!({"path": path.display().to_string(), "matches": m.problems.is_empty(), "detail": m});
        problems = m.problems;
    }
    json["ldap_round_trips"] = serde_json::json!(session.round_trips());
    let outcome = Outcome {
        human,
        json: Some(json),
    };
    if problems.is_empty() {
        Ok(outcome)
    } else {
        Err(Reported {
            outcome,
            error: CliError::verification_failed(format!(
                "the keytab does not match the account: {}",
                problems.join("; ")
            ))
            .hint(format!(
                "get a matching keytab with `spnkt rotate --host {} --keytab FILE`",
                host.name
            )),
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::account::SupportedEnctypes;
    use crate::krb::Key;
    use crate::krb::keytab::KeytabEntry;

    #[test]
    fn keytab_comparison() {
        let p = Principal::parse("HTTP/a.example.test@EXAMPLE.TEST").unwrap();
        let e = |kvno, et| KeytabEntry {
            principal: p.clone(),
            timestamp: 0,
            kvno,
            key: Key::new(Enctype(et), vec![0; 16]),
        };
        let kt = Keytab {
            entries: vec![e(2, 18), e(3, 18)],
            ..Keytab::new()
        };
        let mut a = ServiceAccount {
            kvno: Some(3),
            supported_enctypes: Some(SupportedEnctypes::AES),
            ..ServiceAccount::default()
        };
        let m = keytab_match(&kt, &p, &a);
        assert_eq!(m.kvnos, [2, 3]);
        assert_eq!(
            m.problems,
            ["no aes128-cts-hmac-sha1-96 key at kvno 3, which the account allows"]
        );
        a.kvno = Some(4);
        assert!(keytab_match(&kt, &p, &a).problems[0].contains("account is at kvno 4"));
        a.kvno = None;
        assert!(keytab_match(&kt, &p, &a).problems.is_empty());
        let other = Principal::parse("HTTP/b@EXAMPLE.TEST").unwrap();
        assert!(keytab_match(&kt, &other, &a).problems[0].contains("no entry"));
    }
}

//! `spnkt account show`: the account holding HTTP/host as AD sees it, and whether
//! a keytab matches it. Also the owner lookup shared by rotate and delete.

use std::fmt::Write as _;

use super::directory::{self, Session};
use super::{Outcome, Reported, Ui, read_keytab};
use crate::ad::account::{ServiceAccount, Uac, filetime_to_system_time};
use crate::cli::AccountShowArgs;
use crate::exit::CliError;
use crate::hostname::{self, Host};
use crate::krb::{Enctype, Principal};

/// The one account holding HTTP/host.
pub fn owner(session: &mut Session, host: &Host) -> anyhow::Result<ServiceAccount> {
    let spn = host.spn();
    let holders = session.dir.find_spn(&spn).map_err(|e| {
        directory::ldap_error(
            e,
            &format!("cannot look up {spn}"),
            "check --base-dn and the bind account's read rights",
        )
    })?;
    match holders.as_slice() {
        [] => Err(CliError::failure(format!("no account holds {spn}"))
            .hint(format!(
                "create it with `spnkt create --host {}`; `spnkt spn list --host {}` shows the host's other SPNs",
                host.name, host.name
            ))
            .into()),
        [one] => session.dir.read_account(&one.dn).map_err(|e| {
            directory::ldap_error(e, &format!("cannot read {}", one.dn), "the account may be in another domain: use --ldap-url of a DC of that domain")
        }),
        many => Err(CliError::failure(format!(
            "{spn} is held by {} objects (a duplicate SPN; Kerberos fails for it): {}",
            many.len(),
            many.iter().map(|e| e.dn.as_str()).collect::<Vec<_>>().join("; ")
        ))
        .hint("remove it from all but one with `spnkt spn remove --account NAME SPN`; `spnkt spn check` lists every duplicate")
        .into()),
    }
}

/// Who the account may act for, in words.
pub fn delegation_text(a: &ServiceAccount) -> String {
    let mut parts = Vec::new();
    if a.uac.contains(Uac::TRUSTED_FOR_DELEGATION) {
        parts.push("unconstrained (TRUSTED_FOR_DELEGATION)".to_owned());
    }
    if !a.allowed_to_delegate_to.is_empty() {
        let pt = if a.uac.contains(Uac::TRUSTED_TO_AUTH_FOR_DELEGATION) {
            ", with protocol transition"
        } else {
            ""
        };
        parts.push(format!(
            "constrained to {}{pt}",
            a.allowed_to_delegate_to.join(", ")
        ));
    } else if a.uac.contains(Uac::TRUSTED_TO_AUTH_FOR_DELEGATION) {
        parts.push(
            "protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION) without targets".to_owned(),
        );
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join("; ")
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
        "delegation": delegation_text(a),
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
    line("delegation:", &delegation_text(a));
    line("description:", a.description.as_deref().unwrap_or("-"));
    h
}

/// How a keytab compares with the account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeytabMatch {
    pub principal: String,
    pub kvnos: Vec<u32>,
    pub enctypes_at_kvno: Vec<String>,
    pub problems: Vec<String>,
}

/// Compare the keytab entries of `principal` with the account's kvno and enctypes.
pub fn compare_keytab(
    kt: &crate::krb::keytab::Keytab,
    principal: &Principal,
    a: &ServiceAccount,
) -> KeytabMatch {
    let mine: Vec<_> = kt
        .entries
        .iter()
        .filter(|e| e.matches(principal, None, None))
        .collect();
    let mut kvnos: Vec<u32> = mine.iter().map(|e| e.kvno).collect();
    kvnos.sort_unstable();
    kvnos.dedup();
    let mut problems = Vec::new();
    let mut at_kvno = Vec::new();
    if mine.is_empty() {
        problems.push(format!("the keytab has no entry for {principal}"));
    } else if let Some(k) = a.kvno {
        at_kvno = mine
            .iter()
            .filter(|e| e.kvno == k)
            .map(|e| e.key.enctype())
            .collect::<Vec<_>>();
        if at_kvno.is_empty() {
            problems.push(format!(
                "the keytab has kvno {} for {principal}, the account is at kvno {k}: tickets will not decrypt (the password changed since)",
                kvnos.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ));
        } else if let Some(s) = a.supported_enctypes {
            for e in s.enctypes().into_iter().filter(|e| e.is_supported()) {
                if !at_kvno.contains(&e) {
                    problems.push(format!("no {e} key at kvno {k}, which the account allows"));
                }
            }
        }
    }
    KeytabMatch {
        principal: principal.to_string(),
        kvnos,
        enctypes_at_kvno: at_kvno.iter().map(Enctype::to_string).collect(),
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
    let a = owner(&mut session, &host)?;
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
        let m = compare_keytab(kt, &p, &a);
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
    json["ldap_round_trips"] = serde_json::json!(session.dir.round_trips());
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
    use crate::krb::keytab::{Keytab, KeytabEntry};

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
        let m = compare_keytab(&kt, &p, &a);
        assert_eq!(m.kvnos, [2, 3]);
        assert_eq!(
            m.problems,
            ["no aes128-cts-hmac-sha1-96 key at kvno 3, which the account allows"]
        );
        a.kvno = Some(4);
        assert!(compare_keytab(&kt, &p, &a).problems[0].contains("account is at kvno 4"));
        let other = Principal::parse("HTTP/b@EXAMPLE.TEST").unwrap();
        assert!(compare_keytab(&kt, &other, &a).problems[0].contains("no entry"));
    }

    #[test]
    fn texts() {
        let a = ServiceAccount {
            uac: Uac(Uac::NORMAL_ACCOUNT | Uac::TRUSTED_TO_AUTH_FOR_DELEGATION),
            allowed_to_delegate_to: vec!["HTTP/b.example.test".into()],
            ..ServiceAccount::default()
        };
        assert_eq!(
            delegation_text(&a),
            "constrained to HTTP/b.example.test, with protocol transition"
        );
        assert_eq!(delegation_text(&ServiceAccount::default()), "none");
        assert_eq!(pwd_last_set_text(Some(0)), "0 (must change at next logon)");
        assert_eq!(
            pwd_last_set_text(Some(116_444_736_000_000_000)),
            "1970-01-01T00:00:00Z"
        );
    }
}

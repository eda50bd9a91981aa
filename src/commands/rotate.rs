//! `spnkt rotate`: a new random password for the account holding HTTP/host, the
//! new kvno read back, the keys proven, the keytab rewritten keeping the previous
//! `--keep-old` kvnos of the principal.

use super::account::owner;
use super::directory;
use super::provision::{self, Facts, KeyTarget};
use super::{Outcome, Reported, Ui};
use crate::ad::account::SupportedEnctypes;
use crate::cli::RotateArgs;
use crate::exit::{CliError, Exit};
use crate::genpass;
use crate::hostname;
use crate::krb::Enctype;
use crate::plan::{KeytabMode, PasswordOrigin, Plan, Step, key_steps};

pub fn run(args: &RotateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    directory::check_keytab_dir(&args.keytab)?;
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let prepared = directory::prepare(&args.directory, ui, None)?;
    prepared.require_kdc_to_prove_keys()?;
    let mut session = directory::connect(prepared, ui)?;
    let kdc = session.kdc()?;
    provision::check_kdc_reachable(&kdc, &session.realm)?;
    let realm = session.realm.clone();
    let account = owner(&mut session, &host)?;
    if account.is_computer {
        return Err(CliError::usage(format!(
            "{} is a computer account; spnkt does not change computer passwords",
            account.dn
        ))
        .hint(
            "host is a machine name; use a virtual host name with its own account (`spnkt create`)",
        )
        .into());
    }
    let spn = host.spn();
    let enctypes: Vec<Enctype> = account
        .supported_enctypes
        .unwrap_or(SupportedEnctypes::AES)
        .enctypes()
        .into_iter()
        .filter(|e| e.is_supported())
        .collect();
    let enctypes = if enctypes.is_empty() {
        ui.warn("the account allows no AES or RC4 enctype; writing AES keys");
        SupportedEnctypes::AES.enctypes()
    } else {
        enctypes
    };
    let upn = account.user_principal_name.clone();
    let client = upn
        .clone()
        .unwrap_or_else(|| format!("{}@{realm}", account.sam_account_name));
    let mut principals = vec![format!("{spn}@{realm}")];
    if upn.is_none() {
        principals.push(format!("{}@{realm}", account.sam_account_name));
    }
    let mut steps = vec![Step::SetPassword {
        dn: account.dn.clone(),
        password: PasswordOrigin::Random {
            length: genpass::DEFAULT_LENGTH,
        },
    }];
    steps.extend(key_steps(
        &account.dn,
        &kdc.0,
        &client,
        &format!("{spn}@{realm}"),
        &args.keytab.display().to_string(),
        principals,
        enctypes.iter().map(Enctype::to_string).collect(),
        KeytabMode::Rotate {
            keep_old: args.keep_old,
        },
    ));
    let plan = Plan {
        command: "rotate".into(),
        principal: format!("{spn}@{realm}"),
        steps,
    };
    if args.dry_run {
        let mut human = plan.to_string();
        human.push_str("dry run: nothing was changed\n");
        return Ok(Outcome {
            human,
            json: Some(
                serde_json::json!({"dry_run": true, "plan": plan.json(), "account": account.dn, "kvno": account.kvno}),
            ),
        });
    }
    if !args.yes {
        eprint!("{plan}");
        if !directory::confirm(
            false,
            "Change the password now? Keytabs older than the kept kvnos stop working",
        )? {
            return Err(directory::declined());
        }
    }
    let password = genpass::random_password(genpass::DEFAULT_LENGTH)
        .map_err(|e| CliError::failure(format!("no randomness from the operating system: {e}")))?;
    let target = KeyTarget {
        realm: realm.clone(),
        sam_account_name: account.sam_account_name.clone(),
        upn: upn.clone(),
        enctypes: enctypes.clone(),
    };
    let result = provision::execute(&plan, &mut session, &password, &target, ui);
    drop(password);
    let (progress, failure) = match result {
        Ok(p) => (p, None),
        Err(boxed) => {
            let (p, f) = *boxed;
            (p, Some(f))
        }
    };
    if let (Some(old), Some(new)) = (account.kvno, progress.kvno)
        && new != old.wrapping_add(1)
    {
        ui.note(format!(
            "kvno went from {old} to {new} (someone else changed the password in between?)"
        ));
    }
    let f = Facts {
        account_dn: account.dn.clone(),
        sam_account_name: account.sam_account_name.clone(),
        spn: spn.clone(),
        upn,
        kvno: progress.kvno,
        salt: progress.salt.clone(),
        iterations: progress.iterations,
        enctypes: enctypes.iter().map(Enctype::to_string).collect(),
        supported_enctypes: account
            .supported_enctypes
            .map_or("not set".to_owned(), |s| format!("0x{:x}", s.0)),
        delegation: super::account::delegation_text(&account),
        delegate_to: account.allowed_to_delegate_to.clone(),
        user_account_control: Some(format!(
            "0x{:x} ({})",
            account.uac.0,
            account.uac.names().join(" | ")
        )),
        keys_proven: progress.keys_proven.clone(),
        ticket_flags: progress.ticket_flags.clone(),
        keytab: progress
            .keytab_written
            .then(|| args.keytab.display().to_string()),
        keytab_entries: progress.keytab_entries,
        ldap_round_trips: session.dir.round_trips(),
    };
    let mut json = f.json(failure.is_none(), &progress);
    json["previous_kvno"] = serde_json::json!(account.kvno);
    match failure {
        None => {
            let kept = progress.kept_old_entries.unwrap_or_default();
            Ok(Outcome {
                human: f.human(&format!(
                    "rotated {spn}: kvno {} -> {}, keys proven, keytab rewritten ({kept} older entries kept)",
                    account.kvno.map_or("?".into(), |k| k.to_string()),
                    progress.kvno.map_or("?".into(), |k| k.to_string())
                )),
                json: Some(json),
            })
        }
        Some(fail) if matches!(fail.step, Step::SetPassword { .. }) => Err(CliError {
            exit: Exit::Failure,
            message: format!(
                "step 1 failed: {}; nothing was changed (the old keytab still works)",
                fail.error.message
            ),
            hint: fail.error.hint,
        }
        .into()),
        Some(fail) => Err(Reported {
            outcome: Outcome {
                human: f.human(&format!("{spn}: the password WAS changed, the keytab was NOT rewritten")),
                json: Some(json),
            },
            error: CliError {
                exit: fail.error.exit,
                message: format!(
                    "step {} failed: {}; the account has a new password, so keytabs made before no longer work until this is fixed",
                    fail.number, fail.error.message
                ),
                hint: fail.error.hint.or_else(|| Some(format!("run `spnkt rotate --host {}` again", host.name))),
            },
        }
        .into()),
    }
}

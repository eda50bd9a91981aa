//! `spnkt keytab create`: derive keys from a password and write a keytab (ktpass
//! without -mapuser). Everything is checked before the password is read.

use std::fmt::Write as _;

use anyhow::Context;

use super::{Outcome, Ui, UpdateError, plural, update_keytab};
use crate::atomic_file::Overwrite;
use crate::cli::{KeytabCreateArgs, PrincipalType};
use crate::exit::CliError;
use crate::krb::keytab::{Keytab, KeytabEntry, KeytabVersion};
use crate::krb::string_to_key::{DEFAULT_AES_ITERATIONS, string_to_key};
use crate::krb::{Enctype, NameType, salt};
use crate::{secret_input, timefmt, validate};

/// What the merge under the lock found and did.
struct Merged {
    existed: bool,
    upgraded: bool,
    replaced: usize,
    total: usize,
}

pub fn run(args: &KeytabCreateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let name_type = match args.ptype {
        PrincipalType::Principal => NameType::PRINCIPAL,
        PrincipalType::SrvInst => NameType::SRV_INST,
        PrincipalType::SrvHst => NameType::SRV_HST,
    };
    let (principal, warnings) = validate::keytab_principal(&args.principal, name_type)?;
    for w in warnings {
        ui.warn(w);
    }
    let enctypes = validate::derivable_enctypes(&args.enctypes)?;
    if enctypes.contains(&Enctype::RC4_HMAC) {
        ui.warn(
            "rc4-hmac requested: Windows domain controllers are dropping RC4; use AES unless a client still needs it",
        );
    }
    let has_aes = enctypes.iter().any(|e| *e != Enctype::RC4_HMAC);
    // Notes are about a keytab that was written: shown after success only.
    let mut notes = Vec::new();
    let salt = match &args.salt {
        Some(s) => {
            if !has_aes {
                notes.push("--salt does not apply to rc4-hmac keys".to_owned());
            }
            s.clone()
        }
        None => {
            let s = salt::mit_default_salt(&principal);
            if has_aes {
                notes.push(format!(
                    "using the MIT default salt `{s}`: AD salts the same way only if the account's \
                     userPrincipalName is {principal}; otherwise pass --salt (the realm followed by the UPN's \
                     name parts, or by the sAMAccountName when there is no UPN, e.g. {realm}svc-app1)",
                    realm = principal.realm,
                ));
            }
            s
        }
    };
    if args.iterations != DEFAULT_AES_ITERATIONS && has_aes {
        ui.warn(format!(
            "{} PBKDF2 iterations: AD always uses {DEFAULT_AES_ITERATIONS}; keys derived otherwise will not match",
            args.iterations
        ));
    }
    let kvno = match args.kvno {
        Some(k) => k,
        None => {
            notes.push(
                "kvno 1: use --kvno with the account's msDS-KeyVersionNumber, it grows with every password change"
                    .to_owned(),
            );
            1
        }
    };

    // The target file, before asking for anything secret.
    let exists = std::fs::symlink_metadata(&args.out).is_ok();
    if exists && !args.append && !args.force {
        return Err(
            CliError::failure(format!("{} already exists", args.out.display()))
                .hint("use --append to add the keys to it or --force to replace it")
                .into(),
        );
    }
    let timestamp = timefmt::keytab_timestamp()?;

    let source = super::password_source(&args.password)?;
    let password = secret_input::read(&source, &principal.to_string())?;
    let mut new_entries = Vec::with_capacity(enctypes.len());
    for enctype in &enctypes {
        let key = string_to_key(*enctype, &password, salt.as_bytes(), args.iterations)
            .with_context(|| format!("cannot derive the {enctype} key"))?;
        new_entries.push(KeytabEntry {
            principal: principal.clone(),
            timestamp,
            kvno,
            key,
        });
    }
    drop(password);

    // Under the keytab's lock: the file as it is now (another run may have written
    // it since the check above), merged and replaced, or created exclusively.
    let overwrite = if args.append || args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let merged = update_keytab(&args.out, overwrite, |current| {
        let mut keytab = if args.append {
            current.read()?.unwrap_or_default()
        } else {
            Keytab::new()
        };
        let upgraded = keytab.version != KeytabVersion::V2;
        // --append: the same principal+kvno+enctype is replaced in place.
        let replaced = new_entries
            .iter()
            .map(|entry| keytab.put_entry(entry.clone()))
            .filter(|&was_replaced| was_replaced)
            .count();
        keytab.version = KeytabVersion::V2;
        let merged = Merged {
            existed: current.exists(),
            upgraded,
            replaced,
            total: keytab.entries.len(),
        };
        Ok::<_, UpdateError>((Some(keytab), merged))
    })?;
    let Merged {
        existed,
        upgraded,
        replaced,
        total,
    } = merged;
    if upgraded {
        super::note_upgraded(ui, &args.out);
    }
    for n in notes {
        ui.note(n);
    }

    let names: Vec<String> = enctypes.iter().map(Enctype::to_string).collect();
    let mut human = String::new();
    let _ = writeln!(
        human,
        "wrote {} to {}",
        plural(enctypes.len(), "key", "keys"),
        args.out.display()
    );
    let _ = writeln!(human, "  principal:  {principal}");
    let _ = writeln!(human, "  kvno:       {kvno}");
    if has_aes {
        let _ = writeln!(human, "  salt:       {salt}");
    }
    let _ = writeln!(human, "  enctypes:   {}", names.join(", "));
    if args.append && existed {
        let _ = writeln!(
            human,
            "  replaced {} with the same principal, kvno and enctype; the keytab now holds {}",
            plural(replaced, "entry", "entries"),
            plural(total, "entry", "entries")
        );
    }
    let json = serde_json::json!({
        "keytab": args.out.display().to_string(),
        "principal": principal.to_string(),
        "name_type": principal.name_type.0,
        "kvno": kvno,
        "salt": salt,
        "iterations": args.iterations,
        "timestamp": timestamp,
        "entries": enctypes.iter().map(|e| serde_json::json!({"enctype": e.0, "enctype_name": e.to_string()})).collect::<Vec<_>>(),
        "replaced": replaced,
        "total_entries": total,
    });
    Ok(Outcome {
        human,
        json: Some(json),
    })
}

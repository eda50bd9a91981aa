//! `spnkt keytab create`: derive keys from a password and write a keytab (ktpass
//! without -mapuser). Everything is checked before the password is read.

use std::fmt::Write as _;

use anyhow::Context;

use super::{Outcome, Ui, parse_enctype, parse_principal, plural, read_keytab, write_keytab};
use crate::atomic_file::Overwrite;
use crate::cli::{KeytabCreateArgs, PrincipalType};
use crate::exit::CliError;
use crate::krb::keytab::{Keytab, KeytabEntry, KeytabVersion};
use crate::krb::string_to_key::{DEFAULT_AES_ITERATIONS, string_to_key};
use crate::krb::{Enctype, NameType, Principal, salt};
use crate::{secret_input, timefmt};

pub fn run(args: &KeytabCreateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let principal = checked_principal(&args.principal, args.ptype, ui)?;
    let enctypes = derivable_enctypes(&args.enctypes)?;
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
    let mut keytab = if exists && args.append {
        read_keytab(&args.out)?
    } else {
        Keytab {
            version: KeytabVersion::V2,
            entries: Vec::new(),
        }
    };
    let timestamp = timefmt::keytab_timestamp()?;

    let source = secret_input::source(&args.password)?;
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

    // --append: replace same principal+kvno+enctype in place, add the rest.
    let mut replaced = 0;
    for entry in new_entries {
        match keytab.entries.iter_mut().find(|old| old.same_slot(&entry)) {
            Some(old) => {
                *old = entry;
                replaced += 1;
            }
            None => keytab.entries.push(entry),
        }
    }
    super::note_if_upgraded(ui, &args.out, &keytab);
    keytab.version = KeytabVersion::V2;
    let overwrite = if exists {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    write_keytab(&args.out, &keytab, overwrite)?;
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
    if args.append && exists {
        let _ = writeln!(
            human,
            "  replaced {} with the same principal, kvno and enctype; the keytab now holds {}",
            plural(replaced, "entry", "entries"),
            plural(keytab.entries.len(), "entry", "entries")
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
        "total_entries": keytab.entries.len(),
    });
    Ok(Outcome {
        human,
        json: Some(json),
    })
}

/// Parse the principal, upper-case its realm and warn about common SPN mistakes.
fn checked_principal(
    input: &str,
    ptype: PrincipalType,
    ui: &mut Ui,
) -> Result<Principal, CliError> {
    let parsed = parse_principal(input)?;
    let name_type = match ptype {
        PrincipalType::Principal => NameType::PRINCIPAL,
        PrincipalType::SrvInst => NameType::SRV_INST,
        PrincipalType::SrvHst => NameType::SRV_HST,
    };
    let before = parsed.realm.clone();
    let principal = parsed.with_uppercase_realm().with_name_type(name_type);
    if principal.realm != before {
        ui.warn(format!(
            "realm upper-cased to {}: AD realms are upper case",
            principal.realm
        ));
    }
    if let [service, host, ..] = principal.components.as_slice() {
        let is_http = service.eq_ignore_ascii_case("HTTP");
        let is_https = service.eq_ignore_ascii_case("HTTPS");
        if is_https {
            ui.warn(format!(
                "service `{service}`: browsers ask for HTTP/{host} even for https:// sites; use HTTP/{host}@{}",
                principal.realm
            ));
        }
        if (is_http || is_https) && host.chars().any(char::is_uppercase) {
            ui.warn(format!(
                "host `{host}` has upper-case letters: Kerberos names are case-sensitive and browsers ask for \
                 HTTP/{}; written as given",
                host.to_lowercase()
            ));
        }
    }
    Ok(principal)
}

/// Parse `--enctypes`, keeping order and dropping repeats; only derivable ones.
fn derivable_enctypes(list: &[String]) -> Result<Vec<Enctype>, CliError> {
    let mut out: Vec<Enctype> = Vec::new();
    for item in list {
        let e = parse_enctype(item)?;
        if !e.is_supported() {
            return Err(CliError::usage(format!(
                "cannot derive {e} keys: spnkt derives aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96 and rc4-hmac only"
            ))
            .hint("use --enctypes aes256,aes128 (add rc4 only for old clients); DES and 3DES are obsolete"));
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    if out.is_empty() {
        return Err(CliError::usage("--enctypes is empty").hint(super::ENCTYPE_NAMES_HINT));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enctype_lists() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            derivable_enctypes(&v(&["aes256", "AES128", "aes256", "23"])).unwrap(),
            [Enctype(18), Enctype(17), Enctype(23)]
        );
        let e = derivable_enctypes(&v(&["aes256", "bogus"])).unwrap_err();
        assert_eq!(e.message, "unknown encryption type `bogus`");
        let e = derivable_enctypes(&v(&["des"])).unwrap_err();
        assert!(
            e.message.starts_with("cannot derive des-cbc-md5 keys"),
            "{}",
            e.message
        );
    }

    #[test]
    fn principal_checks() {
        let mut ui = Ui {
            quiet: true,
            ..Ui::default()
        };
        let p = checked_principal(
            "HTTPS/App1.example.com@example.com",
            PrincipalType::SrvHst,
            &mut ui,
        )
        .unwrap();
        assert_eq!(p.realm, "EXAMPLE.COM");
        assert_eq!(p.components[1], "App1.example.com");
        assert_eq!(p.name_type, NameType::SRV_HST);
        assert_eq!(ui.warnings.len(), 3, "{:?}", ui.warnings);
        let e = checked_principal("HTTP/x", PrincipalType::Principal, &mut ui).unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("add @REALM, the AD domain in upper case: HTTP/x@EXAMPLE.COM")
        );
    }
}

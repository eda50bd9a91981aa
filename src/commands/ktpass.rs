//! `spnkt ktpass ...`: a ktpass line from a runbook, carried out the spnkt way.
//!
//! The line is parsed as ktpass takes it ([`crate::legacy::ktpass`]), what it would
//! do in AD is said first (ktpass resets the password, which changes the salt and
//! the kvno), then the same thing is done with `spnkt create` (account converged or
//! created, keys proven with the KDC, keytab written) — or, for `-setpass`, with the
//! account's current password and no change in AD — and the native `spnkt` command
//! line that does the same is printed. A password typed into the line is refused.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::{Outcome, Ui, create, keytab_derive};
use crate::cli::command_line::{ACCOUNT_PASSWORD_ENV, command_line, create_args};
use crate::cli::{KeytabDeriveArgs, KtpassArgs};
use crate::exit::CliError;
use crate::hostname;
use crate::krb::{Password, Principal};
use crate::legacy::ktpass::{self, Crypto, KtpassError, KtpassLine, MapOp, Pass};

/// How to give the account's password instead of on the command line.
const PASSWORD_HINT: &str = "give it with -pass * (spnkt asks, twice, without echo), or with spnkt's --password-env VAR or --password-file FILE before the ktpass options, or use +rndpass (a random password: nobody needs to know it, the keytab holds the keys)";

fn parse_error(e: KtpassError) -> CliError {
    let hint = match &e {
        KtpassError::PasswordOnCommandLine => PASSWORD_HINT.to_owned(),
        KtpassError::Des { .. } => {
            "use -crypto AES256-SHA1 (or All: spnkt writes AES256, AES128 and RC4)".to_owned()
        }
        KtpassError::SpnktOptionInside { token } => {
            format!("e.g. spnkt ktpass {token} -princ HTTP/app1.example.com@EXAMPLE.COM ...")
        }
        _ => "ktpass options: -out -princ -mapuser -mapop -pass -crypto -ptype -kvno -in -target, +rndpass, +/-setupn, +/-setpass, +/-answer, +DumpSalt (see spnkt ktpass --help)".to_owned(),
    };
    CliError::usage(e.to_string()).hint(hint)
}

/// `SERVICE/host@REALM` → (host, realm), refusing what spnkt does not make.
fn http_principal(princ: &str) -> Result<(String, String), CliError> {
    let p = Principal::parse(princ).map_err(|e| {
        CliError::usage(format!("-princ {princ}: {e}"))
            .hint("e.g. -princ HTTP/app1.example.com@EXAMPLE.COM")
    })?;
    if p.realm.is_empty() {
        return Err(CliError::usage(format!("-princ {princ} has no realm"))
            .hint("e.g. -princ HTTP/app1.example.com@EXAMPLE.COM (ktpass needs the realm too)"));
    }
    let [service, host] = p.components.as_slice() else {
        return Err(
            CliError::usage(format!("-princ {princ} is not SERVICE/host@REALM"))
                .hint("spnkt ktpass makes HTTP/host accounts for SPNEGO"),
        );
    };
    if service.eq_ignore_ascii_case("HTTPS") {
        return Err(CliError::usage(format!(
            "-princ {princ}: browsers never ask for HTTPS/ tickets: they ask for HTTP/{host}, also for https:// sites, so this keytab would never be used"
        ))
        .hint(format!("use -princ HTTP/{host}@{}", p.realm)));
    }
    if !service.eq_ignore_ascii_case("HTTP") {
        return Err(CliError::usage(format!(
            "-princ {princ}: spnkt ktpass makes HTTP/ accounts for SPNEGO, not {service}/"
        ))
        .hint("for another service's keytab from a known password use `spnkt keytab create`"));
    }
    Ok((host.clone(), p.realm.clone()))
}

/// The explanation printed before anything happens.
fn explain(line: &KtpassLine, ui: &mut Ui) {
    let mut text = String::from("What this ktpass line would do in AD:\n");
    for e in line.effects() {
        text.push_str(&format!("  - {e}\n"));
    }
    ui.line(text.trim_end());
}

pub fn run(args: &KtpassArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let line = ktpass::parse(&args.ktpass).map_err(parse_error)?;
    explain(&line, ui);
    let Some(princ) = line.princ.as_deref() else {
        return Err(CliError::usage("the ktpass line has no -princ")
            .hint("e.g. -princ HTTP/app1.example.com@EXAMPLE.COM")
            .into());
    };
    let (host, realm) = http_principal(princ)?;
    let host = hostname::check_host(&host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }

    // The native arguments.
    let mut c = create_args(&host.name, &PathBuf::new(), None, &args.directory);
    c.force = false;
    c.directory.kerberos.realm.get_or_insert(realm.clone());
    c.delegation = args.delegation;
    c.no_dns_check = args.no_dns_check;
    c.password = args.password.clone();
    c.replication = args.replication.clone();
    c.dry_run = args.dry_run || line.answer == Some(false);
    c.yes = args.yes || line.answer == Some(true);
    if line.answer == Some(false) {
        ui.note("-answer (answer every question with no): nothing is changed, the plan is shown");
    }
    if let Some(target) = &line.target {
        if c.directory.ldap_url.is_none() {
            c.directory.ldap_url = Some(format!("ldaps://{target}"));
        } else {
            ui.note(format!(
                "-target {target}: --ldap-url names the domain controller already"
            ));
        }
    }
    let keytab = match line.out.as_deref() {
        Some(out) => {
            let (name, windows) = ktpass::local_file_name(out);
            if windows {
                ui.note(format!(
                    "-out {out} is a path on the Windows machine of the runbook: the keytab is written to {name} in the current directory"
                ));
            }
            PathBuf::from(name)
        }
        None => {
            let p = PathBuf::from(format!("{}.keytab", host.name));
            ui.note(format!(
                "no -out: spnkt always writes the keytab it proves, here to {}",
                p.display()
            ));
            p
        }
    };
    c.keytab = keytab.clone();
    if let Some(crypto) = line.crypto {
        c.enctypes = crypto.enctypes().iter().map(|e| (*e).to_owned()).collect();
        if crypto == Crypto::All {
            ui.note("-crypto All: AES256, AES128 and RC4; never DES (broken, and disabled by Windows and MIT)");
        }
        if crypto == Crypto::Rc4 {
            ui.warn("-crypto RC4-HMAC-NT: RC4 keys only; RC4 is weak (the key is the unsalted NT hash) and Windows DCs are dropping it: use AES256-SHA1 unless a client cannot do AES");
        }
    } else {
        ui.note("no -crypto: spnkt writes AES256 and AES128 keys (ktpass's default depends on the Windows version)");
    }
    if let Some(p) = &line.ptype
        && p != "KRB5_NT_PRINCIPAL"
    {
        ui.note(format!(
            "-ptype {p}: the keytab's entries are written as KRB5_NT_PRINCIPAL; MIT krb5, Java and Windows match keytab entries by name, not by name type"
        ));
    }
    if let Some(k) = line.kvno {
        ui.warn(format!(
            "-kvno {k} is ignored: the keytab gets the kvno the directory reports after the change, the one the KDC uses (a kvno that differs makes the keytab useless)"
        ));
    }
    if line.dump_salt {
        ui.note("+DumpSalt: the salt the KDC announces is in the report (salt:)");
    }
    c.no_upn = !line.setupn;
    let Some(mapuser) = &line.mapuser else {
        return Err(CliError::usage(
            "the ktpass line has no -mapuser: spnkt ktpass works on an AD account",
        )
        .hint(format!(
            "add -mapuser ACCOUNT (spnkt creates it when it does not exist), or make an offline keytab from a known password with `spnkt keytab create --principal {princ} --password-env VAR --out {}`",
            keytab.display()
        ))
        .into());
    };
    let (account, note) = ktpass::mapuser_account(mapuser);
    if let Some(n) = note {
        ui.note(n);
    }
    if account.ends_with('$') {
        return Err(CliError::usage(format!(
            "-mapuser {mapuser} is a computer account: ktpass would reset the computer's password, and the machine could no longer log on to the domain; spnkt never does that"
        ))
        .hint(format!(
            "give the web site a service account of its own: -mapuser svc-http-{} (spnkt creates it)",
            host.first_label()
        ))
        .into());
    }
    hostname::check_sam_account_name(&account)?;
    c.account = Some(account.clone());
    // ktpass changes an existing account; spnkt takes it over (and creates it when
    // it does not exist, where ktpass would fail).
    c.rotate = true;

    // Where the keytab goes: -in adds to an existing one, ktpass overwrites -out.
    let mut merge_from: Option<PathBuf> = None;
    if let Some(input) = &line.input {
        let (name, _) = ktpass::local_file_name(input);
        let input = PathBuf::from(name);
        if input == keytab {
            c.append = true;
        } else {
            merge_from = Some(input);
            c.force = true;
        }
    } else if crate::keytab_file::exists(&keytab) {
        ui.warn(format!(
            "{} exists: ktpass overwrites -out, and so does spnkt (give -in {} to keep its other entries)",
            keytab.display(),
            keytab.display()
        ));
        c.force = true;
    }

    // The password: never from the line itself.
    let password = match &line.pass {
        Some(Pass::Literal) => {
            // Say how to run it right before refusing.
            let mut fixed = c.clone();
            fixed.password.password_env = Some(ACCOUNT_PASSWORD_ENV.to_owned());
            ui.line(&format!(
                "The native command, once the password is in {ACCOUNT_PASSWORD_ENV}:\n{}",
                command_line(&fixed)
            ));
            return Err(parse_error(KtpassError::PasswordOnCommandLine).into());
        }
        Some(Pass::Prompt)
            if c.password.password_file.is_none()
                && c.password.password_env.is_none()
                && !c.password.password_stdin =>
        {
            if !std::io::stdin().is_terminal() {
                return Err(CliError::usage(
                    "-pass * asks for the password, and standard input is not a terminal",
                )
                .hint("give it with spnkt's --password-env VAR or --password-file FILE before the ktpass options")
                .into());
            }
            let p = dialoguer::Password::new()
                .with_prompt(format!("Password for {account} (not shown)"))
                .with_confirmation("Repeat it", "the two passwords differ")
                .interact()
                .map_err(|e| CliError::failure(format!("cannot read the password: {e}")))?;
            c.password.password_env = Some(ACCOUNT_PASSWORD_ENV.to_owned());
            Some(Password::new(p))
        }
        _ => None,
    };
    let password_given = password.is_some()
        || c.password.password_env.is_some()
        || c.password.password_file.is_some()
        || c.password.password_stdin;
    if line.rndpass && password_given {
        ui.note("+rndpass: the password given is used, not a random one");
    }
    if line.setpass && !line.rndpass && !password_given {
        ui.note("no -pass: spnkt sets a random password (ktpass would ask for one); nobody needs to know it, the keytab holds the keys");
    }
    if !line.setpass && !password_given {
        return Err(CliError::usage(
            "-setpass keeps the account's password: spnkt needs that password to make the keytab",
        )
        .hint(PASSWORD_HINT)
        .into());
    }

    if !line.setpass {
        return keep_password(&line, &c, password, merge_from.as_deref(), ui);
    }

    ui.line(&format!(
        "spnkt does this as (keys proven with the KDC before the keytab is written):\n{}",
        command_line(&c)
    ));
    let mapop = line.mapop;
    let spn = host.spn();
    let mut outcome = create::run_with(&c, ui, password, |prepared, ui| {
        let Some(existing) = &prepared.existing else {
            ui.note(format!(
                "{account} does not exist: ktpass would stop there (-mapuser names an existing account); spnkt creates it"
            ));
            return;
        };
        let others: Vec<&String> = existing
            .service_principal_names
            .iter()
            .filter(|s| !s.eq_ignore_ascii_case(&spn))
            .collect();
        if others.is_empty() {
            return;
        }
        let list = others
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        match mapop {
            MapOp::Set => ui.warn(format!(
                "{} also holds {list}: ktpass -mapop set would remove them; spnkt keeps them (remove them with `spnkt spn remove --account {account} SPN` once nothing uses them). Its password is reset either way, so their keytabs stop working",
                existing.dn
            )),
            MapOp::Add => ui.warn(format!(
                "{} also holds {list}: one account for several services means this password reset breaks their keytabs too; give each service an account of its own",
                existing.dn
            )),
        }
    })?;
    if let Some(from) = merge_from {
        merge_input(&from, &keytab, &host, &realm, ui)?;
    }
    if let Some(v) = outcome.json.as_mut() {
        v["ktpass"] = serde_json::json!({
            "effects": line.effects(),
            "native_command": command_line(&c),
        });
    }
    Ok(outcome)
}

/// `-in FILE` other than `-out`: the entries of FILE for other principals are
/// added to the keytab just written (what ktpass -in does).
fn merge_input(
    from: &std::path::Path,
    keytab: &std::path::Path,
    host: &hostname::Host,
    realm: &str,
    ui: &mut Ui,
) -> anyhow::Result<()> {
    let input = super::read_keytab(from)?;
    let ours = format!("{}@{realm}", host.spn());
    // Under the keytab's lock: the file as it is now (just written by this run,
    // perhaps extended by another since), merged, replaced.
    let added = super::update_keytab(keytab, crate::atomic_file::Overwrite::Replace, |current| {
        let mut kt = current.read()?.unwrap_or_default();
        let mut added = 0;
        for e in &input.entries {
            if e.principal.to_string() == ours {
                continue;
            }
            if kt.merge_entry(e.clone()).unwrap_or(false) {
                added += 1;
            }
        }
        Ok::<_, super::UpdateError>((Some(kt), added))
    })?;
    ui.note(format!(
        "-in {}: {added} entries of other principals added to {}",
        from.display(),
        keytab.display()
    ));
    Ok(())
}

/// `-setpass`: the account keeps its password; the keytab is made from it
/// (`spnkt keytab derive`).
fn keep_password(
    line: &KtpassLine,
    c: &crate::cli::CreateArgs,
    given: Option<Password>,
    merge_from: Option<&std::path::Path>,
    ui: &mut Ui,
) -> anyhow::Result<Outcome> {
    let d = KeytabDeriveArgs {
        host: c.host.clone(),
        account: c.account.clone(),
        keytab: c.keytab.clone(),
        enctypes: c.enctypes.clone(),
        append: c.append,
        force: c.force,
        password: c.password.clone(),
        directory: c.directory.clone(),
    };
    let native = keytab_derive::command_line(&d);
    ui.note(
        "-setpass: spnkt changes nothing in AD, so the account must hold the SPN already (`spnkt spn add`); its UPN stays as it is (a new UPN without a password reset would not change the salt anyway)",
    );
    ui.line(&format!(
        "-setpass: the account keeps its password; spnkt makes the keytab from it (nothing changes in AD, keys proven with the KDC):\n{native}"
    ));
    if c.dry_run {
        return Ok(Outcome {
            human: "dry run: nothing was changed\n".to_owned(),
            json: Some(serde_json::json!({
                "dry_run": true,
                "ktpass": {"effects": line.effects(), "native_command": native},
            })),
        });
    }
    let mut outcome = keytab_derive::run(&d, ui, given)?;
    if let Some(from) = merge_from {
        let realm = c.directory.kerberos.realm.clone().unwrap_or_default();
        merge_input(from, &c.keytab, &hostname::check_host(&c.host)?, &realm, ui)?;
    }
    if let Some(v) = outcome.json.as_mut() {
        v["ktpass"] = serde_json::json!({"effects": line.effects(), "native_command": native});
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals() {
        assert_eq!(
            http_principal("HTTP/connections.example.test@EXAMPLE.TEST").unwrap(),
            ("connections.example.test".into(), "EXAMPLE.TEST".into())
        );
        let e = http_principal("HTTPS/a.example.com@EXAMPLE.COM").unwrap_err();
        assert!(e.message.contains("browsers never ask for HTTPS/"));
        assert!(http_principal("host/a.example.com@EXAMPLE.COM").is_err());
        assert!(http_principal("HTTP/a.example.com").is_err());
    }
}

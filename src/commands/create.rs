//! `spnkt create`: the AD account for HTTP/host and a keytab the KDC has proven.
//!
//! 1. check everything offline (host, account name, delegation, enctypes, keytab
//!    target, connection settings, password sources, confirmation possible);
//! 2. preflight, read-only: who holds HTTP/host, HOST/host, the UPN, the account
//!    name; is the host a computer's name. All findings are reported at once;
//! 3. build the [`Plan`]; `--dry-run` prints it, otherwise it is confirmed;
//! 4. run it: add disabled, set the password, enable; undo on failure;
//! 5. kvno, salt, keys, proof, keytab.

use std::io::IsTerminal;

use super::directory::{self, Session};
use super::provision::{self, Facts, KeyTarget, Progress};
use super::{Outcome, Reported, Ui, parse_enctype};
use crate::ad::account::{Delegation, ServiceAccount, SupportedEnctypes, Uac};
use crate::ad::ldap::{GlobalCatalog, Scope, escape_filter_value};
use crate::cli::{CreateArgs, DelegationKind};
use crate::exit::CliError;
use crate::genpass;
use crate::hostname::{self, Host};
use crate::krb::Enctype;
use crate::plan::{CreateSpec, KeytabMode, PasswordOrigin, Step};
use crate::secret_input;

/// Part of the description of every account spnkt creates; `spnkt delete` looks for it.
pub const CREATED_MARKER: &str = "created by spnkt";

pub fn run(args: &CreateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    // 1. Offline checks: nothing contacted, nothing changed.
    let host = hostname::check_host(&args.host)?;
    for w in &host.warnings {
        ui.warn(w.clone());
    }
    let sam = match &args.account {
        Some(a) => a.trim().to_owned(),
        None => hostname::default_account_name(&host),
    };
    hostname::check_sam_account_name(&sam)?;
    let enctypes = keytab_enctypes(&args.enctypes)?;
    if enctypes.contains(&Enctype::RC4_HMAC) {
        ui.warn("rc4-hmac requested: RC4 is weak and Windows domain controllers are dropping it; use AES unless a client still needs it");
    }
    let delegation = delegation(args)?;
    directory::check_keytab_dir(&args.keytab)?;
    let keytab_exists = std::fs::symlink_metadata(&args.keytab).is_ok();
    let keytab_mode = match (keytab_exists, args.append, args.force) {
        (false, _, _) => KeytabMode::New,
        (true, true, _) => KeytabMode::Append,
        (true, _, true) => KeytabMode::Replace,
        (true, false, false) => {
            return Err(CliError::usage(format!("{} already exists", args.keytab.display()))
                .hint("use --append to keep its other principals' entries, or --force to replace it")
                .into());
        }
    };
    let given_source = if args.password.password_file.is_some()
        || args.password.password_stdin
        || args.password.password_env.is_some()
    {
        Some(secret_input::source(&args.password)?)
    } else {
        None
    };
    directory::require_confirmation_possible(args.yes, args.dry_run)?;
    let stdin_taken = args.password.password_stdin.then_some("--password-stdin");
    let prepared = directory::prepare(&args.directory, ui, stdin_taken)?;
    prepared.require_kdc_to_prove_keys()?;
    let spn = host.spn();
    let given_password = match &given_source {
        Some(s) => Some(secret_input::read(s, &format!("the account {sam}"))?),
        None => None,
    };

    // 2. Preflight (read-only).
    let mut session = directory::connect(prepared, ui)?;
    let kdc = session.kdc()?;
    provision::check_kdc_reachable(&kdc, &session.realm)?;
    let realm = session.realm.clone();
    let upn = (!args.no_upn).then(|| format!("{spn}@{realm}"));
    let existing = preflight(&mut session, &host, &sam, upn.as_deref(), args.rotate, ui)?;

    // 3. The plan.
    let ou = args
        .ou
        .clone()
        .unwrap_or_else(|| format!("CN=Users,{}", session.base_dn));
    let spec = CreateSpec {
        host: host.name.clone(),
        realm: realm.clone(),
        sam_account_name: sam.clone(),
        ou,
        upn: !args.no_upn,
        description: account_description(&host.name, &session.bind_user),
        enctypes: SupportedEnctypes::from_enctypes(&enctypes),
        delegation: delegation.clone(),
        password: if given_password.is_some() {
            PasswordOrigin::Given
        } else {
            PasswordOrigin::Random {
                length: genpass::DEFAULT_LENGTH,
            }
        },
        kdc: kdc.0.clone(),
        keytab: args.keytab.display().to_string(),
        keytab_mode,
        keytab_enctypes: enctypes.iter().map(Enctype::to_string).collect(),
    };
    let plan = spec.plan(existing.as_ref());
    if args.dry_run {
        let mut human = plan.to_string();
        human.push_str("dry run: nothing was changed\n");
        return Ok(Outcome {
            human,
            json: Some(serde_json::json!({
                "dry_run": true,
                "plan": plan.json(),
                "existing_account": existing.as_ref().map(|a| a.dn.clone()),
                "ldap_round_trips": session.dir.round_trips(),
            })),
        });
    }
    if !args.yes {
        eprint!("{plan}");
        if !directory::confirm(false, "Make these changes?")? {
            return Err(directory::declined());
        }
    }

    // 4.+5. Apply.
    let password = match given_password {
        Some(p) => p,
        None => genpass::random_password(genpass::DEFAULT_LENGTH).map_err(|e| {
            CliError::failure(format!("no randomness from the operating system: {e}"))
        })?,
    };
    let target = KeyTarget {
        realm: realm.clone(),
        sam_account_name: sam.clone(),
        upn: upn.clone(),
        enctypes: enctypes.clone(),
    };
    let result = provision::execute(&plan, &mut session, &password, &target, ui);
    drop(password);
    let dn = existing
        .as_ref()
        .map_or_else(|| spec.dn(), |a| a.dn.clone());
    let facts = |progress: &Progress, session: &Session| Facts {
        account_dn: dn.clone(),
        sam_account_name: sam.clone(),
        spn: spn.clone(),
        upn: upn.clone(),
        kvno: progress.kvno,
        salt: progress.salt.clone(),
        iterations: progress.iterations,
        enctypes: spec.keytab_enctypes.clone(),
        supported_enctypes: format!("0x{:x}", spec.enctypes.0),
        delegation: delegation_name(&delegation).to_owned(),
        delegate_to: match &delegation {
            Delegation::Constrained { targets, .. } => targets.clone(),
            _ => Vec::new(),
        },
        user_account_control: progress
            .enabled_uac
            .map(|u| format!("0x{u:x} ({})", Uac(u).names().join(" | "))),
        keys_proven: progress.keys_proven.clone(),
        ticket_flags: progress.ticket_flags.clone(),
        keytab: progress
            .keytab_written
            .then(|| args.keytab.display().to_string()),
        keytab_entries: progress.keytab_entries,
        ldap_round_trips: session.dir.round_trips(),
    };
    match result {
        Ok(progress) => {
            let f = facts(&progress, &session);
            let verb = if existing.is_some() {
                "converged"
            } else {
                "created"
            };
            let mut json = f.json(true, &progress);
            json["created"] = serde_json::Value::Bool(existing.is_none());
            json["plan"] = plan.json();
            Ok(Outcome {
                human: f.human(&format!(
                    "{verb} {spn}: keys proven with the KDC, keytab written"
                )),
                json: Some(json),
            })
        }
        Err(boxed) => {
            let (progress, failure) = *boxed;
            let ldap_step = matches!(
                failure.step,
                Step::AddAccount { .. }
                    | Step::UpdateAccount { .. }
                    | Step::SetPassword { .. }
                    | Step::Enable { .. }
            );
            if !ldap_step {
                // The account is right in AD; the keys could not be proven or written.
                let f = facts(&progress, &session);
                let error = CliError {
                    exit: failure.error.exit,
                    message: format!(
                        "step {} failed: {}; the account {dn} is in place and enabled, NO keytab was written",
                        failure.number, failure.error.message
                    ),
                    hint: failure.error.hint,
                };
                let mut json = f.json(false, &progress);
                json["created"] = serde_json::Value::Bool(existing.is_none());
                return Err(Reported {
                    outcome: Outcome {
                        human: f.human(&format!(
                            "{spn}: the account is in place, the keys are NOT proven"
                        )),
                        json: Some(json),
                    },
                    error,
                }
                .into());
            }
            let state = undo(
                &mut session,
                &progress,
                existing.as_ref(),
                &host,
                &args.host,
            );
            Err(CliError {
                exit: crate::exit::Exit::Failure,
                message: format!(
                    "step {} failed: {}; {state}",
                    failure.number, failure.error.message
                ),
                hint: failure.error.hint,
            }
            .into())
        }
    }
}

/// After a failed LDAP step: delete what this run added, and say what is left.
pub fn undo(
    session: &mut Session,
    progress: &Progress,
    existing: Option<&ServiceAccount>,
    host: &Host,
    host_arg: &str,
) -> String {
    match (&progress.created_dn, existing) {
        (Some(dn), _) => match session.dir.delete(dn) {
            Ok(()) => format!(
                "the account this run added ({dn}) was deleted again: nothing is left in the directory"
            ),
            Err(e) => format!(
                "undoing failed too ({e}): the account {dn} is left DISABLED (userAccountControl 0x202, ACCOUNTDISABLE | NORMAL_ACCOUNT), holding {}{}; nobody can use it. Remove it with `spnkt delete --host {}`, or run this command again to finish it",
                host.spn(),
                if progress.password_set {
                    ", with its password set"
                } else {
                    ", without a usable password"
                },
                host_arg.trim()
            ),
        },
        (None, Some(a)) => {
            let mut s = format!("the existing account {} ", a.dn);
            if progress.password_set {
                s.push_str("HAS a new password (keytabs made before no longer work) but was not enabled as asked; run this command again to finish");
            } else if progress.updated {
                s.push_str("has its attributes updated, its password is unchanged (existing keytabs still work)");
            } else {
                s.push_str("is unchanged");
            }
            s
        }
        (None, None) => "nothing was changed".to_owned(),
    }
}

/// Read-only checks against the directory. Returns the existing account to
/// converge, or refuses with every finding at once.
pub fn preflight(
    session: &mut Session,
    host: &Host,
    sam: &str,
    upn: Option<&str>,
    rotate: bool,
    ui: &mut Ui,
) -> anyhow::Result<Option<ServiceAccount>> {
    let spn = host.spn();
    let base = session.base_dn.clone();
    let lookup = |what: &str, e: crate::ad::ldap::LdapError| -> anyhow::Error {
        directory::ldap_error(
            e,
            &format!("cannot look up {what}"),
            "check --base-dn and the bind account's read rights",
        )
    };
    let dir = &mut session.dir;
    let holders = dir.find_spn(&spn).map_err(|e| lookup(&spn, e))?;
    if let GlobalCatalog::Unavailable { reason } = dir.global_catalog() {
        ui.note(format!(
            "global catalog not available ({reason}): SPNs were searched in this domain only"
        ));
    }
    let account = dir.find_account(&base, sam).map_err(|e| lookup(sam, e))?;
    let host_spn = format!("HOST/{}", host.name);
    let host_holders = dir.find_spn(&host_spn).map_err(|e| lookup(&host_spn, e))?;
    let filter = format!(
        "(&(objectClass=computer)(|(dNSHostName={})(sAMAccountName={}$)))",
        escape_filter_value(&host.name),
        escape_filter_value(host.first_label())
    );
    let computers = dir
        .search(
            &base,
            Scope::Subtree,
            &filter,
            &["sAMAccountName", "dNSHostName"],
        )
        .map_err(|e| lookup("computers", e))?;
    let upn_holders = match upn {
        Some(u) => dir
            .search(
                &base,
                Scope::Subtree,
                &format!("(userPrincipalName={})", escape_filter_value(u)),
                &["sAMAccountName"],
            )
            .map_err(|e| lookup(u, e))?,
        None => Vec::new(),
    };

    let same = |dn: &str| {
        account
            .as_ref()
            .is_some_and(|a| a.dn.eq_ignore_ascii_case(dn))
    };
    let mut findings = Vec::new();
    for h in holders.iter().filter(|h| !same(&h.dn)) {
        findings.push(format!("{spn} is already held by {}", h.dn));
    }
    let machine = "host is a machine name; use a virtual host name with its own account (AD would issue HOST/ tickets)";
    for h in &host_holders {
        findings.push(format!("{host_spn} is held by {}: {machine}", h.dn));
    }
    for c in computers.iter().filter(|c| {
        !host_holders
            .iter()
            .any(|h| h.dn.eq_ignore_ascii_case(&c.dn))
    }) {
        findings.push(format!(
            "{} is the name of the computer {} (dNSHostName {}, sAMAccountName {}): {machine}",
            host.name,
            c.dn,
            c.first("dNSHostName").unwrap_or("-"),
            c.first("sAMAccountName").unwrap_or("-")
        ));
    }
    for u in upn_holders.iter().filter(|u| !same(&u.dn)) {
        findings.push(format!(
            "the userPrincipalName {} is already used by {}",
            upn.unwrap_or_default(),
            u.dn
        ));
    }
    if let Some(a) = &account {
        let holds = a
            .service_principal_names
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&spn));
        if a.is_computer {
            findings.push(format!("{sam} is a computer account ({})", a.dn));
        } else if holds {
            ui.note(format!(
                "{} exists and holds {spn}: converging it (attributes brought in line, new password, new keytab)",
                a.dn
            ));
        } else if rotate {
            ui.note(format!(
                "--rotate: taking over the existing account {} (new password)",
                a.dn
            ));
        } else {
            findings.push(format!(
                "the account {sam} already exists ({}) and does not hold {spn}",
                a.dn
            ));
        }
    }
    if !findings.is_empty() {
        return Err(CliError::usage(format!(
            "refusing to create {spn}; nothing was changed:\n  - {}",
            findings.join("\n  - ")
        ))
        .hint("see the owners with `spnkt spn list --host HOST`; for a machine name give the site a DNS name of its own; for an existing account choose another --account or take it over with --rotate")
        .into());
    }
    Ok(account)
}

/// The description of an account spnkt creates (carries [`CREATED_MARKER`]).
pub fn account_description(host: &str, bind_user: &str) -> String {
    format!(
        "HTTP/{host} SPNEGO service account, {CREATED_MARKER} {} on {} by {bind_user}",
        env!("CARGO_PKG_VERSION"),
        crate::timefmt::format_utc_i64(now()),
    )
}

/// Parse `--delegation`, `--delegate-to`, `--protocol-transition`.
fn delegation(args: &CreateArgs) -> Result<Delegation, CliError> {
    let kind = match args.delegation {
        Some(k) => k,
        None if !args.delegate_to.is_empty() => DelegationKind::Constrained,
        None if std::io::stdin().is_terminal() => ask_delegation()?,
        None => {
            return Err(CliError::usage(
                "--delegation is required when standard input is not a terminal",
            )
            .hint("choose --delegation none, unconstrained (WebSphere/HCL SPNEGO: trust for delegation to any service) or constrained --delegate-to SPN, so nobody gets or loses delegation by accident"));
        }
    };
    delegation_for(kind, &args.delegate_to, args.protocol_transition)
}

/// The delegation of `kind` with its targets, checked (also for `spnkt apply`'s
/// plan entries): targets and protocol transition only with constrained, which
/// needs at least one valid target SPN.
pub fn delegation_for(
    kind: DelegationKind,
    delegate_to: &[String],
    protocol_transition: bool,
) -> Result<Delegation, CliError> {
    if kind != DelegationKind::Constrained {
        if !delegate_to.is_empty() {
            return Err(
                CliError::usage("--delegate-to needs --delegation constrained")
                    .hint("use --delegation constrained --delegate-to SPN ..."),
            );
        }
        if protocol_transition {
            return Err(
                CliError::usage("--protocol-transition needs --delegation constrained")
                    .hint("use --delegation constrained --delegate-to SPN --protocol-transition"),
            );
        }
    }
    Ok(match kind {
        DelegationKind::None => Delegation::None,
        DelegationKind::Unconstrained => Delegation::Unconstrained,
        DelegationKind::Constrained => {
            if delegate_to.is_empty() {
                return Err(CliError::usage(
                    "--delegation constrained needs at least one --delegate-to SPN",
                )
                .hint("e.g. --delegate-to HTTP/backend.example.com (repeat for more)"));
            }
            let mut targets = Vec::new();
            for t in delegate_to {
                targets.push(hostname::check_spn(t.trim())?);
            }
            Delegation::Constrained {
                targets,
                protocol_transition,
            }
        }
    })
}

fn ask_delegation() -> Result<DelegationKind, CliError> {
    let items = [
        "unconstrained: trust this user for delegation to any service (Kerberos only); WebSphere/HCL SPNEGO needs it. Note: the service can then act as its users towards any service",
        "none: the service cannot act for its users",
    ];
    let choice = dialoguer::Select::new()
        .with_prompt("Kerberos delegation for this service (--delegation)")
        .items(items)
        .default(0)
        .interact()
        .map_err(|e| {
            CliError::usage(format!("cannot ask for --delegation: {e}")).hint("give --delegation")
        })?;
    Ok(if choice == 0 {
        DelegationKind::Unconstrained
    } else {
        DelegationKind::None
    })
}

pub fn delegation_name(d: &Delegation) -> &'static str {
    match d {
        Delegation::None => "none",
        Delegation::Unconstrained => "unconstrained",
        Delegation::Constrained {
            protocol_transition: true,
            ..
        } => "constrained (with protocol transition)",
        Delegation::Constrained { .. } => "constrained",
    }
}

/// `--enctypes`: aes256, aes128, rc4; strongest first, each once.
pub fn keytab_enctypes(list: &[String]) -> Result<Vec<Enctype>, CliError> {
    let mut out = Vec::new();
    for item in list {
        let e = parse_enctype(item.trim())?;
        if !e.is_supported() {
            return Err(CliError::usage(format!(
                "AD accounts made by spnkt use aes256, aes128 and (optionally) rc4, not {e}"
            ))
            .hint("use --enctypes aes256,aes128 (add rc4 only for old clients)"));
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    if out.is_empty() {
        return Err(CliError::usage("--enctypes is empty").hint(super::ENCTYPE_NAMES_HINT));
    }
    out.sort_by_key(|e| match *e {
        Enctype::AES256_CTS_HMAC_SHA1_96 => 0,
        Enctype::AES128_CTS_HMAC_SHA1_96 => 1,
        _ => 2,
    });
    Ok(out)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enctype_order() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            keytab_enctypes(&v(&["rc4", "aes128", "aes256", "aes128"])).unwrap(),
            [Enctype(18), Enctype(17), Enctype(23)]
        );
        assert!(keytab_enctypes(&v(&["des"])).is_err());
        assert!(keytab_enctypes(&v(&["nope"])).is_err());
    }

    #[test]
    fn delegation_names() {
        assert_eq!(delegation_name(&Delegation::Unconstrained), "unconstrained");
        assert_eq!(
            delegation_name(&Delegation::Constrained {
                targets: vec![],
                protocol_transition: true
            }),
            "constrained (with protocol transition)"
        );
    }
}

//! `spnkt wizard`: the guided way to one SPNEGO service account and its keytab.
//!
//! The wizard discovers defaults (realm and KDC from krb5.conf, the domain controller
//! from DNS SRV, the admin from the credential cache, the containers from the
//! directory), asks one validated question at a time and fills a [`CreateArgs`]:
//! the same arguments as `spnkt create`, whose path it then runs (first as a dry
//! run for the plan and the preflight, then for real). Secrets reach `create` by
//! the `--*-password-env` names the printed command line shows, through an
//! in-process overlay ([`secret_input::set_env_overlay`]), never the environment.
//!
//! Ctrl-C at a prompt exits 130 with nothing changed; once the changes are being
//! made, the first Ctrl-C is deferred until `create` has finished (or rolled back).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use anyhow::Context;
use dialoguer::{Confirm, Input, Password, Select};

use super::{Outcome, Ui, create, directory};
use crate::cli::{CreateArgs, DelegationKind, DirectoryArgs, PasswordArgs, WizardArgs};
use crate::exit::CliError;
use crate::hostname;
use crate::secret_input;

/// The variable the printed command line reads the bind password from.
pub const BIND_PASSWORD_ENV: &str = "SPNKT_BIND_PASSWORD";
/// The variable the printed command line reads a typed account password from.
pub const ACCOUNT_PASSWORD_ENV: &str = "SPNKT_ACCOUNT_PASSWORD";

const PROMPTING: u8 = 0;
const EXECUTING: u8 = 1;
const INTERRUPTED_WHILE_EXECUTING: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(PROMPTING);

/// What the wizard found before asking anything.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub realm: Option<String>,
    pub kdc: Option<String>,
    /// The suggested directory URL and where it came from.
    pub ldap_url: Option<(String, String)>,
    /// The suggested bind user and where it came from.
    pub admin: Option<(String, String)>,
}

pub fn run(args: &WizardArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(CliError::usage("spnkt wizard asks questions and needs a terminal")
            .hint("in scripts use `spnkt create --host HOST --keytab FILE --delegation KIND --yes` (the wizard prints the equivalent command line)")
            .into());
    }
    if args.directory.bind.bind_password.bind_password_stdin {
        return Err(CliError::usage(
            "--bind-password-stdin does not go with the wizard: standard input is the terminal it asks on",
        )
        .hint("leave it out to be asked for the password, or use --bind-password-file / --bind-password-env")
        .into());
    }
    install_interrupt_handler();
    let result = wizard(&args.directory, ui);
    secret_input::clear_env_overlay();
    result
}

fn wizard(given: &DirectoryArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    say("spnkt wizard: one SPNEGO (Kerberos web single sign-on) service account and its keytab.");
    say(
        "Nothing is changed in the directory until you confirm the plan at the end; Ctrl-C stops at any question.",
    );
    let found = discover(given, ui);
    if let Some(r) = &found.realm {
        say(&format!("found: realm {r} (krb5.conf)"));
    }
    if let Some((u, from)) = &found.ldap_url {
        say(&format!("found: domain controller {u} ({from})"));
    }
    if let Some((a, from)) = &found.admin {
        say(&format!("found: admin {a} ({from})"));
    }

    // The directory: URL, bind user, password; checked by binding right away.
    let mut dir = given.clone();
    let mut retried = false;
    let (base_dn, realm, kdc_for_realm, ous) = loop {
        explain(
            "The directory: a domain controller's LDAPS URL (ldap:// only with StartTLS; plain LDAP is refused).",
        );
        let default_url = dir
            .ldap_url
            .clone()
            .or_else(|| found.ldap_url.as_ref().map(|(u, _)| u.clone()));
        let url = ask_text("Domain controller URL", default_url, |s| {
            directory::check_url(s, dir.starttls)
                .map(|()| s.to_owned())
                .map_err(|e| message(&e))
        })?;
        explain(
            "The account to bind as: it must be allowed to create users (user@REALM, DOMAIN\\user or a DN).",
        );
        let default_user = dir
            .bind
            .bind_user
            .clone()
            .or_else(|| found.admin.as_ref().map(|(a, _)| a.clone()));
        let user = ask_text("Bind user", default_user, |s| {
            if s.contains(['@', '\\', '=']) {
                Ok(s.to_owned())
            } else {
                Err(format!(
                    "`{s}` does not name a domain: use user@REALM, DOMAIN\\user or a DN"
                ))
            }
        })?;
        // A password file or variable given on the command line is used once; after
        // a failed bind, and otherwise, the password is asked for (never echoed).
        let given_source = given.bind.bind_password.bind_password_file.is_some()
            || given.bind.bind_password.bind_password_env.is_some();
        if given_source && !retried {
            dir.bind.bind_password = given.bind.bind_password.clone();
        } else {
            let password = ask_secret(&format!("Password for {user} (not shown)"), false)?;
            secret_input::set_env_overlay(BIND_PASSWORD_ENV, &password);
            drop(password);
            dir.bind.bind_password = crate::cli::BindPasswordArgs {
                bind_password_env: Some(BIND_PASSWORD_ENV.to_owned()),
                ..Default::default()
            };
        }
        dir.ldap_url = Some(url);
        dir.bind.bind_user = Some(user);
        say("connecting ...");
        match probe_directory(&dir, ui) {
            Ok(found) => break found,
            Err(e) => {
                say(&format!("error: {}", error_text(&e)));
                say("let's try again (your answers are the new defaults)");
                retried = true;
            }
        }
    };
    say(&format!("connected: realm {realm}, base {base_dn}"));
    // The KDC the directory's realm resolves to (krb5.conf or DNS): krb5.conf's default
    // realm may be another domain's, and its KDC then is no use here.
    if dir.kerberos.kdc.is_none() && kdc_for_realm.is_none() {
        explain(
            "No KDC is known for this realm (krb5.conf, DNS): spnkt must log in with the new keys to prove them.",
        );
        let kdc = ask_text("KDC host[:port]", None, |s| {
            if s.is_empty() || s.contains(['/', ' ']) {
                Err("give a host name or address, optionally with :port".into())
            } else {
                Ok(s.to_owned())
            }
        })?;
        dir.kerberos.kdc = Some(kdc);
    }

    // The virtual host, with create's checks and preflight right away.
    let keytab_guess = |label: &str| PathBuf::from(format!("{label}.keytab"));
    let host = loop {
        explain(
            "The web site's host name exactly as users type it in the browser (https://NAME/): a lower-case FQDN.",
        );
        explain(
            "The SPN is always HTTP/NAME, also for https:// sites. Use a virtual host name of its own (a DNS alias), not a machine's name: machines already have HOST/ keys.",
        );
        let h = ask_text("Web site host name", None, |s| {
            hostname::check_host(s)
                .map(|h| h.name)
                .map_err(|e| message(&e))
        })?;
        let host = hostname::check_host(&h).map_err(anyhow::Error::new)?;
        let probe = create_args(&host.name, &keytab_guess(host.first_label()), None, &dir);
        say(&format!(
            "checking {} in the directory (as `spnkt create --dry-run` does) ...",
            host.spn()
        ));
        match dry_run(&probe, ui) {
            Ok(_) => {
                say(&format!(
                    "ok: nobody holds {} and it is no machine's name",
                    host.spn()
                ));
                break host;
            }
            Err(e) => {
                say(&format!("the directory says no: {}", error_text(&e)));
                let reason = e
                    .downcast_ref::<CliError>()
                    .map_or_else(|| e.to_string(), |c| c.message.clone());
                if refusal_concerns_host(&reason) {
                    say("choose another host name");
                    continue;
                }
                say("(that concerns the account name, asked next)");
                break host;
            }
        }
    };

    // The account name.
    let suggested = hostname::default_account_name(&host);
    let account = loop {
        explain("The AD account (sAMAccountName) that will hold HTTP/NAME: at most 20 characters.");
        let a = ask_text("Account name", Some(suggested.clone()), |s| {
            hostname::check_sam_account_name(s)
                .map(|()| s.to_owned())
                .map_err(|e| message(&e))
        })?;
        let mut probe = create_args(&host.name, &keytab_guess(host.first_label()), None, &dir);
        probe.account = Some(a.clone());
        match dry_run(&probe, ui) {
            Ok(_) => break a,
            Err(e) => say(&format!("the directory says no: {}", error_text(&e))),
        }
    };

    // The container.
    explain("Where the account is created: CN=Users (the default container) or an OU of yours.");
    let users = format!("CN=Users,{base_dn}");
    let mut items: Vec<String> = vec![format!("{users} (the default container)")];
    items.extend(ous.iter().cloned());
    items.push("another container (type its DN)".into());
    let pick = ask_select("Container (OU)", &items, 0)?;
    let ou = if pick == 0 {
        users
    } else if pick == items.len() - 1 {
        ask_text("Container DN", None, |s| check_ou(s, &base_dn))?
    } else {
        ous[pick - 1].clone()
    };

    // Delegation.
    explain("Kerberos delegation: may the service act as its users towards other services?");
    explain(
        "Security note: unconstrained delegation lets the service act as its users towards ANY service; give it only to servers you trust like a DC.",
    );
    let kinds = [
        "unconstrained, Kerberos only (\"trust this user for delegation to any service\"): what WebSphere/HCL SPNEGO needs",
        "constrained: only to the services you list (msDS-AllowedToDelegateTo)",
        "none: the service cannot act for its users",
    ];
    let (delegation, delegate_to, protocol_transition) = match ask_select("Delegation", &kinds, 0)?
    {
        0 => (DelegationKind::Unconstrained, Vec::new(), false),
        1 => {
            explain(
                "The services it may delegate to, as SPNs (HTTP/backend.example.com), comma-separated.",
            );
            let list = ask_text("Delegate to", None, check_spn_list)?;
            explain(
                "Protocol transition lets the service get tickets for users who did not log in with Kerberos (\"use any authentication protocol\").",
            );
            let pt = ask_confirm("Allow protocol transition?", false)?;
            (
                DelegationKind::Constrained,
                list.split(',').map(|s| s.trim().to_owned()).collect(),
                pt,
            )
        }
        _ => (DelegationKind::None, Vec::new(), false),
    };

    // Encryption types.
    explain(
        "Encryption types of the keys: AES only, unless a client cannot do AES (very old Windows or Java).",
    );
    let enc_items = [
        "AES only: aes256, aes128 (recommended)",
        "AES and RC4 (only for old clients)",
    ];
    let mut enctypes = vec!["aes256".to_owned(), "aes128".to_owned()];
    if ask_select("Encryption types", &enc_items, 0)? == 1 {
        say(
            "warning: RC4 is weak (its key is the unsalted NT hash of the password) and Windows domain controllers are dropping it.",
        );
        if ask_confirm("Really allow RC4 for this account?", false)? {
            enctypes.push("rc4".into());
        } else {
            say("AES only, then");
        }
    }

    // The account's password.
    explain("The account's password: nobody needs to know it, the keytab holds the keys.");
    let pw_items = [
        "generate a random 32-character password (recommended)",
        "type one (twice)",
    ];
    let typed_password = if ask_select("Account password", &pw_items, 0)? == 1 {
        let p = ask_secret("Password for the account (not shown)", true)?;
        secret_input::set_env_overlay(ACCOUNT_PASSWORD_ENV, &p);
        true
    } else {
        false
    };

    // The keytab.
    let (keytab, keytab_mode) = loop {
        explain("The keytab file to write (mode 0600); copy it to the web server afterwards.");
        let k = ask_text(
            "Keytab file",
            Some(keytab_guess(host.first_label()).display().to_string()),
            |s| {
                directory::check_keytab_dir(Path::new(s))
                    .map(|()| s.to_owned())
                    .map_err(|e| message(&e))
            },
        )?;
        let path = PathBuf::from(k);
        if std::fs::symlink_metadata(&path).is_err() {
            break (path, KeytabChoice::New);
        }
        say(&format!("warning: {} already exists", path.display()));
        let items = [
            "add to it (its other principals' entries are kept; this one's are replaced)",
            "replace it (everything in it is lost)",
            "choose another file",
        ];
        match ask_select("What to do with the existing keytab", &items, 0)? {
            0 => break (path, KeytabChoice::Append),
            1 if ask_confirm(&format!("Really replace {}?", path.display()), false)? => {
                break (path, KeytabChoice::Replace);
            }
            _ => {}
        }
    };

    // The plan, the command line, the confirmation.
    let mut args = create_args(&host.name, &keytab, Some(account), &dir);
    args.ou = Some(ou);
    args.delegation = Some(delegation);
    args.delegate_to = delegate_to;
    args.protocol_transition = protocol_transition;
    args.enctypes = enctypes;
    if typed_password {
        args.password.password_env = Some(ACCOUNT_PASSWORD_ENV.to_owned());
    }
    args.append = keytab_mode == KeytabChoice::Append;
    args.force = keytab_mode == KeytabChoice::Replace;
    let plan = dry_run(&args, ui)?;
    let plan_text = plan
        .human
        .strip_suffix("dry run: nothing was changed\n")
        .unwrap_or(&plan.human);
    say("");
    say("The plan (what `spnkt create --dry-run` shows):");
    eprint!("{plan_text}");
    say("");
    say(
        "The same without questions (export the password variables first; secrets never go on the command line):",
    );
    eprintln!("{}", command_line(&args));
    say("");
    if !ask_confirm("Create it now?", false)? {
        return Err(directory::declined());
    }

    // Execution: from here a Ctrl-C is deferred until create has finished.
    STATE.store(EXECUTING, Ordering::SeqCst);
    say(
        "creating: add the account (disabled), set its password, enable it, read its kvno, get the salt, prove the keys with the KDC, write the keytab ...",
    );
    args.dry_run = false;
    args.yes = true;
    let result = create::run(&args, ui);
    let interrupted = STATE.swap(PROMPTING, Ordering::SeqCst) == INTERRUPTED_WHILE_EXECUTING;
    let outcome = result?;
    let mut human = outcome.human;
    human.push_str(&summary(&args, ui));
    if interrupted {
        human.push_str("(Ctrl-C was pressed while the changes were made: they were completed)\n");
    }
    let mut json = outcome.json;
    if let Some(v) = json.as_mut() {
        v["command_line"] = serde_json::Value::String(command_line(&args));
    }
    Ok(Outcome { human, json })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeytabChoice {
    New,
    Append,
    Replace,
}

/// `CreateArgs` as `spnkt create --host HOST --keytab KEYTAB [--account A]` with
/// the wizard's directory settings and no delegation, not yet confirmed.
pub fn create_args(
    host: &str,
    keytab: &Path,
    account: Option<String>,
    dir: &DirectoryArgs,
) -> CreateArgs {
    CreateArgs {
        host: host.to_owned(),
        keytab: keytab.to_owned(),
        account,
        ou: None,
        delegation: Some(DelegationKind::None),
        delegate_to: Vec::new(),
        protocol_transition: false,
        enctypes: vec!["aes256".into(), "aes128".into()],
        no_upn: false,
        password: PasswordArgs::default(),
        rotate: false,
        dry_run: true,
        yes: false,
        append: false,
        // A probe only: an existing file is asked about later.
        force: true,
        directory: dir.clone(),
    }
}

fn dry_run(args: &CreateArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let mut a = clone_args(args);
    a.dry_run = true;
    create::run(&a, ui)
}

fn clone_args(a: &CreateArgs) -> CreateArgs {
    CreateArgs {
        host: a.host.clone(),
        keytab: a.keytab.clone(),
        account: a.account.clone(),
        ou: a.ou.clone(),
        delegation: a.delegation,
        delegate_to: a.delegate_to.clone(),
        protocol_transition: a.protocol_transition,
        enctypes: a.enctypes.clone(),
        no_upn: a.no_upn,
        password: a.password.clone(),
        rotate: a.rotate,
        dry_run: a.dry_run,
        yes: a.yes,
        append: a.append,
        force: a.force,
        directory: a.directory.clone(),
    }
}

/// Does create's refusal (its message, not the hint) concern the host name rather
/// than the account name?
pub fn refusal_concerns_host(message: &str) -> bool {
    message.contains("is already held by")
        || message.contains("machine name")
        || message.contains("userPrincipalName")
}

/// Realm, KDC, domain controller and admin, from krb5.conf, DNS and the ccache.
fn discover(given: &DirectoryArgs, ui: &mut Ui) -> Discovered {
    let conf = crate::krb5conf::load();
    let realm = directory::resolve_realm(&given.kerberos, &conf, ui);
    let kdc = directory::resolve_kdc(&given.kerberos, realm.as_deref(), &conf);
    let ldap_url = given
        .ldap_url
        .clone()
        .map(|u| (u, "--ldap-url / SPNKT_LDAP_URL".to_owned()))
        .or_else(|| {
            realm
                .as_deref()
                .and_then(|r| directory::ldap_url_from_dns(r, given.starttls, &mut Ui::default()))
                .map(|u| (u, "DNS SRV".to_owned()))
        })
        .or_else(|| {
            kdc.as_deref().map(|k| {
                (
                    format!("ldaps://{}", kdc_host(k)),
                    "the realm's KDC in krb5.conf".to_owned(),
                )
            })
        });
    let admin = given
        .bind
        .bind_user
        .clone()
        .map(|u| (u, "--bind-user / SPNKT_BIND_USER".to_owned()))
        .or_else(|| ccache_principal().map(|p| (p, "the credential cache".to_owned())));
    Discovered {
        realm,
        kdc,
        ldap_url,
        admin,
    }
}

/// `host[:port]` or `[v6]:port` → host.
pub fn kdc_host(kdc: &str) -> &str {
    if let Some(rest) = kdc.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match kdc.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => kdc,
    }
}

/// The default principal of the ccache named by KRB5CCNAME (FILE: caches only).
fn ccache_principal() -> Option<String> {
    let name = std::env::var("KRB5CCNAME").ok()?;
    let path = match name.split_once(':') {
        Some(("FILE", p)) => p.to_owned(),
        Some(_) => return None,
        None => name,
    };
    let bytes = std::fs::read(path).ok()?;
    let cc = crate::krb::ccache::parse(&bytes).ok()?;
    Some(cc.default_principal.to_string())
}

/// Bind with the answers; the base DN, realm, the realm's KDC (if any is known) and
/// the OUs below the base.
fn probe_directory(
    dir: &DirectoryArgs,
    ui: &mut Ui,
) -> anyhow::Result<(String, String, Option<String>, Vec<String>)> {
    let prepared = directory::prepare(dir, ui, None)?;
    let mut session = directory::connect(prepared, ui)?;
    let base = session.base_dn.clone();
    let mut ous: Vec<String> = session
        .dir
        .search(
            &base,
            crate::ad::ldap::Scope::Subtree,
            "(objectClass=organizationalUnit)",
            &["ou"],
        )
        .map(|v| v.into_iter().map(|e| e.dn).collect())
        .unwrap_or_default();
    ous.sort();
    ous.truncate(40);
    Ok((base, session.realm.clone(), session.kdc.clone(), ous))
}

/// A container DN below `base`.
pub fn check_ou(s: &str, base: &str) -> Result<String, String> {
    let s = s.trim();
    if !s.contains('=') {
        return Err(format!("`{s}` is not a DN (e.g. OU=Services,{base})"));
    }
    if !s.to_ascii_lowercase().ends_with(&base.to_ascii_lowercase()) {
        return Err(format!("`{s}` is not in this domain ({base})"));
    }
    Ok(s.to_owned())
}

/// Comma-separated SPNs for constrained delegation.
pub fn check_spn_list(s: &str) -> Result<String, String> {
    let items: Vec<&str> = s
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if items.is_empty() {
        return Err("give at least one SPN, e.g. HTTP/backend.example.com".into());
    }
    for t in &items {
        hostname::check_spn(t).map_err(|e| message(&e))?;
    }
    Ok(items.join(","))
}

/// The equivalent non-interactive command line; secrets only as `--*-env VAR`.
pub fn command_line(a: &CreateArgs) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut vars = vec![BIND_PASSWORD_ENV];
    if a.password.password_env.is_some() {
        vars.push(ACCOUNT_PASSWORD_ENV);
    }
    let mut opt = |flag: &str, value: &str| parts.push(format!("{flag} {}", shell_quote(value)));
    opt("--host", &a.host);
    opt("--keytab", &a.keytab.display().to_string());
    if let Some(x) = &a.account {
        opt("--account", x);
    }
    if let Some(x) = &a.ou {
        opt("--ou", x);
    }
    if let Some(d) = a.delegation {
        opt(
            "--delegation",
            match d {
                DelegationKind::None => "none",
                DelegationKind::Unconstrained => "unconstrained",
                DelegationKind::Constrained => "constrained",
            },
        );
    }
    for t in &a.delegate_to {
        opt("--delegate-to", t);
    }
    opt("--enctypes", &a.enctypes.join(","));
    if let Some(v) = &a.password.password_env {
        opt("--password-env", v);
    }
    let d = &a.directory;
    if let Some(x) = &d.ldap_url {
        opt("--ldap-url", x);
    }
    if let Some(x) = &d.ca_cert {
        opt("--ca-cert", &x.display().to_string());
    }
    if let Some(x) = &d.bind.bind_user {
        opt("--bind-user", x);
    }
    if let Some(x) = &d.bind.bind_password.bind_password_env {
        opt("--bind-password-env", x);
    }
    if let Some(x) = &d.kerberos.realm {
        opt("--realm", x);
    }
    if let Some(x) = &d.kerberos.kdc {
        opt("--kdc", x);
    }
    if let Some(x) = &d.base_dn {
        opt("--base-dn", x);
    }
    let mut flags = Vec::new();
    if a.protocol_transition {
        flags.push("--protocol-transition");
    }
    if a.no_upn {
        flags.push("--no-upn");
    }
    if a.append {
        flags.push("--append");
    }
    if a.force {
        flags.push("--force");
    }
    if d.starttls {
        flags.push("--starttls");
    }
    if d.insecure_skip_verify {
        flags.push("--insecure-skip-verify");
    }
    flags.push("--yes");
    parts.extend(flags.into_iter().map(str::to_owned));
    let mut out = format!(
        "# read -rs {} && export {}\nspnkt create",
        vars.join(" && read -rs "),
        vars.join(" ")
    );
    let mut width = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
    for p in parts {
        if width + 1 + p.len() > 78 {
            out.push_str(" \\\n   ");
            width = 3;
        }
        out.push(' ');
        out.push_str(&p);
        width += 1 + p.len();
    }
    out
}

/// Quote for a POSIX shell when needed.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Fingerprint and next steps after success.
fn summary(a: &CreateArgs, ui: &mut Ui) -> String {
    let spn = format!("HTTP/{}", a.host);
    let path = a.keytab.display().to_string();
    let abs =
        std::fs::canonicalize(&a.keytab).map_or_else(|_| path.clone(), |p| p.display().to_string());
    let mut s = String::from("\nKeytab fingerprint:\n");
    match super::read_keytab(&a.keytab) {
        Ok(kt) => {
            let mine: Vec<_> = kt
                .entries
                .iter()
                .filter(|e| e.principal.to_string().starts_with(&format!("{spn}@")))
                .collect();
            let kvno = mine.iter().map(|e| e.kvno).max().unwrap_or(0);
            let enctypes: Vec<String> = mine
                .iter()
                .filter(|e| e.kvno == kvno)
                .map(|e| e.key.enctype().to_string())
                .collect();
            s.push_str(&format!(
                "  {path}: {spn} kvno {kvno}, {} ({} in the file)\n",
                enctypes.join(", "),
                super::plural(kt.entries.len(), "entry", "entries")
            ));
        }
        Err(e) => {
            ui.warn(format!("cannot read the keytab back: {e}"));
        }
    }
    s.push_str(&format!(
        "\nNext steps:\n\
         \x20 1. Copy the keytab to the web server, readable only by the server's user:\n\
         \x20      install -m 0600 -o SERVER_USER {path} /etc/{}.keytab\n\
         \x20 2. WebSphere/HCL (SPNEGO web authentication): service principal name {spn}, keytab {abs} (or where you copied it)\n\
         \x20 3. Apache mod_auth_gssapi: GssapiCredStore keytab:{abs}\n\
         \x20 4. Test: spnkt verify --live --keytab {path} --spn {spn}\n\
         \x20    or from a logged-in client: curl --negotiate -u : https://{}/\n",
        a.host, a.host
    ));
    s
}

// ---- prompts ----------------------------------------------------------------

fn say(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn explain(text: &str) {
    say(&format!("  {text}"));
}

fn message(e: &CliError) -> String {
    match &e.hint {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message.clone(),
    }
}

fn error_text(e: &anyhow::Error) -> String {
    match e.downcast_ref::<CliError>() {
        Some(c) => message(c),
        None => format!("{e:#}"),
    }
}

/// Ask for text until `check` accepts it (it returns the normalised answer).
fn ask_text(
    prompt: &str,
    default: Option<String>,
    check: impl Fn(&str) -> Result<String, String>,
) -> anyhow::Result<String> {
    loop {
        let mut input = Input::<String>::new().with_prompt(prompt);
        if let Some(d) = &default {
            input = input.default(d.clone());
        }
        let answer = prompt_result(input.interact_text())?;
        match check(answer.trim()) {
            Ok(v) => return Ok(v),
            Err(why) => say(&format!("  ✗ {why}: please try again")),
        }
    }
}

fn ask_secret(prompt: &str, twice: bool) -> anyhow::Result<zeroize::Zeroizing<String>> {
    loop {
        let mut p = Password::new().with_prompt(prompt);
        if twice {
            p = p.with_confirmation(
                "Repeat it",
                "the two passwords differ, please type them again",
            );
        }
        let answer = zeroize::Zeroizing::new(prompt_result(p.interact())?);
        if answer.is_empty() {
            say("  ✗ the password is empty: please try again");
            continue;
        }
        return Ok(answer);
    }
}

fn ask_select<T: std::fmt::Display>(
    prompt: &str,
    items: &[T],
    default: usize,
) -> anyhow::Result<usize> {
    prompt_result(
        Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact(),
    )
}

fn ask_confirm(prompt: &str, default: bool) -> anyhow::Result<bool> {
    prompt_result(
        Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .wait_for_newline(true)
            .interact(),
    )
}

/// A prompt error: Ctrl-C ends the wizard (nothing changed), others are failures.
fn prompt_result<T>(r: Result<T, dialoguer::Error>) -> anyhow::Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            interrupted()
        }
        Err(e) => Err(anyhow::Error::new(e)).context("cannot read the answer from the terminal"),
    }
}

// ---- Ctrl-C -----------------------------------------------------------------

fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| match STATE.load(Ordering::SeqCst) {
        EXECUTING => {
            STATE.store(INTERRUPTED_WHILE_EXECUTING, Ordering::SeqCst);
            say(
                "\ninterrupt: the changes are being made; finishing them (or rolling them back) first. Press Ctrl-C again to stop at once.",
            );
        }
        INTERRUPTED_WHILE_EXECUTING => {
            restore_terminal();
            say(
                "\nstopped while the changes were being made: the directory may hold a partly made account; check with `spnkt account show --host HOST`, remove it with `spnkt delete --host HOST`",
            );
            secret_input::clear_env_overlay();
            std::process::exit(130);
        }
        _ => interrupted(),
    });
}

/// Ctrl-C at a prompt: nothing was sent to the directory that changes anything.
fn interrupted() -> ! {
    static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if EXITING.swap(true, Ordering::SeqCst) {
        // The other thread (signal handler or prompt) is already on its way out.
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    restore_terminal();
    secret_input::clear_env_overlay();
    say("\ninterrupted: nothing was changed");
    std::process::exit(130)
}

/// Echo and line editing back on, cursor visible (a password prompt turns echo off).
fn restore_terminal() {
    let term = dialoguer::console::Term::stderr();
    let _ = term.show_cursor();
    #[cfg(unix)]
    {
        use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
        let stdin = std::io::stdin();
        if let Ok(mut t) = tcgetattr(&stdin) {
            t.local_flags |= LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG;
            let _ = tcsetattr(&stdin, SetArg::TCSANOW, &t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CreateArgs {
        let mut dir = DirectoryArgs {
            ldap_url: Some("ldaps://dc1.example.test".into()),
            ca_cert: Some(PathBuf::from("/etc/ssl/lab ca.pem")),
            ..Default::default()
        };
        dir.bind.bind_user = Some("Administrator@EXAMPLE.TEST".into());
        dir.bind.bind_password.bind_password_env = Some(BIND_PASSWORD_ENV.into());
        let mut a = create_args(
            "app1.example.test",
            Path::new("app1.keytab"),
            Some("svc-http-app1".into()),
            &dir,
        );
        a.ou = Some("OU=Web Services,DC=example,DC=test".into());
        a.delegation = Some(DelegationKind::Constrained);
        a.delegate_to = vec!["HTTP/backend.example.test".into()];
        a.force = false;
        a.append = true;
        a.password.password_env = Some(ACCOUNT_PASSWORD_ENV.into());
        a
    }

    #[test]
    fn command_line_has_every_answer_and_no_secret() {
        secret_input::set_env_overlay(ACCOUNT_PASSWORD_ENV, "s3cret-Typed!");
        let line = command_line(&sample());
        secret_input::clear_env_overlay();
        assert!(!line.contains("s3cret"), "{line}");
        let flat = line.replace(" \\\n   ", "");
        for want in [
            "--host app1.example.test",
            "--keytab app1.keytab",
            "--account svc-http-app1",
            "--ou 'OU=Web Services,DC=example,DC=test'",
            "--delegation constrained",
            "--delegate-to HTTP/backend.example.test",
            "--enctypes aes256,aes128",
            "--password-env SPNKT_ACCOUNT_PASSWORD",
            "--ldap-url ldaps://dc1.example.test",
            "--ca-cert '/etc/ssl/lab ca.pem'",
            "--bind-user Administrator@EXAMPLE.TEST",
            "--bind-password-env SPNKT_BIND_PASSWORD",
            "--append",
            "--yes",
        ] {
            assert!(flat.contains(want), "{want} missing in {line}");
        }
        assert!(!flat.contains("--force"));
        assert!(
            line.starts_with("# read -rs SPNKT_BIND_PASSWORD && read -rs SPNKT_ACCOUNT_PASSWORD")
        );
        // Every continuation line ends with a backslash and fits a terminal.
        for l in line.lines().skip(1) {
            assert!(l.len() <= 100, "{l}");
        }
    }

    #[test]
    fn command_line_parses_back_to_the_same_arguments() {
        use clap::Parser;
        let a = sample();
        let line = command_line(&a);
        let body = line
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" \\", "");
        let words = shell_words(&body);
        let cli = crate::cli::Cli::try_parse_from(words).expect("parses");
        let crate::cli::Command::Create(b) = cli.command else {
            panic!("not create")
        };
        assert_eq!(b.host, a.host);
        assert_eq!(b.ou, a.ou);
        assert_eq!(b.delegate_to, a.delegate_to);
        assert_eq!(b.password.password_env, a.password.password_env);
        assert_eq!(b.directory.ca_cert, a.directory.ca_cert);
        assert!(b.yes && b.append && !b.force);
    }

    /// Enough of POSIX word splitting for the rendered line: spaces and '...'.
    fn shell_words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut any = false;
        for c in s.chars() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    any = true;
                }
                ' ' if !quoted => {
                    if any || !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                _ => cur.push(c),
            }
        }
        if any || !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("app1.example.test"), "app1.example.test");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn answer_validators() {
        let base = "DC=example,DC=test";
        assert!(check_ou("OU=Web,DC=example,DC=test", base).is_ok());
        assert!(check_ou("ou=web,dc=EXAMPLE,dc=test", base).is_ok());
        assert!(check_ou("Web", base).is_err());
        assert!(check_ou("OU=Web,DC=other,DC=test", base).is_err());
        assert_eq!(
            check_spn_list(" HTTP/a.example.test , HTTP/b.example.test").unwrap(),
            "HTTP/a.example.test,HTTP/b.example.test"
        );
        assert!(check_spn_list("").is_err());
        assert!(check_spn_list("backend").is_err());
        assert_eq!(kdc_host("dc1.example.test:88"), "dc1.example.test");
        assert_eq!(kdc_host("dc1.example.test"), "dc1.example.test");
        assert_eq!(kdc_host("[::1]:88"), "::1");
        // The host and account answers use create's own validators.
        assert!(hostname::check_host("HTTPS/app1.example.test").is_err());
        assert!(hostname::check_sam_account_name("svc-http-abcdefghijklmnop").is_err());
    }

    #[test]
    fn refusals_about_the_host_are_re_asked() {
        assert!(refusal_concerns_host(
            "refusing to create HTTP/dc1.example.test; nothing was changed:\n  - HOST/dc1.example.test is held by CN=DC1: host is a machine name; use a virtual host name"
        ));
        assert!(refusal_concerns_host(
            "HTTP/a.example.test is already held by CN=x"
        ));
        assert!(!refusal_concerns_host(
            "refusing to create HTTP/a; nothing was changed:\n  - the account svc-http-a already exists (CN=svc-http-a) and does not hold HTTP/a"
        ));
    }
}

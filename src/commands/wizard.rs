//! `spnkt wizard`: the guided way to one SPNEGO service account and its keytab.
//!
//! The wizard discovers defaults (realm and KDC from krb5.conf, the domain controller
//! from DNS SRV, the admin from the credential cache, the containers from the
//! directory), asks one validated question at a time and builds the same
//! [`create::Request`] as `spnkt create`, which the engine checks (its preflight, as
//! each answer comes in), plans, and runs once the plan is confirmed. The host is
//! checked in DNS once, after its preflight: for an alias the canonical name (what
//! browsers ask a ticket for) is offered instead, and an alias of a machine name
//! (a red flag) is not taken unless the admin insists; the report goes into the plan. The answers
//! also fill a [`CreateArgs`] for the equivalent command line it prints; secrets
//! appear there only as the `--*-password-env` names, and stay in memory here.
//!
//! Ctrl-C at a prompt exits 130 with nothing changed; once the changes are being
//! made, the first Ctrl-C is deferred until `create` has finished (or rolled back).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use anyhow::Context;
use dialoguer::{Confirm, Input, Password as PasswordPrompt, Select};

use super::directory::{self, engine};
use super::{Outcome, Ui, render};
use crate::ad::ldap::LdapError;
use crate::ad::rights::{self, Privilege};
use crate::ad::sasl::KerberosBindFailure;
use crate::ad::tls_names::NameMismatch;
use crate::cli::command_line::{
    ACCOUNT_PASSWORD_ENV, BIND_PASSWORD_ENV, command_line, create_args,
};
use crate::cli::{CreateArgs, DelegationKind, DirectoryArgs, WizardArgs};
use crate::exit::CliError;
use crate::hostname::{self, Host};
use crate::krb::Password;
use crate::plan::KeytabMode;
use crate::provision::bind::KerberosLogin;
use crate::provision::credentials::{self, CcacheSource};
use crate::provision::{self, Bind, Session, access, create, dnscheck, locate, lookup};
use crate::validate;

const PROMPTING: u8 = 0;
const EXECUTING: u8 = 1;
const INTERRUPTED_WHILE_EXECUTING: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(PROMPTING);

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
    wizard(&args.directory, args.no_dns_check, ui)
}

/// The directory answers: the equivalent command line's flags, and the bind
/// password (none for a Kerberos login).
struct Answers {
    dir: DirectoryArgs,
    bind_password: Option<Password>,
}

impl Answers {
    /// A fresh session with these answers (as `spnkt create` would open it).
    #[allow(clippy::result_large_err)] // built once per attempt, on the way out
    fn try_connect(&self, ui: &mut Ui) -> Result<Session, provision::Error> {
        let settings = locate::resolve(&directory::request(&self.dir), ui)?;
        let bind = match &self.bind_password {
            Some(password) => Bind::Simple {
                user: self.dir.bind.bind_user.clone().unwrap_or_default(),
                password: password.clone(),
            },
            None => Bind::Kerberos(KerberosLogin::Ccache(CcacheSource::from_env())),
        };
        Session::open(settings, bind, ui)
    }

    fn connect(&self, ui: &mut Ui) -> anyhow::Result<Session> {
        self.try_connect(ui).map_err(engine)
    }

    /// The create request for these answers checked and planned, read-only (what
    /// `spnkt create --dry-run` does).
    fn prepare(
        &self,
        request: &create::Request,
        ui: &mut Ui,
    ) -> anyhow::Result<(Session, create::Prepared)> {
        let mut session = self.connect(ui)?;
        let prepared = create::prepare(&mut session, request, ui).map_err(engine)?;
        Ok((session, prepared))
    }

    /// [`Answers::prepare`] for a host or account question: rights the bind
    /// account lacks for the probe's container (CN=Users) and delegation (none) do
    /// not concern that question (the container is asked for, and checked, later).
    fn probe(&self, request: &create::Request, ui: &mut Ui) -> anyhow::Result<Option<Session>> {
        let mut session = self.try_connect(ui).map_err(engine)?;
        match create::prepare(&mut session, request, ui) {
            Ok(_) => Ok(Some(session)),
            Err(provision::Error::MissingRights { .. }) => Ok(None),
            Err(e) => Err(engine(e)),
        }
    }
}

/// The directory step's result.
struct Connected {
    answers: Answers,
    base_dn: String,
    /// The domain's Users container (its well-known object), when found.
    users: Option<String>,
    ous: Vec<String>,
}

/// A valid ticket-granting ticket for `realm` in the credential cache: its client.
fn ticket_in_ccache(realm: Option<&str>) -> Option<String> {
    let source = CcacheSource::from_env();
    let CcacheSource::File(path) = &source else {
        return None;
    };
    let principal = credentials::ccache_principal_of(path)?;
    let realm = realm
        .map(str::to_owned)
        .or_else(|| principal.rsplit_once('@').map(|(_, r)| r.to_owned()))?;
    let now = crate::timefmt::verify_now().ok()?;
    credentials::ccache_tgt(&source, &realm, now)
        .ok()
        .map(|(tgt, _)| tgt.client.to_string())
}

/// Ask how to log in and where, until a bind works: a Kerberos ticket from the
/// credential cache is offered first when there is one; an untrusted certificate is
/// shown and its CA asked for; a Samba DC that refuses Kerberos inside TLS is
/// offered ldap:// (sealed by Kerberos) instead.
fn connect_directory(
    given: &DirectoryArgs,
    found: &locate::Discovered,
    ui: &mut Ui,
) -> anyhow::Result<Connected> {
    let mut dir = given.clone();
    let mut retried = false;
    let mut ask_again = true;
    let ticket = ticket_in_ccache(found.realm.as_deref());
    let mut kerberos = false;
    let mut bind_password: Option<Password> = None;
    loop {
        if ask_again {
            if let Some(client) = &ticket {
                explain("How to log in to the directory: your Kerberos ticket needs no password.");
                let items = [
                    format!("use your Kerberos ticket ({client})"),
                    "a password for an account you name".to_owned(),
                ];
                kerberos = ask_select("Log in with", &items, 0)? == 0;
            }
            explain(if kerberos {
                "The directory: a domain controller's URL, ldaps:// (TLS), or ldap:// which Kerberos encrypts."
            } else {
                "The directory: a domain controller's LDAPS URL (ldap:// only with StartTLS; plain LDAP is refused)."
            });
            let default_url = dir
                .ldap_url
                .clone()
                .or_else(|| found.ldap_url.as_ref().map(|(u, _)| u.clone()));
            let starttls = dir.starttls;
            let url = ask_text("Domain controller URL", default_url, |s| {
                validate::check_url(s, starttls, kerberos)
                    .map(|()| s.to_owned())
                    .map_err(|e| e.message.clone())
            })?;
            dir.ldap_url = Some(url);
            if kerberos {
                dir.kerberos_bind.bind_kerberos = true;
                dir.bind = crate::cli::BindArgs::default();
                bind_password = None;
            } else {
                dir.kerberos_bind.bind_kerberos = false;
                let (user, password, source) = ask_password_login(given, &dir, found, retried)?;
                dir.bind.bind_user = Some(user);
                dir.bind.bind_password = source;
                bind_password = Some(password);
            }
        }
        let answers = Answers {
            dir: dir.clone(),
            bind_password: bind_password.clone(),
        };
        say("connecting ...");
        let error = match answers.try_connect(ui) {
            Ok(mut session) => {
                let ous = lookup::containers(&mut session, 40);
                let users = session.users_container().ok();
                say(&format!(
                    "connected: realm {}, base {}, domain controller {} (its KDC proves the keys)",
                    session.realm, session.base_dn, session.dc
                ));
                return Ok(Connected {
                    base_dn: session.base_dn.clone(),
                    users,
                    ous,
                    answers,
                });
            }
            Err(e) => e,
        };
        retried = true;
        ask_again = true;
        match &error {
            provision::Error::Connect {
                url,
                cause: LdapError::UnknownCa { .. },
            } => {
                if let Some(ca) = ask_for_ca(url, dir.starttls, ui)? {
                    dir.ca_cert = Some(ca);
                    ask_again = false;
                    continue;
                }
            }
            provision::Error::Bind {
                url,
                cause:
                    LdapError::KerberosBind {
                        cause: KerberosBindFailure::SaslOverTlsRefused { .. },
                        ..
                    },
                ..
            } => {
                let host = locate::host_of(url.split_once("://").map_or(url.as_str(), |(_, r)| r));
                say(&format!(
                    "this domain controller (Samba) takes Kerberos logins only outside TLS, on ldap://{host}, where Kerberos itself encrypts the connection"
                ));
                if ask_confirm(&format!("Connect to ldap://{host} instead?"), true)? {
                    dir.ldap_url = Some(format!("ldap://{host}"));
                    dir.starttls = false;
                    ask_again = false;
                    continue;
                }
            }
            _ => {}
        }
        say(&format!("error: {error}"));
        if let Some(advice) = wizard_advice(&error) {
            say(&advice);
        }
        say("let's try again (your answers are the new defaults)");
    }
}

/// The bind user and password questions.
fn ask_password_login(
    given: &DirectoryArgs,
    dir: &DirectoryArgs,
    found: &locate::Discovered,
    retried: bool,
) -> anyhow::Result<(String, Password, crate::cli::BindPasswordArgs)> {
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
        let source = directory::bind_source(&given.bind.bind_password, None)?;
        let password = directory::read_bind_password(&source, &user)?;
        return Ok((user, password, given.bind.bind_password.clone()));
    }
    let password = ask_secret(&format!("Password for {user} (not shown)"), false)?;
    // The printed command line reads it from this variable.
    let source = crate::cli::BindPasswordArgs {
        bind_password_env: Some(BIND_PASSWORD_ENV.to_owned()),
        ..Default::default()
    };
    Ok((user, Password::new(password.to_string()), source))
}

/// The certificate nobody trusts yet, shown; the CA file asked for (None: start
/// the directory questions again).
fn ask_for_ca(url: &str, starttls: bool, ui: &mut Ui) -> anyhow::Result<Option<PathBuf>> {
    say("the domain controller's certificate is not signed by a CA this machine trusts:");
    match provision::server_certificate(url, starttls) {
        Ok(c) => {
            say(&format!("  subject:  {}", c.subject));
            say(&format!("  issuer:   {}", c.issuer));
            say(&format!(
                "  valid:    {} to {}",
                crate::timefmt::format_utc_i64(c.not_before),
                crate::timefmt::format_utc_i64(c.not_after)
            ));
            if !c.names.is_empty() {
                say(&format!("  names:    {}", c.names.join(", ")));
            }
            say(&format!("  SHA-256:  {}", c.sha256));
        }
        Err(e) => ui.warn(format!("cannot show the certificate: {e}")),
    }
    explain(
        "Compare the fingerprint with the DC's (certlm.msc on the DC, or your PKI team), then give the file (PEM) of the CA that issued it. An empty answer goes back to the first question.",
    );
    let answer = ask_text("CA certificate file (PEM)", Some(String::new()), |s| {
        if s.is_empty() {
            return Ok(String::new());
        }
        provision::check_ca_file(Path::new(s))
            .map(|()| s.to_owned())
            .map_err(|e| e.to_string())
    })?;
    Ok((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

/// What to do after a failed connection, in the words of the wizard's questions.
fn wizard_advice(e: &provision::Error) -> Option<String> {
    Some(match e {
        provision::Error::Connect {
            cause:
                LdapError::TlsNameMismatch {
                    url,
                    found: found @ NameMismatch::SubjectCnOnly { .. },
                    ..
                },
            ..
        } => found.hint(url),
        provision::Error::Connect {
            cause: LdapError::TlsNameMismatch { .. },
            ..
        } => "answer the URL question with a name the DC's certificate holds (usually its DNS host name)".to_owned(),
        provision::Error::Connect { .. } => {
            "check the domain controller URL (host and port) in the first question".to_owned()
        }
        provision::Error::Bind {
            cause: LdapError::KerberosBind { .. },
            ..
        } => "run kinit again, or choose the password login".to_owned(),
        provision::Error::Bind { .. } => "check the bind user and its password".to_owned(),
        provision::Error::RootDse { .. } => {
            "is the URL a domain controller's? Answer the first question again".to_owned()
        }
        _ => return None,
    })
}

fn wizard(given: &DirectoryArgs, no_dns_check: bool, ui: &mut Ui) -> anyhow::Result<Outcome> {
    say("spnkt wizard: one SPNEGO (Kerberos web single sign-on) service account and its keytab.");
    say(
        "Nothing is changed in the directory until you confirm the plan at the end; Ctrl-C stops at any question.",
    );
    let found = locate::discover(
        &directory::request(given),
        directory::bind_user(&given.bind).as_deref(),
        ui,
    );
    if let Some(r) = &found.realm {
        say(&format!("found: realm {r} (krb5.conf)"));
    }
    if let Some((u, from)) = &found.ldap_url {
        say(&format!("found: domain controller {u} ({from})"));
    }
    if let Some((a, from)) = &found.admin {
        say(&format!("found: admin {a} ({from})"));
    }

    // The directory: how to log in, the URL, checked by binding right away.
    let Connected {
        answers,
        base_dn,
        users,
        ous,
    } = connect_directory(given, &found, ui)?;

    // The virtual host, with create's checks and preflight right away, then DNS:
    // for an alias, the canonical name (what browsers ask a ticket for) is offered.
    let keytab_guess = |label: &str| PathBuf::from(format!("{label}.keytab"));
    let mut preset: Option<String> = None;
    let (host, host_dns) = loop {
        let h = match preset.take() {
            Some(h) => {
                say(&format!("Web site host name: {h}"));
                h
            }
            None => {
                explain(
                    "The web site's host name exactly as users type it in the browser (https://NAME/): a lower-case FQDN.",
                );
                explain(
                    "The SPN is always HTTP/NAME, also for https:// sites. Use a virtual host name of its own (a DNS alias), not a machine's name: machines already have HOST/ keys.",
                );
                ask_text("Web site host name", None, |s| {
                    hostname::check_host(s)
                        .map(|h| h.name)
                        .map_err(|e| message(&e))
                })?
            }
        };
        let host = hostname::check_host(&h).map_err(anyhow::Error::new)?;
        let probe = probe_request(&host, None, &keytab_guess(host.first_label()));
        say(&format!(
            "checking {} in the directory (as `spnkt create --dry-run` does) ...",
            host.spn()
        ));
        let session = match answers.probe(&probe, ui) {
            Ok(session) => {
                say(&format!(
                    "ok: nobody holds {} and it is no machine's name",
                    host.spn()
                ));
                session
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
                None
            }
        };
        if no_dns_check {
            break (host.clone(), dnscheck::skipped(&host.name));
        }
        let mut session = match session {
            Some(s) => s,
            None => answers.connect(ui)?,
        };
        say(&format!(
            "checking {} in DNS (browsers ask a ticket for the name it resolves to) ...",
            host.name
        ));
        let report = dnscheck::check(&mut session, &host.name, None, ui);
        if report.has_red_flag() {
            if ask_confirm(
                &format!(
                    "Go on with {} anyway (SPNEGO will fail until DNS is fixed)?",
                    host.name
                ),
                false,
            )? {
                break (host, report);
            }
            say("choose another host name (or fix DNS first)");
            continue;
        }
        if report.is_alias() {
            explain(&format!(
                "{} is an alias of {}: browsers ask for {}, so that is the SPN the account should hold.",
                host.name, report.canonical, report.browser_spn
            ));
            let items = [
                format!("use {} (what browsers ask a ticket for)", report.canonical),
                format!("keep {}", host.name),
                "type another name".to_owned(),
            ];
            match ask_select("Host name for the SPN", &items, 0)? {
                0 => {
                    preset = Some(report.canonical.clone());
                    continue;
                }
                1 => break (host, report),
                _ => continue,
            }
        }
        break (host, report);
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
        let probe = probe_request(&host, Some(a.clone()), &keytab_guess(host.first_label()));
        match answers.probe(&probe, ui) {
            Ok(_) => break a,
            Err(e) => say(&format!("the directory says no: {}", error_text(&e))),
        }
    };

    // The container.
    explain(
        "Where the account is created: the domain's Users container (the default) or an OU of yours.",
    );
    let mut items: Vec<String> = users
        .iter()
        .map(|u| format!("{u} (the default container)"))
        .collect();
    let first_ou = items.len();
    items.extend(ous.iter().cloned());
    items.push("another container (type its DN)".into());
    // What the bind account may do is checked as it is chosen, not at the end.
    let mut session = answers.connect(ui)?;
    let ou = loop {
        let pick = ask_select("Container (OU)", &items, 0)?;
        let ou = match &users {
            Some(users) if pick == 0 => users.clone(),
            _ if pick == items.len() - 1 => ask_text("Container DN", None, |s| {
                validate::container_dn(s, &base_dn)
            })?,
            _ => ous[pick - first_ou].clone(),
        };
        if access::may_create_users(&mut session, &ou) == Some(false) {
            say(&format!(
                "{} may not create user objects in {ou} (it lacks the \"Create User objects\" right there): choose a container where it may (an OU delegated to you), or ask the AD team for the right",
                session.bind_user
            ));
            continue;
        }
        break ou;
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
    let lacks_privilege = access::delegation_privilege(&session) == Privilege::NotHeld;
    if lacks_privilege {
        explain(&format!(
            "{} does not hold {}: by default only the Administrators of the domain controllers (Domain Admins) do. Create the account without delegation now; a Domain Admin sets it later with `spnkt create --host {} --delegation unconstrained` (or ADUC's Delegation tab).",
            session.bind_user,
            rights::ENABLE_DELEGATION,
            host.name
        ));
    }
    let (delegation, delegate_to, protocol_transition) = loop {
        let choice = delegation_choice(&kinds, if lacks_privilege { 2 } else { 0 })?;
        if lacks_privilege && choice.0 != DelegationKind::None {
            say(&format!(
                "not possible as {}: the directory refuses delegation without {}; choose none (a Domain Admin sets delegation later), or Ctrl-C to stop",
                session.bind_user,
                rights::ENABLE_DELEGATION
            ));
            continue;
        }
        break choice;
    };
    drop(session);

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
        Some(Password::new(p.to_string()))
    } else {
        None
    };

    // The keytab.
    let (keytab, keytab_mode) = loop {
        explain("The keytab file to write (mode 0600); copy it to the web server afterwards.");
        let k = ask_text(
            "Keytab file",
            Some(keytab_guess(host.first_label()).display().to_string()),
            |s| {
                validate::check_keytab_dir(Path::new(s), false)
                    .map(|_| s.to_owned())
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
    let mut args = create_args(&host.name, &keytab, Some(account.clone()), &answers.dir);
    args.ou = Some(ou.clone());
    args.delegation = Some(delegation);
    args.delegate_to = delegate_to;
    args.protocol_transition = protocol_transition;
    args.enctypes = enctypes;
    if typed_password.is_some() {
        args.password.password_env = Some(ACCOUNT_PASSWORD_ENV.to_owned());
    }
    args.no_dns_check = no_dns_check;
    args.append = keytab_mode == KeytabChoice::Append;
    args.force = keytab_mode == KeytabChoice::Replace;
    let request = create::Request {
        host: host.clone(),
        account,
        container: Some(ou),
        upn: true,
        enctypes: validate::keytab_enctypes(&args.enctypes)?,
        delegation: validate::delegation_for(
            delegation.into(),
            &args.delegate_to,
            protocol_transition,
        )?,
        password_given: typed_password.is_some(),
        keytab: keytab.clone(),
        keytab_mode: match keytab_mode {
            KeytabChoice::New => KeytabMode::New,
            KeytabChoice::Append => KeytabMode::Append,
            KeytabChoice::Replace => KeytabMode::Replace,
        },
        take_over: false,
        // Checked at the host question; its report goes into the plan below.
        dns_check: false,
    };
    if request.enctypes.contains(&crate::krb::Enctype::RC4_HMAC) {
        ui.warn("rc4-hmac requested: RC4 is weak and Windows domain controllers are dropping it; use AES unless a client still needs it");
    }
    let (mut session, mut prepared) = answers.prepare(&request, ui)?;
    prepared.plan.dns_check = Some(host_dns);
    say("");
    say("The plan (what `spnkt create --dry-run` shows):");
    eprint!("{}", prepared.plan);
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
        "creating: add the account with its password, enabled, in one operation, read its kvno, get the salt, prove the keys with the KDC, write the keytab ...",
    );
    let password = match typed_password {
        Some(p) => p,
        None => crate::provision::random_password().map_err(engine)?,
    };
    let result = create::execute(&mut session, &prepared, &password, ui);
    drop(password);
    let interrupted = STATE.swap(PROMPTING, Ordering::SeqCst) == INTERRUPTED_WHILE_EXECUTING;
    let outcome = render::create_outcome_with(result, &prepared, || fingerprint(&args, ui))?;
    let mut human = outcome.human;
    if interrupted {
        human.push_str("(Ctrl-C was pressed while the changes were made: they were completed)\n");
    }
    let mut json = outcome.json;
    if let Some(v) = json.as_mut() {
        v["command_line"] = serde_json::Value::String(command_line(&args));
    }
    Ok(Outcome { human, json })
}

/// The delegation question (`default`: the choice preselected): the kind, its
/// targets and protocol transition.
fn delegation_choice(
    kinds: &[&str],
    default: usize,
) -> anyhow::Result<(DelegationKind, Vec<String>, bool)> {
    Ok(match ask_select("Delegation", kinds, default)? {
        0 => (DelegationKind::Unconstrained, Vec::new(), false),
        1 => {
            explain(
                "The services it may delegate to, as SPNs (HTTP/backend.example.com), comma-separated.",
            );
            let list = ask_text("Delegate to", None, validate::spn_list)?;
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
    })
}

/// What the host and account questions are checked with: `spnkt create`'s
/// preflight for that host (and account), no delegation, AES.
fn probe_request(host: &Host, account: Option<String>, keytab: &Path) -> create::Request {
    create::Request {
        host: host.clone(),
        account: account.unwrap_or_else(|| hostname::default_account_name(host)),
        container: None,
        upn: true,
        enctypes: crate::ad::account::SupportedEnctypes::AES.enctypes(),
        delegation: crate::ad::account::Delegation::None,
        password_given: false,
        keytab: keytab.to_owned(),
        // A probe only: an existing file is asked about later.
        keytab_mode: KeytabMode::Replace,
        take_over: false,
        // The wizard checks DNS once, after the host's preflight.
        dns_check: false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeytabChoice {
    New,
    Append,
    Replace,
}

/// Does create's refusal (its message, not the hint) concern the host name rather
/// than the account name?
pub fn refusal_concerns_host(message: &str) -> bool {
    message.contains("is already held by")
        || message.contains("machine name")
        || message.contains("userPrincipalName")
}

/// The keytab's fingerprint after success (create's report then gives the next steps).
fn fingerprint(a: &CreateArgs, ui: &mut Ui) -> String {
    let spn = format!("HTTP/{}", a.host);
    let path = a.keytab.display().to_string();
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
        let mut p = PasswordPrompt::new().with_prompt(prompt);
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

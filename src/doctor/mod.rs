//! `spnkt doctor URL`: the whole SPNEGO path of a web site checked from the
//! client's side, in five steps, each a small module:
//!
//! 1. [`dns`]: the URL's host, its CNAME chain and addresses, and so the name a
//!    browser asks a ticket for;
//! 2. [`directory`]: who holds `HTTP/<that name>`, and what that account is like;
//! 3. [`kdc`]: a service ticket for it with the user's ticket-granting ticket;
//! 4. [`web`]: the web server's challenge, then the ticket sent as a browser sends
//!    it, and its answer (with the mutual-authentication token checked);
//! 5. [`keytab`]: with the server's keytab, the very ticket of step 3 decrypted
//!    and diagnosed as `spnkt verify` does.
//!
//! Every step that can run runs: a directory that cannot be asked does not stop
//! the web check. A step that cannot run (no ticket, no keytab) is reported as
//! skipped with the reason. The engine prints nothing; [`run`] returns a
//! [`Report`] the command line renders.

pub mod directory;
pub mod dns;
pub mod kdc;
pub mod keytab;
mod report;
pub mod target;
pub mod token;
pub mod web;

use std::path::PathBuf;
use std::time::Duration;

pub use report::{Finding, Report, Status, StepKind, StepReport};
pub use target::{Target, TargetError};

use crate::kdc::KdcAddress;
use crate::krb::keytab::Keytab;
use crate::krb5conf::Krb5Conf;
use crate::provision::{Bind, Collect, Session, locate};

/// How to reach the directory (step 2, and the machine-name check of step 1).
#[derive(Debug)]
pub enum DirectoryAccess {
    /// Connect and bind like every directory command.
    Bind {
        /// Where and how.
        settings: Box<locate::Settings>,
        /// As whom.
        bind: Bind,
    },
    /// Not possible, and why (no domain controller known, no credentials...).
    Unavailable(String),
}

/// What to check, and with what.
#[derive(Debug)]
pub struct Request {
    /// The URL.
    pub target: Target,
    /// The directory.
    pub directory: DirectoryAccess,
    /// The realm, when known without the directory (--realm, krb5.conf).
    pub realm: Option<String>,
    /// The KDC, when given (--kdc).
    pub kdc: Option<String>,
    /// krb5.conf, for the realm's KDCs.
    pub conf: Krb5Conf,
    /// The user's credentials for the service ticket.
    pub login: kdc::Login,
    /// The web server's keytab (step 5).
    pub keytab: Option<(PathBuf, Keytab)>,
    /// Extra trust anchors for the web server's certificate.
    pub ca_cert: Option<PathBuf>,
    /// Deadline of each network exchange.
    pub timeout: Duration,
    /// Now (seconds since the epoch).
    pub now: i64,
}

/// Default deadline of each HTTP request and KDC exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the note of [`open_directory`]'s second try begins.
const SEALED_NOTE: &str = "Kerberos bind refused inside TLS";

/// Open the directory session. A domain controller that refuses a Kerberos bind
/// inside TLS (Samba, unless configured otherwise) is asked again over plain
/// `ldap://`, which the Kerberos bind seals: doctor only reads, and the wizard does
/// the same after asking.
fn open_directory(
    settings: locate::Settings,
    bind: Bind,
    notes: &mut Collect,
) -> Result<Session, String> {
    let again = match &bind {
        Bind::Kerberos(login) => Some((settings.clone(), login.clone())),
        Bind::Simple { .. } => None,
    };
    let first = Session::open(settings, bind, notes);
    let url = match &first {
        Err(crate::provision::Error::Bind {
            url,
            cause:
                crate::ad::ldap::LdapError::KerberosBind {
                    cause: crate::ad::sasl::KerberosBindFailure::SaslOverTlsRefused { .. },
                    ..
                },
            ..
        }) => url.clone(),
        _ => return first.map_err(|e| e.to_string()),
    };
    let Some((mut settings, login)) = again else {
        return first.map_err(|e| e.to_string());
    };
    let host = locate::host_of(url.split_once("://").map_or(url.as_str(), |(_, r)| r));
    let sealed = format!("ldap://{host}");
    notes.notes.push(format!(
        "{SEALED_NOTE} by {url} (Samba): read over {sealed} instead, sealed by Kerberos"
    ));
    settings.options.url = sealed.clone();
    settings.options.starttls = false;
    settings.candidates = vec![sealed];
    Session::open(settings, Bind::Kerberos(login), notes).map_err(|e| e.to_string())
}

/// Run the five steps.
pub fn run(request: Request) -> Report {
    let started = std::time::Instant::now();
    let target = &request.target;
    let mut notes = Collect::default();
    let mut session: Result<Session, String> = match request.directory {
        DirectoryAccess::Bind { settings, bind } => open_directory(*settings, bind, &mut notes),
        DirectoryAccess::Unavailable(why) => Err(why),
    };

    // 1. DNS
    let dns = dns::run(target, session.as_mut().ok());
    // 2. Directory
    let dir = directory::run(
        session.as_mut().map_err(|e| e.as_str()),
        &dns.browser_host,
        request.now,
    );
    let mut dir = dir;
    for note in notes.notes.iter().filter(|n| n.starts_with(SEALED_NOTE)) {
        dir.report.fact("connection", note.clone());
    }
    // 3. KDC: the directory's realm and its DC's KDC unless given.
    let realm = session
        .as_ref()
        .ok()
        .map(|s| s.realm.clone())
        .or_else(|| request.realm.clone());
    let kdc_address = request
        .kdc
        .clone()
        .or_else(|| session.as_ref().ok().and_then(|s| s.kdc.clone()))
        .or_else(|| locate::resolve_kdc_quietly(None, realm.as_deref(), &request.conf))
        .map(|k| KdcAddress::new(k).with_timeout(request.timeout));
    let kdc = kdc::run(
        kdc::Where {
            realm: realm.as_deref(),
            kdc: kdc_address,
            login: &request.login,
        },
        &dns.browser_host,
        dir.account.as_ref(),
        request.now,
    );
    let token = match &kdc.ticket {
        Some(st) => token::browser_token(st),
        None => Err(format!(
            "no service ticket (step 3: {})",
            kdc.report.summary
        )),
    };
    // 4. Web server
    let web = web::run(&web::Input {
        target,
        addresses: &dns.addresses,
        ca_cert: request.ca_cert.as_deref(),
        timeout: request.timeout,
        token: token.as_ref().map_err(Clone::clone),
    });
    // 5. Keytab, judged at the time the ticket and authenticator were made (not
    // the run's start: a slow directory would make them look "not valid yet").
    // The start is in whole seconds, cut down, so the elapsed time is rounded up:
    // a run that started at 42.7 s and got its ticket (starttime 43) at 43.1 s would
    // otherwise judge it at 42, a second before it starts.
    let elapsed = i64::try_from(started.elapsed().as_millis().div_ceil(1000)).unwrap_or(0);
    let keytab = keytab::run(
        request.keytab.as_ref().map(|(p, k)| (p.as_path(), k)),
        token.as_ref().map_err(Clone::clone),
        &dns.browser_host,
        dir.account.as_ref().and_then(|a| a.kvno),
        request.now.saturating_add(elapsed),
    );
    let spn = realm.map(|r| format!("HTTP/{}@{r}", dns.browser_host));
    Report::new(
        &target.url,
        spn,
        vec![dns.report, dir.report, kdc.report, web, keytab],
    )
}

//! The provisioning engine: everything spnkt does to a directory, a KDC and a keytab
//! file, under a thin command line.
//!
//! It owns the connection to ONE domain controller for a run ([`Session`], found by
//! [`locate`]), the read-only checks before any change ([`preflight`], and
//! [`access`]: whether the bind account may make the plan's changes), the
//! [`Plan`](crate::plan::Plan) executor with its undo ([`execute`]), the key steps
//! (salt, derivation, proof with the KDC, keytab merge and write: [`keys`]), the
//! operations built from them ([`create`], [`rotate`], [`delete`], [`spn`]), the
//! DNS check of a web site's host name ([`dnscheck`]), the
//! converge logic of `spnkt apply` ([`converge`], [`apply`]) and the live ticket of
//! `spnkt verify --live` ([`live`]).
//!
//! It never prints, never reads the terminal and never sees clap: it takes typed
//! requests, returns typed reports and errors ([`Error`], [`StepError`]), and tells
//! what it is doing through [`Progress`], which the command line implements (the
//! `[n/7]` step lines, warnings and notes, the progress bar of `apply`). Prompts,
//! confirmation and rendering stay in the command line.
//!
//! # Example
//!
//! Create the account for `HTTP/portal.example.test` and a proven keytab:
//!
//! ```no_run
//! use spnkt::ad::account::Delegation;
//! use spnkt::hostname::check_host;
//! use spnkt::krb::{Enctype, Password};
//! use spnkt::plan::KeytabMode;
//! use spnkt::provision::{self, Bind, Session, Silent, create, locate};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut progress = Silent;
//! let settings = locate::resolve(
//!     &locate::Request {
//!         ldap_url: Some("ldaps://dc1.example.test".into()),
//!         kdc: Some("dc1.example.test".into()),
//!         ..Default::default()
//!     },
//!     &mut progress,
//! )?;
//! let bind = Bind::Simple {
//!     user: "Administrator@EXAMPLE.TEST".into(),
//!     password: Password::new(std::env::var("ADPW")?),
//! };
//! let mut session = Session::open(settings, bind, &mut progress)?;
//! let request = create::Request {
//!     host: check_host("portal.example.test")?,
//!     account: "svc-http-portal".into(),
//!     container: None,
//!     upn: true,
//!     enctypes: vec![Enctype::AES256_CTS_HMAC_SHA1_96, Enctype::AES128_CTS_HMAC_SHA1_96],
//!     delegation: Delegation::Unconstrained,
//!     password_given: false,
//!     keytab: "portal.keytab".into(),
//!     keytab_mode: KeytabMode::New,
//!     take_over: false,
//!     dns_check: true,
//! };
//! let prepared = create::prepare(&mut session, &request, &mut progress)?;
//! print!("{}", prepared.plan); // what will be done
//! let password = provision::random_password()?;
//! match create::execute(&mut session, &prepared, &password, &mut progress) {
//!     Ok(report) => println!("kvno {:?}, keytab written", report.facts.kvno),
//!     Err(failure) => eprintln!("{}", failure.error),
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
// The error enums carry the directory's or KDC's own error (URL, user, diagnostic)
// so the command line can name the problem; they are built at most a few times per
// run, on the way out, so their size costs nothing worth a Box at every site.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod adopt;
pub mod apply;
pub mod bind;
pub mod converge;
pub mod create;
pub mod credentials;
pub mod delete;
pub mod dnscheck;
mod error;
pub mod execute;
mod facts;
pub mod keys;
pub mod live;
pub mod locate;
pub mod lookup;
pub mod preflight;
pub mod replication;
pub mod rotate;
mod session;
pub mod spn;
pub mod timings;

pub use error::{
    DeleteRefusal, Error, KDC_HINT, READ_RIGHTS_HINT, StepError, unreachable, write_hint,
};
pub use facts::{Facts, uac_text};
pub use session::{
    Bind, Session, USERS_CONTAINER_WKGUID, check_ca_file, realm_from_dn, server_certificate,
    users_container_of,
};

use crate::plan::Step;

/// What the engine tells its caller while it works. Every method but [`warn`] and
/// [`note`] has a default that ignores it.
///
/// [`warn`]: Progress::warn
/// [`note`]: Progress::note
pub trait Progress {
    /// Something the admin should act on or know before trusting the result.
    fn warn(&mut self, message: String);
    /// Something worth knowing (where a setting came from, what was decided).
    fn note(&mut self, message: String);
    /// A warning that must not be missed: the setup will fail as it is (a web
    /// site's name is an alias of a computer's). By default a warning that starts
    /// with `RED FLAG: `.
    fn alarm(&mut self, message: String) {
        self.warn(format!("RED FLAG: {message}"));
    }
    /// Step `number` (1-based) of `total` of a plan is about to run.
    fn step(&mut self, _number: usize, _total: usize, _step: &Step) {}
    /// `apply` is about to work through `services` services.
    fn start_services(&mut self, _services: usize) {}
    /// `apply`: one service's report is final (`position` of `total`, 1-based).
    fn service_done(&mut self, _position: usize, _total: usize, _report: &apply::ServiceReport) {}
    /// `apply`: the service `host` was handled (a progress bar advances).
    fn advance(&mut self, _host: &str) {}
    /// `apply`: all services were handled.
    fn finish_services(&mut self) {}
    /// Part of the work (a plan step's kind, a phase of `apply`) took `elapsed`
    /// (added up by `apply --timings`).
    fn timed(&mut self, _what: &'static str, _elapsed: std::time::Duration) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn warn(&mut self, _message: String) {}
    fn note(&mut self, _message: String) {}
}

/// Progress that keeps warnings and notes (for a report) and shows nothing.
#[derive(Debug, Default, Clone)]
pub struct Collect {
    /// Warnings, in order.
    pub warnings: Vec<String>,
    /// Notes, in order.
    pub notes: Vec<String>,
    /// Timed parts of the work, in order.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Progress for Collect {
    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }
    fn note(&mut self, message: String) {
        self.notes.push(message);
    }
    fn timed(&mut self, what: &'static str, elapsed: std::time::Duration) {
        self.timings.push((what, elapsed));
    }
}

/// A fresh random password of spnkt's default length.
pub fn random_password() -> Result<crate::krb::Password, Error> {
    crate::genpass::random_password(crate::genpass::DEFAULT_LENGTH)
        .map_err(|e| Error::Random(e.to_string()))
}

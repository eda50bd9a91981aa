#![forbid(unsafe_code)]
//! spnkt: Active Directory SPNEGO service accounts and MIT keytabs.
//!
//! [`krb`] is pure Kerberos (no I/O). Everything else is the command-line edge:
//! [`cli`] (clap definitions), [`commands`] (one module per subcommand), [`exit`]
//! (errors to exit codes), [`secret_input`], [`atomic_file`] and [`timefmt`].
//! [`diagnose`] is the pure analysis behind `spnkt verify`.

pub mod ad;
pub mod atomic_file;
pub mod cli;
pub mod commands;
pub mod diagnose;
pub mod dns;
pub mod exit;
pub mod genpass;
pub mod hostname;
pub mod kdc;
pub mod krb;
pub mod krb5conf;
pub mod plan;
pub mod plan_file;
pub mod secret_input;
pub mod timefmt;

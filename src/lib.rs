#![forbid(unsafe_code)]
//! spnkt: Active Directory SPNEGO service accounts and MIT keytabs.
//!
//! The layers, each importing only downward:
//!
//! - the command line: [`cli`] (the clap definitions: help, man pages, completions),
//!   [`commands`] (parse, call the engine, render text or `--json`; prompts and
//!   confirmation), [`exit`] (errors to documented exit codes and hints),
//!   [`secret_input`] (passwords from files, stdin, the environment or a prompt);
//! - the provisioning engine: [`provision`] (one session with one domain controller,
//!   preflight, plan execution with undo, keys and keytabs, converge), with
//!   [`plan`] and [`plan_file`] (the one `Plan` type; the TOML plan) and the input
//!   checks of [`validate`] and [`hostname`];
//! - the directory and the KDC: [`ad`] (LDAP), [`kdc`] (the KDC client), [`dns`],
//!   [`krb5conf`], [`keytab_file`] and [`atomic_file`] (keytabs on disk);
//! - pure Kerberos: [`krb`] (codecs, crypto, salts; no files, sockets, environment,
//!   clock or randomness), [`diagnose`] (why a ticket does not decrypt) and
//!   [`webconf`] (a web server's krb5.conf, Apache/Java/WebSphere/nginx settings and
//!   the next steps, as text from values).

pub mod ad;
pub mod atomic_file;
pub mod cli;
pub mod commands;
pub mod diagnose;
pub mod dns;
pub mod doctor;
pub mod exit;
pub mod genpass;
pub mod hostname;
pub mod kdc;
pub mod keytab_file;
pub mod krb;
pub mod krb5conf;
pub mod legacy;
pub mod plan;
pub mod plan_file;
pub mod provision;
pub mod secret_input;
pub mod text;
pub mod timefmt;
pub mod validate;
pub mod webconf;

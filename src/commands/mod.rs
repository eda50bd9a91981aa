//! The command-line edge: parse arguments, run one subcommand, print its result.
//!
//! Each subcommand lives in its own file and returns an [`Outcome`]: the human text
//! and the `--json` object. Warnings and notes go through [`Ui`] so they reach
//! stderr as they happen (before a password prompt) and the JSON output too.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use zeroize::Zeroizing;

use crate::atomic_file::{self, Overwrite};
use crate::cli::{AccountCommand, Cli, Command, GlobalArgs, KeytabCommand, SpnCommand};
use crate::exit::{self, CliError};
use crate::krb::keytab::{self, Keytab, KeytabEntry};
use crate::krb::{Enctype, Principal};

pub mod account;
pub mod apply;
pub mod create;
pub mod delete;
pub mod directory;
pub mod generate;
pub mod keytab_create;
pub mod keytab_list;
pub mod keytab_merge;
pub mod keytab_remove;
pub mod provision;
pub mod rotate;
pub mod spn;
pub mod verify;
pub mod verify_live;
pub mod wizard;

/// What a command produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Printed on stdout without `--json`.
    pub human: String,
    /// Printed on stdout (one line) with `--json`; `None` prints `human` anyway.
    pub json: Option<serde_json::Value>,
}

/// A command that ran (partly) and failed: `outcome` is its report (printed as
/// usual, with the error added to the JSON object), `error` decides the exit code.
#[derive(Debug)]
pub struct Reported {
    pub outcome: Outcome,
    pub error: CliError,
}

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for Reported {}

/// Warnings and notes: printed on stderr unless `--quiet`, and kept for `--json`.
/// While a progress bar is shown (long runs on a terminal), every line goes above it.
#[derive(Debug, Default)]
pub struct Ui {
    pub quiet: bool,
    /// `--json` was given: commands with large output build only the JSON form.
    pub json: bool,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    progress: Option<indicatif::ProgressBar>,
}

impl Ui {
    pub fn new(global: &GlobalArgs) -> Ui {
        Ui {
            quiet: global.quiet,
            json: global.json,
            ..Ui::default()
        }
    }

    pub fn warn(&mut self, msg: impl Into<String>) {
        let msg = msg.into();
        self.line(&format!("warning: {msg}"));
        self.warnings.push(msg);
    }

    pub fn note(&mut self, msg: impl Into<String>) {
        let msg = msg.into();
        self.line(&format!("note: {msg}"));
        self.notes.push(msg);
    }

    /// One line on stderr (above the progress bar when there is one), unless `--quiet`.
    pub fn line(&self, text: &str) {
        if self.quiet {
            return;
        }
        match &self.progress {
            Some(bar) => bar.println(text),
            None => {
                let _ = writeln!(io::stderr().lock(), "{text}");
            }
        }
    }

    /// Show a progress bar of `len` steps when stderr is a terminal (plain lines
    /// otherwise, so logs and pipelines stay readable).
    pub fn start_progress(&mut self, len: u64) {
        use std::io::IsTerminal;
        if self.quiet || !io::stderr().is_terminal() {
            return;
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        self.progress = Some(bar);
    }

    /// Advance the progress bar (if any) by one, labelled `msg`.
    pub fn advance(&self, msg: &str) {
        if let Some(bar) = &self.progress {
            bar.set_message(msg.to_owned());
            bar.inc(1);
        }
    }

    pub fn finish_progress(&mut self) {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
    }
}

/// Parse `args` (including the program name), run the command, print, and return
/// the documented exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if args.len() == 1 && offer_wizard() {
        args.push("wizard".into());
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap failed, so look for --json by hand to keep stdout machine-readable.
            let json = args
                .iter()
                .skip(1)
                .take_while(|a| *a != "--")
                .any(|a| a == "--json");
            return exit::report_clap(e, json);
        }
    };
    let mut ui = Ui::new(&cli.global);
    match dispatch(&cli, &mut ui) {
        Ok(outcome) => {
            print_outcome(outcome, &cli.global, &ui);
            ExitCode::SUCCESS
        }
        Err(e) => match e.downcast::<verify::Failed>() {
            // `spnkt verify` ran and the ticket did not verify: the report is the output
            // (one JSON object with --json), the error goes to stderr only.
            Ok(failed) => {
                print_outcome(failed.outcome, &cli.global, &ui);
                let r = exit::render(&anyhow::Error::new(failed.error));
                exit::print_rendered(&r, false);
                r.exit.into()
            }
            Err(e) => match e.downcast::<apply::ChangesPending>() {
                // `spnkt apply --dry-run` with changes pending: the report, exit 10.
                Ok(pending) => {
                    print_outcome(pending.outcome, &cli.global, &ui);
                    exit::Exit::Changes.into()
                }
                Err(e) => match e.downcast::<Reported>() {
                    // A directory command ran partly: its facts are the output (with the
                    // error inside the JSON object), the error goes to stderr too.
                    Ok(rep) => {
                        let Reported { mut outcome, error } = rep;
                        if let Some(obj) = outcome.json.as_mut().and_then(|v| v.as_object_mut()) {
                            obj.insert(
                            "error".into(),
                            serde_json::json!({"code": error.exit.code(), "message": error.message, "hint": error.hint}),
                        );
                        }
                        print_outcome(outcome, &cli.global, &ui);
                        let r = exit::render(&anyhow::Error::new(error));
                        exit::print_rendered(&r, false);
                        r.exit.into()
                    }
                    Err(e) => exit::report(&e, cli.global.json),
                },
            },
        },
    }
}

/// `spnkt` alone on a terminal: offer the guided setup (no terminal: help, exit 2).
fn offer_wizard() -> bool {
    use std::io::IsTerminal;
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return false;
    }
    let _ = writeln!(
        io::stderr().lock(),
        "spnkt creates Active Directory accounts and keytabs for Kerberos web single sign-on (`spnkt --help` lists the commands)."
    );
    dialoguer::Confirm::new()
        .with_prompt("Start the guided setup (spnkt wizard)?")
        .default(true)
        .wait_for_newline(true)
        .interact()
        .unwrap_or(false)
}

fn dispatch(cli: &Cli, ui: &mut Ui) -> anyhow::Result<Outcome> {
    match &cli.command {
        Command::Keytab(k) => match &k.command {
            KeytabCommand::Create(a) => keytab_create::run(a, ui),
            KeytabCommand::List(a) => keytab_list::run(a, ui),
            KeytabCommand::Merge(a) => keytab_merge::run(a, ui),
            KeytabCommand::Remove(a) => keytab_remove::run(a, ui),
        },
        Command::Verify(a) => verify::run(a, ui),
        Command::Create(a) => create::run(a, ui),
        Command::Rotate(a) => rotate::run(a, ui),
        Command::Delete(a) => delete::run(a, ui),
        Command::Apply(a) => apply::run(a, ui),
        Command::Spn(s) => match &s.command {
            SpnCommand::List(a) => spn::list(a, ui),
            SpnCommand::Add(a) => spn::add(a, ui),
            SpnCommand::Remove(a) => spn::remove(a, ui),
            SpnCommand::Check(a) => spn::check(a, ui),
        },
        Command::Account(s) => match &s.command {
            AccountCommand::Show(a) => account::show(a, ui),
        },
        Command::Wizard(a) => wizard::run(a, ui),
        Command::Generate(g) => generate::run(g),
    }
}

fn print_outcome(outcome: Outcome, global: &GlobalArgs, ui: &Ui) {
    let text = match (global.json, outcome.json) {
        (true, Some(mut v)) => {
            if let Some(obj) = v.as_object_mut() {
                obj.insert("warnings".into(), serde_json::json!(ui.warnings));
                obj.insert("notes".into(), serde_json::json!(ui.notes));
            }
            format!("{v}\n")
        }
        _ => outcome.human,
    };
    let mut out = io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Parse a principal given on the command line; errors are usage errors with hints.
pub fn parse_principal(input: &str) -> Result<Principal, CliError> {
    use crate::krb::principal::PrincipalError;
    Principal::parse(input).map_err(|e| {
        let hint = match &e {
            PrincipalError::MissingRealm { .. } => {
                format!("add @REALM, the AD domain in upper case: {input}@EXAMPLE.COM")
            }
            _ => "principals look like HTTP/app1.example.com@EXAMPLE.COM; escape a literal / or @ with a backslash"
                .to_owned(),
        };
        CliError::usage(e.to_string()).hint(hint)
    })
}

/// The short names accepted for derivable enctypes, for hints.
pub const ENCTYPE_NAMES_HINT: &str = "accepted: aes256, aes128, rc4 (or MIT names such as aes256-cts-hmac-sha1-96, or enctype numbers)";

/// Parse an enctype name or number as typed by the admin.
pub fn parse_enctype(s: &str) -> Result<Enctype, CliError> {
    Enctype::from_user_str(s).ok_or_else(|| {
        CliError::usage(format!("unknown encryption type `{s}`")).hint(ENCTYPE_NAMES_HINT)
    })
}

/// Read and parse a keytab file. Parse errors are failures naming the offset.
pub fn read_keytab(path: &Path) -> anyhow::Result<Keytab> {
    let bytes = Zeroizing::new(
        std::fs::read(path).with_context(|| format!("cannot read keytab {}", path.display()))?,
    );
    keytab::parse(&bytes).map_err(|e| {
        let msg = e.to_string();
        CliError::failure(format!("{}: {msg}", path.display()))
            .hint("is this a keytab? check it with `file`, or re-create it with `spnkt keytab create`")
            .into()
    })
}

/// Write a keytab atomically with mode 0600.
pub fn write_keytab(path: &Path, kt: &Keytab, overwrite: Overwrite) -> anyhow::Result<()> {
    kt.check_writable()
        .map_err(|e| CliError::failure(format!("cannot write keytab {}: {}", path.display(), e)))?;
    let bytes = keytab::write(kt);
    atomic_file::write(path, &bytes, overwrite).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            anyhow::Error::new(
                CliError::failure(format!("{} already exists", path.display()))
                    .hint("use --append to add to it or --force to replace it"),
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot write keytab {}", path.display()))
        }
    })
}

/// spnkt writes only format 0x0502; say so when rewriting a 0x0501 keytab.
pub fn note_if_upgraded(ui: &mut Ui, path: &Path, kt: &Keytab) {
    if kt.version == keytab::KeytabVersion::V1 {
        ui.note(format!(
            "{} was format 0x0501; it is rewritten as 0x0502",
            path.display()
        ));
    }
}

/// One keytab entry as JSON (keys only when asked).
pub fn entry_json(slot: usize, e: &KeytabEntry, with_key: bool) -> serde_json::Value {
    let mut v = serde_json::json!({
        "slot": slot,
        "kvno": e.kvno,
        "timestamp": e.timestamp,
        "timestamp_utc": crate::timefmt::format_utc(e.timestamp),
        "principal": e.principal.to_string(),
        "name_type": e.principal.name_type.0,
        "name_type_name": e.principal.name_type.to_string(),
        "enctype": e.key.enctype().0,
        "enctype_name": e.key.enctype().to_string(),
    });
    if with_key {
        v["key"] = serde_json::Value::String(to_hex(e.key.expose()));
    }
    v
}

/// Lower-case hex. Only used for `--keys`, which the user asked for explicitly.
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `1 entry` / `2 entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

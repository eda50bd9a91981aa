//! The command-line edge: parse arguments, run one subcommand, print its result.
//!
//! Each subcommand lives in its own file and returns an [`Outcome`]: the human text
//! and the `--json` object. Warnings and notes go through [`Ui`] so they reach
//! stderr as they happen (before a password prompt) and the JSON output too.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::atomic_file::Overwrite;
use crate::cli::{
    AccountCommand, Cli, Command, GlobalArgs, KeytabCommand, PasswordArgs, SpnCommand,
};
use crate::exit::{self, CliError};
use crate::keytab_file::{self, KeytabFileError};
use crate::krb::keytab::{self, Keytab, KeytabEntry};
use crate::plan::Step;
use crate::provision::{self, apply::ServiceReport};
use crate::secret_input;
pub use crate::validate::{ENCTYPE_NAMES_HINT, parse_enctype, principal as parse_principal};

pub mod account;
pub mod apply;
pub mod config;
pub mod create;
pub mod delete;
pub mod directory;
pub mod doctor;
pub mod generate;
pub mod keytab_create;
pub mod keytab_derive;
pub mod keytab_list;
pub mod keytab_merge;
pub mod keytab_remove;
pub mod ktpass;
pub mod render;
pub mod rotate;
pub mod setspn;
pub mod spn;
pub mod verify;
pub mod verify_live;
pub mod verify_report;
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
    /// `--timings`: where the time went, added up as the engine reports it.
    pub timings: Option<provision::timings::Timings>,
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

impl provision::Progress for Ui {
    fn warn(&mut self, message: String) {
        Ui::warn(self, message);
    }

    fn note(&mut self, message: String) {
        Ui::note(self, message);
    }

    /// `warning: RED FLAG: ...`, red and bold on a terminal (unless NO_COLOR).
    fn alarm(&mut self, message: String) {
        let msg = format!("RED FLAG: {message}");
        let loud = dialoguer::console::style(format!("warning: {msg}"))
            .for_stderr()
            .red()
            .bold();
        self.line(&loud.to_string());
        self.warnings.push(msg);
    }

    /// `[3/7] enable CN=...`: the first line of the step as the plan shows it.
    fn step(&mut self, number: usize, total: usize, step: &Step) {
        let text = step.to_string();
        self.line(&format!(
            "[{number}/{total}] {}",
            text.lines().next().unwrap_or_default()
        ));
    }

    fn start_services(&mut self, services: usize) {
        self.start_progress(services as u64);
    }

    /// `[ 3/20] app3.example.test: created (kvno 2)`.
    fn service_done(&mut self, position: usize, total: usize, r: &ServiceReport) {
        let mut line = format!(
            "[{position:>w$}/{total}] {}: {}",
            r.host,
            r.action,
            w = total.to_string().len()
        );
        if let Some(k) = r.kvno {
            line.push_str(&format!(" (kvno {k})"));
        }
        if let Some(e) = &r.error {
            line.push_str(&format!(
                ": {}",
                e.message.lines().next().unwrap_or_default()
            ));
        }
        self.line(&line);
    }

    fn advance(&mut self, host: &str) {
        Ui::advance(self, host);
    }

    fn finish_services(&mut self) {
        self.finish_progress();
    }

    fn timed(&mut self, what: &'static str, elapsed: std::time::Duration) {
        if let Some(t) = &mut self.timings {
            t.add(what, elapsed);
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
        Err(e) => match e.downcast::<verify_report::Failed>() {
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
            KeytabCommand::Derive(a) => keytab_derive::run(a, ui, None),
            KeytabCommand::List(a) => keytab_list::run(a, ui),
            KeytabCommand::Merge(a) => keytab_merge::run(a, ui),
            KeytabCommand::Remove(a) => keytab_remove::run(a, ui),
        },
        Command::Verify(a) if a.live => verify_live::run(a, ui),
        Command::Verify(a) => verify::run(a, ui),
        Command::Create(a) => create::run(a, ui),
        Command::Config(a) => config::run(a, ui),
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
        Command::Doctor(a) => doctor::run(a, ui),
        Command::Wizard(a) => wizard::run(a, ui),
        Command::Ktpass(a) => ktpass::run(a, ui),
        Command::Setspn(a) => setspn::run(a, ui),
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

/// Where `--password-file`, `--password-stdin` or `--password-env` say the
/// account's password comes from.
pub fn password_source(args: &PasswordArgs) -> Result<secret_input::Source<'_>, CliError> {
    secret_input::source(
        args.password_file.as_deref(),
        args.password_stdin,
        args.password_env.as_deref(),
    )
}

/// Read and parse a keytab file; errors name the path, with a hint.
pub fn read_keytab(path: &Path) -> anyhow::Result<Keytab> {
    keytab_file::read(path).map_err(|e| keytab_error(&e).into())
}

/// A keytab file error as the command line shows it.
pub fn keytab_error(e: &KeytabFileError) -> CliError {
    let hint = match e {
        KeytabFileError::Malformed { .. } => Some(
            "is this a keytab? check it with `file`, or re-create it with `spnkt keytab create`",
        ),
        KeytabFileError::Exists { .. } => {
            Some("use --append to add to it or --force to replace it")
        }
        KeytabFileError::Locked { .. } => Some(
            "wait for the other process to finish (`fuser -v FILE` shows it) and run the command again; SPNKT_KEYTAB_LOCK_TIMEOUT sets how many seconds spnkt waits",
        ),
        _ => match e.io_kind() {
            Some(io::ErrorKind::NotFound) => Some("check the path"),
            Some(io::ErrorKind::PermissionDenied) => Some(
                "check the file's permissions (keytabs are usually readable only by their owner)",
            ),
            _ => None,
        },
    };
    let err = CliError::failure(e.to_string());
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}

/// Why [`update_keytab`]'s merge failed: the file, or the command's own reasons.
#[derive(Debug)]
pub enum UpdateError {
    /// Reading, locking or writing the keytab (shown with [`keytab_error`]'s hints).
    File(KeytabFileError),
    /// Anything else the merge refused.
    Other(anyhow::Error),
}

impl From<KeytabFileError> for UpdateError {
    fn from(e: KeytabFileError) -> UpdateError {
        UpdateError::File(e)
    }
}

impl From<anyhow::Error> for UpdateError {
    fn from(e: anyhow::Error) -> UpdateError {
        UpdateError::Other(e)
    }
}

impl From<CliError> for UpdateError {
    fn from(e: CliError) -> UpdateError {
        UpdateError::Other(e.into())
    }
}

/// Read-modify-write the keytab at `path` under its lock, atomically with mode 0600
/// ([`keytab_file::update`]: `merge` sees the file as it is under the lock).
pub fn update_keytab<T>(
    path: &Path,
    overwrite: Overwrite,
    merge: impl FnMut(&keytab_file::Current<'_>) -> Result<(Option<Keytab>, T), UpdateError>,
) -> anyhow::Result<T> {
    keytab_file::update(path, overwrite, merge).map_err(|e| match e {
        UpdateError::File(e) => keytab_error(&e).into(),
        UpdateError::Other(e) => e,
    })
}

/// spnkt writes only format 0x0502; say so when rewriting a 0x0501 keytab.
pub fn note_if_upgraded(ui: &mut Ui, path: &Path, kt: &Keytab) {
    if kt.version == keytab::KeytabVersion::V1 {
        note_upgraded(ui, path);
    }
}

/// The note of [`note_if_upgraded`], for a keytab read under its lock.
pub fn note_upgraded(ui: &mut Ui, path: &Path) {
    ui.note(format!(
        "{} was format 0x0501; it is rewritten as 0x0502",
        path.display()
    ));
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
pub use crate::text::plural;

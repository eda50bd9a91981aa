//! The one place that turns errors into exit codes and messages.
//!
//! Commands return `anyhow::Result`. An error whose chain contains a [`CliError`]
//! takes that error's exit code and hint; any other error is a failure (exit 1),
//! with a hint guessed from I/O error kinds. Output on stderr is always
//!
//! ```text
//! error: <message, with context>
//! hint: <what to do>
//! ```
//!
//! and with `--json` the same is ALSO printed on stdout as
//! `{"error": {"code": N, "message": "...", "hint": "..." | null}}`, so scripts that
//! read stdout always get one JSON object.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// Documented exit codes (see `spnkt --help`, EXIT STATUS in the man pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Something could not be done: I/O, malformed keytab, no match...
    Failure = 1,
    /// Bad command line or bad input values (clap errors, bad principal, enctype, kvno,
    /// missing password source).
    Usage = 2,
    /// A verification (`spnkt verify`) ran and did not succeed.
    VerificationFailed = 4,
    /// `--wait-replication`: the keys are written and proven on the DC written to,
    /// but not every domain controller accepted them before the timeout.
    NotReplicated = 5,
    /// Another run changed the same account (or keytab) at the same time and won:
    /// this run's keys were not written.
    Conflict = 6,
    /// `spnkt apply --dry-run`: the directory or a keytab would change.
    Changes = 10,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

/// An error with a documented exit code and an optional hint.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::Usage,
            message: message.into(),
            hint: None,
        }
    }

    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::Failure,
            message: message.into(),
            hint: None,
        }
    }

    pub fn verification_failed(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::VerificationFailed,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// What the user sees for an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

/// Decide exit code, message and hint for an error.
pub fn render(err: &anyhow::Error) -> Rendered {
    let message = format!("{err:#}");
    if let Some(cli) = err.chain().find_map(|e| e.downcast_ref::<CliError>()) {
        return Rendered {
            exit: cli.exit,
            message,
            hint: cli.hint.clone(),
        };
    }
    let hint = err
        .chain()
        .find_map(|e| e.downcast_ref::<io::Error>())
        .and_then(|io| match io.kind() {
            io::ErrorKind::NotFound => Some("check the path".to_owned()),
            io::ErrorKind::PermissionDenied => Some(
                "check the file's permissions (keytabs are usually readable only by their owner)"
                    .to_owned(),
            ),
            io::ErrorKind::AlreadyExists => Some("use --force to overwrite it".to_owned()),
            _ => None,
        });
    Rendered {
        exit: Exit::Failure,
        message,
        hint,
    }
}

/// Print an error (stderr, and stdout as JSON when asked) and return its exit code.
pub fn report(err: &anyhow::Error, json: bool) -> ExitCode {
    let r = render(err);
    print_rendered(&r, json);
    r.exit.into()
}

pub fn print_rendered(r: &Rendered, json: bool) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", r.message);
    if let Some(h) = &r.hint {
        let _ = writeln!(stderr, "hint: {h}");
    }
    if json {
        print_json_error(r.exit, &r.message, r.hint.as_deref());
    }
}

/// `{"error": {"code": N, "message": ..., "hint": ...}}` on stdout.
pub fn print_json_error(exit: Exit, message: &str, hint: Option<&str>) {
    let v = serde_json::json!({"error": {"code": exit.code(), "message": message, "hint": hint}});
    let _ = writeln!(io::stdout().lock(), "{v}");
}

/// clap's errors: help and version go to stdout with exit 0; everything else is a
/// usage error (exit 2) printed in clap's format.
pub fn report_clap(err: clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        _ => {
            let _ = err.print();
            if json {
                // clap's own rendering, without styling and its "error: " prefix.
                let text = err.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                let message = first.strip_prefix("error: ").unwrap_or(first);
                print_json_error(Exit::Usage, message, Some("see --help"));
            }
            ExitCode::from(Exit::Usage.code())
        }
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn cli_error_code_survives_context() {
        let e = anyhow::Error::new(CliError::usage("bad").hint("do this")).context("while parsing");
        let r = render(&e);
        assert_eq!(r.exit, Exit::Usage);
        assert_eq!(r.message, "while parsing: bad");
        assert_eq!(r.hint.as_deref(), Some("do this"));
    }

    #[test]
    fn io_errors_are_failures_with_hints() {
        let e: anyhow::Result<()> =
            Err(io::Error::from(io::ErrorKind::NotFound)).context("cannot read x.keytab");
        let r = render(&e.unwrap_err());
        assert_eq!(r.exit, Exit::Failure);
        assert!(r.message.starts_with("cannot read x.keytab: "));
        assert_eq!(r.hint.as_deref(), Some("check the path"));
    }
}

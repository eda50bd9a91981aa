//! What `spnkt verify --ticket` and `--live` share: the keytab to use and the exit
//! status the analysis ([`crate::diagnose`], its text in [`crate::diagnose::text`])
//! leads to.

use super::{Outcome, plural};
use crate::cli::VerifyArgs;
use crate::diagnose::TicketResult;
use crate::exit::CliError;
use crate::keytab_file;

/// Verification ran and failed: the report is still the command's output.
#[derive(Debug)]
pub struct Failed {
    pub outcome: Outcome,
    pub error: CliError,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Failed {}

/// `--keytab`, else $KRB5_KTNAME.
pub fn keytab_path(args: &VerifyArgs) -> Result<std::path::PathBuf, CliError> {
    match &args.keytab {
        Some(p) => Ok(p.clone()),
        None => keytab_file::default_path(keytab_file::ktname()).map_err(|e| {
            CliError::usage(e.to_string())
                .hint("name the keytab: spnkt verify --keytab FILE (or set KRB5_KTNAME=FILE:/path/to/keytab)")
        }),
    }
}

/// The command's result once the tickets were analysed: `outcome` when every one
/// verified, else [`Failed`] (the report stays the output; exit 4) naming the cause.
pub fn conclude(outcome: Outcome, results: &[TicketResult]) -> anyhow::Result<Outcome> {
    if !results.is_empty() && results.iter().all(|r| r.ok) {
        return Ok(outcome);
    }
    let failed: Vec<&TicketResult> = results.iter().filter(|r| !r.ok).collect();
    let error = match failed.as_slice() {
        [one] if results.len() == 1 => {
            let cause = one.cause.as_ref();
            let msg = cause.map_or_else(
                || "the ticket did not verify".to_owned(),
                |c| c.message.clone(),
            );
            let msg = match &one.service {
                Some(s) if !msg.contains(s.as_str()) => format!("{s}: {msg}"),
                _ => msg,
            };
            let e = CliError::verification_failed(msg);
            match cause {
                Some(c) => e.hint(c.hint.clone()),
                None => e,
            }
        }
        _ => CliError::verification_failed(format!(
            "{} of {} did not verify",
            failed.len(),
            plural(results.len(), "ticket", "tickets")
        ))
        .hint("see each ticket's cause in the report above"),
    };
    Err(anyhow::Error::new(Failed { outcome, error }))
}

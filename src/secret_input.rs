//! Reading passwords without ever taking them from argv.
//!
//! Sources, in the order of the flags: `--password-file F` (the whole file minus
//! one trailing `\n` or `\r\n`), `--password-stdin` (the first line), `--password-env
//! VAR`, and otherwise a prompt with confirmation when standard input is a terminal.
//! With no source and no terminal it is a usage error. An empty password is an error.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::Context;
use zeroize::Zeroizing;

use crate::exit::CliError;
use crate::krb::Password;

/// The hint listing every way to give a password.
pub const SOURCES_HINT: &str = "give the password with --password-file FILE, --password-stdin or --password-env VAR, or run in a terminal to be prompted";

/// Where the password will come from, decided before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source<'a> {
    File(&'a Path),
    Stdin,
    Env(&'a str),
    Prompt,
}

/// Pick the source from the flags (`--password-file`, `--password-stdin`,
/// `--password-env`, in that order); fails (usage) when none is given and stdin is
/// not a terminal.
pub fn source<'a>(
    file: Option<&'a Path>,
    stdin: bool,
    env: Option<&'a str>,
) -> Result<Source<'a>, CliError> {
    if let Some(f) = file {
        Ok(Source::File(f))
    } else if stdin {
        Ok(Source::Stdin)
    } else if let Some(v) = env {
        Ok(Source::Env(v))
    } else if std::io::stdin().is_terminal() {
        Ok(Source::Prompt)
    } else {
        Err(
            CliError::usage("no password given and standard input is not a terminal")
                .hint(SOURCES_HINT),
        )
    }
}

/// Read the password from `source`; `for_whom` names it in the prompt.
pub fn read(source: &Source<'_>, for_whom: &str) -> anyhow::Result<Password> {
    let password = match source {
        Source::File(path) => {
            let bytes = Zeroizing::new(
                std::fs::read(path)
                    .with_context(|| format!("cannot read password file {}", path.display()))?,
            );
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                CliError::usage(format!(
                    "password file {} is not UTF-8 text",
                    path.display()
                ))
                .hint("save the password as UTF-8")
            })?;
            Password::new(strip_one_newline(text).to_owned())
        }
        Source::Stdin => {
            let mut line = Zeroizing::new(String::new());
            let n = std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            if n == 0 {
                return Err(CliError::usage("--password-stdin: standard input is empty")
                    .hint("pipe the password in, e.g. printf '%s\\n' \"$PW\" | spnkt ...")
                    .into());
            }
            Password::new(strip_one_newline(&line).to_owned())
        }
        Source::Env(var) => match env_var(var) {
            None => {
                return Err(CliError::usage(format!(
                    "--password-env: environment variable {var} is not set"
                ))
                .hint(format!(
                    "export {var} first, or use another source: {SOURCES_HINT}"
                ))
                .into());
            }
            // into_string moves the bytes: no extra copy to forget about.
            Some(v) => Password::new(v.into_string().map_err(|_| {
                CliError::usage(format!(
                    "--password-env: environment variable {var} is not valid UTF-8"
                ))
            })?),
        },
        Source::Prompt => {
            let s = dialoguer::Password::new()
                .with_prompt(format!("Password for {for_whom}"))
                .with_confirmation("Repeat password", "error: the passwords do not match")
                .interact()
                .context("cannot read the password from the terminal")?;
            Password::new(s)
        }
    };
    if password.is_empty() {
        return Err(CliError::usage("the password is empty")
            .hint("give the account's password; an empty password cannot be right")
            .into());
    }
    Ok(password)
}

/// Drop exactly one trailing `\n` or `\r\n`.
pub fn strip_one_newline(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .unwrap_or(s)
}

/// The value of `var` for `--*-password-env VAR`.
pub fn env_var(var: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(var)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_one_newline_only() {
        assert_eq!(strip_one_newline("pw\n"), "pw");
        assert_eq!(strip_one_newline("pw\r\n"), "pw");
        assert_eq!(strip_one_newline("pw\n\n"), "pw\n");
        assert_eq!(strip_one_newline("pw \r"), "pw \r");
        assert_eq!(strip_one_newline("pw"), "pw");
    }

    #[test]
    fn reads_file_source() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret pw\r\n").unwrap();
        assert_eq!(read(&Source::File(&f), "x").unwrap().expose(), "s3cret pw");
        std::fs::write(&f, "\n").unwrap();
        let e = read(&Source::File(&f), "x").unwrap_err();
        assert_eq!(e.to_string(), "the password is empty");
    }
}

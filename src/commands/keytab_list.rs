//! `spnkt keytab list`: show a keytab like MIT `klist -kte` (and `-K` with --keys).

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{Outcome, Ui, entry_json, read_keytab, to_hex};
use crate::cli::KeytabListArgs;
use crate::exit::CliError;
use crate::keytab_file::{self, KtnameError};
use crate::krb::keytab::KeytabVersion;
use crate::timefmt::format_utc;

pub fn run(args: &KeytabListArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let path = match &args.file {
        Some(f) => f.clone(),
        None => default_keytab()?,
    };
    let kt = read_keytab(&path)?;
    if args.keys {
        ui.warn("printing secret key bytes: anyone who sees them can impersonate the service");
    }
    let version = version_str(kt.version);

    // Build only the form that is printed: listings can run to many thousands of entries.
    if ui.json {
        let entries: Vec<_> = kt
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| entry_json(i + 1, e, args.keys))
            .collect();
        let json = serde_json::json!({
            "keytab": path.display().to_string(),
            "version": version,
            "entries": entries,
        });
        return Ok(Outcome {
            human: String::new(),
            json: Some(json),
        });
    }
    let mut human = String::with_capacity(64 + kt.entries.len() * 96);
    let _ = writeln!(
        human,
        "Keytab: {} (format {version}, {})",
        path.display(),
        super::plural(kt.entries.len(), "entry", "entries")
    );
    if kt.entries.is_empty() {
        let _ = writeln!(human, "(no entries)");
    } else {
        let _ = writeln!(
            human,
            "SLOT KVNO TIMESTAMP            PRINCIPAL (ENCTYPE){}",
            if args.keys { " (KEY)" } else { "" }
        );
        for (i, e) in kt.entries.iter().enumerate() {
            let _ = write!(
                human,
                "{:>4} {:>4} {} {} ({})",
                i + 1,
                e.kvno,
                format_utc(e.timestamp),
                e.principal,
                e.key.enctype()
            );
            if args.keys {
                let _ = write!(human, " (0x{})", to_hex(e.key.expose()));
            }
            human.push('\n');
        }
    }
    Ok(Outcome { human, json: None })
}

pub fn version_str(v: KeytabVersion) -> &'static str {
    match v {
        KeytabVersion::V1 => "0x0501",
        KeytabVersion::V2 => "0x0502",
    }
}

/// The keytab named by `KRB5_KTNAME`, with the hints `keytab list` gives.
fn default_keytab() -> Result<PathBuf, CliError> {
    keytab_file::default_path(keytab_file::ktname()).map_err(|e| {
        let hint = match e {
            KtnameError::Unset => {
                "name the keytab: spnkt keytab list FILE (or set KRB5_KTNAME=FILE:/path/to/keytab)"
            }
            KtnameError::NotFile { .. } => "name the keytab file: spnkt keytab list FILE",
        };
        CliError::usage(e.to_string()).hint(hint)
    })
}

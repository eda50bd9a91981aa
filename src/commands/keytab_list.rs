//! `spnkt keytab list`: show a keytab like MIT `klist -kte` (and `-K` with --keys).

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{Outcome, Ui, entry_json, read_keytab, to_hex};
use crate::cli::KeytabListArgs;
use crate::exit::CliError;
use crate::krb::keytab::KeytabVersion;
use crate::timefmt::format_utc;

/// Environment variable naming the default keytab.
pub const KRB5_KTNAME: &str = "KRB5_KTNAME";

pub fn run(args: &KeytabListArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let path = match &args.file {
        Some(f) => f.clone(),
        None => {
            default_keytab(std::env::var_os(KRB5_KTNAME).map(|v| v.to_string_lossy().into_owned()))?
        }
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

/// The keytab named by `KRB5_KTNAME` (its value passed in), `FILE:`/`WRFILE:`
/// prefixes stripped.
pub fn default_keytab(ktname: Option<String>) -> Result<PathBuf, CliError> {
    let Some(name) = ktname.filter(|n| !n.is_empty()) else {
        return Err(
            CliError::usage("no keytab given and KRB5_KTNAME is not set").hint(
                "name the keytab: spnkt keytab list FILE (or set KRB5_KTNAME=FILE:/path/to/keytab)",
            ),
        );
    };
    if let Some((kind, rest)) = name.split_once(':') {
        // A one-letter "type" is a Windows drive letter (C:\...), not a keytab type.
        let is_type = kind.len() > 1 && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_type {
            return match kind.to_ascii_uppercase().as_str() {
                "FILE" | "WRFILE" if !rest.is_empty() => Ok(PathBuf::from(rest)),
                _ => Err(CliError::usage(format!(
                    "KRB5_KTNAME={name} is not a file keytab; spnkt reads only FILE: keytabs"
                ))
                .hint("name the keytab file: spnkt keytab list FILE")),
            };
        }
    }
    Ok(PathBuf::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ktname_forms() {
        let d = |s: &str| default_keytab(Some(s.to_owned()));
        assert_eq!(
            d("FILE:/etc/krb5.keytab").unwrap(),
            PathBuf::from("/etc/krb5.keytab")
        );
        assert_eq!(d("WRFILE:x.kt").unwrap(), PathBuf::from("x.kt"));
        assert_eq!(
            d("/etc/krb5.keytab").unwrap(),
            PathBuf::from("/etc/krb5.keytab")
        );
        assert_eq!(
            d(r"C:\keytabs\a.kt").unwrap(),
            PathBuf::from(r"C:\keytabs\a.kt")
        );
        assert_eq!(d(r"FILE:C:\a.kt").unwrap(), PathBuf::from(r"C:\a.kt"));
        assert!(
            d("MEMORY:x")
                .unwrap_err()
                .message
                .contains("not a file keytab")
        );
        assert!(default_keytab(None).is_err());
    }
}

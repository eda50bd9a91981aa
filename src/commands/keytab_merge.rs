//! `spnkt keytab merge OUT IN...`: like ktutil `rkt IN...; wkt OUT`, but refusing
//! conflicting keys instead of writing a keytab that works by accident.

use std::fmt::Write as _;

use super::{Outcome, Ui, plural, read_keytab, write_keytab};
use crate::atomic_file::Overwrite;
use crate::cli::KeytabMergeArgs;
use crate::exit::CliError;
use crate::krb::keytab::{Keytab, KeytabVersion};

pub fn run(args: &KeytabMergeArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let exists = std::fs::symlink_metadata(&args.out).is_ok();
    let mut merged = if exists {
        read_keytab(&args.out)?
    } else {
        Keytab {
            version: KeytabVersion::V2,
            entries: Vec::new(),
        }
    };
    super::note_if_upgraded(ui, &args.out, &merged);
    let kept = merged.entries.len();
    // Where each entry came from, to name both files in a conflict.
    let mut origin: Vec<String> = vec![args.out.display().to_string(); kept];

    let mut total_added = 0;
    let mut total_duplicates = 0;
    let mut inputs = Vec::new();
    for input in &args.inputs {
        let kt = read_keytab(input)?;
        let (mut added, mut duplicates) = (0, 0);
        for entry in kt.entries {
            match merged.merge_entry(entry) {
                Ok(true) => {
                    origin.push(input.display().to_string());
                    added += 1;
                }
                Ok(false) => duplicates += 1,
                Err(i) => {
                    let e = &merged.entries[i];
                    return Err(CliError::failure(format!(
                        "{} kvno {} {} has different keys in {} and {}; nothing written",
                        e.principal,
                        e.kvno,
                        e.key.enctype(),
                        origin[i],
                        input.display()
                    ))
                    .hint(format!(
                        "one of them is stale: remove it first with `spnkt keytab remove FILE --principal {} --kvno {}`",
                        e.principal, e.kvno
                    ))
                    .into());
                }
            }
        }
        total_added += added;
        total_duplicates += duplicates;
        inputs.push(serde_json::json!({
            "path": input.display().to_string(),
            "added": added,
            "duplicates": duplicates,
        }));
    }
    merged.version = KeytabVersion::V2;
    write_keytab(
        &args.out,
        &merged,
        if exists {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        },
    )?;

    let mut human = String::new();
    let _ = writeln!(
        human,
        "wrote {} to {}: {} kept, {} added from {}, {} skipped as exact duplicates",
        plural(merged.entries.len(), "entry", "entries"),
        args.out.display(),
        kept,
        total_added,
        plural(args.inputs.len(), "file", "files"),
        total_duplicates
    );
    let json = serde_json::json!({
        "keytab": args.out.display().to_string(),
        "kept": kept,
        "added": total_added,
        "duplicates": total_duplicates,
        "total_entries": merged.entries.len(),
        "inputs": inputs,
    });
    Ok(Outcome {
        human,
        json: Some(json),
    })
}

//! `spnkt keytab merge OUT IN...`: like ktutil `rkt IN...; wkt OUT`, but refusing
//! conflicting keys instead of writing a keytab that works by accident.

use std::fmt::Write as _;

use super::{Outcome, Ui, UpdateError, plural, read_keytab, update_keytab};
use crate::atomic_file::Overwrite;
use crate::cli::KeytabMergeArgs;
use crate::exit::CliError;
use crate::krb::keytab::KeytabVersion;

pub fn run(args: &KeytabMergeArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    // The inputs first (no lock on them), then OUT under its lock: read as it is
    // now, merged, replaced (or created exclusively).
    let inputs_read = args
        .inputs
        .iter()
        .map(|input| read_keytab(input).map(|kt| (input, kt)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (merged, kept, total_added, total_duplicates, inputs, upgraded) = update_keytab(
        &args.out,
        Overwrite::Replace,
        |current| {
            let mut merged = current.read()?.unwrap_or_default();
            let upgraded = merged.version != KeytabVersion::V2;
            let kept = merged.entries.len();
            // Where each entry came from, to name both files in a conflict.
            let mut origin: Vec<String> = vec![args.out.display().to_string(); kept];
            let mut total_added = 0;
            let mut total_duplicates = 0;
            let mut inputs = Vec::new();
            for (input, kt) in &inputs_read {
                let (mut added, mut duplicates) = (0, 0);
                for entry in &kt.entries {
                    match merged.merge_entry(entry.clone()) {
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
            Ok::<_, UpdateError>((
                Some(merged.clone()),
                (
                    merged,
                    kept,
                    total_added,
                    total_duplicates,
                    inputs,
                    upgraded,
                ),
            ))
        },
    )?;
    if upgraded {
        super::note_upgraded(ui, &args.out);
    }

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

//! `spnkt keytab remove FILE --principal P [--kvno N] [--enctype E] | --old-kvnos`.

use std::fmt::Write as _;

use super::{
    Outcome, Ui, UpdateError, entry_json, parse_enctype, parse_principal, plural, read_keytab,
    update_keytab,
};
use crate::atomic_file::Overwrite;
use crate::cli::KeytabRemoveArgs;
use crate::exit::CliError;
use crate::krb::keytab::{KeytabEntry, KeytabVersion, Selection};
use crate::krb::{Enctype, Principal};

pub fn run(args: &KeytabRemoveArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let principal = args.principal.as_deref().map(parse_principal).transpose()?;
    let enctype = args.enctype.as_deref().map(parse_enctype).transpose()?;
    let selection = Selection {
        principal,
        kvno: args.kvno,
        enctype,
        old_kvnos: args.old_kvnos,
    };
    // Under the keytab's lock: read as it is now, thinned, replaced.
    let (kt, removed, upgraded) = update_keytab(&args.file, Overwrite::Replace, |current| {
        let Some(mut kt) = current.read()? else {
            // Gone since the command started: say so as reading it would.
            return Err(read_keytab(&args.file).err().map_or_else(
                || CliError::failure(format!("{} vanished", args.file.display())).into(),
                UpdateError::Other,
            ));
        };
        let upgraded = kt.version != KeytabVersion::V2;
        let removed = kt.remove_selected(&selection);
        if removed.is_empty() {
            return Ok::<_, UpdateError>((None, (kt, removed, upgraded)));
        }
        kt.version = KeytabVersion::V2;
        Ok((Some(kt.clone()), (kt, removed, upgraded)))
    })?;
    if removed.is_empty() {
        if args.old_kvnos {
            ui.note("every principal has only one kvno: nothing to remove");
            return Ok(report(args, &[], kt.entries.len()));
        }
        let what = describe(selection.principal.as_ref(), args.kvno, enctype);
        let near = selection
            .principal
            .as_ref()
            .map(|p| kt.near_misses(p))
            .unwrap_or_default();
        let hint = if near.is_empty() {
            format!(
                "`spnkt keytab list {}` shows what it holds",
                args.file.display()
            )
        } else {
            format!(
                "entries that nearly match (principals are case-sensitive): {}",
                near.join("; ")
            )
        };
        return Err(CliError::failure(format!(
            "no entry in {} matches {what}",
            args.file.display()
        ))
        .hint(hint)
        .into());
    }
    if upgraded {
        super::note_upgraded(ui, &args.file);
    }
    if kt.entries.is_empty() {
        ui.note(format!("{} is now empty", args.file.display()));
    }
    Ok(report(args, &removed, kt.entries.len()))
}

fn report(args: &KeytabRemoveArgs, removed: &[(usize, KeytabEntry)], remaining: usize) -> Outcome {
    let mut human = String::new();
    let _ = writeln!(
        human,
        "removed {} from {}, {} left",
        plural(removed.len(), "entry", "entries"),
        args.file.display(),
        remaining
    );
    for (slot, e) in removed {
        let _ = writeln!(
            human,
            "  slot {slot}: {} kvno {} {}",
            e.principal,
            e.kvno,
            e.key.enctype()
        );
    }
    let json = serde_json::json!({
        "keytab": args.file.display().to_string(),
        "removed": removed.iter().map(|(slot, e)| entry_json(*slot, e, false)).collect::<Vec<_>>(),
        "remaining": remaining,
    });
    Outcome {
        human,
        json: Some(json),
    }
}

fn describe(principal: Option<&Principal>, kvno: Option<u32>, enctype: Option<Enctype>) -> String {
    let mut s = principal.map_or_else(|| "any principal".to_owned(), ToString::to_string);
    if let Some(k) = kvno {
        let _ = write!(s, " kvno {k}");
    }
    if let Some(e) = enctype {
        let _ = write!(s, " {e}");
    }
    s
}

//! `spnkt keytab remove FILE --principal P [--kvno N] [--enctype E] | --old-kvnos`.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{
    Outcome, Ui, entry_json, parse_enctype, parse_principal, plural, read_keytab, write_keytab,
};
use crate::atomic_file::Overwrite;
use crate::cli::KeytabRemoveArgs;
use crate::exit::CliError;
use crate::krb::keytab::{KeytabEntry, KeytabVersion};
use crate::krb::{Enctype, Principal};

pub fn run(args: &KeytabRemoveArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let principal = args.principal.as_deref().map(parse_principal).transpose()?;
    let enctype = args.enctype.as_deref().map(parse_enctype).transpose()?;
    let mut kt = read_keytab(&args.file)?;

    // Highest kvno per principal (components + realm), for --old-kvnos.
    let mut newest: HashMap<(Vec<String>, String), u32> = HashMap::new();
    for e in &kt.entries {
        let k = newest
            .entry((e.principal.components.clone(), e.principal.realm.clone()))
            .or_insert(e.kvno);
        *k = (*k).max(e.kvno);
    }
    let matches = |e: &KeytabEntry| -> bool {
        principal.as_ref().is_none_or(|p| e.matches(p, None, None))
            && args.kvno.is_none_or(|k| k == e.kvno)
            && enctype.is_none_or(|t| t == e.key.enctype())
            && (!args.old_kvnos
                || e.kvno < newest[&(e.principal.components.clone(), e.principal.realm.clone())])
    };

    let mut removed = Vec::new();
    let mut kept = Vec::new();
    for (i, e) in std::mem::take(&mut kt.entries).into_iter().enumerate() {
        if matches(&e) {
            removed.push((i + 1, e));
        } else {
            kept.push(e);
        }
    }
    if removed.is_empty() {
        if args.old_kvnos {
            kt.entries = kept;
            ui.note("every principal has only one kvno: nothing to remove");
            return Ok(report(args, &[], kt.entries.len()));
        }
        let what = describe(principal.as_ref(), args.kvno, enctype);
        let near: Vec<String> = kept
            .iter()
            .filter(|e| {
                principal
                    .as_ref()
                    .is_some_and(|p| near_miss(p, &e.principal))
            })
            .map(|e| format!("{} kvno {} {}", e.principal, e.kvno, e.key.enctype()))
            .collect();
        let hint = if near.is_empty() {
            format!(
                "`spnkt keytab list {}` shows what it holds",
                args.file.display()
            )
        } else {
            let mut near = near;
            near.dedup();
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
    kt.entries = kept;
    super::note_if_upgraded(ui, &args.file, &kt);
    kt.version = KeytabVersion::V2;
    write_keytab(&args.file, &kt, Overwrite::Replace)?;
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

/// Same principal ignoring case, or same name in another realm, or the very same
/// principal (then the kvno or enctype filter is what did not match).
fn near_miss(wanted: &Principal, have: &Principal) -> bool {
    let lower = |p: &Principal| {
        (
            p.components
                .iter()
                .map(|c| c.to_lowercase())
                .collect::<Vec<_>>(),
            p.realm.to_lowercase(),
        )
    };
    wanted.components == have.components || lower(wanted) == lower(have)
}

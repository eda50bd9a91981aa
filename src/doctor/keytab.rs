//! Step 5 (with `--keytab`, e.g. run on the web server itself): decrypt the very
//! token step 4 sent with the server's keytab and apply `spnkt verify`'s diagnosis
//! ([`crate::diagnose`]: kvno, enctype, salt), in terms of what to run.

use std::path::Path;

use serde::Serialize;

use super::report::{StepKind, StepReport};
use super::token::BrowserToken;
use crate::diagnose::{self, CauseCode, TicketResult};
use crate::krb::evidence;
use crate::krb::keytab::Keytab;

#[derive(Debug, Serialize)]
struct Facts<'a> {
    keytab: String,
    entries: usize,
    result: &'a TicketResult,
}

/// Check `token` (its ticket and authenticator) with `keytab`.
pub fn run(
    keytab: Option<(&Path, &Keytab)>,
    token: Result<&BrowserToken, String>,
    host: &str,
    account_kvno: Option<u32>,
    now: i64,
) -> StepReport {
    let Some((path, kt)) = keytab else {
        return StepReport::skipped(
            StepKind::Keytab,
            "no --keytab: run spnkt doctor on the web server with --keytab and its keytab to check it against this ticket",
        );
    };
    let token = match token {
        Ok(t) => t,
        Err(why) => {
            return StepReport::skipped(StepKind::Keytab, format!("no ticket to check: {why}"));
        }
    };
    // The token is spnkt's own: failing to read it back is a bug, not a finding.
    let internal = |summary: &str, e: String| {
        let mut r = StepReport::new(StepKind::Keytab, summary);
        r.fail("internal", e.clone(), e, "report this as a bug in spnkt");
        r
    };
    let detected = match evidence::detect_binary_token(&token.token) {
        Ok(d) => d,
        Err(e) => return internal("the token could not be read back", e.to_string()),
    };
    let report = match diagnose::analyse(kt, &detected, None, now) {
        Ok(r) => r,
        Err(e) => return internal("nothing to check", e.to_string()),
    };
    let Some(result) = report.results.first() else {
        return StepReport::skipped(StepKind::Keytab, "no ticket in the token");
    };
    let shown = path.display();
    let mut r = StepReport::new(StepKind::Keytab, String::new());
    judge(&mut r, result, &shown.to_string(), host, account_kvno);
    for w in &result.warnings {
        r.warn("verify_warning", w.clone(), None);
    }
    let facts = Facts {
        keytab: shown.to_string(),
        entries: kt.entries.len(),
        result,
    };
    r.with_facts(&facts)
}

/// The verdict on one ticket, with doctor's fixes.
fn judge(
    r: &mut StepReport,
    t: &TicketResult,
    keytab: &str,
    host: &str,
    account_kvno: Option<u32>,
) {
    let ticket = t.ticket.as_ref();
    let etype = ticket.map_or_else(String::new, |f| f.enctype_name.clone());
    let kvno = ticket.and_then(|f| f.kvno);
    if t.ok {
        let slot = t
            .keytab_entry
            .as_ref()
            .map(|s| {
                format!(
                    "slot {} ({} kvno {} {})",
                    s.slot, s.principal, s.kvno, s.enctype_name
                )
            })
            .unwrap_or_default();
        r.summary = format!("{keytab} decrypts the ticket with {slot}");
        r.fact("decrypted", format!("the ticket decrypts with {slot}"));
        if let Some(p) = &t.pac {
            r.fact(
                "pac",
                format!(
                    "PAC of {} buffers, server signature {}{}",
                    p.buffers.len(),
                    p.server_checksum,
                    p.logon_info
                        .as_ref()
                        .map(|l| format!(
                            ", user {}\\{} in {} groups",
                            l.domain,
                            l.user,
                            l.group_count + l.extra_sid_count
                        ))
                        .unwrap_or_default()
                ),
            );
        }
        if let Some(a) = &t.authenticator {
            r.fact(
                "authenticator",
                format!(
                    "the authenticator decrypts{}",
                    a.gss_flags
                        .as_ref()
                        .map(|f| format!(", GSS flags {}", f.join(", ")))
                        .unwrap_or_default()
                ),
            );
        }
        return;
    }
    let Some(cause) = &t.cause else {
        r.summary = "the ticket does not decrypt".into();
        r.fail(
            "failed",
            "the ticket does not decrypt",
            "unknown",
            "run spnkt verify for details",
        );
        return;
    };
    r.summary = cause.message.clone();
    let rotate = format!("spnkt rotate --host {host} --keytab FILE");
    let (why, fix) = match cause.code {
        CauseCode::KvnoMismatch => {
            let mut have: Vec<u32> = t.keys_tried.iter().map(|k| k.slot.kvno).collect();
            have.sort_unstable();
            have.dedup();
            let ad = account_kvno.or(kvno).map_or_else(|| "?".into(), |k| k.to_string());
            let have: Vec<String> = have.iter().map(u32::to_string).collect();
            let have = if have.is_empty() { "?".to_owned() } else { have.join(", ") };
            r.summary = format!("the keytab is at kvno {have}, AD is at kvno {ad}");
            (
                format!("the account's password (and so its keys) changed after this keytab was made: AD issues tickets under kvno {ad}, the keytab has kvno {have}"),
                format!(
                    "copy the keytab the last spnkt create/rotate wrote to the web server, or write new keys and copy that: {rotate}"
                ),
            )
        }
        CauseCode::EnctypeMissing => (
            format!("AD encrypts the ticket with the strongest enctype the account allows, here {etype}, and the keytab has no key of it"),
            format!(
                "allow the keytab's enctypes on the account (msDS-SupportedEncryptionTypes 0x18 for AES) and write new keys ({rotate}), or add {etype} keys to the keytab"
            ),
        ),
        CauseCode::NoPrincipal => (
            format!("the keytab has no key for {}", t.service.as_deref().unwrap_or("the ticket's principal")),
            format!("use the keytab of the account holding it, or create one: spnkt create --host {host} --keytab FILE"),
        ),
        CauseCode::Integrity => (
            "the keytab's key of that kvno and enctype is not made from the account's password (a wrong password or salt)".to_owned(),
            format!("write new keys: {rotate}"),
        ),
        _ => (cause.message.clone(), cause.hint.clone()),
    };
    r.fail(cause.code.as_str(), cause.message.clone(), why, fix);
}

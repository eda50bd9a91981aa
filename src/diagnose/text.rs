//! The human report of an analysis: what `spnkt verify` prints for each ticket
//! (result, cause and hint, near misses, keys tried, times, PAC, authenticator,
//! delegation). Shared by `verify --ticket`, `verify --live` and anything else that
//! analyses tickets, so a ticket reads the same wherever it was checked.

use std::fmt::Write as _;
use std::path::Path;

use super::batch::Batch;
use super::{CauseCode, Report, Time};
use crate::text::plural;

fn time_line(out: &mut String, label: &str, t: Option<&Time>) {
    if let Some(t) = t {
        let _ = writeln!(out, "  {label:<13}{} ({})", t.utc, t.relative);
    }
}

/// The human report.
pub fn render(report: &Report, keytab: &Path, entries: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "detected: {}", report.summary);
    let _ = writeln!(
        out,
        "keytab: {} ({})",
        keytab.display(),
        plural(entries, "entry", "entries")
    );
    let n = report.results.len();
    for (i, r) in report.results.iter().enumerate() {
        out.push('\n');
        let what = r.service.as_deref().unwrap_or("no Kerberos ticket");
        if n > 1 {
            let _ = writeln!(out, "ticket {} of {n}: {what} ({})", i + 1, r.origin);
        } else {
            let _ = writeln!(out, "ticket: {what} ({})", r.origin);
        }
        match &r.cause {
            None => {
                let _ = writeln!(out, "  result:      OK");
            }
            Some(c) => {
                let _ = writeln!(out, "  result:      FAILED ({})", c.code.as_str());
                let _ = writeln!(out, "  cause:       {}", c.message);
                let _ = writeln!(out, "  hint:        {}", c.hint);
                for nm in &c.near_misses {
                    let kind = match nm.kind {
                        "case" => "differs only in case",
                        "other_service" => "same host, another service",
                        _ => "another realm",
                    };
                    let slots: Vec<String> = nm.slots.iter().map(ToString::to_string).collect();
                    let _ = writeln!(
                        out,
                        "  near miss:   {} ({kind}; slot {})",
                        nm.principal,
                        slots.join(", ")
                    );
                }
            }
        }
        if let Some(c) = &r.client {
            let realm = c.rsplit_once('@').map_or("", |(_, r)| r);
            let _ = writeln!(out, "  client:      {c} (realm {realm})");
        }
        if let Some(s) = &r.service {
            let _ = writeln!(out, "  service:     {s}");
        }
        if let Some(t) = &r.ticket {
            let kvno = t.kvno.map_or_else(|| "none".to_owned(), |k| k.to_string());
            let _ = writeln!(out, "  enctype:     {} (kvno {kvno})", t.enctype_name);
        }
        if let Some(e) = &r.keytab_entry {
            let _ = writeln!(
                out,
                "  keytab slot: {} ({}, kvno {}, {})",
                e.slot, e.principal, e.kvno, e.enctype_name
            );
        }
        if !r.ok && !r.keys_tried.is_empty() {
            let _ = writeln!(out, "  keys tried:");
            for k in &r.keys_tried {
                let _ = writeln!(
                    out,
                    "    slot {:>3}  kvno {:<5} {:<24} {}",
                    k.slot.slot, k.slot.kvno, k.slot.enctype_name, k.result
                );
            }
        } else if !r.ok
            && r.cause
                .as_ref()
                .is_some_and(|c| c.code != CauseCode::NoPrincipal && c.code != CauseCode::Ntlm)
        {
            let _ = writeln!(out, "  keys tried:  none");
        }
        if let Some(t) = &r.ticket {
            time_line(&mut out, "authtime:", t.authtime.as_ref());
            time_line(&mut out, "starttime:", t.starttime.as_ref());
            time_line(&mut out, "endtime:", t.endtime.as_ref());
            time_line(&mut out, "renew till:", t.renew_till.as_ref());
            if let Some(f) = &t.flags {
                let flags = if f.is_empty() {
                    "none".to_owned()
                } else {
                    f.join(", ")
                };
                let _ = writeln!(out, "  flags:       {flags}");
            }
            if let Some(s) = &t.session_enctype_name {
                let _ = writeln!(out, "  session key: {s}");
            }
        }
        if r.ticket.as_ref().is_some_and(|t| t.flags.is_some()) {
            match &r.pac {
                None => {
                    let _ = writeln!(out, "  PAC:         none");
                }
                Some(p) => {
                    let sig = match p.server_checksum {
                        "ok" => "server signature verified OK".to_owned(),
                        "failed" => format!(
                            "server signature FAILED: {}",
                            p.server_checksum_error.as_deref().unwrap_or("")
                        ),
                        "missing" => "no server signature".to_owned(),
                        _ => format!(
                            "unreadable: {}",
                            p.server_checksum_error.as_deref().unwrap_or("")
                        ),
                    };
                    let _ = writeln!(out, "  PAC:         present, {sig}");
                    if let Some(li) = &p.logon_info {
                        let _ = writeln!(
                            out,
                            "  logon info:  user {}\\{}, SID {}, {}",
                            li.domain,
                            li.user,
                            li.user_sid,
                            plural(li.group_count as usize, "group", "groups")
                        );
                    }
                }
            }
        }
        if let Some(a) = &r.authenticator {
            if a.decrypted {
                let ctime = a
                    .ctime
                    .as_ref()
                    .map(|t| format!(", ctime {} ({})", t.utc, t.relative))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  authenticator: decrypted with the session key (client {}{ctime})",
                    a.client.as_deref().unwrap_or("?")
                );
            } else {
                let _ = writeln!(
                    out,
                    "  authenticator: NOT decrypted: {}",
                    a.error.as_deref().unwrap_or("")
                );
            }
            if !a.ap_options.is_empty() {
                let _ = writeln!(out, "  AP options:  {}", a.ap_options.join(", "));
            }
            if let Some(g) = &a.gss_flags {
                let flags = if g.is_empty() {
                    "none".to_owned()
                } else {
                    g.join(", ")
                };
                let _ = writeln!(out, "  GSS flags:   {flags}");
            }
            if let Some(d) = &a.delegated_tgt {
                match d.decrypted_with {
                    Some(with) => {
                        let _ = writeln!(out, "  forwarded TGT: KRB-CRED decrypted ({with})");
                        for c in &d.credentials {
                            let flags = c.flags.as_ref().map(|f| f.join(", ")).unwrap_or_default();
                            let _ = writeln!(
                                out,
                                "    client {}, server {}, flags {flags}{}",
                                c.client.as_deref().unwrap_or("?"),
                                c.server.as_deref().unwrap_or("?"),
                                if c.forwarded { " (forwarded)" } else { "" }
                            );
                        }
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "  forwarded TGT: enclosed, NOT decoded: {}",
                            d.error.as_deref().unwrap_or("")
                        );
                    }
                }
            }
        }
        if let Some(d) = &r.delegation {
            let _ = writeln!(out, "  delegation:  {}", d.conclusion);
        }
        for w in &r.warnings {
            let _ = writeln!(out, "  WARNING:     {w}");
        }
    }
    out
}

fn tally(t: &super::batch::Tally) -> String {
    if t.seen == t.tickets {
        plural(t.tickets, "ticket", "tickets")
    } else {
        format!(
            "{}, seen {}",
            plural(t.tickets, "ticket", "tickets"),
            plural(t.seen, "time", "times")
        )
    }
}

/// The human summary of a batch (a log, a HAR, a directory): results by cause
/// with where the first failures are, then services and clients.
pub fn render_batch(batch: &Batch, detected: &str, keytab: &Path, entries: usize) -> String {
    let s = &batch.summary;
    let mut out = String::new();
    let _ = writeln!(out, "detected: {detected}");
    let _ = writeln!(
        out,
        "keytab: {} ({})",
        keytab.display(),
        plural(entries, "entry", "entries")
    );
    out.push('\n');
    let repeats = s.seen.saturating_sub(s.tickets.min(s.seen));
    let _ = writeln!(
        out,
        "checked {}{}: {} OK, {} FAILED",
        plural(s.tickets, "ticket", "tickets"),
        if repeats > 0 {
            format!(" ({} seen; repeats verified once)", s.seen)
        } else {
            String::new()
        },
        s.ok.tickets,
        s.failed.tickets
    );
    if s.ok.tickets > 0 {
        let _ = writeln!(out, "  OK:          {}", tally(&s.ok));
    }
    for c in &s.causes {
        let _ = writeln!(out, "  FAILED ({}): {}", c.code, tally(&c.tally));
        let _ = writeln!(out, "    cause:     {}", c.message);
        let _ = writeln!(out, "    hint:      {}", c.hint);
        let at: Vec<String> = c.first.iter().map(ToString::to_string).collect();
        let more = if c.tally.seen > at.len() { ", ..." } else { "" };
        let _ = writeln!(out, "    at:        {}{more}", at.join(", "));
    }
    let width = s
        .services
        .iter()
        .chain(&s.clients)
        .map(|n| n.name.chars().count())
        .max()
        .unwrap_or(0);
    let names = |out: &mut String, title: &str, list: &[super::batch::NameTally], total: usize| {
        if list.is_empty() {
            return;
        }
        let shown = if total > list.len() {
            format!("{title} (top {} of {total}):", list.len())
        } else {
            format!("{title}:")
        };
        let _ = writeln!(out, "\n{shown}");
        for n in list {
            let failed = if n.failed > 0 {
                format!(", {} failed", n.failed)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:<width$}  {}{failed}", n.name, tally(&n.tally));
        }
    };
    names(&mut out, "services", &s.services, s.services_total);
    names(&mut out, "clients", &s.clients, s.clients_total);
    let warned: Vec<&super::batch::Entry> = batch
        .entries
        .iter()
        .filter(|e| !e.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        let _ = writeln!(
            out,
            "\nwarnings: {}",
            plural(warned.len(), "ticket", "tickets")
        );
        for e in warned.iter().take(super::batch::MAX_PLACES) {
            for w in &e.warnings {
                let _ = writeln!(out, "  {}: {w}", e.origin);
            }
        }
        if warned.len() > super::batch::MAX_PLACES {
            let _ = writeln!(out, "  ... (all of them with --json)");
        }
    }
    let mut skipped = Vec::new();
    if s.responses_skipped > 0 {
        skipped.push(format!(
            "{} from the server (WWW-Authenticate, AP-REP): no ticket in them",
            plural(s.responses_skipped, "token", "tokens")
        ));
    }
    if s.filtered_out > 0 {
        skipped.push(format!(
            "{} for other services (--service)",
            plural(s.filtered_out, "ticket", "tickets")
        ));
    }
    for f in &s.skipped_files {
        skipped.push(format!("{}: {}", f.origin, f.why));
    }
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nskipped:");
        for line in skipped {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

//! `spnkt verify --keytab FILE --ticket INPUT [--service PRINCIPAL]`: decrypt a
//! captured service ticket with a keytab, as the web server would, and say why it
//! fails. The analysis is [`crate::diagnose`]; this file reads the files and renders.
//!
//! Exit status: 0 when every ticket checked decrypts (and its PAC signature, if any,
//! verifies), 4 when one does not or the input is NTLM, 1 when a file cannot be read
//! or the keytab is malformed, 2 when the input is not a recognised ticket format or
//! `--service` is not a principal.
//!
//! # `--json` output
//!
//! One object on stdout, also when verification fails (exit 4); an input or usage
//! error prints the usual `{"error": {...}}` instead. Key bytes never appear.
//!
//! ```text
//! {
//!   "input":   {"path": "-", "format": "MIT ccache v4",
//!               "summary": "MIT ccache v4, 3 credentials (2 config entries skipped)"},
//!   "keytab":  "app1.keytab",
//!   "ok":      bool,                       // every result ok
//!   "results": [{
//!     "origin":  "AP-REQ" | "ticket" | "ccache credential N (server)" | "KRB-CRED ticket N" | "...NTLMSSP...",
//!     "service": "HTTP/app1.example.com@EXAMPLE.COM" | null,   // null for NTLM
//!     "client":  "alice@EXAMPLE.COM" | null,
//!     "ok":      bool,
//!     "cause":   null | {"code": "no_principal" | "kvno_mismatch" | "enctype_missing"
//!                                | "integrity" | "ntlm" | "pac_signature",
//!                        "message": str, "hint": str,
//!                        "near_misses": [{"principal": str,
//!                                         "kind": "other_service" | "case" | "other_realm",
//!                                         "slots": [int]}]},
//!     "ticket":  null | {"enctype": int, "enctype_name": str, "kvno": int | null,
//!                        "flags": [str] | null,             // null until decrypted
//!                        "authtime" | "starttime" | "endtime" | "renew_till":
//!                            null | {"unix": int, "utc": str, "relative": str},
//!                        "session_enctype": int | null, "session_enctype_name": str | null},
//!     "keytab_entry": null | {"slot": int, "principal": str, "kvno": int,
//!                             "enctype": int, "enctype_name": str},
//!     "keys_tried":   [{"slot", "principal", "kvno", "enctype", "enctype_name",
//!                       "result": "decrypted" | "integrity check failed" | str}],
//!     "pac": null | {"buffers": [int],
//!                    "server_checksum": "ok" | "failed" | "missing" | "unreadable",
//!                    "server_checksum_error": str | null,
//!                    "logon_info": null | {"user", "full_name", "domain", "user_sid",
//!                                          "group_count", "extra_sid_count"},
//!                    "logon_info_error": str | null},
//!     "authenticator": null | {"decrypted": bool, "error": str | null, "client": str | null,
//!                              "ctime": time | null, "subkey_enctype": int | null,
//!                              "checksum_type": int | null, "ap_options": [str],
//!                              "gss_flags": [str] | null,
//!                              "delegated_tgt": null | {"decrypted_with": "session key"
//!                                    | "authenticator subkey" | "unencrypted" | null,
//!                                    "error": str | null,
//!                                    "credentials": [{"client", "server", "flags",
//!                                                     "forwarded": bool, "endtime"}]}},
//!     "delegation": null | {"ok_as_delegate": bool, "deleg_flag": bool | null,
//!                           "tgt_enclosed": bool, "conclusion": str},
//!     "warnings": [str]
//!   }],
//!   "warnings": [str], "notes": [str]
//! }
//! ```

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use anyhow::Context;

use super::keytab_list::{KRB5_KTNAME, default_keytab};
use super::{Outcome, Ui, plural, read_keytab};
use crate::cli::VerifyArgs;
use crate::diagnose::{self, Report, TicketResult, Time};
use crate::exit::CliError;
use crate::krb::Principal;
use crate::krb::evidence;

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

/// Largest input read (a ccache with thousands of tickets is a few MB).
const MAX_INPUT: u64 = 64 << 20;

pub fn run(args: &VerifyArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    if args.live {
        return super::verify_live::run(args, ui);
    }
    let Some(ticket) = &args.ticket else {
        return Err(CliError::usage("nothing to verify: no --ticket given")
            .hint("pass the captured ticket with --ticket FILE (or - for standard input), or ask the KDC for one with --live")
            .into());
    };
    let service = match &args.service {
        Some(s) => Some(Principal::parse_with_default_realm(s, None).map_err(|e| {
            CliError::usage(e.to_string()).hint(
                "name the service like HTTP/app1.example.com or HTTP/app1.example.com@EXAMPLE.COM",
            )
        })?),
        None => None,
    };
    let keytab_path = keytab_path(args)?;
    let now = crate::timefmt::verify_now()?;
    let keytab = read_keytab(&keytab_path)?;
    let input = read_input(ticket)?;
    let detected = evidence::detect(&input).map_err(|e| undetected(ticket, &input, &e))?;
    let report = diagnose::analyse(&keytab, &detected, service.as_ref(), now).map_err(|e| {
        let hint = match &e {
            diagnose::SelectError::NoSuchService { .. } => {
                "leave out --service to check every ticket, or name one of those listed"
            }
            diagnose::SelectError::NoTickets { .. } => {
                "get a service ticket first (kvno HTTP/host, or browse to the site) and pass the cache or the Negotiate header"
            }
        };
        CliError::failure(e.to_string()).hint(hint)
    })?;
    if keytab.entries.is_empty() {
        ui.warn(format!("{} has no entries", keytab_path.display()));
    }

    let input_name = ticket.display().to_string();
    let json = ui.json.then(|| to_json(&report, &input_name, &keytab_path));
    let human = if ui.json {
        String::new()
    } else {
        render(&report, &keytab_path, keytab.entries.len())
    };
    conclude(Outcome { human, json }, &report.results)
}

/// `--keytab`, else $KRB5_KTNAME.
pub(super) fn keytab_path(args: &VerifyArgs) -> Result<std::path::PathBuf, CliError> {
    match &args.keytab {
        Some(p) => Ok(p.clone()),
        None => default_keytab(
            std::env::var_os(KRB5_KTNAME).map(|v| v.to_string_lossy().into_owned()),
        )
        .map_err(|e| {
            let msg = e.message.clone();
            CliError::usage(msg)
                .hint("name the keytab: spnkt verify --keytab FILE (or set KRB5_KTNAME=FILE:/path/to/keytab)")
        }),
    }
}

/// The command's result once the tickets were analysed: `outcome` when every one
/// verified, else [`Failed`] (the report stays the output; exit 4) naming the cause.
pub(super) fn conclude(outcome: Outcome, results: &[TicketResult]) -> anyhow::Result<Outcome> {
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

fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT)
            .read_to_end(&mut buf)
            .context("cannot read the ticket from standard input")?;
    } else {
        let f = std::fs::File::open(path)
            .with_context(|| format!("cannot read ticket {}", path.display()))?;
        f.take(MAX_INPUT)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read ticket {}", path.display()))?;
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        let name = if path.as_os_str() == "-" {
            "standard input".to_owned()
        } else {
            path.display().to_string()
        };
        return Err(
            CliError::usage(format!("{name} is empty: there is no ticket to verify"))
                .hint("pass the Negotiate header, a .kirbi file or a credential cache")
                .into(),
        );
    }
    Ok(buf)
}

fn undetected(path: &Path, input: &[u8], e: &evidence::EvidenceError) -> CliError {
    let name = if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    };
    let looks_like_keytab = matches!(input, [5, 1 | 2, ..]);
    let hint = if looks_like_keytab {
        "this looks like a keytab: give it with --keytab, and the captured ticket with --ticket"
            .to_owned()
    } else {
        "accepted: an `Authorization: Negotiate ...` header or its base64 token, a SPNEGO/GSS token, an AP-REQ, a ticket, a KRB-CRED (.kirbi, binary or base64) or an MIT credential cache".to_owned()
    };
    CliError::usage(format!(
        "{name}: not a Kerberos ticket spnkt recognises: {e}"
    ))
    .hint(hint)
}

fn to_json(report: &Report, input: &str, keytab: &Path) -> serde_json::Value {
    serde_json::json!({
        "input": {"path": input, "format": report.format, "summary": report.summary},
        "keytab": keytab.display().to_string(),
        "ok": report.all_ok(),
        "results": report.results,
    })
}

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
            && r.cause.as_ref().is_some_and(|c| {
                c.code != diagnose::CauseCode::NoPrincipal && c.code != diagnose::CauseCode::Ntlm
            })
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

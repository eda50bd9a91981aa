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

use std::io::Read as _;
use std::path::Path;

use anyhow::Context;

use super::verify_report::{conclude, keytab_path};
use super::{Outcome, Ui, read_keytab};
use crate::cli::VerifyArgs;
use crate::diagnose::text::render;
use crate::diagnose::{self, Report};
use crate::exit::CliError;
use crate::krb::Principal;
use crate::krb::evidence;

/// Largest input read (a ccache with thousands of tickets is a few MB).
const MAX_INPUT: u64 = 64 << 20;

pub fn run(args: &VerifyArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
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

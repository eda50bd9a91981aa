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
//!
//! # Many tokens: a log, a HAR file or a directory
//!
//! `--ticket` may also name a web server log or debug output with
//! `Negotiate <base64>` in its lines (`Authorization:` headers logged by Apache or
//! nginx, mod_auth_gssapi debug, curl -v), a HAR file (the `Authorization`
//! request headers of `log.entries[]`), or a directory of captures (read
//! recursively, hidden entries skipped; each file a log, a HAR or one capture in
//! any format above). A file with two or more client tokens is "many"; a single
//! capture is read exactly as before, and a log with one token whose text is not a
//! header on its own (curl -v) is a batch of one. `WWW-Authenticate` tokens and
//! other server replies are counted and skipped. Identical tokens (or identical
//! files) are verified once and counted. Exit status: 0 when every ticket
//! verifies, 4 when one does not, 2 when the input holds no client token. A log
//! file bigger than 1 MiB is read and verified a chunk at a time (`verify/stream.rs`):
//! the same result, without holding the log in memory.
//!
//! ```text
//! {
//!   "input":   {"path": str, "format": "log" | "HAR" | "directory", "summary": str},
//!   "keytab":  str, "ok": bool,
//!   "summary": {"seen": int, "distinct": int, "tickets": int,  // tokens seen (repeats in), distinct tokens, tickets
//!               "ok": {"tickets", "seen"}, "failed": {"tickets", "seen"},
//!               "causes": [{"code": str (as above, or "malformed"), "message", "hint",
//!                           "tickets", "seen", "first": [origin]}],
//!               "clients":  [{"name", "tickets", "seen", "failed"}], "clients_total": int,
//!               "services": [{"name", "tickets", "seen", "failed"}], "services_total": int,
//!               "responses_skipped": int, "filtered_out": int,
//!               "skipped_files": [{"origin": origin, "why": str}]},
//!   "results": [{"origin": origin, "seen": int, "also_at": [origin],   // next 5 places
//!                "ok": bool, "service": str | null, "client": str | null,
//!                "enctype": str | null, "kvno": int | null, "keytab_slot": int | null,
//!                "cause": null | {"code", "message", "hint"}, "warnings": [str]}]
//! }
//! origin = {"file": str | null, "line": int | null, "har_entry": int | null (0-based),
//!           "method": str | null, "url": str | null, "ticket": str | null}
//! ```

use std::io::Read as _;
use std::path::Path;

use anyhow::Context;

use super::verify_report::{Failed, conclude, keytab_path};
use super::{Outcome, Ui, plural, read_keytab};
use crate::cli::VerifyArgs;
use crate::diagnose::text::{render, render_batch};
use crate::diagnose::{self, KeyCache, Report, batch};
use crate::exit::CliError;
use crate::krb::Principal;
use crate::krb::evidence;
use crate::krb::keytab::Keytab;
use crate::krb::scan::{self, ScanKind};

mod stream;

/// Largest input read: a busy server's log of a day (a ccache with thousands of
/// tickets is a few MB).
const MAX_INPUT: u64 = 4 << 30;
/// Most files read from a `--ticket` directory.
const MAX_FILES: usize = 100_000;

/// Every regular file under `dir`, recursively (hidden entries and symbolic links
/// to directories skipped), in path order, with its path as shown.
fn read_dir_files(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d)
            .with_context(|| format!("cannot read directory {}", d.display()))?;
        for ent in rd {
            let ent = ent.with_context(|| format!("cannot read directory {}", d.display()))?;
            if ent.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let ft = ent
                .file_type()
                .with_context(|| format!("cannot read {}", ent.path().display()))?;
            if ft.is_dir() {
                stack.push(ent.path());
            } else if ft.is_file() || (ft.is_symlink() && ent.path().is_file()) {
                paths.push(ent.path());
                if paths.len() > MAX_FILES {
                    return Err(CliError::usage(format!(
                        "{} holds more than {MAX_FILES} files",
                        dir.display()
                    ))
                    .hint("point --ticket at a smaller directory")
                    .into());
                }
            }
        }
    }
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let name = p.display().to_string();
        let f = std::fs::File::open(&p).with_context(|| format!("cannot read {name}"))?;
        let size = f.metadata().map_or(0, |m| m.len());
        files.push((name.clone(), read_limited(f, size, &name)?));
    }
    Ok(files)
}

/// `verify --ticket` on a log, HAR or directory: many tokens, one summary.
struct Many<'a> {
    keytab: &'a Keytab,
    keytab_path: &'a Path,
    input_name: String,
    /// `log`, `HAR` or `directory` (JSON `input.format`).
    format: &'static str,
    /// The `detected:` line.
    detected: String,
    /// `120 lines`, `3 entries`, `4 files`: what was searched.
    units: String,
}

impl Many<'_> {
    /// `total`: how many pieces `pieces` yields (a log's are not collected first).
    fn run<'p>(
        self,
        ui: &mut Ui,
        pieces: impl IntoIterator<Item = batch::Piece<'p>>,
        total: usize,
        responses: usize,
        service: Option<&Principal>,
        now: i64,
    ) -> anyhow::Result<Outcome> {
        let keys = KeyCache::new(self.keytab);
        let result = batch::verify_many(&keys, pieces, responses, service, now);
        self.report(ui, &result, total, service)
    }

    /// The outcome of `result`, a batch of `total` pieces.
    fn report(
        self,
        ui: &mut Ui,
        result: &batch::Batch,
        total: usize,
        service: Option<&Principal>,
    ) -> anyhow::Result<Outcome> {
        let s = &result.summary;
        let mut detected = self.detected;
        if self.format != "directory" && s.distinct < total {
            detected.push_str(&format!(" ({} distinct)", s.distinct));
        }
        if s.tickets == 0 {
            if let (Some(filter), true) = (service, s.filtered_out > 0) {
                return Err(CliError::failure(format!(
                    "no ticket for {filter} in {}: {} for other services",
                    self.input_name,
                    plural(s.filtered_out, "ticket", "tickets")
                ))
                .hint("leave out --service to check every ticket")
                .into());
            }
            let why = if s.responses_skipped > 0 {
                format!(
                    "{}: no client token in {} (only {} from the server)",
                    self.input_name,
                    self.units,
                    plural(s.responses_skipped, "token", "tokens")
                )
            } else {
                format!(
                    "{}: no Negotiate token or ticket in {}",
                    self.input_name, self.units
                )
            };
            let hint = if self.format == "HAR" {
                "the HAR has no `Authorization: Negotiate` request header: Chrome and Edge leave them out unless you export with \"Export HAR (with sensitive data)\"; Firefox keeps them"
            } else {
                "log the request header (Apache: %{Authorization}i in LogFormat; nginx: $http_authorization in log_format), or pass curl -v output or a HAR file"
            };
            return Err(CliError::usage(why).hint(hint).into());
        }
        if self.keytab.entries.is_empty() {
            ui.warn(format!("{} has no entries", self.keytab_path.display()));
        }
        let json = ui.json.then(|| {
            serde_json::json!({
                "input": {"path": self.input_name, "format": self.format, "summary": detected},
                "keytab": self.keytab_path.display().to_string(),
                "ok": result.all_ok(),
                "summary": result.summary,
                "results": result.entries,
            })
        });
        let human = if ui.json {
            String::new()
        } else {
            render_batch(
                result,
                &detected,
                self.keytab_path,
                self.keytab.entries.len(),
            )
        };
        let outcome = Outcome { human, json };
        if result.all_ok() {
            return Ok(outcome);
        }
        let error = CliError::verification_failed(format!(
            "{} of {} did not verify",
            s.failed.tickets,
            plural(s.tickets, "ticket", "tickets")
        ))
        .hint("see the causes and where they are in the summary above; verify one token alone for its full report");
        Err(anyhow::Error::new(Failed { outcome, error }))
    }
}

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
    if ticket.is_dir() {
        let files = read_dir_files(ticket)?;
        let mut all = Vec::new();
        let mut responses = 0;
        for (name, bytes) in &files {
            let (p, r) = batch::file_pieces(name, bytes);
            all.extend(p);
            responses += r;
        }
        let what = format!(
            "{}: a directory of {}",
            ticket.display(),
            plural(files.len(), "file", "files")
        );
        let b = Many {
            keytab: &keytab,
            keytab_path: &keytab_path,
            input_name: ticket.display().to_string(),
            format: "directory",
            detected: what,
            units: plural(files.len(), "file", "files"),
        };
        let total = all.len();
        return b.run(ui, all, total, responses, service.as_ref(), now);
    }
    if let Some(outcome) = verify_big_log(ui, ticket, &keytab, &keytab_path, service.as_ref(), now)?
    {
        return Ok(outcome);
    }
    let input = read_input(ticket)?;
    let detected = match batch::recognise(&input) {
        Ok(batch::Input::One(d)) => d,
        Ok(batch::Input::Many(scan)) => {
            let name = display_name(ticket);
            let (format, units) = match scan.kind {
                ScanKind::Har => ("HAR", plural(scan.units, "entry", "entries")),
                ScanKind::Log => ("log", plural(scan.units, "line", "lines")),
            };
            // " (N distinct)" is added once the batch has counted them.
            let what = format!(
                "{name}: {} with {} in {units}",
                if format == "HAR" {
                    "a HAR file"
                } else {
                    "a log"
                },
                plural(scan.tokens.len(), "Negotiate token", "Negotiate tokens"),
            );
            let (responses, total) = (scan.responses, scan.tokens.len());
            let file = (ticket.as_os_str() != "-").then(|| ticket.display().to_string());
            let pieces = batch::pieces(file.as_deref(), scan);
            let b = Many {
                keytab: &keytab,
                keytab_path: &keytab_path,
                input_name: ticket.display().to_string(),
                format,
                detected: what,
                units,
            };
            return b.run(ui, pieces, total, responses, service.as_ref(), now);
        }
        Err(batch::InputError::Evidence(e)) => return Err(undetected(ticket, &input, &e).into()),
        Err(batch::InputError::Har(e)) => {
            return Err(CliError::usage(format!("{}: {e}", display_name(ticket)))
                .hint("save the HAR again from the browser's developer tools (Network tab, Export HAR), or pass the Authorization: Negotiate header")
                .into());
        }
    };
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

/// A log file bigger than one chunk, read and verified a chunk at a time
/// ([`stream`]); `None` for anything else (standard input, a possible HAR,
/// a capture, fewer than two tokens): it is read whole.
fn verify_big_log(
    ui: &mut Ui,
    ticket: &Path,
    keytab: &Keytab,
    keytab_path: &Path,
    service: Option<&Principal>,
    now: i64,
) -> anyhow::Result<Option<Outcome>> {
    if ticket.as_os_str() == "-" {
        return Ok(None);
    }
    let name = format!("ticket {}", ticket.display());
    let mut file = std::fs::File::open(ticket).with_context(|| format!("cannot read {name}"))?;
    let size = file.metadata().map_or(0, |m| m.len());
    if !(stream::CHUNK as u64..=MAX_INPUT).contains(&size) {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(4096);
    (&mut file)
        .take(4096)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {name}"))?;
    if scan::may_be_har(&head) {
        return Ok(None);
    }
    std::io::Seek::rewind(&mut file).with_context(|| format!("cannot read {name}"))?;
    let keys = KeyCache::new(keytab);
    let path = ticket.display().to_string();
    let with = stream::Verify {
        keys: &keys,
        service,
        now,
        file: Some(&path),
    };
    let Some(log) = stream::verify_log(ticket, file, &with, stream::CHUNK, MAX_INPUT)? else {
        return Ok(None);
    };
    let units = plural(log.lines, "line", "lines");
    let b = Many {
        keytab,
        keytab_path,
        input_name: path.clone(),
        format: "log",
        detected: format!(
            "{}: a log with {} in {units}",
            display_name(ticket),
            plural(log.tokens, "Negotiate token", "Negotiate tokens"),
        ),
        units,
    };
    b.report(ui, &log.batch, log.tokens, service).map(Some)
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Up to [`MAX_INPUT`] bytes; more is an error rather than a silently cut log.
fn read_limited(r: impl std::io::Read, size: u64, name: &str) -> anyhow::Result<Vec<u8>> {
    // Sized up front: a log of hundreds of MB read without doubling and copying.
    let mut buf = Vec::with_capacity(usize::try_from(size.min(MAX_INPUT + 1)).unwrap_or(0));
    r.take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {name}"))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(stream::too_large(name, MAX_INPUT));
    }
    Ok(buf)
}

fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let buf = if path.as_os_str() == "-" {
        read_limited(std::io::stdin().lock(), 0, "the ticket from standard input")?
    } else {
        let name = format!("ticket {}", path.display());
        let f = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
        let size = f.metadata().map_or(0, |m| m.len());
        read_limited(f, size, &name)?
    };
    if buf.iter().all(u8::is_ascii_whitespace) {
        let name = display_name(path);
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

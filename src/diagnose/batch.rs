//! Many tickets at once: every Negotiate token in a web server log or a HAR file,
//! or every capture in a directory, checked against one keytab and summed up by
//! result and cause, client and service.
//!
//! Pure, like the rest of [`crate::diagnose`]: the command reads the files and
//! hands their bytes here. Identical tokens (a log repeats a browser's token on
//! every request of a page, a HAR entry may appear twice) are verified once and
//! counted: each result says how often it was seen and where.
//!
//! Each distinct token goes through [`super::analyse_with`], so a ticket in a log
//! gets the same verdict and cause as when checked on its own; the per-token
//! result here keeps the verdict, cause, names and warnings (not every fact: check
//! one token alone for the full report).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Arc;

use serde::Serialize;

use super::{KeyCache, SelectError, TicketResult};
use crate::krb::Principal;
use crate::krb::evidence::{self, Detected, EvidenceError};
use crate::krb::scan::{self, HarError, Place, Scan};
use crate::krb::spnego::SpnegoError;

/// Failures listed per cause, and repeats listed per token.
pub const MAX_PLACES: usize = 5;
/// Clients and services listed in the summary.
pub const TOP: usize = 10;

/// Where a ticket came from: a file (none for standard input), a place in it, and
/// which ticket of a container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// Shared by every origin in the same file.
    pub file: Option<Arc<str>>,
    pub line: Option<usize>,
    /// 0-based index into the HAR's `log.entries`.
    pub har_entry: Option<usize>,
    pub method: Option<String>,
    pub url: Option<String>,
    /// Inside a ccache or KRB-CRED: `ccache credential 2 (HTTP/...)`.
    pub ticket: Option<String>,
}

impl Origin {
    pub fn file(name: Option<&str>) -> Origin {
        Origin {
            file: name.map(Arc::from),
            ..Origin::default()
        }
    }

    /// A place in file `file` (shared by every origin in it).
    pub fn at(file: Option<&Arc<str>>, place: &Place) -> Origin {
        let mut o = Origin {
            file: file.cloned(),
            ..Origin::default()
        };
        match place {
            Place::Line(l) => o.line = Some(*l),
            Place::HarEntry { index, method, url } => {
                o.har_entry = Some(*index);
                o.method.clone_from(method);
                o.url.clone_from(url);
            }
        }
        o
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = self.file.as_deref();
        match (file, self.line, self.har_entry) {
            (Some(n), Some(l), _) => write!(f, "{n}:{l}")?,
            (None, Some(l), _) => write!(f, "line {l}")?,
            (n, None, Some(i)) => {
                if let Some(n) = n {
                    write!(f, "{n} ")?;
                }
                write!(f, "entry {i}")?;
                if let Some(url) = &self.url {
                    let url: String = if url.chars().count() > 60 {
                        url.chars().take(57).chain("...".chars()).collect()
                    } else {
                        url.clone()
                    };
                    match self.method.as_deref() {
                        Some(m) => write!(f, " ({m} {url})")?,
                        None => write!(f, " ({url})")?,
                    }
                }
            }
            (Some(n), None, None) => f.write_str(n)?,
            (None, None, None) => f.write_str("standard input")?,
        }
        if let Some(t) = &self.ticket {
            write!(f, ": {t}")?;
        }
        Ok(())
    }
}

/// What one input turned out to be.
pub enum Input<'a> {
    /// One capture, checked as `spnkt verify` always did.
    One(Detected),
    /// Several tokens (or one in a longer log): a batch.
    Many(Scan<'a>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error(transparent)]
    Har(#[from] HarError),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
}

/// Recognise `bytes`: a HAR, or text with two or more `Negotiate` tokens, is many;
/// anything else is one capture as [`evidence::detect`] reads it, and when that
/// fails but a token was found in it (one request in a longer log), many again.
pub fn recognise(bytes: &[u8]) -> Result<Input<'_>, InputError> {
    if scan::is_har(bytes) {
        return Ok(Input::Many(scan::scan_har(bytes)?));
    }
    let scanned = scan::scan_text(bytes);
    if scanned.tokens.len() >= 2 {
        return Ok(Input::Many(scanned));
    }
    match evidence::detect(bytes) {
        Ok(d) => Ok(Input::One(d)),
        Err(_) if !scanned.tokens.is_empty() => Ok(Input::Many(scanned)),
        Err(e) => Err(e.into()),
    }
}

/// Something to check, with where it came from.
pub enum Piece<'a> {
    /// A Negotiate token's base64 from a log or HAR.
    Token {
        origin: Origin,
        base64: Cow<'a, str>,
    },
    /// A whole capture (ccache, .kirbi, one header, ...) from a directory.
    Capture { origin: Origin, bytes: &'a [u8] },
    /// A file of a directory that holds no ticket (a keytab, a README).
    NotATicket { origin: Origin, why: String },
}

/// The pieces of a scanned log or HAR from file `name`.
pub fn pieces<'a>(name: Option<&str>, scan: Scan<'a>) -> impl Iterator<Item = Piece<'a>> {
    let name: Option<Arc<str>> = name.map(Arc::from);
    scan.tokens.into_iter().map(move |f| Piece::Token {
        origin: Origin::at(name.as_ref(), &f.place),
        base64: f.base64,
    })
}

#[derive(Clone, Debug, Serialize)]
pub struct EntryCause {
    /// The [`super::CauseCode`] names, and `malformed` for a token that does not
    /// decode.
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

/// One distinct ticket's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// Where it was first seen.
    pub origin: Origin,
    /// How often it was seen (1 for a token that appears once).
    pub seen: usize,
    /// The next places it was seen (at most [`MAX_PLACES`]).
    pub also_at: Vec<Origin>,
    pub ok: bool,
    pub service: Option<String>,
    pub client: Option<String>,
    pub enctype: Option<String>,
    pub kvno: Option<u32>,
    /// The keytab slot (1-based) that decrypted it.
    pub keytab_slot: Option<usize>,
    pub cause: Option<EntryCause>,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Tally {
    /// Distinct tickets.
    pub tickets: usize,
    /// Times seen, repeats included.
    pub seen: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct CauseGroup {
    pub code: &'static str,
    pub message: String,
    pub hint: String,
    #[serde(flatten)]
    pub tally: Tally,
    /// Where tickets with this cause were seen first, repeats included (at most
    /// [`MAX_PLACES`]).
    pub first: Vec<Origin>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NameTally {
    pub name: String,
    #[serde(flatten)]
    pub tally: Tally,
    /// Distinct tickets that did not verify.
    pub failed: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub origin: Origin,
    pub why: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Tokens and captures seen, repeats included (server responses excluded).
    pub seen: usize,
    /// Distinct tokens and captures (server responses included).
    pub distinct: usize,
    /// Distinct tickets checked (a ccache may hold several).
    pub tickets: usize,
    pub ok: Tally,
    pub failed: Tally,
    /// Failures grouped by cause code and message, most tickets first.
    pub causes: Vec<CauseGroup>,
    /// Clients of decrypted tickets, most seen first (at most [`TOP`]).
    pub clients: Vec<NameTally>,
    pub clients_total: usize,
    /// Service principals asked for, most seen first (at most [`TOP`]).
    pub services: Vec<NameTally>,
    pub services_total: usize,
    /// Tokens the server sent (WWW-Authenticate, AP-REP): no ticket in them.
    pub responses_skipped: usize,
    /// Tickets left out by `--service`.
    pub filtered_out: usize,
    /// Files of a directory that hold no ticket.
    pub skipped_files: Vec<Skipped>,
}

/// The outcome of a batch.
#[derive(Clone, Debug, Serialize)]
pub struct Batch {
    pub entries: Vec<Entry>,
    pub summary: Summary,
}

impl Batch {
    pub fn all_ok(&self) -> bool {
        self.summary.tickets > 0 && self.summary.failed.tickets == 0
    }
}

/// Verify every piece with `keys`; identical tokens and captures once.
/// `responses` adds the server tokens a scan already skipped.
pub fn verify_many<'a>(
    keys: &KeyCache<'_>,
    pieces: impl IntoIterator<Item = Piece<'a>>,
    responses: usize,
    service: Option<&Principal>,
    now: i64,
) -> Batch {
    let pieces = pieces.into_iter();
    let mut b = Batcher::new(keys, service, now);
    b.entries.reserve(pieces.size_hint().0);
    b.responses(responses);
    for piece in pieces {
        b.add(piece);
    }
    b.finish()
}

/// A batch built piece by piece: [`verify_many`] adds pieces borrowed from the
/// whole input; a log read in chunks adds each chunk's tokens with
/// [`Batcher::add_at`] and keeps only where they were, reading an earlier token
/// again only to tell a repeat from a token that merely has its fingerprint.
pub struct Batcher<'k, 'a> {
    check: Check<'k>,
    entries: Vec<Entry>,
    summary: Summary,
    /// Distinct pieces, in order.
    distinct: Vec<Seen<'a>>,
    /// Fingerprint -> first distinct piece with it.
    index: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    hasher: std::hash::RandomState,
}

/// A distinct piece: its text, what it gave, and the next distinct piece with
/// the same fingerprint.
struct Seen<'a> {
    text: Text<'a>,
    outcome: Distinct,
    next: Option<usize>,
}

enum Text<'a> {
    /// The bytes, borrowed from the input (or owned).
    Here(Cow<'a, [u8]>),
    /// `len` bytes at `offset` in a log read in chunks.
    At { offset: u64, len: usize },
}

/// Reads `len` bytes at `offset` of the log again (`None` when it cannot).
pub type Recall<'r> = dyn FnMut(u64, usize) -> Option<Vec<u8>> + 'r;

impl<'k, 'a> Batcher<'k, 'a> {
    pub fn new(keys: &'k KeyCache<'k>, service: Option<&'k Principal>, now: i64) -> Self {
        Batcher {
            check: Check {
                keys,
                service,
                now,
                token: Vec::new(),
            },
            entries: Vec::new(),
            summary: Summary::default(),
            distinct: Vec::new(),
            index: HashMap::default(),
            hasher: std::hash::RandomState::new(),
        }
    }

    /// Server tokens a scan skipped.
    pub fn responses(&mut self, n: usize) {
        self.summary.responses_skipped += n;
    }

    pub fn add(&mut self, piece: Piece<'a>) {
        let (origin, key) = match piece {
            Piece::NotATicket { origin, why } => {
                self.summary.skipped_files.push(Skipped { origin, why });
                return;
            }
            Piece::Token { origin, base64 } => (origin, PieceKey::Token(base64)),
            Piece::Capture { origin, bytes } => (origin, PieceKey::Capture(bytes)),
        };
        match self.find(key.bytes(), &mut |_, _| None) {
            (_, Ok(d)) => self.repeat(d, &origin),
            (fp, Err(last)) => {
                let got = match &key {
                    PieceKey::Token(b64) => self.check.token(b64, origin),
                    PieceKey::Capture(bytes) => self.check.capture(bytes, origin),
                };
                self.insert(fp, last, Text::Here(key.into_bytes()), got);
            }
        }
    }

    /// A token of a log read in chunks, `offset` bytes into it; `recall` reads
    /// earlier tokens again.
    pub fn add_at(&mut self, origin: Origin, base64: &str, offset: u64, recall: &mut Recall<'_>) {
        let (fp, found) = self.find(base64.as_bytes(), recall);
        match found {
            Ok(d) => self.repeat(d, &origin),
            Err(last) => {
                let got = self.check.token(base64, origin);
                let len = base64.len();
                self.insert(fp, last, Text::At { offset, len }, got);
            }
        }
    }

    /// The fingerprint of `bytes`, and the distinct piece they repeat, or else
    /// the last distinct piece with their fingerprint.
    fn find(
        &mut self,
        bytes: &[u8],
        recall: &mut Recall<'_>,
    ) -> (u64, Result<usize, Option<usize>>) {
        let fp = fingerprint(&self.hasher, bytes);
        let mut same = self.index.get(&fp).copied();
        let mut last = None;
        while let Some(d) = same {
            let seen = &mut self.distinct[d];
            let equal = match &seen.text {
                Text::Here(b) => b.as_ref() == bytes,
                &Text::At { offset, len } => {
                    len == bytes.len()
                        && match recall(offset, len) {
                            // Read again once: later repeats compare in memory.
                            Some(b) if b == bytes => {
                                seen.text = Text::Here(Cow::Owned(b));
                                true
                            }
                            _ => false,
                        }
                }
            };
            if equal {
                return (fp, Ok(d));
            }
            last = Some(d);
            same = seen.next;
        }
        (fp, Err(last))
    }

    /// A repeat: counted on everything the first one gave.
    fn repeat(&mut self, d: usize, origin: &Origin) {
        let summary = &mut self.summary;
        match &self.distinct[d].outcome {
            Distinct::Entries(range) => {
                summary.seen += 1;
                for e in &mut self.entries[range.clone()] {
                    e.seen += 1;
                    if e.also_at.len() < MAX_PLACES {
                        let mut o = origin.clone();
                        o.ticket.clone_from(&e.origin.ticket);
                        e.also_at.push(o);
                    }
                }
            }
            Distinct::Response => summary.responses_skipped += 1,
            Distinct::Filtered(n) => {
                summary.seen += 1;
                summary.filtered_out += n;
            }
            Distinct::NotATicket => {}
        }
    }

    fn insert(&mut self, fp: u64, last: Option<usize>, text: Text<'a>, got: Checked) {
        let this = self.distinct.len();
        match last {
            Some(l) => self.distinct[l].next = Some(this),
            None => {
                self.index.insert(fp, this);
            }
        }
        let summary = &mut self.summary;
        let outcome = match got {
            Checked::Entries(new) => {
                summary.seen += 1;
                let start = self.entries.len();
                self.entries.extend(new);
                Distinct::Entries(start..self.entries.len())
            }
            Checked::Response => {
                summary.responses_skipped += 1;
                Distinct::Response
            }
            Checked::Filtered(n) => {
                summary.seen += 1;
                summary.filtered_out += n;
                Distinct::Filtered(n)
            }
            Checked::NotATicket(origin, why) => {
                summary.skipped_files.push(Skipped { origin, why });
                Distinct::NotATicket
            }
        };
        self.distinct.push(Seen {
            text,
            outcome,
            next: None,
        });
    }

    pub fn finish(self) -> Batch {
        let Batcher {
            entries,
            mut summary,
            distinct,
            ..
        } = self;
        summary.distinct = distinct
            .iter()
            .filter(|d| !matches!(d.outcome, Distinct::NotATicket))
            .count();
        summarise(&entries, &mut summary);
        Batch { entries, summary }
    }
}

enum PieceKey<'a> {
    Token(Cow<'a, str>),
    Capture(&'a [u8]),
}

impl<'a> PieceKey<'a> {
    fn bytes(&self) -> &[u8] {
        match self {
            PieceKey::Token(t) => t.as_bytes(),
            PieceKey::Capture(b) => b,
        }
    }

    fn into_bytes(self) -> Cow<'a, [u8]> {
        match self {
            PieceKey::Token(Cow::Borrowed(s)) => Cow::Borrowed(s.as_bytes()),
            PieceKey::Token(Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
            PieceKey::Capture(b) => Cow::Borrowed(b),
        }
    }
}

/// A cheap hash: the length and the last 64 bytes (a token ends in its
/// authenticator's ciphertext and checksum, different in every token). Equal
/// fingerprints are compared in full.
fn fingerprint(hasher: &std::hash::RandomState, bytes: &[u8]) -> u64 {
    let mut h = hasher.build_hasher();
    h.write_usize(bytes.len());
    h.write(&bytes[bytes.len().saturating_sub(64)..]);
    h.finish()
}

/// The hasher of the fingerprint index: a fingerprint is already a keyed hash.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed (write_u64); fold anything else in anyway.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

enum Distinct {
    Entries(std::ops::Range<usize>),
    Response,
    Filtered(usize),
    NotATicket,
}

enum Checked {
    Entries(Vec<Entry>),
    Response,
    Filtered(usize),
    NotATicket(Origin, String),
}

/// What checking one distinct piece needs, and a buffer for decoded tokens.
struct Check<'k> {
    keys: &'k KeyCache<'k>,
    service: Option<&'k Principal>,
    now: i64,
    token: Vec<u8>,
}

impl Check<'_> {
    fn token(&mut self, base64: &str, origin: Origin) -> Checked {
        if let Err(e) = scan::decode_base64_into(base64, &mut self.token) {
            return malformed(
                origin,
                format!("the token is not base64: {}", scan::base64_error_text(&e)),
            );
        }
        match evidence::detect_token_undescribed(&self.token) {
            Ok(d) => self.detected(&d, origin),
            Err(EvidenceError::Token {
                error:
                    SpnegoError::ApRep { .. }
                    | SpnegoError::NoResponseToken { .. }
                    | SpnegoError::KrbError { .. },
                ..
            }) => Checked::Response,
            Err(e) => malformed(origin, format!("the token does not decode: {e}")),
        }
    }

    fn capture(&self, bytes: &[u8], origin: Origin) -> Checked {
        match evidence::detect(bytes) {
            Ok(d) => self.detected(&d, origin),
            Err(e) => Checked::NotATicket(origin, e.to_string()),
        }
    }

    fn detected(&self, detected: &Detected, origin: Origin) -> Checked {
        let report = match super::analyse_detail(
            self.keys,
            detected,
            self.service,
            self.now,
            super::Detail::Brief,
        ) {
            Ok(r) => r,
            Err(SelectError::NoSuchService { found, .. }) => return Checked::Filtered(found.len()),
            Err(SelectError::NoTickets { why }) => return Checked::NotATicket(origin, why),
        };
        let container = !matches!(
            detected.evidence,
            evidence::Evidence::ApReq { .. }
                | evidence::Evidence::Ticket(_)
                | evidence::Evidence::Ntlm { .. }
        );
        let mut results = report.results.into_iter().peekable();
        let mut out = Vec::with_capacity(results.len());
        let mut origin = Some(origin);
        while let Some(r) = results.next() {
            // The last result takes the origin, the others a copy.
            let o = if results.peek().is_some() {
                origin.clone()
            } else {
                origin.take()
            };
            out.push(entry(r, o.unwrap_or_default(), container));
        }
        Checked::Entries(out)
    }
}

fn malformed(origin: Origin, message: String) -> Checked {
    Checked::Entries(vec![Entry {
        origin,
        seen: 1,
        also_at: Vec::new(),
        ok: false,
        service: None,
        client: None,
        enctype: None,
        kvno: None,
        keytab_slot: None,
        cause: Some(EntryCause {
            code: "malformed",
            message,
            hint: "the log may have cut or altered the token; check the line, or verify it alone with `spnkt verify --ticket -`".to_owned(),
        }),
        warnings: Vec::new(),
    }])
}

fn entry(r: TicketResult, mut origin: Origin, container: bool) -> Entry {
    if container {
        origin.ticket = Some(r.origin);
    }
    let (enctype, kvno) = r
        .ticket
        .map_or((None, None), |t| (Some(t.enctype_name), t.kvno));
    Entry {
        origin,
        seen: 1,
        also_at: Vec::new(),
        ok: r.ok,
        service: r.service,
        client: r.client,
        enctype,
        kvno,
        keytab_slot: r.keytab_entry.map(|s| s.slot),
        cause: r.cause.map(|c| EntryCause {
            code: c.code.as_str(),
            message: c.message,
            hint: c.hint,
        }),
        warnings: r.warnings,
    }
}

fn summarise<'e>(entries: &'e [Entry], s: &mut Summary) {
    let mut causes: Vec<CauseGroup> = Vec::new();
    let mut cause_index: HashMap<(&'static str, &'e str), usize> = HashMap::new();
    let mut clients: HashMap<&'e str, NameTally> = HashMap::new();
    let mut services: HashMap<&'e str, NameTally> = HashMap::new();
    for e in entries {
        s.tickets += 1;
        let t = if e.ok { &mut s.ok } else { &mut s.failed };
        t.tickets += 1;
        t.seen += e.seen;
        let count = |map: &mut HashMap<&'e str, NameTally>, name: &'e str| {
            let n = map.entry(name).or_insert_with(|| NameTally {
                name: name.to_owned(),
                tally: Tally::default(),
                failed: 0,
            });
            n.tally.tickets += 1;
            n.tally.seen += e.seen;
            n.failed += usize::from(!e.ok);
        };
        if let Some(c) = e.client.as_deref() {
            count(&mut clients, c);
        }
        count(
            &mut services,
            e.service.as_deref().unwrap_or("(no Kerberos ticket)"),
        );
        if let Some(c) = &e.cause {
            let i = *cause_index
                .entry((c.code, c.message.as_str()))
                .or_insert_with(|| {
                    causes.push(CauseGroup {
                        code: c.code,
                        message: c.message.clone(),
                        hint: c.hint.clone(),
                        tally: Tally::default(),
                        first: Vec::new(),
                    });
                    causes.len() - 1
                });
            let g = &mut causes[i];
            g.tally.tickets += 1;
            g.tally.seen += e.seen;
            for o in std::iter::once(&e.origin).chain(&e.also_at) {
                if g.first.len() < MAX_PLACES {
                    g.first.push(o.clone());
                }
            }
        }
    }
    // Stable sorts: ties keep first-seen order.
    causes.sort_by_key(|c| std::cmp::Reverse(c.tally.seen));
    s.causes = causes;
    s.clients_total = clients.len();
    s.clients = top(clients);
    s.services_total = services.len();
    s.services = top(services);
}

fn top(map: HashMap<&str, NameTally>) -> Vec<NameTally> {
    let mut v: Vec<NameTally> = map.into_values().collect();
    v.sort_by(|a, b| {
        b.tally
            .seen
            .cmp(&a.tally.seen)
            .then(b.tally.tickets.cmp(&a.tally.tickets))
            .then(a.name.cmp(&b.name))
    });
    v.truncate(TOP);
    v
}

/// The pieces of one file of a directory: the tokens of a log or HAR, else the
/// whole file as one capture, else a file skipped with the reason. Also the
/// server tokens the scan skipped.
pub fn file_pieces<'a>(name: &str, bytes: &'a [u8]) -> (Vec<Piece<'a>>, usize) {
    let origin = Origin::file(Some(name));
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (
            vec![Piece::NotATicket {
                origin,
                why: "empty".to_owned(),
            }],
            0,
        );
    }
    match recognise(bytes) {
        Ok(Input::Many(scan)) => {
            let responses = scan.responses;
            (pieces(Some(name), scan).collect(), responses)
        }
        Ok(Input::One(_)) => (vec![Piece::Capture { origin, bytes }], 0),
        Err(e) => (
            vec![Piece::NotATicket {
                origin,
                why: e.to_string(),
            }],
            0,
        ),
    }
}

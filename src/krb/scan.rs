//! Many Negotiate tokens in one input: a web server's access or debug log, curl -v
//! output, or a browser's HAR file. [`scan`] finds the tokens and says where each
//! one was (line number or HAR entry); decoding and checking them is the caller's.
//!
//! Pure and total: any bytes in, a [`Scan`] (possibly empty) out, never a panic.
//! Tokens are returned as the base64 text they were in (borrowed from the input
//! where possible), so identical tokens can be counted without decoding them again.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Fewer base64 characters than this after `Negotiate ` are not a token (a word
/// in a message such as "Negotiate failed"). The shortest real token, an NTLMSSP
/// NEGOTIATE message, is 40 characters.
pub const MIN_TOKEN_CHARS: usize = 24;

/// Where a token was in its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// 1-based line number in a text log.
    Line(usize),
    /// 0-based index into a HAR's `log.entries`, with the request's method and URL.
    HarEntry {
        index: usize,
        method: Option<String>,
        url: Option<String>,
    },
}

/// One token found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<'a> {
    pub place: Place,
    /// The base64 text (standard or URL-safe alphabet, padding optional).
    pub base64: Cow<'a, str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanKind {
    /// Text with `Negotiate <base64>` in its lines.
    Log,
    /// A HAR (HTTP Archive) file.
    Har,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan<'a> {
    pub kind: ScanKind,
    /// Client tokens (`Authorization: Negotiate ...` and bare `Negotiate ...`), in
    /// input order, repeats included.
    pub tokens: Vec<Found<'a>>,
    /// Server tokens skipped (`WWW-Authenticate: Negotiate ...`, mutual
    /// authentication replies): they hold no ticket.
    pub responses: usize,
    /// Lines in a log; entries in a HAR.
    pub units: usize,
}

/// Where the content starts, after whitespace and a UTF-8 byte order mark.
fn content_start(input: &[u8]) -> usize {
    input
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf)
        .unwrap_or(input.len())
}

/// Is this a HAR file: a JSON object with `"log"` and `"entries"` near its start?
pub fn is_har(input: &[u8]) -> bool {
    let start = content_start(input);
    if input.get(start) != Some(&b'{') {
        return false;
    }
    let head = &input[start..input.len().min(start + 4096)];
    memchr::memmem::find(head, b"\"log\"").is_some()
        && memchr::memmem::find(input, b"\"entries\"").is_some()
}

/// Could an input that starts with `head` be a HAR, as [`is_har`] reads the
/// whole input? Not when its content starts with anything but `{`.
pub fn may_be_har(head: &[u8]) -> bool {
    head.get(content_start(head)).is_none_or(|&b| b == b'{')
}

/// Find the tokens in `input`: a HAR when [`is_har`] says so (an unreadable HAR is
/// an error), else text scanned line by line. Non-UTF-8 bytes in a log are
/// tolerated (a token is ASCII).
pub fn scan(input: &[u8]) -> Result<Scan<'_>, HarError> {
    if is_har(input) {
        scan_har(input)
    } else {
        Ok(scan_text(input))
    }
}

/// `Negotiate <base64>` anywhere in `text`'s lines: `Authorization: Negotiate ...`
/// in a debug log, `> Authorization: Negotiate ...` from curl -v, `"Negotiate ..."`
/// as an access log's logged header. Tokens after `WWW-Authenticate:` or
/// `Proxy-Authenticate:` on the same line are the server's and are only counted.
pub fn scan_text(text: &[u8]) -> Scan<'_> {
    let mut hits: Vec<usize> = memchr::memmem::find_iter(text, b"egotiate").collect();
    let upper: Vec<usize> = memchr::memmem::find_iter(text, b"EGOTIATE").collect();
    if !upper.is_empty() {
        hits.extend(upper);
        hits.sort_unstable();
    }
    let mut out = Scan {
        kind: ScanKind::Log,
        tokens: Vec::new(),
        responses: 0,
        units: 0,
    };
    let mut line = 1usize;
    let mut counted_to = 0usize;
    let mut last_end = 0usize;
    for hit in hits {
        if hit == 0 || hit < last_end {
            continue;
        }
        let start = hit - 1;
        if !matches!(text[start], b'N' | b'n') {
            continue;
        }
        if start > 0 && text[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut at = hit + 8;
        let ws = text[at..]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if ws == 0 {
            continue;
        }
        at += ws;
        let len = base64_run(&text[at..]);
        if len < MIN_TOKEN_CHARS {
            continue;
        }
        last_end = at + len;
        line += memchr::memchr_iter(b'\n', &text[counted_to..start]).count();
        counted_to = start;
        let line_start = memchr::memrchr(b'\n', &text[..start]).map_or(0, |i| i + 1);
        if is_response(&text[line_start..start]) {
            out.responses += 1;
            continue;
        }
        // Only base64 bytes: ASCII, so valid UTF-8.
        let b64 = std::str::from_utf8(&text[at..at + len]).unwrap_or_default();
        out.tokens.push(Found {
            place: Place::Line(line),
            base64: Cow::Borrowed(b64),
        });
    }
    line += memchr::memchr_iter(b'\n', &text[counted_to..]).count();
    // A last line without a newline still counts; an empty input has no lines.
    out.units = if text.is_empty() || text.ends_with(b"\n") {
        line - 1
    } else {
        line
    };
    out
}

/// A byte of the standard or URL-safe base64 alphabet, or padding. Range
/// checks, not a table: over a chunk they become vector compares.
fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() | matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

/// Length of the base64 run at the start of `bytes` (a token is about 1.5 KB:
/// checked 32 bytes at a time, without a branch per byte).
fn base64_run(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.chunks_exact(32) {
        if !chunk.iter().fold(true, |all, &b| all & is_base64_byte(b)) {
            break;
        }
        n += 32;
    }
    n + bytes[n..]
        .iter()
        .take_while(|&&b| is_base64_byte(b))
        .count()
}

/// Does the line up to the scheme end with a server header name?
fn is_response(before: &[u8]) -> bool {
    let trimmed = before
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'"' | b'\'' | b'`'))
        .map_or(&before[..0], |i| &before[..=i]);
    [&b"www-authenticate:"[..], b"proxy-authenticate:"]
        .iter()
        .any(|name| {
            trimmed.len() >= name.len()
                && trimmed[trimmed.len() - name.len()..].eq_ignore_ascii_case(name)
        })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable HAR file: {0}")]
pub struct HarError(pub String);

#[derive(serde::Deserialize)]
struct Har<'a> {
    #[serde(borrow)]
    log: HarLog<'a>,
}

#[derive(serde::Deserialize)]
struct HarLog<'a> {
    #[serde(borrow, default)]
    entries: Vec<HarEntry<'a>>,
}

#[derive(serde::Deserialize)]
struct HarEntry<'a> {
    #[serde(borrow, default)]
    request: Option<HarMessage<'a>>,
    #[serde(borrow, default)]
    response: Option<HarMessage<'a>>,
}

#[derive(serde::Deserialize)]
struct HarMessage<'a> {
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    headers: Vec<HarHeader<'a>>,
}

#[derive(serde::Deserialize)]
struct HarHeader<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    value: Cow<'a, str>,
}

/// The `Authorization: Negotiate` request headers of a HAR's entries.
pub fn scan_har(input: &[u8]) -> Result<Scan<'_>, HarError> {
    let body = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let har: Har<'_> = serde_json::from_slice(body).map_err(|e| HarError(e.to_string()))?;
    let mut out = Scan {
        kind: ScanKind::Har,
        tokens: Vec::new(),
        responses: 0,
        units: har.log.entries.len(),
    };
    for (index, entry) in har.log.entries.into_iter().enumerate() {
        if let Some(resp) = &entry.response {
            out.responses += resp
                .headers
                .iter()
                .filter(|h| {
                    h.name.eq_ignore_ascii_case("www-authenticate")
                        && negotiate_token(&h.value).is_some()
                })
                .count();
        }
        let Some(req) = entry.request else { continue };
        for h in &req.headers {
            if !(h.name.eq_ignore_ascii_case("authorization")
                || h.name.eq_ignore_ascii_case("proxy-authorization"))
            {
                continue;
            }
            let Some(token) = negotiate_token(&h.value) else {
                continue;
            };
            let base64 = match &h.value {
                Cow::Borrowed(v) => Cow::Borrowed(&v[token.0..token.1]),
                Cow::Owned(v) => Cow::Owned(v[token.0..token.1].to_owned()),
            };
            out.tokens.push(Found {
                place: Place::HarEntry {
                    index,
                    method: req.method.as_deref().map(str::to_owned),
                    url: req.url.as_deref().map(str::to_owned),
                },
                base64,
            });
        }
    }
    Ok(out)
}

/// The byte range of the token in a header value `Negotiate <base64>`.
fn negotiate_token(value: &str) -> Option<(usize, usize)> {
    let v = value.trim_start();
    let lead = value.len() - v.len();
    let scheme = v.get(..9)?;
    if !scheme.eq_ignore_ascii_case("negotiate") {
        return None;
    }
    let rest = &v[9..];
    let token = rest.trim();
    if token.len() < MIN_TOKEN_CHARS || !token.bytes().all(is_base64_byte) {
        return None;
    }
    let start = lead + 9 + (rest.len() - rest.trim_start().len());
    Some((start, start + token.len()))
}

/// A base64 decoding error in spnkt's words (the crate's own wording changes
/// between its versions, and names bytes by their decimal value).
pub fn base64_error_text(e: &base64::DecodeError) -> String {
    use base64::DecodeError as E;
    let shown = |b: u8| {
        if b.is_ascii_graphic() {
            format!("`{}`", char::from(b))
        } else {
            format!("byte 0x{b:02x}")
        }
    };
    match *e {
        E::InvalidByte(offset, byte) => {
            format!("{} at offset {offset} is no base64 character", shown(byte))
        }
        E::InvalidLength(n) => {
            format!("{n} base64 characters do not make whole bytes (the token was cut)")
        }
        E::InvalidLastSymbol { offset, symbol, .. } => format!(
            "the last character, {} at offset {offset}, has bits set that no byte uses (the token was cut or altered)",
            shown(symbol)
        ),
        E::InvalidPadding => "its `=` padding is wrong".to_owned(),
    }
}

/// Decode a token's base64 (standard or URL-safe alphabet, padding optional).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let mut out = Vec::new();
    decode_base64_into(text, &mut out)?;
    Ok(out)
}

/// [`decode_base64`] into `out` (cleared first), reusing its allocation: a
/// batch decodes one token after the other into the same buffer.
pub fn decode_base64_into(text: &str, out: &mut Vec<u8>) -> Result<(), base64::DecodeError> {
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);
    out.clear();
    if memchr::memchr2(b'-', b'_', text.as_bytes()).is_some() {
        URL_SAFE.decode_vec(text, out)
    } else {
        STANDARD.decode_vec(text, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "YIIC3AYGKwYBBQUCoIIC0DCCAsygDTALBgkqhkiG9xIBAgKiggK5BIICtWCCArEG";
    const OTHER: &str = "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==";

    fn lines(scan: &Scan<'_>) -> Vec<(usize, String)> {
        scan.tokens
            .iter()
            .map(|f| match &f.place {
                Place::Line(l) => (*l, f.base64.to_string()),
                Place::HarEntry { index, .. } => (*index, f.base64.to_string()),
            })
            .collect()
    }

    #[test]
    fn log_lines_in_several_forms() {
        let log = format!(
            "GET / HTTP/1.1\r\n\
             Authorization: Negotiate {TOKEN}\r\n\
             > authorization: negotiate {OTHER}\n\
             10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 12 \"Negotiate {TOKEN}\"\n\
             < WWW-Authenticate: Negotiate {OTHER}\n\
             [auth_gssapi:debug] Proxy-Authorization: NEGOTIATE\t{OTHER}\n\
             Negotiate failed; renegotiate later\n\
             no newline at the end: Negotiate {TOKEN}"
        );
        let s = scan(log.as_bytes()).unwrap();
        assert_eq!(s.kind, ScanKind::Log);
        assert_eq!(
            lines(&s),
            [
                (2, TOKEN.to_owned()),
                (3, OTHER.to_owned()),
                (4, TOKEN.to_owned()),
                (6, OTHER.to_owned()),
                (8, TOKEN.to_owned()),
            ]
        );
        assert_eq!(s.responses, 1);
        assert_eq!(s.units, 8);
        assert_eq!(decode_base64(OTHER).unwrap()[..7], *b"NTLMSSP");
    }

    #[test]
    fn base64_run_stops_at_the_first_other_byte() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_";
        for b in 0..=255u8 {
            assert_eq!(is_base64_byte(b), alphabet.contains(&b), "{b:#x}");
        }
        for len in 0..100 {
            for stop in [b' ', b'"', b'\n', b'.', 0x80, 0xff] {
                let mut v: Vec<u8> = (0..len).map(|i| alphabet[i * 7 % alphabet.len()]).collect();
                v.push(stop);
                v.extend_from_slice(b"AAAA");
                assert_eq!(base64_run(&v), len);
                assert_eq!(base64_run(&v[..len]), len);
            }
        }
    }

    #[test]
    fn two_tokens_on_a_line_and_odd_bytes() {
        let mut log = format!("a Negotiate {TOKEN} b Negotiate {OTHER}\n").into_bytes();
        log.extend_from_slice(b"\xff\xfe");
        log.extend_from_slice(format!(" Negotiate {TOKEN}\n").as_bytes());
        let s = scan_text(&log);
        assert_eq!(
            lines(&s),
            [(1, TOKEN.into()), (1, OTHER.into()), (2, TOKEN.into())]
        );
        assert_eq!(s.units, 2);
        for input in [
            &b""[..],
            b"\n",
            b"Negotiate",
            b"xNegotiate AAAA",
            b"Negotiate ====",
            b"{",
        ] {
            let s = scan(input).unwrap_or_else(|_| scan_text(input));
            assert!(s.tokens.is_empty());
        }
    }

    #[test]
    fn har_request_headers() {
        let har = format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "x"}}, "entries": [
              {{"request": {{"method": "GET", "url": "https://app1/", "headers": []}},
                "response": {{"status": 401, "headers": [{{"name": "WWW-Authenticate", "value": "Negotiate"}}]}}}},
              {{"request": {{"method": "GET", "url": "https://app1/", "headers": [
                  {{"name": "authorization", "value": "Negotiate {TOKEN}"}}]}},
                "response": {{"status": 200, "headers": [{{"name": "WWW-Authenticate", "value": "Negotiate {OTHER}"}}]}}}},
              {{"request": {{"method": "POST", "url": "https://app1/x", "headers": [
                  {{"name": "Authorization", "value": "Basic dXNlcjpwYXNzd29yZA=="}},
                  {{"name": "Authorization", "value": "Negotiate {OTHER}"}}]}}}}
            ]}}}}"#
        );
        let s = scan(har.as_bytes()).unwrap();
        assert_eq!(s.kind, ScanKind::Har);
        assert_eq!(s.units, 3);
        assert_eq!(s.responses, 1);
        assert_eq!(lines(&s), [(1, TOKEN.into()), (2, OTHER.into())]);
        assert_eq!(
            s.tokens[1].place,
            Place::HarEntry {
                index: 2,
                method: Some("POST".into()),
                url: Some("https://app1/x".into())
            }
        );
        assert!(scan(br#"{"log": {"entries": [}"#).is_err());
        assert!(!is_har(br#"{"other": 1}"#));
    }
}

//! What the admin handed `spnkt verify`: recognise the format and decode it.
//!
//! Binary inputs are recognised by their first bytes (MIT ccache and keytab magic,
//! DER application tags, GSS/SPNEGO framing, the NTLMSSP signature). Anything that is
//! clean UTF-8 text is read as text: an HTTP header line, `Negotiate <base64>`, bare
//! base64 (a Rubeus `.kirbi`, a base64 ccache, a Negotiate token) or hex, decoded
//! once and then recognised as binary. Nothing here panics on any input.

use super::ap_req::{self, ApReq, ApReqError};
use super::ccache::{self, Ccache, CcacheError};
use super::krbcred::{self, KrbCred, KrbCredError};
use super::spnego::{self, Inner, Layer, SpnegoError};
use super::ticket::{self, Ticket, TicketError};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Evidence {
    Ccache(Ccache),
    KrbCred(KrbCred),
    /// An AP-REQ, with the SPNEGO/GSS layers it came in (empty for a raw AP-REQ).
    ApReq {
        layers: Vec<Layer>,
        ap_req: ApReq,
    },
    Ticket(Ticket),
    /// NTLMSSP instead of Kerberos: the browser got no ticket.
    Ntlm {
        layers: Vec<Layer>,
        message_type: u32,
    },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Detected {
    /// Human name of the detected format, outermost wrapping first, e.g.
    /// "MIT ccache v4", "base64 → KRB-CRED (.kirbi)",
    /// "HTTP Authorization: Negotiate header → SPNEGO NegTokenInit (mech
    /// 1.2.840.113554.1.2.2 Kerberos) → GSS krb5 AP-REQ".
    pub format: String,
    pub evidence: Evidence,
}

/// The formats [`detect`] accepts, for error messages and help text.
pub const ACCEPTED_FORMATS: &str = "an MIT ccache (v3/v4), a KRB-CRED/.kirbi file (binary or base64 as Rubeus prints it), \
a DER AP-REQ or Ticket, a SPNEGO/GSS-API token (binary or base64), \
or an HTTP `Authorization: Negotiate <base64>` header line";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("the input is empty; expected {ACCEPTED_FORMATS}")]
    Empty,
    #[error("this is a keytab, not a ticket: pass it with --keytab")]
    Keytab,
    #[error("invalid {format}: {error}")]
    Ccache { format: String, error: CcacheError },
    #[error("invalid {format}: {error}")]
    KrbCred { format: String, error: KrbCredError },
    #[error("invalid Kerberos AP-REQ in {format}: {error}")]
    ApReq { format: String, error: ApReqError },
    #[error("invalid {format}: {error}")]
    Ticket { format: String, error: TicketError },
    /// The SPNEGO/GSS framing, or the text around it, is wrong.
    #[error("{error} (in {format})")]
    Token { format: String, error: SpnegoError },
    #[error("unrecognised input: {why}; expected {ACCEPTED_FORMATS}")]
    Unrecognised { why: String },
}

/// Recognise and decode `input` (file contents or stdin, binary or text).
pub fn detect(input: &[u8]) -> Result<Detected, EvidenceError> {
    if input.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if let Some(text) = utf16le_text(input) {
        return detect_text(&text);
    }
    match as_text(input) {
        Some(text) => detect_text(text),
        None => detect_binary(input, "").unwrap_or_else(|| {
            Err(EvidenceError::Unrecognised {
                why: format!(
                    "binary data starting 0x{} that is none of these",
                    hex_prefix(input)
                ),
            })
        }),
    }
}

/// Recognise one binary token or message (a decoded Negotiate token from a log):
/// [`detect`] without the text forms.
pub fn detect_binary_token(bytes: &[u8]) -> Result<Detected, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    detect_binary(bytes, "").unwrap_or_else(|| {
        Err(EvidenceError::Unrecognised {
            why: format!(
                "binary data starting 0x{} that is none of these",
                hex_prefix(bytes)
            ),
        })
    })
}

/// Clean text: valid UTF-8 without control characters other than whitespace.
fn as_text(input: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(input).ok()?;
    text.chars()
        .all(|c| !c.is_control() || c.is_whitespace())
        .then_some(text)
}

/// Text saved by Windows PowerShell 5 (`>` redirection): UTF-16LE with a BOM.
fn utf16le_text(input: &[u8]) -> Option<String> {
    let body = input.strip_prefix(&[0xff, 0xfe])?;
    if body.len() % 2 != 0 {
        return None;
    }
    let units = body
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]));
    let text: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
    text.chars()
        .all(|c| !c.is_control() || c.is_whitespace())
        .then_some(text)
}

fn hex_prefix(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for b in bytes.iter().take(4) {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// `prefix` is "" or the text wrapping, ending in " → ". `None` when the first bytes
/// match no known binary format.
fn detect_binary(bytes: &[u8], prefix: &str) -> Option<Result<Detected, EvidenceError>> {
    let ok = |format: String, evidence: Evidence| Ok(Detected { format, evidence });
    Some(match bytes {
        [0x05, 0x03 | 0x04, ..] => {
            let format = format!("{prefix}MIT ccache v{}", bytes[1]);
            match ccache::parse(bytes) {
                Ok(c) => ok(format, Evidence::Ccache(c)),
                Err(error) => Err(EvidenceError::Ccache { format, error }),
            }
        }
        [0x05, 0x01 | 0x02, ..] => Err(EvidenceError::Keytab),
        [0x76, ..] => {
            let format = format!("{prefix}KRB-CRED (.kirbi)");
            match krbcred::parse_krb_cred(bytes) {
                Ok(c) => ok(format, Evidence::KrbCred(c)),
                Err(error) => Err(EvidenceError::KrbCred { format, error }),
            }
        }
        [0x6e, ..] => {
            let format = format!("{prefix}Kerberos AP-REQ (DER)");
            match ap_req::parse_ap_req(bytes) {
                Ok(ap_req) => ok(
                    format,
                    Evidence::ApReq {
                        layers: Vec::new(),
                        ap_req,
                    },
                ),
                Err(error) => Err(EvidenceError::ApReq { format, error }),
            }
        }
        [0x61, ..] => {
            let format = format!("{prefix}Kerberos Ticket (DER)");
            match ticket::parse_ticket(bytes) {
                Ok(t) => ok(format, Evidence::Ticket(t)),
                Err(error) => Err(EvidenceError::Ticket { format, error }),
            }
        }
        [0x60 | 0xa0 | 0xa1, ..] => token(bytes, prefix, true),
        _ if bytes.starts_with(spnego::NTLMSSP_SIGNATURE) => token(bytes, prefix, true),
        // AP-REP / KRB-ERROR pasted on their own: unwrap_token explains them.
        [0x6f | 0x7e, ..] => token(bytes, prefix, true),
        _ => return None,
    })
}

/// A GSS/SPNEGO/NTLMSSP token.
/// A SPNEGO/GSS/NTLMSSP token from a log, as [`detect_binary_token`] reads it but
/// without the human description of its layers (`format` is empty): a batch of
/// thousands keeps only the verdicts.
pub fn detect_token_undescribed(bytes: &[u8]) -> Result<Detected, EvidenceError> {
    match bytes {
        [0x60 | 0xa0 | 0xa1 | 0x6f | 0x7e, ..] => token(bytes, "", false),
        _ if bytes.starts_with(spnego::NTLMSSP_SIGNATURE) => token(bytes, "", false),
        _ => detect_binary_token(bytes),
    }
}

/// `describe`: build `format` (the layers in words).
fn token(bytes: &[u8], prefix: &str, describe: bool) -> Result<Detected, EvidenceError> {
    let unwrapped = spnego::unwrap_token(bytes).map_err(|error| EvidenceError::Token {
        format: match prefix.strip_suffix(" → ") {
            Some(p) if !p.is_empty() => p.to_owned(),
            _ => "the binary token".to_owned(),
        },
        error,
    })?;
    let layers = unwrapped.layers;
    let format = if describe {
        format!("{prefix}{}", describe_layers(&layers, &unwrapped.inner))
    } else {
        String::new()
    };
    match unwrapped.inner {
        Inner::ApReq(der) => match ap_req::parse_ap_req(der) {
            Ok(ap_req) => Ok(Detected {
                format,
                evidence: Evidence::ApReq { layers, ap_req },
            }),
            Err(error) => Err(EvidenceError::ApReq { format, error }),
        },
        Inner::Ntlmssp { message_type } => Ok(Detected {
            format,
            evidence: Evidence::Ntlm {
                layers,
                message_type,
            },
        }),
    }
}

/// "SPNEGO NegTokenInit (mech 1.2.840.48018.1.2.2 Microsoft Kerberos) → GSS krb5
/// AP-REQ", "NTLMSSP NEGOTIATE (type 1)", "Kerberos AP-REQ (DER)".
pub fn describe_layers(layers: &[Layer], inner: &Inner<'_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        // The outer SPNEGO GSS framing is implied by the NegTokenInit that follows.
        if matches!(layer, Layer::GssToken { mech } if mech == spnego::OID_SPNEGO)
            && matches!(layers.get(i + 1), Some(Layer::NegTokenInit { .. }))
        {
            continue;
        }
        parts.push(layer.to_string());
    }
    let inner_text = match inner {
        Inner::ApReq(_) => "AP-REQ".to_owned(),
        Inner::Ntlmssp { message_type } => match spnego::ntlmssp_message_name(*message_type) {
            Some(name) => format!("NTLMSSP {name} (type {message_type})"),
            None => format!("NTLMSSP message type {message_type}"),
        },
    };
    match (parts.last_mut(), inner) {
        // "GSS krb5" + "AP-REQ" read as one step.
        (Some(last), Inner::ApReq(_)) if last.starts_with("GSS ") => {
            last.push(' ');
            last.push_str(&inner_text);
        }
        (None, Inner::ApReq(_)) => parts.push("Kerberos AP-REQ (DER)".to_owned()),
        _ => parts.push(inner_text),
    }
    parts.join(" → ")
}

fn detect_text(text: &str) -> Result<Detected, EvidenceError> {
    let mut text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return Err(EvidenceError::Empty);
    }
    // Rubeus prints `[*] base64(ticket.kirbi):` then the indented base64.
    if let Some(i) = text.find("base64(") {
        if let Some(j) = text[i..].find("):") {
            text = text[i + j + 2..].trim();
        }
    }
    // Wireshark's "copy as hex stream" of a token or ticket.
    if let Some(bytes) = hex_text(text) {
        if let Some(Ok(d)) = detect_binary(&bytes, "hex → ") {
            return Ok(d);
        }
    }
    let decoded = match spnego::decode_negotiate_text_detailed(text) {
        Ok(d) => d,
        Err(
            error @ (SpnegoError::InvalidBase64Char { .. }
            | SpnegoError::MisplacedPadding { .. }
            | SpnegoError::TruncatedBase64 { .. }
            | SpnegoError::Base64 { .. }),
        ) if !looks_like_header(text) => {
            return Err(EvidenceError::Unrecognised {
                why: format!("text that is {error}"),
            });
        }
        Err(error) => {
            return Err(EvidenceError::Token {
                format: "the text".to_owned(),
                error,
            });
        }
    };
    let wrapper = decoded.describe();
    let prefix = format!("{wrapper} → ");
    if as_text(&decoded.token).is_some() {
        return Err(EvidenceError::Unrecognised {
            why: format!("the {wrapper} decodes to text, not to binary Kerberos data"),
        });
    }
    detect_binary(&decoded.token, &prefix).unwrap_or_else(|| {
        Err(EvidenceError::Unrecognised {
            why: format!(
                "the {wrapper} decodes to bytes starting 0x{} that are none of these",
                hex_prefix(&decoded.token)
            ),
        })
    })
}

/// Whether the text starts like `Header:` or a scheme, so a base64 error in it is
/// about the token rather than a sign the input is something else entirely.
fn looks_like_header(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    first.ends_with(':') || first.eq_ignore_ascii_case("negotiate")
}

/// Hex digits only (whitespace and `:` separators allowed), an even count of at
/// least 16: the decoded bytes.
fn hex_text(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b':')
        .map(|b| (b as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    if digits.len() < 16 || digits.len() % 2 != 0 {
        return None;
    }
    Some(digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect())
}

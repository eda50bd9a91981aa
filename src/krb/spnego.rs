//! HTTP Negotiate / SPNEGO (RFC 4178, RFC 4559) and the GSS-API krb5 token framing
//! (RFC 1964 / RFC 4121 InitialContextToken), down to the AP-REQ inside.
//!
//! Everything here is pure: bytes or text in, values out. The DER reader is a small
//! private one (module `der`) that only understands what these tokens need: low tag numbers,
//! definite lengths (short or long form up to four length bytes), bounded nesting. It
//! checks every length against the bytes actually present before slicing and never
//! sizes an allocation from a length read out of the token.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// SPNEGO (RFC 4178).
pub const OID_SPNEGO: &str = "1.3.6.1.5.5.2";
/// Kerberos 5 GSS-API mechanism (RFC 1964).
pub const OID_KRB5: &str = "1.2.840.113554.1.2.2";
/// Microsoft's mistyped Kerberos OID (`gss_mech_krb5_wrong`), listed first by Windows.
pub const OID_MS_KRB5: &str = "1.2.840.48018.1.2.2";
/// Pre-RFC 1964 Kerberos OID (`gss_mech_krb5_old`), still accepted by MIT.
pub const OID_KRB5_OLD: &str = "1.3.5.1.5.2";
/// IAKERB (RFC draft-ietf-kitten-iakerb): Kerberos tunnelled through the service.
pub const OID_IAKERB: &str = "1.3.6.1.5.2.5";
/// Microsoft NTLM SSP.
pub const OID_NTLM: &str = "1.3.6.1.4.1.311.2.2.10";
/// Microsoft NegoEx (MS-NEGOEX).
pub const OID_NEGOEX: &str = "1.3.6.1.4.1.311.2.2.30";

/// GSS krb5 token identifiers (RFC 1964 section 1.1 / RFC 4121 section 4.1).
pub const TOK_ID_AP_REQ: [u8; 2] = [0x01, 0x00];
pub const TOK_ID_AP_REP: [u8; 2] = [0x02, 0x00];
pub const TOK_ID_KRB_ERROR: [u8; 2] = [0x03, 0x00];

/// The signature that starts every NTLMSSP message.
pub const NTLMSSP_SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

/// A human name for a mechanism OID spnkt knows.
pub fn oid_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        OID_SPNEGO => "SPNEGO",
        OID_KRB5 => "Kerberos",
        OID_MS_KRB5 => "Microsoft Kerberos",
        OID_KRB5_OLD => "Kerberos (pre-RFC 1964 OID)",
        OID_IAKERB => "IAKERB",
        OID_NTLM => "NTLM",
        OID_NEGOEX => "NegoEx",
        _ => return None,
    })
}

/// Whether `dotted` is one of the OIDs under which a GSS krb5 token is accepted.
pub fn is_krb5_oid(dotted: &str) -> bool {
    matches!(dotted, OID_KRB5 | OID_MS_KRB5 | OID_KRB5_OLD)
}

/// The name of an NTLMSSP message type (MS-NLMP 2.2.1).
pub fn ntlmssp_message_name(message_type: u32) -> Option<&'static str> {
    Some(match message_type {
        1 => "NEGOTIATE",
        2 => "CHALLENGE",
        3 => "AUTHENTICATE",
        _ => return None,
    })
}

/// What sat inside the token.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Inner<'a> {
    /// DER AP-REQ (after a GSS krb5 token id 01 00), borrowed from the token.
    ApReq(&'a [u8]),
    /// NTLMSSP message: the client had no Kerberos ticket for the SPN.
    Ntlmssp { message_type: u32 },
}

/// A wrapping layer that was removed, outermost first.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Layer {
    /// SPNEGO NegTokenInit with its mechTypes (dotted OIDs), preferred first.
    NegTokenInit { mech_types: Vec<Cow<'static, str>> },
    /// SPNEGO NegTokenResp (a later leg of the exchange).
    NegTokenResp,
    /// GSS-API InitialContextToken with this mechanism OID. A browser's token has two:
    /// the outer one for SPNEGO ([`OID_SPNEGO`]) and, inside the mechToken, one for
    /// krb5 ([`OID_KRB5`] or [`OID_MS_KRB5`]).
    GssToken { mech: Cow<'static, str> },
}

impl fmt::Display for Layer {
    /// Short human description: "SPNEGO NegTokenInit (mech 1.2.840.113554.1.2.2 Kerberos)",
    /// "SPNEGO NegTokenResp", "GSS krb5", "GSS SPNEGO".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::NegTokenInit { mech_types } => {
                f.write_str("SPNEGO NegTokenInit")?;
                match mech_types.first() {
                    Some(first) => match oid_name(first) {
                        Some(name) => write!(f, " (mech {first} {name})"),
                        None => write!(f, " (mech {first})"),
                    },
                    None => f.write_str(" (no mechTypes)"),
                }
            }
            Layer::NegTokenResp => f.write_str("SPNEGO NegTokenResp"),
            Layer::GssToken { mech } if mech == OID_KRB5 => f.write_str("GSS krb5"),
            Layer::GssToken { mech } if is_krb5_oid(mech) => write!(f, "GSS krb5 (OID {mech})"),
            Layer::GssToken { mech } if mech == OID_SPNEGO => f.write_str("GSS SPNEGO"),
            Layer::GssToken { mech } => write!(f, "GSS {mech}"),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Unwrapped<'a> {
    pub layers: Vec<Layer>,
    pub inner: Inner<'a>,
}

/// What a DER element was wrong about (the "where" is in [`SpnegoError::Der`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DerProblem {
    /// The element header or value runs past the end of the bytes present.
    Truncated {
        needed: usize,
        available: usize,
    },
    /// `0x80`: BER indefinite length, not allowed in DER.
    IndefiniteLength,
    /// A long-form length with more than four length bytes.
    LengthTooLong {
        length_bytes: u8,
    },
    /// A tag number of 31 or more (multi-byte tags never occur in these tokens).
    HighTagNumber,
    UnexpectedTag {
        expected: u8,
        found: u8,
    },
    /// Nesting deeper than the reader allows.
    TooDeep,
    /// Bytes left after the last element of a constructed value or the token.
    TrailingBytes {
        count: usize,
    },
    /// An OBJECT IDENTIFIER whose encoding is empty, truncated, non-minimal or too big.
    BadOid,
}

impl fmt::Display for DerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DerProblem::Truncated { needed, available } => write!(
                f,
                "truncated: {needed} bytes are needed but only {available} remain"
            ),
            DerProblem::IndefiniteLength => {
                f.write_str("indefinite length (BER 0x80), which DER does not allow")
            }
            DerProblem::LengthTooLong { length_bytes } => {
                write!(f, "a length of {length_bytes} bytes is too long")
            }
            DerProblem::HighTagNumber => f.write_str("multi-byte tag numbers are not supported"),
            DerProblem::UnexpectedTag { expected, found } => {
                write!(f, "tag 0x{found:02x} where 0x{expected:02x} was expected")
            }
            DerProblem::TooDeep => f.write_str("nested too deeply"),
            DerProblem::TrailingBytes { count } => write!(f, "{count} unexpected trailing bytes"),
            DerProblem::BadOid => f.write_str("malformed OBJECT IDENTIFIER"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpnegoError {
    #[error("no token: the text is empty")]
    EmptyText,
    #[error("the token is empty (zero bytes)")]
    EmptyToken,
    #[error(
        "`{found}` carries no token (a bare `WWW-Authenticate: Negotiate` is the server's challenge, not a client token)"
    )]
    MissingToken { found: String },
    #[error("`{found}` is not Negotiate (expected `Negotiate <base64>`)")]
    NotNegotiate { found: String },
    #[error(
        "`{name}:` is not an authentication header (expected Authorization, Proxy-Authorization or WWW-Authenticate)"
    )]
    NotAuthHeader { name: String },
    #[error("not base64: invalid character {ch:?} at position {position}")]
    InvalidBase64Char { ch: char, position: usize },
    #[error("not base64: padding '=' inside the text at position {position}")]
    MisplacedPadding { position: usize },
    #[error(
        "not base64: {chars} base64 characters cannot encode whole bytes (was the token cut off?)"
    )]
    TruncatedBase64 { chars: usize },
    #[error("not base64: {detail}")]
    Base64 { detail: String },
    #[error("malformed DER in the {context} at token byte offset {offset}: {problem}")]
    Der {
        context: &'static str,
        offset: usize,
        problem: DerProblem,
    },
    #[error(
        "not a SPNEGO, GSS-API or Kerberos token: byte offset {offset} holds 0x{found:02x} (expected 0x60 GSS token, 0xa0 NegTokenInit, 0xa1 NegTokenResp, 0x6e AP-REQ or NTLMSSP)"
    )]
    NotAToken { offset: usize, found: u8 },
    #[error(
        "the {context} at token byte offset {offset} is a GSS-API token for mechanism {mech}, not Kerberos or NTLM"
    )]
    UnsupportedMech {
        context: &'static str,
        offset: usize,
        mech: String,
    },
    #[error(
        "the GSS-API token at byte offset {offset} is IAKERB ({OID_IAKERB}): IAKERB not supported"
    )]
    Iakerb { offset: usize },
    #[error("the SPNEGO token at byte offset {offset} nests another SPNEGO token in its mechToken")]
    NestedSpnego { offset: usize },
    #[error(
        "the SPNEGO NegTokenInit has no mechToken (mechTypes: {}): the client sent only its mechanism list, no ticket",
        .mech_types.join(", ")
    )]
    NoMechToken { mech_types: Vec<String> },
    #[error(
        "the SPNEGO NegTokenResp has no responseToken{}: it is a server reply or a MIC-only leg, with no ticket in it",
        .neg_state.map(neg_state_suffix).unwrap_or_default()
    )]
    NoResponseToken { neg_state: Option<u32> },
    #[error(
        "this is a Kerberos AP-REP ({found}), the server's reply, not the client's AP-REQ: copy the client's `Authorization: Negotiate` header, not `WWW-Authenticate`"
    )]
    ApRep { found: &'static str },
    #[error(
        "this is a Kerberos KRB-ERROR ({found}){}: the service rejected the client's ticket; copy the client's `Authorization: Negotiate` header instead",
        .error_code.map(krb_error_suffix).unwrap_or_default()
    )]
    KrbError {
        found: &'static str,
        error_code: Option<i32>,
    },
    #[error(
        "the GSS krb5 token at byte offset {offset} has token id {:02x} {:02x}, not 01 00 (AP-REQ)",
        .token_id[0], .token_id[1]
    )]
    UnknownTokenId { offset: usize, token_id: [u8; 2] },
    #[error(
        "the NTLMSSP message at token byte offset {offset} is truncated: {len} bytes, the message type needs 12"
    )]
    NtlmsspTruncated { offset: usize, len: usize },
}

fn neg_state_suffix(state: u32) -> String {
    let name = match state {
        0 => "accept-completed",
        1 => "accept-incomplete",
        2 => "reject",
        3 => "request-mic",
        _ => "unknown",
    };
    format!(" (negState {state} {name})")
}

fn krb_error_suffix(code: i32) -> String {
    match krb_error_name(code) {
        Some(name) => format!(" with error code {code} {name}"),
        None => format!(" with error code {code}"),
    }
}

/// RFC 4120 section 7.5.9 names of the error codes a service returns.
pub fn krb_error_name(code: i32) -> Option<&'static str> {
    Some(match code {
        7 => "KDC_ERR_S_PRINCIPAL_UNKNOWN",
        14 => "KDC_ERR_ETYPE_NOSUPP",
        31 => "KRB_AP_ERR_BAD_INTEGRITY",
        32 => "KRB_AP_ERR_TKT_EXPIRED",
        33 => "KRB_AP_ERR_TKT_NYV",
        34 => "KRB_AP_ERR_REPEAT",
        35 => "KRB_AP_ERR_NOT_US",
        36 => "KRB_AP_ERR_BADMATCH",
        37 => "KRB_AP_ERR_SKEW",
        38 => "KRB_AP_ERR_BADADDR",
        39 => "KRB_AP_ERR_BADVERSION",
        40 => "KRB_AP_ERR_MSG_TYPE",
        41 => "KRB_AP_ERR_MODIFIED",
        42 => "KRB_AP_ERR_BADORDER",
        44 => "KRB_AP_ERR_BADKEYVER",
        45 => "KRB_AP_ERR_NOKEY",
        46 => "KRB_AP_ERR_MUT_FAIL",
        47 => "KRB_AP_ERR_BADDIRECTION",
        48 => "KRB_AP_ERR_METHOD",
        49 => "KRB_AP_ERR_BADSEQ",
        50 => "KRB_AP_ERR_INAPP_CKSUM",
        52 => "KRB_ERR_RESPONSE_TOO_BIG",
        60 => "KRB_ERR_GENERIC",
        68 => "KDC_ERR_WRONG_REALM",
        _ => return None,
    })
}

/// The token text decoded, with where it came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NegotiateText {
    /// Canonical header name when the text was a header line ("Authorization",
    /// "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate").
    pub header: Option<&'static str>,
    /// Canonical scheme when one was given ("Negotiate", "Kerberos" or "NTLM").
    pub scheme: Option<&'static str>,
    pub token: Vec<u8>,
}

impl NegotiateText {
    /// "HTTP Authorization: Negotiate header", "Negotiate token" or "base64".
    pub fn describe(&self) -> String {
        match (self.header, self.scheme) {
            (Some(h), Some(s)) => format!("HTTP {h}: {s} header"),
            (None, Some(s)) => format!("{s} token"),
            (Some(h), None) => format!("HTTP {h} header"),
            (None, None) => "base64".to_owned(),
        }
    }
}

const HEADERS: [&str; 4] = [
    "Authorization",
    "Proxy-Authorization",
    "WWW-Authenticate",
    "Proxy-Authenticate",
];
/// Schemes whose token is a GSS/SPNEGO/NTLMSSP blob [`unwrap_token`] understands.
const TOKEN_SCHEMES: [&str; 3] = ["Negotiate", "Kerberos", "NTLM"];
/// Other HTTP authentication schemes, recognised so they get a precise error.
const OTHER_SCHEMES: [&str; 10] = [
    "Basic",
    "Bearer",
    "Digest",
    "HOBA",
    "Mutual",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "vapid",
    "DPoP",
    "AWS4-HMAC-SHA256",
];

/// The token bytes from HTTP text: a whole `Authorization: Negotiate <b64>` line,
/// `Negotiate <b64>`, or bare base64 (whitespace and line breaks tolerated).
pub fn decode_negotiate_text(text: &str) -> Result<Vec<u8>, SpnegoError> {
    decode_negotiate_text_detailed(text).map(|t| t.token)
}

/// [`decode_negotiate_text`], also saying which header and scheme the text had.
///
/// Accepted, case-insensitively and with any whitespace, `\r` or line breaks around
/// and inside the base64 (as copied out of logs): `Authorization:`,
/// `Proxy-Authorization:`, `WWW-Authenticate:` or `Proxy-Authenticate:` header lines
/// (also as curl -v prints them, after `> ` or `< `), then the scheme `Negotiate`
/// (or `Kerberos`/`NTLM`, whose tokens [`unwrap_token`] also reads), then the token
/// in the standard or URL-safe base64 alphabet, padding optional. Surrounding quotes
/// or backticks are ignored. Positions in errors are 0-based character offsets
/// into `text`.
pub fn decode_negotiate_text_detailed(text: &str) -> Result<NegotiateText, SpnegoError> {
    let mut rest = trim_decorations(text);
    if rest.is_empty() {
        return Err(SpnegoError::EmptyText);
    }
    let mut header = None;
    if let Some(colon) = rest.find(':') {
        let name = rest[..colon].trim();
        header = Some(
            HEADERS
                .iter()
                .copied()
                .find(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| SpnegoError::NotAuthHeader {
                    name: truncate_for_display(name),
                })?,
        );
        rest = &rest[colon + 1..];
    }
    // The scheme: first word, when it is a known scheme name (bare base64 that
    // happens to start with such a word on its own line is not a realistic token).
    let lead = rest.len() - rest.trim_start().len();
    let word_len = rest[lead..]
        .find(|c: char| c.is_whitespace())
        .unwrap_or(rest.len() - lead);
    let word = &rest[lead..lead + word_len];
    let mut scheme = None;
    if let Some(s) = TOKEN_SCHEMES
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(word))
    {
        scheme = Some(s);
        rest = &rest[lead + word_len..];
    } else if header.is_some() || OTHER_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(word)) {
        let shown = match header {
            Some(h) if word.is_empty() => {
                return Err(SpnegoError::MissingToken {
                    found: format!("{h}:"),
                });
            }
            Some(h) => format!("{h}: {}", truncate_for_display(word)),
            None => truncate_for_display(word),
        };
        return Err(SpnegoError::NotNegotiate { found: shown });
    }
    // WWW-Authenticate may list more challenges after a comma; keep the first.
    if header.is_some_and(|h| h.ends_with("Authenticate")) {
        if let Some(comma) = rest.find(',') {
            rest = &rest[..comma];
        }
    }
    if rest.trim().is_empty() {
        let found = match (header, scheme) {
            (Some(h), Some(s)) => format!("{h}: {s}"),
            (None, Some(s)) => s.to_owned(),
            _ => return Err(SpnegoError::EmptyText),
        };
        return Err(SpnegoError::MissingToken { found });
    }
    let token = decode_base64_text(rest, offset_in(text, rest), text)?;
    if token.is_empty() {
        return Err(SpnegoError::EmptyToken);
    }
    Ok(NegotiateText {
        header,
        scheme,
        token,
    })
}

/// Strip whitespace, a BOM, surrounding quotes/backticks and a curl -v `> ` / `< `
/// prefix (a few rounds, so `"> Authorization: ..."` works too).
fn trim_decorations(text: &str) -> &str {
    let mut s = text;
    for _ in 0..4 {
        let before = s.len();
        s = s
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .trim_end();
        for q in ['"', '\'', '`'] {
            if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
                s = &s[1..s.len() - 1];
                break;
            }
        }
        for prefix in ["> ", "< "] {
            if let Some(t) = s.strip_prefix(prefix) {
                s = t;
                break;
            }
        }
        if s.len() == before {
            break;
        }
    }
    s
}

/// Byte offset of `part` (a subslice of `whole`) within `whole`.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

fn truncate_for_display(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

/// Base64 (standard or URL-safe, padding optional, whitespace ignored). `offset` is
/// where `b64` starts in `whole`, for character positions in errors.
fn decode_base64_text(b64: &str, offset: usize, whole: &str) -> Result<Vec<u8>, SpnegoError> {
    let position = |byte_index: usize| whole[..offset + byte_index].chars().count();
    let mut clean = String::with_capacity(b64.len());
    let mut padding_at: Option<usize> = None;
    for (i, c) in b64.char_indices() {
        match c {
            c if c.is_whitespace() => {}
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' | '-' | '_' => {
                if let Some(p) = padding_at {
                    return Err(SpnegoError::MisplacedPadding {
                        position: position(p),
                    });
                }
                clean.push(match c {
                    '-' => '+',
                    '_' => '/',
                    c => c,
                });
            }
            '=' => {
                padding_at.get_or_insert(i);
            }
            ch => {
                return Err(SpnegoError::InvalidBase64Char {
                    ch,
                    position: position(i),
                });
            }
        }
    }
    if clean.len() % 4 == 1 {
        return Err(SpnegoError::TruncatedBase64 { chars: clean.len() });
    }
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    engine
        .decode(clean.as_bytes())
        .map_err(|e| SpnegoError::Base64 {
            detail: super::scan::base64_error_text(&e),
        })
}

/// Peel SPNEGO and GSS framing off a binary token.
///
/// Accepts a GSS InitialContextToken (`0x60`) for SPNEGO or krb5 (also Microsoft's
/// and the pre-RFC 1964 krb5 OIDs), a bare SPNEGO `[0] NegTokenInit` or
/// `[1] NegTokenResp`, a raw DER AP-REQ, or a raw NTLMSSP message. The whole input
/// must be one token (trailing bytes are an error).
pub fn unwrap_token(token: &[u8]) -> Result<Unwrapped<'_>, SpnegoError> {
    if token.is_empty() {
        return Err(SpnegoError::EmptyToken);
    }
    let mut layers = Vec::new();
    let inner = unwrap_at(token, 0, &mut layers, true)?;
    Ok(Unwrapped { layers, inner })
}

/// One token at absolute offset `base`; `spnego_allowed` is false inside a mechToken.
fn unwrap_at<'a>(
    bytes: &'a [u8],
    base: usize,
    layers: &mut Vec<Layer>,
    spnego_allowed: bool,
) -> Result<Inner<'a>, SpnegoError> {
    if bytes.starts_with(NTLMSSP_SIGNATURE) {
        return ntlmssp(bytes, base);
    }
    let Some(&first) = bytes.first() else {
        return Err(SpnegoError::EmptyToken);
    };
    match first {
        0x60 => {
            let mut r = der::Reader::new(bytes, base);
            let outer = r.expect(0x60, "GSS-API InitialContextToken")?;
            r.finish("GSS-API InitialContextToken")?;
            let mut body = outer.reader("GSS-API InitialContextToken")?;
            let oid_tlv = body.expect(der::OID, "GSS-API token mechanism OID")?;
            let mech = oid_tlv.oid("GSS-API token mechanism OID")?;
            let rest = body.rest();
            if mech == OID_SPNEGO {
                if !spnego_allowed {
                    return Err(SpnegoError::NestedSpnego {
                        offset: outer.offset,
                    });
                }
                layers.push(Layer::GssToken { mech });
                let mut r = body;
                let init = r.expect(0xa0, "SPNEGO NegTokenInit")?;
                r.finish("SPNEGO InitialContextToken")?;
                neg_token_init(&init, layers)
            } else if is_krb5_oid(&mech) {
                layers.push(Layer::GssToken { mech });
                krb5_token(rest.bytes, rest.offset)
            } else if mech == OID_IAKERB {
                Err(SpnegoError::Iakerb {
                    offset: outer.offset,
                })
            } else {
                Err(SpnegoError::UnsupportedMech {
                    context: "GSS-API InitialContextToken",
                    offset: outer.offset,
                    mech: describe_oid(&mech),
                })
            }
        }
        0xa0 | 0xa1 if spnego_allowed => {
            let mut r = der::Reader::new(bytes, base);
            let what = if first == 0xa0 {
                "SPNEGO NegTokenInit"
            } else {
                "SPNEGO NegTokenResp"
            };
            let tlv = r.expect(first, what)?;
            r.finish(what)?;
            if first == 0xa0 {
                neg_token_init(&tlv, layers)
            } else {
                neg_token_resp(&tlv, layers)
            }
        }
        0xa0 | 0xa1 => Err(SpnegoError::NestedSpnego { offset: base }),
        0x6e => ap_req(bytes, base),
        0x6f => Err(SpnegoError::ApRep {
            found: "DER [APPLICATION 15]",
        }),
        0x7e => Err(SpnegoError::KrbError {
            found: "DER [APPLICATION 30]",
            error_code: krb_error_code(bytes, base),
        }),
        found => Err(SpnegoError::NotAToken {
            offset: base,
            found,
        }),
    }
}

fn describe_oid(oid: &str) -> String {
    match oid_name(oid) {
        Some(name) => format!("{oid} ({name})"),
        None => oid.to_owned(),
    }
}

fn ntlmssp(bytes: &[u8], base: usize) -> Result<Inner<'static>, SpnegoError> {
    match bytes.get(8..12) {
        Some(&[a, b, c, d]) => Ok(Inner::Ntlmssp {
            message_type: u32::from_le_bytes([a, b, c, d]),
        }),
        _ => Err(SpnegoError::NtlmsspTruncated {
            offset: base,
            len: bytes.len(),
        }),
    }
}

/// The body of a GSS krb5 InitialContextToken after the OID: token id, then inner.
fn krb5_token(bytes: &[u8], base: usize) -> Result<Inner<'_>, SpnegoError> {
    let (token_id, inner) = match bytes {
        [a, b, inner @ ..] => ([*a, *b], inner),
        _ => {
            return Err(SpnegoError::Der {
                context: "GSS krb5 token id",
                offset: base,
                problem: DerProblem::Truncated {
                    needed: 2,
                    available: bytes.len(),
                },
            });
        }
    };
    match token_id {
        TOK_ID_AP_REQ => ap_req(inner, base + 2),
        TOK_ID_AP_REP => Err(SpnegoError::ApRep {
            found: "GSS krb5 token id 02 00",
        }),
        TOK_ID_KRB_ERROR => Err(SpnegoError::KrbError {
            found: "GSS krb5 token id 03 00",
            error_code: krb_error_code(inner, base + 2),
        }),
        token_id => Err(SpnegoError::UnknownTokenId {
            offset: base,
            token_id,
        }),
    }
}

/// Check that `bytes` is exactly one DER `[APPLICATION 14]` element; return it.
fn ap_req(bytes: &[u8], base: usize) -> Result<Inner<'_>, SpnegoError> {
    let mut r = der::Reader::new(bytes, base);
    r.expect(0x6e, "Kerberos AP-REQ")?;
    r.finish("Kerberos AP-REQ")?;
    Ok(Inner::ApReq(bytes))
}

/// The error-code of a DER KRB-ERROR, when it can be read.
fn krb_error_code(bytes: &[u8], base: usize) -> Option<i32> {
    let mut r = der::Reader::new(bytes, base);
    let app = r.expect(0x7e, "KRB-ERROR").ok()?;
    let mut seq = app.reader("KRB-ERROR").ok()?;
    let body = seq.expect(der::SEQUENCE, "KRB-ERROR").ok()?;
    let mut fields = body.reader("KRB-ERROR").ok()?;
    while let Ok(field) = fields.read("KRB-ERROR") {
        if field.tag == 0xa6 {
            let mut r = field.reader("KRB-ERROR error-code").ok()?;
            return r.expect(der::INTEGER, "KRB-ERROR error-code").ok()?.int32();
        }
    }
    None
}

/// `[0] NegTokenInit`: SEQUENCE { mechTypes [0], reqFlags [1], mechToken [2],
/// mechListMIC [3] } (also Microsoft's NegTokenInit2 with negHints [3], MIC [4]).
fn neg_token_init<'a>(
    tlv: &der::Tlv<'a>,
    layers: &mut Vec<Layer>,
) -> Result<Inner<'a>, SpnegoError> {
    const CTX: &str = "SPNEGO NegTokenInit";
    let mut outer = tlv.reader(CTX)?;
    let seq = outer.expect(der::SEQUENCE, CTX)?;
    outer.finish(CTX)?;
    let mut fields = seq.reader(CTX)?;
    let mut mech_types = Vec::new();
    if let Some(list) = fields.optional(0xa0, CTX)? {
        let mut list = list.reader("SPNEGO mechTypes")?;
        let seq = list.expect(der::SEQUENCE, "SPNEGO mechTypes")?;
        list.finish("SPNEGO mechTypes")?;
        let mut oids = seq.reader("SPNEGO mechTypes")?;
        while !oids.is_empty() {
            let oid = oids.expect(der::OID, "SPNEGO mechTypes")?;
            mech_types.push(oid.oid("SPNEGO mechTypes")?);
        }
    }
    let _req_flags = fields.optional(0xa1, CTX)?;
    let mech_token = match fields.optional(0xa2, CTX)? {
        Some(t) => {
            let mut r = t.reader("SPNEGO mechToken")?;
            let octets = r.expect(der::OCTET_STRING, "SPNEGO mechToken")?;
            r.finish("SPNEGO mechToken")?;
            Some(octets)
        }
        None => None,
    };
    // mechListMIC [3] (or negHints [3] + mechListMIC [4] in NegTokenInit2): skipped.
    let _ = fields.optional(0xa3, CTX)?;
    let _ = fields.optional(0xa4, CTX)?;
    fields.finish(CTX)?;
    let Some(t) = mech_token else {
        return Err(SpnegoError::NoMechToken {
            mech_types: mech_types.into_iter().map(Cow::into_owned).collect(),
        });
    };
    layers.push(Layer::NegTokenInit { mech_types });
    unwrap_at(t.value, t.value_offset, layers, false)
}

/// `[1] NegTokenResp`: SEQUENCE { negState [0] ENUMERATED, supportedMech [1] OID,
/// responseToken [2] OCTET STRING, mechListMIC [3] }.
fn neg_token_resp<'a>(
    tlv: &der::Tlv<'a>,
    layers: &mut Vec<Layer>,
) -> Result<Inner<'a>, SpnegoError> {
    const CTX: &str = "SPNEGO NegTokenResp";
    let mut outer = tlv.reader(CTX)?;
    let seq = outer.expect(der::SEQUENCE, CTX)?;
    outer.finish(CTX)?;
    let mut fields = seq.reader(CTX)?;
    let mut neg_state = None;
    if let Some(state) = fields.optional(0xa0, CTX)? {
        let mut r = state.reader("SPNEGO negState")?;
        let e = r.expect(der::ENUMERATED, "SPNEGO negState")?;
        neg_state = e.int32().and_then(|v| u32::try_from(v).ok());
    }
    if let Some(mech) = fields.optional(0xa1, CTX)? {
        let mut r = mech.reader("SPNEGO supportedMech")?;
        r.expect(der::OID, "SPNEGO supportedMech")?
            .oid("SPNEGO supportedMech")?;
    }
    let response = match fields.optional(0xa2, CTX)? {
        Some(t) => {
            let mut r = t.reader("SPNEGO responseToken")?;
            let octets = r.expect(der::OCTET_STRING, "SPNEGO responseToken")?;
            r.finish("SPNEGO responseToken")?;
            Some(octets)
        }
        None => None,
    };
    let _ = fields.optional(0xa3, CTX)?;
    fields.finish(CTX)?;
    layers.push(Layer::NegTokenResp);
    match response {
        Some(t) => unwrap_at(t.value, t.value_offset, layers, false),
        None => Err(SpnegoError::NoResponseToken { neg_state }),
    }
}

/// Build `NegTokenInit { mechTypes: [krb5 (or MS krb5 first when `ms_oid`)], mechToken:
/// GSS krb5 token(01 00, AP-REQ) }` as a browser sends it (for tests and fixtures).
///
/// With `ms_oid` the mechTypes are `[MS krb5, krb5]` as Windows lists them; the
/// mechToken's own GSS framing uses the standard krb5 OID either way, as Windows does.
pub fn wrap_ap_req(ap_req_der: &[u8], ms_oid: bool) -> Vec<u8> {
    let mechs: &[&str] = if ms_oid {
        &[OID_MS_KRB5, OID_KRB5]
    } else {
        &[OID_KRB5]
    };
    let gss = wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REQ, ap_req_der);
    wrap_neg_token_init(mechs, &gss)
}

/// `NegTokenInit { mechTypes: [NTLM], mechToken: msg }` in its SPNEGO framing, as a
/// browser sends it when it has no Kerberos ticket.
pub fn wrap_ntlmssp(msg: &[u8]) -> Vec<u8> {
    wrap_neg_token_init(&[OID_NTLM], msg)
}

/// A GSS-API InitialContextToken for a krb5 `mech` OID (dotted): `0x60 { OID,
/// token_id, inner }`. Panics if `mech` is not a valid dotted OID (callers pass the
/// constants).
pub fn wrap_gss_krb5(mech: &str, token_id: [u8; 2], inner: &[u8]) -> Vec<u8> {
    let mut body = der::encode(der::OID, &encode_oid(mech).expect("valid OID"));
    body.extend_from_slice(&token_id);
    body.extend_from_slice(inner);
    der::encode(0x60, &body)
}

/// The SPNEGO InitialContextToken `0x60 { SPNEGO OID, [0] NegTokenInit { mechTypes,
/// mechToken } }`. Panics on an invalid dotted OID in `mech_types`.
pub fn wrap_neg_token_init(mech_types: &[&str], mech_token: &[u8]) -> Vec<u8> {
    let mut oids = Vec::new();
    for m in mech_types {
        oids.extend(der::encode(
            der::OID,
            &encode_oid(m).expect("valid mech OID"),
        ));
    }
    let mut fields = der::encode(0xa0, &der::encode(der::SEQUENCE, &oids));
    fields.extend(der::encode(
        0xa2,
        &der::encode(der::OCTET_STRING, mech_token),
    ));
    let init = der::encode(0xa0, &der::encode(der::SEQUENCE, &fields));
    let mut body = der::encode(der::OID, &encode_oid(OID_SPNEGO).expect("valid OID"));
    body.extend(init);
    der::encode(0x60, &body)
}

/// `[1] NegTokenResp { negState, responseToken }` (a later leg, or the server's reply).
pub fn wrap_neg_token_resp(neg_state: Option<u8>, response_token: Option<&[u8]>) -> Vec<u8> {
    let mut fields = Vec::new();
    if let Some(state) = neg_state {
        fields.extend(der::encode(0xa0, &der::encode(der::ENUMERATED, &[state])));
    }
    if let Some(t) = response_token {
        fields.extend(der::encode(0xa2, &der::encode(der::OCTET_STRING, t)));
    }
    der::encode(0xa1, &der::encode(der::SEQUENCE, &fields))
}

/// The content octets of a dotted OID; `None` unless it has at least two arcs, the
/// first 0..=2 and the second below 40 under 0 and 1.
pub fn encode_oid(dotted: &str) -> Option<Vec<u8>> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| {
            if a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                a.parse().ok()
            }
        })
        .collect::<Option<_>>()?;
    let (&first, &second) = (arcs.first()?, arcs.get(1)?);
    if first > 2 || (first < 2 && second >= 40) {
        return None;
    }
    let mut out = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = [0u8; 10];
        let mut n = 0;
        loop {
            tmp[n] = (v & 0x7f) as u8;
            n += 1;
            v >>= 7;
            if v == 0 {
                break;
            }
        }
        for i in (0..n).rev() {
            out.push(tmp[i] | if i > 0 { 0x80 } else { 0 });
        }
    };
    push(first.checked_mul(40)?.checked_add(second)?);
    for &a in &arcs[2..] {
        push(a);
    }
    Some(out)
}

/// The dotted form of the OIDs [`oid_name`] knows, from their content octets.
fn known_oid(content: &[u8]) -> Option<&'static str> {
    Some(match content {
        [0x2b, 6, 1, 5, 5, 2] => OID_SPNEGO,
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 1, 2, 2] => OID_KRB5,
        [0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 1, 2, 2] => OID_MS_KRB5,
        [0x2b, 5, 1, 5, 2] => OID_KRB5_OLD,
        [0x2b, 6, 1, 5, 2, 5] => OID_IAKERB,
        [0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 2, 0x0a] => OID_NTLM,
        [0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 2, 0x1e] => OID_NEGOEX,
        _ => return None,
    })
}

/// The dotted form of OID content octets; `None` when empty, truncated, non-minimal
/// or an arc does not fit 64 bits.
pub fn decode_oid(content: &[u8]) -> Option<String> {
    if content.is_empty() {
        return None;
    }
    // Every token has four OIDs: digits are written by hand, not through fmt.
    let mut out = String::with_capacity(content.len() * 3);
    let mut value: u64 = 0;
    let mut in_arc = false;
    let mut first = true;
    for &b in content {
        if !in_arc && b == 0x80 {
            return None; // non-minimal leading 0x80
        }
        in_arc = true;
        if value > (u64::MAX >> 7) {
            return None;
        }
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if first {
                let (x, y) = match value {
                    0..40 => (0, value),
                    40..80 => (1, value - 40),
                    _ => (2, value - 80),
                };
                push_decimal(&mut out, x);
                out.push('.');
                push_decimal(&mut out, y);
                first = false;
            } else {
                out.push('.');
                push_decimal(&mut out, value);
            }
            value = 0;
            in_arc = false;
        }
    }
    if in_arc { None } else { Some(out) }
}

fn push_decimal(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    loop {
        n -= 1;
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // ASCII digits only.
    out.push_str(std::str::from_utf8(&digits[n..]).unwrap_or_default());
}

/// A strict, bounds-checked DER reader for the few shapes SPNEGO needs.
///
/// It stays apart from the crate's Kerberos reader (`krb::der`): it reads open
/// shapes (any tag, OIDs, ENUMERATED) with a nesting limit, reports offsets into the
/// whole token across nested mechTokens, and its errors are the public structured
/// [`DerProblem`] inside [`SpnegoError::Der`]. The writer and tag numbers are shared.
mod der {
    use std::borrow::Cow;

    use super::{DerProblem, SpnegoError};

    /// The writer is the crate's DER writer.
    pub(crate) use crate::krb::der::tlv as encode;
    pub(crate) use crate::krb::der::{ENUMERATED, INTEGER, OCTET_STRING, OID, SEQUENCE};

    /// Nesting limit (a browser token needs about a dozen levels counting the AP-REQ
    /// header; the SPNEGO part alone needs six).
    pub const MAX_DEPTH: u8 = 16;

    /// One element: its tag, its value, and where both sit in the original token.
    #[derive(Clone, Copy, Debug)]
    pub struct Tlv<'a> {
        pub tag: u8,
        /// Absolute offset of the tag byte.
        pub offset: usize,
        pub value: &'a [u8],
        /// Absolute offset of the first value byte.
        pub value_offset: usize,
        depth: u8,
    }

    /// The unread remainder of a reader.
    pub struct Rest<'a> {
        pub bytes: &'a [u8],
        pub offset: usize,
    }

    pub struct Reader<'a> {
        buf: &'a [u8],
        pos: usize,
        /// Absolute offset of `buf[0]` in the token.
        base: usize,
        depth: u8,
    }

    fn err(context: &'static str, offset: usize, problem: DerProblem) -> SpnegoError {
        SpnegoError::Der {
            context,
            offset,
            problem,
        }
    }

    impl<'a> Reader<'a> {
        pub fn new(buf: &'a [u8], base: usize) -> Reader<'a> {
            Reader {
                buf,
                pos: 0,
                base,
                depth: 0,
            }
        }

        pub fn is_empty(&self) -> bool {
            self.pos >= self.buf.len()
        }

        pub fn rest(&self) -> Rest<'a> {
            Rest {
                bytes: self.buf.get(self.pos..).unwrap_or_default(),
                offset: self.base + self.pos,
            }
        }

        fn peek(&self) -> Option<u8> {
            self.buf.get(self.pos).copied()
        }

        /// Read the next element.
        pub fn read(&mut self, context: &'static str) -> Result<Tlv<'a>, SpnegoError> {
            let start = self.pos;
            let at = self.base + start;
            let rest = self.buf.get(start..).unwrap_or_default();
            let truncated = |needed: usize| {
                err(
                    context,
                    at,
                    DerProblem::Truncated {
                        needed,
                        available: rest.len(),
                    },
                )
            };
            let (&tag, &len0) = match rest {
                [t, l, ..] => (t, l),
                _ => return Err(truncated(2)),
            };
            if tag & 0x1f == 0x1f {
                return Err(err(context, at, DerProblem::HighTagNumber));
            }
            let (header, len) = match len0 {
                0..=0x7f => (2usize, usize::from(len0)),
                0x80 => return Err(err(context, at, DerProblem::IndefiniteLength)),
                _ => {
                    let n = len0 & 0x7f;
                    if n > 4 {
                        return Err(err(
                            context,
                            at,
                            DerProblem::LengthTooLong { length_bytes: n },
                        ));
                    }
                    let n = usize::from(n);
                    let bytes = rest.get(2..2 + n).ok_or_else(|| truncated(2 + n))?;
                    let len = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
                    let len = usize::try_from(len).unwrap_or(usize::MAX);
                    (2 + n, len)
                }
            };
            let end = header
                .checked_add(len)
                .ok_or_else(|| truncated(usize::MAX))?;
            let value = rest.get(header..end).ok_or_else(|| truncated(end))?;
            self.pos = start + end;
            Ok(Tlv {
                tag,
                offset: at,
                value,
                value_offset: at + header,
                depth: self.depth,
            })
        }

        /// Read the next element, which must have `tag`.
        pub fn expect(&mut self, tag: u8, context: &'static str) -> Result<Tlv<'a>, SpnegoError> {
            match self.peek() {
                Some(found) if found != tag => Err(err(
                    context,
                    self.base + self.pos,
                    DerProblem::UnexpectedTag {
                        expected: tag,
                        found,
                    },
                )),
                _ => self.read(context),
            }
        }

        /// Read the next element if it has `tag`.
        pub fn optional(
            &mut self,
            tag: u8,
            context: &'static str,
        ) -> Result<Option<Tlv<'a>>, SpnegoError> {
            if self.peek() == Some(tag) {
                self.read(context).map(Some)
            } else {
                Ok(None)
            }
        }

        /// Everything must have been read.
        pub fn finish(&self, context: &'static str) -> Result<(), SpnegoError> {
            let count = self.buf.len().saturating_sub(self.pos);
            if count == 0 {
                Ok(())
            } else {
                Err(err(
                    context,
                    self.base + self.pos,
                    DerProblem::TrailingBytes { count },
                ))
            }
        }
    }

    impl<'a> Tlv<'a> {
        /// A reader over this (constructed) element's value.
        pub fn reader(&self, context: &'static str) -> Result<Reader<'a>, SpnegoError> {
            if self.depth >= MAX_DEPTH {
                return Err(err(context, self.offset, DerProblem::TooDeep));
            }
            Ok(Reader {
                buf: self.value,
                pos: 0,
                base: self.value_offset,
                depth: self.depth + 1,
            })
        }

        /// The dotted OID; the mechanisms spnkt names come without an allocation
        /// (every browser token has four OIDs).
        pub fn oid(&self, context: &'static str) -> Result<Cow<'static, str>, SpnegoError> {
            if let Some(known) = super::known_oid(self.value) {
                return Ok(Cow::Borrowed(known));
            }
            super::decode_oid(self.value).map(Cow::Owned).ok_or(err(
                context,
                self.offset,
                DerProblem::BadOid,
            ))
        }

        /// A DER INTEGER/ENUMERATED value that fits an i32.
        pub fn int32(&self) -> Option<i32> {
            if self.value.is_empty() || self.value.len() > 4 {
                return None;
            }
            let negative = self.value[0] & 0x80 != 0;
            let mut v: i64 = if negative { -1 } else { 0 };
            for &b in self.value {
                v = (v << 8) | i64::from(b);
            }
            i32::try_from(v).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_round_trip() {
        let cases: [(&str, &[u8]); 6] = [
            (OID_SPNEGO, &[0x2b, 6, 1, 5, 5, 2]),
            (OID_KRB5, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 1, 2, 2]),
            (OID_MS_KRB5, &[0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 1, 2, 2]),
            (OID_NTLM, &[0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 2, 0x0a]),
            (OID_IAKERB, &[0x2b, 6, 1, 5, 2, 5]),
            (OID_KRB5_OLD, &[0x2b, 5, 1, 5, 2]),
        ];
        for (dotted, der) in cases {
            assert_eq!(encode_oid(dotted).unwrap(), der, "{dotted}");
            assert_eq!(decode_oid(der).unwrap(), dotted);
        }
        // The table of known OIDs says what decoding says, for every named OID.
        for dotted in [
            OID_SPNEGO,
            OID_KRB5,
            OID_MS_KRB5,
            OID_KRB5_OLD,
            OID_IAKERB,
            OID_NTLM,
            OID_NEGOEX,
        ] {
            let der = encode_oid(dotted).unwrap();
            assert_eq!(known_oid(&der), Some(dotted));
            assert!(oid_name(dotted).is_some());
        }
        assert_eq!(known_oid(&encode_oid("1.2.3").unwrap()), None);
        assert_eq!(decode_oid(&[]), None);
        assert_eq!(decode_oid(&[0x2b, 0x86]), None);
        assert_eq!(decode_oid(&[0x2b, 0x80, 0x01]), None);
        assert_eq!(decode_oid(&[0xff; 12]), None);
        assert_eq!(decode_oid(&[0x88, 0x37]).unwrap(), "2.999");
        for dotted in [
            "0.0",
            "1.39.0.10.99.100.18446744073709551615",
            "2.18446744073709551535",
        ] {
            assert_eq!(decode_oid(&encode_oid(dotted).unwrap()).unwrap(), dotted);
        }
        assert_eq!(encode_oid("3.1"), None);
        assert_eq!(encode_oid("1"), None);
        assert_eq!(encode_oid("1..2"), None);
    }

    #[test]
    fn der_reader_rejects_bad_lengths() {
        let mut r = der::Reader::new(&[0x30, 0x80, 0, 0], 0);
        assert!(matches!(
            r.read("x"),
            Err(SpnegoError::Der {
                problem: DerProblem::IndefiniteLength,
                ..
            })
        ));
        let mut r = der::Reader::new(&[0x30, 0x85, 1, 2, 3, 4, 5], 0);
        assert!(matches!(
            r.read("x"),
            Err(SpnegoError::Der {
                problem: DerProblem::LengthTooLong { .. },
                ..
            })
        ));
        let mut r = der::Reader::new(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff], 7);
        assert!(matches!(
            r.read("x"),
            Err(SpnegoError::Der {
                offset: 7,
                problem: DerProblem::Truncated { .. },
                ..
            })
        ));
        let mut r = der::Reader::new(&[0x1f, 0x01, 0x00], 0);
        assert!(matches!(
            r.read("x"),
            Err(SpnegoError::Der {
                problem: DerProblem::HighTagNumber,
                ..
            })
        ));
    }

    #[test]
    fn der_depth_limited() {
        // 40 nested SEQUENCEs.
        let mut v = Vec::new();
        for _ in 0..40 {
            v = der::encode(0x30, &v);
        }
        let mut r = der::Reader::new(&v, 0);
        let mut tlv = r.read("x").unwrap();
        let mut hit = false;
        for _ in 0..40 {
            match tlv.reader("x") {
                Ok(mut inner) => match inner.read("x") {
                    Ok(t) => tlv = t,
                    Err(_) => break,
                },
                Err(SpnegoError::Der {
                    problem: DerProblem::TooDeep,
                    ..
                }) => {
                    hit = true;
                    break;
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert!(hit);
    }

    #[test]
    fn int32_decoding() {
        let enc = der::encode(der::INTEGER, &[0xff, 0xd7]);
        let mut r = der::Reader::new(&enc, 0);
        assert_eq!(r.read("x").unwrap().int32(), Some(-41));
        let enc = der::encode(der::INTEGER, &[0x29]);
        let mut r = der::Reader::new(&enc, 0);
        assert_eq!(r.read("x").unwrap().int32(), Some(41));
    }

    #[test]
    fn der_encode_long_lengths() {
        let v = vec![0u8; 300];
        let e = der::encode(0x04, &v);
        assert_eq!(&e[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let mut r = der::Reader::new(&e, 0);
        assert_eq!(r.read("x").unwrap().value.len(), 300);
    }
}

//! A Kerberos bind: SASL GSSAPI (RFC 4752) run by spnkt itself over a raw
//! [`Wire`], with its own Kerberos code (`krb::gss`) and a service ticket from the
//! engine's [`TicketSource`] — no system GSSAPI library. The few LDAP messages this
//! needs before `ldap3` takes the connection over (StartTLS, an anonymous rootDSE
//! read, the bind) are encoded here with the crate's DER writer (DER is valid BER)
//! and read with `lber` (AD writes lengths in non-minimal forms DER would reject).
//!
//! The two directories want opposite things (see the README): over TLS, Windows
//! refuses SASL signing or sealing and, hardened, demands the `tls-server-end-point`
//! channel binding; so spnkt asks for no security layer inside TLS and always sends
//! the binding. Over plain `ldap://` it asks for confidentiality (sealing), which
//! Windows and Samba both accept. Samba 4.17 refuses GSSAPI inside TLS unless
//! `ldap server require strong auth = allow_sasl_over_tls`; its answer is turned
//! into an error that says so.

use std::fmt;
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use ldap3::asn1::{PL, StructureTag, TagClass, parse_tag};

use super::wire::Wire;
use crate::krb::ap_req::GssFlags;
use crate::krb::der;
use crate::krb::gss::{self, GssError};
use crate::krb::ticket::Ticket;
use crate::krb::{Key, Principal};

/// The largest LDAP message or SASL buffer spnkt accepts (AD's MaxReceiveBuffer is
/// 10 MB).
pub(crate) const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// The receive buffer size announced in the SASL negotiation (OpenLDAP's default).
const OUR_MAX_BUFFER: u32 = 0x9F_FFB8;

/// SASL GSSAPI security layers (RFC 4752 section 3.3).
const LAYER_NONE: u8 = 1;
const LAYER_INTEGRITY: u8 = 2;
const LAYER_CONFIDENTIALITY: u8 = 4;

/// A service ticket to present to the domain controller.
pub struct ServiceTicket {
    /// Who the ticket was issued to.
    pub client: Principal,
    /// The ticket.
    pub ticket: Ticket,
    /// Its session key.
    pub session_key: Key,
}

impl fmt::Debug for ServiceTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceTicket")
            .field("client", &self.client.to_string())
            .field("server", &self.ticket.sname.to_string())
            .finish_non_exhaustive()
    }
}

/// Where Kerberos binds get their tickets: the engine's login (a credential cache
/// or a keytab) and its KDC client, so that this directory layer needs neither.
pub trait TicketSource: Send + Sync + fmt::Debug {
    /// The principal binds are made as (for messages).
    fn client(&self) -> String;
    /// A ticket for `service`, asked of the KDC on `dc_host` (the domain controller
    /// the connection goes to: one DC for everything).
    fn service_ticket(&self, service: &Principal, dc_host: &str) -> Result<ServiceTicket, String>;
}

/// Why a Kerberos bind failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KerberosBindFailure {
    /// No service ticket for the domain controller's LDAP service.
    Ticket {
        /// The service principal asked for.
        service: String,
        /// What the KDC or the credentials said.
        cause: String,
    },
    /// The GSS-API exchange failed (the server refused the ticket, mutual
    /// authentication failed, a token did not verify).
    Gss(String),
    /// The server refused the bind.
    Refused {
        /// LDAP result code.
        code: u32,
        /// The server's diagnostic message.
        diagnostic: String,
    },
    /// Samba refuses SASL binds inside TLS unless configured to allow them.
    SaslOverTlsRefused {
        /// The server's diagnostic message.
        diagnostic: String,
    },
    /// The server offered no security layer spnkt can use on this transport.
    NoLayer {
        /// The layers offered (bit mask).
        offered: u8,
    },
    /// The connection broke or the server sent something unreadable.
    Protocol(String),
}

impl fmt::Display for KerberosBindFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KerberosBindFailure::Ticket { service, cause } => {
                write!(f, "no service ticket for {service}: {cause}")
            }
            KerberosBindFailure::Gss(c) => f.write_str(c),
            KerberosBindFailure::Refused { code, diagnostic } => write!(
                f,
                "the server refused the bind: {code} {} ({})",
                super::ldap::result_name(*code),
                diagnostic.trim()
            ),
            KerberosBindFailure::SaslOverTlsRefused { diagnostic } => write!(
                f,
                "the domain controller refuses Kerberos binds inside TLS ({})",
                diagnostic.trim()
            ),
            KerberosBindFailure::NoLayer { offered } => write!(
                f,
                "the server offers no usable SASL security layer (mask {offered:#04x})"
            ),
            KerberosBindFailure::Protocol(c) => f.write_str(c),
        }
    }
}

impl From<GssError> for KerberosBindFailure {
    fn from(e: GssError) -> KerberosBindFailure {
        KerberosBindFailure::Gss(e.to_string())
    }
}

impl From<io::Error> for KerberosBindFailure {
    fn from(e: io::Error) -> KerberosBindFailure {
        KerberosBindFailure::Protocol(format!("connection: {e}"))
    }
}

// ---------------------------------------------------------------- LDAP messages

fn octets(v: &[u8]) -> Vec<u8> {
    der::tlv(der::OCTET_STRING, v)
}

fn message(id: i64, op: &[u8]) -> Vec<u8> {
    let mut body = der::enc_integer(id);
    body.extend_from_slice(op);
    der::tlv(der::SEQUENCE, &body)
}

/// BindRequest { version 3, name "", sasl [3] { mechanism, credentials } }.
fn sasl_bind_request(id: i64, mechanism: &str, credentials: &[u8]) -> Vec<u8> {
    let mut sasl = octets(mechanism.as_bytes());
    sasl.extend_from_slice(&octets(credentials));
    let mut bind = der::enc_integer(3);
    bind.extend_from_slice(&octets(b""));
    bind.extend_from_slice(&der::tlv(0xa3, &sasl));
    message(id, &der::tlv(0x60, &bind))
}

/// ExtendedRequest { requestName [0] StartTLS OID }.
fn start_tls_request(id: i64) -> Vec<u8> {
    message(
        id,
        &der::tlv(0x77, &der::tlv(0x80, b"1.3.6.1.4.1.1466.20037")),
    )
}

/// SearchRequest for the rootDSE's `attrs`.
fn root_dse_request(id: i64, attrs: &[&str]) -> Vec<u8> {
    let mut s = octets(b"");
    s.extend_from_slice(&der::tlv(der::ENUMERATED, &[0])); // baseObject
    s.extend_from_slice(&der::tlv(der::ENUMERATED, &[0])); // neverDerefAliases
    s.extend_from_slice(&der::enc_integer(0)); // sizeLimit
    s.extend_from_slice(&der::enc_integer(0)); // timeLimit
    s.extend_from_slice(&der::tlv(0x01, &[0])); // typesOnly FALSE
    s.extend_from_slice(&der::tlv(0x87, b"objectClass")); // (objectClass=*)
    let list: Vec<Vec<u8>> = attrs.iter().map(|a| octets(a.as_bytes())).collect();
    s.extend_from_slice(&der::seq(&list));
    message(id, &der::tlv(0x63, &s))
}

/// One BER element (an LDAPMessage) from the wire.
fn read_message(wire: &Wire) -> io::Result<Vec<u8>> {
    read_frame(|buf| wire.read_exact(buf))
}

/// One BER element (an LDAPMessage) read with `read_exact`: the 2-byte head, the
/// length octets it announces (at most 4) and the contents (at most [`MAX_MESSAGE`]).
fn read_frame(mut read_exact: impl FnMut(&mut [u8]) -> io::Result<()>) -> io::Result<Vec<u8>> {
    let mut head = [0u8; 2];
    read_exact(&mut head)?;
    let mut out = head.to_vec();
    let len = if head[1] & 0x80 == 0 {
        usize::from(head[1])
    } else {
        let n = usize::from(head[1] & 0x7f);
        if n == 0 || n > 4 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "an LDAP message with an unsupported length form",
            ));
        }
        let mut l = vec![0u8; n];
        read_exact(&mut l)?;
        out.extend_from_slice(&l);
        l.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    if len > MAX_MESSAGE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("an LDAP message of {len} bytes (more than {MAX_MESSAGE})"),
        ));
    }
    // In steps, so that a length announced but never sent costs no big buffer.
    let mut remaining = len;
    while remaining > 0 {
        let step = remaining.min(64 * 1024);
        let start = out.len();
        out.resize(start + step, 0);
        read_exact(&mut out[start..])?;
        remaining -= step;
    }
    Ok(out)
}

fn bad(what: &str) -> KerberosBindFailure {
    KerberosBindFailure::Protocol(format!("unexpected LDAP answer: {what}"))
}

fn children(t: StructureTag) -> Option<Vec<StructureTag>> {
    t.expect_constructed()
}

fn uint(t: &StructureTag) -> Option<u64> {
    match &t.payload {
        PL::P(v) if v.len() <= 8 => Some(v.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b))),
        _ => None,
    }
}

fn text(t: &StructureTag) -> String {
    match &t.payload {
        PL::P(v) => String::from_utf8_lossy(v).into_owned(),
        PL::C(_) => String::new(),
    }
}

/// Read the next LDAPMessage and return its protocolOp (application `op`) for
/// message `id`.
fn expect_op(wire: &Wire, id: i64, op: u64) -> Result<Vec<StructureTag>, KerberosBindFailure> {
    decode_op(&read_message(wire)?, id, op)
}

/// The protocolOp (application `op`) of LDAPMessage `bytes` for message `id`.
fn decode_op(bytes: &[u8], id: i64, op: u64) -> Result<Vec<StructureTag>, KerberosBindFailure> {
    let (_, msg) = parse_tag(bytes).map_err(|_| bad("not BER"))?;
    let mut parts = children(msg)
        .ok_or_else(|| bad("not a SEQUENCE"))?
        .into_iter();
    let got_id = parts
        .next()
        .as_ref()
        .and_then(uint)
        .ok_or_else(|| bad("no id"))?;
    let body = parts.next().ok_or_else(|| bad("no protocolOp"))?;
    if got_id == 0 {
        // A notice of disconnection (RFC 4511 section 4.4.1).
        let diag = children(body)
            .and_then(|c| c.get(2).map(text))
            .unwrap_or_default();
        return Err(KerberosBindFailure::Protocol(format!(
            "the server closed the connection: {diag}"
        )));
    }
    if i64::try_from(got_id).ok() != Some(id)
        || body.class != TagClass::Application
        || body.id != op
    {
        return Err(bad(&format!(
            "message {got_id} [APPLICATION {}] instead of {id} [APPLICATION {op}]",
            body.id
        )));
    }
    children(body).ok_or_else(|| bad("a primitive protocolOp"))
}

/// An LDAPResult: code, diagnostic, and a BindResponse's serverSaslCreds.
struct Outcome {
    code: u32,
    diagnostic: String,
    sasl_creds: Option<Vec<u8>>,
}

fn outcome(parts: Vec<StructureTag>) -> Result<Outcome, KerberosBindFailure> {
    let code = parts
        .first()
        .and_then(uint)
        .and_then(|c| u32::try_from(c).ok())
        .ok_or_else(|| bad("no result code"))?;
    // Windows ends the message with a NUL byte.
    let diagnostic = parts
        .get(2)
        .map(|t| super::diagnostic::clean(&text(t)))
        .unwrap_or_default();
    let sasl_creds = parts
        .iter()
        .skip(3)
        .find(|t| t.class == TagClass::Context && t.id == 7)
        .and_then(|t| match &t.payload {
            PL::P(v) => Some(v.clone()),
            PL::C(_) => None,
        });
    Ok(Outcome {
        code,
        diagnostic,
        sasl_creds,
    })
}

/// Send StartTLS and read its answer (the TLS handshake is the caller's).
pub(crate) fn start_tls(wire: &Wire) -> Result<(), KerberosBindFailure> {
    wire.write_all(&start_tls_request(1))?;
    let r = outcome(expect_op(wire, 1, 24)?)?;
    if r.code != 0 {
        return Err(KerberosBindFailure::Refused {
            code: r.code,
            diagnostic: format!("StartTLS: {}", r.diagnostic),
        });
    }
    Ok(())
}

/// What the rootDSE says before the bind: where the service ticket is for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Announced {
    pub dns_host_name: Option<String>,
    pub default_naming_context: Option<String>,
}

/// Read the rootDSE anonymously (AD allows that) over the raw wire.
pub(crate) fn read_root_dse(wire: &Wire, id: i64) -> Result<Announced, KerberosBindFailure> {
    wire.write_all(&root_dse_request(
        id,
        &["dnsHostName", "defaultNamingContext"],
    ))?;
    let mut found = Announced::default();
    while !root_dse_message(&read_message(wire)?, &mut found)? {}
    Ok(found)
}

/// One message of the rootDSE search's answer into `found`; true at its end (the
/// SearchResultDone).
fn root_dse_message(bytes: &[u8], found: &mut Announced) -> Result<bool, KerberosBindFailure> {
    let (_, msg) = parse_tag(bytes).map_err(|_| bad("not BER"))?;
    let mut parts = children(msg)
        .ok_or_else(|| bad("not a SEQUENCE"))?
        .into_iter();
    let _id = parts.next();
    let body = parts.next().ok_or_else(|| bad("no protocolOp"))?;
    match (body.class, body.id) {
        (TagClass::Application, 4) => {
            let entry = children(body).ok_or_else(|| bad("entry"))?;
            let attrs = entry
                .into_iter()
                .nth(1)
                .and_then(children)
                .unwrap_or_default();
            for a in attrs {
                let mut kv = children(a).unwrap_or_default().into_iter();
                let name = kv.next().map(|t| text(&t)).unwrap_or_default();
                let value = kv
                    .next()
                    .and_then(children)
                    .and_then(|v| v.first().map(text));
                if name.eq_ignore_ascii_case("dnsHostName") {
                    found.dns_host_name = value;
                } else if name.eq_ignore_ascii_case("defaultNamingContext") {
                    found.default_naming_context = value;
                }
            }
            Ok(false)
        }
        (TagClass::Application, 5) => {
            let r = outcome(children(body).ok_or_else(|| bad("result"))?)?;
            if r.code != 0 {
                return Err(KerberosBindFailure::Refused {
                    code: r.code,
                    diagnostic: format!("reading the rootDSE: {}", r.diagnostic),
                });
            }
            Ok(true)
        }
        // References and intermediate responses are skipped.
        _ => Ok(false),
    }
}

/// The security layer a bind set up (none inside TLS).
pub(crate) struct Layer {
    pub sender: gss::Sender,
    pub receiver: gss::Receiver,
    /// Encrypt (confidentiality), else only integrity.
    pub seal: bool,
    /// The largest SASL buffer the server takes.
    pub send_max: usize,
}

fn random(n: usize) -> Result<Vec<u8>, KerberosBindFailure> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b)
        .map_err(|e| KerberosBindFailure::Protocol(format!("no randomness: {e}")))?;
    Ok(b)
}

/// Bind with SASL GSSAPI over `wire` with `grant`; message ids from `first_id`.
/// Returns the security layer to install (None inside TLS).
pub(crate) fn gssapi_bind(
    wire: &Wire,
    grant: &ServiceTicket,
    first_id: i64,
) -> Result<Option<Layer>, KerberosBindFailure> {
    let tls = wire.is_tls();
    let binding = wire.channel_binding();
    let enctype = grant.session_key.enctype();
    let key_len = grant.session_key.len();
    let subkey = Key::new(enctype, random(key_len)?);
    let seq = random(4)?;
    let seq_number = u32::from_be_bytes([seq[0], seq[1], seq[2], seq[3]]) & 0x3fff_ffff;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| KerberosBindFailure::Protocol("the clock is before 1970".into()))?;
    let confounder = random(crate::krb::crypto::confounder_len(enctype).unwrap_or(16))?;
    let (token, pending) = gss::initial_token(gss::InitiatorInput {
        ticket: &grant.ticket,
        session_key: &grant.session_key,
        client: &grant.client,
        subkey,
        seq_number,
        ctime: i64::try_from(now.as_secs()).unwrap_or(i64::MAX),
        cusec: now.subsec_micros(),
        flags: GssFlags(
            GssFlags::MUTUAL
                | GssFlags::REPLAY
                | GssFlags::SEQUENCE
                | GssFlags::CONF
                | GssFlags::INTEG,
        ),
        channel_bindings: gss::channel_bindings_hash(binding.as_deref()),
        confounder: &confounder,
    })?;

    // Leg 1: the AP-REQ; the server answers with its AP-REP.
    let mut id = first_id;
    wire.write_all(&sasl_bind_request(id, "GSSAPI", &token))?;
    let r = bind_answer(wire, id, tls)?;
    let context = pending.finish(r.sasl_creds.as_deref().unwrap_or_default())?;
    let (mut sender, mut receiver) = context.split();

    // Leg 2: an empty response; the server answers with its wrapped offer.
    id += 1;
    wire.write_all(&sasl_bind_request(id, "GSSAPI", b""))?;
    let r = bind_answer(wire, id, tls)?;
    let offer = receiver.unwrap(r.sasl_creds.as_deref().unwrap_or_default())?;
    let (layer, send_max) = choose_layer(&offer.data, tls)?;

    // Leg 3: our choice, integrity-protected (RFC 4752 section 3.1).
    let max = if layer == LAYER_NONE {
        0
    } else {
        OUR_MAX_BUFFER
    };
    let mut choice = vec![layer];
    choice.extend_from_slice(&max.to_be_bytes()[1..]);
    let wrapped = sender.wrap(&choice, false, &[])?;
    id += 1;
    wire.write_all(&sasl_bind_request(id, "GSSAPI", &wrapped))?;
    let r = bind_answer(wire, id, tls)?;
    if r.code != 0 {
        return Err(KerberosBindFailure::Protocol(format!(
            "the bind did not complete (result {}: {})",
            r.code, r.diagnostic
        )));
    }
    if layer == LAYER_NONE {
        return Ok(None);
    }
    Ok(Some(Layer {
        sender,
        receiver,
        seal: layer == LAYER_CONFIDENTIALITY,
        send_max: if send_max == 0 { MAX_MESSAGE } else { send_max },
    }))
}

/// The layer spnkt picks from the server's (unwrapped) security layer offer, and
/// the largest buffer the server takes.
fn choose_layer(offer: &[u8], tls: bool) -> Result<(u8, usize), KerberosBindFailure> {
    let [offered, m1, m2, m3] = offer[..] else {
        return Err(KerberosBindFailure::Protocol(format!(
            "the server's security layer offer has {} bytes instead of 4",
            offer.len()
        )));
    };
    let send_max = usize::from(m1) << 16 | usize::from(m2) << 8 | usize::from(m3);
    let layer = if tls {
        // Windows refuses signing or sealing inside TLS (and TLS protects anyway).
        LAYER_NONE
    } else if offered & LAYER_CONFIDENTIALITY != 0 {
        LAYER_CONFIDENTIALITY
    } else if offered & LAYER_INTEGRITY != 0 {
        LAYER_INTEGRITY
    } else {
        0
    };
    if layer == 0 || offered & layer == 0 {
        return Err(KerberosBindFailure::NoLayer { offered });
    }
    Ok((layer, send_max))
}

/// A BindResponse: in progress (14) or success (0); anything else is the
/// failure it names.
fn bind_answer(wire: &Wire, id: i64, tls: bool) -> Result<Outcome, KerberosBindFailure> {
    bind_result(outcome(expect_op(wire, id, 1)?)?, tls)
}

fn bind_result(r: Outcome, tls: bool) -> Result<Outcome, KerberosBindFailure> {
    match r.code {
        0 | 14 => Ok(r),
        code => {
            // Samba: "SASL:[GSSAPI]: Sign or Seal are required." inside TLS with
            // the default "ldap server require strong auth = yes".
            if tls && code == 8 {
                return Err(KerberosBindFailure::SaslOverTlsRefused {
                    diagnostic: r.diagnostic,
                });
            }
            // A KRB-ERROR token in the answer says why the ticket was refused.
            if let Some(token) = r.sasl_creds.as_deref().filter(|t| !t.is_empty()) {
                if let Err(e) = gss::peek_error(token) {
                    return Err(KerberosBindFailure::Gss(format!(
                        "{e} ({} {})",
                        code,
                        r.diagnostic.trim()
                    )));
                }
            }
            Err(KerberosBindFailure::Refused {
                code,
                diagnostic: r.diagnostic,
            })
        }
    }
}

/// The decoders above over bytes instead of a [`Wire`], for the fuzz target
/// `ldap_response` (`fuzz/targets/ldap_response.rs`) and `tests/fuzz_corpora.rs`;
/// not an API.
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// The next LDAPMessage of `stream` as spnkt frames it off the wire; what
    /// follows it stays in `stream`.
    pub fn next_message(stream: &mut &[u8]) -> io::Result<Vec<u8>> {
        read_frame(|buf| {
            let Some((head, rest)) = stream.split_at_checked(buf.len()) else {
                return Err(io::ErrorKind::UnexpectedEof.into());
            };
            buf.copy_from_slice(head);
            *stream = rest;
            Ok(())
        })
    }

    /// What one LDAPMessage means as each answer spnkt expects.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Answers {
        /// As the StartTLS ExtendedResponse: its result code.
        pub start_tls: Result<u32, KerberosBindFailure>,
        /// As a message of the rootDSE search: whether it ends the search, and
        /// the dnsHostName and defaultNamingContext found.
        pub root_dse: (
            Result<bool, KerberosBindFailure>,
            Option<String>,
            Option<String>,
        ),
        /// As a BindResponse outside and inside TLS: code, diagnostic, SASL creds.
        pub bind: [BindAnswer; 2],
    }

    /// A BindResponse's code, diagnostic and serverSaslCreds, or why it fails.
    pub type BindAnswer = Result<(u32, String, Option<Vec<u8>>), KerberosBindFailure>;

    /// One LDAPMessage read as every answer spnkt expects from a domain controller
    /// before `ldap3` takes over, for message `id`.
    pub fn read_as_each_answer(message: &[u8], id: i64) -> Answers {
        let start_tls = decode_op(message, id, 24).and_then(outcome).map(|r| r.code);
        let mut found = Announced::default();
        let done = root_dse_message(message, &mut found);
        let bind = [false, true].map(|tls| {
            decode_op(message, id, 1)
                .and_then(outcome)
                .and_then(|r| bind_result(r, tls))
                .map(|r| (r.code, r.diagnostic, r.sasl_creds))
        });
        Answers {
            start_tls,
            root_dse: (done, found.dns_host_name, found.default_naming_context),
            bind,
        }
    }

    /// The security layer spnkt picks from an (unwrapped) offer, and the server's
    /// largest buffer.
    pub fn choose_layer(offer: &[u8], tls: bool) -> Result<(u8, usize), KerberosBindFailure> {
        super::choose_layer(offer, tls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_request_is_rfc_4511_ber() {
        // LDAPMessage { 2, BindRequest { 3, "", sasl [3] { "GSSAPI", "" } } }
        let m = sasl_bind_request(2, "GSSAPI", b"");
        assert_eq!(
            hex(&m),
            "3016020102601102010304 00a30a0406475353415049 0400".replace(' ', "")
        );
    }

    #[test]
    fn start_tls_is_the_extended_request() {
        assert_eq!(
            hex(&start_tls_request(1)),
            "301d02010177188016312e332e362e312e342e312e313436362e3230303337"
        );
    }

    #[test]
    fn answers_decode_from_bytes() {
        let result =
            |code: u8, diag: &[u8]| [der::tlv(0x0a, &[code]), octets(b""), octets(diag)].concat();
        // A BindResponse in progress with serverSaslCreds, in a long length form
        // (0x84, as AD writes it), followed by the next message.
        let bind = der::tlv(0x61, &[result(14, b""), der::tlv(0x87, b"tok")].concat());
        let body = [der::tlv(0x02, &[1]), bind].concat();
        let mut stream = vec![0x30, 0x84, 0, 0, 0, body.len() as u8];
        stream.extend_from_slice(&body);
        let entry = der::tlv(
            0x64,
            &[
                octets(b""),
                der::seq(&[der::seq(&[
                    octets(b"dnsHostName"),
                    der::tlv(0x31, &octets(b"dc1.example.test")),
                ])]),
            ]
            .concat(),
        );
        stream.extend(message(2, &entry));
        stream.extend(message(2, &der::tlv(0x65, &result(0, b""))));

        let mut rest = &stream[..];
        let first = fuzzing::next_message(&mut rest).unwrap();
        assert_eq!(first.len(), 6 + body.len());
        let a = fuzzing::read_as_each_answer(&first, 1);
        assert_eq!(a.bind[0], Ok((14, String::new(), Some(b"tok".to_vec()))));
        assert!(a.start_tls.is_err());
        let a = fuzzing::read_as_each_answer(&fuzzing::next_message(&mut rest).unwrap(), 2);
        assert_eq!(
            a.root_dse,
            (Ok(false), Some("dc1.example.test".into()), None)
        );
        let a = fuzzing::read_as_each_answer(&fuzzing::next_message(&mut rest).unwrap(), 2);
        assert_eq!(a.root_dse.0, Ok(true));
        assert!(rest.is_empty());
        assert!(fuzzing::next_message(&mut rest).is_err());

        // Code 8 inside TLS is Samba's "no SASL over TLS".
        let refused = message(
            1,
            &der::tlv(0x61, &result(8, b"Sign or Seal are required.")),
        );
        let a = fuzzing::read_as_each_answer(&refused, 1);
        assert!(matches!(
            a.bind[0],
            Err(KerberosBindFailure::Refused { code: 8, .. })
        ));
        assert!(matches!(
            a.bind[1],
            Err(KerberosBindFailure::SaslOverTlsRefused { .. })
        ));
    }

    #[test]
    fn security_layer_choice() {
        assert_eq!(
            choose_layer(&[6, 0, 1, 0], false),
            Ok((LAYER_CONFIDENTIALITY, 256))
        );
        assert_eq!(choose_layer(&[2, 0, 0, 0], false), Ok((LAYER_INTEGRITY, 0)));
        assert_eq!(choose_layer(&[7, 0, 0, 0], true), Ok((LAYER_NONE, 0)));
        assert_eq!(
            choose_layer(&[6, 0, 0, 0], true),
            Err(KerberosBindFailure::NoLayer { offered: 6 })
        );
        assert!(choose_layer(&[6, 0, 0], false).is_err());
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}

//! The GSS-API Kerberos V5 mechanism, initiator side (RFC 4121 on the framing of
//! RFC 2743 section 3.1): the initial context token, the acceptor's AP-REP (mutual
//! authentication), and the per-message wrap tokens of a context — what an LDAP
//! client needs for a SASL GSSAPI bind (RFC 4752) and its security layer.
//!
//! Only the "newer enctypes" of RFC 4121 (AES) are supported: their wrap tokens are
//! the CFX tokens of section 4.2.6.2. A context whose key is RC4 or DES would need
//! the older RFC 1964 / RFC 4757 tokens, and is refused ([`GssError::UnsupportedKey`]).
//!
//! Time (`ctime`/`cusec`), the subkey, the sequence number and every confounder are
//! passed in by the caller, so this module stays pure.

use md5::{Digest as _, Md5};

use super::ap_req::{
    self, AP_OPTION_MUTUAL_REQUIRED, ApReq, ApReqError, Authenticator, Checksum, GSS_CHECKSUM_TYPE,
    GssFlags,
};
use super::crypto::checksum::{self, ChecksumError};
use super::crypto::{self, CryptoError};
use super::der::{self, DerError, Reader, app};
use super::kdc_msg::{self, KdcReply, KrbError};
use super::spnego::{self, OID_KRB5, TOK_ID_AP_REP, TOK_ID_AP_REQ, TOK_ID_KRB_ERROR};
use super::ticket::{Ticket, read_encrypted_data, read_encryption_key};
use super::{Enctype, Key, Principal};

/// Key usage of the AP-REP's EncAPRepPart (RFC 4120 section 7.5.1).
pub const KEY_USAGE_AP_REP: u32 = 12;
/// RFC 4121 section 2: the acceptor's wrap tokens, sealed or only checksummed
/// (the `SIGN` usages 23 and 25 are for MIC tokens, which spnkt does not use).
pub const KG_USAGE_ACCEPTOR_SEAL: u32 = 22;
/// The initiator's wrap tokens, sealed or only checksummed.
pub const KG_USAGE_INITIATOR_SEAL: u32 = 24;

/// TOK_ID of a CFX wrap token (RFC 4121 section 4.2.6.2).
pub const TOK_ID_WRAP: [u8; 2] = [0x05, 0x04];
/// Wrap token flag: sent by the context acceptor.
pub const FLAG_SENT_BY_ACCEPTOR: u8 = 0x01;
/// Wrap token flag: the payload is encrypted (else only checksummed).
pub const FLAG_SEALED: u8 = 0x02;
/// Wrap token flag: the acceptor's subkey (from the AP-REP) protects the token.
pub const FLAG_ACCEPTOR_SUBKEY: u8 = 0x04;

/// Length of a wrap token header.
pub const WRAP_HEADER_LEN: usize = 16;

/// Why a token could not be made or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GssError {
    /// The context key is not AES (CFX tokens need one of RFC 4121's newer enctypes).
    #[error(
        "the session key is {0}: spnkt's GSS-API needs an AES key (RC4 and DES contexts use older token formats)"
    )]
    UnsupportedKey(Enctype),
    /// The acceptor's token is not a GSS krb5 token spnkt knows.
    #[error("the server's GSS-API token is not a Kerberos token: {0}")]
    NotKerberos(String),
    /// The acceptor refused the AP-REQ with a KRB-ERROR.
    #[error("the server refused the Kerberos ticket: {name}{}", text.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Rejected {
        /// The Kerberos error code.
        code: i32,
        /// Its RFC name.
        name: String,
        /// The e-text, when the server sent one.
        text: Option<String>,
    },
    /// The AP-REP did not parse.
    #[error("malformed AP-REP from the server: {0}")]
    Der(#[from] DerError),
    /// The AP-REP's encrypted part did not decrypt with the session key.
    #[error("the server's AP-REP does not decrypt with the session key: {0}")]
    Crypto(#[from] CryptoError),
    /// The AP-REP answers another authenticator (mutual authentication failed).
    #[error(
        "the server's AP-REP answers another request (time {got} instead of {sent}): mutual authentication failed"
    )]
    MutualMismatch {
        /// ctime.cusec sent.
        sent: String,
        /// ctime.cusec received.
        got: String,
    },
    /// Building the AP-REQ failed.
    #[error("cannot build the AP-REQ: {0}")]
    ApReq(#[from] ApReqError),
    /// A wrap token is malformed.
    #[error("malformed wrap token: {0}")]
    BadToken(&'static str),
    /// A wrap token's checksum or encryption did not verify.
    #[error("a wrap token from the server does not verify: {0}")]
    Integrity(String),
    /// A wrap token arrived out of order (replayed, or one was lost).
    #[error("wrap token sequence number {got}, expected {expected}: replayed or out of order")]
    Sequence {
        /// The sequence number expected.
        expected: u64,
        /// The sequence number received.
        got: u64,
    },
}

impl From<ChecksumError> for GssError {
    fn from(e: ChecksumError) -> GssError {
        GssError::Integrity(e.to_string())
    }
}

/// The MD5 of a `gss_channel_bindings_struct` with no addresses and `application_data`
/// (RFC 4121 section 4.1.1.2, as MIT and Windows compute it): what the 0x8003
/// checksum carries. `None` (no channel bindings) is sixteen zero bytes.
pub fn channel_bindings_hash(application_data: Option<&[u8]>) -> [u8; 16] {
    let Some(data) = application_data else {
        return [0; 16];
    };
    let mut h = Md5::new();
    // initiator addrtype + empty address, acceptor addrtype + empty address
    h.update([0u8; 16]);
    h.update(u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    h.update(data);
    h.finalize().into()
}

/// What the initiator's first token is made of.
#[derive(Debug)]
pub struct InitiatorInput<'a> {
    /// The service ticket for the acceptor (e.g. `ldap/dc1.example.com`).
    pub ticket: &'a Ticket,
    /// The ticket's session key.
    pub session_key: &'a Key,
    /// The client principal the ticket was issued to.
    pub client: &'a Principal,
    /// A fresh random subkey of the session key's enctype.
    pub subkey: Key,
    /// A random initial sequence number.
    pub seq_number: u32,
    /// The client's time.
    pub ctime: i64,
    /// Microseconds of `ctime`.
    pub cusec: u32,
    /// The context flags asked for (mutual authentication is always asked).
    pub flags: GssFlags,
    /// [`channel_bindings_hash`] of the channel (zeros for none).
    pub channel_bindings: [u8; 16],
    /// A fresh confounder for the authenticator's encryption.
    pub confounder: &'a [u8],
}

/// An initiator waiting for the acceptor's AP-REP.
#[derive(Debug)]
pub struct Pending {
    session_key: Key,
    subkey: Key,
    seq_number: u32,
    ctime: i64,
    cusec: u32,
}

fn require_aes(key: &Key) -> Result<(), GssError> {
    match key.enctype() {
        Enctype::AES128_CTS_HMAC_SHA1_96 | Enctype::AES256_CTS_HMAC_SHA1_96 => Ok(()),
        e => Err(GssError::UnsupportedKey(e)),
    }
}

/// The 0x8003 checksum (RFC 4121 section 4.1.1) with channel bindings and flags.
pub fn gss_checksum(channel_bindings: [u8; 16], flags: GssFlags) -> Checksum {
    let mut data = Vec::with_capacity(24);
    data.extend_from_slice(&16u32.to_le_bytes());
    data.extend_from_slice(&channel_bindings);
    data.extend_from_slice(&(flags.0 & !GssFlags::DELEG).to_le_bytes());
    Checksum {
        cksumtype: GSS_CHECKSUM_TYPE,
        data,
    }
}

/// The initial context token: `0x60 { krb5 OID, 01 00, AP-REQ }` with
/// mutual-required, and the state that checks the acceptor's answer.
pub fn initial_token(input: InitiatorInput<'_>) -> Result<(Vec<u8>, Pending), GssError> {
    require_aes(input.session_key)?;
    require_aes(&input.subkey)?;
    let authenticator = Authenticator {
        client: input.client.clone(),
        checksum: Some(gss_checksum(
            input.channel_bindings,
            GssFlags(input.flags.0 | GssFlags::MUTUAL),
        )),
        cusec: input.cusec,
        ctime: input.ctime,
        subkey: Some(input.subkey.clone()),
        seq_number: Some(input.seq_number),
    };
    let enc = ap_req::encrypt_authenticator(&authenticator, input.session_key, input.confounder)?;
    let ap_req = ApReq {
        ap_options: AP_OPTION_MUTUAL_REQUIRED,
        ticket: input.ticket.clone(),
        authenticator: enc,
    };
    let token = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REQ, &ap_req::encode_ap_req(&ap_req));
    Ok((
        token,
        Pending {
            session_key: input.session_key.clone(),
            subkey: input.subkey,
            seq_number: input.seq_number,
            ctime: input.ctime,
            cusec: input.cusec,
        },
    ))
}

/// The decrypted EncAPRepPart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApRepPart {
    /// The client time echoed back.
    pub ctime: i64,
    /// Its microseconds.
    pub cusec: u32,
    /// The acceptor's subkey, if it chose one.
    pub subkey: Option<Key>,
    /// The acceptor's initial sequence number.
    pub seq_number: Option<u32>,
}

/// Split a GSS krb5 token into its TOK_ID and inner bytes.
pub(crate) fn krb5_inner(token: &[u8]) -> Result<([u8; 2], &[u8]), GssError> {
    let mut r = Reader::new(token, "GSS-API token");
    let body = r.element(app(0), "GSS-API token")?;
    r.finish()?;
    let content = body.contents();
    // OID TLV (short form: 06 len ...)
    let (Some(&der::OID), Some(&len)) = (content.first(), content.get(1)) else {
        return Err(GssError::NotKerberos("no mechanism OID".into()));
    };
    let oid_end = 2 + usize::from(len);
    let oid = content
        .get(2..oid_end)
        .and_then(spnego::decode_oid)
        .ok_or_else(|| GssError::NotKerberos("unreadable mechanism OID".into()))?;
    if !spnego::is_krb5_oid(&oid) {
        return Err(GssError::NotKerberos(format!("mechanism {oid}")));
    }
    let rest = &content[oid_end..];
    if rest.len() < 2 {
        return Err(GssError::NotKerberos("no token id".into()));
    }
    Ok(([rest[0], rest[1]], &rest[2..]))
}

/// Decode an AP-REP ([APPLICATION 15]) and decrypt its part with `session_key`.
pub fn parse_ap_rep(der_bytes: &[u8], session_key: &Key) -> Result<ApRepPart, GssError> {
    let mut r = Reader::new(der_bytes, "AP-REP");
    let mut s = r.element(app(15), "AP-REP")?.only(Reader::sequence)?;
    let pvno = s.field(0, "pvno", Reader::integer)?;
    let msg_type = s.field(1, "msg-type", Reader::integer)?;
    if pvno != 5 || msg_type != 15 {
        return Err(GssError::NotKerberos(format!(
            "pvno {pvno}, msg-type {msg_type} is not an AP-REP"
        )));
    }
    let enc = s.field(2, "enc-part", read_encrypted_data)?;
    s.skip_extensions()?;
    r.finish()?;
    let plain = crypto::decrypt(session_key, KEY_USAGE_AP_REP, &enc.cipher)?;
    let mut r = Reader::new(&plain, "EncAPRepPart");
    let mut s = r.element(app(27), "EncAPRepPart")?.only(Reader::sequence)?;
    let ctime = s.field(0, "ctime", Reader::time_lenient)?;
    let cusec = s.field(1, "cusec", Reader::uint32)?;
    let subkey = s.optional_field(2, "subkey", read_encryption_key)?;
    let seq_number = s.optional_field(3, "seq-number", Reader::uint32)?;
    s.skip_extensions()?;
    r.finish()?;
    Ok(ApRepPart {
        ctime,
        cusec,
        subkey,
        seq_number,
    })
}

/// Encode an AP-REP (acceptor side; tests act as the acceptor with it).
pub fn encode_ap_rep(
    part: &ApRepPart,
    session_key: &Key,
    confounder: &[u8],
) -> Result<Vec<u8>, GssError> {
    let mut fields = vec![
        der::field(0, &der::enc_time_clamped(part.ctime)),
        der::field(1, &der::enc_integer(part.cusec.into())),
    ];
    if let Some(k) = &part.subkey {
        fields.push(der::field(2, &super::ticket::encode_encryption_key(k)));
    }
    if let Some(n) = part.seq_number {
        fields.push(der::field(3, &der::enc_integer(n.into())));
    }
    let plain = zeroize::Zeroizing::new(der::tlv(app(27), &der::seq(&fields)));
    let cipher = crypto::encrypt(session_key, KEY_USAGE_AP_REP, confounder, &plain)?;
    let enc = super::ticket::EncryptedData {
        etype: session_key.enctype(),
        kvno: None,
        cipher,
    };
    Ok(der::tlv(
        app(15),
        &der::seq(&[
            der::field(0, &der::enc_integer(5)),
            der::field(1, &der::enc_integer(15)),
            der::field(2, &super::ticket::encode_encrypted_data(&enc)),
        ]),
    ))
}

impl Pending {
    /// Check the acceptor's answer (its AP-REP, or the KRB-ERROR it refused the
    /// ticket with) and set up the context.
    pub fn finish(self, token: &[u8]) -> Result<Context, GssError> {
        let (tok_id, inner) = krb5_inner(token)?;
        match tok_id {
            TOK_ID_AP_REP => {}
            TOK_ID_KRB_ERROR => return Err(rejected(inner)),
            other => {
                return Err(GssError::NotKerberos(format!(
                    "token id {:02x} {:02x} where an AP-REP was expected",
                    other[0], other[1]
                )));
            }
        }
        let part = parse_ap_rep(inner, &self.session_key)?;
        if part.ctime != self.ctime || part.cusec != self.cusec {
            return Err(GssError::MutualMismatch {
                sent: format!("{}.{:06}", self.ctime, self.cusec),
                got: format!("{}.{:06}", part.ctime, part.cusec),
            });
        }
        let (key, acceptor_subkey) = match part.subkey {
            Some(k) => (k, true),
            None => (self.subkey, false),
        };
        require_aes(&key)?;
        Ok(Context {
            key,
            acceptor_subkey,
            send_seq: u64::from(self.seq_number),
            recv_seq: u64::from(part.seq_number.unwrap_or(0)),
        })
    }
}

/// `Err` with the server's refusal when `token` is a KRB-ERROR token; `Ok` for
/// anything else.
pub fn peek_error(token: &[u8]) -> Result<(), GssError> {
    match krb5_inner(token) {
        Ok((TOK_ID_KRB_ERROR, inner)) => Err(rejected(inner)),
        _ => Ok(()),
    }
}

pub(crate) fn rejected(inner: &[u8]) -> GssError {
    match kdc_msg::parse_kdc_reply(inner) {
        Ok(KdcReply::Error(KrbError {
            error_code, e_text, ..
        })) => GssError::Rejected {
            code: error_code,
            name: kdc_msg::error_name(error_code)
                .map_or_else(|| format!("Kerberos error {error_code}"), str::to_owned),
            text: e_text.filter(|t| !t.trim().is_empty()),
        },
        _ => GssError::NotKerberos("an unreadable KRB-ERROR token".into()),
    }
}

/// An established context (initiator side): the key protecting messages and both
/// directions' sequence numbers. [`Context::split`] gives the sending and receiving
/// halves to two threads.
#[derive(Debug)]
pub struct Context {
    key: Key,
    acceptor_subkey: bool,
    send_seq: u64,
    recv_seq: u64,
}

impl Context {
    /// The sending and receiving halves.
    pub fn split(self) -> (Sender, Receiver) {
        (
            Sender {
                key: self.key.clone(),
                acceptor_subkey: self.acceptor_subkey,
                seq: self.send_seq,
            },
            Receiver {
                key: self.key,
                acceptor_subkey: self.acceptor_subkey,
                seq: self.recv_seq,
            },
        )
    }
}

/// Wraps the initiator's messages.
#[derive(Debug)]
pub struct Sender {
    key: Key,
    acceptor_subkey: bool,
    seq: u64,
}

/// Unwraps the acceptor's messages.
#[derive(Debug)]
pub struct Receiver {
    key: Key,
    acceptor_subkey: bool,
    seq: u64,
}

fn wrap_header(flags: u8, ec: u16, rrc: u16, seq: u64) -> [u8; WRAP_HEADER_LEN] {
    let mut h = [0u8; WRAP_HEADER_LEN];
    h[..2].copy_from_slice(&TOK_ID_WRAP);
    h[2] = flags;
    h[3] = 0xff;
    h[4..6].copy_from_slice(&ec.to_be_bytes());
    h[6..8].copy_from_slice(&rrc.to_be_bytes());
    h[8..].copy_from_slice(&seq.to_be_bytes());
    h
}

/// A CFX wrap token (RFC 4121 section 4.2.4) of `data` with `key`, with RRC 0:
/// encrypted when `seal`, else checksummed, either way with key `usage`.
pub fn wrap_token(
    key: &Key,
    flags: u8,
    seq: u64,
    data: &[u8],
    seal: bool,
    confounder: &[u8],
    usage: u32,
) -> Result<Vec<u8>, GssError> {
    require_aes(key)?;
    if seal {
        let flags = flags | FLAG_SEALED;
        // AES-CTS needs no padding: EC 0; the header copy travels encrypted.
        let header = wrap_header(flags, 0, 0, seq);
        let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(data.len() + WRAP_HEADER_LEN));
        plain.extend_from_slice(data);
        plain.extend_from_slice(&header);
        let cipher = crypto::encrypt(key, usage, confounder, &plain)?;
        let mut token = header.to_vec();
        token.extend_from_slice(&cipher);
        Ok(token)
    } else {
        let flags = flags & !FLAG_SEALED;
        let mut signed = Vec::with_capacity(data.len() + WRAP_HEADER_LEN);
        signed.extend_from_slice(data);
        signed.extend_from_slice(&wrap_header(flags, 0, 0, seq));
        let sum = checksum::make_checksum(key, usage, &signed)?;
        let ec = u16::try_from(sum.data.len()).unwrap_or(u16::MAX);
        let mut token = wrap_header(flags, ec, 0, seq).to_vec();
        token.extend_from_slice(data);
        token.extend_from_slice(&sum.data);
        Ok(token)
    }
}

/// A verified wrap token's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped {
    /// The message.
    pub data: Vec<u8>,
    /// It was encrypted (not only checksummed).
    pub sealed: bool,
    /// Its sequence number.
    pub seq: u64,
}

/// Verify and open a CFX wrap token; `sent_by_acceptor` says which side must have
/// sent it (and so the key usage). The sequence number is returned, not checked.
pub fn unwrap_token(
    key: &Key,
    acceptor_subkey: bool,
    sent_by_acceptor: bool,
    token: &[u8],
) -> Result<Unwrapped, GssError> {
    let usage = if sent_by_acceptor {
        KG_USAGE_ACCEPTOR_SEAL
    } else {
        KG_USAGE_INITIATOR_SEAL
    };
    require_aes(key)?;
    if token.len() < WRAP_HEADER_LEN {
        return Err(GssError::BadToken("shorter than its header"));
    }
    let (header, body) = token.split_at(WRAP_HEADER_LEN);
    if header[..2] != TOK_ID_WRAP {
        return Err(GssError::BadToken("not a wrap token (TOK_ID 05 04)"));
    }
    let flags = header[2];
    if header[3] != 0xff {
        return Err(GssError::BadToken("filler byte is not ff"));
    }
    if (flags & FLAG_SENT_BY_ACCEPTOR != 0) != sent_by_acceptor {
        return Err(GssError::BadToken("sent by the wrong side of the context"));
    }
    if (flags & FLAG_ACCEPTOR_SUBKEY != 0) != acceptor_subkey {
        return Err(GssError::BadToken(
            "protected with another key than the context's",
        ));
    }
    let ec = usize::from(u16::from_be_bytes([header[4], header[5]]));
    let rrc = usize::from(u16::from_be_bytes([header[6], header[7]]));
    let seq = u64::from_be_bytes(header[8..16].try_into().expect("8 bytes"));
    let mut body = body.to_vec();
    if !body.is_empty() {
        // Undo the "extra count" rotation (RFC 4121 section 4.2.5).
        let n = rrc % body.len();
        body.rotate_left(n);
    }
    if flags & FLAG_SEALED != 0 {
        let plain = crypto::decrypt(key, usage, &body)?;
        let Some(data_len) = plain.len().checked_sub(WRAP_HEADER_LEN + ec) else {
            return Err(GssError::BadToken(
                "sealed payload shorter than its trailer",
            ));
        };
        let copy = &plain[data_len + ec..];
        // The encrypted header copy has RRC 0 and otherwise equals the header.
        if copy[..6] != header[..6] || copy[8..] != header[8..] {
            return Err(GssError::Integrity(
                "the encrypted header copy differs from the header".into(),
            ));
        }
        Ok(Unwrapped {
            data: plain[..data_len].to_vec(),
            sealed: true,
            seq,
        })
    } else {
        let Some(data_len) = body.len().checked_sub(ec) else {
            return Err(GssError::BadToken("shorter than its checksum"));
        };
        let cksumtype = checksum::checksum_type_for(key.enctype())
            .ok_or(CryptoError::UnsupportedEnctype(key.enctype()))?;
        if checksum::checksum_len(cksumtype) != Some(ec) {
            return Err(GssError::BadToken("checksum length does not fit the key"));
        }
        let (data, sum) = body.split_at(data_len);
        let mut signed = data.to_vec();
        let mut zeroed = [0u8; WRAP_HEADER_LEN];
        zeroed.copy_from_slice(header);
        zeroed[4..8].fill(0);
        signed.extend_from_slice(&zeroed);
        checksum::verify_checksum(key, usage, cksumtype, &signed, sum)?;
        Ok(Unwrapped {
            data: data.to_vec(),
            sealed: false,
            seq,
        })
    }
}

impl Sender {
    /// Wrap the next message: sealed (encrypted) or only integrity-protected.
    /// `confounder` is fresh randomness of the key's confounder length.
    pub fn wrap(
        &mut self,
        data: &[u8],
        seal: bool,
        confounder: &[u8],
    ) -> Result<Vec<u8>, GssError> {
        let flags = if self.acceptor_subkey {
            FLAG_ACCEPTOR_SUBKEY
        } else {
            0
        };
        let token = wrap_token(
            &self.key,
            flags,
            self.seq,
            data,
            seal,
            confounder,
            KG_USAGE_INITIATOR_SEAL,
        )?;
        self.seq = self.seq.wrapping_add(1);
        Ok(token)
    }

    /// Bytes a wrapped message adds to its payload (sealed: header, confounder,
    /// header copy, MAC).
    pub fn overhead(&self) -> usize {
        WRAP_HEADER_LEN * 2 + crypto::ciphertext_overhead(self.key.enctype()).unwrap_or(28)
    }
}

impl Receiver {
    /// Verify and open the acceptor's next message, which must carry the next
    /// sequence number.
    pub fn unwrap(&mut self, token: &[u8]) -> Result<Unwrapped, GssError> {
        let u = unwrap_token(&self.key, self.acceptor_subkey, true, token)?;
        if u.seq != self.seq {
            return Err(GssError::Sequence {
                expected: self.seq,
                got: u.seq,
            });
        }
        self.seq = self.seq.wrapping_add(1);
        Ok(u)
    }
}

/// Acceptor-side wrap (tests play the server with it).
pub fn acceptor_wrap(
    key: &Key,
    acceptor_subkey: bool,
    seq: u64,
    data: &[u8],
    seal: bool,
    confounder: &[u8],
) -> Result<Vec<u8>, GssError> {
    let mut flags = FLAG_SENT_BY_ACCEPTOR;
    if acceptor_subkey {
        flags |= FLAG_ACCEPTOR_SUBKEY;
    }
    wrap_token(
        key,
        flags,
        seq,
        data,
        seal,
        confounder,
        KG_USAGE_ACCEPTOR_SEAL,
    )
}

/// Acceptor-side unwrap of an initiator's token (tests play the server with it).
pub fn acceptor_unwrap(
    key: &Key,
    acceptor_subkey: bool,
    token: &[u8],
) -> Result<Unwrapped, GssError> {
    unwrap_token(key, acceptor_subkey, false, token)
}

/// The acceptor's side of the AP-REQ (tests play the server with it): the ticket
/// decrypted with `service_key`, the authenticator with its session key.
pub fn accept_initial_token(
    token: &[u8],
    service_key: &Key,
) -> Result<(Authenticator, Key), GssError> {
    let (tok_id, inner) = krb5_inner(token)?;
    if tok_id != TOK_ID_AP_REQ {
        return Err(GssError::NotKerberos("not an AP-REQ token".into()));
    }
    let ap = ap_req::parse_ap_req(inner)?;
    let part = super::ticket::decrypt_ticket(&ap.ticket, service_key)
        .map_err(|e| GssError::NotKerberos(e.to_string()))?;
    let a = ap_req::decrypt_authenticator(&ap, &part.session_key)?;
    Ok((a, part.session_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Key {
        Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![b; 32])
    }

    #[test]
    fn channel_bindings_hash() {
        assert_eq!(super::channel_bindings_hash(None), [0; 16]);
        // Pinned; that the layout is MIT's and Windows' is judged by MIT's own
        // acceptor in tests/gss_mit.rs (it refuses a wrong hash).
        let h = super::channel_bindings_hash(Some(b"abc"));
        let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "420b92da63953711d03790fc6a20013d");
    }

    #[test]
    fn wrap_round_trips_both_ways_and_detects_tampering() {
        let k = key(7);
        for seal in [true, false] {
            let t = acceptor_wrap(&k, true, 41, b"hello", seal, &[9; 16]).unwrap();
            let mut r = Receiver {
                key: k.clone(),
                acceptor_subkey: true,
                seq: 41,
            };
            let u = r.unwrap(&t).unwrap();
            assert_eq!(u.data, b"hello");
            assert_eq!(u.sealed, seal);
            // replay
            assert!(matches!(r.unwrap(&t), Err(GssError::Sequence { .. })));
            let mut bad = t.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            let mut r2 = Receiver {
                key: k.clone(),
                acceptor_subkey: true,
                seq: 41,
            };
            assert!(r2.unwrap(&bad).is_err());

            let mut s = Sender {
                key: k.clone(),
                acceptor_subkey: true,
                seq: 5,
            };
            let t = s.wrap(b"world", seal, &[3; 16]).unwrap();
            let u = acceptor_unwrap(&k, true, &t).unwrap();
            assert_eq!((u.data.as_slice(), u.seq), (&b"world"[..], 5));
            // The initiator's own token is not accepted as the acceptor's.
            let mut r3 = Receiver {
                key: k.clone(),
                acceptor_subkey: true,
                seq: 5,
            };
            assert!(matches!(r3.unwrap(&t), Err(GssError::BadToken(_))));
        }
    }

    #[test]
    fn rotated_tokens_unwrap() {
        // A sender may rotate the body right by RRC bytes (Windows uses 28).
        let k = key(1);
        let t = acceptor_wrap(&k, false, 0, b"rotated payload", true, &[5; 16]).unwrap();
        let (h, body) = t.split_at(WRAP_HEADER_LEN);
        let mut h = h.to_vec();
        h[6..8].copy_from_slice(&28u16.to_be_bytes());
        let mut body = body.to_vec();
        body.rotate_right(28);
        h.extend_from_slice(&body);
        let u = unwrap_token(&k, false, true, &h).unwrap();
        assert_eq!(u.data, b"rotated payload");
    }

    proptest::proptest! {
        /// Whatever a server sends back, parsing it never panics.
        #[test]
        fn server_tokens_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let k = key(9);
            let _ = parse_ap_rep(&data, &k);
            let _ = peek_error(&data);
            let _ = unwrap_token(&k, true, true, &data);
            let mut wrap = vec![0x05, 0x04, 0x03, 0xff];
            wrap.extend_from_slice(&data);
            let _ = unwrap_token(&k, true, true, &wrap);
            let _ = unwrap_token(&k, false, true, &wrap);
        }
    }

    #[test]
    fn rc4_contexts_are_refused() {
        let rc4 = Key::new(Enctype::RC4_HMAC, vec![0; 16]);
        assert_eq!(
            wrap_token(&rc4, 0, 0, b"x", true, &[0; 8], KG_USAGE_INITIATOR_SEAL),
            Err(GssError::UnsupportedKey(Enctype::RC4_HMAC))
        );
    }
}

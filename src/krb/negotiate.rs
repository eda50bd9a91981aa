//! HTTP Negotiate (RFC 4559) from the browser's side: the `Authorization:
//! Negotiate` token a browser sends with a service ticket, and the check of the
//! server's answer (`WWW-Authenticate: Negotiate <token>`: a SPNEGO NegTokenResp
//! whose responseToken is the AP-REP of mutual authentication, or a KRB-ERROR).
//!
//! Unlike [`super::gss::initial_token`] (an LDAP bind, whose later wrap tokens need
//! an AES key), one round trip is all HTTP needs, so any enctype the KDC chose is
//! fine: an RC4 ticket is sent as a browser would send it, and the server decides.
//!
//! Pure: time, the subkey, the sequence number and the confounder come from the
//! caller.

use super::Key;
use super::ap_req::{self, AP_OPTION_MUTUAL_REQUIRED, ApReq, ApReqError, Authenticator, GssFlags};
use super::der::{DerError, ENUMERATED, OID, Reader, ctx};
use super::gss::{self, ApRepPart, GssError, InitiatorInput};
use super::spnego::{self, OID_KRB5, TOK_ID_AP_REP, TOK_ID_AP_REQ, TOK_ID_KRB_ERROR};

/// The context flags a browser asks for (Chrome and Firefox through MIT's GSS-API:
/// mutual authentication, no delegation unless the site is allowed to).
pub const BROWSER_FLAGS: u32 =
    GssFlags::MUTUAL | GssFlags::SEQUENCE | GssFlags::CONF | GssFlags::INTEG;

/// What the answer is checked against.
#[derive(Debug, Clone)]
pub struct Sent {
    session_key: Key,
    ctime: i64,
    cusec: u32,
}

/// The SPNEGO token (`NegTokenInit { mechTypes: [krb5], mechToken: GSS krb5
/// AP-REQ }`, mutual authentication required) and what its answer must match.
/// Unlike [`gss::initial_token`], any session key enctype is taken.
pub fn initial_token(input: InitiatorInput<'_>) -> Result<(Vec<u8>, Sent), ApReqError> {
    let authenticator = Authenticator {
        client: input.client.clone(),
        checksum: Some(gss::gss_checksum(
            input.channel_bindings,
            GssFlags(input.flags.0 | GssFlags::MUTUAL),
        )),
        cusec: input.cusec,
        ctime: input.ctime,
        subkey: Some(input.subkey),
        seq_number: Some(input.seq_number),
    };
    let enc = ap_req::encrypt_authenticator(&authenticator, input.session_key, input.confounder)?;
    let req = ApReq {
        ap_options: AP_OPTION_MUTUAL_REQUIRED,
        ticket: input.ticket.clone(),
        authenticator: enc,
    };
    let gss_token = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REQ, &ap_req::encode_ap_req(&req));
    Ok((
        spnego::wrap_neg_token_init(&[OID_KRB5], &gss_token),
        Sent {
            session_key: input.session_key.clone(),
            ctime: input.ctime,
            cusec: input.cusec,
        },
    ))
}

/// The server's SPNEGO NegTokenResp, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// negState: 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic.
    pub neg_state: Option<u32>,
    /// supportedMech, dotted.
    pub supported_mech: Option<String>,
    /// The responseToken (a GSS krb5 AP-REP or KRB-ERROR token), if any.
    pub response_token: Option<Vec<u8>>,
}

/// The name of a negState value.
pub fn neg_state_name(state: u32) -> &'static str {
    match state {
        0 => "accept-completed",
        1 => "accept-incomplete",
        2 => "reject",
        3 => "request-mic",
        _ => "unknown",
    }
}

/// Read a NegTokenResp (`[1] SEQUENCE { negState [0], supportedMech [1],
/// responseToken [2], mechListMIC [3] }`). A bare GSS krb5 token (some servers
/// answer without SPNEGO framing) is taken as the responseToken.
pub fn parse_reply(token: &[u8]) -> Result<Reply, DerError> {
    if token.first() == Some(&0x60) {
        return Ok(Reply {
            neg_state: None,
            supported_mech: None,
            response_token: Some(token.to_vec()),
        });
    }
    let mut r = Reader::new(token, "SPNEGO NegTokenResp");
    let mut s = r
        .element(ctx(1), "SPNEGO NegTokenResp")?
        .only(Reader::sequence)?;
    let neg_state = s.optional_field(0, "negState", |r, f| {
        let v = r.element(ENUMERATED, f)?.contents();
        if v.is_empty() || v.len() > 4 {
            return Err(DerError::BadValue {
                offset: 0,
                field: f,
                problem: "is not a small ENUMERATED",
            });
        }
        Ok(v.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)))
    })?;
    let supported_mech = s.optional_field(1, "supportedMech", |r, f| {
        let oid = r.element(OID, f)?.contents();
        Ok(spnego::decode_oid(oid).unwrap_or_else(|| "?".into()))
    })?;
    let response_token =
        s.optional_field(2, "responseToken", |r, f| r.octets(f).map(<[u8]>::to_vec))?;
    // mechListMIC [3]: not checked (the client sent a single mechanism).
    Ok(Reply {
        neg_state,
        supported_mech,
        response_token,
    })
}

/// What mutual authentication proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutual {
    /// The server chose a subkey of this enctype (none: it kept the client's).
    pub acceptor_subkey: Option<super::Enctype>,
    /// The server's initial sequence number.
    pub seq_number: Option<u32>,
}

impl Sent {
    /// Check the responseToken: an AP-REP that decrypts with the session key and
    /// echoes the authenticator's time proves the server holds the service key; a
    /// KRB-ERROR is the server's refusal.
    pub fn check(&self, response_token: &[u8]) -> Result<Mutual, GssError> {
        let (tok_id, inner) = gss::krb5_inner(response_token)?;
        match tok_id {
            TOK_ID_AP_REP => {}
            TOK_ID_KRB_ERROR => return Err(gss::rejected(inner)),
            other => {
                return Err(GssError::NotKerberos(format!(
                    "token id {:02x} {:02x} where an AP-REP was expected",
                    other[0], other[1]
                )));
            }
        }
        let ApRepPart {
            ctime,
            cusec,
            subkey,
            seq_number,
        } = gss::parse_ap_rep(inner, &self.session_key)?;
        if ctime != self.ctime || cusec != self.cusec {
            return Err(GssError::MutualMismatch {
                sent: format!("{}.{:06}", self.ctime, self.cusec),
                got: format!("{ctime}.{cusec:06}"),
            });
        }
        Ok(Mutual {
            acceptor_subkey: subkey.map(|k| k.enctype()),
            seq_number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krb::spnego::{Inner, Layer, wrap_neg_token_resp};
    use crate::krb::ticket::{EncryptedData, Ticket};
    use crate::krb::{Enctype, NameType, Principal};

    fn ticket() -> Ticket {
        Ticket {
            sname: Principal::new(
                NameType::SRV_INST,
                vec!["HTTP".into(), "www.example.test".into()],
                "EXAMPLE.TEST".into(),
            ),
            enc_part: EncryptedData {
                etype: Enctype::AES256_CTS_HMAC_SHA1_96,
                kvno: Some(3),
                cipher: vec![0x42; 64],
            },
        }
    }

    fn client() -> Principal {
        Principal::parse_with_default_realm("alice@EXAMPLE.TEST", None).unwrap()
    }

    fn sent(session: &Key) -> (Vec<u8>, Sent) {
        let t = ticket();
        let c = client();
        initial_token(InitiatorInput {
            ticket: &t,
            session_key: session,
            client: &c,
            subkey: Key::new(session.enctype(), vec![5; session.len()]),
            seq_number: 77,
            ctime: 1_700_000_000,
            cusec: 123_456,
            flags: GssFlags(BROWSER_FLAGS),
            channel_bindings: [0; 16],
            confounder: &[9; 16][..crate::krb::crypto::confounder_len(session.enctype()).unwrap()],
        })
        .unwrap()
    }

    /// The server's answer: NegTokenResp { accept-completed, krb5, GSS AP-REP }.
    fn answer(session: &Key, ctime: i64, cusec: u32) -> Vec<u8> {
        let part = ApRepPart {
            ctime,
            cusec,
            subkey: Some(Key::new(session.enctype(), vec![6; session.len()])),
            seq_number: Some(99),
        };
        let ap_rep = gss::encode_ap_rep(
            &part,
            session,
            &[1; 16][..crate::krb::crypto::confounder_len(session.enctype()).unwrap()],
        )
        .unwrap();
        let gss_token = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REP, &ap_rep);
        wrap_neg_token_resp(Some(0), Some(&gss_token))
    }

    #[test]
    fn the_token_is_what_a_browser_sends_and_mutual_authentication_checks_out() {
        for session in [
            Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![3; 32]),
            Key::new(Enctype::RC4_HMAC, vec![3; 16]),
        ] {
            let (token, sent) = sent(&session);
            // spnkt verify's own decoder sees a browser's token.
            let un = spnego::unwrap_token(&token).unwrap();
            assert!(matches!(un.inner, Inner::ApReq(_)));
            assert_eq!(
                un.layers[1],
                Layer::NegTokenInit {
                    mech_types: vec![OID_KRB5.into()]
                }
            );
            let reply = parse_reply(&answer(&session, 1_700_000_000, 123_456)).unwrap();
            assert_eq!(reply.neg_state, Some(0));
            assert_eq!(reply.supported_mech, None);
            let m = sent
                .check(reply.response_token.as_deref().unwrap())
                .unwrap();
            assert_eq!(m.acceptor_subkey, Some(session.enctype()));
            assert_eq!(m.seq_number, Some(99));
            // An AP-REP for another authenticator is not mutual authentication.
            let other = parse_reply(&answer(&session, 1_700_000_001, 123_456)).unwrap();
            assert!(matches!(
                sent.check(other.response_token.as_deref().unwrap()),
                Err(GssError::MutualMismatch { .. })
            ));
            // Nor is one under another key.
            let wrong = Key::new(session.enctype(), vec![4; session.len()]);
            let forged = parse_reply(&answer(&wrong, 1_700_000_000, 123_456)).unwrap();
            assert!(matches!(
                sent.check(forged.response_token.as_deref().unwrap()),
                Err(GssError::Crypto(_))
            ));
        }
    }

    #[test]
    fn replies_without_spnego_framing_and_rejections() {
        let bare = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REP, &[0x6f, 0]);
        assert_eq!(parse_reply(&bare).unwrap().response_token, Some(bare));
        let reject = wrap_neg_token_resp(Some(2), None);
        let r = parse_reply(&reject).unwrap();
        assert_eq!((r.neg_state, r.response_token), (Some(2), None));
        assert_eq!(neg_state_name(2), "reject");
        assert!(parse_reply(b"\x30\x00").is_err());
        assert!(parse_reply(b"").is_err());
    }

    proptest::proptest! {
        /// Whatever a web server answers, reading it never panics.
        #[test]
        fn server_answers_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let session = Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![1; 16]);
            let (_, sent) = sent(&session);
            if let Ok(r) = parse_reply(&data) {
                if let Some(t) = r.response_token {
                    let _ = sent.check(&t);
                }
            }
            let _ = sent.check(&data);
        }
    }
}

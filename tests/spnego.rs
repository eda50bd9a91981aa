//! SPNEGO / GSS-API unwrapping and HTTP Negotiate text decoding: a real token from
//! curl + MIT krb5 (tests/fixtures/negotiate), handcrafted tokens for the other
//! shapes, and property tests (no panics on any input).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use spnkt::krb::spnego::{
    self, DerProblem, Inner, Layer, OID_IAKERB, OID_KRB5, OID_KRB5_OLD, OID_MS_KRB5, OID_NTLM,
    OID_SPNEGO, SpnegoError, TOK_ID_AP_REP, TOK_ID_AP_REQ, TOK_ID_KRB_ERROR,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/negotiate");

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

/// The base64 of the real curl token (the header line minus `Authorization: Negotiate`).
fn real_b64() -> String {
    let line = fixture_text("curl-mit.txt");
    line.trim()
        .strip_prefix("Authorization: Negotiate ")
        .unwrap()
        .to_owned()
}

fn real_token() -> Vec<u8> {
    STANDARD.decode(real_b64()).unwrap()
}

/// The DER AP-REQ inside the real token.
fn real_ap_req() -> Vec<u8> {
    match spnego::unwrap_token(&real_token()).unwrap().inner {
        Inner::ApReq(der) => der.to_vec(),
        other => panic!("{other:?}"),
    }
}

/// NTLMSSP NEGOTIATE (type 1) as Windows sends it, with flags and no domain/workstation.
fn ntlm_type1() -> Vec<u8> {
    let mut m = b"NTLMSSP\0".to_vec();
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&0xe208_8297u32.to_le_bytes());
    m.extend_from_slice(&[0u8; 16]);
    m
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(value);
    out
}

fn int(v: u8) -> Vec<u8> {
    tlv(0x02, &[v])
}

/// A KRB-ERROR (RFC 4120 5.9.1) with `code` as a service returns it.
fn krb_error(code: u8) -> Vec<u8> {
    let mut fields = Vec::new();
    fields.extend(tlv(0xa0, &int(5)));
    fields.extend(tlv(0xa1, &int(30)));
    fields.extend(tlv(0xa4, &tlv(0x18, b"20260101000000Z")));
    fields.extend(tlv(0xa5, &int(0)));
    fields.extend(tlv(0xa6, &int(code)));
    fields.extend(tlv(0xa9, &tlv(0x1b, b"MIT.TEST")));
    let mut sname = tlv(0xa0, &int(1));
    sname.extend(tlv(0xa1, &tlv(0x30, &tlv(0x1b, b"HTTP"))));
    fields.extend(tlv(0xaa, &tlv(0x30, &sname)));
    tlv(0x7e, &tlv(0x30, &fields))
}

/// An AP-REP shape (the encrypted part is opaque here).
fn ap_rep() -> Vec<u8> {
    let mut fields = Vec::new();
    fields.extend(tlv(0xa0, &int(5)));
    fields.extend(tlv(0xa1, &int(15)));
    let mut enc = tlv(0xa0, &int(18));
    enc.extend(tlv(0xa2, &tlv(0x04, &[0x5a; 40])));
    fields.extend(tlv(0xa2, &tlv(0x30, &enc)));
    tlv(0x6f, &tlv(0x30, &fields))
}

// ------------------------------------------------------------ the real token

#[test]
fn real_curl_token_unwraps_to_ap_req() {
    let token = real_token();
    let u = spnego::unwrap_token(&token).unwrap();
    assert_eq!(
        u.layers,
        vec![
            Layer::GssToken {
                mech: OID_SPNEGO.into()
            },
            Layer::NegTokenInit {
                mech_types: vec![OID_KRB5.into()]
            },
            Layer::GssToken {
                mech: OID_KRB5.into()
            },
        ]
    );
    let Inner::ApReq(der) = u.inner else {
        panic!("not an AP-REQ")
    };
    assert_eq!(der[0], 0x6e);
    // The AP-REQ is the tail of the token: nothing after it.
    assert!(token.ends_with(der));
    assert_eq!(
        u.layers[1].to_string(),
        "SPNEGO NegTokenInit (mech 1.2.840.113554.1.2.2 Kerberos)"
    );
}

#[test]
fn real_delegation_token_unwraps() {
    let line = fixture_text("curl-mit-deleg.txt");
    let token = spnego::decode_negotiate_text(&line).unwrap();
    let u = spnego::unwrap_token(&token).unwrap();
    assert!(matches!(u.inner, Inner::ApReq(d) if d[0] == 0x6e));
    // A delegated AP-REQ carries a KRB-CRED in its authenticator: it is bigger.
    assert!(token.len() > real_token().len() + 400);
}

#[test]
fn header_line_forms_decode_to_the_same_bytes() {
    let b64 = real_b64();
    let want = real_token();
    let wrapped: String = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    let url_safe = URL_SAFE_NO_PAD.encode(&want);
    let forms = [
        format!("Authorization: Negotiate {b64}"),
        format!("authorization: negotiate {b64}"),
        format!("AUTHORIZATION:NEGOTIATE {b64}"),
        format!("  Authorization:   Negotiate    {b64}  \r\n"),
        format!("Authorization: Negotiate {b64}\r\n"),
        format!("Authorization: Negotiate\r\n {wrapped}\r\n"),
        format!("Proxy-Authorization: Negotiate {b64}"),
        format!("> Authorization: Negotiate {b64}"),
        format!("\"Authorization: Negotiate {b64}\""),
        format!("`Negotiate {b64}`"),
        format!("Negotiate {b64}"),
        format!("negotiate\t{b64}"),
        format!("\u{feff}{b64}\n"),
        b64.clone(),
        b64.trim_end_matches('=').to_owned(),
        wrapped.clone(),
        url_safe.clone(),
        format!("Negotiate {url_safe}"),
    ];
    for form in &forms {
        let got = spnego::decode_negotiate_text(form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert_eq!(got, want, "{form:?}");
    }
    let d = spnego::decode_negotiate_text_detailed(&forms[1]).unwrap();
    assert_eq!(d.header, Some("Authorization"));
    assert_eq!(d.scheme, Some("Negotiate"));
    assert_eq!(d.describe(), "HTTP Authorization: Negotiate header");
    let d = spnego::decode_negotiate_text_detailed(&forms[10]).unwrap();
    assert_eq!(d.describe(), "Negotiate token");
    let d = spnego::decode_negotiate_text_detailed(&b64).unwrap();
    assert_eq!(d.describe(), "base64");
}

#[test]
fn server_reply_header_is_accepted_as_text() {
    let reply = spnego::wrap_neg_token_resp(
        Some(0),
        Some(&spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REP, &ap_rep())),
    );
    let line = format!(
        "WWW-Authenticate: Negotiate {}, Basic realm=\"x\"",
        STANDARD.encode(&reply)
    );
    let d = spnego::decode_negotiate_text_detailed(&line).unwrap();
    assert_eq!(d.header, Some("WWW-Authenticate"));
    assert_eq!(d.token, reply);
    let err = spnego::unwrap_token(&d.token).unwrap_err();
    assert!(matches!(err, SpnegoError::ApRep { .. }), "{err:?}");
    assert!(err.to_string().contains("the server's reply"), "{err}");
}

#[test]
fn text_errors_name_the_problem() {
    let b64 = real_b64();
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "no token: the text is empty"),
        ("  \r\n ".into(), "no token: the text is empty"),
        (
            "Authorization: Basic dXNlcjpwYXNz".into(),
            "`Authorization: Basic` is not Negotiate",
        ),
        ("Basic dXNlcjpwYXNz".into(), "`Basic` is not Negotiate"),
        (
            "WWW-Authenticate: Negotiate".into(),
            "`WWW-Authenticate: Negotiate` carries no token",
        ),
        ("Negotiate".into(), "`Negotiate` carries no token"),
        ("Authorization:".into(), "`Authorization:` carries no token"),
        (
            "Cookie: a=b".into(),
            "`Cookie:` is not an authentication header",
        ),
        (
            "YIIC3AYGKwYBBQUCo%IC0DCC".into(),
            "not base64: invalid character '%' at position 17",
        ),
        (
            format!("Negotiate {}%", &b64[..20]),
            "not base64: invalid character '%' at position 30",
        ),
        ("YII=C3AY".into(), "not base64: padding '=' inside the text"),
        ("YIIC3".into(), "not base64: 5 base64 characters"),
    ];
    for (text, want) in cases {
        let err = spnego::decode_negotiate_text(&text).unwrap_err();
        assert!(
            err.to_string().starts_with(want),
            "{text:?}: got `{err}`, want `{want}`"
        );
    }
    assert_eq!(
        spnego::decode_negotiate_text("Negotiate ===="),
        Err(SpnegoError::EmptyToken)
    );
}

// ------------------------------------------------------------ handcrafted shapes

#[test]
fn raw_ap_req_has_no_layers() {
    let ap = real_ap_req();
    let u = spnego::unwrap_token(&ap).unwrap();
    assert!(u.layers.is_empty());
    assert_eq!(u.inner, Inner::ApReq(&ap));
}

#[test]
fn bare_gss_krb5_token_under_each_krb5_oid() {
    let ap = real_ap_req();
    for oid in [OID_KRB5, OID_MS_KRB5, OID_KRB5_OLD] {
        let tok = spnego::wrap_gss_krb5(oid, TOK_ID_AP_REQ, &ap);
        let u = spnego::unwrap_token(&tok).unwrap();
        assert_eq!(u.layers, vec![Layer::GssToken { mech: oid.into() }]);
        assert_eq!(u.inner, Inner::ApReq(&ap));
    }
}

#[test]
fn microsoft_oid_token_round_trips() {
    let ap = real_ap_req();
    let tok = spnego::wrap_ap_req(&ap, true);
    let u = spnego::unwrap_token(&tok).unwrap();
    assert_eq!(
        u.layers,
        vec![
            Layer::GssToken {
                mech: OID_SPNEGO.into()
            },
            Layer::NegTokenInit {
                mech_types: vec![OID_MS_KRB5.into(), OID_KRB5.into()]
            },
            Layer::GssToken {
                mech: OID_KRB5.into()
            },
        ]
    );
    assert_eq!(u.inner, Inner::ApReq(&ap));
    assert_eq!(
        u.layers[1].to_string(),
        "SPNEGO NegTokenInit (mech 1.2.840.48018.1.2.2 Microsoft Kerberos)"
    );
    // wrap_ap_req(false) rebuilds the MIT token byte for byte.
    assert_eq!(spnego::wrap_ap_req(&ap, false), real_token());
}

#[test]
fn bare_neg_token_init_and_resp() {
    let ap = real_ap_req();
    let full = spnego::wrap_ap_req(&ap, false);
    // Strip the 0x60 { SPNEGO OID } framing: the bare [0] NegTokenInit.
    let oid_at = full.iter().position(|&b| b == 0x06).unwrap();
    let bare = &full[oid_at + 8..];
    assert_eq!(bare[0], 0xa0);
    let u = spnego::unwrap_token(bare).unwrap();
    assert_eq!(u.layers.len(), 2);
    assert!(matches!(u.layers[0], Layer::NegTokenInit { .. }));
    assert_eq!(u.inner, Inner::ApReq(&ap));

    let gss = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REQ, &ap);
    let resp = spnego::wrap_neg_token_resp(Some(1), Some(&gss));
    let u = spnego::unwrap_token(&resp).unwrap();
    assert_eq!(
        u.layers,
        vec![
            Layer::NegTokenResp,
            Layer::GssToken {
                mech: OID_KRB5.into()
            }
        ]
    );
    assert_eq!(u.inner, Inner::ApReq(&ap));

    let err = spnego::unwrap_token(&spnego::wrap_neg_token_resp(Some(0), None)).unwrap_err();
    assert_eq!(err, SpnegoError::NoResponseToken { neg_state: Some(0) });
    assert!(
        err.to_string().contains("negState 0 accept-completed"),
        "{err}"
    );
}

#[test]
fn ntlmssp_raw_wrapped_and_base64() {
    let msg = ntlm_type1();
    assert_eq!(
        spnego::unwrap_token(&msg).unwrap(),
        spnego::Unwrapped {
            layers: vec![],
            inner: Inner::Ntlmssp { message_type: 1 }
        }
    );
    let b64 = STANDARD.encode(&msg);
    assert!(b64.starts_with("TlRMTVNTUAAB"), "{b64}");
    let bytes = spnego::decode_negotiate_text(&format!("Authorization: NTLM {b64}")).unwrap();
    assert_eq!(
        spnego::unwrap_token(&bytes).unwrap().inner,
        Inner::Ntlmssp { message_type: 1 }
    );
    // NegTokenInit offering only NTLM, as a browser without a ticket sends it.
    let wrapped = spnego::wrap_ntlmssp(&msg);
    let u = spnego::unwrap_token(&wrapped).unwrap();
    assert_eq!(
        u.layers,
        vec![
            Layer::GssToken {
                mech: OID_SPNEGO.into()
            },
            Layer::NegTokenInit {
                mech_types: vec![OID_NTLM.into()]
            }
        ]
    );
    assert_eq!(u.inner, Inner::Ntlmssp { message_type: 1 });
    // NTLM type 3 in a later NegTokenResp leg.
    let mut t3 = msg.clone();
    t3[8] = 3;
    let resp = spnego::wrap_neg_token_resp(Some(1), Some(&t3));
    let u = spnego::unwrap_token(&resp).unwrap();
    assert_eq!(u.inner, Inner::Ntlmssp { message_type: 3 });
    // Too short for a message type.
    assert!(matches!(
        spnego::unwrap_token(b"NTLMSSP\0\x01"),
        Err(SpnegoError::NtlmsspTruncated { len: 9, .. })
    ));
}

#[test]
fn ap_rep_and_krb_error_tokens_say_what_they_are() {
    let tok = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_AP_REP, &ap_rep());
    let err = spnego::unwrap_token(&tok).unwrap_err();
    assert_eq!(
        err,
        SpnegoError::ApRep {
            found: "GSS krb5 token id 02 00"
        }
    );
    assert!(err.to_string().starts_with("this is a Kerberos AP-REP"));
    assert!(matches!(
        spnego::unwrap_token(&ap_rep()),
        Err(SpnegoError::ApRep { .. })
    ));

    let tok = spnego::wrap_gss_krb5(OID_KRB5, TOK_ID_KRB_ERROR, &krb_error(41));
    let err = spnego::unwrap_token(&tok).unwrap_err();
    assert_eq!(
        err,
        SpnegoError::KrbError {
            found: "GSS krb5 token id 03 00",
            error_code: Some(41)
        }
    );
    assert!(
        err.to_string()
            .contains("with error code 41 KRB_AP_ERR_MODIFIED"),
        "{err}"
    );
    // In the server's NegTokenResp (WWW-Authenticate reply) too.
    let resp = spnego::wrap_neg_token_resp(Some(2), Some(&tok));
    assert!(matches!(
        spnego::unwrap_token(&resp),
        Err(SpnegoError::KrbError {
            error_code: Some(41),
            ..
        })
    ));
    assert!(matches!(
        spnego::unwrap_token(&krb_error(37)),
        Err(SpnegoError::KrbError {
            error_code: Some(37),
            ..
        })
    ));
    let tok = spnego::wrap_gss_krb5(OID_KRB5, [0x04, 0x04], &[0; 16]);
    assert!(matches!(
        spnego::unwrap_token(&tok),
        Err(SpnegoError::UnknownTokenId {
            token_id: [4, 4],
            ..
        })
    ));
}

#[test]
fn other_mechanisms_are_named() {
    let ap = real_ap_req();
    let iakerb = spnego::wrap_gss_krb5(OID_IAKERB, TOK_ID_AP_REQ, &ap);
    let err = spnego::unwrap_token(&iakerb).unwrap_err();
    assert!(matches!(err, SpnegoError::Iakerb { offset: 0 }));
    assert!(err.to_string().contains("IAKERB not supported"));
    let other = spnego::wrap_gss_krb5("1.2.3.4", TOK_ID_AP_REQ, &ap);
    let err = spnego::unwrap_token(&other).unwrap_err();
    assert!(
        matches!(err, SpnegoError::UnsupportedMech { ref mech, .. } if mech == "1.2.3.4"),
        "{err:?}"
    );
    // mechTypes without a mechToken.
    let mut init = spnego::wrap_neg_token_init(&[OID_KRB5, OID_NTLM], &[]);
    // Drop the empty `[2] { OCTET STRING }` (6 bytes: a2 02 04 00) by rebuilding.
    init.clear();
    let oids: Vec<u8> = [OID_KRB5, OID_NTLM]
        .iter()
        .flat_map(|o| tlv(0x06, &spnego::encode_oid(o).unwrap()))
        .collect();
    let body = tlv(0xa0, &tlv(0x30, &tlv(0xa0, &tlv(0x30, &oids))));
    let mut gss = tlv(0x06, &spnego::encode_oid(OID_SPNEGO).unwrap());
    gss.extend(body);
    init.extend(tlv(0x60, &gss));
    let err = spnego::unwrap_token(&init).unwrap_err();
    assert_eq!(
        err,
        SpnegoError::NoMechToken {
            mech_types: vec![OID_KRB5.into(), OID_NTLM.into()]
        }
    );
    // SPNEGO inside SPNEGO is refused.
    let nested = spnego::wrap_neg_token_init(&[OID_SPNEGO], &real_token());
    assert!(matches!(
        spnego::unwrap_token(&nested),
        Err(SpnegoError::NestedSpnego { .. })
    ));
}

#[test]
fn malformed_der_is_reported_with_offsets() {
    let token = real_token();
    assert_eq!(spnego::unwrap_token(&[]), Err(SpnegoError::EmptyToken));
    let mut trailing = token.clone();
    trailing.push(0);
    assert!(matches!(
        spnego::unwrap_token(&trailing),
        Err(SpnegoError::Der {
            problem: DerProblem::TrailingBytes { count: 1 },
            ..
        })
    ));
    let mut indefinite = token.clone();
    indefinite[1] = 0x80;
    assert!(matches!(
        spnego::unwrap_token(&indefinite),
        Err(SpnegoError::Der {
            offset: 0,
            problem: DerProblem::IndefiniteLength,
            ..
        })
    ));
    let err = spnego::unwrap_token(&[0x30, 0x00]).unwrap_err();
    assert!(matches!(
        err,
        SpnegoError::NotAToken {
            found: 0x30,
            offset: 0
        }
    ));
    // Every truncation is an error, never a panic.
    for len in 0..token.len() {
        assert!(spnego::unwrap_token(&token[..len]).is_err(), "len {len}");
    }
    let err = spnego::unwrap_token(&token[..100]).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "malformed DER in the GSS-API InitialContextToken at token byte offset 0: truncated"
        ),
        "{err}"
    );
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn unwrap_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = spnego::unwrap_token(&bytes);
    }

    #[test]
    fn unwrap_never_panics_on_framed_garbage(
        tag in prop::sample::select(vec![0x60u8, 0xa0, 0xa1, 0x6e, 0x6f, 0x7e]),
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut bytes = vec![tag];
        bytes.extend(tlv(0x30, &body)[1..].iter());
        let _ = spnego::unwrap_token(&bytes);
    }

    #[test]
    fn decode_text_never_panics(text in ".{0,200}") {
        let _ = spnego::decode_negotiate_text(&text);
    }

    #[test]
    fn decode_text_never_panics_on_header_like_text(
        head in "(?i)(authorization|www-authenticate|proxy-authorization|cookie)?:? ?(negotiate|basic|ntlm)? ?",
        body in "[A-Za-z0-9+/=_\\- \r\n%]{0,120}",
    ) {
        let _ = spnego::decode_negotiate_text(&format!("{head}{body}"));
    }

    #[test]
    fn mutated_real_token_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut token = real_token();
        for (i, b) in flips {
            let i = i.index(token.len());
            token[i] = b;
        }
        let _ = spnego::unwrap_token(&token);
        let _ = spnego::unwrap_token(&token[..cut.index(token.len())]);
        let _ = spnego::decode_negotiate_text(&STANDARD.encode(&token));
    }

    #[test]
    fn wrap_unwrap_round_trip(body in proptest::collection::vec(any::<u8>(), 0..400), ms in any::<bool>()) {
        let ap = tlv(0x6e, &body);
        let token = spnego::wrap_ap_req(&ap, ms);
        let u = spnego::unwrap_token(&token).unwrap();
        prop_assert_eq!(u.inner, Inner::ApReq(&ap));
    }
}

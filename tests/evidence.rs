//! `evidence::detect`: every accepted format, binary and text, from the real curl +
//! MIT krb5 tokens in tests/fixtures/negotiate, and the errors for what is not a
//! ticket. Property tests: no input makes `detect` panic.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use spnkt::krb::ap_req::{self, ApReq};
use spnkt::krb::ccache::{self, Ccache, Credential};
use spnkt::krb::evidence::{self, Detected, Evidence, EvidenceError};
use spnkt::krb::keytab;
use spnkt::krb::spnego::{self, Layer, OID_KRB5, OID_MS_KRB5, OID_NTLM, OID_SPNEGO};
use spnkt::krb::ticket::{self, EncTicketPart, Ticket};
use spnkt::krb::{Key, Principal};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/negotiate");

const MIT_FORMAT: &str =
    "SPNEGO NegTokenInit (mech 1.2.840.113554.1.2.2 Kerberos) → GSS krb5 AP-REQ";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

fn header_b64(name: &str) -> String {
    String::from_utf8(fixture(name))
        .unwrap()
        .trim()
        .strip_prefix("Authorization: Negotiate ")
        .unwrap()
        .to_owned()
}

fn real_token(name: &str) -> Vec<u8> {
    STANDARD.decode(header_b64(name)).unwrap()
}

fn ap_req_of(d: &Detected) -> &ApReq {
    match &d.evidence {
        Evidence::ApReq { ap_req, .. } => ap_req,
        other => panic!("not an AP-REQ: {other:?}"),
    }
}

fn layers_of(d: &Detected) -> &[Layer] {
    match &d.evidence {
        Evidence::ApReq { layers, .. } | Evidence::Ntlm { layers, .. } => layers,
        other => panic!("no layers: {other:?}"),
    }
}

fn svc_principal() -> Principal {
    Principal::parse("HTTP/app.mit.test@MIT.TEST").unwrap()
}

/// The fixture keytab's key for the ticket's enctype and kvno.
fn service_key(t: &Ticket) -> Key {
    let kt = keytab::parse(&fixture("svc.keytab")).unwrap();
    kt.entries
        .iter()
        .find(|e| e.matches(&t.sname, t.enc_part.kvno, Some(t.enc_part.etype)))
        .unwrap_or_else(|| panic!("no key for {} {:?}", t.sname, t.enc_part.etype))
        .key
        .clone()
}

fn decrypt(t: &Ticket) -> EncTicketPart {
    ticket::decrypt_ticket(t, &service_key(t)).expect("fixture ticket decrypts with svc.keytab")
}

/// The ticket inside the real token, as DER.
fn real_ticket_der() -> Vec<u8> {
    let d = evidence::detect(&real_token("curl-mit.txt")).unwrap();
    ticket::encode_ticket(&ap_req_of(&d).ticket)
}

fn ntlm_type1() -> Vec<u8> {
    let mut m = b"NTLMSSP\0".to_vec();
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&0xe208_8297u32.to_le_bytes());
    m.extend_from_slice(&[0u8; 16]);
    m
}

// ------------------------------------------------------------ the real token

#[test]
fn header_file_base64_and_binary_all_detect_the_ap_req() {
    let b64 = header_b64("curl-mit.txt");
    let binary = real_token("curl-mit.txt");
    let cases: [(Vec<u8>, String); 4] = [
        (
            fixture("curl-mit.txt"),
            format!("HTTP Authorization: Negotiate header → {MIT_FORMAT}"),
        ),
        (
            format!("Negotiate {b64}").into_bytes(),
            format!("Negotiate token → {MIT_FORMAT}"),
        ),
        (b64.clone().into_bytes(), format!("base64 → {MIT_FORMAT}")),
        (binary.clone(), MIT_FORMAT.to_owned()),
    ];
    for (input, want) in cases {
        let d = evidence::detect(&input).unwrap();
        assert_eq!(d.format, want);
        assert_eq!(
            layers_of(&d),
            [
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
        let ap = ap_req_of(&d);
        assert_eq!(ap.ticket.sname.to_string(), "HTTP/app.mit.test@MIT.TEST");
        assert_eq!(ap.ticket.sname.components, svc_principal().components);
    }
}

#[test]
fn real_ticket_decrypts_with_the_fixture_keytab() {
    let d = evidence::detect(&fixture("curl-mit.txt")).unwrap();
    let ap = ap_req_of(&d);
    let part = decrypt(&ap.ticket);
    assert_eq!(part.client.to_string(), "alice@MIT.TEST");
    let auth = ap_req::decrypt_authenticator(ap, &part.session_key).unwrap();
    assert_eq!(auth.client.to_string(), "alice@MIT.TEST");
    let cksum = ap_req::parse_gss_checksum(auth.checksum.as_ref().unwrap()).unwrap();
    assert_eq!(cksum.delegation, None);
}

#[test]
fn delegated_token_carries_a_krb_cred_that_detect_recognises() {
    let d = evidence::detect(&fixture("curl-mit-deleg.txt")).unwrap();
    assert_eq!(
        d.format,
        format!("HTTP Authorization: Negotiate header → {MIT_FORMAT}")
    );
    let ap = ap_req_of(&d);
    let part = decrypt(&ap.ticket);
    let auth = ap_req::decrypt_authenticator(ap, &part.session_key).unwrap();
    let cksum = ap_req::parse_gss_checksum(auth.checksum.as_ref().unwrap()).unwrap();
    let cred_der = cksum
        .delegation
        .expect("curl --delegation always forwards the TGT");

    // The forwarded TGT as a .kirbi: DER, then base64 as Rubeus prints it.
    let d = evidence::detect(&cred_der).unwrap();
    assert_eq!(d.format, "KRB-CRED (.kirbi)");
    let Evidence::KrbCred(cred) = &d.evidence else {
        panic!("{:?}", d.evidence)
    };
    assert_eq!(
        cred.tickets[0].sname.to_string(),
        "krbtgt/MIT.TEST@MIT.TEST"
    );

    let b64 = STANDARD.encode(&cred_der);
    let rubeus = format!(
        "[*] base64(ticket.kirbi):\n\n      {}\n\n",
        b64.as_bytes()
            .chunks(100)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n      ")
    );
    for text in [b64.clone(), rubeus] {
        let d = evidence::detect(text.as_bytes()).unwrap();
        assert_eq!(d.format, "base64 → KRB-CRED (.kirbi)");
        assert!(matches!(d.evidence, Evidence::KrbCred(_)));
    }
}

#[test]
fn raw_ap_req_ticket_and_hex() {
    let d = evidence::detect(&real_token("curl-mit.txt")).unwrap();
    let ap_der = ap_req::encode_ap_req(ap_req_of(&d));
    let d = evidence::detect(&ap_der).unwrap();
    assert_eq!(d.format, "Kerberos AP-REQ (DER)");
    assert!(layers_of(&d).is_empty());

    let t = real_ticket_der();
    let d = evidence::detect(&t).unwrap();
    assert_eq!(d.format, "Kerberos Ticket (DER)");
    let Evidence::Ticket(ticket) = &d.evidence else {
        panic!("{:?}", d.evidence)
    };
    assert_eq!(ticket.sname.to_string(), "HTTP/app.mit.test@MIT.TEST");
    let d = evidence::detect(STANDARD.encode(&t).as_bytes()).unwrap();
    assert_eq!(d.format, "base64 → Kerberos Ticket (DER)");

    // Wireshark "copy as hex stream".
    let d = evidence::detect(hex::encode(real_token("curl-mit.txt")).as_bytes()).unwrap();
    assert_eq!(d.format, format!("hex → {MIT_FORMAT}"));
}

#[test]
fn microsoft_oid_token() {
    let d = evidence::detect(&real_token("curl-mit.txt")).unwrap();
    let ap_der = ap_req::encode_ap_req(ap_req_of(&d));
    let tok = spnego::wrap_ap_req(&ap_der, true);
    let d = evidence::detect(&tok).unwrap();
    assert_eq!(
        d.format,
        "SPNEGO NegTokenInit (mech 1.2.840.48018.1.2.2 Microsoft Kerberos) → GSS krb5 AP-REQ"
    );
    assert!(matches!(
        &layers_of(&d)[1],
        Layer::NegTokenInit { mech_types } if mech_types[0] == OID_MS_KRB5
    ));
    let line = format!("Authorization: Negotiate {}", STANDARD.encode(&tok));
    let d = evidence::detect(line.as_bytes()).unwrap();
    assert!(d.format.starts_with(
        "HTTP Authorization: Negotiate header → SPNEGO NegTokenInit (mech 1.2.840.48018.1.2.2"
    ));
    // A bare GSS krb5 token framed with the Microsoft OID.
    let gss = spnego::wrap_gss_krb5(OID_MS_KRB5, spnego::TOK_ID_AP_REQ, &ap_der);
    let d = evidence::detect(&gss).unwrap();
    assert_eq!(d.format, "GSS krb5 (OID 1.2.840.48018.1.2.2) AP-REQ");
}

#[test]
fn header_variants() {
    let b64 = header_b64("curl-mit.txt");
    let wrapped = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n  ");
    for text in [
        format!("authorization: negotiate {b64}"),
        format!("Authorization:    Negotiate     {b64}   "),
        format!("Authorization: Negotiate {b64}\r\n"),
        format!("\r\nAuthorization: Negotiate\r\n  {wrapped}\r\n"),
        format!("> Authorization: Negotiate {b64}"),
    ] {
        let d = evidence::detect(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(
            d.format,
            format!("HTTP Authorization: Negotiate header → {MIT_FORMAT}")
        );
    }
    let d = evidence::detect(format!("Proxy-Authorization: Negotiate {b64}").as_bytes()).unwrap();
    assert_eq!(
        d.format,
        format!("HTTP Proxy-Authorization: Negotiate header → {MIT_FORMAT}")
    );
}

// ------------------------------------------------------------ NTLM

#[test]
fn ntlm_in_every_wrapping() {
    let msg = ntlm_type1();
    let b64 = STANDARD.encode(&msg);
    assert!(b64.starts_with("TlRMTVNTUAAB"));
    let wrapped = spnego::wrap_ntlmssp(&msg);
    let cases: [(Vec<u8>, &str); 5] = [
        (msg.clone(), "NTLMSSP NEGOTIATE (type 1)"),
        (
            b64.clone().into_bytes(),
            "base64 → NTLMSSP NEGOTIATE (type 1)",
        ),
        (
            format!("Authorization: Negotiate {b64}").into_bytes(),
            "HTTP Authorization: Negotiate header → NTLMSSP NEGOTIATE (type 1)",
        ),
        (
            wrapped.clone(),
            "SPNEGO NegTokenInit (mech 1.3.6.1.4.1.311.2.2.10 NTLM) → NTLMSSP NEGOTIATE (type 1)",
        ),
        (
            format!("Authorization: Negotiate {}", STANDARD.encode(&wrapped)).into_bytes(),
            "HTTP Authorization: Negotiate header → SPNEGO NegTokenInit (mech 1.3.6.1.4.1.311.2.2.10 NTLM) → NTLMSSP NEGOTIATE (type 1)",
        ),
    ];
    for (input, want) in cases {
        let d = evidence::detect(&input).unwrap();
        assert_eq!(d.format, want);
        let Evidence::Ntlm { message_type, .. } = d.evidence else {
            panic!("{:?}", d.evidence)
        };
        assert_eq!(message_type, 1);
    }
    let d = evidence::detect(&wrapped).unwrap();
    assert!(matches!(
        &layers_of(&d)[1],
        Layer::NegTokenInit { mech_types } if mech_types == &[OID_NTLM.to_owned()]
    ));
}

// ------------------------------------------------------------ ccache

#[test]
fn ccache_binary_and_base64() {
    let d = evidence::detect(&real_token("curl-mit.txt")).unwrap();
    let ap = ap_req_of(&d);
    let part = decrypt(&ap.ticket);
    let cred = Credential {
        client: part.client.clone(),
        server: ap.ticket.sname.clone(),
        key: part.session_key.clone(),
        authtime: part.authtime as u32,
        starttime: part.starttime.unwrap_or(part.authtime) as u32,
        endtime: part.endtime as u32,
        renew_till: 0,
        is_skey: false,
        flags: part.flags,
        addresses: vec![],
        authdata: vec![],
        ticket: ticket::encode_ticket(&ap.ticket),
        second_ticket: vec![],
    };
    for version in [3u8, 4] {
        let cc = Ccache {
            version,
            header: vec![],
            default_principal: part.client.clone(),
            credentials: vec![cred.clone()],
        };
        let bytes = ccache::write(&cc);
        let d = evidence::detect(&bytes).unwrap();
        assert_eq!(d.format, format!("MIT ccache v{version}"));
        let Evidence::Ccache(parsed) = &d.evidence else {
            panic!("{:?}", d.evidence)
        };
        assert_eq!(parsed.credentials.len(), 1);
        let d = evidence::detect(STANDARD.encode(&*bytes).as_bytes()).unwrap();
        assert_eq!(d.format, format!("base64 → MIT ccache v{version}"));
    }
    // A truncated ccache is an error naming the format.
    let cc = Ccache {
        version: 4,
        header: vec![],
        default_principal: part.client,
        credentials: vec![cred],
    };
    let bytes = ccache::write(&cc);
    let err = evidence::detect(&bytes[..bytes.len() - 10]).unwrap_err();
    assert!(matches!(err, EvidenceError::Ccache { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("invalid MIT ccache v4: "),
        "{err}"
    );
}

// ------------------------------------------------------------ errors

#[test]
fn keytab_is_refused_with_a_hint() {
    let err = evidence::detect(&fixture("svc.keytab")).unwrap_err();
    assert_eq!(err, EvidenceError::Keytab);
    assert_eq!(
        err.to_string(),
        "this is a keytab, not a ticket: pass it with --keytab"
    );
}

#[test]
fn server_replies_and_errors_are_explained() {
    // The server's AP-REP in a WWW-Authenticate header.
    // [APPLICATION 15] SEQUENCE { pvno [0] 5 } is enough for the framing check.
    let ap_rep = [0x6f, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x05];
    let reply = spnego::wrap_neg_token_resp(
        Some(0),
        Some(&spnego::wrap_gss_krb5(
            OID_KRB5,
            spnego::TOK_ID_AP_REP,
            &ap_rep,
        )),
    );
    let line = format!("WWW-Authenticate: Negotiate {}", STANDARD.encode(&reply));
    let err = evidence::detect(line.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            EvidenceError::Token {
                error: spnego::SpnegoError::ApRep { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("(in HTTP WWW-Authenticate: Negotiate header)"),
        "{err}"
    );
    let err = evidence::detect(b"WWW-Authenticate: Negotiate").unwrap_err();
    assert!(err.to_string().contains("carries no token"), "{err}");
    let err = evidence::detect(b"Authorization: Basic dXNlcjpwYXNz").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`Authorization: Basic` is not Negotiate"),
        "{err}"
    );
}

#[test]
fn unrecognised_inputs_list_the_accepted_formats() {
    for input in [
        &b"hello world, this is not a ticket"[..],
        b"\x00\x01\x02\x03garbage",
        b"dXNlcjpwYXNz", // base64 of "user:pass"
        b"AAECAwQFBgcICQ==",
        "ünïcödé".as_bytes(),
    ] {
        let err = evidence::detect(input).unwrap_err();
        assert!(
            matches!(err, EvidenceError::Unrecognised { .. }),
            "{input:?}: {err:?}"
        );
        let msg = err.to_string();
        assert!(msg.starts_with("unrecognised input: "), "{msg}");
        assert!(msg.contains("MIT ccache"), "{msg}");
        assert!(msg.contains("Authorization: Negotiate"), "{msg}");
    }
    assert_eq!(evidence::detect(b""), Err(EvidenceError::Empty));
    assert_eq!(evidence::detect(b" \r\n\t"), Err(EvidenceError::Empty));
    // A broken AP-REQ inside a good SPNEGO token names both.
    let tok = spnego::wrap_ap_req(&[0x6e, 0x03, 0x30, 0x01, 0x00], false);
    let err = evidence::detect(&tok).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("invalid Kerberos AP-REQ in {}: ", MIT_FORMAT)),
        "{err}"
    );
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn detect_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = evidence::detect(&bytes);
    }

    #[test]
    fn detect_never_panics_on_magic_prefixed_bytes(
        magic in prop::sample::select(vec![
            vec![0x05u8, 0x03], vec![0x05, 0x04], vec![0x05, 0x02], vec![0x76], vec![0x6e],
            vec![0x61], vec![0x60], vec![0xa0], vec![0xa1], vec![0x6f], vec![0x7e],
            b"NTLMSSP\0".to_vec(),
        ]),
        rest in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut bytes = magic;
        bytes.extend(rest);
        let _ = evidence::detect(&bytes);
        let _ = evidence::detect(STANDARD.encode(&bytes).as_bytes());
    }

    #[test]
    fn detect_never_panics_on_text(text in ".{0,200}") {
        let _ = evidence::detect(text.as_bytes());
    }

    #[test]
    fn mutated_real_token_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut token = real_token("curl-mit-deleg.txt");
        for (i, b) in flips {
            let i = i.index(token.len());
            token[i] = b;
        }
        let _ = evidence::detect(&token);
        let _ = evidence::detect(&token[..cut.index(token.len())]);
        let _ = evidence::detect(format!("Authorization: Negotiate {}", STANDARD.encode(&token)).as_bytes());
    }
}

#[test]
fn powershell_utf16_text_is_read() {
    let line = String::from_utf8(fixture("curl-mit.txt")).unwrap();
    let mut bytes = vec![0xff, 0xfe];
    for u in line.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let d = evidence::detect(&bytes).unwrap();
    assert_eq!(
        d.format,
        format!("HTTP Authorization: Negotiate header → {MIT_FORMAT}")
    );
}

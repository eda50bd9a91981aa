//! KRB-CRED / .kirbi codec: impacket's conversion of the MIT ccache fixture,
//! encrypted and plaintext round trips, typed errors, and property tests (round
//! trip, no panics on any input or on damaged fixtures).

use std::path::Path;

use proptest::prelude::*;
use spnkt::krb::ccache::{self, Credential};
use spnkt::krb::krbcred::{
    self, KEY_USAGE_KRB_CRED, KrbCred, KrbCredError, KrbCredInfo, KrbCredPart,
};
use spnkt::krb::ticket::{self, EncryptedData, Ticket, TicketFlags};
use spnkt::krb::{Enctype, Key, NameType, Principal, crypto};

fn fixture(path: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn mit_service_credential() -> Credential {
    let cc = ccache::parse(&fixture("ccache/mit-v4.ccache")).unwrap();
    cc.credentials
        .into_iter()
        .find(|c| c.server.to_string() == "HTTP/app.mit.test@MIT.TEST")
        .unwrap()
}

// ------------------------------------------------------------------ impacket fixture

#[test]
fn impacket_kirbi_matches_the_mit_credential() {
    let der = fixture("kirbi/mit-service.kirbi");
    let cred = krbcred::parse_krb_cred(&der).unwrap();
    let mit = mit_service_credential();

    // impacket writes the EncKrbCredPart in the clear (etype 0), as Rubeus/mimikatz do.
    assert_eq!(cred.enc_part.etype, Enctype(0));
    assert_eq!(cred.enc_part.kvno, None);
    assert_eq!(cred.tickets.len(), 1);
    // The ticket is the one the MIT KDC issued, unchanged.
    assert_eq!(cred.tickets[0], ticket::parse_ticket(&mit.ticket).unwrap());
    assert_eq!(ticket::encode_ticket(&cred.tickets[0]), mit.ticket);
    assert_eq!(cred.tickets[0].sname.realm, "MIT.TEST");
    assert_eq!(cred.tickets[0].sname.components, ["HTTP", "app.mit.test"]);

    let infos = krbcred::cred_info(&cred, None).unwrap();
    assert_eq!(infos.len(), 1);
    let i = &infos[0];
    assert_eq!(i.key, mit.key);
    assert_eq!(i.client.as_ref(), Some(&mit.client));
    assert_eq!(i.server.as_ref(), Some(&mit.server));
    assert_eq!(i.flags, Some(mit.flags));
    // impacket 0.13 writes no authtime (ccache.py toKRBCRED), the others verbatim.
    assert_eq!(i.authtime, None);
    assert_eq!(i.starttime, Some(i64::from(mit.starttime)));
    assert_eq!(i.endtime, Some(i64::from(mit.endtime)));
    assert_eq!(i.renew_till, Some(i64::from(mit.renew_till)));

    // Same structure and encoding rules as impacket (pyasn1 DER): byte-identical.
    assert_eq!(
        krbcred::encode_krb_cred(&cred.tickets, &infos, None).unwrap(),
        der
    );
}

#[test]
fn rubeus_style_base64_reads_the_same() {
    let der = fixture("kirbi/mit-service.kirbi");
    let b64 = fixture("kirbi/mit-service.kirbi.b64");
    assert_eq!(b64.first(), Some(&b'd'));
    let from_b64 = krbcred::parse_kirbi(&b64).unwrap();
    assert_eq!(from_b64, krbcred::parse_krb_cred(&der).unwrap());
    assert_eq!(krbcred::parse_kirbi(&der).unwrap(), from_b64);
    // Wrapped at 76 columns with CRLFs, as some tools print it.
    let text: String = String::from_utf8(b64.clone()).unwrap();
    let wrapped: Vec<String> = text
        .trim()
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    assert_eq!(
        krbcred::parse_kirbi(wrapped.join("\r\n").as_bytes()).unwrap(),
        from_b64
    );
}

// ------------------------------------------------------------------ encrypted parts

fn sample_infos() -> Vec<KrbCredInfo> {
    vec![KrbCredInfo {
        key: Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, (0..32).collect()),
        client: Some(Principal::parse("alice@EXAMPLE.TEST").unwrap()),
        flags: Some(TicketFlags(0x6081_0000)),
        authtime: Some(1_700_000_000),
        starttime: Some(1_700_000_001),
        endtime: Some(1_700_036_000),
        renew_till: None,
        server: Some(
            Principal::parse("krbtgt/EXAMPLE.TEST@EXAMPLE.TEST")
                .unwrap()
                .with_name_type(NameType::SRV_INST),
        ),
    }]
}

fn sample_ticket() -> Ticket {
    Ticket {
        sname: Principal::parse("krbtgt/EXAMPLE.TEST@EXAMPLE.TEST")
            .unwrap()
            .with_name_type(NameType::SRV_INST),
        enc_part: EncryptedData {
            etype: Enctype::AES256_CTS_HMAC_SHA1_96,
            kvno: Some(2),
            cipher: vec![0xAA; 60],
        },
    }
}

#[test]
fn encrypted_round_trip_and_key_errors() {
    let key = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![7; 32]);
    let der = krbcred::encode_krb_cred(&[sample_ticket()], &sample_infos(), Some((&key, &[1; 16])))
        .unwrap();
    let cred = krbcred::parse_krb_cred(&der).unwrap();
    assert_eq!(cred.enc_part.etype, key.enctype());
    assert_eq!(cred.tickets, [sample_ticket()]);
    assert_eq!(
        krbcred::cred_info(&cred, Some(&key)).unwrap(),
        sample_infos()
    );
    // The cipher is the plain encoding encrypted with usage 14.
    let plain = crypto::decrypt(&key, KEY_USAGE_KRB_CRED, &cred.enc_part.cipher).unwrap();
    let clear = krbcred::parse_krb_cred(
        &krbcred::encode_krb_cred(&[sample_ticket()], &sample_infos(), None).unwrap(),
    )
    .unwrap();
    assert_eq!(*plain, clear.enc_part.cipher);

    let e = krbcred::cred_info(&cred, None).unwrap_err();
    assert_eq!(
        e,
        KrbCredError::MissingKey {
            etype: Enctype::AES256_CTS_HMAC_SHA1_96
        }
    );
    assert!(e.to_string().contains("aes256-cts-hmac-sha1-96"), "{e}");
    let wrong = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![8; 32]);
    assert_eq!(
        krbcred::cred_info(&cred, Some(&wrong)),
        Err(KrbCredError::Crypto(
            crypto::CryptoError::IntegrityCheckFailed
        ))
    );
    let rc4 = Key::new(Enctype::RC4_HMAC, vec![7; 16]);
    assert_eq!(
        krbcred::cred_info(&cred, Some(&rc4)),
        Err(KrbCredError::WrongKeyEnctype {
            etype: Enctype::AES256_CTS_HMAC_SHA1_96,
            key_enctype: Enctype::RC4_HMAC
        })
    );
    // A plaintext part ignores any key given.
    assert_eq!(
        krbcred::cred_info(&clear, Some(&rc4)).unwrap(),
        sample_infos()
    );
}

#[test]
fn times_flags_and_names_edge_cases() {
    let mut infos = sample_infos();
    infos[0].authtime = Some(-62_167_219_200); // 0000-01-01T00:00:00Z
    infos[0].endtime = Some(253_402_300_799); // 9999-12-31T23:59:59Z
    infos[0].starttime = Some(951_782_400); // 2000-02-29
    infos[0].flags = Some(TicketFlags(0x8000_0001));
    infos[0].client = Some(Principal::new(NameType(-128), vec![], String::new()));
    infos[0].server = None;
    let der = krbcred::encode_krb_cred(&[], &infos, None).unwrap();
    let back = krbcred::cred_info(&krbcred::parse_krb_cred(&der).unwrap(), None).unwrap();
    assert_eq!(back, infos);
    // The bytes: 2000-02-29 as a KerberosTime.
    let needle = b"20000229000000Z";
    assert!(der.windows(needle.len()).any(|w| w == needle));

    infos[0].endtime = Some(253_402_300_800);
    assert!(matches!(
        krbcred::encode_krb_cred(&[], &infos, None),
        Err(KrbCredError::NotEncodable { .. })
    ));
}

// ------------------------------------------------------------------ typed errors

/// The etype-0 KRB-CRED around a given EncKrbCredPart DER.
fn wrap_plain(part: &[u8]) -> KrbCred {
    KrbCred {
        tickets: vec![],
        enc_part: EncryptedData {
            etype: Enctype(0),
            kvno: None,
            cipher: part.to_vec(),
        },
    }
}

#[test]
fn typed_errors_not_panics() {
    let der = fixture("kirbi/mit-service.kirbi");

    let mut trailing = der.clone();
    trailing.push(0);
    assert_eq!(
        krbcred::parse_krb_cred(&trailing),
        Err(KrbCredError::TrailingBytes {
            part: KrbCredPart::KrbCred,
            offset: der.len(),
            count: 1
        })
    );
    for cut in 0..der.len() {
        let e = krbcred::parse_krb_cred(&der[..cut]).unwrap_err();
        assert!(e.offset().unwrap() <= cut, "{e}");
    }
    assert!(matches!(
        krbcred::parse_krb_cred(&[0x30, 0]),
        Err(KrbCredError::UnexpectedTag {
            offset: 0,
            found: 0x30,
            ..
        })
    ));
    // Indefinite length (BER, not DER).
    assert!(matches!(
        krbcred::parse_krb_cred(&[0x76, 0x80, 0, 0]),
        Err(KrbCredError::BadValue { offset: 1, .. })
    ));
    // A length far past the end: typed, nothing allocated.
    assert!(matches!(
        krbcred::parse_krb_cred(&[0x76, 0x84, 0xff, 0xff, 0xff, 0xff]),
        Err(KrbCredError::Truncated {
            offset: 6,
            needed: 0xffff_ffff,
            available: 0,
            ..
        })
    ));

    // Month 13 in a KerberosTime (red_asn1 0.3 panics on this one).
    let good = krbcred::encode_krb_cred(&[], &sample_infos(), None).unwrap();
    let cred = krbcred::parse_krb_cred(&good).unwrap();
    let mut part = cred.enc_part.cipher.clone();
    let at = part
        .windows(15)
        .position(|w| w == b"20231114221320Z")
        .unwrap();
    part[at + 4..at + 6].copy_from_slice(b"13");
    let e = krbcred::cred_info(&wrap_plain(&part), None).unwrap_err();
    assert_eq!(
        e,
        KrbCredError::BadValue {
            part: KrbCredPart::EncKrbCredPart,
            offset: at,
            field: "authtime",
            problem: "is not a YYYYMMDDHHMMSSZ KerberosTime"
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "the EncKrbCredPart is malformed at byte offset {at}: the authtime is not a YYYYMMDDHHMMSSZ KerberosTime"
        )
    );

    // Non-UTF-8 realm.
    let mut part = cred.enc_part.cipher.clone();
    let at = part.windows(12).position(|w| w == b"EXAMPLE.TEST").unwrap();
    part[at + 2] = 0xff;
    assert_eq!(
        krbcred::cred_info(&wrap_plain(&part), None),
        Err(KrbCredError::InvalidUtf8 {
            part: KrbCredPart::EncKrbCredPart,
            offset: at + 2,
            field: "prealm"
        })
    );

    // A broken ticket inside the KRB-CRED names its index and offset.
    let mut bad_ticket = der.clone();
    let t_at = bad_ticket
        .windows(2)
        .position(|w| w == [0x61, 0x82])
        .unwrap();
    let vno = t_at + 12; // 61 82 LL LL 30 82 LL LL a0 03 02 01 05
    assert_eq!(&bad_ticket[vno - 4..=vno], [0xa0, 3, 2, 1, 5]);
    bad_ticket[vno] = 4;
    assert!(matches!(
        krbcred::parse_krb_cred(&bad_ticket),
        Err(KrbCredError::Ticket { index: 0, offset, .. }) if offset == t_at
    ));

    for e in [
        krbcred::parse_krb_cred(&[]).unwrap_err(),
        krbcred::parse_krb_cred(&[0x76, 0x80]).unwrap_err(),
        krbcred::parse_krb_cred(&bad_ticket).unwrap_err(),
        KrbCredError::MissingKey {
            etype: Enctype::RC4_HMAC,
        },
    ] {
        let m = e.to_string();
        assert!(m.chars().next().unwrap().is_lowercase(), "{m}");
    }
}

// ------------------------------------------------------------------ properties

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9./@:-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

fn arb_principal() -> impl Strategy<Value = Principal> {
    (
        any::<i32>(),
        prop::collection::vec(arb_string(), 0..4),
        arb_string(),
    )
        .prop_map(|(t, components, realm)| Principal::new(NameType(t), components, realm))
}

fn arb_time() -> impl Strategy<Value = Option<i64>> {
    prop::option::of(-62_167_219_200i64..=253_402_300_799)
}

fn arb_info() -> impl Strategy<Value = KrbCredInfo> {
    (
        (any::<i32>(), prop::collection::vec(any::<u8>(), 0..40)),
        prop::option::of(arb_principal()),
        prop::option::of(any::<u32>().prop_map(TicketFlags)),
        (arb_time(), arb_time(), arb_time(), arb_time()),
        prop::option::of(arb_principal()),
    )
        .prop_map(
            |((kt, kv), client, flags, (authtime, starttime, endtime, renew_till), server)| {
                KrbCredInfo {
                    key: Key::new(Enctype(kt), kv),
                    client,
                    flags,
                    authtime,
                    starttime,
                    endtime,
                    renew_till,
                    server,
                }
            },
        )
}

fn arb_ticket() -> impl Strategy<Value = Ticket> {
    (
        arb_principal(),
        any::<i32>(),
        prop::option::of(any::<u32>()),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(sname, etype, kvno, cipher)| Ticket {
            sname,
            enc_part: EncryptedData {
                etype: Enctype(etype),
                kvno,
                cipher,
            },
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_krb_cred_round_trips(
        tickets in prop::collection::vec(arb_ticket(), 0..3),
        infos in prop::collection::vec(arb_info(), 0..3),
        encrypt in any::<bool>(),
    ) {
        let key = Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![3; 16]);
        let der = krbcred::encode_krb_cred(
            &tickets,
            &infos,
            encrypt.then_some((&key, &[9u8; 16][..])),
        )
        .unwrap();
        let cred = krbcred::parse_krb_cred(&der).unwrap();
        prop_assert_eq!(&cred.tickets, &tickets);
        prop_assert_eq!(krbcred::cred_info(&cred, Some(&key)).unwrap(), infos.clone());
        if !encrypt {
            // The encoding is canonical: re-encoding gives the same bytes.
            prop_assert_eq!(krbcred::encode_krb_cred(&cred.tickets, &infos, None).unwrap(), der);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = krbcred::parse_krb_cred(&bytes);
        let _ = krbcred::parse_kirbi(&bytes);
        let _ = krbcred::cred_info(&wrap_plain(&bytes), None);
        // With plausible outer tags, to get further in.
        for tag in [0x76u8, 0x7d] {
            let mut b = vec![tag, 0x81, bytes.len().min(255) as u8];
            b.extend_from_slice(&bytes);
            let _ = krbcred::parse_krb_cred(&b);
            let _ = krbcred::cred_info(&wrap_plain(&b), None);
        }
    }

    #[test]
    fn damaged_fixtures_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        in_part in any::<bool>(),
    ) {
        let der = fixture("kirbi/mit-service.kirbi");
        let mut bytes = if in_part {
            krbcred::parse_krb_cred(&der).unwrap().enc_part.cipher
        } else {
            der
        };
        for (i, v) in &flips {
            let i = i.index(bytes.len());
            bytes[i] ^= v | 1;
        }
        let cut = cut.index(bytes.len());
        for b in [&bytes[..], &bytes[..cut]] {
            let r = if in_part {
                krbcred::cred_info(&wrap_plain(b), None).map(|_| ())
            } else {
                krbcred::parse_krb_cred(b).and_then(|c| krbcred::cred_info(&c, None)).map(|_| ())
            };
            if let Err(e) = r {
                prop_assert!(e.offset().is_none_or(|o| o <= b.len()), "{}", e);
            }
        }
    }
}

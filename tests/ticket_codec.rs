//! Ticket and AP-REQ codecs: real MIT KDC tickets (tests/fixtures/ticket, made by
//! make-fixtures.sh) decrypted with their keytabs, round trips of the corner cases
//! a KDC will not issue, GSS checksums, MIT keyed-checksum vectors, and property
//! tests that no input makes a parser panic.

use proptest::prelude::*;
use spnkt::krb::ap_req::{
    self, ApReq, ApReqError, Authenticator, GSS_CHECKSUM_TYPE, GssChecksum, GssFlags,
};
use spnkt::krb::crypto::checksum::{self, ChecksumError};
use spnkt::krb::crypto::{self, CryptoError};
use spnkt::krb::keytab;
use spnkt::krb::pac;
use spnkt::krb::ticket::{
    self, AuthorizationDataEntry, EncTicketPart, EncryptedData, Ticket, TicketError, TicketFlags,
};
use spnkt::krb::{Enctype, Key, NameType, Principal};

const MIT_AES_TICKET: &[u8] = include_bytes!("fixtures/ticket/mit-aes256.ticket");
const MIT_RC4_TICKET: &[u8] = include_bytes!("fixtures/ticket/mit-rc4.ticket");
const MIT_HTTP_KEYTAB: &[u8] = include_bytes!("fixtures/ticket/mit-http.keytab");
const MIT_RC4_KEYTAB: &[u8] = include_bytes!("fixtures/ticket/mit-rc4.keytab");
const MIT_TICKETS_TXT: &str = include_str!("fixtures/ticket/mit-tickets.txt");

fn rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
        .collect()
}

fn hex(s: &str) -> Vec<u8> {
    if s == "-" {
        return Vec::new();
    }
    hex::decode(s).unwrap()
}

fn keytab_key(kt: &[u8], enctype: Enctype) -> Key {
    keytab::parse(kt)
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.key.enctype() == enctype)
        .unwrap()
        .key
}

/// `name=value` fields from the extract_ticket.py line for `service`.
fn recorded(service: &str) -> std::collections::HashMap<String, String> {
    let line = MIT_TICKETS_TXT
        .lines()
        .find(|l| l.contains(&format!("-> {service}:")))
        .unwrap();
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn principal(s: &str, nt: i32) -> Principal {
    Principal::parse(s).unwrap().with_name_type(NameType(nt))
}

// ---------------------------------------------------------------- real MIT tickets

fn check_mit_ticket(der: &[u8], service: &str, kt: &[u8], enctype: Enctype) -> EncTicketPart {
    let t = ticket::parse_ticket(der).unwrap();
    assert_eq!(t.sname.to_string(), service);
    assert_eq!(t.sname.name_type, NameType::PRINCIPAL);
    assert_eq!(t.enc_part.etype, enctype);
    assert_eq!(t.enc_part.kvno, Some(1));
    // DER re-encodes byte for byte.
    assert_eq!(ticket::encode_ticket(&t), der);

    let part = ticket::decrypt_ticket(&t, &keytab_key(kt, enctype)).unwrap();
    let rec = recorded(service);
    assert_eq!(part.client.to_string(), "alice@MIT.TEST");
    assert_eq!(
        part.flags.0,
        u32::from_str_radix(rec["flags"].trim_start_matches("0x"), 16).unwrap()
    );
    assert_eq!(part.authtime.to_string(), rec["authtime"]);
    // MIT's KDC leaves starttime out of non-postdated tickets (the ccache then
    // records authtime as the start): a real "no starttime" ticket.
    assert_eq!(part.starttime, None);
    assert_eq!(rec["starttime"], rec["authtime"]);
    assert_eq!(part.endtime.to_string(), rec["endtime"]);
    assert_eq!(part.renew_till.unwrap().to_string(), rec["renew_till"]);
    // klist -f printed "FRT": forwardable, renewable, transited-policy-checked;
    // MIT 1.20 also sets enc-pa-rep (bit 15), which klist does not print.
    assert_eq!(
        part.flags.names(),
        [
            "forwardable",
            "renewable",
            "transited-policy-checked",
            "enc-pa-rep"
        ]
    );
    assert_eq!(part.session_key.enctype(), Enctype::AES256_CTS_HMAC_SHA1_96);
    // Re-encoding the decrypted part gives MIT's plaintext back.
    let key = keytab_key(kt, enctype);
    let plain = crypto::decrypt(&key, 2, &t.enc_part.cipher).unwrap();
    assert_eq!(*ticket::encode_enc_ticket_part(&part), *plain);
    part
}

#[test]
fn mit_aes256_ticket_decrypts_and_has_a_signed_pac() {
    let part = check_mit_ticket(
        MIT_AES_TICKET,
        "HTTP/app.mit.test@MIT.TEST",
        MIT_HTTP_KEYTAB,
        Enctype::AES256_CTS_HMAC_SHA1_96,
    );
    let key = keytab_key(MIT_HTTP_KEYTAB, Enctype::AES256_CTS_HMAC_SHA1_96);
    let pac = pac::parse_pac(part.pac().expect("MIT 1.20 adds a PAC")).unwrap();
    // Client info, ticket signature (MS-PAC 2.8.3, left in place when the server
    // signature is checked), server and KDC signatures.
    let types: Vec<u32> = pac.buffers.iter().map(|b| b.ty).collect();
    assert_eq!(types, [10, 16, 6, 7]);
    pac.verify_server_checksum(&key).unwrap();
    let sig = pac.signature(pac::PAC_SERVER_CHECKSUM).unwrap().unwrap();
    assert_eq!(sig.signature_type, 16);
    let ci = pac.client_info().unwrap().unwrap();
    assert_eq!(ci.name, "alice");
    assert_eq!(ci.unix_time(), part.authtime);
    assert!(pac.logon_info().is_none(), "MIT puts no logon info in");
    // The AES128 key of the same principal is another key.
    let aes128 = keytab_key(MIT_HTTP_KEYTAB, Enctype::AES128_CTS_HMAC_SHA1_96);
    assert_eq!(
        pac.verify_server_checksum(&aes128),
        Err(pac::PacError::WrongSignatureType {
            signature_type: 16,
            enctype: Enctype::AES128_CTS_HMAC_SHA1_96
        })
    );
    let wrong = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![9; 32]);
    assert_eq!(
        pac.verify_server_checksum(&wrong),
        Err(pac::PacError::ServerChecksumMismatch)
    );
}

#[test]
fn mit_rc4_ticket_decrypts_and_has_a_signed_pac() {
    let part = check_mit_ticket(
        MIT_RC4_TICKET,
        "HTTP/rc4.mit.test@MIT.TEST",
        MIT_RC4_KEYTAB,
        Enctype::RC4_HMAC,
    );
    let key = keytab_key(MIT_RC4_KEYTAB, Enctype::RC4_HMAC);
    let pac = pac::parse_pac(part.pac().unwrap()).unwrap();
    assert_eq!(
        pac.signature(pac::PAC_SERVER_CHECKSUM)
            .unwrap()
            .unwrap()
            .signature_type,
        -138
    );
    pac.verify_server_checksum(&key).unwrap();
}

#[test]
fn wrong_key_is_integrity_check_failed() {
    let t = ticket::parse_ticket(MIT_AES_TICKET).unwrap();
    let wrong = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![0x42; 32]);
    assert!(matches!(
        ticket::decrypt_ticket(&t, &wrong),
        Err(TicketError::Crypto(CryptoError::IntegrityCheckFailed))
    ));
    let aes128 = keytab_key(MIT_HTTP_KEYTAB, Enctype::AES128_CTS_HMAC_SHA1_96);
    assert_eq!(
        ticket::decrypt_ticket(&t, &aes128),
        Err(TicketError::EnctypeMismatch {
            ticket: Enctype::AES256_CTS_HMAC_SHA1_96,
            key: Enctype::AES128_CTS_HMAC_SHA1_96
        })
    );
    assert_eq!(
        ticket::decrypt_ticket(&t, &aes128).unwrap_err().to_string(),
        "the ticket is encrypted with aes256-cts-hmac-sha1-96 but the key is aes128-cts-hmac-sha1-96"
    );
}

#[test]
fn trailing_bytes_and_truncation_are_rejected() {
    let mut long = MIT_AES_TICKET.to_vec();
    long.push(0);
    assert!(matches!(
        ticket::parse_ticket(&long),
        Err(TicketError::Der(ticket::DerError::TrailingBytes { .. }))
    ));
    for n in 0..MIT_AES_TICKET.len() {
        assert!(ticket::parse_ticket(&MIT_AES_TICKET[..n]).is_err(), "{n}");
    }
    let e = ticket::parse_ticket(&[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed ticket: the Ticket is truncated at byte offset 0: it needs 1 bytes but only 0 remain"
    );
}

// ---------------------------------------------------------------- built tickets

fn part(client: &str, session: Key) -> EncTicketPart {
    EncTicketPart {
        flags: TicketFlags(
            TicketFlags::FORWARDABLE | TicketFlags::RENEWABLE | TicketFlags::PRE_AUTHENT,
        ),
        session_key: session,
        client: principal(client, 1),
        transited_type: 1,
        transited: Vec::new(),
        authtime: 1_700_000_000,
        starttime: Some(1_700_000_000),
        endtime: 1_700_036_000,
        renew_till: Some(1_700_604_800),
        authorization_data: Vec::new(),
    }
}

fn service_key(enctype: Enctype) -> Key {
    Key::new(enctype, (0..enctype.key_len().unwrap() as u8).collect())
}

fn confounder(enctype: Enctype) -> Vec<u8> {
    vec![0x5a; crypto::confounder_len(enctype).unwrap()]
}

fn round_trip(p: &EncTicketPart, key: &Key, kvno: Option<u32>) -> (Ticket, EncTicketPart) {
    let sname = principal("HTTP/app1.example.com@EXAMPLE.COM", 3);
    let t = ticket::encrypt_ticket(&sname, p, key, kvno, &confounder(key.enctype())).unwrap();
    let der = ticket::encode_ticket(&t);
    let back = ticket::parse_ticket(&der).unwrap();
    assert_eq!(back, t);
    let dec = ticket::decrypt_ticket(&back, key).unwrap();
    assert_eq!(&dec, p);
    (back, dec)
}

#[test]
fn rc4_ticket_with_pac_round_trips() {
    let key = service_key(Enctype::RC4_HMAC);
    let kdc = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![7; 32]);
    let pac_bytes = pac::build_pac(
        &[pac::PacBuffer {
            ty: pac::PAC_CLIENT_INFO,
            data: vec![0; 10],
        }],
        &key,
        &kdc,
    )
    .unwrap();
    let mut p = part(
        "alice@EXAMPLE.COM",
        Key::new(Enctype::RC4_HMAC, vec![3; 16]),
    );
    p.authorization_data = vec![ticket::pac_authorization_data(&pac_bytes)];
    let (t, dec) = round_trip(&p, &key, Some(3));
    assert_eq!(t.enc_part.etype, Enctype::RC4_HMAC);
    assert_eq!(dec.pac(), Some(&pac_bytes[..]));
    let parsed = pac::parse_pac(dec.pac().unwrap()).unwrap();
    parsed.verify_server_checksum(&key).unwrap();
    parsed.verify_kdc_checksum(&kdc).unwrap();
}

#[test]
fn max_kvno_no_pac_no_starttime_round_trips() {
    let key = service_key(Enctype::AES128_CTS_HMAC_SHA1_96);
    let mut p = part(
        "bob@EXAMPLE.COM",
        Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![1; 16]),
    );
    p.starttime = None;
    p.renew_till = None;
    let (t, dec) = round_trip(&p, &key, Some(u32::MAX));
    assert_eq!(t.enc_part.kvno, Some(4_294_967_295));
    assert_eq!(dec.pac(), None);
    assert_eq!(dec.starttime, None);
    let (t, _) = round_trip(&p, &key, None);
    assert_eq!(t.enc_part.kvno, None);
}

#[test]
fn expired_ticket_round_trips_with_its_times() {
    let key = service_key(Enctype::AES256_CTS_HMAC_SHA1_96);
    let mut p = part(
        "carol@EXAMPLE.COM",
        service_key(Enctype::AES256_CTS_HMAC_SHA1_96),
    );
    p.authtime = 946_684_800; // 2000-01-01
    p.starttime = Some(946_684_800);
    p.endtime = 946_720_800;
    p.renew_till = None;
    let (_, dec) = round_trip(&p, &key, Some(2));
    assert!(dec.endtime < 1_700_000_000);
}

#[test]
fn pac_only_inside_if_relevant_or_bare() {
    let mut p = part("d@E", Key::new(Enctype::RC4_HMAC, vec![0; 16]));
    p.authorization_data = vec![
        AuthorizationDataEntry {
            ad_type: 1,
            data: ticket::encode_authorization_data(&[AuthorizationDataEntry {
                ad_type: 141,
                data: vec![1, 2],
            }]),
        },
        AuthorizationDataEntry {
            ad_type: 1,
            data: vec![0xff],
        },
    ];
    assert_eq!(p.pac(), None);
    p.authorization_data
        .push(ticket::pac_authorization_data(b"PACDATA"));
    assert_eq!(p.pac(), Some(&b"PACDATA"[..]));
    p.authorization_data = vec![AuthorizationDataEntry {
        ad_type: 128,
        data: b"BARE".to_vec(),
    }];
    assert_eq!(p.pac(), Some(&b"BARE"[..]));
}

#[test]
fn ticket_flag_names() {
    assert_eq!(TicketFlags(0).names(), Vec::<String>::new());
    assert_eq!(
        TicketFlags(0x4021_0000 | TicketFlags::OK_AS_DELEGATE | TicketFlags::RENEWABLE).names(),
        [
            "forwardable",
            "renewable",
            "pre-authent",
            "ok-as-delegate",
            "enc-pa-rep"
        ]
    );
    assert_eq!(
        TicketFlags(0x8002_0001).names(),
        ["bit-0", "bit-14", "bit-31"]
    );
    assert_eq!(TicketFlags(TicketFlags::ANONYMOUS).names(), ["anonymous"]);
    assert_eq!(TicketFlags(u32::MAX).names().len(), 32);
}

// ---------------------------------------------------------------- AP-REQ

fn authenticator(checksum: Option<ap_req::Checksum>) -> Authenticator {
    Authenticator {
        client: principal("alice@EXAMPLE.COM", 1),
        checksum,
        cusec: 123_456,
        ctime: 1_700_000_100,
        subkey: Some(Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![8; 32])),
        seq_number: Some(0xdead_beef),
    }
}

fn ap_req_with(cksum: ap_req::Checksum) -> (ApReq, Key) {
    let session = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![4; 32]);
    let t = ticket::parse_ticket(MIT_AES_TICKET).unwrap();
    let auth = authenticator(Some(cksum));
    let enc = ap_req::encrypt_authenticator(&auth, &session, &[1; 16]).unwrap();
    (
        ApReq {
            ap_options: ap_req::AP_OPTION_MUTUAL_REQUIRED,
            ticket: t,
            authenticator: enc,
        },
        session,
    )
}

#[test]
fn ap_req_with_gss_checksum_without_delegation() {
    let flags = GssFlags(GssFlags::MUTUAL | GssFlags::SEQUENCE | GssFlags::CONF | GssFlags::INTEG);
    let (req, session) = ap_req_with(ap_req::gss_checksum(flags, None));
    let der = ap_req::encode_ap_req(&req);
    let back = ap_req::parse_ap_req(&der).unwrap();
    assert_eq!(back, req);
    let auth = ap_req::decrypt_authenticator(&back, &session).unwrap();
    assert_eq!(auth, authenticator(Some(ap_req::gss_checksum(flags, None))));
    let gss = ap_req::parse_gss_checksum(auth.checksum.as_ref().unwrap()).unwrap();
    assert_eq!(
        gss,
        GssChecksum {
            channel_bindings: [0; 16],
            flags,
            delegation: None
        }
    );
    assert_eq!(gss.flags.names(), ["mutual", "sequence", "conf", "integ"]);
    let wrong = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![5; 32]);
    assert_eq!(
        ap_req::decrypt_authenticator(&back, &wrong),
        Err(ApReqError::Crypto(CryptoError::IntegrityCheckFailed))
    );
    let rc4 = Key::new(Enctype::RC4_HMAC, vec![5; 16]);
    assert!(matches!(
        ap_req::decrypt_authenticator(&back, &rc4),
        Err(ApReqError::EnctypeMismatch { .. })
    ));
}

#[test]
fn ap_req_with_gss_checksum_and_delegation() {
    // A stand-in KRB-CRED: [APPLICATION 22] with an empty body is enough here;
    // the GSS checksum carries it opaquely.
    let cred = vec![0x76, 0x03, 0x30, 0x01, 0x00];
    let flags = GssFlags(GssFlags::MUTUAL | GssFlags::DCE_STYLE);
    let c = ap_req::gss_checksum(flags, Some(&cred));
    assert_eq!(c.cksumtype, GSS_CHECKSUM_TYPE);
    assert_eq!(c.data.len(), 28 + cred.len());
    let (req, session) = ap_req_with(c);
    let back = ap_req::parse_ap_req(&ap_req::encode_ap_req(&req)).unwrap();
    let auth = ap_req::decrypt_authenticator(&back, &session).unwrap();
    let gss = ap_req::parse_gss_checksum(auth.checksum.as_ref().unwrap()).unwrap();
    assert!(gss.flags.contains(GssFlags::DELEG));
    assert_eq!(gss.flags.names(), ["deleg", "mutual", "dce-style"]);
    assert_eq!(gss.delegation.as_deref(), Some(&cred[..]));
}

#[test]
fn gss_checksum_errors() {
    let ok = ap_req::gss_checksum(GssFlags(GssFlags::MUTUAL), Some(&[1, 2, 3]));
    let with = |data: Vec<u8>| ap_req::Checksum {
        cksumtype: GSS_CHECKSUM_TYPE,
        data,
    };
    assert_eq!(
        ap_req::parse_gss_checksum(&ap_req::Checksum {
            cksumtype: 16,
            data: ok.data.clone()
        }),
        Err(ApReqError::NotGssChecksum(16))
    );
    for n in 0..24 {
        assert_eq!(
            ap_req::parse_gss_checksum(&with(ok.data[..n].to_vec())),
            Err(ApReqError::GssChecksumTooShort(n))
        );
    }
    // DELEG with nothing after the flags: no delegation (as MIT accepts it).
    let bare = ap_req::parse_gss_checksum(&with(ok.data[..24].to_vec())).unwrap();
    assert!(bare.flags.contains(GssFlags::DELEG));
    assert_eq!(bare.delegation, None);
    for n in 25..ok.data.len() {
        assert!(matches!(
            ap_req::parse_gss_checksum(&with(ok.data[..n].to_vec())),
            Err(ApReqError::DelegationTruncated { .. })
        ));
    }
    let mut bad = ok.data.clone();
    bad[0] = 17;
    assert_eq!(
        ap_req::parse_gss_checksum(&with(bad)),
        Err(ApReqError::BadBindingsLength(17))
    );
    let mut bad = ok.data.clone();
    bad[24] = 2;
    assert_eq!(
        ap_req::parse_gss_checksum(&with(bad)),
        Err(ApReqError::BadDelegationOption(2))
    );
    // Extensions after the delegation are ignored.
    let mut ext = ok.data.clone();
    ext.extend_from_slice(&[0; 12]);
    assert_eq!(
        ap_req::parse_gss_checksum(&with(ext)).unwrap().delegation,
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        GssFlags(
            0x10000
                | GssFlags::TRANS
                | GssFlags::DELEG_POLICY
                | GssFlags::EXTENDED_ERROR
                | GssFlags::IDENTIFY
                | GssFlags::ANON
                | GssFlags::REPLAY
        )
        .names(),
        [
            "replay",
            "anon",
            "trans",
            "identify",
            "extended-error",
            "deleg-policy",
            "0x10000"
        ]
    );
}

#[test]
fn ap_req_rejects_other_messages() {
    let (req, _) = ap_req_with(ap_req::gss_checksum(GssFlags(0), None));
    let der = ap_req::encode_ap_req(&req);
    // msg-type 14 sits at a fixed place right after pvno: [1] INTEGER 14.
    let at = der
        .windows(5)
        .position(|w| w == [0xa1, 0x03, 0x02, 0x01, 0x0e])
        .unwrap();
    let mut other = der.clone();
    other[at + 4] = 15;
    assert_eq!(
        ap_req::parse_ap_req(&other),
        Err(ApReqError::BadMessageType(15))
    );
    assert!(ap_req::parse_ap_req(MIT_AES_TICKET).is_err());
    let mut long = der.clone();
    long.push(0);
    assert!(ap_req::parse_ap_req(&long).is_err());
}

// ---------------------------------------------------------------- checksums

#[test]
fn mit_t_cksums_known_answers() {
    let rows = rows(include_str!("vectors/mit_t_cksums.txt"));
    assert_eq!(rows.len(), 3);
    for r in rows {
        let (ty, et, usage) = (
            r[0].parse::<i32>().unwrap(),
            r[1].parse().unwrap(),
            r[2].parse().unwrap(),
        );
        let key = Key::new(Enctype(et), hex(r[4]));
        let data = hex(r[3]);
        let expected = hex(r[5]);
        let c = checksum::make_checksum(&key, usage, &data).unwrap();
        assert_eq!(c.cksumtype, ty);
        assert_eq!(c.data, expected, "type {ty}");
        checksum::verify_checksum(&key, usage, ty, &data, &expected).unwrap();
        let mut bad = expected.clone();
        bad[0] ^= 1;
        assert_eq!(
            checksum::verify_checksum(&key, usage, ty, &data, &bad),
            Err(ChecksumError::Mismatch)
        );
        assert_eq!(
            checksum::verify_checksum(&key, usage + 1, ty, &data, &expected),
            Err(ChecksumError::Mismatch)
        );
        assert!(matches!(
            checksum::verify_checksum(&key, usage, 1, &data, &expected),
            Err(ChecksumError::WrongType { cksumtype: 1, .. })
        ));
    }
    let des3 = Key::new(Enctype::DES3_CBC_SHA1, vec![0; 24]);
    assert_eq!(
        checksum::make_checksum(&des3, 1, b""),
        Err(CryptoError::UnsupportedEnctype(Enctype::DES3_CBC_SHA1))
    );
}

// ---------------------------------------------------------------- no panics

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(i, b) in edits {
        let n = v.len();
        if n > 0 {
            v[i % n] = b;
        }
    }
    v.truncate(cut.min(v.len()).max(v.len().saturating_sub(cut)));
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = ticket::parse_ticket(&bytes);
        let _ = ticket::parse_enc_ticket_part(&bytes);
        let _ = ap_req::parse_ap_req(&bytes);
        let _ = ap_req::parse_authenticator(&bytes);
        let _ = ap_req::parse_gss_checksum(&ap_req::Checksum { cksumtype: GSS_CHECKSUM_TYPE, data: bytes.clone() });
        let _ = pac::parse_pac(&bytes).map(|p| (p.logon_info(), p.client_info()));
    }

    #[test]
    fn mutated_real_tickets_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in 0usize..600,
    ) {
        let t = mutate(MIT_AES_TICKET, &edits, cut);
        if let Ok(parsed) = ticket::parse_ticket(&t) {
            prop_assert_eq!(ticket::parse_ticket(&ticket::encode_ticket(&parsed)).unwrap(), parsed);
        }
        // Mutate the decrypted plaintext too (the part after a successful decrypt).
        let key = keytab_key(MIT_HTTP_KEYTAB, Enctype::AES256_CTS_HMAC_SHA1_96);
        let plain = crypto::decrypt(&key, 2, &ticket::parse_ticket(MIT_AES_TICKET).unwrap().enc_part.cipher).unwrap();
        let p = mutate(&plain, &edits, cut);
        if let Ok(part) = ticket::parse_enc_ticket_part(&p) {
            if let Some(pac) = part.pac() {
                if let Ok(pac) = pac::parse_pac(pac) {
                    let _ = pac.verify_server_checksum(&key);
                    let _ = pac.client_info();
                }
            }
        }
    }

    #[test]
    fn built_tickets_round_trip(
        flags in any::<u32>(),
        kvno in proptest::option::of(any::<u32>()),
        authtime in 0i64..253_402_300_799,
        start in proptest::option::of(0i64..253_402_300_799),
        name in "[a-z]{1,8}",
        etype in 0usize..3,
    ) {
        let enctype = Enctype::SUPPORTED[etype];
        let key = service_key(enctype);
        let mut p = part(&format!("{name}@EXAMPLE.COM"), service_key(enctype));
        p.flags = TicketFlags(flags);
        p.authtime = authtime;
        p.starttime = start;
        let (t, dec) = round_trip(&p, &key, kvno);
        prop_assert_eq!(t.enc_part.kvno, kvno);
        prop_assert_eq!(dec, p);
    }
}

fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let v = parts.concat();
    assert!(v.len() < 128);
    let mut out = vec![tag, v.len() as u8];
    out.extend(v);
    out
}

#[test]
fn encrypted_data_kvno_accepts_negative_int32() {
    // Old encoders wrote kvno as a negative Int32: -1 reads as 4294967295.
    let ticket_with_kvno = |kvno: &[u8]| {
        let sname = tlv(
            0x30,
            &[
                &tlv(0xa0, &[&[2, 1, 2]]),
                &tlv(
                    0xa1,
                    &[&tlv(0x30, &[&tlv(0x1b, &[b"a"]), &tlv(0x1b, &[b"b"])])],
                ),
            ],
        );
        let enc = tlv(
            0x30,
            &[
                &tlv(0xa0, &[&[2, 1, 18]]),
                &tlv(0xa1, &[kvno]),
                &tlv(0xa2, &[&tlv(4, &[&[1, 2, 3]])]),
            ],
        );
        tlv(
            0x61,
            &[&tlv(
                0x30,
                &[
                    &tlv(0xa0, &[&[2, 1, 5]]),
                    &tlv(0xa1, &[&tlv(0x1b, &[b"R"])]),
                    &tlv(0xa2, &[&sname]),
                    &tlv(0xa3, &[&enc]),
                ],
            )],
        )
    };
    let t = Ticket {
        sname: principal("a/b@R", 2),
        enc_part: EncryptedData {
            etype: Enctype(18),
            kvno: Some(u32::MAX),
            cipher: vec![1, 2, 3],
        },
    };
    let canonical = ticket_with_kvno(&[2, 5, 0, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(ticket::encode_ticket(&t), canonical);
    assert_eq!(ticket::parse_ticket(&canonical).unwrap(), t);
    assert_eq!(
        ticket::parse_ticket(&ticket_with_kvno(&[2, 1, 0xff])).unwrap(),
        t
    );
    // Below i32::MIN is no kvno at all.
    assert!(ticket::parse_ticket(&ticket_with_kvno(&[2, 5, 0xff, 0, 0, 0, 0])).is_err());
    // A wrong tkt-vno is its own error.
    let mut v4 = canonical.clone();
    v4[8] = 4;
    assert_eq!(ticket::parse_ticket(&v4), Err(TicketError::BadVersion(4)));
}

#[test]
fn decrypted_in_place_into_a_reused_buffer_as_the_owned_decoder_reads_it() {
    use spnkt::krb::crypto::DecryptionKey;
    use spnkt::krb::ticket::{EncTicketPartRef, TicketRef};
    let mut plain = zeroize::Zeroizing::new(Vec::new());
    // A short RC4 ticket first, then a longer AES one: the buffer grows.
    for (enctype, with_pac) in [
        (Enctype::RC4_HMAC, false),
        (Enctype::AES256_CTS_HMAC_SHA1_96, true),
        (Enctype::AES128_CTS_HMAC_SHA1_96, false),
    ] {
        let key = service_key(enctype);
        let mut p = part(
            r"a\/b@R\@X",
            Key::new(enctype, vec![9; enctype.key_len().unwrap()]),
        );
        if with_pac {
            p.authorization_data = vec![ticket::pac_authorization_data(&[0x42; 700])];
        }
        let sname = principal("HTTP/app1.example.com@EXAMPLE.COM", 3);
        let t = ticket::encrypt_ticket(&sname, &p, &key, Some(5), &confounder(enctype)).unwrap();
        let der = ticket::encode_ticket(&t);
        let in_place = TicketRef::parse(&der).unwrap();
        assert_eq!(in_place.to_owned(), t);
        assert!(in_place.sname.is(&sname));
        assert!(
            !in_place
                .sname
                .is(&principal("HTTP/app1.example.com@OTHER", 3))
        );
        assert_eq!(
            in_place.sname.components().collect::<Vec<_>>(),
            ["HTTP", "app1.example.com"]
        );
        let dk = DecryptionKey::new(&key, ticket::KEY_USAGE_TICKET).unwrap();
        let read = ticket::decrypt_ticket_in(in_place.enc_part, &dk, &mut plain).unwrap();
        assert_eq!(read.to_owned(), p);
        assert_eq!(read.client.to_string(), r"a\/b@R\@X");
        assert_eq!(read.client.to_string(), p.client.to_string());
        assert_eq!(read.pac(), p.pac());
        assert!(
            !format!("{read:?}").contains("9, 9"),
            "no key bytes in Debug"
        );
        assert_eq!(
            EncTicketPartRef::parse(&ticket::encode_enc_ticket_part(&p))
                .unwrap()
                .to_owned(),
            p
        );
        // The wrong key: an integrity failure, and nothing left in the buffer.
        let other = DecryptionKey::new(
            &Key::new(enctype, vec![1; enctype.key_len().unwrap()]),
            ticket::KEY_USAGE_TICKET,
        )
        .unwrap();
        assert_eq!(
            ticket::decrypt_ticket_in(in_place.enc_part, &other, &mut plain),
            Err(TicketError::Crypto(CryptoError::IntegrityCheckFailed))
        );
        assert!(plain.is_empty());
    }
}

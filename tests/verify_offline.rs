//! `spnkt verify` on tickets no KDC would issue, built with spnkt's own encoders:
//! RC4, kvno 4294967295, no PAC, expired, a bad PAC signature, NTLM, a keytab given
//! as the ticket, garbage. The inputs are committed under tests/fixtures/verify/
//! (deterministic: fixed keys, confounders and times) and the trycmd cases
//! tests/cmd/verify-*.toml snapshot the reports. This file regenerates the fixtures
//! and fails when the committed ones drift; refresh them with
//!
//!     SPNKT_REGENERATE=1 cargo test --test verify_offline
//!
//! and it checks each cause's exit code and JSON here too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use spnkt::krb::ap_req::{self, ApReq, Authenticator, GssFlags};
use spnkt::krb::ccache::{self, Ccache, Credential};
use spnkt::krb::keytab::{self, Keytab, KeytabEntry};
use spnkt::krb::krbcred::{self, KrbCredInfo};
use spnkt::krb::pac::{self, PacBuffer};
use spnkt::krb::spnego;
use spnkt::krb::string_to_key::string_to_key;
use spnkt::krb::ticket::{self, EncTicketPart, Ticket, TicketFlags};
use spnkt::krb::{Enctype, Key, NameType, Password, Principal};

/// "Now" for the fixtures and the snapshots (SOURCE_DATE_EPOCH): 2026-11-23T15:03:33Z.
pub const NOW: i64 = 1_795_446_213;
const SVC: &str = "HTTP/app1.example.com@EXAMPLE.COM";
const SVC_PW: &str = "Svc-pw 1";
const SALT: &str = "EXAMPLE.COMHTTPapp1.example.com";

fn p(s: &str) -> Principal {
    Principal::parse(s).unwrap()
}

fn key(enctype: Enctype, password: &str, salt: &str) -> Key {
    string_to_key(enctype, &Password::from(password), salt.as_bytes(), 4096).unwrap()
}

fn svc_key(enctype: Enctype) -> Key {
    key(enctype, SVC_PW, SALT)
}

fn confounder(enctype: Enctype, seed: u8) -> Vec<u8> {
    let n = spnkt::krb::crypto::confounder_len(enctype).unwrap();
    (0..n)
        .map(|i| seed.wrapping_mul(31).wrapping_add(i as u8))
        .collect()
}

fn keytab_bytes(entries: &[(&str, u32, Key)]) -> Vec<u8> {
    let mut kt = Keytab::new();
    for (principal, kvno, key) in entries {
        kt.entries.push(KeytabEntry {
            principal: p(principal),
            timestamp: NOW as u32 - 86_400,
            kvno: *kvno,
            key: key.clone(),
        });
    }
    keytab::write(&kt).to_vec()
}

fn session_key(enctype: Enctype, seed: u8) -> Key {
    Key::new(
        enctype,
        (0..enctype.key_len().unwrap() as u8)
            .map(|i| i ^ seed)
            .collect(),
    )
}

struct Part {
    client: &'static str,
    flags: u32,
    authtime: i64,
    endtime: i64,
    pac: bool,
    session: Key,
}

fn part(x: &Part, server_key: &Key) -> EncTicketPart {
    let mut ad = Vec::new();
    if x.pac {
        let kdc_key = key(
            Enctype::AES256_CTS_HMAC_SHA1_96,
            "krbtgt",
            "EXAMPLE.COMkrbtgt",
        );
        let pac = pac::build_pac(&[] as &[PacBuffer], server_key, &kdc_key).unwrap();
        ad.push(ticket::pac_authorization_data(&pac));
    }
    EncTicketPart {
        flags: TicketFlags(x.flags),
        session_key: x.session.clone(),
        client: p(x.client),
        transited_type: 1,
        transited: Vec::new(),
        authtime: x.authtime,
        starttime: Some(x.authtime),
        endtime: x.endtime,
        renew_till: Some(x.authtime + 7 * 86_400),
        authorization_data: ad,
    }
}

fn make_ticket(sname: &str, x: &Part, key: &Key, kvno: Option<u32>, seed: u8) -> Ticket {
    let mut sname = p(sname);
    sname.name_type = NameType::SRV_INST;
    ticket::encrypt_ticket(
        &sname,
        &part(x, key),
        key,
        kvno,
        &confounder(key.enctype(), seed),
    )
    .unwrap()
}

const FWD: u32 = TicketFlags::FORWARDABLE | TicketFlags::RENEWABLE | TicketFlags::PRE_AUTHENT;

fn good(session: Key) -> Part {
    Part {
        client: "alice@EXAMPLE.COM",
        flags: FWD,
        authtime: NOW - 120,
        endtime: NOW - 120 + 10 * 3600,
        pac: true,
        session,
    }
}

/// AP-REQ with a GSS 0x8003 checksum, optionally delegating `tgt` (a KRB-CRED
/// encrypted in the session key).
fn ap_req(t: Ticket, session: &Key, delegate: bool, seed: u8) -> Vec<u8> {
    let delegation = delegate.then(|| {
        let tgt_session = session_key(Enctype::AES256_CTS_HMAC_SHA1_96, 0x77);
        let krbtgt_key = key(
            Enctype::AES256_CTS_HMAC_SHA1_96,
            "krbtgt",
            "EXAMPLE.COMkrbtgt",
        );
        let tgt = make_ticket(
            "krbtgt/EXAMPLE.COM@EXAMPLE.COM",
            &Part {
                flags: FWD | TicketFlags::FORWARDED,
                ..good(tgt_session.clone())
            },
            &krbtgt_key,
            Some(1),
            seed + 1,
        );
        let info = KrbCredInfo {
            key: tgt_session,
            client: Some(p("alice@EXAMPLE.COM")),
            flags: Some(TicketFlags(FWD | TicketFlags::FORWARDED)),
            authtime: Some(NOW - 120),
            starttime: Some(NOW - 120),
            endtime: Some(NOW - 120 + 10 * 3600),
            renew_till: None,
            server: Some(p("krbtgt/EXAMPLE.COM@EXAMPLE.COM")),
        };
        krbcred::encode_krb_cred(
            &[tgt],
            &[info],
            Some((session, &confounder(session.enctype(), seed + 2))),
        )
        .unwrap()
    });
    let flags = GssFlags(GssFlags::MUTUAL | GssFlags::SEQUENCE | GssFlags::CONF | GssFlags::INTEG);
    let auth = Authenticator {
        client: p("alice@EXAMPLE.COM"),
        checksum: Some(ap_req::gss_checksum(flags, delegation.as_deref())),
        cusec: 0,
        ctime: NOW - 60,
        subkey: None,
        seq_number: Some(12345),
    };
    let enc =
        ap_req::encrypt_authenticator(&auth, session, &confounder(session.enctype(), seed + 3))
            .unwrap();
    ap_req::encode_ap_req(&ApReq {
        ap_options: ap_req::AP_OPTION_MUTUAL_REQUIRED,
        ticket: t,
        authenticator: enc,
    })
}

fn negotiate_header(ap: &[u8]) -> Vec<u8> {
    let token = spnego::wrap_ap_req(ap, true);
    format!(
        "Authorization: Negotiate {}\n",
        base64::engine::general_purpose::STANDARD.encode(token)
    )
    .into_bytes()
}

/// Every fixture file under tests/fixtures/verify/, by name.
fn fixtures() -> BTreeMap<&'static str, Vec<u8>> {
    let aes256 = Enctype::AES256_CTS_HMAC_SHA1_96;
    let aes128 = Enctype::AES128_CTS_HMAC_SHA1_96;
    let rc4 = Enctype::RC4_HMAC;
    let mut f = BTreeMap::new();

    f.insert(
        "svc.keytab",
        keytab_bytes(&[
            (SVC, 2, svc_key(aes256)),
            (SVC, 2, svc_key(aes128)),
            (SVC, 2, svc_key(rc4)),
        ]),
    );
    f.insert(
        "svc-aes128.keytab",
        keytab_bytes(&[(SVC, 2, svc_key(aes128))]),
    );
    f.insert(
        "svc-kvno7.keytab",
        keytab_bytes(&[(SVC, 7, svc_key(aes256)), (SVC, 7, svc_key(aes128))]),
    );
    f.insert(
        "svc-kvnomax.keytab",
        keytab_bytes(&[(SVC, u32::MAX, svc_key(aes256))]),
    );
    f.insert(
        "svc-case.keytab",
        keytab_bytes(&[("HTTP/App1.example.com@EXAMPLE.COM", 2, svc_key(aes256))]),
    );

    // Success: Negotiate header, aes256, PAC, ok-as-delegate, delegated TGT.
    let s = session_key(aes256, 0x11);
    let t = make_ticket(
        SVC,
        &Part {
            flags: FWD | TicketFlags::OK_AS_DELEGATE,
            ..good(s.clone())
        },
        &svc_key(aes256),
        Some(2),
        1,
    );
    f.insert(
        "deleg-negotiate.txt",
        negotiate_header(&ap_req(t, &s, true, 10)),
    );

    // Success without delegation (and no ok-as-delegate).
    let s = session_key(aes256, 0x12);
    let t = make_ticket(SVC, &good(s.clone()), &svc_key(aes256), Some(2), 20);
    f.insert(
        "plain-negotiate.txt",
        negotiate_header(&ap_req(t, &s, false, 21)),
    );

    // RC4 ticket, raw DER.
    let s = session_key(rc4, 0x13);
    let t = make_ticket(SVC, &good(s), &svc_key(rc4), Some(2), 30);
    f.insert("rc4.ticket", ticket::encode_ticket(&t));

    // kvno 4294967295 in an unencrypted KRB-CRED (.kirbi).
    let s = session_key(aes256, 0x14);
    let t = make_ticket(SVC, &good(s.clone()), &svc_key(aes256), Some(u32::MAX), 40);
    let info = KrbCredInfo {
        key: s,
        client: Some(p("alice@EXAMPLE.COM")),
        flags: Some(TicketFlags(FWD)),
        authtime: Some(NOW - 120),
        starttime: None,
        endtime: Some(NOW - 120 + 10 * 3600),
        renew_till: None,
        server: Some(p(SVC)),
    };
    f.insert(
        "kvnomax.kirbi",
        krbcred::encode_krb_cred(&[t], &[info], None).unwrap(),
    );

    // Expired, no PAC, in a ccache with a TGT and a config entry.
    let s = session_key(aes256, 0x15);
    let expired = Part {
        authtime: NOW - 2 * 86_400,
        endtime: NOW - 2 * 3600,
        pac: false,
        ..good(s.clone())
    };
    let t = make_ticket(SVC, &expired, &svc_key(aes256), Some(2), 50);
    let tgt_key = key(aes256, "krbtgt", "EXAMPLE.COMkrbtgt");
    let tgt_s = session_key(aes256, 0x16);
    let tgt = make_ticket(
        "krbtgt/EXAMPLE.COM@EXAMPLE.COM",
        &good(tgt_s.clone()),
        &tgt_key,
        Some(1),
        51,
    );
    let cred = |server: &str, t: &Ticket, k: &Key, authtime: i64, endtime: i64| Credential {
        client: p("alice@EXAMPLE.COM"),
        server: p(server),
        key: k.clone(),
        authtime: authtime as u32,
        starttime: authtime as u32,
        endtime: endtime as u32,
        renew_till: 0,
        is_skey: false,
        flags: TicketFlags(FWD),
        addresses: Vec::new(),
        authdata: Vec::new(),
        ticket: ticket::encode_ticket(t),
        second_ticket: Vec::new(),
    };
    let config = Credential {
        server: Principal::new(
            NameType::PRINCIPAL,
            vec![
                "krb5_ccache_conf_data".into(),
                "fast_avail".into(),
                "krbtgt/EXAMPLE.COM@EXAMPLE.COM".into(),
            ],
            "X-CACHECONF:".into(),
        ),
        ticket: b"yes".to_vec(),
        key: Key::new(Enctype(0), Vec::new()),
        authtime: 0,
        starttime: 0,
        endtime: 0,
        ..cred(SVC, &t, &s, 0, 0)
    };
    let cc = Ccache {
        version: 4,
        header: Vec::new(),
        default_principal: p("alice@EXAMPLE.COM"),
        credentials: vec![
            cred(
                "krbtgt/EXAMPLE.COM@EXAMPLE.COM",
                &tgt,
                &tgt_s,
                NOW - 120,
                NOW + 36_000,
            ),
            config,
            cred(SVC, &t, &s, expired.authtime, expired.endtime),
        ],
    };
    f.insert("expired-nopac.ccache", ccache::write(&cc).to_vec());

    // Another password: integrity.
    let s = session_key(aes256, 0x17);
    let other = key(aes256, "an old password", SALT);
    let t = make_ticket(SVC, &good(s), &other, Some(2), 60);
    f.insert("wrong-password.ticket", ticket::encode_ticket(&t));

    // After a password change: kvno 3, new password.
    let s = session_key(aes256, 0x1a);
    let newer = key(aes256, "Svc-pw 2", SALT);
    let t = make_ticket(SVC, &good(s), &newer, Some(3), 90);
    f.insert("newpw-kvno3.ticket", ticket::encode_ticket(&t));

    // A host/ ticket (what AD issues for a computer's own name).
    let s = session_key(aes256, 0x18);
    let t = make_ticket(
        "host/app1.example.com@EXAMPLE.COM",
        &good(s),
        &svc_key(aes256),
        Some(2),
        70,
    );
    f.insert("host.ticket", ticket::encode_ticket(&t));

    // Ticket decrypts, PAC server signature made with another key.
    let s = session_key(aes256, 0x19);
    let mut pt = part(&good(s), &other);
    let kdc_key = key(aes256, "krbtgt", "EXAMPLE.COMkrbtgt");
    pt.authorization_data = vec![ticket::pac_authorization_data(
        &pac::build_pac(&[], &other, &kdc_key).unwrap(),
    )];
    let t = ticket::encrypt_ticket(
        &p(SVC),
        &pt,
        &svc_key(aes256),
        Some(2),
        &confounder(aes256, 80),
    )
    .unwrap();
    f.insert("bad-pac.ticket", ticket::encode_ticket(&t));

    // NTLM NEGOTIATE (type 1) in a Negotiate header, as browsers send when they have no ticket.
    let mut ntlm = b"NTLMSSP\0".to_vec();
    ntlm.extend_from_slice(&1u32.to_le_bytes());
    ntlm.extend_from_slice(&0xe208_8297u32.to_le_bytes());
    ntlm.extend_from_slice(&[0; 16]);
    f.insert(
        "ntlm.txt",
        format!(
            "Authorization: Negotiate {}\n",
            base64::engine::general_purpose::STANDARD.encode(&ntlm)
        )
        .into_bytes(),
    );

    // A real Windows Server 2003 PAC with logon information (Samba's torture blob,
    // tests/vectors/samba_saved_pac.txt), signed with its RC4 server key.
    let samba_key = Key::new(
        rc4,
        hex::decode("d217faeae5e6b5f95ccc94077ab8a5fc").unwrap(),
    );
    let samba_pac: Vec<u8> = hex::decode(
        include_str!("vectors/samba_saved_pac.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect::<String>(),
    )
    .unwrap();
    let mut pt = part(
        &Part {
            client: "w2003final$@WIN2K3.THINKER.LOCAL",
            ..good(session_key(rc4, 0x1b))
        },
        &samba_key,
    );
    pt.authorization_data = vec![ticket::pac_authorization_data(&samba_pac)];
    let t = ticket::encrypt_ticket(
        &p("HTTP/app1.win2k3.thinker.local@WIN2K3.THINKER.LOCAL"),
        &pt,
        &samba_key,
        Some(2),
        &confounder(rc4, 100),
    )
    .unwrap();
    f.insert("samba-pac.ticket", ticket::encode_ticket(&t));
    f.insert(
        "samba.keytab",
        keytab_bytes(&[(
            "HTTP/app1.win2k3.thinker.local@WIN2K3.THINKER.LOCAL",
            2,
            samba_key,
        )]),
    );

    f.insert("garbage.bin", b"this is not a ticket\n".to_vec());
    batch_fixtures(&mut f);
    f
}

/// The token of a fixture header line (`Authorization: Negotiate <base64>`).
fn header_token(line: &[u8]) -> String {
    let text = std::str::from_utf8(line).unwrap();
    text.trim().rsplit(' ').next().unwrap().to_owned()
}

/// Logs, a HAR and a directory for `verify` on many tokens, checked with the real
/// MIT keytab tests/fixtures/negotiate/svc.keytab (HTTP/app.mit.test, kvno 1): the
/// two real curl tokens (repeated), tokens built here for kvno 2 of the same
/// service (the password changed after the keytab was made) and for a service
/// the keytab lacks, NTLM, a server reply and a token cut short.
fn batch_fixtures(f: &mut BTreeMap<&'static str, Vec<u8>>) {
    let aes256 = Enctype::AES256_CTS_HMAC_SHA1_96;
    let negotiate = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/negotiate");
    let curl = std::fs::read(negotiate.join("curl-mit.txt")).unwrap();
    let deleg = std::fs::read(negotiate.join("curl-mit-deleg.txt")).unwrap();
    let (curl_tok, deleg_tok) = (header_token(&curl), header_token(&deleg));
    let mit_key = key(aes256, "svcpass", "MIT.TESTHTTPapp.mit.test");
    let mit_kt = keytab::parse(&std::fs::read(negotiate.join("svc.keytab")).unwrap()).unwrap();
    assert!(
        mit_kt.entries.iter().any(|e| e.key == mit_key),
        "svcpass no longer derives the MIT fixture keytab's aes256 key"
    );
    let token = |sname: &str, server_key: &Key, kvno: u32, seed: u8| -> String {
        let s = session_key(aes256, seed);
        let t = make_ticket(
            sname,
            &Part {
                client: "bob@MIT.TEST",
                ..good(s.clone())
            },
            server_key,
            Some(kvno),
            seed,
        );
        let line = negotiate_header(&ap_req(t, &s, false, seed + 1));
        header_token(&line)
    };
    let new_pw = key(aes256, "svcpass 2", "MIT.TESTHTTPapp.mit.test");
    let kvno2 = token("HTTP/app.mit.test@MIT.TEST", &new_pw, 2, 0x21);
    let other = token(
        "HTTP/other.mit.test@MIT.TEST",
        &key(aes256, "otherpass", "MIT.TESTHTTPother.mit.test"),
        1,
        0x23,
    );
    let mut ntlm = b"NTLMSSP\0".to_vec();
    ntlm.extend_from_slice(&1u32.to_le_bytes());
    ntlm.extend_from_slice(&0xe208_8297u32.to_le_bytes());
    ntlm.extend_from_slice(&[0; 16]);
    let ntlm = base64::engine::general_purpose::STANDARD.encode(spnego::wrap_ntlmssp(&ntlm));
    // The server's mutual-authentication reply: NegTokenResp with an AP-REP.
    let mut ap_rep = vec![0x6f, 0x1e, 0x30, 0x1c];
    ap_rep.extend_from_slice(&[0; 28]);
    let reply = base64::engine::general_purpose::STANDARD
        .encode(spnego::wrap_neg_token_resp(Some(0), Some(&ap_rep)));
    let cut = &curl_tok[..curl_tok.len() / 2 - 1];
    let apache = |ip: &str, user: &str, status: u16, tok: &str| {
        format!(
            "{ip} - {user} [23/Nov/2026:15:03:33 +0000] \"GET /app/ HTTP/1.1\" {status} 512 \"-\" \"Mozilla/5.0\" \"Negotiate {tok}\"\n"
        )
    };
    let mut log = String::new();
    log.push_str("10.0.0.5 - - [23/Nov/2026:15:03:00 +0000] \"GET /app/ HTTP/1.1\" 401 381 \"-\" \"Mozilla/5.0\" \"-\"\n");
    log.push_str(&apache("10.0.0.5", "alice@MIT.TEST", 200, &curl_tok));
    log.push_str(&apache("10.0.0.5", "alice@MIT.TEST", 200, &curl_tok));
    log.push_str(&apache("10.0.0.6", "-", 401, &kvno2));
    log.push_str(&apache("10.0.0.7", "-", 401, &ntlm));
    log.push_str(&apache("10.0.0.5", "alice@MIT.TEST", 200, &deleg_tok));
    log.push_str(&apache("10.0.0.6", "-", 401, &kvno2));
    log.push_str(&apache("10.0.0.8", "-", 401, &other));
    log.push_str(&apache("10.0.0.7", "-", 401, &ntlm));
    log.push_str(&apache("10.0.0.9", "-", 400, cut));
    log.push_str(&apache("10.0.0.5", "alice@MIT.TEST", 200, &curl_tok));
    f.insert("many.log", log.into_bytes());

    // curl -v: the request header, and the server's reply token (skipped).
    f.insert(
        "curl-v.txt",
        format!(
            "*   Trying 127.0.0.1:8080...\n\
             * Server auth using Negotiate with user ''\n\
             > GET / HTTP/1.1\n\
             > Host: app.mit.test:8080\n\
             > Authorization: Negotiate {curl_tok}\n\
             > User-Agent: curl/7.88.1\n\
             >\n\
             < HTTP/1.1 200 OK\n\
             < WWW-Authenticate: Negotiate {reply}\n\
             < Content-Length: 3\n"
        )
        .into_bytes(),
    );

    let entry = |method: &str, url: &str, auth: Option<&str>, status: u16, www: &str| {
        let headers = match auth {
            Some(t) => format!(
                r#"[{{"name": "Host", "value": "app.mit.test"}}, {{"name": "Authorization", "value": "Negotiate {t}"}}]"#
            ),
            None => r#"[{"name": "Host", "value": "app.mit.test"}]"#.to_owned(),
        };
        format!(
            r#"{{"startedDateTime": "2026-11-23T15:03:00.000Z", "time": 12,
      "request": {{"method": "{method}", "url": "{url}", "httpVersion": "HTTP/1.1", "headers": {headers}}},
      "response": {{"status": {status}, "httpVersion": "HTTP/1.1", "headers": [{{"name": "WWW-Authenticate", "value": "{www}"}}]}}}}"#
        )
    };
    let har = format!(
        "{{\"log\": {{\"version\": \"1.2\", \"creator\": {{\"name\": \"Firefox\", \"version\": \"140.0\"}}, \"entries\": [\n    {},\n    {},\n    {},\n    {}\n]}}}}\n",
        entry("GET", "http://app.mit.test/", None, 401, "Negotiate"),
        entry(
            "GET",
            "http://app.mit.test/",
            Some(&curl_tok),
            200,
            &format!("Negotiate {reply}")
        ),
        entry(
            "GET",
            "http://app.mit.test/report",
            Some(&kvno2),
            401,
            "Negotiate"
        ),
        entry(
            "POST",
            "http://app.mit.test/form",
            Some(&curl_tok),
            200,
            "Negotiate"
        ),
    );
    f.insert("capture.har", har.into_bytes());

    // A directory of captures, one level of subdirectory, a keytab and notes.
    f.insert("captures/curl-mit.txt", curl.clone());
    f.insert("captures/again/curl-mit-copy.txt", curl);
    f.insert("captures/again/deleg.txt", deleg);
    f.insert(
        "captures/other-spn.txt",
        format!("Negotiate {other}\n").into_bytes(),
    );
    f.insert(
        "captures/svc.keytab",
        std::fs::read(negotiate.join("svc.keytab")).unwrap(),
    );
    f.insert("captures/notes.txt", b"captured on app.mit.test\n".to_vec());
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verify")
}

#[test]
fn fixtures_are_up_to_date() {
    let expected = fixtures();
    if std::env::var_os("SPNKT_REGENERATE").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        for (name, bytes) in &expected {
            let path = dir().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        return;
    }
    for (name, bytes) in &expected {
        let committed = std::fs::read(dir().join(name)).unwrap_or_default();
        assert!(
            committed == *bytes,
            "tests/fixtures/verify/{name} differs from what tests/verify_offline.rs builds; refresh with SPNKT_REGENERATE=1 cargo test --test verify_offline"
        );
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn verify(keytab: &str, ticket: &str, extra: &[&str]) -> Run {
    let d = dir();
    let out = Command::new(env!("CARGO_BIN_EXE_spnkt"))
        .current_dir(&d)
        .env("SOURCE_DATE_EPOCH", NOW.to_string())
        .env_remove("KRB5_KTNAME")
        .args(["verify", "--keytab", keytab, "--ticket", ticket])
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(keytab: &str, ticket: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let r = verify(keytab, ticket, &args);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

fn cause(keytab: &str, ticket: &str, code: &str, phrase: &str) -> serde_json::Value {
    let r = verify(keytab, ticket, &[]);
    assert_eq!(r.code, 4, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(phrase),
        "expected {phrase:?} in\n{}",
        r.stdout
    );
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    let (c, v) = json(keytab, ticket, &[]);
    assert_eq!(c, 4);
    assert_eq!(v["ok"], false);
    let res = v["results"][0].clone();
    assert_eq!(res["cause"]["code"], code, "{res}");
    res
}

#[test]
fn success_with_delegation_pac_and_times() {
    let (code, v) = json("svc.keytab", "deleg-negotiate.txt", &[]);
    assert_eq!(code, 0, "{v}");
    let r = &v["results"][0];
    assert_eq!(r["client"], "alice@EXAMPLE.COM");
    assert_eq!(r["keytab_entry"]["slot"], 1);
    assert_eq!(r["pac"]["server_checksum"], "ok");
    assert_eq!(r["ticket"]["endtime"]["relative"], "in 9h 58m");
    assert_eq!(r["delegation"]["tgt_enclosed"], true);
    assert_eq!(
        r["authenticator"]["delegated_tgt"]["decrypted_with"],
        "session key"
    );
    assert_eq!(
        r["authenticator"]["delegated_tgt"]["credentials"][0]["forwarded"],
        true
    );
    let (code, v) = json("svc.keytab", "plain-negotiate.txt", &[]);
    assert_eq!(code, 0);
    assert!(
        v["results"][0]["delegation"]["conclusion"]
            .as_str()
            .unwrap()
            .starts_with("no delegation: the service ticket lacks ok-as-delegate")
    );
}

#[test]
fn rc4_kvnomax_and_expired_still_decrypt() {
    let (code, v) = json("svc.keytab", "rc4.ticket", &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["ticket"]["enctype"], 23);
    let (code, v) = json("svc-kvnomax.keytab", "kvnomax.kirbi", &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["ticket"]["kvno"], 4_294_967_295u32);
    let r = verify("svc.keytab", "expired-nopac.ccache", &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("detected: MIT ccache v4, 2 credentials (1 config entry skipped)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("WARNING:     the ticket expired 2h ago"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("PAC:         none"), "{}", r.stdout);
}

#[test]
fn pac_logon_info_from_a_windows_pac() {
    let (code, v) = json("samba.keytab", "samba-pac.ticket", &[]);
    assert_eq!(code, 0, "{v}");
    let pac = &v["results"][0]["pac"];
    assert_eq!(pac["server_checksum"], "ok", "{v}");
    assert_eq!(pac["logon_info"]["user"], "W2003FINAL$", "{v}");
    assert!(
        pac["logon_info"]["user_sid"]
            .as_str()
            .unwrap()
            .starts_with("S-1-5-21-3048156945-396119361"),
        "{v}"
    );
}

#[test]
fn every_cause() {
    cause(
        "svc.keytab",
        "newpw-kvno3.ticket",
        "kvno_mismatch",
        "the password changed after the keytab was made",
    );
    cause(
        "svc.keytab",
        "kvnomax.kirbi",
        "kvno_mismatch",
        "keytab entry kvno 2 (slot 1) decrypts it: the key is right, the keytab's kvno is wrong",
    );
    let r = cause(
        "svc-kvno7.keytab",
        "plain-negotiate.txt",
        "kvno_mismatch",
        "the keytab's kvno is wrong",
    );
    assert!(r["cause"]["hint"].as_str().unwrap().contains("--kvno 2"));
    cause(
        "svc-kvnomax.keytab",
        "rc4.ticket",
        "kvno_mismatch",
        "the ticket predates the keytab",
    );
    cause(
        "svc-aes128.keytab",
        "plain-negotiate.txt",
        "enctype_missing",
        "the keytab has only aes128-cts-hmac-sha1-96 for kvno 2",
    );
    let r = cause(
        "svc.keytab",
        "wrong-password.ticket",
        "integrity",
        "wrong password or wrong salt",
    );
    assert_eq!(r["keys_tried"].as_array().unwrap().len(), 1);
    cause(
        "svc-case.keytab",
        "plain-negotiate.txt",
        "no_principal",
        "Kerberos names are case-sensitive",
    );
    cause(
        "svc.keytab",
        "host.ticket",
        "no_principal",
        "AD issued a HOST/ ticket",
    );
    cause(
        "svc.keytab",
        "bad-pac.ticket",
        "pac_signature",
        "the PAC server signature does not verify",
    );
    let r = cause("svc.keytab", "ntlm.txt", "ntlm", "NTLM, not Kerberos");
    assert!(r["service"].is_null());
}

#[test]
fn ccache_checks_every_ticket_when_the_keytab_is_for_none() {
    // svc-case.keytab has only HTTP/App1...: neither the TGT nor the HTTP ticket is
    // in it, so both are reported.
    let (code, v) = json("svc-case.keytab", "expired-nopac.ccache", &[]);
    assert_eq!(code, 4, "{v}");
    let services: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["krbtgt/EXAMPLE.COM@EXAMPLE.COM", SVC]);
    let r = verify("svc-case.keytab", "expired-nopac.ccache", &[]);
    assert!(
        r.stderr.starts_with("error: 2 of 2 tickets did not verify"),
        "{}",
        r.stderr
    );
    // --service picks one (realm optional).
    let (_, v) = json(
        "svc-case.keytab",
        "expired-nopac.ccache",
        &["--service", "HTTP/app1.example.com"],
    );
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
    assert_eq!(v["results"][0]["cause"]["code"], "no_principal");
}

#[test]
fn bad_input_exit_codes() {
    let r = verify("svc.keytab", "garbage.bin", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = verify("svc.keytab", "svc.keytab", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("this looks like a keytab"),
        "{}",
        r.stderr
    );
    let r = verify("svc.keytab", "missing.ticket", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = verify("missing.keytab", "rc4.ticket", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = verify(
        "svc.keytab",
        "expired-nopac.ccache",
        &["--service", "HTTP/nope.example.com"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("no ticket for HTTP/nope.example.com"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_key_bytes_in_output() {
    for t in [
        "deleg-negotiate.txt",
        "wrong-password.ticket",
        "expired-nopac.ccache",
    ] {
        let (_, v) = json("svc.keytab", t, &[]);
        let text = v.to_string();
        assert!(!text.contains("\"key\""), "{text}");
    }
}

#[test]
fn many_tokens_in_a_log() {
    let (code, v) = json("../negotiate/svc.keytab", "many.log", &[]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["ok"], false);
    assert_eq!(v["input"]["format"], "log");
    let s = &v["summary"];
    // 10 tokens: curl ×3, kvno2 ×2, ntlm ×2, deleg, other, cut; 6 distinct.
    assert_eq!(s["seen"], 10, "{s}");
    assert_eq!(s["tickets"], 6, "{s}");
    assert_eq!(s["ok"]["tickets"], 2, "{s}");
    assert_eq!(s["ok"]["seen"], 4, "{s}");
    let causes: Vec<(&str, u64, u64)> = s["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap(),
                c["tickets"].as_u64().unwrap(),
                c["seen"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        causes,
        [
            ("kvno_mismatch", 1, 2),
            ("ntlm", 1, 2),
            ("no_principal", 1, 1),
            ("malformed", 1, 1)
        ]
    );
    assert_eq!(s["causes"][0]["first"][0]["file"], "many.log");
    assert_eq!(s["causes"][0]["first"][0]["line"], 4);
    assert_eq!(s["clients"][0]["name"], "alice@MIT.TEST");
    assert_eq!(s["clients"][0]["seen"], 4);
    assert_eq!(s["services"][0]["name"], "HTTP/app.mit.test@MIT.TEST");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(results[0]["origin"]["line"], 2);
    assert_eq!(results[0]["seen"], 3);
    let also: Vec<u64> = results[0]["also_at"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(also, [3, 11]);
    assert_eq!(results[0]["keytab_slot"], 1);
    assert!(!v.to_string().contains("\"key\""));

    // --service keeps the tickets for one service (NTLM and the cut token have none).
    let (code, v) = json(
        "../negotiate/svc.keytab",
        "many.log",
        &["--service", "HTTP/other.mit.test"],
    );
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["summary"]["tickets"], 3, "{v}");
}

#[test]
fn har_curl_output_and_directory() {
    let (code, v) = json("../negotiate/svc.keytab", "capture.har", &[]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["input"]["format"], "HAR");
    assert_eq!(v["summary"]["seen"], 3, "{v}");
    assert_eq!(v["summary"]["responses_skipped"], 1, "{v}");
    assert_eq!(v["results"][0]["origin"]["har_entry"], 1);
    assert_eq!(v["results"][0]["origin"]["url"], "http://app.mit.test/");
    assert_eq!(v["results"][0]["also_at"][0]["har_entry"], 3);
    assert_eq!(v["results"][1]["cause"]["code"], "kvno_mismatch");

    // One request in curl -v output: still checked (as a log of one token).
    let (code, v) = json("../negotiate/svc.keytab", "curl-v.txt", &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["tickets"], 1, "{v}");
    assert_eq!(v["summary"]["responses_skipped"], 1, "{v}");
    assert_eq!(v["results"][0]["origin"]["line"], 5);

    let (code, v) = json("../negotiate/svc.keytab", "captures", &[]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["input"]["format"], "directory");
    let s = &v["summary"];
    assert_eq!(s["seen"], 4, "{s}");
    assert_eq!(s["tickets"], 3, "{s}");
    assert_eq!(s["ok"]["seen"], 3, "{s}");
    let skipped: Vec<&str> = s["skipped_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["origin"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["captures/notes.txt", "captures/svc.keytab"]);

    // No token at all: exit 2 with a hint.
    let r = verify("../negotiate/svc.keytab", "../negotiate/README.md", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

//! `spnkt::kdc` against a real MIT KDC (tests/support/mit_kdc.rs, 127.0.0.1 only):
//! ETYPE-INFO2 salts checked against what MIT's own `kinit` reports in KRB5_TRACE,
//! AS exchanges with a password and with keys (from `ktadd` keytabs and from
//! spnkt's string-to-key), a TGS exchange whose ticket is decrypted with the service
//! keytab, and the errors the admin will see.
//!
//! Every test prints `*** real MIT KDC test NAME ran ***` on stderr; without the MIT
//! tools they are skipped loudly, and fail under SPNKT_REQUIRE_PEERS=1.

mod support;

use std::io::Write as _;
use std::time::{Duration, Instant};

use spnkt::kdc::{self, KdcAddress, KdcError, SaltInfo};
use spnkt::krb::keytab;
use spnkt::krb::string_to_key::string_to_key;
use spnkt::krb::ticket::{TicketFlags, decrypt_ticket};
use spnkt::krb::{Enctype, Key, Password, Principal};

use support::mit_kdc::{self, MitKdc, REALM};

fn kdc(test: &str) -> Option<(&'static MitKdc, KdcAddress)> {
    let k = mit_kdc::shared(test)?;
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n*** real MIT KDC test {test} ran (kdc_mit) ***"
    );
    Some((k, KdcAddress::new(format!("127.0.0.1:{}", k.port))))
}

/// A principal name unique to this test binary run and test.
fn unique(stem: &str) -> String {
    format!("{stem}{}", std::process::id())
}

fn p(name: &str) -> Principal {
    Principal::parse(&format!("{name}@{REALM}")).unwrap()
}

/// The `salt "..."` (and etype) MIT's kinit selects, from its KRB5_TRACE.
fn kinit_trace_salt(k: &MitKdc, user: &str, password: &str) -> (String, String) {
    let ccache = k.path("trace-ccache");
    let mut cmd = k.command("kinit");
    cmd.env("KRB5CCNAME", format!("FILE:{}", ccache.display()))
        .env("KRB5_TRACE", "/dev/stderr")
        .arg(user);
    let out = support::run_with_stdin(&mut cmd, format!("{password}\n").as_bytes());
    let trace = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "kinit {user} failed:\n{trace}");
    // "Selected etype info: etype aes256-cts, salt "MIT.TESTalice", params """
    let line = trace
        .lines()
        .find(|l| l.contains("Selected etype info:"))
        .unwrap_or_else(|| panic!("no 'Selected etype info' in the trace:\n{trace}"));
    let etype = line
        .split("info: etype ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap()
        .to_owned();
    let salt = line
        .split("salt \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    (etype, salt)
}

fn short_name(e: Enctype) -> &'static str {
    match e {
        Enctype::AES256_CTS_HMAC_SHA1_96 => "aes256-cts",
        Enctype::AES128_CTS_HMAC_SHA1_96 => "aes128-cts",
        Enctype::RC4_HMAC => "rc4-hmac",
        _ => "?",
    }
}

#[test]
fn salt_info_default_and_special_salts_match_kinit() {
    let Some((k, addr)) = kdc("salt_info_default_and_special_salts_match_kinit") else {
        return;
    };
    // Default (normal) salt; pre-authentication required, as in AD.
    let user = unique("salty");
    k.addprinc(&user, "Salt-Pw-1", None);
    k.modprinc("+requires_preauth", &user);
    let info = kdc::salt_info(&addr, &p(&user)).unwrap();
    let default_salt = format!("{REALM}{user}");
    // MIT 1.20+ announces only the enctype it will use (the strongest in common).
    assert_eq!(
        info[0],
        SaltInfo {
            etype: Enctype::AES256_CTS_HMAC_SHA1_96,
            salt: Some(default_salt.clone()),
            iterations: 4096,
        }
    );
    for i in &info {
        assert_eq!(i.salt.as_deref(), Some(&*default_salt), "{info:?}");
        assert_eq!(i.iterations, 4096);
    }
    let (etype, salt) = kinit_trace_salt(k, &user, "Salt-Pw-1");
    assert_eq!(etype, short_name(info[0].etype));
    assert_eq!(salt, default_salt);

    // A random ("special") salt: only the KDC knows it; the key needs the announced one.
    let special = unique("special");
    k.addprinc(
        &special,
        "Special-Pw-2",
        Some("aes256-cts-hmac-sha1-96:special"),
    );
    k.modprinc("+requires_preauth", &special);
    let info = kdc::salt_info(&addr, &p(&special)).unwrap();
    assert_eq!(info.len(), 1, "{info:?}");
    assert_eq!(info[0].etype, Enctype::AES256_CTS_HMAC_SHA1_96);
    assert_eq!(info[0].iterations, 4096);
    let announced = info[0].salt.clone().unwrap();
    assert_ne!(announced, format!("{REALM}{special}"));
    let (_, traced) = kinit_trace_salt(k, &special, "Special-Pw-2");
    assert_eq!(announced, traced);
    // ...and as_with_password derives with it.
    let tgt = kdc::as_with_password(&addr, &p(&special), &Password::from("Special-Pw-2")).unwrap();
    assert_eq!(tgt.client, p(&special));

    // "onlyrealm" salt: the realm alone.
    let onlyrealm = unique("onlyrealm");
    k.addprinc(
        &onlyrealm,
        "Realm-Pw-3",
        Some("aes128-cts-hmac-sha1-96:onlyrealm"),
    );
    k.modprinc("+requires_preauth", &onlyrealm);
    let info = kdc::salt_info(&addr, &p(&onlyrealm)).unwrap();
    assert_eq!(info[0].etype, Enctype::AES128_CTS_HMAC_SHA1_96);
    assert_eq!(info[0].salt.as_deref(), Some(REALM));
    assert_eq!(kinit_trace_salt(k, &onlyrealm, "Realm-Pw-3").1, REALM);
    kdc::as_with_password(&addr, &p(&onlyrealm), &Password::from("Realm-Pw-3")).unwrap();
}

#[test]
fn salt_info_without_preauth_comes_from_the_as_rep() {
    let Some((k, addr)) = kdc("salt_info_without_preauth_comes_from_the_as_rep") else {
        return;
    };
    // MIT principals do not require pre-auth by default: the KDC answers the probe
    // with an AS-REP carrying PA-ETYPE-INFO2.
    let user = unique("nopreauth");
    k.addprinc(&user, "NoPre-Pw-4", None);
    let info = kdc::salt_info(&addr, &p(&user)).unwrap();
    assert_eq!(info[0].etype, Enctype::AES256_CTS_HMAC_SHA1_96);
    assert_eq!(info[0].salt.as_deref(), Some(&*format!("{REALM}{user}")));
    let tgt = kdc::as_with_password(&addr, &p(&user), &Password::from("NoPre-Pw-4")).unwrap();
    assert!(!tgt.flags.contains(TicketFlags::PRE_AUTHENT));
    // A wrong password cannot be caught by the KDC here; the AS-REP does not decrypt.
    let err = kdc::as_with_password(&addr, &p(&user), &Password::from("wrong")).unwrap_err();
    assert!(matches!(err, KdcError::ReplyKeyMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains("wrong password, salt or kvno"),
        "{err}"
    );
}

#[test]
fn as_with_password_and_keys_then_tgs_ticket_decrypts_with_the_keytab() {
    let Some((k, addr)) = kdc("as_with_password_and_keys_then_tgs_ticket_decrypts_with_the_keytab")
    else {
        return;
    };
    let user = unique("alice");
    k.addprinc(&user, "Alice-Pw-5", None);
    k.modprinc("+requires_preauth", &user);
    let host = format!("app{}.mit.test", std::process::id());
    let service = format!("HTTP/{host}");
    k.addprinc(&service, "Service-Pw-6", None);
    k.modprinc("+requires_preauth", &service);
    let kt_path = k.path("service.keytab");
    k.ktadd_norandkey(&service, &kt_path);
    let kt = keytab::parse(&std::fs::read(&kt_path).unwrap()).unwrap();
    let service_keys: Vec<Key> = kt.entries.iter().map(|e| e.key.clone()).collect();
    assert_eq!(service_keys.len(), 2);

    // The admin's way in: a password.
    let tgt = kdc::as_with_password(&addr, &p(&user), &Password::from("Alice-Pw-5")).unwrap();
    assert_eq!(tgt.client, p(&user));
    assert_eq!(tgt.ticket.sname.components, ["krbtgt", REALM]);
    assert!(
        tgt.flags
            .contains(TicketFlags::INITIAL | TicketFlags::PRE_AUTHENT)
    );
    assert!(tgt.flags.contains(TicketFlags::FORWARDABLE));
    assert!(tgt.endtime > 0);

    // The keytab's keys prove themselves in an AS exchange (the service as client).
    let svc_tgt = kdc::as_with_keys(&addr, &p(&service), &service_keys).unwrap();
    assert_eq!(svc_tgt.client, p(&service));
    assert!(svc_tgt.flags.contains(TicketFlags::PRE_AUTHENT));
    // Each key on its own, too.
    for key in &service_keys {
        kdc::as_with_keys(&addr, &p(&service), std::slice::from_ref(key)).unwrap();
    }

    // Keys from spnkt's string-to-key with the announced salt work the same.
    let info = kdc::salt_info(&addr, &p(&service)).unwrap();
    let derived: Vec<Key> = info
        .iter()
        .map(|i| {
            string_to_key(
                i.etype,
                &Password::from("Service-Pw-6"),
                i.salt.as_deref().unwrap().as_bytes(),
                i.iterations,
            )
            .unwrap()
        })
        .collect();
    for key in &derived {
        let from_keytab = service_keys
            .iter()
            .find(|s| s.enctype() == key.enctype())
            .unwrap();
        assert_eq!(key, from_keytab, "{}", key.enctype());
    }
    kdc::as_with_keys(&addr, &p(&service), &derived).unwrap();

    // TGS: a service ticket the new keytab decrypts.
    let st = kdc::tgs(&addr, &tgt, &p(&service)).unwrap();
    assert_eq!(st.client, p(&user));
    assert_eq!(st.server.components, ["HTTP", host.as_str()]);
    let key = kt
        .entries
        .iter()
        .find(|e| {
            Some(e.kvno) == st.ticket.enc_part.kvno && e.key.enctype() == st.ticket.enc_part.etype
        })
        .expect("a keytab key for the ticket's kvno and enctype")
        .key
        .clone();
    let part = decrypt_ticket(&st.ticket, &key).unwrap();
    assert_eq!(part.client, p(&user));
    assert_eq!(part.session_key, st.session_key);
    assert_eq!(part.endtime, st.endtime);

    // After a password change the old keytab no longer proves anything.
    k.cpw(&service, "Service-Pw-7");
    let err = kdc::as_with_keys(&addr, &p(&service), &service_keys).unwrap_err();
    assert!(matches!(err, KdcError::PreauthFailed { .. }), "{err}");
    let st = kdc::tgs(&addr, &tgt, &p(&service)).unwrap();
    assert!(decrypt_ticket(&st.ticket, &key).is_err());
}

#[test]
fn errors_name_what_went_wrong() {
    let Some((k, addr)) = kdc("errors_name_what_went_wrong") else {
        return;
    };
    let user = unique("bob");
    k.addprinc(&user, "Bob-Pw-8", None);
    k.modprinc("+requires_preauth", &user);

    // Unknown client.
    let err = kdc::salt_info(&addr, &p("nobody-here")).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(6));
    assert!(
        err.to_string().contains("KDC_ERR_C_PRINCIPAL_UNKNOWN"),
        "{err}"
    );
    let err = kdc::as_with_password(&addr, &p("nobody-here"), &Password::from("x")).unwrap_err();
    assert!(
        err.to_string().contains("KDC_ERR_C_PRINCIPAL_UNKNOWN"),
        "{err}"
    );

    // Wrong password / wrong keys.
    let err = kdc::as_with_password(&addr, &p(&user), &Password::from("not-it")).unwrap_err();
    assert!(matches!(err, KdcError::PreauthFailed { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("the KDC rejected the key: wrong password, salt or kvno"),
        "{msg}"
    );
    assert!(msg.contains("KDC_ERR_PREAUTH_FAILED"), "{msg}");
    let wrong_salt = string_to_key(
        Enctype::AES256_CTS_HMAC_SHA1_96,
        &Password::from("Bob-Pw-8"),
        b"MIT.TESTsomeoneelse",
        4096,
    )
    .unwrap();
    let err = kdc::as_with_keys(&addr, &p(&user), &[wrong_salt]).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(24), "{err}");

    // Keys of an enctype the KDC does not have for the account.
    let rc4 = string_to_key(Enctype::RC4_HMAC, &Password::from("Bob-Pw-8"), b"", 0).unwrap();
    let err = kdc::as_with_keys(&addr, &p(&user), &[rc4]).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(14), "{err}");
    assert!(err.to_string().contains("KDC_ERR_ETYPE_NOSUPP"), "{err}");
    assert!(matches!(
        kdc::as_with_keys(&addr, &p(&user), &[]),
        Err(KdcError::NoCommonEnctype { .. })
    ));

    // Unknown service.
    let tgt = kdc::as_with_password(&addr, &p(&user), &Password::from("Bob-Pw-8")).unwrap();
    let err = kdc::tgs(&addr, &tgt, &p("HTTP/unknown.mit.test")).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(7), "{err}");
    assert!(
        err.to_string().contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"),
        "{err}"
    );

    // Disabled account (MIT: -allow_tix).
    let locked = unique("locked");
    k.addprinc(&locked, "Locked-Pw-9", None);
    k.modprinc("+requires_preauth -allow_tix", &locked);
    let err =
        kdc::as_with_password(&addr, &p(&locked), &Password::from("Locked-Pw-9")).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(18), "{err}");
    assert!(err.to_string().contains("KDC_ERR_CLIENT_REVOKED"), "{err}");

    // Nothing listens: a connection error naming the address, at once.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let nowhere = KdcAddress::new(format!("127.0.0.1:{closed}"));
    let start = Instant::now();
    let err = kdc::salt_info(&nowhere, &p(&user)).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(err, KdcError::Connect { .. }), "{err}");
    assert!(err.to_string().contains(nowhere.as_str()), "{err}");
    let err = kdc::salt_info(&KdcAddress::new("127.0.0.1:notaport"), &p(&user)).unwrap_err();
    assert!(matches!(err, KdcError::BadAddress { .. }), "{err}");
    let _ = k;
}

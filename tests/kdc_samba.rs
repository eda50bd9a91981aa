//! `spnkt::kdc` against the real Samba AD DC of the lab (tests/lab/samba-lab.sh,
//! realm EXAMPLE.TEST on 127.0.0.1; settings from SPNKT_LAB_* or
//! /tmp/spnkt-lab/env.sh, see tests/support/samba_lab.rs). What `spnkt create`
//! relies on to prove a keytab: AD's salts (UPN vs sAMAccountName), AS exchanges
//! with a password and with keys, a TGS exchange whose ticket decrypts with keys
//! spnkt derived, and the errors for wrong keys, disabled and unknown accounts.
//!
//! Accounts are created with `ldapmodify` over LDAPS as Administrator, named
//! `kdct-<pid><letter>`, and deleted again (also when a test fails). The DC is
//! shared with other test runs: nothing here restarts it or changes the domain.
//! Without the lab every test is skipped loudly (a failure under SPNKT_REQUIRE_PEERS=1).

mod support;

use std::io::Write as _;

use base64::Engine as _;

use spnkt::kdc::{self, KdcAddress, KdcError};
use spnkt::krb::crypto;
use spnkt::krb::kdc_msg::{self, KdcOptions, KdcReply};
use spnkt::krb::salt::ad_salt;
use spnkt::krb::string_to_key::string_to_key;
use spnkt::krb::ticket::{TicketFlags, decrypt_ticket};
use spnkt::krb::{Enctype, Key, NameType, Password, Principal};

use support::samba_lab::{Cleanup, Lab, lab_available};

fn lab(test: &str) -> Option<(Lab, KdcAddress)> {
    let lab = lab_available(test)?;
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n*** real Samba AD test {test} ran (kdc_samba) ***"
    );
    let addr = KdcAddress::new(lab.kdc.clone());
    Some((lab, addr))
}

/// `kdct-<pid><suffix>`: at most 20 characters (sAMAccountName's limit).
fn sam(suffix: &str) -> String {
    format!("kdct-{}{suffix}", std::process::id() % 100_000)
}

fn host(n: &str) -> String {
    format!("kdct{n}-{}.example.test", std::process::id())
}

/// unicodePwd: base64 of the UTF-16LE of the quoted password.
fn unicode_pwd(password: &str) -> String {
    let quoted: Vec<u8> = format!("\"{password}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    base64::engine::general_purpose::STANDARD.encode(quoted)
}

/// A user with a password (enabled unless `disabled`), optional UPN and SPNs, AES
/// only for service tickets (msDS-SupportedEncryptionTypes 24).
fn add_user(
    lab: &Lab,
    sam: &str,
    upn: Option<&str>,
    spns: &[&str],
    password: &str,
    disabled: bool,
) {
    let mut ldif = format!(
        "dn: CN={sam},CN=Users,{base}\nchangetype: add\nobjectClass: user\nsAMAccountName: {sam}\n\
         description: planted by spnkt tests/kdc_samba.rs\nmsDS-SupportedEncryptionTypes: 24\n\
         unicodePwd:: {pwd}\nuserAccountControl: {uac}\n",
        base = lab.base_dn,
        pwd = unicode_pwd(password),
        uac = if disabled { 514 } else { 512 },
    );
    if let Some(upn) = upn {
        ldif.push_str(&format!("userPrincipalName: {upn}\n"));
    }
    for spn in spns {
        ldif.push_str(&format!("servicePrincipalName: {spn}\n"));
    }
    lab.ldap_modify(&ldif)
        .unwrap_or_else(|e| panic!("create {sam}: {e}"));
}

fn principal(lab: &Lab, name: &str) -> Principal {
    Principal::parse(&format!("{name}@{}", lab.realm)).unwrap()
}

fn admin(lab: &Lab) -> Principal {
    Principal::parse(&lab.admin_user).unwrap()
}

/// The keys for `password` with the salt and iterations the KDC announces, for
/// every enctype spnkt supports (RC4 needs no salt).
fn derive_keys(addr: &KdcAddress, client: &Principal, password: &str) -> Vec<Key> {
    let info = kdc::salt_info(addr, client).unwrap();
    let aes = info
        .iter()
        .find(|i| i.salt.is_some())
        .unwrap_or_else(|| panic!("no AES salt for {client}: {info:?}"));
    let salt = aes.salt.clone().unwrap();
    Enctype::SUPPORTED
        .iter()
        .map(|&e| {
            string_to_key(
                e,
                &Password::from(password),
                salt.as_bytes(),
                aes.iterations,
            )
            .unwrap()
        })
        .collect()
}

/// The salt MIT's kinit selects against the Samba KDC (KRB5_TRACE).
fn kinit_trace_salt(lab: &Lab, client: &str, password: &str) -> String {
    let ccache = lab.path("trace.ccache");
    let mut cmd = lab.krb_command("kinit", &ccache);
    cmd.env("KRB5_TRACE", "/dev/stderr").arg(client);
    let out = support::run_with_stdin(&mut cmd, format!("{password}\n").as_bytes());
    let trace = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "kinit {client} failed:\n{trace}");
    trace
        .lines()
        .find(|l| l.contains("Selected etype info:"))
        .and_then(|l| l.split("salt \"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no salt in the trace:\n{trace}"))
        .to_owned()
}

#[test]
fn salts_follow_the_upn_or_the_sam_account_name() {
    let Some((lab, addr)) = lab("salts_follow_the_upn_or_the_sam_account_name") else {
        return;
    };
    let with_upn = sam("a");
    // Mixed case: AD keeps the sAMAccountName's case in the salt.
    let without_upn = format!("kdct-{}Bx", std::process::id() % 100_000);
    let _guard: Cleanup = lab.cleanup(&[&with_upn, &without_upn]);
    let h = host("1");
    let upn = format!("HTTP/{h}@{}", lab.realm);
    let password = "Kdct-Salt-Pw-1!";
    add_user(
        &lab,
        &with_upn,
        Some(&upn),
        &[&format!("HTTP/{h}")],
        password,
        false,
    );
    add_user(&lab, &without_upn, None, &[], password, false);

    let expected = format!("{}HTTP{h}", lab.realm);
    assert_eq!(expected, ad_salt(&lab.realm, &with_upn, Some(&upn), false));
    for client in [
        Principal::parse(&upn).unwrap(),
        principal(&lab, &with_upn),
        principal(&lab, &with_upn.to_uppercase()),
    ] {
        let info = kdc::salt_info(&addr, &client).unwrap();
        assert_eq!(
            info[0].etype,
            Enctype::AES256_CTS_HMAC_SHA1_96,
            "{client}: {info:?}"
        );
        assert_eq!(info[0].salt.as_deref(), Some(&*expected), "{client}");
        assert_eq!(info[0].iterations, 4096);
    }
    assert_eq!(kinit_trace_salt(&lab, &with_upn, password), expected);

    let expected = format!("{}{without_upn}", lab.realm);
    assert_eq!(expected, ad_salt(&lab.realm, &without_upn, None, false));
    let info = kdc::salt_info(&addr, &principal(&lab, &without_upn)).unwrap();
    assert_eq!(info[0].salt.as_deref(), Some(&*expected));
    assert_eq!(info[0].iterations, 4096);
    assert_eq!(kinit_trace_salt(&lab, &without_upn, password), expected);

    // The administrator (no UPN in the lab): REALM + sAMAccountName.
    let info = kdc::salt_info(&addr, &admin(&lab)).unwrap();
    assert_eq!(
        info[0].salt.as_deref(),
        Some(&*format!("{}Administrator", lab.realm))
    );
}

#[test]
fn admin_tgt_gets_a_service_ticket_that_derived_keys_decrypt() {
    let Some((lab, addr)) = lab("admin_tgt_gets_a_service_ticket_that_derived_keys_decrypt") else {
        return;
    };
    let svc = sam("c");
    let _guard = lab.cleanup(&[&svc]);
    let h = host("3");
    let spn = format!("HTTP/{h}");
    let password = "Kdct-Svc-Pw-3!";
    add_user(
        &lab,
        &svc,
        Some(&format!("{spn}@{}", lab.realm)),
        &[&spn],
        password,
        false,
    );

    let tgt =
        kdc::as_with_password(&addr, &admin(&lab), &Password::from(&*lab.admin_password)).unwrap();
    assert_eq!(tgt.client.components, ["Administrator"]);
    assert_eq!(tgt.ticket.sname.components, ["krbtgt", lab.realm.as_str()]);
    assert!(
        tgt.flags
            .contains(TicketFlags::INITIAL | TicketFlags::PRE_AUTHENT)
    );

    let keys = derive_keys(&addr, &principal(&lab, &svc), password);
    for name_type in [NameType::PRINCIPAL, NameType::SRV_HST] {
        let service = principal(&lab, &spn).with_name_type(name_type);
        let st = kdc::tgs(&addr, &tgt, &service).unwrap();
        assert_eq!(st.server.components, ["HTTP", h.as_str()]);
        assert_eq!(st.client.components, ["Administrator"]);
        // msDS-SupportedEncryptionTypes 24: the ticket is AES256.
        assert_eq!(st.ticket.enc_part.etype, Enctype::AES256_CTS_HMAC_SHA1_96);
        assert_eq!(st.ticket.enc_part.kvno, Some(1));
        let key = keys
            .iter()
            .find(|k| k.enctype() == st.ticket.enc_part.etype)
            .unwrap();
        let part = decrypt_ticket(&st.ticket, key).unwrap();
        assert_eq!(part.client.components, ["Administrator"]);
        assert_eq!(part.session_key, st.session_key);
        assert!(part.pac().is_some(), "Samba puts a PAC in service tickets");
        // The same password with the sAMAccountName salt (not this account's: its
        // salt comes from its UPN) does not decrypt the ticket.
        let wrong = string_to_key(
            Enctype::AES256_CTS_HMAC_SHA1_96,
            &Password::from(password),
            format!("{}{svc}", lab.realm).as_bytes(),
            4096,
        )
        .unwrap();
        assert!(decrypt_ticket(&st.ticket, &wrong).is_err());
    }

    // The SPN resolved by its own account name works as a service name too.
    let st = kdc::tgs(&addr, &tgt, &principal(&lab, &svc)).unwrap();
    decrypt_ticket(&st.ticket, &keys[0]).unwrap();
}

#[test]
fn service_account_keys_prove_themselves_in_as_exchanges() {
    let Some((lab, addr)) = lab("service_account_keys_prove_themselves_in_as_exchanges") else {
        return;
    };
    let svc = sam("d");
    let _guard = lab.cleanup(&[&svc]);
    let h = host("4");
    let upn = format!("HTTP/{h}@{}", lab.realm);
    let other_spn = format!("HTTP/{}", host("4alias"));
    let password = "Kdct-Keys-Pw-4!";
    add_user(
        &lab,
        &svc,
        Some(&upn),
        &[&format!("HTTP/{h}"), &other_spn],
        password,
        false,
    );
    let keys = derive_keys(&addr, &principal(&lab, &svc), password);

    // By sAMAccountName and by UPN; the KDC names the client by its sAMAccountName.
    for client in [principal(&lab, &svc), Principal::parse(&upn).unwrap()] {
        let tgt = kdc::as_with_keys(&addr, &client, &keys).unwrap();
        assert_eq!(tgt.client.components, [svc.as_str()], "{client}");
        assert!(tgt.flags.contains(TicketFlags::PRE_AUTHENT));
        assert_eq!(tgt.session_key.enctype(), Enctype::AES256_CTS_HMAC_SHA1_96);
    }
    // Each key alone (AES256, AES128, and the RC4 / NT hash key AD always keeps).
    for key in &keys {
        let tgt = kdc::as_with_keys(&addr, &principal(&lab, &svc), std::slice::from_ref(key))
            .unwrap_or_else(|e| panic!("{}: {e}", key.enctype()));
        assert_eq!(tgt.client.components, [svc.as_str()]);
    }
    // An SPN that is not the UPN is no AS client name on Samba.
    let err = kdc::as_with_keys(&addr, &principal(&lab, &other_spn), &keys).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(6), "{err}");

    // What the AS-REP looks like: which application tag and enctype Samba uses.
    let client = principal(&lab, &svc);
    let key = &keys[0];
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let pa = kdc_msg::pa_enc_timestamp(key, now, 0, &[7; 16]).unwrap();
    let req = kdc_msg::build_as_req(
        &client,
        KdcOptions(KdcOptions::CANONICALIZE),
        now + 3600,
        12345,
        &[key.enctype()],
        &[pa],
    )
    .unwrap();
    let reply = kdc::transport::exchange(&addr, &req, kdc::transport::TIMEOUT).unwrap();
    let KdcReply::AsRep(rep) = kdc_msg::parse_kdc_reply(&reply).unwrap() else {
        panic!("no AS-REP");
    };
    assert_eq!(rep.enc_part.etype, Enctype::AES256_CTS_HMAC_SHA1_96);
    let plain = crypto::decrypt(
        key,
        kdc_msg::KEY_USAGE_AS_REP_ENC_PART,
        &rep.enc_part.cipher,
    )
    .unwrap();
    let _ = writeln!(
        std::io::stderr().lock(),
        "Samba AS-REP: enc-part {} kvno {:?}, EncASRepPart tag 0x{:02x} ([APPLICATION {}])",
        rep.enc_part.etype,
        rep.enc_part.kvno,
        plain[0],
        plain[0] & 0x1f
    );
    assert!(matches!(plain[0], 0x79 | 0x7a), "tag 0x{:02x}", plain[0]);
    let part = kdc_msg::decrypt_as_rep(&rep, key).unwrap();
    assert_eq!(part.nonce, 12345);
}

#[test]
fn wrong_keys_disabled_and_unknown_accounts_are_named() {
    let Some((lab, addr)) = lab("wrong_keys_disabled_and_unknown_accounts_are_named") else {
        return;
    };
    let svc = sam("e");
    let off = sam("f");
    let _guard = lab.cleanup(&[&svc, &off]);
    let h = host("5");
    let upn = format!("HTTP/{h}@{}", lab.realm);
    let password = "Kdct-Wrong-Pw-5!";
    add_user(
        &lab,
        &svc,
        Some(&upn),
        &[&format!("HTTP/{h}")],
        password,
        false,
    );
    add_user(&lab, &off, None, &[], password, true);
    let client = principal(&lab, &svc);

    // A wrong password, and the right password with the wrong salt (the
    // sAMAccountName salt for an account whose salt comes from its UPN).
    let err = kdc::as_with_password(&addr, &client, &Password::from("Not-The-Pw-5!")).unwrap_err();
    assert!(matches!(err, KdcError::PreauthFailed { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("the KDC rejected the key: wrong password, salt or kvno"),
        "{err}"
    );
    let wrong_salt = string_to_key(
        Enctype::AES256_CTS_HMAC_SHA1_96,
        &Password::from(password),
        format!("{}{svc}", lab.realm).as_bytes(),
        4096,
    )
    .unwrap();
    let err = kdc::as_with_keys(&addr, &client, &[wrong_salt]).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(24), "{err}");
    assert!(err.to_string().contains("KDC_ERR_PREAUTH_FAILED"), "{err}");
    // The right keys still work afterwards.
    kdc::as_with_keys(&addr, &client, &derive_keys(&addr, &client, password)).unwrap();

    // A disabled account: the salt is still announced, the AS exchange is refused
    // with CLIENT_REVOKED and NTSTATUS STATUS_ACCOUNT_DISABLED.
    let disabled = principal(&lab, &off);
    assert!(kdc::salt_info(&addr, &disabled).is_ok());
    let err = kdc::as_with_password(&addr, &disabled, &Password::from(password)).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(18), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("KDC_ERR_CLIENT_REVOKED"), "{msg}");
    assert!(msg.contains("disabled"), "{msg}");
    match &err {
        KdcError::Kdc(refusal) => assert_eq!(refusal.nt_status, Some(0xC000_0072)),
        other => panic!("{other}"),
    }

    // Unknown client and unknown service.
    let err = kdc::salt_info(&addr, &principal(&lab, &sam("zz"))).unwrap_err();
    assert_eq!(err.krb_error_code(), Some(6), "{err}");
    assert!(
        err.to_string().contains("KDC_ERR_C_PRINCIPAL_UNKNOWN"),
        "{err}"
    );
    let tgt = kdc::as_with_keys(&addr, &client, &derive_keys(&addr, &client, password)).unwrap();
    let err = kdc::tgs(
        &addr,
        &tgt,
        &principal(&lab, &format!("HTTP/{}", host("nothere"))),
    )
    .unwrap_err();
    assert_eq!(err.krb_error_code(), Some(7), "{err}");
    assert!(
        err.to_string().contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"),
        "{err}"
    );
}

/// `provision::keys::prove` (what create, rotate and apply run before a keytab is
/// written): every key is proven, the weaker ones by logging in and the strongest by
/// the service ticket it decrypts. When the KDC issues the ticket in a weaker enctype
/// (msDS-SupportedEncryptionTypes lists AES128 only), the strongest key logs in
/// instead; a wrong strongest key is caught by the ticket.
#[test]
fn every_key_is_proven_by_a_login_or_by_the_service_ticket() {
    use spnkt::provision::execute::Executed;
    use spnkt::provision::keys;
    use spnkt::provision::{Collect, StepError};

    let Some((lab, addr)) = lab("every_key_is_proven_by_a_login_or_by_the_service_ticket") else {
        return;
    };
    let (both, aes128_tickets) = (sam("p"), sam("q"));
    let _guard = lab.cleanup(&[&both, &aes128_tickets]);
    let password = "Kdct-Prove-Pw-6!";
    let spn = |n: &str| format!("HTTP/{}", host(n));
    add_user(&lab, &both, None, &[&spn("6p")], password, false);
    add_user(&lab, &aes128_tickets, None, &[&spn("6q")], password, false);
    lab.ldap_modify(&format!(
        "dn: CN={aes128_tickets},CN=Users,{}\nchangetype: modify\n\
         replace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 8\n",
        lab.base_dn
    ))
    .unwrap();

    let prove = |sam: &str, host_n: &str, keys_: &[Key]| {
        let client = principal(&lab, sam);
        let mut done = Executed {
            kdc_enctypes: Some(
                kdc::salt_info(&addr, &client)
                    .unwrap()
                    .iter()
                    .map(|i| i.etype)
                    .collect(),
            ),
            ..Executed::default()
        };
        let mut progress = Collect::default();
        let service = format!("{}@{}", spn(host_n), lab.realm);
        let result = keys::prove(
            &addr,
            &client.to_string(),
            &service,
            keys_,
            &mut done,
            &mut progress,
        );
        (result, done, progress.warnings)
    };
    let names = |e: &[Enctype]| e.iter().map(|e| e.to_string()).collect::<Vec<_>>();
    let (aes256, aes128, rc4) = (
        Enctype::AES256_CTS_HMAC_SHA1_96,
        Enctype::AES128_CTS_HMAC_SHA1_96,
        Enctype::RC4_HMAC,
    );

    // The usual case: AES128 logs in, the ticket comes in AES256 and proves that key.
    let keys_ = derive_keys(&addr, &principal(&lab, &both), password);
    let (result, done, warnings) = prove(&both, "6p", &keys_);
    result.unwrap();
    assert_eq!(done.keys_proven, names(&[aes256, aes128, rc4]));
    assert_eq!(done.ticket_enctype, Some(aes256.to_string()));
    assert!(warnings.is_empty(), "{warnings:?}");

    // One key alone logs in and decrypts the ticket.
    let (result, done, _) = prove(&both, "6p", &keys_[..1]);
    result.unwrap();
    assert_eq!(done.keys_proven, names(&[aes256]));

    // A wrong AES256 key (another password) with the right AES128 one: the login
    // with AES128 succeeds, the ticket does not decrypt, and nothing is proven.
    let mut wrong = derive_keys(&addr, &principal(&lab, &both), "Not-The-Pw-6!");
    wrong.truncate(1);
    wrong.push(keys_[1].clone());
    let (result, done, _) = prove(&both, "6p", &wrong);
    match result {
        Err(StepError::TicketDecrypt { enctype, .. }) => assert_eq!(enctype, aes256),
        other => panic!("{other:?}"),
    }
    assert!(done.ticket_enctype.is_none());

    // The KDC issues AES128 tickets: AES256 is proven by a login of its own.
    let keys_ = derive_keys(&addr, &principal(&lab, &aes128_tickets), password);
    let (result, done, warnings) = prove(&aes128_tickets, "6q", &keys_[..2]);
    result.unwrap();
    assert_eq!(done.ticket_enctype, Some(aes128.to_string()));
    assert_eq!(done.keys_proven, names(&[aes256, aes128]));
    assert!(warnings.is_empty(), "{warnings:?}");
}

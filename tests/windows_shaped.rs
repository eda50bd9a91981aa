//! Windows Server AD behaviour, tested with Windows-shaped data (no Windows DC in
//! the lab): LDAP diagnostics as Windows words them (a Win32 code, the attribute
//! by ATTRTYP and name, a trailing NUL byte), KRB-ERRORs whose e-data carries
//! MS-KILE's KERB-ERROR-DATA / KERB-EXT-ERROR (built byte for byte from the spec by
//! tests/fixtures/kdc-error/make-windows-shaped.py) next to the ones Samba's KDC
//! really sent (capture-samba.sh), wellKnownObjects values of a domain whose Users
//! container was redirected, and DC certificates a Windows client accepts and rustls
//! does not (tests/fixtures/tls/make-fixtures.sh), served by a TLS server on
//! 127.0.0.1 in the test.
//!
//! Each test prints `*** windows-shaped test NAME ran` once it passed;
//! tests/run-all.sh counts those lines against the #[test]s here.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use spnkt::ad::ldap::{BindFailure, ConnectOptions, Directory, LdapError, error_from_result};
use spnkt::ad::tls_names::NameMismatch;
use spnkt::kdc::{self, KdcAddress, KdcError};
use spnkt::krb::ext_error::{self, Carrier, NtStatus};
use spnkt::krb::kdc_msg::{self, KdcReply, KrbError};
use spnkt::krb::{NameType, Principal};
use spnkt::provision::delete::{Below, DELETE_DENIED_HINT, RECYCLE_BIN_NOTE};
use spnkt::provision::{self, USERS_CONTAINER_WKGUID, users_container_of};

fn ran(name: &str) {
    support::announce_ran("windows-shaped", name);
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn modify(rc: u32, text: &str) -> LdapError {
    error_from_result(
        "modify",
        "CN=svc-web,CN=Users,DC=example,DC=com",
        "ldaps://dc1:636",
        rc,
        text,
    )
}

/// ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST is 0x21C7 (8647), the UPN one 0x21C8
/// (8648); the attribute named decides.
#[test]
fn duplicate_spn_and_upn_are_told_by_the_attribute() {
    let spn = "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n\0";
    let upn = "000021C8: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C8: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90290 (userPrincipalName)\n\0";
    assert!(matches!(modify(19, spn), LdapError::DuplicateSpn { .. }));
    assert!(matches!(modify(19, upn), LdapError::DuplicateUpn { .. }));
    // A code that does not match the attribute: the attribute decides.
    let swapped = "000021C8: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C8: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n\0";
    assert!(matches!(
        modify(19, swapped),
        LdapError::DuplicateSpn { .. }
    ));
    // The ATTRTYP alone is enough; without any attribute the code decides.
    let by_id = "000021C8: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C8: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303\n\0";
    assert!(matches!(modify(19, by_id), LdapError::DuplicateSpn { .. }));
    let no_att = "000021C7: AtrErr: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0\n\0";
    assert!(matches!(modify(19, no_att), LdapError::DuplicateSpn { .. }));
    let no_att = "000021C8: AtrErr: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0\n\0";
    assert!(matches!(modify(19, no_att), LdapError::DuplicateUpn { .. }));
    // Another constraint on servicePrincipalName is not a duplicate.
    let other = "000020B1: AtrErr: DSID-03200BBA, #1:\n\t0: 000020B1: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n\0";
    assert!(matches!(
        modify(19, other),
        LdapError::ConstraintViolation { .. }
    ));
    // Samba's words, as before.
    let samba = "0000202F: samldb: spn[HTTP/web.example.test] would cause a conflict";
    assert!(matches!(modify(19, samba), LdapError::DuplicateSpn { .. }));
    let samba = "0000202F: samldb: userPrincipalName 'HTTP/web.example.test@EXAMPLE.TEST' is already in use";
    assert!(matches!(modify(19, samba), LdapError::DuplicateUpn { .. }));
    ran("duplicate_spn_and_upn_are_told_by_the_attribute");
}

/// Windows' diagnostic messages end in a NUL byte: never shown.
#[test]
fn diagnostics_lose_their_nul_byte() {
    for (rc, text) in [
        (
            19,
            "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n\0",
        ),
        (
            50,
            "00000005: SecErr: DSID-03152857, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0\n\0",
        ),
        (
            66,
            "0000208C: UpdErr: DSID-030F0F2A, problem 6003 (CANT_ON_NON_LEAF), data 0\n\0",
        ),
        (
            53,
            "0000052D: SvcErr: DSID-031A1248, problem 5003 (WILL_NOT_PERFORM), data 0\n\0",
        ),
        (
            32,
            "0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT), data 0, best match of:\n\t'DC=example,DC=com'\n\0",
        ),
    ] {
        let e = modify(rc, text);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains('\0'), "{shown}");
        assert!(!shown.contains("\\0"), "{shown}");
        assert!(shown.contains("DSID-0"), "{shown}");
        // (A password-policy refusal keeps no code: 19 and 53 mean the same.)
        if !matches!(e, LdapError::PasswordPolicy { .. }) {
            assert_eq!(e.result_code(), Some(rc), "{e}");
        }
    }
    assert!(matches!(
        modify(
            53,
            "0000052D: SvcErr: DSID-031A1248, problem 5003 (WILL_NOT_PERFORM), data 0\n\0"
        ),
        LdapError::PasswordPolicy { .. }
    ));
    // A bind refusal: the data code is read, the NUL is not shown.
    let bind =
        "80090308: LdapErr: DSID-0C09050F, comment: AcceptSecurityContext error, data 775, v4563\0";
    assert_eq!(
        BindFailure::from_diagnostic(bind),
        BindFailure::AccountLockedOut
    );
    ran("diagnostics_lose_their_nul_byte");
}

/// The default container is the Users well-known object (MS-ADTS 6.1.1.4), wherever
/// an admin redirected it.
#[test]
fn users_container_follows_its_well_known_object() {
    assert_eq!(USERS_CONTAINER_WKGUID, "a9d1ca15768811d1aded00c04fd8d5cd");
    // wellKnownObjects of a Windows domain whose Users container was redirected
    // (redirusr "OU=Staff,DC=corp,DC=example,DC=com").
    let values: Vec<String> = [
        "B:32:AA312825768811D1ADED00C04FD8D5CD:CN=Computers,DC=corp,DC=example,DC=com",
        "B:32:F4BE92A4C777485E878E9421D53087DB:CN=Microsoft,CN=Program Data,DC=corp,DC=example,DC=com",
        "B:32:A9D1CA15768811D1ADED00C04FD8D5CD:OU=Staff,DC=corp,DC=example,DC=com",
        "B:32:AB1D30F3768811D1ADED00C04FD8D5CD:CN=System,DC=corp,DC=example,DC=com",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(
        users_container_of(&values).as_deref(),
        Some("OU=Staff,DC=corp,DC=example,DC=com")
    );
    // Not redirected, GUID in lower case.
    let plain = vec!["B:32:a9d1ca15768811d1aded00c04fd8d5cd:CN=Users,DC=example,DC=com".to_owned()];
    assert_eq!(
        users_container_of(&plain).as_deref(),
        Some("CN=Users,DC=example,DC=com")
    );
    // Computers only, or garbage: no Users container (spnkt then asks for the
    // <WKGUID=...> object itself, or for --ou).
    assert_eq!(users_container_of(&values[..2]), None);
    let junk = vec![
        "B:32:A9D1CA15768811D1ADED00C04FD8D5CD".to_owned(),
        "B:31:A9D1CA15768811D1ADED00C04FD8D5C:CN=Users,DC=x".to_owned(),
        "CN=Users,DC=x".to_owned(),
        "B:32:A9D1CA15768811D1ADED00C04FD8D5CD:".to_owned(),
    ];
    assert_eq!(users_container_of(&junk), None);
    ran("users_container_follows_its_well_known_object");
}

fn krb_error(rel: &str) -> KrbError {
    let bytes = std::fs::read(fixture(rel)).unwrap();
    match kdc_msg::parse_kdc_reply(&bytes).unwrap() {
        KdcReply::Error(e) => e,
        other => panic!("{rel}: not a KRB-ERROR: {other:?}"),
    }
}

fn refused(e: &KrbError) -> String {
    let kdc = KdcAddress::new("dc1.example.com:88");
    let client = Principal::new(
        NameType::PRINCIPAL,
        vec!["svc-web".to_owned()],
        "EXAMPLE.COM".to_owned(),
    );
    match kdc::refusal(&kdc, e, &client, 0) {
        KdcError::Kdc(r) => r.to_string(),
        other => panic!("{other:?}"),
    }
}

/// KERB-ERROR-DATA carrying KERB-EXT-ERROR (MS-KILE 2.2.1-2.2.2), as Windows sends
/// it: the NTSTATUS is read and shown by name with what to do.
#[test]
fn windows_kdc_extended_errors_are_shown() {
    for (file, code, status, words) in [
        (
            "disabled",
            18,
            NtStatus::ACCOUNT_DISABLED,
            "enable the account",
        ),
        ("expired", 18, NtStatus::ACCOUNT_EXPIRED, "accountExpires"),
        (
            "locked-out",
            18,
            NtStatus::ACCOUNT_LOCKED_OUT,
            "Unlock-ADAccount",
        ),
        (
            "logon-hours",
            18,
            NtStatus::INVALID_LOGON_HOURS,
            "logonHours",
        ),
        (
            "workstation",
            18,
            NtStatus::INVALID_WORKSTATION,
            "userWorkstations",
        ),
        (
            "password-expired",
            23,
            NtStatus::PASSWORD_EXPIRED,
            "set a new password",
        ),
        (
            "must-change",
            23,
            NtStatus::PASSWORD_MUST_CHANGE,
            "pwdLastSet",
        ),
    ] {
        let rel = format!("kdc-error/windows-{file}.rep");
        let e = krb_error(&rel);
        assert_eq!(e.error_code, code, "{rel}");
        let (x, carrier) = ext_error::from_e_data(e.e_data.as_deref().unwrap()).unwrap();
        assert_eq!(carrier, Carrier::KerbErrorData, "{rel}");
        assert_eq!((x.status, x.reserved, x.flags), (status, 0, 1), "{rel}");
        assert_eq!(e.nt_status(), Some(status.0), "{rel}");
        let text = refused(&e);
        eprintln!("observed ({rel}): {text}");
        let name = status.name().unwrap();
        assert!(text.contains(name), "{rel}: {text}");
        assert!(
            text.contains(&format!("0x{:08X}", status.0)),
            "{rel}: {text}"
        );
        assert!(text.contains(status.meaning().unwrap()), "{rel}: {text}");
        assert!(text.contains(words), "{rel}: {text}");
        // spnkt writes the same bytes back.
        assert_eq!(
            kdc_msg::encode_krb_error(&e),
            std::fs::read(fixture(&rel)).unwrap(),
            "{rel}"
        );
    }
    ran("windows_kdc_extended_errors_are_shown");
}

/// What Samba 4.17's KDC really sent (captured from the lab): the same 12 bytes as a
/// PA-DATA of type 3 in METHOD-DATA, next to ETYPE-INFO2, which still reads.
#[test]
fn samba_kdc_extended_errors_are_shown() {
    for (file, code, status) in [
        ("disabled", 18, NtStatus::ACCOUNT_DISABLED),
        ("expired", 18, NtStatus::ACCOUNT_EXPIRED),
        ("logon-hours", 18, NtStatus::INVALID_LOGON_HOURS),
        ("must-change", 23, NtStatus::PASSWORD_MUST_CHANGE),
    ] {
        let rel = format!("kdc-error/samba-{file}.rep");
        let e = krb_error(&rel);
        assert_eq!(e.error_code, code, "{rel}");
        let (x, carrier) = ext_error::from_e_data(e.e_data.as_deref().unwrap()).unwrap();
        assert_eq!(carrier, Carrier::MethodData, "{rel}");
        assert_eq!(x.status, status, "{rel}");
        assert_eq!(x.flags & 1, 1, "{rel}");
        assert!(!e.etype_info().unwrap().is_empty(), "{rel}");
        let text = refused(&e);
        assert!(text.contains(status.name().unwrap()), "{rel}: {text}");
    }
    // A wrong password: PREAUTH_FAILED with ETYPE-INFO2 and no NTSTATUS; its
    // PA-ETYPE-INFO2 is not mistaken for one.
    let e = krb_error("kdc-error/samba-wrong-password.rep");
    assert_eq!(e.error_code, 24);
    assert_eq!(e.ext_error(), None);
    ran("samba_kdc_extended_errors_are_shown");
}

/// 66 notAllowedOnNonLeaf and 50 insufficientAccessRights on a delete, as Windows
/// words them: what they mean and what to do (the tree delete is offered).
#[test]
fn delete_refusals_are_explained() {
    let e = error_from_result(
        "delete",
        "CN=svc-web,CN=Users,DC=example,DC=com",
        "ldaps://dc1:636",
        66,
        "0000208C: UpdErr: DSID-030F0F2A, problem 6003 (CANT_ON_NON_LEAF), data 0\n\0",
    );
    assert_eq!(e.result_code(), Some(66));
    assert!(e.to_string().contains("notAllowedOnNonLeaf"), "{e}");
    let has_children = provision::Error::HasChildren {
        dn: "CN=svc-web,CN=Users,DC=example,DC=com".into(),
        below: Below {
            dns: vec!["CN=ExchangeActiveSyncDevices,CN=svc-web,CN=Users,DC=example,DC=com".into()],
            more: false,
        },
        diagnostic: e.to_string(),
    };
    let message = has_children.to_string();
    eprintln!("observed: {message}");
    assert!(message.contains("66 notAllowedOnNonLeaf"), "{message}");
    assert!(
        message.contains("CN=ExchangeActiveSyncDevices"),
        "{message}"
    );
    let hint = has_children.hint().unwrap();
    assert!(hint.contains("--tree"), "{hint}");
    assert_eq!(has_children.exit().code(), 1);

    let e = error_from_result(
        "delete",
        "CN=svc-web,CN=Users,DC=example,DC=com",
        "ldaps://dc1:636",
        50,
        "00000005: SecErr: DSID-03152857, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0\n\0",
    );
    assert!(
        matches!(e, LdapError::InsufficientAccess { op: "delete", .. }),
        "{e:?}"
    );
    assert!(DELETE_DENIED_HINT.contains("Protect object from accidental deletion"));
    assert!(DELETE_DENIED_HINT.contains("Delete Subtree"));
    assert!(RECYCLE_BIN_NOTE.contains("Recycle Bin") && RECYCLE_BIN_NOTE.contains("UPN"));
    ran("delete_refusals_are_explained");
}

/// A TLS server on 127.0.0.1 with `name`'s certificate and key from
/// tests/fixtures/tls; it answers TLS handshakes and nothing else.
fn tls_server(name: &str) -> u16 {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let cert = CertificateDer::from_pem_file(fixture(&format!("tls/{name}.pem"))).unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture(&format!("tls/{name}.key"))).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let mut tcp = tcp;
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(mut conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                while conn.is_handshaking() {
                    if conn.complete_io(&mut tcp).is_err() {
                        return;
                    }
                }
                let _ = conn.complete_io(&mut tcp);
            });
        }
    });
    port
}

fn connect_error(url: &str) -> LdapError {
    Directory::connect(&ConnectOptions {
        url: url.to_owned(),
        starttls: false,
        ca_cert: Some(fixture("tls/ca.pem")),
        insecure_skip_verify: false,
        timeout: Duration::from_secs(10),
    })
    .expect_err("the certificate's names must not be accepted")
}

fn connect_hint(url: &str, cause: LdapError) -> String {
    provision::Error::Connect {
        url: url.to_owned(),
        cause,
    }
    .hint()
    .unwrap()
}

/// A DC certificate naming the host only in its subject CN (Microsoft's LDAPS
/// requirements allow it; rustls does not): said exactly, with what to do.
#[test]
fn certificate_naming_the_dc_only_in_its_subject_cn() {
    let port = tls_server("cn-only");
    let url = format!("ldaps://localhost:{port}");
    let e = connect_error(&url);
    let LdapError::TlsNameMismatch { found, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        *found,
        NameMismatch::SubjectCnOnly {
            cn: "localhost".into()
        }
    );
    let text = e.to_string();
    eprintln!("observed: {text}");
    assert!(text.contains("only in its subject CN"), "{text}");
    assert!(text.contains("subjectAltName"), "{text}");
    let hint = connect_hint(&url, e);
    eprintln!("hint: {hint}");
    assert!(hint.contains("Domain Controller Authentication"), "{hint}");
    assert!(
        hint.contains("--ldap-url ldap://localhost --bind-kerberos"),
        "{hint}"
    );
    assert!(!hint.contains("insecure"), "{hint}");
    ran("certificate_naming_the_dc_only_in_its_subject_cn");
}

/// A connection by IP address to a DC whose certificate lists DNS names only.
#[test]
fn connection_by_ip_address() {
    let port = tls_server("san-dns");
    let url = format!("ldaps://127.0.0.1:{port}");
    let e = connect_error(&url);
    let LdapError::TlsNameMismatch { found, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        *found,
        NameMismatch::Address {
            names: vec!["localhost".into()]
        }
    );
    eprintln!("observed: {e}");
    assert!(e.to_string().contains("by IP address"), "{e}");
    let hint = connect_hint(&url, e);
    eprintln!("hint: {hint}");
    assert!(
        hint.contains(&format!("--ldap-url ldaps://localhost:{port}")),
        "{hint}"
    );
    // By that name the same server's certificate is accepted: the TLS handshake
    // succeeds and only LDAP is missing behind it.
    let by_name = Directory::connect(&ConnectOptions {
        url: format!("ldaps://localhost:{port}"),
        starttls: false,
        ca_cert: Some(fixture("tls/ca.pem")),
        insecure_skip_verify: false,
        timeout: Duration::from_secs(10),
    });
    if let Err(e) = by_name {
        assert!(
            !matches!(
                e,
                LdapError::TlsNameMismatch { .. } | LdapError::UnknownCa { .. }
            ),
            "{e:?}"
        );
    }
    ran("connection_by_ip_address");
}

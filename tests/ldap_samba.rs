//! `spnkt::ad::ldap` against the real Samba AD DC of the lab (tests/lab/samba-lab.sh),
//! with OpenLDAP's `ldapsearch` as the independent judge of what spnkt wrote.
//!
//! Skipped loudly when the lab is not running; failed instead under
//! `SPNKT_REQUIRE_PEERS=1`. Accounts are named `ldapt-*` and removed afterwards.

mod support;

use std::io::ErrorKind;
use std::net::{TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use spnkt::ad::account::{SupportedEnctypes, Uac};
use spnkt::ad::ldap::{
    BindFailure, ConnectOptions, Directory, GlobalCatalog, LdapError, Scope, SimpleBind,
};
use spnkt::krb::Password;
use support::samba_lab::{Lab, lab_available};

const TIMEOUT: Duration = Duration::from_secs(20);

fn ldaps(lab: &Lab) -> ConnectOptions {
    ConnectOptions {
        url: lab.ldaps_url.clone(),
        starttls: false,
        ca_cert: Some(lab.ca_cert.clone()),
        insecure_skip_verify: false,
        timeout: TIMEOUT,
    }
}

fn starttls(lab: &Lab) -> ConnectOptions {
    ConnectOptions {
        url: lab.starttls_url.clone(),
        starttls: true,
        ..ldaps(lab)
    }
}

fn admin(lab: &Lab) -> SimpleBind {
    SimpleBind {
        user: lab.admin_user.clone(),
        password: Password::new(lab.admin_password.clone()),
    }
}

fn bound(lab: &Lab) -> Directory {
    let mut d = Directory::connect(&ldaps(lab)).expect("connect LDAPS with the lab CA");
    d.bind(&admin(lab)).expect("bind as the lab admin");
    d
}

fn s(v: &str) -> Vec<String> {
    vec![v.to_owned()]
}

/// NetBIOS domain name: Samba's default is the first label of the realm.
fn netbios(lab: &Lab) -> String {
    lab.realm.split('.').next().unwrap().to_owned()
}

#[test]
fn ldaps_with_ca_binds_in_every_form_and_reads_the_root_dse() {
    let Some(lab) = lab_available("ldaps_with_ca_binds_in_every_form_and_reads_the_root_dse")
    else {
        return;
    };
    let users = [
        lab.admin_user.clone(),
        format!("{}\\Administrator", netbios(&lab)),
        lab.admin_dn.clone(),
    ];
    for user in users {
        let mut d = Directory::connect(&ldaps(&lab)).expect("connect");
        assert!(d.is_encrypted());
        d.bind(&SimpleBind {
            user: user.clone(),
            password: Password::new(lab.admin_password.clone()),
        })
        .unwrap_or_else(|e| panic!("bind as {user}: {e}"));
        assert_eq!(d.round_trips(), 1, "LDAPS: only the bind");
    }

    let mut d = bound(&lab);
    let dse = d.root_dse().unwrap();
    assert_eq!(dse.default_naming_context, lab.base_dn);
    assert_eq!(
        dse.configuration_naming_context,
        format!("CN=Configuration,{}", lab.base_dn)
    );
    assert_eq!(dse.root_domain_naming_context, lab.base_dn);
    assert_eq!(
        dse.dns_host_name.as_deref().map(str::to_lowercase),
        Some(lab.dc_host.to_lowercase())
    );
    assert!(dse.is_global_catalog_ready);
    assert_eq!(d.round_trips(), 2);
    // Cached.
    assert_eq!(d.root_dse().unwrap(), dse);
    assert_eq!(d.round_trips(), 2);
}

#[test]
fn starttls_with_ca_and_the_global_catalog_over_starttls() {
    let Some(lab) = lab_available("starttls_with_ca_and_the_global_catalog_over_starttls") else {
        return;
    };
    let mut d = Directory::connect(&starttls(&lab)).expect("connect StartTLS with the lab CA");
    assert_eq!(d.round_trips(), 1, "the StartTLS extended operation");
    d.bind(&admin(&lab)).expect("bind over StartTLS");
    assert_eq!(d.root_dse().unwrap().default_naming_context, lab.base_dn);
    // The DC's own SPN, in another case than stored (HOST/dc1..., host/dc1...).
    let spn = format!("HoSt/{}", lab.dc_host.to_uppercase());
    let found = d.find_spn(&spn).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].dn.starts_with("CN=DC1,"), "{}", found[0].dn);
    assert_eq!(
        d.global_catalog(),
        GlobalCatalog::Connected {
            url: "ldap://127.0.0.1:3268".into()
        }
    );
}

#[test]
fn plain_ldap_without_starttls_is_refused_before_anything_is_sent() {
    // No lab needed for the local half.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let opts = ConnectOptions {
        url: format!("ldap://127.0.0.1:{port}"),
        starttls: false,
        ca_cert: None,
        insecure_skip_verify: false,
        timeout: TIMEOUT,
    };
    let err = Directory::connect(&opts).unwrap_err();
    assert!(matches!(err, LdapError::PlaintextRefused { .. }), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("ldap://127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.to_string().contains("ldaps://"), "{err}");
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("spnkt connected to the plain port: {other:?}"),
    }

    let Some(lab) = lab_available("plain_ldap_without_starttls_is_refused_before_anything_is_sent")
    else {
        return;
    };
    let opts = ConnectOptions {
        starttls: false,
        ..starttls(&lab)
    };
    let err = Directory::connect(&opts).unwrap_err();
    assert!(matches!(err, LdapError::PlaintextRefused { .. }), "{err}");
}

/// A CA that did not sign the lab's certificate, made with openssl.
fn foreign_ca(lab: &Lab) -> Option<PathBuf> {
    let dir = lab.work();
    let key = dir.join("foreign-ca.key");
    let pem = dir.join("foreign-ca.pem");
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=not the lab CA",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&pem)
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(pem)
}

#[test]
fn tls_trust_failures_are_typed_and_hint_at_ca_cert() {
    let Some(lab) = lab_available("tls_trust_failures_are_typed_and_hint_at_ca_cert") else {
        return;
    };
    // No CA: only the OS store, which does not know the lab CA.
    for opts in [ldaps(&lab), starttls(&lab)] {
        let opts = ConnectOptions {
            ca_cert: None,
            ..opts
        };
        let err = Directory::connect(&opts).unwrap_err();
        assert!(matches!(err, LdapError::UnknownCa { .. }), "{err:?}");
        eprintln!("observed (no CA): {err}");
        let msg = err.to_string();
        assert!(
            msg.contains("--ca-cert") && msg.contains("127.0.0.1"),
            "{msg}"
        );
    }
    // A wrong CA.
    match foreign_ca(&lab) {
        Some(pem) => {
            let err = Directory::connect(&ConnectOptions {
                ca_cert: Some(pem),
                ..ldaps(&lab)
            })
            .unwrap_err();
            assert!(matches!(err, LdapError::UnknownCa { .. }), "{err:?}");
        }
        None => eprintln!("(openssl missing: wrong-CA case not run)"),
    }
    // An unreadable or empty CA file.
    let missing = lab.work().join("missing.pem");
    let err = Directory::connect(&ConnectOptions {
        ca_cert: Some(missing.clone()),
        ..ldaps(&lab)
    })
    .unwrap_err();
    assert!(matches!(err, LdapError::CaCert { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.pem"), "{err}");
    let empty = lab.work().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let err = Directory::connect(&ConnectOptions {
        ca_cert: Some(empty),
        ..ldaps(&lab)
    })
    .unwrap_err();
    assert!(matches!(err, LdapError::CaCert { .. }), "{err:?}");

    // insecure_skip_verify: no CA, still connects and binds.
    let mut d = Directory::connect(&ConnectOptions {
        ca_cert: None,
        insecure_skip_verify: true,
        ..ldaps(&lab)
    })
    .expect("insecure_skip_verify connects");
    d.bind(&admin(&lab)).unwrap();

    // Nothing listening: connection refused, URL named.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Directory::connect(&ConnectOptions {
        url: format!("ldaps://127.0.0.1:{closed}"),
        ..ldaps(&lab)
    })
    .unwrap_err();
    assert!(matches!(err, LdapError::Connect { .. }), "{err:?}");
    eprintln!("observed (closed port): {err}");
    assert!(
        err.to_string().contains("refused") && err.to_string().contains(&closed.to_string()),
        "{err}"
    );

    // A name the certificate does not carry but that reaches the DC: this machine's
    // host name, when it resolves to the loopback address the DC listens on.
    let host = std::fs::read_to_string("/etc/hostname")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let loopback = !host.is_empty()
        && (host.as_str(), 636)
            .to_socket_addrs()
            .is_ok_and(|mut a| a.any(|a| a.ip().to_string() == "127.0.0.1"));
    let cert_names = ["dc1", "localhost", &lab.dc_host];
    if loopback && !cert_names.iter().any(|n| n.eq_ignore_ascii_case(&host)) {
        let err = Directory::connect(&ConnectOptions {
            url: format!("ldaps://{host}:636"),
            ..ldaps(&lab)
        })
        .unwrap_err();
        assert!(matches!(err, LdapError::TlsNameMismatch { .. }), "{err:?}");
        eprintln!("observed (name mismatch): {err}");
        assert!(err.to_string().contains(&host), "{err}");
    } else {
        eprintln!("(host name {host:?} does not resolve to 127.0.0.1: name-mismatch case not run)");
    }
}

#[test]
fn bad_password_and_empty_password_are_typed() {
    let Some(lab) = lab_available("bad_password_and_empty_password_are_typed") else {
        return;
    };
    let mut d = Directory::connect(&ldaps(&lab)).unwrap();
    let wrong = "Wr0ng-but-Secret-77";
    let err = d
        .bind(&SimpleBind {
            user: lab.admin_user.clone(),
            password: Password::from(wrong),
        })
        .unwrap_err();
    match &err {
        LdapError::InvalidCredentials {
            reason, diagnostic, ..
        } => {
            assert_eq!(*reason, BindFailure::BadPassword);
            assert!(diagnostic.contains("data 52e"), "{diagnostic}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(wrong));
    assert_eq!(err.result_code(), Some(49));
    let err = d
        .bind(&SimpleBind {
            user: lab.admin_user.clone(),
            password: Password::from(""),
        })
        .unwrap_err();
    assert!(matches!(err, LdapError::EmptyPassword), "{err:?}");
    // The connection is still usable.
    d.bind(&admin(&lab)).unwrap();
}

/// Remove `ldapt-*` accounts by sAMAccountName, now and on drop.
struct Gone<'a> {
    lab: &'a Lab,
    sams: Vec<String>,
}

impl<'a> Gone<'a> {
    fn new(lab: &'a Lab, sams: &[&str]) -> Gone<'a> {
        for s in sams {
            lab.delete_account(s);
        }
        Gone {
            lab,
            sams: sams.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Drop for Gone<'_> {
    fn drop(&mut self) {
        for s in &self.sams {
            self.lab.delete_account(s);
        }
    }
}

#[test]
fn account_lifecycle_against_samba() {
    let Some(lab) = lab_available("account_lifecycle_against_samba") else {
        return;
    };
    let _gone = Gone::new(&lab, &["ldapt1", "ldapt2", "ldapt3"]);
    let mut d = bound(&lab);
    let dn1 = format!("CN=ldapt1,CN=Users,{}", lab.base_dn);
    let dn2 = format!("CN=ldapt2,CN=Users,{}", lab.base_dn);
    let spn = format!("HTTP/ldapt1.{}", lab.domain);
    let upn = format!("{spn}@{}", lab.realm);
    let disabled = Uac::NORMAL_ACCOUNT | Uac::ACCOUNTDISABLE;

    d.add(
        &dn1,
        &[
            ("objectClass", s("user")),
            ("sAMAccountName", s("ldapt1")),
            ("userPrincipalName", s(&upn)),
            ("servicePrincipalName", s(&spn)),
            ("description", s("spnkt ldap test")),
            ("msDS-SupportedEncryptionTypes", s("24")),
            ("userAccountControl", s(&disabled.to_string())),
            ("dNSHostName", vec![]),
        ],
    )
    .expect("add ldapt1");

    // The peer sees what we wrote.
    let peer = lab.ldap_search(
        "(sAMAccountName=ldapt1)",
        &[
            "servicePrincipalName",
            "userPrincipalName",
            "description",
            "msDS-SupportedEncryptionTypes",
            "userAccountControl",
        ],
    );
    assert_eq!(peer.len(), 1);
    let (pdn, a) = &peer[0];
    assert_eq!(pdn, &dn1);
    assert_eq!(a["serviceprincipalname"], s(&spn));
    assert_eq!(a["userprincipalname"], s(&upn));
    assert_eq!(a["description"], s("spnkt ldap test"));
    assert_eq!(a["msds-supportedencryptiontypes"], s("24"));
    assert_eq!(a["useraccountcontrol"], s(&disabled.to_string()));

    // Adding it again.
    let err = d
        .add(
            &dn1,
            &[("objectClass", s("user")), ("sAMAccountName", s("ldapt1"))],
        )
        .unwrap_err();
    assert!(matches!(err, LdapError::AlreadyExists { .. }), "{err:?}");
    eprintln!("observed AlreadyExists: {err}");

    // A weak password.
    let err = d.set_password(&dn1, &Password::from("a")).unwrap_err();
    assert!(matches!(err, LdapError::PasswordPolicy { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains("\"a\""));
    eprintln!("observed PasswordPolicy: {err}");

    let before = d.read_account(&dn1).unwrap();
    let password = Password::from("Ld4pt-Long-Passw0rd-!x");
    d.set_password(&dn1, &password)
        .expect("set a good password over LDAPS");
    let acct = d.read_account(&dn1).unwrap();
    eprintln!(
        "kvno before password: {:?}, after: {:?}",
        before.kvno, acct.kvno
    );
    assert_eq!(acct.kvno.unwrap(), lab.kvno_of("ldapt1"));
    assert!(acct.kvno.unwrap() >= 1);
    assert!(acct.pwd_last_set.unwrap() > 0);
    assert_eq!(acct.sam_account_name, "ldapt1");
    assert_eq!(acct.user_principal_name.as_deref(), Some(upn.as_str()));
    assert_eq!(acct.service_principal_names, s(&spn));
    assert_eq!(acct.supported_enctypes, Some(SupportedEnctypes::AES));
    assert_eq!(acct.uac, Uac(disabled));
    assert!(!acct.is_computer);

    // Disabled: the new password is right, the account is not.
    let mut other = Directory::connect(&ldaps(&lab)).unwrap();
    let as_svc = SimpleBind {
        user: upn.clone(),
        password: password.clone(),
    };
    match other.bind(&as_svc).unwrap_err() {
        LdapError::InvalidCredentials {
            reason, diagnostic, ..
        } => {
            eprintln!("observed bind as a disabled account: {diagnostic}");
            assert_eq!(reason, BindFailure::AccountDisabled);
        }
        e => panic!("{e:?}"),
    }

    // Enable.
    let enabled = Uac::NORMAL_ACCOUNT | Uac::DONT_EXPIRE_PASSWORD;
    d.replace(&dn1, &[("userAccountControl", s(&enabled.to_string()))])
        .unwrap();
    assert_eq!(lab.uac("ldapt1"), Some(enabled));
    assert_eq!(
        d.find_account(&lab.base_dn, "ldapt1").unwrap().unwrap().uac,
        Uac(enabled)
    );
    // Replace with nothing deletes the attribute.
    d.replace(&dn1, &[("description", vec![])]).unwrap();
    assert!(
        lab.ldap_attr("(sAMAccountName=ldapt1)", "description")
            .is_empty()
    );
    assert_eq!(d.read_account(&dn1).unwrap().description, None);
    // The password set over LDAPS works for a bind now.
    other
        .bind(&as_svc)
        .expect("bind as the enabled service account with its new password");

    // find_spn: case-insensitive, in the global catalog.
    let found = d.find_spn(&format!("http/LDAPT1.{}", lab.domain)).unwrap();
    assert_eq!(
        found.iter().map(|e| e.dn.as_str()).collect::<Vec<_>>(),
        vec![dn1.as_str()]
    );
    assert_eq!(found[0].first("sAMAccountName"), Some("ldapt1"));
    assert!(
        matches!(d.global_catalog(), GlobalCatalog::Connected { .. }),
        "{:?}",
        d.global_catalog()
    );
    assert!(
        d.find_spn(&format!("HTTP/ldapt1-nonexistent.{}", lab.domain))
            .unwrap()
            .is_empty()
    );
    // Filter metacharacters are escaped: a '*' is not a wildcard.
    assert!(d.find_spn("HTTP/ldapt1*").unwrap().is_empty());

    // The same SPN on a second account: typed, on add and on modify.
    let err = d
        .add(
            &dn2,
            &[
                ("objectClass", s("user")),
                ("sAMAccountName", s("ldapt2")),
                ("servicePrincipalName", s(&spn.to_lowercase())),
                ("userAccountControl", s(&disabled.to_string())),
            ],
        )
        .unwrap_err();
    assert!(matches!(err, LdapError::DuplicateSpn { .. }), "{err:?}");
    eprintln!("observed DuplicateSpn (add): {err}");
    d.add(
        &dn2,
        &[
            ("objectClass", s("user")),
            ("sAMAccountName", s("ldapt2")),
            ("userAccountControl", s(&disabled.to_string())),
        ],
    )
    .unwrap();
    let err = d
        .add_values(&dn2, "servicePrincipalName", &s(&spn))
        .unwrap_err();
    assert!(matches!(err, LdapError::DuplicateSpn { .. }), "{err:?}");
    eprintln!("observed DuplicateSpn (modify): {err}");
    // The same UPN on a second account.
    let err = d
        .replace(&dn2, &[("userPrincipalName", s(&upn))])
        .unwrap_err();
    assert!(matches!(err, LdapError::DuplicateUpn { .. }), "{err:?}");
    eprintln!("observed DuplicateUpn: {err}");
    // The same value again on the same account.
    let err = d
        .add_values(&dn1, "servicePrincipalName", &s(&spn))
        .unwrap_err();
    assert!(matches!(err, LdapError::ValueExists { .. }), "{err:?}");
    eprintln!("observed ValueExists: {err}");
    // Removing a value that is not there.
    let err = d
        .delete_values(
            &dn1,
            "servicePrincipalName",
            &s("HTTP/not-there.example.test"),
        )
        .unwrap_err();
    assert!(matches!(err, LdapError::NoSuchAttribute { .. }), "{err:?}");
    eprintln!("observed NoSuchAttribute: {err}");
    // A bad sAMAccountName the server refuses (spnkt validates before, see account.rs).
    let err = d
        .add(
            &format!("CN=ldapt3,CN=Users,{}", lab.base_dn),
            &[
                ("objectClass", s("user")),
                ("sAMAccountName", s("ldapt3/x")),
            ],
        )
        .unwrap_err();
    assert!(
        matches!(err, LdapError::ConstraintViolation { .. }),
        "{err:?}"
    );
    eprintln!("observed ConstraintViolation: {err}");

    // add_values / delete_values round trip, empty lists send nothing.
    let extra = format!("HTTP/ldapt1-alias.{}", lab.domain);
    d.add_values(&dn1, "servicePrincipalName", &s(&extra))
        .unwrap();
    let mut spns = lab.ldap_attr("(sAMAccountName=ldapt1)", "servicePrincipalName");
    spns.sort();
    assert_eq!(spns, vec![extra.clone(), spn.clone()]);
    let rt = d.round_trips();
    d.add_values(&dn1, "servicePrincipalName", &[]).unwrap();
    d.delete_values(&dn1, "servicePrincipalName", &[]).unwrap();
    assert_eq!(d.round_trips(), rt);
    assert_eq!(
        lab.ldap_attr("(sAMAccountName=ldapt1)", "servicePrincipalName")
            .len(),
        2
    );
    d.delete_values(&dn1, "servicePrincipalName", &s(&extra))
        .unwrap();
    assert_eq!(
        lab.ldap_attr("(sAMAccountName=ldapt1)", "servicePrincipalName"),
        s(&spn)
    );

    // Delete.
    d.delete(&dn2).unwrap();
    d.delete(&dn1).unwrap();
    assert!(!lab.ldap_exists("(sAMAccountName=ldapt1)"));
    assert_eq!(d.find_account(&lab.base_dn, "ldapt1").unwrap(), None);
    let err = d.delete(&dn1).unwrap_err();
    assert!(matches!(err, LdapError::NoSuchObject { .. }), "{err:?}");
    eprintln!("observed NoSuchObject: {err}");
    let err = d.read_account(&dn1).unwrap_err();
    assert!(matches!(err, LdapError::NoSuchObject { .. }), "{err:?}");
}

#[test]
fn paged_search_collects_every_page_and_skips_references() {
    let Some(lab) = lab_available("paged_search_collects_every_page_and_skips_references") else {
        return;
    };
    let names: Vec<String> = (0..25).map(|i| format!("ldapt-pg-{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let _gone = Gone::new(&lab, &refs);
    let mut d = bound(&lab);
    for n in &names {
        d.add(
            &format!("CN={n},CN=Users,{}", lab.base_dn),
            &[
                ("objectClass", s("user")),
                ("sAMAccountName", s(n)),
                ("userAccountControl", s("514")),
            ],
        )
        .unwrap();
    }
    let peer = lab.ldap_dns("(sAMAccountName=ldapt-pg-*)");
    assert_eq!(peer.len(), 25);

    // Subtree from the domain root: Samba also sends search references (to the
    // Configuration and DNS partitions); they must be skipped, not panic.
    let rt = d.round_trips();
    let found = d
        .search_with_page_size(
            &lab.base_dn,
            Scope::Subtree,
            "(sAMAccountName=ldapt-pg-*)",
            &["sAMAccountName", "objectGUID", "objectSid"],
            10,
        )
        .unwrap();
    assert_eq!(d.round_trips() - rt, 3, "25 entries in pages of 10");
    let mut got: Vec<String> = found
        .iter()
        .map(|e| e.first("sAMAccountName").unwrap().to_owned())
        .collect();
    got.sort();
    assert_eq!(got, names);
    let mut dns: Vec<String> = found.iter().map(|e| e.dn.clone()).collect();
    let mut peer = peer;
    dns.sort();
    peer.sort();
    assert_eq!(dns, peer);
    for e in &found {
        assert_eq!(e.bin_values("objectGUID")[0].len(), 16, "{e:?}");
        assert!(e.values("objectGUID").is_empty());
        assert_eq!(e.bin_values("objectSid")[0][0], 1, "SID revision 1");
    }

    // Default page size: one round trip.
    let rt = d.round_trips();
    assert_eq!(
        d.search(
            &lab.base_dn,
            Scope::Subtree,
            "(sAMAccountName=ldapt-pg-*)",
            &["1.1"]
        )
        .unwrap()
        .len(),
        25
    );
    assert_eq!(d.round_trips() - rt, 1);
    // OneLevel under CN=Users finds them too; Base finds the container only.
    assert_eq!(
        d.search(
            &format!("CN=Users,{}", lab.base_dn),
            Scope::OneLevel,
            "(sAMAccountName=ldapt-pg-*)",
            &["1.1"]
        )
        .unwrap()
        .len(),
        25
    );
    let base = d
        .search(
            &format!("CN=Users,{}", lab.base_dn),
            Scope::Base,
            "(objectClass=*)",
            &["cn"],
        )
        .unwrap();
    assert_eq!(base.len(), 1);
    assert_eq!(base[0].first("cn"), Some("Users"));
    // A base that does not exist.
    let err = d
        .search(
            &format!("CN=ldapt-nope,{}", lab.base_dn),
            Scope::Base,
            "(objectClass=*)",
            &["cn"],
        )
        .unwrap_err();
    assert!(matches!(err, LdapError::NoSuchObject { .. }), "{err:?}");

    for n in &names {
        d.delete(&format!("CN={n},CN=Users,{}", lab.base_dn))
            .unwrap();
    }
    assert!(lab.ldap_dns("(sAMAccountName=ldapt-pg-*)").is_empty());
}

//! spnkt as a least-privilege admin against the Samba AD DC of
//! `tests/lab/samba-lab.sh`: a user with rights delegated on one OU of its own
//! ("Create, delete, and manage user accounts", made with samba-tool by
//! [`support::delegated_admin`]), not a Domain Admin. It runs create, rotate,
//! delete, apply and the wizard; delegation, which needs SeEnableDelegationPrivilege
//! (only Administrators on DCs hold it), is refused before anything is written, with
//! the privilege named and who has it; a Domain Admin sets it later on the existing
//! account; an undo that may not delete leaves the account disabled and says who
//! must remove it. Judged by `ldapsearch` (the directory), MIT `kvno -k` (keytabs).
//!
//! Every test prints `*** delegated admin test NAME ran ***` on stderr once it
//! passed; tests/run-all.sh counts them. Hosts are `lp-WHAT-TAG.example.test`,
//! accounts `svc-http-lp-WHAT-TAG`, admins `lp-WHAT-TAG` in `OU=spnkt-lp-WHAT-TAG`
//! (TAG drawn per process); each test removes its OU with everything in it.

mod support;

use std::path::Path;
use std::time::Duration;

use support::delegated_admin::{DELEGATED_PASSWORD_ENV, DelegatedAdmin, Delegation};
use support::fault_proxy::{At, Fault, FaultProxy, Framing, Kind};
use support::path_str;
use support::samba_lab::*;
use support::wizard_driver::{DOWN, UP, Wizard};

fn ran(name: &str) {
    support::announce_ran("delegated admin", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

/// `lp-WHAT-TAG.example.test` (WHAT at most 3 characters: spnkt's default account
/// name for it, `svc-http-lp-WHAT-TAG`, fits in 20).
fn host(what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("lp-{what}-{}.example.test", tag())
}

fn account(what: &str) -> String {
    format!("svc-http-lp-{what}-{}", tag())
}

/// The delegated admin of this test, with its OU.
fn admin(lab: &Lab, what: &str, delegation: Delegation) -> DelegatedAdmin {
    DelegatedAdmin::create(lab, &format!("{what}-{}", tag()), delegation)
}

/// `spnkt create --host HOST --keytab KEYTAB --no-dns-check --yes EXTRA...` as `admin`.
fn create(admin: &DelegatedAdmin, host: &str, keytab: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "create",
        "--host",
        host,
        "--keytab",
        path_str(keytab),
        "--no-dns-check",
        "--yes",
    ];
    args.extend(extra);
    admin.spnkt(&args)
}

fn assert_kvno_k(lab: &Lab, keytab: &Path, host: &str) {
    let cc = lab.kinit_admin();
    let (ok, out) = lab.kvno_k_output(keytab, &lab.http_principal(host), &cc);
    assert!(ok, "kvno -k {} {host}: {out}", keytab.display());
}

/// `spnkt rotate` as `admin`, which must succeed.
fn rotate(admin: &DelegatedAdmin, host: &str, keytab: &Path) {
    admin
        .spnkt(&[
            "rotate",
            "--host",
            host,
            "--keytab",
            path_str(keytab),
            "--yes",
        ])
        .assert_ok();
}

/// `spnkt delete` of `host` as `admin`; then nothing may be left in its OU, and the
/// test `name` has passed.
fn delete_and_finish(admin: &DelegatedAdmin, host: &str, name: &str) {
    admin
        .spnkt(&["delete", "--host", host, "--yes"])
        .assert_ok();
    assert_nothing_left(admin);
    ran(name);
}

fn assert_nothing_left(admin: &DelegatedAdmin) {
    let left = admin.objects_below();
    assert!(left.is_empty(), "left in {}: {left:?}", admin.ou);
}

/// The refusal of a delegation before any write: exit 1, the privilege and who has
/// it named, and no account.
fn assert_delegation_refused(lab: &Lab, run: &Run, sam: &str) {
    run.assert_refused();
    assert_eq!(run.code, 1, "{}", run.text());
    for needle in [
        "refusing to create",
        "nothing was changed",
        "SeEnableDelegationPrivilege",
        "Enable computer and user accounts to be trusted for delegation",
        "Domain Admin",
        "--delegation none",
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} missing:\n{}",
            run.stderr
        );
    }
    // The refusal came from the preflight, not from the directory refusing a write.
    assert!(
        !run.stderr.contains("step 1 failed") && !run.stderr.contains("[1/"),
        "a step ran:\n{}",
        run.stderr
    );
    assert!(
        !lab.ldap_exists(&format!("(sAMAccountName={sam})")),
        "{sam} exists after the refusal"
    );
}

#[test]
fn delegated_admin_creates_rotates_and_deletes() {
    let name = "delegated_admin_creates_rotates_and_deletes";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "crd", Delegation::ManageUsers);
    let (host, sam) = (host("crd"), account("crd"));
    let keytab = lab.path("crd.keytab");

    let run = create(
        &admin,
        &host,
        &keytab,
        &["--ou", &admin.ou, "--delegation", "none", "--json"],
    );
    run.assert_ok();
    let json = run.json();
    assert_eq!(
        json["account_dn"].as_str().map(str::to_lowercase),
        Some(format!("cn={sam},{}", admin.ou).to_lowercase()),
        "{json}"
    );
    // The rights come with reads the preflight makes anyway.
    let trips = json["ldap_round_trips"].as_u64().unwrap();
    assert!(trips <= 8, "{trips} LDAP round trips for one create");
    assert_kvno_k(&lab, &keytab, &host);
    assert_eq!(
        lab.uac(&sam),
        Some(UF_NORMAL_ACCOUNT | UF_DONT_EXPIRE_PASSWD)
    );

    let before = lab.kvno_of(&sam);
    rotate(&admin, &host, &keytab);
    assert_eq!(lab.kvno_of(&sam), before + 1);
    assert_kvno_k(&lab, &keytab, &host);

    delete_and_finish(&admin, &host, name);
}

#[test]
fn delegation_is_refused_before_any_write_with_the_privilege_named() {
    let name = "delegation_is_refused_before_any_write_with_the_privilege_named";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "unc", Delegation::ManageUsers);
    let (host, sam) = (host("unc"), account("unc"));
    let keytab = lab.path("unc.keytab");

    let run = create(
        &admin,
        &host,
        &keytab,
        &["--ou", &admin.ou, "--delegation", "unconstrained"],
    );
    assert_delegation_refused(&lab, &run, &sam);
    assert!(
        run.stderr.contains(&format!(
            "spnkt create --host {host} --delegation unconstrained"
        )),
        "the two-step command is not named:\n{}",
        run.stderr
    );
    assert!(!keytab.exists());

    let run = create(
        &admin,
        &host,
        &keytab,
        &[
            "--ou",
            &admin.ou,
            "--delegation",
            "constrained",
            "--delegate-to",
            "HTTP/lp-back.example.test",
            "--json",
        ],
    );
    assert_delegation_refused(&lab, &run, &sam);
    assert!(
        run.stderr.contains("msDS-AllowedToDelegateTo"),
        "{}",
        run.stderr
    );
    let err = &run.json()["error"];
    assert_eq!(err["code"], 1, "{err}");
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("--delegate-to HTTP/lp-back.example.test"),
        "{err}"
    );

    // --dry-run says the same before anyone confirms anything.
    let run = create(
        &admin,
        &host,
        &keytab,
        &[
            "--ou",
            &admin.ou,
            "--delegation",
            "unconstrained",
            "--dry-run",
        ],
    );
    assert_delegation_refused(&lab, &run, &sam);
    assert_nothing_left(&admin);
    ran(name);
}

#[test]
fn every_missing_right_is_named_at_once() {
    let name = "every_missing_right_is_named_at_once";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "all", Delegation::ManageUsers);
    let (host, sam) = (host("all"), account("all"));
    // No --ou: CN=Users, where nothing was delegated; and delegation on top.
    let run = create(
        &admin,
        &host,
        &lab.path("all.keytab"),
        &["--delegation", "unconstrained"],
    );
    assert_delegation_refused(&lab, &run, &sam);
    let users = format!("CN=Users,{}", lab.base_dn);
    assert!(
        run.stderr
            .contains(&format!("may not create user objects in {users}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Create User objects") && run.stderr.contains("--ou"),
        "{}",
        run.stderr
    );
    ran(name);
}

#[test]
fn a_domain_admin_sets_delegation_on_the_existing_account_later() {
    let name = "a_domain_admin_sets_delegation_on_the_existing_account_later";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "two", Delegation::ManageUsers);
    let (host, sam) = (host("two"), account("two"));
    let keytab = lab.path("two.keytab");
    // 1. The delegated admin creates it without delegation.
    create(
        &admin,
        &host,
        &keytab,
        &["--ou", &admin.ou, "--delegation", "none"],
    )
    .assert_ok();
    // 2. A Domain Admin converges it with delegation (new password, its keytab).
    let da_keytab = lab.path("two-da.keytab");
    lab.spnkt(&[
        "create",
        "--host",
        &host,
        "--ou",
        &admin.ou,
        "--keytab",
        path_str(&da_keytab),
        "--delegation",
        "unconstrained",
        "--no-dns-check",
        "--yes",
    ])
    .assert_ok();
    let uac = lab.uac(&sam).unwrap();
    assert_eq!(uac & UF_TRUSTED_FOR_DELEGATION, UF_TRUSTED_FOR_DELEGATION);
    // 3. The delegated admin rotates it, and converges it with the same delegation:
    //    nothing about delegation changes, so no privilege is needed.
    rotate(&admin, &host, &keytab);
    assert_kvno_k(&lab, &keytab, &host);
    create(
        &admin,
        &host,
        &keytab,
        &[
            "--ou",
            &admin.ou,
            "--delegation",
            "unconstrained",
            "--force",
        ],
    )
    .assert_ok();
    assert_kvno_k(&lab, &keytab, &host);
    // Taking it away again is the Domain Admin's too.
    let run = create(
        &admin,
        &host,
        &keytab,
        &["--ou", &admin.ou, "--delegation", "none", "--force"],
    );
    assert_eq!(run.code, 1, "{}", run.text());
    assert!(
        run.stderr.contains("clearing TRUSTED_FOR_DELEGATION needs")
            && run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
    assert_eq!(lab.uac(&sam), Some(uac), "the refusal changed the account");
    delete_and_finish(&admin, &host, name);
}

#[test]
fn apply_as_a_delegated_admin() {
    let name = "apply_as_a_delegated_admin";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "apl", Delegation::ManageUsers);
    let (h1, h2) = (host("ap1"), host("ap2"));
    let (s1, s2) = (account("ap1"), account("ap2"));
    let dir = lab.work().join("plan");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("lp.toml");
    let write_plan = |services: &[(&str, &str)]| {
        let mut text = format!(
            "name = \"lp-{}\"\n\n[directory]\nldap_url = \"{}\"\nrealm = \"{}\"\nkdc = \"{}\"\nca_cert = \"{}\"\nbind_user = \"{}\"\nbind_password_env = \"{DELEGATED_PASSWORD_ENV}\"\n",
            tag(),
            lab.ldaps_url,
            lab.realm,
            lab.kdc,
            path_str(&lab.ca_cert),
            admin.user
        );
        for (h, delegation) in services {
            text.push_str(&format!(
                "\n[[service]]\nhost = \"{h}\"\nou = \"{}\"\ndelegation = \"{delegation}\"\nkeytab = \"{h}.keytab\"\ndns_check = false\n",
                admin.ou
            ));
        }
        std::fs::write(&plan, text).unwrap();
    };
    let apply = |extra: &[&str]| {
        let mut args = vec!["apply".to_owned(), path_str(&plan).to_owned()];
        args.extend(extra.iter().map(|s| s.to_string()));
        lab.spnkt_exact(
            &args,
            &[
                (DELEGATED_PASSWORD_ENV, admin.password.as_str()),
                (BIND_PASSWORD_ENV, ""),
            ],
        )
    };

    // One service it may make, one with delegation it may not: the second fails
    // alone, before any write, the first is made.
    write_plan(&[(&h1, "none"), (&h2, "unconstrained")]);
    let run = apply(&["--json"]);
    assert_eq!(run.code, 1, "{}", run.text());
    let json = run.json();
    let services = json["services"].as_array().unwrap();
    let by_host = |h: &str| services.iter().find(|s| s["host"] == h).unwrap().clone();
    assert_eq!(by_host(&h1)["action"], "created", "{json}");
    let failed = by_host(&h2);
    assert_eq!(failed["action"], "failed", "{json}");
    let message = failed["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("SeEnableDelegationPrivilege") && message.contains("nothing was changed"),
        "{message}"
    );
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={s2})")));
    assert_kvno_k(&lab, &dir.join(format!("{h1}.keytab")), &h1);

    // Re-applied: converged, nothing to do for the first.
    write_plan(&[(&h1, "none")]);
    let again = apply(&["--dry-run", "--json"]);
    assert_eq!(again.code, 0, "{}", again.text());

    // The second without delegation, the first pruned: the delegated admin deletes.
    write_plan(&[(&h2, "none")]);
    apply(&["--prune", "--yes"]).assert_ok();
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={s1})")));
    assert_kvno_k(&lab, &dir.join(format!("{h2}.keytab")), &h2);
    delete_and_finish(&admin, &h2, name);
}

#[test]
fn wizard_as_a_delegated_admin() {
    let name = "wizard_as_a_delegated_admin";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "wiz", Delegation::ManageUsers);
    let (host, sam) = (host("wiz"), account("wiz"));
    let keytab = lab.work().join("wiz.keytab");

    let mut w = Wizard::start(&lab, &lab.work().join("no-ccache"));
    w.connect_as(&lab, &admin.user, &admin.password);
    // The host and account checks do not stop at rights asked about later.
    w.answer("Web site host name", &host);
    w.expect(&format!("ok: nobody holds HTTP/{host}"));
    w.expect("Account name");
    w.expect(&sam);
    w.send("\r");
    // CN=Users (the default) is refused at once, the admin's OU typed instead.
    w.expect("Container (OU)");
    w.send("\r");
    w.expect("may not create user objects in CN=Users");
    w.expect("Container (OU)");
    w.send(&format!("{UP}\r"));
    w.answer("Container DN", &admin.ou);
    // Delegation: told beforehand, "none" preselected, unconstrained refused.
    w.expect("does not hold SeEnableDelegationPrivilege");
    w.expect("Delegation");
    w.send(&format!("{DOWN}\r")); // wraps from "none" to "unconstrained"
    w.expect("not possible as");
    w.expect("Delegation");
    w.send("\r");
    w.answer("Encryption types", "");
    w.answer("Account password", "");
    w.answer("Keytab file", path_str(&keytab));
    w.expect("The plan");
    w.expect("--delegation none");
    w.answer("Create it now?", "y");
    w.expect("Keytab fingerprint");
    let (code, transcript) = w.finish();
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(&admin.password),
        "the password was echoed:\n{transcript}"
    );
    assert_kvno_k(&lab, &keytab, &host);
    let dns = lab.ldap_dns(&format!("(sAMAccountName={sam})"));
    assert_eq!(
        dns.iter().map(|d| d.to_lowercase()).collect::<Vec<_>>(),
        [format!("cn={sam},{}", admin.ou).to_lowercase()]
    );
    assert_eq!(lab.uac(&sam).unwrap() & UF_TRUSTED_FOR_DELEGATION, 0);
    delete_and_finish(&admin, &host, name);
}

#[test]
fn an_undo_that_may_not_delete_leaves_the_account_disabled() {
    let name = "an_undo_that_may_not_delete_leaves_the_account_disabled";
    let Some(lab) = lab_available(name) else {
        return;
    };
    // It may create users and manage them, not delete them.
    let admin = admin(&lab, "und", Delegation::CreateOnly);
    let ldaps = lab
        .ldaps_url
        .trim_start_matches("ldaps://")
        .trim_end_matches('/')
        .to_owned();
    let via = |proxy: &FaultProxy, what: &str| -> Run {
        let mut args: Vec<String> = [
            "create",
            "--host",
            &host(what),
            "--keytab",
            path_str(&lab.path(what)),
            "--ou",
            &admin.ou,
            "--delegation",
            "none",
            "--no-dns-check",
            "--yes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut dir = admin.dir_args();
        let i = dir.iter().position(|a| a == "--ldap-url").unwrap();
        dir[i + 1] = format!("ldaps://127.0.0.1:{}", proxy.port());
        args.extend(dir);
        args.extend(["--timeout".to_owned(), "5".to_owned()]);
        lab.spnkt_exact(
            &args,
            &[
                (DELEGATED_PASSWORD_ENV, admin.password.as_str()),
                (BIND_PASSWORD_ENV, ""),
            ],
        )
    };
    // Where the add is on the LDAPS connection: counted on an unfaulted run (after
    // it: the kvno read, the kvno read again before the keytab is written, the
    // unbind and TLS' close_notify).
    let counting = FaultProxy::start(&ldaps, Framing::Tls, vec![]);
    via(&counting, "un0").assert_ok();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        counting.per_connection().len(),
        1,
        "{:?}",
        counting.per_connection()
    );
    let add = counting.messages() - 4;
    // The add's answer lost, and the answer to the check after reconnecting too:
    // spnkt cannot know whether the add happened, so it undoes it. Stalled, not
    // cut: the DC keeps the connection and carries the add out (a connection
    // closed right behind the add may make Samba drop it).
    let proxy = FaultProxy::start(
        &ldaps,
        Framing::Tls,
        vec![
            Fault {
                kind: Kind::Stall,
                at: At::Global(add),
            },
            Fault {
                kind: Kind::Stall,
                // ClientHello, ChangeCipherSpec, Finished, bind, then the check.
                at: At::NextConnection(5),
            },
        ],
    );
    let (host, sam) = (host("und"), account("und"));
    let run = via(&proxy, "und");
    assert_eq!(run.code, 1, "faults {:?}:\n{}", proxy.fired(), run.text());
    for needle in [
        "could not be deleted again",
        "insufficient access",
        "DISABLED",
        "0x202",
        &format!("the Delete right on it or on {}", admin.ou),
        "Domain Admin",
        &format!("`spnkt delete --host {host}`"),
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} missing (faults {:?}):\n{}",
            proxy.fired(),
            run.stderr
        );
    }
    let uac = lab.uac(&sam).expect("the account is there");
    assert_eq!(uac & UF_ACCOUNTDISABLE, UF_ACCOUNTDISABLE, "0x{uac:x}");
    // The admin may not remove it...
    admin
        .spnkt(&["delete", "--host", &host, "--yes"])
        .assert_refused();
    assert!(lab.ldap_exists(&format!("(sAMAccountName={sam})")));
    // ...but may finish it, as the message says.
    let keytab = lab.path("und-again");
    create(
        &admin,
        &host,
        &keytab,
        &["--ou", &admin.ou, "--delegation", "none"],
    )
    .assert_ok();
    assert_eq!(lab.uac(&sam).unwrap() & UF_ACCOUNTDISABLE, 0);
    assert_kvno_k(&lab, &keytab, &host);
    // Whoever has the Delete right removes what it made.
    for h in [host.clone(), self::host("un0")] {
        lab.spnkt(&["delete", "--host", &h, "--yes"]).assert_ok();
    }
    assert_nothing_left(&admin);
    ran(name);
}

#[test]
fn a_upn_in_use_is_found_in_the_global_catalog() {
    let name = "a_upn_in_use_is_found_in_the_global_catalog";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let admin = admin(&lab, "upn", Delegation::ManageUsers);
    let (host, sam) = (host("upn"), account("upn"));
    // Another account (in CN=Users, where the delegated admin cannot even write)
    // holds the UPN the new account would get.
    let other = format!("lp-upn-o-{}", tag());
    let _cleanup = lab.cleanup(&[&other]);
    lab.add_user(
        &other,
        &[],
        Some(&format!("HTTP/{host}@{}", lab.realm)),
        UF_NORMAL_ACCOUNT | UF_ACCOUNTDISABLE,
    );
    let run = create(
        &admin,
        &host,
        &lab.path("upn.keytab"),
        &["--ou", &admin.ou, "--delegation", "none"],
    );
    run.assert_refused();
    assert!(
        run.stderr.contains(&format!(
            "the userPrincipalName HTTP/{host}@{} is already used by CN={other},CN=Users",
            lab.realm
        )),
        "{}",
        run.stderr
    );
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={sam})")));
    assert_nothing_left(&admin);
    ran(name);
}

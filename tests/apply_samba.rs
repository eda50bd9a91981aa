//! `spnkt apply` end to end against the Samba AD DC of `tests/lab/samba-lab.sh`,
//! judged by independent peers: `ldapsearch` for the directory, MIT `kvno -k` for
//! every keytab.
//!
//! Every test prints `*** samba e2e test NAME ran ***` on stderr once it has passed
//! (tests/run-all.sh counts them, with those of e2e_samba.rs). Hosts are
//! `apl-WHAT-TAG.example.test`, accounts `svc-http-apl-WHAT-TAG` (TAG: three
//! characters per test process, so parallel runs do not meet), and each plan has a
//! name of its own, so `--prune` only ever sees this test's accounts.

mod support;

use std::io::Write as _;
use std::path::Path;

use support::path_str;
use support::samba_lab::*;

fn ran(name: &str) {
    support::announce_ran("samba e2e", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

/// `apl-WHAT-TAG.example.test` (WHAT at most 3 characters, so that spnkt's default
/// account name `svc-http-apl-WHAT-TAG` fits in 20).
fn host(what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("apl-{what}-{}.example.test", tag())
}

fn account(what: &str) -> String {
    format!("svc-http-apl-{what}-{}", tag())
}

/// The `[directory]` table for the lab (bind password from BIND_PASSWORD_ENV).
fn directory(lab: &Lab, name: &str) -> String {
    format!(
        "name = \"{name}\"\n\n[directory]\nldap_url = \"{}\"\nrealm = \"{}\"\nkdc = \"{}\"\nca_cert = \"{}\"\nbind_user = \"{}\"\nbind_password_env = \"{BIND_PASSWORD_ENV}\"\n",
        lab.ldaps_url,
        lab.realm,
        lab.kdc,
        path_str(&lab.ca_cert),
        lab.admin_user
    )
}

fn service(host: &str, delegation: &str, keytab: &str) -> String {
    let mut s = format!(
        "\n[[service]]\nhost = \"{host}\"\ndelegation = \"{delegation}\"\nkeytab = \"{keytab}\"\n"
    );
    if delegation == "constrained" {
        s.push_str(&format!(
            "delegate_to = [\"HTTP/{}\"]\n",
            host.replacen("apl-", "apl-back-", 1)
        ));
    }
    s
}

fn apply(lab: &Lab, plan: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["apply".to_owned(), path_str(plan).to_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    lab.spnkt_exact(&args, &[])
}

/// The report objects of a `--json` run, by host.
fn actions(run: &Run) -> std::collections::BTreeMap<String, serde_json::Value> {
    run.json()["services"]
        .as_array()
        .unwrap_or_else(|| panic!("no services in {}", run.stdout))
        .iter()
        .map(|s| (s["host"].as_str().unwrap().to_owned(), s.clone()))
        .collect()
}

fn assert_kvno_k(lab: &Lab, keytab: &Path, host: &str, ccache: &Path) {
    let (ok, out) = lab.kvno_k_output(keytab, &lab.http_principal(host), ccache);
    assert!(ok, "kvno -k {} {host}: {out}", keytab.display());
}

#[test]
fn apply_twenty_services_reapply_edit_prune() {
    let Some(lab) = lab_available("apply_twenty_services_reapply_edit_prune") else {
        return;
    };
    let names: Vec<String> = (1..=20).map(|i| format!("{i:02}")).collect();
    let sams: Vec<String> = names.iter().map(|n| account(n)).collect();
    let sam_refs: Vec<&str> = sams.iter().map(String::as_str).collect();
    let _cleanup = lab.cleanup(&sam_refs);
    let dir = lab.work().join("plan");
    std::fs::create_dir_all(dir.join("keytabs")).unwrap();
    let plan = dir.join("web.toml");
    let delegation = |i: usize| ["none", "unconstrained", "constrained"][i % 3];
    // Services 1-8 share four keytab files two by two; the others have their own.
    let keytab = |i: usize| {
        if i <= 8 {
            format!("keytabs/pair-{}.keytab", i.div_ceil(2))
        } else {
            format!("keytabs/{}.keytab", names[i - 1])
        }
    };
    let write_plan = |deleg2: &str, upto: usize| {
        let mut text = directory(&lab, &format!("apl-{}", tag()));
        for i in 1..=upto {
            let d = if i == 2 { deleg2 } else { delegation(i) };
            text.push_str(&service(&host(&names[i - 1]), d, &keytab(i)));
        }
        std::fs::write(&plan, text).unwrap();
    };
    write_plan("none", 20);

    // 1. From nothing to twenty proven keytabs.
    let t = std::time::Instant::now();
    let first = apply(&lab, &plan, &["--json"]);
    let took = t.elapsed();
    first.assert_ok();
    let _ = writeln!(
        std::io::stderr().lock(),
        "apply: 20 services created in {:.2} s",
        took.as_secs_f64()
    );
    let report = actions(&first);
    assert_eq!(report.len(), 20, "{}", first.stdout);
    for r in report.values() {
        assert_eq!(r["action"], "created", "{r}");
        assert_eq!(r["error"], serde_json::Value::Null);
    }
    let ccache = lab.kinit_admin();
    for (i, n) in names.iter().enumerate() {
        assert_kvno_k(&lab, &dir.join(keytab(i + 1)), &host(n), &ccache);
    }
    // One write per shared file: both services of a pair are in it.
    let pair = lab.klist_k(&dir.join("keytabs/pair-1.keytab"));
    for n in ["01", "02"] {
        assert!(
            pair.iter().any(|(_, p, _)| p.contains(&host(n))),
            "{pair:?}"
        );
    }
    let mode = std::fs::metadata(dir.join("keytabs/pair-1.keytab")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );
    assert_eq!(
        lab.uac(&account("02")).unwrap() & UF_TRUSTED_FOR_DELEGATION,
        0
    );
    assert_ne!(
        lab.uac(&account("01")).unwrap() & UF_TRUSTED_FOR_DELEGATION,
        0
    );

    // 2. The same plan again: nothing to do, and it says so.
    let again = apply(&lab, &plan, &[]);
    again.assert_ok();
    assert!(again.stdout.contains("no changes"), "{}", again.stdout);
    let dry = apply(&lab, &plan, &["--dry-run", "--json"]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    assert!(actions(&dry).values().all(|r| r["action"] == "unchanged"));
    let kvno1 = lab.kvno_of(&account("01"));

    // 3. Edited: service 2 gets unconstrained delegation, service 20 leaves the plan,
    // service 1 is rotated on demand.
    write_plan("unconstrained", 19);
    let dry = apply(
        &lab,
        &plan,
        &["--dry-run", "--prune", "--rotate", &host("01")],
    );
    assert_eq!(dry.code, 10, "{}\n{}", dry.stdout, dry.stderr);
    assert!(lab.ldap_exists(&format!("(sAMAccountName={})", account("20"))));
    let edit = apply(
        &lab,
        &plan,
        &["--json", "--prune", "--yes", "--rotate", &host("01")],
    );
    edit.assert_ok();
    let report = actions(&edit);
    assert_eq!(report[&host("01")]["action"], "rotated", "{}", edit.stdout);
    assert_eq!(report[&host("01")]["kvno"], kvno1 + 1);
    assert_eq!(report[&host("02")]["action"], "repaired", "{}", edit.stdout);
    assert_eq!(report[&host("20")]["action"], "removed", "{}", edit.stdout);
    let others = report
        .iter()
        .filter(|(h, _)| ![host("01"), host("02"), host("20")].contains(h))
        .filter(|(_, r)| r["action"] != "unchanged")
        .count();
    assert_eq!(others, 0, "{}", edit.stdout);
    assert_eq!(lab.kvno_of(&account("01")), kvno1 + 1);
    assert_kvno_k(&lab, &dir.join(keytab(1)), &host("01"), &ccache);
    // Its keytab partner was kept in the rewritten file.
    assert_kvno_k(&lab, &dir.join(keytab(2)), &host("02"), &ccache);
    assert_ne!(
        lab.uac(&account("02")).unwrap() & UF_TRUSTED_FOR_DELEGATION,
        0,
        "delegation not repaired"
    );
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={})", account("20"))));

    // 4. Converged again.
    let dry = apply(&lab, &plan, &["--dry-run", "--prune"]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    ran("apply_twenty_services_reapply_edit_prune");
}

#[test]
fn apply_bad_entries_fail_alone() {
    let Some(lab) = lab_available("apply_bad_entries_fail_alone") else {
        return;
    };
    let owner = format!("svc-apl-own-{}", tag());
    let good = [account("g1"), account("g2")];
    let mut cleanup = lab.cleanup(&[&good[0], &good[1], &account("dup"), &account("tls")]);
    cleanup.also(&owner);
    // HTTP/apl-dup-TAG is already held by another account.
    lab.add_user(&owner, &[&format!("HTTP/{}", host("dup"))], None, 0x202);
    let dir = lab.work().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("bad.toml");
    let mut text = directory(&lab, &format!("apl-bad-{}", tag()));
    text.push_str(&service(&host("g1"), "none", "g1.keytab"));
    text.push_str(&service(&host("dup"), "none", "dup.keytab"));
    text.push_str(&service(
        &format!("https://{}", host("tls")),
        "none",
        "tls.keytab",
    ));
    text.push_str(&service(&host("g2"), "unconstrained", "g2.keytab"));
    std::fs::write(&plan, text).unwrap();

    let run = apply(&lab, &plan, &["--json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report = actions(&run);
    let dup = &report[&host("dup")];
    assert_eq!(dup["action"], "failed");
    assert!(
        dup["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("is already held by CN={owner}")),
        "{dup}"
    );
    let tls = &report[&format!("https://{}", host("tls"))];
    assert_eq!(tls["action"], "failed");
    let msg = tls["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("service #3 (line 21)") && msg.contains("HTTP/"),
        "{msg}"
    );
    assert!(tls["error"]["hint"].as_str().is_some(), "{tls}");
    let ccache = lab.kinit_admin();
    for (what, sam) in [("g1", &good[0]), ("g2", &good[1])] {
        assert_eq!(report[&host(what)]["action"], "created", "{}", run.stdout);
        assert!(lab.ldap_exists(&format!("(sAMAccountName={sam})")));
        assert_kvno_k(
            &lab,
            &dir.join(format!("{what}.keytab")),
            &host(what),
            &ccache,
        );
    }
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={})", account("dup"))));
    // The planted owner is untouched.
    assert_eq!(
        lab.ldap_attr(&format!("(sAMAccountName={owner})"), "servicePrincipalName"),
        [format!("HTTP/{}", host("dup"))]
    );
    assert!(
        run.stderr.contains("2 of 4 services failed"),
        "{}",
        run.stderr
    );
    ran("apply_bad_entries_fail_alone");
}

#[test]
fn apply_creates_missing_keytab_directories() {
    let Some(lab) = lab_available("apply_creates_missing_keytab_directories") else {
        return;
    };
    let _cleanup = lab.cleanup(&[&account("d1"), &account("d2")]);
    let dir = lab.work().join("plan-dirs");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("web.toml");
    let mut text = directory(&lab, &format!("apl-dirs-{}", tag()));
    text.push_str(&service(&host("d1"), "none", "keytabs/web.keytab"));
    text.push_str(&service(&host("d2"), "none", "nested/deeper/d2.keytab"));
    std::fs::write(&plan, text).unwrap();

    // --dry-run says it will make them, and makes nothing.
    let dry = apply(&lab, &plan, &["--dry-run"]);
    assert_eq!(dry.code, 10, "{}\n{}", dry.stdout, dry.stderr);
    for d in ["keytabs", "nested/deeper"] {
        let want = format!(
            "create the directory {} (mode 0700)",
            path_str(&dir.join(d))
        );
        assert!(dry.stdout.contains(&want), "{want} not in\n{}", dry.stdout);
        assert!(!dir.join(d).exists(), "--dry-run made {d}");
    }

    let run = apply(&lab, &plan, &["--json"]);
    run.assert_ok();
    let report = actions(&run);
    assert_eq!(report[&host("d1")]["action"], "created", "{}", run.stdout);
    assert_eq!(report[&host("d2")]["action"], "created", "{}", run.stdout);
    for d in ["keytabs", "nested", "nested/deeper"] {
        let meta = std::fs::metadata(dir.join(d)).unwrap();
        assert!(meta.is_dir());
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
            0o700,
            "{d}"
        );
    }
    let ccache = lab.kinit_admin();
    assert_kvno_k(&lab, &dir.join("keytabs/web.keytab"), &host("d1"), &ccache);
    assert_kvno_k(
        &lab,
        &dir.join("nested/deeper/d2.keytab"),
        &host("d2"),
        &ccache,
    );
    ran("apply_creates_missing_keytab_directories");
}

/// `--jobs`: services changed at the same time over several connections still come
/// out in the plan's order (report and progress lines), a service failing while the
/// others run fails alone and leaves nothing behind, and a keytab file shared by
/// services that ran on different connections is written once with all of them.
#[test]
fn apply_in_parallel_keeps_order_and_shares_keytabs() {
    let Some(lab) = lab_available("apply_in_parallel_keeps_order_and_shares_keytabs") else {
        return;
    };
    let names: Vec<String> = (1..=10).map(|i| format!("j{i:02}")).collect();
    let sams: Vec<String> = names.iter().map(|n| account(n)).collect();
    let sam_refs: Vec<&str> = sams.iter().map(String::as_str).collect();
    let _cleanup = lab.cleanup(&sam_refs);
    let dir = lab.work().join("jobs");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("jobs.toml");
    let mut text = directory(&lab, &format!("apl-jobs-{}", tag()));
    for (i, n) in names.iter().enumerate() {
        // Services 6-9 share one keytab file; the others have their own.
        let keytab = if (6..=9).contains(&(i + 1)) {
            "shared.keytab".to_owned()
        } else {
            format!("{n}.keytab")
        };
        text.push_str(&service(&host(n), "none", &keytab));
        // Service 4's container does not exist: its add fails while the others run.
        if i + 1 == 4 {
            text.push_str(&format!(
                "ou = \"OU=no-such-ou-{},{}\"\n",
                tag(),
                lab.base_dn
            ));
        }
    }
    std::fs::write(&plan, text).unwrap();

    let run = apply(&lab, &plan, &["--json", "--jobs", "5"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    // The report keeps the plan's order.
    let hosts: Vec<String> = run.json()["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["host"].as_str().unwrap().to_owned())
        .collect();
    let planned: Vec<String> = names.iter().map(|n| host(n)).collect();
    assert_eq!(hosts, planned, "{}", run.stdout);
    // So do the progress lines ("[ 3/10] host: created (kvno 1)").
    let positions: Vec<usize> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix('['))
        .filter_map(|l| l.split_once("/10]"))
        .map(|(n, _)| n.trim().parse().unwrap())
        .collect();
    assert_eq!(positions, (1..=10).collect::<Vec<_>>(), "{}", run.stderr);
    assert!(
        run.stderr.contains("10 services, 5 at a time"),
        "{}",
        run.stderr
    );
    let report = actions(&run);
    let failed = &report[&host("j04")];
    assert_eq!(failed["action"], "failed", "{failed}");
    assert!(!lab.ldap_exists(&format!("(sAMAccountName={})", account("j04"))));
    let ccache = lab.kinit_admin();
    for (i, n) in names.iter().enumerate() {
        if i + 1 == 4 {
            continue;
        }
        assert_eq!(report[&host(n)]["action"], "created", "{}", run.stdout);
        let keytab = if (6..=9).contains(&(i + 1)) {
            dir.join("shared.keytab")
        } else {
            dir.join(format!("{n}.keytab"))
        };
        assert_kvno_k(&lab, &keytab, &host(n), &ccache);
    }
    let shared = lab.klist_k(&dir.join("shared.keytab"));
    for n in &names[5..9] {
        assert!(
            shared.iter().any(|(_, p, _)| p.contains(&host(n))),
            "{shared:?}"
        );
    }
    // Converged: the same plan without the broken service changes nothing, one job.
    let fixed = std::fs::read_to_string(&plan).unwrap().replace(
        &format!("ou = \"OU=no-such-ou-{},{}\"\n", tag(), lab.base_dn),
        "",
    );
    std::fs::write(&plan, fixed).unwrap();
    let again = apply(&lab, &plan, &["--json", "--jobs", "1"]);
    again.assert_ok();
    let report = actions(&again);
    assert_eq!(
        report[&host("j04")]["action"],
        "created",
        "{}",
        again.stdout
    );
    let changed = report
        .values()
        .filter(|r| r["action"] != "unchanged")
        .count();
    assert_eq!(changed, 1, "{}", again.stdout);
    ran("apply_in_parallel_keeps_order_and_shares_keytabs");
}

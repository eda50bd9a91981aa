//! Two runs at once: keytab writes under the keytab's lock (nothing lost in a shared
//! file) and the directory side (a run whose account's password was changed again
//! by another run meanwhile writes no stale keys, and says so with exit 6).
//!
//! The first test needs nothing but spnkt; the others need the Samba AD lab of
//! `tests/lab/samba-lab.sh` and are judged by MIT `klist -k` (the file parses) and
//! `kvno -k` (the KDC's ticket decrypts with the newest keys of every principal).
//! Each prints `*** concurrency test NAME ran ***` with its number of rounds.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use support::path_str;
use support::samba_lab::*;

/// Exit status of a run that lost a race with another run changing the same account.
const CONFLICT: i32 = 6;

fn ran(name: &str, what: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{name}: {what}");
    support::announce_ran("concurrency", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

/// `cc-WHAT-TAG.example.test`; its default account `svc-http-cc-WHAT-TAG` fits in 20.
fn host(what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("cc-{what}-{}.example.test", tag())
}

fn account(what: &str) -> String {
    format!("svc-http-cc-{what}-{}", tag())
}

/// One finished run: exit code and output.
struct Done {
    args: String,
    code: i32,
    out: String,
}

/// Start every command, then wait for all of them.
fn together(cmds: Vec<Command>) -> Vec<Done> {
    let children: Vec<_> = cmds
        .into_iter()
        .map(|mut c| {
            let args = format!("{:?}", c.get_args().collect::<Vec<_>>());
            c.stdout(Stdio::piped()).stderr(Stdio::piped());
            (args, c.spawn().expect("spawn spnkt"))
        })
        .collect();
    children
        .into_iter()
        .map(|(args, child)| {
            let out = child.wait_with_output().expect("wait for spnkt");
            Done {
                args,
                code: out.status.code().unwrap_or(-1),
                out: format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ),
            }
        })
        .collect()
}

/// Every run succeeded or lost a race and said so (exit 6, "another run changed").
/// Returns how many lost.
fn assert_ok_or_conflict(round: usize, runs: &[Done]) -> usize {
    let mut conflicts = 0;
    for r in runs {
        match r.code {
            0 => {}
            CONFLICT => {
                assert!(
                    r.out.contains("another run changed")
                        || r.out.contains("another run at the same time"),
                    "round {round}: exit 6 without its message: {}\n{}",
                    r.args,
                    r.out
                );
                conflicts += 1;
                // Where it was caught: at the keytab write (under the lock) or
                // already when the KDC refused the stale key.
                let at_write = r.out.contains("were NOT written to");
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "round {round}: exit 6 ({}): {}",
                    if at_write {
                        "caught at the keytab write"
                    } else {
                        "caught at the proof"
                    },
                    r.out
                        .find("another run changed")
                        .map(|i| r.out[i..].chars().take(150).collect::<String>())
                        .unwrap_or_default()
                );
            }
            c => panic!("round {round}: exit {c}: {}\n{}", r.args, r.out),
        }
    }
    conflicts
}

/// The newest kvno of each principal in `keytab`, as MIT `klist -k` reads it (which
/// fails the test when the file does not parse).
fn newest(keytab: &Path) -> BTreeMap<String, u32> {
    let mut m = BTreeMap::new();
    for (kvno, p, _) in support::klist_k(keytab) {
        let e = m.entry(p).or_insert(kvno);
        *e = (*e).max(kvno);
    }
    m
}

fn kvnos_of(keytab: &Path, principal: &str) -> BTreeSet<u32> {
    support::klist_k(keytab)
        .into_iter()
        .filter(|(_, p, _)| p == principal)
        .map(|(k, _, _)| k)
        .collect()
}

/// Every principal's newest kvno in the keytab is the directory's, and the KDC's
/// ticket decrypts with it (`kvno -k`).
fn assert_current(lab: &Lab, round: usize, keytab: &Path, hosts: &[(String, String)]) {
    let newest = newest(keytab);
    let ccache = lab.kinit_admin();
    for (h, sam) in hosts {
        let p = lab.http_principal(h);
        let directory = lab.kvno_of(sam);
        assert_eq!(
            newest.get(&p).copied(),
            Some(directory),
            "round {round}: {p}: newest kvno in {} vs msDS-KeyVersionNumber\n{newest:?}",
            keytab.display()
        );
        let (ok, out) = lab.kvno_k_output(keytab, &p, &ccache);
        assert!(ok, "round {round}: kvno -k {} {p}: {out}", keytab.display());
    }
}

// --- 1. offline: processes appending to one keytab -----------------------------------

#[test]
fn keytab_create_append_from_many_processes_loses_nothing() {
    let name = "keytab_create_append_from_many_processes_loses_nothing";
    let dir = tempfile::tempdir().unwrap();
    let keytab = dir.path().join("shared.keytab");
    let (procs, rounds) = (8, 5);
    let t = Instant::now();
    for round in 1..=rounds {
        let cmds = (0..procs)
            .map(|i| {
                let mut c = Command::new(support::spnkt_bin());
                c.env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
                    .env("CC_PASSWORD", format!("Pw-{i}-{round}-x"))
                    .env_remove("SPNKT_KEYTAB_LOCK_TIMEOUT")
                    .stdin(Stdio::null())
                    .args(["keytab", "create", "--append", "--enctypes", "aes256"])
                    .args(["--password-env", "CC_PASSWORD", "--kvno"])
                    .arg(round.to_string())
                    .arg("--principal")
                    .arg(format!("HTTP/p{i}.example.test@EXAMPLE.TEST"))
                    .arg("--out")
                    .arg(&keytab);
                c
            })
            .collect();
        for r in together(cmds) {
            assert_eq!(r.code, 0, "round {round}: {}\n{}", r.args, r.out);
        }
        // Every process's entry of every round so far is there.
        let list = Command::new(support::spnkt_bin())
            .env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
            .args(["keytab", "list", "--json"])
            .arg(&keytab)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
        let entries = v["entries"].as_array().expect("entries").len();
        assert_eq!(entries, procs * round, "round {round}: {v}");
        if support::have_tool("klist") {
            assert_eq!(support::klist_k(&keytab).len(), procs * round);
        }
    }
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "shared.keytab")
        .collect();
    assert!(stray.is_empty(), "left behind: {stray:?}");
    ran(
        name,
        &format!(
            "{rounds} rounds x {procs} processes, {} runs in {:.1} s, no entry lost",
            rounds * procs,
            t.elapsed().as_secs_f64()
        ),
    );
}

/// A keytab locked by someone else (util-linux `flock`, as a stand-in for another
/// spnkt) is waited for, then named in the error, with a hint; nothing is written.
#[test]
fn a_keytab_locked_by_another_process_is_named() {
    let name = "a_keytab_locked_by_another_process_is_named";
    if !support::have_tool("flock") {
        let _ = writeln!(std::io::stderr().lock(), "SKIPPED {name}: no flock(1)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keytab = dir.path().join("held.keytab");
    let create = |kvno: &str| {
        let mut c = Command::new(support::spnkt_bin());
        c.env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
            .env("SPNKT_KEYTAB_LOCK_TIMEOUT", "1")
            .env("CC_PASSWORD", "Held-Pw-1")
            .stdin(Stdio::null())
            .args([
                "keytab",
                "create",
                "--append",
                "--password-env",
                "CC_PASSWORD",
            ])
            .args(["-p", "HTTP/held.example.test@EXAMPLE.TEST", "--kvno", kvno])
            .arg("--out")
            .arg(&keytab);
        c.output().unwrap()
    };
    assert!(create("1").status.success());
    let before = std::fs::read(&keytab).unwrap();
    let mut holder = Command::new("flock")
        .arg(&keytab)
        .args(["sleep", "4"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let t = Instant::now();
    let out = create("2");
    let waited = t.elapsed();
    let _ = holder.wait();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is locked by another process") && err.contains("gave up after 1 s"),
        "{err}"
    );
    assert!(err.contains("SPNKT_KEYTAB_LOCK_TIMEOUT"), "{err}");
    assert!(waited.as_millis() >= 900, "gave up after {waited:?}");
    assert_eq!(std::fs::read(&keytab).unwrap(), before);
    // Released: the same command works.
    assert!(create("2").status.success());
    ran(
        name,
        &format!("waited {:.1} s, then named the file", waited.as_secs_f64()),
    );
}

// --- 2. create and rotate racing on one keytab ---------------------------------------

fn spnkt_cmd(lab: &Lab, args: &[&str]) -> Command {
    let mut c = lab.spnkt_command();
    c.args(args).args(lab.spnkt_dir_args());
    c
}

#[test]
fn create_and_rotate_race_on_one_keytab() {
    let name = "create_and_rotate_race_on_one_keytab";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let rounds = 10;
    let (h1, h2) = (host("r1"), host("r2"));
    let (s1, s2) = (account("r1"), account("r2"));
    let fresh: Vec<(String, String)> = (0..rounds)
        .map(|i| (host(&format!("n{i}")), account(&format!("n{i}"))))
        .collect();
    let mut sams = vec![s1.as_str(), s2.as_str()];
    sams.extend(fresh.iter().map(|(_, s)| s.as_str()));
    let _cleanup = lab.cleanup(&sams);
    let keytab = lab.work().join("shared.keytab");
    let kt = path_str(&keytab);
    let create = |h: &str, extra: &[&str]| {
        let mut a = vec!["create", "--host", h, "--keytab", kt, "--yes"];
        a.extend_from_slice(&["--delegation", "none", "--no-dns-check"]);
        a.extend_from_slice(extra);
        spnkt_cmd(&lab, &a)
    };
    let rotate = |h: &str| spnkt_cmd(&lab, &["rotate", "--host", h, "--keytab", kt, "--yes"]);
    for r in together(vec![create(&h1, &[])]) {
        assert_eq!(r.code, 0, "{}\n{}", r.args, r.out);
    }
    for r in together(vec![create(&h2, &["--append"])]) {
        assert_eq!(r.code, 0, "{}\n{}", r.args, r.out);
    }

    let t = Instant::now();
    let (mut runs, mut conflicts) = (0, 0);
    for round in 0..rounds {
        let before2 = lab.kvno_of(&s2);
        let (h3, _) = &fresh[round];
        // h1 rotated twice at once (the same account), h2 rotated and h3 created
        // (other accounts), all into the one keytab.
        let done = together(vec![
            rotate(&h1),
            rotate(&h1),
            rotate(&h2),
            create(h3, &["--append"]),
        ]);
        runs += done.len();
        conflicts += assert_ok_or_conflict(round, &done);
        // Only h1 had two runs: h2 and h3 cannot have lost a race.
        for r in &done[2..] {
            assert_eq!(r.code, 0, "round {round}: {}\n{}", r.args, r.out);
        }
        let mut hosts = vec![(h1.clone(), s1.clone()), (h2.clone(), s2.clone())];
        hosts.extend(fresh[..=round].iter().cloned());
        assert_current(&lab, round, &keytab, &hosts);
        // No lost entries: h2's previous kvno (--keep-old 1) and every fresh account.
        let k2 = kvnos_of(&keytab, &lab.http_principal(&h2));
        assert!(
            k2.contains(&before2) && k2.contains(&(before2 + 1)),
            "round {round}: {h2} kvnos {k2:?}, expected {before2} and {}",
            before2 + 1
        );
    }
    ran(
        name,
        &format!(
            "{rounds} rounds, {runs} runs in {:.1} s, {conflicts} concurrent-change exits (6)",
            t.elapsed().as_secs_f64()
        ),
    );
}

// --- 3. two apply runs of overlapping plans -------------------------------------------

fn plan_text(lab: &Lab, name: &str, hosts: &[&str]) -> String {
    let mut s = format!(
        "name = \"{name}\"\n\n[directory]\nldap_url = \"{}\"\nrealm = \"{}\"\nkdc = \"{}\"\nca_cert = \"{}\"\nbind_user = \"{}\"\nbind_password_env = \"{BIND_PASSWORD_ENV}\"\n",
        lab.ldaps_url,
        lab.realm,
        lab.kdc,
        path_str(&lab.ca_cert),
        lab.admin_user
    );
    for h in hosts {
        s.push_str(&format!(
            "\n[[service]]\nhost = \"{h}\"\ndelegation = \"none\"\nkeytab = \"shared.keytab\"\ndns_check = false\n"
        ));
    }
    s
}

#[test]
fn overlapping_apply_runs() {
    let name = "overlapping_apply_runs";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let rounds = 5;
    let (ha, hs, hb) = (host("pa"), host("ps"), host("pb"));
    let (sa, ss, sb) = (account("pa"), account("ps"), account("pb"));
    let _cleanup = lab.cleanup(&[&sa, &ss, &sb]);
    let dir = lab.work().join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    let keytab = dir.join("shared.keytab");
    let (pa, pb) = (dir.join("a.toml"), dir.join("b.toml"));
    std::fs::write(
        &pa,
        plan_text(&lab, &format!("cc-a-{}", tag()), &[&ha, &hs]),
    )
    .unwrap();
    std::fs::write(
        &pb,
        plan_text(&lab, &format!("cc-b-{}", tag()), &[&hs, &hb]),
    )
    .unwrap();
    let apply = |plan: &Path, rotate: &[&str]| {
        let mut c = lab.spnkt_command();
        c.arg("apply").arg(plan).arg("--json");
        for h in rotate {
            c.args(["--rotate", h]);
        }
        c
    };
    let hosts = vec![
        (ha.clone(), sa.clone()),
        (hs.clone(), ss.clone()),
        (hb.clone(), sb.clone()),
    ];
    let t = Instant::now();
    let (mut runs, mut conflicts) = (0, 0);
    for round in 0..rounds {
        let before: Vec<Option<u32>> = if round == 0 {
            vec![None; 3]
        } else {
            hosts.iter().map(|(_, s)| Some(lab.kvno_of(s))).collect()
        };
        // Round 0 creates everything (the shared service by whichever run is first);
        // then every round rotates every service of both plans at once.
        let done = if round == 0 {
            together(vec![apply(&pa, &[]), apply(&pb, &[])])
        } else {
            together(vec![apply(&pa, &[&ha, &hs]), apply(&pb, &[&hs, &hb])])
        };
        runs += done.len();
        conflicts += assert_ok_or_conflict(round, &done);
        assert_current(&lab, round, &keytab, &hosts);
        // The services only one plan has were rotated once, by a run that cannot
        // have lost: their new kvno and (rotation keeps one) the previous are there.
        for i in [0, 2] {
            let (h, s) = &hosts[i];
            let k = kvnos_of(&keytab, &lab.http_principal(h));
            let now = lab.kvno_of(s);
            assert!(
                k.contains(&now),
                "round {round}: {h} kvnos {k:?}, directory {now}"
            );
            if let Some(b) = before[i] {
                assert_eq!(now, b + 1, "round {round}: {h} rotated once");
                assert!(k.contains(&b), "round {round}: {h} kvnos {k:?} lost {b}");
            }
        }
    }
    ran(
        name,
        &format!(
            "{rounds} rounds, {runs} apply runs in {:.1} s, {conflicts} concurrent-change exits (6)",
            t.elapsed().as_secs_f64()
        ),
    );
}

//! One domain controller per run, replication waits, `--wait-replication` and DC
//! failover from DNS SRV, end to end against the TWO-DC Samba AD lab of
//! `tests/lab/samba-lab2.sh` (CORP.TEST: DC A dca.corp.test on 127.0.0.11, DC B
//! dcb.corp.test on 127.0.0.12, replicating every ~5 s), judged by each DC on its
//! own: MIT `kvno -k` with a krb5.conf that names only that DC's KDC, `ldapsearch`
//! on that DC's LDAPS, `klist -k` for what the keytab holds.
//!
//! Every test prints `*** samba multi-DC test NAME ran ***` on stderr once it has
//! passed (tests/run-all.sh counts them against the `#[test]`s of this file).
//! Without the lab the tests are skipped loudly, and fail under
//! SPNKT_REQUIRE_PEERS=1. Some stop a DC or hold its replication back, so every
//! test holds the lab's serial lock; each guard (accounts, stopped DC, held
//! replication) undoes its change also when the test fails.
//!
//! Replication into a DC is held back deterministically with DISABLE_INBOUND_REPL
//! (`samba-lab2.sh hold-repl B`) where a test must know that a DC does NOT have a
//! change yet; the `--wait-replication` successes (3, 4, 7) let the lab replicate
//! on its own, unforced.
//!
//! Hosts are `mdc-WHAT-TAG.corp.test`, accounts `svc-http-mdc-WHAT-TAG` (TAG: three
//! characters per test process).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::dns_server::{DnsServer, srv};
use support::path_str;
use support::samba_lab::Run;
use support::samba_lab2::*;

fn ran(name: &str) {
    support::announce_ran("samba multi-DC", name);
}

fn tag() -> &'static str {
    support::process_tag()
}

/// `mdc-WHAT-TAG.corp.test` (WHAT at most 3 characters, so that spnkt's default
/// account name `svc-http-mdc-WHAT-TAG` fits in 20).
fn host(lab: &Lab2, what: &str) -> String {
    assert!(what.len() <= 3, "{what}");
    format!("mdc-{what}-{}.{}", tag(), lab.domain)
}

/// spnkt's default account name for [`host`]`(what)`.
fn account(what: &str) -> String {
    format!("svc-http-mdc-{what}-{}", tag())
}

/// A line on stderr past libtest's capture.
fn say(msg: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// `spnkt create --host HOST --keytab KEYTAB --delegation none --yes <bind flags> EXTRA...`
fn create_args(lab: &Lab2, host: &str, keytab: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = strings(&[
        "create",
        "--host",
        host,
        "--keytab",
        path_str(keytab),
        "--delegation",
        "none",
        "--yes",
    ]);
    args.extend(lab.bind_args());
    args.extend(strings(extra));
    args
}

/// Run `args` (LDAP on A, `--kdc` B) in the background while B's inbound
/// replication is `hold`; release it once the account `sam` is enabled on A (spnkt
/// is then asking B) and a moment more, so spnkt meets B without the change. The
/// run, how long it took, and B's userAccountControl for `sam` just before the
/// release (None: B did not know the account).
fn run_while_b_held(
    lab: &Lab2,
    sam: &str,
    args: Vec<String>,
    what: &'static str,
    hold: &mut Hold,
) -> (Run, Duration, Option<u32>) {
    let spnkt = {
        let lab = lab.clone();
        std::thread::spawn(move || timed(what, || lab.spnkt(&args, &lab.krb5_ab, &[])))
    };
    let start = Instant::now();
    while !spnkt.is_finished() && start.elapsed() < Duration::from_secs(60) {
        if lab.uac_on(Dc::A, sam).is_some_and(|uac| uac & 0x2 == 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1500));
    let b_knew = lab.uac_on(Dc::B, sam);
    hold.release().expect("release B's replication");
    let (run, took) = spnkt.join().expect("spnkt thread");
    (run, took, b_knew)
}

/// The report's per-DC table says both DCs accepted the keys.
fn assert_every_dc_accepted(lab: &Lab2, run: &Run) {
    let t = table(lab, &run.stdout);
    for dc in [&lab.a_host, &lab.b_host] {
        assert!(
            t.iter()
                .any(|(d, rest)| d == dc && rest.starts_with("accepted")),
            "the table must say {dc} accepted: {t:?}\n{}",
            run.stdout
        );
    }
}

/// Run spnkt and say how long it took (past libtest's capture, for the timings).
fn timed(what: &str, run: impl FnOnce() -> Run) -> (Run, Duration) {
    let t = Instant::now();
    let r = run();
    let took = t.elapsed();
    say(&format!(
        "multi-DC: {what}: exit {} after {:.2} s",
        r.code,
        took.as_secs_f64()
    ));
    (r, took)
}

/// The report line `  domain controller:   ...`.
fn dc_line(run: &Run) -> String {
    run.stdout
        .lines()
        .find(|l| l.trim_start().starts_with("domain controller:"))
        .unwrap_or_else(|| {
            panic!(
                "no 'domain controller:' line in the report:\n{}\n{}",
                run.stdout, run.stderr
            )
        })
        .to_owned()
}

/// The per-DC table of a report: (DC host, rest of the line) for each line naming
/// one of the lab's DCs after a `replication:` heading (create, rotate) or under a
/// service (apply).
fn table(lab: &Lab2, stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let (dc, rest) = t.split_once(char::is_whitespace)?;
            (dc == lab.a_host || dc == lab.b_host).then(|| (dc.to_owned(), rest.trim().to_owned()))
        })
        .collect()
}

fn assert_valid(lab: &Lab2, dc: Dc, keytab: &Path, principal: &str, context: &str) -> String {
    let (ok, out) = lab.kvno_k_against(dc, keytab, principal);
    assert!(
        ok,
        "kvno -k {} {principal} against DC {dc:?} alone ({}): not valid:\n{out}\n--- spnkt:\n{context}",
        keytab.display(),
        lab.kdc(dc)
    );
    out
}

/// The kvnos of `principal` in `keytab`, ascending, each once (klist -k).
fn keytab_kvnos(lab: &Lab2, keytab: &Path, principal: &str) -> Vec<u32> {
    let mut k: Vec<u32> = lab
        .klist_k(keytab)
        .into_iter()
        .filter(|(_, p, _)| p == principal)
        .map(|(k, _, _)| k)
        .collect();
    k.sort_unstable();
    k.dedup();
    k
}

// --- 1. the KDC is the LDAP domain controller's own ---------------------------------

/// `--ldap-url` on A, and a krb5.conf that lists B's KDC FIRST: the run uses A's
/// KDC (it is the DC written to), so it never waits for replication. B's
/// replication is held back for the whole run, so a run that asked B anything
/// about the new account could not succeed without waiting.
#[test]
fn create_proves_on_the_ldap_dcs_own_kdc() {
    let name = "create_proves_on_the_ldap_dcs_own_kdc";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "own");
    let _cleanup = lab.cleanup(&[&account("own")]);
    let mut hold = lab.hold_replication(Dc::B);
    let keytab = lab.path("own.keytab");
    let args = create_args(&lab, &h, &keytab, &["--ldap-url", &lab.a_url]);
    let (run, _) = timed("create, LDAP on A, krb5.conf B first", || {
        lab.spnkt(&args, &lab.krb5_ba, &[])
    });
    run.assert_ok();
    let line = dc_line(&run);
    assert!(
        line.contains(&lab.a_host) && line.contains("(LDAP and KDC)"),
        "the report must name {} as the domain controller for LDAP and KDC: {line}\n{}",
        lab.a_host,
        run.text()
    );
    assert!(
        !run.stderr.contains("waiting"),
        "no replication wait expected:\n{}",
        run.stderr
    );
    for other in [&lab.b_kdc, &lab.b_host] {
        assert!(
            !run.text().contains(other.as_str()),
            "B ({other}) has no part in this run:\n{}",
            run.text()
        );
    }
    let principal = lab.http_principal(&h);
    assert_valid(&lab, Dc::A, &keytab, &principal, &run.text());
    // B has not seen the account (held back): the keys were proven at A, not at B.
    let (ok_b, out_b) = lab.kvno_k_against(Dc::B, &keytab, &principal);
    assert!(
        !ok_b,
        "B's replication is held back, yet its KDC knows {principal}:\n{out_b}"
    );
    hold.release().expect("release B's replication");
    assert_valid(&lab, Dc::B, &keytab, &principal, &run.text());
    ran(name);
}

// --- 2. --kdc on another DC: waits for replication, sets the password once ----------

/// LDAP on A, `--kdc` B's KDC: B cannot know the new account before replication
/// (held back until spnkt has written it and asks B), so spnkt must say that it
/// waits, naming B's KDC, and then prove the keys there, without setting the
/// password again (the keytab's kvno is the directory's).
#[test]
fn create_with_the_kdc_on_another_dc_waits_for_replication() {
    let name = "create_with_the_kdc_on_another_dc_waits_for_replication";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "kdb");
    let sam = account("kdb");
    let _cleanup = lab.cleanup(&[&sam]);
    let mut hold = lab.hold_replication(Dc::B);
    let keytab = lab.path("kdb.keytab");
    let args = create_args(
        &lab,
        &h,
        &keytab,
        &["--ldap-url", &lab.a_url, "--kdc", &lab.b_kdc],
    );
    let (run, took, b_knew) = run_while_b_held(
        &lab,
        &sam,
        args,
        "create, LDAP on A, --kdc B (B held back)",
        &mut hold,
    );
    run.assert_ok();
    assert_eq!(b_knew, None, "B had the account before it was released");
    assert!(
        run.stderr.contains("waiting for replication") && run.stderr.contains(&lab.b_kdc),
        "spnkt must say that it waits for replication to {}:\n{}",
        lab.b_kdc,
        run.stderr
    );
    assert!(
        took > Duration::from_secs(1),
        "returned after {took:?}: cannot have waited"
    );
    let line = dc_line(&run);
    assert!(
        line.contains(&lab.a_host) && line.contains(&lab.b_kdc),
        "the report must name {} (LDAP) and the KDC {}: {line}",
        lab.a_host,
        lab.b_kdc
    );
    let principal = lab.http_principal(&h);
    assert_valid(&lab, Dc::B, &keytab, &principal, &run.text());
    // The password was set once: the keytab's kvno is the directory's, and that of
    // an account whose password came with its add (1).
    let in_keytab = keytab_kvnos(&lab, &keytab, &principal);
    let on_a = lab.kvno_on(Dc::A, &sam);
    assert_eq!(
        in_keytab,
        [on_a.expect("msDS-KeyVersionNumber on A")],
        "keytab kvnos {in_keytab:?}, msDS-KeyVersionNumber on A {on_a:?}:\n{}",
        run.text()
    );
    assert_eq!(
        on_a,
        Some(1),
        "msDS-KeyVersionNumber: the password was set more than once:\n{}",
        run.text()
    );
    ran(name);
}

/// `--kdc` on a DC that has an OLDER copy of the account: disabled and without keys,
/// as a create leaves it between its add and its password set (the DC's pull can
/// fall in between), or after a failed create ("left DISABLED ... without a usable
/// password ... run this command again to finish it"). That KDC's answer (no salt
/// information: no keys) means "not replicated yet" just like "principal unknown":
/// spnkt must wait for replication (the README: "spnkt waits instead of failing"),
/// not fail at once.
#[test]
fn create_with_the_kdc_on_a_dc_holding_an_older_keyless_copy_waits() {
    let name = "create_with_the_kdc_on_a_dc_holding_an_older_keyless_copy_waits";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "old");
    let sam = account("old");
    let _cleanup = lab.cleanup(&[&sam]);
    // What a create leaves after its add: disabled, SPN and UPN, no password.
    lab.ldap_modify_on(
        Dc::A,
        &format!(
            "dn: CN={sam},CN=Users,{base}\nchangetype: add\nobjectClass: user\nsAMAccountName: {sam}\nuserAccountControl: 514\nservicePrincipalName: HTTP/{h}\nuserPrincipalName: HTTP/{h}@{realm}\ndescription: planted by spnkt multi-DC tests\n",
            base = lab.base_dn,
            realm = lab.realm
        ),
    );
    lab.replicate_domain();
    assert_eq!(lab.uac_on(Dc::B, &sam), Some(514), "not replicated to B");
    let mut hold = lab.hold_replication(Dc::B);
    let keytab = lab.path("old.keytab");
    let args = create_args(
        &lab,
        &h,
        &keytab,
        &["--ldap-url", &lab.a_url, "--kdc", &lab.b_kdc],
    );
    let (run, _, _) = run_while_b_held(
        &lab,
        &sam,
        args,
        "create, --kdc B holding an older keyless copy",
        &mut hold,
    );
    assert_eq!(
        run.code,
        0,
        "the KDC {} had the account without keys (not replicated yet): spnkt must wait for replication, not fail:\n{}",
        lab.b_kdc,
        run.text()
    );
    assert!(
        run.stderr.contains("waiting for replication") && run.stderr.contains(&lab.b_kdc),
        "spnkt must say that it waits for replication to {}:\n{}",
        lab.b_kdc,
        run.stderr
    );
    assert_valid(&lab, Dc::B, &keytab, &lab.http_principal(&h), &run.text());
    ran(name);
}

// --- 3. --wait-replication: every DC has the keys when spnkt returns ----------------

/// `create --wait-replication`, replication left to the lab (no forcing): the
/// moment spnkt returns, MIT `kvno -k` against A alone and against B alone both
/// say the keytab is valid, and the report has the per-DC table (both accepted).
#[test]
fn create_wait_replication_every_dc_accepts_on_return() {
    let name = "create_wait_replication_every_dc_accepts_on_return";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "wrc");
    let _cleanup = lab.cleanup(&[&account("wrc")]);
    let keytab = lab.path("wrc.keytab");
    let args = create_args(
        &lab,
        &h,
        &keytab,
        &["--ldap-url", &lab.a_url, "--wait-replication"],
    );
    let (run, _) = timed("create --wait-replication", || {
        lab.spnkt(&args, &lab.krb5_ab, &[])
    });
    run.assert_ok();
    // Right away, no replication forced: each DC on its own.
    let principal = lab.http_principal(&h);
    assert_valid(&lab, Dc::A, &keytab, &principal, &run.text());
    assert_valid(&lab, Dc::B, &keytab, &principal, &run.text());
    assert!(
        run.stdout.contains("replication:"),
        "no per-DC table in the report:\n{}",
        run.stdout
    );
    assert_every_dc_accepted(&lab, &run);
    ran(name);
}

// --- 4. rotate --wait-replication ------------------------------------------------------

/// `rotate --wait-replication` of an account both DCs have: the moment spnkt
/// returns, A and B each issue tickets at the NEW kvno that the keytab decrypts, and
/// the keytab still holds the previous kvno's keys (`--keep-old 1`, the default).
#[test]
fn rotate_wait_replication_every_dc_accepts_the_new_kvno() {
    let name = "rotate_wait_replication_every_dc_accepts_the_new_kvno";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "rot");
    let sam = account("rot");
    let _cleanup = lab.cleanup(&[&sam]);
    let keytab = lab.path("rot.keytab");
    let principal = lab.http_principal(&h);
    let created = lab.spnkt(
        &create_args(&lab, &h, &keytab, &["--ldap-url", &lab.a_url]),
        &lab.krb5_ab,
        &[],
    );
    created.assert_ok();
    lab.replicate_domain();
    let old = lab.kvno_on(Dc::A, &sam).expect("kvno on A");
    assert_eq!(lab.kvno_on(Dc::B, &sam), Some(old), "not replicated to B");
    assert_valid(&lab, Dc::B, &keytab, &principal, &created.text());

    let mut args = strings(&["rotate", "--host", &h, "--keytab", path_str(&keytab)]);
    args.extend(strings(&[
        "--yes",
        "--wait-replication",
        "--ldap-url",
        &lab.a_url,
    ]));
    args.extend(lab.bind_args());
    let (run, _) = timed("rotate --wait-replication", || {
        lab.spnkt(&args, &lab.krb5_ab, &[])
    });
    run.assert_ok();
    let new = lab.kvno_on(Dc::A, &sam).expect("kvno on A");
    assert_eq!(new, old + 1, "one password set:\n{}", run.text());
    // Right away: both DCs issue tickets under the NEW keys, which the keytab has.
    for dc in [Dc::A, Dc::B] {
        let out = assert_valid(&lab, dc, &keytab, &principal, &run.text());
        assert!(
            out.contains(&format!("kvno = {new}")),
            "DC {dc:?} must issue tickets at kvno {new}:\n{out}"
        );
    }
    // --keep-old 1 (the default): the previous kvno's keys are still there.
    assert_eq!(
        keytab_kvnos(&lab, &keytab, &principal),
        [old, new],
        "{:?}",
        lab.klist_k(&keytab)
    );
    let entries = lab.klist_k(&keytab);
    for k in [old, new] {
        for enctype in ["aes256-cts-hmac-sha1-96", "aes128-cts-hmac-sha1-96"] {
            assert!(
                entries
                    .iter()
                    .any(|(kv, p, e)| *kv == k && p == &principal && e == enctype),
                "no kvno {k} {enctype} entry: {entries:?}"
            );
        }
    }
    assert_every_dc_accepted(&lab, &run);
    ran(name);
}

// --- 5. --wait-replication that cannot finish: exit 5 ---------------------------------

/// DC B stopped: the keys are proven on A and the keytab written, but B cannot
/// accept them, so after `--replication-timeout 5` spnkt exits 5 (NotReplicated,
/// src/exit.rs) with the per-DC table naming B as not accepting.
#[test]
fn wait_replication_with_a_dc_stopped_exits_5_naming_it() {
    let name = "wait_replication_with_a_dc_stopped_exits_5_naming_it";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "dwn");
    let _cleanup = lab.cleanup(&[&account("dwn")]);
    let keytab = lab.path("dwn.keytab");
    let args = create_args(
        &lab,
        &h,
        &keytab,
        &[
            "--ldap-url",
            &lab.a_url,
            "--wait-replication",
            "--replication-timeout",
            "5",
        ],
    );
    let restart = lab.restart_guard(Dc::B);
    lab.stop_dc(Dc::B);
    let (run, _) = timed("create --wait-replication, B stopped", || {
        lab.spnkt(&args, &lab.krb5_a, &[])
    });
    assert_eq!(
        run.code,
        5,
        "exit 5 (not every DC accepted) expected:\n{}",
        run.text()
    );
    assert!(
        run.stderr.contains("error:") && run.stderr.contains(&lab.b_host),
        "the error must name {}:\n{}",
        lab.b_host,
        run.stderr
    );
    let t = table(&lab, &run.stdout);
    assert!(
        t.iter()
            .any(|(d, rest)| d == &lab.a_host && rest.starts_with("accepted")),
        "the table must say {} accepted: {t:?}\n{}",
        lab.a_host,
        run.stdout
    );
    let b = t
        .iter()
        .find(|(d, _)| d == &lab.b_host)
        .unwrap_or_else(|| panic!("the table must name {}: {t:?}\n{}", lab.b_host, run.stdout));
    assert!(
        !b.1.starts_with("accepted"),
        "{} is stopped, the table says: {}",
        lab.b_host,
        b.1
    );
    // The keys are written and good on the DC written to.
    assert_valid(&lab, Dc::A, &keytab, &lab.http_principal(&h), &run.text());
    drop(restart);
    ran(name);
}

/// B running but taking no replication: B is "not yet replicated" (not
/// "unreachable"), exit 5, and spnkt keeps asking for the whole
/// `--replication-timeout` before it gives up; released, B accepts the keytab.
#[test]
fn wait_replication_held_back_exits_5_after_the_full_timeout() {
    let name = "wait_replication_held_back_exits_5_after_the_full_timeout";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "hld");
    let _cleanup = lab.cleanup(&[&account("hld")]);
    let mut hold = lab.hold_replication(Dc::B);
    let keytab = lab.path("hld.keytab");
    let timeout = 5;
    let args = create_args(
        &lab,
        &h,
        &keytab,
        &[
            "--ldap-url",
            &lab.a_url,
            "--wait-replication",
            "--replication-timeout",
            &timeout.to_string(),
        ],
    );
    let (run, took) = timed("create --wait-replication, B held back", || {
        lab.spnkt(&args, &lab.krb5_ab, &[])
    });
    assert_eq!(run.code, 5, "exit 5 expected:\n{}", run.text());
    let t = table(&lab, &run.stdout);
    assert!(
        t.iter()
            .any(|(d, rest)| d == &lab.b_host && rest.starts_with("not yet replicated")),
        "the table must say {} has not replicated yet: {t:?}\n{}",
        lab.b_host,
        run.stdout
    );
    let principal = lab.http_principal(&h);
    assert_valid(&lab, Dc::A, &keytab, &principal, &run.text());
    let (ok_b, out_b) = lab.kvno_k_against(Dc::B, &keytab, &principal);
    assert!(!ok_b, "B is held back, yet accepts:\n{out_b}");
    hold.release().expect("release B's replication");
    assert_valid(&lab, Dc::B, &keytab, &principal, &run.text());
    // --replication-timeout 5 is a promise to keep asking for 5 s: giving up
    // earlier fails runs whose replication would have arrived in time.
    assert!(
        took >= Duration::from_millis(timeout * 1000 - 500),
        "spnkt gave up after {:.2} s (the whole run), before the --replication-timeout of {timeout} s had passed:\n{}",
        took.as_secs_f64(),
        run.stderr
    );
    ran(name);
}

// --- 6. DC failover from DNS SRV ------------------------------------------------------

/// No `--ldap-url`: DNS SRV `_ldap._tcp.dc._msdcs.CORP.TEST` (a test nameserver)
/// lists A (priority 0) before B (priority 10), A is stopped, and krb5.conf names
/// only A's KDC (and the realm): spnkt skips A with a note and uses B for LDAP and
/// KDC.
#[test]
fn stopped_dc_from_dns_srv_is_skipped_for_the_next() {
    let name = "stopped_dc_from_dns_srv_is_skipped_for_the_next";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "dns");
    let sam = account("dns");
    let _cleanup = lab.cleanup(&[&sam]);
    let dns = DnsServer::start();
    dns.set(
        &format!("_ldap._tcp.dc._msdcs.{}", lab.realm),
        vec![
            srv(0, 100, 389, &lab.a_host),
            srv(10, 100, 389, &lab.b_host),
        ],
    );
    let keytab = lab.path("dns.keytab");
    let args = create_args(&lab, &h, &keytab, &[]);
    let dns_addr = dns.addr.to_string();
    let restart = lab.restart_guard(Dc::A);
    lab.stop_dc(Dc::A);
    let (run, _) = timed("create, DCs from DNS SRV, A stopped", || {
        lab.spnkt(&args, &lab.krb5_a, &[("SPNKT_DNS_SERVER", &dns_addr)])
    });
    run.assert_ok();
    let a_url = format!("ldaps://{}:636", lab.a_host);
    let b_url = format!("ldaps://{}:636", lab.b_host);
    assert!(
        run.stderr
            .contains(&format!("skipped domain controller {a_url}")),
        "a note must say {a_url} was skipped:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("using domain controller {b_url}")),
        "a note must say {b_url} is used:\n{}",
        run.stderr
    );
    let line = dc_line(&run);
    assert!(
        line.contains(&lab.b_host) && line.contains("(LDAP and KDC)"),
        "the report must name {} for LDAP and KDC: {line}",
        lab.b_host
    );
    assert_valid(&lab, Dc::B, &keytab, &lab.http_principal(&h), &run.text());
    assert_eq!(
        lab.ldap_dns_on(Dc::B, &format!("(sAMAccountName={sam})"))
            .len(),
        1,
        "the account must be on B"
    );
    drop(restart);
    ran(name);
}

/// `--site`: the site's SRV records (B) come before the domain's (A first), both
/// DCs running: B is used for the whole run.
#[test]
fn site_dns_srv_records_come_first() {
    let name = "site_dns_srv_records_come_first";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "sit");
    let sam = account("sit");
    let _cleanup = lab.cleanup(&[&sam]);
    let dns = DnsServer::start();
    dns.set(
        &format!("_ldap._tcp.dc._msdcs.{}", lab.realm),
        vec![
            srv(0, 100, 389, &lab.a_host),
            srv(10, 100, 389, &lab.b_host),
        ],
    );
    dns.set(
        &format!("_ldap._tcp.Lab-B._sites.dc._msdcs.{}", lab.realm),
        vec![srv(0, 100, 389, &lab.b_host)],
    );
    let keytab = lab.path("sit.keytab");
    let args = create_args(&lab, &h, &keytab, &["--site", "Lab-B"]);
    let dns_addr = dns.addr.to_string();
    let (run, _) = timed("create --site (B's site)", || {
        lab.spnkt(&args, &lab.krb5_ab, &[("SPNKT_DNS_SERVER", &dns_addr)])
    });
    run.assert_ok();
    let line = dc_line(&run);
    assert!(
        line.contains(&lab.b_host) && line.contains("(LDAP and KDC)"),
        "the report must name {} (the site's DC) for LDAP and KDC: {line}\n{}",
        lab.b_host,
        run.stderr
    );
    assert!(
        !run.stderr.contains("skipped"),
        "no DC is down, none is skipped:\n{}",
        run.stderr
    );
    assert_valid(&lab, Dc::B, &keytab, &lab.http_principal(&h), &run.text());
    ran(name);
}

// --- 7. apply --wait-replication -------------------------------------------------------

/// `spnkt apply PLAN --wait-replication --yes`, two services: both keytabs are
/// valid against A alone and against B alone right after return, and each
/// service's per-DC table says both DCs accepted.
#[test]
fn apply_wait_replication_two_services_valid_on_every_dc() {
    let name = "apply_wait_replication_two_services_valid_on_every_dc";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let (h1, h2) = (host(&lab, "ap1"), host(&lab, "ap2"));
    let _cleanup = lab.cleanup(&[&account("ap1"), &account("ap2")]);
    let dir = lab.work().join("plan");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("multidc.toml");
    std::fs::write(
        &plan,
        format!(
            "name = \"mdc-{tag}\"\n\n[directory]\nldap_url = \"{url}\"\nca_cert = \"{ca}\"\nbind_user = \"{user}\"\nbind_password_env = \"{BIND_PASSWORD_ENV}\"\n\n\
             [[service]]\nhost = \"{h1}\"\ndelegation = \"none\"\nkeytab = \"one.keytab\"\n\n\
             [[service]]\nhost = \"{h2}\"\ndelegation = \"unconstrained\"\nkeytab = \"two.keytab\"\n",
            tag = tag(),
            url = lab.a_url,
            ca = path_str(&lab.ca_cert),
            user = lab.admin_user,
        ),
    )
    .unwrap();
    let args = strings(&["apply", path_str(&plan), "--wait-replication", "--yes"]);
    let (run, _) = timed("apply --wait-replication (2 services)", || {
        lab.spnkt(&args, &lab.krb5_ab, &[])
    });
    run.assert_ok();
    for (h, keytab) in [(&h1, "one.keytab"), (&h2, "two.keytab")] {
        let keytab = dir.join(keytab);
        for dc in [Dc::A, Dc::B] {
            assert_valid(&lab, dc, &keytab, &lab.http_principal(h), &run.text());
        }
    }
    let t = table(&lab, &run.stdout);
    for dc in [&lab.a_host, &lab.b_host] {
        let accepted = t
            .iter()
            .filter(|(d, rest)| d == dc && rest.starts_with("accepted"))
            .count();
        assert_eq!(
            accepted, 2,
            "the report must say {dc} accepted both services' keys: {t:?}\n{}",
            run.stdout
        );
    }
    ran(name);
}

// --- 8. Kerberos binds: no password anywhere -------------------------------------------

/// `spnkt create ARGS --bind-kerberos`-style arguments without any bind flags.
fn kerberos_create_args(host: &str, keytab: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = strings(&[
        "create",
        "--host",
        host,
        "--keytab",
        path_str(keytab),
        "--delegation",
        "none",
        "--yes",
    ]);
    args.extend(strings(extra));
    args
}

/// The admin's `kinit` ticket and plain `ldap://` on A (Samba's default: no SASL
/// inside TLS), sealed by the Kerberos bind; spnkt runs with an environment that
/// holds nothing but PATH, KRB5_CONFIG and KRB5CCNAME. Judged by MIT `kvno -k`.
#[test]
fn bind_kerberos_sealed_ldap_creates_without_a_password() {
    let name = "bind_kerberos_sealed_ldap_creates_without_a_password";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "kbs");
    let _cleanup = lab.cleanup(&[&account("kbs")]);
    let ccache = lab.kinit_admin(Dc::A);
    let keytab = lab.path("kbs.keytab");
    let args = kerberos_create_args(
        &h,
        &keytab,
        &["--ldap-url", &lab.plain_url(Dc::A), "--bind-kerberos"],
    );
    let (run, _) = timed("create --bind-kerberos, sealed ldap:// on A", || {
        lab.spnkt_clean_env(&args, &lab.krb5_ab, &ccache)
    });
    run.assert_ok();
    assert!(
        dc_line(&run).contains(&lab.a_host),
        "the run must stay on A:\n{}",
        run.text()
    );
    assert_valid(&lab, Dc::A, &keytab, &lab.http_principal(&h), &run.text());
    ran(name);
}

/// LDAPS to B, which takes Kerberos inside TLS as a Windows DC does: the bind
/// carries the tls-server-end-point channel binding and no SASL layer. A keeps
/// Samba's default and refuses Kerberos inside TLS: spnkt says so, names the
/// ldap:// URL that works, and nothing is created.
#[test]
fn bind_kerberos_over_ldaps_with_channel_binding() {
    let name = "bind_kerberos_over_ldaps_with_channel_binding";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "kbt");
    let refused = host(&lab, "kbr");
    let _cleanup = lab.cleanup(&[&account("kbt"), &account("kbr")]);
    let ccache = lab.kinit_admin(Dc::B);
    let keytab = lab.path("kbt.keytab");
    let ca = path_str(&lab.ca_cert).to_owned();
    let args = kerberos_create_args(
        &h,
        &keytab,
        &[
            "--ldap-url",
            &lab.b_url,
            "--ca-cert",
            &ca,
            "--bind-kerberos",
        ],
    );
    let (run, _) = timed("create --bind-kerberos, LDAPS on B", || {
        lab.spnkt_clean_env(&args, &lab.krb5_ba, &ccache)
    });
    run.assert_ok();
    assert!(
        dc_line(&run).contains(&lab.b_host),
        "the run must stay on B:\n{}",
        run.text()
    );
    assert_valid(&lab, Dc::B, &keytab, &lab.http_principal(&h), &run.text());

    let args = kerberos_create_args(
        &refused,
        &lab.path("kbr.keytab"),
        &[
            "--ldap-url",
            &lab.a_url,
            "--ca-cert",
            &ca,
            "--bind-kerberos",
        ],
    );
    let run = lab.spnkt_clean_env(&args, &lab.krb5_ab, &ccache);
    assert_eq!(run.code, 1, "{}", run.text());
    assert!(
        run.stderr.contains("refuses Kerberos binds inside TLS")
            && run
                .stderr
                .contains(&format!("use --ldap-url {}", lab.plain_url(Dc::A))),
        "the refusal must say why and name the URL that works:\n{}",
        run.stderr
    );
    assert!(
        lab.ldap_dns_on(Dc::A, &format!("(sAMAccountName={})", account("kbr")))
            .is_empty(),
        "a refused bind created an account"
    );
    ran(name);
}

/// A pipeline's deploy account: its keys in a keytab, `--bind-keytab` logs in
/// with them into memory (no ccache, no password), over sealed ldap:// on B.
#[test]
fn bind_keytab_creates_as_a_deploy_account() {
    let name = "bind_keytab_creates_as_a_deploy_account";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let h = host(&lab, "kbk");
    let _cleanup = lab.cleanup(&[&account("kbk")]);
    // The deploy keytab, made the way an admin makes one for a deploy account
    // (the password is known here only to build the keytab): MIT ktutil with the
    // AD salt of a user without UPN-derived salt: REALM + sAMAccountName.
    let admin_sam = lab.admin_user.split('@').next().unwrap().to_owned();
    let kvno = lab
        .kvno_on(Dc::B, &admin_sam)
        .expect("Administrator's kvno");
    let deploy = lab.path("deploy.keytab");
    let script = format!(
        "addent -password -p {user} -k {kvno} -e aes256-cts-hmac-sha1-96 -s {realm}{admin_sam}\n{pw}\nwkt {kt}\nquit\n",
        user = lab.admin_user,
        realm = lab.realm,
        pw = lab.admin_password,
        kt = path_str(&deploy),
    );
    let out = support::run_with_stdin(&mut std::process::Command::new("ktutil"), script.as_bytes());
    assert!(
        out.status.success() && deploy.exists(),
        "ktutil: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keytab = lab.path("kbk.keytab");
    let args = kerberos_create_args(
        &h,
        &keytab,
        &[
            "--ldap-url",
            &lab.plain_url(Dc::B),
            "--bind-user",
            &lab.admin_user,
            "--bind-keytab",
            path_str(&deploy),
        ],
    );
    let no_ccache = lab.work().join("no-ccache-at-all");
    let (run, _) = timed("create --bind-keytab, sealed ldap:// on B", || {
        lab.spnkt_clean_env(&args, &lab.krb5_ab, &no_ccache)
    });
    run.assert_ok();
    assert!(
        dc_line(&run).contains(&lab.b_host),
        "the run must stay on B:\n{}",
        run.text()
    );
    assert_valid(&lab, Dc::B, &keytab, &lab.http_principal(&h), &run.text());
    ran(name);
}

//! Faults in the middle of provisioning, against the lab's Samba AD DC: spnkt's
//! LDAPS connection and its KDC exchanges go through a fault proxy
//! (`support::fault_proxy`) that cuts, resets or stalls them after a chosen
//! client message, and the results are judged by the lab's own peers
//! (`ldapsearch` for the account, MIT `kvno -k` for the keytab).
//!
//! - One dropped connection at any point is survived: the run finishes with exit
//!   0 and a keytab `kvno -k` accepts (create: every one of the first LDAP and KDC
//!   messages; create, rotate and apply: every message of the run).
//! - Two drops in a row (the retry fails too) stop the run with nothing false left
//!   behind: no keytab that does not match the directory unless the output says
//!   so, no half-written file, no enabled account without keys unless the output
//!   says so and names the command; and the same command run again converges.
//! - A stalled server meets spnkt's own deadline (`--timeout`).
//!
//! Each test prints `*** samba faults test NAME ran (N cases) ***`, which
//! tests/run-all.sh counts.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::fault_proxy::{At, Fault, FaultProxy, Framing, Kind};
use support::path_str;
use support::samba_lab::*;

fn ran(name: &str, cases: usize) {
    support::announce_ran("samba faults", &format!("{name} ({cases} cases)"));
}

/// `fKNN-TAG.example.test`: K a letter per test, NN the case; its default account
/// `svc-http-fKNN-TAG` fits a sAMAccountName.
fn host(kind: char, n: usize) -> String {
    format!("f{kind}{n:02}-{}.example.test", support::process_tag())
}

fn sam_of(host: &str) -> String {
    format!("svc-http-{}", host.split('.').next().unwrap())
}

/// The lab's directory flags with LDAPS and the KDC through the given proxies.
fn dir_args(lab: &Lab, ldaps: Option<&FaultProxy>, kdc: Option<&FaultProxy>) -> Vec<String> {
    dir_args_timeout(lab, ldaps, kdc, 5)
}

fn dir_args_timeout(
    lab: &Lab,
    ldaps: Option<&FaultProxy>,
    kdc: Option<&FaultProxy>,
    timeout: u64,
) -> Vec<String> {
    let url = ldaps.map_or_else(
        || lab.ldaps_url.clone(),
        |p| format!("ldaps://127.0.0.1:{}", p.port()),
    );
    let mut args = lab.spnkt_dir_args_with_url(&url);
    if let Some(p) = kdc {
        let i = args.iter().position(|a| a == "--kdc").unwrap();
        args[i + 1] = p.addr();
    }
    args.extend(["--timeout".to_owned(), timeout.to_string()]);
    args
}

/// Client messages a fresh LDAPS connection sends before the first operation:
/// rustls' ClientHello, ChangeCipherSpec and Finished records, then the bind.
/// The operation a reconnect repeats is the next one, hence "cut twice" cuts the
/// retry connection after message `RECONNECT_SETUP + 1`.
const RECONNECT_SETUP: usize = 4;

fn lab_ldaps(lab: &Lab) -> String {
    lab.ldaps_url
        .trim_start_matches("ldaps://")
        .trim_end_matches('/')
        .to_owned()
}

fn create_args(host: &str, keytab: &Path) -> Vec<String> {
    [
        "create",
        "--host",
        host,
        "--keytab",
        path_str(keytab),
        "--delegation",
        "unconstrained",
        "--no-dns-check",
        "--yes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_via(
    lab: &Lab,
    args: &[String],
    ldaps: Option<&FaultProxy>,
    kdc: Option<&FaultProxy>,
) -> Run {
    let mut all = args.to_vec();
    all.extend(dir_args(lab, ldaps, kdc));
    lab.spnkt_exact(&all, &[])
}

/// Which command a sweep drives, and how to set it up and judge it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Command {
    Create,
    Rotate,
    Apply,
}

impl Command {
    fn letter(self) -> char {
        match self {
            Command::Create => 'c',
            Command::Rotate => 'r',
            Command::Apply => 'a',
        }
    }
}

/// One case's account, keytab and the command line that makes them.
struct Case {
    host: String,
    sam: String,
    keytab: std::path::PathBuf,
    args: Vec<String>,
}

impl Case {
    fn new(lab: &Lab, command: Command, n: usize) -> Case {
        let host = host(command.letter(), n);
        let sam = sam_of(&host);
        let dir = lab.work().join(format!("{command:?}-{n}"));
        std::fs::create_dir_all(&dir).unwrap();
        let keytab = dir.join("http.keytab");
        let args = match command {
            Command::Create => create_args(&host, &keytab),
            Command::Rotate => [
                "rotate",
                "--host",
                &host,
                "--keytab",
                path_str(&keytab),
                "--yes",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            Command::Apply => {
                let plan = dir.join("plan.toml");
                std::fs::write(
                    &plan,
                    format!(
                        "name = \"faults\"\n\n[directory]\nrealm = \"{}\"\nca_cert = \"{}\"\nbind_user = \"{}\"\nbind_password_env = \"{BIND_PASSWORD_ENV}\"\n\n[[service]]\nhost = \"{host}\"\ndelegation = \"unconstrained\"\nkeytab = \"{}\"\n",
                        lab.realm,
                        path_str(&lab.ca_cert),
                        lab.admin_user,
                        path_str(&keytab)
                    ),
                )
                .unwrap();
                vec![
                    "apply".to_owned(),
                    path_str(&plan).to_owned(),
                    "--no-dns-check".to_owned(),
                ]
            }
        };
        Case {
            host,
            sam,
            keytab,
            args,
        }
    }

    /// Rotate needs the account and a keytab first (made without the proxy).
    fn set_up(&self, lab: &Lab, command: Command) {
        lab.delete_account(&self.sam);
        let _ = std::fs::remove_file(&self.keytab);
        if command == Command::Rotate {
            run_via(lab, &create_args(&self.host, &self.keytab), None, None).assert_ok();
        }
    }

    /// Run through the proxies. `apply` takes its directory from the plan, so the
    /// URL and KDC go in as SPNKT_LDAP_URL / SPNKT_KDC... no: as flags of the plan's
    /// own; the plan leaves them out and the environment gives them.
    fn run(&self, lab: &Lab, ldaps: Option<&FaultProxy>, kdc: Option<&FaultProxy>) -> Run {
        if self.args[0] != "apply" {
            return run_via(lab, &self.args, ldaps, kdc);
        }
        let url = ldaps.map_or_else(
            || lab.ldaps_url.clone(),
            |p| format!("ldaps://127.0.0.1:{}", p.port()),
        );
        let kdc = kdc.map_or_else(|| lab.kdc.clone(), FaultProxy::addr);
        let mut args = self.args.clone();
        args.extend(["--timeout".to_owned(), "5".to_owned()]);
        lab.spnkt_exact(
            &args,
            &[
                ("SPNKT_LDAP_URL", url.as_str()),
                ("SPNKT_KDC", kdc.as_str()),
            ],
        )
    }
}

/// No temporary keytab left next to `keytab`.
fn assert_no_temp_files(keytab: &Path, run: &Run) {
    let dir = keytab.parent().unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.contains(".spnkt-tmp-"),
            "a temporary file {name} was left behind\n{}",
            run.text()
        );
    }
}

/// After a run that stopped: nothing false is left behind, and what is not usable
/// is said, with the command that fixes it.
fn assert_honest_failure(lab: &Lab, case: &Case, run: &Run, what: &str) {
    assert_no_temp_files(&case.keytab, run);
    // A ccache of its own: MIT keeps service tickets, and one from before a
    // password change would judge the keytab by the old kvno.
    let admin = &lab.kinit_admin();
    let principal = lab.http_principal(&case.host);
    let keytab_ok = case.keytab.exists() && lab.kvno_k(&case.keytab, &principal, admin);
    if case.keytab.exists() {
        // Whatever is there parses completely (never half a file).
        let _ = lab.klist_k(&case.keytab);
    }
    let enabled = lab
        .uac(&case.sam)
        .is_some_and(|uac| uac & UF_ACCOUNTDISABLE == 0);
    let text = run.text().to_lowercase();
    if enabled && !keytab_ok {
        assert!(
            ["no keytab", "no longer work", "new password", "not written"]
                .iter()
                .any(|n| text.contains(n)),
            "{what}: the account is enabled without a working keytab and the output does not say so\n{}",
            run.text()
        );
        assert!(
            [
                "run this command again",
                "run the same command again",
                "spnkt rotate",
                "spnkt create",
                "spnkt apply"
            ]
            .iter()
            .any(|n| text.contains(n)),
            "{what}: the output names no command that fixes it\n{}",
            run.text()
        );
    }
    if case.keytab.exists() && !keytab_ok {
        assert!(
            ["no longer work", "new password"]
                .iter()
                .any(|n| text.contains(n)),
            "{what}: a keytab that does not match the directory is left and the output does not say so\n{}",
            run.text()
        );
    }
}

fn assert_usable(lab: &Lab, case: &Case, run: &Run, what: &str) {
    assert_eq!(run.code, 0, "{what}: exit {}\n{}", run.code, run.text());
    let admin = &lab.kinit_admin();
    assert_no_temp_files(&case.keytab, run);
    let (ok, out) = lab.kvno_k_output(&case.keytab, &lab.http_principal(&case.host), admin);
    assert!(
        ok,
        "{what}: kvno -k refuses the keytab: {out}\n{}",
        run.text()
    );
    let uac = lab.uac(&case.sam).expect("the account exists");
    assert_eq!(uac & UF_ACCOUNTDISABLE, 0, "{what}: account disabled");
}

/// How many client messages `command` sends to LDAPS and to the KDC, unfaulted.
fn measure(lab: &Lab, command: Command) -> (usize, usize) {
    let case = Case::new(lab, command, 0);
    let _cleanup = lab.cleanup(&[&case.sam]);
    case.set_up(lab, command);
    let ldaps = FaultProxy::start(&lab_ldaps(lab), Framing::Tls, vec![]);
    let kdc = FaultProxy::start(&lab.kdc, Framing::Kerberos, vec![]);
    case.run(lab, Some(&ldaps), Some(&kdc)).assert_ok();
    // Let the proxy read spnkt's last records (unbind, close_notify).
    std::thread::sleep(Duration::from_millis(300));
    let counts = (ldaps.messages(), kdc.messages());
    eprintln!(
        "{command:?}: LDAPS client messages per connection {:?}, KDC messages {}",
        ldaps.per_connection(),
        counts.1
    );
    counts
}

/// Cut once and cut twice at every client message of `command`, LDAPS and KDC;
/// returns (cases, of which the single cuts, runs that stopped and then converged).
fn sweep(lab: &Lab, command: Command) -> (usize, usize, usize) {
    let (ldap_messages, kdc_messages) = measure(lab, command);
    let mut cases = 0;
    let mut once = 0;
    let mut stopped = 0;
    let mut n_case = 1;
    // The last two LDAPS messages are the unbind and TLS' close_notify: the run
    // is over by then, and cutting them changes nothing.
    for (framing, messages) in [
        (Framing::Tls, ldap_messages - 2),
        (Framing::Kerberos, kdc_messages),
    ] {
        for at in 1..=messages {
            for twice in [false, true] {
                let case = Case::new(lab, command, n_case);
                n_case += 1;
                let _cleanup = lab.cleanup(&[&case.sam]);
                case.set_up(lab, command);
                let kind = if at % 2 == 0 { Kind::Cut } else { Kind::Reset };
                let mut faults = vec![Fault {
                    kind,
                    at: At::Global(at),
                }];
                if twice {
                    faults.push(Fault {
                        kind: Kind::Cut,
                        at: At::NextConnection(match framing {
                            Framing::Tls => RECONNECT_SETUP + 1,
                            Framing::Kerberos => 1,
                        }),
                    });
                }
                let target = match framing {
                    Framing::Tls => lab_ldaps(lab),
                    Framing::Kerberos => lab.kdc.clone(),
                };
                let proxy = FaultProxy::start(&target, framing, faults);
                let run = match framing {
                    Framing::Tls => case.run(lab, Some(&proxy), None),
                    Framing::Kerberos => case.run(lab, None, Some(&proxy)),
                };
                let what = format!(
                    "{command:?} with the {} connection broken {} after message {at} ({:?})",
                    if framing == Framing::Tls {
                        "LDAPS"
                    } else {
                        "KDC"
                    },
                    if twice { "twice" } else { "once" },
                    proxy.fired()
                );
                // The proxy may still be reading spnkt's last bytes.
                let start = Instant::now();
                while proxy.fired().is_empty() && start.elapsed() < Duration::from_secs(1) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                assert!(!proxy.fired().is_empty(), "{what}: the fault never fired");
                cases += 1;
                if !twice {
                    once += 1;
                    assert_usable(lab, &case, &run, &what);
                    continue;
                }
                if run.code == 0 {
                    assert_usable(lab, &case, &run, &what);
                    continue;
                }
                stopped += 1;
                assert_honest_failure(lab, &case, &run, &what);
                // The same command again, on a sound network, converges.
                let again = case.run(lab, None, None);
                assert_usable(lab, &case, &again, &format!("{what}, run again"));
            }
        }
    }
    (cases, once, stopped)
}

#[test]
fn create_survives_a_lost_connection_at_every_message() {
    let name = "create_survives_a_lost_connection_at_every_message";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let (cases, once, stopped) = sweep(&lab, Command::Create);
    eprintln!(
        "create: {cases} cases, {once} single cuts all finished, {stopped} double cuts stopped and converged on the re-run"
    );
    ran(name, cases);
}

#[test]
fn rotate_survives_a_lost_connection_at_every_message() {
    let name = "rotate_survives_a_lost_connection_at_every_message";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let (cases, once, stopped) = sweep(&lab, Command::Rotate);
    eprintln!(
        "rotate: {cases} cases, {once} single cuts all finished, {stopped} double cuts stopped and converged on the re-run"
    );
    ran(name, cases);
}

#[test]
fn apply_survives_a_lost_connection_at_every_message() {
    let name = "apply_survives_a_lost_connection_at_every_message";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let (cases, once, stopped) = sweep(&lab, Command::Apply);
    eprintln!(
        "apply: {cases} cases, {once} single cuts all finished, {stopped} double cuts stopped and converged on the re-run"
    );
    ran(name, cases);
}

/// A server that stops answering meets spnkt's own deadline (`--timeout`): once,
/// the operation is retried on a new connection and the run finishes; for good,
/// the run stops within two deadlines with an error that says so, and the same
/// command converges once the server answers again.
#[test]
fn a_stalled_server_meets_the_deadline() {
    let name = "a_stalled_server_meets_the_deadline";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let (ldap_messages, _) = measure(&lab, Command::Create);
    let mid = ldap_messages / 2 + 1;
    let mut cases = 0;
    // (what stalls, for good?)
    for (n, (framing, forever)) in [
        (Framing::Tls, false),
        (Framing::Tls, true),
        (Framing::Kerberos, false),
        (Framing::Kerberos, true),
    ]
    .into_iter()
    .enumerate()
    {
        let case = Case::new(&lab, Command::Create, 90 + n);
        let _cleanup = lab.cleanup(&[&case.sam]);
        case.set_up(&lab, Command::Create);
        let (target, at, again) = match framing {
            Framing::Tls => (lab_ldaps(&lab), mid, RECONNECT_SETUP + 1),
            Framing::Kerberos => (lab.kdc.clone(), 3, 1),
        };
        let mut faults = vec![Fault {
            kind: Kind::Stall,
            at: At::Global(at),
        }];
        if forever {
            faults.push(Fault {
                kind: Kind::Stall,
                at: At::EveryConnection(again),
            });
        }
        let proxy = FaultProxy::start(&target, framing, faults);
        let (l, k) = match framing {
            Framing::Tls => (Some(&proxy), None),
            Framing::Kerberos => (None, Some(&proxy)),
        };
        let mut args = case.args.clone();
        args.extend(dir_args_timeout(&lab, l, k, 2));
        let start = Instant::now();
        let run = lab.spnkt_exact(&args, &[]);
        let took = start.elapsed();
        let what = format!(
            "{} stalled {} at message {at} ({:?}), {took:?}",
            if framing == Framing::Tls {
                "LDAPS"
            } else {
                "KDC"
            },
            if forever { "for good" } else { "once" },
            proxy.fired()
        );
        assert!(
            took < Duration::from_secs(20),
            "{what}: spnkt took too long\n{}",
            run.text()
        );
        cases += 1;
        if !forever {
            assert_usable(&lab, &case, &run, &what);
            continue;
        }
        assert_ne!(
            run.code, 0,
            "{what}: a server that never answers cannot succeed"
        );
        eprintln!("{what}: exit {}\n{}", run.code, run.stderr);
        run.assert_mentions(
            &format!("{what}: the deadline"),
            &["timed out", "no answer within", "did not answer within"],
        );
        assert!(
            run.stderr.contains("hint:"),
            "{what}: no hint\n{}",
            run.text()
        );
        assert_honest_failure(&lab, &case, &run, &what);
        drop(proxy);
        let again = case.run(&lab, None, None);
        assert_usable(&lab, &case, &again, &format!("{what}, run again"));
    }
    ran(name, cases);
}

/// The domain controller restarts between two steps of a create (the proxy holds
/// spnkt's next request while samba is stopped and started, then hands it to the
/// dead connection): spnkt reconnects to the restarted DC and finishes. On the
/// two-DC lab's DC A, so that the single-DC suites running next to this one are
/// not disturbed.
#[test]
fn create_survives_a_domain_controller_restart_between_steps() {
    use support::samba_lab2::{Dc, lab2_available};
    let name = "create_survives_a_domain_controller_restart_between_steps";
    let Some((lab, _serial)) = lab2_available(name) else {
        return;
    };
    let mut cases = 0;
    // Before the add (message 7: after the three TLS records, the bind, the rootDSE
    // and the preflight's domain search; the add carries the password) and before
    // the kvno is read back (message 8); the note spnkt prints names the operation,
    // which checks the numbering.
    for (n, (at, op)) in [(7usize, "during add"), (8, "during read")]
        .into_iter()
        .enumerate()
    {
        let host = format!("frs{n}-{}.corp.test", support::process_tag());
        let sam = sam_of(&host);
        let _cleanup = lab.cleanup(&[&sam]);
        let _restart = lab.restart_guard(Dc::A);
        let keytab = lab.path("restart.keytab");
        let restarter = lab.clone();
        let proxy = FaultProxy::start_on(
            "127.0.0.11",
            lab.a_url.trim_start_matches("ldaps://"),
            Framing::Tls,
            vec![Fault {
                kind: Kind::Pause(std::sync::Arc::new(move || {
                    restarter.stop_dc(Dc::A);
                    restarter.start_dc(Dc::A);
                })),
                at: At::Global(at),
            }],
        );
        let mut args = create_args(&host, &keytab);
        args.extend([
            "--ldap-url".to_owned(),
            format!("ldaps://127.0.0.11:{}", proxy.port()),
            "--kdc".to_owned(),
            lab.a_kdc.clone(),
            "--realm".to_owned(),
            lab.realm.clone(),
            "--timeout".to_owned(),
            "10".to_owned(),
        ]);
        args.extend(lab.bind_args());
        let run = lab.spnkt(&args, lab.krb5_only(Dc::A), &[]);
        let what = format!("DC A restarted at message {at} ({:?})", proxy.fired());
        assert_eq!(proxy.fired().len(), 1, "{what}: no restart happened");
        assert_eq!(run.code, 0, "{what}: exit {}\n{}", run.code, run.text());
        run.assert_mentions(&format!("{what}: the reconnect"), &["reconnected"]);
        run.assert_mentions(&format!("{what}: where it broke"), &[op]);
        let (ok, out) = lab.kvno_k_against(Dc::A, &keytab, &lab.http_principal(&host));
        assert!(ok, "{what}: kvno -k: {out}\n{}", run.text());
        cases += 1;
    }
    ran(name, cases);
}

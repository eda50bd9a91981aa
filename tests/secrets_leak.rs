//! Secrets do not leak: every command that takes a password is run with a known
//! marker password, and the marker must not appear in the running process's argv
//! (/proc/PID/cmdline, read while it waits for its password on stdin, or as early
//! as possible), its stdout, stderr, `--json` output, or any file it writes other
//! than keytabs (plans, temporary files, anything new in its working directory).
//!
//! The bind password of the lab tests is the lab administrator's, which is known
//! too: it is checked as a second marker. The passwords spnkt generates are never
//! known to anyone, so there is nothing to look for.
//!
//! Offline commands (`keytab create`) need nothing; the directory commands need the
//! Samba AD lab of `tests/lab/samba-lab.sh` (a loud SKIP without it, a failure under
//! SPNKT_REQUIRE_PEERS=1). Each test prints how many (command, channel) checks ran.

mod support;

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use support::path_str;
use support::samba_lab::*;

/// The account/user password marker.
const MARKER: &str = "Mk-LEAK-7f3a9c-ZZ";

fn tag() -> &'static str {
    support::process_tag()
}

/// Counts (command, channel) checks and collects failures, so one run reports all.
#[derive(Default)]
struct Audit {
    checks: usize,
    leaks: Vec<String>,
    cores: usize,
    /// argv checks made on the live process (the others on the exec'd argv).
    argv_live: usize,
}

impl Audit {
    fn check(&mut self, command: &str, channel: &str, text: &[u8], secrets: &[&str]) {
        self.checks += 1;
        for s in secrets {
            if contains(text, s.as_bytes()) {
                self.leaks
                    .push(format!("{command}: the secret {s:?} appears in {channel}"));
            }
        }
    }

    fn finish(self, name: &str) {
        assert!(self.leaks.is_empty(), "leaks:\n{}", self.leaks.join("\n"));
        let _ = writeln!(
            std::io::stderr().lock(),
            "{name}: {} (command, channel) checks ({} argv checks on the live process), no secret found; {} core dumps produced{}",
            self.checks,
            self.argv_live,
            self.cores,
            if self.cores == 0 {
                " (no process crashed)"
            } else {
                " (grepped too)"
            }
        );
        support::announce_ran("secrets leak", name);
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Every regular file under `dir`, recursively.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => {
                    out.insert(p);
                }
                _ => {}
            }
        }
    }
    out
}

fn is_keytab(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "keytab")
}

/// Run `cmd` in `dir` with `stdin` (held open until the argv has been read), and
/// check every channel for `secrets`. `inputs`: files the test wrote on purpose
/// (a password file) that are not spnkt's output. Returns the exit code and stdout.
fn observe(
    audit: &mut Audit,
    label: &str,
    mut cmd: Command,
    dir: &Path,
    stdin: Option<&str>,
    secrets: &[&str],
    inputs: &[&Path],
) -> (i32, String) {
    let before: BTreeSet<(PathBuf, Option<std::time::SystemTime>)> = files(dir)
        .into_iter()
        .map(|p| {
            let m = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
            (p, m)
        })
        .collect();
    cmd.current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let exec_args: Vec<u8> = cmd
        .get_args()
        .flat_map(|a| a.as_encoded_bytes().iter().copied().chain([0]))
        .collect();
    let mut child = cmd.spawn().expect("spawn spnkt");
    let pid = child.id();
    // argv: at once (spawn returns after exec), and again while it waits on stdin
    // (or runs). A run that needs no stdin may be gone before the second look; an
    // exited process's cmdline reads empty.
    let mut argv = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(150));
    if let Ok(again) = std::fs::read(format!("/proc/{pid}/cmdline")) {
        argv.extend(again);
    }
    let live = !argv.is_empty();
    if live {
        audit.argv_live += 1;
    } else {
        // Gone already: its argv was what it was exec'd with.
        assert!(stdin.is_none(), "{label}: exited before reading its stdin?");
        argv = exec_args;
    }
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        let _ = input.write_all(format!("{s}\n").as_bytes());
    }
    drop(input);
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let t = std::thread::spawn(move || {
        let _ = err_pipe.read_to_end(&mut stderr);
        stderr
    });
    let _ = out_pipe.read_to_end(&mut stdout);
    let stderr = t.join().unwrap();
    let status = child.wait().unwrap();
    let code = status.code().unwrap_or(-1);
    audit.check(
        label,
        if live {
            "argv (/proc/PID/cmdline)"
        } else {
            "argv (as exec'd; the process was gone before /proc could be read)"
        },
        &argv,
        secrets,
    );
    let json = String::from_utf8_lossy(&stdout)
        .trim_start()
        .starts_with('{');
    audit.check(
        label,
        if json { "stdout (--json)" } else { "stdout" },
        &stdout,
        secrets,
    );
    audit.check(label, "stderr", &stderr, secrets);
    // Files spnkt wrote or changed, other than keytabs (whose keys are derived
    // from the password by design) and the test's own inputs.
    let mut written = 0;
    for p in files(dir) {
        let m = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
        if before.contains(&(p.clone(), m)) || is_keytab(&p) || inputs.contains(&p.as_path()) {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("core") {
            audit.cores += 1;
        }
        written += 1;
        audit.check(
            label,
            &format!("file {}", p.display()),
            &std::fs::read(&p).unwrap_or_default(),
            secrets,
        );
    }
    if written == 0 {
        // The channel was looked at: nothing but keytabs was written.
        audit.checks += 1;
    }
    assert!(
        !status.core_dumped(),
        "{label}: crashed with a core dump (grep it: it is in {})",
        dir.display()
    );
    (
        code,
        String::from_utf8_lossy(&stdout).into_owned() + &String::from_utf8_lossy(&stderr),
    )
}

fn offline(args: &[&str]) -> Command {
    let mut c = Command::new(support::spnkt_bin());
    c.env("SPNKT_DNS_SERVER", support::NO_NAMESERVER)
        .env_remove("KRB5_KTNAME")
        .args(args);
    c
}

/// The audit itself finds a planted secret (so "no secret found" means something).
#[test]
fn the_audit_finds_a_planted_marker() {
    let mut audit = Audit::default();
    audit.check(
        "planted",
        "stderr",
        format!("error: bad {MARKER}!").as_bytes(),
        &[MARKER],
    );
    audit.check("clean", "stdout", b"wrote 2 keys", &[MARKER]);
    assert_eq!(audit.leaks.len(), 1, "{:?}", audit.leaks);
    assert_eq!(audit.checks, 2);
}

#[test]
fn offline_commands_keep_the_password_to_themselves() {
    let name = "offline_commands_keep_the_password_to_themselves";
    let mut audit = Audit::default();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = "HTTP/leak.example.test@EXAMPLE.TEST";

    let (code, out) = observe(
        &mut audit,
        "keytab create --password-stdin",
        offline(&[
            "keytab",
            "create",
            "-p",
            p,
            "--password-stdin",
            "-o",
            "a.keytab",
        ]),
        d,
        Some(MARKER),
        &[MARKER],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = observe(
        &mut audit,
        "keytab create --password-env --json",
        {
            let mut c = offline(&["--json", "keytab", "create", "-p", p, "--kvno", "3"]);
            c.args(["--password-env", "LEAK_PW", "-o", "a.keytab", "--append"])
                .env("LEAK_PW", MARKER);
            c
        },
        d,
        None,
        &[MARKER],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let pwfile = d.join("pw.txt");
    std::fs::write(&pwfile, format!("{MARKER}\n")).unwrap();
    let (code, out) = observe(
        &mut audit,
        "keytab create --password-file",
        offline(&[
            "keytab",
            "create",
            "-p",
            p,
            "--password-file",
            "pw.txt",
            "-o",
            "b.keytab",
        ]),
        d,
        None,
        &[MARKER],
        &[&pwfile],
    );
    assert_eq!(code, 0, "{out}");
    // An error after the password was read: --append to a file that is no keytab.
    std::fs::write(d.join("bad.keytab"), b"not a keytab at all").unwrap();
    let (code, out) = observe(
        &mut audit,
        "keytab create --append (malformed target, --json)",
        offline(&[
            "--json",
            "keytab",
            "create",
            "-p",
            p,
            "--password-stdin",
            "--append",
            "-o",
            "bad.keytab",
        ]),
        d,
        Some(MARKER),
        &[MARKER],
        &[],
    );
    assert_ne!(code, 0, "{out}");
    // A password that cannot be used (empty after the marker's first line? no: a
    // newline only) must not echo anything either.
    let (code, _) = observe(
        &mut audit,
        "keytab create --password-stdin (empty)",
        offline(&[
            "keytab",
            "create",
            "-p",
            p,
            "--password-stdin",
            "-o",
            "c.keytab",
        ]),
        d,
        Some(""),
        &[MARKER],
        &[],
    );
    assert_ne!(code, 0);
    audit.finish(name);
}

fn lab_cmd(lab: &Lab, args: &[&str]) -> Command {
    let mut c = lab.spnkt_command();
    c.args(args);
    c
}

/// The lab's directory flags with the bind password from stdin instead of the env.
fn dir_args_stdin(lab: &Lab) -> Vec<String> {
    let mut a = lab.spnkt_dir_args();
    let i = a.iter().position(|x| x == "--bind-password-env").unwrap();
    a.splice(i..i + 2, ["--bind-password-stdin".to_owned()]);
    a
}

#[test]
fn directory_commands_keep_passwords_to_themselves() {
    let name = "directory_commands_keep_passwords_to_themselves";
    let Some(lab) = lab_available(name) else {
        return;
    };
    let mut audit = Audit::default();
    let admin = lab.admin_password.clone();
    let secrets = [MARKER, admin.as_str()];
    let work = lab.work().join("leak");
    std::fs::create_dir_all(&work).unwrap();
    let w = work.as_path();
    let (h1, h2, h3, h4) = (
        format!("lk-a-{}.example.test", tag()),
        format!("lk-b-{}.example.test", tag()),
        format!("lk-c-{}.example.test", tag()),
        format!("lk-d-{}.example.test", tag()),
    );
    let (s1, s2, s3, s4) = (
        format!("svc-http-lk-a-{}", tag()),
        format!("svc-http-lk-b-{}", tag()),
        format!("svc-lk-c-{}", tag()),
        format!("svc-http-lk-d-{}", tag()),
    );
    let _cleanup = lab.cleanup(&[&s1, &s2, &s3, &s4]);
    let dir_env = lab.spnkt_dir_args();
    let dir_stdin = dir_args_stdin(&lab);
    let with = |base: &[&str], dir: &[String]| {
        let mut c = lab_cmd(&lab, base);
        c.args(dir);
        c
    };

    // create: the account's password given (env), bind password from the env; --json.
    let mut c = with(
        &[
            "--json", "create", "--host", &h1, "--keytab", "a.keytab", "--yes",
        ],
        &dir_env,
    );
    c.args([
        "--delegation",
        "none",
        "--no-dns-check",
        "--password-env",
        "LEAK_PW",
    ])
    .env("LEAK_PW", MARKER);
    let (code, out) = observe(
        &mut audit,
        "create --password-env",
        c,
        w,
        None,
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");

    // create with a generated password, bind password on stdin.
    let c = with(
        &[
            "create",
            "--host",
            &h2,
            "--keytab",
            "b.keytab",
            "--yes",
            "--delegation",
            "none",
            "--no-dns-check",
        ],
        &dir_stdin,
    );
    let (code, out) = observe(
        &mut audit,
        "create --bind-password-stdin",
        c,
        w,
        Some(&admin),
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");

    // rotate, bind password on stdin, --json.
    let c = with(
        &[
            "--json", "rotate", "--host", &h2, "--keytab", "b.keytab", "--yes",
        ],
        &dir_stdin,
    );
    let (code, out) = observe(
        &mut audit,
        "rotate --bind-password-stdin --json",
        c,
        w,
        Some(&admin),
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");

    // keytab derive: the account's password (the marker, set above) on stdin.
    let c = with(
        &[
            "--json",
            "keytab",
            "derive",
            "--host",
            &h1,
            "--keytab",
            "d.keytab",
            "--password-stdin",
        ],
        &dir_env,
    );
    let (code, out) = observe(
        &mut audit,
        "keytab derive --password-stdin --json",
        c,
        w,
        Some(MARKER),
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");

    // keytab derive with a wrong password: refused by the KDC, nothing echoed.
    let mut c = with(
        &[
            "keytab",
            "derive",
            "--host",
            &h1,
            "--keytab",
            "e.keytab",
            "--password-env",
            "LEAK_PW",
        ],
        &dir_env,
    );
    c.env("LEAK_PW", "Mk-LEAK-wrong-ZZ-1");
    let (code, out) = observe(
        &mut audit,
        "keytab derive (wrong password)",
        c,
        w,
        None,
        &["Mk-LEAK-wrong-ZZ-1", &admin],
        &[],
    );
    assert_ne!(code, 0, "{out}");

    // ktpass: the account's password from the env (-mapuser, -out).
    let mut c = lab_cmd(
        &lab,
        &[
            "ktpass",
            "--delegation",
            "none",
            "--yes",
            "--no-dns-check",
            "--password-env",
            "LEAK_PW",
        ],
    );
    c.args(&dir_env)
        .args([
            "-princ",
            &format!("HTTP/{h3}@{}", lab.realm),
            "-mapuser",
            &s3,
            "-out",
            "k.keytab",
        ])
        .env("LEAK_PW", MARKER);
    let (code, out) = observe(
        &mut audit,
        "ktpass --password-env",
        c,
        w,
        None,
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");

    // apply: the plan names the bind password's variable; --json.
    let plan = w.join("plan.toml");
    std::fs::write(
        &plan,
        format!(
            "name = \"lk-{t}\"\n[directory]\nldap_url = \"{}\"\nrealm = \"{}\"\nkdc = \"{}\"\nca_cert = \"{}\"\nbind_user = \"{}\"\nbind_password_env = \"{BIND_PASSWORD_ENV}\"\n\n[[service]]\nhost = \"{h4}\"\ndelegation = \"none\"\nkeytab = \"p.keytab\"\ndns_check = false\n",
            lab.ldaps_url,
            lab.realm,
            lab.kdc,
            path_str(&lab.ca_cert),
            lab.admin_user,
            t = tag()
        ),
    )
    .unwrap();
    let c = lab_cmd(&lab, &["apply", "plan.toml", "--json"]);
    let (code, out) = observe(&mut audit, "apply --json", c, w, None, &secrets, &[&plan]);
    assert_eq!(code, 0, "{out}");

    // account show, bind password on stdin; and a refused bind with the marker.
    let c = with(&["--json", "account", "show", "--host", &h1], &dir_stdin);
    let (code, out) = observe(
        &mut audit,
        "account show --bind-password-stdin --json",
        c,
        w,
        Some(&admin),
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let mut c = with(&["account", "show", "--host", &h1], &dir_env);
    c.env(BIND_PASSWORD_ENV, MARKER);
    let (code, out) = observe(
        &mut audit,
        "account show (refused bind)",
        c,
        w,
        None,
        &secrets,
        &[],
    );
    assert_ne!(code, 0, "{out}");
    let c = with(&["--json", "spn", "list", "--host", &h1], &dir_stdin);
    let (code, out) = observe(
        &mut audit,
        "spn list --bind-password-stdin --json",
        c,
        w,
        Some(&admin),
        &secrets,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    audit.finish(name);
}

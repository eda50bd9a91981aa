//! Shared helpers for the integration tests that drive real peers (MIT krb5 tools,
//! later the Samba AD DC). Included with `mod support;` from each such test file.
#![allow(dead_code)]

pub mod delegated_admin;
pub mod dns_server;
pub mod dnsmasq;
pub mod fault_proxy;
pub mod mit_kdc;
pub mod samba_lab;
pub mod samba_lab2;
pub mod wizard_driver;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Path of the spnkt binary Cargo built for this test run.
pub fn spnkt_bin() -> &'static str {
    env!("CARGO_BIN_EXE_spnkt")
}

/// True when `tool` is on PATH.
pub fn have_tool(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool} >/dev/null 2>&1"))
        .status()
        .is_ok_and(|s| s.success())
}

/// Decide whether a real-peer test can run. When the peer is missing the test is
/// skipped LOUDLY (written straight to the process's stderr, past libtest's capture),
/// unless `SPNKT_REQUIRE_PEERS=1` (set by the README test command and CI), where a
/// missing peer is a failure: CI must never pass by skipping.
pub fn peers_available(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have_tool(t)).collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "SKIPPED {test}: {} not installed (run tests/run-all.sh as root to install the real peers)",
        missing.join(", ")
    );
    if std::env::var_os("SPNKT_REQUIRE_PEERS").is_some_and(|v| v == "1") {
        panic!("{msg}, but SPNKT_REQUIRE_PEERS=1 requires them");
    }
    let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***");
    false
}

/// Run a command with `stdin` fed in, returning its output; panics with context if it
/// cannot be started.
pub fn run_with_stdin(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Assert success and return stdout as text, showing stderr on failure.
pub fn ok_stdout(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Say, past libtest's output capture, that a real-peer test of `kind` ("real MIT
/// KDC", "samba e2e") ran: tests/run-all.sh counts these lines to prove that no such
/// test was skipped. The count is per test binary (one process each).
pub fn announce_ran(kind: &str, name: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RAN: AtomicUsize = AtomicUsize::new(0);
    let n = RAN.fetch_add(1, Ordering::SeqCst) + 1;
    // The test binary is `SUITE-HASH`.
    let exe = std::env::current_exe().unwrap_or_default();
    let stem = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
    let suite = stem.rsplit_once('-').map_or(stem, |(s, _)| s);
    // One write: stderr is unbuffered, so `writeln!` would write each piece of
    // the format on its own and another test's output could land mid-line, where
    // tests/run-all.sh would not count it.
    let line = format!("\n*** {kind} test {name} ran ({n} so far in {suite}) ***\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Three characters, [a-z0-9], fixed for this test process: appended to the names of
/// the accounts a test makes, so concurrent runs against one lab do not collide.
pub fn process_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let mut n = (nanos ^ (u128::from(std::process::id()) << 20)) % (36 * 36 * 36);
        let mut t = String::new();
        for _ in 0..3 {
            t.push(char::from_digit((n % 36) as u32, 36).unwrap());
            n /= 36;
        }
        t
    })
}

/// MIT `klist -k -e KEYTAB` as (kvno, principal, enctype name) entries.
pub fn klist_k(keytab: &Path) -> Vec<(u32, String, String)> {
    let out = Command::new("klist")
        .env_remove("KRB5_KTNAME")
        .arg("-k")
        .arg("-e")
        .arg(keytab)
        .output()
        .expect("run klist");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "klist -k -e {} failed: {text}{}",
        keytab.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let kvno = it.next()?.parse().ok()?;
            let principal = it.next()?.to_owned();
            let enctype = it
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '(' || c == ')')
                .to_owned();
            Some((kvno, principal, enctype))
        })
        .collect()
}

/// Whether Debian's python3-gssapi (MIT's GSS-API from Python, a real peer for the
/// GSS-API tests) is installed; a loud SKIP otherwise, a failure under
/// SPNKT_REQUIRE_PEERS=1.
pub fn python_gssapi(test: &str) -> bool {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import gssapi"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let msg =
            format!("SKIPPED {test}: python3-gssapi (MIT's GSS-API from Python) is not installed");
        if std::env::var_os("SPNKT_REQUIRE_PEERS").is_some_and(|v| v == "1") {
            panic!("{msg}, but SPNKT_REQUIRE_PEERS=1 requires it");
        }
        let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***");
    }
    ok
}

/// The nameserver every spnkt run of the tests is given (SPNKT_DNS_SERVER) unless a
/// test starts its own: nothing listens there, so the kernel refuses at once and
/// spnkt's DNS lookups (the host check, SRV discovery) fail fast without a packet
/// leaving the machine. Tests contact loopback addresses only.
pub const NO_NAMESERVER: &str = "127.0.0.1:1";

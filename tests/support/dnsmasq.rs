//! A real nameserver for the DNS check's tests: dnsmasq (Debian: dnsmasq-base),
//! run in the foreground as a child of the test process on 127.0.0.1 and a free
//! port, serving only the records the test gives (`--host-record`, `--cname`)
//! and NXDOMAIN for every other name under its `--local` domain; it reads no
//! configuration file, no /etc/hosts and no resolv.conf, and forwards nothing.
//! spnkt finds it through `SPNKT_DNS_SERVER=127.0.0.1:PORT`. Stopped (killed by its
//! pid) when dropped.
//!
//! A missing dnsmasq skips the test loudly, and fails it under
//! `SPNKT_REQUIRE_PEERS=1`, like [`super::peers_available`].

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// dnsmasq on PATH, or in /usr/sbin or /sbin (not on every user's PATH).
pub fn dnsmasq_path() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join("dnsmasq"))
        .find(|p| p.is_file())
}

/// dnsmasq's path, or `None` after a loud SKIP (a failure under
/// `SPNKT_REQUIRE_PEERS=1`).
pub fn dnsmasq_available(test: &str) -> Option<PathBuf> {
    if let Some(p) = dnsmasq_path() {
        return Some(p);
    }
    let msg = format!(
        "SKIPPED {test}: dnsmasq not installed (apt-get install dnsmasq-base; tests/run-all.sh does it as root)"
    );
    if std::env::var_os("SPNKT_REQUIRE_PEERS").is_some_and(|v| v == "1") {
        panic!("{msg}, but SPNKT_REQUIRE_PEERS=1 requires it");
    }
    let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***");
    None
}

/// One running dnsmasq.
pub struct Dnsmasq {
    /// `127.0.0.1:PORT`, UDP and TCP.
    pub addr: SocketAddr,
    child: Child,
    watcher: Option<Child>,
}

/// A port free for both UDP and TCP on 127.0.0.1 (right now).
fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP port on 127.0.0.1");
        let port = udp.local_addr().unwrap().port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Dnsmasq {
    /// Start dnsmasq authoritative-like for `domain` (NXDOMAIN for unknown names
    /// in it) with `records`: `--host-record=...` and `--cname=...` arguments.
    pub fn start(binary: &std::path::Path, domain: &str, records: &[String]) -> Dnsmasq {
        let mut last = String::new();
        let log = tempfile::NamedTempFile::new().expect("a log file for dnsmasq");
        // The port is free when chosen; another process may take it before
        // dnsmasq binds it, so try a few.
        for _ in 0..5 {
            let port = free_port();
            let mut c = Command::new(binary);
            c.args([
                "--keep-in-foreground",
                &format!("--port={port}"),
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=/dev/null",
                // No pid file (/run is root's), log to stderr.
                "--pid-file=",
                "--log-facility=-",
                &format!("--local=/{domain}/"),
            ])
            .args(records)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("reopen the dnsmasq log"));
            let mut child = c
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            let addr: SocketAddr = ([127, 0, 0, 1], port).into();
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    let mut err = String::new();
                    let _ = log.reopen().and_then(|mut f| f.read_to_string(&mut err));
                    last = format!("dnsmasq exited ({status}): {err}");
                    break;
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    let watcher = watch(child.id());
                    return Dnsmasq {
                        addr,
                        child,
                        watcher,
                    };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("dnsmasq did not listen on {addr} within 10 s");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("cannot start dnsmasq: {last}");
    }
}

/// If the test process dies without unwinding (SIGKILL), stop dnsmasq anyway.
/// The watcher is stopped first when the `Dnsmasq` is dropped.
fn watch(pid: u32) -> Option<Child> {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "while kill -0 {me} 2>/dev/null; do sleep 1; done; kill {pid} 2>/dev/null",
            me = std::process::id()
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.as_mut() {
            let _ = w.kill();
            let _ = w.wait();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

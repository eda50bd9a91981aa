//! A real MIT KDC for integration tests, on 127.0.0.1 only.
//!
//! [`shared`] starts one KDC per test binary (realm `MIT.TEST`) the first time a test
//! asks, when `krb5kdc`, `kdb5_util`, `kadmin.local`, `kinit` and `kvno` are installed
//! (Debian: krb5-kdc, krb5-admin-server, krb5-user; tests/run-all.sh installs them);
//! otherwise the test is skipped loudly, or fails under `SPNKT_REQUIRE_PEERS=1`.
//!
//! Everything lives in a temporary directory: kdc.conf, krb5.conf, the database, the
//! KDC's log and pid file (`krb5kdc.pid`), ccaches. The KDC listens on a free high port
//! of 127.0.0.1 (UDP and TCP), and krb5.conf points clients there with every DNS
//! lookup off, so nothing but 127.0.0.1 is ever contacted.
//!
//! No orphan KDC survives the tests: a value made by [`MitKdc::start`] kills the KDC
//! and removes its directory on `Drop`; the shared one lives in a static (never
//! dropped), so a small watchdog shell started with it kills the KDC and removes the
//! directory as soon as the test process is gone.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{path_str, peers_available, run_with_stdin};

pub const REALM: &str = "MIT.TEST";

/// The programs the harness needs.
pub const TOOLS: [&str; 5] = ["krb5kdc", "kdb5_util", "kadmin.local", "kinit", "kvno"];

pub struct MitKdc {
    pub dir: PathBuf,
    pub port: u16,
    pub krb5_conf: PathBuf,
    pub kdc_conf: PathBuf,
    kdc: Mutex<Option<Child>>,
    watchdog: Mutex<Option<Child>>,
    /// kadmin.local takes the database lock: one at a time.
    admin: Mutex<()>,
    counter: AtomicUsize,
}

static SHARED: OnceLock<MitKdc> = OnceLock::new();

/// The test binary's KDC, started on first use; `None` (after a loud SKIP) when the
/// MIT tools are missing and `SPNKT_REQUIRE_PEERS` is not 1.
pub fn shared(test: &str) -> Option<&'static MitKdc> {
    if !peers_available(test, &TOOLS) {
        return None;
    }
    Some(SHARED.get_or_init(|| {
        let kdc = MitKdc::start().unwrap_or_else(|e| panic!("cannot start the MIT KDC: {e}"));
        kdc.start_watchdog();
        kdc
    }))
}

/// A port free for both UDP and TCP on 127.0.0.1.
fn free_port() -> u16 {
    for _ in 0..50 {
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = tcp.local_addr().unwrap().port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port on 127.0.0.1")
}

fn random_password() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    format!("M{:016x}k!", h.finish())
}

impl MitKdc {
    /// Create the realm and start `krb5kdc -n` on a free port.
    pub fn start() -> Result<MitKdc, String> {
        let dir = tempfile::Builder::new()
            .prefix("spnkt-mitkdc-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let port = free_port();
        let d = path_str(&dir).to_owned();
        let kdc_conf = dir.join("kdc.conf");
        let krb5_conf = dir.join("krb5.conf");
        std::fs::write(
            &kdc_conf,
            format!(
                "[kdcdefaults]\n kdc_ports = 127.0.0.1:{port}\n kdc_tcp_ports = 127.0.0.1:{port}\n\n\
                 [realms]\n {REALM} = {{\n  database_name = {d}/principal\n  key_stash_file = {d}/stash\n  \
                 acl_file = {d}/kadm5.acl\n  max_life = 10h\n  max_renewable_life = 7d\n  \
                 supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n }}\n\n\
                 [logging]\n kdc = FILE:{d}/kdc.log\n admin_server = FILE:{d}/kadmin.log\n default = FILE:{d}/krb5.log\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(
            &krb5_conf,
            format!(
                "[libdefaults]\n default_realm = {REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n \
                 rdns = false\n dns_canonicalize_hostname = false\n udp_preference_limit = 1\n \
                 forwardable = true\n default_ccache_name = FILE:{d}/ccache-default\n\n\
                 [realms]\n {REALM} = {{\n  kdc = 127.0.0.1:{port}\n }}\n\n\
                 [domain_realm]\n .mit.test = {REALM}\n mit.test = {REALM}\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(dir.join("kadm5.acl"), "").map_err(|e| e.to_string())?;
        let kdc = MitKdc {
            dir,
            port,
            krb5_conf,
            kdc_conf,
            kdc: Mutex::new(None),
            watchdog: Mutex::new(None),
            admin: Mutex::new(()),
            counter: AtomicUsize::new(0),
        };
        let out = kdc
            .command("kdb5_util")
            .args(["create", "-s", "-r", REALM, "-P", &random_password()])
            .output()
            .map_err(|e| format!("kdb5_util: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "kdb5_util create failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let child = kdc
            .command("krb5kdc")
            .arg("-n")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("krb5kdc: {e}"))?;
        std::fs::write(kdc.dir.join("krb5kdc.pid"), format!("{}\n", child.id()))
            .map_err(|e| e.to_string())?;
        *kdc.kdc.lock().unwrap() = Some(child);
        kdc.wait_ready()?;
        Ok(kdc)
    }

    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self
                .kdc
                .lock()
                .unwrap()
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                return Err(format!(
                    "krb5kdc exited ({status}): {}",
                    std::fs::read_to_string(self.dir.join("kdc.log")).unwrap_or_default()
                ));
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("krb5kdc did not start listening within 15 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kill the KDC and remove the directory when this process exits (for the
    /// static, never-dropped shared KDC).
    fn start_watchdog(&self) {
        let kdc_pid = self.kdc.lock().unwrap().as_ref().map(Child::id);
        let Some(kdc_pid) = kdc_pid else { return };
        let script = format!(
            "while kill -0 {me} 2>/dev/null; do sleep 0.5; done; kill {kdc_pid} 2>/dev/null; sleep 0.2; rm -rf '{dir}'",
            me = std::process::id(),
            dir = path_str(&self.dir)
        );
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the KDC watchdog");
        *self.watchdog.lock().unwrap() = Some(child);
    }

    /// A command with this realm's KRB5_CONFIG / KRB5_KDC_PROFILE.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("KRB5_CONFIG", &self.krb5_conf)
            .env("KRB5_KDC_PROFILE", &self.kdc_conf)
            .env(
                "KRB5CCNAME",
                format!("FILE:{}/ccache-default", path_str(&self.dir)),
            )
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("KRB5_TRACE");
        c
    }

    /// KRB5_CONFIG and KRB5CCNAME for a client using `ccache`.
    pub fn env(&self, ccache: &Path) -> Vec<(String, String)> {
        vec![
            ("KRB5_CONFIG".into(), path_str(&self.krb5_conf).into()),
            ("KRB5CCNAME".into(), format!("FILE:{}", path_str(ccache))),
        ]
    }

    /// A fresh path in the KDC's directory (`stem-N`).
    pub fn path(&self, stem: &str) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        self.dir.join(format!("{stem}-{n}"))
    }

    /// Run one kadmin.local query; panics with its output when it reports an error.
    pub fn kadmin(&self, query: &str) -> String {
        let _guard = self.admin.lock().unwrap_or_else(|e| e.into_inner());
        let out = self
            .command("kadmin.local")
            .args(["-r", REALM, "-q", query])
            .output()
            .expect("run kadmin.local");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // kadmin.local exits 0 even when the query fails; its errors read
        // "add_principal: ... while creating ...", or "Unknown request", or a usage.
        let failed = !out.status.success()
            || stderr.lines().any(|l| {
                l.contains(" while ")
                    || l.contains("Unknown request")
                    || l.to_ascii_lowercase().starts_with("usage:")
            });
        assert!(
            !failed,
            "kadmin.local -q {query:?} failed:\n{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `addprinc -pw PASSWORD [-e ENCTYPES] NAME` (`enctypes` in kadmin's form,
    /// e.g. `aes256-cts-hmac-sha1-96:normal`; `None` for the realm's defaults).
    pub fn addprinc(&self, name: &str, password: &str, enctypes: Option<&str>) {
        let e = enctypes.map(|e| format!("-e \"{e}\" ")).unwrap_or_default();
        self.kadmin(&format!("addprinc -pw \"{password}\" {e}{name}"));
    }

    /// Change a principal's password (its kvno goes up by one).
    pub fn cpw(&self, principal: &str, new_password: &str) {
        self.kadmin(&format!("cpw -pw \"{new_password}\" {principal}"));
    }

    /// `modprinc ARGS PRINCIPAL`, e.g. `+ok_as_delegate`.
    pub fn modprinc(&self, args: &str, principal: &str) {
        self.kadmin(&format!("modprinc {args} {principal}"));
    }

    /// Write the principal's current keys (no new keys) into `keytab`.
    pub fn ktadd_norandkey(&self, principal: &str, keytab: &Path) {
        self.kadmin(&format!(
            "ktadd -norandkey -k {} {principal}",
            path_str(keytab)
        ));
    }

    /// `kinit -f USER` with `password`; returns the new ccache file.
    pub fn kinit(&self, user: &str, password: &str) -> PathBuf {
        let ccache = self.path("ccache");
        let mut cmd = self.command("kinit");
        cmd.env("KRB5CCNAME", format!("FILE:{}", path_str(&ccache)))
            .args(["-f", user]);
        let out = run_with_stdin(&mut cmd, format!("{password}\n").as_bytes());
        assert!(
            out.status.success(),
            "kinit {user} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ccache
    }

    /// `kvno SERVICE` with `ccache`: puts a service ticket into it.
    pub fn kvno(&self, ccache: &Path, service: &str) {
        let out = self.run_client(ccache, "kvno", &[service]);
        assert!(
            out.status.success(),
            "kvno {service} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Run a Kerberos client program with `ccache`.
    pub fn run_client(&self, ccache: &Path, program: &str, args: &[&str]) -> Output {
        let mut cmd = self.command(program);
        for (k, v) in self.env(ccache) {
            cmd.env(k, v);
        }
        cmd.args(args)
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"))
    }

    /// The KDC's log (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("kdc.log")).unwrap_or_default()
    }
}

impl Drop for MitKdc {
    fn drop(&mut self) {
        if let Some(mut c) = self.kdc.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Some(mut w) = self
            .watchdog
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = w.kill();
            let _ = w.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! The two-DC Samba AD lab of `tests/lab/samba-lab2.sh` (CORP.TEST, DC A
//! dca.corp.test on 127.0.0.11, DC B dcb.corp.test on 127.0.0.12) for the multi-DC
//! tests: its settings, spnkt run against it, and the independent peers pointed at
//! ONE DC at a time, so each DC judges on its own: MIT `kinit`/`kvno -k` with a
//! krb5.conf naming only that DC's KDC, `ldapsearch`/`ldapdelete` on its LDAPS.
//!
//! Some tests stop a DC or hold its replication back, so the tests must not
//! overlap: [`lab2_available`] hands out the lab together with a [`Serial`] lock,
//! taken BEFORE the lab is checked (a DC another test stopped is not "the lab is
//! missing"). The lock is per process (a mutex) and per machine (`flock` on
//! `DIR/run/tests.lock`), since two test runs against the one lab would stop each
//! other's DCs.
//!
//! Every guard here ([`Cleanup2`], [`Restart`], [`Hold`]) undoes its change when
//! dropped, also after a failed assertion, and never panics while a test is
//! already panicking (that would abort the whole test binary).

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::samba_lab::{Run, parse_env_sh, port_answers};
use super::{path_str, peers_available, run_with_stdin, spnkt_bin};

/// The variable the bind password is passed in.
pub const BIND_PASSWORD_ENV: &str = "SPNKT_LAB2_TEST_BIND_PASSWORD";

/// The tools the multi-DC tests drive (Debian: krb5-user, ldap-utils, samba,
/// util-linux; `tests/lab/samba-lab2.sh install` installs them).
pub const TOOLS2: [&str; 8] = [
    "kinit",
    "kvno",
    "klist",
    "ldapsearch",
    "ldapdelete",
    "samba-tool",
    "flock",
    "bash",
];

/// One of the two domain controllers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dc {
    A,
    B,
}

impl Dc {
    /// `A` or `B`, as samba-lab2.sh names them.
    pub fn letter(self) -> &'static str {
        match self {
            Dc::A => "A",
            Dc::B => "B",
        }
    }
}

#[derive(Clone)]
pub struct Lab2 {
    pub dir: PathBuf,
    pub realm: String,
    pub domain: String,
    pub base_dn: String,
    pub a_host: String,
    pub b_host: String,
    pub a_url: String,
    pub b_url: String,
    pub a_kdc: String,
    pub b_kdc: String,
    pub ca_cert: PathBuf,
    pub admin_user: String,
    pub admin_password: String,
    /// krb5.conf listing A then B, B then A, only A, only B.
    pub krb5_ab: PathBuf,
    pub krb5_ba: PathBuf,
    pub krb5_a: PathBuf,
    pub krb5_b: PathBuf,
    work: Arc<tempfile::TempDir>,
    counter: Arc<AtomicUsize>,
}

fn settings() -> Result<BTreeMap<String, String>, String> {
    let dir = std::env::var("SPNKT_LAB2_DIR").unwrap_or_else(|_| "/tmp/spnkt-lab2".into());
    let env_sh = Path::new(&dir).join("env.sh");
    let mut s = std::fs::read_to_string(&env_sh)
        .map(|t| parse_env_sh(&t))
        .unwrap_or_default();
    for (k, v) in std::env::vars() {
        if k.starts_with("SPNKT_LAB2_") {
            s.insert(k, v);
        }
    }
    if !s.contains_key("SPNKT_LAB2_A_LDAPS_URL") {
        return Err(format!(
            "no lab2 settings (SPNKT_LAB2_* not set and no {})",
            env_sh.display()
        ));
    }
    Ok(s)
}

/// `ldaps://HOST:PORT` → `HOST:PORT` (636 when no port is given).
fn ldaps_addr(url: &str) -> String {
    let h = url.strip_prefix("ldaps://").unwrap_or(url);
    let h = h.trim_end_matches('/');
    if h.contains(':') {
        h.to_owned()
    } else {
        format!("{h}:636")
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

static SERIAL: Mutex<()> = Mutex::new(());

/// The multi-DC tests one at a time: this process's mutex, and the machine-wide
/// `flock` on the lab's lock file (held by a `flock ... cat` child that exits, and
/// so releases the lock, when its stdin closes: also when this process dies).
pub struct Serial {
    flock: Option<Child>,
    _mutex: MutexGuard<'static, ()>,
}

impl Drop for Serial {
    fn drop(&mut self) {
        if let Some(mut child) = self.flock.take() {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

fn machine_lock(dir: &Path) -> Result<Child, String> {
    let lock = dir.join("run/tests.lock");
    let mut child = Command::new("flock")
        .arg("-x")
        .arg(&lock)
        .args(["-c", "echo locked; exec cat >/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run flock: {e}"))?;
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    if line.trim() == "locked" {
        return Ok(child);
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    Err(format!(
        "cannot lock {}: {}",
        lock.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

/// The lab and the serial lock for one test, or `None` after a loud SKIP (a failure
/// under `SPNKT_REQUIRE_PEERS=1`). Bind the lock for the whole test
/// (`let Some((lab, _serial)) = ...`), before any guard, so it is released last.
pub fn lab2_available(test: &str) -> Option<(Lab2, Serial)> {
    let mutex = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    if !peers_available(test, &TOOLS2) {
        return None;
    }
    match Lab2::from_settings(mutex) {
        Ok(found) => Some(found),
        Err(why) => {
            let msg = format!(
                "SKIPPED {test}: the two-DC Samba lab is not available: {why} \
                 (as root: tests/lab/samba-lab2.sh install && tests/lab/samba-lab2.sh start; tests/run-all.sh does both)"
            );
            if std::env::var_os("SPNKT_REQUIRE_PEERS").is_some_and(|v| v == "1") {
                panic!("{msg}, but SPNKT_REQUIRE_PEERS=1 requires it");
            }
            let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***");
            None
        }
    }
}

impl Lab2 {
    fn from_settings(mutex: MutexGuard<'static, ()>) -> Result<(Lab2, Serial), String> {
        let s = settings()?;
        let get = |k: &str| {
            s.get(&format!("SPNKT_LAB2_{k}"))
                .cloned()
                .ok_or_else(|| format!("SPNKT_LAB2_{k} missing"))
        };
        let dir = PathBuf::from(get("DIR")?);
        // Stopping a DC and holding its replication go through samba-lab2.sh.
        if !is_root() {
            return Err(
                "the tests stop DCs and hold replication back with tests/lab/samba-lab2.sh, which needs root"
                    .into(),
            );
        }
        let serial = Serial {
            flock: Some(machine_lock(&dir)?),
            _mutex: mutex,
        };
        let a_kdc = get("A_KDC")?;
        let b_kdc = get("B_KDC")?;
        let a_url = get("A_LDAPS_URL")?;
        let b_url = get("B_LDAPS_URL")?;
        for addr in [
            a_kdc.clone(),
            b_kdc.clone(),
            ldaps_addr(&a_url),
            ldaps_addr(&b_url),
        ] {
            if !port_answers(&addr) {
                return Err(format!(
                    "nothing answers on {addr} (are both DCs running? tests/lab/samba-lab2.sh status)"
                ));
            }
        }
        let ca_cert = PathBuf::from(get("CA_CERT")?);
        if !ca_cert.is_file() {
            return Err(format!("{} does not exist", ca_cert.display()));
        }
        let work = tempfile::Builder::new()
            .prefix("spnkt-lab2-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let lab = Lab2 {
            dir,
            realm: get("REALM")?,
            domain: get("DOMAIN")?,
            base_dn: get("BASE_DN")?,
            a_host: get("A_HOST")?,
            b_host: get("B_HOST")?,
            a_url,
            b_url,
            a_kdc,
            b_kdc,
            ca_cert,
            admin_user: get("ADMIN_USER")?,
            admin_password: get("ADMIN_PASSWORD")?,
            krb5_ab: get("KRB5_CONFIG_AB")?.into(),
            krb5_ba: get("KRB5_CONFIG_BA")?.into(),
            krb5_a: get("KRB5_CONFIG_A")?.into(),
            krb5_b: get("KRB5_CONFIG_B")?.into(),
            work: Arc::new(work),
            counter: Arc::new(AtomicUsize::new(0)),
        };
        Ok((lab, serial))
    }

    pub fn url(&self, dc: Dc) -> &str {
        match dc {
            Dc::A => &self.a_url,
            Dc::B => &self.b_url,
        }
    }

    pub fn kdc(&self, dc: Dc) -> &str {
        match dc {
            Dc::A => &self.a_kdc,
            Dc::B => &self.b_kdc,
        }
    }

    /// The DC's DNS name (`dca.corp.test`).
    pub fn host(&self, dc: Dc) -> &str {
        match dc {
            Dc::A => &self.a_host,
            Dc::B => &self.b_host,
        }
    }

    /// krb5.conf naming only `dc`'s KDC.
    pub fn krb5_only(&self, dc: Dc) -> &Path {
        match dc {
            Dc::A => &self.krb5_a,
            Dc::B => &self.krb5_b,
        }
    }

    pub fn work(&self) -> &Path {
        self.work.path()
    }

    pub fn path(&self, stem: &str) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        self.work().join(format!("{stem}-{n}"))
    }

    pub fn http_principal(&self, host: &str) -> String {
        format!("HTTP/{host}@{}", self.realm)
    }

    /// The bind and CA flags (no --ldap-url, no --kdc).
    pub fn bind_args(&self) -> Vec<String> {
        [
            "--ca-cert",
            path_str(&self.ca_cert),
            "--bind-user",
            &self.admin_user,
            "--bind-password-env",
            BIND_PASSWORD_ENV,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// `spnkt ARGS...` with `krb5_conf` and extra environment; nothing from the
    /// caller's SPNKT_* settings, no ccache, stdin not a terminal.
    pub fn spnkt(&self, args: &[String], krb5_conf: &Path, env: &[(&str, &str)]) -> Run {
        let mut c = Command::new(spnkt_bin());
        for (k, _) in std::env::vars() {
            if k.starts_with("SPNKT_") && !k.starts_with("SPNKT_LAB") && k != "SPNKT_REQUIRE_PEERS"
            {
                c.env_remove(k);
            }
        }
        c.env(BIND_PASSWORD_ENV, &self.admin_password)
            .env("SPNKT_DNS_SERVER", super::NO_NAMESERVER)
            .env("KRB5_CONFIG", krb5_conf)
            .env(
                "KRB5CCNAME",
                format!("FILE:{}", path_str(&self.work().join("no-ccache"))),
            )
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null())
            .args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().expect("run spnkt");
        Run {
            args: args.to_vec(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `spnkt ARGS...` with an environment holding nothing but PATH, `krb5_conf`
    /// and `ccache`: no password can come from anywhere (Kerberos binds).
    pub fn spnkt_clean_env(&self, args: &[String], krb5_conf: &Path, ccache: &Path) -> Run {
        let out = Command::new(spnkt_bin())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SPNKT_DNS_SERVER", super::NO_NAMESERVER)
            .env("KRB5_CONFIG", krb5_conf)
            .env("KRB5CCNAME", format!("FILE:{}", path_str(ccache)))
            .current_dir(self.work())
            .stdin(Stdio::null())
            .args(args)
            .output()
            .expect("run spnkt");
        Run {
            args: args.to_vec(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `ldap://IP` of `dc` (plain LDAP: a Kerberos bind seals it).
    pub fn plain_url(&self, dc: Dc) -> String {
        let kdc = self.kdc(dc);
        format!("ldap://{}", kdc.rsplit_once(':').map_or(kdc, |(h, _)| h))
    }

    /// A command with `dc`'s KDC alone and `ccache`.
    fn krb_command(&self, program: &str, dc: Dc, ccache: &Path) -> Command {
        let mut c = Command::new(program);
        c.env("KRB5_CONFIG", self.krb5_only(dc))
            .env("KRB5CCNAME", format!("FILE:{}", path_str(ccache)))
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("KRB5_TRACE");
        c
    }

    /// `kinit Administrator` against `dc`'s KDC only; the ccache.
    pub fn kinit_admin(&self, dc: Dc) -> PathBuf {
        let ccache = self.path("admin.ccache");
        let mut cmd = self.krb_command("kinit", dc, &ccache);
        cmd.arg(&self.admin_user);
        let out = run_with_stdin(&mut cmd, format!("{}\n", self.admin_password).as_bytes());
        assert!(
            out.status.success(),
            "kinit {} at DC {dc:?}: {}{}",
            self.admin_user,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ccache
    }

    /// MIT `kvno -k KEYTAB PRINCIPAL` with `dc`'s KDC alone: (valid, output).
    pub fn kvno_k_against(&self, dc: Dc, keytab: &Path, principal: &str) -> (bool, String) {
        let ccache = self.kinit_admin(dc);
        let out = self
            .krb_command("kvno", dc, &ccache)
            .arg("-k")
            .arg(keytab)
            .arg(principal)
            .output()
            .expect("run kvno");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (
            out.status.success() && text.contains("keytab entry valid"),
            text,
        )
    }

    /// `klist -k -e KEYTAB` as (kvno, principal, enctype name) entries.
    pub fn klist_k(&self, keytab: &Path) -> Vec<(u32, String, String)> {
        super::klist_k(keytab)
    }

    fn ldap_command(&self, tool: &str, dc: Dc) -> Command {
        let mut c = Command::new(tool);
        c.env("LDAPTLS_CACERT", &self.ca_cert)
            .env_remove("LDAPTLS_REQCERT")
            .env("LDAPCONF", "/dev/null")
            .env("LDAPRC", "/dev/null")
            .args(["-x", "-H", self.url(dc), "-D", &self.admin_user, "-w"])
            .arg(&self.admin_password);
        c
    }

    /// `ldapsearch` on `dc` (subtree under the base DN): each entry as (dn,
    /// lower-cased attribute name -> values). Nothing when the DC does not answer.
    pub fn ldap_search_on(
        &self,
        dc: Dc,
        filter: &str,
        attrs: &[&str],
    ) -> Vec<(String, BTreeMap<String, Vec<String>>)> {
        let out = self
            .ldap_command("ldapsearch", dc)
            .args(["-LLL", "-o", "ldif-wrap=no", "-o", "nettimeout=5"])
            .args(["-b", &self.base_dn, filter])
            .args(attrs)
            .output()
            .expect("run ldapsearch");
        let mut entries = Vec::new();
        let mut cur: Option<(String, BTreeMap<String, Vec<String>>)> = None;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if line.is_empty() || line.starts_with('#') {
                entries.extend(cur.take());
                continue;
            }
            let Some((name, value)) = line.split_once(": ") else {
                continue;
            };
            if name == "dn" {
                entries.extend(cur.take());
                cur = Some((value.to_owned(), BTreeMap::new()));
            } else if let Some((_, a)) = cur.as_mut() {
                a.entry(name.to_lowercase())
                    .or_default()
                    .push(value.to_owned());
            }
        }
        entries.extend(cur.take());
        entries
    }

    /// The DNs matching `filter` on `dc`.
    pub fn ldap_dns_on(&self, dc: Dc, filter: &str) -> Vec<String> {
        self.ldap_search_on(dc, filter, &["1.1"])
            .into_iter()
            .map(|(dn, _)| dn)
            .collect()
    }

    /// Every value of `attr` over the entries matching `filter` on `dc`.
    pub fn ldap_attr_on(&self, dc: Dc, filter: &str, attr: &str) -> Vec<String> {
        self.ldap_search_on(dc, filter, &[attr])
            .into_iter()
            .flat_map(|(_, a)| a.get(&attr.to_lowercase()).cloned().unwrap_or_default())
            .collect()
    }

    /// The account's msDS-KeyVersionNumber as `dc` has it.
    pub fn kvno_on(&self, dc: Dc, sam: &str) -> Option<u32> {
        self.ldap_attr_on(
            dc,
            &format!("(sAMAccountName={sam})"),
            "msDS-KeyVersionNumber",
        )
        .first()
        .and_then(|v| v.parse().ok())
    }

    /// The account's userAccountControl as `dc` has it.
    pub fn uac_on(&self, dc: Dc, sam: &str) -> Option<u32> {
        self.ldap_attr_on(dc, &format!("(sAMAccountName={sam})"), "userAccountControl")
            .first()
            .and_then(|v| v.parse().ok())
    }

    fn run_script(&self, args: &[&str]) -> Result<(), String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab/samba-lab2.sh");
        let out = Command::new(&script)
            .args(args)
            .arg(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "samba-lab2.sh {args:?} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn script(&self, args: &[&str]) {
        if let Err(e) = self.run_script(args) {
            panic!("{e}");
        }
    }

    /// `samba-tool drs replicate` both ways, every naming context, now.
    pub fn replicate(&self) {
        self.script(&["replicate"]);
    }

    /// [`Self::replicate`] for the domain naming context only (the accounts).
    pub fn replicate_domain(&self) {
        self.script(&["replicate-domain"]);
    }

    /// Apply LDIF (entries carry `changetype`) on `dc` with `ldapmodify`.
    pub fn ldap_modify_on(&self, dc: Dc, ldif: &str) {
        let out = run_with_stdin(&mut self.ldap_command("ldapmodify", dc), ldif.as_bytes());
        assert!(
            out.status.success(),
            "ldapmodify on DC {dc:?} failed ({}): {}{}\n{ldif}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stop `dc`; start it again with a [`Restart`] guard made BEFORE this call.
    pub fn stop_dc(&self, dc: Dc) {
        self.script(&["stop-dc", dc.letter()]);
    }

    /// Start `dc` and wait until its LDAPS and KDC serve.
    pub fn start_dc(&self, dc: Dc) {
        self.script(&["start-dc", dc.letter()]);
    }

    /// A guard that starts `dc` again (and waits until it serves) when dropped.
    pub fn restart_guard(&self, dc: Dc) -> Restart {
        Restart {
            lab: self.clone(),
            dc,
        }
    }

    /// Hold replication INTO `dc` back (DISABLE_INBOUND_REPL) until the guard is
    /// dropped (or [`Hold::release`]d): a change written on the other DC stays away
    /// from it, however long a test takes.
    pub fn hold_replication(&self, dc: Dc) -> Hold {
        self.script(&["hold-repl", dc.letter()]);
        Hold {
            lab: self.clone(),
            dc,
            held: true,
        }
    }

    /// Delete the accounts now (leftovers of a killed run) and again when dropped.
    pub fn cleanup(&self, sams: &[&str]) -> Cleanup2 {
        for s in sams {
            self.delete_account(s);
        }
        Cleanup2 {
            lab: self.clone(),
            sams: sams.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Delete every object named `sam` on each DC that has it (an account written
    /// to one DC may not have reached the other yet).
    fn delete_account(&self, sam: &str) {
        for dc in [Dc::A, Dc::B] {
            for dn in self.ldap_dns_on(dc, &format!("(sAMAccountName={sam})")) {
                let _ = self
                    .ldap_command("ldapdelete", dc)
                    .args(["-o", "nettimeout=5"])
                    .arg(&dn)
                    .output();
            }
        }
    }
}

fn say(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// Deletes test accounts when dropped (also after a failed assertion): on each DC
/// that has them (an account written while the other DC was stopped or held back
/// is only on one), then the deletions are replicated, so the next test starts from
/// the same directory on both DCs.
pub struct Cleanup2 {
    lab: Lab2,
    sams: Vec<String>,
}

impl Drop for Cleanup2 {
    fn drop(&mut self) {
        for s in &self.sams {
            self.lab.delete_account(s);
        }
        if let Err(e) = self.lab.run_script(&["replicate-domain"]) {
            say(&format!("cleanup: {e}"));
        }
    }
}

/// Starts a stopped DC again when dropped (also after a failed assertion), and
/// waits until it serves.
pub struct Restart {
    lab: Lab2,
    dc: Dc,
}

impl Drop for Restart {
    fn drop(&mut self) {
        if let Err(e) = self.lab.run_script(&["start-dc", self.dc.letter()]) {
            if std::thread::panicking() {
                say(&format!("cannot restart DC {:?}: {e}", self.dc));
            } else {
                panic!("cannot restart DC {:?}: {e}", self.dc);
            }
        }
    }
}

/// Replication into one DC held back (see [`Lab2::hold_replication`]).
pub struct Hold {
    lab: Lab2,
    dc: Dc,
    held: bool,
}

impl Hold {
    /// Let the DC replicate again and bring it up to date now (`samba-tool drs
    /// replicate`: released, it would only pull at the next change notification).
    pub fn release(&mut self) -> Result<(), String> {
        if self.held {
            self.lab.run_script(&["release-repl", self.dc.letter()])?;
            self.held = false;
        }
        self.lab.run_script(&["replicate-domain"])
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        if let Err(e) = self.release() {
            if std::thread::panicking() {
                say(&format!(
                    "cannot release replication to DC {:?}: {e}",
                    self.dc
                ));
            } else {
                panic!("cannot release replication to DC {:?}: {e}", self.dc);
            }
        }
    }
}

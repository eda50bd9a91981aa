//! The real Active Directory for end-to-end tests: the Samba AD DC that
//! `tests/lab/samba-lab.sh start` runs on 127.0.0.1 (realm EXAMPLE.TEST), and the
//! independent peers that judge what spnkt did to it:
//!
//! - `ldapsearch` / `ldapmodify` / `ldapdelete` (OpenLDAP's tools, LDAPS with the lab CA)
//!   read back every attribute spnkt wrote, and plant conflicts before a test;
//! - MIT `kinit`, `kvno -k`, `klist -k` (with the lab's krb5.conf) prove keytabs against
//!   the Samba KDC;
//! - Apache 2 + mod_auth_gssapi (`tests/lab/apache-spnego.sh`) and `curl --negotiate`
//!   do a full SPNEGO round trip with a keytab.
//!
//! [`lab_available`] reads the lab's settings from the environment (`SPNKT_LAB_*`, as
//! `eval "$(tests/lab/samba-lab.sh start)"` exports them) or from
//! `$SPNKT_LAB_DIR/env.sh` (default `/tmp/spnkt-lab/env.sh`), and checks that the DC
//! answers. A missing tool or a lab that is not running skips the test loudly, and
//! fails it under `SPNKT_REQUIRE_PEERS=1` (the README test command), like
//! [`super::peers_available`].
//!
//! Every helper runs the MIT tools with `KRB5_CONFIG` = the lab's krb5.conf and an
//! explicit `KRB5CCNAME`, and never touches the caller's default ccache or keytab.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;

use super::{path_str, peers_available, run_with_stdin, spnkt_bin};

/// The tools the e2e tests drive (Debian: krb5-user, ldap-utils, curl, apache2,
/// libapache2-mod-auth-gssapi; `tests/lab/samba-lab.sh install` installs them all).
pub const TOOLS: [&str; 9] = [
    "kinit",
    "kvno",
    "klist",
    "ldapsearch",
    "ldapmodify",
    "ldapdelete",
    "curl",
    "apache2",
    "bash",
];

/// Environment variable spnkt reads the bind password from (`--bind-password-env`).
pub const BIND_PASSWORD_ENV: &str = "SPNKT_E2E_BIND_PASSWORD";

/// userAccountControl bits.
pub const UF_ACCOUNTDISABLE: u32 = 0x2;
pub const UF_NORMAL_ACCOUNT: u32 = 0x200;
pub const UF_DONT_EXPIRE_PASSWD: u32 = 0x1_0000;
pub const UF_TRUSTED_FOR_DELEGATION: u32 = 0x8_0000;
pub const UF_TRUSTED_TO_AUTH_FOR_DELEGATION: u32 = 0x100_0000;

/// The running lab, plus a scratch directory for this test (removed when the last
/// clone of the `Lab` is dropped).
#[derive(Clone)]
pub struct Lab {
    pub dir: PathBuf,
    pub realm: String,
    pub domain: String,
    pub base_dn: String,
    pub dc_host: String,
    /// `127.0.0.1:88`
    pub kdc: String,
    pub ldaps_url: String,
    pub starttls_url: String,
    pub ca_cert: PathBuf,
    pub krb5_conf: PathBuf,
    /// `Administrator@EXAMPLE.TEST`
    pub admin_user: String,
    pub admin_dn: String,
    pub admin_password: String,
    work: Arc<tempfile::TempDir>,
    counter: Arc<AtomicUsize>,
}

/// `KEY='value'` lines of an env.sh written by samba-lab.sh (`export` optional).
pub fn parse_env_sh(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = v
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
            .unwrap_or(v);
        out.insert(k.trim().to_owned(), v.replace("'\\''", "'"));
    }
    out
}

/// The lab's settings: the environment wins over env.sh.
fn settings() -> Result<BTreeMap<String, String>, String> {
    let dir = std::env::var("SPNKT_LAB_DIR").unwrap_or_else(|_| "/tmp/spnkt-lab".into());
    let env_sh = Path::new(&dir).join("env.sh");
    let mut s = match std::fs::read_to_string(&env_sh) {
        Ok(text) => parse_env_sh(&text),
        Err(_) => BTreeMap::new(),
    };
    for (k, v) in std::env::vars() {
        if k.starts_with("SPNKT_LAB_") {
            s.insert(k, v);
        }
    }
    if !s.contains_key("SPNKT_LAB_LDAPS_URL") {
        return Err(format!(
            "no lab settings (SPNKT_LAB_* not set and no {})",
            env_sh.display()
        ));
    }
    Ok(s)
}

pub fn port_answers(addr: &str) -> bool {
    addr.parse::<SocketAddr>()
        .ok()
        .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_secs(3)).is_ok())
}

/// The lab for one test, or `None` after a loud SKIP when a tool is missing or the DC
/// is not running; under `SPNKT_REQUIRE_PEERS=1` that is a failure instead.
pub fn lab_available(test: &str) -> Option<Lab> {
    if !peers_available(test, &TOOLS) {
        return None;
    }
    match Lab::from_settings() {
        Ok(lab) => Some(lab),
        Err(why) => {
            let msg = format!(
                "SKIPPED {test}: the Samba AD lab is not available: {why} \
                 (as root: tests/lab/samba-lab.sh install && tests/lab/samba-lab.sh start; tests/run-all.sh does both)"
            );
            if std::env::var_os("SPNKT_REQUIRE_PEERS").is_some_and(|v| v == "1") {
                panic!("{msg}, but SPNKT_REQUIRE_PEERS=1 requires it");
            }
            let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***");
            None
        }
    }
}

/// What one run of spnkt did.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr, for substring checks and failure messages.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "spnkt {:?}: stdout is not one JSON object ({e}):\n{}\nstderr:\n{}",
                self.args, self.stdout, self.stderr
            )
        })
    }

    /// Panics with the whole output unless the command succeeded.
    pub fn assert_ok(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "spnkt {:?} failed (exit {}):\nstdout:\n{}\nstderr:\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }

    /// A refusal: a documented non-zero exit (not a panic, not a signal) with a message.
    pub fn assert_refused(&self) -> &Run {
        assert!(
            self.code != 0 && self.code != 101 && self.code != -1,
            "spnkt {:?} should have been refused with an error, got exit {}:\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.code,
            self.stdout,
            self.stderr
        );
        assert!(
            self.stderr.contains("error"),
            "spnkt {:?}: no error message on stderr:\n{}",
            self.args,
            self.stderr
        );
        // Refused for the right reason, not because the command line is not understood.
        for clap in ["unrecognized subcommand", "unexpected argument"] {
            assert!(
                !self.stderr.contains(clap),
                "spnkt {:?}: the command line was not understood ({clap}), so this proves no refusal:\n{}",
                self.args,
                self.stderr
            );
        }
        self
    }

    /// Panics unless stdout or stderr contains one of `needles` (case-insensitive).
    pub fn assert_mentions(&self, what: &str, needles: &[&str]) -> &Run {
        let text = self.text().to_lowercase();
        assert!(
            needles.iter().any(|n| text.contains(&n.to_lowercase())),
            "spnkt {:?}: expected the output to say {what} (one of {needles:?}):\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.stdout,
            self.stderr
        );
        self
    }
}

impl Lab {
    fn from_settings() -> Result<Lab, String> {
        let s = settings()?;
        let get = |k: &str| {
            s.get(k)
                .cloned()
                .ok_or_else(|| format!("{k} missing from the lab settings"))
        };
        let kdc = get("SPNKT_LAB_KDC")?;
        let ldaps_url = get("SPNKT_LAB_LDAPS_URL")?;
        let ldaps_addr = ldaps_url
            .strip_prefix("ldaps://")
            .map(|h| {
                if h.contains(':') {
                    h.to_owned()
                } else {
                    format!("{h}:636")
                }
            })
            .ok_or_else(|| format!("SPNKT_LAB_LDAPS_URL is not ldaps://: {ldaps_url}"))?;
        for addr in [&kdc, &ldaps_addr] {
            if !port_answers(addr) {
                return Err(format!("nothing answers on {addr} (is samba running?)"));
            }
        }
        let ca_cert = PathBuf::from(get("SPNKT_LAB_CA_CERT")?);
        let krb5_conf = PathBuf::from(get("SPNKT_LAB_KRB5_CONFIG")?);
        for f in [&ca_cert, &krb5_conf] {
            if !f.is_file() {
                return Err(format!("{} does not exist", f.display()));
            }
        }
        // /tmp, mode 0700: private scratch for keytabs and ccaches.
        let work = tempfile::Builder::new()
            .prefix("spnkt-e2e-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        Ok(Lab {
            dir: PathBuf::from(get("SPNKT_LAB_DIR")?),
            realm: get("SPNKT_LAB_REALM")?,
            domain: get("SPNKT_LAB_DOMAIN")?,
            base_dn: get("SPNKT_LAB_BASE_DN")?,
            dc_host: get("SPNKT_LAB_DC_HOST")?,
            kdc,
            ldaps_url,
            starttls_url: get("SPNKT_LAB_STARTTLS_URL")?,
            ca_cert,
            krb5_conf,
            admin_user: get("SPNKT_LAB_ADMIN_USER")?,
            admin_dn: get("SPNKT_LAB_ADMIN_DN")?,
            admin_password: get("SPNKT_LAB_ADMIN_PASSWORD")?,
            work: Arc::new(work),
            counter: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The test's scratch directory.
    pub fn work(&self) -> &Path {
        self.work.path()
    }

    /// A fresh path in the scratch directory (`stem-N`), not created.
    pub fn path(&self, stem: &str) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        self.work().join(format!("{stem}-{n}"))
    }

    /// `HTTP/host@REALM`
    pub fn http_principal(&self, host: &str) -> String {
        format!("HTTP/{host}@{}", self.realm)
    }

    // --- spnkt -----------------------------------------------------------------

    /// The directory flags every directory command takes (LDAPS with the lab CA, the
    /// admin's simple bind with its password in [`BIND_PASSWORD_ENV`], realm and KDC).
    pub fn spnkt_dir_args(&self) -> Vec<String> {
        self.spnkt_dir_args_with_url(&self.ldaps_url)
    }

    /// [`Self::spnkt_dir_args`] with another `--ldap-url` (e.g. plain `ldap://`).
    pub fn spnkt_dir_args_with_url(&self, url: &str) -> Vec<String> {
        [
            "--ldap-url",
            url,
            "--ca-cert",
            path_str(&self.ca_cert),
            "--bind-user",
            &self.admin_user,
            "--bind-password-env",
            BIND_PASSWORD_ENV,
            "--realm",
            &self.realm,
            "--kdc",
            &self.kdc,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// The environment spnkt runs with: the bind password, the lab's krb5.conf, a
    /// ccache of this test's own (empty), no SPNKT_* defaults from the caller.
    pub fn spnkt_command(&self) -> Command {
        let mut c = Command::new(spnkt_bin());
        for (k, _) in std::env::vars() {
            if k.starts_with("SPNKT_") && !k.starts_with("SPNKT_LAB_") && k != "SPNKT_REQUIRE_PEERS"
            {
                c.env_remove(k);
            }
        }
        c.env(BIND_PASSWORD_ENV, &self.admin_password)
            .env("SPNKT_DNS_SERVER", super::NO_NAMESERVER)
            .env("KRB5_CONFIG", &self.krb5_conf)
            .env(
                "KRB5CCNAME",
                format!("FILE:{}", path_str(&self.work().join("spnkt-no-ccache"))),
            )
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null());
        c
    }

    /// `spnkt ARGS... <directory flags>` (stdin not a TTY).
    pub fn spnkt(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(self.spnkt_dir_args());
        self.spnkt_exact(&all, &[])
    }

    /// `spnkt ARGS...` exactly as given, with extra environment.
    pub fn spnkt_exact(&self, args: &[String], env: &[(&str, &str)]) -> Run {
        self.spnkt_exact_in(&std::env::current_dir().expect("cwd"), args, env)
    }

    /// [`Self::spnkt_exact`] with `dir` as the working directory.
    pub fn spnkt_exact_in(&self, dir: &Path, args: &[String], env: &[(&str, &str)]) -> Run {
        let mut c = self.spnkt_command();
        c.current_dir(dir).args(args);
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

    // --- MIT Kerberos tools ------------------------------------------------------

    /// A command with the lab's krb5.conf and `ccache`.
    pub fn krb_command(&self, program: &str, ccache: &Path) -> Command {
        let mut c = Command::new(program);
        c.env("KRB5_CONFIG", &self.krb5_conf)
            .env("KRB5CCNAME", format!("FILE:{}", path_str(ccache)))
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("KRB5_TRACE");
        c
    }

    /// `kinit -f Administrator@REALM` into a fresh ccache (forwardable, so delegation
    /// can show); returns the ccache file.
    pub fn kinit_admin(&self) -> PathBuf {
        let ccache = self.path("admin.ccache");
        let mut cmd = self.krb_command("kinit", &ccache);
        cmd.args(["-f", &self.admin_user]);
        let out = run_with_stdin(&mut cmd, format!("{}\n", self.admin_password).as_bytes());
        assert!(
            out.status.success(),
            "kinit {} failed:\n{}\n{}",
            self.admin_user,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ccache
    }

    /// `kvno -k KEYTAB PRINCIPAL` with `ccache`: (MIT says "keytab entry valid", output).
    pub fn kvno_k_output(&self, keytab: &Path, principal: &str, ccache: &Path) -> (bool, String) {
        let out = self
            .krb_command("kvno", ccache)
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

    /// True when the KDC's ticket for `principal` decrypts with `keytab` (MIT's
    /// `kvno -k`: "keytab entry valid").
    pub fn kvno_k(&self, keytab: &Path, principal: &str, ccache: &Path) -> bool {
        self.kvno_k_output(keytab, principal, ccache).0
    }

    /// `kinit -k -t KEYTAB PRINCIPAL` into a fresh ccache: (succeeded, output).
    pub fn kinit_k_output(&self, keytab: &Path, principal: &str) -> (bool, String) {
        let ccache = self.path("svc.ccache");
        let out = self
            .krb_command("kinit", &ccache)
            .arg("-k")
            .arg("-t")
            .arg(keytab)
            .arg(principal)
            .stdin(Stdio::null())
            .output()
            .expect("run kinit");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    pub fn kinit_k(&self, keytab: &Path, principal: &str) -> bool {
        self.kinit_k_output(keytab, principal).0
    }

    /// `klist -k -e KEYTAB` as (kvno, principal, enctype name) entries.
    pub fn klist_k(&self, keytab: &Path) -> Vec<(u32, String, String)> {
        super::klist_k(keytab)
    }

    // --- LDAP, the independent view of the directory -------------------------------

    fn ldap_command(&self, tool: &str) -> Command {
        let mut c = Command::new(tool);
        c.env("LDAPTLS_CACERT", &self.ca_cert)
            .env_remove("LDAPTLS_REQCERT")
            .env("LDAPCONF", "/dev/null")
            .env("LDAPRC", "/dev/null")
            .args(["-x", "-H", &self.ldaps_url, "-D", &self.admin_user, "-w"])
            .arg(&self.admin_password);
        c
    }

    /// Subtree search under the base DN; each entry as (dn, lowercased attribute name ->
    /// values). Base64 (`attr::`) values are decoded. Search references are skipped.
    pub fn ldap_search(
        &self,
        filter: &str,
        attrs: &[&str],
    ) -> Vec<(String, BTreeMap<String, Vec<String>>)> {
        let out = self
            .ldap_command("ldapsearch")
            .args(["-LLL", "-o", "ldif-wrap=no", "-b", &self.base_dn, filter])
            .args(attrs)
            .output()
            .expect("run ldapsearch");
        let text = String::from_utf8_lossy(&out.stdout);
        // 0 = found, 32 = no such object
        assert!(
            matches!(out.status.code(), Some(0 | 32)),
            "ldapsearch {filter} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let mut entries = Vec::new();
        let mut cur: Option<(String, BTreeMap<String, Vec<String>>)> = None;
        for line in text.lines() {
            if line.is_empty() {
                entries.extend(cur.take());
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let (name, value) = if let Some((n, v)) = line.split_once(":: ") {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .unwrap_or_default();
                (n, String::from_utf8_lossy(&bytes).into_owned())
            } else if let Some((n, v)) = line.split_once(": ") {
                (n, v.to_owned())
            } else {
                continue;
            };
            if name == "dn" {
                entries.extend(cur.take());
                cur = Some((value, BTreeMap::new()));
            } else if let Some((_, attrs)) = cur.as_mut() {
                attrs.entry(name.to_lowercase()).or_default().push(value);
            }
        }
        entries.extend(cur.take());
        entries
    }

    /// Every value of `attr` over the entries matching `filter`.
    pub fn ldap_attr(&self, filter: &str, attr: &str) -> Vec<String> {
        self.ldap_search(filter, &[attr])
            .into_iter()
            .flat_map(|(_, a)| a.get(&attr.to_lowercase()).cloned().unwrap_or_default())
            .collect()
    }

    /// DNs of the entries matching `filter`.
    pub fn ldap_dns(&self, filter: &str) -> Vec<String> {
        self.ldap_search(filter, &["1.1"])
            .into_iter()
            .map(|(dn, _)| dn)
            .collect()
    }

    pub fn ldap_exists(&self, filter: &str) -> bool {
        !self.ldap_dns(filter).is_empty()
    }

    /// The account's userAccountControl, if the account exists.
    pub fn uac(&self, sam: &str) -> Option<u32> {
        self.ldap_attr(&format!("(sAMAccountName={sam})"), "userAccountControl")
            .first()
            .map(|v| v.parse().expect("numeric userAccountControl"))
    }

    /// The account's msDS-KeyVersionNumber.
    pub fn kvno_of(&self, sam: &str) -> u32 {
        let v = self.ldap_attr(&format!("(sAMAccountName={sam})"), "msDS-KeyVersionNumber");
        v.first()
            .unwrap_or_else(|| panic!("{sam}: no msDS-KeyVersionNumber"))
            .parse()
            .unwrap()
    }

    /// Apply LDIF with `ldapmodify` (entries carry `changetype`).
    pub fn ldap_modify(&self, ldif: &str) -> Result<(), String> {
        let out = run_with_stdin(self.ldap_command("ldapmodify").arg("-c"), ldif.as_bytes());
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ldapmodify failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Plant a user (disabled unless `uac` says otherwise) with these attributes.
    pub fn add_user(&self, sam: &str, spns: &[&str], upn: Option<&str>, uac: u32) {
        let mut ldif = format!(
            "dn: CN={sam},CN=Users,{}\nchangetype: add\nobjectClass: user\nsAMAccountName: {sam}\nuserAccountControl: {uac}\ndescription: planted by spnkt e2e tests\n",
            self.base_dn
        );
        for spn in spns {
            ldif.push_str(&format!("servicePrincipalName: {spn}\n"));
        }
        if let Some(upn) = upn {
            ldif.push_str(&format!("userPrincipalName: {upn}\n"));
        }
        self.ldap_modify(&ldif)
            .unwrap_or_else(|e| panic!("plant user {sam}: {e}"));
    }

    /// Plant a computer `NAME$` with dNSHostName `fqdn` and `HOST/fqdn`.
    pub fn add_computer(&self, name: &str, fqdn: &str) {
        let ldif = format!(
            "dn: CN={name},CN=Computers,{}\nchangetype: add\nobjectClass: computer\nsAMAccountName: {name}$\ndNSHostName: {fqdn}\nservicePrincipalName: HOST/{fqdn}\nuserAccountControl: 4096\n",
            self.base_dn
        );
        self.ldap_modify(&ldif)
            .unwrap_or_else(|e| panic!("plant computer {name}: {e}"));
    }

    /// Delete every object with this sAMAccountName (leftovers of an earlier run, or
    /// this test's own accounts); missing ones are fine.
    pub fn delete_account(&self, sam: &str) {
        for dn in self.ldap_dns(&format!("(sAMAccountName={sam})")) {
            let _ = self.ldap_command("ldapdelete").arg(&dn).output();
        }
    }

    /// Delete every object holding `spn` that a test made (sAMAccountName `svc-http-e2e*`
    /// or `E2E-*$`); objects of others are left alone.
    pub fn delete_spn_holders(&self, spn: &str) {
        for (dn, a) in self.ldap_search(
            &format!("(servicePrincipalName={spn})"),
            &["sAMAccountName"],
        ) {
            let sam = a
                .get("samaccountname")
                .and_then(|v| v.first())
                .cloned()
                .unwrap_or_default()
                .to_lowercase();
            if sam.starts_with("svc-http-e2e") || sam.starts_with("e2e-") {
                let _ = self.ldap_command("ldapdelete").arg(&dn).output();
            }
        }
    }

    /// Deletes `sams` now (leftovers) and again when the guard drops, also on panic.
    pub fn cleanup(&self, sams: &[&str]) -> Cleanup {
        for s in sams {
            self.delete_account(s);
        }
        Cleanup {
            lab: self.clone(),
            sams: sams.iter().map(|s| s.to_string()).collect(),
        }
    }

    // --- SPNEGO: Apache + mod_auth_gssapi, curl --negotiate -------------------------

    /// `curl --negotiate` to http://HOST:PORT/ (HOST resolved to 127.0.0.1) with
    /// `ccache` (`None`: an empty one, i.e. no ticket); returns the HTTP status.
    pub fn curl_negotiate(&self, host: &str, port: u16, ccache: Option<&Path>) -> u16 {
        self.curl_negotiate_output(host, port, ccache).0
    }

    /// [`Self::curl_negotiate`], also returning curl's `-v` trace (for failure messages).
    pub fn curl_negotiate_output(
        &self,
        host: &str,
        port: u16,
        ccache: Option<&Path>,
    ) -> (u16, String) {
        self.curl_negotiate_at("127.0.0.1", host, port, ccache)
    }

    /// [`Self::curl_negotiate_output`] to a server listening on `ip`.
    pub fn curl_negotiate_at(
        &self,
        ip: &str,
        host: &str,
        port: u16,
        ccache: Option<&Path>,
    ) -> (u16, String) {
        let empty = self.path("empty.ccache");
        let cc = ccache.unwrap_or(&empty);
        let out = self
            .krb_command("curl", cc)
            .args(["-v", "-sS", "-o", "/dev/null", "-w", "%{http_code}"])
            .args([
                "--negotiate",
                "-u",
                ":",
                "--noproxy",
                "*",
                "--max-time",
                "20",
            ])
            .arg("--resolve")
            .arg(format!("{host}:{port}:{ip}"))
            .arg(format!("http://{host}:{port}/"))
            .output()
            .expect("run curl");
        let trace = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| {
                panic!(
                    "curl gave no status: {}{trace}",
                    String::from_utf8_lossy(&out.stdout)
                )
            });
        (code, trace)
    }

    /// Start Apache + mod_auth_gssapi for `host` with a copy of `keytab`.
    pub fn apache(&self, host: &str, keytab: &Path) -> Apache {
        Apache::start(self, host, keytab)
    }
}

/// Removes a test's accounts when dropped.
pub struct Cleanup {
    lab: Lab,
    sams: Vec<String>,
}

impl Cleanup {
    pub fn also(&mut self, sam: &str) {
        self.lab.delete_account(sam);
        self.sams.push(sam.to_owned());
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for s in &self.sams {
            self.lab.delete_account(s);
        }
    }
}

/// Path of tests/lab/apache-spnego.sh.
pub fn apache_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab/apache-spnego.sh")
}

/// An Apache started by tests/lab/apache-spnego.sh in a directory of its own under
/// /tmp (mode 755: www-data must reach the page and keytab); stopped on drop.
pub struct Apache {
    pub dir: PathBuf,
    pub port: u16,
    pub host: String,
    _tmp: tempfile::TempDir,
}

impl Apache {
    pub fn start(lab: &Lab, host: &str, keytab: &Path) -> Apache {
        Apache::start_in(Apache::temp_dir(), host, keytab, &lab.krb5_conf, None)
    }

    /// A fresh directory for [`Apache::start_in`]: under /tmp, mode 755 (www-data must
    /// reach the page, the keytab and any configuration put there).
    pub fn temp_dir() -> tempfile::TempDir {
        let tmp = tempfile::Builder::new()
            .prefix("spnkt-e2e-apache-")
            .tempdir_in("/tmp")
            .expect("apache temp dir");
        std::fs::set_permissions(
            tmp.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("chmod the apache dir");
        tmp
    }

    /// Apache in `tmp` with a copy of `keytab` at `tmp/http.keytab`, `krb5_conf` as its
    /// KRB5_CONFIG and, when given, `auth_conf` as its authentication, included verbatim.
    pub fn start_in(
        tmp: tempfile::TempDir,
        host: &str,
        keytab: &Path,
        krb5_conf: &Path,
        auth_conf: Option<&Path>,
    ) -> Apache {
        Apache::start_at("127.0.0.1", tmp, host, keytab, krb5_conf, auth_conf)
    }

    /// [`Apache::start_in`] listening on the loopback address `ip`.
    pub fn start_at(
        ip: &str,
        tmp: tempfile::TempDir,
        host: &str,
        keytab: &Path,
        krb5_conf: &Path,
        auth_conf: Option<&Path>,
    ) -> Apache {
        let dir = tmp.path().to_path_buf();
        let mut cmd = Command::new("bash");
        cmd.arg(apache_script())
            .arg("start")
            .arg(&dir)
            .arg(host)
            .arg(keytab)
            .env("KRB5_CONFIG", krb5_conf)
            .env("APACHE_SPNEGO_IP", ip)
            .env_remove("APACHE_SPNEGO_AUTH_CONF");
        if let Some(a) = auth_conf {
            cmd.env("APACHE_SPNEGO_AUTH_CONF", a);
        }
        let out: Output = cmd.output().expect("run apache-spnego.sh");
        assert!(
            out.status.success(),
            "apache-spnego.sh start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("apache port");
        // If this test process dies without unwinding, stop Apache anyway.
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {me} 2>/dev/null; do sleep 1; done; bash '{script}' stop '{dir}'",
                me = std::process::id(),
                script = path_str(&apache_script()),
                dir = path_str(&dir)
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        Apache {
            dir,
            port,
            host: host.to_owned(),
            _tmp: tmp,
        }
    }

    /// Apache's error and access logs (for failure messages; Apache writes the access
    /// line after the response, so give it a moment).
    pub fn logs(&self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        ["logs/error.log", "logs/access.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Apache {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(apache_script())
            .arg("stop")
            .arg(&self.dir)
            .output();
    }
}

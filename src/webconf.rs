//! What a web server needs beside its keytab, and the next steps after a keytab is
//! made: the krb5.conf (and WebSphere's krb5.ini), Apache's mod_auth_gssapi block,
//! a JAAS login configuration and JVM options for Java, the directives of nginx's
//! spnego-http-auth module, and WebSphere's SPNEGO web authentication values.
//!
//! Pure: the input is a [`Site`] (realm, host, where the keytab and these files will
//! be on the web server, the KDCs and the keytab's encryption types), the output is
//! file names and contents ([`generate`]) and the steps to take ([`next_steps`]),
//! which `spnkt config`, `spnkt create` and the wizard print. Reading the keytab,
//! finding the KDCs and writing the files is the command line's.
//!
//! What each file says is checked against the servers' own documentation:
//! mod_auth_gssapi's README (its directives), the spnego-http-auth-nginx-module README
//! and source (`auth_gss*`), IBM's WebSphere documentation (the `wsadmin` commands:
//! `configureSpnego`, `addSpnegoFilter`, `createKrbConfigFile`, `$AdminConfig save`),
//! and judged by real peers in `tests/config_samba.rs` (Apache answering
//! `curl --negotiate`, a Java GSS acceptor).

use std::fmt::{self, Write as _};

use serde::Serialize;
use serde_json::json;

use crate::krb::Enctype;
use crate::text::shell_quote;

/// The JAAS entry the Java files use: the one Java's GSS-API logs in with by itself
/// when a server accepts a context without credentials of its own
/// (`javax.security.auth.useSubjectCredsOnly=false`).
pub const JAAS_ENTRY: &str = "com.sun.security.jgss.krb5.accept";

/// `krb5.conf`: every server's Kerberos settings.
pub const KRB5_CONF: &str = "krb5.conf";
/// `krb5.ini`: the same for WebSphere on Windows (CRLF line ends).
pub const KRB5_INI: &str = "krb5.ini";
/// Apache's mod_auth_gssapi block.
pub const APACHE_CONF: &str = "apache-spnego.conf";
/// The JAAS login configuration.
pub const JAAS_CONF: &str = "java-jaas.conf";
/// The JVM options, as a Java argument file (`java @java-jvm.args`).
pub const JVM_ARGS: &str = "java-jvm.args";
/// nginx's spnego-http-auth block.
pub const NGINX_CONF: &str = "nginx-spnego.conf";
/// WebSphere's SPNEGO web authentication values and wsadmin commands.
pub const WEBSPHERE_TXT: &str = "websphere-spnego.txt";

/// A kind of web server spnkt writes settings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Apache httpd with mod_auth_gssapi.
    Apache,
    /// A Java server (Tomcat, Jetty, Spring, ...) with the JDK's GSS-API.
    Java,
    /// IBM WebSphere Application Server (traditional), SPNEGO web authentication.
    Websphere,
    /// nginx with the spnego-http-auth module.
    Nginx,
}

impl Target {
    /// Every target, in the order files and steps are listed.
    pub const ALL: [Target; 4] = [
        Target::Apache,
        Target::Java,
        Target::Websphere,
        Target::Nginx,
    ];

    /// The name `--for` takes.
    pub fn name(self) -> &'static str {
        match self {
            Target::Apache => "apache",
            Target::Java => "java",
            Target::Websphere => "websphere",
            Target::Nginx => "nginx",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the KDCs written into krb5.conf came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KdcSource {
    /// `--kdc`.
    Given,
    /// The realm's `kdc` lines in this krb5.conf.
    Krb5Conf(String),
    /// These DNS SRV records.
    Dns(String),
    /// The domain controller `spnkt create` proved the keys with.
    Provisioned,
}

impl fmt::Display for KdcSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KdcSource::Given => f.write_str("--kdc"),
            KdcSource::Krb5Conf(path) => write!(f, "the realm's kdc lines in {path}"),
            KdcSource::Dns(name) => write!(f, "DNS SRV {name}"),
            KdcSource::Provisioned => f.write_str("the domain controller spnkt create used"),
        }
    }
}

/// One web site's service: everything the files are made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The realm, upper case.
    pub realm: String,
    /// The web site's host name: the SPN is `HTTP/host`.
    pub host: String,
    /// The keytab as given here (for commands run on this machine).
    pub keytab: String,
    /// Where the keytab will be on the web server.
    pub server_keytab: String,
    /// Where the generated files will be on the web server (they name each other).
    pub server_dir: String,
    /// The KDCs, `host[:port]`.
    pub kdcs: Vec<String>,
    /// Where [`Site::kdcs`] came from.
    pub kdc_source: KdcSource,
    /// The keytab's usable encryption types, strongest first ([`select_enctypes`]).
    pub enctypes: Vec<Enctype>,
}

impl Site {
    /// `HTTP/host`.
    pub fn spn(&self) -> String {
        format!("HTTP/{}", self.host)
    }

    /// `HTTP/host@REALM`.
    pub fn principal(&self) -> String {
        format!("HTTP/{}@{}", self.host, self.realm)
    }

    /// The web server runs Windows (its paths have drive letters or backslashes).
    pub fn windows(&self) -> bool {
        is_windows_path(&self.server_dir) || is_windows_path(&self.server_keytab)
    }

    /// Where the generated file `name` will be on the web server.
    pub fn server_file(&self, name: &str) -> String {
        join_server_path(&self.server_dir, name)
    }

    fn enctype_list(&self) -> String {
        self.enctypes
            .iter()
            .map(Enctype::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The KRB5_CONFIG value for MIT-based servers (Apache, nginx).
    fn krb5_config(&self) -> String {
        self.server_file(KRB5_CONF)
    }

    /// The Kerberos configuration file WebSphere is given: krb5.ini on Windows.
    fn websphere_krb5_config(&self) -> String {
        self.server_file(if self.windows() { KRB5_INI } else { KRB5_CONF })
    }
}

/// A command-line word for the web server's shell: POSIX quoting, or double quotes
/// on Windows.
fn server_quote(site: &Site, s: &str) -> String {
    if site.windows() {
        if s.chars().any(char::is_whitespace) {
            format!("\"{s}\"")
        } else {
            s.to_owned()
        }
    } else {
        shell_quote(s)
    }
}

/// `C:\...`, `\\server\share` or anything with a backslash.
pub fn is_windows_path(p: &str) -> bool {
    let b = p.as_bytes();
    p.contains('\\') || (b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic())
}

/// `dir` + separator + `name`, with the separator `dir` uses.
pub fn join_server_path(dir: &str, name: &str) -> String {
    let sep = if is_windows_path(dir) { '\\' } else { '/' };
    let trimmed = dir.trim_end_matches(['/', '\\']);
    if trimmed.is_empty() && !dir.is_empty() {
        // The root directory.
        return format!("{sep}{name}");
    }
    format!("{trimmed}{sep}{name}")
}

// ---- encryption types -------------------------------------------------------

/// Encryption types a web server may accept, strongest first.
const USABLE: [Enctype; 7] = [
    Enctype::AES256_CTS_HMAC_SHA384_192,
    Enctype::AES256_CTS_HMAC_SHA1_96,
    Enctype::AES128_CTS_HMAC_SHA256_128,
    Enctype::AES128_CTS_HMAC_SHA1_96,
    Enctype::CAMELLIA256_CTS_CMAC,
    Enctype::CAMELLIA128_CTS_CMAC,
    Enctype::RC4_HMAC,
];

/// The keytab's encryption types split into those the files list and those left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnctypeChoice {
    /// Listed in permitted_enctypes etc., strongest first.
    pub used: Vec<Enctype>,
    /// Left out, each with the reason.
    pub dropped: Vec<(Enctype, &'static str)>,
}

/// Which of the keytab's encryption types the web server is allowed: exactly the
/// keytab's, strongest first, never one the keytab has no key for and never a weak
/// one (DES, 3DES, export RC4, unknown numbers), which would need
/// `allow_weak_crypto`.
pub fn select_enctypes(from_keytab: &[Enctype]) -> EnctypeChoice {
    let mut choice = EnctypeChoice::default();
    for e in USABLE {
        if from_keytab.contains(&e) {
            choice.used.push(e);
        }
    }
    let mut seen = Vec::new();
    for &e in from_keytab {
        if USABLE.contains(&e) || seen.contains(&e) {
            continue;
        }
        seen.push(e);
        let why = match e.0 {
            1..=3 => "DES is broken; spnkt never sets allow_weak_crypto",
            16 => {
                "3DES is deprecated (gone from MIT krb5 1.21, disabled in Java 17) and Active Directory does not use it"
            }
            24 => "export-grade RC4 is broken",
            _ => "an encryption type spnkt does not know",
        };
        choice.dropped.push((e, why));
    }
    choice
}

// ---- files ------------------------------------------------------------------

/// Why the files cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebconfError {
    /// No encryption type of the keytab may be listed.
    #[error("the keytab has no key a web server should accept (only {found})")]
    NoUsableEnctype {
        /// The keytab's encryption types.
        found: String,
    },
    /// No KDC to write into krb5.conf.
    #[error("no KDC for {realm}")]
    NoKdc {
        /// The realm.
        realm: String,
    },
    /// A path that a file's syntax cannot carry safely.
    #[error("the path {path:?} cannot be written into {file}: {why}")]
    Unrepresentable {
        /// The path.
        path: String,
        /// The file it was to go into.
        file: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct File {
    /// Its name (in the output directory and in [`Site::server_dir`]).
    pub name: &'static str,
    /// The servers it is for.
    #[serde(rename = "for")]
    pub targets: Vec<Target>,
    /// One line: what it is and its key values.
    pub what: String,
    /// Its key values (names as the file spells them).
    pub values: serde_json::Value,
    /// The whole file.
    pub contents: String,
}

/// What [`generate`] makes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generated {
    /// The files, krb5.conf first.
    pub files: Vec<File>,
    /// The JVM system properties (`-Dname=value`), when Java is a target.
    pub jvm_options: Vec<String>,
    /// What to do with them.
    pub next_steps: NextSteps,
}

/// The files `targets` need for `site` (krb5.conf always), and the next steps.
pub fn generate(site: &Site, targets: &[Target]) -> Result<Generated, WebconfError> {
    check(site, targets)?;
    let wants = |t: Target| targets.contains(&t);
    let mut files = vec![File {
        name: KRB5_CONF,
        targets: Target::ALL
            .into_iter()
            .filter(|t| targets.contains(t))
            .collect(),
        what: format!(
            "realm {}, KDC {} (from {}), enctypes {}",
            site.realm,
            site.kdcs.join(" "),
            site.kdc_source,
            site.enctype_list()
        ),
        values: krb5_values(site),
        contents: krb5_conf(site, false),
    }];
    if wants(Target::Websphere) {
        let mut values = krb5_values(site);
        values["line_ends"] = json!("CRLF");
        files.push(File {
            name: KRB5_INI,
            targets: vec![Target::Websphere],
            what: "the same for WebSphere on Windows (CRLF line ends)".to_owned(),
            values,
            contents: krb5_conf(site, true),
        });
    }
    if wants(Target::Apache) {
        files.push(apache(site));
    }
    let mut jvm_options = Vec::new();
    if wants(Target::Java) {
        jvm_options = jvm_properties(site)
            .into_iter()
            .map(|(k, v)| format!("-D{k}={v}"))
            .collect();
        files.push(jaas(site));
        files.push(jvm_args(site));
    }
    if wants(Target::Websphere) {
        files.push(websphere(site));
    }
    if wants(Target::Nginx) {
        files.push(nginx(site));
    }
    Ok(Generated {
        files,
        jvm_options,
        next_steps: next_steps(site, Stage::Configured(targets)),
    })
}

/// Refuse what the files cannot say.
fn check(site: &Site, targets: &[Target]) -> Result<(), WebconfError> {
    if site.enctypes.is_empty() {
        return Err(WebconfError::NoUsableEnctype {
            found: "none".to_owned(),
        });
    }
    if site.kdcs.is_empty() {
        return Err(WebconfError::NoKdc {
            realm: site.realm.clone(),
        });
    }
    for path in [&site.server_keytab, &site.server_dir] {
        if path.chars().any(char::is_control) {
            return Err(WebconfError::Unrepresentable {
                path: path.clone(),
                file: "the server's configuration",
                why: "it contains a line break or another control character",
            });
        }
        if path.contains('"') {
            return Err(WebconfError::Unrepresentable {
                path: path.clone(),
                file: "the server's configuration",
                why: "it contains a double quote",
            });
        }
        if targets.contains(&Target::Java) && path.contains("${") {
            // Java's JAAS configuration expands ${property} inside values.
            return Err(WebconfError::Unrepresentable {
                path: path.clone(),
                file: JAAS_CONF,
                why: "Java would expand ${...} in it as a system property",
            });
        }
    }
    Ok(())
}

fn krb5_values(site: &Site) -> serde_json::Value {
    json!({
        "default_realm": site.realm,
        "kdc": site.kdcs,
        "kdc_source": site.kdc_source.to_string(),
        "permitted_enctypes": site.enctypes.iter().map(Enctype::to_string).collect::<Vec<_>>(),
        "udp_preference_limit": 1,
        "dns_canonicalize_hostname": false,
        "rdns": false,
        "default_keytab_name": format!("FILE:{}", site.server_keytab),
    })
}

/// The domain of the realm (`EXAMPLE.TEST` -> `example.test`).
fn realm_domain(site: &Site) -> String {
    site.realm.to_lowercase()
}

/// krb5.conf, or with `windows` krb5.ini (CRLF line ends).
fn krb5_conf(site: &Site, windows: bool) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# Kerberos settings for the web server of {} (written by spnkt config).",
        site.principal()
    );
    if windows {
        let _ = writeln!(
            w,
            "# For WebSphere on Windows: its default place is C:\\Windows\\krb5.ini; elsewhere, name it in"
        );
        let _ = writeln!(
            w,
            "# the SPNEGO web authentication settings (websphere-spnego.txt)."
        );
    } else {
        let _ = writeln!(
            w,
            "# The server reads it from KRB5_CONFIG={} (MIT: Apache, nginx) or",
            site.krb5_config()
        );
        let _ = writeln!(
            w,
            "# -Djava.security.krb5.conf={} (Java, WebSphere).",
            site.krb5_config()
        );
    }
    let _ = writeln!(w, "# KDCs from {}.", site.kdc_source);
    let _ = writeln!(w);
    let _ = writeln!(w, "[libdefaults]");
    let _ = writeln!(w, "    default_realm = {}", site.realm);
    let _ = writeln!(w, "    dns_lookup_realm = false");
    if matches!(site.kdc_source, KdcSource::Dns(_)) {
        let _ = writeln!(
            w,
            "    # The KDCs below came from DNS SRV records: DNS is asked again when none answers."
        );
        let _ = writeln!(w, "    dns_lookup_kdc = true");
    } else {
        let _ = writeln!(w, "    dns_lookup_kdc = false");
    }
    let _ = writeln!(
        w,
        "    # Active Directory tickets carry the user's groups (the PAC) and often do not fit"
    );
    let _ = writeln!(w, "    # in a UDP datagram: always TCP.");
    let _ = writeln!(w, "    udp_preference_limit = 1");
    let _ = writeln!(
        w,
        "    # The SPN's host is the name in the browser's address bar ({}), used as it is:",
        site.host
    );
    let _ = writeln!(
        w,
        "    # a host name is never replaced by its canonical name from DNS (a CNAME target) or"
    );
    let _ = writeln!(
        w,
        "    # by a reverse lookup (PTR), which would name another principal than {}.",
        site.spn()
    );
    let _ = writeln!(w, "    dns_canonicalize_hostname = false");
    let _ = writeln!(w, "    rdns = false");
    let _ = writeln!(
        w,
        "    # The keytab's encryption types, strongest first, and nothing weaker."
    );
    let list = site.enctype_list();
    let _ = writeln!(w, "    default_tkt_enctypes = {list}");
    let _ = writeln!(w, "    default_tgs_enctypes = {list}");
    let _ = writeln!(w, "    permitted_enctypes = {list}");
    let _ = writeln!(w, "    default_keytab_name = FILE:{}", site.server_keytab);
    let _ = writeln!(w);
    let _ = writeln!(w, "[realms]");
    let _ = writeln!(w, "    {} = {{", site.realm);
    for kdc in &site.kdcs {
        let _ = writeln!(w, "        kdc = {kdc}");
    }
    let _ = writeln!(w, "    }}");
    let _ = writeln!(w);
    let _ = writeln!(w, "[domain_realm]");
    let domain = realm_domain(site);
    let host = site.host.to_lowercase();
    if host != domain && !host.ends_with(&format!(".{domain}")) {
        let _ = writeln!(w, "    {host} = {}", site.realm);
    }
    let _ = writeln!(w, "    .{domain} = {}", site.realm);
    let _ = writeln!(w, "    {domain} = {}", site.realm);
    if windows { s.replace('\n', "\r\n") } else { s }
}

/// An Apache directive argument, quoted when it has spaces.
fn apache_arg(s: &str) -> String {
    if s.chars().any(char::is_whitespace) {
        format!("\"{s}\"")
    } else {
        s.to_owned()
    }
}

/// `GssapiCredStore keytab:PATH`, the one line Apache needs for the keytab.
pub fn apache_cred_store(site: &Site) -> String {
    format!(
        "GssapiCredStore {}",
        apache_arg(&format!("keytab:{}", site.server_keytab))
    )
}

fn apache(site: &Site) -> File {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# mod_auth_gssapi: Kerberos single sign-on (SPNEGO) for {} (written by spnkt config).",
        site.principal()
    );
    let _ = writeln!(
        w,
        "# Put it into the <VirtualHost> of https://{}/ (and narrow the Location if only a part",
        site.host
    );
    let _ = writeln!(w, "# of the site needs a login).");
    let _ = writeln!(w, "#");
    let _ = writeln!(
        w,
        "# It needs the module (Debian/Ubuntu: libapache2-mod-auth-gssapi and `a2enmod auth_gssapi`;"
    );
    let _ = writeln!(
        w,
        "# RHEL: mod_auth_gssapi), the keytab readable by the user Apache's children run as"
    );
    let _ = writeln!(
        w,
        "# (chown it to that user, chmod 0600), and the realm's settings in Apache's environment:"
    );
    let _ = writeln!(
        w,
        "#   KRB5_CONFIG={}  (Debian: export it in /etc/apache2/envvars; systemd: Environment=)",
        site.krb5_config()
    );
    let _ = writeln!(w, "<Location \"/\">");
    let _ = writeln!(w, "    AuthType GSSAPI");
    let _ = writeln!(w, "    AuthName \"Kerberos single sign-on\"");
    let _ = writeln!(w, "    {}", apache_cred_store(site));
    let _ = writeln!(
        w,
        "    # Only this service's key, also when the keytab holds others."
    );
    let _ = writeln!(w, "    GssapiAcceptorName HTTP@{}", site.host);
    let _ = writeln!(
        w,
        "    # Kerberos only (no NTLM), and no second Negotiate challenge after a failed attempt."
    );
    let _ = writeln!(w, "    GssapiAllowedMech krb5");
    let _ = writeln!(w, "    GssapiNegotiateOnce On");
    let _ = writeln!(
        w,
        "    # No password prompt: a browser without a ticket gets 401 (Basic would send passwords)."
    );
    let _ = writeln!(w, "    GssapiBasicAuth Off");
    let _ = writeln!(
        w,
        "    # Refuse logins over plain http:// (recommended once the site is https:// only):"
    );
    let _ = writeln!(w, "    # GssapiSSLonly On");
    let _ = writeln!(w, "    Require valid-user");
    let _ = writeln!(w, "</Location>");
    File {
        name: APACHE_CONF,
        targets: vec![Target::Apache],
        what: format!(
            "mod_auth_gssapi <Location \"/\">: {}, GssapiAcceptorName HTTP@{}",
            apache_cred_store(site),
            site.host
        ),
        values: json!({
            "AuthType": "GSSAPI",
            "GssapiCredStore": format!("keytab:{}", site.server_keytab),
            "GssapiAcceptorName": format!("HTTP@{}", site.host),
            "GssapiAllowedMech": "krb5",
            "GssapiNegotiateOnce": "On",
            "GssapiBasicAuth": "Off",
            "KRB5_CONFIG": site.krb5_config(),
        }),
        contents: s,
    }
}

/// A quoted JAAS option value (Java's parser treats `\` as an escape inside quotes).
pub fn jaas_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn jaas(site: &Site) -> File {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "// JAAS login configuration for the Kerberos acceptor of {}",
        site.principal()
    );
    let _ = writeln!(
        w,
        "// (written by spnkt config). The JVM needs these system properties (all in {}):",
        site.server_file(JVM_ARGS)
    );
    for (k, v) in jvm_properties(site) {
        let _ = writeln!(w, "//   -D{k}={v}");
    }
    let _ = writeln!(
        w,
        "// {JAAS_ENTRY} is the entry Java's GSS-API logs in with when the server"
    );
    let _ = writeln!(
        w,
        "// accepts without credentials of its own (useSubjectCredsOnly=false); a server that"
    );
    let _ = writeln!(
        w,
        "// logs in itself takes the entry's name as a setting (Tomcat's SpnegoAuthenticator:"
    );
    let _ = writeln!(w, "// loginConfigName).");
    let _ = writeln!(w, "{JAAS_ENTRY} {{");
    let _ = writeln!(
        w,
        "    com.sun.security.auth.module.Krb5LoginModule required"
    );
    let _ = writeln!(w, "        isInitiator=false");
    let _ = writeln!(w, "        useKeyTab=true");
    let _ = writeln!(w, "        storeKey=true");
    let _ = writeln!(w, "        doNotPrompt=true");
    let _ = writeln!(w, "        principal={}", jaas_quote(&site.principal()));
    let _ = writeln!(w, "        keyTab={};", jaas_quote(&site.server_keytab));
    let _ = writeln!(w, "}};");
    File {
        name: JAAS_CONF,
        targets: vec![Target::Java],
        what: format!(
            "JAAS entry {JAAS_ENTRY}: Krb5LoginModule, principal {}, keyTab {}",
            site.principal(),
            site.server_keytab
        ),
        values: json!({
            "entry": JAAS_ENTRY,
            "module": "com.sun.security.auth.module.Krb5LoginModule",
            "isInitiator": false,
            "useKeyTab": true,
            "storeKey": true,
            "doNotPrompt": true,
            "principal": site.principal(),
            "keyTab": site.server_keytab,
        }),
        contents: s,
    }
}

/// The JVM system properties, in order.
pub fn jvm_properties(site: &Site) -> Vec<(&'static str, String)> {
    vec![
        ("java.security.krb5.conf", site.krb5_config()),
        (
            "java.security.auth.login.config",
            site.server_file(JAAS_CONF),
        ),
        (
            "javax.security.auth.useSubjectCredsOnly",
            "false".to_owned(),
        ),
    ]
}

/// One argument of a Java argument file: quoted (with `\` and `"` escaped) when it has
/// white space, quotes, `#` or backslashes.
pub fn argfile_quote(s: &str) -> String {
    if s.chars().any(|c| c.is_whitespace() || "\"'#\\".contains(c)) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_owned()
    }
}

fn jvm_args(site: &Site) -> File {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# JVM options for the Kerberos acceptor of {} (written by spnkt config).",
        site.principal()
    );
    let _ = writeln!(
        w,
        "# A Java argument file: java @{} ...; or copy the options into the server's",
        site.server_file(JVM_ARGS)
    );
    let _ = writeln!(w, "# settings (JAVA_OPTS, CATALINA_OPTS, jvm.options).");
    let props = jvm_properties(site);
    for (k, v) in &props {
        let _ = writeln!(w, "{}", argfile_quote(&format!("-D{k}={v}")));
    }
    let mut values = serde_json::Map::new();
    for (k, v) in props {
        values.insert(k.to_owned(), json!(v));
    }
    File {
        name: JVM_ARGS,
        targets: vec![Target::Java],
        what: "-Djava.security.krb5.conf, -Djava.security.auth.login.config, -Djavax.security.auth.useSubjectCredsOnly=false".to_owned(),
        values: serde_json::Value::Object(values),
        contents: s,
    }
}

/// An nginx directive argument, quoted (with `\` and `"` escaped) when needed.
fn nginx_arg(s: &str) -> String {
    if s.chars()
        .any(|c| c.is_whitespace() || "\"';{}#\\$".contains(c))
    {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_owned()
    }
}

/// `env KRB5_CONFIG=...;` for nginx.conf's main context (nginx passes its workers only
/// the variables `env` names).
fn nginx_env(site: &Site) -> String {
    format!(
        "env {};",
        nginx_arg(&format!("KRB5_CONFIG={}", site.krb5_config()))
    )
}

fn nginx(site: &Site) -> File {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# spnego-http-auth-nginx-module: Kerberos single sign-on (SPNEGO) for {}",
        site.principal()
    );
    let _ = writeln!(
        w,
        "# (written by spnkt config). nginx must be built with the module"
    );
    let _ = writeln!(
        w,
        "# (https://github.com/stnoonan/spnego-http-auth-nginx-module, ./configure --add-module=...)."
    );
    let _ = writeln!(w, "#");
    let _ = writeln!(
        w,
        "# In the main context of nginx.conf (outside http {{}}), so that the workers see the realm's"
    );
    let _ = writeln!(w, "# settings:");
    let _ = writeln!(w, "#   {}", nginx_env(site));
    let _ = writeln!(
        w,
        "# Active Directory tickets carry the user's groups and can outgrow nginx's header buffers"
    );
    let _ = writeln!(
        w,
        "# (\"400 Request Header Or Cookie Too Large\"): in http {{}} or server {{}}:"
    );
    let _ = writeln!(w, "#   large_client_header_buffers 8 32k;");
    let _ = writeln!(
        w,
        "# The keytab must be readable by nginx's worker user (chown it, chmod 0600)."
    );
    let _ = writeln!(w, "#");
    let _ = writeln!(w, "# Inside the server {{}} of https://{}/:", site.host);
    let _ = writeln!(w, "location / {{");
    let _ = writeln!(w, "    auth_gss on;");
    let _ = writeln!(w, "    auth_gss_keytab {};", nginx_arg(&site.server_keytab));
    let _ = writeln!(
        w,
        "    # Only this service's key, also when the keytab holds others; users of {} appear in",
        site.realm
    );
    let _ = writeln!(
        w,
        "    # $remote_user without @{} (auth_gss_format_full on keeps it).",
        site.realm
    );
    let _ = writeln!(w, "    auth_gss_realm {};", site.realm);
    let _ = writeln!(w, "    auth_gss_service_name {};", site.spn());
    let _ = writeln!(
        w,
        "    # No fallback to Basic: it would send passwords (in the clear over http://)."
    );
    let _ = writeln!(w, "    auth_gss_allow_basic_fallback off;");
    let _ = writeln!(w, "}}");
    File {
        name: NGINX_CONF,
        targets: vec![Target::Nginx],
        what: format!(
            "location / {{ auth_gss on; auth_gss_keytab {}; auth_gss_service_name {} }}",
            site.server_keytab,
            site.spn()
        ),
        values: json!({
            "auth_gss": "on",
            "auth_gss_keytab": site.server_keytab,
            "auth_gss_realm": site.realm,
            "auth_gss_service_name": site.spn(),
            "auth_gss_allow_basic_fallback": "off",
            "KRB5_CONFIG": site.krb5_config(),
        }),
        contents: s,
    }
}

/// A value inside a wsadmin Jacl parameter list, in braces when it has white space,
/// backslashes or characters Tcl would substitute.
fn jacl_arg(s: &str) -> String {
    if s.chars()
        .any(|c| c.is_whitespace() || "\\[]$;\"".contains(c))
    {
        format!("{{{s}}}")
    } else {
        s.to_owned()
    }
}

/// The wsadmin commands spnkt prints: only those whose names and parameters IBM's
/// documentation shows.
pub fn wsadmin_commands(site: &Site) -> Vec<String> {
    vec![
        format!(
            "$AdminTask configureSpnego {{-krb5Config {} -krb5Keytab {}}}",
            jacl_arg(&site.websphere_krb5_config()),
            jacl_arg(&site.server_keytab)
        ),
        format!(
            "$AdminTask addSpnegoFilter {{-hostName {} -krb5Realm {}}}",
            site.host, site.realm
        ),
        "$AdminConfig save".to_owned(),
    ]
}

/// `createKrbConfigFile`: WebSphere writing its own Kerberos configuration file.
fn create_krb_config_file(site: &Site) -> String {
    let first = &site.kdcs[0];
    let host = host_of(first);
    let port = first
        .strip_prefix(host)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or("88");
    format!(
        "$AdminTask createKrbConfigFile {{-krbPath {} -realm {} -kdcHost {} -kdcPort {} -dns {} -keytabPath {} -encryption {}}}",
        jacl_arg(&site.websphere_krb5_config()),
        site.realm,
        host,
        port,
        realm_domain(site),
        jacl_arg(&site.server_keytab),
        site.enctypes
            .iter()
            .map(Enctype::to_string)
            .collect::<Vec<_>>()
            .join("|")
    )
}

/// The host of `host[:port]` (an IPv6 address keeps its brackets).
fn host_of(kdc: &str) -> &str {
    if kdc.starts_with('[') {
        return kdc.split_once(']').map_or(kdc, |(h, _)| &kdc[..=h.len()]);
    }
    match kdc.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => kdc,
    }
}

fn websphere(site: &Site) -> File {
    let mut s = String::new();
    let w = &mut s;
    let config = site.websphere_krb5_config();
    let _ = writeln!(
        w,
        "WebSphere Application Server (traditional): SPNEGO web authentication for"
    );
    let _ = writeln!(w, "{} (written by spnkt config).", site.principal());
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "In the administrative console: Security > Global security > Web and SIP security >"
    );
    let _ = writeln!(w, "SPNEGO web authentication:");
    let _ = writeln!(w, "  Kerberos configuration file with full path:  {config}");
    let _ = writeln!(
        w,
        "  Kerberos keytab file name with full path:    {}",
        site.server_keytab
    );
    let _ = writeln!(w, "  SPNEGO filters > New:");
    let _ = writeln!(w, "    Host name:            {}", site.host);
    let _ = writeln!(w, "    Kerberos realm name:  {}", site.realm);
    let _ = writeln!(
        w,
        "  then tick Enable SPNEGO, OK, and save the configuration."
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "The same with wsadmin (Jacl, as IBM's documentation writes these commands):"
    );
    for c in wsadmin_commands(site) {
        let _ = writeln!(w, "  {c}");
    }
    let _ = writeln!(
        w,
        "IBM documents configureSpnego's -enabled parameter but shows no value for it, so spnkt"
    );
    let _ = writeln!(
        w,
        "prints none: enable SPNEGO with the console's Enable SPNEGO box as above."
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "{} above is spnkt's (written next to this file). To let WebSphere write its own",
        if site.windows() { KRB5_INI } else { KRB5_CONF }
    );
    let _ = writeln!(
        w,
        "instead (KDC, realm, keytab and encryption types as above):"
    );
    let _ = writeln!(w, "  {}", create_krb_config_file(site));
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "Every server of the cell needs the keytab and the Kerberos configuration file at these"
    );
    let _ = writeln!(
        w,
        "paths. Sources: IBM WebSphere documentation, \"SPNEGO web authentication configuration"
    );
    let _ = writeln!(
        w,
        "commands\" (configureSpnego), \"SPNEGO web authentication filter commands\""
    );
    let _ = writeln!(
        w,
        "(addSpnegoFilter), \"Creating a Kerberos configuration file\" (createKrbConfigFile),"
    );
    let _ = writeln!(
        w,
        "\"Saving configuration changes with the wsadmin tool\" ($AdminConfig save)."
    );
    File {
        name: WEBSPHERE_TXT,
        targets: vec![Target::Websphere],
        what: format!(
            "SPNEGO web authentication: host name {}, realm {}, {config}, keytab {}; wsadmin commands",
            site.host, site.realm, site.server_keytab
        ),
        values: json!({
            "host_name": site.host,
            "krb5_realm": site.realm,
            "krb5_config": config,
            "krb5_keytab": site.server_keytab,
            "wsadmin": wsadmin_commands(site),
            "create_krb_config_file": create_krb_config_file(site),
        }),
        contents: s,
    }
}

// ---- next steps -------------------------------------------------------------

/// One step: a title and the lines (commands, settings) under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// What to do.
    pub title: String,
    /// Commands or settings, one per line.
    pub lines: Vec<String>,
}

/// The steps, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NextSteps(pub Vec<NextStep>);

impl NextSteps {
    /// `Next steps:` and the numbered steps, each line under its title.
    pub fn text(&self) -> String {
        let mut s = String::from("Next steps:\n");
        for (i, step) in self.0.iter().enumerate() {
            let _ = writeln!(s, "  {}. {}", i + 1, step.title);
            for line in &step.lines {
                let _ = writeln!(s, "       {line}");
            }
        }
        s
    }
}

/// When the steps are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage<'a> {
    /// The keytab was just made (`spnkt create`, the wizard): point at `spnkt config`.
    Created,
    /// `spnkt config` wrote the files for these servers.
    Configured(&'a [Target]),
}

/// What to do next, from the same values the files are made of.
pub fn next_steps(site: &Site, stage: Stage<'_>) -> NextSteps {
    let k = server_quote(site, &site.server_keytab);
    let mut steps = vec![NextStep {
        title: format!(
            "Copy the keytab to the web server as {} (another place: spnkt config --server-keytab PATH), readable only by the server's user:",
            site.server_keytab
        ),
        lines: vec![if site.windows() {
            format!("icacls {k} /inheritance:r /grant:r \"SERVER_USER:(R)\"")
        } else {
            format!("chown SERVER_USER {k} && chmod 0600 {k}")
        }],
    }];
    match stage {
        Stage::Created => {
            steps.push(NextStep {
                title: "The web server's krb5.conf and settings (Apache, Java, WebSphere, nginx):"
                    .to_owned(),
                lines: vec![format!(
                    "spnkt config --keytab {} --for apache|java|websphere|nginx",
                    shell_quote(&site.keytab)
                )],
            });
            steps.push(NextStep {
                title: "Apache mod_auth_gssapi:".to_owned(),
                lines: vec![apache_cred_store(site)],
            });
        }
        Stage::Configured(targets) => {
            steps.push(NextStep {
                title: format!(
                    "Put the files written here into {} on the web server (they name each other by these paths).",
                    site.server_dir
                ),
                lines: Vec::new(),
            });
            for t in Target::ALL.into_iter().filter(|t| targets.contains(t)) {
                steps.push(target_step(site, t));
            }
        }
    }
    steps.push(NextStep {
        title: "Test:".to_owned(),
        lines: vec![
            format!(
                "spnkt verify --live --keytab {} --spn {}",
                shell_quote(&site.keytab),
                site.spn()
            ),
            format!(
                "or from a client logged in to {}: curl --negotiate -u : https://{}/ (200; 401 without a ticket)",
                site.realm, site.host
            ),
        ],
    });
    NextSteps(steps)
}

fn target_step(site: &Site, t: Target) -> NextStep {
    match t {
        Target::Apache => NextStep {
            title: "Apache (mod_auth_gssapi): include the block in the site's <VirtualHost>, give Apache the realm's settings, restart it:".to_owned(),
            lines: vec![
                format!("Include {}", apache_arg(&site.server_file(APACHE_CONF))),
                format!("KRB5_CONFIG={} in Apache's environment", site.krb5_config()),
            ],
        },
        Target::Java => NextStep {
            title: format!(
                "Java: start the JVM with these options (or java {}); the server accepts with the JAAS entry {JAAS_ENTRY}:",
                server_quote(site, &format!("@{}", site.server_file(JVM_ARGS)))
            ),
            lines: jvm_properties(site)
                .into_iter()
                .map(|(k, v)| server_quote(site, &format!("-D{k}={v}")))
                .collect(),
        },
        Target::Websphere => NextStep {
            title: format!(
                "WebSphere: the SPNEGO web authentication values and wsadmin commands in {}:",
                site.server_file(WEBSPHERE_TXT)
            ),
            lines: vec![
                format!("host name {}, Kerberos realm {}", site.host, site.realm),
                format!("Kerberos configuration file {}", site.websphere_krb5_config()),
                format!("keytab {}", site.server_keytab),
            ],
        },
        Target::Nginx => NextStep {
            title: "nginx (with the spnego-http-auth module): the main context's env line and the location block of".to_owned()
                + &format!(" {}:", site.server_file(NGINX_CONF)),
            lines: vec![nginx_env(site)],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            realm: "EXAMPLE.TEST".into(),
            host: "portal.example.test".into(),
            keytab: "portal.keytab".into(),
            server_keytab: "/etc/spnkt/portal.keytab".into(),
            server_dir: "/etc/spnkt".into(),
            kdcs: vec!["dc1.example.test".into(), "dc2.example.test:88".into()],
            kdc_source: KdcSource::Given,
            enctypes: vec![
                Enctype::AES256_CTS_HMAC_SHA1_96,
                Enctype::AES128_CTS_HMAC_SHA1_96,
            ],
        }
    }

    fn file<'a>(g: &'a Generated, name: &str) -> &'a File {
        g.files
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn krb5_conf_has_realm_kdcs_enctypes_and_the_canonicalization_settings() {
        let g = generate(&site(), &[Target::Apache]).unwrap();
        let c = &file(&g, KRB5_CONF).contents;
        for line in [
            "[libdefaults]",
            "    default_realm = EXAMPLE.TEST",
            "    dns_lookup_kdc = false",
            "    udp_preference_limit = 1",
            "    dns_canonicalize_hostname = false",
            "    rdns = false",
            "    default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96",
            "    default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96",
            "    permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96",
            "    default_keytab_name = FILE:/etc/spnkt/portal.keytab",
            "    EXAMPLE.TEST = {",
            "        kdc = dc1.example.test",
            "        kdc = dc2.example.test:88",
            "    .example.test = EXAMPLE.TEST",
            "# KDCs from --kdc.",
        ] {
            assert!(c.lines().any(|l| l == line), "no {line:?} in\n{c}");
        }
        // The comment explains the canonicalization settings.
        assert!(c.contains("CNAME") && c.contains("PTR"), "{c}");
        // krb5.conf is for every target asked for; no krb5.ini without WebSphere.
        assert_eq!(file(&g, KRB5_CONF).targets, [Target::Apache]);
        assert!(g.files.iter().all(|f| f.name != KRB5_INI));
        // spnkt's own reader reads it back.
        let parsed = crate::krb5conf::parse(c);
        assert_eq!(parsed.default_realm.as_deref(), Some("EXAMPLE.TEST"));
        assert_eq!(
            parsed.kdcs_for("EXAMPLE.TEST"),
            ["dc1.example.test", "dc2.example.test:88"]
        );
    }

    #[test]
    fn kdcs_from_dns_keep_dns_lookup_on_and_say_so() {
        let mut s = site();
        s.kdc_source = KdcSource::Dns("_kerberos._tcp.EXAMPLE.TEST".into());
        let g = generate(&s, &[Target::Java]).unwrap();
        let c = &file(&g, KRB5_CONF).contents;
        assert!(c.contains("    dns_lookup_kdc = true\n"), "{c}");
        assert!(
            c.contains("# KDCs from DNS SRV _kerberos._tcp.EXAMPLE.TEST."),
            "{c}"
        );
    }

    #[test]
    fn a_host_outside_the_realms_domain_is_mapped() {
        let mut s = site();
        s.host = "www.example.com".into();
        let c = krb5_conf(&s, false);
        assert!(c.contains("    www.example.com = EXAMPLE.TEST\n"), "{c}");
        let c = krb5_conf(&site(), false);
        assert!(!c.contains("portal.example.test = "), "{c}");
    }

    #[test]
    fn enctypes_are_the_keytabs_strongest_first_never_weaker() {
        let c = select_enctypes(&[
            Enctype::RC4_HMAC,
            Enctype::DES3_CBC_SHA1,
            Enctype::AES128_CTS_HMAC_SHA1_96,
            Enctype::DES_CBC_MD5,
            Enctype::AES256_CTS_HMAC_SHA1_96,
            Enctype(99),
            Enctype::AES128_CTS_HMAC_SHA1_96,
        ]);
        assert_eq!(
            c.used,
            [
                Enctype::AES256_CTS_HMAC_SHA1_96,
                Enctype::AES128_CTS_HMAC_SHA1_96,
                Enctype::RC4_HMAC
            ]
        );
        let dropped: Vec<Enctype> = c.dropped.iter().map(|(e, _)| *e).collect();
        assert_eq!(
            dropped,
            [Enctype::DES3_CBC_SHA1, Enctype::DES_CBC_MD5, Enctype(99)]
        );
        // AES only: nothing else appears.
        let c = select_enctypes(&[Enctype::AES256_CTS_HMAC_SHA1_96]);
        assert_eq!(c.used, [Enctype::AES256_CTS_HMAC_SHA1_96]);
        assert!(c.dropped.is_empty());
        // Only weak ones: nothing usable, and generate refuses.
        assert!(select_enctypes(&[Enctype::DES_CBC_CRC]).used.is_empty());
        let mut s = site();
        s.enctypes.clear();
        assert!(matches!(
            generate(&s, &Target::ALL),
            Err(WebconfError::NoUsableEnctype { .. })
        ));
        s = site();
        s.kdcs.clear();
        assert!(matches!(
            generate(&s, &Target::ALL),
            Err(WebconfError::NoKdc { .. })
        ));
    }

    #[test]
    fn apache_block_uses_only_mod_auth_gssapi_directives() {
        let g = generate(&site(), &[Target::Apache]).unwrap();
        let c = &file(&g, APACHE_CONF).contents;
        for line in [
            "<Location \"/\">",
            "    AuthType GSSAPI",
            "    GssapiCredStore keytab:/etc/spnkt/portal.keytab",
            "    GssapiAcceptorName HTTP@portal.example.test",
            "    GssapiAllowedMech krb5",
            "    GssapiNegotiateOnce On",
            "    GssapiBasicAuth Off",
            "    Require valid-user",
            "</Location>",
        ] {
            assert!(c.lines().any(|l| l == line), "no {line:?} in\n{c}");
        }
        // Every Gssapi* directive is one of the module's (its README's list).
        const KNOWN: &[&str] = &[
            "GssapiAcceptorName",
            "GssapiAllowedMech",
            "GssapiBasicAuth",
            "GssapiBasicAuthMech",
            "GssapiBasicTicketTimeout",
            "GssapiConnectionBound",
            "GssapiCredStore",
            "GssapiDelegCcacheDir",
            "GssapiDelegCcacheEnvVar",
            "GssapiDelegCcachePerms",
            "GssapiDelegCcacheUnique",
            "GssapiImpersonate",
            "GssapiLocalName",
            "GssapiNameAttributes",
            "GssapiNegotiateOnce",
            "GssapiPublishErrors",
            "GssapiPublishMech",
            "GssapiRequiredNameAttributes",
            "GssapiSessionKey",
            "GssapiSignalPersistentAuth",
            "GssapiSSLonly",
            "GssapiUseS4U2Proxy",
            "GssapiUseSessions",
        ];
        for word in c.split(|ch: char| !ch.is_ascii_alphanumeric()) {
            if word.starts_with("Gssapi") {
                assert!(
                    KNOWN.contains(&word),
                    "{word} is no mod_auth_gssapi directive"
                );
            }
        }
        assert!(c.contains("KRB5_CONFIG=/etc/spnkt/krb5.conf"), "{c}");
        // A path with a space is quoted.
        let mut s = site();
        s.server_keytab = "/srv/web keys/portal.keytab".into();
        assert_eq!(
            apache_cred_store(&s),
            "GssapiCredStore \"keytab:/srv/web keys/portal.keytab\""
        );
    }

    #[test]
    fn nginx_block_uses_the_modules_directives() {
        let g = generate(&site(), &[Target::Nginx]).unwrap();
        let c = &file(&g, NGINX_CONF).contents;
        for line in [
            "location / {",
            "    auth_gss on;",
            "    auth_gss_keytab /etc/spnkt/portal.keytab;",
            "    auth_gss_realm EXAMPLE.TEST;",
            "    auth_gss_service_name HTTP/portal.example.test;",
            "    auth_gss_allow_basic_fallback off;",
            "#   env KRB5_CONFIG=/etc/spnkt/krb5.conf;",
        ] {
            assert!(c.lines().any(|l| l == line), "no {line:?} in\n{c}");
        }
        const KNOWN: &[&str] = &[
            "auth_gss",
            "auth_gss_zone_name",
            "auth_gss_realm",
            "auth_gss_keytab",
            "auth_gss_service_ccache",
            "auth_gss_service_name",
            "auth_gss_format_full",
            "auth_gss_force_realm",
            "auth_gss_allow_basic_fallback",
            "auth_gss_authorized_principal",
            "auth_gss_authorized_principal_regex",
            "auth_gss_map_to_local",
            "auth_gss_delegate_credentials",
            "auth_gss_constrained_delegation",
        ];
        for word in c.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')) {
            if word.starts_with("auth_gss") {
                assert!(
                    KNOWN.contains(&word),
                    "{word} is no spnego-http-auth directive"
                );
            }
        }
    }

    #[test]
    fn jaas_entry_and_jvm_options() {
        let g = generate(&site(), &[Target::Java]).unwrap();
        let c = &file(&g, JAAS_CONF).contents;
        for line in [
            "com.sun.security.jgss.krb5.accept {",
            "    com.sun.security.auth.module.Krb5LoginModule required",
            "        isInitiator=false",
            "        useKeyTab=true",
            "        storeKey=true",
            "        doNotPrompt=true",
            "        principal=\"HTTP/portal.example.test@EXAMPLE.TEST\"",
            "        keyTab=\"/etc/spnkt/portal.keytab\";",
            "};",
        ] {
            assert!(c.lines().any(|l| l == line), "no {line:?} in\n{c}");
        }
        assert_eq!(
            g.jvm_options,
            [
                "-Djava.security.krb5.conf=/etc/spnkt/krb5.conf",
                "-Djava.security.auth.login.config=/etc/spnkt/java-jaas.conf",
                "-Djavax.security.auth.useSubjectCredsOnly=false",
            ]
        );
        let args = &file(&g, JVM_ARGS).contents;
        for o in &g.jvm_options {
            assert!(args.lines().any(|l| l == o), "no {o} in\n{args}");
        }
    }

    #[test]
    fn jaas_and_argfile_quote_spaces_and_backslashes() {
        assert_eq!(
            jaas_quote("/srv/web keys/a.keytab"),
            "\"/srv/web keys/a.keytab\""
        );
        assert_eq!(
            jaas_quote(r"C:\Program Files\spnkt\a.keytab"),
            r#""C:\\Program Files\\spnkt\\a.keytab""#
        );
        assert_eq!(argfile_quote("-Dx=/a/b"), "-Dx=/a/b");
        assert_eq!(argfile_quote("-Dx=/a b/c"), "\"-Dx=/a b/c\"");
        assert_eq!(argfile_quote(r"-Dx=C:\a"), r#""-Dx=C:\\a""#);

        let mut s = site();
        s.server_keytab = r"C:\Program Files\IBM\spnego\portal.keytab".into();
        s.server_dir = r"C:\Program Files\IBM\spnego\".into();
        let g = generate(&s, &[Target::Java]).unwrap();
        let c = &file(&g, JAAS_CONF).contents;
        assert!(
            c.contains(r#"keyTab="C:\\Program Files\\IBM\\spnego\\portal.keytab";"#),
            "{c}"
        );
        let args = &file(&g, JVM_ARGS).contents;
        assert!(
            args.contains(
                r#""-Djava.security.auth.login.config=C:\\Program Files\\IBM\\spnego\\java-jaas.conf""#
            ),
            "{args}"
        );
        // Paths the files cannot carry are refused.
        for bad in ["/srv/${user.home}/k", "/srv/a\"b", "/srv/a\nb"] {
            let mut s = site();
            s.server_keytab = bad.into();
            assert!(
                matches!(
                    generate(&s, &[Target::Java]),
                    Err(WebconfError::Unrepresentable { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn websphere_on_windows_gets_krb5_ini_with_crlf() {
        let mut s = site();
        s.server_keytab = r"C:\IBM\spnego\portal.keytab".into();
        s.server_dir = r"C:\IBM\spnego".into();
        let g = generate(&s, &[Target::Websphere]).unwrap();
        let ini = &file(&g, KRB5_INI).contents;
        assert!(ini.ends_with("\r\n"), "{ini:?}");
        assert!(
            !ini.replace("\r\n", "").contains('\n'),
            "bare LF in {ini:?}"
        );
        assert!(
            ini.contains("default_keytab_name = FILE:C:\\IBM\\spnego\\portal.keytab\r\n"),
            "{ini}"
        );
        assert!(ini.contains("C:\\Windows\\krb5.ini"), "{ini}");
        // The same settings as krb5.conf.
        assert_eq!(
            crate::krb5conf::parse(ini),
            crate::krb5conf::parse(&file(&g, KRB5_CONF).contents)
        );
        let txt = &file(&g, WEBSPHERE_TXT).contents;
        for needle in [
            r"Kerberos configuration file with full path:  C:\IBM\spnego\krb5.ini",
            r"$AdminTask configureSpnego {-krb5Config {C:\IBM\spnego\krb5.ini} -krb5Keytab {C:\IBM\spnego\portal.keytab}}",
            "$AdminTask addSpnegoFilter {-hostName portal.example.test -krb5Realm EXAMPLE.TEST}",
            "$AdminConfig save",
            "-kdcHost dc1.example.test -kdcPort 88 -dns example.test",
            "-encryption aes256-cts-hmac-sha1-96|aes128-cts-hmac-sha1-96}",
        ] {
            assert!(txt.contains(needle), "no {needle:?} in\n{txt}");
        }
        // Only the commands IBM documents.
        for c in wsadmin_commands(&s) {
            let name = c.split_whitespace().nth(1).unwrap();
            assert!(
                ["configureSpnego", "addSpnegoFilter", "save"].contains(&name),
                "{c}"
            );
        }
        // On Unix, WebSphere is given krb5.conf.
        let g = generate(&site(), &[Target::Websphere]).unwrap();
        assert!(
            file(&g, WEBSPHERE_TXT)
                .contents
                .contains("-krb5Config /etc/spnkt/krb5.conf ")
        );
    }

    #[test]
    fn server_paths_join_with_the_servers_separator() {
        assert_eq!(
            join_server_path("/etc/spnkt/", "krb5.conf"),
            "/etc/spnkt/krb5.conf"
        );
        assert_eq!(join_server_path("/", "krb5.conf"), "/krb5.conf");
        assert_eq!(
            join_server_path(r"C:\spnkt", "krb5.ini"),
            r"C:\spnkt\krb5.ini"
        );
        assert_eq!(join_server_path("C:", "krb5.ini"), r"C:\krb5.ini");
        assert!(is_windows_path(r"\\server\share"));
        assert!(!is_windows_path("/etc/krb5.conf"));
    }

    #[test]
    fn next_steps_after_create_point_at_spnkt_config() {
        let steps = next_steps(&site(), Stage::Created);
        let text = steps.text();
        assert!(
            text.starts_with("Next steps:\n  1. Copy the keytab"),
            "{text}"
        );
        assert!(
            text.contains("spnkt config --keytab portal.keytab --for apache|java|websphere|nginx"),
            "{text}"
        );
        // The Apache line is the block's own.
        assert!(
            text.contains(&format!("       {}\n", apache_cred_store(&site()))),
            "{text}"
        );
        assert!(text.contains("curl --negotiate -u : https://portal.example.test/"));
        // After config: one step per server written for.
        let steps = next_steps(&site(), Stage::Configured(&[Target::Nginx, Target::Java]));
        let titles: Vec<&str> = steps.0.iter().map(|s| s.title.as_str()).collect();
        assert!(titles.iter().any(|t| t.starts_with("Java:")), "{titles:?}");
        assert!(titles.iter().any(|t| t.starts_with("nginx")), "{titles:?}");
        assert!(
            !titles.iter().any(|t| t.starts_with("Apache")),
            "{titles:?}"
        );
    }

    #[test]
    fn every_target_gets_its_files() {
        let g = generate(&site(), &Target::ALL).unwrap();
        let names: Vec<&str> = g.files.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                KRB5_CONF,
                KRB5_INI,
                APACHE_CONF,
                JAAS_CONF,
                JVM_ARGS,
                WEBSPHERE_TXT,
                NGINX_CONF
            ]
        );
        assert_eq!(file(&g, KRB5_CONF).targets, Target::ALL);
    }
}

//! Finding the directory and the KDC before anything is contacted but DNS: the realm
//! (given, else krb5.conf's default) and the domain controllers to try (the given
//! URL, else every target of DNS SRV `_ldap._tcp[.SITE._sites].dc._msdcs.REALM` in
//! RFC 2782 order, else the realm's KDC host). The KDC is the domain controller the
//! session ends up on (its port 88), unless `--kdc` names another: one DC answers
//! every LDAP read and write, the salt query and the proof, so nothing depends on
//! replication (adcli and msktutil pin one DC the same way). Every source used is
//! named in a note, so an admin can tell why spnkt talks to the server it does.

use std::path::PathBuf;
use std::time::Duration;

use super::{Error, Progress, Silent};
use crate::ad::ldap::ConnectOptions;
use crate::dns;
use crate::krb5conf::{self, Krb5Conf};
use crate::validate;
use crate::webconf::KdcSource;

/// How long a connection to the directory may take to open or answer.
pub const LDAP_TIMEOUT: Duration = Duration::from_secs(30);

/// What the admin said about where the directory and KDC are (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// `ldaps://HOST[:PORT]`, or `ldap://` with `starttls`.
    pub ldap_url: Option<String>,
    /// Upgrade an `ldap://` connection with StartTLS.
    pub starttls: bool,
    /// A PEM file with the CA of the domain controller's certificate.
    pub ca_cert: Option<PathBuf>,
    /// Do not check the domain controller's certificate (warned about).
    pub insecure_skip_verify: bool,
    /// The realm, as given (not yet upper-cased).
    pub realm: Option<String>,
    /// The KDC, `host[:port]`.
    pub kdc: Option<String>,
    /// The base DN for searches (default: the domain's naming context).
    pub base_dn: Option<String>,
    /// The AD site whose domain controllers DNS is asked for first.
    pub site: Option<String>,
    /// How long to wait for replication, and whether to wait for every DC.
    pub replication: Replication,
    /// The bind is Kerberos: plain `ldap://` is allowed (the bind seals it).
    pub kerberos_bind: bool,
    /// How long one LDAP operation or KDC exchange may take (`--timeout`); `None`:
    /// [`LDAP_TIMEOUT`] and [`crate::kdc::transport::TIMEOUT`].
    pub timeout: Option<Duration>,
}

/// Waiting for replication: when the proof goes to another DC than the one written
/// to, its "principal unknown" and "wrong key" answers are retried for `timeout`;
/// with `every_dc`, the new keys are checked with every writable DC before a run
/// returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replication {
    /// Check every domain controller of the domain with the new keys.
    pub every_dc: bool,
    /// Only these DCs (host names, case-insensitive) when checking every DC.
    pub only: Vec<String>,
    /// How long to wait at most.
    pub timeout: Duration,
}

/// The default `--replication-timeout`: minutes are normal across AD sites.
pub const DEFAULT_REPLICATION_TIMEOUT: Duration = Duration::from_secs(120);

impl Default for Replication {
    fn default() -> Replication {
        Replication {
            every_dc: false,
            only: Vec::new(),
            timeout: DEFAULT_REPLICATION_TIMEOUT,
        }
    }
}

/// Where to connect, decided: the input of [`super::Session::open`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// The LDAP connection to open (the first candidate's URL).
    pub options: ConnectOptions,
    /// Every domain controller URL to try, in order (the first is `options.url`);
    /// more than one only when they came from DNS.
    pub candidates: Vec<String>,
    /// From the request or krb5.conf; else taken from the directory later.
    pub realm: Option<String>,
    /// The realm was given explicitly (not krb5.conf's): a mismatch with the
    /// directory is then an error, not something to correct.
    pub realm_explicit: bool,
    /// The KDC, if one is known yet.
    pub kdc: Option<String>,
    /// The KDC was given explicitly.
    pub kdc_explicit: bool,
    /// The base DN asked for.
    pub base_dn: Option<String>,
    /// krb5.conf as read (to look again once the directory names the realm).
    pub conf: Krb5Conf,
    /// Replication waiting.
    pub replication: Replication,
    /// How long one KDC exchange may take.
    pub kdc_timeout: Duration,
}

/// Decide the realm and the domain controllers to try. Contacts nothing but DNS (SRV
/// records for a domain controller not given otherwise).
pub fn resolve(request: &Request, progress: &mut dyn Progress) -> Result<Settings, Error> {
    let conf = krb5conf::load();
    let realm = resolve_realm(request.realm.as_deref(), &conf, progress);
    let given_kdc = request.kdc.as_deref().filter(|k| !k.trim().is_empty());
    let candidates = match request.ldap_url.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(u) => vec![u.trim().to_owned()],
        None => {
            let from_dns = realm.as_deref().map_or_else(Vec::new, |r| {
                ldap_urls_from_dns(r, request.site.as_deref(), request.starttls, progress)
            });
            if from_dns.is_empty() {
                let kdc = resolve_kdc(given_kdc, realm.as_deref(), &conf, progress);
                let Some(host) = kdc.as_deref().map(host_of) else {
                    return Err(Error::NoDomainController);
                };
                let u = format!("ldaps://{host}");
                progress.note(format!("using --ldap-url {u} (the realm's KDC)"));
                vec![u]
            } else {
                from_dns
            }
        }
    };
    for url in &candidates {
        validate::check_url(url, request.starttls, request.kerberos_bind)?;
    }
    if request.insecure_skip_verify {
        progress.warn(
            "--insecure-skip-verify: the domain controller's certificate is NOT checked; anyone on the network path can pose as it and read the bind password. Use --ca-cert instead".to_owned(),
        );
    }
    Ok(Settings {
        options: ConnectOptions {
            url: candidates[0].clone(),
            starttls: request.starttls,
            ca_cert: request.ca_cert.clone(),
            insecure_skip_verify: request.insecure_skip_verify,
            timeout: request.timeout.unwrap_or(LDAP_TIMEOUT),
        },
        kdc_timeout: request.timeout.unwrap_or(crate::kdc::transport::TIMEOUT),
        candidates,
        realm,
        realm_explicit: request
            .realm
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        kdc: given_kdc.map(str::to_owned),
        kdc_explicit: given_kdc.is_some(),
        base_dn: request.base_dn.clone().filter(|b| !b.trim().is_empty()),
        conf,
        replication: request.replication.clone(),
    })
}

/// The KDC of the domain controller at `url`: its host, port 88.
pub fn kdc_of_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let hostport = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{}:88", host_of(hostport))
}

/// The given realm, else krb5.conf's default_realm; upper-cased (with a warning when
/// that changed it). None when neither gives one.
pub fn resolve_realm(
    given: Option<&str>,
    conf: &Krb5Conf,
    progress: &mut dyn Progress,
) -> Option<String> {
    match given.or(conf.default_realm.as_deref()) {
        Some(r) if r.trim().is_empty() => None,
        Some(r) => {
            let upper = r.trim().to_uppercase();
            if upper != r {
                progress.warn(format!(
                    "realm upper-cased to {upper}: AD realms are upper case"
                ));
            }
            Some(upper)
        }
        None => None,
    }
}

/// The given KDC, else the first kdc krb5.conf lists for `realm`, else the first
/// DNS SRV record `_kerberos._tcp.REALM` (RFC 2782 order), as `target:port`; with a
/// note naming the SRV record a KDC came from, or why DNS gave none.
pub fn resolve_kdc(
    given: Option<&str>,
    realm: Option<&str>,
    conf: &Krb5Conf,
    progress: &mut dyn Progress,
) -> Option<String> {
    if let Some(k) = given.filter(|k| !k.trim().is_empty()) {
        return Some(k.to_owned());
    }
    let realm = realm?;
    if let Some(k) = conf.kdcs_for(realm).first() {
        return Some(k.clone());
    }
    let name = kdc_srv_name(realm);
    match srv_first(&name) {
        Ok(srv) => {
            let kdc = srv.host_port();
            progress.note(format!("KDC {kdc} from DNS SRV {name}"));
            Some(kdc)
        }
        Err(e) => {
            progress.note(format!("no KDC from DNS: {e}"));
            None
        }
    }
}

/// Every KDC of `realm` and where they came from: the given ones, else the realm's
/// `kdc` lines in krb5.conf, else every DNS SRV record `_kerberos._tcp.REALM` (RFC 2782
/// order). With a note naming the source, or why DNS gave none; empty when nothing
/// names a KDC.
pub fn resolve_kdcs(
    given: &[String],
    realm: &str,
    conf: &Krb5Conf,
    progress: &mut dyn Progress,
) -> (Vec<String>, KdcSource) {
    let given: Vec<String> = given
        .iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    if !given.is_empty() {
        return (given, KdcSource::Given);
    }
    let listed = conf.kdcs_for(realm);
    if !listed.is_empty() {
        let path = conf
            .path
            .as_ref()
            .map_or_else(|| "krb5.conf".to_owned(), |p| p.display().to_string());
        progress.note(format!(
            "KDC {} for {realm} from krb5.conf ({path})",
            listed.join(", ")
        ));
        return (listed.to_vec(), KdcSource::Krb5Conf(path));
    }
    let name = kdc_srv_name(realm);
    match srv_all(&name) {
        Ok(records) => {
            let kdcs: Vec<String> = records.iter().map(dns::Srv::host_port).collect();
            progress.note(format!("KDC {} from DNS SRV {name}", kdcs.join(", ")));
            (kdcs, KdcSource::Dns(name))
        }
        Err(e) => {
            progress.note(format!("no KDC from DNS: {e}"));
            (Vec::new(), KdcSource::Dns(name))
        }
    }
}

/// [`resolve_kdc`] without notes.
pub fn resolve_kdc_quietly(
    given: Option<&str>,
    realm: Option<&str>,
    conf: &Krb5Conf,
) -> Option<String> {
    resolve_kdc(given, realm, conf, &mut Silent)
}

/// The DNS name of a realm's KDC SRV records.
pub fn kdc_srv_name(realm: &str) -> String {
    format!("_kerberos._tcp.{realm}")
}

/// The DNS name of a realm's domain controller SRV records (AD's DC locator).
pub fn ldap_srv_name(realm: &str) -> String {
    format!("_ldap._tcp.dc._msdcs.{realm}")
}

/// The DNS name of a site's domain controller SRV records.
pub fn site_srv_name(realm: &str, site: &str) -> String {
    format!("_ldap._tcp.{site}._sites.dc._msdcs.{realm}")
}

/// The domain controllers of `realm` from DNS SRV (the site's records first when
/// `site` is given, then the domain's), in RFC 2782 order, each once:
/// `ldaps://TARGET:636`, or `ldap://TARGET:PORT` with StartTLS. Empty (with a note
/// saying why) when DNS gives none.
pub fn ldap_urls_from_dns(
    realm: &str,
    site: Option<&str>,
    starttls: bool,
    progress: &mut dyn Progress,
) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(site) = site.filter(|s| !s.trim().is_empty()) {
        names.push(site_srv_name(realm, site.trim()));
    }
    names.push(ldap_srv_name(realm));
    let mut urls: Vec<String> = Vec::new();
    for name in &names {
        match srv_all(name) {
            Ok(records) => {
                let found: Vec<String> = records
                    .iter()
                    .map(|srv| {
                        if starttls {
                            format!("ldap://{}:{}", srv.target, srv.port)
                        } else {
                            format!("ldaps://{}:636", srv.target)
                        }
                    })
                    .collect();
                progress.note(format!(
                    "domain controllers from DNS SRV {name}: {}",
                    found.join(", ")
                ));
                for u in found {
                    if !urls.contains(&u) {
                        urls.push(u);
                    }
                }
            }
            Err(e) => progress.note(format!("no domain controller from DNS: {e}")),
        }
    }
    urls
}

/// The first domain controller [`ldap_urls_from_dns`] finds.
pub fn ldap_url_from_dns(
    realm: &str,
    starttls: bool,
    progress: &mut dyn Progress,
) -> Option<String> {
    ldap_urls_from_dns(realm, None, starttls, progress)
        .into_iter()
        .next()
}

/// Every usable SRV record of `name` in RFC 2782 order (a "." target means the
/// service is not offered there and is dropped).
fn srv_all(name: &str) -> Result<Vec<dns::Srv>, dns::DnsError> {
    let records: Vec<dns::Srv> = dns::Resolver::from_env()?
        .lookup_srv(name)?
        .into_iter()
        .filter(|r| !r.target.is_empty())
        .collect();
    if records.is_empty() {
        return Err(dns::DnsError::NoRecord {
            name: name.to_owned(),
        });
    }
    Ok(records)
}

/// The first SRV record of `name`, asking the nameserver of SPNKT_DNS_SERVER or
/// /etc/resolv.conf.
fn srv_first(name: &str) -> Result<dns::Srv, dns::DnsError> {
    dns::Resolver::from_env()?
        .lookup_srv(name)?
        .into_iter()
        .next()
        .ok_or_else(|| dns::DnsError::NoRecord {
            name: name.to_owned(),
        })
}

/// The host of `host[:port]` (an IPv6 address keeps its brackets).
pub fn host_of(kdc: &str) -> &str {
    if kdc.starts_with('[') {
        return kdc.split_once(']').map_or(kdc, |(h, _)| &kdc[..=h.len()]);
    }
    match kdc.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => kdc,
    }
}

/// What the wizard finds before asking anything.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The realm (given or krb5.conf's default).
    pub realm: Option<String>,
    /// The realm's KDC, if known.
    pub kdc: Option<String>,
    /// The suggested directory URL and where it came from.
    pub ldap_url: Option<(String, String)>,
    /// The suggested bind user and where it came from.
    pub admin: Option<(String, String)>,
}

/// Realm, KDC, domain controller and admin from the request, krb5.conf, DNS and the
/// credential cache (KRB5CCNAME), for defaults; silent but for the realm's warning.
pub fn discover(
    request: &Request,
    bind_user: Option<&str>,
    progress: &mut dyn Progress,
) -> Discovered {
    let conf = krb5conf::load();
    let realm = resolve_realm(request.realm.as_deref(), &conf, progress);
    let kdc = resolve_kdc_quietly(request.kdc.as_deref(), realm.as_deref(), &conf);
    let ldap_url = request
        .ldap_url
        .clone()
        .map(|u| (u, "--ldap-url / SPNKT_LDAP_URL".to_owned()))
        .or_else(|| {
            realm
                .as_deref()
                .and_then(|r| ldap_url_from_dns(r, request.starttls, &mut Silent))
                .map(|u| (u, "DNS SRV".to_owned()))
        })
        .or_else(|| {
            kdc.as_deref().map(|k| {
                (
                    format!("ldaps://{}", host_of(k)),
                    "the realm's KDC in krb5.conf".to_owned(),
                )
            })
        });
    let admin = bind_user
        .map(|u| (u.to_owned(), "--bind-user / SPNKT_BIND_USER".to_owned()))
        .or_else(|| {
            super::credentials::ccache_principal().map(|p| (p, "the credential cache".to_owned()))
        });
    Discovered {
        realm,
        kdc,
        ldap_url,
        admin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_addresses() {
        assert_eq!(host_of("127.0.0.1:88"), "127.0.0.1");
        assert_eq!(host_of("dc1.example.com"), "dc1.example.com");
        assert_eq!(host_of("[::1]:88"), "[::1]");
    }

    #[test]
    fn the_kdc_is_the_domain_controllers() {
        assert_eq!(kdc_of_url("ldaps://dca.corp.test:636"), "dca.corp.test:88");
        assert_eq!(kdc_of_url("ldap://127.0.0.11"), "127.0.0.11:88");
        assert_eq!(kdc_of_url("ldaps://[::1]:636/"), "[::1]:88");
    }
}

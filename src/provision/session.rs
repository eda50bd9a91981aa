//! One bound connection to one domain controller, and what it told us: the realm,
//! the base DN, the KDC the run proves keys with (that DC's own, unless `--kdc`
//! names another). Every directory operation of a run goes through one
//! [`Session`]. When DNS gave several domain controllers, each is tried in turn
//! with a short deadline; the first that answers, binds and is writable is used for
//! the whole run, and the notes say why the others were skipped.

use std::net::ToSocketAddrs as _;
use std::time::Duration;

use std::sync::Arc;

use super::bind::{KerberosLogin, Tickets};
use super::{Error, Progress, locate};
use crate::ad::CertificateInfo;
use crate::ad::entry::Entry;
use crate::ad::ldap::{Credentials, Directory, LdapError, RootDse, Scope, SimpleBind};
use crate::kdc::KdcAddress;
use crate::krb::Password;

/// How to authenticate to the directory.
#[derive(Debug)]
pub enum Bind {
    /// An LDAP simple bind (over TLS only): `user@REALM`, `DOMAIN\user` or a DN.
    Simple {
        /// The account to bind as.
        user: String,
        /// Its password (zeroized on drop, redacted in `Debug`).
        password: Password,
    },
    /// A Kerberos (SASL GSSAPI) bind with spnkt's own Kerberos client.
    Kerberos(KerberosLogin),
}

impl Bind {
    /// The account bound as, as the admin named it.
    pub fn user(&self) -> String {
        match self {
            Bind::Simple { user, .. } => user.clone(),
            Bind::Kerberos(login) => login.user(),
        }
    }
}

/// A bound connection and what it told us.
pub struct Session {
    /// The LDAP connection.
    pub dir: Directory,
    /// The domain controller's rootDSE.
    pub root: RootDse,
    /// Where searches start (`--base-dn`, else the domain's naming context).
    pub base_dn: String,
    /// The realm: the directory's domain in upper case.
    pub realm: String,
    /// The KDC keys are proven with, if one is known.
    pub kdc: Option<String>,
    /// The directory URL connected to.
    pub url: String,
    /// The account bound as.
    pub bind_user: String,
    /// The domain controller's DNS host name (its rootDSE's `dnsHostName`, else the
    /// URL's host): where every LDAP operation of the run goes.
    pub dc: String,
    /// The domain controller is read-only (an RODC): it cannot take writes. Known
    /// when DNS gave several DCs to choose from (`None` otherwise: with one DC, a
    /// read-only one refuses the first write with a referral, before anything is
    /// changed, and that costs no search up front).
    pub read_only: Option<bool>,
    /// The KDC is not the LDAP domain controller's own (`--kdc` elsewhere): new
    /// accounts and keys reach it only by replication, which is waited for.
    pub kdc_elsewhere: bool,
    /// Replication waiting, as asked for.
    pub replication: locate::Replication,
    /// How long one KDC exchange may take (`--timeout`).
    pub kdc_timeout: Duration,
    /// Why the DNS check could not ask a nameserver earlier in this run (a timeout):
    /// the next checks do not wait for it again.
    pub(super) dns_unreachable: Option<String>,
    /// The domain's Users container, once known ([`Session::users_container`]).
    users_container: Option<String>,
}

/// How long one domain controller among several may take to answer a connection.
const CANDIDATE_TIMEOUT: Duration = Duration::from_secs(5);

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("url", &self.url)
            .field("realm", &self.realm)
            .field("base_dn", &self.base_dn)
            .field("kdc", &self.kdc)
            .field("bind_user", &self.bind_user)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Connect, bind, read the rootDSE, and settle the realm and KDC: in AD the
    /// realm is the domain's DNS name in upper case, so the directory is the
    /// authority (a krb5.conf default realm for another domain — Debian ships
    /// ATHENA.MIT.EDU — is corrected with a warning; an explicit one that differs is
    /// refused).
    pub fn open(
        settings: locate::Settings,
        bind: Bind,
        progress: &mut dyn Progress,
    ) -> Result<Session, Error> {
        let bind_user = bind.user();
        let credentials = match bind {
            Bind::Simple { user, password } => Credentials::Simple(SimpleBind { user, password }),
            Bind::Kerberos(login) => Credentials::Kerberos(Arc::new(Tickets::new(login))),
        };
        let several = settings.candidates.len() > 1;
        let mut first_failure: Option<Error> = None;
        let mut chosen = None;
        for (i, url) in settings.candidates.iter().enumerate() {
            let mut options = settings.options.clone();
            options.url = url.clone();
            if several {
                options.timeout = CANDIDATE_TIMEOUT.min(options.timeout);
            }
            let mut dir = match open_once_more(&options, &credentials, progress) {
                Ok(d) => d,
                // A wrong password is wrong on every DC: trying the next would only
                // count towards the account's lockout.
                Err(cause) if cause.is_bind_failure() => {
                    return Err(Error::Bind {
                        url: url.clone(),
                        user: bind_user.clone(),
                        cause,
                    });
                }
                Err(cause) if several && reachability(&cause) => {
                    progress.note(format!("skipped domain controller {url}: {cause}"));
                    first_failure.get_or_insert(Error::Connect {
                        url: url.clone(),
                        cause,
                    });
                    continue;
                }
                Err(cause) => {
                    return Err(Error::Connect {
                        url: url.clone(),
                        cause,
                    });
                }
            };
            // Among several DCs a read-only one is skipped; with one, a command
            // that writes asks later.
            let read_only = several.then(|| is_read_only(&mut dir));
            if read_only == Some(true) && i + 1 < settings.candidates.len() {
                progress.note(format!(
                    "skipped domain controller {url}: it is read-only (an RODC takes no writes)"
                ));
                continue;
            }
            if several {
                progress.note(format!(
                    "using domain controller {url} for the whole run (LDAP and KDC)"
                ));
            }
            chosen = Some((dir, url.clone(), read_only));
            break;
        }
        let Some((mut dir, url, read_only)) = chosen else {
            return Err(first_failure.unwrap_or(Error::NoDomainController));
        };
        dir.set_timeout(settings.options.timeout);
        let root = dir.root_dse().map_err(|cause| Error::RootDse { cause })?;
        let base_dn = settings
            .base_dn
            .clone()
            .unwrap_or_else(|| root.default_naming_context.clone());
        let dir_realm = realm_from_dn(&root.default_naming_context);
        let (realm, realm_corrected) = match (settings.realm.clone(), dir_realm) {
            (Some(r), Some(d)) if r != d => {
                if settings.realm_explicit {
                    return Err(Error::RealmMismatch {
                        given: r,
                        directory: d,
                        naming_context: root.default_naming_context.clone(),
                    });
                }
                progress.warn(format!(
                    "krb5.conf's default realm {r} is not the directory's: using {d} (from {})",
                    root.default_naming_context
                ));
                (d, true)
            }
            (Some(r), _) => (r, false),
            (None, _) => {
                let r = realm_from_dn(&base_dn).ok_or(Error::NoRealm)?;
                progress.note(format!("realm {r} (from the base DN {base_dn})"));
                (r, true)
            }
        };
        let _ = realm_corrected;
        let dc = root
            .dns_host_name
            .clone()
            .unwrap_or_else(|| locate::host_of(&locate::kdc_of_url(&url)).to_owned());
        // One DC for the run: its own KDC, unless --kdc names another.
        let own_kdc = locate::kdc_of_url(&url);
        let kdc = settings.kdc.clone().unwrap_or_else(|| own_kdc.clone());
        let kdc_elsewhere = settings.kdc_explicit && !same_machine(&kdc, &own_kdc);
        if kdc_elsewhere {
            progress.note(format!(
                "the KDC {kdc} is not the domain controller written to ({dc}): spnkt waits up to {} s for each change to replicate to it",
                settings.replication.timeout.as_secs()
            ));
        }
        Ok(Session {
            dir,
            root,
            base_dn,
            realm,
            kdc: Some(kdc),
            url,
            bind_user,
            dc,
            read_only,
            kdc_elsewhere,
            replication: settings.replication,
            kdc_timeout: settings.kdc_timeout,
            dns_unreachable: None,
            users_container: None,
        })
    }

    /// Another session with the same domain controller, bind and settings over a
    /// connection of its own, for work done in parallel (`apply --jobs`): the run
    /// stays on ONE domain controller.
    pub fn another(&self) -> Result<Session, Error> {
        let dir = self.dir.another().map_err(|cause| Error::Connect {
            url: self.url.clone(),
            cause,
        })?;
        Ok(Session {
            dir,
            root: self.root.clone(),
            base_dn: self.base_dn.clone(),
            realm: self.realm.clone(),
            kdc: self.kdc.clone(),
            url: self.url.clone(),
            bind_user: self.bind_user.clone(),
            dc: self.dc.clone(),
            read_only: self.read_only,
            kdc_elsewhere: self.kdc_elsewhere,
            replication: self.replication.clone(),
            kdc_timeout: self.kdc_timeout,
            dns_unreachable: self.dns_unreachable.clone(),
            users_container: self.users_container.clone(),
        })
    }

    /// Count the LDAP round trips and connection events of `other` (a parallel
    /// session that is done) as this session's.
    pub fn absorb(&mut self, other: &mut Session) {
        self.dir.absorb(&mut other.dir);
    }

    /// Refuse to write to a domain controller known to be read-only.
    pub fn require_writable(&mut self) -> Result<(), Error> {
        if self.read_only == Some(true) {
            return Err(Error::ReadOnlyDc {
                url: self.url.clone(),
            });
        }
        Ok(())
    }

    /// The KDC address, or the error naming how to give one.
    pub fn kdc(&self) -> Result<KdcAddress, Error> {
        self.kdc
            .clone()
            .map(|k| self.kdc_at(&k))
            .ok_or_else(|| Error::NoKdc {
                realm: self.realm.clone(),
                to_prove_keys: false,
            })
    }

    /// The KDC at `address` (a plan step's), with this run's deadline for each
    /// exchange.
    pub fn kdc_at(&self, address: &str) -> KdcAddress {
        KdcAddress::new(address).with_timeout(self.kdc_timeout)
    }

    /// Report what the directory connection did about lost connections (reconnected,
    /// a write found done or repeated) as notes.
    pub fn report_reconnects(&mut self, progress: &mut dyn Progress) {
        for event in self.dir.take_events() {
            progress.note(event);
        }
    }

    /// LDAP round trips made so far (the report shows them).
    pub fn round_trips(&self) -> u64 {
        self.dir.round_trips()
    }

    /// The default container for new accounts: the domain's Users container, as
    /// its well-known object names it (MS-ADTS 6.1.1.4): `CN=Users,<domain>` unless
    /// an admin redirected it (`redirusr`), and in the domain, not below a
    /// `--base-dn` OU. Known without a round trip of its own when the preflight's
    /// domain search brought the domain object along; else one base search of
    /// `<WKGUID=...,defaultNamingContext>`.
    pub fn users_container(&mut self) -> Result<String, Error> {
        if let Some(c) = &self.users_container {
            return Ok(c.clone());
        }
        let nc = self.root.default_naming_context.clone();
        let wkguid_dn = format!("<WKGUID={USERS_CONTAINER_WKGUID},{nc}>");
        let doing = || format!("cannot find the domain's Users container ({wkguid_dn})");
        let found = self
            .dir
            .search(
                &wkguid_dn,
                Scope::Base,
                "(objectClass=*)",
                &["distinguishedName"],
            )
            .map_err(|cause| Error::Directory {
                doing: doing(),
                cause,
                hint: USERS_CONTAINER_HINT,
            })?;
        let dn = found
            .first()
            .map(|e| e.first("distinguishedName").unwrap_or(&e.dn).to_owned())
            .filter(|dn| !dn.is_empty() && !dn.starts_with('<'))
            .ok_or_else(|| Error::Directory {
                doing: doing(),
                cause: LdapError::NoSuchObject {
                    dn: wkguid_dn.clone(),
                    diagnostic: "the search returned no entry".to_owned(),
                },
                hint: USERS_CONTAINER_HINT,
            })?;
        self.users_container = Some(dn.clone());
        Ok(dn)
    }

    /// The default container's DN as far as known without a read: the Users
    /// container once read, else `CN=Users,<domain>` (where it is unless an admin
    /// redirected it). For the preflight's search, which reads the real name along.
    pub fn users_container_guess(&self) -> String {
        self.users_container
            .clone()
            .unwrap_or_else(|| format!("CN=Users,{}", self.root.default_naming_context))
    }

    /// A term to OR into a subtree search of the base DN so that it also returns
    /// the domain object, whose `wellKnownObjects` ([`WELL_KNOWN_OBJECTS`]) name the
    /// Users container: only while that is unknown and the base DN is the domain's
    /// naming context (below an OU the domain object is not in the search).
    pub(super) fn domain_object_term(&self) -> &'static str {
        if self.users_container.is_none()
            && self
                .base_dn
                .eq_ignore_ascii_case(&self.root.default_naming_context)
        {
            "(objectClass=domainDNS)"
        } else {
            ""
        }
    }

    /// Take the domain object a search with [`Session::domain_object_term`] returned
    /// out of `entries`, keeping the Users container its `wellKnownObjects` name.
    pub(super) fn take_domain_object(&mut self, entries: &mut Vec<Entry>) {
        let nc = self.root.default_naming_context.clone();
        entries.retain(|e| {
            if !e.dn.eq_ignore_ascii_case(&nc) {
                return true;
            }
            if let Some(c) = users_container_of(e.values(WELL_KNOWN_OBJECTS)) {
                self.users_container = Some(c);
            }
            false
        });
    }
}

/// The well-known GUID of the Users container (MS-ADTS 6.1.1.4:
/// GUID_USERS_CONTAINER_W, as the hex of the GUID's bytes).
pub const USERS_CONTAINER_WKGUID: &str = "a9d1ca15768811d1aded00c04fd8d5cd";

/// The domain object's attribute listing its well-known objects.
pub const WELL_KNOWN_OBJECTS: &str = "wellKnownObjects";

/// What to do when the Users container cannot be found.
const USERS_CONTAINER_HINT: &str = "give the container for the account with --ou";

/// The Users container among `wellKnownObjects` values, Object(DN-Binary)
/// `B:32:A9D1CA15768811D1ADED00C04FD8D5CD:CN=Users,DC=example,DC=com` (MS-ADTS
/// 6.1.1.4).
pub fn users_container_of(values: &[String]) -> Option<String> {
    values.iter().find_map(|v| {
        let rest = v.strip_prefix("B:32:")?;
        let (guid, dn) = rest.split_at_checked(32)?;
        let dn = dn.strip_prefix(':')?;
        (guid.eq_ignore_ascii_case(USERS_CONTAINER_WKGUID) && !dn.is_empty()).then(|| dn.to_owned())
    })
}

/// The TLS certificate of the domain controller at `url`, unchecked, for a person
/// to look at before trusting its issuer (the wizard shows it).
pub fn server_certificate(url: &str, starttls: bool) -> Result<CertificateInfo, Error> {
    let options = crate::ad::ldap::ConnectOptions {
        url: url.to_owned(),
        starttls,
        ca_cert: None,
        insecure_skip_verify: true,
        timeout: CANDIDATE_TIMEOUT,
    };
    crate::ad::ldap::server_certificate(&options).map_err(|cause| Error::Connect {
        url: url.to_owned(),
        cause,
    })
}

/// Check that `path` is a PEM file of CA certificates.
pub fn check_ca_file(path: &std::path::Path) -> Result<(), LdapError> {
    crate::ad::ldap::check_ca_file(path)
}

/// Connect and bind; a connection that breaks during the TLS handshake or the bind
/// is opened once more (a DC that does not answer at all is not: the next one is
/// tried instead).
fn open_once_more(
    options: &crate::ad::ldap::ConnectOptions,
    credentials: &Credentials,
    progress: &mut dyn Progress,
) -> Result<Directory, LdapError> {
    match Directory::open(options, credentials) {
        Err(e @ LdapError::ConnectionLost { .. }) => {
            progress.note(format!("{e}; connecting once more"));
            Directory::open(options, credentials)
        }
        r => r,
    }
}

/// Whether a connection failure means "this DC is not there" (try the next one)
/// rather than a problem every DC would have.
fn reachability(e: &LdapError) -> bool {
    matches!(
        e,
        LdapError::Connect { .. } | LdapError::Timeout { .. } | LdapError::ConnectionLost { .. }
    )
}

/// The rootDSE's `dsServiceName` names the DC's NTDS Settings object, whose
/// `msDS-isRODC` says whether it is read-only. Unknown counts as writable.
fn is_read_only(dir: &mut Directory) -> bool {
    let Some(ntds) = dir.root_dse().ok().and_then(|dse| dse.ds_service_name) else {
        return false;
    };
    dir.search(&ntds, Scope::Base, "(objectClass=*)", &["msDS-isRODC"])
        .ok()
        .and_then(|e| {
            e.first()
                .and_then(|e| e.first("msDS-isRODC"))
                .map(str::to_owned)
        })
        .is_some_and(|v| v.eq_ignore_ascii_case("TRUE"))
}

/// Whether two `host:port` addresses are the same machine: the same name, or names
/// that resolve to a common address.
fn same_machine(a: &str, b: &str) -> bool {
    let (ha, hb) = (locate::host_of(a), locate::host_of(b));
    if ha.eq_ignore_ascii_case(hb) {
        return true;
    }
    let ips = |h: &str| -> Vec<std::net::IpAddr> {
        (h.trim_matches(['[', ']']), 88)
            .to_socket_addrs()
            .map(|it| it.map(|s| s.ip()).collect())
            .unwrap_or_default()
    };
    let ia = ips(ha);
    ips(hb).iter().any(|ip| ia.contains(ip))
}

pub use crate::ad::realm_from_dn;

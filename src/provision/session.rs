//! One bound connection to one domain controller, and what it told us: the realm,
//! the base DN, the KDC the run proves keys with. Every directory operation of a run
//! goes through one [`Session`].

use super::{Error, Progress, locate};
use crate::ad::ldap::{Directory, RootDse, SimpleBind};
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
}

impl Bind {
    /// The account bound as, as the admin named it.
    pub fn user(&self) -> &str {
        match self {
            Bind::Simple { user, .. } => user,
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
}

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
        let url = settings.options.url.clone();
        let mut dir = Directory::connect(&settings.options).map_err(|cause| Error::Connect {
            url: url.clone(),
            cause,
        })?;
        let bind_user = bind.user().to_owned();
        match bind {
            Bind::Simple { user, password } => dir.bind(&SimpleBind { user, password }),
        }
        .map_err(|cause| Error::Bind {
            url: url.clone(),
            user: bind_user.clone(),
            cause,
        })?;
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
        // The KDC was looked for (krb5.conf, DNS) for the realm known before
        // connecting; look again when the realm only now became known or changed.
        let kdc = if settings.kdc_explicit || !realm_corrected {
            settings.kdc.clone()
        } else {
            locate::resolve_kdc(None, Some(&realm), &settings.conf, progress)
        };
        Ok(Session {
            dir,
            root,
            base_dn,
            realm,
            kdc,
            url,
            bind_user,
        })
    }

    /// The KDC address, or the error naming how to give one.
    pub fn kdc(&self) -> Result<KdcAddress, Error> {
        self.kdc
            .clone()
            .map(KdcAddress)
            .ok_or_else(|| Error::NoKdc {
                realm: self.realm.clone(),
                to_prove_keys: false,
            })
    }

    /// LDAP round trips made so far (the report shows them).
    pub fn round_trips(&self) -> u64 {
        self.dir.round_trips()
    }

    /// The default container for new accounts: `CN=Users` below the base DN.
    pub fn users_container(&self) -> String {
        format!("CN=Users,{}", self.base_dn)
    }
}

/// `DC=example,DC=com` → `EXAMPLE.COM`.
pub fn realm_from_dn(dn: &str) -> Option<String> {
    let parts: Vec<String> = dn
        .split(',')
        .filter_map(|rdn| {
            let (k, v) = rdn.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("dc")
                .then(|| v.trim().to_uppercase())
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realms_of_dns() {
        assert_eq!(
            realm_from_dn("DC=example,DC=test").as_deref(),
            Some("EXAMPLE.TEST")
        );
        assert_eq!(
            realm_from_dn("OU=x, dc=Corp ,dc=example,DC=com").as_deref(),
            Some("CORP.EXAMPLE.COM")
        );
        assert_eq!(realm_from_dn("CN=x"), None);
    }
}

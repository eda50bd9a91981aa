//! The admin's Kerberos credentials: the credential cache KRB5CCNAME names (or MIT's
//! default), its ticket-granting ticket for a realm, and its default principal.

use std::path::PathBuf;

use crate::kdc::Tgt;
use crate::krb::{Principal, ccache, ticket};

/// The admin's credential cache, as KRB5CCNAME (or the default) names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CcacheSource {
    /// A `FILE:` cache (or a plain path).
    File(PathBuf),
    /// A ccache type spnkt cannot read (KEYRING:, KCM:, DIR:, MEMORY:, ...).
    Unsupported(String),
    /// No KRB5CCNAME and no default could be worked out.
    None,
}

impl CcacheSource {
    /// KRB5CCNAME, else MIT's default `/tmp/krb5cc_<uid>`.
    pub fn from_env() -> CcacheSource {
        match std::env::var_os("KRB5CCNAME") {
            Some(v) => CcacheSource::from_name(&v.to_string_lossy()),
            None => default_ccache().map_or(CcacheSource::None, CcacheSource::File),
        }
    }

    /// A ccache name as KRB5CCNAME spells it.
    pub fn from_name(v: &str) -> CcacheSource {
        if let Some(path) = v.strip_prefix("FILE:") {
            return CcacheSource::File(PathBuf::from(path));
        }
        match v.split_once(':') {
            // A type prefix (`KEYRING:persistent:1000`), not a Windows drive letter
            // or a path with a colon after a slash.
            Some((t, _)) if t.len() > 1 && !t.contains('/') && !t.contains('\\') => {
                CcacheSource::Unsupported(v.to_owned())
            }
            _ => CcacheSource::File(PathBuf::from(v)),
        }
    }
}

/// MIT's default `FILE:/tmp/krb5cc_<uid>`; the uid is the owner of /proc/self.
#[cfg(unix)]
fn default_ccache() -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt as _;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    Some(PathBuf::from(format!("/tmp/krb5cc_{uid}")))
}

#[cfg(not(unix))]
fn default_ccache() -> Option<PathBuf> {
    None
}

/// A valid (not expired at `now`) TGT for `realm` in the ccache and the cache's
/// name, or why there is none, in words.
pub fn ccache_tgt(source: &CcacheSource, realm: &str, now: i64) -> Result<(Tgt, String), String> {
    let path = match source {
        CcacheSource::File(p) => p,
        CcacheSource::Unsupported(name) => {
            return Err(format!(
                "KRB5CCNAME={name} is a credential cache type spnkt cannot read (only FILE:)"
            ));
        }
        CcacheSource::None => return Err("no credential cache is known".into()),
    };
    let name = format!("FILE:{}", path.display());
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("the ccache {name} does not exist"));
        }
        Err(e) => return Err(format!("cannot read the ccache {name}: {e}")),
    };
    let cc = ccache::parse(&bytes).map_err(|e| format!("the ccache {name} is invalid: {e}"))?;
    let mut expired: Option<i64> = None;
    let mut best: Option<&ccache::Credential> = None;
    for c in cc.credentials.iter().filter(|c| !c.is_config()) {
        let s = &c.server;
        let is_tgt = s.realm == realm
            && s.components.len() == 2
            && s.components[0] == "krbtgt"
            && s.components[1] == realm;
        if !is_tgt {
            continue;
        }
        let end = i64::from(c.endtime);
        if end <= now {
            expired = Some(expired.map_or(end, |e| e.max(end)));
        } else if best.is_none_or(|b| c.endtime > b.endtime) {
            best = Some(c);
        }
    }
    let Some(c) = best else {
        return Err(match expired {
            Some(end) => format!(
                "the ticket-granting ticket for {realm} in the ccache {name} expired {}",
                crate::timefmt::format_relative(end, now)
            ),
            None => format!("the ccache {name} holds no ticket-granting ticket for {realm}"),
        });
    };
    let t = ticket::parse_ticket(&c.ticket).map_err(|e| {
        format!("the ticket-granting ticket in the ccache {name} does not parse: {e}")
    })?;
    Ok((
        Tgt {
            client: c.client.clone(),
            ticket: t,
            session_key: c.key.clone(),
            flags: c.flags,
            endtime: i64::from(c.endtime),
        },
        name,
    ))
}

/// The default principal of the ccache named by KRB5CCNAME (FILE: caches only).
pub fn ccache_principal() -> Option<String> {
    let name = std::env::var("KRB5CCNAME").ok()?;
    let CcacheSource::File(path) = CcacheSource::from_name(&name) else {
        return None;
    };
    ccache_principal_of(&path)
}

/// The default principal of the ccache file at `path`.
pub fn ccache_principal_of(path: &std::path::Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let cc = ccache::parse(&bytes).ok()?;
    Some(cc.default_principal.to_string())
}

/// Why a bind user cannot log in to a KDC as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserPrincipalError {
    /// A DN names a directory object, not a Kerberos client.
    #[error("--bind-user {user} is a DN: the KDC needs a user name to log in with")]
    Dn {
        /// The bind user as given.
        user: String,
    },
    /// Not a principal name.
    #[error("--bind-user {user}: {cause}")]
    Malformed {
        /// The bind user as given.
        user: String,
        /// What is wrong with it.
        cause: String,
    },
}

/// A bind user as a Kerberos client: `user@REALM`, `DOMAIN\user` (-> user@REALM)
/// or `user` (in `realm`). A DN cannot log in to a KDC.
pub fn user_principal(user: &str, realm: &str) -> Result<Principal, UserPrincipalError> {
    if user.contains('=') {
        return Err(UserPrincipalError::Dn {
            user: user.to_owned(),
        });
    }
    let name = user.split_once('\\').map_or(user, |(_, u)| u);
    Principal::parse_with_default_realm(name, Some(realm)).map_err(|e| {
        UserPrincipalError::Malformed {
            user: user.to_owned(),
            cause: e.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ccache_names() {
        assert_eq!(
            CcacheSource::from_name("FILE:/tmp/x"),
            CcacheSource::File("/tmp/x".into())
        );
        assert_eq!(
            CcacheSource::from_name("/tmp/krb5cc_0"),
            CcacheSource::File("/tmp/krb5cc_0".into())
        );
        assert!(matches!(
            CcacheSource::from_name("KEYRING:persistent:0"),
            CcacheSource::Unsupported(_)
        ));
        assert_eq!(
            CcacheSource::from_name("C:\\tmp\\cc"),
            CcacheSource::File("C:\\tmp\\cc".into())
        );
    }

    #[test]
    fn bind_users_as_principals() {
        assert_eq!(
            user_principal("alice@MIT.TEST", "X").unwrap().to_string(),
            "alice@MIT.TEST"
        );
        assert_eq!(
            user_principal("EXAMPLE\\admin", "EXAMPLE.COM")
                .unwrap()
                .to_string(),
            "admin@EXAMPLE.COM"
        );
        assert_eq!(
            user_principal("admin", "EXAMPLE.COM").unwrap().to_string(),
            "admin@EXAMPLE.COM"
        );
        assert!(user_principal("CN=admin,CN=Users,DC=example,DC=com", "EXAMPLE.COM").is_err());
    }
}

//! Kerberos logins for the directory bind: the admin's ticket-granting ticket from
//! the credential cache (`--bind-kerberos`), or a login with the keys of a keytab
//! into memory (`--bind-keytab FILE`, a pipeline's deploy account: no password
//! anywhere, nothing written to disk). Either way the service ticket for the
//! domain controller's `ldap/` service is asked of that DC's own KDC, so the bind,
//! like everything else in a run, involves one DC.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::credentials::{self, CcacheSource};
use crate::ad::sasl::{ServiceTicket, TicketSource};
use crate::kdc::{self, KdcAddress, Tgt};
use crate::keytab_file;
use crate::krb::{Key, Principal};

/// Where a Kerberos bind's ticket-granting ticket comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KerberosLogin {
    /// The credential cache KRB5CCNAME names (or MIT's default).
    Ccache(CcacheSource),
    /// Log in as `user` with the newest keys for it in `keytab`.
    Keytab {
        /// The account (`user@REALM`, `DOMAIN\user` or `user`).
        user: String,
        /// The keytab holding its keys.
        keytab: PathBuf,
    },
}

impl KerberosLogin {
    /// Who binds, as the admin would recognise it.
    pub fn user(&self) -> String {
        match self {
            KerberosLogin::Ccache(CcacheSource::File(path)) => {
                credentials::ccache_principal_of(path).unwrap_or_else(|| {
                    format!("the principal of the ccache FILE:{}", path.display())
                })
            }
            KerberosLogin::Ccache(CcacheSource::Unsupported(name)) => {
                format!("the principal of the ccache {name}")
            }
            KerberosLogin::Ccache(CcacheSource::None) => "the credential cache's principal".into(),
            KerberosLogin::Keytab { user, .. } => user.clone(),
        }
    }
}

/// A [`TicketSource`] over a login: the TGT is got once (read from the ccache, or
/// an AS exchange with the keytab's keys at the first DC asked) and kept in memory.
#[derive(Debug)]
pub struct Tickets {
    login: KerberosLogin,
    tgt: Mutex<Option<Tgt>>,
}

impl Tickets {
    /// Tickets for `login`; nothing is read or asked yet.
    pub fn new(login: KerberosLogin) -> Tickets {
        Tickets {
            login,
            tgt: Mutex::new(None),
        }
    }

    fn tgt(&self, realm: &str, kdc: &KdcAddress) -> Result<Tgt, String> {
        let mut slot = self.tgt.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = slot.as_ref().filter(|t| t.client.realm == realm) {
            return Ok(t.clone());
        }
        let tgt = match &self.login {
            KerberosLogin::Ccache(source) => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                    .unwrap_or(0);
                credentials::ccache_tgt(source, realm, now)
                    .map(|(tgt, _)| tgt)
                    .map_err(|why| format!("{why} (run kinit, or bind with --bind-keytab)"))?
            }
            KerberosLogin::Keytab { user, keytab } => keytab_login(user, keytab, realm, kdc)?,
        };
        *slot = Some(tgt.clone());
        Ok(tgt)
    }
}

/// The KDC on a domain controller's host (port 88).
fn kdc_on(dc_host: &str) -> KdcAddress {
    if dc_host.contains(':') && !dc_host.starts_with('[') {
        KdcAddress::new(format!("[{dc_host}]:88"))
    } else {
        KdcAddress::new(format!("{dc_host}:88"))
    }
}

/// An AS exchange as `user` with its newest keys from `keytab`.
fn keytab_login(
    user: &str,
    keytab: &std::path::Path,
    realm: &str,
    kdc: &KdcAddress,
) -> Result<Tgt, String> {
    let client = credentials::user_principal(user, realm).map_err(|e| e.to_string())?;
    let kt = keytab_file::read(keytab).map_err(|e| e.to_string())?;
    let mine: Vec<_> = kt
        .entries
        .iter()
        .filter(|e| e.matches(&client, None, None))
        .collect();
    let Some(newest) = mine.iter().map(|e| e.kvno).max() else {
        let held: Vec<String> = kt.near_misses(&client);
        return Err(format!(
            "the keytab {} holds no key for {client}{}",
            keytab.display(),
            if held.is_empty() {
                String::new()
            } else {
                format!(" (it has {})", held.join(", "))
            }
        ));
    };
    let keys: Vec<Key> = mine
        .iter()
        .filter(|e| e.kvno == newest)
        .map(|e| e.key.clone())
        .collect();
    kdc::as_with_keys(kdc, &client, &keys).map_err(|e| {
        format!(
            "cannot log in as {client} with the keytab {}: {e}",
            keytab.display()
        )
    })
}

impl TicketSource for Tickets {
    fn client(&self) -> String {
        self.login.user()
    }

    fn service_ticket(&self, service: &Principal, dc_host: &str) -> Result<ServiceTicket, String> {
        let kdc = kdc_on(dc_host);
        let tgt = self.tgt(&service.realm, &kdc)?;
        let st = kdc::tgs(&kdc, &tgt, service).map_err(|e| e.to_string())?;
        Ok(ServiceTicket {
            client: st.client,
            ticket: st.ticket,
            session_key: st.session_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdc_of_a_dc_host() {
        assert_eq!(kdc_on("dca.corp.test").as_str(), "dca.corp.test:88");
        assert_eq!(kdc_on("::1").as_str(), "[::1]:88");
        assert_eq!(kdc_on("127.0.0.11").as_str(), "127.0.0.11:88");
    }
}

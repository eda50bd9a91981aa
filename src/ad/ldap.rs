//! LDAP(S) to Active Directory with `ldap3` (sync API, rustls): connect, bind,
//! paged searches, and the few writes spnkt makes. Every call counts its round trips.

use std::path::PathBuf;
use std::time::Duration;

use super::account::ServiceAccount;
use crate::krb::Password;

/// How to reach the directory.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// `ldaps://host[:636]` or `ldap://host[:389]` (then `starttls` must be set).
    pub url: String,
    pub starttls: bool,
    /// Extra trust anchor (PEM) on top of the OS trust store.
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server certificate (warned about loudly by callers).
    pub insecure_skip_verify: bool,
    pub timeout: Duration,
}

/// A simple bind as `user@realm`, `DOMAIN\user` or a DN, with its password.
#[derive(Clone, Debug)]
pub struct SimpleBind {
    pub user: String,
    pub password: Password,
}

/// What the rootDSE says about the directory.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RootDse {
    pub default_naming_context: String,
    pub configuration_naming_context: String,
    pub root_domain_naming_context: String,
    pub dns_host_name: Option<String>,
    /// The global catalog is reachable (port 3268/3269 on the same host).
    pub is_global_catalog_ready: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Base,
    OneLevel,
    Subtree,
}

/// One search result: DN and attributes (values as text; binary ones base64-free bytes).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    pub dn: String,
    pub attrs: std::collections::BTreeMap<String, Vec<String>>,
    pub bin_attrs: std::collections::BTreeMap<String, Vec<Vec<u8>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    #[error("todo")]
    Todo,
}

/// An open, bound (after `bind`) connection.
pub struct Directory {
    _private: (),
}

impl Directory {
    pub fn connect(options: &ConnectOptions) -> Result<Directory, LdapError> {
        todo!("{options:?}")
    }

    pub fn bind(&mut self, bind: &SimpleBind) -> Result<(), LdapError> {
        todo!("{bind:?}")
    }

    pub fn root_dse(&mut self) -> Result<RootDse, LdapError> {
        todo!()
    }

    /// Paged search; search references (referrals) are ignored.
    pub fn search(&mut self, base: &str, scope: Scope, filter: &str, attrs: &[&str]) -> Result<Vec<Entry>, LdapError> {
        todo!("{base} {scope:?} {filter} {attrs:?}")
    }

    /// Every object holding `spn` (case-insensitive), searched in the global catalog when
    /// it is available, else in the domain.
    pub fn find_spn(&mut self, spn: &str) -> Result<Vec<Entry>, LdapError> {
        todo!("{spn}")
    }

    /// The account with this sAMAccountName, if any.
    pub fn find_account(&mut self, base_dn: &str, sam_account_name: &str) -> Result<Option<ServiceAccount>, LdapError> {
        todo!("{base_dn} {sam_account_name}")
    }

    /// Read an account by DN.
    pub fn read_account(&mut self, dn: &str) -> Result<ServiceAccount, LdapError> {
        todo!("{dn}")
    }

    pub fn add(&mut self, dn: &str, attrs: &[(&str, Vec<String>)]) -> Result<(), LdapError> {
        todo!("{dn} {attrs:?}")
    }

    /// Replace attributes (an empty value list deletes the attribute).
    pub fn replace(&mut self, dn: &str, attrs: &[(&str, Vec<String>)]) -> Result<(), LdapError> {
        todo!("{dn} {attrs:?}")
    }

    /// Add and remove single values of a multi-valued attribute (servicePrincipalName).
    pub fn add_values(&mut self, dn: &str, attr: &str, values: &[String]) -> Result<(), LdapError> {
        todo!("{dn} {attr} {values:?}")
    }

    pub fn delete_values(&mut self, dn: &str, attr: &str, values: &[String]) -> Result<(), LdapError> {
        todo!("{dn} {attr} {values:?}")
    }

    /// Set `unicodePwd` (a reset, needs an encrypted connection).
    pub fn set_password(&mut self, dn: &str, password: &Password) -> Result<(), LdapError> {
        todo!("{dn} {password:?}")
    }

    pub fn delete(&mut self, dn: &str) -> Result<(), LdapError> {
        todo!("{dn}")
    }

    /// LDAP operations sent so far (for reports and benchmarks).
    pub fn round_trips(&self) -> u64 {
        todo!()
    }
}

//! One LDAP search result as plain data: shared by the LDAP client ([`super::ldap`])
//! and the account model ([`super::account`]), so neither depends on the other's module.

/// One search result: DN and attributes (values as text; binary ones base64-free bytes).
///
/// Attribute names are as the server returned them (AD: the schema's
/// lDAPDisplayName, e.g. `sAMAccountName`); [`Entry::values`] and [`Entry::first`]
/// look them up case-insensitively. `objectSid`, `objectGUID` and other known
/// binary attributes are always in `bin_attrs`; any other attribute with a value
/// that is not UTF-8 lands there too.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    pub dn: String,
    pub attrs: std::collections::BTreeMap<String, Vec<String>>,
    pub bin_attrs: std::collections::BTreeMap<String, Vec<Vec<u8>>>,
}

impl Entry {
    /// The text values of `name` (case-insensitive), empty if absent.
    pub fn values(&self, name: &str) -> &[String] {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// The first text value of `name` (case-insensitive).
    pub fn first(&self, name: &str) -> Option<&str> {
        self.values(name).first().map(String::as_str)
    }

    /// The binary values of `name` (case-insensitive), empty if absent.
    pub fn bin_values(&self, name: &str) -> &[Vec<u8>] {
        self.bin_attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

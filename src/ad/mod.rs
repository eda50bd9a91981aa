//! The directory: the AD account model and the LDAP operations spnkt performs.

pub mod account;
pub mod diagnostic;
pub mod entry;
pub mod ldap;
mod reconnect;
pub(crate) mod relay;
pub mod rights;
pub mod sasl;
pub mod tls_names;
pub(crate) mod wire;

pub use wire::CertificateInfo;

/// The realm of a domain from its naming context: `DC=example,DC=com` ->
/// `EXAMPLE.COM` (in AD the realm is the domain's DNS name in upper case).
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

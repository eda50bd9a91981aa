//! Why a domain controller's certificate is "not valid for" the host spnkt
//! connected to, and what to do about it.
//!
//! rustls, like current browsers, takes the server's names from the certificate's
//! subjectAltName only (RFC 9525, which replaced RFC 6125, dropped the subject CN
//! fallback). Microsoft's LDAPS requirements allow a DC certificate that names the
//! DC in its subject CN alone ("Enable LDAP over SSL with a third-party
//! certification authority": the DC's FQDN in the Common Name of the Subject or a
//! DNS entry in the Subject Alternative Name), so such a DC works for Windows
//! clients and not for spnkt; so does a connection by IP address to a DC whose
//! certificate lists no IP address. After the name check failed spnkt fetches the
//! certificate once more, unverified (only to look at it), and says which case it
//! is.

use super::wire::CertificateInfo;

/// What the certificate names, against the host connected to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMismatch {
    /// The certificate could not be fetched again to look at.
    Unknown,
    /// The connection is by IP address, which the certificate does not list.
    Address {
        /// The DNS names it has (subjectAltName, else its subject CN).
        names: Vec<String>,
    },
    /// No subjectAltName DNS name; the subject CN is the host connected to.
    SubjectCnOnly {
        /// The subject CN.
        cn: String,
    },
    /// The certificate is for other names.
    OtherNames {
        /// Its subjectAltName DNS names, else its subject CN.
        names: Vec<String>,
        /// Those are only in the subject CN (no subjectAltName DNS name).
        cn_only: bool,
    },
}

/// The DNS names of `cert`'s subjectAltName (not its IP addresses).
fn san_dns_names(cert: &CertificateInfo) -> Vec<String> {
    cert.names
        .iter()
        .filter(|n| n.parse::<std::net::IpAddr>().is_err())
        .cloned()
        .collect()
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// Which case `host` (as connected to) and `cert` are.
pub fn classify(host: &str, cert: &CertificateInfo) -> NameMismatch {
    let dns = san_dns_names(cert);
    let cn_only = dns.is_empty();
    let names = if cn_only {
        cert.subject_cn.iter().cloned().collect()
    } else {
        dns
    };
    if host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok()
    {
        return NameMismatch::Address { names };
    }
    match &cert.subject_cn {
        Some(cn) if cn_only && same_name(cn, host) => {
            NameMismatch::SubjectCnOnly { cn: cn.clone() }
        }
        _ => NameMismatch::OtherNames { names, cn_only },
    }
}

fn listed(names: &[String]) -> String {
    if names.is_empty() {
        "no DNS name at all".to_owned()
    } else {
        names.join(", ")
    }
}

impl std::fmt::Display for NameMismatch {
    /// What is wrong, after "the certificate is not valid for HOST: ".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameMismatch::Unknown => f.write_str("the certificate names other hosts"),
            NameMismatch::Address { names } => write!(
                f,
                "the connection is by IP address, and the certificate lists no IP address, only {}",
                listed(names)
            ),
            NameMismatch::SubjectCnOnly { cn } => write!(
                f,
                "the certificate names {cn} only in its subject CN and has no subjectAltName DNS name; \
                 Microsoft's LDAPS requirements allow that, but spnkt's TLS library (rustls), like \
                 current browsers, takes host names from the subjectAltName only (RFC 9525)"
            ),
            NameMismatch::OtherNames { names, cn_only } => write!(
                f,
                "the certificate is for {}{}",
                listed(names),
                if *cn_only {
                    " (in its subject CN only, which rustls does not read)"
                } else {
                    ""
                }
            ),
        }
    }
}

impl NameMismatch {
    /// What to do; `url` as connected to (`ldaps://10.0.0.5:636`).
    pub fn hint(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap_or(("ldaps", url));
        let port = rest
            .rsplit_once(':')
            .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
            .map_or_else(String::new, |(_, p)| format!(":{p}"));
        let by_name = |names: &[String]| match names.iter().find(|n| !n.starts_with("*.")) {
            Some(n) => format!(
                "connect by a name the certificate holds, usually the DC's DNS host name: --ldap-url {scheme}://{n}{port}"
            ),
            None => "connect by a name the certificate holds (usually the DC's DNS host name)"
                .to_owned(),
        };
        match self {
            NameMismatch::Unknown => by_name(&[]),
            NameMismatch::Address { names } => by_name(names),
            NameMismatch::SubjectCnOnly { cn } => format!(
                "have the DC's certificate reissued with {cn} as a subjectAltName DNS name (the AD CS templates \
                 \"Domain Controller Authentication\" and \"Kerberos Authentication\" put it there; with certreq add \
                 2.5.29.17 = \"{{text}}dns={cn}\" under [Extensions]); until then a Kerberos bind over plain LDAP \
                 needs no certificate, Kerberos encrypts the connection: --ldap-url ldap://{cn} --bind-kerberos"
            ),
            NameMismatch::OtherNames { names, .. } => by_name(names),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(names: &[&str], cn: Option<&str>) -> CertificateInfo {
        CertificateInfo {
            subject: cn.map(|c| format!("CN={c}")).unwrap_or_default(),
            subject_cn: cn.map(str::to_owned),
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            ..CertificateInfo::default()
        }
    }

    #[test]
    fn the_cases() {
        let cn_only = cert(&[], Some("dc1.example.com"));
        assert_eq!(
            classify("DC1.example.com.", &cn_only),
            NameMismatch::SubjectCnOnly {
                cn: "dc1.example.com".into()
            }
        );
        assert_eq!(
            classify("10.0.0.5", &cert(&["dc1.example.com"], Some("dc1"))),
            NameMismatch::Address {
                names: vec!["dc1.example.com".into()]
            }
        );
        assert_eq!(
            classify("[::1]", &cn_only),
            NameMismatch::Address {
                names: vec!["dc1.example.com".into()]
            }
        );
        assert_eq!(
            classify("dc2.example.com", &cn_only),
            NameMismatch::OtherNames {
                names: vec!["dc1.example.com".into()],
                cn_only: true
            }
        );
        let h = NameMismatch::Address {
            names: vec!["*.example.com".into(), "dc1.example.com".into()],
        }
        .hint("ldaps://10.0.0.5:636");
        assert!(h.contains("ldaps://dc1.example.com:636"), "{h}");
    }
}

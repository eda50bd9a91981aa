//! The URL `spnkt doctor` checks: scheme, host, port and path, as a browser reads
//! them.

use std::net::IpAddr;

/// A web site's URL, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As given.
    pub url: String,
    /// `https` (true) or `http`.
    pub https: bool,
    /// Lower-case host name, no trailing dot (an IP address stays one).
    pub host: String,
    /// The port connected to.
    pub port: u16,
    /// The port was given in the URL (and is not the scheme's default).
    pub explicit_port: bool,
    /// Path and query, `/` at least.
    pub path: String,
}

/// Why a URL cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not a URL spnkt can read.
    #[error("{url:?} is not a URL: {why}")]
    Malformed {
        /// As given.
        url: String,
        /// What is wrong.
        why: String,
    },
    /// Not http:// or https://.
    #[error("{url:?}: only http:// and https:// URLs can be checked, not {scheme}://")]
    Scheme {
        /// As given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
}

impl Target {
    /// Read `url`; a missing scheme means `https://`, as a browser's address bar
    /// takes `portal.example.com/app`.
    pub fn parse(url: &str) -> Result<Target, TargetError> {
        let given = url.trim();
        let full = if given.contains("://") {
            given.to_owned()
        } else {
            format!("https://{given}")
        };
        let malformed = |why: String| TargetError::Malformed {
            url: given.to_owned(),
            why,
        };
        let uri: ureq::http::Uri = full.parse().map_err(|e| malformed(format!("{e}")))?;
        let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
        let https = match scheme.as_str() {
            "https" => true,
            "http" => false,
            _ => {
                return Err(TargetError::Scheme {
                    url: given.to_owned(),
                    scheme,
                });
            }
        };
        let authority = uri.authority().ok_or_else(|| malformed("no host".into()))?;
        if authority.as_str().contains('@') {
            return Err(malformed(
                "user names and passwords do not belong in the URL".into(),
            ));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if host.is_empty() {
            return Err(malformed("no host".into()));
        }
        let default_port = if https { 443 } else { 80 };
        let port = authority.port_u16().unwrap_or(default_port);
        let path = uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".to_owned());
        Ok(Target {
            url: full,
            https,
            host,
            port,
            explicit_port: port != default_port,
            path,
        })
    }

    /// The host is an IP address: browsers do not use Kerberos for those.
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }

    /// `host` or `host:port` (non-default port), as in the URL.
    pub fn authority(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.explicit_port {
            format!("{host}:{}", self.port)
        } else {
            host
        }
    }

    /// `scheme://authority` (the origin redirects are compared with).
    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            if self.https { "https" } else { "http" },
            self.authority()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_as_browsers_read_them() {
        let t = Target::parse("https://Portal.Example.TEST./app?x=1").unwrap();
        assert_eq!(
            (
                t.https,
                t.host.as_str(),
                t.port,
                t.explicit_port,
                t.path.as_str()
            ),
            (true, "portal.example.test", 443, false, "/app?x=1")
        );
        assert_eq!(t.origin(), "https://portal.example.test");
        let t = Target::parse("http://web.example.test:8080").unwrap();
        assert_eq!(
            (t.port, t.explicit_port, t.path.as_str()),
            (8080, true, "/")
        );
        assert_eq!(t.origin(), "http://web.example.test:8080");
        let t = Target::parse("portal.example.test/app").unwrap();
        assert!(t.https);
        assert_eq!(t.url, "https://portal.example.test/app");
        let t = Target::parse("http://[::1]:8080/").unwrap();
        assert_eq!(t.host, "::1");
        assert!(t.ip().is_some());
        assert_eq!(t.authority(), "[::1]:8080");
        assert!(matches!(
            Target::parse("ftp://x.example.test/"),
            Err(TargetError::Scheme { .. })
        ));
        assert!(Target::parse("https://").is_err());
        assert!(Target::parse("https://user:pw@x.example.test/").is_err());
        assert!(Target::parse("https://bad host/").is_err());
    }
}

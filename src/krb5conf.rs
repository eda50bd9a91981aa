//! The two things spnkt takes from krb5.conf: `[libdefaults] default_realm` and the
//! `kdc` entries of `[realms]`. A minimal reader of MIT's profile format (sections,
//! `key = value`, `NAME = { ... }` blocks, `#`/`;` comments); everything else is
//! ignored. The file is `$KRB5_CONFIG` (the first existing file of a `:`-separated
//! list, as MIT reads them) or `/etc/krb5.conf`.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// What spnkt uses from krb5.conf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Krb5Conf {
    pub default_realm: Option<String>,
    /// `kdc` values per realm, in file order.
    pub kdcs: BTreeMap<String, Vec<String>>,
    /// The file read (None when there was none).
    pub path: Option<PathBuf>,
}

impl Krb5Conf {
    /// The KDCs listed for `realm` (exact match first, then case-insensitive).
    pub fn kdcs_for(&self, realm: &str) -> &[String] {
        self.kdcs
            .get(realm)
            .or_else(|| {
                self.kdcs
                    .iter()
                    .find(|(r, _)| r.eq_ignore_ascii_case(realm))
                    .map(|(_, v)| v)
            })
            .map_or(&[], Vec::as_slice)
    }
}

/// Parse krb5.conf text.
pub fn parse(text: &str) -> Krb5Conf {
    let mut conf = Krb5Conf::default();
    let mut section = String::new();
    // Stack of open `name = {` blocks inside the current section.
    let mut blocks: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            if let Some(end) = line.find(']') {
                section = line[1..end].trim().to_owned();
                blocks.clear();
            }
            continue;
        }
        if line.starts_with('}') {
            blocks.pop();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        if let Some(inner) = value.strip_prefix('{') {
            if !inner.trim_start().starts_with('}') {
                blocks.push(key.to_owned());
            }
            continue;
        }
        // A trailing `*` marks a final value in MIT's profile syntax.
        let value = unquote(value.trim_end_matches('*').trim());
        match (section.as_str(), blocks.as_slice()) {
            ("libdefaults", [])
                if key == "default_realm" && conf.default_realm.is_none() && !value.is_empty() =>
            {
                conf.default_realm = Some(value.to_owned());
            }
            ("realms", [realm]) if key == "kdc" && !value.is_empty() => {
                conf.kdcs
                    .entry(realm.clone())
                    .or_default()
                    .push(value.to_owned());
            }
            _ => {}
        }
    }
    conf
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(v)
}

/// The krb5.conf spnkt reads: the first existing file in `$KRB5_CONFIG`, else
/// `/etc/krb5.conf`.
pub fn path() -> Option<PathBuf> {
    match std::env::var_os("KRB5_CONFIG") {
        Some(list) => std::env::split_paths(&list).find(|p| p.is_file()),
        None => Some(PathBuf::from("/etc/krb5.conf")).filter(|p| p.is_file()),
    }
}

/// Read krb5.conf; a missing or unreadable file gives an empty configuration.
pub fn load() -> Krb5Conf {
    let Some(path) = path() else {
        return Krb5Conf::default();
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Krb5Conf {
            path: Some(path),
            ..parse(&text)
        },
        Err(_) => Krb5Conf::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_realm_and_kdcs() {
        let c = parse(
            "# comment\n[libdefaults]\n\tdefault_realm = EXAMPLE.TEST\n\tdns_lookup_kdc = false\n\
             [realms]\n\tEXAMPLE.TEST = {\n\t\tkdc = 127.0.0.1:88\n\t\tkdc = dc2.example.test\n\
             \t\tadmin_server = 127.0.0.1:464\n\t\tauth_to_local = {\n\t\t\tkdc = nope\n\t\t}\n\t}\n\
             \tOTHER.TEST = {\n kdc = \"dc.other.test\" \n}\n[domain_realm]\n .example.test = EXAMPLE.TEST\n",
        );
        assert_eq!(c.default_realm.as_deref(), Some("EXAMPLE.TEST"));
        assert_eq!(
            c.kdcs_for("EXAMPLE.TEST"),
            ["127.0.0.1:88", "dc2.example.test"]
        );
        assert_eq!(c.kdcs_for("other.test"), ["dc.other.test"]);
        assert!(c.kdcs_for("NONE").is_empty());
    }

    #[test]
    fn tolerates_junk_and_empty() {
        assert_eq!(parse(""), Krb5Conf::default());
        let c = parse(
            "[libdefaults]\ndefault_realm = A.B *\ndefault_realm = C.D\nnonsense\n[realms]\nX = {}\n",
        );
        assert_eq!(c.default_realm.as_deref(), Some("A.B"));
        assert!(c.kdcs.is_empty());
        // default_realm outside libdefaults does not count
        assert_eq!(parse("[realms]\ndefault_realm = X\n").default_realm, None);
    }
}

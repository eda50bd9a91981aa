//! Kerberos principal names (RFC 4120 section 6.2) in MIT's text form.
//!
//! `svc/host@REALM`: components are separated by `/`, the realm follows the first
//! unescaped `@`. A backslash escapes `/`, `@` and itself; `\n`, `\t`, `\b` and `\0`
//! stand for the control characters (MIT `krb5_parse_name` / `krb5_unparse_name`).

use std::fmt;

/// RFC 4120 section 6.2 name type, as stored in keytabs and tickets.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct NameType(pub i32);

impl NameType {
    pub const UNKNOWN: NameType = NameType(0);
    /// KRB5_NT_PRINCIPAL: users, and what MIT tools and ktpass write by default.
    pub const PRINCIPAL: NameType = NameType(1);
    /// KRB5_NT_SRV_INST: service and instance (`krbtgt/REALM`).
    pub const SRV_INST: NameType = NameType(2);
    /// KRB5_NT_SRV_HST: service with a host name as instance.
    pub const SRV_HST: NameType = NameType(3);
    pub const ENTERPRISE: NameType = NameType(10);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "unknown",
            1 => "principal",
            2 => "srv-inst",
            3 => "srv-hst",
            10 => "enterprise",
            _ => return None,
        })
    }
}

impl fmt::Display for NameType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "name-type {}", self.0),
        }
    }
}

/// A principal: name type, name components and realm.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Principal {
    pub name_type: NameType,
    pub components: Vec<String>,
    pub realm: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrincipalError {
    #[error("the principal name is empty")]
    Empty,
    #[error(
        "principal `{input}` has no realm (expected name@REALM, e.g. HTTP/app1.example.com@EXAMPLE.COM)"
    )]
    MissingRealm { input: String },
    #[error("principal `{input}` has an empty realm after `@`")]
    EmptyRealm { input: String },
    #[error("principal `{input}` has more than one unescaped `@`")]
    ExtraAt { input: String },
    #[error("principal `{input}` ends with a lone backslash")]
    TrailingBackslash { input: String },
}

impl Principal {
    pub fn new(name_type: NameType, components: Vec<String>, realm: String) -> Principal {
        Principal {
            name_type,
            components,
            realm,
        }
    }

    /// Parse `a/b@REALM`; the realm is required. The name type is KRB5_NT_PRINCIPAL,
    /// as MIT's parser and ktpass default to.
    pub fn parse(input: &str) -> Result<Principal, PrincipalError> {
        match Principal::parse_with_default_realm(input, None)? {
            p if p.realm.is_empty() => Err(PrincipalError::MissingRealm {
                input: input.into(),
            }),
            p => Ok(p),
        }
    }

    /// Parse, taking `default_realm` when the text has no `@REALM` (an empty realm
    /// when neither gives one: callers decide whether that is allowed).
    pub fn parse_with_default_realm(
        input: &str,
        default_realm: Option<&str>,
    ) -> Result<Principal, PrincipalError> {
        if input.is_empty() {
            return Err(PrincipalError::Empty);
        }
        let mut components = vec![String::new()];
        let mut realm: Option<String> = None;
        let mut chars = input.chars();
        while let Some(c) = chars.next() {
            let literal = match c {
                '\\' => match chars.next() {
                    None => {
                        return Err(PrincipalError::TrailingBackslash {
                            input: input.into(),
                        });
                    }
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('b') => '\u{8}',
                    Some('0') => '\0',
                    Some(other) => other,
                },
                '/' if realm.is_none() => {
                    components.push(String::new());
                    continue;
                }
                '@' if realm.is_none() => {
                    realm = Some(String::new());
                    continue;
                }
                '@' => {
                    return Err(PrincipalError::ExtraAt {
                        input: input.into(),
                    });
                }
                other => other,
            };
            match realm.as_mut() {
                Some(r) => r.push(literal),
                None => components.last_mut().expect("never empty").push(literal),
            }
        }
        let realm = match realm {
            Some(r) if r.is_empty() => {
                return Err(PrincipalError::EmptyRealm {
                    input: input.into(),
                });
            }
            Some(r) => r,
            None => default_realm.unwrap_or_default().to_owned(),
        };
        Ok(Principal {
            name_type: NameType::PRINCIPAL,
            components,
            realm,
        })
    }

    /// The name without the realm, escaped (`HTTP/app1.example.com`).
    pub fn name_without_realm(&self) -> String {
        let mut out = String::new();
        let _ = self.write_name(&mut out);
        out
    }

    fn write_name(&self, out: &mut impl fmt::Write) -> fmt::Result {
        write_name(out, self.components.iter().map(String::as_str))
    }

    /// The same principal with its realm upper-cased, as Active Directory realms are.
    pub fn with_uppercase_realm(mut self) -> Principal {
        self.realm = self.realm.to_uppercase();
        self
    }

    pub fn with_name_type(mut self, name_type: NameType) -> Principal {
        self.name_type = name_type;
        self
    }
}

/// Name components in MIT's text form, escaped (`HTTP/app1.example.com`).
fn write_name<'c>(
    out: &mut impl fmt::Write,
    components: impl IntoIterator<Item = &'c str>,
) -> fmt::Result {
    for (i, c) in components.into_iter().enumerate() {
        if i > 0 {
            out.write_char('/')?;
        }
        escape_into(out, c, true)?;
    }
    Ok(())
}

/// A principal in MIT's text form, `name@REALM` with escapes, from its parts
/// (for principals read in place, as [`Principal`]'s `Display` writes them).
pub(crate) fn write_principal<'c>(
    out: &mut impl fmt::Write,
    components: impl IntoIterator<Item = &'c str>,
    realm: &str,
) -> fmt::Result {
    write_name(out, components)?;
    out.write_char('@')?;
    escape_into(out, realm, false)
}

/// `s` with MIT's escapes; runs without anything to escape are written whole.
fn escape_into(out: &mut impl fmt::Write, s: &str, is_component: bool) -> fmt::Result {
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '\\' => "\\\\",
            '@' => "\\@",
            '/' if is_component => "\\/",
            '\n' => "\\n",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\0' => "\\0",
            _ => continue,
        };
        out.write_str(&s[run..i])?;
        out.write_str(escaped)?;
        run = i + c.len_utf8();
    }
    out.write_str(&s[run..])
}

impl fmt::Display for Principal {
    /// MIT text form with escaping; the name type is not part of the text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_principal(f, self.components.iter().map(String::as_str), &self.realm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_service_principal() {
        let p = Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap();
        assert_eq!(p.components, ["HTTP", "app1.example.test"]);
        assert_eq!(p.realm, "EXAMPLE.TEST");
        assert_eq!(p.name_type, NameType::PRINCIPAL);
        assert_eq!(p.to_string(), "HTTP/app1.example.test@EXAMPLE.TEST");
    }

    #[test]
    fn escapes_round_trip() {
        let p = Principal::parse(r"a\/b/c\@d\\e@R\@X").unwrap();
        assert_eq!(p.components, ["a/b", "c@d\\e"]);
        assert_eq!(p.realm, "R@X");
        assert_eq!(p.to_string(), r"a\/b/c\@d\\e@R\@X");
        assert_eq!(Principal::parse(&p.to_string()).unwrap(), p);
        let ctl = Principal::parse(r"x\ny\t\0@R").unwrap();
        assert_eq!(ctl.components, ["x\ny\t\0"]);
        assert_eq!(ctl.to_string(), r"x\ny\t\0@R");
    }

    #[test]
    fn realm_rules() {
        assert!(matches!(
            Principal::parse("HTTP/x"),
            Err(PrincipalError::MissingRealm { .. })
        ));
        assert!(matches!(
            Principal::parse("HTTP/x@"),
            Err(PrincipalError::EmptyRealm { .. })
        ));
        assert!(matches!(
            Principal::parse("a@B@C"),
            Err(PrincipalError::ExtraAt { .. })
        ));
        assert!(matches!(
            Principal::parse("a\\"),
            Err(PrincipalError::TrailingBackslash { .. })
        ));
        assert!(matches!(Principal::parse(""), Err(PrincipalError::Empty)));
        let p = Principal::parse_with_default_realm("HTTP/x", Some("R")).unwrap();
        assert_eq!(p.realm, "R");
        // A slash in the realm is not an escape-worthy character there.
        assert_eq!(Principal::parse("a@R/S").unwrap().to_string(), "a@R/S");
        assert_eq!(
            Principal::parse("a@example.test")
                .unwrap()
                .with_uppercase_realm()
                .realm,
            "EXAMPLE.TEST"
        );
    }
}

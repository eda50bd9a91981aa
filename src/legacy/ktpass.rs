//! ktpass.exe command lines as runbooks and blog posts have them: options with `-`
//! or `/` (or the en and em dashes a word processor puts in a pasted command, or a
//! `+` for the boolean ones), in any case, values in straight or curly quotes.
//! [`parse`] turns them into a [`KtpassLine`]; [`KtpassLine::effects`] says what
//! ktpass would do in AD. Pure: no I/O.

use std::fmt;

/// `-mapop`: what happens to the account's SPN list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapOp {
    /// Add the SPN (ktpass's default).
    Add,
    /// Make the SPN the account's only one.
    Set,
}

/// `-pass`.
#[derive(Clone, PartialEq, Eq)]
pub enum Pass {
    /// `-pass *`: ask for it.
    Prompt,
    /// A password typed into the command line (refused: never used).
    Literal,
}

impl fmt::Debug for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The literal is not even kept.
        f.write_str(match self {
            Pass::Prompt => "Prompt",
            Pass::Literal => "Literal(<not kept>)",
        })
    }
}

/// `-crypto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crypto {
    /// `All`: every type ktpass knows (spnkt: AES256, AES128, RC4; never DES).
    All,
    /// `AES256-SHA1`.
    Aes256,
    /// `AES128-SHA1`.
    Aes128,
    /// `RC4-HMAC-NT`.
    Rc4,
}

impl Crypto {
    /// spnkt's `--enctypes` for it.
    pub fn enctypes(self) -> &'static [&'static str] {
        match self {
            Crypto::All => &["aes256", "aes128", "rc4"],
            Crypto::Aes256 => &["aes256"],
            Crypto::Aes128 => &["aes128"],
            Crypto::Rc4 => &["rc4"],
        }
    }
}

/// A ktpass line, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KtpassLine {
    /// `-out`: the keytab as written (may be a Windows path).
    pub out: Option<String>,
    /// `-princ`: `SERVICE/host@REALM`.
    pub princ: Option<String>,
    /// `-mapuser`: the account (`name`, `DOMAIN\name` or `name@domain`).
    pub mapuser: Option<String>,
    /// `-mapop`.
    pub mapop: MapOp,
    /// `-pass`.
    pub pass: Option<Pass>,
    /// `+rndpass`.
    pub rndpass: bool,
    /// `-crypto`.
    pub crypto: Option<Crypto>,
    /// `-ptype`, upper-cased (`KRB5_NT_PRINCIPAL`, ...).
    pub ptype: Option<String>,
    /// `-kvno`.
    pub kvno: Option<u32>,
    /// `-in`: a keytab to read and add to.
    pub input: Option<String>,
    /// `+setupn` (default) / `-setupn`.
    pub setupn: bool,
    /// `+setpass` (default) / `-setpass`.
    pub setpass: bool,
    /// `+answer` (true) / `-answer` (false).
    pub answer: Option<bool>,
    /// `+DumpSalt`.
    pub dump_salt: bool,
    /// `-target`: the domain controller.
    pub target: Option<String>,
}

impl Default for KtpassLine {
    fn default() -> KtpassLine {
        KtpassLine {
            out: None,
            princ: None,
            mapuser: None,
            mapop: MapOp::Add,
            pass: None,
            rndpass: false,
            crypto: None,
            ptype: None,
            kvno: None,
            input: None,
            setupn: true,
            setpass: true,
            answer: None,
            dump_salt: false,
            target: None,
        }
    }
}

/// Why a ktpass line cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KtpassError {
    /// Nothing after `spnkt ktpass`.
    #[error("no ktpass options given")]
    Empty,
    /// An option ktpass does not have (or spnkt does not take).
    #[error("`{token}` is not a ktpass option spnkt knows")]
    UnknownOption {
        /// As written.
        token: String,
    },
    /// A word where an option was expected.
    #[error("`{token}` is not an option (ktpass options start with -, / or +)")]
    NotAnOption {
        /// As written.
        token: String,
    },
    /// An option without its value.
    #[error("{option} needs a value")]
    MissingValue {
        /// The option.
        option: &'static str,
    },
    /// An option given twice.
    #[error("{option} is given twice")]
    Repeated {
        /// The option.
        option: &'static str,
    },
    /// A password on the command line.
    #[error(
        "refusing the password given with -pass on the command line: it is now in the shell's history and was visible in the process list to every user of this machine; spnkt does not use it"
    )]
    PasswordOnCommandLine,
    /// DES keys asked for.
    #[error(
        "-crypto {value}: DES is refused: it is broken (56-bit keys), Windows disables it since Windows 7 / Server 2008 R2, and MIT krb5 dropped it"
    )]
    Des {
        /// As written.
        value: String,
    },
    /// A value outside the option's list.
    #[error("{option} {value}: expected one of {expected}")]
    BadValue {
        /// The option.
        option: &'static str,
        /// As written.
        value: String,
        /// The accepted values.
        expected: &'static str,
    },
    /// spnkt's own `--option` among the ktpass options.
    #[error("`{token}` is spnkt's own option: put it before the ktpass options")]
    SpnktOptionInside {
        /// As written.
        token: String,
    },
}

/// Characters a word processor substitutes for the hyphen of an option.
const DASHES: [char; 6] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2212}', '\u{2010}'];

/// A token's sign (`-`-like or `+`) and lower-case name, when it is an option.
fn option_of(token: &str) -> Option<(bool, String)> {
    let mut chars = token.chars();
    let first = chars.next()?;
    let plus = first == '+';
    if !plus && !DASHES.contains(&first) {
        return None;
    }
    let name = chars.as_str();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((plus, name.to_ascii_lowercase()))
}

/// A value without the quotes (straight or curly) a runbook may have around it.
fn unquote(v: &str) -> String {
    v.trim()
        .trim_matches(['"', '\'', '\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}'])
        .to_owned()
}

/// Parse the words after `ktpass`.
pub fn parse(args: &[String]) -> Result<KtpassLine, KtpassError> {
    if args.is_empty() {
        return Err(KtpassError::Empty);
    }
    let mut line = KtpassLine::default();
    let mut seen: Vec<&'static str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let token = args[i].trim();
        i += 1;
        if token.starts_with("--") && token.len() > 2 && token[2..].starts_with(char::is_alphabetic)
        {
            return Err(KtpassError::SpnktOptionInside {
                token: token.to_owned(),
            });
        }
        let Some((plus, name)) = option_of(token) else {
            return Err(KtpassError::NotAnOption {
                token: token.to_owned(),
            });
        };
        let mut once = |option: &'static str| -> Result<(), KtpassError> {
            if seen.contains(&option) {
                return Err(KtpassError::Repeated { option });
            }
            seen.push(option);
            Ok(())
        };
        let mut value = |option: &'static str| -> Result<String, KtpassError> {
            let v = args
                .get(i)
                .map(|v| unquote(v))
                .filter(|v| !v.is_empty())
                .ok_or(KtpassError::MissingValue { option })?;
            i += 1;
            Ok(v)
        };
        match (plus, name.as_str()) {
            (false, "out") => {
                once("-out")?;
                line.out = Some(value("-out")?);
            }
            (false, "princ") => {
                once("-princ")?;
                line.princ = Some(value("-princ")?);
            }
            (false, "mapuser") => {
                once("-mapuser")?;
                line.mapuser = Some(value("-mapuser")?);
            }
            (false, "mapop") => {
                once("-mapop")?;
                let v = value("-mapop")?;
                line.mapop = match v.to_ascii_lowercase().as_str() {
                    "add" => MapOp::Add,
                    "set" => MapOp::Set,
                    _ => {
                        return Err(KtpassError::BadValue {
                            option: "-mapop",
                            value: v,
                            expected: "set, add",
                        });
                    }
                };
            }
            (false, "pass") => {
                once("-pass")?;
                // The value is never kept: a literal is refused after parsing
                // (once every other option is known to be fine).
                let v = value("-pass")?;
                line.pass = Some(if v == "*" {
                    Pass::Prompt
                } else {
                    Pass::Literal
                });
            }
            (true, "rndpass") => {
                once("+rndpass")?;
                line.rndpass = true;
            }
            (false, "crypto") => {
                once("-crypto")?;
                let v = value("-crypto")?;
                let upper = v.to_ascii_uppercase();
                line.crypto = Some(match upper.as_str() {
                    "ALL" => Crypto::All,
                    "AES256-SHA1" | "AES256-CTS-HMAC-SHA1-96" => Crypto::Aes256,
                    "AES128-SHA1" | "AES128-CTS-HMAC-SHA1-96" => Crypto::Aes128,
                    "RC4-HMAC-NT" | "RC4-HMAC" => Crypto::Rc4,
                    d if d.starts_with("DES") => return Err(KtpassError::Des { value: v }),
                    _ => {
                        return Err(KtpassError::BadValue {
                            option: "-crypto",
                            value: v,
                            expected: "All, AES256-SHA1, AES128-SHA1, RC4-HMAC-NT",
                        });
                    }
                });
            }
            (false, "ptype") => {
                once("-ptype")?;
                let v = value("-ptype")?.to_ascii_uppercase();
                if !matches!(
                    v.as_str(),
                    "KRB5_NT_PRINCIPAL" | "KRB5_NT_SRV_INST" | "KRB5_NT_SRV_HST"
                ) {
                    return Err(KtpassError::BadValue {
                        option: "-ptype",
                        value: v,
                        expected: "KRB5_NT_PRINCIPAL, KRB5_NT_SRV_INST, KRB5_NT_SRV_HST",
                    });
                }
                line.ptype = Some(v);
            }
            (false, "kvno") => {
                once("-kvno")?;
                let v = value("-kvno")?;
                line.kvno = Some(v.parse().map_err(|_| KtpassError::BadValue {
                    option: "-kvno",
                    value: v,
                    expected: "a number",
                })?);
            }
            (false, "in") => {
                once("-in")?;
                line.input = Some(value("-in")?);
            }
            (true | false, "setupn") => {
                once("setupn")?;
                line.setupn = plus;
            }
            (true | false, "setpass") => {
                once("setpass")?;
                line.setpass = plus;
            }
            (true | false, "answer") => {
                once("answer")?;
                line.answer = Some(plus);
            }
            (true, "dumpsalt") => {
                once("+DumpSalt")?;
                line.dump_salt = true;
            }
            (false, "target") => {
                once("-target")?;
                line.target = Some(value("-target")?);
            }
            _ => {
                return Err(KtpassError::UnknownOption {
                    token: token.to_owned(),
                });
            }
        }
    }
    Ok(line)
}

/// `c:\keytabs\Node1.keytab` → `Node1.keytab` (and whether it was a Windows path):
/// a drive letter, a UNC path or backslashes mean a path on the Windows machine
/// the runbook was written for.
pub fn local_file_name(out: &str) -> (String, bool) {
    let windows = out.contains('\\')
        || out.starts_with("\\\\")
        || (out.len() > 2 && out.as_bytes()[1] == b':' && out.as_bytes()[0].is_ascii_alphabetic());
    if !windows {
        return (out.to_owned(), false);
    }
    let name = out.rsplit(['\\', '/']).next().unwrap_or(out);
    let name = name.split_once(':').map_or(name, |(_, n)| n);
    (name.to_owned(), true)
}

/// The sAMAccountName in a `-mapuser` value: `DOMAIN\name` → `name`,
/// `name@domain` → `name` (with a note when it was changed).
pub fn mapuser_account(mapuser: &str) -> (String, Option<String>) {
    if let Some((domain, name)) = mapuser.split_once('\\') {
        return (
            name.to_owned(),
            Some(format!(
                "-mapuser {mapuser}: the account {name} (the domain {domain} is the directory spnkt binds to)"
            )),
        );
    }
    if let Some((name, _)) = mapuser.split_once('@') {
        return (
            name.to_owned(),
            Some(format!(
                "-mapuser {mapuser}: taken as the sAMAccountName {name} (spnkt names accounts by sAMAccountName)"
            )),
        );
    }
    (mapuser.to_owned(), None)
}

impl KtpassLine {
    /// What this line would do in Active Directory when ktpass runs it, one
    /// effect a line (the admin reads this before spnkt does anything).
    pub fn effects(&self) -> Vec<String> {
        let princ = self.princ.as_deref().unwrap_or("the principal");
        let mut out = Vec::new();
        match &self.mapuser {
            None => out.push(format!(
                "nothing in AD: without -mapuser ktpass only writes a keytab for {princ}, from a password it is given, with the default salt and kvno {}",
                self.kvno.unwrap_or(1)
            )),
            Some(user) => {
                out.push(match self.mapop {
                    MapOp::Add => format!(
                        "add the SPN of {princ} to {user}'s servicePrincipalName (-mapop add, the default; the account keeps any other SPNs)"
                    ),
                    MapOp::Set => format!(
                        "make the SPN of {princ} {user}'s only SPN (-mapop set: every other SPN of the account is removed)"
                    ),
                });
                if self.setupn {
                    out.push(format!(
                        "set {user}'s userPrincipalName to {princ} (+setupn, the default): the AES salt becomes REALM + the SPN's parts"
                    ));
                }
                if self.setpass {
                    out.push(format!(
                        "reset {user}'s password ({}): the salt is fixed now and the kvno goes up by one, so every keytab made before for this account stops working",
                        if self.rndpass {
                            "+rndpass: a random one"
                        } else {
                            "to the -pass one"
                        }
                    ));
                } else {
                    out.push(format!(
                        "leave {user}'s password alone (-setpass): the keytab is made from the password given, which must be the account's current one"
                    ));
                }
                out.push(
                    "set no delegation: WebSphere/HCL guides then tick \"Trust this user for delegation to any service (Kerberos only)\" by hand"
                        .to_owned(),
                );
            }
        }
        if let Some(o) = &self.out {
            out.push(format!(
                "write the keytab {o} ({}) with {} keys{}",
                if self.input.is_some() {
                    "adding to the keys of -in"
                } else {
                    "overwriting it"
                },
                match self.crypto {
                    Some(Crypto::All) => "DES, RC4 and AES",
                    Some(Crypto::Aes256) => "AES256",
                    Some(Crypto::Aes128) => "AES128",
                    Some(Crypto::Rc4) => "RC4",
                    None => "its default (RC4 on older Windows, AES on newer)",
                },
                self.kvno
                    .map(|k| format!(" at kvno {k} (whatever AD's is)"))
                    .unwrap_or_default()
            ));
        }
        out.push(
            "prove nothing: nobody asks the KDC whether the keys are right until a browser fails"
                .to_owned(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_hcl_connections_line_with_pasted_dashes() {
        // As printed in an HCL Connections SPNEGO guide, en dashes included.
        let l = parse(&words(
            "-out c:\\Node1.keytab \u{2013}princ HTTP/connections.example.test@EXAMPLE.TEST -mapuser connections_user -mapOp set \u{2013}pass Password1 -ptype KRB5_NT_PRINCIPAL",
        ))
        .unwrap();
        assert_eq!(l.out.as_deref(), Some("c:\\Node1.keytab"));
        assert_eq!(
            l.princ.as_deref(),
            Some("HTTP/connections.example.test@EXAMPLE.TEST")
        );
        assert_eq!(l.mapuser.as_deref(), Some("connections_user"));
        assert_eq!(l.mapop, MapOp::Set);
        assert_eq!(l.pass, Some(Pass::Literal));
        assert_eq!(l.ptype.as_deref(), Some("KRB5_NT_PRINCIPAL"));
        assert!(!format!("{l:?}").contains("Password1"));
        assert_eq!(
            local_file_name(l.out.as_deref().unwrap()),
            ("Node1.keytab".into(), true)
        );
    }

    #[test]
    fn slashes_case_plus_options_and_quotes() {
        let l = parse(&words(
            "/OUT web.keytab /Princ \u{201c}HTTP/web.example.com@EXAMPLE.COM\u{201d} /MapUser EXAMPLE\\svc-web +rndpass /crypto AES256-SHA1 -setupn +Answer +DumpSalt /target dc1.example.com -kvno 7 -in old.keytab \u{2014}setpass",
        ))
        .unwrap();
        assert_eq!(l.princ.as_deref(), Some("HTTP/web.example.com@EXAMPLE.COM"));
        assert!(l.rndpass && !l.setupn && !l.setpass && l.dump_salt);
        assert_eq!(l.answer, Some(true));
        assert_eq!(l.crypto, Some(Crypto::Aes256));
        assert_eq!(l.kvno, Some(7));
        assert_eq!(l.target.as_deref(), Some("dc1.example.com"));
        assert_eq!(l.input.as_deref(), Some("old.keytab"));
        assert_eq!(mapuser_account("EXAMPLE\\svc-web").0, "svc-web");
        assert_eq!(mapuser_account("svc-web@example.com").0, "svc-web");
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            parse(&words("-crypto DES-CBC-MD5")),
            Err(KtpassError::Des { .. })
        ));
        assert!(matches!(
            parse(&words("-princ")),
            Err(KtpassError::MissingValue { option: "-princ" })
        ));
        assert!(matches!(
            parse(&words("-frob x")),
            Err(KtpassError::UnknownOption { .. })
        ));
        assert!(matches!(
            parse(&words("HTTP/x")),
            Err(KtpassError::NotAnOption { .. })
        ));
        assert!(matches!(
            parse(&words("-out a -out b")),
            Err(KtpassError::Repeated { option: "-out" })
        ));
        assert!(matches!(
            parse(&words("-princ x --dry-run")),
            Err(KtpassError::SpnktOptionInside { .. })
        ));
        assert_eq!(parse(&words("-pass *")).unwrap().pass, Some(Pass::Prompt));
    }

    #[test]
    fn effects_say_upn_salt_kvno() {
        let l = parse(&words(
            "-princ HTTP/a.example.com@EXAMPLE.COM -mapuser svc -pass * -out a.keytab",
        ))
        .unwrap();
        let e = l.effects().join("\n");
        assert!(e.contains("userPrincipalName"), "{e}");
        assert!(e.contains("kvno goes up by one"), "{e}");
        assert!(e.contains("Trust this user for delegation"), "{e}");
    }
}

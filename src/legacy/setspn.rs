//! setspn.exe command lines: `-S|-A SPN ACCOUNT`, `-D SPN ACCOUNT`, `-Q SPN`,
//! `-X`, `-L ACCOUNT` (also `/S`, pasted dashes, any case; `-C`/`-U`/`-F`/`-P`/`-T`
//! modifiers accepted), into one [`SetspnLine`]. Pure: no I/O.

/// What the line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetspnLine {
    /// `-S SPN ACCOUNT` (`checked`: duplicates checked first) or `-A` (not).
    Add {
        /// The SPN.
        spn: String,
        /// The account as written.
        account: String,
        /// `-S` (true) or `-A` (false).
        checked: bool,
    },
    /// `-D SPN ACCOUNT`.
    Delete {
        /// The SPN.
        spn: String,
        /// The account as written.
        account: String,
    },
    /// `-Q SPN`: who holds it (a `*` wildcard host part lists the host's SPNs).
    Query {
        /// The SPN.
        spn: String,
    },
    /// `-X`: duplicates.
    Duplicates,
    /// `-L ACCOUNT` (or an account alone).
    List {
        /// The account as written.
        account: String,
    },
}

/// Why a setspn line cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetspnError {
    /// Nothing after `spnkt setspn`.
    #[error("no setspn options given")]
    Empty,
    /// A switch setspn has but spnkt does not carry out.
    #[error("setspn {switch} is not supported: {why}")]
    Unsupported {
        /// The switch.
        switch: String,
        /// Why, and what to do instead.
        why: &'static str,
    },
    /// An unknown switch.
    #[error("`{token}` is not a setspn switch")]
    Unknown {
        /// As written.
        token: String,
    },
    /// Not the arguments the switch takes.
    #[error("setspn {switch} takes {usage}")]
    Arguments {
        /// The switch.
        switch: &'static str,
        /// Its arguments.
        usage: &'static str,
    },
    /// Two operations in one line.
    #[error("setspn takes one of -S, -A, -D, -Q, -X, -L at a time")]
    TwoOperations,
    /// spnkt's own option among setspn's.
    #[error("`{token}` is spnkt's own option: put it before the setspn arguments")]
    SpnktOptionInside {
        /// As written.
        token: String,
    },
}

const DASHES: [char; 6] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2212}', '\u{2010}'];

fn switch_of(token: &str) -> Option<char> {
    let mut c = token.chars();
    let first = c.next()?;
    if !DASHES.contains(&first) {
        return None;
    }
    let s = c.next()?;
    (c.next().is_none() && s.is_ascii_alphabetic()).then(|| s.to_ascii_uppercase())
}

/// Parse the words after `setspn`.
pub fn parse(args: &[String]) -> Result<SetspnLine, SetspnError> {
    if args.is_empty() {
        return Err(SetspnError::Empty);
    }
    let mut op: Option<char> = None;
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let token = args[i].trim();
        i += 1;
        if token.starts_with("--") && token.len() > 2 {
            return Err(SetspnError::SpnktOptionInside {
                token: token.to_owned(),
            });
        }
        match switch_of(token) {
            Some(s @ ('S' | 'A' | 'D' | 'Q' | 'X' | 'L')) => {
                if op.replace(s).is_some() {
                    return Err(SetspnError::TwoOperations);
                }
            }
            // Account type and query scope modifiers: spnkt finds the account by
            // its sAMAccountName and searches the forest's global catalog anyway.
            Some('C' | 'U' | 'F' | 'P') => {}
            Some('T') => {
                // -T DOMAIN: the domain spnkt binds to is the one searched.
                i += 1;
            }
            Some('R') => {
                return Err(SetspnError::Unsupported {
                    switch: "-R".into(),
                    why: "it resets a computer's HOST/ SPNs, which spnkt never touches (computers keep their own)",
                });
            }
            Some(_) => {
                return Err(SetspnError::Unknown {
                    token: token.to_owned(),
                });
            }
            None => words.push(token.to_owned()),
        }
    }
    let take = |n: usize, switch: &'static str, usage: &'static str| {
        if words.len() == n {
            Ok(words.clone())
        } else {
            Err(SetspnError::Arguments { switch, usage })
        }
    };
    Ok(match op {
        Some(c @ ('S' | 'A')) => {
            let w = take(2, if c == 'S' { "-S" } else { "-A" }, "SPN ACCOUNT")?;
            SetspnLine::Add {
                spn: w[0].clone(),
                account: w[1].clone(),
                checked: c == 'S',
            }
        }
        Some('D') => {
            let w = take(2, "-D", "SPN ACCOUNT")?;
            SetspnLine::Delete {
                spn: w[0].clone(),
                account: w[1].clone(),
            }
        }
        Some('Q') => SetspnLine::Query {
            spn: take(1, "-Q", "SPN")?[0].clone(),
        },
        Some('X') => {
            take(0, "-X", "no arguments")?;
            SetspnLine::Duplicates
        }
        Some('L') | None => SetspnLine::List {
            account: take(1, "-L", "ACCOUNT")?[0].clone(),
        },
        Some(_) => unreachable!("only operation switches are stored"),
    })
}

/// The sAMAccountName in a setspn account argument: `DOMAIN\name` → `name`; a
/// computer named without its `$` is looked up as given (spnkt tries `name$` too).
pub fn account_name(account: &str) -> &str {
    account.split_once('\\').map_or(account, |(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_operation() {
        assert_eq!(
            parse(&words("-S HTTP/a.example.com EXAMPLE\\svc-a")).unwrap(),
            SetspnLine::Add {
                spn: "HTTP/a.example.com".into(),
                account: "EXAMPLE\\svc-a".into(),
                checked: true
            }
        );
        assert!(matches!(
            parse(&words("/a HTTP/a svc")).unwrap(),
            SetspnLine::Add { checked: false, .. }
        ));
        assert!(matches!(
            parse(&words("\u{2013}D HTTP/a svc")).unwrap(),
            SetspnLine::Delete { .. }
        ));
        assert!(matches!(
            parse(&words("-q HTTP/*")).unwrap(),
            SetspnLine::Query { .. }
        ));
        assert_eq!(parse(&words("-X -F")).unwrap(), SetspnLine::Duplicates);
        assert!(matches!(
            parse(&words("-T corp -F -Q HTTP/x")).unwrap(),
            SetspnLine::Query { .. }
        ));
        assert_eq!(
            parse(&words("svc-a")).unwrap(),
            SetspnLine::List {
                account: "svc-a".into()
            }
        );
        assert_eq!(account_name("EXAMPLE\\svc-a"), "svc-a");
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            parse(&words("-R web01")),
            Err(SetspnError::Unsupported { .. })
        ));
        assert!(matches!(
            parse(&words("-S HTTP/a")),
            Err(SetspnError::Arguments { switch: "-S", .. })
        ));
        assert!(matches!(
            parse(&words("-S HTTP/a svc -D HTTP/b svc")),
            Err(SetspnError::TwoOperations)
        ));
        assert!(matches!(
            parse(&words("-Z")),
            Err(SetspnError::Unknown { .. })
        ));
    }
}

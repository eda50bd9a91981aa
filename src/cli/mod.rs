//! Command-line definitions (clap derive): the single source for `--help`, the man
//! pages and the shell completions (`spnkt generate ...`).
//!
//! Every subcommand's examples live here, in [`EXAMPLES`], next to its arguments.
//! `--help` shows them (via `after_long_help`) and the man pages render them as an
//! EXAMPLES section, so the two never disagree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod command_line;
pub mod doctor;
pub mod man;

pub use doctor::DoctorArgs;

/// One worked example: what it does and the command line.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub description: &'static str,
    pub command: &'static str,
}

/// Examples per command, keyed by the command path (`spnkt keytab create`).
pub const EXAMPLES: &[(&str, &[Example])] = &[
    (
        "spnkt",
        &[
            Example {
                description: "Write a keytab for a web server's SPN from a password file",
                command: "spnkt keytab create --principal HTTP/app1.example.com@EXAMPLE.COM \\\n    --salt EXAMPLE.COMHTTPapp1.example.com --kvno 2 --password-file pw.txt --out app1.keytab",
            },
            Example {
                description: "List a keytab's entries",
                command: "spnkt keytab list app1.keytab",
            },
            Example {
                description: "Create the AD account for https://app1.example.com and a proven keytab in one step",
                command: "spnkt create --host app1.example.com --keytab app1.keytab --delegation none \\\n    --ldap-url ldaps://dc1.example.com --bind-user admin@EXAMPLE.COM",
            },
        ],
    ),
    (
        "spnkt keytab",
        &[
            Example {
                description: "List the keytab named by KRB5_KTNAME",
                command: "spnkt keytab list",
            },
            Example {
                description: "Combine two keytabs into one",
                command: "spnkt keytab merge all.keytab app1.keytab app2.keytab",
            },
        ],
    ),
    (
        "spnkt keytab create",
        &[
            Example {
                description: "AD user account with UPN HTTP/app1.example.com@EXAMPLE.COM, password piped in",
                command: "printf '%s\\n' \"$PW\" | spnkt keytab create \\\n    --principal HTTP/app1.example.com@EXAMPLE.COM \\\n    --salt EXAMPLE.COMHTTPapp1.example.com --kvno 2 --password-stdin --out app1.keytab",
            },
            Example {
                description: "Password from an environment variable, AES and RC4 keys, added to an existing keytab",
                command: "spnkt keytab create --principal HTTP/app1.example.com@EXAMPLE.COM --kvno 3 \\\n    --enctypes aes256,aes128,rc4 --password-env APP1_PW --out app1.keytab --append",
            },
            Example {
                description: "Reproducible keytab (fixed timestamps)",
                command: "SOURCE_DATE_EPOCH=0 spnkt keytab create --principal HTTP/app1.example.com@EXAMPLE.COM \\\n    --password-file pw.txt --out app1.keytab --force",
            },
        ],
    ),
    (
        "spnkt keytab list",
        &[
            Example {
                description: "List entries with timestamps and enctypes",
                command: "spnkt keytab list app1.keytab",
            },
            Example {
                description: "Machine-readable listing including the key bytes",
                command: "spnkt --json keytab list --keys app1.keytab",
            },
            Example {
                description: "List the keytab named by KRB5_KTNAME",
                command: "KRB5_KTNAME=FILE:/etc/krb5.keytab spnkt keytab list",
            },
        ],
    ),
    (
        "spnkt keytab merge",
        &[Example {
            description: "Merge two keytabs into all.keytab (existing entries in all.keytab are kept)",
            command: "spnkt keytab merge all.keytab app1.keytab app2.keytab",
        }],
    ),
    (
        "spnkt verify",
        &[
            Example {
                description: "Check the Negotiate header a browser sent (copied from the web server's log or the browser's developer tools)",
                command: "spnkt verify --keytab app1.keytab --ticket - <<< 'Authorization: Negotiate YIIH...'",
            },
            Example {
                description: "Check the service tickets in a user's credential cache (after kinit and kvno HTTP/app1.example.com)",
                command: "spnkt verify --keytab app1.keytab --ticket /tmp/krb5cc_1000",
            },
            Example {
                description: "Only the ticket for one service, as JSON, with the keytab named by KRB5_KTNAME",
                command: "KRB5_KTNAME=FILE:/etc/app1.keytab spnkt --json verify --ticket ticket.kirbi \\\n    --service HTTP/app1.example.com@EXAMPLE.COM",
            },
            Example {
                description: "Ask the KDC for a ticket now (like kvno -k) with your kinit credentials and check it with the keytab",
                command: "kinit admin@EXAMPLE.COM && spnkt verify --live --keytab app1.keytab --spn HTTP/app1.example.com",
            },
        ],
    ),
    (
        "spnkt keytab remove",
        &[
            Example {
                description: "Remove the kvno 2 keys of a principal",
                command: "spnkt keytab remove app1.keytab --principal HTTP/app1.example.com@EXAMPLE.COM --kvno 2",
            },
            Example {
                description: "After a password rotation, keep only the newest kvno of every principal",
                command: "spnkt keytab remove app1.keytab --old-kvnos",
            },
        ],
    ),
    (
        "spnkt create",
        &[
            Example {
                description: "Create the account for https://app1.example.com, prove its keys with the KDC and write the keytab (asks before changing anything)",
                command: "spnkt create --host app1.example.com --keytab app1.keytab --delegation none \\\n    --ldap-url ldaps://dc1.example.com --bind-user admin@EXAMPLE.COM",
            },
            Example {
                description: "Show what would be done, change nothing",
                command: "spnkt create --host app1.example.com --keytab app1.keytab --delegation none --dry-run",
            },
            Example {
                description: "Scripted: bind password from the environment, no questions, JSON report, WebSphere-style delegation",
                command: "SPNKT_LDAP_URL=ldaps://dc1.example.com SPNKT_BIND_USER=admin@EXAMPLE.COM \\\n    spnkt --json create --host app1.example.com --keytab app1.keytab \\\n    --delegation unconstrained --bind-password-env AD_PW --yes",
            },
        ],
    ),
    (
        "spnkt config",
        &[
            Example {
                description: "krb5.conf and the Apache mod_auth_gssapi block for the keytab spnkt create wrote, next to it",
                command: "spnkt config --keytab app1.keytab --for apache",
            },
            Example {
                description: "Every server's files into conf/, for a keytab that will live in /etc/httpd/app1.keytab, KDCs named",
                command: "spnkt config --keytab app1.keytab --out conf --server-keytab /etc/httpd/app1.keytab \\\n    --kdc dc1.example.com --kdc dc2.example.com",
            },
            Example {
                description: "WebSphere on Windows: krb5.ini and the SPNEGO web authentication values, Windows paths inside",
                command: "spnkt config --keytab app1.keytab --for websphere --server-dir 'C:\\IBM\\spnego' \\\n    --server-keytab 'C:\\IBM\\spnego\\app1.keytab'",
            },
        ],
    ),
    (
        "spnkt rotate",
        &[Example {
            description: "New password and keys for HTTP/app1.example.com; the keytab keeps the previous kvno for tickets in flight",
            command: "spnkt rotate --host app1.example.com --keytab app1.keytab --bind-password-env AD_PW --yes",
        }],
    ),
    (
        "spnkt apply",
        &[
            Example {
                description: "In a pipeline: show what the plan would change (exit status 10 if anything), then converge",
                command: "spnkt apply services.toml --dry-run; spnkt apply services.toml",
            },
            Example {
                description: "Rotate one service now, and remove the accounts this plan made that it no longer lists",
                command: "spnkt apply services.toml --rotate app1.example.com --prune --yes",
            },
        ],
    ),
    (
        "spnkt delete",
        &[Example {
            description: "Remove the account spnkt created for HTTP/app1.example.com (after showing it)",
            command: "spnkt delete --host app1.example.com",
        }],
    ),
    (
        "spnkt spn",
        &[
            Example {
                description: "Which account holds HTTP/app1.example.com (setspn -Q)",
                command: "spnkt spn list --host app1.example.com",
            },
            Example {
                description: "Find duplicate SPNs and HOST/ clashes in the directory (setspn -X)",
                command: "spnkt spn check",
            },
        ],
    ),
    (
        "spnkt spn list",
        &[
            Example {
                description: "Every SPN for one host name, with the account holding it",
                command: "spnkt spn list --host app1.example.com",
            },
            Example {
                description: "The SPNs of one account (setspn -L)",
                command: "spnkt spn list --account svc-http-app1",
            },
        ],
    ),
    (
        "spnkt spn add",
        &[Example {
            description: "Add an alias name to an account (refused if another object holds it)",
            command: "spnkt spn add --account svc-http-app1 HTTP/www.example.com",
        }],
    ),
    (
        "spnkt spn remove",
        &[Example {
            description: "Remove an SPN from an account",
            command: "spnkt spn remove --account svc-http-app1 HTTP/www.example.com",
        }],
    ),
    (
        "spnkt ktpass",
        &[
            Example {
                description: "A line from an HCL Connections guide, as pasted (the password in it is refused; -pass * asks for it)",
                command: "spnkt ktpass --delegation unconstrained --ldap-url ldaps://dc1.example.com --bind-kerberos \\\n    -out c:\\Node1.keytab \u{2013}princ HTTP/connections.example.com@EXAMPLE.COM \\\n    -mapuser connections_user -mapOp set \u{2013}pass '*' -ptype KRB5_NT_PRINCIPAL",
            },
            Example {
                description: "Only show what the line would do and the plan",
                command: "spnkt ktpass --dry-run -princ HTTP/app1.example.com@EXAMPLE.COM -mapuser svc-app1 +rndpass -out app1.keytab",
            },
        ],
    ),
    (
        "spnkt setspn",
        &[
            Example {
                description: "Add an SPN after checking for duplicates (setspn -S)",
                command: "spnkt setspn -S HTTP/app1.example.com EXAMPLE\\svc-app1",
            },
            Example {
                description: "Who holds an SPN (exit status 1 when nobody does)",
                command: "spnkt setspn -Q HTTP/app1.example.com",
            },
        ],
    ),
    (
        "spnkt keytab derive",
        &[Example {
            description: "The keytab of an existing account from its current password, proven with the KDC; AD is not changed",
            command: "spnkt keytab derive --host app1.example.com --keytab app1.keytab --password-env APP1_PW",
        }],
    ),
    (
        "spnkt spn check",
        &[
            Example {
                description: "Check the whole directory (exit status 4 when problems are found)",
                command: "spnkt spn check",
            },
            Example {
                description: "Check one host name, as JSON",
                command: "spnkt --json spn check --host app1.example.com",
            },
        ],
    ),
    (
        "spnkt account",
        &[Example {
            description: "Show the account behind HTTP/app1.example.com and compare it with a keytab",
            command: "spnkt account show --host app1.example.com --keytab app1.keytab",
        }],
    ),
    (
        "spnkt account show",
        &[
            Example {
                description: "SPNs, UPN, flags, enctypes, kvno and delegation of the account behind HTTP/app1.example.com",
                command: "spnkt account show --host app1.example.com",
            },
            Example {
                description: "Does the keytab match the account's kvno and enctypes? (exit status 4 if not)",
                command: "spnkt account show --host app1.example.com --keytab app1.keytab",
            },
        ],
    ),
    (
        "spnkt doctor",
        &[
            Example {
                description: "Why does single sign-on to a site fail? Every link checked, as your browser would walk it (kinit first)",
                command: "spnkt doctor https://portal.example.com/app",
            },
            Example {
                description: "On the web server: also check its keytab against the ticket",
                command: "spnkt doctor https://portal.example.com/ --keytab /etc/httpd/http.keytab",
            },
            Example {
                description: "From cron: silent when SPNEGO works, one line and exit status 4 when not",
                command: "spnkt doctor -q https://portal.example.com/ || logger -t spnkt 'SSO to portal broken'",
            },
        ],
    ),
    (
        "spnkt wizard",
        &[
            Example {
                description: "Answer a few questions, review the plan and the equivalent `spnkt create` command line, confirm",
                command: "spnkt wizard",
            },
            Example {
                description: "The same with the domain controller's CA and the domain controller given in advance",
                command: "SPNKT_CA_CERT=dc-ca.pem spnkt wizard --ldap-url ldaps://dc1.example.com",
            },
        ],
    ),
];

/// The examples for a command path such as `spnkt keytab create`.
pub fn examples_for(path: &str) -> &'static [Example] {
    EXAMPLES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[], |(_, e)| e)
}

/// `--help` text for a command's examples.
fn examples_help(path: &str) -> String {
    let mut out = String::from("Examples:\n");
    for e in examples_for(path) {
        out.push_str(&format!("  # {}\n", e.description));
        for line in e.command.lines() {
            out.push_str(&format!("  {line}\n"));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Documented exit codes (also rendered as EXIT STATUS in the man pages).
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "success"),
    (
        1,
        "failure: a file could not be read or written, a keytab is malformed, a key could not be derived, nothing matched, the directory or KDC could not be reached or refused a change",
    ),
    (
        2,
        "usage error or refused input: unknown option, bad principal, bad encryption type name, bad kvno, missing password source, a host name or account that cannot work (IP address, HTTPS/, no dots, name in use by another object), no --yes without a terminal",
    ),
    (
        4,
        "verification failed: `spnkt doctor` found that SPNEGO to the URL does not work (or could not prove it does); `spnkt verify` found a ticket the keytab does not decrypt (or whose PAC signature does not verify), or an NTLM token instead of a Kerberos one, or with --live the KDC refused the service ticket (an SPN it does not know); `spnkt create`/`rotate` could not prove the new keys with the KDC (no keytab is written); `spnkt spn check` found problems; `spnkt account show --keytab` found a keytab that does not match",
    ),
    (
        5,
        "not replicated: with --wait-replication, the keytab is written and its keys proven on the domain controller written to, but not every domain controller accepted them within --replication-timeout (the per-DC table says which)",
    ),
    (
        6,
        "conflict: another run changed the same account while this one ran (set its password again, so the kvno moved after this run read it back; or, for `spnkt apply`, created it after this run looked): this run's keys are stale and were NOT written; the account works with the other run's keys. Run the command again",
    ),
    (
        10,
        "`spnkt apply --dry-run`: the plan would change something (create, repair, rotate or remove a service); 0 means the directory and keytabs already match the plan",
    ),
];

/// Environment variables spnkt reads (rendered as ENVIRONMENT in the man pages).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "KRB5_KTNAME",
        "Default keytab for `spnkt keytab list` when no FILE is given, and for `spnkt verify` without --keytab. A `FILE:` or `WRFILE:` prefix is accepted; other keytab types (MEMORY:, KEYRING:, ...) are not.",
    ),
    (
        "KRB5CCNAME",
        "Credential cache `spnkt verify --live`, `spnkt doctor` and --bind-kerberos take the ticket-granting ticket from (FILE:PATH or a plain path; other types such as KEYRING: or KCM: are not read). Default: /tmp/krb5cc_<uid>.",
    ),
    (
        "SOURCE_DATE_EPOCH",
        "When set (seconds since 1970-01-01 UTC), used as the timestamp of the keytab entries written instead of the current time, for reproducible keytabs; `spnkt verify` takes it as \"now\" when judging ticket lifetimes (\"expired 2h ago\"), for reproducible reports.",
    ),
    (
        "SPNKT_LDAP_URL",
        "Directory URL for --ldap-url: ldaps://dc1.example.com (port 636) or ldap://dc1.example.com with --starttls.",
    ),
    (
        "SPNKT_BIND_USER",
        "Account to bind as, for --bind-user: user@REALM, DOMAIN\\user or a DN.",
    ),
    (
        "SPNKT_CA_CERT",
        "PEM file with the CA that signed the domain controller's certificate, for --ca-cert (trusted on top of the system's CAs).",
    ),
    (
        "SPNKT_REALM",
        "Kerberos realm for --realm (the AD domain in upper case).",
    ),
    ("SPNKT_KDC", "KDC for --kdc, host[:port]."),
    (
        "SPNKT_SITE",
        "AD site for --site: its domain controllers are tried first.",
    ),
    (
        "KRB5_CONFIG",
        "krb5.conf to read default_realm and the realm's kdc entries from (default /etc/krb5.conf). A realm without a kdc entry is looked up in DNS (SRV _kerberos._tcp.REALM).",
    ),
    (
        "SPNKT_DNS_SERVER",
        "Nameserver for the DNS SRV lookups of a KDC (_kerberos._tcp.REALM) and domain controller (_ldap._tcp.dc._msdcs.REALM) not given otherwise, and for the DNS check of a web site's host name (A, AAAA, CNAME), ip[:port] (default: the nameserver lines of /etc/resolv.conf).",
    ),
    (
        "SPNKT_KEYTAB_LOCK_TIMEOUT",
        "Seconds to wait for another process's lock on a keytab before giving up (default 30; 0: do not wait). spnkt locks a keytab (flock, and on Linux the OFD record lock MIT krb5 takes) while it reads, merges and replaces it.",
    ),
    ("NO_COLOR", "Disables colours in help and error output."),
];

/// Files (rendered as FILES in the man pages).
pub const FILES: &[(&str, &str)] = &[
    (
        ".NAME.spnkt-tmp-*",
        "Keytabs are written to a temporary file next to the target, created with mode 0600, synced, then renamed over the target, so a keytab is never left half-written. The temporary file is removed on error. While spnkt reads, merges and replaces a keytab it holds the keytab's lock (flock, and on Linux the OFD record lock MIT krb5 takes), so runs writing one keytab at once do not lose each other's entries; no lock files are created (a new keytab is created exclusively instead).",
    ),
    (
        "/etc/resolv.conf",
        "Its nameserver lines (at most three) are asked for the DNS SRV records of a realm's KDC and domain controllers, over UDP (2 s, one retry each) and TCP for truncated replies, and for the A, AAAA and CNAME records of a web site's host name (the DNS check: 1.5 s in all, then a note instead of an answer); SPNKT_DNS_SERVER overrides them.",
    ),
];

fn root_after_help() -> String {
    let mut out = examples_help("spnkt");
    out.push_str("\n\nExit status:\n");
    for (code, what) in EXIT_CODES {
        out.push_str(&format!("  {code}  {what}\n"));
    }
    out.push_str("\nEnvironment:\n");
    for (name, what) in ENVIRONMENT {
        out.push_str(&format!("  {name}\n      {what}\n"));
    }
    out.truncate(out.trim_end().len());
    out
}

/// spnkt: Active Directory SPNEGO service accounts and MIT keytabs.
#[derive(Debug, Parser)]
#[command(
    name = "spnkt",
    version,
    about = "Create MIT keytabs for Active Directory SPNEGO (Kerberos web SSO): a ktpass/setspn replacement",
    long_about = "Create MIT keytabs for Active Directory SPNEGO (Kerberos single sign-on for web servers): a replacement for ktpass.exe and setspn.exe that runs on Linux, macOS and Windows.\n\nSecrets never go on the command line: passwords come from a file, standard input, an environment variable or a prompt.",
    arg_required_else_help = true,
    disable_help_subcommand = true,
    after_long_help = root_after_help(),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Print the result as one JSON object on standard output (errors too, as {"error": {...}})
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Do not print notes and warnings on standard error (they stay in --json output)
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list, merge and edit keytab files (offline, no directory access)
    Keytab(KeytabArgs),

    /// Decrypt a captured service ticket with a keytab and say why it fails
    #[command(
        long_about = "Decrypt a service ticket with a keytab, as the web server would, and say exactly why it fails: no key for the ticket's service principal (with near misses: another service on the same host, a case difference, another realm), a key version (kvno) mismatch, a missing encryption type, a wrong password or salt, or a PAC signature that does not verify. On success it shows the client, the ticket's times and flags, the PAC and, for an AP-REQ, the authenticator and whether the client delegated.\n\nThe ticket may be an HTTP `Authorization: Negotiate ...` header (or the bare base64 token), a SPNEGO or GSS-API token, an AP-REQ, a ticket, a KRB-CRED (.kirbi, binary or base64) or an MIT credential cache. With --ticket nothing is sent anywhere: spnkt only reads files.\n\nWith --live instead of --ticket, spnkt asks the KDC for a service ticket now, like `kvno -k`, with its own Kerberos client: for --spn, or for every principal in the keytab. It logs in with the ticket-granting ticket in your credential cache (KRB5CCNAME, default /tmp/krb5cc_<uid>), or else as --bind-user with a bind password, and checks the ticket exactly as above. An SPN the KDC does not know is a failure (exit status 4); a KDC that cannot be reached is exit status 1.",
        after_long_help = examples_help("spnkt verify"),
    )]
    Verify(VerifyArgs),

    /// Create the AD account for HTTP/host, prove its keys with the KDC, write the keytab
    #[command(
        long_about = "Create (or converge) the Active Directory account for HTTP/<host> and write a keytab whose keys the KDC has proven: what ktpass, setspn and \"Active Directory Users and Computers\" do by hand, in one safe step.\n\nEverything is checked before the directory is touched: the host name (a lower-case FQDN, not an IP address; the service is always HTTP, also for https:// sites), the account name, that HTTP/<host> is not held by another object, and that the host is not a computer's name. The host is also looked up in DNS, because browsers ask a ticket for the name its CNAME chain ends at: an alias is reported with that name and the SPN the account should hold (HTTP/<canonical name>), an alias of a computer's own name as a RED FLAG (AD would answer with the computer's HOST/ key), a host without a record or with the domain controller's address as a warning; the DNS check never stops create (--no-dns-check skips it). Then the account is added in ONE operation with its password (a random one of 32 characters by default), enabled and with the delegation asked for: the directory applies it whole or not at all; if a later step fails the account this run added is deleted again (or, when the bind account may not delete, left disabled). Finally the new kvno is read back, the KDC's salt is fetched, the keys are derived and proven (log in with them, get a ticket for HTTP/<host> and decrypt it), and only then the keytab is written.\n\n--dry-run shows the plan and changes nothing. Without --yes the plan is shown and confirmed on a terminal; without a terminal --yes is required.",
        after_long_help = examples_help("spnkt create"),
    )]
    Create(CreateArgs),

    /// Write a keytab's web server settings: krb5.conf, Apache, Java, WebSphere, nginx
    #[command(
        long_about = CONFIG_LONG_ABOUT,
        after_long_help = examples_help("spnkt config"),
    )]
    Config(ConfigArgs),

    /// Set a new random password and rewrite the keytab (keeping the previous kvno)
    #[command(
        long_about = "Give the account holding HTTP/<host> a new random password, read the new kvno back, prove the new keys with the KDC and rewrite the keytab with them, keeping the entries of the previous --keep-old kvnos so that tickets issued before the change still work.",
        after_long_help = examples_help("spnkt rotate"),
    )]
    Rotate(RotateArgs),

    /// Delete the account holding HTTP/host (only one spnkt created, unless --force)
    #[command(
        long_about = "Show the account that holds HTTP/<host> (DN, SPNs, description) and delete it. Only accounts spnkt created (their description says so) are deleted, unless --force; computer accounts never are.",
        after_long_help = examples_help("spnkt delete"),
    )]
    Delete(DeleteArgs),

    /// Converge the services of a plan file (TOML): create, repair, rotate, prune
    #[command(
        long_about = APPLY_LONG_ABOUT,
        after_long_help = examples_help("spnkt apply"),
    )]
    Apply(ApplyArgs),

    /// List, add, remove and check service principal names (setspn)
    Spn(SpnArgs),

    /// Carry out a ktpass command line from a runbook, the spnkt way (explained, keys proven)
    #[command(
        long_about = KTPASS_LONG_ABOUT,
        after_long_help = examples_help("spnkt ktpass"),
    )]
    Ktpass(KtpassArgs),

    /// Carry out a setspn command line (-S, -A, -D, -Q, -X, -L) with setspn's exit codes
    #[command(
        long_about = "Take a setspn command line as runbooks have it (switches with - or /, in any case, pasted dashes) and do it with spnkt's SPN commands: -S and -A add (spnkt always checks for duplicates first), -D removes, -Q lists who holds an SPN, -X reports duplicates and HOST/ clashes, -L (or an account alone) lists an account's SPNs. -C, -U, -F, -P and -T are accepted (spnkt finds the account by its sAMAccountName and searches the global catalog when it answers); -R is refused (spnkt never touches a computer's own SPNs). A note names the native spnkt command.\n\nExit status as setspn: 0 when done or found, 1 when not found, a duplicate or another failure; 2 for a line spnkt cannot read.",
        after_long_help = examples_help("spnkt setspn"),
    )]
    Setspn(SetspnArgs),

    /// Show a service account as AD sees it
    Account(AccountArgs),

    /// Check a web site's whole SPNEGO path: DNS, SPN, KDC ticket, web server, keytab
    #[command(
        long_about = doctor::DOCTOR_LONG_ABOUT,
        after_long_help = examples_help("spnkt doctor"),
    )]
    Doctor(DoctorArgs),

    /// Guided setup: asks for the web site, account, delegation and keytab, then runs create
    #[command(
        long_about = "Ask, one question at a time and with a line of explanation each, what `spnkt create` needs: the domain controller and the account to bind as (the password is never echoed), the web site's host name (checked against the directory right away, as create does, and in DNS: for an alias the wizard offers its canonical name, the one browsers ask a ticket for), the account name, the container, delegation, encryption types, the account's password (generated by default) and the keytab file. Defaults are discovered first: the realm and KDC from krb5.conf (KRB5_CONFIG), the domain controller from DNS SRV _ldap._tcp.dc._msdcs.REALM or krb5.conf, the admin from the credential cache (KRB5CCNAME), the containers from the directory.\n\nThen it shows the plan (as `spnkt create --dry-run` does) and the equivalent non-interactive command line (secrets as --bind-password-env and --password-env variables, never inline), asks for confirmation, creates the account, proves the keys with the KDC, writes the keytab and says what to do next on the web server.\n\nCtrl-C at any question leaves the directory untouched (exit status 130). Needs a terminal; `spnkt` without arguments on a terminal offers to start it.",
        after_long_help = examples_help("spnkt wizard"),
    )]
    Wizard(WizardArgs),

    /// Generate man pages or shell completions
    #[command(hide = true)]
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
#[command(
    arg_required_else_help = true,
    disable_help_subcommand = true,
    after_long_help = examples_help("spnkt keytab"),
)]
pub struct KeytabArgs {
    #[command(subcommand)]
    pub command: KeytabCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeytabCommand {
    /// Derive keys from a password and write them to a keytab (ktpass without -mapuser)
    #[command(
        long_about = "Derive keys from a password and write them to a keytab, like ktpass without -mapuser. Nothing is changed in the directory: the account must already have this password, and --salt and --kvno must match it.",
        after_long_help = examples_help("spnkt keytab create"),
    )]
    Create(KeytabCreateArgs),

    /// Derive an existing account's keytab from its current password (AD unchanged, keys proven)
    #[command(
        long_about = "Make the keytab of an existing AD account from the password it has now, without changing anything in the directory (ktpass -setpass): the account holding HTTP/<host> (or --account) is found, its kvno read, the AES salt asked of the KDC, and the keys proven with the KDC (log in with them, get a ticket for HTTP/<host> and decrypt it) before the keytab is written.",
        after_long_help = examples_help("spnkt keytab derive"),
    )]
    Derive(Box<KeytabDeriveArgs>),

    /// List a keytab's entries (like `klist -kte`)
    #[command(after_long_help = examples_help("spnkt keytab list"))]
    List(KeytabListArgs),

    /// Merge keytabs into one (like ktutil rkt/wkt)
    #[command(
        long_about = "Merge keytabs into OUT. If OUT exists its entries are kept first; entries identical to one already present are skipped. Two entries with the same principal, kvno and enctype but different keys are an error and nothing is written.",
        after_long_help = examples_help("spnkt keytab merge"),
    )]
    Merge(KeytabMergeArgs),

    /// Remove entries from a keytab
    #[command(
        long_about = "Remove entries from a keytab: those of --principal (exact, case-sensitive match), optionally only one --kvno and/or --enctype; or with --old-kvnos every entry older than its principal's highest kvno.",
        after_long_help = examples_help("spnkt keytab remove"),
    )]
    Remove(KeytabRemoveArgs),
}

/// How the principal's name type is recorded in the keytab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrincipalType {
    /// KRB5_NT_PRINCIPAL (1), as ktpass and MIT tools write by default
    Principal,
    /// KRB5_NT_SRV_INST (2)
    SrvInst,
    /// KRB5_NT_SRV_HST (3)
    SrvHst,
}

/// Where a password comes from. At most one; with none, spnkt prompts when standard
/// input is a terminal. There is deliberately no flag taking the password itself.
#[derive(Debug, Clone, Default, Args)]
#[group(id = "password_source", multiple = false)]
pub struct PasswordArgs {
    /// Read the password from FILE (all of it, minus one trailing newline)
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,

    /// Read the password from environment variable VAR
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct KeytabCreateArgs {
    /// Principal to write, with realm: HTTP/host.example.com@EXAMPLE.COM
    #[arg(long, short = 'p', value_name = "PRINCIPAL")]
    pub principal: String,

    /// AES salt [default: MIT's, the realm followed by the name components]
    #[arg(long, value_name = "SALT")]
    pub salt: Option<String>,

    /// Key version number: the account's msDS-KeyVersionNumber [default: 1]
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_kvno)]
    pub kvno: Option<u32>,

    /// Encryption types, comma-separated: aes256, aes128, rc4 (or MIT names)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "aes256,aes128"
    )]
    pub enctypes: Vec<String>,

    /// PBKDF2 iterations for AES keys (AD always uses 4096)
    #[arg(long, value_name = "N", default_value_t = crate::krb::string_to_key::DEFAULT_AES_ITERATIONS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub iterations: u32,

    /// Name type recorded in the keytab
    #[arg(long, value_enum, value_name = "TYPE", default_value = "principal")]
    pub ptype: PrincipalType,

    #[command(flatten)]
    pub password: PasswordArgs,

    /// Keytab file to write
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,

    /// Add to an existing keytab, replacing entries with the same principal, kvno and enctype
    #[arg(long, conflicts_with = "force")]
    pub append: bool,

    /// Overwrite an existing keytab
    #[arg(long)]
    pub force: bool,
}

/// clap value parser for key version numbers: 0..=4294967295.
pub fn parse_kvno(s: &str) -> Result<u32, String> {
    s.parse::<u32>().map_err(|_| {
        "must be a whole number from 0 to 4294967295 (the account's msDS-KeyVersionNumber)"
            .to_owned()
    })
}

#[derive(Debug, Args)]
pub struct KeytabListArgs {
    /// Keytab to list [default: $KRB5_KTNAME]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Also print the key bytes in hex (secret!)
    #[arg(long)]
    pub keys: bool,
}

#[derive(Debug, Args)]
pub struct KeytabMergeArgs {
    /// Keytab to write (its entries are kept if it exists)
    #[arg(value_name = "OUT")]
    pub out: PathBuf,

    /// Keytabs to read
    #[arg(value_name = "IN", required = true, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeytabRemoveArgs {
    /// Keytab to edit
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Remove this principal's entries (exact match: keytab names are case-sensitive)
    #[arg(
        long,
        short = 'p',
        value_name = "PRINCIPAL",
        required_unless_present = "old_kvnos"
    )]
    pub principal: Option<String>,

    /// Only entries with this key version number
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_kvno, conflicts_with = "old_kvnos")]
    pub kvno: Option<u32>,

    /// Only entries of this encryption type (name or number)
    #[arg(long, value_name = "ENCTYPE")]
    pub enctype: Option<String>,

    /// Remove every entry whose kvno is lower than the highest kvno of its principal
    #[arg(long)]
    pub old_kvnos: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Keytab with the service's keys [default: $KRB5_KTNAME]
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: Option<PathBuf>,

    /// The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input; a log or HAR file with many Negotiate tokens, or a directory of captures, checks each and sums up
    #[arg(
        long,
        short = 't',
        value_name = "INPUT",
        required_unless_present = "live"
    )]
    pub ticket: Option<PathBuf>,

    /// Only the tickets for this service principal (the realm may be left out)
    #[arg(long, short = 's', value_name = "PRINCIPAL", conflicts_with = "live")]
    pub service: Option<String>,

    /// Ask the KDC for a service ticket now (like `kvno -k`) and check it, instead of a captured --ticket
    #[arg(long, conflicts_with = "ticket", help_heading = "Live check")]
    pub live: bool,

    /// With --live: the service principal to ask for [default: every principal in the keytab]
    #[arg(
        long,
        value_name = "PRINCIPAL",
        requires = "live",
        help_heading = "Live check"
    )]
    pub spn: Option<String>,

    // With --live and no ticket-granting ticket in the ccache: log in with a password.
    #[command(flatten, next_help_heading = "Live check")]
    pub bind: BindArgs,

    #[command(flatten, next_help_heading = "Live check")]
    pub kerberos: KerberosArgs,
}

/// How to reach and bind to the directory, and where the KDC is. Shared by every
/// command that talks to Active Directory.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Directory")]
pub struct DirectoryArgs {
    /// Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm's KDC>]
    #[arg(
        long,
        value_name = "URL",
        env = "SPNKT_LDAP_URL",
        hide_env_values = true
    )]
    pub ldap_url: Option<String>,

    /// Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)
    #[arg(long)]
    pub starttls: bool,

    /// PEM file with the CA of the domain controller's certificate (added to the system's CAs)
    #[arg(
        long,
        value_name = "PEM",
        env = "SPNKT_CA_CERT",
        hide_env_values = true
    )]
    pub ca_cert: Option<PathBuf>,

    /// Do not verify the domain controller's certificate (INSECURE: anyone on the path can read the bind password)
    #[arg(long)]
    pub insecure_skip_verify: bool,

    #[command(flatten)]
    pub bind: BindArgs,

    #[command(flatten)]
    pub kerberos_bind: KerberosBindArgs,

    #[command(flatten)]
    pub kerberos: KerberosArgs,

    /// Search base [default: the rootDSE's defaultNamingContext]
    #[arg(long, value_name = "DN")]
    pub base_dn: Option<String>,

    /// AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given
    #[arg(long, value_name = "SITE", env = "SPNKT_SITE", hide_env_values = true)]
    pub site: Option<String>,

    /// Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]
    #[arg(long, value_name = "SECONDS", env = "SPNKT_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
}

/// Replication between domain controllers: how long to wait, and for which DCs.
#[derive(Debug, Clone, Default, Args)]
pub struct ReplicationArgs {
    /// After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)
    #[arg(long)]
    pub wait_replication: bool,

    /// How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]
    #[arg(long, value_name = "SECONDS")]
    pub replication_timeout: Option<u64>,

    /// With --wait-replication: wait only for this domain controller (host name; repeatable)
    #[arg(long = "dc", value_name = "HOST", requires = "wait_replication")]
    pub dcs: Vec<String>,
}

/// Who to log in as: the bind account and its password source. Shared by the
/// directory commands (LDAP bind) and `verify --live` (AS exchange with the KDC).
#[derive(Debug, Clone, Default, Args)]
pub struct BindArgs {
    /// Account to bind as: user@REALM, DOMAIN\user or a DN
    #[arg(
        long,
        value_name = "USER",
        env = "SPNKT_BIND_USER",
        hide_env_values = true
    )]
    pub bind_user: Option<String>,

    #[command(flatten)]
    pub bind_password: BindPasswordArgs,
}

/// A Kerberos bind instead of a password: the admin's ticket, or a deploy
/// account's keytab. Directory commands only.
#[derive(Debug, Clone, Default, Args)]
pub struct KerberosBindArgs {
    /// Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos
    #[arg(long, conflicts_with_all = ["bind_password_source", "bind_keytab"])]
    pub bind_kerberos: bool,

    /// Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account's keytab) into memory: no password anywhere
    #[arg(
        long,
        value_name = "FILE",
        env = "SPNKT_BIND_KEYTAB",
        hide_env_values = true,
        requires = "bind_user",
        conflicts_with = "bind_password_source"
    )]
    pub bind_keytab: Option<PathBuf>,
}

impl KerberosBindArgs {
    /// Whether the bind is a Kerberos bind.
    pub fn any(&self) -> bool {
        self.bind_kerberos || self.bind_keytab.is_some()
    }
}

/// Which realm and which KDC. Shared by the directory commands and `verify --live`.
#[derive(Debug, Clone, Default, Args)]
pub struct KerberosArgs {
    /// Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]
    #[arg(
        long,
        value_name = "REALM",
        env = "SPNKT_REALM",
        hide_env_values = true
    )]
    pub realm: Option<String>,

    /// KDC to ask for tickets, host[:port] [default: the domain controller's own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm's kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]
    #[arg(
        long,
        value_name = "HOST[:PORT]",
        env = "SPNKT_KDC",
        hide_env_values = true
    )]
    pub kdc: Option<String>,
}

/// Where the bind password comes from. At most one; with none, spnkt prompts when
/// standard input is a terminal. There is deliberately no flag taking the password.
#[derive(Debug, Clone, Default, Args)]
#[group(id = "bind_password_source", multiple = false)]
pub struct BindPasswordArgs {
    /// Read the bind password from FILE (all of it, minus one trailing newline)
    #[arg(long, value_name = "FILE")]
    pub bind_password_file: Option<PathBuf>,

    /// Read the bind password from the first line of standard input
    #[arg(long)]
    pub bind_password_stdin: bool,

    /// Read the bind password from environment variable VAR
    #[arg(long, value_name = "VAR")]
    pub bind_password_env: Option<String>,
}

/// `spnkt keytab derive`.
#[derive(Debug, Clone, Args)]
pub struct KeytabDeriveArgs {
    /// The web site's host name: the account holding HTTP/HOST
    #[arg(long, value_name = "HOST")]
    pub host: String,

    /// The account (sAMAccountName) [default: the one holding HTTP/HOST]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,

    /// Keytab file to write
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: PathBuf,

    /// Encryption types, comma-separated: aes256, aes128, rc4
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "aes256,aes128"
    )]
    pub enctypes: Vec<String>,

    /// Keep other principals' entries of an existing keytab
    #[arg(long, conflicts_with = "force")]
    pub append: bool,

    /// Overwrite an existing keytab
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub password: PasswordArgs,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

/// `spnkt ktpass`: spnkt's own options first, then the ktpass line.
#[derive(Debug, Args)]
pub struct KtpassArgs {
    /// Say what the line would do and show the plan; change nothing (as ktpass's -answer)
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask for confirmation (as ktpass's +answer; required without a terminal)
    #[arg(long)]
    pub yes: bool,

    /// Kerberos delegation: ktpass sets none, WebSphere/HCL SPNEGO needs unconstrained (asked on a terminal, else required)
    #[arg(long, value_enum, value_name = "KIND")]
    pub delegation: Option<DelegationKind>,

    /// Do not look the host up in DNS (see spnkt create --help)
    #[arg(long)]
    pub no_dns_check: bool,

    #[command(flatten)]
    pub password: PasswordArgs,

    #[command(flatten)]
    pub replication: ReplicationArgs,

    #[command(flatten)]
    pub directory: DirectoryArgs,

    /// The ktpass options as in the runbook: -out FILE -princ HTTP/host@REALM -mapuser NAME ... (with -, / or pasted dashes, in any case)
    #[arg(
        value_name = "KTPASS-OPTIONS",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ktpass: Vec<String>,
}

/// `spnkt setspn`: spnkt's own options first, then the setspn line.
#[derive(Debug, Args)]
pub struct SetspnArgs {
    #[command(flatten)]
    pub directory: DirectoryArgs,

    /// The setspn arguments as in the runbook: -S SPN ACCOUNT, -A SPN ACCOUNT, -D SPN ACCOUNT, -Q SPN, -X, -L ACCOUNT
    #[arg(
        value_name = "SETSPN-ARGS",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub setspn: Vec<String>,
}

const KTPASS_LONG_ABOUT: &str = "Take a ktpass command line as runbooks and blog posts have it and carry it out the spnkt way. Options may start with - or / (or the en and em dashes word processors put into pasted commands), in any case; values may be quoted. Accepted: -out FILE (a Windows path becomes its file name in the current directory), -princ HTTP/host@REALM, -mapuser ACCOUNT (name, DOMAIN\\name or name@domain), -mapop set|add, -pass * (asked for), +rndpass, -crypto All|AES256-SHA1|AES128-SHA1|RC4-HMAC-NT (DES is refused), -ptype, -kvno (ignored: the directory's kvno is used), -in FILE (its other entries are kept), +setupn/-setupn, +setpass/-setpass, +answer/-answer, +DumpSalt, -target DC.\n\nFirst spnkt says what the line would do in AD: ktpass maps the SPN, sets the UPN to the principal and resets the password, which fixes a new salt and raises the kvno, so keytabs made before stop working; it sets no delegation and proves nothing. Then it does the same with `spnkt create` (the account is taken over, or created when it does not exist; delegation as --delegation; the new keys proven with the KDC before the keytab is written), printing the native spnkt command line; with -setpass it makes the keytab from the account's current password without changing AD (`spnkt keytab derive`). A password typed into the line (-pass Password1) is refused: it is in the shell's history and the process list; give -pass * to be asked, spnkt's --password-env or --password-file before the ktpass options, or +rndpass. Warnings ktpass never gives: HTTPS/ principals (refused: browsers ask for HTTP/), machine names as hosts (refused), an account that is a computer (refused: its password would be reset) or already holds other SPNs, RC4.\n\nspnkt's own options (--dry-run, --yes, --delegation, --ldap-url, --bind-kerberos, --password-env, ...) go before the ktpass options.";

/// Who the service may act for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DelegationKind {
    /// No delegation
    None,
    /// Trust this user for delegation to any service (Kerberos only): TRUSTED_FOR_DELEGATION, what WebSphere/HCL SPNEGO needs; the service can act as its users anywhere
    Unconstrained,
    /// Only to the services given with --delegate-to (msDS-AllowedToDelegateTo)
    Constrained,
}

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// The web site's host name as users type it (a lower-case FQDN); the SPN is HTTP/HOST
    #[arg(long, value_name = "HOST")]
    pub host: String,

    /// Keytab file to write
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: PathBuf,

    /// Account name (sAMAccountName, at most 20 characters) [default: svc-http-<first label of HOST>]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,

    /// Container for the new account [default: the domain's Users container, as its well-known object names it (CN=Users,<domain> unless redirected)]
    #[arg(long, value_name = "DN")]
    pub ou: Option<String>,

    /// Kerberos delegation; required without a terminal, so nobody gets or loses delegation by accident
    #[arg(long, value_enum, value_name = "KIND")]
    pub delegation: Option<DelegationKind>,

    /// With --delegation constrained: an SPN the service may delegate to (repeatable)
    #[arg(long, value_name = "SPN")]
    pub delegate_to: Vec<String>,

    /// With --delegation constrained: allow protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION, "use any authentication protocol")
    #[arg(long)]
    pub protocol_transition: bool,

    /// Encryption types, comma-separated: aes256, aes128, rc4 (rc4 only for old clients)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "aes256,aes128"
    )]
    pub enctypes: Vec<String>,

    /// Do not set userPrincipalName=HTTP/HOST@REALM (the keytab then also holds ACCOUNT@REALM)
    #[arg(long)]
    pub no_upn: bool,

    #[command(flatten)]
    pub password: PasswordArgs,

    /// If the account exists (without HTTP/HOST), take it over: converge its attributes and reset its password
    #[arg(long)]
    pub rotate: bool,

    /// Do not check HOST in DNS (by default spnkt resolves it and warns when it is an alias (CNAME), whose canonical name browsers ask a ticket for, has no record, or has a domain controller's address)
    #[arg(long)]
    pub no_dns_check: bool,

    /// Print the plan (every LDAP change and file write) and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Keep other principals' entries of an existing keytab (this principal's are replaced)
    #[arg(long, conflicts_with = "force")]
    pub append: bool,

    /// Overwrite an existing keytab
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub replication: ReplicationArgs,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

const CONFIG_LONG_ABOUT: &str = "Write what the web server needs beside the keytab, for its HTTP/ principal (the keytab's only one, or --spn) and realm:\n\n- krb5.conf: the realm, its KDCs (--kdc, else the realm's kdc lines in krb5.conf, else DNS SRV _kerberos._tcp.REALM; the file says which), the keytab's encryption types and nothing weaker (permitted_enctypes, default_tkt_enctypes, default_tgs_enctypes), udp_preference_limit = 1 (Active Directory tickets carry the user's groups and outgrow UDP), dns_canonicalize_hostname = false and rdns = false (the SPN's host is the name in the browser, never replaced by a CNAME target or a reverse lookup).\n- apache-spnego.conf (--for apache): a mod_auth_gssapi <Location> block: AuthType GSSAPI, GssapiCredStore keytab:..., GssapiAcceptorName, GssapiAllowedMech krb5, GssapiNegotiateOnce On, GssapiBasicAuth Off.\n- java-jaas.conf (--for java): the JAAS entry com.sun.security.jgss.krb5.accept: Krb5LoginModule with isInitiator=false, useKeyTab, storeKey, doNotPrompt, principal and keyTab.\n- java-jvm.args (--for java): the JVM system properties java.security.krb5.conf, java.security.auth.login.config and javax.security.auth.useSubjectCredsOnly=false, as a Java argument file (java @java-jvm.args).\n- krb5.ini (--for websphere): krb5.conf with CRLF line ends, for WebSphere on Windows.\n- websphere-spnego.txt (--for websphere): the SPNEGO web authentication values for the administrative console, and the wsadmin commands IBM documents (configureSpnego, addSpnegoFilter, createKrbConfigFile).\n- nginx-spnego.conf (--for nginx): the spnego-http-auth module's location block (auth_gss, auth_gss_keytab, ...) and the env line for nginx.conf.\n\nWithout --for, all of them. The files name the keytab and each other by the paths they will have on the web server: --server-keytab (default: the keytab's absolute path here) and --server-dir (default: the absolute path of --out); Windows paths (C:\\...) make Windows files. They hold no keys and are written atomically with mode 0644; an existing file is only replaced with --force (without it, nothing is written). The output ends with the next steps; --json describes every file written (path, key values, contents).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigTarget {
    /// Apache httpd with mod_auth_gssapi
    Apache,
    /// A Java server with the JDK's GSS-API (Tomcat, Jetty, Spring, ...): JAAS and JVM options
    Java,
    /// IBM WebSphere Application Server (traditional), SPNEGO web authentication
    Websphere,
    /// nginx with the spnego-http-auth module
    Nginx,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The keytab (as spnkt create wrote it): its HTTP/ principal, realm and encryption types
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: PathBuf,

    /// The web servers to write for, comma-separated or repeated [default: all]
    #[arg(long = "for", value_enum, value_name = "SERVER", value_delimiter = ',')]
    pub targets: Vec<ConfigTarget>,

    /// The principal to write for when the keytab holds several HTTP/ ones: HTTP/HOST[@REALM]
    #[arg(long, value_name = "SPN")]
    pub spn: Option<String>,

    /// KDC for krb5.conf, host[:port]; repeatable [default: the realm's kdc lines in krb5.conf, else DNS SRV _kerberos._tcp.REALM]
    #[arg(
        long,
        value_name = "HOST[:PORT]",
        env = "SPNKT_KDC",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub kdc: Vec<String>,

    /// Directory to write the files into (created if missing) [default: the keytab's directory]
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Where the keytab will be on the web server; the files name it [default: the keytab's absolute path]
    #[arg(long, value_name = "PATH")]
    pub server_keytab: Option<String>,

    /// Where these files will be on the web server; they name each other [default: the absolute path of --out]
    #[arg(long, value_name = "DIR")]
    pub server_dir: Option<String>,

    /// Replace files that exist
    #[arg(long)]
    pub force: bool,
}

const APPLY_LONG_ABOUT: &str = "Bring Active Directory and the keytabs in line with a plan file, idempotently, over one LDAP connection and one KDC: for each [[service]] create what is missing (as `spnkt create`), verify what exists (the SPN on the right account, the delegation bits of userAccountControl, msDS-SupportedEncryptionTypes, msDS-AllowedToDelegateTo, and the keytab: present, at the account's kvno, with the wanted enctypes), repair drift that is safe to repair (attributes and delegation; a missing or stale keytab needs new keys, so the service is rotated, and the report says so), and rotate what is due (rotate_after_days against pwdLastSet) or asked for (--rotate HOST). Every new key is proven with the KDC before it is written. Services sharing a keytab file get one atomic write (mode 0600) with all their entries.\n\nA second run of the same plan changes nothing and says so. A bad entry fails on its own: the others still run, and the exit status is 1 at the end.\n\nThe plan file:\n\n  name = \"web-farm\"                           # optional, default: the file name\n  [directory]\n  ldap_url = \"ldaps://dc1.example.com\"        # or SPNKT_LDAP_URL\n  realm = \"EXAMPLE.COM\"                       # or SPNKT_REALM, krb5.conf\n  kdc = \"dc1.example.com:88\"                  # optional\n  ca_cert = \"ca.pem\"                          # optional\n  bind_user = \"Administrator@EXAMPLE.COM\"\n  bind_password_env = \"SPNKT_BIND_PASSWORD\"   # or bind_password_file, or Kerberos:\n  # bind_kerberos = true                     # the kinit ticket in KRB5CCNAME, or\n  # bind_keytab = \"deploy.keytab\"            # log in as bind_user from a keytab\n  [[service]]\n  host = \"app1.example.com\"\n  account = \"svc-http-app1\"                   # optional\n  ou = \"OU=Services,DC=example,DC=com\"        # optional\n  delegation = \"unconstrained\"                # none | unconstrained | constrained\n  delegate_to = [\"HTTP/backend.example.com\"]  # with constrained\n  enctypes = [\"aes256\", \"aes128\"]             # optional\n  keytab = \"keytabs/app1.keytab\"\n  rotate_after_days = 90                      # optional\n  keep_old = 1                                # optional: previous kvnos kept on rotation\n  dns_check = false                           # optional: do not check host in DNS\n\nRelative paths are relative to the plan file. Secrets only by reference: an inline bind_password is refused, as is any unknown key.\n\nEach service's host is checked in DNS (as by `spnkt create`): an alias (CNAME), whose canonical name browsers ask a ticket for, a host without a record and an address of the domain controller are reported as warnings in the service's report (a CNAME to a computer's name as a RED FLAG); they never stop the run. --no-dns-check skips the check for every service.\n\n--dry-run prints what would be created, changed, rotated and removed, and exits with status 0 when nothing would change, 10 when something would. --prune also removes accounts this plan created (their description carries [spnkt plan: NAME]) that are no longer listed; it needs --yes.";

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan file (TOML)
    #[arg(value_name = "PLAN.toml")]
    pub plan: PathBuf,

    /// Print what would change and change nothing (exit status 10 if something would)
    #[arg(long)]
    pub dry_run: bool,

    /// Also remove accounts this plan created that it no longer lists (needs --yes)
    #[arg(long)]
    pub prune: bool,

    /// Rotate this host's password and keytab even if not due (repeatable)
    #[arg(long, value_name = "HOST")]
    pub rotate: Vec<String>,

    /// Confirm --prune (apply itself never asks: the plan is the confirmation)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Do not check the services' hosts in DNS (a service can also say dns_check = false)
    #[arg(long)]
    pub no_dns_check: bool,

    /// Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]
    #[arg(long, value_name = "SECONDS", env = "SPNKT_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,

    /// Change this many services at the same time, each over a connection of its own to the same domain controller (1: one after the other); the report keeps the plan's order and each keytab file is still written once
    #[arg(long, short = 'j', value_name = "N", env = "SPNKT_JOBS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Print where the time went at the end (each kind of step and phase: how often, in all, on average)
    #[arg(long)]
    pub timings: bool,

    #[command(flatten)]
    pub replication: ReplicationArgs,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The web site's host name; the account is the one holding HTTP/HOST
    #[arg(long, value_name = "HOST")]
    pub host: String,

    /// Keytab to rewrite (created if missing)
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: PathBuf,

    /// How many previous kvnos of the principal to keep in the keytab
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub keep_old: u32,

    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    #[command(flatten)]
    pub replication: ReplicationArgs,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The web site's host name; the account is the one holding HTTP/HOST
    #[arg(long, value_name = "HOST")]
    pub host: String,

    /// Do not ask for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Also delete an account spnkt did not create (never a computer account)
    #[arg(long)]
    pub force: bool,

    /// Delete the account with every object below it, in one operation (tree delete control; AD deletes no object that has any); they are listed first and asked about unless --yes
    #[arg(long)]
    pub tree: bool,

    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
#[command(
    arg_required_else_help = true,
    disable_help_subcommand = true,
    after_long_help = examples_help("spnkt spn"),
)]
pub struct SpnArgs {
    #[command(subcommand)]
    pub command: SpnCommand,
}

#[derive(Debug, Subcommand)]
pub enum SpnCommand {
    /// List SPNs: of an account, for a host, or every HTTP/ SPN (setspn -L / -Q)
    #[command(after_long_help = examples_help("spnkt spn list"))]
    List(SpnListArgs),

    /// Add an SPN to an account (refused if any object holds it already)
    #[command(after_long_help = examples_help("spnkt spn add"))]
    Add(SpnChangeArgs),

    /// Remove an SPN from an account
    #[command(after_long_help = examples_help("spnkt spn remove"))]
    Remove(SpnChangeArgs),

    /// Report duplicate SPNs and HOST/ clashes (setspn -X); exit status 4 when any are found
    #[command(
        long_about = "Report duplicate SPNs and HOST/ clashes (setspn -X), in the whole directory or for one --host; exit status 4 when any are found.\n\nWith --host the host is also looked up in DNS (A, AAAA, CNAME): what it resolves to, the SPN browsers will ask a ticket for (HTTP/<the end of its CNAME chain>), and warnings as `spnkt create` gives them (an alias of a computer's own name is a RED FLAG). The DNS check never changes the exit status; --no-dns-check skips it.",
        after_long_help = examples_help("spnkt spn check")
    )]
    Check(SpnCheckArgs),
}

#[derive(Debug, Args)]
pub struct SpnListArgs {
    /// The SPNs of this account (sAMAccountName)
    #[arg(long, value_name = "NAME", conflicts_with = "host")]
    pub account: Option<String>,

    /// Every SPN for this host name, whichever account holds it
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
pub struct SpnChangeArgs {
    /// The account (sAMAccountName)
    #[arg(long, value_name = "NAME")]
    pub account: String,

    /// The SPN, e.g. HTTP/app1.example.com
    #[arg(value_name = "SPN")]
    pub spn: String,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
pub struct SpnCheckArgs {
    /// Only SPNs for this host name
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,

    /// With --host: do not check the host in DNS (by default spnkt resolves it and reports what browsers will ask a ticket for)
    #[arg(long, requires = "host")]
    pub no_dns_check: bool,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
#[command(
    arg_required_else_help = true,
    disable_help_subcommand = true,
    after_long_help = examples_help("spnkt account"),
)]
pub struct AccountArgs {
    #[command(subcommand)]
    pub command: AccountCommand,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// The account holding HTTP/HOST: SPNs, UPN, flags, enctypes, kvno, password age, delegation
    #[command(after_long_help = examples_help("spnkt account show"))]
    Show(AccountShowArgs),
}

/// `spnkt wizard`: directory settings given in advance become the questions' defaults.
#[derive(Debug, Args)]
pub struct WizardArgs {
    /// Do not check the web site's host name in DNS (by default the wizard resolves it and offers the canonical name of an alias, which is what browsers ask a ticket for)
    #[arg(long)]
    pub no_dns_check: bool,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
pub struct AccountShowArgs {
    /// The web site's host name; the account is the one holding HTTP/HOST
    #[arg(long, value_name = "HOST")]
    pub host: String,

    /// Also check that this keytab holds the account's current kvno and enctypes
    #[arg(long, short = 'k', value_name = "FILE")]
    pub keytab: Option<PathBuf>,

    #[command(flatten)]
    pub directory: DirectoryArgs,
}

#[derive(Debug, Args)]
#[command(arg_required_else_help = true, disable_help_subcommand = true)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub command: GenerateCommand,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write man pages (spnkt.1, spnkt-keytab.1, ...) into DIR
    Man {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print a completion script for SHELL (or write it into --dir)
    Completions {
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
        /// Write the script into DIR under its conventional name instead of printing it
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_visible_command_has_examples() {
        fn walk(cmd: &clap::Command, path: String) {
            if cmd.is_hide_set() {
                return;
            }
            assert!(!examples_for(&path).is_empty(), "no examples for {path}");
            for sub in cmd.get_subcommands() {
                walk(sub, format!("{path} {}", sub.get_name()));
            }
        }
        walk(&Cli::command(), "spnkt".into());
    }

    #[test]
    fn kvno_range() {
        assert_eq!(parse_kvno("0"), Ok(0));
        assert_eq!(parse_kvno("4294967295"), Ok(u32::MAX));
        assert!(parse_kvno("4294967296").is_err());
        assert!(parse_kvno("-1").is_err());
        assert!(parse_kvno("two").is_err());
    }
}

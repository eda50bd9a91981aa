//! The engine's errors: what went wrong, with the facts needed to say what to do.
//!
//! [`Error`] is what an operation refuses or fails with before or outside the steps
//! of a plan; [`StepError`] is why one step of a plan failed. Both name their exit
//! class ([`Exit`]: usage, failure, not proven) and the hint the command line shows.

use crate::ad::ldap::LdapError;
use crate::ad::sasl::KerberosBindFailure;
use crate::exit::{CliError, Exit};
use crate::kdc::KdcError;
use crate::keytab_file::KeytabFileError;

/// Hint for a KDC that cannot be found.
pub const KDC_HINT: &str = "give --kdc dc1.example.com (or SPNKT_KDC), or a kdc line for the realm in krb5.conf ([realms] section; KRB5_CONFIG names the file), or a DNS SRV record _kerberos._tcp.REALM (SPNKT_DNS_SERVER=ip[:port] names the nameserver; default /etc/resolv.conf)";

/// Hint after a failed read of the directory.
pub const READ_RIGHTS_HINT: &str = "check --base-dn and the bind account's read rights";

/// Why an operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input the admin gave cannot be used (checked by [`crate::validate`],
    /// [`crate::hostname`], ...).
    #[error("{}", .0.message)]
    Input(CliError),
    /// Neither a directory URL nor anything to find one with.
    #[error("no domain controller given")]
    NoDomainController,
    /// `--dc` names no domain controller of the domain.
    #[error("--dc {dc} is not a domain controller of this domain (it has: {known})")]
    UnknownDc {
        /// As given.
        dc: String,
        /// The domain's DCs.
        known: String,
    },
    /// Not every domain controller accepted the new keys in time.
    #[error(
        "not every domain controller accepted the new keys within {seconds} s: still waiting for {pending}"
    )]
    NotReplicated {
        /// The DCs that had not accepted them.
        pending: String,
        /// The timeout.
        seconds: u64,
    },
    /// The domain controller is an RODC.
    #[error(
        "the domain controller {url} is read-only (an RODC): it cannot create or change accounts"
    )]
    ReadOnlyDc {
        /// Its URL.
        url: String,
    },
    /// No KDC is known for the realm.
    #[error("no KDC known for realm {realm}{}", if *.to_prove_keys { ": spnkt must prove the new keys with it" } else { "" })]
    NoKdc {
        /// The realm.
        realm: String,
        /// The operation needs the KDC to prove new keys (create, rotate, apply).
        to_prove_keys: bool,
    },
    /// The KDC answers nothing (before anything was changed).
    #[error(
        "the KDC is needed to prove the new keys but cannot be reached: {cause}; nothing was changed"
    )]
    KdcUnreachable {
        /// What the transport said.
        cause: KdcError,
    },
    /// The LDAP connection could not be opened.
    #[error("cannot connect to {url}: {cause}")]
    Connect {
        /// The directory URL.
        url: String,
        /// Why.
        cause: LdapError,
    },
    /// The bind was refused.
    #[error("cannot bind to {url} as {user}: {cause}")]
    Bind {
        /// The directory URL.
        url: String,
        /// The account bound as.
        user: String,
        /// Why.
        cause: LdapError,
    },
    /// The rootDSE could not be read.
    #[error("cannot read the rootDSE: {cause}")]
    RootDse {
        /// Why.
        cause: LdapError,
    },
    /// An explicit realm is not the directory's.
    #[error(
        "--realm {given} does not match the directory: its domain {naming_context} is realm {directory}"
    )]
    RealmMismatch {
        /// The realm given.
        given: String,
        /// The directory's realm.
        directory: String,
        /// The directory's defaultNamingContext.
        naming_context: String,
    },
    /// No realm given and none in the base DN.
    #[error("no realm: none given and none in krb5.conf")]
    NoRealm,
    /// A read of the directory failed.
    #[error("{doing}: {cause}")]
    Directory {
        /// What spnkt was doing (`cannot look up HTTP/x`).
        doing: String,
        /// Why.
        cause: LdapError,
        /// What to check.
        hint: &'static str,
    },
    /// A change to the directory was refused.
    #[error("{doing}: {cause}")]
    Write {
        /// What spnkt was doing (`cannot add HTTP/x to CN=...`).
        doing: String,
        /// Why.
        cause: LdapError,
    },
    /// The preflight found reasons not to create the account; nothing was changed.
    #[error("refusing to create {spn}; nothing was changed:\n  - {}", .findings.join("\n  - "))]
    Refused {
        /// `HTTP/host`.
        spn: String,
        /// Every finding, in words.
        findings: Vec<String>,
    },
    /// The bind account lacks rights the plan needs; nothing was changed.
    #[error("refusing to create {spn}: the bind account {user} lacks rights this needs; nothing was changed:\n  - {}", .missing.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  - "))]
    MissingRights {
        /// `HTTP/host`.
        spn: String,
        /// The host.
        host: String,
        /// The account bound as.
        user: String,
        /// Every right it lacks.
        missing: Vec<super::access::Missing>,
    },
    /// Nobody holds the SPN.
    #[error("no account holds {spn}")]
    NoOwner {
        /// `HTTP/host`.
        spn: String,
        /// The host.
        host: String,
    },
    /// More than one object holds the SPN.
    #[error("{spn} is held by {} objects (a duplicate SPN; Kerberos fails for it): {}", .holders.len(), .holders.join("; "))]
    DuplicateSpn {
        /// The SPN.
        spn: String,
        /// The DNs holding it.
        holders: Vec<String>,
    },
    /// No account of that sAMAccountName.
    #[error("no account named {name} under {base}")]
    NoAccount {
        /// The sAMAccountName.
        name: String,
        /// Where it was searched.
        base: String,
    },
    /// The SPN is on another object already.
    #[error("{spn} is already held by {holder}; a duplicate SPN breaks Kerberos for it")]
    SpnTaken {
        /// The SPN.
        spn: String,
        /// The DN holding it.
        holder: String,
    },
    /// The account does not hold the SPN to remove.
    #[error("{dn} does not hold {spn}")]
    SpnNotHeld {
        /// The account.
        dn: String,
        /// The SPN asked for.
        spn: String,
        /// The SPNs it holds.
        spns: Vec<String>,
    },
    /// spnkt does not change a computer's password.
    #[error("{dn} is a computer account; spnkt does not change computer passwords")]
    ComputerPassword {
        /// The computer.
        dn: String,
    },
    /// `delete` refuses this account (a computer, or not made by spnkt).
    #[error("{}", match .reason { DeleteRefusal::Computer => format!("{} is a computer account; spnkt never deletes computers", .account.dn), DeleteRefusal::NotCreatedBySpnkt => format!("{} was not created by spnkt (its description does not say so); not deleting it", .account.dn) })]
    DeleteRefused {
        /// The account.
        account: Box<crate::ad::account::ServiceAccount>,
        /// Why.
        reason: DeleteRefusal,
        /// The SPN asked for.
        spn: String,
    },
    /// AD refused to delete an object with objects below it (66
    /// notAllowedOnNonLeaf, ERROR_DS_CHILDREN_EXIST).
    #[error(
        "{dn} has objects below it, and Active Directory deletes no object that has any ({diagnostic}); below it: {below}"
    )]
    HasChildren {
        /// The account.
        dn: String,
        /// What is below it.
        below: super::delete::Below,
        /// The directory's answer.
        diagnostic: String,
    },
    /// The operating system gave no randomness for a password.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

/// Why `spnkt delete` refuses an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRefusal {
    /// Computers are never deleted.
    Computer,
    /// Only accounts whose description carries spnkt's marker (unless forced).
    NotCreatedBySpnkt,
}

/// What to do when a Kerberos bind to `url` failed.
fn kerberos_bind_hint(url: &str, cause: &KerberosBindFailure) -> String {
    let authority = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = authority.split('/').next().unwrap_or(authority);
    let host = super::locate::host_of(authority);
    match cause {
        // The KDC said why it refused the account itself (its NTSTATUS, with what
        // to do, is in the message).
        KerberosBindFailure::Ticket { cause, .. } if cause.contains("; NTSTATUS 0x") => "the KDC refused the bind account for the reason above: fix the account as it says (or bind as another), then run again".to_owned(),
        KerberosBindFailure::Ticket { .. } => "run kinit admin@REALM first (--bind-kerberos), or check --bind-user and the keytab (--bind-keytab); the ticket comes from the KDC on the domain controller's host (port 88)".to_owned(),
        KerberosBindFailure::SaslOverTlsRefused { .. } => format!(
            "this domain controller (Samba) takes Kerberos binds only outside TLS: use --ldap-url ldap://{host} (Kerberos seals the connection), or allow them in TLS on the DC with `ldap server require strong auth = allow_sasl_over_tls`"
        ),
        KerberosBindFailure::Gss(_) => "the domain controller refused the ticket or its answer did not verify: check that the clocks agree (within 5 minutes) and that the DC's account holds the SPN ldap/<its DNS name>".to_owned(),
        KerberosBindFailure::Refused { .. } => "check that the account may log in (not disabled, locked or expired)".to_owned(),
        KerberosBindFailure::NoLayer { .. } | KerberosBindFailure::Protocol(_) => format!(
            "try --ldap-url ldaps://{host} (Kerberos inside TLS needs no SASL security layer)"
        ),
    }
}

impl Error {
    /// The exit class.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Input(e) => e.exit,
            Error::NoDomainController
            | Error::NoKdc { .. }
            | Error::RealmMismatch { .. }
            | Error::NoRealm
            | Error::Refused { .. }
            | Error::SpnTaken { .. }
            | Error::ComputerPassword { .. }
            | Error::DeleteRefused { .. }
            | Error::ReadOnlyDc { .. }
            | Error::UnknownDc { .. } => Exit::Usage,
            Error::NotReplicated { .. } => Exit::NotReplicated,
            _ => Exit::Failure,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        let h = match self {
            Error::Input(e) => return e.hint.clone(),
            Error::NoDomainController => "give --ldap-url ldaps://dc1.example.com (or SPNKT_LDAP_URL); without it spnkt asks DNS for SRV _ldap._tcp.dc._msdcs.REALM, then uses the realm's KDC (--kdc, krb5.conf or DNS SRV _kerberos._tcp.REALM)".to_owned(),
            Error::NoKdc { .. } | Error::KdcUnreachable { .. } => KDC_HINT.to_owned(),
            Error::Connect {
                cause: LdapError::TlsNameMismatch { url, found, .. },
                ..
            } => found.hint(url),
            Error::Connect { .. } => "check --ldap-url (host and port) and that the DC's certificate is trusted (--ca-cert PEM)".to_owned(),
            Error::Bind {
                url,
                cause: LdapError::KerberosBind { cause, .. },
                ..
            } => kerberos_bind_hint(url, cause),
            Error::Bind { .. } => "check --bind-user (user@REALM, DOMAIN\\user or a DN) and the bind password".to_owned(),
            Error::RootDse { .. } => "is this an Active Directory domain controller?".to_owned(),
            Error::UnknownDc { .. } => "name a domain controller the domain has (its host name), or leave --dc out to wait for all".to_owned(),
            Error::NotReplicated { .. } => "the keytab works against the domain controller written to; give replication more time (--replication-timeout SECONDS) or check replication (repadmin /showrepl, samba-tool drs showrepl) before restarting servers that use the other DCs".to_owned(),
            Error::ReadOnlyDc { .. } => "give --ldap-url of a writable domain controller (the domain's others, or DNS SRV _ldap._tcp.dc._msdcs.REALM without --ldap-url)".to_owned(),
            Error::RealmMismatch { given, directory, .. } => format!(
                "give --realm {directory} (or leave it out), or point --ldap-url at a domain controller of {given}"
            ),
            Error::NoRealm => "give --realm EXAMPLE.COM (or SPNKT_REALM)".to_owned(),
            Error::Directory { cause, .. } if cause.is_connection_lost() => {
                write_hint(cause).to_owned()
            }
            Error::Directory { hint, .. } => (*hint).to_owned(),
            Error::Write { cause, .. } => write_hint(cause).to_owned(),
            Error::MissingRights { missing, host, .. } => super::access::hint(missing, host),
            Error::Refused { .. } => "see the owners with `spnkt spn list --host HOST`; for a machine name give the site a DNS name of its own; for an existing account choose another --account or take it over with --rotate".to_owned(),
            Error::NoOwner { host, .. } => format!(
                "create it with `spnkt create --host {host}`; `spnkt spn list --host {host}` shows the host's other SPNs"
            ),
            Error::DuplicateSpn { .. } => "remove it from all but one with `spnkt spn remove --account NAME SPN`; `spnkt spn check` lists every duplicate".to_owned(),
            Error::NoAccount { .. } => "check the name (sAMAccountName) and --base-dn".to_owned(),
            Error::SpnTaken { .. } => "remove it there first (`spnkt spn remove --account NAME SPN`)".to_owned(),
            Error::SpnNotHeld { spns, .. } => format!("its SPNs: {}", spns.join(", ")),
            Error::ComputerPassword { .. } => "host is a machine name; use a virtual host name with its own account (`spnkt create`)".to_owned(),
            Error::DeleteRefused { reason: DeleteRefusal::Computer, account, spn } => format!(
                "to move {spn} off it, use `spnkt spn remove --account {} {spn}`",
                account.sam_account_name
            ),
            Error::DeleteRefused { reason: DeleteRefusal::NotCreatedBySpnkt, .. } => {
                "check that this is the account you mean, then add --force".to_owned()
            }
            Error::HasChildren { .. } => "run again with --tree to delete the account with everything below it in one operation (the tree delete control; spnkt lists what goes and asks first, --yes skips the question), or move or delete those objects first".to_owned(),
            Error::Random(_) => return None,
        };
        Some(h)
    }
}

impl From<CliError> for Error {
    fn from(e: CliError) -> Error {
        Error::Input(e)
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        match e {
            Error::Input(c) => c,
            e => CliError {
                exit: e.exit(),
                hint: e.hint(),
                message: e.to_string(),
            },
        }
    }
}

/// What to do when the directory refused a change.
pub fn write_hint(e: &LdapError) -> &'static str {
    match e {
        LdapError::PasswordPolicy { .. } | LdapError::ConstraintViolation { .. } => {
            "the domain's password policy (length, complexity, history, minimum age) rejected the password; let spnkt generate one (no --password-* flag) or give a longer, more complex one"
        }
        LdapError::InsufficientAccess { diagnostic, .. }
            if names_delegation_privilege(diagnostic) =>
        {
            "setting delegation needs SeEnableDelegationPrivilege, which by default only the Administrators of the domain controllers hold (Domain Admins, Enterprise Admins): create the account with --delegation none and have a Domain Admin set the delegation later (`spnkt create` again with the --delegation wanted, or ADUC's Delegation tab)"
        }
        LdapError::InsufficientAccess { .. } => {
            "the bind account lacks a right on this object or its container: the README's \"Rights spnkt needs\" lists them per command (create: Create User objects on the --ou; rotate: Reset Password; delete: Delete); ask whoever manages the OU, or bind as an account that has it"
        }
        LdapError::DuplicateSpn { .. } | LdapError::DuplicateUpn { .. } => {
            "another object holds this name; see `spnkt spn list --host HOST`"
        }
        LdapError::AlreadyExists { .. } => {
            "an object with this DN exists; choose another --account"
        }
        // Adding under a missing container, or an object that vanished mid-run
        // (deleted by someone else): both are "no such object".
        LdapError::NoSuchObject { .. } => {
            "the object or its container does not exist: check --ou (an existing container DN), and whether someone deleted the account meanwhile"
        }
        LdapError::Server { code: 10, .. } => {
            "the domain controller refers writes elsewhere: it is read-only (an RODC); give --ldap-url of a writable DC (nothing was changed)"
        }
        LdapError::ConnectionLost { .. } | LdapError::Timeout { .. } => {
            "the connection to the domain controller broke or stalled twice in a row (spnkt reconnects once); check the network path and the DC (is it restarting? overloaded?), then run the same command again: it picks up what was done (--timeout SECONDS sets the deadline)"
        }
        _ => "check the connection and the bind account's rights",
    }
}

/// Whether a directory's refusal names the delegation privilege (Samba says
/// `SeEnableDelegationPrivilege` or `SePrivEnableDelegation`).
fn names_delegation_privilege(diagnostic: &str) -> bool {
    let d = diagnostic.to_ascii_lowercase();
    d.contains("enabledelegation")
}

/// Why one step of a plan failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The directory refused the change.
    #[error("{doing}: {cause}")]
    Write {
        /// `cannot add the account`, ...
        doing: &'static str,
        /// Why.
        cause: LdapError,
    },
    /// Adding values of one attribute was refused.
    #[error("cannot add to {attr}: {cause}")]
    AddValues {
        /// The attribute.
        attr: String,
        /// Why.
        cause: LdapError,
    },
    /// The account could not be read back after the password was set.
    #[error("cannot read {dn} back: {cause}")]
    ReadBack {
        /// The account.
        dn: String,
        /// Why.
        cause: LdapError,
    },
    /// The account has no msDS-KeyVersionNumber (or it cannot be read).
    #[error("{dn} has no msDS-KeyVersionNumber")]
    NoKvno {
        /// The account.
        dn: String,
    },
    /// A principal in the plan does not parse.
    #[error("{0}")]
    Principal(String),
    /// The KDC did not give the account's salt.
    #[error("cannot get the salt of {client} from the KDC: {cause}")]
    Salt {
        /// The account's client principal.
        client: String,
        /// The KDC asked.
        kdc: String,
        /// Why.
        cause: KdcError,
    },
    /// A key could not be derived.
    #[error("cannot derive the {enctype} key: {cause}")]
    Derive {
        /// The enctype.
        enctype: crate::krb::Enctype,
        /// Why.
        cause: String,
    },
    /// The KDC refused a new key.
    #[error("the KDC did not accept the new {enctype} key of {client}: {cause}")]
    KeyRefused {
        /// The account's client principal.
        client: String,
        /// The key's enctype.
        enctype: crate::krb::Enctype,
        /// The KDC asked.
        kdc: String,
        /// Why.
        cause: KdcError,
    },
    /// The KDC offers none of the keytab's enctypes.
    #[error("no new key of {client} could be proven: the KDC offers none of the keytab's enctypes")]
    NothingProven {
        /// The account's client principal.
        client: String,
    },
    /// No service ticket for the SPN.
    #[error("cannot get a ticket for {service}: {cause}")]
    ServiceTicket {
        /// `HTTP/host@REALM`.
        service: String,
        /// The KDC asked.
        kdc: String,
        /// Why.
        cause: KdcError,
    },
    /// The service ticket is in an enctype the keytab has no key for.
    #[error(
        "the KDC encrypted the ticket for {service} with {enctype}, which the new keytab has no key for"
    )]
    TicketEnctype {
        /// `HTTP/host@REALM`.
        service: String,
        /// The ticket's enctype.
        enctype: crate::krb::Enctype,
    },
    /// The service ticket is for another kvno than the directory said.
    #[error(
        "the ticket for {service} is for kvno {ticket_kvno}, but msDS-KeyVersionNumber said {kvno}"
    )]
    TicketKvno {
        /// `HTTP/host@REALM`.
        service: String,
        /// The ticket's kvno.
        ticket_kvno: u32,
        /// The directory's.
        kvno: u32,
        /// The KDC asked.
        kdc: String,
    },
    /// The new key does not decrypt the service ticket.
    #[error("the new {enctype} key does not decrypt the ticket for {service}: {cause}")]
    TicketDecrypt {
        /// `HTTP/host@REALM`.
        service: String,
        /// The key's enctype.
        enctype: crate::krb::Enctype,
        /// The KDC asked.
        kdc: String,
        /// Why.
        cause: String,
    },
    /// The keytab to extend could not be read.
    #[error("{0}")]
    KeytabRead(KeytabFileError),
    /// The keytab could not be written.
    #[error("{0}")]
    KeytabWrite(KeytabFileError),
    /// No kvno was read before the keytab step.
    #[error("no kvno was read")]
    NoKvnoRead,
    /// The keytab timestamp (clock or SOURCE_DATE_EPOCH) is unusable.
    #[error("{}", .0.message)]
    Clock(CliError),
    /// Another run changed the account's password (or deleted it) after this run
    /// read its kvno back: this run's keys are stale and were not written.
    #[error(
        "another run changed the password of {account} {} while this one ran: this run's keys are stale and were NOT written{}",
        concurrent_detail(*.was, *.now),
        .keytab.as_ref().map_or_else(String::new, |k| format!(" to {k}"))
    )]
    ConcurrentChange {
        /// The account's principal.
        account: String,
        /// The keytab not written (none when the proof already failed).
        keytab: Option<String>,
        /// The kvno this run read back (its keys').
        was: u32,
        /// The directory's kvno now (`None`: the account is gone; the same as
        /// `was`: the other run's change came before this run's read-back).
        now: Option<u32>,
    },
}

/// `(kvno 5 → 6)`, `(kvno 5 → account deleted)`, or for a change made between this
/// run's password set and its read-back, what gave it away.
fn concurrent_detail(was: u32, now: Option<u32>) -> String {
    match now {
        None => format!("(kvno {was} → account deleted)"),
        Some(n) if n != was => format!("(kvno {was} → {n})"),
        Some(n) => format!(
            "right after this one set it (the KDC refuses the keys of this run's password; kvno {n} is the other run's)"
        ),
    }
}

impl From<KeytabFileError> for StepError {
    fn from(e: KeytabFileError) -> StepError {
        match e {
            KeytabFileError::Read { .. } | KeytabFileError::Malformed { .. } => {
                StepError::KeytabRead(e)
            }
            _ => StepError::KeytabWrite(e),
        }
    }
}

impl StepError {
    /// Whether the directory may or may not have made the change: the connection
    /// broke twice while it was being written, so its answer never arrived.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            StepError::Write { cause, .. } | StepError::AddValues { cause, .. } => {
                cause.is_connection_lost()
            }
            _ => false,
        }
    }

    /// The exit class: the KDC not accepting the keys is "not proven" (4).
    pub fn exit(&self) -> Exit {
        match self {
            StepError::Salt { .. }
            | StepError::KeyRefused { .. }
            | StepError::NothingProven { .. }
            | StepError::ServiceTicket { .. }
            | StepError::TicketEnctype { .. }
            | StepError::TicketKvno { .. }
            | StepError::TicketDecrypt { .. } => Exit::VerificationFailed,
            StepError::Clock(e) => e.exit,
            StepError::ConcurrentChange { .. } => Exit::Conflict,
            _ => Exit::Failure,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            StepError::Write { cause, .. } | StepError::AddValues { cause, .. } => {
                write_hint(cause).to_owned()
            }
            StepError::ReadBack { .. } => {
                "the account is in place; run `spnkt rotate` to get a keytab".to_owned()
            }
            StepError::NoKvno { .. } => "the bind account may lack the right to read it; the account is in place, the keytab was not written".to_owned(),
            StepError::Salt { kdc, cause, .. }
            | StepError::KeyRefused { kdc, cause, .. }
            | StepError::ServiceTicket { kdc, cause, .. } => kdc_hint(kdc, cause),
            StepError::NothingProven { .. } => {
                "check msDS-SupportedEncryptionTypes and --enctypes".to_owned()
            }
            StepError::TicketEnctype { .. } => {
                "add that enctype with --enctypes, or check msDS-SupportedEncryptionTypes".to_owned()
            }
            StepError::TicketKvno { kdc, .. } | StepError::TicketDecrypt { kdc, .. } => {
                proof_hint(kdc)
            }
            StepError::KeytabRead(_) => {
                "the account has its new password; fix the file and run `spnkt rotate`".to_owned()
            }
            StepError::KeytabWrite(KeytabFileError::Locked { .. }) => format!(
                "the account and its keys are fine but the keytab was not written: wait for the other process (`fuser -v FILE` shows it; {} sets how many seconds spnkt waits), then run `spnkt rotate` to get a new one",
                crate::keytab_file::LOCK_WAIT_ENV
            ),
            StepError::KeytabWrite(_) => "the account and its keys are fine but the keytab was not written; run `spnkt rotate` to get a new one".to_owned(),
            StepError::ConcurrentChange { .. } => "two runs changed the same account at once and the other one won: the account works with the keys of the run that changed it last (its keytab); run this command again to get a keytab from this run".to_owned(),
            StepError::Clock(e) => return e.hint.clone(),
            StepError::Principal(_) | StepError::Derive { .. } | StepError::NoKvnoRead => {
                return None;
            }
        })
    }
}

/// Whether a KDC error means the KDC could not be reached at all.
pub fn unreachable(e: &KdcError) -> bool {
    matches!(
        e,
        KdcError::BadAddress { .. }
            | KdcError::Resolve { .. }
            | KdcError::Connect { .. }
            | KdcError::Timeout { .. }
            | KdcError::Io { .. }
    )
}

fn kdc_hint(kdc: &str, e: &KdcError) -> String {
    if unreachable(e) {
        format!(
            "the account is in place in AD, but the KDC at {kdc} cannot be reached: check --kdc (host[:port]) and run `spnkt rotate`"
        )
    } else {
        proof_hint(kdc)
    }
}

fn proof_hint(kdc: &str) -> String {
    format!(
        "the account is in place in AD; with several domain controllers the KDC at {kdc} may not have the new password yet (replication delay): point --kdc at the DC of --ldap-url, or wait and run `spnkt rotate`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_naming_the_delegation_privilege_says_who_has_it() {
        // Samba 4.17 refusing an add with TRUSTED_FOR_DELEGATION.
        let samba = LdapError::InsufficientAccess {
            op: "add",
            dn: "CN=svc,OU=x,DC=example,DC=test".into(),
            diagnostic: "Failed to add CN=svc,OU=x,DC=example,DC=test: Updating the UF_TRUSTED_FOR_DELEGATION bit in userAccountControl is not permitted without the SeEnableDelegationPrivilege".into(),
        };
        let h = write_hint(&samba);
        assert!(h.contains("SeEnableDelegationPrivilege"), "{h}");
        assert!(h.contains("--delegation none"), "{h}");
        // Windows gives only the code: the hint names the rights per command.
        let windows = LdapError::InsufficientAccess {
            op: "add",
            dn: "CN=svc,CN=Users,DC=corp,DC=example,DC=com".into(),
            diagnostic:
                "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0"
                    .into(),
        };
        let h = write_hint(&windows);
        assert!(h.contains("Rights spnkt needs"), "{h}");
        assert!(!h.contains("reset passwords in the --ou"), "{h}");
    }
}

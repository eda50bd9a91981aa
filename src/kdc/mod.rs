//! Talking to the KDC over TCP (and UDP) port 88: the salt and iteration count an
//! account's keys use (ETYPE-INFO2), AS and TGS exchanges. The messages themselves
//! are built and parsed by the pure `krb::kdc_msg`.

use crate::krb::ticket::{Ticket, TicketFlags};
use crate::krb::{Enctype, Key, Password, Principal};

/// One ETYPE-INFO2 entry: what the KDC says an account's key of `etype` is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaltInfo {
    pub etype: Enctype,
    /// The salt (for AES); None when the KDC sent none (RC4, or the default salt).
    pub salt: Option<String>,
    /// PBKDF2 iterations from s2kparams (4096 when absent).
    pub iterations: u32,
}

/// Credentials from an AS exchange.
#[derive(Clone, Debug)]
pub struct Tgt {
    pub client: Principal,
    pub ticket: Ticket,
    pub session_key: Key,
    pub flags: TicketFlags,
    pub endtime: i64,
}

/// A service ticket from a TGS exchange.
#[derive(Clone, Debug)]
pub struct ServiceTicket {
    pub client: Principal,
    pub server: Principal,
    pub ticket: Ticket,
    pub session_key: Key,
    pub flags: TicketFlags,
    pub endtime: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum KdcError {
    #[error("todo")]
    Todo,
}

/// Where the KDC is: `host[:port]` (port 88 by default). Only this address is contacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KdcAddress(pub String);

/// Ask the KDC, without pre-authentication, for `client`'s ETYPE-INFO2 (the KDC answers
/// PREAUTH_REQUIRED with the salts). Errors name what the KDC said (unknown principal...).
pub fn salt_info(kdc: &KdcAddress, client: &Principal) -> Result<Vec<SaltInfo>, KdcError> {
    todo!("{kdc:?} {client:?}")
}

/// AS exchange with PA-ENC-TIMESTAMP using the account's keys (from a new keytab): the
/// proof that the keys are the ones the KDC has.
pub fn as_with_keys(kdc: &KdcAddress, client: &Principal, keys: &[Key]) -> Result<Tgt, KdcError> {
    todo!("{kdc:?} {client:?} {}", keys.len())
}

/// AS exchange with a password (the admin's credentials): asks for the salts first.
pub fn as_with_password(kdc: &KdcAddress, client: &Principal, password: &Password) -> Result<Tgt, KdcError> {
    todo!("{kdc:?} {client:?} {password:?}")
}

/// TGS exchange: a service ticket for `service` with `tgt`.
pub fn tgs(kdc: &KdcAddress, tgt: &Tgt, service: &Principal) -> Result<ServiceTicket, KdcError> {
    todo!("{kdc:?} {tgt:?} {service:?}")
}

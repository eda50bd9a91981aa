//! The facts shown after create and rotate (never secrets).

use serde::Serialize;

use super::execute::Executed;
use crate::ad::account::Uac;

/// What the account and its keytab are after a create or rotate (also a failed one:
/// what was reached).
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// The account's DN.
    pub account_dn: String,
    /// Its sAMAccountName.
    pub sam_account_name: String,
    /// `HTTP/host`.
    pub spn: String,
    /// Its UPN, if any.
    pub upn: Option<String>,
    /// The kvno read back.
    pub kvno: Option<u32>,
    /// The AES salt.
    pub salt: Option<String>,
    /// PBKDF2 iterations.
    pub iterations: Option<u32>,
    /// The keytab's enctypes.
    pub enctypes: Vec<String>,
    /// msDS-SupportedEncryptionTypes (`0x18`, or `not set`).
    pub supported_enctypes: String,
    /// The delegation, in words.
    pub delegation: String,
    /// msDS-AllowedToDelegateTo.
    pub delegate_to: Vec<String>,
    /// userAccountControl with its bits by name.
    pub user_account_control: Option<String>,
    /// Enctypes the KDC accepted.
    pub keys_proven: Vec<String>,
    /// The service ticket's flags.
    pub ticket_flags: Vec<String>,
    /// The keytab's path, when it was written.
    pub keytab: Option<String>,
    /// Entries in the keytab written.
    pub keytab_entries: Option<usize>,
    /// LDAP round trips of the whole run.
    pub ldap_round_trips: u64,
    /// The domain controller every LDAP operation went to.
    pub domain_controller: String,
    /// The KDC the salt query and the proof went to, when it is not the domain
    /// controller's own (empty: the DC's own KDC).
    pub kdc: String,
    /// With `--wait-replication`: what every domain controller said to the new keys.
    pub replication: Vec<super::replication::DcCheck>,
}

/// `0x90200 (NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD | TRUSTED_FOR_DELEGATION)`.
pub fn uac_text(uac: u32) -> String {
    format!("0x{uac:x} ({})", Uac(uac).names().join(" | "))
}

impl Facts {
    /// Take the run's facts (kvno, salt, proof, keytab) from `done`.
    pub fn record(&mut self, done: &Executed, keytab: &str, session: &super::Session) {
        let round_trips = session.round_trips();
        self.domain_controller.clone_from(&session.dc);
        // Named only when it is not the domain controller's own.
        self.kdc = if session.kdc_elsewhere {
            session.kdc.clone().unwrap_or_default()
        } else {
            String::new()
        };
        self.kvno = done.kvno;
        self.salt.clone_from(&done.salt);
        self.iterations = done.iterations;
        self.keys_proven.clone_from(&done.keys_proven);
        self.ticket_flags.clone_from(&done.ticket_flags);
        self.keytab = done.keytab_written.then(|| keytab.to_owned());
        self.keytab_entries = done.keytab_entries;
        self.ldap_round_trips = round_trips;
    }
}

//! Create (or converge) the account for `HTTP/host` and a keytab the KDC has proven.
//!
//! [`prepare`] is read-only: the KDC must answer, the [`preflight`] must find nothing
//! in the way, the bind account must have the rights the plan needs ([`access`]),
//! the [`Plan`] is built (what `--dry-run` and the confirmation
//! show), and the host is checked in DNS ([`dnscheck`]: warnings only). [`execute()`] runs it: one add with the password, enabled; kvno, salt,
//! keys, proof, keytab. A failed LDAP step is undone (the account this run added is
//! deleted again); a failed key step leaves the account in place and no keytab.

use std::path::PathBuf;

use super::execute::{self, Executed, KeyTarget, StepFailure};
use super::facts::{Facts, uac_text};
use super::{Error, Progress, Session, access, dnscheck, keys, preflight, replication};
use crate::ad::account::{Delegation, ServiceAccount, SupportedEnctypes};
use crate::exit::Exit;
use crate::hostname::Host;
use crate::krb::{Enctype, Password};
use crate::plan::{CreateSpec, KeytabMode, PasswordOrigin, Plan};

/// Part of the description of every account spnkt creates; `spnkt delete` and
/// `apply --prune` look for it.
pub const CREATED_MARKER: &str = "created by spnkt";

/// What to create, checked offline.
#[derive(Debug, Clone)]
pub struct Request {
    /// The virtual host (`HTTP/host`).
    pub host: Host,
    /// The sAMAccountName.
    pub account: String,
    /// The container DN (default: the domain's Users container,
    /// [`Session::users_container`]).
    pub container: Option<String>,
    /// Give the account the UPN `HTTP/host@REALM` (which fixes the salt).
    pub upn: bool,
    /// Keytab enctypes, strongest first.
    pub enctypes: Vec<Enctype>,
    /// Delegation to set.
    pub delegation: Delegation,
    /// The password is the admin's (not generated).
    pub password_given: bool,
    /// The keytab file.
    pub keytab: PathBuf,
    /// What happens to an existing keytab file.
    pub keytab_mode: KeytabMode,
    /// Take over an existing account of that name that does not hold the SPN.
    pub take_over: bool,
    /// Check the host in DNS ([`dnscheck`]); false: `--no-dns-check`.
    pub dns_check: bool,
}

/// A checked request and its plan, ready to be shown and run.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// What the plan was built from.
    pub spec: CreateSpec,
    /// The steps.
    pub plan: Plan,
    /// The account that exists already and is converged, if any.
    pub existing: Option<ServiceAccount>,
    /// The request.
    pub request: Request,
}

impl Prepared {
    /// The account's DN (existing or to be added).
    pub fn dn(&self) -> String {
        self.existing
            .as_ref()
            .map_or_else(|| self.spec.dn(), |a| a.dn.clone())
    }

    /// The UPN the account gets.
    pub fn upn(&self) -> Option<String> {
        self.spec.upn_value()
    }
}

/// The description of an account spnkt creates (carries [`CREATED_MARKER`]).
pub fn account_description(host: &str, bind_user: &str) -> String {
    format!(
        "HTTP/{host} SPNEGO service account, {CREATED_MARKER} {} on {} by {bind_user}",
        env!("CARGO_PKG_VERSION"),
        crate::timefmt::format_utc_i64(now()),
    )
}

/// Seconds since 1970 by the system clock (0 before it).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The delegation in a word or two.
pub fn delegation_name(d: &Delegation) -> &'static str {
    match d {
        Delegation::None => "none",
        Delegation::Unconstrained => "unconstrained",
        Delegation::Constrained {
            protocol_transition: true,
            ..
        } => "constrained (with protocol transition)",
        Delegation::Constrained { .. } => "constrained",
    }
}

/// Read-only: check that the KDC answers, run the preflight, build the plan, check
/// the host in DNS (unless `request.dns_check` is false; the result is in the
/// plan, and never stops it).
pub fn prepare(
    session: &mut Session,
    request: &Request,
    progress: &mut dyn Progress,
) -> Result<Prepared, Error> {
    session.require_writable()?;
    let kdc = session.kdc()?;
    keys::check_kdc_reachable(&kdc, &session.realm)?;
    let spn = request.host.spn();
    let realm = session.realm.clone();
    let upn = request.upn.then(|| format!("{spn}@{realm}"));
    let guess = request
        .container
        .clone()
        .unwrap_or_else(|| session.users_container_guess());
    let query = preflight::Query {
        host: &request.host,
        sam: &request.account,
        upn: upn.as_deref(),
        container: &guess,
    };
    let mut found = preflight::preflight(session, &query, request.take_over, progress)?;
    let container = match &request.container {
        Some(c) => c.clone(),
        None => session.users_container()?,
    };
    preflight::read_container(session, &mut found.names, &container);
    let existing = found.existing;
    let spec = CreateSpec {
        host: request.host.name.clone(),
        realm,
        sam_account_name: request.account.clone(),
        ou: container.clone(),
        upn: request.upn,
        description: account_description(&request.host.name, &session.bind_user),
        enctypes: SupportedEnctypes::from_enctypes(&request.enctypes),
        delegation: request.delegation.clone(),
        password: if request.password_given {
            PasswordOrigin::Given
        } else {
            PasswordOrigin::Random {
                length: crate::genpass::DEFAULT_LENGTH,
            }
        },
        kdc: kdc.as_str().to_owned(),
        keytab: request.keytab.display().to_string(),
        keytab_mode: request.keytab_mode,
        keytab_enctypes: request.enctypes.iter().map(Enctype::to_string).collect(),
    };
    let mut plan = spec.plan(existing.as_ref());
    // What the bind account may do, before anything is written.
    access::check(
        session,
        &plan,
        existing.as_ref(),
        &found.names,
        &request.host.name,
        progress,
    )?;
    plan.dns_check = Some(if request.dns_check {
        let dn = existing
            .as_ref()
            .map_or_else(|| spec.dn(), |a| a.dn.clone());
        dnscheck::check(session, &request.host.name, Some(&dn), progress)
    } else {
        dnscheck::skipped(&request.host.name)
    });
    Ok(Prepared {
        spec,
        plan,
        existing,
        request: request.clone(),
    })
}

/// A successful create.
#[derive(Debug)]
pub struct Report {
    /// The account and keytab as they are now.
    pub facts: Facts,
    /// What each step did.
    pub executed: Executed,
    /// The account was added (not an existing one converged).
    pub created: bool,
    /// With `--wait-replication`: not every domain controller accepted the keys in
    /// time (the keytab is written and works on the DC written to).
    pub not_replicated: Option<Error>,
}

/// A create that failed at a step.
#[derive(Debug)]
pub struct Failure {
    /// What was reached.
    pub facts: Facts,
    /// What each step did before the failure.
    pub executed: Executed,
    /// The account was to be added (not converged).
    pub created: bool,
    /// The failed step.
    pub step: StepFailure,
    /// After an LDAP step: what the undo left (`None`: the account is in place and
    /// enabled, only the keys are not proven or the keytab not written).
    pub undone: Option<String>,
    /// The whole message, with what is left in the directory.
    pub error: String,
}

impl Failure {
    /// The exit class: a key step's (4 when the KDC did not accept the keys), else 1.
    pub fn exit(&self) -> Exit {
        if self.undone.is_some() {
            Exit::Failure
        } else {
            self.step.error.exit()
        }
    }

    /// What to do.
    pub fn hint(&self) -> Option<String> {
        self.step.error.hint()
    }
}

/// Run the prepared plan with `password` (the given one, or
/// [`super::random_password`]).
pub fn execute(
    session: &mut Session,
    prepared: &Prepared,
    password: &Password,
    progress: &mut dyn Progress,
) -> Result<Report, Box<Failure>> {
    let spec = &prepared.spec;
    let request = &prepared.request;
    let target = KeyTarget {
        realm: spec.realm.clone(),
        sam_account_name: spec.sam_account_name.clone(),
        upn: prepared.upn(),
        enctypes: request.enctypes.clone(),
    };
    let result = execute::execute(&prepared.plan, session, password, &target, progress);
    let dn = prepared.dn();
    let created = prepared.existing.is_none();
    let mut facts = Facts {
        account_dn: dn.clone(),
        sam_account_name: spec.sam_account_name.clone(),
        spn: request.host.spn(),
        upn: prepared.upn(),
        kvno: None,
        salt: None,
        iterations: None,
        enctypes: spec.keytab_enctypes.clone(),
        supported_enctypes: format!("0x{:x}", spec.enctypes.0),
        delegation: delegation_name(&spec.delegation).to_owned(),
        delegate_to: match &spec.delegation {
            Delegation::Constrained { targets, .. } => targets.clone(),
            _ => Vec::new(),
        },
        user_account_control: None,
        keys_proven: Vec::new(),
        ticket_flags: Vec::new(),
        keytab: None,
        keytab_entries: None,
        ldap_round_trips: 0,
        domain_controller: String::new(),
        kdc: String::new(),
        replication: Vec::new(),
    };
    let record = |facts: &mut Facts, done: &Executed, session: &Session| {
        facts.record(done, &spec.keytab, session);
        facts.user_account_control = done.enabled_uac.map(uac_text);
    };
    match result {
        Ok((executed, keys)) => {
            record(&mut facts, &executed, session);
            let client = prepared
                .upn()
                .unwrap_or_else(|| format!("{}@{}", spec.sam_account_name, spec.realm));
            let not_replicated =
                replication::after_proof(session, &client, &keys, &mut facts, progress);
            Ok(Report {
                facts,
                executed,
                created,
                not_replicated,
            })
        }
        Err(boxed) => {
            let (executed, step) = *boxed;
            let (undone, error) = if step.changed_directory() {
                let state = execute::undo(
                    session,
                    &executed,
                    prepared.existing.as_ref(),
                    &request.host,
                );
                let error = format!("step {} failed: {}; {state}", step.number, step.error);
                (Some(state), error)
            } else {
                let error = format!(
                    "step {} failed: {}; the account {dn} is in place and enabled, NO keytab was written: run this command again to give it a new password and a keytab",
                    step.number, step.error
                );
                (None, error)
            };
            record(&mut facts, &executed, session);
            Err(Box::new(Failure {
                facts,
                executed,
                created,
                step,
                undone,
                error,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delegation_names() {
        assert_eq!(delegation_name(&Delegation::Unconstrained), "unconstrained");
        assert_eq!(
            delegation_name(&Delegation::Constrained {
                targets: vec![],
                protocol_transition: true
            }),
            "constrained (with protocol transition)"
        );
    }
}

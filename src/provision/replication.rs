//! Replication between domain controllers: an account written on one DC is unknown
//! to the others for seconds (minutes across sites), and a new password's keys
//! reach them just as late. Two things follow.
//!
//! - When the KDC that proves the keys is not the DC written to (`--kdc`
//!   elsewhere), its "principal unknown" and "wrong key" answers mean "not
//!   replicated yet": [`retry`] asks again with backoff until the timeout, saying
//!   that it waits and on which KDC. Only the KDC step is repeated; the password is
//!   never set again while waiting (that would start the race over).
//! - `--wait-replication`: [`wait_every_dc`] logs in with the new keys at every
//!   writable DC of the domain (the list comes from the directory itself:
//!   computer objects with SERVER_TRUST_ACCOUNT and their `dNSHostName`, so neither
//!   DNS nor a complete krb5.conf is needed) until all accept them.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::error::StepError;
use super::{Error, Progress, Session};
use crate::ad::ldap::Scope;
use crate::kdc::{self, KdcAddress, KdcError};
use crate::krb::kdc_msg::error_code;
use crate::krb::{Key, Principal};

/// The first pause between two attempts; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// The longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_secs(8);

/// userAccountControl SERVER_TRUST_ACCOUNT: a writable domain controller.
const UF_SERVER_TRUST_ACCOUNT: u32 = 0x2000;
/// userAccountControl PARTIAL_SECRETS_ACCOUNT: a read-only domain controller.
const UF_PARTIAL_SECRETS_ACCOUNT: u32 = 0x0400_0000;

/// Whether a KDC's refusal is what a DC that has not replicated the change yet
/// answers: it does not know the account (or its SPN), or it still has the old keys.
///
/// A DC may also hold an older copy of the account without keys (pulled between
/// the add and the password set, or left by an interrupted create): it then
/// offers no salt, or no enctype the keys have.
pub fn not_replicated_yet(cause: &KdcError) -> bool {
    match cause {
        KdcError::PreauthFailed { .. }
        | KdcError::ReplyKeyMismatch { .. }
        | KdcError::NoSaltInfo { .. } => true,
        KdcError::NoCommonEnctype { offered, .. } => offered.is_empty(),
        KdcError::Kdc(r) => matches!(
            r.code,
            error_code::KDC_ERR_C_PRINCIPAL_UNKNOWN
                | error_code::KDC_ERR_S_PRINCIPAL_UNKNOWN
                | error_code::KDC_ERR_PREAUTH_FAILED
                | error_code::KDC_ERR_ETYPE_NOSUPP
        ),
        _ => false,
    }
}

/// [`not_replicated_yet`] for a failed salt query or proof.
pub fn step_not_replicated_yet(e: &StepError) -> bool {
    match e {
        StepError::Salt { cause, .. }
        | StepError::KeyRefused { cause, .. }
        | StepError::ServiceTicket { cause, .. } => not_replicated_yet(cause),
        // The KDC still hands out tickets under the old keys.
        StepError::TicketKvno { .. } | StepError::TicketDecrypt { .. } => true,
        _ => false,
    }
}

/// Run `attempt` until it succeeds, fails for another reason than replication, or
/// `timeout` has passed (then its last error is returned). Says once that it waits.
pub fn retry<T>(
    kdc: &str,
    timeout: Duration,
    progress: &mut dyn Progress,
    mut attempt: impl FnMut(&mut dyn Progress) -> Result<T, StepError>,
) -> Result<T, StepError> {
    let start = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut said = false;
    loop {
        match attempt(progress) {
            Ok(v) => {
                if said {
                    progress.note(format!(
                        "the KDC {kdc} has the change after {:.1} s",
                        start.elapsed().as_secs_f64()
                    ));
                }
                return Ok(v);
            }
            Err(e) if step_not_replicated_yet(&e) && start.elapsed() < timeout => {
                if !said {
                    progress.note(format!(
                        "waiting for replication: the KDC {kdc} does not have the change yet ({}); asking again for up to {} s",
                        first_line(&e.to_string()),
                        timeout.as_secs()
                    ));
                    said = true;
                }
                // The last attempt is made at the deadline itself.
                std::thread::sleep(pause.min(timeout.saturating_sub(start.elapsed())));
                pause = (pause * 2).min(MAX_PAUSE);
            }
            Err(e) => return Err(e),
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// One domain controller of the domain, as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainController {
    /// Its DNS host name (`dNSHostName`).
    pub host: String,
    /// A read-only DC: it holds no keys unless its password replication policy
    /// caches them, so it is not waited for.
    pub read_only: bool,
}

/// The domain's domain controllers from the directory: computer objects with
/// SERVER_TRUST_ACCOUNT (writable) or PARTIAL_SECRETS_ACCOUNT (read-only) set.
pub fn domain_controllers(session: &mut Session) -> Result<Vec<DomainController>, Error> {
    let filter = format!(
        "(&(objectCategory=computer)(|(userAccountControl:1.2.840.113556.1.4.803:={UF_SERVER_TRUST_ACCOUNT})(userAccountControl:1.2.840.113556.1.4.803:={UF_PARTIAL_SECRETS_ACCOUNT})))"
    );
    let base = session.root.default_naming_context.clone();
    let entries = session
        .dir
        .search(
            &base,
            Scope::Subtree,
            &filter,
            &["dNSHostName", "userAccountControl"],
        )
        .map_err(|cause| Error::Directory {
            doing: "cannot list the domain controllers".into(),
            cause,
            hint: "the bind account must be able to read computer objects in the domain",
        })?;
    let mut dcs: Vec<DomainController> = entries
        .iter()
        .filter_map(|e| {
            let host = e.first("dNSHostName")?.to_ascii_lowercase();
            let uac: u32 = e
                .first("userAccountControl")
                .and_then(|v| v.parse::<i64>().ok())
                .map_or(0, |v| v as u32);
            Some(DomainController {
                host,
                read_only: uac & UF_PARTIAL_SECRETS_ACCOUNT != 0,
            })
        })
        .collect();
    dcs.sort_by(|a, b| a.host.cmp(&b.host));
    dcs.dedup();
    Ok(dcs)
}

/// What one domain controller said to the new keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DcCheck {
    /// The domain controller (`dNSHostName`).
    pub dc: String,
    /// Its KDC, `host:88`.
    pub kdc: String,
    /// `accepted`, `not yet replicated`, `skipped` or `unreachable`.
    pub state: &'static str,
    /// Seconds from the start of the wait until it accepted.
    pub after_seconds: Option<f64>,
    /// Its last refusal, or why it was skipped.
    pub detail: Option<String>,
}

impl DcCheck {
    /// Whether this DC needs nothing more.
    pub fn settled(&self) -> bool {
        matches!(self.state, "accepted" | "skipped")
    }
}

/// Log in as `client` with `keys` at every writable domain controller of the
/// domain (only those named in `only`, when given) until all accept them, or
/// `timeout` passes. The table is returned either way; `Err` when not all
/// accepted. The DC written to has accepted already (the proof) and is asked too.
pub fn wait_every_dc(
    session: &mut Session,
    client: &Principal,
    keys: &[Key],
    progress: &mut dyn Progress,
) -> Result<Vec<DcCheck>, Box<(Vec<DcCheck>, Error)>> {
    let timeout = session.replication.timeout;
    let only: Vec<String> = session
        .replication
        .only
        .iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    let dcs = match domain_controllers(session) {
        Ok(d) => d,
        Err(e) => return Err(Box::new((Vec::new(), e))),
    };
    // The DC written to is asked at the address the run already uses for it (its
    // DNS name need not resolve here); the others at their dNSHostName.
    let own = session.dc.to_ascii_lowercase();
    let own_kdc = super::locate::kdc_of_url(&session.url);
    let mut table: Vec<DcCheck> = dcs
        .iter()
        .filter(|dc| only.is_empty() || only.iter().any(|o| names_dc(o, &dc.host)))
        .map(|dc| DcCheck {
            dc: dc.host.clone(),
            kdc: if dc.host == own {
                own_kdc.clone()
            } else {
                format!("{}:88", dc.host)
            },
            state: if dc.read_only {
                "skipped"
            } else {
                "not yet replicated"
            },
            after_seconds: None,
            detail: dc
                .read_only
                .then(|| "read-only domain controller: it holds no keys of its own".to_owned()),
        })
        .collect();
    for o in &only {
        if !table.iter().any(|c| names_dc(o, &c.dc)) {
            let known: Vec<&str> = dcs.iter().map(|d| d.host.as_str()).collect();
            return Err(Box::new((
                table,
                Error::UnknownDc {
                    dc: o.clone(),
                    known: known.join(", "),
                },
            )));
        }
    }
    progress.note(format!(
        "waiting until every domain controller accepts the new keys ({}; up to {} s)",
        table
            .iter()
            .filter(|c| !c.settled())
            .map(|c| c.dc.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        timeout.as_secs()
    ));
    let start = Instant::now();
    let mut pause = FIRST_PAUSE;
    loop {
        for check in table.iter_mut().filter(|c| !c.settled()) {
            match kdc::as_with_keys(
                &KdcAddress::new(check.kdc.clone())
                    .with_timeout(timeout.min(crate::kdc::transport::TIMEOUT)),
                client,
                keys,
            ) {
                Ok(_) => {
                    check.state = "accepted";
                    check.after_seconds = Some(start.elapsed().as_secs_f64());
                    check.detail = None;
                    progress.note(format!(
                        "{} accepts the new keys (after {:.1} s)",
                        check.dc,
                        start.elapsed().as_secs_f64()
                    ));
                }
                Err(e) if not_replicated_yet(&e) => {
                    check.state = "not yet replicated";
                    check.detail = Some(e.to_string());
                }
                Err(e) => {
                    check.state = "unreachable";
                    check.detail = Some(e.to_string());
                }
            }
        }
        if table.iter().all(DcCheck::settled) {
            return Ok(table);
        }
        if start.elapsed() >= timeout {
            let pending: Vec<String> = table
                .iter()
                .filter(|c| !c.settled())
                .map(|c| c.dc.clone())
                .collect();
            return Err(Box::new((
                table,
                Error::NotReplicated {
                    pending: pending.join(", "),
                    seconds: timeout.as_secs(),
                },
            )));
        }
        // The last round is made at the deadline itself.
        std::thread::sleep(pause.min(timeout.saturating_sub(start.elapsed())));
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// After a successful proof: with `--wait-replication`, wait for every domain
/// controller and put the table in `facts`; the error when not all accepted in
/// time. Nothing without `--wait-replication`.
pub fn after_proof(
    session: &mut Session,
    client: &str,
    keys: &[Key],
    facts: &mut super::Facts,
    progress: &mut dyn Progress,
) -> Option<Error> {
    if !session.replication.every_dc {
        return None;
    }
    let client = match Principal::parse(client) {
        Ok(p) => p.with_name_type(crate::krb::NameType::PRINCIPAL),
        Err(e) => {
            return Some(Error::Input(crate::exit::CliError::failure(format!(
                "cannot log in as {client}: {e}"
            ))));
        }
    };
    match wait_every_dc(session, &client, keys, progress) {
        Ok(table) => {
            facts.replication = table;
            None
        }
        Err(b) => {
            let (table, e) = *b;
            facts.replication = table;
            Some(e)
        }
    }
}

/// `--dc dcb` names `dcb.corp.test`; `--dc dcb.corp.test` too.
fn names_dc(given: &str, host: &str) -> bool {
    host == given || host.split('.').next() == Some(given)
}

/// The table as text, one DC a line.
pub fn table_text(table: &[DcCheck]) -> String {
    let mut out = String::new();
    for c in table {
        let when = c
            .after_seconds
            .map(|s| format!(" after {s:.1} s"))
            .unwrap_or_default();
        let detail = c
            .detail
            .as_deref()
            .map(|d| format!(": {}", first_line(d)))
            .unwrap_or_default();
        out.push_str(&format!("  {:<30} {}{when}{detail}\n", c.dc, c.state));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kdc::KdcRefusal;

    fn refusal(code: i32) -> KdcError {
        KdcError::Kdc(Box::new(KdcRefusal {
            address: "dcb:88".into(),
            code,
            name: String::new(),
            principal: "x@R".into(),
            e_text: None,
            hint: None,
            nt_status: None,
        }))
    }

    #[test]
    fn principal_unknown_and_old_keys_mean_not_replicated() {
        assert!(not_replicated_yet(&refusal(
            error_code::KDC_ERR_C_PRINCIPAL_UNKNOWN
        )));
        assert!(not_replicated_yet(&refusal(
            error_code::KDC_ERR_S_PRINCIPAL_UNKNOWN
        )));
        assert!(not_replicated_yet(&refusal(
            error_code::KDC_ERR_PREAUTH_FAILED
        )));
        assert!(!not_replicated_yet(&refusal(error_code::KDC_ERR_POLICY)));
        assert!(!not_replicated_yet(&KdcError::Timeout {
            address: "x".into(),
            after: Duration::from_secs(1)
        }));
    }

    #[test]
    fn retry_stops_at_other_errors_and_at_the_timeout() {
        let mut calls = 0;
        let r: Result<(), StepError> = retry(
            "dcb:88",
            Duration::from_millis(600),
            &mut super::super::Silent,
            |_| {
                calls += 1;
                Err(StepError::Salt {
                    client: "x@R".into(),
                    kdc: "dcb:88".into(),
                    cause: refusal(error_code::KDC_ERR_C_PRINCIPAL_UNKNOWN),
                })
            },
        );
        assert!(r.is_err());
        assert_eq!(
            calls, 3,
            "asked at 0 s, after the 500 ms pause, and once more at the 600 ms deadline"
        );
        let mut calls = 0;
        let r: Result<(), StepError> = retry(
            "dcb:88",
            Duration::from_secs(60),
            &mut super::super::Silent,
            |_| {
                calls += 1;
                Err(StepError::Salt {
                    client: "x@R".into(),
                    kdc: "dcb:88".into(),
                    cause: refusal(error_code::KDC_ERR_POLICY),
                })
            },
        );
        assert!(r.is_err());
        assert_eq!(calls, 1, "a policy refusal is not waited for");
    }

    #[test]
    fn dc_names() {
        assert!(names_dc("dcb", "dcb.corp.test"));
        assert!(names_dc("dcb.corp.test", "dcb.corp.test"));
        assert!(!names_dc("dc", "dcb.corp.test"));
    }
}

//! `spnkt verify --live`: a service ticket from the KDC now (the `kvno -k`
//! equivalent, with spnkt's own KDC client), put through the same analysis as a
//! captured ticket ([`crate::diagnose`]).

use crate::diagnose::{self, Report};
use crate::exit::Exit;
use crate::kdc::{self, KdcAddress, KdcError, ServiceTicket, Tgt};
use crate::krb::evidence::{Detected, Evidence};
use crate::krb::kdc_msg::error_code;
use crate::krb::keytab::Keytab;
use crate::krb::{Password, Principal};

/// Why a live ticket could not be had.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The KDC could not be reached, or its address is wrong.
    #[error("{0}")]
    Transport(KdcError),
    /// The admin's login failed (not a verdict on the keytab).
    #[error("cannot log in to the KDC at {kdc} as {user}: {cause}")]
    Login {
        /// The KDC.
        kdc: String,
        /// Who logged in.
        user: String,
        /// Why.
        cause: KdcError,
    },
    /// The KDC does not know the SPN.
    #[error("the KDC does not know {spn}: the SPN is not registered (spnkt spn list / setspn -Q)")]
    UnknownSpn {
        /// The SPN.
        spn: String,
        /// The KDC.
        kdc: String,
        /// The KRB-ERROR's name.
        name: String,
    },
    /// The KDC refused the ticket for another reason.
    #[error("the KDC refused a ticket for {spn}: {cause}")]
    Refused {
        /// The SPN.
        spn: String,
        /// The KDC.
        kdc: String,
        /// Why.
        cause: KdcError,
    },
    /// Anything else on the way to the ticket.
    #[error("cannot get a ticket for {spn}: {cause}")]
    Other {
        /// The SPN.
        spn: String,
        /// Why.
        cause: KdcError,
    },
}

impl LiveError {
    /// The exit class: a KDC refusing the SPN is "not verified" (4), a bad KDC
    /// address a usage error, the rest failures.
    pub fn exit(&self) -> Exit {
        match self {
            LiveError::Transport(KdcError::BadAddress { .. }) => Exit::Usage,
            LiveError::UnknownSpn { .. } | LiveError::Refused { .. } => Exit::VerificationFailed,
            _ => Exit::Failure,
        }
    }

    /// What to do.
    pub fn hint(&self) -> String {
        match self {
            LiveError::Transport(KdcError::BadAddress { .. }) => {
                "give --kdc HOST[:PORT], e.g. --kdc dc1.example.com:88".to_owned()
            }
            LiveError::Transport(_) => "check --kdc HOST[:PORT] (or SPNKT_KDC, or the realm's kdc in krb5.conf) and that the KDC's port (88) is reachable from here".to_owned(),
            LiveError::Login { cause, .. } => match cause {
                KdcError::PreauthFailed { .. } | KdcError::ReplyKeyMismatch { .. } => {
                    "the bind password is wrong: check it, or run kinit first and let spnkt use the ccache".to_owned()
                }
                KdcError::Kdc(r) => r
                    .hint
                    .clone()
                    .unwrap_or_else(|| "check --bind-user, or run kinit first".to_owned()),
                _ => "check --bind-user and the bind password, or run kinit first".to_owned(),
            },
            LiveError::UnknownSpn { kdc, name, .. } => format!(
                "the KDC at {kdc} answered {name}; register the SPN on the service account (spnkt create --host HOST, spnkt spn add), or check --spn and the keytab's principal for typos"
            ),
            LiveError::Refused { kdc, cause, .. } => match cause {
                KdcError::Kdc(r) => r.hint.clone().unwrap_or_else(|| {
                    format!("the KDC at {kdc} answered {} ({})", r.name, r.code)
                }),
                _ => String::new(),
            },
            LiveError::Other { .. } => "check --kdc: is it a KDC of the SPN's realm?".to_owned(),
        }
    }
}

fn transport(e: &KdcError) -> bool {
    super::unreachable(e)
}

/// Log in to the KDC as `user` with `password` (an AS exchange).
pub fn login(kdc: &KdcAddress, user: &Principal, password: &Password) -> Result<Tgt, LiveError> {
    kdc::as_with_password(kdc, user, password).map_err(|cause| {
        if transport(&cause) {
            LiveError::Transport(cause)
        } else {
            LiveError::Login {
                kdc: kdc.as_str().to_owned(),
                user: user.to_string(),
                cause,
            }
        }
    })
}

/// A service ticket for `spn` with `tgt`.
pub fn service_ticket(
    kdc: &KdcAddress,
    tgt: &Tgt,
    spn: &Principal,
) -> Result<ServiceTicket, LiveError> {
    kdc::tgs(kdc, tgt, spn).map_err(|cause| match cause {
        c if transport(&c) => LiveError::Transport(c),
        KdcError::Kdc(r) if r.code == error_code::KDC_ERR_S_PRINCIPAL_UNKNOWN => {
            LiveError::UnknownSpn {
                spn: spn.to_string(),
                kdc: kdc.as_str().to_owned(),
                name: r.name,
            }
        }
        c @ KdcError::Kdc(_) => LiveError::Refused {
            spn: spn.to_string(),
            kdc: kdc.as_str().to_owned(),
            cause: c,
        },
        c => LiveError::Other {
            spn: spn.to_string(),
            cause: c,
        },
    })
}

/// Analyse the live ticket `st` with `keytab`, as `verify --ticket` would, labelled
/// with the KDC it came from and the credentials used (`credentials`, in words).
pub fn analyse(
    keytab: &Keytab,
    st: &ServiceTicket,
    kdc: &KdcAddress,
    credentials: &str,
    now: i64,
) -> Result<Report, diagnose::SelectError> {
    let format = format!("live ticket from KDC {kdc}");
    let detected = Detected {
        format: format.clone(),
        evidence: Evidence::Ticket(st.ticket.clone()),
    };
    let mut report = diagnose::analyse(keytab, &detected, None, now)?;
    report.summary = format!("{format} (credentials: {credentials})");
    for r in &mut report.results {
        r.origin.clone_from(&format);
        if r.client.is_none() {
            r.client = Some(st.client.to_string());
        }
    }
    Ok(report)
}

/// Why `--spn` names no principal to ask the KDC for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not a principal name.
    #[error("{cause}")]
    BadSpn {
        /// As given.
        spn: String,
        /// What is wrong with it.
        cause: String,
    },
    /// No realm given, none configured, and the keytab has no entry for the name.
    #[error("--spn {spn} has no realm")]
    NoRealm {
        /// As given.
        spn: String,
    },
}

/// `--spn` (its realm defaulting to --realm / krb5.conf, then to the keytab's realm
/// for that name), else every distinct principal of the keytab, in file order.
pub fn targets(
    spn: Option<&str>,
    keytab: &Keytab,
    default_realm: Option<&str>,
) -> Result<Vec<Principal>, TargetError> {
    if let Some(s) = spn {
        let mut p = Principal::parse_with_default_realm(s, default_realm).map_err(|e| {
            TargetError::BadSpn {
                spn: s.to_owned(),
                cause: e.to_string(),
            }
        })?;
        if p.realm.is_empty() {
            match keytab
                .entries
                .iter()
                .find(|e| e.principal.components == p.components)
            {
                Some(e) => p.realm.clone_from(&e.principal.realm),
                None => {
                    return Err(TargetError::NoRealm { spn: s.to_owned() });
                }
            }
        }
        return Ok(vec![p]);
    }
    let mut out: Vec<Principal> = Vec::new();
    for e in &keytab.entries {
        let p = &e.principal;
        if !out
            .iter()
            .any(|q| q.components == p.components && q.realm == p.realm)
        {
            out.push(p.clone());
        }
    }
    Ok(out)
}

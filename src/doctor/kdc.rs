//! Step 3: a service ticket for `HTTP/<the name browsers ask for>` with the user's
//! ticket-granting ticket, from spnkt's own KDC client: what a browser gets before
//! it sends anything to the web server.

use serde::Serialize;

use super::report::{StepKind, StepReport};
use crate::ad::account::{ServiceAccount, Uac};
use crate::kdc::{KdcAddress, KdcError, ServiceTicket, Tgt};
use crate::krb::ticket::TicketFlags;
use crate::krb::{NameType, Password, Principal};
use crate::provision::credentials::{self, CcacheSource};
use crate::provision::live::{self, LiveError};

/// Whose ticket-granting ticket to use: the credential cache's (the logged-in
/// user's, as the browser's), else a login with a password.
#[derive(Debug)]
pub struct Login {
    /// The credential cache (KRB5CCNAME or MIT's default).
    pub ccache: CcacheSource,
    /// `--bind-user` and its password, tried when the ccache has no TGT.
    pub password: Option<(String, Password)>,
}

/// What the KDC step got.
#[derive(Debug)]
pub struct Outcome {
    /// The step's report.
    pub report: StepReport,
    /// The service ticket, when the KDC gave one.
    pub ticket: Option<ServiceTicket>,
}

#[derive(Debug, Serialize)]
struct Facts {
    kdc: String,
    credentials: String,
    client: String,
    tgt_flags: Vec<String>,
    spn: String,
    server: String,
    enctype: String,
    kvno: Option<u32>,
    session_enctype: String,
    flags: Vec<String>,
    ok_as_delegate: bool,
    ticket_bytes: usize,
}

/// Where to ask.
#[derive(Debug)]
pub struct Where<'a> {
    /// The realm (the directory's, else --realm / krb5.conf).
    pub realm: Option<&'a str>,
    /// The KDC (host:port).
    pub kdc: Option<KdcAddress>,
    /// The user's credentials.
    pub login: &'a Login,
}

/// The user's TGT for `realm`, with a description of where it came from.
fn tgt(kdc: &KdcAddress, realm: &str, login: &Login, now: i64) -> Result<(Tgt, String), String> {
    let why = match credentials::ccache_tgt(&login.ccache, realm, now) {
        Ok((t, name)) => return Ok((t, format!("ccache {name}"))),
        Err(why) => why,
    };
    let Some((user, password)) = &login.password else {
        return Err(why);
    };
    let p = credentials::user_principal(user, realm).map_err(|e| e.to_string())?;
    live::login(kdc, &p, password)
        .map(|t| (t, format!("password for {p}")))
        .map_err(|e| format!("{why}; and {e} ({})", e.hint()))
}

/// Ask the KDC for `HTTP/browser_host@REALM`.
pub fn run(
    at: Where<'_>,
    browser_host: &str,
    account: Option<&ServiceAccount>,
    now: i64,
) -> Outcome {
    let skipped = |why: String| Outcome {
        report: StepReport::skipped(StepKind::Kdc, why),
        ticket: None,
    };
    let Some(realm) = at.realm else {
        return skipped(
            "no realm known: give --realm, or set default_realm in krb5.conf (KRB5_CONFIG)".into(),
        );
    };
    let Some(kdc) = at.kdc else {
        return skipped(format!(
            "no KDC known for {realm}: give --kdc, a kdc line in krb5.conf, or DNS SRV _kerberos._tcp.{realm}"
        ));
    };
    let (tgt, credentials) = match tgt(&kdc, realm, at.login, now) {
        Ok(t) => t,
        Err(why) => {
            return skipped(format!(
                "no ticket-granting ticket to ask with: {why} (log in first: kinit user@{realm}, as the browser's user is)"
            ));
        }
    };
    let spn = Principal::new(
        NameType::SRV_HST,
        vec!["HTTP".into(), browser_host.to_owned()],
        realm.to_owned(),
    );
    let mut r = StepReport::new(StepKind::Kdc, String::new());
    r.fact(
        "tgt",
        format!(
            "ticket-granting ticket of {} ({credentials}), {}",
            tgt.client,
            if tgt.flags.contains(TicketFlags::FORWARDABLE) {
                "forwardable"
            } else {
                "not forwardable"
            }
        ),
    );
    let started = std::time::Instant::now();
    let asked = live::service_ticket(&kdc, &tgt, &spn);
    r.elapsed_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    let st = match asked {
        Ok(st) => st,
        Err(e) => {
            refused(&mut r, &e, &spn, browser_host);
            return Outcome {
                report: r,
                ticket: None,
            };
        }
    };
    describe(&mut r, &st, &tgt, &spn, account);
    let facts = Facts {
        kdc: kdc.as_str().to_owned(),
        credentials,
        client: tgt.client.to_string(),
        tgt_flags: tgt.flags.names(),
        spn: spn.to_string(),
        server: st.server.to_string(),
        enctype: st.ticket.enc_part.etype.to_string(),
        kvno: st.ticket.enc_part.kvno,
        session_enctype: st.session_key.enctype().to_string(),
        flags: st.flags.names(),
        ok_as_delegate: st.flags.contains(TicketFlags::OK_AS_DELEGATE),
        ticket_bytes: crate::krb::ticket::encode_ticket(&st.ticket).len(),
    };
    Outcome {
        report: r.with_facts(&facts),
        ticket: Some(st),
    }
}

/// The KDC said no.
fn refused(r: &mut StepReport, e: &LiveError, spn: &Principal, host: &str) {
    r.summary = format!("the KDC gave no ticket for {spn}");
    match e {
        LiveError::UnknownSpn { name, .. } => r.fail(
            "unknown_spn",
            format!("the KDC answered {name} for {spn}"),
            format!("no account holds HTTP/{host}: browsers get no ticket and fall back to NTLM or a password prompt"),
            format!("spnkt create --host {host} --keytab FILE (a service account holding HTTP/{host})"),
        ),
        LiveError::Refused { cause: KdcError::Kdc(k), .. } => r.fail(
            "kdc_refused",
            format!("the KDC answered {} ({}) for {spn}", k.name, k.code),
            e.to_string(),
            k.hint.clone().unwrap_or_else(|| "see the KDC's log for the account".into()),
        ),
        other => r.fail(
            "kdc_error",
            other.to_string(),
            other.to_string(),
            other.hint(),
        ),
    }
}

/// The ticket's facts and what they mean for the web server.
fn describe(
    r: &mut StepReport,
    st: &ServiceTicket,
    tgt: &Tgt,
    spn: &Principal,
    account: Option<&ServiceAccount>,
) {
    let etype = st.ticket.enc_part.etype;
    let kvno = st.ticket.enc_part.kvno;
    let size = crate::krb::ticket::encode_ticket(&st.ticket).len();
    r.summary = format!(
        "a ticket for {spn} ({etype}{})",
        kvno.map(|k| format!(", kvno {k}")).unwrap_or_default()
    );
    r.fact(
        "ticket",
        format!(
            "ticket for {} under the account's {etype} key{}, session key {}",
            st.server,
            kvno.map(|k| format!(" of kvno {k}")).unwrap_or_default(),
            st.session_key.enctype()
        ),
    );
    r.fact("flags", format!("flags: {}", st.flags.names().join(", ")));
    r.fact(
        "size",
        format!("{size} bytes of ticket, most of it the PAC (the user's groups); step 5 with --keytab measures the PAC itself"),
    );
    if !matches!(etype.0, 17..=20) {
        r.warn(
            "rc4_ticket",
            format!(
                "the ticket is encrypted with {etype}, not AES: the account allows no AES enctype (msDS-SupportedEncryptionTypes), and a keytab of AES keys cannot decrypt it"
            ),
            Some(format!(
                "allow AES on the account (msDS-SupportedEncryptionTypes 0x18) and write new keys: spnkt rotate --host {}",
                spn.components.get(1).map_or("HOST", String::as_str)
            )),
        );
    }
    if let (Some(a), Some(k)) = (account, kvno)
        && let Some(dir) = a.kvno
        && dir != k
    {
        r.warn(
            "kvno_differs",
            format!("the ticket is for kvno {k}, the directory says kvno {dir}: a password change has not reached every domain controller yet"),
            Some("wait for replication, or check with spnkt rotate --wait-replication".into()),
        );
    }
    let unconstrained = account.is_some_and(|a| a.uac.contains(Uac::TRUSTED_FOR_DELEGATION));
    if unconstrained {
        if st.flags.contains(TicketFlags::OK_AS_DELEGATE) {
            r.fact("delegation", "ok-as-delegate: browsers allowed to delegate (Chrome's AuthNegotiateDelegateAllowlist, Firefox's network.negotiate-auth.delegation-uris) forward the user's TGT");
        } else {
            r.warn(
                "no_ok_as_delegate",
                "the account is trusted for delegation but the ticket is not ok-as-delegate",
                None,
            );
        }
        if !tgt.flags.contains(TicketFlags::FORWARDABLE) {
            r.warn(
                "tgt_not_forwardable",
                format!("the server is trusted for delegation, but {}'s ticket-granting ticket is not forwardable: a browser cannot delegate it", tgt.client),
                Some("log in with a forwardable ticket (kinit -f; forwardable = true in krb5.conf), and check the user is not \"sensitive and cannot be delegated\"".into()),
            );
        }
    }
}

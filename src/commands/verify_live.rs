//! `spnkt verify --keytab FILE --live [--spn PRINCIPAL]`: the `kvno -k` equivalent.
//! Ask the KDC for a service ticket now, with spnkt's own KDC client
//! ([`crate::kdc`]), and put it through exactly the analysis `verify --ticket`
//! uses ([`crate::diagnose`], rendered by [`super::verify::render`]).
//!
//! Which principals: `--spn`, else every distinct principal of the keytab (one
//! report each). Credentials, per realm: a ticket-granting ticket for the realm in
//! the admin's ccache (`KRB5CCNAME`, `FILE:` or a plain path; default
//! `/tmp/krb5cc_<uid>`), not expired (now is the clock, or SOURCE_DATE_EPOCH);
//! else `--bind-user` with a bind password source (an AS exchange). Neither is a
//! usage error (exit 2).
//!
//! Exit status: 0 when every ticket verifies; 4 when one does not, or when the KDC
//! refuses the service ticket (unknown SPN, ...); 1 when the KDC cannot be reached
//! or the admin's credentials are refused; 2 for usage errors.
//!
//! `--json`: the object of `verify --ticket` (`input.path` is null, `results` holds
//! every principal's ticket), plus `"live": [{"spn", "kdc", "credentials":
//! {"source": "ccache" | "password", "name"}}]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::directory::{self, BindSource, KDC_HINT};
use super::verify::{self, render};
use super::{Outcome, Ui, read_keytab};
use crate::cli::VerifyArgs;
use crate::diagnose::{self, Report};
use crate::exit::CliError;
use crate::kdc::{self, KdcAddress, KdcError, Tgt};
use crate::krb::evidence::{Detected, Evidence};
use crate::krb::kdc_msg::error_code;
use crate::krb::keytab::Keytab;
use crate::krb::{Password, Principal, ccache, ticket};
use crate::krb5conf;

/// How to get credentials when nothing usable is found.
const CREDENTIALS_HINT: &str = "run kinit admin@REALM first (KRB5CCNAME names the ccache), or give --bind-user admin@REALM with --bind-password-env VAR, --bind-password-file FILE or --bind-password-stdin";

pub fn run(args: &VerifyArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let keytab_path = verify::keytab_path(args)?;
    let now = crate::timefmt::verify_now()?;
    let keytab = read_keytab(&keytab_path)?;
    let conf = krb5conf::load();
    let default_realm = directory::resolve_realm(&args.kerberos, &conf, ui);
    let spns = targets(args.spn.as_deref(), &keytab, default_realm.as_deref())?;
    if spns.is_empty() {
        return Err(CliError::usage(format!(
            "{} has no entries: there is no principal to ask the KDC for",
            keytab_path.display()
        ))
        .hint("name the service with --spn HTTP/host@REALM, or give the keytab that holds its keys")
        .into());
    }
    let ccache = CcacheSource::from_env();
    let bind_user = directory::bind_user(&args.bind);

    // Decide every realm's credentials before anything is contacted.
    let mut creds: BTreeMap<String, (KdcAddress, Credentials)> = BTreeMap::new();
    for spn in &spns {
        if creds.contains_key(&spn.realm) {
            continue;
        }
        let c = credentials(&ccache, bind_user.as_deref(), &args.bind, spn, now)?;
        let kdc = directory::resolve_kdc(&args.kerberos, Some(&spn.realm), &conf)
            .map(KdcAddress)
            .ok_or_else(|| {
                CliError::usage(format!("no KDC known for realm {}", spn.realm)).hint(KDC_HINT)
            })?;
        creds.insert(spn.realm.clone(), (kdc, c));
    }

    let mut password: Option<Password> = None;
    let mut tgts: BTreeMap<String, (Tgt, String)> = BTreeMap::new();
    let mut reports = Vec::new();
    let mut live = Vec::new();
    for spn in &spns {
        let (kdc, c) = &creds[&spn.realm];
        if !tgts.contains_key(&spn.realm) {
            let got = match c {
                Credentials::Ccache { tgt, name } => (tgt.clone(), format!("ccache {name}")),
                Credentials::Password { user, source } => {
                    if password.is_none() {
                        password = Some(directory::read_bind_password(source, &user.to_string())?);
                    }
                    let pw = password.as_ref().expect("just read");
                    let tgt = kdc::as_with_password(kdc, user, pw)
                        .map_err(|e| login_error(&e, user, kdc))?;
                    (tgt, format!("password for {user}"))
                }
            };
            tgts.insert(spn.realm.clone(), got);
        }
        let (tgt, desc) = &tgts[&spn.realm];
        let st = kdc::tgs(kdc, tgt, spn).map_err(|e| tgs_error(&e, spn, kdc))?;
        let format = format!("live ticket from KDC {}", kdc.0);
        let detected = Detected {
            format: format.clone(),
            evidence: Evidence::Ticket(st.ticket.clone()),
        };
        let mut report = diagnose::analyse(&keytab, &detected, None, now)
            .map_err(|e| CliError::failure(e.to_string()))?;
        report.summary = format!("{format} (credentials: {desc})");
        for r in &mut report.results {
            r.origin.clone_from(&format);
            if r.client.is_none() {
                r.client = Some(st.client.to_string());
            }
        }
        live.push(serde_json::json!({
            "spn": spn.to_string(),
            "kdc": kdc.0,
            "credentials": match c {
                Credentials::Ccache { name, .. } => serde_json::json!({"source": "ccache", "name": name}),
                Credentials::Password { user, .. } => serde_json::json!({"source": "password", "name": user.to_string()}),
            },
        }));
        reports.push(report);
    }

    let results: Vec<diagnose::TicketResult> =
        reports.iter().flat_map(|r| r.results.clone()).collect();
    let json = ui
        .json
        .then(|| to_json(&reports, &results, &keytab_path, live));
    let human = if ui.json {
        String::new()
    } else {
        reports
            .iter()
            .map(|r| render(r, &keytab_path, keytab.entries.len()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    verify::conclude(Outcome { human, json }, &results)
}

fn to_json(
    reports: &[Report],
    results: &[diagnose::TicketResult],
    keytab: &Path,
    live: Vec<serde_json::Value>,
) -> serde_json::Value {
    let summary: Vec<&str> = reports.iter().map(|r| r.summary.as_str()).collect();
    serde_json::json!({
        "input": {"path": null, "format": "live ticket from KDC", "summary": summary.join("; ")},
        "keytab": keytab.display().to_string(),
        "ok": !results.is_empty() && results.iter().all(|r| r.ok),
        "results": results,
        "live": live,
    })
}

/// `--spn` (its realm defaulting to --realm / krb5.conf, then to the keytab's realm
/// for that name), else every distinct principal of the keytab, in file order.
fn targets(
    spn: Option<&str>,
    keytab: &Keytab,
    default_realm: Option<&str>,
) -> Result<Vec<Principal>, CliError> {
    if let Some(s) = spn {
        let mut p = Principal::parse_with_default_realm(s, default_realm).map_err(|e| {
            CliError::usage(e.to_string())
                .hint("name the service like HTTP/app1.example.com@EXAMPLE.COM")
        })?;
        if p.realm.is_empty() {
            match keytab
                .entries
                .iter()
                .find(|e| e.principal.components == p.components)
            {
                Some(e) => p.realm.clone_from(&e.principal.realm),
                None => {
                    return Err(CliError::usage(format!("--spn {s} has no realm"))
                        .hint("give --spn HTTP/host@REALM, or --realm REALM (or SPNKT_REALM, or default_realm in krb5.conf)"));
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

/// The admin's credential cache, as KRB5CCNAME (or the default) names it.
enum CcacheSource {
    File(PathBuf),
    /// A ccache type spnkt cannot read (KEYRING:, KCM:, DIR:, MEMORY:, ...).
    Unsupported(String),
    /// No KRB5CCNAME and no default could be worked out.
    None,
}

impl CcacheSource {
    fn from_env() -> CcacheSource {
        match std::env::var_os("KRB5CCNAME") {
            Some(v) => {
                let v = v.to_string_lossy().into_owned();
                if let Some(path) = v.strip_prefix("FILE:") {
                    return CcacheSource::File(PathBuf::from(path));
                }
                match v.split_once(':') {
                    // A type prefix (`KEYRING:persistent:1000`), not a Windows drive
                    // letter or a path with a colon after a slash.
                    Some((t, _)) if t.len() > 1 && !t.contains('/') && !t.contains('\\') => {
                        CcacheSource::Unsupported(v)
                    }
                    _ => CcacheSource::File(PathBuf::from(v)),
                }
            }
            None => default_ccache().map_or(CcacheSource::None, CcacheSource::File),
        }
    }
}

/// MIT's default `FILE:/tmp/krb5cc_<uid>`; the uid is the owner of /proc/self.
#[cfg(unix)]
fn default_ccache() -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt as _;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    Some(PathBuf::from(format!("/tmp/krb5cc_{uid}")))
}

#[cfg(not(unix))]
fn default_ccache() -> Option<PathBuf> {
    None
}

/// What to ask the KDC with.
enum Credentials<'a> {
    Ccache {
        tgt: Tgt,
        name: String,
    },
    Password {
        user: Principal,
        source: BindSource<'a>,
    },
}

/// A valid TGT for `realm` in the ccache, or why there is none.
fn ccache_tgt(source: &CcacheSource, realm: &str, now: i64) -> Result<(Tgt, String), String> {
    let path = match source {
        CcacheSource::File(p) => p,
        CcacheSource::Unsupported(name) => {
            return Err(format!(
                "KRB5CCNAME={name} is a credential cache type spnkt cannot read (only FILE:)"
            ));
        }
        CcacheSource::None => return Err("no credential cache is known".into()),
    };
    let name = format!("FILE:{}", path.display());
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("the ccache {name} does not exist"));
        }
        Err(e) => return Err(format!("cannot read the ccache {name}: {e}")),
    };
    let cc = ccache::parse(&bytes).map_err(|e| format!("the ccache {name} is invalid: {e}"))?;
    let mut expired: Option<i64> = None;
    let mut best: Option<&ccache::Credential> = None;
    for c in cc.credentials.iter().filter(|c| !c.is_config()) {
        let s = &c.server;
        let is_tgt = s.realm == realm
            && s.components.len() == 2
            && s.components[0] == "krbtgt"
            && s.components[1] == realm;
        if !is_tgt {
            continue;
        }
        let end = i64::from(c.endtime);
        if end <= now {
            expired = Some(expired.map_or(end, |e| e.max(end)));
        } else if best.is_none_or(|b| c.endtime > b.endtime) {
            best = Some(c);
        }
    }
    let Some(c) = best else {
        return Err(match expired {
            Some(end) => format!(
                "the ticket-granting ticket for {realm} in the ccache {name} expired {}",
                crate::timefmt::format_relative(end, now)
            ),
            None => format!("the ccache {name} holds no ticket-granting ticket for {realm}"),
        });
    };
    let t = ticket::parse_ticket(&c.ticket).map_err(|e| {
        format!("the ticket-granting ticket in the ccache {name} does not parse: {e}")
    })?;
    Ok((
        Tgt {
            client: c.client.clone(),
            ticket: t,
            session_key: c.key.clone(),
            flags: c.flags,
            endtime: i64::from(c.endtime),
        },
        name,
    ))
}

/// The ccache's TGT for the SPN's realm, else the bind user and password source.
fn credentials<'a>(
    ccache: &CcacheSource,
    bind_user: Option<&str>,
    bind: &'a crate::cli::BindArgs,
    spn: &Principal,
    now: i64,
) -> Result<Credentials<'a>, CliError> {
    let why = match ccache_tgt(ccache, &spn.realm, now) {
        Ok((tgt, name)) => return Ok(Credentials::Ccache { tgt, name }),
        Err(why) => why,
    };
    let Some(user) = bind_user else {
        return Err(CliError::usage(format!(
            "no credentials to ask the KDC for {spn} with: {why}, and no --bind-user was given"
        ))
        .hint(CREDENTIALS_HINT));
    };
    let user = user_principal(user, &spn.realm)?;
    let source = directory::bind_source(&bind.bind_password, None)?;
    Ok(Credentials::Password { user, source })
}

/// `--bind-user` as a Kerberos client: `user@REALM`, `DOMAIN\user` (→ user@REALM)
/// or `user` (in the SPN's realm). A DN cannot log in to a KDC.
fn user_principal(user: &str, realm: &str) -> Result<Principal, CliError> {
    if user.contains('=') {
        return Err(CliError::usage(format!(
            "--bind-user {user} is a DN: the KDC needs a user name to log in with"
        ))
        .hint("give --bind-user admin@REALM (or DOMAIN\\admin)"));
    }
    let name = user.split_once('\\').map_or(user, |(_, u)| u);
    Principal::parse_with_default_realm(name, Some(realm)).map_err(|e| {
        CliError::usage(format!("--bind-user {user}: {e}"))
            .hint("give --bind-user admin@REALM (or DOMAIN\\admin)")
    })
}

/// Transport problems (exit 1) and a bad address (exit 2), with hints; None for
/// anything the KDC answered.
fn transport_error(e: &KdcError) -> Option<CliError> {
    Some(match e {
        KdcError::BadAddress { .. } => {
            CliError::usage(e.to_string()).hint("give --kdc HOST[:PORT], e.g. --kdc dc1.example.com:88")
        }
        KdcError::Resolve { .. }
        | KdcError::Connect { .. }
        | KdcError::Timeout { .. }
        | KdcError::Io { .. } => CliError::failure(e.to_string()).hint(
            "check --kdc HOST[:PORT] (or SPNKT_KDC, or the realm's kdc in krb5.conf) and that the KDC's port (88) is reachable from here",
        ),
        _ => return None,
    })
}

/// The admin's login failed: not a verdict on the keytab (exit 1).
fn login_error(e: &KdcError, user: &Principal, kdc: &KdcAddress) -> anyhow::Error {
    if let Some(t) = transport_error(e) {
        return t.into();
    }
    let hint = match e {
        KdcError::PreauthFailed { .. } | KdcError::ReplyKeyMismatch { .. } => {
            "the bind password is wrong: check it, or run kinit first and let spnkt use the ccache"
                .to_owned()
        }
        KdcError::Kdc(r) => r
            .hint
            .clone()
            .unwrap_or_else(|| "check --bind-user, or run kinit first".to_owned()),
        _ => "check --bind-user and the bind password, or run kinit first".to_owned(),
    };
    CliError::failure(format!(
        "cannot log in to the KDC at {} as {user}: {e}",
        kdc.0
    ))
    .hint(hint)
    .into()
}

/// The TGS exchange failed: a KDC refusal is "the directory says no" (exit 4).
fn tgs_error(e: &KdcError, spn: &Principal, kdc: &KdcAddress) -> anyhow::Error {
    if let Some(t) = transport_error(e) {
        return t.into();
    }
    match e {
        KdcError::Kdc(r) if r.code == error_code::KDC_ERR_S_PRINCIPAL_UNKNOWN => {
            CliError::verification_failed(format!(
                "the KDC does not know {spn}: the SPN is not registered (spnkt spn list / setspn -Q)"
            ))
            .hint(format!(
                "the KDC at {} answered {}; register the SPN on the service account (spnkt create --host HOST, spnkt spn add), or check --spn and the keytab's principal for typos",
                kdc.0, r.name
            ))
            .into()
        }
        KdcError::Kdc(r) => CliError::verification_failed(format!(
            "the KDC refused a ticket for {spn}: {e}"
        ))
        .hint(r.hint.clone().unwrap_or_else(|| {
            format!("the KDC at {} answered {} ({})", kdc.0, r.name, r.code)
        }))
        .into(),
        _ => CliError::failure(format!("cannot get a ticket for {spn}: {e}"))
            .hint("check --kdc: is it a KDC of the SPN's realm?")
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_users_as_principals() {
        assert_eq!(
            user_principal("alice@MIT.TEST", "X").unwrap().to_string(),
            "alice@MIT.TEST"
        );
        assert_eq!(
            user_principal("EXAMPLE\\admin", "EXAMPLE.COM")
                .unwrap()
                .to_string(),
            "admin@EXAMPLE.COM"
        );
        assert_eq!(
            user_principal("admin", "EXAMPLE.COM").unwrap().to_string(),
            "admin@EXAMPLE.COM"
        );
        assert!(user_principal("CN=admin,CN=Users,DC=example,DC=com", "EXAMPLE.COM").is_err());
    }
}

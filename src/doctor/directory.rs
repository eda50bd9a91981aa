//! Step 2: who holds `HTTP/<the name browsers ask for>` in the directory (nobody,
//! one account, several; a computer whose `HOST/` AD would use instead), and what
//! that account is like: enabled, enctypes, kvno, delegation, UPN, password expiry.

use serde::Serialize;

use super::report::{StepKind, StepReport};
use crate::ad::account::{ServiceAccount, SupportedEnctypes, Uac};
use crate::ad::ldap::{Scope, escape_filter_value};
use crate::krb::Enctype;
use crate::provision::Session;

/// What the directory step found.
#[derive(Debug)]
pub struct Outcome {
    /// The step's report.
    pub report: StepReport,
    /// The one account holding the SPN.
    pub account: Option<ServiceAccount>,
}

/// The account, for `--json`.
#[derive(Debug, Serialize)]
struct AccountFacts<'a> {
    dn: &'a str,
    sam_account_name: &'a str,
    user_principal_name: Option<&'a str>,
    is_computer: bool,
    enabled: bool,
    kvno: Option<u32>,
    supported_enctypes: Option<String>,
    enctypes: Vec<String>,
    delegation: String,
    user_account_control: String,
    password_expires: Option<String>,
}

#[derive(Debug, Serialize)]
struct Facts<'a> {
    spn: &'a str,
    holders: Vec<String>,
    host_spn_holders: Vec<String>,
    account: Option<AccountFacts<'a>>,
}

/// What to run to give a site its own account.
fn create_fix(host: &str) -> String {
    format!(
        "create the service account and its keytab: spnkt create --host {host} --keytab FILE (then install the keytab on the web server)"
    )
}

/// Look up `HTTP/browser_host`. `session` is `Err(why)` when there is no directory
/// connection: the step is skipped with that reason.
pub fn run(session: Result<&mut Session, &str>, browser_host: &str, now: i64) -> Outcome {
    let session = match session {
        Ok(s) => s,
        Err(why) => {
            return Outcome {
                report: StepReport::skipped(
                    StepKind::Directory,
                    format!("no directory connection: {why}"),
                ),
                account: None,
            };
        }
    };
    let spn = format!("HTTP/{browser_host}");
    let mut r = StepReport::new(StepKind::Directory, String::new());
    let holders = match session.dir.find_spn(&spn) {
        Ok(h) => h,
        Err(e) => {
            return Outcome {
                report: StepReport::skipped(
                    StepKind::Directory,
                    format!("cannot look up {spn}: {e}"),
                ),
                account: None,
            };
        }
    };
    let mut holder_dns: Vec<String> = holders.iter().map(|h| h.dn.clone()).collect();
    // `ktpass -mapuser` leaves the SPN as another account's UPN: a second holder
    // the KDC also finds.
    for dn in upn_holders(session, &spn) {
        if !holder_dns.iter().any(|h| h.eq_ignore_ascii_case(&dn)) {
            holder_dns.push(dn);
        }
    }
    let mut host_holders = Vec::new();
    let mut account = None;
    match holder_dns.as_slice() {
        [] => {
            let host_spn = format!("HOST/{browser_host}");
            host_holders = session
                .dir
                .find_spn(&host_spn)
                .map(|h| h.into_iter().map(|e| e.dn).collect())
                .unwrap_or_default();
            match host_holders.first() {
                Some(computer) => {
                    r.summary = format!(
                        "nobody holds {spn}; the computer {computer} holds {host_spn}, so AD uses its key"
                    );
                    r.fail(
                        "host_spn_wins",
                        format!("nobody holds {spn}, but {computer} holds {host_spn}"),
                        format!(
                            "AD maps HTTP/ to HOST/ (sPNMappings) when no account holds {spn}: the KDC answers browsers with a ticket encrypted with the computer's own key, which no service account's keytab decrypts (the machine's own /etc/krb5.keytab would, but that is not what the web server should use)"
                        ),
                        format!(
                            "give the site an account of its own holding {spn} ({}), or, if {browser_host} is a CNAME target, an A record for the URL's name",
                            create_fix(browser_host)
                        ),
                    );
                }
                None => {
                    r.summary = format!("nobody holds {spn}");
                    r.fail(
                        "no_holder",
                        format!("no account holds {spn}"),
                        format!(
                            "the KDC does not know {spn} (KDC_ERR_S_PRINCIPAL_UNKNOWN): browsers get no ticket and fall back to NTLM or a password prompt"
                        ),
                        create_fix(browser_host),
                    );
                }
            }
        }
        [one] => match session.dir.read_account(one) {
            Ok(a) => {
                r.summary = format!("{spn} is held by {} ({})", a.sam_account_name, a.dn);
                describe(&mut r, &a, &spn);
                password_expiry(session, &mut r, &a, browser_host, now);
                account = Some(a);
            }
            Err(e) => {
                r.summary = format!("{spn} is held by {one}");
                r.warn(
                    "unreadable",
                    format!("cannot read {one}: {e}"),
                    Some("bind as an account that may read it (any domain user may read SPNs and enctypes)".into()),
                );
            }
        },
        many => {
            r.summary = format!("{spn} is held by {} accounts", many.len());
            r.fail(
                "duplicate_spn",
                format!(
                    "{spn} is held by {} (as servicePrincipalName, or as userPrincipalName {spn}@{}, which ktpass -mapuser sets)",
                    many.join(" and "),
                    session.realm
                ),
                "a duplicate SPN: the KDC cannot tell whose key to encrypt the ticket with (Windows DCs refuse it, others pick one), so at most one of the keytabs can work".to_owned(),
                format!(
                    "keep {spn} on one account only: spnkt spn remove --account OTHER {spn} (spnkt spn check lists every duplicate)"
                ),
            );
        }
    }
    let facts = Facts {
        spn: &spn,
        holders: holder_dns,
        host_spn_holders: host_holders,
        account: account.as_ref().map(account_facts),
    };
    let report = r.with_facts(&facts);
    Outcome { report, account }
}

/// Accounts whose userPrincipalName is `spn@REALM`.
fn upn_holders(session: &mut Session, spn: &str) -> Vec<String> {
    let base = session.base_dn.clone();
    let upn = format!("{spn}@{}", session.realm);
    let filter = format!("(userPrincipalName={})", escape_filter_value(&upn));
    session
        .dir
        .search(&base, Scope::Subtree, &filter, &["sAMAccountName"])
        .map(|v| v.into_iter().map(|e| e.dn).collect())
        .unwrap_or_default()
}

fn enctype_names(e: Option<SupportedEnctypes>) -> Vec<String> {
    e.map(|s| s.enctypes().iter().map(Enctype::to_string).collect())
        .unwrap_or_default()
}

fn account_facts(a: &ServiceAccount) -> AccountFacts<'_> {
    AccountFacts {
        dn: &a.dn,
        sam_account_name: &a.sam_account_name,
        user_principal_name: a.user_principal_name.as_deref(),
        is_computer: a.is_computer,
        enabled: !a.uac.contains(Uac::ACCOUNTDISABLE),
        kvno: a.kvno,
        supported_enctypes: a.supported_enctypes.map(|s| format!("0x{:x}", s.0)),
        enctypes: enctype_names(a.supported_enctypes),
        delegation: a.delegation_text(),
        user_account_control: crate::provision::uac_text(a.uac.0),
        password_expires: None,
    }
}

/// The account's facts and problems.
fn describe(r: &mut StepReport, a: &ServiceAccount, spn: &str) {
    let kind = if a.is_computer { "computer" } else { "user" };
    r.fact(
        "holder",
        format!(
            "{spn} is held by the {kind} account {} ({})",
            a.sam_account_name, a.dn
        ),
    );
    if a.uac.contains(Uac::ACCOUNTDISABLE) {
        r.fail(
            "disabled",
            format!("{} is disabled", a.sam_account_name),
            "the KDC issues no tickets for a disabled account's SPNs",
            format!(
                "enable it (spnkt create --host {} converges the account, or set userAccountControl without ACCOUNTDISABLE)",
                spn.trim_start_matches("HTTP/")
            ),
        );
    } else {
        r.fact("enabled", format!("{} is enabled", a.sam_account_name));
    }
    match a.kvno {
        Some(k) => r.fact(
            "kvno",
            format!("kvno {k} (msDS-KeyVersionNumber): the keytab's keys must be of this kvno"),
        ),
        None => r.fact("kvno", "msDS-KeyVersionNumber not readable"),
    }
    let names = enctype_names(a.supported_enctypes).join(", ");
    match a.supported_enctypes {
        None => r.warn(
            "enctypes_unset",
            "msDS-SupportedEncryptionTypes is not set: the KDC picks the enctype by its own default (RC4 on domain controllers before the November 2022 updates)",
            Some(format!("set it to 0x18 (AES256, AES128) and give the server a keytab with AES keys: spnkt rotate --host {}", spn.trim_start_matches("HTTP/"))),
        ),
        Some(s) if s.0 & SupportedEnctypes::AES.0 == 0 => r.warn(
            "no_aes",
            format!(
                "the account allows no AES enctype (msDS-SupportedEncryptionTypes 0x{:x}: {names}): tickets for it are RC4, which a keytab of AES keys cannot decrypt",
                s.0
            ),
            Some(format!(
                "allow AES (msDS-SupportedEncryptionTypes 0x18) and rotate: spnkt rotate --host {}",
                spn.trim_start_matches("HTTP/")
            )),
        ),
        Some(s) => r.fact(
            "enctypes",
            format!("enctypes {names} (msDS-SupportedEncryptionTypes 0x{:x})", s.0),
        ),
    }
    r.fact("delegation", format!("delegation: {}", a.delegation_text()));
    match &a.user_principal_name {
        Some(u) => r.fact("upn", format!("UPN {u}")),
        None => r.fact("upn", "no UPN"),
    }
}

/// msDS-UserPasswordExpiryTimeComputed: an expired password does not stop service
/// tickets, but it stops a server that logs in with its keytab (kinit -k, JAAS).
fn password_expiry(
    session: &mut Session,
    r: &mut StepReport,
    a: &ServiceAccount,
    host: &str,
    now: i64,
) {
    if a.uac.contains(Uac::DONT_EXPIRE_PASSWORD) {
        r.fact(
            "password",
            "the password never expires (DONT_EXPIRE_PASSWORD)",
        );
        return;
    }
    let attr = "msDS-UserPasswordExpiryTimeComputed";
    let value = session
        .dir
        .search(&a.dn, Scope::Base, "(objectClass=*)", &[attr])
        .ok()
        .and_then(|e| e.first().and_then(|e| e.first(attr)).map(str::to_owned))
        .and_then(|v| v.parse::<i64>().ok());
    let Some(ft) = value else {
        return;
    };
    match crate::ad::account::filetime_to_system_time(ft) {
        None if ft == 0 => r.warn(
            "password_must_change",
            format!("{}'s password must be changed at the next logon (pwdLastSet 0): service tickets are still issued, but a server that logs in with the keytab (kinit -k, Java JAAS) fails", a.sam_account_name),
            Some(format!("set a new password and keytab: spnkt rotate --host {host}")),
        ),
        None => r.fact("password", "the password never expires"),
        Some(t) => {
            let secs = t
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            let when = crate::timefmt::format_utc_i64(secs);
            if secs <= now {
                r.warn(
                    "password_expired",
                    format!("{}'s password expired at {when}: service tickets are still issued, but a server that logs in with the keytab (kinit -k, Java JAAS) fails", a.sam_account_name),
                    Some(format!("set a new password and keytab: spnkt rotate --host {host} (or set DONT_EXPIRE_PASSWORD on the service account)")),
                );
            } else {
                r.fact("password", format!("the password expires at {when}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::report::Status;

    fn account(uac: u32, enctypes: Option<u32>) -> ServiceAccount {
        ServiceAccount {
            dn: "CN=svc-http-www,CN=Users,DC=example,DC=test".into(),
            sam_account_name: "svc-http-www".into(),
            uac: Uac(uac),
            supported_enctypes: enctypes.map(SupportedEnctypes),
            kvno: Some(4),
            ..Default::default()
        }
    }

    #[test]
    fn an_enabled_aes_account_is_fine_rc4_only_a_warning_disabled_a_failure() {
        let mut r = StepReport::new(StepKind::Directory, "");
        describe(&mut r, &account(0x200, Some(0x18)), "HTTP/www.example.test");
        assert_eq!(r.status, Status::Ok, "{:?}", r.findings);
        assert!(r.findings.iter().any(|f| f.message.contains("kvno 4")));

        let mut r = StepReport::new(StepKind::Directory, "");
        describe(&mut r, &account(0x200, Some(0x4)), "HTTP/www.example.test");
        assert_eq!(r.status, Status::Warn);
        let w = r.findings.iter().find(|f| f.kind == "no_aes").unwrap();
        assert!(w.message.contains("RC4"), "{}", w.message);

        let mut r = StepReport::new(StepKind::Directory, "");
        describe(&mut r, &account(0x202, Some(0x18)), "HTTP/www.example.test");
        assert_eq!(r.status, Status::Fail);
        assert!(
            r.fix
                .as_deref()
                .unwrap()
                .contains("spnkt create --host www.example.test")
        );
    }
}

//! The converge logic of `spnkt apply`, pure: what a keytab holds compared with the
//! directory, whether a rotation is due, and the diff of a service (created,
//! unchanged, repaired, rotated) as the one [`Plan`] type every operation runs.

use std::time::SystemTime;

use super::create::delegation_name;
use crate::ad::account::{ServiceAccount, Uac, filetime_to_system_time};
use crate::krb::keytab::{Keytab, KeytabEntry};
use crate::krb::{Enctype, Principal};
use crate::plan::{CreateSpec, Plan, Step, key_steps};

/// What happened (or, with `--dry-run`, would happen) to one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The account was added.
    Create,
    /// Nothing to do.
    Unchanged,
    /// Attributes or delegation brought in line, the password kept.
    Repair,
    /// A new password and keys.
    Rotate,
    /// Deleted (`--prune`).
    Remove,
    /// It failed.
    Failed,
}

impl Action {
    /// The report's word: past tense for a run, imperative for a dry run.
    pub fn word(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (Action::Create, false) => "created",
            (Action::Create, true) => "create",
            (Action::Unchanged, _) => "unchanged",
            (Action::Repair, false) => "repaired",
            (Action::Repair, true) => "repair",
            (Action::Rotate, false) => "rotated",
            (Action::Rotate, true) => "rotate",
            (Action::Remove, false) => "removed",
            (Action::Remove, true) => "remove",
            (Action::Failed, _) => "failed",
        }
    }

    /// Whether it changes the directory or a keytab.
    pub fn changes_something(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Repair | Action::Rotate | Action::Remove
        )
    }
}

/// Why a keytab does not serve an account as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeytabProblem {
    /// No entry for the principal at all.
    NoEntry,
    /// The account's kvno is unknown (cannot be read).
    KvnoUnknown,
    /// Entries only at other kvnos.
    OtherKvno {
        /// The kvnos the keytab has, ascending.
        have: Vec<u32>,
        /// The account's.
        want: u32,
    },
    /// No key of an enctype that should be there.
    MissingEnctype {
        /// The enctype.
        enctype: Enctype,
        /// At this kvno.
        kvno: u32,
    },
}

impl KeytabProblem {
    /// The problem in words (as `apply` reports it).
    pub fn describe(&self, principal: &Principal) -> String {
        match self {
            KeytabProblem::NoEntry => format!("the keytab has no entry for {principal}"),
            KeytabProblem::KvnoUnknown => {
                "the account's msDS-KeyVersionNumber cannot be read".to_owned()
            }
            KeytabProblem::OtherKvno { have, want } => format!(
                "the keytab has kvno {} for {principal}, the account is at kvno {want}",
                kvno_list(have)
            ),
            KeytabProblem::MissingEnctype { enctype, kvno } => {
                format!("the keytab has no {enctype} key at kvno {kvno}")
            }
        }
    }
}

/// `2, 3`.
pub fn kvno_list(kvnos: &[u32]) -> String {
    kvnos
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A keytab's entries of one principal compared with the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeytabComparison {
    /// Every kvno the keytab has for the principal, ascending.
    pub kvnos: Vec<u32>,
    /// The enctypes it has at the account's kvno.
    pub enctypes_at_kvno: Vec<Enctype>,
    /// What is wrong (empty: it matches).
    pub problems: Vec<KeytabProblem>,
}

/// Compare the keytab's entries of `principal` with the account's `kvno` and the
/// `wanted` enctypes.
pub fn compare_keytab(
    kt: &Keytab,
    principal: &Principal,
    kvno: Option<u32>,
    wanted: &[Enctype],
) -> KeytabComparison {
    let mine: Vec<&KeytabEntry> = kt
        .entries
        .iter()
        .filter(|e| e.matches(principal, None, None))
        .collect();
    let mut kvnos: Vec<u32> = mine.iter().map(|e| e.kvno).collect();
    kvnos.sort_unstable();
    kvnos.dedup();
    let mut out = KeytabComparison {
        kvnos,
        enctypes_at_kvno: Vec::new(),
        problems: Vec::new(),
    };
    if mine.is_empty() {
        out.problems.push(KeytabProblem::NoEntry);
        return out;
    }
    let Some(k) = kvno else {
        out.problems.push(KeytabProblem::KvnoUnknown);
        return out;
    };
    out.enctypes_at_kvno = mine
        .iter()
        .filter(|e| e.kvno == k)
        .map(|e| e.key.enctype())
        .collect();
    if out.enctypes_at_kvno.is_empty() {
        out.problems.push(KeytabProblem::OtherKvno {
            have: out.kvnos.clone(),
            want: k,
        });
        return out;
    }
    for e in wanted {
        if !out.enctypes_at_kvno.contains(e) {
            out.problems.push(KeytabProblem::MissingEnctype {
                enctype: *e,
                kvno: k,
            });
        }
    }
    out
}

/// What the keytab file holds for a service, compared with the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeytabState {
    /// There is no file.
    Missing,
    /// It serves the account.
    Matches,
    /// Present but not usable as is: why.
    Stale(Vec<String>),
}

/// [`compare_keytab`] as a keytab state with `apply`'s wording.
pub fn keytab_state(
    kt: Option<&Keytab>,
    principal: &Principal,
    kvno: Option<u32>,
    wanted: &[Enctype],
) -> KeytabState {
    let Some(kt) = kt else {
        return KeytabState::Missing;
    };
    let c = compare_keytab(kt, principal, kvno, wanted);
    if c.problems.is_empty() {
        KeytabState::Matches
    } else {
        KeytabState::Stale(c.problems.iter().map(|p| p.describe(principal)).collect())
    }
}

/// Why a rotation is due (`rotate_after_days` against pwdLastSet), if it is.
pub fn rotation_due(
    pwd_last_set: Option<i64>,
    days: Option<u32>,
    now: SystemTime,
) -> Option<String> {
    let days = days?;
    let Some(set) = pwd_last_set.and_then(filetime_to_system_time) else {
        return Some(format!(
            "due: pwdLastSet is not set (rotate_after_days = {days})"
        ));
    };
    let age = now.duration_since(set).map_or(0, |d| d.as_secs());
    (age >= u64::from(days) * 86_400).then(|| {
        format!(
            "due: the password is {} days old (rotate_after_days = {days})",
            age / 86_400
        )
    })
}

/// The diff of one service: what to do and the plan that does it (with its
/// `WriteKeytab` step, which `apply` takes out and does once per file).
#[derive(Debug, Clone)]
pub struct Diff {
    /// The action.
    pub action: Action,
    /// Every change, in words.
    pub changes: Vec<String>,
    /// The steps.
    pub plan: Plan,
}

fn was(a: &ServiceAccount, attr: &str) -> String {
    let v = match attr {
        "userPrincipalName" => a.user_principal_name.clone().unwrap_or_default(),
        "msDS-SupportedEncryptionTypes" => a
            .supported_enctypes
            .map(|s| s.0.to_string())
            .unwrap_or_default(),
        "msDS-AllowedToDelegateTo" => a.allowed_to_delegate_to.join(", "),
        _ => String::new(),
    };
    if v.is_empty() { "not set".into() } else { v }
}

/// Compare what the plan wants (`spec`) with the account (`existing`) and the
/// keytab, and say what to do. `rotate` is why a rotation is asked for or due.
pub fn diff(
    spec: &CreateSpec,
    existing: Option<&ServiceAccount>,
    keytab: &KeytabState,
    rotate: Option<&str>,
) -> Diff {
    let Some(a) = existing else {
        let plan = spec.plan(None);
        let changes = vec![
            format!("create the account {}", spec.dn()),
            format!(
                "{} on it, userPrincipalName {}",
                spec.spn(),
                spec.upn_value().unwrap_or_else(|| "not set".into())
            ),
            format!(
                "delegation {}, userAccountControl 0x{:x}, msDS-SupportedEncryptionTypes {}",
                delegation_name(&spec.delegation),
                spec.enabled_uac(),
                spec.enctypes.0
            ),
            format!(
                "random password; keys ({}) proven with the KDC, written to {}",
                spec.keytab_enctypes.join(", "),
                spec.keytab
            ),
        ];
        return Diff {
            action: Action::Create,
            changes,
            plan,
        };
    };
    let mut changes = Vec::new();
    let mut steps = Vec::new();
    let (replace, add_values) = spec.converge(a);
    for r in &replace {
        let now = if r.values.is_empty() {
            "(removed)".to_owned()
        } else {
            r.values.join(", ")
        };
        changes.push(format!("set {}: {now} (was {})", r.name, was(a, &r.name)));
    }
    for v in &add_values {
        changes.push(format!("add {}: {}", v.name, v.values.join(", ")));
    }
    let upn_changes = replace.iter().any(|r| r.name == "userPrincipalName");
    if !replace.is_empty() || !add_values.is_empty() {
        steps.push(Step::UpdateAccount {
            dn: a.dn.clone(),
            replace,
            add_values,
        });
    }
    let mask = Uac::TRUSTED_FOR_DELEGATION | Uac::TRUSTED_TO_AUTH_FOR_DELEGATION;
    let uac = (a.uac.0 & !(mask | Uac::ACCOUNTDISABLE))
        | Uac::NORMAL_ACCOUNT
        | Uac::DONT_EXPIRE_PASSWORD
        | spec.delegation.uac_bits();
    if uac != a.uac.0 {
        changes.push(format!(
            "set userAccountControl: 0x{uac:x} ({}) (was 0x{:x}: {})",
            Uac(uac).names().join(" | "),
            a.uac.0,
            a.uac.names().join(" | ")
        ));
    }
    let mut reasons: Vec<String> = rotate.map(str::to_owned).into_iter().collect();
    if a.uac.contains(Uac::ACCOUNTDISABLE) {
        reasons.push("the account is disabled: it gets a new password and is enabled".into());
    }
    if upn_changes {
        reasons.push("the userPrincipalName changes, and with it the salt of the keys".into());
    }
    match keytab {
        KeytabState::Missing => reasons.push(format!(
            "the keytab {} is missing: new keys are needed, so the password is rotated",
            spec.keytab
        )),
        KeytabState::Stale(why) => reasons.push(format!(
            "{}: new keys are needed, so the password is rotated",
            why.join("; ")
        )),
        KeytabState::Matches => {}
    }
    let rotating = !reasons.is_empty();
    if rotating {
        for r in &reasons {
            changes.push(format!("rotate: {r}"));
        }
        steps.push(Step::SetPassword {
            dn: a.dn.clone(),
            password: spec.password,
        });
        steps.push(Step::Enable {
            dn: a.dn.clone(),
            uac,
            uac_names: Uac(uac).names(),
        });
        steps.extend(key_steps(
            &a.dn,
            &spec.kdc,
            &spec.client(),
            &format!("{}@{}", spec.spn(), spec.realm),
            &spec.keytab,
            spec.keytab_principals(),
            spec.keytab_enctypes.clone(),
            spec.keytab_mode,
        ));
    } else if uac != a.uac.0 {
        steps.push(Step::Enable {
            dn: a.dn.clone(),
            uac,
            uac_names: Uac(uac).names(),
        });
    }
    let action = if rotating {
        Action::Rotate
    } else if steps.is_empty() {
        Action::Unchanged
    } else {
        Action::Repair
    };
    Diff {
        action,
        changes,
        plan: Plan {
            command: "apply".into(),
            principal: format!("{}@{}", spec.spn(), spec.realm),
            steps,
            dns_check: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::account::{Delegation, SupportedEnctypes};
    use crate::krb::Key;
    use crate::krb::keytab::KeytabVersion;
    use crate::plan::{KeytabMode, PasswordOrigin};

    fn spec() -> CreateSpec {
        CreateSpec {
            host: "app1.example.test".into(),
            realm: "EXAMPLE.TEST".into(),
            sam_account_name: "svc-http-app1".into(),
            ou: "CN=Users,DC=example,DC=test".into(),
            upn: true,
            description: "x created by spnkt [spnkt plan: t]".into(),
            enctypes: SupportedEnctypes::AES,
            delegation: Delegation::Unconstrained,
            password: PasswordOrigin::Random { length: 32 },
            kdc: "127.0.0.1:88".into(),
            keytab: "k/app1.keytab".into(),
            keytab_mode: KeytabMode::Rotate { keep_old: 1 },
            keytab_enctypes: vec![
                "aes256-cts-hmac-sha1-96".into(),
                "aes128-cts-hmac-sha1-96".into(),
            ],
        }
    }

    /// The account as `create` leaves it for [`spec`].
    fn account() -> ServiceAccount {
        ServiceAccount {
            dn: "CN=svc-http-app1,CN=Users,DC=example,DC=test".into(),
            sam_account_name: "svc-http-app1".into(),
            user_principal_name: Some("HTTP/app1.example.test@EXAMPLE.TEST".into()),
            service_principal_names: vec!["HTTP/app1.example.test".into()],
            uac: Uac(0x90200),
            supported_enctypes: Some(SupportedEnctypes::AES),
            kvno: Some(2),
            ..ServiceAccount::default()
        }
    }

    fn keytab(kvno: u32, enctypes: &[i32]) -> Keytab {
        Keytab {
            version: KeytabVersion::V2,
            entries: enctypes
                .iter()
                .map(|e| KeytabEntry {
                    principal: Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap(),
                    timestamp: 0,
                    kvno,
                    key: Key::new(Enctype(*e), vec![0; if *e == 17 { 16 } else { 32 }]),
                })
                .collect(),
        }
    }

    fn principal() -> Principal {
        Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap()
    }

    #[test]
    fn missing_account_is_created() {
        let d = diff(&spec(), None, &KeytabState::Missing, None);
        assert_eq!(d.action, Action::Create);
        assert!(matches!(d.plan.steps[0], Step::AddAccount { .. }));
        assert!(d.changes[0].starts_with("create the account CN=svc-http-app1,CN=Users"));
    }

    #[test]
    fn matching_account_and_keytab_change_nothing() {
        let kt = keytab(2, &[18, 17]);
        let state = keytab_state(
            Some(&kt),
            &principal(),
            Some(2),
            &[Enctype(18), Enctype(17)],
        );
        assert_eq!(state, KeytabState::Matches);
        let d = diff(&spec(), Some(&account()), &state, None);
        assert_eq!(d.action, Action::Unchanged, "{:?}", d.changes);
        assert!(d.plan.steps.is_empty());
        assert!(!d.plan.changes_directory());
    }

    #[test]
    fn delegation_drift_is_repaired_without_rotation() {
        let mut a = account();
        a.uac = Uac(0x10200);
        a.supported_enctypes = Some(SupportedEnctypes(0x1c));
        let d = diff(&spec(), Some(&a), &KeytabState::Matches, None);
        assert_eq!(d.action, Action::Repair);
        assert!(
            matches!(&d.plan.steps[0], Step::UpdateAccount { replace, .. } if replace[0].name == "msDS-SupportedEncryptionTypes")
        );
        assert!(matches!(
            &d.plan.steps[1],
            Step::Enable { uac: 0x90200, .. }
        ));
        assert_eq!(d.plan.steps.len(), 2);
        assert!(
            d.changes
                .iter()
                .any(|c| c.starts_with("set userAccountControl: 0x90200"))
        );
        assert!(
            d.changes
                .iter()
                .any(|c| c == "set msDS-SupportedEncryptionTypes: 24 (was 28)")
        );
    }

    #[test]
    fn keytab_problems_and_asked_rotation_rotate() {
        let p = principal();
        let wanted = [Enctype(18), Enctype(17)];
        assert_eq!(
            keytab_state(None, &p, Some(2), &wanted),
            KeytabState::Missing
        );
        let old = keytab(1, &[18, 17]);
        let KeytabState::Stale(why) = keytab_state(Some(&old), &p, Some(2), &wanted) else {
            panic!()
        };
        assert_eq!(
            why,
            [
                "the keytab has kvno 1 for HTTP/app1.example.test@EXAMPLE.TEST, the account is at kvno 2"
            ]
        );
        let thin = keytab(2, &[18]);
        assert!(
            matches!(keytab_state(Some(&thin), &p, Some(2), &wanted), KeytabState::Stale(w) if w[0].contains("aes128"))
        );
        for (state, why) in [
            (KeytabState::Missing, None),
            (KeytabState::Matches, Some("asked for with --rotate")),
        ] {
            let d = diff(&spec(), Some(&account()), &state, why);
            assert_eq!(d.action, Action::Rotate, "{state:?}");
            let kinds: Vec<&str> = d
                .plan
                .steps
                .iter()
                .map(|s| match s {
                    Step::SetPassword { .. } => "password",
                    Step::Enable { .. } => "enable",
                    Step::ReadKvno { .. } => "kvno",
                    Step::QuerySalt { .. } => "salt",
                    Step::ProveKeys { .. } => "prove",
                    Step::WriteKeytab { .. } => "keytab",
                    _ => "other",
                })
                .collect();
            assert_eq!(
                kinds,
                ["password", "enable", "kvno", "salt", "prove", "keytab"]
            );
        }
        let d = diff(&spec(), Some(&account()), &KeytabState::Missing, None);
        assert!(
            d.changes[0].contains("k/app1.keytab is missing"),
            "{:?}",
            d.changes
        );
    }

    #[test]
    fn comparison_kvnos_and_enctypes() {
        let p = Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap();
        let mut kt = keytab(2, &[18]);
        kt.entries.extend(keytab(3, &[18]).entries);
        let c = compare_keytab(&kt, &p, Some(3), &[Enctype(18), Enctype(17)]);
        assert_eq!(c.kvnos, [2, 3]);
        assert_eq!(
            c.problems,
            [KeytabProblem::MissingEnctype {
                enctype: Enctype(17),
                kvno: 3
            }]
        );
        let c = compare_keytab(&kt, &p, Some(4), &[]);
        assert_eq!(
            c.problems,
            [KeytabProblem::OtherKvno {
                have: vec![2, 3],
                want: 4
            }]
        );
        let other = Principal::parse("HTTP/b@EXAMPLE.TEST").unwrap();
        assert_eq!(
            compare_keytab(&kt, &other, Some(2), &[]).problems,
            [KeytabProblem::NoEntry]
        );
    }

    #[test]
    fn rotation_due_by_age() {
        use crate::ad::account::system_time_to_filetime;
        let now = SystemTime::now();
        let days_ago = |d: u64| {
            Some(system_time_to_filetime(
                now - std::time::Duration::from_secs(d * 86_400 + 5),
            ))
        };
        assert_eq!(rotation_due(days_ago(100), None, now), None);
        assert_eq!(rotation_due(days_ago(10), Some(90), now), None);
        assert_eq!(
            rotation_due(days_ago(91), Some(90), now).as_deref(),
            Some("due: the password is 91 days old (rotate_after_days = 90)")
        );
        assert!(rotation_due(Some(0), Some(90), now).is_some());
    }
}

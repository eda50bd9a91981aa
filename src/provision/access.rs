//! Whether the bind account may make the changes of a plan, judged before anything
//! is written: most people who provision service accounts hold rights delegated on
//! one OU, not Domain Admin.
//!
//! What each LDAP step needs:
//!
//! - adding the account: the "Create User objects" right on its container
//!   (`allowedChildClassesEffective` there lists `user`);
//! - changing an existing account's attributes (also `userAccountControl` when it
//!   is enabled): write access to each (`allowedAttributesEffective` lists it);
//! - setting or clearing TRUSTED_FOR_DELEGATION or TRUSTED_TO_AUTH_FOR_DELEGATION,
//!   or changing msDS-AllowedToDelegateTo: SeEnableDelegationPrivilege, which only
//!   `BUILTIN\Administrators` of the domain controllers holds by default (the bind
//!   account's token, from the rootDSE, must hold it).
//!
//! A password reset (Reset Password) and a delete show in no constructed attribute:
//! they are not judged beforehand; a refused one changes nothing. What the
//! directory did not say is a warning ("cannot tell"), never a refusal. Every
//! missing right is reported at once ([`Error::MissingRights`]).

use super::preflight::Names;
use super::{Error, Progress, Session};
use crate::ad::account::{ServiceAccount, Uac};
use crate::ad::rights::{self, Privilege};
use crate::plan::{Attr, Plan, Step};

/// Environment variable with the SIDs (comma-separated) a domain's policy grants
/// SeEnableDelegationPrivilege to besides `BUILTIN\Administrators` (S-1-5-32-544).
pub const OTHER_DELEGATION_HOLDERS_ENV: &str = "SPNKT_ENABLE_DELEGATION_SIDS";

/// The userAccountControl bits only SeEnableDelegationPrivilege may set or clear.
const DELEGATION_BITS: u32 = Uac::TRUSTED_FOR_DELEGATION | Uac::TRUSTED_TO_AUTH_FOR_DELEGATION;

/// A right the bind account lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// It may not create user objects in `container`.
    CreateUsers {
        /// The container's DN.
        container: String,
    },
    /// It may not write `attrs` on the account `dn`.
    Write {
        /// The account.
        dn: String,
        /// The attributes it may not write.
        attrs: Vec<String>,
    },
    /// Its token holds no group with SeEnableDelegationPrivilege.
    EnableDelegation {
        /// What needs it (`setting TRUSTED_FOR_DELEGATION`).
        change: String,
        /// The delegation flags of `spnkt create` that ask for it.
        flags: String,
    },
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::CreateUsers { container } => write!(
                f,
                "may not create user objects in {container} (the \"Create User objects\" right on that container)"
            ),
            Missing::Write { dn, attrs } => write!(
                f,
                "may not write {} on {dn} (\"Write\" on {})",
                attrs.join(", "),
                if attrs.len() == 1 {
                    "that attribute"
                } else {
                    "those attributes"
                }
            ),
            Missing::EnableDelegation { change, .. } => write!(
                f,
                "does not hold {}, which {change} needs",
                rights::ENABLE_DELEGATION
            ),
        }
    }
}

/// What to do about `missing` rights (for `host`): who usually has each and how to
/// get the job done without it.
pub fn hint(missing: &[Missing], host: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    if missing
        .iter()
        .any(|m| matches!(m, Missing::CreateUsers { .. }))
    {
        parts.push("give --ou a container where the bind account may create users, or ask the AD team to delegate \"Create, delete, and manage user accounts\" on that container (README: Rights spnkt needs)".to_owned());
    }
    if missing.iter().any(|m| matches!(m, Missing::Write { .. })) {
        parts.push("ask whoever manages the account's OU for write access to those attributes (the \"Create, delete, and manage user accounts\" delegation gives it), or have them run this command".to_owned());
    }
    if let Some(Missing::EnableDelegation { flags, .. }) = missing
        .iter()
        .find(|m| matches!(m, Missing::EnableDelegation { .. }))
    {
        let now = if flags == "--delegation none" {
            // Clearing delegation: the account stays as it is until then.
            "ask a Domain Admin to run"
        } else {
            "create the account with --delegation none now, and have a Domain Admin run"
        };
        parts.push(format!(
            "by default only the Administrators of the domain controllers hold the privilege (Domain Admins, Enterprise Admins): {now} `spnkt create --host {host} {flags}` on it later (it converges the existing account), or set it in ADUC (the account's Delegation tab); if your domain grants the privilege to another group, put that group's SID in {OTHER_DELEGATION_HOLDERS_ENV}"
        ));
    }
    parts.join("; ")
}

/// What one step needs.
#[derive(Debug)]
enum Need {
    CreateUser { container: String },
    Write { dn: String, attrs: Vec<String> },
    Delegation { change: String },
}

/// The parent of `dn`: what follows its first unescaped comma.
pub fn parent_dn(dn: &str) -> &str {
    let mut escaped = false;
    for (i, c) in dn.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            ',' if !escaped => return dn[i + 1..].trim_start(),
            _ => escaped = false,
        }
    }
    ""
}

fn attr<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Attr> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

/// What changing userAccountControl from `old` to `new` does to the delegation bits.
fn delegation_change(old: u32, new: u32) -> Option<String> {
    let changed = (old ^ new) & DELEGATION_BITS;
    if changed == 0 {
        return None;
    }
    let mut words = Vec::new();
    for (bit, name) in [
        (Uac::TRUSTED_FOR_DELEGATION, "TRUSTED_FOR_DELEGATION"),
        (
            Uac::TRUSTED_TO_AUTH_FOR_DELEGATION,
            "TRUSTED_TO_AUTH_FOR_DELEGATION",
        ),
    ] {
        if changed & bit != 0 {
            let verb = if new & bit != 0 {
                "setting"
            } else {
                "clearing"
            };
            words.push(format!("{verb} {name}"));
        }
    }
    Some(words.join(" and "))
}

/// What each LDAP step of `plan` needs (`existing`: the account it converges).
fn needs(plan: &Plan, existing: Option<&ServiceAccount>) -> Vec<Need> {
    let old_uac = existing.map_or(0, |a| a.uac.0);
    let mut out = Vec::new();
    for step in &plan.steps {
        match step {
            Step::AddAccount { dn, attrs, .. } => {
                out.push(Need::CreateUser {
                    container: parent_dn(dn).to_owned(),
                });
                let uac = attr(attrs, "userAccountControl")
                    .and_then(|a| a.values.first())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if let Some(change) = delegation_change(0, uac) {
                    out.push(Need::Delegation { change });
                }
                if attr(attrs, "msDS-AllowedToDelegateTo").is_some_and(|a| !a.values.is_empty()) {
                    out.push(Need::Delegation {
                        change: "setting msDS-AllowedToDelegateTo".into(),
                    });
                }
            }
            Step::UpdateAccount {
                dn,
                replace,
                add_values,
            } => {
                out.push(Need::Write {
                    dn: dn.clone(),
                    attrs: replace
                        .iter()
                        .chain(add_values)
                        .map(|a| a.name.clone())
                        .collect(),
                });
                if attr(replace, "msDS-AllowedToDelegateTo").is_some() {
                    out.push(Need::Delegation {
                        change: "changing msDS-AllowedToDelegateTo".into(),
                    });
                }
            }
            Step::Enable { dn, uac, .. } => {
                out.push(Need::Write {
                    dn: dn.clone(),
                    attrs: vec!["userAccountControl".into()],
                });
                if let Some(change) = delegation_change(old_uac, *uac) {
                    out.push(Need::Delegation { change });
                }
            }
            _ => {}
        }
    }
    out
}

/// The delegation flags of `spnkt create` that give what `plan` asks for.
fn delegation_flags(plan: &Plan) -> String {
    let mut uac = 0;
    let mut targets: Vec<String> = Vec::new();
    for step in &plan.steps {
        match step {
            Step::AddAccount { attrs, .. } => {
                uac = attr(attrs, "userAccountControl")
                    .and_then(|a| a.values.first())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                targets = attr(attrs, "msDS-AllowedToDelegateTo")
                    .map(|a| a.values.clone())
                    .unwrap_or_default();
            }
            Step::UpdateAccount { replace, .. } => {
                if let Some(a) = attr(replace, "msDS-AllowedToDelegateTo") {
                    targets = a.values.clone();
                }
            }
            Step::Enable { uac: u, .. } => uac = *u,
            _ => {}
        }
    }
    if uac & Uac::TRUSTED_FOR_DELEGATION != 0 {
        return "--delegation unconstrained".into();
    }
    if targets.is_empty() && uac & Uac::TRUSTED_TO_AUTH_FOR_DELEGATION == 0 {
        return "--delegation none".into();
    }
    let mut flags = "--delegation constrained".to_owned();
    for t in &targets {
        flags.push_str(&format!(" --delegate-to {t}"));
    }
    if uac & Uac::TRUSTED_TO_AUTH_FOR_DELEGATION != 0 {
        flags.push_str(" --protocol-transition");
    }
    flags
}

/// The verdict on a plan: rights missing, and what could not be told.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Rights the bind account lacks (the plan would be refused).
    pub missing: Vec<Missing>,
    /// What the directory did not say, as warnings.
    pub cannot_tell: Vec<String>,
}

/// Judge `plan` (`existing`: the account it converges) against what `names` and the
/// bind account's `token` (SIDs; `None`: unknown) say it may do. `other_holders`:
/// SIDs the domain grants SeEnableDelegationPrivilege to besides Administrators.
pub fn judge(
    plan: &Plan,
    existing: Option<&ServiceAccount>,
    names: &Names,
    token: Option<&[String]>,
    other_holders: &[String],
) -> Verdict {
    let mut v = Verdict::default();
    let mut delegation: Vec<String> = Vec::new();
    for need in needs(plan, existing) {
        match need {
            Need::CreateUser { container } => match names.entry(&container) {
                Some(e) if !rights::may_create(e, "user") => {
                    v.missing.push(Missing::CreateUsers { container });
                }
                Some(_) => {}
                None => v.cannot_tell.push(format!(
                    "cannot tell whether the bind account may create users in {container}: the container was not found (a DN outside --base-dn, or one it may not see); if it may not, the add is refused and nothing is changed"
                )),
            },
            Need::Write { dn, attrs } => {
                if !names.has_attribute_rights() {
                    continue;
                }
                let Some(e) = names.entry(&dn) else {
                    continue;
                };
                let names_: Vec<&str> = attrs.iter().map(String::as_str).collect();
                let lacking = rights::not_writable(e, &names_);
                if lacking.is_empty() {
                    continue;
                }
                // One line per account, every attribute in it.
                match v
                    .missing
                    .iter_mut()
                    .find(|m| matches!(m, Missing::Write { dn: d, .. } if d == &dn))
                {
                    Some(Missing::Write { attrs, .. }) => {
                        for a in lacking {
                            if !attrs.iter().any(|x| x.eq_ignore_ascii_case(a)) {
                                attrs.push(a.to_owned());
                            }
                        }
                    }
                    _ => v.missing.push(Missing::Write {
                        dn,
                        attrs: lacking.into_iter().map(str::to_owned).collect(),
                    }),
                }
            }
            Need::Delegation { change } => {
                if !delegation.contains(&change) {
                    delegation.push(change);
                }
            }
        }
    }
    if !delegation.is_empty() {
        let change = delegation.join(" and ");
        match rights::enable_delegation(token, other_holders) {
            Privilege::Held { .. } => {}
            Privilege::NotHeld => v.missing.push(Missing::EnableDelegation {
                change,
                flags: delegation_flags(plan),
            }),
            Privilege::CannotTell => v.cannot_tell.push(format!(
                "cannot tell whether the bind account holds {} ({change} needs it): the domain controller did not give its tokenGroups; if it does not, the directory refuses the change and nothing is changed",
                rights::ENABLE_DELEGATION
            )),
        }
    }
    v
}

/// The SIDs of [`OTHER_DELEGATION_HOLDERS_ENV`] (comma- or blank-separated).
pub fn other_delegation_holders() -> Vec<String> {
    std::env::var(OTHER_DELEGATION_HOLDERS_ENV)
        .unwrap_or_default()
        .split([',', ' ', '\t', '\n'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// [`judge`] for a session: what the directory could not say becomes warnings,
/// missing rights a refusal before anything is written.
pub fn check(
    session: &Session,
    plan: &Plan,
    existing: Option<&ServiceAccount>,
    names: &Names,
    host: &str,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    let verdict = judge(
        plan,
        existing,
        names,
        session.root.token.as_deref(),
        &other_delegation_holders(),
    );
    for w in verdict.cannot_tell {
        progress.warn(w);
    }
    if verdict.missing.is_empty() {
        return Ok(());
    }
    Err(Error::MissingRights {
        spn: format!("HTTP/{host}"),
        host: host.to_owned(),
        user: session.bind_user.clone(),
        missing: verdict.missing,
    })
}

/// Whether the bind account may create user objects in `container` (one read of
/// its `allowedChildClassesEffective`); `None` when the container cannot be read.
/// For the wizard, which asks for the container before the plan exists.
pub fn may_create_users(session: &mut Session, container: &str) -> Option<bool> {
    let entries = session
        .dir
        .search(
            container,
            crate::ad::ldap::Scope::Base,
            "(objectClass=*)",
            &[rights::CHILD_CLASSES],
        )
        .ok()?;
    entries.first().map(|e| rights::may_create(e, "user"))
}

/// Whether the bind account holds SeEnableDelegationPrivilege, from its token (read
/// with the rootDSE when the session was opened).
pub fn delegation_privilege(session: &Session) -> Privilege {
    rights::enable_delegation(session.root.token.as_deref(), &other_delegation_holders())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::account::{Delegation, SupportedEnctypes};
    use crate::ad::ldap::Entry;
    use crate::plan::{CreateSpec, KeytabMode, PasswordOrigin};

    const OU: &str = "OU=Service Accounts,DC=corp,DC=example,DC=com";
    const USERS: &str = "CN=Users,DC=corp,DC=example,DC=com";
    const ACCOUNT_DN: &str = "CN=svc-http-portal,OU=Service Accounts,DC=corp,DC=example,DC=com";

    /// A binary SID as Windows puts it in tokenGroups.
    fn sid(authority: u8, subs: &[u32]) -> Vec<u8> {
        let mut b = vec![
            1,
            u8::try_from(subs.len()).unwrap(),
            0,
            0,
            0,
            0,
            0,
            authority,
        ];
        for s in subs {
            b.extend(s.to_le_bytes());
        }
        b
    }

    const DOMAIN: [u32; 4] = [21, 3_623_811_015, 3_361_044_348, 30_300_820];

    fn domain_sid(rid: u32) -> Vec<u8> {
        let mut subs = DOMAIN.to_vec();
        subs.push(rid);
        sid(5, &subs)
    }

    /// The token of the rootDSE's tokenGroups, as Windows returns it (binary SIDs):
    /// the user, Domain Users, Everyone, Authenticated Users, BUILTIN\Users, and the
    /// groups in `more`.
    fn token(more: &[Vec<u8>]) -> Vec<String> {
        let mut root = Entry::default();
        let mut sids = vec![
            domain_sid(1105),
            domain_sid(513),
            sid(1, &[0]),
            sid(5, &[11]),
            sid(5, &[32, 545]),
        ];
        sids.extend(more.iter().cloned());
        root.bin_attrs.insert("tokenGroups".into(), sids);
        rights::token_of(&root).unwrap()
    }

    /// A delegated admin: "OU Admins" (a domain group), no Administrators.
    fn delegated() -> Vec<String> {
        token(&[domain_sid(1110)])
    }

    /// A Domain Admin: Domain Admins, and BUILTIN\Administrators by nesting.
    fn domain_admin() -> Vec<String> {
        token(&[domain_sid(512), sid(5, &[32, 544])])
    }

    fn spec(delegation: Delegation, ou: &str) -> CreateSpec {
        CreateSpec {
            host: "portal.corp.example.com".into(),
            realm: "CORP.EXAMPLE.COM".into(),
            sam_account_name: "svc-http-portal".into(),
            ou: ou.into(),
            upn: true,
            description: "created by spnkt".into(),
            enctypes: SupportedEnctypes::AES,
            delegation,
            password: PasswordOrigin::Random { length: 32 },
            kdc: "dc1.corp.example.com:88".into(),
            keytab: "portal.keytab".into(),
            keytab_mode: KeytabMode::New,
            keytab_enctypes: vec!["aes256-cts-hmac-sha1-96".into()],
        }
    }

    /// A container as Windows returns it to a bind account that may create `classes`
    /// there (none: the attribute is left out of the entry).
    fn container(dn: &str, classes: &[&str]) -> Entry {
        let mut e = Entry {
            dn: dn.into(),
            ..Entry::default()
        };
        e.attrs.insert(
            "objectClass".into(),
            vec!["top".into(), "organizationalUnit".into()],
        );
        if !classes.is_empty() {
            e.attrs.insert(
                "allowedChildClassesEffective".into(),
                classes.iter().map(|c| (*c).to_owned()).collect(),
            );
        }
        e
    }

    /// An existing account whose writable attributes are `writable`.
    fn account_entry(writable: &[&str]) -> Entry {
        let mut e = Entry {
            dn: ACCOUNT_DN.into(),
            ..Entry::default()
        };
        e.attrs
            .insert("sAMAccountName".into(), vec!["svc-http-portal".into()]);
        e.attrs.insert(
            "allowedAttributesEffective".into(),
            writable.iter().map(|c| (*c).to_owned()).collect(),
        );
        e
    }

    fn existing(uac: u32) -> ServiceAccount {
        ServiceAccount {
            dn: ACCOUNT_DN.into(),
            sam_account_name: "svc-http-portal".into(),
            user_principal_name: Some("HTTP/portal.corp.example.com@CORP.EXAMPLE.COM".into()),
            service_principal_names: vec!["HTTP/portal.corp.example.com".into()],
            uac: Uac(uac),
            supported_enctypes: Some(SupportedEnctypes::AES),
            ..ServiceAccount::default()
        }
    }

    /// What the "Create, delete, and manage user accounts" delegation lets Windows
    /// list in allowedAttributesEffective of a user (an excerpt, in its casing).
    const MANAGED_USER: &[&str] = &[
        "accountExpires",
        "description",
        "displayName",
        "msDS-AllowedToDelegateTo",
        "msDS-SupportedEncryptionTypes",
        "pwdLastSet",
        "sAMAccountName",
        "servicePrincipalName",
        "unicodePwd",
        "userAccountControl",
        "userPrincipalName",
    ];

    fn ou_names() -> Names {
        Names::from_entries(
            vec![],
            vec![
                container(OU, &["user", "inetOrgPerson"]),
                container(USERS, &[]),
            ],
            true,
        )
    }

    #[test]
    fn a_delegated_admin_may_create_without_delegation() {
        let plan = spec(Delegation::None, OU).plan(None);
        let v = judge(&plan, None, &ou_names(), Some(&delegated()), &[]);
        assert_eq!(v, Verdict::default());
    }

    #[test]
    fn unconstrained_delegation_needs_the_privilege_before_any_write() {
        let plan = spec(Delegation::Unconstrained, OU).plan(None);
        let v = judge(&plan, None, &ou_names(), Some(&delegated()), &[]);
        assert_eq!(
            v.missing,
            [Missing::EnableDelegation {
                change: "setting TRUSTED_FOR_DELEGATION".into(),
                flags: "--delegation unconstrained".into()
            }]
        );
        let text = v.missing[0].to_string();
        assert!(text.contains("SeEnableDelegationPrivilege"), "{text}");
        let h = hint(&v.missing, "portal.corp.example.com");
        assert!(h.contains("--delegation none now"), "{h}");
        assert!(
            h.contains("spnkt create --host portal.corp.example.com --delegation unconstrained"),
            "{h}"
        );
        assert!(h.contains("Domain Admin"), "{h}");
        // A Domain Admin holds it through BUILTIN\Administrators.
        let v = judge(&plan, None, &ou_names(), Some(&domain_admin()), &[]);
        assert_eq!(v, Verdict::default());
        // So does a group the domain's policy names.
        let ou_admins = delegated()
            .into_iter()
            .find(|s| s.ends_with("-1110"))
            .unwrap();
        let v = judge(&plan, None, &ou_names(), Some(&delegated()), &[ou_admins]);
        assert_eq!(v, Verdict::default());
    }

    #[test]
    fn constrained_delegation_needs_it_for_the_targets_and_protocol_transition() {
        let plan = spec(
            Delegation::Constrained {
                targets: vec!["HTTP/backend.corp.example.com".into()],
                protocol_transition: true,
            },
            OU,
        )
        .plan(None);
        let v = judge(&plan, None, &ou_names(), Some(&delegated()), &[]);
        let [Missing::EnableDelegation { change, flags }] = v.missing.as_slice() else {
            panic!("{v:?}")
        };
        assert_eq!(
            change,
            "setting TRUSTED_TO_AUTH_FOR_DELEGATION and setting msDS-AllowedToDelegateTo"
        );
        assert_eq!(
            flags,
            "--delegation constrained --delegate-to HTTP/backend.corp.example.com --protocol-transition"
        );
    }

    #[test]
    fn every_missing_right_at_once() {
        // Nothing delegated on CN=Users: no allowedChildClassesEffective at all.
        let plan = spec(Delegation::Unconstrained, USERS).plan(None);
        let v = judge(&plan, None, &ou_names(), Some(&delegated()), &[]);
        assert_eq!(v.missing.len(), 2, "{v:?}");
        assert_eq!(
            v.missing[0],
            Missing::CreateUsers {
                container: USERS.into()
            }
        );
        assert!(matches!(v.missing[1], Missing::EnableDelegation { .. }));
        let h = hint(&v.missing, "portal.corp.example.com");
        assert!(h.contains("--ou") && h.contains("--delegation none"), "{h}");
        // A container that may hold other classes but not users.
        let names = Names::from_entries(vec![], vec![container(OU, &["contact", "group"])], true);
        let plan = spec(Delegation::None, OU).plan(None);
        let v = judge(&plan, None, &names, Some(&delegated()), &[]);
        assert_eq!(
            v.missing,
            [Missing::CreateUsers {
                container: OU.into()
            }]
        );
    }

    #[test]
    fn what_the_directory_did_not_say_is_a_warning() {
        let plan = spec(Delegation::Unconstrained, "OU=Elsewhere,DC=other,DC=com").plan(None);
        let v = judge(&plan, None, &ou_names(), None, &[]);
        assert!(v.missing.is_empty(), "{v:?}");
        assert_eq!(v.cannot_tell.len(), 2, "{v:?}");
        assert!(v.cannot_tell[0].contains("OU=Elsewhere"), "{v:?}");
        assert!(v.cannot_tell[1].contains("cannot tell"), "{v:?}");
        assert!(
            v.cannot_tell[1].contains("SeEnableDelegationPrivilege"),
            "{v:?}"
        );
    }

    #[test]
    fn converging_keeps_delegation_set_by_a_domain_admin() {
        // The two-step flow: a Domain Admin set TRUSTED_FOR_DELEGATION; the delegated
        // admin converges the account later with the same delegation.
        let names = Names::from_entries(
            vec![],
            vec![container(OU, &["user"]), account_entry(MANAGED_USER)],
            true,
        );
        let a = existing(0x90200);
        let plan = spec(Delegation::Unconstrained, OU).plan(Some(&a));
        let v = judge(&plan, Some(&a), &names, Some(&delegated()), &[]);
        assert_eq!(v, Verdict::default());
        // Clearing it needs the privilege too.
        let plan = spec(Delegation::None, OU).plan(Some(&a));
        let v = judge(&plan, Some(&a), &names, Some(&delegated()), &[]);
        let [Missing::EnableDelegation { change, flags }] = v.missing.as_slice() else {
            panic!("{v:?}")
        };
        assert_eq!(change, "clearing TRUSTED_FOR_DELEGATION");
        assert_eq!(flags, "--delegation none");
        let h = hint(&v.missing, "portal.corp.example.com");
        assert!(!h.contains("--delegation none now"), "{h}");
    }

    #[test]
    fn attributes_it_may_not_write_on_an_existing_account() {
        // Only "Reset password" and "Read and write general information" delegated.
        let names = Names::from_entries(
            vec![],
            vec![account_entry(&["description", "displayName", "pwdLastSet"])],
            true,
        );
        let mut a = existing(0x10200);
        a.supported_enctypes = None;
        a.user_principal_name = None;
        let plan = spec(Delegation::None, OU).plan(Some(&a));
        let v = judge(&plan, Some(&a), &names, Some(&delegated()), &[]);
        assert_eq!(
            v.missing,
            [Missing::Write {
                dn: ACCOUNT_DN.into(),
                attrs: vec![
                    "userPrincipalName".into(),
                    "msDS-SupportedEncryptionTypes".into(),
                    "userAccountControl".into()
                ]
            }]
        );
        assert!(v.missing[0].to_string().contains("may not write userPrincipalName, msDS-SupportedEncryptionTypes, userAccountControl on CN=svc-http-portal"));
        // With many services the accounts' writable attributes are not read: not judged.
        let many = Names::from_entries(vec![], vec![account_entry(&[])], false);
        let v = judge(&plan, Some(&a), &many, Some(&delegated()), &[]);
        assert_eq!(v, Verdict::default());
    }

    #[test]
    fn parents_of_dns() {
        assert_eq!(parent_dn(ACCOUNT_DN), OU);
        assert_eq!(
            parent_dn("CN=Smith\\, John,OU=People,DC=x"),
            "OU=People,DC=x"
        );
        assert_eq!(parent_dn("CN=a\\\\,OU=b"), "OU=b");
        assert_eq!(parent_dn("DC=com"), "");
    }
}

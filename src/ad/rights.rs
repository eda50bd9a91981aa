//! What the bind account may do, as the directory itself says it: the security
//! identifiers of its token (the rootDSE's `tokenGroups`), the classes it may
//! create below a container (`allowedChildClassesEffective`) and the attributes it
//! may write on an object (`allowedAttributesEffective`). These are constructed
//! attributes both Windows and Samba compute from the ACLs for the requester, so
//! asking for them costs no round trip of its own: they come with reads spnkt
//! makes anyway (MS-ADTS 3.1.1.3.2 rootDSE, 3.1.1.4.5 constructed attributes).
//!
//! Pure: it interprets entries and asks nothing.

use super::entry::Entry;

/// The rootDSE attribute with the SIDs of the requester's token (binary SIDs).
pub const TOKEN_GROUPS: &str = "tokenGroups";
/// The classes the requester may create as children of an object.
pub const CHILD_CLASSES: &str = "allowedChildClassesEffective";
/// The attributes the requester may write on an object.
pub const WRITABLE_ATTRIBUTES: &str = "allowedAttributesEffective";

/// `BUILTIN\Administrators`: on domain controllers the Default Domain Controllers
/// Policy grants it SeEnableDelegationPrivilege, and nobody else (Windows); Samba's
/// provisioned privileges do the same. Domain Admins and Enterprise Admins hold it
/// as members of this group.
pub const ADMINISTRATORS_SID: &str = "S-1-5-32-544";

/// The privilege setting TRUSTED_FOR_DELEGATION, TRUSTED_TO_AUTH_FOR_DELEGATION and
/// msDS-AllowedToDelegateTo needs, by its name and its name in the policy editor.
pub const ENABLE_DELEGATION: &str = "SeEnableDelegationPrivilege (\"Enable computer and user accounts to be trusted for delegation\")";

/// A binary SID (MS-DTYP 2.4.2.2: revision, sub-authority count, 48-bit big-endian
/// identifier authority, 32-bit little-endian sub-authorities) in its text form
/// `S-1-5-32-544`; `None` for bytes that are no SID.
pub fn sid_text(bytes: &[u8]) -> Option<String> {
    let (&revision, rest) = bytes.split_first()?;
    let (&count, rest) = rest.split_first()?;
    if revision != 1 || rest.len() != 6 + 4 * usize::from(count) {
        return None;
    }
    let (authority, subs) = rest.split_at(6);
    let authority = authority
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    // MS-DTYP 2.4.2.1: an authority of 2^32 or more is written in hexadecimal.
    let mut text = if authority >> 32 == 0 {
        format!("S-1-{authority}")
    } else {
        format!("S-1-0x{authority:012X}")
    };
    for sub in subs.chunks_exact(4) {
        let value = u32::from_le_bytes([sub[0], sub[1], sub[2], sub[3]]);
        text.push_str(&format!("-{value}"));
    }
    Some(text)
}

/// The SIDs of the requester's token from a rootDSE entry read with
/// [`TOKEN_GROUPS`]; `None` when the directory gave none (then nobody can tell
/// what the token holds).
pub fn token_of(root_dse: &Entry) -> Option<Vec<String>> {
    let sids: Vec<String> = root_dse
        .bin_values(TOKEN_GROUPS)
        .iter()
        .filter_map(|b| sid_text(b))
        .collect();
    (!sids.is_empty()).then_some(sids)
}

/// Whether the bind account holds SeEnableDelegationPrivilege.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privilege {
    /// Its token holds a group that has the privilege (`via`: that SID).
    Held {
        /// The SID of the token that holds it.
        via: String,
    },
    /// Its token holds none of the groups that have it.
    NotHeld,
    /// The directory did not say what the token holds.
    CannotTell,
}

/// SeEnableDelegationPrivilege for a `token` (SIDs; `None`: unknown), held by
/// [`ADMINISTRATORS_SID`] and by any of `other_holders` (SIDs a domain's policy grants
/// it to besides).
pub fn enable_delegation(token: Option<&[String]>, other_holders: &[String]) -> Privilege {
    let Some(token) = token else {
        return Privilege::CannotTell;
    };
    let holders =
        std::iter::once(ADMINISTRATORS_SID).chain(other_holders.iter().map(String::as_str));
    for holder in holders {
        if let Some(sid) = token.iter().find(|s| s.eq_ignore_ascii_case(holder.trim())) {
            return Privilege::Held { via: sid.clone() };
        }
    }
    Privilege::NotHeld
}

/// Whether the requester may create objects of `class` below `container` (an entry
/// read with [`CHILD_CLASSES`]). An empty or absent attribute means it may create
/// nothing there.
pub fn may_create(container: &Entry, class: &str) -> bool {
    container
        .values(CHILD_CLASSES)
        .iter()
        .any(|c| c.eq_ignore_ascii_case(class))
}

/// Of `attrs`, the ones the requester may not write on `object` (an entry read with
/// [`WRITABLE_ATTRIBUTES`]).
pub fn not_writable<'a>(object: &Entry, attrs: &[&'a str]) -> Vec<&'a str> {
    let writable = object.values(WRITABLE_ATTRIBUTES);
    attrs
        .iter()
        .filter(|a| !writable.iter().any(|w| w.eq_ignore_ascii_case(a)))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `S-1-5-32-544` as Windows sends it in tokenGroups.
    const BUILTIN_ADMINISTRATORS: [u8; 16] = [
        0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00,
        0x00,
    ];

    /// `S-1-5-21-1004336348-1177238915-682003330-512` (a domain's Domain Admins).
    fn domain_admins() -> Vec<u8> {
        let mut b = vec![0x01, 0x05, 0, 0, 0, 0, 0, 0x05];
        for sub in [21u32, 1_004_336_348, 1_177_238_915, 682_003_330, 512] {
            b.extend(sub.to_le_bytes());
        }
        b
    }

    fn root_with(sids: &[Vec<u8>]) -> Entry {
        let mut e = Entry::default();
        e.bin_attrs.insert(TOKEN_GROUPS.into(), sids.to_vec());
        e
    }

    #[test]
    fn binary_sids_in_text() {
        assert_eq!(
            sid_text(&BUILTIN_ADMINISTRATORS).as_deref(),
            Some("S-1-5-32-544")
        );
        assert_eq!(
            sid_text(&domain_admins()).as_deref(),
            Some("S-1-5-21-1004336348-1177238915-682003330-512")
        );
        // Everyone: S-1-1-0.
        assert_eq!(
            sid_text(&[1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]).as_deref(),
            Some("S-1-1-0")
        );
        // A huge authority is hexadecimal.
        assert_eq!(
            sid_text(&[1, 0, 0x01, 0, 0, 0, 0, 0]).as_deref(),
            Some("S-1-0x010000000000")
        );
        // Truncated, a wrong count, another revision: no SID.
        assert_eq!(sid_text(&BUILTIN_ADMINISTRATORS[..15]), None);
        assert_eq!(sid_text(&[1, 3, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]), None);
        assert_eq!(sid_text(&[2, 0, 0, 0, 0, 0, 0, 5]), None);
        assert_eq!(sid_text(&[]), None);
    }

    #[test]
    fn a_domain_admins_token_holds_the_privilege_through_builtin_administrators() {
        // A Domain Admin's token on a DC: its groups and, by nesting, Administrators.
        let root = root_with(&[domain_admins(), BUILTIN_ADMINISTRATORS.to_vec()]);
        let token = token_of(&root).unwrap();
        assert_eq!(
            enable_delegation(Some(&token), &[]),
            Privilege::Held {
                via: ADMINISTRATORS_SID.into()
            }
        );
    }

    #[test]
    fn a_delegated_admins_token_does_not() {
        let root = root_with(&[domain_admins()[..].to_vec()]);
        let mut token = token_of(&root).unwrap();
        token[0] = token[0].replace("-512", "-1105");
        assert_eq!(enable_delegation(Some(&token), &[]), Privilege::NotHeld);
        // Unless the domain's policy grants it to one of its groups.
        let granted = [token[0].to_lowercase()];
        assert_eq!(
            enable_delegation(Some(&token), &granted),
            Privilege::Held {
                via: token[0].clone()
            }
        );
    }

    #[test]
    fn no_token_cannot_tell() {
        assert_eq!(token_of(&Entry::default()), None);
        // Values that are no SIDs are no token either.
        assert_eq!(token_of(&root_with(&[vec![9, 9]])), None);
        assert_eq!(enable_delegation(None, &[]), Privilege::CannotTell);
    }

    #[test]
    fn child_classes_and_writable_attributes_as_windows_returns_them() {
        // An OU read by an admin delegated "Create, delete, and manage user accounts".
        let mut ou = Entry {
            dn: "OU=Service Accounts,DC=corp,DC=example,DC=com".into(),
            ..Entry::default()
        };
        ou.attrs.insert(
            "allowedChildClassesEffective".into(),
            vec!["user".into(), "inetOrgPerson".into()],
        );
        assert!(may_create(&ou, "user"));
        assert!(may_create(&ou, "User"));
        assert!(!may_create(&ou, "computer"));
        // CN=Users read by the same admin: the attribute is absent.
        assert!(!may_create(&Entry::default(), "user"));

        let mut account = Entry::default();
        account.attrs.insert(
            "allowedAttributesEffective".into(),
            [
                "description",
                "msDS-SupportedEncryptionTypes",
                "servicePrincipalName",
                "userAccountControl",
                "userPrincipalName",
            ]
            .map(String::from)
            .to_vec(),
        );
        assert!(
            not_writable(
                &account,
                &["userPrincipalName", "msds-supportedencryptiontypes"]
            )
            .is_empty()
        );
        assert_eq!(
            not_writable(
                &account,
                &["servicePrincipalName", "msDS-AllowedToDelegateTo"]
            ),
            vec!["msDS-AllowedToDelegateTo"]
        );
    }
}

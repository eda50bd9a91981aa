//! Salts for AES string-to-key: the MIT default and the rules Active Directory uses.
//!
//! AD fixes an account's AES salt when its password is set, from what the account
//! looks like at that moment (MS-KILE 3.1.1.2, confirmed on a Samba AD DC). The KDC
//! announces the salt in ETYPE-INFO2; these rules predict it and cross-check it.

use super::Principal;

/// MIT's default salt: the realm followed by every name component, no separators.
pub fn mit_default_salt(principal: &Principal) -> String {
    let mut salt = principal.realm.clone();
    for c in &principal.components {
        salt.push_str(c);
    }
    salt
}

/// The salt AD gives an account's AES keys.
///
/// - computer (`NAME$`): REALM + `host` + lowercase(NAME) + `.` + lowercase(REALM);
/// - user with a UPN: REALM + the UPN's name components joined (its realm ignored,
///   case kept);
/// - user without a UPN: REALM + sAMAccountName (case kept).
///
/// `realm` is upper-cased, as AD realms are.
pub fn ad_salt(
    realm: &str,
    sam_account_name: &str,
    upn: Option<&str>,
    is_computer: bool,
) -> String {
    let realm = realm.to_uppercase();
    if is_computer {
        let name = sam_account_name
            .strip_suffix('$')
            .unwrap_or(sam_account_name);
        return format!(
            "{realm}host{}.{}",
            name.to_lowercase(),
            realm.to_lowercase()
        );
    }
    match upn.filter(|u| !u.is_empty()) {
        Some(upn) => {
            let name = upn.rsplit_once('@').map_or(upn, |(name, _realm)| name);
            let mut salt = realm;
            salt.extend(name.split('/'));
            salt
        }
        None => format!("{realm}{sam_account_name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mit_default() {
        let p = Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap();
        assert_eq!(mit_default_salt(&p), "EXAMPLE.TESTHTTPapp1.example.test");
    }
}

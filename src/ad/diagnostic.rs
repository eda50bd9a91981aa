//! Active Directory's LDAP diagnostic messages (the `errorMessage` of an
//! LDAPResult), as Windows and Samba word them:
//!
//! - Windows: `000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA,
//!   problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n`
//!   followed by a NUL byte (the message is sent as a C string with its terminator);
//! - Samba: `0000202F: samldb: spn[HTTP/x] would cause a conflict`.
//!
//! The leading eight hex digits are a Win32 error code (MS-ERREF 2.2); `Att 90303`
//! is the attribute's ATTRTYP in hex (MS-ADTS 3.1.1.2.6: 0x00090303 is
//! servicePrincipalName, attributeID 1.2.840.113556.1.4.771; 0x00090290 is
//! userPrincipalName, 1.2.840.113556.1.4.656).

/// ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST (8647): MS-ADTS 3.1.1.5.1.3.
pub const ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST: u32 = 0x21C7;
/// ERROR_DS_UPN_VALUE_NOT_UNIQUE_IN_FOREST (8648): MS-ADTS 3.1.1.5.1.3.
pub const ERROR_DS_UPN_VALUE_NOT_UNIQUE_IN_FOREST: u32 = 0x21C8;

/// The ATTRTYP Windows names servicePrincipalName by (`Att 90303`).
const ATT_SERVICE_PRINCIPAL_NAME: u32 = 0x0009_0303;
/// The ATTRTYP Windows names userPrincipalName by (`Att 90290`).
const ATT_USER_PRINCIPAL_NAME: u32 = 0x0009_0290;

/// The message without the NUL byte Windows ends it with and without surrounding
/// whitespace (Windows also ends it with a newline).
pub fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .to_owned()
}

/// The Win32 error code the message starts with (`000021C7: ...` -> 0x21C7).
pub fn win32_code(text: &str) -> Option<u32> {
    let head = text.trim_start().get(..9)?;
    let (hex, colon) = head.split_at(8);
    if colon != ":" || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// The attribute a Windows `AtrErr` names: `Att 90303 (servicePrincipalName)` ->
/// (0x90303, Some("servicePrincipalName")); `Att 90303` alone -> (0x90303, None).
pub fn attribute(text: &str) -> Option<(u32, Option<&str>)> {
    let at = text.find("Att ")?;
    let rest = &text[at + 4..];
    let id_len = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
    let id = u32::from_str_radix(rest.get(..id_len)?, 16).ok()?;
    let name = rest[id_len..]
        .trim_start()
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map(|(name, _)| name.trim())
        .filter(|n| !n.is_empty());
    Some((id, name))
}

/// Which name a uniqueness refusal is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicate {
    /// servicePrincipalName.
    Spn,
    /// userPrincipalName.
    Upn,
}

/// Whether `text` (of a constraintViolation) says a servicePrincipalName or
/// userPrincipalName value is not unique in the forest.
///
/// Windows: the code is 0x21C7 (SPN) or 0x21C8 (UPN), and the attribute the
/// message names decides, so that a message whose code and attribute disagree is
/// read by the attribute it names; without an attribute the code decides.
/// Samba: `samldb: spn[...] would cause a conflict` or `samldb: userPrincipalName
/// '...' is already in use`.
pub fn duplicate(text: &str) -> Option<Duplicate> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("spn[") && lower.contains("conflict") {
        return Some(Duplicate::Spn);
    }
    if lower.contains("userprincipalname") && lower.contains("already in use") {
        return Some(Duplicate::Upn);
    }
    let by_code = match win32_code(text)? {
        ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST => Duplicate::Spn,
        ERROR_DS_UPN_VALUE_NOT_UNIQUE_IN_FOREST => Duplicate::Upn,
        _ => return None,
    };
    let by_attribute = attribute(text).and_then(|(id, name)| match name {
        Some(n) if n.eq_ignore_ascii_case("servicePrincipalName") => Some(Duplicate::Spn),
        Some(n) if n.eq_ignore_ascii_case("userPrincipalName") => Some(Duplicate::Upn),
        Some(_) => None,
        None if id == ATT_SERVICE_PRINCIPAL_NAME => Some(Duplicate::Spn),
        None if id == ATT_USER_PRINCIPAL_NAME => Some(Duplicate::Upn),
        None => None,
    });
    Some(by_attribute.unwrap_or(by_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_attributes() {
        let spn = "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n\0";
        assert_eq!(win32_code(spn), Some(0x21C7));
        assert_eq!(
            attribute(spn),
            Some((0x90303, Some("servicePrincipalName")))
        );
        assert_eq!(duplicate(spn), Some(Duplicate::Spn));
        assert!(clean(spn).ends_with("(servicePrincipalName)"));
        assert_eq!(attribute("data 0, Att 90290"), Some((0x90290, None)));
        assert_eq!(win32_code("0000202F samldb"), None);
        assert_eq!(win32_code("short"), None);
        assert_eq!(attribute("no attribute"), None);
        assert_eq!(
            duplicate("000021C8: AtrErr: DSID-1, data 0"),
            Some(Duplicate::Upn)
        );
        assert_eq!(
            duplicate("000020B5: AtrErr: Att 90303 (servicePrincipalName)"),
            None
        );
    }
}

//! Tickets read in place: [`TicketRef`] and [`EncTicketPartRef`] borrow their
//! strings, keys and octets from the DER they were read from, so checking a
//! ticket allocates nothing (`spnkt verify` on a log decrypts each EncTicketPart
//! into one reused buffer and reads it there). The owned [`Ticket`] and
//! [`EncTicketPart`] are read by the same functions and copied out, so both
//! accept and refuse exactly the same bytes, with the same errors.

use std::fmt;

use super::super::der::{Reader, app};
use super::super::{Enctype, Key, NameType, Principal, principal};
use super::{
    AuthorizationDataEntry, DerError, EncTicketPart, EncryptedData, Ticket, TicketError,
    TicketFlags,
};

/// RFC 4120 PrincipalName with its realm, read in place.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PrincipalNameRef<'a> {
    pub name_type: NameType,
    /// The contents of the name-string SEQUENCE OF: KerberosStrings whose
    /// form and UTF-8 were checked when it was read.
    names: &'a [u8],
    pub realm: &'a str,
}

impl<'a> PrincipalNameRef<'a> {
    /// The name components in order (`["HTTP", "app1.example.com"]`).
    pub fn components(&self) -> Components<'a> {
        Components(Reader::new(self.names, "name-string"))
    }

    /// Does `p` name the same principal (components and realm; the name type
    /// aside, as Kerberos compares names)?
    pub fn is(&self, p: &Principal) -> bool {
        self.realm == p.realm
            && self
                .components()
                .eq(p.components.iter().map(String::as_str))
    }

    pub fn to_principal(&self) -> Principal {
        Principal::new(
            self.name_type,
            self.components().map(str::to_owned).collect(),
            self.realm.to_owned(),
        )
    }
}

/// MIT text form, as [`Principal`] writes it.
impl fmt::Display for PrincipalNameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        principal::write_principal(f, self.components(), self.realm)
    }
}

impl fmt::Debug for PrincipalNameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrincipalNameRef")
            .field("name_type", &self.name_type)
            .field("components", &self.components().collect::<Vec<_>>())
            .field("realm", &self.realm)
            .finish()
    }
}

/// The components of a [`PrincipalNameRef`].
#[derive(Debug)]
pub struct Components<'a>(Reader<'a>);

impl<'a> Iterator for Components<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        // Checked when the name was read: no error can come up here.
        (!self.0.at_end())
            .then(|| self.0.str_ref("name-string component").ok())
            .flatten()
    }
}

/// PrincipalName (name-type, name-string) with `realm`, its sibling field.
pub(crate) fn read_principal_name<'a>(
    r: &mut Reader<'a>,
    field: &'static str,
    realm: &'a str,
) -> Result<PrincipalNameRef<'a>, DerError> {
    let mut s = r.sequence(field)?;
    let name_type = s.field(0, "name-type", Reader::int32)?;
    let mut names = s.field(1, "name-string", Reader::sequence)?;
    s.skip_extensions()?;
    let contents = names.contents();
    while !names.at_end() {
        names.str_ref("name-string component")?;
    }
    Ok(PrincipalNameRef {
        name_type: NameType(name_type),
        names: contents,
        realm,
    })
}

/// RFC 4120 EncryptedData, its cipher borrowed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EncryptedDataRef<'a> {
    pub etype: Enctype,
    pub kvno: Option<u32>,
    pub cipher: &'a [u8],
}

impl EncryptedDataRef<'_> {
    pub fn to_owned(&self) -> EncryptedData {
        EncryptedData {
            etype: self.etype,
            kvno: self.kvno,
            cipher: self.cipher.to_vec(),
        }
    }
}

impl EncryptedData {
    pub fn as_ref(&self) -> EncryptedDataRef<'_> {
        EncryptedDataRef {
            etype: self.etype,
            kvno: self.kvno,
            cipher: &self.cipher,
        }
    }
}

pub(crate) fn read_encrypted_data<'a>(
    r: &mut Reader<'a>,
    field: &'static str,
) -> Result<EncryptedDataRef<'a>, DerError> {
    let mut s = r.sequence(field)?;
    let etype = s.field(0, "etype", Reader::int32)?;
    let kvno = s.optional_field(1, "kvno", Reader::uint32)?;
    let cipher = s.field(2, "cipher", Reader::octets)?;
    s.skip_extensions()?;
    Ok(EncryptedDataRef {
        etype: Enctype(etype),
        kvno,
        cipher,
    })
}

/// RFC 4120 EncryptionKey, its value borrowed from the decrypted bytes it was
/// read from (wipe those after use). `Debug` shows no key bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EncryptionKeyRef<'a> {
    pub keytype: Enctype,
    value: &'a [u8],
}

impl EncryptionKeyRef<'_> {
    /// A [`Key`] of its own (zeroized on drop).
    pub fn to_key(&self) -> Key {
        Key::new(self.keytype, self.value.to_vec())
    }
}

impl fmt::Debug for EncryptionKeyRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EncryptionKeyRef({}, {} bytes)",
            self.keytype,
            self.value.len()
        )
    }
}

pub(crate) fn read_encryption_key<'a>(
    r: &mut Reader<'a>,
    field: &'static str,
) -> Result<EncryptionKeyRef<'a>, DerError> {
    let mut s = r.sequence(field)?;
    let keytype = s.field(0, "keytype", Reader::int32)?;
    let value = s.field(1, "keyvalue", Reader::octets)?;
    s.skip_extensions()?;
    Ok(EncryptionKeyRef {
        keytype: Enctype(keytype),
        value,
    })
}

/// A ticket read in place: its service principal (whose realm is the ticket's)
/// and the encrypted part.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TicketRef<'a> {
    pub sname: PrincipalNameRef<'a>,
    pub enc_part: EncryptedDataRef<'a>,
}

impl<'a> TicketRef<'a> {
    /// Read a DER Ticket ([APPLICATION 1]), as [`super::parse_ticket`] does.
    pub fn parse(der: &'a [u8]) -> Result<TicketRef<'a>, TicketError> {
        let mut r = Reader::new(der, "Ticket");
        let ticket = read_ticket(&mut r)?;
        r.finish()?;
        Ok(ticket)
    }

    pub fn to_owned(&self) -> Ticket {
        Ticket {
            sname: self.sname.to_principal(),
            enc_part: self.enc_part.to_owned(),
        }
    }
}

/// The next element of `r`, a Ticket ([APPLICATION 1]).
pub(crate) fn read_ticket<'a>(r: &mut Reader<'a>) -> Result<TicketRef<'a>, TicketError> {
    let mut s = r.element(app(1), "Ticket")?.only(Reader::sequence)?;
    let vno = s.field(0, "tkt-vno", Reader::integer)?;
    if vno != 5 {
        return Err(TicketError::BadVersion(vno));
    }
    let realm = s.field(1, "realm", Reader::str_ref)?;
    let sname = s.field(2, "sname", |r, f| read_principal_name(r, f, realm))?;
    let enc_part = s.field(3, "enc-part", read_encrypted_data)?;
    s.skip_extensions()?;
    Ok(TicketRef { sname, enc_part })
}

/// RFC 4120 AuthorizationData (SEQUENCE OF), read in place.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AuthorizationDataRef<'a> {
    /// The SEQUENCE OF's contents, every element's form checked when read.
    elements: &'a [u8],
}

impl<'a> AuthorizationDataRef<'a> {
    /// (ad-type, ad-data) of each element, in order.
    pub fn iter(&self) -> impl Iterator<Item = (i32, &'a [u8])> + use<'a> {
        let mut r = Reader::new(self.elements, "AuthorizationData");
        // Checked when read: no error can come up here.
        std::iter::from_fn(move || {
            (!r.at_end())
                .then(|| read_authorization_element(&mut r).ok())
                .flatten()
        })
    }

    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    pub fn to_owned(&self) -> Vec<AuthorizationDataEntry> {
        self.iter()
            .map(|(ad_type, data)| AuthorizationDataEntry {
                ad_type,
                data: data.to_vec(),
            })
            .collect()
    }
}

/// One element of an AuthorizationData SEQUENCE OF: (ad-type, ad-data).
fn read_authorization_element<'a>(list: &mut Reader<'a>) -> Result<(i32, &'a [u8]), DerError> {
    let mut s = list.sequence("AuthorizationData element")?;
    let ad_type = s.field(0, "ad-type", Reader::int32)?;
    let data = s.field(1, "ad-data", Reader::octets)?;
    s.skip_extensions()?;
    Ok((ad_type, data))
}

/// A bare AuthorizationData SEQUENCE OF, every element checked.
pub(crate) fn read_authorization_data<'a>(
    r: &mut Reader<'a>,
    field: &'static str,
) -> Result<AuthorizationDataRef<'a>, DerError> {
    let mut list = r.sequence(field)?;
    let elements = list.contents();
    while !list.at_end() {
        read_authorization_element(&mut list)?;
    }
    Ok(AuthorizationDataRef { elements })
}

/// The PAC among authorization data: the first AD-WIN2K-PAC (128) element inside
/// an AD-IF-RELEVANT (1) element (whose data is itself DER AuthorizationData,
/// read whole), or a bare top-level one.
pub(crate) fn find_pac<'a>(
    elements: impl IntoIterator<Item = (i32, &'a [u8])>,
) -> Option<&'a [u8]> {
    for (ad_type, data) in elements {
        match ad_type {
            super::AD_WIN2K_PAC => return Some(data),
            super::AD_IF_RELEVANT => {
                if let Ok(Some(pac)) = first_pac_inside(data) {
                    return Some(pac);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first AD-WIN2K-PAC of the AuthorizationData in an AD-IF-RELEVANT
/// element's data, which must read whole (one pass: a PAC is looked for once
/// per ticket).
fn first_pac_inside(data: &[u8]) -> Result<Option<&[u8]>, DerError> {
    let mut r = Reader::new(data, "AD-IF-RELEVANT data");
    let mut list = r.sequence("AD-IF-RELEVANT data")?;
    let mut pac = None;
    while !list.at_end() {
        let (ad_type, data) = read_authorization_element(&mut list)?;
        if ad_type == super::AD_WIN2K_PAC && pac.is_none() {
            pac = Some(data);
        }
    }
    r.finish()?;
    Ok(pac)
}

/// The decrypted EncTicketPart, read in place (in the buffer it was decrypted
/// into: wipe that after use). `Debug` shows no key bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EncTicketPartRef<'a> {
    pub flags: TicketFlags,
    pub session_key: EncryptionKeyRef<'a>,
    /// Client principal; its `realm` is crealm.
    pub client: PrincipalNameRef<'a>,
    pub transited_type: i32,
    pub transited: &'a [u8],
    pub authtime: i64,
    pub starttime: Option<i64>,
    pub endtime: i64,
    pub renew_till: Option<i64>,
    pub authorization_data: AuthorizationDataRef<'a>,
}

impl<'a> EncTicketPartRef<'a> {
    /// Read a DER EncTicketPart ([APPLICATION 3]), as
    /// [`super::parse_enc_ticket_part`] does.
    pub fn parse(der: &'a [u8]) -> Result<EncTicketPartRef<'a>, TicketError> {
        let mut r = Reader::new(der, "EncTicketPart");
        let part = read_enc_ticket_part(&mut r)?;
        r.finish()?;
        Ok(part)
    }

    /// The PAC, as [`EncTicketPart::pac`] finds it.
    pub fn pac(&self) -> Option<&'a [u8]> {
        find_pac(self.authorization_data.iter())
    }

    pub fn to_owned(&self) -> EncTicketPart {
        EncTicketPart {
            flags: self.flags,
            session_key: self.session_key.to_key(),
            client: self.client.to_principal(),
            transited_type: self.transited_type,
            transited: self.transited.to_vec(),
            authtime: self.authtime,
            starttime: self.starttime,
            endtime: self.endtime,
            renew_till: self.renew_till,
            authorization_data: self.authorization_data.to_owned(),
        }
    }
}

fn read_enc_ticket_part<'a>(r: &mut Reader<'a>) -> Result<EncTicketPartRef<'a>, DerError> {
    let mut s = r.element(app(3), "EncTicketPart")?.only(Reader::sequence)?;
    let flags = s.field(0, "flags", Reader::flags)?;
    let session_key = s.field(1, "key", read_encryption_key)?;
    let crealm = s.field(2, "crealm", Reader::str_ref)?;
    let client = s.field(3, "cname", |r, f| read_principal_name(r, f, crealm))?;
    let (transited_type, transited) = s.field(4, "transited", |r, f| {
        let mut tr = r.sequence(f)?;
        let tr_type = tr.field(0, "tr-type", Reader::int32)?;
        let contents = tr.field(1, "contents", Reader::octets)?;
        tr.skip_extensions()?;
        Ok((tr_type, contents))
    })?;
    let authtime = s.field(5, "authtime", Reader::time_lenient)?;
    let starttime = s.optional_field(6, "starttime", Reader::time_lenient)?;
    let endtime = s.field(7, "endtime", Reader::time_lenient)?;
    let renew_till = s.optional_field(8, "renew-till", Reader::time_lenient)?;
    // caddr [9]: checked for form, not kept (spnkt does not check addresses).
    s.optional_field(9, "caddr", |r, f| r.sequence(f).map(drop))?;
    let authorization_data = s
        .optional_field(10, "authorization-data", read_authorization_data)?
        .unwrap_or_default();
    s.skip_extensions()?;
    Ok(EncTicketPartRef {
        flags: TicketFlags(flags),
        session_key,
        client,
        transited_type,
        transited,
        authtime,
        starttime,
        endtime,
        renew_till,
        authorization_data,
    })
}

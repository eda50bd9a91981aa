//! A dropped connection is a normal event in production (a DC restarting, a load
//! balancer's idle timeout, a flaky WAN link), not a reason to stop halfway
//! through provisioning an account. Every [`Directory`] operation survives ONE
//! lost connection: it reconnects to the same domain controller (same URL, same
//! bind) and goes on. A second loss in the same operation stops it with an error
//! that says so.
//!
//! Reads are repeated. A write whose reply was lost may or may not have happened,
//! so before repeating it spnkt reads what the directory has now:
//!
//! - an add (also one carrying the password): the entry exists with the
//!   identifying values spnkt sent → it was this add (the description spnkt writes
//!   carries the time and the bind user); it exists otherwise → somebody else's,
//!   reported as `AlreadyExists`; it does not → add again;
//! - attribute values added or removed: already there (or gone) → done;
//! - a replace, a password set: repeated as they are (the same values again; a
//!   password set twice leaves the same password and a kvno one higher, which the
//!   engine reads afterwards anyway);
//! - a delete: already gone → done.
//!
//! A repeat the directory refuses because the first attempt landed after all (the
//! server was still carrying it out when spnkt looked) counts as done. What
//! happened is kept as events ([`Directory::take_events`]) for the report.

use super::ldap::{DEFAULT_PAGE_SIZE, Directory, Entry, GcState, LdapError, Scope, is_binary_attr};
use crate::ad::account::ServiceAccount;
use crate::krb::Password;

impl Directory {
    /// Open a new connection to the same URL, bound as before, in place of this
    /// one (the global catalog connection is reopened when next needed).
    pub fn reconnect(&mut self) -> Result<(), LdapError> {
        let mut fresh = match self.bind.clone() {
            None => Directory::connect(&self.options)?,
            Some(credentials) => Directory::open(&self.options, &credentials)?,
        };
        std::mem::swap(&mut self.conn, &mut fresh.conn);
        std::mem::swap(&mut self.relay_failure, &mut fresh.relay_failure);
        std::mem::swap(&mut self.gc, &mut fresh.gc);
        self.gc = GcState::NotTried;
        self.encrypted = fresh.encrypted;
        self.round_trips += fresh.round_trips;
        // `fresh` now holds the broken connection; dropping it unbinds, which fails
        // quietly.
        Ok(())
    }

    /// Another connection to the same URL, bound as this one, for work done in
    /// parallel (`apply --jobs`). It knows the rootDSE already.
    pub fn another(&self) -> Result<Directory, LdapError> {
        let mut dir = match &self.bind {
            None => Directory::connect(&self.options)?,
            Some(credentials) => Directory::open(&self.options, credentials)?,
        };
        dir.root_dse = self.root_dse.clone();
        Ok(dir)
    }

    /// Count the round trips (and lost-connection events) of `other`, a parallel
    /// connection that is done, as this one's.
    pub fn absorb(&mut self, other: &mut Directory) {
        self.round_trips += other.round_trips;
        other.round_trips = 0;
        self.events.append(&mut other.events);
    }

    /// What was done about lost connections since the last call, one sentence each.
    pub fn take_events(&mut self) -> Vec<String> {
        std::mem::take(&mut self.events)
    }

    /// After `first` broke the connection during `op`: reconnect and note it. A
    /// failed reconnect is reported as the lost connection, with why.
    fn recover(&mut self, op: &'static str, dn: &str, first: &LdapError) -> Result<(), LdapError> {
        match self.reconnect() {
            Ok(()) => {
                self.events.push(format!(
                    "the connection to {} was lost during {op} {dn} ({}); reconnected",
                    self.url(),
                    short_cause(first)
                ));
                Ok(())
            }
            Err(e) if e.is_bind_failure() => Err(e),
            Err(e) => Err(LdapError::ConnectionLost {
                url: self.url(),
                op,
                dn: dn.to_owned(),
                cause: format!("{}; reconnecting failed: {e}", short_cause(first)),
                retried: true,
            }),
        }
    }

    /// Run a read; after a lost connection, reconnect and run it once more.
    fn read_retrying<T>(
        &mut self,
        op: &'static str,
        dn: &str,
        mut read: impl FnMut(&mut Directory) -> Result<T, LdapError>,
    ) -> Result<T, LdapError> {
        match read(self) {
            Err(e) if e.is_connection_lost() => {
                self.recover(op, dn, &e)?;
                read(self).map_err(lost_again)
            }
            r => r,
        }
    }

    /// Run a write; after a lost connection, reconnect, ask `done` whether the
    /// directory already shows the write's effect, and repeat it only if not.
    fn write_retrying(
        &mut self,
        op: &'static str,
        dn: &str,
        mut write: impl FnMut(&mut Directory) -> Result<(), LdapError>,
        mut done: impl FnMut(&mut Directory) -> Result<bool, LdapError>,
    ) -> Result<(), LdapError> {
        match write(self) {
            Err(e) if e.is_connection_lost() => {
                self.recover(op, dn, &e)?;
                if done(self).map_err(lost_again)? {
                    self.events.push(format!(
                        "{op} {dn} had been done before the connection was lost; not repeated"
                    ));
                    return Ok(());
                }
                self.events.push(format!("{op} {dn} repeated"));
                match write(self) {
                    Ok(()) => Ok(()),
                    // The server may still have been carrying out the first attempt
                    // when the check above looked: a repeat refused because its
                    // effect is there now (entry exists, value present) is done.
                    Err(e) if !e.is_connection_lost() && done(self).unwrap_or(false) => {
                        self.events.push(format!(
                            "{op} {dn}: the first attempt had been done after all"
                        ));
                        Ok(())
                    }
                    Err(e) => Err(lost_again(e)),
                }
            }
            r => r,
        }
    }

    /// Paged search; search references (referrals) are ignored.
    pub fn search(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Vec<Entry>, LdapError> {
        self.search_with_page_size(base, scope, filter, attrs, DEFAULT_PAGE_SIZE)
    }

    /// [`Directory::search`] with another page size (one round trip per page).
    pub fn search_with_page_size(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
        page_size: u32,
    ) -> Result<Vec<Entry>, LdapError> {
        self.read_retrying("search", base, |d| {
            d.search_with_page_size_once(base, scope, filter, attrs, page_size)
        })
    }

    /// Every object holding `spn` (case-insensitive), searched in the global catalog
    /// when it is available, else in the domain.
    pub fn find_spn(&mut self, spn: &str) -> Result<Vec<Entry>, LdapError> {
        self.find_spns(&[spn.to_owned()])
    }

    /// Every object holding any of `spns` (case-insensitive), in as few searches as
    /// the filters allow ([`super::ldap::SPNS_PER_SEARCH`] SPNs each).
    pub fn find_spns(&mut self, spns: &[String]) -> Result<Vec<Entry>, LdapError> {
        self.find_holders(spns, &[])
    }

    /// Every object holding any of `spns` or `upns` (case-insensitive), forest-wide
    /// in the global catalog when it answers, in as few searches as the filters allow.
    pub fn find_holders(
        &mut self,
        spns: &[String],
        upns: &[String],
    ) -> Result<Vec<Entry>, LdapError> {
        let what = spns.first().or(upns.first()).cloned().unwrap_or_default();
        self.read_retrying("search for", &what, |d| d.find_holders_once(spns, upns))
    }

    /// Add an entry. Attributes with no values are left out.
    pub fn add(&mut self, dn: &str, attrs: &[(&str, Vec<String>)]) -> Result<(), LdapError> {
        self.write_retrying(
            "add",
            dn,
            |d| d.add_once(dn, attrs),
            |d| d.is_this_add(dn, attrs),
        )
    }

    /// Add an entry with its password (`unicodePwd`) in the same operation. After a
    /// lost answer, an entry with the identifying values sent is this add (the
    /// password came with it).
    pub fn add_with_password(
        &mut self,
        dn: &str,
        attrs: &[(&str, Vec<String>)],
        password: &Password,
    ) -> Result<(), LdapError> {
        self.write_retrying(
            "add",
            dn,
            |d| d.add_with_password_once(dn, attrs, password),
            |d| d.is_this_add(dn, attrs),
        )
    }

    /// Replace attributes (an empty value list deletes the attribute).
    pub fn replace(&mut self, dn: &str, attrs: &[(&str, Vec<String>)]) -> Result<(), LdapError> {
        self.write_retrying("modify", dn, |d| d.replace_once(dn, attrs), |_| Ok(false))
    }

    /// Add values to a multi-valued attribute (servicePrincipalName). No values:
    /// nothing is sent.
    pub fn add_values(&mut self, dn: &str, attr: &str, values: &[String]) -> Result<(), LdapError> {
        self.write_retrying(
            "modify (add values)",
            dn,
            |d| d.add_values_once(dn, attr, values),
            |d| {
                let have = d.values_of(dn, attr)?;
                Ok(values.iter().all(|v| contains(&have, v)))
            },
        )
    }

    /// Remove values of a multi-valued attribute. No values: nothing is sent (an
    /// empty delete would remove the whole attribute).
    pub fn delete_values(
        &mut self,
        dn: &str,
        attr: &str,
        values: &[String],
    ) -> Result<(), LdapError> {
        self.write_retrying(
            "modify (delete values)",
            dn,
            |d| d.delete_values_once(dn, attr, values),
            |d| {
                let have = d.values_of(dn, attr)?;
                Ok(!values.iter().any(|v| contains(&have, v)))
            },
        )
    }

    /// Set `unicodePwd` (a reset, needs an encrypted connection). After a lost
    /// connection the password is set again: whether the first set happened cannot
    /// be read back, and setting it again makes the state certain.
    pub fn set_password(&mut self, dn: &str, password: &Password) -> Result<(), LdapError> {
        self.write_retrying(
            "set password",
            dn,
            |d| d.set_password_once(dn, password),
            |_| Ok(false),
        )
    }

    /// Delete an entry.
    pub fn delete(&mut self, dn: &str) -> Result<(), LdapError> {
        self.delete_with("delete", dn, Directory::delete_once)
    }

    /// Delete an entry and everything below it (the tree delete control).
    pub fn delete_tree(&mut self, dn: &str) -> Result<(), LdapError> {
        self.delete_with("delete (tree)", dn, Directory::delete_tree_once)
    }

    /// A delete by `once`: after a lost connection, an entry already gone is done.
    fn delete_with(
        &mut self,
        op: &'static str,
        dn: &str,
        once: fn(&mut Directory, &str) -> Result<(), LdapError>,
    ) -> Result<(), LdapError> {
        self.write_retrying(
            op,
            dn,
            |d| once(d, dn),
            |d| Ok(d.entry(dn, &["objectClass"])?.is_none()),
        )
    }

    /// The DNs of the objects below `dn` (all levels), at most `limit` of them, and
    /// whether there are more.
    pub fn children(&mut self, dn: &str, limit: usize) -> Result<(Vec<String>, bool), LdapError> {
        let mut below: Vec<String> = self
            .search(dn, Scope::Subtree, "(objectClass=*)", &["objectClass"])?
            .into_iter()
            .map(|e| e.dn)
            .filter(|d| !d.eq_ignore_ascii_case(dn))
            .collect();
        let more = below.len() > limit;
        below.truncate(limit);
        Ok((below, more))
    }

    /// Read an account by DN.
    pub fn read_account(&mut self, dn: &str) -> Result<ServiceAccount, LdapError> {
        self.read_retrying("read", dn, |d| d.read_account_once(dn))
    }

    /// The entry at `dn` with `attrs`, or `None` if there is none (one read on the
    /// connection as it is).
    fn entry(&mut self, dn: &str, attrs: &[&str]) -> Result<Option<Entry>, LdapError> {
        match self.search_with_page_size_once(
            dn,
            Scope::Base,
            "(objectClass=*)",
            attrs,
            DEFAULT_PAGE_SIZE,
        ) {
            Ok(entries) => Ok(entries.into_iter().next()),
            Err(LdapError::NoSuchObject { .. }) => Ok(None),
            Err(e) if e.result_code() == Some(32) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// After a lost add: is the entry at `dn` the one it sent (it has the identifying
    /// values), absent, or somebody else's (`AlreadyExists`)?
    fn is_this_add(&mut self, dn: &str, attrs: &[(&str, Vec<String>)]) -> Result<bool, LdapError> {
        match self.entry(dn, &attr_names(attrs))? {
            None => Ok(false),
            Some(e) if has_all(&e, attrs) => Ok(true),
            Some(_) => Err(LdapError::AlreadyExists {
                dn: dn.to_owned(),
                diagnostic: "another entry of that name appeared while the connection was down"
                    .to_owned(),
            }),
        }
    }

    fn values_of(&mut self, dn: &str, attr: &str) -> Result<Vec<String>, LdapError> {
        Ok(self
            .entry(dn, &[attr])?
            .map(|e| e.values(attr).to_vec())
            .unwrap_or_default())
    }
}

/// A second loss: the error says the retry was lost too.
fn lost_again(e: LdapError) -> LdapError {
    match e {
        LdapError::ConnectionLost {
            url, op, dn, cause, ..
        } => LdapError::ConnectionLost {
            url,
            op,
            dn,
            cause,
            retried: true,
        },
        LdapError::Timeout { url, what, timeout } => LdapError::Stalled { url, what, timeout },
        e => e,
    }
}

fn short_cause(e: &LdapError) -> String {
    match e {
        LdapError::ConnectionLost { cause, .. } => cause.clone(),
        LdapError::Timeout { timeout, .. } => format!("no answer within {timeout:?}"),
        e => e.to_string(),
    }
}

fn attr_names<'a>(attrs: &'a [(&'a str, Vec<String>)]) -> Vec<&'a str> {
    attrs
        .iter()
        .filter(|(a, v)| !v.is_empty() && !is_binary_attr(a))
        .map(|(a, _)| *a)
        .collect()
}

/// Whether `entry` is the one the lost add created: it holds the values sent of
/// the attributes that identify it (`sAMAccountName` and the `description` spnkt
/// writes, which carries the time and the bind user), or, for an entry without
/// them, every text value sent (the directory may add values of its own, such as
/// objectClass's superclasses, and may normalise DN-valued ones, so those are not
/// compared when the identifying ones exist).
fn has_all(entry: &Entry, attrs: &[(&str, Vec<String>)]) -> bool {
    const IDENTIFYING: [&str; 2] = ["sAMAccountName", "description"];
    let identified = attrs
        .iter()
        .any(|(a, _)| IDENTIFYING.iter().any(|i| i.eq_ignore_ascii_case(a)));
    attrs
        .iter()
        .filter(|(a, _)| !is_binary_attr(a))
        .filter(|(a, _)| !identified || IDENTIFYING.iter().any(|i| i.eq_ignore_ascii_case(a)))
        .all(|(a, values)| {
            let have = entry.values(a);
            values.iter().all(|v| contains(have, v))
        })
}

fn contains(have: &[String], v: &str) -> bool {
    have.iter().any(|h| h.eq_ignore_ascii_case(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_ours_when_it_has_every_value_sent() {
        let mut e = Entry::default();
        e.attrs.insert(
            "objectClass".into(),
            vec!["top".into(), "person".into(), "user".into()],
        );
        e.attrs
            .insert("description".into(), vec!["created by spnkt at T".into()]);
        let sent = [
            ("objectClass", vec!["user".to_owned()]),
            ("description", vec!["created by spnkt at T".to_owned()]),
        ];
        assert!(has_all(&e, &sent));
        let other = [("description", vec!["created by spnkt at U".to_owned()])];
        assert!(!has_all(&e, &other));
    }

    #[test]
    fn a_second_loss_says_so() {
        let e = lost_again(LdapError::ConnectionLost {
            url: "ldaps://dc:636".into(),
            op: "add",
            dn: "CN=x".into(),
            cause: "EOF".into(),
            retried: false,
        });
        assert!(
            e.to_string().contains("lost again after reconnecting"),
            "{e}"
        );
    }
}

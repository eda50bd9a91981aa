//! The directory: the AD account model and the LDAP operations spnkt performs.

pub mod account;
pub mod entry;
pub mod ldap;

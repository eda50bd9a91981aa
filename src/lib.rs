#![forbid(unsafe_code)]
pub mod krb;

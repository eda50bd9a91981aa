//! Pure Kerberos: values and bytes in, values out.
//!
//! Nothing in this module touches files, sockets, the environment, the clock or a
//! random number generator; callers pass time and randomness in. That keeps every
//! codec fuzzable from a byte slice and every derivation testable against vectors.

pub mod ap_req;
pub mod ccache;
pub mod crypto;
pub(crate) mod der;
pub mod enctype;
pub mod evidence;
pub mod ext_error;
mod flags;
pub mod gss;
pub mod kdc_msg;
pub mod keytab;
pub mod krbcred;
pub mod negotiate;
pub mod pac;
pub mod principal;
pub mod salt;
pub mod scan;
pub mod secret;
pub mod spnego;
pub mod string_to_key;
pub mod ticket;
pub(crate) mod time;

pub use enctype::Enctype;
pub use principal::{NameType, Principal};
pub use secret::{Key, Password};

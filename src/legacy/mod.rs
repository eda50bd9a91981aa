//! The command lines admins bring from Windows runbooks: `ktpass` and `setspn`,
//! parsed as those tools take them (pure; the commands that carry them out the
//! spnkt way are `spnkt ktpass` and `spnkt setspn`).

pub mod ktpass;
pub mod setspn;

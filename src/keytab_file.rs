//! Keytab files on disk: read and parse one, write one atomically with mode 0600.
//!
//! The codec is [`crate::krb::keytab`] (pure); this module adds the file system.
//! Errors are typed and name the path; the command line adds its hints.

use std::io;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::atomic_file::{self, Overwrite};
use crate::krb::keytab::{self, Keytab, KeytabError};

/// Why a keytab file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeytabFileError {
    /// The file could not be read (missing, no permission, ...).
    #[error("cannot read keytab {}: {cause}", .path.display())]
    Read {
        /// The keytab's path.
        path: PathBuf,
        /// What the operating system said.
        cause: io::Error,
    },
    /// The file is not a keytab spnkt can read.
    #[error("{}: {problem}", .path.display())]
    Malformed {
        /// The keytab's path.
        path: PathBuf,
        /// What is wrong with it, with the byte offset.
        problem: KeytabError,
    },
    /// The keytab holds something the writer cannot store.
    #[error("cannot write keytab {}: {problem}", .path.display())]
    Unwritable {
        /// The keytab's path.
        path: PathBuf,
        /// Why it cannot be written.
        problem: KeytabError,
    },
    /// A new file was asked for and one exists.
    #[error("{} already exists", .path.display())]
    Exists {
        /// The keytab's path.
        path: PathBuf,
    },
    /// Writing, syncing or renaming failed.
    #[error("cannot write keytab {}: {cause}", .path.display())]
    Write {
        /// The keytab's path.
        path: PathBuf,
        /// What the operating system said.
        cause: io::Error,
    },
}

impl KeytabFileError {
    /// The operating system's error, when there is one (for hints by its kind).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            KeytabFileError::Read { cause, .. } | KeytabFileError::Write { cause, .. } => {
                Some(cause.kind())
            }
            _ => None,
        }
    }
}

/// Read and parse the keytab at `path`. The bytes are wiped after parsing.
pub fn read(path: &Path) -> Result<Keytab, KeytabFileError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|cause| KeytabFileError::Read {
        path: path.to_owned(),
        cause,
    })?);
    keytab::parse(&bytes).map_err(|problem| KeytabFileError::Malformed {
        path: path.to_owned(),
        problem,
    })
}

/// The keytab at `path` if there is a file (or link) there, else `None`.
pub fn read_if_present(path: &Path) -> Result<Option<Keytab>, KeytabFileError> {
    if exists(path) {
        read(path).map(Some)
    } else {
        Ok(None)
    }
}

/// Whether something (a file, or a link even if dangling) is at `path`.
pub fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Write `kt` to `path` atomically (temporary file, fsync, rename) with mode 0600.
pub fn write(path: &Path, kt: &Keytab, overwrite: Overwrite) -> Result<(), KeytabFileError> {
    kt.check_writable()
        .map_err(|problem| KeytabFileError::Unwritable {
            path: path.to_owned(),
            problem,
        })?;
    let bytes = keytab::write(kt);
    atomic_file::write(path, &bytes, overwrite).map_err(|cause| {
        if cause.kind() == io::ErrorKind::AlreadyExists {
            KeytabFileError::Exists {
                path: path.to_owned(),
            }
        } else {
            KeytabFileError::Write {
                path: path.to_owned(),
                cause,
            }
        }
    })
}

/// Environment variable naming the default keytab (MIT's and Heimdal's).
pub const KRB5_KTNAME: &str = "KRB5_KTNAME";

/// The value of `KRB5_KTNAME`, if set.
pub fn ktname() -> Option<String> {
    std::env::var_os(KRB5_KTNAME).map(|v| v.to_string_lossy().into_owned())
}

/// Why `KRB5_KTNAME` names no keytab file spnkt can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KtnameError {
    /// Not set, or empty.
    #[error("no keytab given and KRB5_KTNAME is not set")]
    Unset,
    /// A keytab type other than `FILE:`/`WRFILE:` (`MEMORY:`, `KEYRING:`, ...).
    #[error("KRB5_KTNAME={name} is not a file keytab; spnkt reads only FILE: keytabs")]
    NotFile {
        /// The variable's value.
        name: String,
    },
}

/// The keytab file a `KRB5_KTNAME` value (passed in) names, `FILE:`/`WRFILE:`
/// prefixes stripped; a one-letter "type" is a Windows drive letter (`C:\...`).
pub fn default_path(ktname: Option<String>) -> Result<PathBuf, KtnameError> {
    let Some(name) = ktname.filter(|n| !n.is_empty()) else {
        return Err(KtnameError::Unset);
    };
    if let Some((kind, rest)) = name.split_once(':') {
        let is_type = kind.len() > 1 && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_type {
            return match kind.to_ascii_uppercase().as_str() {
                "FILE" | "WRFILE" if !rest.is_empty() => Ok(PathBuf::from(rest)),
                _ => Err(KtnameError::NotFile { name }),
            };
        }
    }
    Ok(PathBuf::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn ktname_forms() {
        let d = |s: &str| default_path(Some(s.to_owned()));
        assert_eq!(
            d("FILE:/etc/krb5.keytab").unwrap(),
            PathBuf::from("/etc/krb5.keytab")
        );
        assert_eq!(d("WRFILE:x.kt").unwrap(), PathBuf::from("x.kt"));
        assert_eq!(
            d("/etc/krb5.keytab").unwrap(),
            PathBuf::from("/etc/krb5.keytab")
        );
        assert_eq!(
            d(r"C:\keytabs\a.kt").unwrap(),
            PathBuf::from(r"C:\keytabs\a.kt")
        );
        assert_eq!(d(r"FILE:C:\a.kt").unwrap(), PathBuf::from(r"C:\a.kt"));
        assert!(matches!(d("MEMORY:x"), Err(KtnameError::NotFile { .. })));
        assert_eq!(default_path(None), Err(KtnameError::Unset));
        assert_eq!(default_path(Some(String::new())), Err(KtnameError::Unset));
    }
}

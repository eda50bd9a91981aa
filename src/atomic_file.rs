//! Atomic, private file writes for keytabs (and anything else secret).
//!
//! The data goes to a temporary file in the target's directory, created exclusively
//! with mode 0600 (on Unix; [`write_with_mode`] for files a server's user must read,
//! such as `spnkt config`'s), is synced, then renamed over the target; on Unix the
//! directory is synced too. On any error the temporary file is removed and the
//! target is untouched: readers see the old file or the new one, never half of one.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// What to do when the target exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with `io::ErrorKind::AlreadyExists` if the target exists (checked
    /// atomically where the platform allows: a hard link that cannot clobber).
    Refuse,
    /// Replace the target.
    Replace,
}

/// Marker in temporary file names: `.NAME.spnkt-tmp-PID-N`.
pub const TEMP_MARKER: &str = ".spnkt-tmp-";

/// Write `data` to `path` atomically with owner-only permissions.
pub fn write(path: &Path, data: &[u8], overwrite: Overwrite) -> io::Result<()> {
    write_with_mode(path, data, overwrite, 0o600)
}

/// Write `data` to `path` atomically with Unix permissions `mode` (ignored elsewhere).
/// Only for files without secrets that other users must read (0644); secrets go
/// through [`write`].
pub fn write_with_mode(
    path: &Path,
    data: &[u8],
    overwrite: Overwrite,
    mode: u32,
) -> io::Result<()> {
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file exists",
        ));
    }
    let (tmp_path, file) = create_temp(&dir, file_name, mode)?;
    let mut guard = TempGuard(Some(tmp_path.clone()));
    write_and_sync(file, data)?;
    match overwrite {
        Overwrite::Replace => {
            fs::rename(&tmp_path, path)?;
            guard.0 = None;
        }
        Overwrite::Refuse => match fs::hard_link(&tmp_path, path) {
            Ok(()) => {
                // The temp name goes away with the guard; the data stays under `path`.
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            // File systems without hard links: check again and rename.
            Err(_) => {
                if fs::symlink_metadata(path).is_ok() {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "the file exists",
                    ));
                }
                fs::rename(&tmp_path, path)?;
                guard.0 = None;
            }
        },
    }
    drop(guard); // removes the temp name if it still exists (the hard-link case)
    sync_dir(&dir);
    Ok(())
}

fn write_and_sync(mut file: File, data: &[u8]) -> io::Result<()> {
    file.write_all(data)?;
    file.flush()?;
    file.sync_all()
}

fn create_temp(dir: &Path, file_name: &std::ffi::OsStr, mode: u32) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let pid = std::process::id();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut name = OsString::from(".");
        name.push(file_name);
        name.push(format!("{TEMP_MARKER}{pid}-{n}"));
        let tmp = dir.join(name);
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&tmp) {
            Ok(f) => {
                #[cfg(unix)]
                {
                    // The exact mode: open's is reduced by the umask, chmod's is not.
                    use std::os::unix::fs::PermissionsExt;
                    if let Err(e) = f.set_permissions(fs::Permissions::from_mode(mode)) {
                        drop(f);
                        let _ = fs::remove_file(&tmp);
                        return Err(e);
                    }
                }
                #[cfg(not(unix))]
                let _ = mode;
                return Ok((tmp, f));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Best effort: some file systems refuse to sync a directory; the rename is done.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Removes the temporary file unless it has been renamed away.
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(TEMP_MARKER))
            .collect()
    }

    #[test]
    fn creates_replaces_and_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.keytab");
        write(&p, b"one", Overwrite::Refuse).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        let e = write(&p, b"two", Overwrite::Refuse).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write(&p, b"three", Overwrite::Replace).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three");
        assert!(leftovers(dir.path()).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn readable_mode_for_files_without_secrets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("krb5.conf");
        write_with_mode(&p, b"[libdefaults]\n", Overwrite::Refuse, 0o644).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn failed_rename_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty directory fails.
        let target = dir.path().join("d");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("x"), b"x").unwrap();
        assert!(write(&target, b"data", Overwrite::Replace).is_err());
        assert!(leftovers(dir.path()).is_empty());
        assert!(target.join("x").exists());
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope/a.keytab");
        assert_eq!(
            write(&p, b"x", Overwrite::Replace).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}

//! Keytab files on disk: read and parse one, write one atomically with mode 0600.
//!
//! The codec is [`crate::krb::keytab`] (pure); this module adds the file system.
//! Errors are typed and name the path; the command line adds its hints.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    /// Another process held the file's lock for longer than spnkt waits.
    #[error(
        "keytab {} is locked by another process (another spnkt, or an MIT tool such as ktutil or kadmin ktadd): gave up after {} s",
        .path.display(),
        .waited.as_secs()
    )]
    Locked {
        /// The keytab's path.
        path: PathBuf,
        /// How long spnkt waited.
        waited: Duration,
    },
    /// The lock could not be taken (not because someone else holds it).
    #[error("cannot lock keytab {}: {cause}", .path.display())]
    Lock {
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
            KeytabFileError::Read { cause, .. }
            | KeytabFileError::Write { cause, .. }
            | KeytabFileError::Lock { cause, .. } => Some(cause.kind()),
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
    parse(path, &bytes)
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Keytab, KeytabFileError> {
    keytab::parse(bytes).map_err(|problem| KeytabFileError::Malformed {
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

// ---------------------------------------------------------------------------
// Read-modify-write under a lock
//
// Two runs that add to one keytab at once must not lose each other's entries: each
// takes an exclusive advisory lock on the file, reads it under the lock, merges and
// writes (temporary file + rename), then lets go. Two kinds of lock are taken on
// the same descriptor, in this order:
//
// - flock(2): the lock spnkt runs wait for. It works on a
//   descriptor opened read-only, so two spnkt runs exclude each other even when
//   one of them cannot open the file for writing (a 0400 keytab in a directory it
//   may write: the rename still works);
// - on Linux an open-file-description record lock (F_OFD_SETLK, F_WRLCK, whole
//   file) when the descriptor is writable: what MIT krb5's krb5_lock_file takes
//   (kt_file.c locks a keytab while reading or writing it in place; flock only
//   when OFD locks fail with EINVAL), so spnkt also waits for ktutil, kadmin
//   ktadd and readers such as kvno -k, and they wait for spnkt.
//
// spnkt replaces the file by rename, so a lock on the inode a waiter opened is
// worth nothing once the holder has renamed a new file over it: after locking,
// the path must still name the locked inode (fstat of the descriptor vs stat of the
// path), else the lock is dropped and the new file locked. (An MIT writer that was
// waiting goes on writing into the old, now unlinked inode: MIT does not re-check,
// which no lock spnkt takes can fix.)
//
// A file that does not exist yet has no inode to lock. spnkt neither locks the
// directory (it may not be readable, and it would serialise unrelated keytabs) nor
// leaves a lock file next to the keytab (stray files, which MIT tools would not
// know about anyway): the new file is created exclusively (a hard link that
// cannot clobber, see `atomic_file`), and when another run created it first the
// read-modify-write starts again, this time under the lock of the file that
// now exists. Nothing is lost either way; at worst the merge is done twice.
// ---------------------------------------------------------------------------

/// Environment variable: seconds to wait for another process's lock on a keytab.
pub const LOCK_WAIT_ENV: &str = "SPNKT_KEYTAB_LOCK_TIMEOUT";

/// How long spnkt waits for a keytab's lock by default.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(30);

/// How long to wait for a keytab's lock: [`LOCK_WAIT_ENV`] in whole seconds
/// (0: do not wait), else [`DEFAULT_LOCK_WAIT`].
pub fn lock_wait() -> Duration {
    std::env::var(LOCK_WAIT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_LOCK_WAIT, Duration::from_secs)
}

/// The keytab file as it is under the lock, given to [`update`]'s merge.
pub struct Current<'a> {
    path: &'a Path,
    file: Option<&'a File>,
}

impl Current<'_> {
    /// Whether the file exists (and is locked).
    pub fn exists(&self) -> bool {
        self.file.is_some()
    }

    /// The file's keytab, read through the locked descriptor (`None`: no file).
    pub fn read(&self) -> Result<Option<Keytab>, KeytabFileError> {
        let Some(mut file) = self.file else {
            return Ok(None);
        };
        let read_err = |cause| KeytabFileError::Read {
            path: self.path.to_owned(),
            cause,
        };
        let mut bytes = Zeroizing::new(Vec::new());
        file.seek(SeekFrom::Start(0)).map_err(read_err)?;
        file.read_to_end(&mut bytes).map_err(read_err)?;
        parse(self.path, &bytes).map(Some)
    }
}

/// Attempts at [`update`] before giving up on a file that keeps being replaced or
/// created under it (each attempt means another process wrote the file).
const MAX_ATTEMPTS: usize = 1000;

/// Read-modify-write the keytab at `path` under an exclusive lock (see the notes
/// above): `merge` gets the file as it is under the lock and returns the keytab to
/// write (`None`: write nothing) and its result. With [`Overwrite::Refuse`] an
/// existing file is an error ([`KeytabFileError::Exists`]) and the file is created
/// atomically. `merge` may run more than once (when the file was created by someone
/// else meanwhile); only its last result counts. The lock waits at most
/// [`lock_wait`].
pub fn update<T, E>(
    path: &Path,
    overwrite: Overwrite,
    merge: impl FnMut(&Current<'_>) -> Result<(Option<Keytab>, T), E>,
) -> Result<T, E>
where
    E: From<KeytabFileError>,
{
    update_waiting(path, overwrite, lock_wait(), merge)
}

/// [`update`], waiting at most `wait` for the lock.
pub fn update_waiting<T, E>(
    path: &Path,
    overwrite: Overwrite,
    wait: Duration,
    mut merge: impl FnMut(&Current<'_>) -> Result<(Option<Keytab>, T), E>,
) -> Result<T, E>
where
    E: From<KeytabFileError>,
{
    let deadline = Instant::now() + wait;
    for _ in 0..MAX_ATTEMPTS {
        match lock_existing(path, deadline, wait)? {
            Some(file) => {
                if overwrite == Overwrite::Refuse {
                    return Err(KeytabFileError::Exists {
                        path: path.to_owned(),
                    }
                    .into());
                }
                let (kt, out) = merge(&Current {
                    path,
                    file: Some(file.file()),
                })?;
                if let Some(kt) = kt {
                    write(path, &kt, Overwrite::Replace)?;
                }
                // Closing the descriptor releases both locks, after the rename.
                drop(file);
                return Ok(out);
            }
            None => {
                let (kt, out) = merge(&Current { path, file: None })?;
                let Some(kt) = kt else {
                    return Ok(out);
                };
                match write(path, &kt, Overwrite::Refuse) {
                    Ok(()) => return Ok(out),
                    // Someone created it first: merge with theirs, under its lock.
                    Err(KeytabFileError::Exists { .. }) if overwrite == Overwrite::Replace => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Err(KeytabFileError::Lock {
        path: path.to_owned(),
        cause: io::Error::other(format!(
            "the file was replaced or created by another process {MAX_ATTEMPTS} times while spnkt tried to lock it"
        )),
    }
    .into())
}

/// A keytab file open under its locks (released when dropped: closing the
/// descriptor drops the OFD lock, `Flock`'s drop the flock).
enum Held {
    /// flock(2) held.
    #[cfg(unix)]
    Locked(nix::fcntl::Flock<File>),
    /// No flock on this platform or file system.
    Unlocked(File),
}

impl Held {
    fn file(&self) -> &File {
        match self {
            #[cfg(unix)]
            Held::Locked(f) => f,
            Held::Unlocked(f) => f,
        }
    }
}

/// Open and lock the file at `path` and make sure the path still names it.
/// `None`: there is no file (any more).
fn lock_existing(
    path: &Path,
    deadline: Instant,
    wait: Duration,
) -> Result<Option<Held>, KeytabFileError> {
    let lock_err = |cause| KeytabFileError::Lock {
        path: path.to_owned(),
        cause,
    };
    loop {
        let (file, writable) = match OpenOptions::new().read(true).write(true).open(path) {
            Ok(f) => (f, true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            // Not writable (0400, read-only mount), or a directory: lock it anyway;
            // writing goes by rename and says what is wrong.
            Err(_) => match File::open(path) {
                Ok(f) => (f, false),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(cause) => {
                    return Err(KeytabFileError::Read {
                        path: path.to_owned(),
                        cause,
                    });
                }
            },
        };
        let held = acquire(file, writable, path, deadline, wait)?;
        let locked = held.file().metadata().map_err(lock_err)?;
        match fs::metadata(path) {
            Ok(now) if same_file(&locked, &now) => return Ok(Some(held)),
            // Replaced (renamed over) while we waited: lock the new file.
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(cause) => return Err(lock_err(cause)),
        }
    }
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// Poll for both locks until `deadline`.
fn acquire(
    file: File,
    writable: bool,
    path: &Path,
    deadline: Instant,
    wait: Duration,
) -> Result<Held, KeytabFileError> {
    let mut pause = Duration::from_millis(5);
    let mut pending = Some(file);
    let mut held = None;
    loop {
        if let Some(file) = pending.take() {
            match try_flock(file, path)? {
                Ok(h) => held = Some(h),
                Err(file) => pending = Some(file),
            }
        }
        if let Some(h) = &held
            && (!writable || record_lock(h.file(), path)?)
        {
            return Ok(held.take().expect("held"));
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(KeytabFileError::Locked {
                path: path.to_owned(),
                waited: wait,
            });
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// One non-blocking try at flock(LOCK_EX): `Ok(Err(file))` when someone holds it.
#[cfg(unix)]
fn try_flock(file: File, path: &Path) -> Result<Result<Held, File>, KeytabFileError> {
    use nix::errno::Errno;
    use nix::fcntl::{Flock, FlockArg};
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(f) => Ok(Ok(Held::Locked(f))),
        Err((file, Errno::EWOULDBLOCK)) => Ok(Err(file)),
        // No flock on this file system: nothing to wait for.
        Err((file, Errno::ENOLCK | Errno::EOPNOTSUPP | Errno::EINVAL)) => {
            Ok(Ok(Held::Unlocked(file)))
        }
        Err((_, e)) => Err(KeytabFileError::Lock {
            path: path.to_owned(),
            cause: io::Error::from(e),
        }),
    }
}

/// No flock here (spnkt's lock needs Unix): the rename still keeps writes atomic.
#[cfg(not(unix))]
fn try_flock(file: File, _: &Path) -> Result<Result<Held, File>, KeytabFileError> {
    Ok(Ok(Held::Unlocked(file)))
}

/// Try MIT's lock: a whole-file OFD write lock. `false`: someone holds it.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
fn record_lock(file: &File, path: &Path) -> Result<bool, KeytabFileError> {
    use nix::errno::Errno;
    use nix::fcntl::{FcntlArg, fcntl};
    use nix::libc;
    let lock = libc::flock {
        l_type: libc::F_WRLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: 0,
        l_len: 0,
        l_pid: 0,
    };
    match fcntl(file, FcntlArg::F_OFD_SETLK(&lock)) {
        Ok(_) => Ok(true),
        Err(Errno::EAGAIN | Errno::EACCES) => Ok(false),
        // No OFD locks here (old kernel, some file systems): MIT falls back to
        // flock then, which spnkt holds already.
        Err(Errno::EINVAL | Errno::ENOLCK | Errno::EOPNOTSUPP) => Ok(true),
        Err(e) => Err(KeytabFileError::Lock {
            path: path.to_owned(),
            cause: io::Error::from(e),
        }),
    }
}

/// Elsewhere only flock: MIT takes POSIX record locks there, which spnkt does not
/// (they belong to the process and any close of the file drops them).
#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
)))]
fn record_lock(_: &File, _: &Path) -> Result<bool, KeytabFileError> {
    Ok(true)
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
    use crate::krb::{Enctype, Key, Principal};
    use std::path::PathBuf;

    fn entry(name: &str, kvno: u32) -> keytab::KeytabEntry {
        keytab::KeytabEntry {
            principal: Principal::parse(&format!("{name}@EXAMPLE.TEST")).unwrap(),
            timestamp: 0,
            kvno,
            key: Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![kvno as u8; 32]),
        }
    }

    /// Add one entry the way the engine and `keytab create --append` do.
    fn add(path: &Path, e: keytab::KeytabEntry) -> Result<usize, KeytabFileError> {
        update(path, Overwrite::Replace, |cur| {
            let mut kt = cur.read()?.unwrap_or_else(Keytab::new);
            kt.entries.push(e.clone());
            let n = kt.entries.len();
            Ok::<_, KeytabFileError>((Some(kt), n))
        })
    }

    #[test]
    fn threads_merging_into_one_keytab_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.keytab");
        let (threads, rounds) = (4u32, 40u32);
        std::thread::scope(|s| {
            for t in 0..threads {
                let path = &path;
                s.spawn(move || {
                    for r in 0..rounds {
                        add(path, entry(&format!("HTTP/t{t}.example.test"), r + 1)).unwrap();
                    }
                });
            }
        });
        let kt = read(&path).unwrap();
        assert_eq!(kt.entries.len(), (threads * rounds) as usize);
        for t in 0..threads {
            let mut kvnos: Vec<u32> = kt
                .entries
                .iter()
                .filter(|e| e.principal.components[1] == format!("t{t}.example.test"))
                .map(|e| e.kvno)
                .collect();
            kvnos.sort_unstable();
            assert_eq!(kvnos, (1..=rounds).collect::<Vec<_>>());
        }
        let stray: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "shared.keytab")
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }

    #[test]
    fn refuse_creates_atomically_and_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.keytab");
        let one = |kvno| {
            update(&path, Overwrite::Refuse, |cur| {
                assert!(!cur.exists());
                let mut kt = Keytab::new();
                kt.entries.push(entry("HTTP/a.example.test", kvno));
                Ok::<_, KeytabFileError>((Some(kt), ()))
            })
        };
        one(1).unwrap();
        assert!(matches!(one(2), Err(KeytabFileError::Exists { .. })));
        assert_eq!(read(&path).unwrap().entries[0].kvno, 1);
    }

    #[test]
    fn new_files_racing_one_wins_the_others_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.keytab");
        let won: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u32)
                .map(|t| {
                    let path = &path;
                    s.spawn(move || {
                        update(path, Overwrite::Refuse, |_| {
                            let mut kt = Keytab::new();
                            kt.entries.push(entry("HTTP/a.example.test", t + 1));
                            Ok::<_, KeytabFileError>((Some(kt), ()))
                        })
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join().unwrap() {
                    Ok(()) => true,
                    Err(KeytabFileError::Exists { .. }) => false,
                    Err(e) => panic!("{e}"),
                })
                .collect()
        });
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
        assert_eq!(read(&path).unwrap().entries.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_held_lock_is_waited_for_then_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("held.keytab");
        add(&path, entry("HTTP/a.example.test", 1)).unwrap();
        let holder = nix::fcntl::Flock::lock(
            File::open(&path).unwrap(),
            nix::fcntl::FlockArg::LockExclusive,
        )
        .unwrap();
        let e = update_waiting(
            &path,
            Overwrite::Replace,
            Duration::from_millis(200),
            |_| Ok::<_, KeytabFileError>((None, ())),
        )
        .unwrap_err();
        assert!(matches!(e, KeytabFileError::Locked { .. }), "{e}");
        assert!(
            e.to_string()
                .contains("held.keytab is locked by another process")
        );
        // Released: the writer goes on, and merges with what the holder left.
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || add(&path, entry("HTTP/b.example.test", 1))
        });
        std::thread::sleep(Duration::from_millis(100));
        drop(holder);
        assert_eq!(waiter.join().unwrap().unwrap(), 2);
    }

    /// MIT's lock (krb5_lock_file: an OFD write lock) is waited for too.
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    #[test]
    fn an_mit_record_lock_is_waited_for() {
        use nix::fcntl::{FcntlArg, fcntl};
        use nix::libc;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mit.keytab");
        add(&path, entry("HTTP/a.example.test", 1)).unwrap();
        let holder = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let lock = libc::flock {
            l_type: libc::F_WRLCK as libc::c_short,
            l_whence: libc::SEEK_SET as libc::c_short,
            l_start: 0,
            l_len: 0,
            l_pid: 0,
        };
        fcntl(&holder, FcntlArg::F_OFD_SETLK(&lock)).unwrap();
        let e = update_waiting(
            &path,
            Overwrite::Replace,
            Duration::from_millis(150),
            |_| Ok::<_, KeytabFileError>((None, ())),
        )
        .unwrap_err();
        assert!(matches!(e, KeytabFileError::Locked { .. }), "{e}");
        drop(holder);
        assert_eq!(add(&path, entry("HTTP/b.example.test", 1)).unwrap(), 2);
    }

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

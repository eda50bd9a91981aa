//! `spnkt verify --ticket LOG` on a log file bigger than one chunk: read a chunk
//! of whole lines at a time into one buffer, scan it and verify its tokens before
//! reading the next, instead of reading hundreds of MB into memory first (the
//! kernel's copy into fresh pages cost a fifth of the run, and as much memory as
//! the log).
//!
//! The result is what reading the whole log gives: lines are numbered across
//! chunks, and a token seen before is recognised as a repeat by reading the
//! earlier one again from the file (only when the two share a fingerprint, see
//! [`Batcher`]). Logs with fewer than two client tokens (a big capture, a
//! log with one request) are left to the whole-input path: `None`.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::diagnose::KeyCache;
use crate::diagnose::batch::{Batch, Batcher, Origin};
use crate::exit::CliError;
use crate::krb::Principal;
use crate::krb::scan::{self, Place};

/// Bytes read at a time (a line longer than this is read whole).
pub const CHUNK: usize = 1 << 20;

/// A log verified chunk by chunk.
pub struct Streamed {
    pub batch: Batch,
    /// Client tokens found, repeats included.
    pub tokens: usize,
    /// Lines in the log.
    pub lines: usize,
}

/// What to verify the log with.
pub struct Verify<'k> {
    pub keys: &'k KeyCache<'k>,
    pub service: Option<&'k Principal>,
    pub now: i64,
    /// The origins' file name.
    pub file: Option<&'k str>,
}

/// Verify the log `file` (at `path`, for reading tokens again) `chunk` bytes at a
/// time; `None` when it holds fewer than two client tokens. `limit`: most bytes
/// read (more is the whole-input path's error).
pub fn verify_log(
    path: &Path,
    mut file: File,
    with: &Verify<'_>,
    chunk: usize,
    limit: u64,
) -> anyhow::Result<Option<Streamed>> {
    let name = format!("ticket {}", path.display());
    let origin_file: Option<Arc<str>> = with.file.map(Arc::from);
    let mut again: Option<File> = None;
    let mut recall = |offset: u64, len: usize| -> Option<Vec<u8>> {
        if again.is_none() {
            again = File::open(path).ok();
        }
        let f = again.as_mut()?;
        f.seek(SeekFrom::Start(offset)).ok()?;
        let mut bytes = vec![0; len];
        f.read_exact(&mut bytes).ok()?;
        Some(bytes)
    };
    let mut batcher = Batcher::new(with.keys, with.service, with.now);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk);
    // File offset of buf[0], lines before it, what was found so far.
    let (mut at, mut lines, mut tokens) = (0u64, 0usize, 0usize);
    let mut eof = false;
    while !(eof && buf.is_empty()) {
        // What is left in `buf` is the start of a line: no newline in it.
        let kept = buf.len();
        if !eof {
            let n = (&mut file)
                .take(chunk as u64)
                .read_to_end(&mut buf)
                .with_context(|| format!("cannot read {name}"))?;
            eof = n < chunk;
            if at + buf.len() as u64 > limit {
                return Err(too_large(&name, limit));
            }
        }
        // Whole lines only, but everything once the file ended.
        let end = match memchr::memrchr(b'\n', &buf[kept..]) {
            _ if eof => buf.len(),
            Some(nl) => kept + nl + 1,
            None => continue,
        };
        let part = &buf[..end];
        let scan = scan::scan_text(part);
        batcher.responses(scan.responses);
        tokens += scan.tokens.len();
        for found in &scan.tokens {
            let Place::Line(l) = found.place else {
                continue;
            };
            let origin = Origin::at(origin_file.as_ref(), &Place::Line(lines + l));
            // The token lies in `part` (scan_text borrows it from there).
            let offset = (found.base64.as_ptr() as usize).wrapping_sub(part.as_ptr() as usize);
            debug_assert!(offset < part.len());
            batcher.add_at(origin, &found.base64, at + offset as u64, &mut recall);
        }
        lines += scan.units;
        buf.drain(..end);
        at += end as u64;
    }
    if tokens < 2 {
        return Ok(None);
    }
    Ok(Some(Streamed {
        batch: batcher.finish(),
        tokens,
        lines,
    }))
}

/// The error for an input over `limit` bytes, as the whole-input path says it.
pub fn too_large(name: &str, limit: u64) -> anyhow::Error {
    CliError::usage(format!("{name} is larger than {} MiB", limit >> 20))
        .hint("split the log (split -l 1000000) and verify each part")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::batch::{self, verify_many};
    use crate::krb::keytab;

    const NOW: i64 = 1_795_446_213;

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// The fixture log three times over (repeats in other chunks), a token cut
    /// short, a line longer than a chunk, and no newline at the end.
    fn log() -> Vec<u8> {
        let many = fixture("verify/many.log");
        let mut log = many.clone();
        log.extend_from_slice(b"x Negotiate AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
        log.extend_from_slice(&[b'-'; 3000]);
        log.push(b'\n');
        log.extend_from_slice(&many);
        log.extend_from_slice(&many);
        log.extend_from_slice(b"last line without a newline");
        log
    }

    #[test]
    fn chunks_give_what_the_whole_log_gives() {
        let kt = keytab::parse(&fixture("negotiate/svc.keytab")).unwrap();
        let keys = KeyCache::new(&kt);
        let log = log();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log");
        std::fs::write(&path, &log).unwrap();
        let whole = scan::scan_text(&log);
        let (tokens, lines) = (whole.tokens.len(), whole.units);
        let responses = whole.responses;
        let expected = verify_many(
            &keys,
            batch::pieces(Some("access.log"), whole),
            responses,
            None,
            NOW,
        );
        let expected = serde_json::to_value(&expected).unwrap();
        assert!(expected["summary"]["seen"].as_u64().unwrap() > 6);
        for chunk in [64, 700, 4096, CHUNK] {
            let with = Verify {
                keys: &keys,
                service: None,
                now: NOW,
                file: Some("access.log"),
            };
            let file = File::open(&path).unwrap();
            let got = verify_log(&path, file, &with, chunk, u64::MAX)
                .unwrap()
                .unwrap();
            assert_eq!((got.tokens, got.lines), (tokens, lines), "chunk {chunk}");
            assert_eq!(
                serde_json::to_value(&got.batch).unwrap(),
                expected,
                "chunk {chunk}"
            );
        }
        let file = File::open(&path).unwrap();
        let with = Verify {
            keys: &keys,
            service: None,
            now: NOW,
            file: None,
        };
        assert!(verify_log(&path, file, &with, 700, 1000).is_err());
    }

    #[test]
    fn fewer_than_two_tokens_are_left_to_the_whole_input() {
        let kt = keytab::parse(&fixture("negotiate/svc.keytab")).unwrap();
        let keys = KeyCache::new(&kt);
        let dir = tempfile::tempdir().unwrap();
        let with = Verify {
            keys: &keys,
            service: None,
            now: NOW,
            file: None,
        };
        for content in [&b""[..], b"\n\n", &fixture("negotiate/curl-mit.txt")] {
            let path = dir.path().join("one.txt");
            std::fs::write(&path, content).unwrap();
            let file = File::open(&path).unwrap();
            assert!(
                verify_log(&path, file, &with, 64, u64::MAX)
                    .unwrap()
                    .is_none()
            );
        }
    }
}

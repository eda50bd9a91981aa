//! Any bytes as a log, curl -v output or HAR file (what `spnkt verify --ticket`
//! scans for many tokens): `scan` must not panic, must give the same answer twice,
//! and every token it returns is at least `MIN_TOKEN_CHARS` of base64 from a
//! plausible place: in a text log, a slice of the input (borrowed, not copied) on
//! a line that exists, in input order.

use std::borrow::Cow;

use spnkt::krb::scan::{self, MIN_TOKEN_CHARS, Place, ScanKind};

pub fn check(data: &[u8]) {
    let Ok(found) = scan::scan(data) else {
        return;
    };
    assert_eq!(
        scan::scan(data).ok().as_ref(),
        Some(&found),
        "not deterministic"
    );
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    let mut last_line = 0;
    for t in &found.tokens {
        assert!(
            t.base64.len() >= MIN_TOKEN_CHARS,
            "short token {:?}",
            t.base64
        );
        assert!(
            t.base64
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')),
            "not base64: {:?}",
            t.base64
        );
        match (&t.place, found.kind) {
            (Place::Line(n), ScanKind::Log) => {
                assert!((1..=lines).contains(n), "line {n} of {lines}");
                assert!(*n >= last_line, "tokens out of order");
                last_line = *n;
                // Borrowed from the input (no copy), which also proves it is a
                // slice of the log.
                let Cow::Borrowed(text) = &t.base64 else {
                    panic!("a log token was copied: {:?}", t.base64)
                };
                let range = data.as_ptr_range();
                assert!(
                    range.contains(&text.as_ptr())
                        && text.len() <= range.end as usize - text.as_ptr() as usize,
                    "a log token is a slice of the log"
                );
            }
            (Place::HarEntry { .. }, ScanKind::Har) => {}
            (place, kind) => panic!("{place:?} in a {kind:?}"),
        }
    }
}

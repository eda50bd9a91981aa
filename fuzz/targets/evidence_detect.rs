//! Any bytes: `detect` must not panic, and an input it accepts must be accepted
//! again with the same result (detection is a pure function of the bytes).
//! Seed with ../tests/fixtures/negotiate (header lines, keytab) and ../tests/fixtures/keytab.

use spnkt::krb::evidence;

pub fn check(data: &[u8]) {
    let first = evidence::detect(data);
    assert_eq!(first, evidence::detect(data));
    if let Ok(d) = first {
        assert!(!d.format.is_empty());
    }
}

//! Any UTF-8 text: `Principal::parse` must not panic, and what it accepts must
//! print (with escapes) to text that parses back to the same principal.

use spnkt::krb::Principal;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = Principal::parse(text) else {
        return;
    };
    let printed = p.to_string();
    let again = Principal::parse(&printed)
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which does not parse: {e}"));
    assert_eq!(again, p, "{text:?} printed as {printed:?}");
}

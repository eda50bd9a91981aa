//! Any UTF-8 text as a `spnkt apply` plan file (TOML): `plan_file::parse` must not
//! panic (its error messages slice the text at the parser's byte offsets), must be
//! deterministic, and what it accepts must be consistent: entries numbered 1..n in
//! file order, each on a line of the text, a valid plan name.

use std::path::Path;

use spnkt::plan_file;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("plans/fuzz.toml");
    let first = plan_file::parse(path, text);
    let again = plan_file::parse(path, text);
    assert_eq!(format!("{first:?}"), format!("{again:?}"));
    let Ok(plan) = first else {
        return;
    };
    assert!((1..=64).contains(&plan.name.len()));
    let lines = text.matches('\n').count() + 1;
    for (i, e) in plan.entries.iter().enumerate() {
        assert_eq!(e.index, i + 1);
        assert!(
            (1..=lines).contains(&e.line),
            "entry line {} of {lines}",
            e.line
        );
        if let Ok(s) = &e.service {
            assert!(s.keytab.starts_with("plans") || s.keytab.is_absolute());
        }
    }
}

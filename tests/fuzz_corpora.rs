//! The fuzz corpora on stable Rust: every committed corpus input
//! (`fuzz/corpus/<target>/`) and every crash the fuzzers found
//! (`tests/fixtures/fuzz-regressions/<target>/`) goes through the same checks the
//! cargo-fuzz targets run (`fuzz/targets/<target>.rs`, included here), so CI
//! replays them without nightly. A target with an empty corpus fails: the test
//! cannot pass by finding nothing. Each target prints its counts (tests/run-all.sh sums them).

#[path = "../fuzz/targets/mod.rs"]
mod targets;

use std::collections::BTreeSet;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn check_function(name: &str) -> targets::Check {
    targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no fuzz target {name} in fuzz/targets/mod.rs"))
        .1
}

/// Runs every corpus and regression input of `name`; returns the counts.
fn replay(name: &str) -> (usize, usize) {
    let check = check_function(name);
    let corpus = inputs(&root().join("fuzz/corpus").join(name));
    let regressions = inputs(&root().join("tests/fixtures/fuzz-regressions").join(name));
    assert!(
        !corpus.is_empty(),
        "fuzz/corpus/{name}/ is empty or missing: nothing to replay"
    );
    let mut failures = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let data = fs::read(path).unwrap();
        if let Err(cause) = panic::catch_unwind(AssertUnwindSafe(|| check(&data))) {
            let why = cause
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{name}: {failures:#?}");
    // Past libtest's capture (a raw write, like support::announce_ran):
    // tests/run-all.sh sums these lines.
    // One write: stderr is unbuffered, so `writeln!` would write each piece of
    // the format on its own and another test's output could land mid-line.
    use std::io::Write as _;
    let line = format!(
        "\n*** fuzz corpus replay {name}: {} corpus inputs, {} regression inputs ***\n",
        corpus.len(),
        regressions.len()
    );
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    (corpus.len(), regressions.len())
}

macro_rules! corpus_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*

        /// The targets listed here, in fuzz/targets/mod.rs and in fuzz/fuzz_targets/
        /// and the corpus and regression directories all name the same targets.
        #[test]
        fn every_target_is_replayed() {
            let here: BTreeSet<&str> = [$(stringify!($name)),*].into_iter().collect();
            let listed: BTreeSet<&str> = targets::TARGETS.iter().map(|(n, _)| *n).collect();
            assert_eq!(here, listed, "tests/fuzz_corpora.rs vs fuzz/targets/mod.rs");
            let binaries: BTreeSet<String> = inputs(&root().join("fuzz/fuzz_targets"))
                .iter()
                .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            let binaries: BTreeSet<&str> = binaries.iter().map(String::as_str).collect();
            assert_eq!(here, binaries, "tests/fuzz_corpora.rs vs fuzz/fuzz_targets/");
            for dir in ["fuzz/corpus", "tests/fixtures/fuzz-regressions"] {
                for d in fs::read_dir(root().join(dir)).into_iter().flatten().flatten() {
                    let n = d.file_name().to_string_lossy().into_owned();
                    assert!(
                        here.contains(n.as_str()) || !d.path().is_dir(),
                        "{dir}/{n} is no fuzz target"
                    );
                }
            }
        }
    };
}

corpus_tests!(
    ap_req_parse,
    ccache_parse,
    dns_response,
    evidence_detect,
    gss_tokens,
    kdc_reply,
    keytab_parse,
    krbcred_parse,
    ldap_response,
    log_scan,
    pac_parse,
    plan_file,
    principal_parse,
    spnego_unwrap,
    ticket_parse,
);

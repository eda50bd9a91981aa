//! The man pages in man/ and the completions in completions/ are generated from
//! src/cli.rs and committed. This test regenerates them and fails when the
//! committed copies drift. To refresh them:
//!
//!     SPNKT_REGENERATE=1 cargo test --test generated_files
//!
//! (or `spnkt generate man man` and `spnkt generate completions SHELL --dir completions`).

use std::collections::BTreeMap;
use std::path::Path;

use spnkt::cli::man::{SHELLS, completion, completion_file_name, man_pages};

const REFRESH: &str = "SPNKT_REGENERATE=1 cargo test --test generated_files";

fn expected() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for (name, page) in man_pages() {
        files.insert(format!("man/{name}"), page);
    }
    for shell in SHELLS {
        files.insert(
            format!("completions/{}", completion_file_name(shell)),
            completion(shell),
        );
    }
    files
}

fn committed(root: &Path, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
                .filter(|n| !n.ends_with("/.gitkeep"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = expected();
    if std::env::var_os("SPNKT_REGENERATE").is_some() {
        for dir in ["man", "completions"] {
            for stale in committed(root, dir) {
                if !expected.contains_key(&stale) {
                    std::fs::remove_file(root.join(stale)).unwrap();
                }
            }
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (name, content) in &expected {
            std::fs::write(root.join(name), content).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, content) in &expected {
        match std::fs::read(root.join(name)) {
            Ok(c) if c == *content => {}
            Ok(_) => problems.push(format!("{name} differs from what src/cli.rs generates")),
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    for dir in ["man", "completions"] {
        for name in committed(root, dir) {
            if !expected.contains_key(&name) {
                problems.push(format!("{name} is no longer generated"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nrefresh them with: {REFRESH}",
        problems.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(expected(), expected());
}

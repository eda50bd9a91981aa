//! Man pages and shell completions rendered from the clap definition in this module's
//! parent, with the EXAMPLES, EXIT STATUS, ENVIRONMENT and FILES tables kept there.
//!
//! Output is deterministic (no date, the crate version from Cargo) so the copies
//! committed in `man/` and `completions/` can be checked by `tests/generated_files.rs`.

use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use roff::{Roff, bold, roman};

use super::{self as cli, Cli};

/// The program name the pages and scripts are for.
pub const BIN: &str = "spnkt";

/// Every shell clap_complete supports, for generating all completion files.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buf);
    buf
}

/// File name of `shell`'s completion script (`spnkt.bash`, `_spnkt`, ...).
pub fn completion_file_name(shell: Shell) -> String {
    shell.file_name(BIN)
}

/// All man pages as (file name, contents): `spnkt.1`, `spnkt-keytab.1`, ...
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, BIN.to_owned(), &mut pages);
    pages
}

fn collect(cmd: &clap::Command, path: String, pages: &mut Vec<(String, Vec<u8>)>) {
    if cmd.is_hide_set() {
        return;
    }
    let man = clap_mangen::Man::new(cmd.clone())
        .source(format!("{BIN} {}", env!("CARGO_PKG_VERSION")))
        .manual("spnkt manual")
        .date("");
    pages.push((man.get_filename(), render_page(&man, cmd, &path)));
    for sub in cmd.get_subcommands() {
        collect(sub, format!("{path} {}", sub.get_name()), pages);
    }
}

fn render_page(man: &clap_mangen::Man, cmd: &clap::Command, path: &str) -> Vec<u8> {
    // Each section renders with roff's preamble; keep only the first.
    let preamble = Roff::new().render();
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut section = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut buf = Vec::new();
        f(&mut buf).expect("writing to a Vec cannot fail");
        parts.push(buf);
    };
    section(&|w| man.render_title(w));
    section(&|w| man.render_name_section(w));
    section(&|w| man.render_synopsis_section(w));
    section(&|w| man.render_description_section(w));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        section(&|w| man.render_options_section(w));
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        section(&|w| man.render_subcommands_section(w));
    }
    let extra = extra_sections(path);
    section(&|w| extra.to_writer(w));

    let mut out = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        let body = if i == 0 {
            &part[..]
        } else {
            part.strip_prefix(preamble.as_bytes()).unwrap_or(&part)
        };
        out.extend_from_slice(body);
    }
    out
}

/// EXAMPLES, EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO, VERSION: from the tables in cli.rs.
fn extra_sections(path: &str) -> Roff {
    let mut r = Roff::new();
    let examples = cli::examples_for(path);
    if !examples.is_empty() {
        r.control("SH", ["EXAMPLES"]);
        for e in examples {
            r.control("PP", []).text([roman(e.description)]);
            r.control("RS", ["4"]).control("nf", []);
            for line in e.command.lines() {
                r.text([bold(line)]);
            }
            r.control("fi", []).control("RE", []);
        }
    }
    r.control("SH", ["EXIT STATUS"]);
    for (code, what) in cli::EXIT_CODES {
        r.control("TP", [])
            .text([bold(code.to_string())])
            .text([roman(*what)]);
    }
    r.control("SH", ["ENVIRONMENT"]);
    for (name, what) in cli::ENVIRONMENT {
        r.control("TP", []).text([bold(*name)]).text([roman(*what)]);
    }
    r.control("SH", ["FILES"]);
    for (name, what) in cli::FILES {
        r.control("TP", []).text([bold(*name)]).text([roman(*what)]);
    }
    r.control("SH", ["SEE ALSO"]);
    r.text([roman(
        "klist(1), ktutil(1), kinit(1), ktpass (Windows), setspn (Windows)",
    )]);
    r.control("SH", ["VERSION"]);
    r.text([roman(format!("v{}", env!("CARGO_PKG_VERSION")))]);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_pages_have_all_sections() {
        let pages = man_pages();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "spnkt.1",
                "spnkt-keytab.1",
                "spnkt-keytab-create.1",
                "spnkt-keytab-derive.1",
                "spnkt-keytab-list.1",
                "spnkt-keytab-merge.1",
                "spnkt-keytab-remove.1",
                "spnkt-verify.1",
                "spnkt-create.1",
                "spnkt-config.1",
                "spnkt-rotate.1",
                "spnkt-delete.1",
                "spnkt-apply.1",
                "spnkt-spn.1",
                "spnkt-spn-list.1",
                "spnkt-spn-add.1",
                "spnkt-spn-remove.1",
                "spnkt-spn-check.1",
                "spnkt-ktpass.1",
                "spnkt-setspn.1",
                "spnkt-account.1",
                "spnkt-account-show.1",
                "spnkt-doctor.1",
                "spnkt-wizard.1"
            ]
        );
        for (name, page) in &pages {
            let page = String::from_utf8_lossy(page);
            for sh in [
                "NAME",
                "SYNOPSIS",
                "DESCRIPTION",
                "OPTIONS",
                "EXAMPLES",
                "\"EXIT STATUS\"",
                "ENVIRONMENT",
                "FILES",
            ] {
                assert!(page.contains(&format!(".SH {sh}")), "{name} lacks {sh}");
            }
        }
    }
}

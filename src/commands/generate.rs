//! `spnkt generate man DIR` / `spnkt generate completions SHELL [--dir DIR]`
//! (hidden): writes what [`crate::cli::man`] renders from the clap definition.

use std::fmt::Write as _;

use anyhow::Context;
use clap_complete::Generator;

use super::Outcome;
use crate::cli::man::{BIN, completion, man_pages};
use crate::cli::{GenerateArgs, GenerateCommand};

pub fn run(args: &GenerateArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        GenerateCommand::Man { dir } => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let mut human = String::new();
            for (name, page) in man_pages() {
                let path = dir.join(&name);
                std::fs::write(&path, page)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let _ = writeln!(human, "wrote {}", path.display());
            }
            Ok(Outcome { human, json: None })
        }
        GenerateCommand::Completions { shell, dir: None } => Ok(Outcome {
            human: String::from_utf8(completion(*shell))?,
            json: None,
        }),
        GenerateCommand::Completions {
            shell,
            dir: Some(dir),
        } => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join(shell.file_name(BIN));
            std::fs::write(&path, completion(*shell))
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(Outcome {
                human: format!("wrote {}\n", path.display()),
                json: None,
            })
        }
    }
}

#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    spnkt::commands::run(std::env::args_os())
}

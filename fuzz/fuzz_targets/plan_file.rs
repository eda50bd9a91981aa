//! cargo-fuzz entry point of `plan_file`: the checks live in
//! `fuzz/targets/plan_file.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/plan_file.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

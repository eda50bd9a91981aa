//! cargo-fuzz entry point of `principal_parse`: the checks live in
//! `fuzz/targets/principal_parse.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/principal_parse.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

//! cargo-fuzz entry point of `gss_tokens`: the checks live in
//! `fuzz/targets/gss_tokens.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/gss_tokens.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

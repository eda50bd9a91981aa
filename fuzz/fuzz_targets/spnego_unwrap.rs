//! cargo-fuzz entry point of `spnego_unwrap`: the checks live in
//! `fuzz/targets/spnego_unwrap.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/spnego_unwrap.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

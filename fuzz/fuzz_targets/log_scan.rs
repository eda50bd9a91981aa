//! cargo-fuzz entry point of `log_scan`: the checks live in
//! `fuzz/targets/log_scan.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/log_scan.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

//! cargo-fuzz entry point of `evidence_detect`: the checks live in
//! `fuzz/targets/evidence_detect.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/evidence_detect.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

//! cargo-fuzz entry point of `kdc_reply`: the checks live in
//! `fuzz/targets/kdc_reply.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/kdc_reply.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

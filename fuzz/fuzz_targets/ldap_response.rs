//! cargo-fuzz entry point of `ldap_response`: the checks live in
//! `fuzz/targets/ldap_response.rs`, shared with the stable `tests/fuzz_corpora.rs`.
#![no_main]

#[path = "../targets/ldap_response.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::check(data));

//! The checks of the fuzz targets, one module per target, each a
//! `pub fn check(data: &[u8])` that panics when a property fails. Both the
//! cargo-fuzz binaries (`fuzz/fuzz_targets/<name>.rs`, nightly) and the stable test
//! `tests/fuzz_corpora.rs` include these files, so the fuzzer and the test suite
//! cannot drift apart.

pub mod ap_req_parse;
pub mod ccache_parse;
pub mod dns_response;
pub mod evidence_detect;
pub mod gss_tokens;
pub mod kdc_reply;
pub mod keytab_parse;
pub mod krbcred_parse;
pub mod ldap_response;
pub mod log_scan;
pub mod pac_parse;
pub mod plan_file;
pub mod principal_parse;
pub mod spnego_unwrap;
pub mod ticket_parse;

/// A target's check: panics when a property fails for `data`.
pub type Check = fn(&[u8]);

/// Every target by name (the names of `fuzz/fuzz_targets/` and `fuzz/corpus/`).
pub const TARGETS: &[(&str, Check)] = &[
    ("ap_req_parse", ap_req_parse::check),
    ("ccache_parse", ccache_parse::check),
    ("dns_response", dns_response::check),
    ("evidence_detect", evidence_detect::check),
    ("gss_tokens", gss_tokens::check),
    ("kdc_reply", kdc_reply::check),
    ("keytab_parse", keytab_parse::check),
    ("krbcred_parse", krbcred_parse::check),
    ("ldap_response", ldap_response::check),
    ("log_scan", log_scan::check),
    ("pac_parse", pac_parse::check),
    ("plan_file", plan_file::check),
    ("principal_parse", principal_parse::check),
    ("spnego_unwrap", spnego_unwrap::check),
    ("ticket_parse", ticket_parse::check),
];

//! Any bytes: `unwrap_token` and `decode_negotiate_text` must not panic; an AP-REQ
//! that comes out is a subslice of the input, and wrapping it again unwraps to it.
//! Seed: `cargo +nightly fuzz run spnego_unwrap corpus/spnego_unwrap` after
//! base64-decoding ../tests/fixtures/negotiate/curl-mit*.txt into the corpus.

use spnkt::krb::spnego::{self, Inner};

pub fn check(data: &[u8]) {
    if let Ok(u) = spnego::unwrap_token(data) {
        if let Inner::ApReq(der) = u.inner {
            assert_eq!(der.first(), Some(&0x6e));
            assert!(data.windows(der.len()).any(|w| w == der));
            for ms in [false, true] {
                let wrapped = spnego::wrap_ap_req(der, ms);
                let again =
                    spnego::unwrap_token(&wrapped).expect("spnkt must unwrap what it wraps");
                assert_eq!(again.inner, Inner::ApReq(der));
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = spnego::decode_negotiate_text(text) {
            assert!(!bytes.is_empty());
            let _ = spnego::unwrap_token(&bytes);
        }
    }
}

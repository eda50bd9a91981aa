//! Any bytes: `parse_pac`, the logon/client info decoders and the signature
//! check must not panic.

use spnkt::krb::pac;
use spnkt::krb::{Enctype, Key};

pub fn check(data: &[u8]) {
    let Ok(p) = pac::parse_pac(data) else {
        return;
    };
    let _ = p.logon_info();
    let _ = p.client_info();
    let _ = p.verify_server_checksum(&Key::new(Enctype::RC4_HMAC, vec![0; 16]));
    let _ = p.verify_kdc_checksum(&Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![0; 32]));
}

//! Any bytes: `parse_pac`, the logon/client info decoders and the signature
//! checks must not panic, and `PacRef` reads and checks what `parse_pac` does.
//! The writer: `build_pac` lays out the buffers spnkt read (its own server and
//! KDC signatures in place of any given) and what it writes parses back to the
//! same buffers, in order, with both signatures verifying.

use spnkt::krb::pac::{self, PAC_PRIVSVR_CHECKSUM, PAC_SERVER_CHECKSUM};
use spnkt::krb::{Enctype, Key};

pub fn check(data: &[u8]) {
    // The in-place reader `spnkt verify` uses agrees with the owned one.
    let view = pac::PacRef::parse(data);
    assert_eq!(view.clone().map(|v| v.to_pac()), pac::parse_pac(data));
    let (Ok(p), Ok(v)) = (pac::parse_pac(data), view) else {
        return;
    };
    let _ = p.logon_info();
    let _ = p.client_info();
    let rc4 = Key::new(Enctype::RC4_HMAC, vec![0; 16]);
    assert_eq!(
        v.verify_server_checksum(&rc4),
        p.verify_server_checksum(&rc4)
    );
    let _ = p.verify_kdc_checksum(&Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![0; 32]));

    let kept: Vec<&pac::PacBuffer> = p
        .buffers
        .iter()
        .filter(|b| b.ty != PAC_SERVER_CHECKSUM && b.ty != PAC_PRIVSVR_CHECKSUM)
        .collect();
    if kept.len() + 2 > pac::MAX_PAC_BUFFERS as usize {
        return;
    }
    let server = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![1; 32]);
    let kdc = Key::new(Enctype::RC4_HMAC, vec![2; 16]);
    let built = pac::build_pac(&p.buffers, &server, &kdc).expect("spnkt signs what it reads");
    let again = pac::parse_pac(&built).expect("spnkt must read what it writes");
    assert_eq!(again.buffers.len(), kept.len() + 2);
    for (a, b) in again.buffers.iter().zip(&kept) {
        assert_eq!(a, *b);
    }
    again
        .verify_server_checksum(&server)
        .expect("the server signature spnkt wrote verifies");
    again
        .verify_kdc_checksum(&kdc)
        .expect("the KDC signature spnkt wrote verifies");
}

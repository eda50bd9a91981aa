//! Any bytes: the AP-REQ, Authenticator and GSS checksum parsers must not panic;
//! an accepted AP-REQ must survive encode + parse unchanged.

use spnkt::krb::ap_req::{self, Checksum, GSS_CHECKSUM_TYPE};

pub fn check(data: &[u8]) {
    if let Ok(req) = ap_req::parse_ap_req(data) {
        let der = ap_req::encode_ap_req(&req);
        assert_eq!(ap_req::parse_ap_req(&der).expect("round trip"), req);
    }
    if let Ok(a) = ap_req::parse_authenticator(data) {
        let der = ap_req::encode_authenticator(&a);
        assert_eq!(ap_req::parse_authenticator(&der).expect("round trip"), a);
    }
    let _ = ap_req::parse_gss_checksum(&Checksum {
        cksumtype: GSS_CHECKSUM_TYPE,
        data: data.to_vec(),
    });
}

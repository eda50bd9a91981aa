//! Any bytes as the server's side of a Kerberos LDAP bind: the AP-REP parser, the
//! KRB-ERROR peek and the wrap-token opener must not panic, sealed or not, with
//! or without the acceptor-subkey flag expected.

use spnkt::krb::gss;
use spnkt::krb::{Enctype, Key};

pub fn check(data: &[u8]) {
    let key = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![7; 32]);
    let _ = gss::parse_ap_rep(data, &key);
    let _ = gss::peek_error(data);
    for subkey in [false, true] {
        let _ = gss::unwrap_token(&key, subkey, true, data);
    }
}

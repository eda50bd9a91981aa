//! Any bytes, as a KRB-CRED, as a `.kirbi` (DER or base64) and as a plaintext
//! EncKrbCredPart: no panics, and whatever parses re-encodes to something that
//! parses back to the same values.

use spnkt::krb::Enctype;
use spnkt::krb::krbcred::{self, KrbCred};
use spnkt::krb::ticket::EncryptedData;

pub fn check(data: &[u8]) {
    let _ = krbcred::parse_kirbi(data);
    if let Ok(cred) = krbcred::parse_krb_cred(data)
        && let Ok(infos) = krbcred::cred_info(&cred, None)
    {
        let der = krbcred::encode_krb_cred(&cred.tickets, &infos, None)
            .expect("every parsed time fits KerberosTime");
        let again = krbcred::parse_krb_cred(&der).expect("spnkt must read what it writes");
        assert_eq!(again.tickets, cred.tickets);
        assert_eq!(krbcred::cred_info(&again, None).unwrap(), infos);
    }
    let plain = KrbCred {
        tickets: Vec::new(),
        enc_part: EncryptedData {
            etype: Enctype(0),
            kvno: None,
            cipher: data.to_vec(),
        },
    };
    let _ = krbcred::cred_info(&plain, None);
}

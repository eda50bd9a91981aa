//! Any bytes as what a KDC sends back to spnkt's KDC client: `parse_kdc_reply`
//! (AS-REP, TGS-REP, KRB-ERROR), the e-data / METHOD-DATA, ETYPE-INFO2,
//! ETYPE-INFO and KERB-ERROR-DATA / KERB-EXT-ERROR (MS-KILE) decoders and the
//! decrypted EncKDCRepPart decoder must not panic, and every value they accept
//! must survive encode + parse unchanged (values, not bytes: DER leaves no choice
//! for what spnkt keeps, but it drops what it does not keep, e.g. caddr,
//! KRB-ERROR's realm when there is no sname, fractional seconds). The KDC-REQ
//! parser (fake KDCs in the tests) must not panic either.

use spnkt::krb::ext_error;
use spnkt::krb::kdc_msg::{self, KdcReply};

pub fn check(data: &[u8]) {
    match kdc_msg::parse_kdc_reply(data) {
        Ok(KdcReply::AsRep(rep)) | Ok(KdcReply::TgsRep(rep)) => {
            let der = kdc_msg::encode_kdc_rep(&rep);
            let again = kdc_msg::parse_kdc_reply(&der).expect("spnkt must read what it writes");
            let again = match again {
                KdcReply::AsRep(r) | KdcReply::TgsRep(r) => r,
                KdcReply::Error(e) => panic!("a KDC-REP came back as {e:?}"),
            };
            assert_eq!(again, rep);
            let _ = kdc_msg::etype_info_from_padata(&rep.padata);
        }
        Ok(KdcReply::Error(e)) => {
            let _ = (e.name(), e.nt_status());
            if let Some(x) = e.ext_error() {
                let _ = (x.status.to_string(), x.status.meaning());
            }
            if let Ok(entries) = e.etype_info() {
                for entry in &entries {
                    let _ = entry.iterations();
                }
            }
            let der = kdc_msg::encode_krb_error(&e);
            let again = kdc_msg::parse_kdc_reply(&der).expect("spnkt must read what it writes");
            assert_eq!(again, KdcReply::Error(e));
        }
        Err(_) => {}
    }
    if let Ok(pa) = kdc_msg::parse_method_data(data) {
        let again = kdc_msg::parse_method_data(&kdc_msg::encode_method_data(&pa))
            .expect("spnkt must read what it writes");
        assert_eq!(again, pa);
        let _ = kdc_msg::etype_info_from_padata(&pa);
    }
    if let Ok(entries) = kdc_msg::parse_etype_info2(data) {
        let again = kdc_msg::parse_etype_info2(&kdc_msg::encode_etype_info2(&entries))
            .expect("spnkt must read what it writes");
        assert_eq!(again, entries);
    }
    let _ = kdc_msg::parse_etype_info(data);
    // MS-KILE's KERB-ERROR-DATA / KERB-EXT-ERROR (e-data of an AD KDC's errors).
    if let Some(d) = ext_error::parse_kerb_error_data(data) {
        let again = ext_error::parse_kerb_error_data(&ext_error::encode_kerb_error_data(&d))
            .expect("spnkt must read what it writes");
        assert_eq!(again, d);
    }
    if let Some(x) = ext_error::parse_kerb_ext_error(data) {
        assert_eq!(
            ext_error::parse_kerb_ext_error(&ext_error::encode_kerb_ext_error(&x)),
            Some(x)
        );
    }
    let _ = ext_error::from_e_data(data);
    if let Ok(part) = kdc_msg::parse_enc_kdc_rep_part(data) {
        for tag in [25, 26] {
            let der = kdc_msg::encode_enc_kdc_rep_part(&part, tag);
            let again =
                kdc_msg::parse_enc_kdc_rep_part(&der).expect("spnkt must read what it writes");
            assert_eq!(again, part);
        }
    }
    let _ = kdc_msg::parse_kdc_req(data);
}

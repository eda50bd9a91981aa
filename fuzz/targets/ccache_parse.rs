//! Any bytes: `parse` must not panic, and whatever it accepts must survive
//! write + parse unchanged; a v4 file is written back byte for byte (a v3 one may
//! differ in the second, ignored, copy of each enctype).

use spnkt::krb::ccache;

pub fn check(data: &[u8]) {
    let Ok(cc) = ccache::parse(data) else {
        return;
    };
    cc.check_writable().expect("what spnkt reads it can write");
    let bytes = ccache::write(&cc);
    let again = ccache::parse(&bytes).expect("spnkt must read what it writes");
    assert_eq!(again, cc);
    if cc.version == 4 {
        assert_eq!(&*bytes, data);
    }
    for c in &cc.credentials {
        let _ = (c.is_config(), c.config_key());
    }
    let _ = cc.kdc_time_offset();
}

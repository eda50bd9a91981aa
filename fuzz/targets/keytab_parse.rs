//! Any bytes: `parse` must not panic, and whatever it accepts must survive
//! write + parse unchanged (entries; a v1 keytab comes back as v2).

use spnkt::krb::keytab::{self, KeytabVersion};

pub fn check(data: &[u8]) {
    let Ok(kt) = keytab::parse(data) else {
        return;
    };
    let bytes = keytab::write(&kt);
    let again = keytab::parse(&bytes).expect("spnkt must read what it writes");
    assert_eq!(again.version, KeytabVersion::V2);
    assert_eq!(again.entries, kt.entries);
    // The writer is canonical: a second write is byte-identical.
    assert_eq!(*keytab::write(&again), *bytes);
}

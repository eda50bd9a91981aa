//! Any bytes as a DNS reply: `decode_response` must not panic, following its CNAME
//! chain must end or be refused, and the records it accepts must survive
//! `encode_reply` + `decode_response` unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spnkt::dns;

fuzz_target!(|data: &[u8]| {
    let Ok(r) = dns::decode_response(data) else {
        return;
    };
    let (name, qtype) = r
        .question
        .as_ref()
        .map_or((String::new(), dns::TYPE_A), |(n, t, _)| (n.clone(), *t));
    let mut chain = Vec::new();
    if let Ok(end) = dns::follow_cnames(&name, &r.records, &mut chain, &name) {
        assert!(chain.len() <= dns::MAX_CNAMES);
        let _ = dns::addresses_of(&end, &r.records);
    }
    let bytes = dns::encode_reply(r.id, &name, qtype, r.rcode, false, &r.records)
        .expect("spnkt must encode what it decodes");
    let again = dns::decode_response(&bytes).expect("spnkt must decode what it encodes");
    assert_eq!(again.records, r.records);
    if r.question.is_some() {
        assert_eq!(again.answers, r.answers);
    }
});

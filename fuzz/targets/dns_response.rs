//! Any bytes as a DNS reply: `decode_response` must not panic, following its CNAME
//! chain must end or be refused, and the records it accepts must survive
//! `encode_reply` + `decode_response` unchanged. The same bytes as text: the
//! resolv.conf and `SPNKT_DNS_SERVER` readers must not panic, and resolv.conf
//! gives at most three servers (glibc's MAXNS).

use spnkt::dns;

pub fn check(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(dns::parse_resolv_conf(text).len() <= 3);
        let _ = dns::parse_server(text);
    }
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
}

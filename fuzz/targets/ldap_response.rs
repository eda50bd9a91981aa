//! Any bytes as what a domain controller sends spnkt's own LDAP code before
//! `ldap3` takes the connection over (src/ad/sasl.rs: the StartTLS answer, the
//! rootDSE read, the three legs of a SASL GSSAPI bind, framed off the wire with
//! lengths in any BER form). Framing must not panic and must consume exactly the
//! bytes of each message (a framed message frames again to itself); each of the
//! first 8 messages (a bind reads 3 or 4; more only repeats the same work) is read
//! as every expected answer; the input is also read as a security-layer offer.

use spnkt::ad::sasl::fuzzing;

pub fn check(data: &[u8]) {
    let mut stream = data;
    let mut consumed = 0;
    for _ in 0..8 {
        let Ok(message) = fuzzing::next_message(&mut stream) else {
            break;
        };
        assert_eq!(&data[consumed..consumed + message.len()], &message[..]);
        consumed += message.len();
        assert_eq!(stream.len(), data.len() - consumed);
        let mut again = &message[..];
        assert_eq!(
            fuzzing::next_message(&mut again).expect("reframes"),
            message
        );
        assert!(again.is_empty());
        let _ = fuzzing::read_as_each_answer(&message, 1);
    }
    for tls in [false, true] {
        if let Ok((layer, _)) = fuzzing::choose_layer(data, tls) {
            assert_eq!(data.len(), 4);
            assert!(data[0] & layer != 0, "a layer that was not offered");
        }
    }
}

//! Any bytes: `parse_ticket` and `parse_enc_ticket_part` must not panic; an
//! accepted ticket must survive encode + parse unchanged.

use spnkt::krb::ticket;

pub fn check(data: &[u8]) {
    if let Ok(t) = ticket::parse_ticket(data) {
        let der = ticket::encode_ticket(&t);
        let again = ticket::parse_ticket(&der).expect("spnkt must read what it writes");
        assert_eq!(again, t);
    }
    if let Ok(part) = ticket::parse_enc_ticket_part(data) {
        let _ = part.pac();
        let _ = part.flags.names();
        let der = ticket::encode_enc_ticket_part(&part);
        assert_eq!(
            ticket::parse_enc_ticket_part(&der).expect("round trip"),
            part
        );
    }
}

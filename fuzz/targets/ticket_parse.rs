//! Any bytes: `parse_ticket` and `parse_enc_ticket_part` must not panic; an
//! accepted ticket must survive encode + parse unchanged. The readers in place
//! (`TicketRef`, `EncTicketPartRef`) must accept and refuse exactly what the
//! owned ones do, with the same errors, and read the same values.

use spnkt::krb::ticket::{self, EncTicketPartRef, TicketRef};

pub fn check(data: &[u8]) {
    let borrowed = TicketRef::parse(data);
    assert_eq!(
        borrowed
            .as_ref()
            .map(TicketRef::to_owned)
            .map_err(Clone::clone),
        ticket::parse_ticket(data)
    );
    if let Ok(t) = ticket::parse_ticket(data) {
        let sname = borrowed.expect("compared above").sname;
        assert!(sname.is(&t.sname));
        assert_eq!(sname.to_string(), t.sname.to_string());
        let der = ticket::encode_ticket(&t);
        let again = ticket::parse_ticket(&der).expect("spnkt must read what it writes");
        assert_eq!(again, t);
    }
    let borrowed = EncTicketPartRef::parse(data);
    assert_eq!(
        borrowed
            .as_ref()
            .map(EncTicketPartRef::to_owned)
            .map_err(Clone::clone),
        ticket::parse_enc_ticket_part(data)
    );
    if let Ok(part) = ticket::parse_enc_ticket_part(data) {
        let in_place = borrowed.expect("compared above");
        assert_eq!(in_place.pac(), part.pac());
        assert_eq!(in_place.client.to_string(), part.client.to_string());
        let _ = part.flags.names();
        let der = ticket::encode_enc_ticket_part(&part);
        assert_eq!(
            ticket::parse_enc_ticket_part(&der).expect("round trip"),
            part
        );
    }
}

//! A test nameserver on 127.0.0.1 (UDP, an ephemeral port) answering SRV queries
//! from a table the test gives; NXDOMAIN for any other name (and for the A and AAAA
//! questions of the DNS check of a web site). spnkt finds it through
//! `SPNKT_DNS_SERVER=127.0.0.1:PORT`. The table can be changed while it runs.
//! Replies are encoded by spnkt's own `dns::encode_reply`.

use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};

use spnkt::dns::{self, Srv};

/// One running nameserver; it stops with the test process.
#[derive(Clone)]
pub struct DnsServer {
    pub addr: SocketAddr,
    records: Arc<Mutex<BTreeMap<String, Vec<Srv>>>>,
}

/// An SRV record: priority, weight, port, target.
pub fn srv(priority: u16, weight: u16, port: u16, target: &str) -> Srv {
    Srv {
        priority,
        weight,
        port,
        target: target.into(),
    }
}

impl DnsServer {
    /// Start one with no records.
    pub fn start() -> DnsServer {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP port on 127.0.0.1");
        let addr = udp.local_addr().unwrap();
        let records: Arc<Mutex<BTreeMap<String, Vec<Srv>>>> = Arc::default();
        let table = records.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            loop {
                let Ok((n, from)) = udp.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(query) = dns::decode_response(&buf[..n]) else {
                    continue;
                };
                let Some((name, qtype, _)) = query.question else {
                    continue;
                };
                let found = table
                    .lock()
                    .unwrap()
                    .get(&name.to_ascii_lowercase())
                    .cloned();
                let reply = match found {
                    Some(recs) if qtype == dns::TYPE_SRV => {
                        dns::encode_response(query.id, &name, 0, false, &recs)
                    }
                    // The name exists, but has no record of that type.
                    Some(_) => dns::encode_reply(query.id, &name, qtype, 0, false, &[]),
                    // Any other name (a web site's A and AAAA questions too).
                    None => {
                        dns::encode_reply(query.id, &name, qtype, dns::RCODE_NXDOMAIN, false, &[])
                    }
                };
                if let Ok(reply) = reply {
                    let _ = udp.send_to(&reply, from);
                }
            }
        });
        DnsServer { addr, records }
    }

    /// Answer `name` (case-insensitive) with `records` from now on.
    pub fn set(&self, name: &str, records: Vec<Srv>) {
        self.records
            .lock()
            .unwrap()
            .insert(name.to_ascii_lowercase(), records);
    }
}

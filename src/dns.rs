//! A minimal, strict DNS client for SRV records (RFC 1035, RFC 2782), used to find
//! the realm's KDC (`_kerberos._tcp.REALM`) and domain controller
//! (`_ldap._tcp.dc._msdcs.REALM`) when neither flags nor krb5.conf name them.
//!
//! [`encode_query`] and [`decode_response`] are pure and never panic on any input:
//! every read is bounds-checked, and compression pointers must point strictly
//! backwards, so a pointer loop cannot occur. [`Resolver`] asks the nameservers of
//! `/etc/resolv.conf` (or `SPNKT_DNS_SERVER=ip[:port]`) over UDP, with a deadline
//! and one retry per server, and over TCP when the reply is truncated. Each query
//! has a random 16-bit id; a reply with another id, from another address or for
//! another question is ignored.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

/// Resource record type SRV.
pub const TYPE_SRV: u16 = 33;
/// Class IN.
pub const CLASS_IN: u16 = 1;
/// Default DNS port.
pub const DNS_PORT: u16 = 53;
/// How long one UDP (or TCP) attempt may take.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The environment variable naming the one nameserver to ask, `ip[:port]`.
pub const SERVER_ENV: &str = "SPNKT_DNS_SERVER";
/// Nameservers read from resolv.conf at most (glibc's MAXNS).
const MAX_SERVERS: usize = 3;

/// RCODE values (RFC 1035 4.1.1).
pub const RCODE_NOERROR: u8 = 0;
pub const RCODE_FORMERR: u8 = 1;
pub const RCODE_SERVFAIL: u8 = 2;
pub const RCODE_NXDOMAIN: u8 = 3;
pub const RCODE_REFUSED: u8 = 5;

/// One SRV record (RFC 2782). `target` has no trailing dot; "" is the root (".").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

impl Srv {
    /// `target:port` (an IPv6 literal target would need brackets; SRV targets are
    /// host names).
    pub fn host_port(&self) -> String {
        format!("{}:{}", self.target, self.port)
    }
}

/// A decoded DNS reply: the header fields spnkt checks, the question, and the SRV
/// records of the answer section whose owner is the question's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub id: u16,
    /// QR bit: this is a response.
    pub response: bool,
    /// TC bit: the UDP reply was truncated; ask again over TCP.
    pub truncated: bool,
    pub rcode: u8,
    /// The question (name without trailing dot, type, class); None when QDCOUNT is 0.
    pub question: Option<(String, u16, u16)>,
    pub answers: Vec<Srv>,
}

/// Why an SRV lookup gave no usable record.
#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("`{name}` is not a valid DNS name: {reason}")]
    BadName { name: String, reason: String },
    #[error("{SERVER_ENV}=`{value}` is not ip[:port]")]
    BadServer { value: String },
    #[error("no SRV record {name}")]
    NoRecord { name: String },
    #[error("SRV {name} says the service is not available (target \".\")")]
    NotAvailable { name: String },
    #[error("malformed DNS message: {0}")]
    Malformed(String),
    #[error("nameserver {server} answered {rcode} for {name}")]
    Rcode {
        server: SocketAddr,
        name: String,
        rcode: &'static str,
    },
    #[error("nameserver {server} did not answer within {after:?}")]
    Timeout { server: SocketAddr, after: Duration },
    #[error("nameserver {server}: {source}")]
    Io {
        server: SocketAddr,
        #[source]
        source: io::Error,
    },
    #[error("cannot make a random query id: {0}")]
    Random(String),
}

fn malformed(what: &str) -> DnsError {
    DnsError::Malformed(what.to_owned())
}

fn rcode_name(rcode: u8) -> &'static str {
    match rcode {
        RCODE_FORMERR => "FORMERR",
        RCODE_SERVFAIL => "SERVFAIL",
        RCODE_NXDOMAIN => "NXDOMAIN",
        4 => "NOTIMP",
        RCODE_REFUSED => "REFUSED",
        _ => "an unknown error code",
    }
}

/// `name` as wire-format labels (no compression). ASCII only; a trailing dot is
/// allowed; labels of 1..=63 bytes, 255 bytes in all.
pub fn encode_name(name: &str) -> Result<Vec<u8>, DnsError> {
    let bad = |reason: &str| DnsError::BadName {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    if !trimmed.is_empty() {
        for label in trimmed.split('.') {
            if label.is_empty() {
                return Err(bad("empty label"));
            }
            if label.len() > 63 {
                return Err(bad("a label is longer than 63 bytes"));
            }
            if !label.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(bad("only printable ASCII is allowed"));
            }
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
    }
    out.push(0);
    if out.len() > 255 {
        return Err(bad("longer than 255 bytes"));
    }
    Ok(out)
}

/// A standard query (RD set) for the SRV records of `name`.
pub fn encode_query(id: u16, name: &str) -> Result<Vec<u8>, DnsError> {
    let qname = encode_name(name)?;
    let mut out = Vec::with_capacity(12 + qname.len() + 4);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&0x0100u16.to_be_bytes()); // RD
    out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // QD=1, AN=NS=AR=0
    out.extend_from_slice(&qname);
    out.extend_from_slice(&TYPE_SRV.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(out)
}

/// A reply to an SRV query: for tests and fake servers. Names are written
/// uncompressed.
pub fn encode_response(
    id: u16,
    name: &str,
    rcode: u8,
    truncated: bool,
    records: &[Srv],
) -> Result<Vec<u8>, DnsError> {
    let qname = encode_name(name)?;
    let mut out = Vec::new();
    out.extend_from_slice(&id.to_be_bytes());
    let flags: u16 = 0x8000 | 0x0100 | 0x0080 | if truncated { 0x0200 } else { 0 };
    out.extend_from_slice(&(flags | u16::from(rcode & 0x0f)).to_be_bytes());
    let an = u16::try_from(records.len()).map_err(|_| malformed("too many records"))?;
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&an.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&qname);
    out.extend_from_slice(&TYPE_SRV.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    for r in records {
        let target = encode_name(&r.target)?;
        out.extend_from_slice(&qname);
        out.extend_from_slice(&TYPE_SRV.to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&600u32.to_be_bytes());
        out.extend_from_slice(&((6 + target.len()) as u16).to_be_bytes());
        out.extend_from_slice(&r.priority.to_be_bytes());
        out.extend_from_slice(&r.weight.to_be_bytes());
        out.extend_from_slice(&r.port.to_be_bytes());
        out.extend_from_slice(&target);
    }
    Ok(out)
}

fn u16_at(buf: &[u8], at: usize) -> Result<u16, DnsError> {
    buf.get(
        at..at
            .checked_add(2)
            .ok_or_else(|| malformed("offset overflow"))?,
    )
    .map(|b| u16::from_be_bytes([b[0], b[1]]))
    .ok_or_else(|| malformed("message ends inside a field"))
}

/// Decode the (possibly compressed) name at `start`; returns it (without trailing
/// dot) and the offset just after it in the message. A pointer must point before
/// the label that holds it, so following pointers always terminates.
pub fn decode_name(buf: &[u8], start: usize) -> Result<(String, usize), DnsError> {
    let mut name = String::new();
    let mut wire_len = 0usize;
    let mut pos = start;
    // Offset after the name in the message: set at the first pointer or at the end.
    let mut end = None;
    // Pointers must go strictly below this.
    let mut limit = start;
    loop {
        let len = *buf
            .get(pos)
            .ok_or_else(|| malformed("message ends inside a name"))?;
        match len & 0xc0 {
            0x00 => {
                if len == 0 {
                    let end = end.unwrap_or(pos + 1);
                    return Ok((name, end));
                }
                let label = buf
                    .get(pos + 1..pos + 1 + usize::from(len))
                    .ok_or_else(|| malformed("message ends inside a label"))?;
                wire_len += 1 + label.len();
                if wire_len + 1 > 255 {
                    return Err(malformed("name longer than 255 bytes"));
                }
                if !label.iter().all(|b| b.is_ascii_graphic() && *b != b'.') {
                    return Err(malformed("name has a byte that is not printable ASCII"));
                }
                if !name.is_empty() {
                    name.push('.');
                }
                // Printable ASCII: each byte is one char.
                name.extend(label.iter().map(|&b| char::from(b)));
                pos += 1 + label.len();
            }
            0xc0 => {
                let target = usize::from(u16_at(buf, pos)? & 0x3fff);
                if target >= limit {
                    return Err(malformed(
                        "compression pointer does not point backwards (loop)",
                    ));
                }
                if end.is_none() {
                    end = Some(pos + 2);
                }
                limit = target;
                pos = target;
            }
            _ => return Err(malformed("unsupported label type")),
        }
    }
}

/// Decode a reply. Answer records other than SRV/IN for the question's name are
/// skipped; the authority and additional sections are not read.
pub fn decode_response(buf: &[u8]) -> Result<Response, DnsError> {
    if buf.len() < 12 {
        return Err(malformed("shorter than the 12-byte header"));
    }
    let id = u16_at(buf, 0)?;
    let flags = u16_at(buf, 2)?;
    let qdcount = u16_at(buf, 4)?;
    let ancount = u16_at(buf, 6)?;
    if qdcount > 1 {
        return Err(malformed("more than one question"));
    }
    let mut pos = 12;
    let mut question = None;
    if qdcount == 1 {
        let (qname, next) = decode_name(buf, pos)?;
        let qtype = u16_at(buf, next)?;
        let qclass = u16_at(buf, next + 2)?;
        pos = next + 4;
        question = Some((qname, qtype, qclass));
    }
    let truncated = flags & 0x0200 != 0;
    let mut answers = Vec::new();
    for _ in 0..ancount {
        let rr = (|| {
            let (owner, next) = decode_name(buf, pos)?;
            let rtype = u16_at(buf, next)?;
            let rclass = u16_at(buf, next + 2)?;
            let rdlen = usize::from(u16_at(buf, next + 8)?);
            let rdata_at = next + 10;
            let rdata_end = rdata_at + rdlen;
            if rdata_end > buf.len() {
                return Err(malformed("record data runs past the end of the message"));
            }
            let wanted = rtype == TYPE_SRV
                && rclass == CLASS_IN
                && question
                    .as_ref()
                    .is_some_and(|(q, _, _)| q.eq_ignore_ascii_case(&owner));
            let srv = if wanted {
                if rdlen < 7 {
                    return Err(malformed("SRV record data too short"));
                }
                let (target, after) = decode_name(buf, rdata_at + 6)?;
                if after != rdata_end {
                    return Err(malformed("SRV record length does not match its data"));
                }
                Some(Srv {
                    priority: u16_at(buf, rdata_at)?,
                    weight: u16_at(buf, rdata_at + 2)?,
                    port: u16_at(buf, rdata_at + 4)?,
                    target,
                })
            } else {
                None
            };
            Ok((srv, rdata_end))
        })();
        match rr {
            Ok((srv, next)) => {
                answers.extend(srv);
                pos = next;
            }
            // A truncated reply may end in the middle of a record.
            Err(_) if truncated => break,
            Err(e) => return Err(e),
        }
    }
    Ok(Response {
        id,
        response: flags & 0x8000 != 0,
        truncated,
        rcode: (flags & 0x000f) as u8,
        question,
        answers,
    })
}

/// Order records by priority (lowest first), then weight (highest first), then
/// target and port, so the result is deterministic.
pub fn sort_records(records: &mut [Srv]) {
    records.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.weight.cmp(&a.weight))
            .then_with(|| a.target.cmp(&b.target))
            .then(a.port.cmp(&b.port))
    });
}

/// `ip`, `ip:port`, `[v6]` or `[v6]:port`.
pub fn parse_server(value: &str) -> Option<SocketAddr> {
    let v = value.trim();
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, DNS_PORT));
    }
    if let Some(inner) = v.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return inner
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, DNS_PORT));
    }
    v.parse::<SocketAddr>().ok()
}

/// The `nameserver` addresses of resolv.conf text (at most three, as glibc).
pub fn parse_resolv_conf(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next()? == "nameserver")
                .then(|| words.next())
                .flatten()
                .and_then(|ip| ip.parse::<IpAddr>().ok())
                .map(|ip| SocketAddr::new(ip, DNS_PORT))
        })
        .take(MAX_SERVERS)
        .collect()
}

/// Who to ask and how long to wait.
#[derive(Debug, Clone)]
pub struct Resolver {
    pub servers: Vec<SocketAddr>,
    /// Per attempt (UDP, or the TCP retry).
    pub timeout: Duration,
    /// UDP attempts per server.
    pub attempts: u32,
}

impl Resolver {
    /// One server, default timeout and attempts.
    pub fn new(servers: Vec<SocketAddr>) -> Self {
        Resolver {
            servers,
            timeout: TIMEOUT,
            attempts: 2,
        }
    }

    /// `SPNKT_DNS_SERVER`, else the nameservers of /etc/resolv.conf, else
    /// 127.0.0.1:53 (as glibc does without any).
    pub fn from_env() -> Result<Self, DnsError> {
        if let Some(v) = std::env::var_os(SERVER_ENV).filter(|v| !v.is_empty()) {
            let v = v.to_string_lossy().into_owned();
            let server = parse_server(&v).ok_or(DnsError::BadServer { value: v })?;
            return Ok(Self::new(vec![server]));
        }
        let mut servers = std::fs::read_to_string("/etc/resolv.conf")
            .map(|t| parse_resolv_conf(&t))
            .unwrap_or_default();
        if servers.is_empty() {
            servers.push(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DNS_PORT));
        }
        Ok(Self::new(servers))
    }

    /// The SRV records of `name`, sorted (see [`sort_records`]), without
    /// "." targets. NXDOMAIN or an empty answer is [`DnsError::NoRecord`]; only
    /// "." targets is [`DnsError::NotAvailable`]. Servers are asked in order until
    /// one answers NOERROR or NXDOMAIN; otherwise the last error is returned.
    pub fn lookup_srv(&self, name: &str) -> Result<Vec<Srv>, DnsError> {
        let name = name.strip_suffix('.').unwrap_or(name);
        encode_name(name)?;
        let mut last = None;
        for &server in &self.servers {
            match self.ask(server, name) {
                Ok(reply) => match reply.rcode {
                    RCODE_NOERROR => return finish(name, reply.answers),
                    RCODE_NXDOMAIN => {
                        return Err(DnsError::NoRecord {
                            name: name.to_owned(),
                        });
                    }
                    rcode => {
                        last = Some(DnsError::Rcode {
                            server,
                            name: name.to_owned(),
                            rcode: rcode_name(rcode),
                        });
                    }
                },
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| DnsError::Io {
            server: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DNS_PORT),
            source: io::Error::new(io::ErrorKind::NotFound, "no nameserver configured"),
        }))
    }

    /// UDP with retries, then TCP if the reply is truncated.
    fn ask(&self, server: SocketAddr, name: &str) -> Result<Response, DnsError> {
        let mut last = None;
        for _ in 0..self.attempts.max(1) {
            let id = random_id()?;
            let query = encode_query(id, name)?;
            match udp_exchange(server, &query, id, name, self.timeout) {
                Ok(r) if r.truncated => {
                    let id = random_id()?;
                    let query = encode_query(id, name)?;
                    return tcp_exchange(server, &query, id, name, self.timeout);
                }
                Ok(r) => return Ok(r),
                // A timeout or a lost datagram is worth one more try; the rest is not.
                Err(e @ DnsError::Timeout { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| malformed("no attempt made")))
    }
}

fn finish(name: &str, mut records: Vec<Srv>) -> Result<Vec<Srv>, DnsError> {
    if records.is_empty() {
        return Err(DnsError::NoRecord {
            name: name.to_owned(),
        });
    }
    records.retain(|r| !r.target.is_empty());
    if records.is_empty() {
        return Err(DnsError::NotAvailable {
            name: name.to_owned(),
        });
    }
    sort_records(&mut records);
    Ok(records)
}

fn random_id() -> Result<u16, DnsError> {
    let mut b = [0u8; 2];
    getrandom::fill(&mut b).map_err(|e| DnsError::Random(e.to_string()))?;
    Ok(u16::from_be_bytes(b))
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

fn io_err(server: SocketAddr, after: Duration, e: io::Error) -> DnsError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => DnsError::Timeout { server, after },
        _ => DnsError::Io { server, source: e },
    }
}

/// Is `r` the reply to our query `id` for `name`?
fn is_our_reply(r: &Response, id: u16, name: &str) -> bool {
    r.id == id
        && r.response
        && r.question.as_ref().is_some_and(|(q, t, c)| {
            *t == TYPE_SRV && *c == CLASS_IN && q.eq_ignore_ascii_case(name)
        })
}

fn udp_exchange(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    name: &str,
    t: Duration,
) -> Result<Response, DnsError> {
    let deadline = Instant::now() + t;
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let sock = UdpSocket::bind(local).map_err(|e| io_err(server, t, e))?;
    // connect(): only datagrams from the server arrive, and ICMP errors are reported.
    sock.connect(server).map_err(|e| io_err(server, t, e))?;
    sock.send(query).map_err(|e| io_err(server, t, e))?;
    let mut buf = vec![0u8; 65_535];
    loop {
        let left = remaining(deadline).ok_or(DnsError::Timeout { server, after: t })?;
        sock.set_read_timeout(Some(left))
            .map_err(|e| io_err(server, t, e))?;
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(server, t, e)),
        };
        let msg = &buf[..n];
        // Another id (a late or forged reply): ignore it and keep waiting.
        if msg.len() < 2 || u16::from_be_bytes([msg[0], msg[1]]) != id {
            continue;
        }
        let reply = decode_response(msg)?;
        if is_our_reply(&reply, id, name) {
            return Ok(reply);
        }
    }
}

fn tcp_exchange(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    name: &str,
    t: Duration,
) -> Result<Response, DnsError> {
    let deadline = Instant::now() + t;
    let mut s = TcpStream::connect_timeout(&server, t).map_err(|e| io_err(server, t, e))?;
    let left = remaining(deadline).ok_or(DnsError::Timeout { server, after: t })?;
    s.set_write_timeout(Some(left))
        .map_err(|e| io_err(server, t, e))?;
    let len = u16::try_from(query.len()).map_err(|_| malformed("query too long"))?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(query);
    s.write_all(&framed).map_err(|e| io_err(server, t, e))?;
    let mut len = [0u8; 2];
    read_full(&mut s, &mut len, deadline, server, t)?;
    let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
    read_full(&mut s, &mut msg, deadline, server, t)?;
    let reply = decode_response(&msg)?;
    if !is_our_reply(&reply, id, name) {
        return Err(malformed(
            "the TCP reply does not answer the query (id or question differ)",
        ));
    }
    Ok(reply)
}

fn read_full(
    s: &mut TcpStream,
    buf: &mut [u8],
    deadline: Instant,
    server: SocketAddr,
    t: Duration,
) -> Result<(), DnsError> {
    let mut done = 0;
    while done < buf.len() {
        let left = remaining(deadline).ok_or(DnsError::Timeout { server, after: t })?;
        s.set_read_timeout(Some(left))
            .map_err(|e| io_err(server, t, e))?;
        match s.read(&mut buf[done..]) {
            Ok(0) => {
                return Err(DnsError::Io {
                    server,
                    source: io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the nameserver closed the connection before its reply was complete",
                    ),
                });
            }
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(server, t, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn srv(priority: u16, weight: u16, port: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight,
            port,
            target: target.into(),
        }
    }

    #[test]
    fn query_bytes() {
        let q = encode_query(0x1234, "_kerberos._tcp.EXAMPLE.COM").unwrap();
        let mut want = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for l in ["_kerberos", "_tcp", "EXAMPLE", "COM"] {
            want.push(l.len() as u8);
            want.extend_from_slice(l.as_bytes());
        }
        want.extend_from_slice(&[0, 0, 33, 0, 1]);
        assert_eq!(q, want);
        // A trailing dot is the same name.
        assert_eq!(
            encode_query(0x1234, "_kerberos._tcp.EXAMPLE.COM.").unwrap(),
            q
        );
    }

    #[test]
    fn bad_names() {
        for n in [
            "a..b",
            ".",
            "a b.c",
            "é.com",
            &"a".repeat(64),
            &["a"; 200].join("."),
        ] {
            if n == "." {
                // The root is a valid name (one zero byte).
                assert_eq!(encode_name(n).unwrap(), [0]);
                continue;
            }
            assert!(encode_name(n).is_err(), "{n}");
        }
    }

    #[test]
    fn response_round_trip() {
        let recs = [srv(0, 100, 88, "dc1.example.com"), srv(10, 0, 88, "")];
        let r = encode_response(7, "_kerberos._tcp.EXAMPLE.COM", 0, false, &recs).unwrap();
        let d = decode_response(&r).unwrap();
        assert_eq!(d.id, 7);
        assert!(d.response && !d.truncated);
        assert_eq!(d.rcode, 0);
        assert_eq!(
            d.question,
            Some(("_kerberos._tcp.EXAMPLE.COM".into(), TYPE_SRV, CLASS_IN))
        );
        assert_eq!(d.answers, recs);
    }

    /// A hand-made reply with compression: owner points at the question, target
    /// shares the question's suffix, and a non-SRV record is skipped.
    #[test]
    fn compression_pointers() {
        let mut m = vec![0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0];
        // 12: _ldap._tcp.example.com
        for l in ["_ldap", "_tcp", "example", "com"] {
            m.push(l.len() as u8);
            m.extend_from_slice(l.as_bytes());
        }
        m.push(0);
        m.extend_from_slice(&[0, 33, 0, 1]);
        // A record (type 1) for the question name: skipped.
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
        // SRV: owner = pointer to 12; target = "dc1" + pointer to "example.com" (offset 12+6+5=23).
        m.extend_from_slice(&[0xc0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 12]);
        m.extend_from_slice(&[0, 5, 0, 50, 1, 0x85]);
        m.extend_from_slice(&[3, b'd', b'c', b'1', 0xc0, 23]);
        let d = decode_response(&m).unwrap();
        assert_eq!(d.id, 0xabcd);
        assert_eq!(d.answers, [srv(5, 50, 389, "dc1.example.com")]);
    }

    #[test]
    fn pointer_loops_and_forward_pointers_are_refused() {
        // Name at 12 is a pointer to itself.
        let mut m = vec![
            0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 33, 0, 1,
        ];
        assert!(decode_response(&m).is_err());
        // Two pointers pointing at each other.
        m = vec![
            0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 0xc0, 12, 0, 33, 0, 1,
        ];
        assert!(decode_response(&m).is_err());
        // A label followed by a pointer back to that label.
        m = vec![
            0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0xc0, 12, 0, 33, 0, 1,
        ];
        assert!(decode_response(&m).is_err());
    }

    #[test]
    fn truncated_and_short_messages() {
        let r = encode_response(1, "_x._tcp.a.b", 0, false, &[srv(0, 0, 1, "h.a.b")]).unwrap();
        for n in 0..r.len() {
            assert!(decode_response(&r[..n]).is_err(), "prefix {n}");
        }
        // With TC set, a record cut off is dropped instead of failing.
        let mut r = encode_response(1, "_x._tcp.a.b", 0, true, &[srv(0, 0, 1, "h.a.b")]).unwrap();
        r.truncate(r.len() - 3);
        let d = decode_response(&r).unwrap();
        assert!(d.truncated && d.answers.is_empty());
    }

    #[test]
    fn ordering_and_dot_target() {
        let mut v = vec![
            srv(10, 5, 88, "c"),
            srv(0, 10, 88, "b"),
            srv(0, 50, 88, "a2"),
            srv(0, 50, 88, "a1"),
        ];
        sort_records(&mut v);
        let order: Vec<&str> = v.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(order, ["a1", "a2", "b", "c"]);
        assert!(matches!(
            finish("x", vec![srv(0, 0, 0, "")]),
            Err(DnsError::NotAvailable { .. })
        ));
        assert!(matches!(
            finish("x", vec![]),
            Err(DnsError::NoRecord { .. })
        ));
    }

    #[test]
    fn servers() {
        let conf = "# c\nsearch example.com\nnameserver 10.0.0.1\nnameserver ::1\n nameserver\tfe80::1%eth0\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n";
        let s: Vec<String> = parse_resolv_conf(conf)
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(s, ["10.0.0.1:53", "[::1]:53", "10.0.0.2:53"]);
        assert_eq!(
            parse_server("127.0.0.1").unwrap().to_string(),
            "127.0.0.1:53"
        );
        assert_eq!(
            parse_server("127.0.0.1:5353").unwrap().to_string(),
            "127.0.0.1:5353"
        );
        assert_eq!(parse_server("[::1]").unwrap().to_string(), "[::1]:53");
        assert_eq!(
            parse_server("[::1]:5353").unwrap().to_string(),
            "[::1]:5353"
        );
        assert_eq!(parse_server("::1").unwrap().to_string(), "[::1]:53");
        assert!(parse_server("dns.example.com").is_none());
        assert!(parse_server("127.0.0.1:x").is_none());
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode_response(&bytes);
            for start in 0..bytes.len().min(32) {
                let _ = decode_name(&bytes, start);
            }
        }

        #[test]
        fn header_prefix_then_garbage(tail in proptest::collection::vec(any::<u8>(), 0..300),
                                      an in any::<u16>(), flags in any::<u16>()) {
            let mut m = vec![0, 1];
            m.extend_from_slice(&flags.to_be_bytes());
            m.extend_from_slice(&[0, 1]);
            m.extend_from_slice(&an.to_be_bytes());
            m.extend_from_slice(&[0, 0, 0, 0]);
            m.extend_from_slice(&tail);
            let _ = decode_response(&m);
        }

        #[test]
        fn round_trip(id in any::<u16>(),
                      recs in proptest::collection::vec(
                          (any::<u16>(), any::<u16>(), any::<u16>(), "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,20}){0,3}"),
                          0..8)) {
            let recs: Vec<Srv> = recs.into_iter().map(|(p, w, port, t)| srv(p, w, port, &t)).collect();
            let m = encode_response(id, "_kerberos._tcp.EXAMPLE.COM", 0, false, &recs).unwrap();
            let d = decode_response(&m).unwrap();
            prop_assert_eq!(d.id, id);
            prop_assert_eq!(d.answers, recs);
            let q = decode_response(&encode_query(id, "_kerberos._tcp.EXAMPLE.COM").unwrap()).unwrap();
            prop_assert_eq!(q.question.unwrap().0, "_kerberos._tcp.EXAMPLE.COM");
        }
    }
}

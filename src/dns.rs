//! A minimal, strict DNS client (RFC 1035): SRV records (RFC 2782), used to find the
//! realm's KDC (`_kerberos._tcp.REALM`) and domain controller
//! (`_ldap._tcp.dc._msdcs.REALM`) when neither flags nor krb5.conf name them; and
//! the A, AAAA and CNAME records of a web site's host name, for the DNS check of
//! `spnkt create`, `apply`, `wizard` and `spn check` (what name browsers will ask a
//! ticket for).
//!
//! [`encode_question`], [`encode_reply`] and [`decode_response`] are pure and never
//! panic on any input: every read is bounds-checked, and compression pointers must
//! point strictly backwards, so a pointer loop cannot occur. [`Resolver`] asks the
//! nameservers of `/etc/resolv.conf` (or `SPNKT_DNS_SERVER=ip[:port]`) over UDP,
//! with a deadline and one retry per server, and over TCP when the reply is
//! truncated. Each query has a random 16-bit id; a reply with another id, from
//! another address or for another question is ignored. The A and AAAA queries of a
//! host go out together on one socket, so they cost one round trip.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

/// Resource record type A (an IPv4 address).
pub const TYPE_A: u16 = 1;
/// Resource record type CNAME (the canonical name of an alias).
pub const TYPE_CNAME: u16 = 5;
/// Resource record type AAAA (an IPv6 address, RFC 3596).
pub const TYPE_AAAA: u16 = 28;
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
/// CNAMEs followed at most from one name (a longer chain is refused as malformed).
pub const MAX_CNAMES: usize = 8;

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

/// The data of a record spnkt reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// The canonical name of the owner (an alias); no trailing dot.
    Cname(String),
    /// A service location.
    Srv(Srv),
}

impl RecordData {
    /// The record type's number.
    pub fn rtype(&self) -> u16 {
        match self {
            RecordData::A(_) => TYPE_A,
            RecordData::Aaaa(_) => TYPE_AAAA,
            RecordData::Cname(_) => TYPE_CNAME,
            RecordData::Srv(_) => TYPE_SRV,
        }
    }
}

/// One record of class IN from an answer section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The owner name, without trailing dot.
    pub owner: String,
    /// Time to live, seconds.
    pub ttl: u32,
    pub data: RecordData,
}

/// A decoded DNS reply: the header fields spnkt checks, the question, and the
/// records of the answer section spnkt reads.
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
    /// The SRV records of the answer section whose owner is the question's name.
    pub answers: Vec<Srv>,
    /// Every A, AAAA, CNAME and SRV record of class IN in the answer section, in
    /// order, whatever its owner (a CNAME chain brings records of other names).
    pub records: Vec<Record>,
}

/// Why a lookup gave no usable record.
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

/// A standard query (RD set) for the records of type `qtype` of `name`.
pub fn encode_question(id: u16, name: &str, qtype: u16) -> Result<Vec<u8>, DnsError> {
    let qname = encode_name(name)?;
    let mut out = Vec::with_capacity(12 + qname.len() + 4);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&0x0100u16.to_be_bytes()); // RD
    out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // QD=1, AN=NS=AR=0
    out.extend_from_slice(&qname);
    out.extend_from_slice(&qtype.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(out)
}

/// A standard query (RD set) for the SRV records of `name`.
pub fn encode_query(id: u16, name: &str) -> Result<Vec<u8>, DnsError> {
    encode_question(id, name, TYPE_SRV)
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
    let records: Vec<Record> = records
        .iter()
        .map(|s| Record {
            owner: name.to_owned(),
            ttl: 600,
            data: RecordData::Srv(s.clone()),
        })
        .collect();
    encode_reply(id, name, TYPE_SRV, rcode, truncated, &records)
}

/// A reply to a query for `name` and `qtype` with `records` in its answer section
/// (any owners, in order): for tests and fake servers. Names are written
/// uncompressed.
pub fn encode_reply(
    id: u16,
    name: &str,
    qtype: u16,
    rcode: u8,
    truncated: bool,
    records: &[Record],
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
    out.extend_from_slice(&qtype.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    for r in records {
        let rdata = match &r.data {
            RecordData::A(ip) => ip.octets().to_vec(),
            RecordData::Aaaa(ip) => ip.octets().to_vec(),
            RecordData::Cname(target) => encode_name(target)?,
            RecordData::Srv(s) => {
                let mut d = Vec::new();
                d.extend_from_slice(&s.priority.to_be_bytes());
                d.extend_from_slice(&s.weight.to_be_bytes());
                d.extend_from_slice(&s.port.to_be_bytes());
                d.extend_from_slice(&encode_name(&s.target)?);
                d
            }
        };
        out.extend_from_slice(&encode_name(&r.owner)?);
        out.extend_from_slice(&r.data.rtype().to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&r.ttl.to_be_bytes());
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(&rdata);
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

fn u32_at(buf: &[u8], at: usize) -> Result<u32, DnsError> {
    Ok((u32::from(u16_at(buf, at)?) << 16) | u32::from(u16_at(buf, at.saturating_add(2))?))
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

/// One record's data of a type spnkt reads (None: another type, skipped). The data
/// must fill `rdata_at..rdata_end` exactly.
fn decode_rdata(
    buf: &[u8],
    rtype: u16,
    rdata_at: usize,
    rdata_end: usize,
) -> Result<Option<RecordData>, DnsError> {
    let rdata = &buf[rdata_at..rdata_end];
    let name_filling = |at: usize, what: &str| -> Result<String, DnsError> {
        let (name, after) = decode_name(buf, at)?;
        if after != rdata_end {
            return Err(DnsError::Malformed(format!(
                "{what} record length does not match its data"
            )));
        }
        Ok(name)
    };
    Ok(Some(match rtype {
        TYPE_A => {
            let b: [u8; 4] = rdata
                .try_into()
                .map_err(|_| malformed("A record data is not 4 bytes"))?;
            RecordData::A(Ipv4Addr::from(b))
        }
        TYPE_AAAA => {
            let b: [u8; 16] = rdata
                .try_into()
                .map_err(|_| malformed("AAAA record data is not 16 bytes"))?;
            RecordData::Aaaa(Ipv6Addr::from(b))
        }
        TYPE_CNAME => {
            if rdata.is_empty() {
                return Err(malformed("CNAME record data is empty"));
            }
            RecordData::Cname(name_filling(rdata_at, "CNAME")?)
        }
        TYPE_SRV => {
            if rdata.len() < 7 {
                return Err(malformed("SRV record data too short"));
            }
            RecordData::Srv(Srv {
                priority: u16_at(buf, rdata_at)?,
                weight: u16_at(buf, rdata_at + 2)?,
                port: u16_at(buf, rdata_at + 4)?,
                target: name_filling(rdata_at + 6, "SRV")?,
            })
        }
        _ => return Ok(None),
    }))
}

/// Decode a reply. Answer records of class IN and type A, AAAA, CNAME or SRV are
/// kept (in [`Response::records`]; SRV records of the question's name also in
/// [`Response::answers`]), others skipped; the authority and additional sections
/// are not read.
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
    let mut records = Vec::new();
    for _ in 0..ancount {
        let rr = (|| {
            let (owner, next) = decode_name(buf, pos)?;
            let rtype = u16_at(buf, next)?;
            let rclass = u16_at(buf, next + 2)?;
            let ttl = u32_at(buf, next + 4)?;
            let rdlen = usize::from(u16_at(buf, next + 8)?);
            let rdata_at = next + 10;
            let rdata_end = rdata_at + rdlen;
            if rdata_end > buf.len() {
                return Err(malformed("record data runs past the end of the message"));
            }
            let data = if rclass == CLASS_IN {
                decode_rdata(buf, rtype, rdata_at, rdata_end)?
            } else {
                None
            };
            Ok((data.map(|data| Record { owner, ttl, data }), rdata_end))
        })();
        match rr {
            Ok((record, next)) => {
                if let Some(r) = record {
                    if let RecordData::Srv(s) = &r.data
                        && question
                            .as_ref()
                            .is_some_and(|(q, _, _)| q.eq_ignore_ascii_case(&r.owner))
                    {
                        answers.push(s.clone());
                    }
                    records.push(r);
                }
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
        records,
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

/// What DNS says about a host name: the CNAME chain that starts at it and the
/// addresses of the chain's end (the canonical name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAddresses {
    /// The name asked for, lower case, without trailing dot.
    pub name: String,
    /// The CNAME targets from `name` on, in order, lower case (empty: `name` is no
    /// alias).
    pub chain: Vec<String>,
    /// The A and AAAA addresses of the canonical name (A first), without duplicates.
    pub addresses: Vec<IpAddr>,
    /// The nameserver said the name (or the end of its chain) does not exist.
    pub nxdomain: bool,
    /// The nameserver that answered.
    pub server: SocketAddr,
    /// Queries sent (2, the A and AAAA questions; 4 or more when a CNAME chain left
    /// a reply without its end's addresses and the end was asked for again).
    pub queries: usize,
}

impl HostAddresses {
    /// The name the CNAME chain ends at (`name` itself when it is no alias).
    pub fn canonical(&self) -> &str {
        self.chain.last().map_or(&self.name, String::as_str)
    }

    /// Neither an address nor an alias.
    pub fn is_empty(&self) -> bool {
        self.chain.is_empty() && self.addresses.is_empty()
    }
}

/// Follow the CNAMEs from `start` through `records`, appending each target to
/// `chain` (lower case); returns the name reached. A loop, or more than
/// [`MAX_CNAMES`] in all, is malformed.
pub fn follow_cnames(
    start: &str,
    records: &[Record],
    chain: &mut Vec<String>,
    origin: &str,
) -> Result<String, DnsError> {
    let mut cur = start.to_ascii_lowercase();
    while let Some(target) = records.iter().find_map(|r| match &r.data {
        RecordData::Cname(t) if r.owner.eq_ignore_ascii_case(&cur) => Some(t.to_ascii_lowercase()),
        _ => None,
    }) {
        if target == origin || chain.contains(&target) {
            return Err(malformed("CNAME loop"));
        }
        if chain.len() >= MAX_CNAMES {
            return Err(DnsError::Malformed(format!(
                "more than {MAX_CNAMES} CNAMEs from {origin}"
            )));
        }
        chain.push(target.clone());
        cur = target;
    }
    Ok(cur)
}

/// The A and AAAA addresses of `name` in `records` (A first), without duplicates.
pub fn addresses_of(name: &str, records: &[Record]) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for want in [TYPE_A, TYPE_AAAA] {
        for r in records
            .iter()
            .filter(|r| r.data.rtype() == want && r.owner.eq_ignore_ascii_case(name))
        {
            let ip = match r.data {
                RecordData::A(a) => IpAddr::V4(a),
                RecordData::Aaaa(a) => IpAddr::V6(a),
                _ => continue,
            };
            if !out.contains(&ip) {
                out.push(ip);
            }
        }
    }
    out
}

/// How much a finding of the DNS check matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Note,
    /// Worth acting on; SPNEGO may fail for some clients, or the site is not there yet.
    Warning,
    /// SPNEGO will fail as DNS is now: fix DNS first.
    RedFlag,
}

/// One finding of the DNS check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `no_record`, `cname`, `cname_to_machine`, `canonical_spn_held`, `no_address`,
    /// `dc_address` or `not_checked`.
    pub kind: &'static str,
    /// The finding and what to do, in words.
    pub message: String,
}

/// What the DNS check could say about the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The nameserver answered with an address or an alias.
    Resolved,
    /// The nameserver knows no A, AAAA or CNAME record for the host.
    NoRecord,
    /// No nameserver could be asked, or none answered in time.
    NotChecked,
    /// Not asked (`--no-dns-check`, or `dns_check = false` in a plan).
    Skipped,
}

/// The DNS check of a web site's host name: what DNS says, the name browsers will
/// therefore ask a ticket for, and what that means for the account (`--json`:
/// `dns_check`; the plan shows it below its steps).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HostCheck {
    /// The host name checked.
    pub host: String,
    pub status: CheckStatus,
    /// The nameserver that answered (`ip:port`).
    pub nameserver: Option<String>,
    /// The CNAME targets from `host` on, in order (empty: `host` is no alias).
    pub cname_chain: Vec<String>,
    /// The name browsers ask a ticket for: the end of the CNAME chain.
    pub canonical: String,
    /// `HTTP/<canonical>`: the SPN browsers ask a ticket for, which the account
    /// should hold.
    pub browser_spn: String,
    /// The canonical name's A and AAAA addresses.
    pub addresses: Vec<String>,
    /// DNS queries sent.
    pub dns_queries: usize,
    /// What it means, the most important first.
    pub findings: Vec<Finding>,
}

impl HostCheck {
    /// A check that was not made (`status` says why), naming `host` only.
    pub fn without_answer(host: &str, status: CheckStatus) -> HostCheck {
        HostCheck {
            host: host.to_owned(),
            status,
            nameserver: None,
            cname_chain: Vec::new(),
            canonical: host.to_owned(),
            browser_spn: format!("HTTP/{host}"),
            addresses: Vec::new(),
            dns_queries: 0,
            findings: Vec::new(),
        }
    }

    /// The host is an alias of another name.
    pub fn is_alias(&self) -> bool {
        !self.cname_chain.is_empty()
    }

    /// A red flag was found.
    pub fn has_red_flag(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::RedFlag)
    }

    /// What was found, in one line (`DNS: ...`).
    pub fn summary(&self) -> String {
        let ns = self
            .nameserver
            .as_deref()
            .map(|n| format!(" (nameserver {n})"))
            .unwrap_or_default();
        let addrs = |a: &[String]| match a {
            [] => "no address".to_owned(),
            [one] => format!("address {one}"),
            many => format!("addresses {}", many.join(", ")),
        };
        match self.status {
            CheckStatus::Skipped => format!("DNS: {} not checked (--no-dns-check)", self.host),
            CheckStatus::NotChecked => format!("DNS: {} could not be checked", self.host),
            CheckStatus::NoRecord => {
                format!("DNS: no A, AAAA or CNAME record for {}{ns}", self.host)
            }
            CheckStatus::Resolved if self.is_alias() => format!(
                "DNS: {} is an alias (CNAME): {} -> {}, {}{ns}; browsers ask for {}",
                self.host,
                self.host,
                self.cname_chain.join(" -> "),
                addrs(&self.addresses),
                self.browser_spn
            ),
            CheckStatus::Resolved => {
                format!("DNS: {} has {}{ns}", self.host, addrs(&self.addresses))
            }
        }
    }
}

impl std::fmt::Display for HostCheck {
    /// The summary line, then one line per finding.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.summary())?;
        for x in &self.findings {
            let level = match x.severity {
                Severity::Note => "note",
                Severity::Warning => "warning",
                Severity::RedFlag => "RED FLAG",
            };
            writeln!(f, "  - {level}: {}", x.message)?;
        }
        Ok(())
    }
}

/// Who to ask and how long to wait.
#[derive(Debug, Clone)]
pub struct Resolver {
    pub servers: Vec<SocketAddr>,
    /// Per attempt (UDP, or the TCP retry); with `backoff`, the first attempt's.
    pub timeout: Duration,
    /// UDP attempts per server.
    pub attempts: u32,
    /// Double the wait after each unanswered attempt (a lost datagram then costs
    /// a short first wait, a slow server still gets long ones).
    pub backoff: bool,
}

/// A question: name and type.
type Question<'a> = (&'a str, u16);

impl Resolver {
    /// One server, default timeout and attempts.
    pub fn new(servers: Vec<SocketAddr>) -> Self {
        Resolver {
            servers,
            timeout: TIMEOUT,
            attempts: 2,
            backoff: false,
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
            let reply = self
                .ask(server, &[(name, TYPE_SRV)], None)
                .pop()
                .unwrap_or_else(|| Err(malformed("no attempt made")));
            match reply {
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
        Err(last.unwrap_or_else(no_server))
    }

    /// The A and AAAA records of `name`, following its CNAME chain, within
    /// `budget` for everything. The two questions go out together; CNAMEs are
    /// followed within the replies, and the chain's end is asked for again only
    /// when the replies hold no address for it (the nameserver did not follow the
    /// chain). NXDOMAIN is no error ([`HostAddresses::nxdomain`]); servers are
    /// asked in order until one answers the A question with NOERROR or NXDOMAIN (an
    /// AAAA question it fails to answer counts as no AAAA record).
    pub fn lookup_host(&self, name: &str, budget: Duration) -> Result<HostAddresses, DnsError> {
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        encode_name(&name)?;
        let deadline = Instant::now() + budget;
        let mut last = None;
        for &server in &self.servers {
            if remaining(deadline).is_none() {
                break;
            }
            match self.host_at(server, &name, deadline) {
                Ok(found) => return Ok(found),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| DnsError::Timeout {
            server: self
                .servers
                .first()
                .copied()
                .unwrap_or_else(|| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DNS_PORT)),
            after: budget,
        }))
    }

    fn host_at(
        &self,
        server: SocketAddr,
        name: &str,
        deadline: Instant,
    ) -> Result<HostAddresses, DnsError> {
        let mut found = HostAddresses {
            name: name.to_owned(),
            chain: Vec::new(),
            addresses: Vec::new(),
            nxdomain: false,
            server,
            queries: 0,
        };
        let mut cur = name.to_owned();
        // Each round asks for the chain's end so far; a chain of MAX_CNAMES that
        // leaves every reply takes that many rounds at most.
        for _ in 0..=MAX_CNAMES {
            let mut replies =
                self.ask(server, &[(&cur, TYPE_A), (&cur, TYPE_AAAA)], Some(deadline));
            found.queries += 2;
            let aaaa = replies.pop().unwrap_or_else(|| Err(malformed("no reply")));
            let a = replies
                .pop()
                .unwrap_or_else(|| Err(malformed("no reply")))?;
            if !matches!(a.rcode, RCODE_NOERROR | RCODE_NXDOMAIN) {
                return Err(DnsError::Rcode {
                    server,
                    name: cur,
                    rcode: rcode_name(a.rcode),
                });
            }
            let mut records = a.records;
            if let Ok(aaaa) = aaaa
                && matches!(aaaa.rcode, RCODE_NOERROR | RCODE_NXDOMAIN)
            {
                records.extend(aaaa.records);
            }
            let end = follow_cnames(&cur, &records, &mut found.chain, name)?;
            found.addresses = addresses_of(&end, &records);
            let moved = end != cur;
            cur = end;
            if a.rcode == RCODE_NXDOMAIN {
                found.nxdomain = true;
                break;
            }
            // Done: an address, or the end of the chain without one (NODATA).
            if !found.addresses.is_empty() || !moved {
                break;
            }
        }
        Ok(found)
    }

    /// Ask `server` every question at once over UDP (with retries for the
    /// unanswered ones), then over TCP each whose reply is truncated. One result per
    /// question, in order.
    fn ask(
        &self,
        server: SocketAddr,
        questions: &[Question<'_>],
        deadline: Option<Instant>,
    ) -> Vec<Result<Response, DnsError>> {
        let mut results = udp_exchange(server, questions, self, deadline);
        for (result, &(name, qtype)) in results.iter_mut().zip(questions) {
            if matches!(result, Ok(r) if r.truncated) {
                let t = match deadline.and_then(remaining) {
                    // The short first wait of `backoff` is for datagrams, not for a
                    // TCP connection and its exchange: those get what is left.
                    Some(left) if self.backoff => left,
                    Some(left) => left.min(self.timeout),
                    None if deadline.is_some() => {
                        *result = Err(DnsError::Timeout {
                            server,
                            after: self.timeout,
                        });
                        continue;
                    }
                    None => self.timeout,
                };
                *result = random_id().and_then(|id| {
                    let query = encode_question(id, name, qtype)?;
                    tcp_exchange(server, &query, id, (name, qtype), t)
                });
            }
        }
        results
    }
}

fn no_server() -> DnsError {
    DnsError::Io {
        server: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DNS_PORT),
        source: io::Error::new(io::ErrorKind::NotFound, "no nameserver configured"),
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

/// Is `r` the reply to our query `id` for `question`?
fn is_our_reply(r: &Response, id: u16, (name, qtype): Question<'_>) -> bool {
    r.id == id
        && r.response
        && r.question
            .as_ref()
            .is_some_and(|(q, t, c)| *t == qtype && *c == CLASS_IN && q.eq_ignore_ascii_case(name))
}

/// One question's state in a UDP exchange: the ids it was sent with, its result.
struct Slot {
    ids: Vec<u16>,
    result: Option<Result<Response, DnsError>>,
}

/// Every question without a result fails with `e`.
fn fail_pending(slots: &mut [Slot], server: SocketAddr, e: &io::Error) {
    for s in slots.iter_mut().filter(|s| s.result.is_none()) {
        s.result = Some(Err(DnsError::Io {
            server,
            source: io::Error::new(e.kind(), e.to_string()),
        }));
    }
}

/// Send every question to `server` on one UDP socket and collect the replies; the
/// unanswered ones are sent again (new ids; a late reply to an earlier id still
/// counts) up to `r.attempts` times, each attempt waiting `r.timeout` (doubled
/// each time with `r.backoff`; never past `deadline`). A reply with an unknown id
/// or for another question is ignored; a malformed reply with a known id is that
/// question's error.
fn udp_exchange(
    server: SocketAddr,
    questions: &[Question<'_>],
    r: &Resolver,
    deadline: Option<Instant>,
) -> Vec<Result<Response, DnsError>> {
    let t = r.timeout;
    let start = Instant::now();
    let fail_all = |e: DnsError| -> Vec<Result<Response, DnsError>> {
        let text = e.to_string();
        let mut first = Some(e);
        questions
            .iter()
            .map(|_| {
                Err(first.take().unwrap_or_else(|| DnsError::Io {
                    server,
                    source: io::Error::other(text.clone()),
                }))
            })
            .collect()
    };
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let sock = match UdpSocket::bind(local).and_then(|s| {
        // connect(): only datagrams from the server arrive, and ICMP errors are reported.
        s.connect(server)?;
        Ok(s)
    }) {
        Ok(s) => s,
        Err(e) => return fail_all(io_err(server, t, e)),
    };
    let mut slots: Vec<Slot> = questions
        .iter()
        .map(|_| Slot {
            ids: Vec::new(),
            result: None,
        })
        .collect();
    let mut buf = vec![0u8; 65_535];
    let mut wait = t;
    'attempts: for _ in 0..r.attempts.max(1) {
        let mut attempt_end = Instant::now() + wait;
        if r.backoff {
            wait = wait.saturating_mul(2);
        }
        if let Some(d) = deadline {
            attempt_end = attempt_end.min(d);
        }
        for i in 0..slots.len() {
            if slots[i].result.is_some() {
                continue;
            }
            let (name, qtype) = questions[i];
            let id = match random_id() {
                Ok(id) => id,
                Err(e) => {
                    slots[i].result = Some(Err(e));
                    continue;
                }
            };
            let sent = encode_question(id, name, qtype)
                .and_then(|query| sock.send(&query).map_err(|e| io_err(server, t, e)));
            match sent {
                Ok(_) => slots[i].ids.push(id),
                // A refusal (ICMP) of an earlier datagram is reported here: it holds
                // for every question to this server.
                Err(DnsError::Io { source, .. }) => {
                    fail_pending(&mut slots, server, &source);
                    break 'attempts;
                }
                Err(e) => slots[i].result = Some(Err(e)),
            }
        }
        while slots.iter().any(|s| s.result.is_none()) {
            let Some(left) = remaining(attempt_end) else {
                break;
            };
            if let Err(e) = sock.set_read_timeout(Some(left)) {
                fail_pending(&mut slots, server, &e);
                break 'attempts;
            }
            let n = match sock.recv(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    break;
                }
                // ICMP port unreachable and the like: nobody answers there.
                Err(e) => {
                    fail_pending(&mut slots, server, &e);
                    break 'attempts;
                }
            };
            let msg = &buf[..n];
            if msg.len() < 2 {
                continue;
            }
            let id = u16::from_be_bytes([msg[0], msg[1]]);
            // Another id (a late or forged reply): ignore it and keep waiting.
            let Some(i) = slots
                .iter()
                .position(|s| s.result.is_none() && s.ids.contains(&id))
            else {
                continue;
            };
            match decode_response(msg) {
                Err(e) => slots[i].result = Some(Err(e)),
                Ok(reply) if is_our_reply(&reply, id, questions[i]) => {
                    slots[i].result = Some(Ok(reply));
                }
                Ok(_) => {}
            }
        }
        if slots.iter().all(|s| s.result.is_some()) {
            break;
        }
        if deadline.is_some_and(|d| remaining(d).is_none()) {
            break;
        }
    }
    // How long this server was waited for, to the millisecond.
    let after =
        Duration::from_millis(u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX));
    slots
        .into_iter()
        .map(|s| s.result.unwrap_or(Err(DnsError::Timeout { server, after })))
        .collect()
}

fn tcp_exchange(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    question: Question<'_>,
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
    if !is_our_reply(&reply, id, question) {
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

    fn rec(owner: &str, data: RecordData) -> Record {
        Record {
            owner: owner.into(),
            ttl: 300,
            data,
        }
    }

    fn a(ip: [u8; 4]) -> RecordData {
        RecordData::A(Ipv4Addr::from(ip))
    }

    fn cname(t: &str) -> RecordData {
        RecordData::Cname(t.into())
    }

    #[test]
    fn address_questions() {
        let q = encode_question(0x0102, "www.example.test", TYPE_AAAA).unwrap();
        assert_eq!(&q[..4], &[1, 2, 1, 0]);
        assert_eq!(&q[q.len() - 4..], &[0, 28, 0, 1]);
        let d = decode_response(&q).unwrap();
        assert!(!d.response);
        assert_eq!(
            d.question,
            Some(("www.example.test".into(), TYPE_AAAA, CLASS_IN))
        );
        let q = encode_question(7, "www.example.test.", TYPE_A).unwrap();
        assert_eq!(&q[q.len() - 4..], &[0, 1, 0, 1]);
    }

    #[test]
    fn address_and_cname_round_trip() {
        let recs = [
            rec("www.example.test", cname("web.example.test")),
            rec("web.example.test", a([192, 0, 2, 10])),
            rec("web.example.test", a([192, 0, 2, 11])),
            rec(
                "web.example.test",
                RecordData::Aaaa("2001:db8::10".parse().unwrap()),
            ),
        ];
        let m = encode_reply(9, "www.example.test", TYPE_A, 0, false, &recs).unwrap();
        let d = decode_response(&m).unwrap();
        assert_eq!(d.records, recs);
        assert!(d.answers.is_empty(), "no SRV records");
        let mut chain = Vec::new();
        let end = follow_cnames(
            "WWW.example.test",
            &d.records,
            &mut chain,
            "www.example.test",
        )
        .unwrap();
        assert_eq!(end, "web.example.test");
        assert_eq!(chain, ["web.example.test"]);
        let addrs: Vec<String> = addresses_of(&end, &d.records)
            .iter()
            .map(IpAddr::to_string)
            .collect();
        assert_eq!(addrs, ["192.0.2.10", "192.0.2.11", "2001:db8::10"]);
    }

    /// As a nameserver writes it: the owner of the CNAME points at the question, its
    /// target shares the question's suffix, and the A record's owner points at the
    /// target inside the CNAME's data. A record of class CH and an MX are skipped.
    #[test]
    fn compressed_cname_chain() {
        let mut m = vec![0x12, 0x34, 0x81, 0x80, 0, 1, 0, 4, 0, 0, 0, 0];
        // 12: webalias.example.test (webalias = 8 bytes; example at 21, test at 29)
        for l in ["webalias", "example", "test"] {
            m.push(l.len() as u8);
            m.extend_from_slice(l.as_bytes());
        }
        m.push(0);
        m.extend_from_slice(&[0, 1, 0, 1]);
        // CNAME: owner -> 12, data "dc1" + pointer to "example.test" (21).
        m.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 0, 0, 6]);
        let target_at = m.len() as u8;
        m.extend_from_slice(&[3, b'd', b'c', b'1', 0xc0, 21]);
        // The same owner in class CH (3): skipped.
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 3, 0, 0, 0, 0, 0, 4, 10, 0, 0, 1]);
        // MX (15): skipped, whatever its data.
        m.extend_from_slice(&[0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 0, 0, 2, 0, 10]);
        // A: owner -> the CNAME's target.
        m.extend_from_slice(&[
            0xc0, target_at, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 127, 0, 0, 1,
        ]);
        let d = decode_response(&m).unwrap();
        assert_eq!(
            d.records,
            [
                Record {
                    owner: "webalias.example.test".into(),
                    ttl: 0,
                    data: cname("dc1.example.test"),
                },
                Record {
                    owner: "dc1.example.test".into(),
                    ttl: 3600,
                    data: a([127, 0, 0, 1]),
                },
            ]
        );
    }

    #[test]
    fn bad_record_data_is_refused() {
        let ok = encode_reply(
            1,
            "h.test",
            TYPE_A,
            0,
            false,
            &[rec("h.test", a([1, 2, 3, 4]))],
        )
        .unwrap();
        decode_response(&ok).unwrap();
        // RDLENGTH 5 with 5 bytes of data: not an A record.
        let mut bad = ok.clone();
        let at = bad.len() - 6;
        bad[at + 1] = 5;
        bad.push(9);
        let e = decode_response(&bad).unwrap_err();
        assert!(
            e.to_string().contains("A record data is not 4 bytes"),
            "{e}"
        );
        // AAAA with 4 bytes.
        let mut bad = ok.clone();
        let rtype_at = bad.len() - 13;
        assert_eq!(bad[rtype_at], 1);
        bad[rtype_at] = 28;
        assert!(decode_response(&bad).is_err());
        // A CNAME whose name ends before its RDLENGTH does.
        let mut m = encode_reply(
            1,
            "h.test",
            TYPE_A,
            0,
            false,
            &[rec("h.test", cname("x.test"))],
        )
        .unwrap();
        let len_at = m.len() - 8 - 2;
        m[len_at + 1] += 1;
        m.push(0);
        let e = decode_response(&m).unwrap_err();
        assert!(e.to_string().contains("CNAME record length"), "{e}");
        // An empty CNAME.
        let mut m = encode_reply(
            1,
            "h.test",
            TYPE_A,
            0,
            false,
            &[rec("h.test", cname("x.test"))],
        )
        .unwrap();
        m.truncate(m.len() - 8);
        let len_at = m.len() - 2;
        m[len_at + 1] = 0;
        assert!(decode_response(&m).is_err());
    }

    #[test]
    fn cname_loops_and_long_chains() {
        let mut chain = Vec::new();
        let looped = [rec("a.t", cname("b.t")), rec("b.t", cname("a.t"))];
        let e = follow_cnames("a.t", &looped, &mut chain, "a.t").unwrap_err();
        assert!(e.to_string().contains("CNAME loop"), "{e}");
        let selfish = [rec("a.t", cname("A.T"))];
        assert!(follow_cnames("a.t", &selfish, &mut Vec::new(), "a.t").is_err());
        let long: Vec<Record> = (0..=MAX_CNAMES)
            .map(|i| rec(&format!("n{i}.t"), cname(&format!("n{}.t", i + 1))))
            .collect();
        let e = follow_cnames("n0.t", &long, &mut Vec::new(), "n0.t").unwrap_err();
        assert!(e.to_string().contains("more than 8 CNAMEs"), "{e}");
        let just = &long[..MAX_CNAMES];
        let mut chain = Vec::new();
        assert_eq!(
            follow_cnames("n0.t", just, &mut chain, "n0.t").unwrap(),
            "n8.t"
        );
        assert_eq!(chain.len(), MAX_CNAMES);
        // No CNAME: the name itself, lower case.
        assert_eq!(
            follow_cnames("Web.T", &[], &mut Vec::new(), "web.t").unwrap(),
            "web.t"
        );
    }

    #[test]
    fn host_addresses() {
        let h = HostAddresses {
            name: "www.t".into(),
            chain: vec!["web.t".into()],
            addresses: vec![],
            nxdomain: false,
            server: "127.0.0.1:53".parse().unwrap(),
            queries: 2,
        };
        assert_eq!(h.canonical(), "web.t");
        assert!(!h.is_empty());
        let h = HostAddresses { chain: vec![], ..h };
        assert_eq!(h.canonical(), "www.t");
        assert!(h.is_empty());
        // Duplicates (an A record in both replies) once.
        let recs = [rec("x.t", a([1, 1, 1, 1])), rec("X.t", a([1, 1, 1, 1]))];
        assert_eq!(addresses_of("x.t", &recs).len(), 1);
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
        fn address_records_round_trip(
            id in any::<u16>(),
            qtype in prop_oneof![Just(TYPE_A), Just(TYPE_AAAA), Just(TYPE_CNAME)],
            recs in proptest::collection::vec(
                ("[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,3}", any::<u32>(), 0u8..3,
                 any::<[u8; 16]>(), "[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,3}"),
                0..10)) {
            let recs: Vec<Record> = recs
                .into_iter()
                .map(|(owner, ttl, kind, bytes, target)| Record {
                    owner,
                    ttl,
                    data: match kind {
                        0 => RecordData::A(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
                        1 => RecordData::Aaaa(Ipv6Addr::from(bytes)),
                        _ => RecordData::Cname(target),
                    },
                })
                .collect();
            let m = encode_reply(id, "www.example.test", qtype, 0, false, &recs).unwrap();
            let d = decode_response(&m).unwrap();
            prop_assert_eq!(d.id, id);
            prop_assert_eq!(d.question, Some(("www.example.test".to_owned(), qtype, CLASS_IN)));
            prop_assert_eq!(&d.records, &recs);
            // Following the chain through arbitrary records ends or is refused, never panics.
            let _ = follow_cnames("www.example.test", &d.records, &mut Vec::new(), "www.example.test");
        }

        /// A valid reply with a CNAME chain, then one byte changed or the end cut
        /// off: decoding and following never panic.
        #[test]
        fn mutated_cname_replies_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(),
                                             cut in any::<prop::sample::Index>()) {
            let recs = [
                rec("www.example.test", cname("web.example.test")),
                rec("web.example.test", cname("dc1.example.test")),
                rec("dc1.example.test", a([127, 0, 0, 1])),
                rec("dc1.example.test", RecordData::Aaaa(Ipv6Addr::LOCALHOST)),
            ];
            let mut m = encode_reply(1, "www.example.test", TYPE_A, 0, false, &recs).unwrap();
            let i = at.index(m.len());
            m[i] = byte;
            m.truncate(cut.index(m.len() + 1).max(1));
            if let Ok(d) = decode_response(&m) {
                let mut chain = Vec::new();
                if let Ok(end) = follow_cnames("www.example.test", &d.records, &mut chain, "www.example.test") {
                    let _ = addresses_of(&end, &d.records);
                }
                // What is accepted survives encoding and decoding again.
                let (q, t) = d.question.clone().map_or((String::new(), TYPE_A), |(q, t, _)| (q, t));
                let again = decode_response(&encode_reply(d.id, &q, t, d.rcode, false, &d.records).unwrap()).unwrap();
                prop_assert_eq!(&again.records, &d.records);
            }
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

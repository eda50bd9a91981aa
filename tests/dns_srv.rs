//! DNS against a fake nameserver on 127.0.0.1 (UDP and TCP on the same port, in a
//! thread of this test), answering canned replies chosen by the query name and
//! type. SRV discovery: records, a truncated UDP reply that forces TCP, NXDOMAIN,
//! SERVFAIL, a compression-pointer loop, a reply with the wrong id, a dropped first
//! datagram, and a "." target. Host lookups (A and AAAA at once): addresses, a
//! CNAME chain that leaves the reply (its end is asked again), a CNAME loop across
//! replies, NODATA, a truncated AAAA reply, an AAAA question the server fails, and
//! a server that never answers within the budget. Nothing but 127.0.0.1 is
//! contacted. (The DNS check against a real nameserver, dnsmasq, and the Samba AD
//! lab is tests/dns_check.rs.)

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use spnkt::dns::{self, DnsError, Record, RecordData, Resolver, Srv};

fn srv(priority: u16, weight: u16, port: u16, target: &str) -> Srv {
    Srv {
        priority,
        weight,
        port,
        target: target.into(),
    }
}

fn rec(owner: &str, data: RecordData) -> Record {
    Record {
        owner: owner.into(),
        ttl: 60,
        data,
    }
}

fn a(ip: &str) -> RecordData {
    RecordData::A(ip.parse().unwrap())
}

fn aaaa(ip: &str) -> RecordData {
    RecordData::Aaaa(ip.parse().unwrap())
}

fn cname(target: &str) -> RecordData {
    RecordData::Cname(target.into())
}

/// The reply to an A or AAAA query for `name` with `id`.
fn answer_address(name: &str, qtype: u16, id: u16, tcp: bool) -> Vec<Vec<u8>> {
    let n = name.to_ascii_lowercase();
    let v4 = qtype == dns::TYPE_A;
    let reply = |rcode: u8, tc: bool, recs: &[Record]| {
        vec![dns::encode_reply(id, name, qtype, rcode, tc, recs).unwrap()]
    };
    match n.as_str() {
        "plain.addr.test" if v4 => reply(0, false, &[rec(&n, a("192.0.2.1"))]),
        "plain.addr.test" => reply(0, false, &[rec(&n, aaaa("2001:db8::1"))]),
        // The nameserver does not follow the chain (another zone): CNAME only.
        "alias.leave.test" => reply(0, false, &[rec(&n, cname("far.other.test"))]),
        "far.other.test" if v4 => reply(0, false, &[rec(&n, a("192.0.2.2"))]),
        "far.other.test" => reply(0, false, &[]),
        // A chain that comes back to where it started, one reply at a time.
        "loop1.leave.test" => reply(0, false, &[rec(&n, cname("loop2.other.test"))]),
        "loop2.other.test" => reply(0, false, &[rec(&n, cname("loop1.leave.test"))]),
        // Followed by the nameserver, ending at a name without an address.
        "dangling.addr.test" => reply(3, false, &[rec(&n, cname("gone.addr.test"))]),
        "nodata.addr.test" => reply(0, false, &[]),
        "tcaaaa.addr.test" if v4 => reply(0, false, &[rec(&n, a("192.0.2.3"))]),
        "tcaaaa.addr.test" if !tcp => reply(0, true, &[]),
        "tcaaaa.addr.test" => reply(0, false, &[rec(&n, aaaa("2001:db8::3"))]),
        "aaaafail.addr.test" if v4 => reply(0, false, &[rec(&n, a("192.0.2.4"))]),
        "aaaafail.addr.test" => reply(2, false, &[]),
        "servfail.addr.test" => reply(2, false, &[]),
        // Never answered.
        "silent.addr.test" => vec![],
        _ => reply(3, false, &[]),
    }
}

/// The reply to a query for `name` with `id`; `tcp` says which transport asked.
/// None: send nothing.
fn answer(name: &str, qtype: u16, id: u16, tcp: bool, drops: &AtomicUsize) -> Vec<Vec<u8>> {
    if qtype == dns::TYPE_A || qtype == dns::TYPE_AAAA {
        return answer_address(name, qtype, id, tcp);
    }
    let n = name.to_ascii_lowercase();
    let ok = |recs: &[Srv]| dns::encode_response(id, name, 0, false, recs).unwrap();
    match n.as_str() {
        "_kerberos._tcp.ok.test" => vec![ok(&[
            srv(10, 0, 88, "dc3.ok.test"),
            srv(0, 10, 88, "dc2.ok.test"),
            srv(0, 60, 88, "dc1.ok.test"),
        ])],
        "_ldap._tcp.dc._msdcs.ok.test" => vec![ok(&[srv(0, 100, 389, "dc1.ok.test")])],
        // KDC only: the LDAP URL falls back to the KDC's host.
        "_kerberos._tcp.kdconly.test" => vec![ok(&[srv(0, 0, 750, "kdc.kdconly.test")])],
        "_kerberos._tcp.tc.test" if !tcp => {
            vec![dns::encode_response(id, name, 0, true, &[]).unwrap()]
        }
        "_kerberos._tcp.tc.test" => vec![ok(&[srv(0, 0, 88, "viatcp.tc.test")])],
        "_kerberos._tcp.servfail.test" => {
            vec![dns::encode_response(id, name, 2, false, &[]).unwrap()]
        }
        "_kerberos._tcp.dot.test" => vec![ok(&[srv(0, 0, 0, "")])],
        "_kerberos._tcp.empty.test" => vec![ok(&[])],
        "_kerberos._tcp.loop.test" => {
            // A valid header and question, then an SRV record whose target is a
            // pointer to itself.
            let mut m = dns::encode_query(id, name).unwrap();
            m[2] = 0x81;
            m[3] = 0x80;
            m[7] = 1; // ANCOUNT
            m.extend_from_slice(&[0xc0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 8]);
            m.extend_from_slice(&[0, 0, 0, 0, 0, 88]);
            let at = m.len() as u8;
            m.extend_from_slice(&[0xc0, at]);
            vec![m]
        }
        // First a reply with another id (ignored), then the right one.
        "_kerberos._tcp.wrongid.test" => vec![
            dns::encode_response(id ^ 0x5555, name, 0, false, &[srv(0, 0, 1, "evil.test")])
                .unwrap(),
            ok(&[srv(0, 0, 88, "good.wrongid.test")]),
        ],
        "_kerberos._tcp.onlywrongid.test" => {
            vec![
                dns::encode_response(id ^ 1, name, 0, false, &[srv(0, 0, 1, "evil.test")]).unwrap(),
            ]
        }
        // The first datagram is lost: the retry gets the answer.
        "_kerberos._tcp.drop.test" if drops.fetch_add(1, Ordering::SeqCst) == 0 => vec![],
        "_kerberos._tcp.drop.test" => vec![ok(&[srv(0, 0, 88, "retried.drop.test")])],
        _ => vec![dns::encode_response(id, name, 3, false, &[]).unwrap()],
    }
}

fn parse_query(q: &[u8]) -> Option<(u16, String, u16)> {
    let d = dns::decode_response(q).ok()?;
    let (name, qtype, _) = d.question?;
    Some((d.id, name, qtype))
}

/// Start the fake nameserver once; its address.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        // UDP and TCP on the same port.
        let (udp, tcp) = loop {
            let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
            if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()) {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr().unwrap();
        let drops = Arc::new(AtomicUsize::new(0));
        let d = drops.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            loop {
                let Ok((n, from)) = udp.recv_from(&mut buf) else {
                    continue;
                };
                let Some((id, name, qtype)) = parse_query(&buf[..n]) else {
                    continue;
                };
                for reply in answer(&name, qtype, id, false, &d) {
                    let _ = udp.send_to(&reply, from);
                }
            }
        });
        std::thread::spawn(move || {
            for s in tcp.incoming() {
                let Ok(mut s) = s else { continue };
                let mut len = [0u8; 2];
                if s.read_exact(&mut len).is_err() {
                    continue;
                }
                let mut q = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if s.read_exact(&mut q).is_err() {
                    continue;
                }
                let Some((id, name, qtype)) = parse_query(&q) else {
                    continue;
                };
                for reply in answer(&name, qtype, id, true, &drops) {
                    let mut framed = (reply.len() as u16).to_be_bytes().to_vec();
                    framed.extend_from_slice(&reply);
                    let _ = s.write_all(&framed);
                }
            }
        });
        addr
    })
}

fn resolver() -> Resolver {
    Resolver {
        timeout: Duration::from_millis(700),
        ..Resolver::new(vec![server()])
    }
}

#[test]
fn records_sorted_by_priority_then_weight() {
    let r = resolver().lookup_srv("_kerberos._tcp.OK.TEST").unwrap();
    let t: Vec<&str> = r.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(t, ["dc1.ok.test", "dc2.ok.test", "dc3.ok.test"]);
    assert_eq!(r[0].host_port(), "dc1.ok.test:88");
}

#[test]
fn truncated_udp_reply_is_retried_over_tcp() {
    let r = resolver().lookup_srv("_kerberos._tcp.TC.TEST").unwrap();
    assert_eq!(r, [srv(0, 0, 88, "viatcp.tc.test")]);
}

#[test]
fn nxdomain_and_empty_answer_are_no_record() {
    for name in ["_kerberos._tcp.NX.TEST", "_kerberos._tcp.EMPTY.TEST"] {
        let e = resolver().lookup_srv(name).unwrap_err();
        assert!(matches!(e, DnsError::NoRecord { .. }), "{e}");
        assert_eq!(e.to_string(), format!("no SRV record {name}"));
    }
}

#[test]
fn servfail_is_an_error() {
    let e = resolver()
        .lookup_srv("_kerberos._tcp.SERVFAIL.TEST")
        .unwrap_err();
    assert!(
        matches!(
            e,
            DnsError::Rcode {
                rcode: "SERVFAIL",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn dot_target_means_not_available() {
    let e = resolver()
        .lookup_srv("_kerberos._tcp.DOT.TEST")
        .unwrap_err();
    assert!(matches!(e, DnsError::NotAvailable { .. }), "{e}");
}

#[test]
fn compression_loop_is_malformed() {
    let start = Instant::now();
    let e = resolver()
        .lookup_srv("_kerberos._tcp.LOOP.TEST")
        .unwrap_err();
    assert!(matches!(e, DnsError::Malformed(_)), "{e}");
    assert!(start.elapsed() < Duration::from_millis(600));
}

#[test]
fn wrong_id_is_ignored() {
    let r = resolver()
        .lookup_srv("_kerberos._tcp.WRONGID.TEST")
        .unwrap();
    assert_eq!(r, [srv(0, 0, 88, "good.wrongid.test")]);
    // Only wrong ids: a timeout after both attempts.
    let start = Instant::now();
    let e = resolver()
        .lookup_srv("_kerberos._tcp.ONLYWRONGID.TEST")
        .unwrap_err();
    assert!(matches!(e, DnsError::Timeout { .. }), "{e}");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(1300) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[test]
fn lost_datagram_is_retried() {
    let r = resolver().lookup_srv("_kerberos._tcp.DROP.TEST").unwrap();
    assert_eq!(r, [srv(0, 0, 88, "retried.drop.test")]);
}

#[test]
fn next_server_after_a_dead_one() {
    // 127.0.0.1:1 refuses; the fake server answers.
    let r = Resolver {
        timeout: Duration::from_millis(700),
        ..Resolver::new(vec!["127.0.0.1:1".parse().unwrap(), server()])
    };
    assert_eq!(r.lookup_srv("_kerberos._tcp.OK.TEST").unwrap().len(), 3);
}

fn addresses(h: &dns::HostAddresses) -> Vec<String> {
    h.addresses.iter().map(|a| a.to_string()).collect()
}

const BUDGET: Duration = Duration::from_secs(3);

#[test]
fn host_addresses_in_one_round() {
    let h = resolver().lookup_host("PLAIN.addr.test.", BUDGET).unwrap();
    assert_eq!(h.name, "plain.addr.test");
    assert_eq!(addresses(&h), ["192.0.2.1", "2001:db8::1"]);
    assert!(h.chain.is_empty() && !h.nxdomain);
    assert_eq!(h.canonical(), "plain.addr.test");
    assert_eq!(h.queries, 2);
    assert_eq!(h.server, server());
}

#[test]
fn a_chain_that_leaves_the_reply_is_asked_again() {
    let h = resolver().lookup_host("alias.leave.test", BUDGET).unwrap();
    assert_eq!(h.chain, ["far.other.test"]);
    assert_eq!(h.canonical(), "far.other.test");
    assert_eq!(addresses(&h), ["192.0.2.2"]);
    assert_eq!(h.queries, 4);
}

#[test]
fn a_cname_loop_across_replies_is_malformed() {
    let e = resolver()
        .lookup_host("loop1.leave.test", BUDGET)
        .unwrap_err();
    assert!(matches!(e, DnsError::Malformed(_)), "{e}");
    assert!(e.to_string().contains("CNAME loop"), "{e}");
}

#[test]
fn nxdomain_nodata_and_a_dangling_alias() {
    let h = resolver().lookup_host("nx.addr.test", BUDGET).unwrap();
    assert!(h.nxdomain && h.is_empty());
    let h = resolver().lookup_host("nodata.addr.test", BUDGET).unwrap();
    assert!(!h.nxdomain && h.is_empty());
    // NXDOMAIN with a CNAME (RFC 6604): the alias exists, its end does not.
    let h = resolver()
        .lookup_host("dangling.addr.test", BUDGET)
        .unwrap();
    assert!(h.nxdomain && !h.is_empty());
    assert_eq!(h.canonical(), "gone.addr.test");
    assert!(h.addresses.is_empty());
    assert_eq!(h.queries, 2);
}

#[test]
fn a_truncated_aaaa_reply_is_asked_over_tcp() {
    let h = resolver().lookup_host("tcaaaa.addr.test", BUDGET).unwrap();
    assert_eq!(addresses(&h), ["192.0.2.3", "2001:db8::3"]);
}

#[test]
fn a_failed_aaaa_question_is_no_aaaa_record_but_a_failed_a_question_is_an_error() {
    let h = resolver()
        .lookup_host("aaaafail.addr.test", BUDGET)
        .unwrap();
    assert_eq!(addresses(&h), ["192.0.2.4"]);
    let e = resolver()
        .lookup_host("servfail.addr.test", BUDGET)
        .unwrap_err();
    assert!(
        matches!(
            e,
            DnsError::Rcode {
                rcode: "SERVFAIL",
                ..
            }
        ),
        "{e}"
    );
    // ... and the next server is asked.
    let r = Resolver {
        timeout: Duration::from_millis(700),
        ..Resolver::new(vec!["127.0.0.1:1".parse().unwrap(), server()])
    };
    assert_eq!(
        addresses(&r.lookup_host("plain.addr.test", BUDGET).unwrap()).len(),
        2
    );
}

#[test]
fn the_budget_bounds_a_silent_server() {
    let start = Instant::now();
    let r = Resolver {
        timeout: Duration::from_millis(400),
        ..Resolver::new(vec![server(), server()])
    };
    let e = r
        .lookup_host("silent.addr.test", Duration::from_millis(1000))
        .unwrap_err();
    assert!(matches!(e, DnsError::Timeout { .. }), "{e}");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(1600),
        "{took:?}"
    );
    // With backoff the waits double: 0.1 + 0.2 + 0.4 s for three attempts.
    let r = Resolver {
        timeout: Duration::from_millis(100),
        attempts: 3,
        backoff: true,
        ..Resolver::new(vec![server()])
    };
    let start = Instant::now();
    let e = r.lookup_host("silent.addr.test", BUDGET).unwrap_err();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(650) && took < Duration::from_millis(1200),
        "{took:?}"
    );
    // The error says how long the server was waited for in all.
    assert!(e.to_string().contains("did not answer within 7"), "{e}");
}

/// Run spnkt without --kdc/--ldap-url against the fake nameserver. It stops at the
/// missing bind password (standard input is not a terminal), after resolving both,
/// so no directory is contacted.
fn spnkt(args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spnkt"))
        .args(args)
        .current_dir(dir.path())
        .env("SPNKT_DNS_SERVER", server().to_string())
        .env("KRB5_CONFIG", "/dev/null")
        .env_remove("SPNKT_LDAP_URL")
        .env_remove("SPNKT_KDC")
        .env_remove("SPNKT_REALM")
        .env_remove("SPNKT_BIND_USER")
        .env_remove("SPNKT_CA_CERT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const CREATE: &[&str] = &[
    "create",
    "--dry-run",
    "--host",
    "app1.ok.test",
    "--keytab",
    "app1.keytab",
    "--delegation",
    "none",
    "--bind-user",
    "admin@OK.TEST",
];

#[test]
fn create_dry_run_finds_kdc_and_dc_in_dns() {
    let mut args = CREATE.to_vec();
    args.extend(["--realm", "OK.TEST"]);
    let (code, err) = spnkt(&args);
    assert_eq!(code, 2, "{err}");
    // The KDC is the domain controller's own: nothing asks DNS for one.
    assert!(!err.contains("_kerberos._tcp"), "{err}");
    assert!(
        err.contains(
            "note: domain controllers from DNS SRV _ldap._tcp.dc._msdcs.OK.TEST: ldaps://dc1.ok.test:636\n"
        ),
        "{err}"
    );
    assert!(err.contains("error: no bind password given"), "{err}");
}

#[test]
fn starttls_uses_the_srv_port() {
    let (code, err) = spnkt(&[
        "account",
        "show",
        "--host",
        "app1.ok.test",
        "--bind-user",
        "admin@OK.TEST",
        "--realm",
        "OK.TEST",
        "--starttls",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "note: domain controllers from DNS SRV _ldap._tcp.dc._msdcs.OK.TEST: ldap://dc1.ok.test:389"
        ),
        "{err}"
    );
}

#[test]
fn ldap_falls_back_to_the_kdc_from_dns() {
    let mut args = CREATE.to_vec();
    args.extend(["--realm", "KDCONLY.TEST"]);
    let (code, err) = spnkt(&args);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("note: KDC kdc.kdconly.test:750 from DNS SRV _kerberos._tcp.KDCONLY.TEST\n"),
        "{err}"
    );
    assert!(
        err.contains(
            "note: no domain controller from DNS: no SRV record _ldap._tcp.dc._msdcs.KDCONLY.TEST\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("note: using --ldap-url ldaps://kdc.kdconly.test (the realm's KDC)\n"),
        "{err}"
    );
}

#[test]
fn flags_win_over_dns() {
    let mut args = CREATE.to_vec();
    args.extend([
        "--realm",
        "OK.TEST",
        "--kdc",
        "127.0.0.1:1",
        "--ldap-url",
        "ldaps://given.ok.test",
    ]);
    let (code, err) = spnkt(&args);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("DNS"), "{err}");
}

#[test]
fn no_records_anywhere() {
    let mut args = CREATE.to_vec();
    args.extend(["--realm", "NONE.TEST"]);
    let (code, err) = spnkt(&args);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("note: no KDC from DNS: no SRV record _kerberos._tcp.NONE.TEST\n"),
        "{err}"
    );
    assert!(err.contains("error: no domain controller given"), "{err}");
}

/// `spnkt config` for a keytab of HTTP/app1.REALM-in-lower-case@REALM made in a fresh
/// directory, no --kdc, krb5.conf empty: (exit status, stderr, the krb5.conf written).
fn config_with_dns(realm: &str) -> (i32, String, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_spnkt");
    let principal = format!("HTTP/app1.{}@{realm}", realm.to_lowercase());
    let mut child = Command::new(bin)
        .args(["keytab", "create", "-p", &principal, "--password-stdin"])
        .args(["-o", "app1.keytab"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"pw\n").unwrap();
    assert!(child.wait().unwrap().success());
    let out = Command::new(bin)
        .args(["config", "--keytab", "app1.keytab", "--for", "apache"])
        .current_dir(dir.path())
        .env("SPNKT_DNS_SERVER", server().to_string())
        .env("KRB5_CONFIG", "/dev/null")
        .env_remove("SPNKT_KDC")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
        std::fs::read_to_string(dir.path().join("krb5.conf")).ok(),
    )
}

#[test]
fn config_takes_every_kdc_from_dns_and_says_so() {
    let (code, err, conf) = config_with_dns("OK.TEST");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "note: KDC dc1.ok.test:88, dc2.ok.test:88, dc3.ok.test:88 from DNS SRV _kerberos._tcp.OK.TEST\n"
        ),
        "{err}"
    );
    let conf = conf.expect("krb5.conf written");
    assert!(
        conf.contains(
            "        kdc = dc1.ok.test:88\n        kdc = dc2.ok.test:88\n        kdc = dc3.ok.test:88\n"
        ),
        "{conf}"
    );
    assert!(conf.contains("    dns_lookup_kdc = true\n"), "{conf}");
    assert!(
        conf.contains("# KDCs from DNS SRV _kerberos._tcp.OK.TEST."),
        "{conf}"
    );
}

#[test]
fn config_without_any_kdc_is_refused() {
    let (code, err, conf) = config_with_dns("NONE.TEST");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: no KDC for NONE.TEST: none given with --kdc"),
        "{err}"
    );
    assert!(
        err.contains("hint: name the realm's domain controllers with --kdc"),
        "{err}"
    );
    assert!(conf.is_none(), "krb5.conf written without a KDC");
}

//! One request, one reply, over TCP to the one KDC address given (RFC 4120 section
//! 7.2.2: a 4-byte big-endian length before each message). Connect, write and read
//! are bounded by a deadline; a reply larger than [`MAX_REPLY`] is refused before
//! anything is allocated for it.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{KdcAddress, KdcError};

/// Default port of a KDC.
pub const KDC_PORT: u16 = 88;
/// How long one exchange (connect, send, receive) may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest reply accepted (AD replies with PACs are a few tens of KiB).
pub const MAX_REPLY: usize = 1 << 20;

/// Split `host[:port]`, `[v6]:port` or a bare IPv6 address into host and port.
pub(crate) fn host_port(address: &str) -> Result<(String, u16), String> {
    let address = address.trim();
    if address.is_empty() {
        return Err("the KDC address is empty".into());
    }
    let bad_port = |p: &str| format!("`{p}` is not a port number in KDC address `{address}`");
    if let Some(rest) = address.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("KDC address `{address}` has `[` without `]`"))?;
        return match after {
            "" => Ok((host.to_owned(), KDC_PORT)),
            p => {
                let p = p.strip_prefix(':').ok_or_else(|| {
                    format!("unexpected `{p}` after `]` in KDC address `{address}`")
                })?;
                Ok((host.to_owned(), p.parse().map_err(|_| bad_port(p))?))
            }
        };
    }
    match address.matches(':').count() {
        0 => Ok((address.to_owned(), KDC_PORT)),
        1 => {
            let (h, p) = address.split_once(':').unwrap_or((address, ""));
            if h.is_empty() {
                return Err(format!("KDC address `{address}` has no host"));
            }
            Ok((h.to_owned(), p.parse().map_err(|_| bad_port(p))?))
        }
        // A bare IPv6 address.
        _ => Ok((address.to_owned(), KDC_PORT)),
    }
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

fn timeout(kdc: &KdcAddress, t: Duration) -> KdcError {
    KdcError::Timeout {
        address: kdc.as_str().to_owned(),
        after: t,
    }
}

fn io_error(kdc: &KdcAddress, t: Duration, e: io::Error) -> KdcError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => timeout(kdc, t),
        _ => KdcError::Io {
            address: kdc.as_str().to_owned(),
            source: e,
        },
    }
}

fn read_full(
    stream: &mut TcpStream,
    buf: &mut [u8],
    deadline: Instant,
    kdc: &KdcAddress,
    t: Duration,
) -> Result<(), KdcError> {
    let mut done = 0;
    while done < buf.len() {
        let left = remaining(deadline).ok_or_else(|| timeout(kdc, t))?;
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| io_error(kdc, t, e))?;
        match stream.read(&mut buf[done..]) {
            Ok(0) => {
                return Err(KdcError::Io {
                    address: kdc.as_str().to_owned(),
                    source: io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the KDC closed the connection before its reply was complete",
                    ),
                });
            }
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(kdc, t, e)),
        }
    }
    Ok(())
}

fn connect(kdc: &KdcAddress, deadline: Instant, t: Duration) -> Result<TcpStream, KdcError> {
    let (host, port) = host_port(kdc.as_str()).map_err(|reason| KdcError::BadAddress {
        address: kdc.as_str().to_owned(),
        reason,
    })?;
    let addrs: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| KdcError::Resolve {
            address: kdc.as_str().to_owned(),
            source: e,
        })?
        .collect();
    let mut last = None;
    for addr in &addrs {
        let left = remaining(deadline).ok_or_else(|| timeout(kdc, t))?;
        match TcpStream::connect_timeout(addr, left) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    let source = last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, "the name resolves to no address")
    });
    if matches!(
        source.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    ) {
        return Err(timeout(kdc, t));
    }
    Err(KdcError::Connect {
        address: kdc.as_str().to_owned(),
        source,
    })
}

/// Pause before the one retry of a refused connection (a KDC restarting).
const RETRY_PAUSE: Duration = Duration::from_millis(500);

/// Send `request` to the KDC over TCP and return its reply, within `t`. A connection
/// that is refused, reset, closed before the whole reply arrived, or that stays
/// silent past the deadline once connected is tried once more, as MIT's
/// sendto_kdc does: the same request again is harmless (an AS-REQ or TGS-REQ
/// changes nothing at the KDC). A KDC that cannot be connected to within the
/// deadline is not: it is not there.
pub fn exchange(kdc: &KdcAddress, request: &[u8], t: Duration) -> Result<Vec<u8>, KdcError> {
    let mut stream = match connect(kdc, Instant::now() + t, t) {
        Err(KdcError::Connect { .. }) => {
            std::thread::sleep(RETRY_PAUSE);
            connect(kdc, Instant::now() + t, t)?
        }
        r => r?,
    };
    match talk(&mut stream, kdc, request, t) {
        Err(KdcError::Io { .. } | KdcError::Timeout { .. }) => {
            let mut stream = connect(kdc, Instant::now() + t, t)?;
            talk(&mut stream, kdc, request, t)
        }
        r => r,
    }
}

/// Send the request on a connected stream and read the reply, within `t`.
fn talk(
    stream: &mut TcpStream,
    kdc: &KdcAddress,
    request: &[u8],
    t: Duration,
) -> Result<Vec<u8>, KdcError> {
    let deadline = Instant::now() + t;
    let len = u32::try_from(request.len()).map_err(|_| KdcError::Io {
        address: kdc.as_str().to_owned(),
        source: io::Error::new(io::ErrorKind::InvalidInput, "request too large"),
    })?;
    let mut framed = Vec::with_capacity(4 + request.len());
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(request);
    let left = remaining(deadline).ok_or_else(|| timeout(kdc, t))?;
    stream
        .set_write_timeout(Some(left))
        .map_err(|e| io_error(kdc, t, e))?;
    stream
        .write_all(&framed)
        .and_then(|()| stream.flush())
        .map_err(|e| io_error(kdc, t, e))?;
    let mut len = [0u8; 4];
    read_full(stream, &mut len, deadline, kdc, t)?;
    let len = u32::from_be_bytes(len);
    // The high bit is reserved (RFC 4120 7.2.2); a KDC never sets it.
    if len & 0x8000_0000 != 0 || len as usize > MAX_REPLY {
        return Err(KdcError::ReplyTooLarge {
            address: kdc.as_str().to_owned(),
            len: u64::from(len),
            max: MAX_REPLY,
        });
    }
    let mut reply = vec![0u8; len as usize];
    read_full(stream, &mut reply, deadline, kdc, t)?;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            host_port("dc1.example.test"),
            Ok(("dc1.example.test".into(), 88))
        );
        assert_eq!(host_port("127.0.0.1:8888"), Ok(("127.0.0.1".into(), 8888)));
        assert_eq!(host_port("[::1]:750"), Ok(("::1".into(), 750)));
        assert_eq!(host_port("[::1]"), Ok(("::1".into(), 88)));
        assert_eq!(host_port("fe80::1"), Ok(("fe80::1".into(), 88)));
        assert!(host_port("h:port").is_err());
        assert!(host_port(":88").is_err());
        assert!(host_port("").is_err());
        assert!(host_port("[::1").is_err());
        assert!(host_port("[::1]x").is_err());
    }

    #[test]
    fn oversized_and_truncated_replies() {
        use std::net::TcpListener;
        // (reply, connections the client makes: a truncated reply is retried once)
        for (reply, connections) in [
            (vec![0x80u8, 0, 0, 1], 1),
            ((MAX_REPLY as u32 + 1).to_be_bytes().to_vec(), 1),
            (vec![0, 0, 0, 10, 1, 2], 2),
        ] {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = KdcAddress::new(l.local_addr().unwrap().to_string());
            let server = std::thread::spawn(move || {
                for _ in 0..connections {
                    let (mut s, _) = l.accept().unwrap();
                    let mut len = [0u8; 4];
                    s.read_exact(&mut len).unwrap();
                    let mut req = vec![0u8; u32::from_be_bytes(len) as usize];
                    s.read_exact(&mut req).unwrap();
                    s.write_all(&reply).unwrap();
                }
            });
            let err = exchange(&addr, b"hello", Duration::from_secs(5)).unwrap_err();
            assert!(
                matches!(err, KdcError::ReplyTooLarge { .. } | KdcError::Io { .. }),
                "{err}"
            );
            assert!(err.to_string().contains(addr.as_str()), "{err}");
            server.join().unwrap();
        }
    }

    #[test]
    fn a_connection_closed_before_the_reply_is_tried_once_more() {
        use std::net::TcpListener;
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = KdcAddress::new(l.local_addr().unwrap().to_string());
        let server = std::thread::spawn(move || {
            let mut requests = Vec::new();
            for answer in [false, true] {
                let (mut s, _) = l.accept().unwrap();
                let mut len = [0u8; 4];
                s.read_exact(&mut len).unwrap();
                let mut req = vec![0u8; u32::from_be_bytes(len) as usize];
                s.read_exact(&mut req).unwrap();
                requests.push(req);
                if answer {
                    s.write_all(&[0, 0, 0, 2, 0xaa, 0xbb]).unwrap();
                }
            }
            requests
        });
        let reply = exchange(&addr, b"hello", Duration::from_secs(5)).unwrap();
        assert_eq!(reply, [0xaa, 0xbb]);
        // The same request both times.
        assert_eq!(
            server.join().unwrap(),
            [b"hello".to_vec(), b"hello".to_vec()]
        );
    }

    #[test]
    fn silent_server_times_out() {
        use std::net::TcpListener;
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = KdcAddress::new(l.local_addr().unwrap().to_string());
        let start = Instant::now();
        let err = exchange(&addr, b"hello", Duration::from_millis(300)).unwrap_err();
        assert!(matches!(err, KdcError::Timeout { .. }), "{err}");
        assert!(start.elapsed() < Duration::from_secs(3));
        drop(l);
    }
}

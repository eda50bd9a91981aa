//! After a Kerberos bind, `ldap3` takes the connection over through a local socket
//! pair (a Unix socket pair; on other systems a loopback TCP pair): two threads
//! carry its bytes to and from the domain controller, through TLS, and through the
//! SASL security layer when the bind set one up (RFC 4752 section 3.3: each
//! direction a stream of 4-byte length + GSS wrap token buffers). `ldap3` sees a
//! plain, already bound connection and stays unaware of Kerberos.
//!
//! When either side closes or a token fails to verify, both sockets are shut
//! down: `ldap3` sees the connection end, and [`Relay::failure`] says why.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use super::sasl::{Layer, MAX_MESSAGE};
use super::wire::Wire;

/// The far end `ldap3` connects to, and why the relay stopped (if it did).
pub(crate) struct Relay {
    pub stream: ldap3::StdStream,
    /// The URL to give `ldap3` with `stream`.
    pub url: String,
    pub failure: Arc<Mutex<Option<String>>>,
}

#[cfg(unix)]
type Local = std::os::unix::net::UnixStream;
#[cfg(not(unix))]
type Local = std::net::TcpStream;

#[cfg(unix)]
fn pair() -> io::Result<(Local, ldap3::StdStream, String)> {
    let (ours, theirs) = std::os::unix::net::UnixStream::pair()?;
    Ok((
        ours,
        ldap3::StdStream::Unix(theirs),
        "ldapi://spnkt-kerberos-relay".to_owned(),
    ))
}

#[cfg(not(unix))]
fn pair() -> io::Result<(Local, ldap3::StdStream, String)> {
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let theirs = TcpStream::connect(addr)?;
    let (ours, peer) = listener.accept()?;
    // Only our own connection may be the relay's other end.
    if peer != theirs.local_addr()? {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "another process connected to the relay first",
        ));
    }
    Ok((
        ours,
        ldap3::StdStream::Tcp(theirs),
        format!("ldap://{addr}"),
    ))
}

fn stop(wire: &Wire, local: &Local, failure: &Mutex<Option<String>>, why: Option<String>) {
    if let Some(why) = why {
        let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(why);
    }
    wire.shutdown();
    let _ = local.shutdown(std::net::Shutdown::Both);
}

/// Start relaying between `ldap3` and `wire` with the bind's security `layer`.
pub(crate) fn start(wire: Wire, layer: Option<Layer>) -> io::Result<Relay> {
    wire.clear_timeouts()?;
    let (local, stream, url) = pair()?;
    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    let local_up = local.try_clone()?;
    let (wire_up, fail_up) = (wire.clone(), failure.clone());
    let (mut sender, mut receiver, seal, send_max) = match layer {
        Some(l) => (Some(l.sender), Some(l.receiver), l.seal, l.send_max),
        None => (None, None, false, MAX_MESSAGE),
    };
    // ldap3 -> domain controller
    std::thread::Builder::new()
        .name("spnkt-ldap-up".into())
        .spawn(move || {
            let chunk = match &sender {
                Some(s) => send_max
                    .saturating_sub(s.overhead() + 4)
                    .clamp(1, 64 * 1024),
                None => 64 * 1024,
            };
            let mut buf = vec![0u8; chunk];
            let why = loop {
                let n = match (&local_up).read(&mut buf) {
                    Ok(0) => break None,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => break Some(format!("reading from the LDAP client: {e}")),
                };
                let sent = match sender.as_mut() {
                    None => wire_up.write_all(&buf[..n]),
                    Some(s) => match wrap(s, &buf[..n], seal) {
                        Ok(framed) => wire_up.write_all(&framed),
                        Err(e) => break Some(e),
                    },
                };
                if let Err(e) = sent {
                    break Some(format!("sending to the domain controller: {e}"));
                }
            };
            stop(&wire_up, &local_up, &fail_up, why);
        })?;
    // domain controller -> ldap3
    let fail_down = failure.clone();
    std::thread::Builder::new()
        .name("spnkt-ldap-down".into())
        .spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            let why = loop {
                let data = match receiver.as_mut() {
                    None => match wire.read(&mut buf) {
                        Ok(n) => buf[..n].to_vec(),
                        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break None,
                        Err(e) => break Some(format!("reading from the domain controller: {e}")),
                    },
                    Some(r) => match unwrap(&wire, r) {
                        Ok(Some(d)) => d,
                        Ok(None) => break None,
                        Err(e) => break Some(e),
                    },
                };
                if let Err(e) = (&local).write_all(&data) {
                    break Some(format!("passing the answer to the LDAP client: {e}"));
                }
            };
            stop(&wire, &local, &fail_down, why);
        })?;
    Ok(Relay {
        stream,
        url,
        failure,
    })
}

/// One SASL buffer: 4-byte length and the wrap token of `data`.
fn wrap(sender: &mut crate::krb::gss::Sender, data: &[u8], seal: bool) -> Result<Vec<u8>, String> {
    let mut confounder = vec![0u8; 16];
    getrandom::fill(&mut confounder).map_err(|e| format!("no randomness: {e}"))?;
    let token = sender
        .wrap(data, seal, if seal { &confounder } else { &[] })
        .map_err(|e| format!("wrapping a message: {e}"))?;
    let len = u32::try_from(token.len()).map_err(|_| "a message too large to wrap".to_owned())?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(&token);
    Ok(framed)
}

/// The next SASL buffer from the domain controller, unwrapped; None when the
/// connection ended between buffers.
fn unwrap(
    wire: &Wire,
    receiver: &mut crate::krb::gss::Receiver,
) -> Result<Option<Vec<u8>>, String> {
    let mut len = [0u8; 4];
    match wire.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(format!("reading from the domain controller: {e}")),
    }
    let len = usize::try_from(u32::from_be_bytes(len)).unwrap_or(usize::MAX);
    if len > MAX_MESSAGE {
        return Err(format!(
            "the domain controller sent a SASL buffer of {len} bytes (more than {MAX_MESSAGE})"
        ));
    }
    let mut token = vec![0u8; len];
    wire.read_exact(&mut token)
        .map_err(|e| format!("reading from the domain controller: {e}"))?;
    let u = receiver
        .unwrap(&token)
        .map_err(|e| format!("the domain controller's message does not verify: {e}"))?;
    Ok(Some(u.data))
}

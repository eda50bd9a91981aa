//! A TCP proxy on 127.0.0.1 that breaks connections on purpose, to prove that
//! spnkt survives what networks and domain controllers do to it mid-run.
//!
//! It forwards bytes between spnkt and one target (the lab's LDAPS port or its
//! KDC) and counts the client's messages: TLS records for LDAPS, length-prefixed
//! messages for Kerberos over TCP. A [`Fault`] fires after a given message has
//! been forwarded to the server, so the server acts on it but its answer never
//! reaches spnkt (the nastiest moment: "did my add happen?"):
//!
//! - [`Kind::Cut`]: both sides closed (FIN);
//! - [`Kind::Reset`]: the client's side reset (RST, `SO_LINGER` 0);
//! - [`Kind::Stall`]: nothing more is forwarded either way, the sockets stay open;
//! - [`Kind::Pause`]: a callback runs (e.g. restarting the DC), then the message
//!   is forwarded on the old connection, which the restart has broken.
//!
//! Where a fault fires is [`At`]: after the Nth client message of the whole run,
//! or after the Nth message of the next connection opened after the previous
//! fault (the retry), or on every connection from then on.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How the client's byte stream splits into messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// TLS records (5-byte header with the length): LDAPS.
    Tls,
    /// Kerberos over TCP (RFC 4120 7.2.2: a 4-byte length).
    Kerberos,
}

/// What a fault does.
#[derive(Clone)]
pub enum Kind {
    Cut,
    Reset,
    Stall,
    /// Run the callback, then forward the message on the (now broken) connection.
    Pause(Arc<dyn Fn() + Send + Sync>),
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Cut => "cut",
            Kind::Reset => "reset",
            Kind::Stall => "stall",
            Kind::Pause(_) => "pause",
        })
    }
}

/// Where a fault fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// After the Nth (1-based) client message of the run, over all connections.
    Global(usize),
    /// After the Nth message of the first connection opened after the previous
    /// fault fired.
    NextConnection(usize),
    /// After the Nth message of every connection opened after the previous fault
    /// fired (a server that keeps failing).
    EveryConnection(usize),
}

/// One fault.
#[derive(Clone, Debug)]
pub struct Fault {
    pub kind: Kind,
    pub at: At,
}

impl Fault {
    pub fn cut_after(n: usize) -> Fault {
        Fault {
            kind: Kind::Cut,
            at: At::Global(n),
        }
    }
}

#[derive(Default)]
struct State {
    /// Client messages seen over all connections.
    messages: usize,
    /// Connections accepted.
    connections: usize,
    /// Messages per connection (index: connection number - 1).
    per_connection: Vec<usize>,
    /// Index of the next fault to fire.
    next_fault: usize,
    /// Connection number at which the previous fault fired.
    fired_on: Option<usize>,
    fired: Vec<String>,
}

/// A running proxy; it stops accepting when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Listen on 127.0.0.1 (a free port) and forward to `target`.
    pub fn start(target: &str, framing: Framing, faults: Vec<Fault>) -> FaultProxy {
        FaultProxy::start_on("127.0.0.1", target, framing, faults)
    }

    /// Listen on loopback address `ip` (a free port; the address a DC certificate
    /// names) and forward to `target`.
    pub fn start_on(ip: &str, target: &str, framing: Framing, faults: Vec<Fault>) -> FaultProxy {
        let listener = TcpListener::bind((ip, 0)).expect("bind the fault proxy");
        assert!(listener.local_addr().unwrap().ip().is_loopback());
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let target: SocketAddr = target.parse().expect("target is IP:port");
        assert!(target.ip().is_loopback(), "tests contact loopback only");
        let faults = Arc::new(faults);
        {
            let state = state.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let number = {
                        let mut s = state.lock().unwrap();
                        s.connections += 1;
                        s.per_connection.push(0);
                        s.connections
                    };
                    let (state, faults, stop) = (state.clone(), faults.clone(), stop.clone());
                    thread::spawn(move || {
                        let _ = serve(client, target, framing, number, &state, &faults, &stop);
                    });
                }
            });
        }
        FaultProxy { addr, state, stop }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The faults that fired, described (`cut after message 7 (connection 1)`).
    pub fn fired(&self) -> Vec<String> {
        self.state.lock().unwrap().fired.clone()
    }

    /// Client messages seen so far.
    pub fn messages(&self) -> usize {
        self.state.lock().unwrap().messages
    }

    /// Messages per connection, in the order connections were opened.
    pub fn per_connection(&self) -> Vec<usize> {
        self.state.lock().unwrap().per_connection.clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// Read one client message (per `framing`); `None` at a clean end of stream.
fn read_message(r: &mut TcpStream, framing: Framing) -> io::Result<Option<Vec<u8>>> {
    let header_len = match framing {
        Framing::Tls => 5,
        Framing::Kerberos => 4,
    };
    let mut msg = vec![0u8; header_len];
    let mut got = 0;
    while got < header_len {
        match r.read(&mut msg[got..])? {
            0 if got == 0 => return Ok(None),
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    let body = match framing {
        Framing::Tls => u16::from_be_bytes([msg[3], msg[4]]) as usize,
        Framing::Kerberos => u32::from_be_bytes([msg[0], msg[1], msg[2], msg[3]]) as usize,
    };
    msg.resize(header_len + body, 0);
    r.read_exact(&mut msg[header_len..])?;
    Ok(Some(msg))
}

/// Which fault (if any) fires after this message, advancing the state. Faults
/// fire in the order given; an `EveryConnection` one stays armed.
fn due(state: &Mutex<State>, faults: &[Fault], connection: usize) -> Option<Kind> {
    let mut s = state.lock().unwrap();
    s.messages += 1;
    s.per_connection[connection - 1] += 1;
    let local = s.per_connection[connection - 1];
    let global = s.messages;
    let fault = faults.get(s.next_fault)?;
    let after_previous = s.fired_on.is_none_or(|c| connection > c);
    let fire = match fault.at {
        At::Global(n) => global == n,
        At::NextConnection(n) | At::EveryConnection(n) => after_previous && local == n,
    };
    if !fire {
        return None;
    }
    s.fired.push(format!(
        "{:?} after message {global} (message {local} of connection {connection})",
        fault.kind
    ));
    if !matches!(fault.at, At::EveryConnection(_)) {
        s.next_fault += 1;
        s.fired_on = Some(connection);
    }
    Some(fault.kind.clone())
}

fn serve(
    mut client: TcpStream,
    target: SocketAddr,
    framing: Framing,
    number: usize,
    state: &Mutex<State>,
    faults: &[Fault],
    stop: &AtomicBool,
) -> io::Result<()> {
    let mut server = TcpStream::connect_timeout(&target, Duration::from_secs(5))?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    // Once set, nothing more from the server reaches the client.
    let silenced = Arc::new(AtomicBool::new(false));
    {
        let mut from_server = server.try_clone()?;
        let mut to_client = client.try_clone()?;
        let silenced = silenced.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                match from_server.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if silenced.load(Ordering::SeqCst) {
                            continue;
                        }
                        if to_client.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                }
            }
            if !silenced.load(Ordering::SeqCst) {
                let _ = to_client.shutdown(Shutdown::Write);
            }
        });
    }
    while let Some(msg) = read_message(&mut client, framing)? {
        let fault = due(state, faults, number);
        if fault.is_some() {
            silenced.store(true, Ordering::SeqCst);
        }
        if let Some(Kind::Pause(callback)) = &fault {
            callback();
        }
        // The server gets the message whatever happens next (its answer is lost).
        let _ = server.write_all(&msg);
        match fault {
            None => continue,
            Some(Kind::Cut) | Some(Kind::Pause(_)) => {
                // Give the server the message before the connection goes away.
                thread::sleep(Duration::from_millis(20));
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return Ok(());
            }
            Some(Kind::Reset) => {
                thread::sleep(Duration::from_millis(20));
                let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
                drop(client);
                let _ = server.shutdown(Shutdown::Both);
                return Ok(());
            }
            Some(Kind::Stall) => {
                while !stop.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(50));
                }
                return Ok(());
            }
        }
    }
    let _ = server.shutdown(Shutdown::Write);
    Ok(())
}

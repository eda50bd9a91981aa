//! The raw byte stream to a domain controller that spnkt drives itself when `ldap3`
//! cannot: for a Kerberos (SASL GSSAPI) bind, whose exchange and security layer
//! spnkt runs with its own Kerberos code before handing the connection to `ldap3`
//! (see [`super::relay`]), and to look at a certificate nobody trusts yet.
//!
//! A [`Wire`] is TCP, or TLS over TCP (LDAPS, or StartTLS sent by spnkt). Both
//! halves may be used from two threads at once (one reading, one writing): TLS
//! state sits behind a mutex that is never held during a blocking read.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

/// A connection to a domain controller: plain TCP or TLS.
#[derive(Clone)]
pub(crate) enum Wire {
    Tcp(Arc<TcpStream>),
    Tls(Arc<TlsWire>),
}

/// TLS over a TCP stream, usable by one reader and one writer thread at a time.
pub(crate) struct TlsWire {
    conn: Mutex<ClientConnection>,
    /// The socket: reads happen without any lock; writes under `writer`.
    tcp: TcpStream,
    writer: Mutex<()>,
}

/// What went wrong opening a wire: I/O (with the TLS error inside, if any).
pub(crate) type WireResult<T> = Result<T, io::Error>;

/// Connect TCP to `host:port` within `timeout` (each resolved address in turn).
pub(crate) fn connect_tcp(host: &str, port: u16, timeout: Duration) -> WireResult<TcpStream> {
    let host = host.trim_matches(['[', ']']);
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name has no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn tls_io_error(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl TlsWire {
    /// The TLS handshake over `tcp` with `config`, for the server name `host`.
    pub(crate) fn handshake(
        tcp: TcpStream,
        config: Arc<ClientConfig>,
        host: &str,
    ) -> WireResult<TlsWire> {
        let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let mut conn = ClientConnection::new(config, name).map_err(tls_io_error)?;
        let mut sock = &tcp;
        while conn.is_handshaking() {
            conn.complete_io(&mut sock)?;
        }
        Ok(TlsWire {
            conn: Mutex::new(conn),
            tcp,
            writer: Mutex::new(()),
        })
    }

    /// The TCP socket under the TLS.
    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// The server's certificate chain (end entity first).
    pub(crate) fn peer_certificates(&self) -> Vec<CertificateDer<'static>> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.peer_certificates()
            .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
            .unwrap_or_default()
    }

    fn write_all(&self, data: &[u8]) -> io::Result<()> {
        let mut records = Vec::new();
        let writer;
        {
            let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
            // rustls takes at most its buffer limit at a time: encrypt what it
            // took, then hand it the rest.
            let mut rest = data;
            while !rest.is_empty() {
                let n = conn.writer().write(rest)?;
                while conn.wants_write() {
                    conn.write_tls(&mut records)?;
                }
                if n == 0 && !conn.wants_write() {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the TLS connection takes no more data",
                    ));
                }
                rest = &rest[n..];
            }
            // Taken before the TLS state is released, so records leave in order.
            writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        }
        (&self.tcp).write_all(&records)?;
        drop(writer);
        Ok(())
    }

    fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let mut raw = [0u8; 16 * 1024];
        loop {
            {
                let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
                match conn.reader().read(buf) {
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e),
                }
            }
            let n = (&self.tcp).read(&mut raw)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                ));
            }
            let mut records = Vec::new();
            let writer;
            {
                let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
                let mut rest = &raw[..n];
                while !rest.is_empty() {
                    conn.read_tls(&mut rest)?;
                    conn.process_new_packets().map_err(tls_io_error)?;
                }
                // Alerts or key updates the reads produced.
                while conn.wants_write() {
                    conn.write_tls(&mut records)?;
                }
                writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            }
            if !records.is_empty() {
                (&self.tcp).write_all(&records)?;
            }
            drop(writer);
        }
    }
}

impl Wire {
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Wire::Tcp(t) => t,
            Wire::Tls(t) => t.tcp(),
        }
    }

    /// Read some bytes (`Ok(0)` never: a closed connection is `UnexpectedEof`).
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Wire::Tcp(t) => match (&**t).read(buf)? {
                0 => Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                )),
                n => Ok(n),
            },
            Wire::Tls(t) => match t.read(buf)? {
                0 => Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the TLS connection",
                )),
                n => Ok(n),
            },
        }
    }

    pub(crate) fn read_exact(&self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            let n = self.read(buf)?;
            buf = &mut buf[n..];
        }
        Ok(())
    }

    pub(crate) fn write_all(&self, data: &[u8]) -> io::Result<()> {
        match self {
            Wire::Tcp(t) => (&**t).write_all(data),
            Wire::Tls(t) => t.write_all(data),
        }
    }

    /// Close both directions (wakes a thread blocked reading).
    pub(crate) fn shutdown(&self) {
        let _ = self.tcp().shutdown(Shutdown::Both);
    }

    /// No deadline from now on (the relay's threads wait as long as `ldap3` does).
    pub(crate) fn clear_timeouts(&self) -> io::Result<()> {
        self.tcp().set_read_timeout(None)?;
        self.tcp().set_write_timeout(None)
    }

    pub(crate) fn is_tls(&self) -> bool {
        matches!(self, Wire::Tls(_))
    }

    /// The `tls-server-end-point` channel binding (RFC 5929): the literal prefix
    /// and the hash of the server's certificate, with the hash of its signature
    /// algorithm (SHA-256 for MD5 and SHA-1). None without TLS.
    pub(crate) fn channel_binding(&self) -> Option<Vec<u8>> {
        let Wire::Tls(t) = self else { return None };
        let cert = t.peer_certificates().into_iter().next()?;
        let mut cb = b"tls-server-end-point:".to_vec();
        cb.extend_from_slice(&certificate_hash(&cert));
        Some(cb)
    }
}

/// RFC 5929 section 4.1: the certificate's hash with its signature algorithm's
/// hash function, SHA-256 when that is MD5 or SHA-1 (or unknown).
pub(crate) fn certificate_hash(der: &[u8]) -> Vec<u8> {
    use ring::digest::{SHA256, SHA384, SHA512, digest};
    let algorithm = x509_parser::parse_x509_certificate(der)
        .ok()
        .map(|(_, c)| c.signature_algorithm.algorithm.to_id_string());
    let hash = match algorithm.as_deref() {
        // sha384WithRSAEncryption, ecdsa-with-SHA384
        Some("1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3") => &SHA384,
        // sha512WithRSAEncryption, ecdsa-with-SHA512
        Some("1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4") => &SHA512,
        _ => &SHA256,
    };
    digest(hash, der).as_ref().to_vec()
}

/// Accepts any certificate: for `--insecure-skip-verify` (loudly warned about)
/// and for showing a certificate nobody trusts yet (nothing is sent over that
/// connection).
#[derive(Debug)]
pub(crate) struct NoVerification(pub Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A TLS configuration that checks nothing about the server's certificate.
pub(crate) fn unverified_config() -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
        .with_no_client_auth();
    Arc::new(config)
}

/// A domain controller's TLS certificate as a person checks it before trusting
/// its issuer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateInfo {
    /// The subject's distinguished name.
    pub subject: String,
    /// The subject's (first) common name, if it has one.
    pub subject_cn: Option<String>,
    /// The issuer's distinguished name (the CA to trust).
    pub issuer: String,
    /// Valid from (Unix seconds).
    pub not_before: i64,
    /// Valid until (Unix seconds).
    pub not_after: i64,
    /// SHA-256 of the certificate, as `AB:CD:...` (what Windows and OpenSSL show).
    pub sha256: String,
    /// The DNS names and addresses it is valid for (subjectAltName).
    pub names: Vec<String>,
}

/// Describe the end-entity certificate `der`.
pub(crate) fn certificate_info(der: &[u8]) -> Option<CertificateInfo> {
    use x509_parser::extensions::GeneralName;
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push((*d).to_owned()),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => names
                        .push(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).ok()?).to_string()),
                    16 => names.push(
                        std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).ok()?).to_string(),
                    ),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let subject_cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned);
    Some(CertificateInfo {
        subject: cert.subject().to_string(),
        subject_cn,
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        sha256: digest
            .as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
        names,
    })
}

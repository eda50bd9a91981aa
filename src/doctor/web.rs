//! Step 4: the web server, as a browser meets it. GET the URL (TLS verified as a
//! browser would: the OS trust store plus `--ca-cert`): does it answer 401 with
//! `WWW-Authenticate: Negotiate`? Then send the ticket of step 3 as a SPNEGO token
//! and judge the answer: 200 (with the mutual-authentication token checked against
//! the session key), 401 again, 403, 500.
//!
//! The connection goes to the addresses step 1 found (the nameserver spnkt
//! asked, as the browser's resolver would), else to what the system resolver says.
//! No proxy is used.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Serialize;
use ureq::http::{Response, StatusCode};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use ureq::{Agent, Body};

use super::report::{StepKind, StepReport};
use super::target::Target;
use super::token::BrowserToken;
use crate::krb::negotiate;

/// The header size limit of common servers (Apache's LimitRequestFieldSize, nginx's
/// large_client_header_buffers): a larger Negotiate header is refused with 400.
pub const HEADER_LIMIT: usize = 8190;

/// Same-origin redirects followed before the challenge (`/app` -> `/app/`).
const MAX_REDIRECTS: usize = 5;

/// What the web step needs.
#[derive(Debug)]
pub struct Input<'a> {
    /// The URL.
    pub target: &'a Target,
    /// Where its name points (step 1); empty: ask the system.
    pub addresses: &'a [IpAddr],
    /// Extra trust anchors (PEM).
    pub ca_cert: Option<&'a Path>,
    /// Deadline of each request.
    pub timeout: Duration,
    /// The browser's token, or why there is none.
    pub token: Result<&'a BrowserToken, String>,
}

#[derive(Debug, Default, Serialize)]
struct Facts {
    url: String,
    connected_to: Vec<String>,
    challenge_status: Option<u16>,
    www_authenticate: Vec<String>,
    redirects: Vec<String>,
    authenticated_status: Option<u16>,
    authorization_header_bytes: Option<usize>,
    mutual_authentication: Option<String>,
    challenge_ms: Option<u64>,
    authenticated_ms: Option<u64>,
}

/// Connect to the addresses of step 1 (or resolve as the system does).
#[derive(Debug)]
struct Pinned(Vec<IpAddr>);

impl Resolver for Pinned {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if self.0.is_empty() {
            return DefaultResolver::default().resolve(uri, config, timeout);
        }
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let mut out = self.empty();
        for ip in self.0.iter().take(16) {
            out.push(SocketAddr::new(*ip, port));
        }
        Ok(out)
    }
}

/// An agent that verifies TLS with the OS store and `ca_cert`, follows nothing,
/// and treats every status as an answer.
fn agent(input: &Input<'_>) -> Result<Agent, String> {
    let mut roots: Vec<ureq::tls::Certificate<'static>> = crate::ad::ldap::native_roots()
        .iter()
        .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    if let Some(path) = input.ca_cert {
        let pem = crate::ad::ldap::load_pem_certs(path).map_err(|e| e.to_string())?;
        roots.extend(
            pem.iter()
                .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned()),
        );
    }
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(input.timeout))
        .user_agent(format!("spnkt-doctor/{}", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build();
    Ok(Agent::with_parts(
        config,
        DefaultConnector::default(),
        Pinned(input.addresses.to_vec()),
    ))
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The WWW-Authenticate values of a response.
fn challenges(resp: &Response<Body>) -> Vec<String> {
    resp.headers()
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .collect()
}

/// The scheme of a challenge (`Negotiate`, `Basic realm=...` -> `Basic`).
fn scheme(challenge: &str) -> &str {
    challenge.split_whitespace().next().unwrap_or("")
}

/// The token of a `Negotiate <base64>` challenge, if it carries one.
fn negotiate_token(values: &[String]) -> Option<String> {
    values.iter().find_map(|v| {
        let (s, rest) = v.split_once(char::is_whitespace)?;
        (s.eq_ignore_ascii_case("negotiate") && !rest.trim().is_empty())
            .then(|| rest.trim().to_owned())
    })
}

/// A failed request in words: (kind, message, cause, fix).
fn request_failure(e: &ureq::Error, target: &Target) -> (&'static str, String, String, String) {
    let text = e.to_string();
    // rustls' certificate errors reach ureq as I/O errors of the handshake.
    let tls = matches!(e, ureq::Error::Rustls(_) | ureq::Error::Tls(_))
        || matches!(e, ureq::Error::Io(io) if io.get_ref().is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some()));
    match e {
        _ if tls => (
            "tls",
            format!("TLS with {} failed: {}", target.authority(), text.trim_start_matches("io: ")),
            "a browser would refuse this certificate too (untrusted issuer, wrong name or expired), and never get to Negotiate".into(),
            "give --ca-cert PEM when the site's certificate comes from a private CA; otherwise fix the server's certificate (its chain, its names, its dates)".into(),
        ),
        ureq::Error::Timeout(_) => (
            "timeout",
            format!("{} did not answer in time: {text}", target.origin()),
            "the web server is not reachable from here in time".into(),
            "check that the server runs and that the port is open (firewall, listening address); --timeout SECONDS waits longer".into(),
        ),
        _ => (
            "unreachable",
            format!("cannot reach {}: {text}", target.origin()),
            "the web server is not reachable from here".into(),
            "check that the server runs, listens on that address and port, and that DNS points browsers to it".into(),
        ),
    }
}

/// The step's report for a request that got no answer.
fn failed_request(
    mut r: StepReport,
    e: &ureq::Error,
    target: &Target,
    facts: &Facts,
) -> StepReport {
    let (kind, message, cause, fix) = request_failure(e, target);
    r.summary = message.clone();
    r.fail(kind, message, cause, fix);
    r.with_facts(facts)
}

/// Same-origin redirect target of `resp`, if any.
fn redirect_to(
    resp: &Response<Body>,
    target: &Target,
    path: &str,
) -> Option<Result<String, String>> {
    if !resp.status().is_redirection() {
        return None;
    }
    let loc = resp
        .headers()
        .get("location")?
        .to_str()
        .ok()?
        .trim()
        .to_owned();
    if loc.starts_with('/') && !loc.starts_with("//") {
        return Some(Ok(loc));
    }
    let origin = target.origin();
    if let Some(rest) = loc.strip_prefix(&origin)
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return Some(Ok(if rest.is_empty() {
            "/".into()
        } else {
            rest.to_owned()
        }));
    }
    if !loc.contains("://") {
        // Relative to the current path.
        let base = path.rsplit_once('/').map_or("", |(b, _)| b);
        return Some(Ok(format!("{base}/{loc}")));
    }
    Some(Err(loc))
}

/// Run the step.
pub fn run(input: &Input<'_>) -> StepReport {
    let target = input.target;
    let mut facts = Facts {
        url: target.url.clone(),
        connected_to: input
            .addresses
            .iter()
            .map(|a| SocketAddr::new(*a, target.port).to_string())
            .collect(),
        ..Facts::default()
    };
    let mut r = StepReport::new(StepKind::Web, String::new());
    let agent = match agent(input) {
        Ok(a) => a,
        Err(e) => {
            r.summary = "cannot set up TLS".into();
            r.fail("ca_cert", e.clone(), e, "check --ca-cert".to_owned());
            return r.with_facts(&facts);
        }
    };
    let origin = target.origin();
    let mut path = target.path.clone();
    // 1. Unauthenticated: the challenge.
    let started = Instant::now();
    let mut resp;
    let mut hops = 0;
    loop {
        let url = format!("{origin}{path}");
        resp = match agent.get(&url).call() {
            Ok(resp) => resp,
            Err(e) => return failed_request(r, &e, target, &facts),
        };
        match redirect_to(&resp, target, &path) {
            Some(Ok(next)) if hops < MAX_REDIRECTS => {
                facts.redirects.push(next.clone());
                r.fact(
                    "redirect",
                    format!("{} redirects to {next}", resp.status().as_u16()),
                );
                path = next;
                hops += 1;
            }
            Some(Err(elsewhere)) => {
                let code = resp.status().as_u16();
                r.summary = format!("{code}: redirects to {elsewhere}");
                r.fail(
                    "redirect_elsewhere",
                    format!("{url} answers {code} with a redirect to {elsewhere}"),
                    "browsers follow the redirect and do SPNEGO with that site, under its name",
                    format!("check that site: spnkt doctor {elsewhere}"),
                );
                facts.challenge_status = Some(code);
                return r.with_facts(&facts);
            }
            _ => break,
        }
    }
    let challenge_ms = millis(started);
    facts.challenge_ms = Some(challenge_ms);
    r.elapsed_ms = Some(challenge_ms);
    let status = resp.status();
    let offered = challenges(&resp);
    facts.challenge_status = Some(status.as_u16());
    facts.www_authenticate.clone_from(&offered);
    let schemes: Vec<&str> = offered.iter().map(|c| scheme(c)).collect();
    let negotiate = schemes.iter().any(|s| s.eq_ignore_ascii_case("negotiate"));
    let url = format!("{origin}{path}");
    if status == StatusCode::UNAUTHORIZED && negotiate {
        r.fact(
            "challenge",
            format!(
                "GET {url} without credentials: 401 with WWW-Authenticate: {} ({challenge_ms} ms)",
                schemes.join(", ")
            ),
        );
    } else if status == StatusCode::UNAUTHORIZED {
        r.summary = format!(
            "401 without Negotiate (offers {})",
            if schemes.is_empty() {
                "nothing".into()
            } else {
                schemes.join(", ")
            }
        );
        r.fail(
            "no_negotiate",
            format!("GET {url}: 401, WWW-Authenticate: {}", if offered.is_empty() { "none".into() } else { offered.join(" | ") }),
            "the server does not offer Negotiate: browsers never send a Kerberos ticket, and prompt for a password (Basic) or use NTLM",
            "configure SPNEGO on the server: spnkt config --keytab FILE --for apache|java|websphere|nginx writes the settings",
        );
        return r.with_facts(&facts);
    } else if status.is_server_error() {
        r.summary = format!("{} without credentials", status.as_u16());
        r.fail(
            "server_error",
            format!("GET {url}: {status} before any authentication"),
            "the server fails before it asks for authentication",
            "see the web server's error log",
        );
        return r.with_facts(&facts);
    } else {
        r.summary = format!("{} without asking for authentication", status.as_u16());
        r.fail(
            "no_challenge",
            format!("GET {url} without credentials: {status}, no authentication asked for"),
            "the URL is not protected by SPNEGO: browsers are never asked for a Kerberos ticket, so no single sign-on happens here",
            "protect the location with Negotiate (spnkt config --for apache|java|websphere|nginx), or check the URL",
        );
        return r.with_facts(&facts);
    }
    // 2. The ticket, as a browser sends it.
    let token = match &input.token {
        Ok(t) => *t,
        Err(why) => {
            r.summary = format!("the server asks for Negotiate; no ticket to send ({why})");
            return r.with_facts(&facts);
        }
    };
    let header = format!(
        "Negotiate {}",
        base64::engine::general_purpose::STANDARD.encode(&token.token)
    );
    let header_bytes = "Authorization: ".len() + header.len();
    facts.authorization_header_bytes = Some(header_bytes);
    r.fact(
        "header",
        format!("Authorization header of {header_bytes} bytes"),
    );
    if header_bytes > HEADER_LIMIT {
        r.warn(
            "large_header",
            format!("the Authorization header is {header_bytes} bytes, more than the {HEADER_LIMIT} bytes Apache (LimitRequestFieldSize) and nginx (large_client_header_buffers) take by default: users in many groups get 400 Bad Request"),
            Some("raise the server's limit (Apache: LimitRequestFieldSize 65536; nginx: large_client_header_buffers 4 64k), or trim the user's group memberships".into()),
        );
    }
    let started = Instant::now();
    let answer = agent.get(&url).header("Authorization", &header).call();
    let auth_ms = millis(started);
    facts.authenticated_ms = Some(auth_ms);
    r.elapsed_ms = Some(challenge_ms + auth_ms);
    let resp = match answer {
        Ok(resp) => resp,
        Err(e) => return failed_request(r, &e, target, &facts),
    };
    let status = resp.status();
    facts.authenticated_status = Some(status.as_u16());
    let reply = negotiate_token(&challenges(&resp));
    let mutual = reply.as_deref().map(|b64| check_reply(b64, token));
    if let Some(m) = &mutual {
        facts.mutual_authentication = Some(match m {
            Ok(s) => s.clone(),
            Err(r) => r.text.clone(),
        });
    }
    let code = status.as_u16();
    if status.is_success() || status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
        r.summary = format!("{code} with the ticket");
        r.fact(
            "accepted",
            format!("GET {url} with the ticket: {status} ({auth_ms} ms)"),
        );
        match mutual {
            Some(Ok(m)) => r.fact("mutual", m),
            Some(Err(m)) => r.fail(
                "mutual_failed",
                m.text,
                "the server's mutual-authentication token does not prove it holds the service key: a browser (MIT GSS-API) rejects the answer",
                "check that nothing between the browser and the server (a proxy, a load balancer) rewrites the WWW-Authenticate header",
            ),
            None => r.fact("mutual", "no mutual-authentication token in the answer (browsers accept that)"),
        }
        if status == StatusCode::FORBIDDEN {
            r.warn(
                "forbidden",
                format!(
                    "403: the server accepted the ticket, but does not let {} see {path}",
                    token.client
                ),
                Some("check the server's authorization rules (Require user/group...)".into()),
            );
        }
        if status == StatusCode::NOT_FOUND {
            r.warn(
                "not_found",
                format!("404: the server accepted the ticket, but has no page at {path}"),
                Some("check the URL's path".into()),
            );
        }
    } else if status == StatusCode::UNAUTHORIZED {
        r.summary = "401 again: the server rejected the ticket".to_owned();
        let said = match &mutual {
            Some(Err(m)) => format!(" ({})", m.text),
            _ => String::new(),
        };
        let known = match &mutual {
            Some(Err(Refusal {
                krb_error: Some(name),
                ..
            })) => krb_error_cause(name),
            _ => None,
        };
        let (cause, fix) = known.unwrap_or((
            "the server could not accept the ticket: most often its keytab lacks the ticket's kvno or enctype (a password change since the keytab was made), or it accepts another principal, or its clock is more than 5 minutes off",
            "run spnkt doctor on the web server with --keytab its keytab (step 5 names the mismatch), or compare: spnkt account show --host HOST --keytab FILE",
        ));
        r.fail(
            "rejected",
            format!("GET {url} with the ticket: 401 again{said}"),
            cause,
            fix.replace("HOST", target.host.as_str()),
        );
    } else if status.is_server_error() {
        r.summary = format!("{code} with the ticket");
        r.fail(
            "server_error",
            format!("GET {url} with the ticket: {status}"),
            "the server failed while accepting the ticket: usually it cannot read its keytab (path, file permissions for the server's user) or its krb5.conf",
            "see the web server's error log; check that the server's user can read the keytab",
        );
    } else if status == StatusCode::BAD_REQUEST {
        r.summary = format!("{code} with the ticket");
        r.fail(
            "bad_request",
            format!("GET {url} with the ticket: 400 Bad Request"),
            format!("the server refused the request carrying the {header_bytes}-byte Authorization header (too large, or not understood)"),
            "raise the server's header size limit (Apache: LimitRequestFieldSize; nginx: large_client_header_buffers)",
        );
    } else {
        r.summary = format!("{code} with the ticket");
        r.fail(
            "unexpected",
            format!("GET {url} with the ticket: {status}"),
            "an answer a browser does not treat as a login",
            "see the web server's logs",
        );
    }
    r.with_facts(&facts)
}

/// The server's `Negotiate <token>` checked against what was sent.
/// Why the server's answer is no mutual authentication: in words, and the
/// Kerberos error it carried, if any.
#[derive(Debug, Clone)]
struct Refusal {
    text: String,
    krb_error: Option<String>,
}

impl From<String> for Refusal {
    fn from(text: String) -> Refusal {
        Refusal {
            text,
            krb_error: None,
        }
    }
}

/// What a KRB-ERROR from the web server means, and what to do.
fn krb_error_cause(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "KRB_AP_ERR_BADKEYVER" => (
            "the server's keytab has no key of the ticket's kvno: the account's password changed after the keytab was made",
            "install the keytab spnkt create/rotate wrote last, or write new keys and install those: spnkt rotate --host HOST --keytab FILE (run spnkt doctor on the server with --keytab to see its kvno)",
        ),
        "KRB_AP_ERR_MODIFIED" | "KRB_AP_ERR_BAD_INTEGRITY" => (
            "the server's key of the ticket's kvno and enctype does not decrypt it: its keytab was made with another password or salt, or for another account",
            "write the keytab again from the account (spnkt rotate --host HOST --keytab FILE) and install it",
        ),
        "KRB_AP_ERR_NOKEY" | "KDC_ERR_ETYPE_NOSUPP" => (
            "the server's keytab has no key of the ticket's enctype",
            "give the keytab keys of the enctypes the account allows (spnkt rotate --host HOST), or allow the keytab's enctypes on the account (msDS-SupportedEncryptionTypes)",
        ),
        "KRB_AP_ERR_SKEW" => (
            "the server's clock is more than 5 minutes away from the KDC's",
            "synchronise the web server's clock (NTP, e.g. with the domain controllers)",
        ),
        "KRB_AP_ERR_NOT_US" | "KRB_AP_ERR_BADMATCH" => (
            "the server accepts tickets for another principal than the one browsers ask for",
            "make the server accept HTTP/<the name browsers ask for> (Apache: GssapiAcceptorName, or leave it out; Java: the JAAS principal)",
        ),
        _ => return None,
    })
}

fn check_reply(b64: &str, token: &BrowserToken) -> Result<String, Refusal> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| {
            Refusal::from(format!(
                "the server's Negotiate token is not base64: {}",
                crate::krb::scan::base64_error_text(&e)
            ))
        })?;
    let reply = negotiate::parse_reply(&bytes).map_err(|e| {
        Refusal::from(format!(
            "the server's Negotiate token is not a SPNEGO answer: {e}"
        ))
    })?;
    let state = reply
        .neg_state
        .map(|s| format!("negState {}", negotiate::neg_state_name(s)))
        .unwrap_or_else(|| "no negState".into());
    let Some(rt) = reply.response_token else {
        return if reply.neg_state == Some(2) {
            Err(format!("the server answered SPNEGO reject ({state})").into())
        } else {
            Ok(format!("SPNEGO {state}, no mutual-authentication token"))
        };
    };
    match token.sent.check(&rt) {
        Ok(m) => Ok(format!(
            "mutual authentication: the server's AP-REP decrypts with the session key and answers this request ({state}{})",
            m.acceptor_subkey
                .map(|e| format!(", acceptor subkey {e}"))
                .unwrap_or_default()
        )),
        Err(e) => Err(Refusal {
            text: e.to_string(),
            krb_error: match e {
                crate::krb::gss::GssError::Rejected { name, .. } => Some(name),
                _ => None,
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_as_browsers_read_them() {
        assert_eq!(scheme("Basic realm=\"x\""), "Basic");
        assert_eq!(scheme("Negotiate"), "Negotiate");
        let v = vec![
            "Basic realm=x".to_owned(),
            "Negotiate oYG0MIGxoAMKAQA=".to_owned(),
        ];
        assert_eq!(negotiate_token(&v).as_deref(), Some("oYG0MIGxoAMKAQA="));
        assert_eq!(negotiate_token(&["Negotiate".to_owned()]), None);
    }
}

//! The `Authorization: Negotiate` token a browser would send with the service
//! ticket of step 3 (the clock and randomness for [`crate::krb::negotiate`]).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::kdc::ServiceTicket;
use crate::krb::Key;
use crate::krb::ap_req::GssFlags;
use crate::krb::gss;
use crate::krb::negotiate::{self, Sent};

/// The token and what the server's answer must match.
#[derive(Debug, Clone)]
pub struct BrowserToken {
    /// The SPNEGO NegTokenInit (binary).
    pub token: Vec<u8>,
    /// The authenticator's time, to check the AP-REP against.
    pub sent: Sent,
    /// The user the ticket is for.
    pub client: String,
}

fn random(n: usize) -> Result<Vec<u8>, String> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness: {e}"))?;
    Ok(b)
}

/// A fresh token for `st`.
pub fn browser_token(st: &ServiceTicket) -> Result<BrowserToken, String> {
    let enctype = st.session_key.enctype();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970".to_owned())?;
    let seq = random(4)?;
    let confounder = random(crate::krb::crypto::confounder_len(enctype).unwrap_or(16))?;
    let (token, sent) = negotiate::initial_token(gss::InitiatorInput {
        ticket: &st.ticket,
        session_key: &st.session_key,
        client: &st.client,
        subkey: Key::new(enctype, random(st.session_key.len())?),
        seq_number: u32::from_be_bytes([seq[0], seq[1], seq[2], seq[3]]) & 0x3fff_ffff,
        ctime: i64::try_from(now.as_secs()).map_err(|_| "the clock is out of range".to_owned())?,
        cusec: now.subsec_micros(),
        flags: GssFlags(negotiate::BROWSER_FLAGS),
        // A browser binds no channel (RFC 4559 has no channel bindings).
        channel_bindings: [0; 16],
        confounder: &confounder,
    })
    .map_err(|e| e.to_string())?;
    Ok(BrowserToken {
        token,
        sent,
        client: st.client.to_string(),
    })
}

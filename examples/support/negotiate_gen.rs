//! Distinct, valid Negotiate tokens for one service key, made with spnkt's own
//! pure encoders and encryption (no KDC): the load for `spnkt verify` on a log.
//! Shared by `examples/negotiate_log.rs` and `benches/krb.rs`.
//!
//! Each token is what a browser on a Windows domain sends: SPNEGO NegTokenInit →
//! GSS krb5 AP-REQ with a 0x8003 checksum, the ticket AES256-encrypted with the
//! service key (kvno 2) and carrying a real Windows PAC (logon information,
//! re-signed with the service key): a token of about 1.2 KB (1.6 KB of base64)
//! whose EncTicketPart is about 840 bytes, 608 of them the PAC
//! ([`Generator::payload`]). Every token has its own client, session key and
//! confounders.

use base64::Engine as _;
use spnkt::krb::ap_req::{self, ApReq, Authenticator, GssFlags};
use spnkt::krb::keytab::{self, Keytab, KeytabEntry};
use spnkt::krb::pac::{self, PacBuffer};
use spnkt::krb::spnego;
use spnkt::krb::ticket::{self, EncTicketPart, TicketFlags};
use spnkt::krb::{Enctype, Key, NameType, Principal};

pub const SERVICE: &str = "HTTP/app1.example.com@EXAMPLE.COM";
pub const KVNO: u32 = 2;

const AES256: Enctype = Enctype::AES256_CTS_HMAC_SHA1_96;

fn bytes(seed: u64, tag: u8, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ u64::from(tag).wrapping_mul(0xff51_afd7_ed55_8ccd);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The service's AES256 key (fixed).
pub fn service_key() -> Key {
    Key::new(AES256, bytes(0, 1, 32))
}

/// A keytab with the service key at kvno 2.
pub fn keytab() -> Vec<u8> {
    let mut kt = Keytab::new();
    kt.entries.push(KeytabEntry {
        principal: Principal::parse(SERVICE).unwrap(),
        timestamp: 1_700_000_000,
        kvno: KVNO,
        key: service_key(),
    });
    keytab::write(&kt).to_vec()
}

/// The non-signature buffers of Samba's saved Windows 2003 PAC.
fn pac_buffers() -> Vec<PacBuffer> {
    let hex: String = include_str!("../../tests/vectors/samba_saved_pac.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let raw: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    pac::parse_pac(&raw)
        .unwrap()
        .buffers
        .into_iter()
        .filter(|b| b.ty != pac::PAC_SERVER_CHECKSUM && b.ty != pac::PAC_PRIVSVR_CHECKSUM)
        .collect()
}

/// Makes tokens; `now` is when they are valid (issued a minute before).
pub struct Generator {
    service: Principal,
    key: Key,
    pac: Vec<u8>,
    now: i64,
}

impl Generator {
    pub fn new(now: i64) -> Generator {
        let key = service_key();
        let kdc_key = Key::new(AES256, bytes(0, 2, 32));
        // One PAC, signed once: the KDC signs each ticket's PAC, but the cost that
        // matters is the service's check, which is the same.
        let pac = pac::build_pac(&pac_buffers(), &key, &kdc_key).unwrap();
        let mut service = Principal::parse(SERVICE).unwrap();
        service.name_type = NameType::SRV_INST;
        Generator {
            service,
            key,
            pac,
            now,
        }
    }

    /// The SPNEGO token for request `i` (distinct for every `i`).
    pub fn token(&self, i: u64) -> Vec<u8> {
        let session = Key::new(AES256, bytes(i, 3, 32));
        let client = Principal::parse(&format!("user{}@EXAMPLE.COM", i % 997)).unwrap();
        let part = EncTicketPart {
            flags: TicketFlags(
                TicketFlags::FORWARDABLE | TicketFlags::RENEWABLE | TicketFlags::PRE_AUTHENT,
            ),
            session_key: session.clone(),
            client: client.clone(),
            transited_type: 1,
            transited: Vec::new(),
            authtime: self.now - 60,
            starttime: Some(self.now - 60),
            endtime: self.now + 10 * 3600,
            renew_till: Some(self.now + 7 * 86_400),
            authorization_data: vec![ticket::pac_authorization_data(&self.pac)],
        };
        let t = ticket::encrypt_ticket(
            &self.service,
            &part,
            &self.key,
            Some(KVNO),
            &bytes(i, 4, 16),
        )
        .unwrap();
        let auth = Authenticator {
            client,
            checksum: Some(ap_req::gss_checksum(
                GssFlags(GssFlags::MUTUAL | GssFlags::SEQUENCE | GssFlags::CONF | GssFlags::INTEG),
                None,
            )),
            cusec: (i % 1_000_000) as u32,
            ctime: self.now - 1,
            subkey: None,
            seq_number: Some(i as u32),
        };
        let enc = ap_req::encrypt_authenticator(&auth, &session, &bytes(i, 5, 16)).unwrap();
        let ap = ap_req::encode_ap_req(&ApReq {
            ap_options: ap_req::AP_OPTION_MUTUAL_REQUIRED,
            ticket: t,
            authenticator: enc,
        });
        spnego::wrap_ap_req(&ap, true)
    }

    /// What the service's crypto covers in each ticket: the bytes AES decrypts
    /// and HMAC-SHA1 checks (confounder and EncTicketPart), and the PAC its
    /// signature is computed over.
    pub fn payload(&self) -> (usize, usize) {
        let t = self.ticket(0);
        let part = ticket::decrypt_ticket(&t, &self.key).unwrap();
        // The ciphertext is that plus the 12-byte HMAC.
        (t.enc_part.cipher.len() - 12, part.pac().unwrap().len())
    }

    /// The ticket inside token `i`, as the service reads it.
    pub fn ticket(&self, i: u64) -> ticket::Ticket {
        let token = self.token(i);
        let d = spnkt::krb::evidence::detect_binary_token(&token).unwrap();
        let spnkt::krb::evidence::Evidence::ApReq { ap_req, .. } = d.evidence else {
            unreachable!("the generator makes AP-REQs")
        };
        ap_req.ticket
    }

    /// [`Generator::token`] in base64, as it appears after `Negotiate `.
    pub fn token_base64(&self, i: u64) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.token(i))
    }

    /// An access log line for request `i`, as Apache logs it with
    /// `"%{Authorization}i"` at the end of the combined format.
    pub fn log_line(&self, i: u64) -> String {
        format!(
            "10.0.{}.{} - user{}@EXAMPLE.COM [23/Nov/2026:15:03:33 +0000] \"GET /app/{i} HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\" \"Negotiate {}\"\n",
            (i >> 8) % 256,
            i % 256,
            i % 997,
            self.token_base64(i)
        )
    }
}

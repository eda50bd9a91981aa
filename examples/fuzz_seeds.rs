//! Writes the seed corpora of the fuzz targets (`fuzz/targets/`) from the real
//! fixtures in `tests/fixtures/` and `tests/vectors/`, and from what spnkt's own
//! codecs make of them: tickets out of ccaches, the AP-REQ inside each Negotiate
//! token, the EncTicketPart and PAC of every ticket a fixture keytab decrypts, the
//! authenticator and its GSS checksum, the ETYPE-INFO2 and EncKDCRepParts of the
//! captured MIT KDC replies, and a few synthetic DNS, LDAP and GSS wrap tokens.
//!
//! `cargo run --example fuzz_seeds -- OUT_DIR` (fuzz/make-corpora.sh runs it):
//! OUT_DIR/<target>/<name>, deterministic (no clock, no randomness).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use spnkt::dns::{self, Record, RecordData, Srv};
use spnkt::krb::ap_req;
use spnkt::krb::ccache;
use spnkt::krb::gss::{self, ApRepPart};
use spnkt::krb::kdc_msg::{self, KdcReply};
use spnkt::krb::keytab;
use spnkt::krb::krbcred;
use spnkt::krb::secret::Password;
use spnkt::krb::spnego::{self, Inner};
use spnkt::krb::string_to_key::string_to_key;
use spnkt::krb::ticket::{self, EncTicketPart, Ticket};
use spnkt::krb::{Enctype, Key};

/// Seeds by target, by file name.
#[derive(Default)]
struct Seeds(BTreeMap<&'static str, BTreeMap<String, Vec<u8>>>);

impl Seeds {
    fn add(&mut self, target: &'static str, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return;
        }
        let files = self.0.entry(target).or_default();
        if !files.values().any(|b| *b == bytes) {
            files.insert(name.into(), bytes);
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn stem(p: &Path) -> String {
    let parent = p
        .parent()
        .and_then(|d| d.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{parent}-{}", p.file_name().unwrap().to_string_lossy())
}

fn ext(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A DER TLV (short or long definite length).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: fuzz_seeds OUT_DIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = files(&root.join("tests/fixtures"));
    let mut s = Seeds::default();

    // Every keytab key, to try on every ticket.
    let mut keys: Vec<Key> = Vec::new();
    let mut tickets: Vec<(String, Vec<u8>)> = Vec::new();
    let mut negotiate: Vec<(String, String)> = Vec::new();

    for p in &fixtures {
        let name = stem(p);
        let bytes = fs::read(p).unwrap();
        let e = ext(p);
        if name.starts_with("fuzz-regressions-")
            || p.components().any(|c| c.as_os_str() == "fuzz-regressions")
        {
            continue;
        }
        if matches!(
            e.as_str(),
            "keytab" | "ccache" | "kirbi" | "ticket" | "b64" | "txt" | "bin" | "rep" | "req"
        ) {
            s.add("evidence_detect", name.clone(), bytes.clone());
        }
        // Logs, curl -v output and HAR files: what `verify` scans for many tokens.
        if matches!(e.as_str(), "txt" | "log" | "har") {
            s.add("log_scan", name.clone(), bytes.clone());
        }
        match e.as_str() {
            "keytab" => {
                s.add("keytab_parse", name.clone(), bytes.clone());
                if let Ok(kt) = keytab::parse(&bytes) {
                    keys.extend(kt.entries.into_iter().map(|e| e.key));
                }
            }
            "ccache" => {
                s.add("ccache_parse", name.clone(), bytes.clone());
                if let Ok(cc) = ccache::parse(&bytes) {
                    for (i, c) in cc.credentials.iter().enumerate() {
                        if !c.is_config() {
                            tickets.push((format!("{name}-cred{i}"), c.ticket.clone()));
                        }
                    }
                }
            }
            "kirbi" | "b64" => {
                s.add("krbcred_parse", name.clone(), bytes.clone());
                if let Ok(cred) = krbcred::parse_kirbi(&bytes) {
                    s.add(
                        "krbcred_parse",
                        format!("{name}-enc-part"),
                        cred.enc_part.cipher.clone(),
                    );
                    for (i, t) in cred.tickets.iter().enumerate() {
                        tickets.push((format!("{name}-ticket{i}"), ticket::encode_ticket(t)));
                    }
                }
            }
            "ticket" => tickets.push((name.clone(), bytes.clone())),
            "txt" if bytes.starts_with(b"Authorization: Negotiate") => {
                negotiate.push((name.clone(), String::from_utf8(bytes.clone()).unwrap()));
            }
            "rep" | "req" => s.add("kdc_reply", name.clone(), bytes.clone()),
            "toml" => s.add("plan_file", name.clone(), bytes.clone()),
            _ => {}
        }
    }
    for p in files(&root.join("tests/cmd")) {
        if p.file_name().is_some_and(|n| n == "plan.toml") {
            s.add("plan_file", stem(&p), fs::read(&p).unwrap());
        }
    }

    // Negotiate headers: the text, the token, the AP-REQ inside.
    let mut ap_reqs: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, text) in &negotiate {
        s.add(
            "spnego_unwrap",
            format!("{name}-text"),
            text.trim_end().as_bytes(),
        );
        let Ok(token) = spnego::decode_negotiate_text(text) else {
            continue;
        };
        s.add("spnego_unwrap", format!("{name}-token"), token.clone());
        s.add("gss_tokens", format!("{name}-token"), token.clone());
        if let Ok(u) = spnego::unwrap_token(&token)
            && let Inner::ApReq(der) = u.inner
        {
            ap_reqs.push((name.clone(), der.to_vec()));
        }
    }

    // Tickets: the DER, and the EncTicketPart / PAC of those a fixture key opens.
    let mut parts: Vec<(String, EncTicketPart)> = Vec::new();
    let try_decrypt = |t: &Ticket| keys.iter().find_map(|k| ticket::decrypt_ticket(t, k).ok());
    for (name, der) in &tickets {
        s.add("ticket_parse", name.clone(), der.clone());
        if let Ok(t) = ticket::parse_ticket(der)
            && let Some(part) = try_decrypt(&t)
        {
            parts.push((name.clone(), part));
        }
    }
    for (name, der) in &ap_reqs {
        s.add("ap_req_parse", format!("{name}-ap-req"), der.clone());
        let Ok(req) = ap_req::parse_ap_req(der) else {
            continue;
        };
        s.add(
            "ticket_parse",
            format!("{name}-ticket"),
            ticket::encode_ticket(&req.ticket),
        );
        let Some(part) = try_decrypt(&req.ticket) else {
            continue;
        };
        if let Ok(a) = ap_req::decrypt_authenticator(&req, &part.session_key) {
            s.add(
                "ap_req_parse",
                format!("{name}-authenticator"),
                ap_req::encode_authenticator(&a).to_vec(),
            );
            if let Some(c) = &a.checksum {
                s.add(
                    "ap_req_parse",
                    format!("{name}-gss-checksum"),
                    c.data.clone(),
                );
                if let Ok(g) = ap_req::parse_gss_checksum(c)
                    && let Some(d) = g.delegation
                {
                    s.add("krbcred_parse", format!("{name}-delegated"), d);
                }
            }
        }
        parts.push((format!("{name}-ticket"), part));
    }
    for (name, part) in &parts {
        s.add(
            "ticket_parse",
            format!("{name}-enc-part"),
            ticket::encode_enc_ticket_part(part).to_vec(),
        );
        if let Some(pac) = part.pac() {
            s.add("pac_parse", format!("{name}-pac"), pac.to_vec());
        }
    }
    let samba = fs::read_to_string(root.join("tests/vectors/samba_saved_pac.txt")).unwrap();
    let hex: String = samba.lines().filter(|l| !l.starts_with('#')).collect();
    let pac: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    s.add("pac_parse", "vectors-samba_saved_pac", pac);

    // KDC replies: e-data, ETYPE-INFO2, padata, and the decrypted parts (the
    // fixtures' passwords, the salt from the KDC's ETYPE-INFO2).
    let mut salts: BTreeMap<String, (Enctype, String, u32)> = BTreeMap::new();
    let reps: Vec<PathBuf> = fixtures
        .iter()
        .filter(|p| ext(p) == "rep")
        .cloned()
        .collect();
    let passwords = [("alice", "alice-pw-1"), ("bob", "bob-pw-1")];
    let mut session: Option<Key> = None;
    for p in &reps {
        let name = stem(p);
        let Ok(reply) = kdc_msg::parse_kdc_reply(&fs::read(p).unwrap()) else {
            continue;
        };
        match reply {
            KdcReply::Error(e) => {
                if let Some(d) = &e.e_data {
                    s.add("kdc_reply", format!("{name}-e-data"), d.clone());
                }
                for pa in e.method_data().unwrap_or_default() {
                    s.add(
                        "kdc_reply",
                        format!("{name}-padata{}", pa.padata_type),
                        pa.value.clone(),
                    );
                }
                if let (Some(c), Ok(info)) = (&e.client, e.etype_info())
                    && let Some(i) = info.first()
                {
                    let iters = i.iterations().unwrap_or(4096);
                    salts.insert(
                        c.components.join("/"),
                        (i.etype, i.salt.clone().unwrap_or_default(), iters),
                    );
                }
            }
            KdcReply::AsRep(rep) => {
                for pa in &rep.padata {
                    s.add(
                        "kdc_reply",
                        format!("{name}-padata{}", pa.padata_type),
                        pa.value.clone(),
                    );
                }
                s.add(
                    "ticket_parse",
                    format!("{name}-ticket"),
                    ticket::encode_ticket(&rep.ticket),
                );
                let user = rep.client.components.join("/");
                let info = kdc_msg::etype_info_from_padata(&rep.padata).unwrap_or_default();
                let (etype, salt, iters) = info
                    .first()
                    .map(|i| {
                        (
                            i.etype,
                            i.salt.clone().unwrap_or_default(),
                            i.iterations().unwrap_or(4096),
                        )
                    })
                    .or_else(|| salts.get(&user).cloned())
                    .unwrap_or((rep.enc_part.etype, format!("MIT.TEST{user}"), 4096));
                let Some((_, pw)) = passwords.iter().find(|(u, _)| *u == user) else {
                    continue;
                };
                let key =
                    string_to_key(etype, &Password::new((*pw).into()), salt.as_bytes(), iters)
                        .unwrap();
                if let Ok(part) = kdc_msg::decrypt_as_rep(&rep, &key) {
                    s.add(
                        "kdc_reply",
                        format!("{name}-enc-part"),
                        kdc_msg::encode_enc_kdc_rep_part(&part, 25).to_vec(),
                    );
                    if user == "alice" {
                        session = Some(part.session_key.clone());
                    }
                }
            }
            KdcReply::TgsRep(rep) => {
                s.add(
                    "ticket_parse",
                    format!("{name}-ticket"),
                    ticket::encode_ticket(&rep.ticket),
                );
                if let Some(k) = &session
                    && let Ok(part) = kdc_msg::decrypt_tgs_rep(&rep, k)
                {
                    s.add(
                        "kdc_reply",
                        format!("{name}-enc-part"),
                        kdc_msg::encode_enc_kdc_rep_part(&part, 26).to_vec(),
                    );
                }
            }
        }
    }

    // GSS tokens of the acceptor, with the target's key (AES256, 32 x 7).
    let key = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![7; 32]);
    let confounder = [9u8; 16];
    for (i, (subkey, seal)) in [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .enumerate()
    {
        let offer = [4u8, 0x00, 0xff, 0xff];
        let t = gss::acceptor_wrap(&key, subkey, i as u64, &offer, seal, &confounder).unwrap();
        s.add(
            "gss_tokens",
            format!("wrap-subkey{subkey}-seal{seal}"),
            t.clone(),
        );
    }
    let rep = ApRepPart {
        ctime: 1_795_447_829,
        cusec: 123_456,
        subkey: Some(Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![5; 32])),
        seq_number: Some(42),
    };
    let ap_rep = gss::encode_ap_rep(&rep, &key, &confounder).unwrap();
    s.add("gss_tokens", "ap-rep", ap_rep.clone());
    s.add(
        "gss_tokens",
        "ap-rep-gss",
        spnego::wrap_gss_krb5("1.2.840.113554.1.2.2", [2, 0], &ap_rep),
    );
    for p in &reps {
        let der = fs::read(p).unwrap();
        if der.first() == Some(&0x7e) {
            s.add(
                "gss_tokens",
                format!("{}-krb-error", stem(p)),
                spnego::wrap_gss_krb5("1.2.840.113554.1.2.2", [3, 0], &der),
            );
            break;
        }
    }

    // Principals.
    for text in [
        "alice@MIT.TEST",
        "HTTP/app.mit.test@MIT.TEST",
        "krbtgt/MIT.TEST@MIT.TEST",
        "host/web01.example.com",
        "a\\/b\\@c@R\\\\EALM",
        "web01$@EXAMPLE.COM",
        "enterprise\\@upn.example@EXAMPLE.COM",
    ] {
        s.add(
            "principal_parse",
            text.replace(['/', '\\', '@', '$'], "_"),
            text.as_bytes(),
        );
    }

    // DNS: replies spnkt's resolver reads (SRV, A, AAAA, a CNAME chain, NXDOMAIN),
    // a truncated one, and resolv.conf texts.
    let srv = |target: &str, port| Srv {
        priority: 0,
        weight: 100,
        port,
        target: target.into(),
    };
    let srvs = [srv("dc1.example.test", 88), srv("dc2.example.test", 88)];
    s.add(
        "dns_response",
        "srv",
        dns::encode_response(0x1234, "_kerberos._tcp.EXAMPLE.TEST", 0, false, &srvs).unwrap(),
    );
    s.add(
        "dns_response",
        "srv-truncated",
        dns::encode_response(7, "_ldap._tcp.dc._msdcs.example.test", 0, true, &srvs).unwrap(),
    );
    s.add(
        "dns_response",
        "nxdomain",
        dns::encode_response(8, "_kerberos._udp.NOPE.TEST", 3, false, &[]).unwrap(),
    );
    let rec = |owner: &str, data| Record {
        owner: owner.into(),
        ttl: 300,
        data,
    };
    let chain = [
        rec(
            "www.example.test",
            RecordData::Cname("lb.example.test".into()),
        ),
        rec(
            "lb.example.test",
            RecordData::Cname("web01.example.test".into()),
        ),
        rec(
            "web01.example.test",
            RecordData::A("192.0.2.10".parse().unwrap()),
        ),
        rec(
            "web01.example.test",
            RecordData::Aaaa("2001:db8::10".parse().unwrap()),
        ),
    ];
    s.add(
        "dns_response",
        "cname-chain-a",
        dns::encode_reply(9, "www.example.test", dns::TYPE_A, 0, false, &chain).unwrap(),
    );
    s.add(
        "dns_response",
        "aaaa",
        dns::encode_reply(
            10,
            "web01.example.test",
            dns::TYPE_AAAA,
            0,
            false,
            &chain[3..],
        )
        .unwrap(),
    );
    // A compressed reply (as real servers send): the answer's owner is a pointer to
    // the question's name.
    let mut compressed = vec![0, 11, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
    compressed.extend(b"\x05web01\x07example\x04test\x00\x00\x01\x00\x01");
    compressed.extend(b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x0a");
    s.add("dns_response", "compressed-a", compressed);
    s.add("dns_response", "resolv-conf", &b"# generated\nsearch example.test\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions ndots:1\n"[..]);

    // LDAP answers a domain controller sends before ldap3 takes over.
    let int = |v: u8| tlv(0x02, &[v]);
    let ostr = |b: &[u8]| tlv(0x04, b);
    let msg = |id: u8, op: Vec<u8>| tlv(0x30, &cat(&[int(id), op]));
    let result = |code: u8, diag: &[u8]| cat(&[tlv(0x0a, &[code]), ostr(b""), ostr(diag)]);
    let bind = |code: u8, diag: &[u8], creds: Option<&[u8]>| {
        let mut c = result(code, diag);
        if let Some(cr) = creds {
            c.extend(tlv(0x87, cr));
        }
        tlv(0x61, &c)
    };
    s.add(
        "ldap_response",
        "starttls-ok",
        msg(
            1,
            tlv(
                0x78,
                &cat(&[result(0, b""), tlv(0x8a, b"1.3.6.1.4.1.1466.20037")]),
            ),
        ),
    );
    s.add(
        "ldap_response",
        "bind-in-progress-ap-rep",
        msg(1, bind(14, b"", Some(&ap_rep))),
    );
    s.add("ldap_response", "bind-ok", msg(3, bind(0, b"", None)));
    s.add(
        "ldap_response",
        "bind-strong-auth",
        msg(
            1,
            bind(8, b"SASL:[GSSAPI]: Sign or Seal are required.", None),
        ),
    );
    s.add("ldap_response", "bind-invalid-creds", msg(1, bind(49, b"80090308: LdapErr: DSID-0C09056B, comment: AcceptSecurityContext error, data 52e, v4563", Some(&[]))));
    let attr = |name: &[u8], value: &[u8]| tlv(0x30, &cat(&[ostr(name), tlv(0x31, &ostr(value))]));
    let entry = tlv(
        0x64,
        &cat(&[
            ostr(b""),
            tlv(
                0x30,
                &cat(&[
                    attr(b"dnsHostName", b"dc1.example.test"),
                    attr(b"defaultNamingContext", b"DC=example,DC=test"),
                ]),
            ),
        ]),
    );
    let done = tlv(0x65, &result(0, b""));
    s.add(
        "ldap_response",
        "root-dse",
        cat(&[msg(2, entry.clone()), msg(2, done.clone())]),
    );
    // AD writes lengths in non-minimal forms (0x84 + 4 bytes).
    let mut long = vec![0x30, 0x84, 0, 0, 0, 0];
    let inner = cat(&[int(1), bind(0, b"", None)]);
    long[2..6].copy_from_slice(&(inner.len() as u32).to_be_bytes());
    long.extend(inner);
    s.add("ldap_response", "bind-ok-long-length", long);
    s.add(
        "ldap_response",
        "notice-of-disconnection",
        msg(
            0,
            tlv(
                0x78,
                &cat(&[
                    result(52, b"server shutting down"),
                    tlv(0x8a, b"1.3.6.1.4.1.1466.20036"),
                ]),
            ),
        ),
    );
    s.add("ldap_response", "layer-offer", &[6u8, 0, 0xff, 0xff][..]);

    // Write.
    let _ = fs::remove_dir_all(&out);
    for (target, seeds) in &s.0 {
        let dir = out.join(target);
        fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in seeds {
            fs::write(dir.join(name), bytes).unwrap();
        }
        println!("{target}: {} seeds", seeds.len());
    }
}

//! Speed of the pure Kerberos core. `benches/mit-compare.sh` runs these next to the
//! same operations done by MIT krb5 tools on the same machine and prints the ratios
//! recorded in the README.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spnkt::krb::crypto::{decrypt, encrypt};
use spnkt::krb::keytab::{self, Keytab, KeytabEntry, KeytabVersion};
use spnkt::krb::string_to_key::{DEFAULT_AES_ITERATIONS, string_to_key};
use spnkt::krb::{Enctype, Key, Password, Principal};

const SALT: &[u8] = b"EXAMPLE.TESTHTTPapp1.example.test";

fn bench_string_to_key(c: &mut Criterion) {
    let password = Password::from("Pässwörd-for-benchmarks-0123456789");
    let mut group = c.benchmark_group("string_to_key");
    for (name, enctype) in [
        ("aes256", Enctype::AES256_CTS_HMAC_SHA1_96),
        ("aes128", Enctype::AES128_CTS_HMAC_SHA1_96),
        ("rc4", Enctype::RC4_HMAC),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                string_to_key(enctype, black_box(&password), SALT, DEFAULT_AES_ITERATIONS).unwrap()
            })
        });
    }
    group.finish();
}

/// A keytab with `n` entries: principals differ, as in a shared multi-service keytab.
fn big_keytab(n: usize) -> Vec<u8> {
    let entries = (0..n)
        .map(|i| KeytabEntry {
            principal: Principal::parse(&format!("HTTP/app{i}.example.test@EXAMPLE.TEST")).unwrap(),
            timestamp: 1_700_000_000,
            kvno: (i % 300) as u32,
            key: Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![(i % 251) as u8; 32]),
        })
        .collect();
    keytab::write(&Keytab {
        version: KeytabVersion::V2,
        entries,
    })
    .to_vec()
}

fn bench_keytab_parse(c: &mut Criterion) {
    let bytes = big_keytab(10_000);
    let mut group = c.benchmark_group("keytab");
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("parse_10000_entries", |b| {
        b.iter(|| keytab::parse(black_box(&bytes)).unwrap())
    });
    group.finish();
}

/// Decrypting an EncTicketPart-sized blob (about 1.2 KB with a PAC), key usage 2.
fn bench_ticket_decrypt(c: &mut Criterion) {
    let plaintext = vec![0x5a; 1200];
    let mut group = c.benchmark_group("ticket_decrypt");
    group.throughput(Throughput::Elements(1));
    for (name, key) in [
        (
            "aes256",
            Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![7; 32]),
        ),
        (
            "aes128",
            Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![7; 16]),
        ),
        ("rc4", Key::new(Enctype::RC4_HMAC, vec![7; 16])),
    ] {
        let confounder = vec![9; spnkt::krb::crypto::confounder_len(key.enctype()).unwrap()];
        let ciphertext = encrypt(&key, 2, &confounder, &plaintext).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| decrypt(&key, 2, black_box(&ciphertext)).unwrap())
        });
    }
    group.finish();
}

/// What `spnkt verify` does per ticket, on real MIT KDC tickets (with PACs): parse the
/// DER Ticket, decrypt the EncTicketPart with the keytab key, decode it, find the PAC
/// and check its server signature (read in place, as `verify` does).
fn bench_verify_ticket(c: &mut Criterion) {
    use spnkt::krb::pac::PacRef;
    use spnkt::krb::ticket::{decrypt_ticket, parse_ticket};
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ticket/");
    let mut group = c.benchmark_group("verify_ticket");
    group.throughput(Throughput::Elements(1));
    for (name, ticket, keytab) in [
        ("aes256", "mit-aes256.ticket", "mit-http.keytab"),
        ("rc4", "mit-rc4.ticket", "mit-rc4.keytab"),
    ] {
        let der = std::fs::read(format!("{fixtures}{ticket}")).unwrap();
        let kt = keytab::parse(&std::fs::read(format!("{fixtures}{keytab}")).unwrap()).unwrap();
        let etype = parse_ticket(&der).unwrap().enc_part.etype;
        let key = &kt
            .entries
            .iter()
            .find(|e| e.key.enctype() == etype)
            .unwrap()
            .key;
        group.bench_function(name, |b| {
            b.iter(|| {
                let ticket = parse_ticket(black_box(&der)).unwrap();
                let part = decrypt_ticket(&ticket, key).unwrap();
                let pac = PacRef::parse(part.pac().unwrap()).unwrap();
                pac.verify_server_checksum(key).unwrap();
                part
            })
        });
    }
    group.finish();
}

/// The same as `spnkt verify` does it for a log: the service key prepared once
/// (Ke, Ki and Kc derived and their key schedules set up per keytab entry, not
/// per ticket), the EncTicketPart decrypted into a buffer reused from ticket to
/// ticket and read in place there, then wiped; also the ticket of a Windows-like
/// 1.2 KB token (an 841-byte EncTicketPart with a 608-byte logon-info PAC). Issue
/// goal: that one within 3x of AES-256-CBC + HMAC-SHA1 over what its encryption
/// covers, as `openssl speed` does them (`benches/verify-log.sh`).
fn bench_verify_ticket_prepared(c: &mut Criterion) {
    use spnkt::krb::crypto::{ChecksumKey, DecryptionKey, wipe};
    use spnkt::krb::pac::{KEY_USAGE_PAC_CHECKSUM, PacRef};
    use spnkt::krb::ticket::{
        KEY_USAGE_TICKET, decrypt_ticket_in, decrypt_ticket_with, parse_ticket,
    };
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ticket/");
    let mit = std::fs::read(format!("{fixtures}mit-aes256.ticket")).unwrap();
    let mit_kt =
        keytab::parse(&std::fs::read(format!("{fixtures}mit-http.keytab")).unwrap()).unwrap();
    let mit_key = mit_kt
        .entries
        .iter()
        .find(|e| e.key.enctype() == Enctype::AES256_CTS_HMAC_SHA1_96)
        .unwrap()
        .key
        .clone();
    // The ticket inside a generated token.
    let generator = negotiate_gen::Generator::new(1_795_446_213);
    let windows = spnkt::krb::ticket::encode_ticket(&generator.ticket(1));
    let mut group = c.benchmark_group("verify_ticket");
    group.throughput(Throughput::Elements(1));
    for (name, der, key) in [
        ("aes256_prepared", &mit, mit_key),
        (
            "aes256_windows_prepared",
            &windows,
            negotiate_gen::service_key(),
        ),
    ] {
        let dk = DecryptionKey::new(&key, KEY_USAGE_TICKET).unwrap();
        let ck = ChecksumKey::new(&key, KEY_USAGE_PAC_CHECKSUM).unwrap();
        let mut plain = zeroize::Zeroizing::new(Vec::new());
        group.bench_function(name, |b| {
            b.iter(|| {
                let ticket = parse_ticket(black_box(der)).unwrap();
                let part = decrypt_ticket_in(ticket.enc_part.as_ref(), &dk, &mut plain).unwrap();
                let pac = PacRef::parse(part.pac().unwrap()).unwrap();
                pac.verify_server_checksum_with(&ck).unwrap();
                let endtime = part.endtime;
                wipe(&mut plain);
                (ticket, endtime)
            })
        });
    }
    group.finish();

    // The Windows-like ticket's crypto alone: its EncTicketPart decrypted and its
    // integrity checked (what `openssl speed` is compared with), and the PAC
    // signature; the rest of verify_ticket is reading DER.
    let key = negotiate_gen::service_key();
    let dk = DecryptionKey::new(&key, KEY_USAGE_TICKET).unwrap();
    let ck = ChecksumKey::new(&key, KEY_USAGE_PAC_CHECKSUM).unwrap();
    let ticket = parse_ticket(&windows).unwrap();
    let part = decrypt_ticket_with(&ticket, &dk).unwrap();
    let pac = part.pac().unwrap().to_vec();
    let (encrypted, signed) = generator.payload();
    let mut group = c.benchmark_group("verify_ticket_crypto");
    group.throughput(Throughput::Bytes(encrypted as u64));
    // Into a reused buffer, wiped after, as verify decrypts.
    let mut plain = zeroize::Zeroizing::new(Vec::new());
    group.bench_function("aes256_windows_decrypt", |b| {
        b.iter(|| {
            dk.decrypt_into(black_box(&ticket.enc_part.cipher), &mut plain)
                .unwrap();
            wipe(&mut plain);
        })
    });
    group.throughput(Throughput::Bytes(signed as u64));
    group.bench_function("aes256_windows_pac_signature", |b| {
        b.iter(|| {
            PacRef::parse(black_box(&pac))
                .unwrap()
                .verify_server_checksum_with(&ck)
                .unwrap()
        })
    });
    group.finish();
}

/// `spnkt verify` on a log, minus reading the file and printing: scan 1,000
/// distinct Windows-like Negotiate tokens out of access-log lines, decode and
/// verify each (ticket, PAC signature, authenticator), sum up.
fn bench_verify_batch(c: &mut Criterion) {
    use spnkt::diagnose::{KeyCache, batch};
    const N: u64 = 1_000;
    const NOW: i64 = 1_795_446_213;
    let g = negotiate_gen::Generator::new(NOW);
    let log: String = (0..N).map(|i| g.log_line(i)).collect();
    let kt = keytab::parse(&negotiate_gen::keytab()).unwrap();
    let mut group = c.benchmark_group("verify_batch");
    group.throughput(Throughput::Elements(N));
    group.sample_size(20);
    group.bench_function("aes256_log_1000", |b| {
        b.iter(|| {
            let keys = KeyCache::new(&kt);
            let scan = spnkt::krb::scan::scan_text(black_box(log.as_bytes()));
            let responses = scan.responses;
            let result = batch::verify_many(&keys, batch::pieces(None, scan), responses, None, NOW);
            assert_eq!(result.summary.ok.tickets, N as usize);
            result
        })
    });
    group.finish();
}

#[path = "../examples/support/negotiate_gen.rs"]
mod negotiate_gen;

criterion_group!(
    benches,
    bench_string_to_key,
    bench_keytab_parse,
    bench_ticket_decrypt,
    bench_verify_ticket,
    bench_verify_ticket_prepared,
    bench_verify_batch
);
criterion_main!(benches);

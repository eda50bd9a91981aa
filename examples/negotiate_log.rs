//! Write a web server log of N requests, each with its own valid Negotiate token,
//! and the keytab that verifies them: the load for `spnkt verify --ticket LOG`.
//!
//!     cargo run --release --example negotiate_log -- 100000 /tmp/load
//!     spnkt verify --keytab /tmp/load/svc.keytab --ticket /tmp/load/access.log
//!
//! The tokens are valid at the time given with SOURCE_DATE_EPOCH (seconds), else
//! now; `benches/verify-log.sh` runs it and times the whole process.

#[path = "support/negotiate_gen.rs"]
mod negotiate_gen;

use std::io::Write as _;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: negotiate_log N DIR");
    let dir = std::path::PathBuf::from(args.next().expect("usage: negotiate_log N DIR"));
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("svc.keytab"), negotiate_gen::keytab()).unwrap();
    let g = negotiate_gen::Generator::new(now);
    let f = std::fs::File::create(dir.join("access.log")).unwrap();
    let mut w = std::io::BufWriter::new(f);
    for i in 0..n {
        w.write_all(g.log_line(i).as_bytes()).unwrap();
    }
    w.flush().unwrap();
    let (encrypted, pac) = g.payload();
    eprintln!(
        "wrote {n} requests to {} (keytab {}, service {})",
        dir.join("access.log").display(),
        dir.join("svc.keytab").display(),
        negotiate_gen::SERVICE
    );
    // benches/verify-log.sh compares with openssl over these sizes.
    eprintln!("each ticket: {encrypted} bytes decrypted and HMAC-checked, a {pac}-byte PAC signed");
}

//! Interop with MIT krb5, the real peer for keys and keytabs.
//!
//! For each case, MIT `ktutil addent -password ... -s SALT` and `spnkt keytab create`
//! derive the same key; `klist -kteK` (MIT's reader) must print byte-identical keys for
//! both files. And spnkt must list keytabs MIT wrote (also after `delent`) exactly as
//! `klist -kteK` does. Needs Debian's `krb5-user` (installed by tests/run-all.sh).

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

struct Case {
    principal: &'static str,
    password: &'static str,
    kvno: u32,
    /// MIT enctype name for ktutil `-e`, and spnkt's `--enctypes` name.
    mit_enctype: &'static str,
    spnkt_enctype: &'static str,
    /// `None`: MIT's default salt (ktutil without `-s`, spnkt without `--salt`).
    salt: Option<&'static str>,
}

const PASSWORDS: [&str; 5] = [
    "Passw0rd!",
    "Pässwörd€ 漢字 𝄞",
    "correct horse battery staple with spaces and 'quotes' \"too\"",
    "x",
    "0123456789012345678901234567890123456789012345678901234567890123456789",
];

fn cases() -> Vec<Case> {
    let enctypes = [
        ("aes256-cts-hmac-sha1-96", "aes256"),
        ("aes128-cts-hmac-sha1-96", "aes128"),
        ("arcfour-hmac", "rc4"),
    ];
    // (principal, AD-style salt or None for MIT default, kvno)
    let identities: [(&str, Option<&str>, u32); 6] = [
        (
            "HTTP/app1.example.test@EXAMPLE.TEST",
            Some("EXAMPLE.TESTHTTPapp1.example.test"),
            2,
        ),
        ("HTTP/app1.example.test@EXAMPLE.TEST", None, 300),
        ("svc-noupn@EXAMPLE.TEST", Some("EXAMPLE.TESTsvc-noupn"), 1),
        (
            "HTTP/web.example.test@EXAMPLE.TEST",
            Some("EXAMPLE.TESTSvcMixedCase"),
            255,
        ),
        (
            "host/Web.Example.Test@EXAMPLE.TEST",
            Some("EXAMPLE.TESThostWeb.Example.Test"),
            256,
        ),
        (
            "HTTP/big.example.test@EXAMPLE.TEST",
            Some("EXAMPLE.TESTHTTPbig.example.test"),
            70000,
        ),
    ];
    let mut out = Vec::new();
    for (i, (principal, salt, kvno)) in identities.into_iter().enumerate() {
        for (j, (mit_enctype, spnkt_enctype)) in enctypes.into_iter().enumerate() {
            out.push(Case {
                principal,
                password: PASSWORDS[(i + j) % PASSWORDS.len()],
                kvno,
                mit_enctype,
                spnkt_enctype,
                salt,
            });
        }
    }
    out
}

/// One keytab line of `klist -kteK` without the timestamp: (kvno, principal, enctype, key).
fn klist_entries(keytab: &Path) -> Vec<(u32, String, String, String)> {
    let out = Command::new("klist")
        .args(["-kteK", path_str(keytab)])
        .output()
        .unwrap();
    let text = ok_stdout("klist -kteK", &out);
    text.lines()
        .skip_while(|l| !l.starts_with("----"))
        .skip(1)
        .map(|line| {
            // " 300 11/23/26 15:09:44 PRINC (ENCTYPE)  (0xKEY)"
            let mut words = line.split_whitespace();
            let kvno = words.next().unwrap().parse().unwrap();
            let _date = words.next();
            let _time = words.next();
            let principal = words.next().unwrap().to_owned();
            let enctype = words.next().unwrap().trim_matches(['(', ')']).to_owned();
            let key = words.next().unwrap().trim_matches(['(', ')']).to_owned();
            (kvno, principal, enctype, key)
        })
        .collect()
}

fn ktutil(script: &str) {
    let out = run_with_stdin(&mut Command::new("ktutil"), script.as_bytes());
    let stdout = ok_stdout("ktutil", &out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // ktutil exits 0 even when a command fails; it reports on stderr.
    assert!(
        stderr.trim().is_empty(),
        "ktutil complained:\n{stdout}\n{stderr}"
    );
}

fn ktutil_addent(case: &Case, keytab: &Path) {
    let salt = case.salt.map(|s| format!(" -s {s}")).unwrap_or_default();
    ktutil(&format!(
        "addent -password -p {} -k {} -e {}{salt}\n{}\nwkt {}\nquit\n",
        case.principal,
        case.kvno,
        case.mit_enctype,
        case.password,
        path_str(keytab)
    ));
}

fn spnkt_create(case: &Case, keytab: &Path) {
    let mut cmd = Command::new(spnkt_bin());
    cmd.env("SOURCE_DATE_EPOCH", "1700000000").args([
        "keytab",
        "create",
        "--principal",
        case.principal,
        "--kvno",
        &case.kvno.to_string(),
        "--enctypes",
        case.spnkt_enctype,
        "--password-stdin",
        "--out",
        path_str(keytab),
    ]);
    if let Some(salt) = case.salt {
        cmd.args(["--salt", salt]);
    }
    let out = run_with_stdin(&mut cmd, format!("{}\n", case.password).as_bytes());
    ok_stdout("spnkt keytab create", &out);
}

#[test]
fn keys_are_byte_identical_to_mit_ktutil() {
    if !peers_available(
        "keys_are_byte_identical_to_mit_ktutil",
        &["ktutil", "klist"],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    for (n, case) in cases.iter().enumerate() {
        let mit = dir.path().join(format!("mit{n}.keytab"));
        let ours = dir.path().join(format!("spnkt{n}.keytab"));
        ktutil_addent(case, &mit);
        spnkt_create(case, &ours);
        let (mit_entries, our_entries) = (klist_entries(&mit), klist_entries(&ours));
        assert_eq!(mit_entries.len(), 1, "case {n}");
        assert_eq!(
            our_entries, mit_entries,
            "case {n}: {} kvno {} {} salt {:?}: klist -kteK differs",
            case.principal, case.kvno, case.mit_enctype, case.salt
        );
    }
    assert_eq!(cases.len(), 18);
}

/// spnkt's JSON listing reduced to klist's columns: (kvno, principal, enctype number, key hex).
fn spnkt_entries(keytab: &Path) -> Vec<(u32, String, i64, String)> {
    let out = Command::new(spnkt_bin())
        .args(["--json", "keytab", "list", "--keys", path_str(keytab)])
        .output()
        .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&ok_stdout("spnkt keytab list", &out)).unwrap();
    json["entries"]
        .as_array()
        .expect("entries array")
        .iter()
        .map(|e| {
            (
                e["kvno"].as_u64().unwrap() as u32,
                e["principal"].as_str().unwrap().to_owned(),
                e["enctype"].as_i64().unwrap(),
                e["key"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// MIT 1.20's names as `klist -e` prints them, to compare with spnkt's numbers.
fn mit_enctype_number(name: &str) -> i64 {
    match name.trim_start_matches("DEPRECATED:") {
        "aes256-cts-hmac-sha1-96" => 18,
        "aes128-cts-hmac-sha1-96" => 17,
        "arcfour-hmac" => 23,
        "des3-cbc-sha1" => 16,
        "aes128-cts-hmac-sha256-128" => 19,
        "aes256-cts-hmac-sha384-192" => 20,
        "camellia128-cts-cmac" => 25,
        "camellia256-cts-cmac" => 26,
        other => panic!("unexpected MIT enctype name {other}"),
    }
}

fn assert_lists_like_klist(keytab: &Path) {
    let expected: Vec<(u32, String, i64, String)> = klist_entries(keytab)
        .into_iter()
        .map(|(kvno, p, e, key)| {
            (
                kvno,
                p,
                mit_enctype_number(&e),
                key.trim_start_matches("0x").to_owned(),
            )
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(spnkt_entries(keytab), expected, "{}", keytab.display());
}

#[test]
fn lists_mit_keytabs_like_klist_also_after_delent() {
    if !peers_available(
        "lists_mit_keytabs_like_klist_also_after_delent",
        &["ktutil", "klist"],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.keytab");
    let pruned = dir.path().join("pruned.keytab");
    let mut script = String::new();
    for (principal, kvno, enctype) in [
        (
            "HTTP/app1.example.test@EXAMPLE.TEST",
            3,
            "aes256-cts-hmac-sha1-96",
        ),
        (
            "HTTP/app1.example.test@EXAMPLE.TEST",
            3,
            "aes128-cts-hmac-sha1-96",
        ),
        ("HTTP/app1.example.test@EXAMPLE.TEST", 3, "arcfour-hmac"),
        (
            "HTTP/app1.example.test@EXAMPLE.TEST",
            300,
            "aes256-cts-hmac-sha1-96",
        ),
        ("HTTP/app1.example.test@EXAMPLE.TEST", 4, "des3-cbc-sha1"),
        (
            "HTTP/app1.example.test@EXAMPLE.TEST",
            5,
            "camellia256-cts-cmac",
        ),
        (
            "HTTP/app1.example.test@EXAMPLE.TEST",
            6,
            "aes256-cts-hmac-sha384-192",
        ),
        ("a\\/b/c\\@d@OTHER.REALM", 7, "aes128-cts-hmac-sha1-96"),
    ] {
        script.push_str(&format!(
            "addent -password -p {principal} -k {kvno} -e {enctype}\nsecret{kvno}\n"
        ));
    }
    script.push_str(&format!("wkt {}\nquit\n", path_str(&full)));
    ktutil(&script);
    assert_lists_like_klist(&full);

    // Delete two entries and write the rest: spnkt must still agree with klist.
    ktutil(&format!(
        "rkt {}\ndelent 2\ndelent 4\nwkt {}\nquit\n",
        path_str(&full),
        path_str(&pruned)
    ));
    assert_eq!(klist_entries(&pruned).len(), 6);
    assert_lists_like_klist(&pruned);
}

#[test]
fn klist_reads_spnkt_keytabs_with_all_enctypes_and_appends() {
    if !peers_available(
        "klist_reads_spnkt_keytabs_with_all_enctypes_and_appends",
        &["ktutil", "klist"],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("multi.keytab");
    let mit = dir.path().join("multi-mit.keytab");
    let principal = "HTTP/app2.example.test@EXAMPLE.TEST";
    let salt = "EXAMPLE.TESTHTTPapp2.example.test";
    // Two kvnos in one file, as after a rotation that keeps the old keys.
    for (kvno, password, append) in [(4u32, "old-Pässword", false), (5, "new-Pässword", true)] {
        let mut cmd = Command::new(spnkt_bin());
        cmd.args(["keytab", "create", "--principal", principal, "--salt", salt])
            .args([
                "--kvno",
                &kvno.to_string(),
                "--enctypes",
                "aes256,aes128,rc4",
            ])
            .args(["--password-stdin", "--out", path_str(&ours)]);
        if append {
            cmd.arg("--append");
        }
        ok_stdout(
            "spnkt keytab create",
            &run_with_stdin(&mut cmd, format!("{password}\n").as_bytes()),
        );
        let mut script = String::new();
        for e in [
            "aes256-cts-hmac-sha1-96",
            "aes128-cts-hmac-sha1-96",
            "arcfour-hmac",
        ] {
            script.push_str(&format!(
                "addent -password -p {principal} -k {kvno} -e {e} -s {salt}\n{password}\n"
            ));
        }
        script.push_str(&format!("wkt {}\nquit\n", path_str(&mit)));
        ktutil(&script); // wkt appends to an existing file
    }
    let ours_listed = klist_entries(&ours);
    assert_eq!(ours_listed.len(), 6);
    assert_eq!(ours_listed, klist_entries(&mit));
    assert_lists_like_klist(&ours);
}

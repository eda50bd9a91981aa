//! CLI tests: trycmd snapshots in tests/cmd/ (refresh with `TRYCMD=overwrite cargo
//! test --test cli`, then review the diff) and assertions about files written.

use std::path::Path;
use std::process::{Command, Output, Stdio};

#[test]
fn cli_snapshots() {
    // Loopback only: nothing listens on 127.0.0.1:1, so DNS lookups fail at once.
    trycmd::TestCases::new()
        .env("SPNKT_DNS_SERVER", "127.0.0.1:1")
        .case("tests/cmd/*.toml");
}

fn spnkt(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_spnkt"))
        .args(args)
        .current_dir(dir)
        .env_remove("KRB5_KTNAME")
        .env("SOURCE_DATE_EPOCH", "1795446213")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run spnkt");
    // The child may exit before reading (an early error): ignore a broken pipe.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// Names in `dir`, sorted.
fn ls(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const P: &str = "HTTP/app1.example.com@EXAMPLE.COM";

#[test]
fn bad_input_writes_nothing() {
    let cases: &[(&[&str], &str, i32)] = &[
        (
            &[
                "keytab",
                "create",
                "-p",
                "HTTP/app1.example.com",
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "pw\n",
            2,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--enctypes",
                "aes256,nope",
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "pw\n",
            2,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--enctypes",
                "des3",
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "pw\n",
            2,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--kvno",
                "4294967296",
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "pw\n",
            2,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--kvno",
                "-1",
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "pw\n",
            2,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "\n",
            2,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--password-stdin",
                "-o",
                "x.kt",
            ],
            "",
            2,
        ),
        (&["keytab", "create", "-p", P, "-o", "x.kt"], "", 2),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--password-file",
                "missing",
                "-o",
                "x.kt",
            ],
            "",
            1,
        ),
        (
            &[
                "keytab",
                "create",
                "-p",
                P,
                "--password-stdin",
                "-o",
                "no-dir/x.kt",
            ],
            "pw\n",
            1,
        ),
    ];
    for (args, stdin, code) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = spnkt(dir.path(), args, stdin);
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error: "), "{args:?}: {stderr}");
        assert!(
            ls(dir.path()).is_empty(),
            "{args:?} left {:?}",
            ls(dir.path())
        );
    }
}

#[test]
fn existing_keytab_is_untouched_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.kt"), b"precious").unwrap();
    let out = spnkt(
        dir.path(),
        &[
            "keytab",
            "create",
            "-p",
            P,
            "--password-stdin",
            "-o",
            "x.kt",
        ],
        "pw\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint: use --append"));
    assert_eq!(std::fs::read(dir.path().join("x.kt")).unwrap(), b"precious");
    assert_eq!(ls(dir.path()), ["x.kt"]);
    // --append to something that is not a keytab: error, file untouched.
    let out = spnkt(
        dir.path(),
        &[
            "keytab",
            "create",
            "-p",
            P,
            "--password-stdin",
            "-o",
            "x.kt",
            "--append",
        ],
        "pw\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.path().join("x.kt")).unwrap(), b"precious");
    assert_eq!(ls(dir.path()), ["x.kt"]);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn create_append_force_list_remove_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str], stdin: &str| {
        let out = spnkt(d, args, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json = |s: String| -> serde_json::Value { serde_json::from_str(&s).unwrap() };

    run(
        &[
            "keytab",
            "create",
            "-p",
            P,
            "--kvno",
            "2",
            "--password-stdin",
            "-o",
            "a.kt",
        ],
        "pw one\n",
    );
    #[cfg(unix)]
    assert_eq!(mode(&d.join("a.kt")), 0o600);
    let list = json(run(&["--json", "keytab", "list", "a.kt"], ""));
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["enctype"], 18);
    assert_eq!(entries[1]["enctype"], 17);
    assert_eq!(entries[0]["timestamp_utc"], "2026-11-23T15:03:33Z");
    assert!(entries[0].get("key").is_none(), "no keys unless --keys");
    let keyed = json(run(&["--json", "keytab", "list", "--keys", "a.kt"], ""));
    let aes256_v2 = keyed["entries"][0]["key"].as_str().unwrap().to_owned();
    assert_eq!(aes256_v2.len(), 64);

    // --append a new kvno: 4 entries; again with the same kvno: replaced, still 4.
    let created = json(run(
        &[
            "--json",
            "keytab",
            "create",
            "-p",
            P,
            "--kvno",
            "3",
            "--password-stdin",
            "-o",
            "a.kt",
            "--append",
        ],
        "pw two\n",
    ));
    assert_eq!(created["total_entries"], 4);
    assert_eq!(created["replaced"], 0);
    assert!(
        !created.to_string().contains(&aes256_v2),
        "create --json must not print keys"
    );
    let created = json(run(
        &[
            "--json",
            "keytab",
            "create",
            "-p",
            P,
            "--kvno",
            "3",
            "--password-stdin",
            "-o",
            "a.kt",
            "--append",
        ],
        "pw three\n",
    ));
    assert_eq!(created["replaced"], 2);
    assert_eq!(created["total_entries"], 4);
    #[cfg(unix)]
    assert_eq!(mode(&d.join("a.kt")), 0o600);

    // Merge with itself: all duplicates.
    let merged = json(run(
        &["--json", "keytab", "merge", "b.kt", "a.kt", "a.kt"],
        "",
    ));
    assert_eq!(merged["added"], 4);
    assert_eq!(merged["duplicates"], 4);
    #[cfg(unix)]
    assert_eq!(mode(&d.join("b.kt")), 0o600);

    // A different password for kvno 2 conflicts: nothing written.
    run(
        &[
            "keytab",
            "create",
            "-p",
            P,
            "--kvno",
            "2",
            "--password-stdin",
            "-o",
            "c.kt",
        ],
        "other\n",
    );
    let before = std::fs::read(d.join("b.kt")).unwrap();
    let out = spnkt(d, &["keytab", "merge", "b.kt", "c.kt"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has different keys"));
    assert_eq!(std::fs::read(d.join("b.kt")).unwrap(), before);

    // --old-kvnos keeps kvno 3 only.
    let removed = json(run(
        &["--json", "keytab", "remove", "a.kt", "--old-kvnos"],
        "",
    ));
    assert_eq!(removed["removed"].as_array().unwrap().len(), 2);
    assert_eq!(removed["remaining"], 2);
    let list = json(run(&["--json", "keytab", "list", "a.kt"], ""));
    assert!(
        list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kvno"] == 3)
    );

    // --force replaces.
    run(
        &[
            "keytab",
            "create",
            "-p",
            P,
            "--password-stdin",
            "-o",
            "a.kt",
            "--force",
            "--enctypes",
            "rc4",
        ],
        "x\n",
    );
    let list = json(run(&["--json", "keytab", "list", "a.kt"], ""));
    assert_eq!(list["entries"].as_array().unwrap().len(), 1);
    assert_eq!(list["entries"][0]["enctype_name"], "rc4-hmac");

    let names = ls(d);
    assert!(
        names.iter().all(|n| !n.contains(".spnkt-tmp-")),
        "{names:?}"
    );
}

#[test]
fn password_sources_agree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pw"), "Correct Horse\r\n").unwrap();
    let key = |args: &[&str], stdin: &str, env: Option<(&str, &str)>| {
        let mut full = vec!["keytab", "create", "-p", P, "-o", "k.kt", "--force"];
        full.extend_from_slice(args);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_spnkt"));
        cmd.args(&full)
            .current_dir(d)
            .env("SOURCE_DATE_EPOCH", "0")
            .stdin(Stdio::piped());
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        // The child may exit before reading (an early error): ignore a broken pipe.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        assert!(child.wait().unwrap().success(), "{args:?}");
        std::fs::read(d.join("k.kt")).unwrap()
    };
    let from_file = key(&["--password-file", "pw"], "", None);
    let from_stdin = key(
        &["--password-stdin"],
        "Correct Horse\nignored second line\n",
        None,
    );
    let from_env = key(
        &["--password-env", "SPNKT_TEST_PW"],
        "",
        Some(("SPNKT_TEST_PW", "Correct Horse")),
    );
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file, from_env);
    let other = key(
        &["--password-env", "SPNKT_TEST_PW"],
        "",
        Some(("SPNKT_TEST_PW", "Correct Horse\n")),
    );
    assert_ne!(
        from_file, other,
        "only one trailing newline is stripped, and only from files/stdin"
    );
}

/// `spnkt config`: what `--json` says was written is what is on disk (mode 0644, no
/// key material anywhere), and an existing file stops the run before anything is
/// written unless `--force`.
#[test]
fn config_json_describes_the_files_and_existing_files_stop_it() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/good.keytab");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&fixture, dir.path().join("app1.keytab")).unwrap();
    let args = [
        "--json",
        "config",
        "--keytab",
        "app1.keytab",
        "--kdc",
        "dc1.example.com",
        "--out",
        "conf",
    ];
    let out = spnkt(dir.path(), &args, "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["ok"], true);
    assert_eq!(v["principal"], "HTTP/app1.example.com@EXAMPLE.COM");
    assert_eq!(v["kvno"], 300);
    assert_eq!(v["kdcs"], serde_json::json!(["dc1.example.com"]));
    assert_eq!(v["kdc_source"], "--kdc");
    assert_eq!(
        v["enctypes"],
        serde_json::json!(["aes256-cts-hmac-sha1-96", "aes128-cts-hmac-sha1-96"])
    );
    assert_eq!(v["enctypes_left_out"][0]["enctype"], "etype 99");
    let abs = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        v["server_keytab"],
        abs.join("app1.keytab").display().to_string()
    );
    assert_eq!(v["server_dir"], abs.join("conf").display().to_string());
    assert_eq!(v["jvm_options"].as_array().unwrap().len(), 3);
    assert!(!v["next_steps"].as_array().unwrap().is_empty());
    let files = v["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "krb5.conf",
            "krb5.ini",
            "apache-spnego.conf",
            "java-jaas.conf",
            "java-jvm.args",
            "websphere-spnego.txt",
            "nginx-spnego.conf"
        ]
    );
    for f in files {
        let path = dir.path().join(f["path"].as_str().unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            f["contents"].as_str().unwrap(),
            "{}",
            path.display()
        );
        assert_eq!(mode(&path), 0o644, "{}", path.display());
        assert_eq!(f["mode"], "0644");
        assert!(f["values"].is_object(), "{f}");
    }
    assert_eq!(
        files[2]["values"]["GssapiCredStore"],
        format!("keytab:{}", abs.join("app1.keytab").display())
    );
    assert_eq!(
        files[3]["values"]["entry"],
        "com.sun.security.jgss.krb5.accept"
    );
    // No key material: none of the keytab's keys appears in the output.
    let keys = spnkt(
        dir.path(),
        &["--json", "keytab", "list", "--keys", "app1.keytab"],
        "",
    );
    let keys: serde_json::Value = serde_json::from_slice(&keys.stdout).unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
    for e in keys["entries"].as_array().unwrap() {
        let key = e["key"].as_str().unwrap();
        assert!(
            !key.is_empty() && !text.contains(key),
            "key {key} in the output"
        );
    }

    // Again: krb5.conf exists, so nothing is written (not even the missing nginx file).
    std::fs::remove_file(dir.path().join("conf/nginx-spnego.conf")).unwrap();
    std::fs::write(dir.path().join("conf/krb5.conf"), "# mine\n").unwrap();
    let before = ls(&dir.path().join("conf"));
    let out = spnkt(dir.path(), &args[1..], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already exist"), "{stderr}");
    assert!(stderr.contains("hint: use --force"), "{stderr}");
    assert_eq!(ls(&dir.path().join("conf")), before);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("conf/krb5.conf")).unwrap(),
        "# mine\n"
    );
    // --force replaces them all.
    let mut forced = args[1..].to_vec();
    forced.push("--force");
    let out = spnkt(dir.path(), &forced, "");
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(dir.path().join("conf/krb5.conf"))
            .unwrap()
            .contains("default_realm = EXAMPLE.COM")
    );
    assert!(dir.path().join("conf/nginx-spnego.conf").exists());
}

//! `spnkt config`: the web server's krb5.conf and Apache, Java, WebSphere or nginx
//! settings for a keytab.
//!
//! This edge reads the keytab (its HTTP/ principal, realm and encryption types),
//! finds the KDCs ([`locate::resolve_kdcs`]), decides the paths, lets the pure
//! generator ([`crate::webconf`]) write the text, and writes the files atomically
//! (mode 0644: they hold no keys and the server's user must read them).

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Outcome, Ui};
use crate::atomic_file::{self, Overwrite};
use crate::cli::{ConfigArgs, ConfigTarget};
use crate::exit::CliError;
use crate::krb::Enctype;
use crate::krb::keytab::Keytab;
use crate::krb::principal::Principal;
use crate::krb5conf;
use crate::provision::locate;
use crate::webconf::{self, Site, Target};

/// Mode of the files written: readable by the web server's user, no secrets inside.
const MODE: u32 = 0o644;

impl From<ConfigTarget> for Target {
    fn from(t: ConfigTarget) -> Target {
        match t {
            ConfigTarget::Apache => Target::Apache,
            ConfigTarget::Java => Target::Java,
            ConfigTarget::Websphere => Target::Websphere,
            ConfigTarget::Nginx => Target::Nginx,
        }
    }
}

pub fn run(args: &ConfigArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let keytab_path = args.keytab.display().to_string();
    let kt = super::read_keytab(&args.keytab)?;
    let principal = choose_principal(&kt, &keytab_path, args.spn.as_deref())?;
    let host = principal.components[1].clone();
    let realm = principal.realm.clone();
    let mine: Vec<_> = kt
        .entries
        .iter()
        .filter(|e| e.principal.components == principal.components && e.principal.realm == realm)
        .collect();
    let kvno = mine.iter().map(|e| e.kvno).max().unwrap_or(0);
    let keytab_enctypes: Vec<Enctype> = mine.iter().map(|e| e.key.enctype()).collect();
    let choice = webconf::select_enctypes(&keytab_enctypes);
    for (e, why) in &choice.dropped {
        ui.warn(format!(
            "{e} in {keytab_path} is left out of the files: {why}"
        ));
    }
    if choice.used.is_empty() {
        return Err(CliError::usage(format!(
            "{keytab_path} has no key for {principal} that a web server should accept"
        ))
        .hint(format!(
            "give the account AES keys: spnkt rotate --host {host} --keytab {keytab_path}"
        ))
        .into());
    }
    if choice.used.contains(&Enctype::RC4_HMAC) {
        ui.warn("rc4-hmac is in the keytab and so in permitted_enctypes: RC4 is weak, Java 17 and later refuse it unless allow_weak_crypto = true (which spnkt does not set), and Windows domain controllers are dropping it; give the account AES keys");
    }

    let conf = krb5conf::load();
    let (kdcs, kdc_source) = locate::resolve_kdcs(&args.kdc, &realm, &conf, ui);
    if kdcs.is_empty() {
        let conf_text = conf.path.as_ref().map_or_else(
            || "no krb5.conf".to_owned(),
            |p| format!("none in {}", p.display()),
        );
        return Err(CliError::usage(format!(
            "no KDC for {realm}: none given with --kdc, {conf_text}, none from DNS SRV {}",
            locate::kdc_srv_name(&realm)
        ))
        .hint("name the realm's domain controllers with --kdc HOST (repeatable)")
        .into());
    }

    let targets: Vec<Target> = if args.targets.is_empty() {
        Target::ALL.to_vec()
    } else {
        let asked: Vec<Target> = args.targets.iter().map(|&t| t.into()).collect();
        Target::ALL
            .into_iter()
            .filter(|t| asked.contains(t))
            .collect()
    };
    // Where the files go here, and where they and the keytab will be on the server.
    let out: PathBuf = match &args.out {
        Some(o) => o.clone(),
        None => args
            .keytab
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    let out_io = if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out.clone()
    };
    let server_keytab = match &args.server_keytab {
        Some(p) => p.clone(),
        None => absolute(&args.keytab)?,
    };
    let server_dir = match &args.server_dir {
        Some(d) => d.clone(),
        None => absolute(&out_io)?,
    };
    let site = Site {
        realm: realm.clone(),
        host,
        keytab: keytab_path.clone(),
        server_keytab,
        server_dir,
        kdcs,
        kdc_source,
        enctypes: choice.used.clone(),
    };
    let generated = webconf::generate(&site, &targets).map_err(|e| {
        CliError::usage(e.to_string())
            .hint("choose other paths with --server-keytab PATH and --server-dir DIR")
    })?;

    // Nothing is written when any file exists (without --force).
    let path_of = |name: &str| out.join(name);
    if !args.force {
        let existing: Vec<String> = generated
            .files
            .iter()
            .map(|f| path_of(f.name))
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(CliError::usage(format!(
                "{} already {}; nothing was written",
                existing.join(", "),
                if existing.len() == 1 {
                    "exists"
                } else {
                    "exist"
                }
            ))
            .hint("use --force to replace them, or --out DIR for another directory")
            .into());
        }
    }
    if !out_io.is_dir() {
        if out_io.exists() {
            return Err(
                CliError::usage(format!("{} is not a directory", out.display()))
                    .hint("give --out a directory")
                    .into(),
            );
        }
        std::fs::create_dir_all(&out_io)
            .with_context(|| format!("cannot create the directory {}", out.display()))?;
        ui.note(format!("created the directory {}", out.display()));
    }
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    for f in &generated.files {
        let path = path_of(f.name);
        atomic_file::write_with_mode(&path, f.contents.as_bytes(), overwrite, MODE)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    Ok(Outcome {
        human: human(&site, &generated, &targets, &out),
        json: Some(json(&site, &generated, &targets, &out, kvno, &choice)),
    })
}

/// The keytab's HTTP/ principal: its only one, or the one `spn` names.
fn choose_principal(kt: &Keytab, path: &str, spn: Option<&str>) -> Result<Principal, CliError> {
    // Each principal once (the name type does not make another principal).
    let mut all: Vec<&Principal> = Vec::new();
    for e in &kt.entries {
        let p = &e.principal;
        if !all
            .iter()
            .any(|q| q.components == p.components && q.realm == p.realm)
        {
            all.push(p);
        }
    }
    let http: Vec<&Principal> = all
        .iter()
        .copied()
        .filter(|p| p.components.len() == 2 && p.components[0] == "HTTP")
        .collect();
    let names = |ps: &[&Principal]| {
        ps.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if http.is_empty() {
        return Err(CliError::usage(format!(
            "{path} holds no HTTP/ principal (it has {})",
            if all.is_empty() {
                "no entries".to_owned()
            } else {
                names(&all)
            }
        ))
        .hint("spnkt config writes a web server's settings for an HTTP/<host> keytab as spnkt create writes it; `spnkt keytab list` shows a keytab's principals"));
    }
    match spn {
        None if http.len() == 1 => Ok(http[0].clone()),
        None => Err(CliError::usage(format!(
            "{path} holds several HTTP/ principals: {}",
            names(&http)
        ))
        .hint(format!(
            "choose one with --spn, e.g. --spn {}",
            http[0].name_without_realm()
        ))),
        Some(wanted) => {
            let (name, realm) = match wanted.trim().rsplit_once('@') {
                Some((n, r)) => (n, Some(r)),
                None => (wanted.trim(), None),
            };
            http.iter()
                .copied()
                .find(|p| {
                    p.name_without_realm().eq_ignore_ascii_case(name)
                        && realm.is_none_or(|r| r.eq_ignore_ascii_case(&p.realm))
                })
                .cloned()
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{path} has no key for {wanted} (its HTTP/ principals: {})",
                        names(&http)
                    ))
                    .hint("give --spn one of these")
                })
        }
    }
}

/// The absolute form of `p` (not resolving symbolic links), as text.
fn absolute(p: &Path) -> anyhow::Result<String> {
    Ok(std::path::absolute(p)
        .with_context(|| format!("cannot make {} absolute", p.display()))?
        .display()
        .to_string())
}

fn targets_text(targets: &[Target]) -> String {
    targets
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn human(site: &Site, g: &webconf::Generated, targets: &[Target], out: &Path) -> String {
    use std::fmt::Write as _;
    let mut h = String::new();
    let place = if out.as_os_str().is_empty() {
        "the current directory".to_owned()
    } else {
        out.display().to_string()
    };
    let _ = writeln!(
        h,
        "wrote {} for {} ({}) in {place}:",
        super::plural(g.files.len(), "file", "files"),
        site.principal(),
        targets_text(targets)
    );
    let width = g.files.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in &g.files {
        let _ = writeln!(h, "  {:<width$}  {}", f.name, f.what);
    }
    let _ = writeln!(
        h,
        "  paths on the web server: keytab {}, these files in {}",
        site.server_keytab, site.server_dir
    );
    if !g.jvm_options.is_empty() {
        let _ = writeln!(h, "JVM system properties:");
        for o in &g.jvm_options {
            let _ = writeln!(h, "  {o}");
        }
    }
    h.push('\n');
    h.push_str(&g.next_steps.text());
    h
}

fn json(
    site: &Site,
    g: &webconf::Generated,
    targets: &[Target],
    out: &Path,
    kvno: u32,
    choice: &webconf::EnctypeChoice,
) -> serde_json::Value {
    let files: Vec<serde_json::Value> = g
        .files
        .iter()
        .map(|f| {
            serde_json::json!({
                "name": f.name,
                "path": out.join(f.name).display().to_string(),
                "server_path": site.server_file(f.name),
                "mode": format!("{MODE:04o}"),
                "for": f.targets,
                "what": f.what,
                "values": f.values,
                "contents": f.contents,
            })
        })
        .collect();
    serde_json::json!({
        "ok": true,
        "principal": site.principal(),
        "realm": site.realm,
        "host": site.host,
        "kvno": kvno,
        "keytab": site.keytab,
        "server_keytab": site.server_keytab,
        "server_dir": site.server_dir,
        "out_dir": out.display().to_string(),
        "for": targets,
        "kdcs": site.kdcs,
        "kdc_source": site.kdc_source.to_string(),
        "enctypes": site.enctypes.iter().map(Enctype::to_string).collect::<Vec<_>>(),
        "enctypes_left_out": choice.dropped.iter().map(|(e, why)| serde_json::json!({"enctype": e.to_string(), "why": why})).collect::<Vec<_>>(),
        "files": files,
        "jvm_options": g.jvm_options,
        "next_steps": g.next_steps,
    })
}

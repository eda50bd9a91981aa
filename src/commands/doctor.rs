//! `spnkt doctor URL`: prepare the request (credentials, keytab, trust anchors),
//! run the engine ([`crate::doctor`]) and render its report: text with ✓ ✗ ! per
//! step (ASCII when the locale is not UTF-8), `--json`, or `-q` (nothing when
//! SPNEGO works; the verdict in one line on standard error when it does not).
//!
//! Exit status: 0 when SPNEGO works, 4 when it does not or could not be proven
//! (the report is the output either way), 2 for a URL or option that cannot work,
//! 1 for a keytab that cannot be read.

use std::fmt::Write as _;

use super::directory::{self, PreparedBind};
use super::verify_report::Failed;
use super::{Outcome, Ui, read_keytab};
use crate::cli::DoctorArgs;
use crate::doctor::{self, DirectoryAccess, Report, Status, Target, kdc::Login};
use crate::exit::CliError;
use crate::krb5conf;
use crate::provision::bind::KerberosLogin;
use crate::provision::credentials::CcacheSource;
use crate::provision::{Bind, check_ca_file, locate};

/// The marks of a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// ✓ ✗ ! -
    Unicode,
    /// [ok] [FAIL] [warn] [skip]
    Ascii,
}

impl Marks {
    /// Unicode when the locale's character set is UTF-8 (LC_ALL, else LC_CTYPE,
    /// else LANG, as the C library decides) or on Windows; ASCII otherwise, so a
    /// cron mail or a C-locale terminal shows no mojibake.
    pub fn from_env() -> Marks {
        if cfg!(windows) {
            return Marks::Unicode;
        }
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if locale.contains("utf-8") || locale.contains("utf8") {
            Marks::Unicode
        } else {
            Marks::Ascii
        }
    }

    fn of(self, s: Status) -> &'static str {
        match (self, s) {
            (Marks::Unicode, Status::Ok) => "✓",
            (Marks::Unicode, Status::Warn) => "!",
            (Marks::Unicode, Status::Fail) => "✗",
            (Marks::Unicode, Status::Skipped) => "-",
            (Marks::Ascii, Status::Ok) => "[ok]",
            (Marks::Ascii, Status::Warn) => "[warn]",
            (Marks::Ascii, Status::Fail) => "[FAIL]",
            (Marks::Ascii, Status::Skipped) => "[skip]",
        }
    }
}

/// The report as text.
pub fn render(report: &Report, marks: Marks) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spnkt doctor {}", report.url);
    for s in &report.steps {
        let _ = writeln!(out);
        let summary = if s.status == Status::Skipped {
            format!("skipped: {}", s.summary)
        } else {
            s.summary.clone()
        };
        let _ = writeln!(
            out,
            "{} {}. {}: {summary}",
            marks.of(s.status),
            s.number,
            s.title
        );
        let indent = " ".repeat(marks.of(s.status).chars().count() + 1);
        for f in &s.findings {
            let _ = writeln!(out, "{indent}   {} {}", marks.of(f.status), f.message);
        }
        if matches!(s.status, Status::Fail | Status::Warn) {
            if let Some(c) = s.cause.as_ref().filter(|_| s.status == Status::Fail) {
                let _ = writeln!(out, "{indent}   cause: {c}");
            }
            if let Some(f) = &s.fix {
                let _ = writeln!(out, "{indent}   fix: {f}");
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} {}",
        marks.of(if report.ok { Status::Ok } else { Status::Fail }),
        report.verdict
    );
    out
}

/// Who binds to the directory: the flags', else the logged-in user's ticket.
fn directory_access(
    args: &DoctorArgs,
    ui: &mut Ui,
) -> anyhow::Result<(DirectoryAccess, Option<(String, crate::krb::Password)>)> {
    let d = &args.directory;
    let explicit = directory::bind_user(&d.bind).is_some() || d.kerberos_bind.any();
    let mut request = directory::request(d);
    // Without bind flags the bind is a Kerberos one (ldap:// is then sealed).
    request.kerberos_bind |= !explicit;
    let settings = match locate::resolve(&request, ui) {
        Ok(s) => s,
        Err(e) => {
            return Ok((
                DirectoryAccess::Unavailable(format!("{e} (give --ldap-url)")),
                None,
            ));
        }
    };
    if !explicit {
        // A logged-in user binds with the ticket of their credential cache.
        let source = CcacheSource::from_env();
        return Ok((
            DirectoryAccess::Bind {
                settings: Box::new(settings),
                bind: Bind::Kerberos(KerberosLogin::Ccache(source)),
            },
            None,
        ));
    }
    let prepared = directory::prepare(d, ui, None)?;
    Ok(match prepared.bind {
        PreparedBind::Password { user, source } => {
            let password = directory::read_bind_password(&source, &user)?;
            (
                DirectoryAccess::Bind {
                    settings: Box::new(prepared.settings),
                    bind: Bind::Simple {
                        user: user.clone(),
                        password: password.clone(),
                    },
                },
                Some((user, password)),
            )
        }
        PreparedBind::Kerberos(login) => (
            DirectoryAccess::Bind {
                settings: Box::new(prepared.settings),
                bind: Bind::Kerberos(login),
            },
            None,
        ),
    })
}

pub fn run(args: &DoctorArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    let target = Target::parse(&args.url).map_err(|e| {
        CliError::usage(e.to_string())
            .hint("give the site's URL, e.g. https://portal.example.com/app")
    })?;
    if let Some(ca) = &args.directory.ca_cert {
        check_ca_file(ca).map_err(|e| {
            CliError::usage(e.to_string()).hint("give a PEM file of CA certificates")
        })?;
    }
    let keytab = match &args.keytab {
        Some(p) => Some((p.clone(), read_keytab(p)?)),
        None => None,
    };
    let now = crate::timefmt::verify_now()?;
    let conf = krb5conf::load();
    let realm = locate::resolve_realm(args.directory.kerberos.realm.as_deref(), &conf, ui);
    let (directory, password) = directory_access(args, ui)?;
    let request = doctor::Request {
        target,
        directory,
        realm,
        kdc: args.directory.kerberos.kdc.clone(),
        conf,
        login: Login {
            ccache: CcacheSource::from_env(),
            password,
        },
        keytab,
        ca_cert: args.directory.ca_cert.clone(),
        timeout: args
            .directory
            .timeout
            .map_or(doctor::DEFAULT_TIMEOUT, std::time::Duration::from_secs),
        now,
    };
    let report = doctor::run(request);
    let json = ui
        .json
        .then(|| serde_json::to_value(&report).unwrap_or_default());
    let human = if ui.quiet || ui.json {
        String::new()
    } else {
        render(&report, Marks::from_env())
    };
    let outcome = Outcome { human, json };
    if report.ok {
        return Ok(outcome);
    }
    let mut error = CliError::verification_failed(report.verdict.clone());
    // -q: the verdict is the one line a cron mail carries.
    if !ui.quiet
        && let Some(fix) = report
            .steps
            .iter()
            .find(|s| s.status == Status::Fail)
            .and_then(|s| s.fix.clone())
    {
        error = error.hint(fix);
    }
    Err(Failed { outcome, error }.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{StepKind, StepReport};

    fn report() -> Report {
        let mut dns = StepReport::new(StepKind::Dns, "www.example.test has address 127.0.0.1");
        dns.fact(
            "browser_spn",
            "browsers ask a ticket for HTTP/www.example.test",
        );
        let mut web = StepReport::new(StepKind::Web, "401 again: the server rejected the ticket");
        web.fact("challenge", "401 with WWW-Authenticate: Negotiate");
        web.fail(
            "rejected",
            "401 again",
            "its keytab is old",
            "copy the new keytab",
        );
        Report::new(
            "https://www.example.test/",
            None,
            vec![
                dns,
                web,
                StepReport::skipped(StepKind::Keytab, "no --keytab"),
            ],
        )
    }

    #[test]
    fn text_has_marks_causes_and_fixes() {
        let text = render(&report(), Marks::Unicode);
        for want in [
            "spnkt doctor https://www.example.test/\n",
            "✓ 1. DNS: www.example.test has address 127.0.0.1\n",
            "     ✓ browsers ask a ticket for HTTP/www.example.test\n",
            "✗ 4. Web server: 401 again: the server rejected the ticket\n",
            "     ✗ 401 again\n",
            "     cause: its keytab is old\n",
            "     fix: copy the new keytab\n",
            "- 5. Keytab: skipped: no --keytab\n",
            "✗ SPNEGO to https://www.example.test/ fails: step 4 (Web server): 401 again: the server rejected the ticket\n",
        ] {
            assert!(text.contains(want), "{want:?} not in\n{text}");
        }
        let ascii = render(&report(), Marks::Ascii);
        assert!(ascii.is_ascii(), "{ascii}");
        assert!(ascii.contains("[FAIL] 4. Web server:"), "{ascii}");
        assert!(ascii.contains("[skip] 5. Keytab: skipped"), "{ascii}");
    }
}

//! `spnkt apply PLAN.toml`: the declarative, idempotent rollout for pipelines.
//!
//! 1. parse and check the whole plan file ([`crate::plan_file`]): file errors refuse
//!    the run (exit 2), entry errors fail that entry only;
//! 2. one LDAP connection, one KDC (checked reachable once);
//! 3. per service: the same preflight as `create`, then a [`diff`] of the plan
//!    against the directory and the keytab (pure), which yields the one [`Plan`] type
//!    `create`/`rotate` use; run it with the shared executor, leaving the keytab out;
//! 4. write each keytab file once, with the proven keys of every service sharing it;
//! 5. `--prune`: remove the accounts this plan made that it no longer lists.
//!
//! A progress line per service on stderr, with a progress bar below them on a terminal.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use super::create::{self, CREATED_MARKER};
use super::directory::{self, Session};
use super::provision::{self, KeyTarget};
use super::{Outcome, Reported, Ui, read_keytab, write_keytab};
use crate::ad::account::{
    ACCOUNT_ATTRS, ServiceAccount, SupportedEnctypes, Uac, filetime_to_system_time,
};
use crate::ad::ldap::{Scope, escape_filter_value};
use crate::atomic_file::Overwrite;
use crate::cli::{ApplyArgs, BindArgs, BindPasswordArgs, DirectoryArgs, KerberosArgs};
use crate::exit::{self, CliError, Exit};
use crate::genpass;
use crate::hostname;
use crate::krb::keytab::{Keytab, KeytabEntry};
use crate::krb::{Enctype, Key, Principal};
use crate::plan::{CreateSpec, KeytabMode, PasswordOrigin, Plan, Step, key_steps};
use crate::plan_file::{self, PlanFile, Service};

/// What happened (or, with `--dry-run`, would happen) to one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Unchanged,
    Repair,
    Rotate,
    Remove,
    Failed,
}

impl Action {
    /// The report's word: past tense for a run, imperative for a dry run.
    pub fn word(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (Action::Create, false) => "created",
            (Action::Create, true) => "create",
            (Action::Unchanged, _) => "unchanged",
            (Action::Repair, false) => "repaired",
            (Action::Repair, true) => "repair",
            (Action::Rotate, false) => "rotated",
            (Action::Rotate, true) => "rotate",
            (Action::Remove, false) => "removed",
            (Action::Remove, true) => "remove",
            (Action::Failed, _) => "failed",
        }
    }

    pub fn changes_something(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Repair | Action::Rotate | Action::Remove
        )
    }
}

/// An error in a service report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    pub message: String,
    pub hint: Option<String>,
}

impl ErrorReport {
    fn from_cli(e: &CliError) -> ErrorReport {
        ErrorReport {
            message: e.message.clone(),
            hint: e.hint.clone(),
        }
    }

    fn from_anyhow(e: &anyhow::Error) -> ErrorReport {
        let r = exit::render(e);
        ErrorReport {
            message: r.message,
            hint: r.hint,
        }
    }
}

/// One service's line of the report (`--json`: one object per service).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub host: String,
    pub account: Option<String>,
    pub action: &'static str,
    pub changes: Vec<String>,
    pub notes: Vec<String>,
    pub error: Option<ErrorReport>,
    pub keytab: Option<String>,
    pub kvno: Option<u32>,
    /// Line of the `[[service]]` entry (none for a pruned account).
    pub line: Option<usize>,
    #[serde(skip)]
    pub kind: Action,
}

impl ServiceReport {
    fn new(host: &str, line: Option<usize>) -> ServiceReport {
        ServiceReport {
            host: host.to_owned(),
            account: None,
            action: "failed",
            changes: Vec::new(),
            notes: Vec::new(),
            error: None,
            keytab: None,
            kvno: None,
            line,
            kind: Action::Failed,
        }
    }

    fn set(&mut self, kind: Action, dry_run: bool) {
        self.kind = kind;
        self.action = kind.word(dry_run);
    }

    fn fail(&mut self, error: ErrorReport) {
        self.set(Action::Failed, false);
        self.error = Some(error);
    }
}

/// `--dry-run` with changes pending: the report is the output, exit status 10.
#[derive(Debug)]
pub struct ChangesPending {
    pub outcome: Outcome,
}

impl std::fmt::Display for ChangesPending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the plan would change something")
    }
}

impl std::error::Error for ChangesPending {}

/// The exit status of a run: 1 when a service failed, else with `--dry-run` 10 when
/// something would change, else 0.
pub fn exit_status(reports: &[ServiceReport], dry_run: bool) -> Exit {
    if reports.iter().any(|r| r.kind == Action::Failed) {
        Exit::Failure
    } else if dry_run && reports.iter().any(|r| r.kind.changes_something()) {
        Exit::Changes
    } else {
        Exit::Ok
    }
}

/// What the keytab file holds for a service, compared with the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeytabState {
    Missing,
    Matches,
    /// Present but not usable as is: why.
    Stale(Vec<String>),
}

/// Compare the keytab's entries of `principal` with the account's kvno and the
/// wanted enctypes (the `spnkt account show --keytab` check).
pub fn keytab_state(
    kt: Option<&Keytab>,
    principal: &Principal,
    kvno: Option<u32>,
    wanted: &[Enctype],
) -> KeytabState {
    let Some(kt) = kt else {
        return KeytabState::Missing;
    };
    let mine: Vec<&KeytabEntry> = kt
        .entries
        .iter()
        .filter(|e| e.matches(principal, None, None))
        .collect();
    if mine.is_empty() {
        return KeytabState::Stale(vec![format!("the keytab has no entry for {principal}")]);
    }
    let Some(k) = kvno else {
        return KeytabState::Stale(vec![
            "the account's msDS-KeyVersionNumber cannot be read".to_owned(),
        ]);
    };
    let at: Vec<Enctype> = mine
        .iter()
        .filter(|e| e.kvno == k)
        .map(|e| e.key.enctype())
        .collect();
    if at.is_empty() {
        let mut kvnos: Vec<u32> = mine.iter().map(|e| e.kvno).collect();
        kvnos.sort_unstable();
        kvnos.dedup();
        return KeytabState::Stale(vec![format!(
            "the keytab has kvno {} for {principal}, the account is at kvno {k}",
            kvnos
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )]);
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|e| !at.contains(e))
        .map(|e| format!("the keytab has no {e} key at kvno {k}"))
        .collect();
    if missing.is_empty() {
        KeytabState::Matches
    } else {
        KeytabState::Stale(missing)
    }
}

/// Why a rotation is due (`rotate_after_days` against pwdLastSet), if it is.
pub fn rotation_due(
    pwd_last_set: Option<i64>,
    days: Option<u32>,
    now: SystemTime,
) -> Option<String> {
    let days = days?;
    let Some(set) = pwd_last_set.and_then(filetime_to_system_time) else {
        return Some(format!(
            "due: pwdLastSet is not set (rotate_after_days = {days})"
        ));
    };
    let age = now.duration_since(set).map_or(0, |d| d.as_secs());
    (age >= u64::from(days) * 86_400).then(|| {
        format!(
            "due: the password is {} days old (rotate_after_days = {days})",
            age / 86_400
        )
    })
}

/// The diff of one service: what to do and the plan that does it (with its
/// `WriteKeytab` step, which [`run`] takes out and does once per file).
#[derive(Debug, Clone)]
pub struct Diff {
    pub action: Action,
    pub changes: Vec<String>,
    pub plan: Plan,
}

fn was(a: &ServiceAccount, attr: &str) -> String {
    let v = match attr {
        "userPrincipalName" => a.user_principal_name.clone().unwrap_or_default(),
        "msDS-SupportedEncryptionTypes" => a
            .supported_enctypes
            .map(|s| s.0.to_string())
            .unwrap_or_default(),
        "msDS-AllowedToDelegateTo" => a.allowed_to_delegate_to.join(", "),
        _ => String::new(),
    };
    if v.is_empty() { "not set".into() } else { v }
}

/// Pure: compare what the plan wants (`spec`) with the account (`existing`) and the
/// keytab, and say what to do. `rotate` is why a rotation is asked for or due.
pub fn diff(
    spec: &CreateSpec,
    existing: Option<&ServiceAccount>,
    keytab: &KeytabState,
    rotate: Option<&str>,
) -> Diff {
    let Some(a) = existing else {
        let plan = spec.plan(None);
        let changes = vec![
            format!("create the account {}", spec.dn()),
            format!(
                "{} on it, userPrincipalName {}",
                spec.spn(),
                spec.upn_value().unwrap_or_else(|| "not set".into())
            ),
            format!(
                "delegation {}, userAccountControl 0x{:x}, msDS-SupportedEncryptionTypes {}",
                create::delegation_name(&spec.delegation),
                spec.enabled_uac(),
                spec.enctypes.0
            ),
            format!(
                "random password; keys ({}) proven with the KDC, written to {}",
                spec.keytab_enctypes.join(", "),
                spec.keytab
            ),
        ];
        return Diff {
            action: Action::Create,
            changes,
            plan,
        };
    };
    let mut changes = Vec::new();
    let mut steps = Vec::new();
    let (replace, add_values) = spec.converge(a);
    for r in &replace {
        let now = if r.values.is_empty() {
            "(removed)".to_owned()
        } else {
            r.values.join(", ")
        };
        changes.push(format!("set {}: {now} (was {})", r.name, was(a, &r.name)));
    }
    for v in &add_values {
        changes.push(format!("add {}: {}", v.name, v.values.join(", ")));
    }
    let upn_changes = replace.iter().any(|r| r.name == "userPrincipalName");
    if !replace.is_empty() || !add_values.is_empty() {
        steps.push(Step::UpdateAccount {
            dn: a.dn.clone(),
            replace,
            add_values,
        });
    }
    let mask = Uac::TRUSTED_FOR_DELEGATION | Uac::TRUSTED_TO_AUTH_FOR_DELEGATION;
    let uac = (a.uac.0 & !(mask | Uac::ACCOUNTDISABLE))
        | Uac::NORMAL_ACCOUNT
        | Uac::DONT_EXPIRE_PASSWORD
        | spec.delegation.uac_bits();
    if uac != a.uac.0 {
        changes.push(format!(
            "set userAccountControl: 0x{uac:x} ({}) (was 0x{:x}: {})",
            Uac(uac).names().join(" | "),
            a.uac.0,
            a.uac.names().join(" | ")
        ));
    }
    let mut reasons: Vec<String> = rotate.map(str::to_owned).into_iter().collect();
    if a.uac.contains(Uac::ACCOUNTDISABLE) {
        reasons.push("the account is disabled: it gets a new password and is enabled".into());
    }
    if upn_changes {
        reasons.push("the userPrincipalName changes, and with it the salt of the keys".into());
    }
    match keytab {
        KeytabState::Missing => reasons.push(format!(
            "the keytab {} is missing: new keys are needed, so the password is rotated",
            spec.keytab
        )),
        KeytabState::Stale(why) => reasons.push(format!(
            "{}: new keys are needed, so the password is rotated",
            why.join("; ")
        )),
        KeytabState::Matches => {}
    }
    let rotating = !reasons.is_empty();
    if rotating {
        for r in &reasons {
            changes.push(format!("rotate: {r}"));
        }
        steps.push(Step::SetPassword {
            dn: a.dn.clone(),
            password: spec.password,
        });
        steps.push(Step::Enable {
            dn: a.dn.clone(),
            uac,
            uac_names: Uac(uac).names(),
        });
        steps.extend(key_steps(
            &a.dn,
            &spec.kdc,
            &spec.client(),
            &format!("{}@{}", spec.spn(), spec.realm),
            &spec.keytab,
            spec.keytab_principals(),
            spec.keytab_enctypes.clone(),
            spec.keytab_mode,
        ));
    } else if uac != a.uac.0 {
        steps.push(Step::Enable {
            dn: a.dn.clone(),
            uac,
            uac_names: Uac(uac).names(),
        });
    }
    let action = if rotating {
        Action::Rotate
    } else if steps.is_empty() {
        Action::Unchanged
    } else {
        Action::Repair
    };
    Diff {
        action,
        changes,
        plan: Plan {
            command: "apply".into(),
            principal: format!("{}@{}", spec.spn(), spec.realm),
            steps,
        },
    }
}

/// New keys of one service, waiting for their keytab file to be written.
struct Pending {
    report: usize,
    path: PathBuf,
    principals: Vec<Principal>,
    kvno: u32,
    keys: Vec<Key>,
    mode: KeytabMode,
}

/// The directory arguments of the plan's `[directory]`, SPNKT_* for what it leaves out.
fn directory_args(d: &plan_file::DirectorySettings) -> DirectoryArgs {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    DirectoryArgs {
        ldap_url: d.ldap_url.clone().or_else(|| env("SPNKT_LDAP_URL")),
        starttls: d.starttls,
        ca_cert: d
            .ca_cert
            .clone()
            .or_else(|| env("SPNKT_CA_CERT").map(PathBuf::from)),
        insecure_skip_verify: false,
        bind: BindArgs {
            bind_user: d.bind_user.clone().or_else(|| env("SPNKT_BIND_USER")),
            bind_password: BindPasswordArgs {
                bind_password_file: d.bind_password_file.clone(),
                bind_password_stdin: false,
                bind_password_env: d.bind_password_env.clone(),
            },
        },
        kerberos: KerberosArgs {
            realm: d.realm.clone().or_else(|| env("SPNKT_REALM")),
            kdc: d.kdc.clone().or_else(|| env("SPNKT_KDC")),
        },
        base_dn: d.base_dn.clone(),
    }
}

/// Read and check the plan file (exit 2 on file-level errors).
pub fn load(path: &Path) -> Result<PlanFile, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!("cannot read the plan {}: {e}", path.display()))
            .hint("give the path of a TOML plan file: spnkt apply PLAN.toml")
    })?;
    plan_file::parse(path, &text)
}

fn progress_line(ui: &Ui, i: usize, n: usize, r: &ServiceReport) {
    if ui.quiet {
        return;
    }
    let mut line = format!(
        "[{i:>w$}/{n}] {}: {}",
        r.host,
        r.action,
        w = n.to_string().len()
    );
    if let Some(k) = r.kvno {
        line.push_str(&format!(" (kvno {k})"));
    }
    if let Some(e) = &r.error {
        line.push_str(&format!(
            ": {}",
            e.message.lines().next().unwrap_or_default()
        ));
    }
    ui.line(&line);
}

pub fn run(args: &ApplyArgs, ui: &mut Ui) -> anyhow::Result<Outcome> {
    // 1. The whole file, offline.
    let plan = load(&args.plan)?;
    if args.prune && !args.yes && !args.dry_run {
        return Err(CliError::usage("--prune deletes accounts: it needs --yes")
            .hint("run with --prune --dry-run to see what would be removed, then --prune --yes")
            .into());
    }
    let mut forced = HashSet::new();
    for h in &args.rotate {
        let host = hostname::check_host(h)?;
        let listed = plan
            .entries
            .iter()
            .any(|e| e.service.as_ref().is_ok_and(|s| s.host.name == host.name));
        if !listed {
            return Err(CliError::usage(format!(
                "--rotate {}: the plan has no valid service for this host",
                host.name
            ))
            .hint("give a host listed in the plan's [[service]] entries")
            .into());
        }
        forced.insert(host.name);
    }
    let dargs = directory_args(&plan.directory);
    if dargs.bind.bind_password.bind_password_env.is_none()
        && dargs.bind.bind_password.bind_password_file.is_none()
        && !std::io::stdin().is_terminal()
    {
        return Err(CliError::usage(format!(
            "plan {}: no bind password source, and standard input is not a terminal",
            args.plan.display()
        ))
        .hint("add bind_password_env = \"VAR\" or bind_password_file = \"FILE\" to [directory]")
        .into());
    }

    // Nothing valid to apply (and nothing to prune): report without connecting.
    if !args.prune && plan.entries.iter().all(|e| e.service.is_err()) {
        let mut reports = Vec::new();
        for (i, entry) in plan.entries.iter().enumerate() {
            let mut report = ServiceReport::new(&entry.host, Some(entry.line));
            if let Err(e) = &entry.service {
                report.fail(entry_error(entry.index, entry.line, e));
            }
            progress_line(ui, i + 1, plan.entries.len(), &report);
            reports.push(report);
        }
        return finish(&plan, args, &reports, None);
    }

    // 2. One connection, one KDC.
    let prepared = directory::prepare(&dargs, ui, None)?;
    prepared.require_kdc_to_prove_keys()?;
    let mut session = directory::connect(prepared, ui)?;
    let kdc = session.kdc()?;
    provision::check_kdc_reachable(&kdc, &session.realm)?;

    // 3. Each service.
    let n = plan.entries.len();
    ui.start_progress(n as u64);
    let mut reports: Vec<ServiceReport> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut keytabs: HashMap<PathBuf, Result<Option<Keytab>, String>> = HashMap::new();
    for (i, entry) in plan.entries.iter().enumerate() {
        let mut report = ServiceReport::new(&entry.host, Some(entry.line));
        match &entry.service {
            Err(e) => {
                report.fail(entry_error(entry.index, entry.line, e));
            }
            Ok(svc) => {
                report.account = Some(svc.account.clone());
                report.keytab = Some(svc.keytab.display().to_string());
                let force = forced.contains(&svc.host.name);
                if let Err(e) = service(
                    &mut session,
                    &plan,
                    svc,
                    &kdc.0,
                    force,
                    args.dry_run,
                    &mut keytabs,
                    &mut report,
                    &mut pending,
                    reports.len(),
                ) {
                    report.fail(e);
                }
            }
        }
        // A service whose keytab is still to be written reports when it is.
        if !pending.iter().any(|p| p.report == reports.len()) {
            progress_line(ui, i + 1, n, &report);
        }
        ui.advance(&entry.host);
        reports.push(report);
    }
    ui.finish_progress();

    // 4. Each keytab file once.
    let mut by_file: BTreeMap<PathBuf, Vec<Pending>> = BTreeMap::new();
    for p in pending {
        by_file.entry(p.path.clone()).or_default().push(p);
    }
    for (path, group) in by_file {
        let result = write_group(&path, &group);
        for p in &group {
            let r = &mut reports[p.report];
            match &result {
                Ok(()) => {}
                Err(e) => r.fail(ErrorReport {
                    message: format!(
                        "the account has a new password and its keys were proven, but the keytab {} was NOT written: {}",
                        path.display(),
                        e.message
                    ),
                    hint: Some(format!(
                        "fix the file or its directory, then run `spnkt apply {} --rotate {}`",
                        args.plan.display(),
                        r.host
                    )),
                }),
            }
            let idx = plan
                .entries
                .iter()
                .position(|e| e.line == r.line.unwrap_or_default())
                .unwrap_or(p.report);
            progress_line(ui, idx + 1, n, r);
        }
    }

    // 5. Prune.
    if args.prune {
        prune(&mut session, &plan, args.dry_run, &mut reports, ui);
    }

    finish(&plan, args, &reports, Some(&session))
}

fn entry_error(index: usize, line: usize, e: &CliError) -> ErrorReport {
    ErrorReport {
        message: format!("service #{index} (line {line}): {}", e.message),
        hint: e.hint.clone(),
    }
}

/// The report and the exit status.
fn finish(
    plan: &PlanFile,
    args: &ApplyArgs,
    reports: &[ServiceReport],
    session: Option<&Session>,
) -> anyhow::Result<Outcome> {
    let status = exit_status(reports, args.dry_run);
    let outcome = render(plan, &args.plan, reports, args.dry_run, session);
    match status {
        Exit::Ok => Ok(outcome),
        Exit::Changes => Err(ChangesPending { outcome }.into()),
        _ => {
            let failed = reports.iter().filter(|r| r.kind == Action::Failed).count();
            Err(Reported {
                outcome,
                error: CliError::failure(if failed == reports.len() {
                    format!("all {failed} services failed")
                } else {
                    format!(
                        "{failed} of {} services failed; the others were {}",
                        reports.len(),
                        if args.dry_run { "checked" } else { "applied" }
                    )
                })
                .hint("see each failed service's error above; fix the plan or the directory and run the same plan again"),
            }
            .into())
        }
    }
}

/// One service: preflight, diff, and (unless dry run) the plan, keys kept pending.
#[allow(clippy::too_many_arguments)]
fn service(
    session: &mut Session,
    plan: &PlanFile,
    svc: &Service,
    kdc: &str,
    force: bool,
    dry_run: bool,
    keytabs: &mut HashMap<PathBuf, Result<Option<Keytab>, String>>,
    report: &mut ServiceReport,
    pending: &mut Vec<Pending>,
    index: usize,
) -> Result<(), ErrorReport> {
    for w in &svc.host.warnings {
        report.notes.push(w.clone());
    }
    directory::check_keytab_dir(&svc.keytab).map_err(|e| ErrorReport::from_cli(&e))?;
    let realm = session.realm.clone();
    let spn = svc.host.spn();
    let upn = format!("{spn}@{realm}");
    // An account of this plan that lost its SPN is taken over (drift), any other
    // existing account of that name is refused, as by `create`.
    let base = session.base_dn.clone();
    let ours = session
        .dir
        .find_account(&base, &svc.account)
        .ok()
        .flatten()
        .is_some_and(|a| {
            a.description
                .as_deref()
                .is_some_and(|d| d.contains(&plan.tag()))
        });
    let mut quiet = Ui {
        quiet: true,
        ..Ui::default()
    };
    let existing = create::preflight(
        session,
        &svc.host,
        &svc.account,
        Some(&upn),
        ours,
        &mut quiet,
    )
    .map_err(|e| ErrorReport::from_anyhow(&e))?;
    let cached = keytabs.entry(svc.keytab.clone()).or_insert_with(|| {
        if std::fs::symlink_metadata(&svc.keytab).is_err() {
            return Ok(None);
        }
        read_keytab(&svc.keytab)
            .map(Some)
            .map_err(|e| format!("{e:#}"))
    });
    let kt = match cached {
        Ok(kt) => kt.as_ref(),
        Err(e) => {
            return Err(ErrorReport {
                message: format!("cannot read the keytab: {e}"),
                hint: Some("fix the file, or move it away to get a new one".into()),
            });
        }
    };
    let principal = provision::principal(&upn).map_err(|e| ErrorReport::from_cli(&e))?;
    let state = match &existing {
        Some(a) => keytab_state(kt, &principal, a.kvno, &svc.enctypes),
        None => KeytabState::Missing,
    };
    let due = match &existing {
        Some(_) if force => Some("asked for with --rotate".to_owned()),
        Some(a) => rotation_due(a.pwd_last_set, svc.rotate_after_days, SystemTime::now()),
        None => None,
    };
    if let Some(a) = &existing {
        if let Some(ou) = &svc.ou
            && !a
                .dn
                .split_once(',')
                .is_some_and(|(_, parent)| parent.eq_ignore_ascii_case(ou))
        {
            report.notes.push(format!(
                "the account is {}, not in {ou} as planned: not moved (move it by hand if needed)",
                a.dn
            ));
        }
        if !a
            .description
            .as_deref()
            .is_some_and(|d| d.contains(CREATED_MARKER))
        {
            report.notes.push(
                "the account was not created by spnkt: it is managed by this plan but never pruned"
                    .into(),
            );
        }
        report.kvno = a.kvno;
    }
    let spec = CreateSpec {
        host: svc.host.name.clone(),
        realm: realm.clone(),
        sam_account_name: svc.account.clone(),
        ou: svc
            .ou
            .clone()
            .unwrap_or_else(|| format!("CN=Users,{}", session.base_dn)),
        upn: true,
        description: format!(
            "{} {}",
            create::account_description(&svc.host.name, &session.bind_user),
            plan.tag()
        ),
        enctypes: SupportedEnctypes::from_enctypes(&svc.enctypes),
        delegation: svc.delegation.clone(),
        password: PasswordOrigin::Random {
            length: genpass::DEFAULT_LENGTH,
        },
        kdc: kdc.to_owned(),
        keytab: svc.keytab.display().to_string(),
        keytab_mode: match &existing {
            None => KeytabMode::Append,
            Some(_) => KeytabMode::Rotate {
                keep_old: svc.keep_old,
            },
        },
        keytab_enctypes: svc.enctypes.iter().map(Enctype::to_string).collect(),
    };
    let d = diff(&spec, existing.as_ref(), &state, due.as_deref());
    report.changes = d.changes.clone();
    report.set(d.action, dry_run);
    if dry_run || d.action == Action::Unchanged {
        return Ok(());
    }

    // Run it (the keytab is written later, once per file).
    let mut exec = d.plan.clone();
    let write = exec.steps.iter().find_map(|s| match s {
        Step::WriteKeytab {
            principals, mode, ..
        } => Some((principals.clone(), *mode)),
        _ => None,
    });
    exec.steps
        .retain(|s| !matches!(s, Step::WriteKeytab { .. }));
    let password = genpass::random_password(genpass::DEFAULT_LENGTH).map_err(|e| ErrorReport {
        message: format!("no randomness from the operating system: {e}"),
        hint: None,
    })?;
    let target = KeyTarget {
        realm: realm.clone(),
        sam_account_name: svc.account.clone(),
        upn: Some(upn.clone()),
        enctypes: svc.enctypes.clone(),
    };
    let mut quiet = Ui {
        quiet: true,
        ..Ui::default()
    };
    let result = provision::execute_with_keys(&exec, session, &password, &target, &mut quiet);
    drop(password);
    report.notes.extend(quiet.warnings);
    match result {
        Ok((progress, keys)) => {
            report.kvno = progress.kvno;
            if let (Some((principals, mode)), Some(kvno)) = (write, progress.kvno) {
                let principals = principals
                    .iter()
                    .map(|p| provision::principal(p))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| ErrorReport::from_cli(&e))?;
                pending.push(Pending {
                    report: index,
                    path: svc.keytab.clone(),
                    principals,
                    kvno,
                    keys,
                    mode,
                });
            }
            Ok(())
        }
        Err(boxed) => {
            let (progress, failure) = *boxed;
            let ldap_step = matches!(
                failure.step,
                Step::AddAccount { .. }
                    | Step::UpdateAccount { .. }
                    | Step::SetPassword { .. }
                    | Step::Enable { .. }
            );
            let state = if ldap_step {
                create::undo(
                    session,
                    &progress,
                    existing.as_ref(),
                    &svc.host,
                    &svc.host.name,
                )
            } else if progress.password_set {
                "the account has a NEW password and is enabled, but NO keytab was written: keytabs made before no longer work".to_owned()
            } else {
                "the account is in place, the keys are NOT proven, no keytab was written".to_owned()
            };
            Err(ErrorReport {
                message: format!(
                    "step {} ({}) failed: {}; {state}",
                    failure.number,
                    failure.step.to_string().lines().next().unwrap_or_default(),
                    failure.error.message
                ),
                hint: failure.error.hint,
            })
        }
    }
}

/// Write one keytab file with the new keys of every service sharing it.
fn write_group(path: &Path, group: &[Pending]) -> Result<(), CliError> {
    let exists = std::fs::symlink_metadata(path).is_ok();
    let mut kt = if exists {
        Some(read_keytab(path).map_err(|e| CliError::failure(format!("{e:#}")))?)
    } else {
        None
    };
    let timestamp = crate::timefmt::keytab_timestamp()?;
    for p in group {
        let mut entries = Vec::new();
        for pr in &p.principals {
            for k in &p.keys {
                entries.push(KeytabEntry {
                    principal: pr.clone(),
                    timestamp,
                    kvno: p.kvno,
                    key: k.clone(),
                });
            }
        }
        let (merged, _) =
            provision::merge_keytab(kt.take(), entries, &p.principals, p.mode, p.kvno);
        kt = Some(merged);
    }
    let Some(kt) = kt else {
        return Ok(());
    };
    let overwrite = if exists {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    write_keytab(path, &kt, overwrite).map_err(|e| CliError::failure(format!("{e:#}")))
}

/// `--prune`: the accounts this plan made (description tag) that it no longer lists.
fn prune(
    session: &mut Session,
    plan: &PlanFile,
    dry_run: bool,
    reports: &mut Vec<ServiceReport>,
    ui: &Ui,
) {
    let mut report = ServiceReport::new("(prune)", None);
    if let Some(bad) = plan.entries.iter().find(|e| e.service.is_err()) {
        report.fail(ErrorReport {
            message: format!(
                "--prune skipped: service #{} (line {}) is not valid, and a broken entry must not get its account deleted",
                bad.index, bad.line
            ),
            hint: Some("fix the plan's invalid entries first".into()),
        });
        reports.push(report);
        return;
    }
    let hosts: HashSet<String> = plan
        .entries
        .iter()
        .filter_map(|e| e.service.as_ref().ok())
        .map(|s| s.host.spn().to_lowercase())
        .collect();
    let accounts: HashSet<String> = plan
        .entries
        .iter()
        .filter_map(|e| e.service.as_ref().ok())
        .map(|s| s.account.to_lowercase())
        .collect();
    let filter = format!(
        "(&(objectClass=user)(!(objectClass=computer))(description=*{}*))",
        escape_filter_value(&plan.tag())
    );
    let base = session.base_dn.clone();
    let found = match session
        .dir
        .search(&base, Scope::Subtree, &filter, ACCOUNT_ATTRS)
    {
        Ok(f) => f,
        Err(e) => {
            report.fail(ErrorReport {
                message: format!("--prune: cannot search for this plan's accounts: {e}"),
                hint: Some("check the bind account's read rights".into()),
            });
            reports.push(report);
            return;
        }
    };
    let mut gone: Vec<ServiceAccount> = found
        .iter()
        .filter_map(|e| ServiceAccount::from_entry(e).ok())
        .filter(|a| {
            !a.is_computer
                && a.description
                    .as_deref()
                    .is_some_and(|d| d.contains(CREATED_MARKER) && d.contains(&plan.tag()))
                && !accounts.contains(&a.sam_account_name.to_lowercase())
                && !a
                    .service_principal_names
                    .iter()
                    .any(|s| hosts.contains(&s.to_lowercase()))
        })
        .collect();
    gone.sort_by(|a, b| a.sam_account_name.cmp(&b.sam_account_name));
    let n = gone.len();
    for (i, a) in gone.into_iter().enumerate() {
        let host = a
            .service_principal_names
            .iter()
            .find_map(|s| {
                s.split_once('/')
                    .filter(|(svc, _)| svc.eq_ignore_ascii_case("HTTP"))
                    .map(|(_, h)| h.to_owned())
            })
            .unwrap_or_else(|| "(no HTTP/ SPN)".into());
        let mut r = ServiceReport::new(&host, None);
        r.account = Some(a.sam_account_name.clone());
        r.kvno = a.kvno;
        r.changes.push(format!(
            "delete the account {} (made by this plan, no longer listed); keytabs for it stop working",
            a.dn
        ));
        if dry_run {
            r.set(Action::Remove, true);
        } else {
            match session.dir.delete(&a.dn) {
                Ok(()) => r.set(Action::Remove, false),
                Err(e) => r.fail(ErrorReport {
                    message: format!("cannot delete {}: {e}", a.dn),
                    hint: Some(
                        "the bind account needs the right to delete users in that container".into(),
                    ),
                }),
            }
        }
        progress_line(ui, i + 1, n, &r);
        reports.push(r);
    }
}

fn render(
    plan: &PlanFile,
    path: &Path,
    reports: &[ServiceReport],
    dry_run: bool,
    session: Option<&Session>,
) -> Outcome {
    let count = |a: Action| reports.iter().filter(|r| r.kind == a).count();
    let summary = serde_json::json!({
        "created": count(Action::Create),
        "repaired": count(Action::Repair),
        "rotated": count(Action::Rotate),
        "removed": count(Action::Remove),
        "unchanged": count(Action::Unchanged),
        "failed": count(Action::Failed),
    });
    let changed = reports.iter().any(|r| r.kind.changes_something());
    let mut human = String::new();
    for r in reports {
        let mut line = format!("{:<9} {}", r.action, r.host);
        if let Some(a) = &r.account {
            line.push_str(&format!(" ({a})"));
        }
        if let Some(k) = r.kvno {
            line.push_str(&format!(", kvno {k}"));
        }
        if r.kind != Action::Failed
            && r.kind != Action::Remove
            && let Some(k) = &r.keytab
        {
            line.push_str(&format!(", keytab {k}"));
        }
        human.push_str(&line);
        human.push('\n');
        if r.kind != Action::Unchanged {
            for c in &r.changes {
                human.push_str(&format!("    - {c}\n"));
            }
        }
        for note in &r.notes {
            human.push_str(&format!("    note: {note}\n"));
        }
        if let Some(e) = &r.error {
            human.push_str(&format!("    error: {}\n", e.message));
            if let Some(h) = &e.hint {
                human.push_str(&format!("    hint: {h}\n"));
            }
        }
    }
    let parts: Vec<String> = [
        (Action::Create, "created", "to create"),
        (Action::Repair, "repaired", "to repair"),
        (Action::Rotate, "rotated", "to rotate"),
        (Action::Remove, "removed", "to remove"),
        (Action::Unchanged, "unchanged", "unchanged"),
        (Action::Failed, "failed", "failed"),
    ]
    .iter()
    .filter(|(a, _, _)| count(*a) > 0)
    .map(|(a, done, todo)| format!("{} {}", count(*a), if dry_run { todo } else { done }))
    .collect();
    let failed = count(Action::Failed);
    let headline = match (changed, failed, dry_run) {
        (false, 0, _) => format!(
            "no changes: the directory and keytabs match plan `{}` ({} services)",
            plan.name,
            reports.len()
        ),
        (true, 0, true) => format!(
            "dry run: nothing was changed; applying would change something (exit status 10): {}",
            parts.join(", ")
        ),
        (_, _, true) => format!("dry run: nothing was changed: {}", parts.join(", ")),
        _ => format!("applied plan `{}`: {}", plan.name, parts.join(", ")),
    };
    human.push_str(&headline);
    human.push('\n');
    Outcome {
        human,
        json: Some(serde_json::json!({
            "plan": path.display().to_string(),
            "name": plan.name,
            "dry_run": dry_run,
            "changed": changed,
            "services": reports,
            "summary": summary,
            "ldap_round_trips": session.map_or(0, |s| s.dir.round_trips()),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::account::Delegation;
    use crate::krb::keytab::KeytabVersion;

    fn spec() -> CreateSpec {
        CreateSpec {
            host: "app1.example.test".into(),
            realm: "EXAMPLE.TEST".into(),
            sam_account_name: "svc-http-app1".into(),
            ou: "CN=Users,DC=example,DC=test".into(),
            upn: true,
            description: "x created by spnkt [spnkt plan: t]".into(),
            enctypes: SupportedEnctypes::AES,
            delegation: Delegation::Unconstrained,
            password: PasswordOrigin::Random { length: 32 },
            kdc: "127.0.0.1:88".into(),
            keytab: "k/app1.keytab".into(),
            keytab_mode: KeytabMode::Rotate { keep_old: 1 },
            keytab_enctypes: vec![
                "aes256-cts-hmac-sha1-96".into(),
                "aes128-cts-hmac-sha1-96".into(),
            ],
        }
    }

    /// The account as `create` leaves it for [`spec`].
    fn account() -> ServiceAccount {
        ServiceAccount {
            dn: "CN=svc-http-app1,CN=Users,DC=example,DC=test".into(),
            sam_account_name: "svc-http-app1".into(),
            user_principal_name: Some("HTTP/app1.example.test@EXAMPLE.TEST".into()),
            service_principal_names: vec!["HTTP/app1.example.test".into()],
            uac: Uac(0x90200),
            supported_enctypes: Some(SupportedEnctypes::AES),
            kvno: Some(2),
            ..ServiceAccount::default()
        }
    }

    fn keytab(kvno: u32, enctypes: &[i32]) -> Keytab {
        Keytab {
            version: KeytabVersion::V2,
            entries: enctypes
                .iter()
                .map(|e| KeytabEntry {
                    principal: Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap(),
                    timestamp: 0,
                    kvno,
                    key: Key::new(Enctype(*e), vec![0; if *e == 17 { 16 } else { 32 }]),
                })
                .collect(),
        }
    }

    fn principal() -> Principal {
        Principal::parse("HTTP/app1.example.test@EXAMPLE.TEST").unwrap()
    }

    fn report(kind: Action) -> ServiceReport {
        let mut r = ServiceReport::new("h", None);
        r.set(kind, true);
        r
    }

    #[test]
    fn dry_run_exit_status() {
        use Action::*;
        assert_eq!(exit_status(&[], true), Exit::Ok);
        assert_eq!(exit_status(&[report(Unchanged)], true), Exit::Ok);
        for a in [Create, Repair, Rotate, Remove] {
            assert_eq!(
                exit_status(&[report(Unchanged), report(a)], true),
                Exit::Changes
            );
            assert_eq!(exit_status(&[report(a)], false), Exit::Ok);
        }
        assert_eq!(
            exit_status(&[report(Create), report(Failed)], true),
            Exit::Failure
        );
        assert_eq!(exit_status(&[report(Failed)], false), Exit::Failure);
        assert_eq!(Exit::Changes.code(), 10);
    }

    #[test]
    fn missing_account_is_created() {
        let d = diff(&spec(), None, &KeytabState::Missing, None);
        assert_eq!(d.action, Action::Create);
        assert!(matches!(d.plan.steps[0], Step::AddAccount { .. }));
        assert!(d.changes[0].starts_with("create the account CN=svc-http-app1,CN=Users"));
    }

    #[test]
    fn matching_account_and_keytab_change_nothing() {
        let kt = keytab(2, &[18, 17]);
        let state = keytab_state(
            Some(&kt),
            &principal(),
            Some(2),
            &[Enctype(18), Enctype(17)],
        );
        assert_eq!(state, KeytabState::Matches);
        let d = diff(&spec(), Some(&account()), &state, None);
        assert_eq!(d.action, Action::Unchanged, "{:?}", d.changes);
        assert!(d.plan.steps.is_empty());
        assert!(!d.plan.changes_directory());
    }

    #[test]
    fn delegation_drift_is_repaired_without_rotation() {
        let mut a = account();
        a.uac = Uac(0x10200);
        a.supported_enctypes = Some(SupportedEnctypes(0x1c));
        let d = diff(&spec(), Some(&a), &KeytabState::Matches, None);
        assert_eq!(d.action, Action::Repair);
        assert!(
            matches!(&d.plan.steps[0], Step::UpdateAccount { replace, .. } if replace[0].name == "msDS-SupportedEncryptionTypes")
        );
        assert!(matches!(
            &d.plan.steps[1],
            Step::Enable { uac: 0x90200, .. }
        ));
        assert_eq!(d.plan.steps.len(), 2);
        assert!(
            d.changes
                .iter()
                .any(|c| c.starts_with("set userAccountControl: 0x90200"))
        );
        assert!(
            d.changes
                .iter()
                .any(|c| c == "set msDS-SupportedEncryptionTypes: 24 (was 28)")
        );
    }

    #[test]
    fn keytab_problems_and_asked_rotation_rotate() {
        let p = principal();
        let wanted = [Enctype(18), Enctype(17)];
        assert_eq!(
            keytab_state(None, &p, Some(2), &wanted),
            KeytabState::Missing
        );
        let old = keytab(1, &[18, 17]);
        let KeytabState::Stale(why) = keytab_state(Some(&old), &p, Some(2), &wanted) else {
            panic!()
        };
        assert_eq!(
            why,
            [
                "the keytab has kvno 1 for HTTP/app1.example.test@EXAMPLE.TEST, the account is at kvno 2"
            ]
        );
        let thin = keytab(2, &[18]);
        assert!(
            matches!(keytab_state(Some(&thin), &p, Some(2), &wanted), KeytabState::Stale(w) if w[0].contains("aes128"))
        );
        for (state, why) in [
            (KeytabState::Missing, None),
            (KeytabState::Matches, Some("asked for with --rotate")),
        ] {
            let d = diff(&spec(), Some(&account()), &state, why);
            assert_eq!(d.action, Action::Rotate, "{state:?}");
            let kinds: Vec<&str> = d
                .plan
                .steps
                .iter()
                .map(|s| match s {
                    Step::SetPassword { .. } => "password",
                    Step::Enable { .. } => "enable",
                    Step::ReadKvno { .. } => "kvno",
                    Step::QuerySalt { .. } => "salt",
                    Step::ProveKeys { .. } => "prove",
                    Step::WriteKeytab { .. } => "keytab",
                    _ => "other",
                })
                .collect();
            assert_eq!(
                kinds,
                ["password", "enable", "kvno", "salt", "prove", "keytab"]
            );
        }
        let d = diff(&spec(), Some(&account()), &KeytabState::Missing, None);
        assert!(
            d.changes[0].contains("k/app1.keytab is missing"),
            "{:?}",
            d.changes
        );
    }

    #[test]
    fn rotation_due_by_age() {
        use crate::ad::account::system_time_to_filetime;
        let now = SystemTime::now();
        let days_ago = |d: u64| {
            Some(system_time_to_filetime(
                now - std::time::Duration::from_secs(d * 86_400 + 5),
            ))
        };
        assert_eq!(rotation_due(days_ago(100), None, now), None);
        assert_eq!(rotation_due(days_ago(10), Some(90), now), None);
        assert_eq!(
            rotation_due(days_ago(91), Some(90), now).as_deref(),
            Some("due: the password is 91 days old (rotate_after_days = 90)")
        );
        assert!(rotation_due(Some(0), Some(90), now).is_some());
    }
}

//! `spnkt apply`: converge the directory and the keytabs to a plan file.
//!
//! Over one [`Session`] (one LDAP connection, one KDC): per service the same
//! preflight as create, a [`diff`](super::converge::diff()) against the directory and
//! the keytab, and the resulting plan run by the shared executor without its keytab
//! step; then each keytab file is written once with the proven keys of every service
//! sharing it; then `--prune` removes the accounts this plan made and no longer
//! lists. A service that fails fails alone; the report has one line per service.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use super::converge::{Action, KeytabState, diff, keytab_state, rotation_due};
use super::create::{CREATED_MARKER, account_description};
use super::delete::{DELETE_RIGHTS_HINT, created_by_spnkt};
use super::execute::{self, KeyTarget, principal, undo};
use super::keys::{self, NewKeys};
use super::{Collect, Error, Progress, Session, random_password};
use crate::ad::account::{ACCOUNT_ATTRS, ServiceAccount, SupportedEnctypes};
use crate::ad::ldap::{LdapError, Scope, escape_filter_value};
use crate::exit::{CliError, Exit};
use crate::keytab_file;
use crate::krb::Enctype;
use crate::krb::Principal;
use crate::krb::keytab::Keytab;
use crate::plan::{CreateSpec, KeytabMode, PasswordOrigin, Step};
use crate::plan_file::{PlanFile, Service};
use crate::validate::{self, KeytabDir};

/// An error in a service report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl ErrorReport {
    /// From an input check's error.
    pub fn from_cli(e: &CliError) -> ErrorReport {
        ErrorReport {
            message: e.message.clone(),
            hint: e.hint.clone(),
        }
    }

    /// From an engine error.
    pub fn from_error(e: &Error) -> ErrorReport {
        ErrorReport {
            message: e.to_string(),
            hint: e.hint(),
        }
    }
}

/// One service's line of the report (`--json`: one object per service).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    /// The host.
    pub host: String,
    /// The sAMAccountName.
    pub account: Option<String>,
    /// The action's word ([`Action::word`]).
    pub action: &'static str,
    /// What changes (changed), in words.
    pub changes: Vec<String>,
    /// Notes (and the warnings of the checks before the DNS check).
    pub notes: Vec<String>,
    /// Warnings of the DNS check (a `RED FLAG: ` first for a CNAME to a machine name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The DNS check of the host (none for an entry that failed before it, or a
    /// pruned account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_check: Option<crate::dns::HostCheck>,
    /// Why it failed.
    pub error: Option<ErrorReport>,
    /// The keytab file.
    pub keytab: Option<String>,
    /// The account's kvno (after the run).
    pub kvno: Option<u32>,
    /// Line of the `[[service]]` entry (none for a pruned account).
    pub line: Option<usize>,
    /// With `--wait-replication`: what every domain controller said to its new keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replication: Vec<super::replication::DcCheck>,
    /// With `--wait-replication`: why it is not on every domain controller yet
    /// (its keytab is written and works on the DC written to).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_replicated: Option<String>,
    /// It failed because another run changed the same account at the same time
    /// (its keys were not written; exit 6 when every failure is one).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    /// The action.
    #[serde(skip)]
    pub kind: Action,
}

impl ServiceReport {
    /// A report for `host` that has not been decided yet (failed until set).
    pub fn new(host: &str, line: Option<usize>) -> ServiceReport {
        ServiceReport {
            host: host.to_owned(),
            account: None,
            action: "failed",
            changes: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
            dns_check: None,
            error: None,
            keytab: None,
            kvno: None,
            line,
            replication: Vec::new(),
            not_replicated: None,
            conflict: false,
            kind: Action::Failed,
        }
    }

    /// Set the action (its word for a run or a dry run).
    pub fn set(&mut self, kind: Action, dry_run: bool) {
        self.kind = kind;
        self.action = kind.word(dry_run);
    }

    /// It failed, with `error`.
    pub fn fail(&mut self, error: ErrorReport) {
        self.set(Action::Failed, false);
        self.error = Some(error);
    }
}

/// The exit status of a run: 1 when a service failed (6 when every failure was a
/// concurrent change by another run), else with `dry_run` 10 when something would
/// change, else 0.
pub fn exit_status(reports: &[ServiceReport], dry_run: bool) -> Exit {
    let mut failed = reports
        .iter()
        .filter(|r| r.kind == Action::Failed)
        .peekable();
    if failed.peek().is_some() {
        if failed.all(|r| r.conflict) {
            Exit::Conflict
        } else {
            Exit::Failure
        }
    } else if reports.iter().any(|r| r.not_replicated.is_some()) {
        Exit::NotReplicated
    } else if dry_run && reports.iter().any(|r| r.kind.changes_something()) {
        Exit::Changes
    } else {
        Exit::Ok
    }
}

/// What to apply, and how.
#[derive(Debug)]
pub struct Request<'a> {
    /// The plan file, checked.
    pub plan: &'a PlanFile,
    /// The plan file's path as the admin gave it (for hints).
    pub plan_path: String,
    /// Change nothing, report what would change.
    pub dry_run: bool,
    /// Remove the accounts this plan made that it no longer lists.
    pub prune: bool,
    /// Hosts to rotate now.
    pub rotate: HashSet<String>,
    /// Check each service's host in DNS (unless the service says `dns_check =
    /// false`); false: `--no-dns-check`.
    pub dns_check: bool,
    /// How many services are changed at the same time, each over a connection
    /// of its own to the same domain controller (1: one after the other).
    pub jobs: usize,
}

fn entry_error(index: usize, line: usize, e: &CliError) -> ErrorReport {
    ErrorReport {
        message: format!("service #{index} (line {line}): {}", e.message),
        hint: e.hint.clone(),
    }
}

/// The report of a plan none of whose entries is valid: nothing is contacted.
pub fn invalid_only(plan: &PlanFile, progress: &mut dyn Progress) -> Vec<ServiceReport> {
    let n = plan.entries.len();
    let mut reports = Vec::new();
    for (i, entry) in plan.entries.iter().enumerate() {
        let mut report = ServiceReport::new(&entry.host, Some(entry.line));
        if let Err(e) = &entry.service {
            report.fail(entry_error(entry.index, entry.line, e));
        }
        progress.service_done(i + 1, n, &report);
        reports.push(report);
    }
    reports
}

/// New keys of one service, waiting for their keytab file to be written.
struct Pending {
    report: usize,
    /// The account's DN (its kvno is read again before the keytab is written).
    dn: String,
    path: PathBuf,
    keys: NewKeys,
}

/// What one run shares between services.
struct Run<'a, 'r> {
    request: &'r Request<'a>,
    kdc: String,
    /// Each keytab file read once (or why it cannot be).
    keytabs: HashMap<PathBuf, Result<Option<Keytab>, String>>,
    /// Keytab directories created (or, in a dry run, to be created) by this run.
    new_dirs: HashSet<PathBuf>,
    pending: Vec<Pending>,
    /// What the directory held under every service's names when the run started
    /// (read in a few batched searches), or why it could not be read.
    names: Result<super::preflight::Names, Error>,
    /// How long each DNS check took.
    dns_times: Vec<std::time::Duration>,
}

/// Wait (`--wait-replication`) until every domain controller accepts the new keys
/// of each service whose keytab was written.
fn wait_for_replication(
    session: &mut Session,
    proven: &[(usize, Principal, Vec<crate::krb::Key>)],
    reports: &mut [ServiceReport],
    progress: &mut dyn Progress,
) {
    for (index, client, keys) in proven {
        let r = &mut reports[*index];
        if r.kind == Action::Failed {
            continue;
        }
        match super::replication::wait_every_dc(session, client, keys, progress) {
            Ok(table) => r.replication = table,
            Err(b) => {
                let (table, e) = *b;
                r.replication = table;
                r.not_replicated = Some(e.to_string());
            }
        }
    }
}

/// Converge every service of the plan, then write the keytabs, then prune.
pub fn apply(
    session: &mut Session,
    request: &Request<'_>,
    progress: &mut dyn Progress,
) -> Result<Vec<ServiceReport>, Error> {
    if !request.dry_run {
        session.require_writable()?;
    }
    let kdc = session.kdc()?;
    keys::check_kdc_reachable(&kdc, &session.realm)?;
    let plan = request.plan;
    let n = plan.entries.len();
    progress.start_services(n);
    // Every service's names at once: two searches per hundred services or so,
    // instead of six per service.
    let upns: Vec<String> = plan
        .entries
        .iter()
        .filter_map(|e| e.service.as_ref().ok())
        .map(|svc| format!("{}@{}", svc.host.spn(), session.realm))
        .collect();
    let users = session.users_container_guess();
    let queries: Vec<super::preflight::Query<'_>> = plan
        .entries
        .iter()
        .filter_map(|e| e.service.as_ref().ok())
        .zip(&upns)
        .map(|(svc, upn)| super::preflight::Query {
            host: &svc.host,
            sam: &svc.account,
            upn: Some(upn),
            container: svc.ou.as_deref().unwrap_or(&users),
        })
        .collect();
    let started = std::time::Instant::now();
    let names = super::preflight::gather(session, &queries, progress);
    progress.timed("search names (preflight)", started.elapsed());
    let mut run = Run {
        request,
        kdc: kdc.as_str().to_owned(),
        keytabs: HashMap::new(),
        new_dirs: HashSet::new(),
        pending: Vec::new(),
        names,
        dns_times: Vec::new(),
    };
    // What each service needs, decided one after the other (reads only).
    let mut reports: Vec<ServiceReport> = Vec::with_capacity(n);
    let mut works: Vec<Work<'_>> = Vec::new();
    let mut shown = Shown::new(n);
    for entry in &plan.entries {
        let index = reports.len();
        let mut report = ServiceReport::new(&entry.host, Some(entry.line));
        match &entry.service {
            Err(e) => report.fail(entry_error(entry.index, entry.line, e)),
            Ok(svc) => {
                report.account = Some(svc.account.clone());
                report.keytab = Some(svc.keytab.display().to_string());
                match prepare(session, &mut run, svc, &mut report, index) {
                    Ok(Some(work)) => works.push(work),
                    Ok(None) => {}
                    Err(e) => report.fail(e),
                }
            }
        }
        reports.push(report);
        if works.last().is_none_or(|w| w.index != index) {
            shown.settled(&[index], &reports, progress);
        }
    }
    for elapsed in std::mem::take(&mut run.dns_times) {
        progress.timed("DNS check of the host", elapsed);
    }
    // The changes, `jobs` services at a time; each reported as it settles, in the
    // plan's order.
    let jobs = request.jobs.clamp(1, works.len().max(1));
    if jobs > 1 {
        progress.note(format!(
            "changing {} services, {jobs} at a time (--jobs), each job over a connection of its own to {}",
            works.len(),
            session.dc
        ));
    }
    // A keytab file is written as soon as every service sharing it has settled.
    let mut waiting: HashMap<PathBuf, usize> = HashMap::new();
    for w in works.iter().filter(|w| w.write.is_some()) {
        *waiting.entry(w.path.clone()).or_default() += 1;
    }
    let mut proven: Vec<(usize, Principal, Vec<crate::krb::Key>)> = Vec::new();
    carry_out_all(
        session,
        works,
        jobs,
        progress,
        &mut |done, session, progress| {
            let index = done.index;
            let path = settle(&mut run, &mut reports[index], done, progress);
            if !run.pending.iter().any(|p| p.report == index) {
                shown.settled(&[index], &reports, progress);
            }
            let Some(path) = path else {
                return;
            };
            let left = waiting.get_mut(&path).map_or(0, |n| {
                *n -= 1;
                *n
            });
            if left > 0 {
                return;
            }
            let (group, others): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut run.pending)
                .into_iter()
                .partition(|p| p.path == path);
            run.pending = others;
            if group.is_empty() {
                return;
            }
            let started = std::time::Instant::now();
            write_keytab(session, &path, &group, request, &mut reports, progress);
            progress.timed("write keytab (lock, kvno re-read)", started.elapsed());
            proven.extend(group.iter().filter_map(|p| {
                Some((
                    p.report,
                    p.keys.principals.first()?.clone(),
                    p.keys.keys.clone(),
                ))
            }));
            let members: Vec<usize> = group.iter().map(|p| p.report).collect();
            shown.settled(&members, &reports, progress);
        },
    );
    progress.finish_services();
    if session.replication.every_dc && !request.dry_run {
        wait_for_replication(session, &proven, &mut reports, progress);
    }
    if request.prune {
        prune(session, request, &mut reports, progress);
    }
    Ok(reports)
}

/// One keytab file, once, with the new keys of every service sharing it (the
/// account's kvno read again under the file's lock).
fn write_keytab(
    session: &mut Session,
    path: &Path,
    group: &[Pending],
    request: &Request<'_>,
    reports: &mut [ServiceReport],
    progress: &mut dyn Progress,
) {
    let keys: Vec<NewKeys> = group.iter().map(|p| p.keys.clone()).collect();
    let result = keys::write_keytab_shared(path, &keys, &mut |i| {
        keys::kvno_of_dn(&mut session.dir, &group[i].dn, progress)
    });
    for (i, p) in group.iter().enumerate() {
        let r = &mut reports[p.report];
        if let Some((_, moved)) = result
            .as_ref()
            .ok()
            .and_then(|w| w.moved.iter().find(|(m, _)| *m == i))
        {
            let e = moved.error();
            r.fail(ErrorReport {
                message: format!(
                    "the account has a new password and its keys were proven, but {e}"
                ),
                hint: e.hint(),
            });
            r.conflict = true;
        } else if let Err(e) = &result {
            r.fail(ErrorReport {
                message: format!(
                    "the account has a new password and its keys were proven, but the keytab {} was NOT written: {e}",
                    path.display(),
                ),
                hint: Some(format!(
                    "fix the file or its directory, then run `spnkt apply {} --rotate {}`",
                    request.plan_path, r.host
                )),
            });
        }
    }
}

/// The directory of a keytab that does not exist yet: created (mode 0700) now, or
/// in a dry run said to be. Reported once per directory.
fn keytab_directory(
    run: &mut Run<'_, '_>,
    svc: &Service,
    report: &mut ServiceReport,
) -> Result<(), ErrorReport> {
    let dir_state =
        validate::check_keytab_dir(&svc.keytab, true).map_err(|e| ErrorReport::from_cli(&e))?;
    if dir_state == KeytabDir::Exists {
        return Ok(());
    }
    let dir = validate::keytab_dir(&svc.keytab).to_path_buf();
    if !run.new_dirs.insert(dir.clone()) {
        return Ok(());
    }
    report.changes.push(format!(
        "create the directory {} (mode 0700) for the keytab",
        dir.display()
    ));
    Ok(())
}

/// Create `dir` and its missing parents with mode 0700 (keytabs are secrets).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A service's changes, decided and waiting to be carried out.
struct Work<'p> {
    /// Its report's position.
    index: usize,
    host: &'p crate::hostname::Host,
    /// The plan without its keytab step (each file is written once, at the end).
    exec: crate::plan::Plan,
    /// The keytab step's principals and mode.
    write: Option<(Vec<String>, KeytabMode)>,
    /// The account whose kvno is read back.
    kvno_dn: Option<String>,
    target: KeyTarget,
    path: PathBuf,
    existing: Option<ServiceAccount>,
}

/// What carrying out a [`Work`] gave.
struct Done {
    index: usize,
    /// The new keys, to be written (none when the plan writes no keytab).
    result: Result<Option<Pending>, ErrorReport>,
    kvno: Option<u32>,
    notes: Vec<String>,
    timings: Vec<(&'static str, std::time::Duration)>,
    /// It failed because another run changed the same account meanwhile.
    conflict: bool,
    /// The keytab file it was to be written to (none when the plan writes none).
    keytab: Option<PathBuf>,
}

/// One service: preflight, diff, and (unless dry run or unchanged) the work to do.
fn prepare<'p>(
    session: &mut Session,
    run: &mut Run<'_, '_>,
    svc: &'p Service,
    report: &mut ServiceReport,
    index: usize,
) -> Result<Option<Work<'p>>, ErrorReport> {
    let request = run.request;
    let plan = request.plan;
    for w in &svc.host.warnings {
        report.notes.push(w.clone());
    }
    let realm = session.realm.clone();
    let spn = svc.host.spn();
    let upn = format!("{spn}@{realm}");
    // An account of this plan that lost its SPN is taken over (drift), any other
    // existing account of that name is refused, as by `create`.
    let ou = match &svc.ou {
        Some(ou) => ou.clone(),
        None => session
            .users_container()
            .map_err(|e| ErrorReport::from_error(&e))?,
    };
    if let Ok(names) = run.names.as_mut() {
        super::preflight::read_container(session, names, &ou);
    }
    let names = run.names.as_ref().map_err(ErrorReport::from_error)?;
    let query = super::preflight::Query {
        host: &svc.host,
        sam: &svc.account,
        upn: Some(&upn),
        container: &ou,
    };
    let ours = names
        .account(&svc.account)
        .and_then(|e| e.first("description"))
        .is_some_and(|d| d.contains(&plan.tag()));
    let existing = super::preflight::judge(names, &query, ours, &mut Collect::default())
        .map_err(|e| ErrorReport::from_error(&e))?;
    let cached = run
        .keytabs
        .entry(svc.keytab.clone())
        .or_insert_with(|| keytab_file::read_if_present(&svc.keytab).map_err(|e| e.to_string()));
    let kt = match cached {
        Ok(kt) => kt.as_ref(),
        Err(e) => {
            return Err(ErrorReport {
                message: format!("cannot read the keytab: {e}"),
                hint: Some("fix the file, or move it away to get a new one".into()),
            });
        }
    };
    let principal_ = principal(&upn).map_err(|e| ErrorReport {
        message: e.to_string(),
        hint: None,
    })?;
    let state = match &existing {
        Some(a) => keytab_state(kt, &principal_, a.kvno, &svc.enctypes),
        None => KeytabState::Missing,
    };
    let due = match &existing {
        Some(_) if request.rotate.contains(&svc.host.name) => {
            Some("asked for with --rotate".to_owned())
        }
        Some(a) => rotation_due(a.pwd_last_set, svc.rotate_after_days, SystemTime::now()),
        None => None,
    };
    if let Some(a) = &existing {
        note_existing(a, svc, report);
        report.kvno = a.kvno;
    }
    let spec = spec_for(session, svc, plan, &run.kdc, existing.is_some(), ou.clone());
    report.dns_check = Some(if request.dns_check && svc.dns_check {
        let started = std::time::Instant::now();
        let dn = existing
            .as_ref()
            .map_or_else(|| spec.dn(), |a| a.dn.clone());
        let mut found = Collect::default();
        let check = super::dnscheck::check(session, &svc.host.name, Some(&dn), &mut found);
        report.notes.extend(found.notes);
        report.warnings.extend(found.warnings);
        run.dns_times.push(started.elapsed());
        check
    } else {
        super::dnscheck::skipped(&svc.host.name)
    });
    let d = diff(&spec, existing.as_ref(), &state, due.as_deref());
    report.changes = d.changes.clone();
    // What the bind account may do, before anything is written (also in a dry run).
    let mut told = Collect::default();
    let allowed = super::access::check(
        session,
        &d.plan,
        existing.as_ref(),
        names,
        &svc.host.name,
        &mut told,
    );
    report.warnings.extend(told.warnings);
    allowed.map_err(|e| ErrorReport::from_error(&e))?;
    keytab_directory(run, svc, report)?;
    report.set(d.action, request.dry_run);
    if request.dry_run || d.action == Action::Unchanged {
        return Ok(None);
    }
    let dir = validate::keytab_dir(&svc.keytab);
    if !dir.is_dir() {
        create_private_dir(dir).map_err(|e| ErrorReport {
            message: format!(
                "cannot create the keytab's directory {}: {e}",
                dir.display()
            ),
            hint: Some("check the permissions of its parent, or give another keytab path".into()),
        })?;
    }

    // The keytab is written later, once per file.
    let mut exec = d.plan;
    let write = exec.steps.iter().find_map(|s| match s {
        Step::WriteKeytab {
            principals, mode, ..
        } => Some((principals.clone(), *mode)),
        _ => None,
    });
    exec.steps
        .retain(|s| !matches!(s, Step::WriteKeytab { .. }));
    let kvno_dn = exec.steps.iter().find_map(|s| match s {
        Step::ReadKvno { dn } => Some(dn.clone()),
        _ => None,
    });
    Ok(Some(Work {
        index,
        host: &svc.host,
        exec,
        write,
        kvno_dn,
        target: KeyTarget {
            realm,
            sam_account_name: svc.account.clone(),
            upn: Some(upn),
            enctypes: svc.enctypes.clone(),
        },
        path: svc.keytab.clone(),
        existing,
    }))
}

/// Carry out every work: one after the other over `session` (`jobs` 1), or
/// `jobs` at a time, each job over a connection of its own to the same domain
/// controller. `on_done` sees each result as it comes, on the calling thread, with
/// `session` (free for the keytab writes: the jobs do not use it).
fn carry_out_all(
    session: &mut Session,
    works: Vec<Work<'_>>,
    jobs: usize,
    progress: &mut dyn Progress,
    on_done: &mut dyn FnMut(Done, &mut Session, &mut dyn Progress),
) {
    let mut sessions = if jobs > 1 {
        open_jobs(session, jobs, progress)
    } else {
        Vec::new()
    };
    if sessions.len() <= 1 {
        // One job: over the run's own connection (a second one would gain nothing).
        let mut own = sessions.pop();
        for work in &works {
            let done = carry_out(own.as_mut().unwrap_or(session), work);
            on_done(done, session, progress);
        }
        if let Some(mut other) = own {
            session.absorb(&mut other);
        }
        return;
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let works = &works;
    let take = || works.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let (tx, rx) = std::sync::mpsc::channel::<Done>();
    std::thread::scope(|s| {
        for own in &mut sessions {
            let tx = tx.clone();
            let take = &take;
            s.spawn(move || {
                while let Some(work) = take() {
                    if tx.send(carry_out(own, work)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for done in rx {
            on_done(done, session, progress);
        }
    });
    for mut other in sessions {
        session.absorb(&mut other);
    }
}

/// `jobs` more connections to the run's domain controller, opened at the same
/// time. One that cannot be opened (a DC's connection limit) only means one job
/// fewer, and the note says why.
fn open_jobs(session: &Session, jobs: usize, progress: &mut dyn Progress) -> Vec<Session> {
    let started = std::time::Instant::now();
    let opened: Vec<Result<Session, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs).map(|_| s.spawn(|| session.another())).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(Error::NoDomainController)))
            .collect()
    });
    progress.timed("open connections for --jobs", started.elapsed());
    let mut sessions = Vec::new();
    for r in opened {
        match r {
            Ok(s) => sessions.push(s),
            Err(e) => progress.note(format!("one job fewer: {e}")),
        }
    }
    sessions
}

/// Set the password and the rest of the plan for one service, prove the keys;
/// on failure undo what it changed.
fn carry_out(session: &mut Session, work: &Work<'_>) -> Done {
    let mut collected = Collect::default();
    let mut done = Done {
        index: work.index,
        result: Ok(None),
        kvno: None,
        notes: Vec::new(),
        timings: Vec::new(),
        conflict: false,
        keytab: work.write.as_ref().map(|_| work.path.clone()),
    };
    let password = match random_password() {
        Ok(p) => p,
        Err(e) => {
            done.result = Err(ErrorReport::from_error(&e));
            return done;
        }
    };
    let result = execute::execute(&work.exec, session, &password, &work.target, &mut collected);
    drop(password);
    done.notes = collected.warnings;
    done.timings = collected.timings;
    done.result = match result {
        Ok((executed, keys)) => {
            done.kvno = executed.kvno;
            pending(work, executed.kvno, keys)
        }
        Err(boxed) => {
            let (executed, failure) = *boxed;
            let (report, conflict) = failed(session, work, &executed, &failure);
            done.conflict = conflict;
            Err(report)
        }
    };
    done
}

/// The proven keys of a work, waiting for their keytab file.
fn pending(
    work: &Work<'_>,
    kvno: Option<u32>,
    keys: Vec<crate::krb::Key>,
) -> Result<Option<Pending>, ErrorReport> {
    let (Some((principals, mode)), Some(kvno), Some(dn)) = (&work.write, kvno, &work.kvno_dn)
    else {
        return Ok(None);
    };
    let principals = principals
        .iter()
        .map(|p| principal(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ErrorReport {
            message: e.to_string(),
            hint: None,
        })?;
    Ok(Some(Pending {
        report: work.index,
        dn: dn.clone(),
        path: work.path.clone(),
        keys: NewKeys {
            principals,
            kvno,
            keys,
            mode: *mode,
        },
    }))
}

/// A failed step: undo what it changed, and say what is left (and whether another
/// run changing the same account caused it).
fn failed(
    session: &mut Session,
    work: &Work<'_>,
    executed: &execute::Executed,
    failure: &execute::StepFailure,
) -> (ErrorReport, bool) {
    // Lost a race with another run: it changed the password after this one (the
    // keys are stale), or created the account after the preflight found none.
    let created_meanwhile = work.existing.is_none()
        && matches!(
            (&failure.step, &failure.error),
            (
                Step::AddAccount { .. },
                super::StepError::Write {
                    cause: LdapError::AlreadyExists { .. }
                        | LdapError::DuplicateSpn { .. }
                        | LdapError::DuplicateUpn { .. },
                    ..
                }
            )
        );
    let conflict =
        created_meanwhile || matches!(failure.error, super::StepError::ConcurrentChange { .. });
    let state = if failure.changed_directory() {
        undo(session, executed, work.existing.as_ref(), work.host)
    } else if executed.password_set {
        "the account has a NEW password and is enabled, but NO keytab was written: keytabs made before no longer work; run this command again to finish".to_owned()
    } else {
        "the account is in place, the keys are NOT proven, no keytab was written; run this command again to finish".to_owned()
    };
    let report = ErrorReport {
        message: format!(
            "step {} ({}) failed: {}; {state}",
            failure.number,
            failure.step.to_string().lines().next().unwrap_or_default(),
            failure.error
        ),
        hint: if created_meanwhile {
            Some(
                "another run created the account at the same time; run the plan again to converge"
                    .to_owned(),
            )
        } else {
            failure.error.hint()
        },
    };
    (report, conflict)
}

/// Put a carried-out work's result into its report (keys kept pending). Returns
/// the keytab file the service counts towards (its keys are pending, or it failed
/// and its partners in the file must not wait for it), if any.
fn settle(
    run: &mut Run<'_, '_>,
    report: &mut ServiceReport,
    done: Done,
    progress: &mut dyn Progress,
) -> Option<PathBuf> {
    for (what, elapsed) in done.timings {
        progress.timed(what, elapsed);
    }
    report.notes.extend(done.notes);
    if done.kvno.is_some() {
        report.kvno = done.kvno;
    }
    report.conflict = done.conflict;
    let path = done.keytab;
    match done.result {
        Ok(Some(p)) => run.pending.push(p),
        Ok(None) => {}
        Err(e) => report.fail(e),
    }
    path
}

/// The progress lines of services, in the plan's order whatever order they
/// settle in (a service whose keytab is to be written settles when it is).
struct Shown {
    next: usize,
    settled: Vec<bool>,
}

impl Shown {
    fn new(n: usize) -> Shown {
        Shown {
            next: 0,
            settled: vec![false; n],
        }
    }

    /// The reports of `indexes` are final: show every line now due.
    fn settled(
        &mut self,
        indexes: &[usize],
        reports: &[ServiceReport],
        progress: &mut dyn Progress,
    ) {
        for &i in indexes {
            self.settled[i] = true;
        }
        let n = self.settled.len();
        while self.next < n.min(reports.len()) && self.settled[self.next] {
            let r = &reports[self.next];
            progress.service_done(self.next + 1, n, r);
            progress.advance(&r.host);
            self.next += 1;
        }
    }
}

/// Notes about an existing account: not where the plan puts it, not made by spnkt.
fn note_existing(a: &ServiceAccount, svc: &Service, report: &mut ServiceReport) {
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
    if !created_by_spnkt(a) {
        report.notes.push(
            "the account was not created by spnkt: it is managed by this plan but never pruned"
                .into(),
        );
    }
}

/// What the plan wants for `svc`, as `create` would build it.
fn spec_for(
    session: &Session,
    svc: &Service,
    plan: &PlanFile,
    kdc: &str,
    exists: bool,
    ou: String,
) -> CreateSpec {
    CreateSpec {
        host: svc.host.name.clone(),
        realm: session.realm.clone(),
        sam_account_name: svc.account.clone(),
        ou,
        upn: true,
        description: format!(
            "{} {}",
            account_description(&svc.host.name, &session.bind_user),
            plan.tag()
        ),
        enctypes: SupportedEnctypes::from_enctypes(&svc.enctypes),
        delegation: svc.delegation.clone(),
        password: PasswordOrigin::Random {
            length: crate::genpass::DEFAULT_LENGTH,
        },
        kdc: kdc.to_owned(),
        keytab: svc.keytab.display().to_string(),
        keytab_mode: if exists {
            KeytabMode::Rotate {
                keep_old: svc.keep_old,
            }
        } else {
            KeytabMode::Append
        },
        keytab_enctypes: svc.enctypes.iter().map(Enctype::to_string).collect(),
    }
}

/// `--prune`: the accounts this plan made (description tag) that it no longer lists.
fn prune(
    session: &mut Session,
    request: &Request<'_>,
    reports: &mut Vec<ServiceReport>,
    progress: &mut dyn Progress,
) {
    let plan = request.plan;
    let dry_run = request.dry_run;
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
                    hint: Some(DELETE_RIGHTS_HINT.into()),
                }),
            }
        }
        progress.service_done(i + 1, n, &r);
        reports.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn private_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_private_dir(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
    }
}

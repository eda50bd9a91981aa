//! What `spnkt doctor` found: one [`StepReport`] per step, each with a status,
//! what was seen, and on failure the cause and the fix; the verdict is whether a
//! browser's SPNEGO login to the URL works.

use serde::Serialize;

/// How a step (or one finding of it) came out. Ordered: a step is as bad as its
/// worst finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fine.
    Ok,
    /// Not fatal, but worth knowing or fixing (an alias, RC4, no delegation...).
    Warn,
    /// This breaks SPNEGO.
    Fail,
    /// Not run: an earlier step's failure or a missing input leaves nothing to check.
    Skipped,
}

/// The five steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The URL's host in DNS: the name browsers ask a ticket for.
    Dns,
    /// Who holds `HTTP/<that name>` and what the account is like.
    Directory,
    /// A service ticket from the KDC with the user's TGT.
    Kdc,
    /// The web server: a challenge, then the ticket as a browser sends it.
    Web,
    /// The server's keytab against the very ticket sent.
    Keytab,
}

impl StepKind {
    /// 1-based position.
    pub fn number(self) -> u8 {
        match self {
            StepKind::Dns => 1,
            StepKind::Directory => 2,
            StepKind::Kdc => 3,
            StepKind::Web => 4,
            StepKind::Keytab => 5,
        }
    }

    /// The step's title.
    pub fn title(self) -> &'static str {
        match self {
            StepKind::Dns => "DNS",
            StepKind::Directory => "Directory",
            StepKind::Kdc => "KDC",
            StepKind::Web => "Web server",
            StepKind::Keytab => "Keytab",
        }
    }
}

/// One thing a step saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Ok for a plain fact, Warn or Fail for a problem.
    pub status: Status,
    /// A stable name for monitoring (`cname_to_machine`, `kvno_mismatch`, ...).
    pub kind: &'static str,
    /// What was seen, in words.
    pub message: String,
}

/// One step's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// 1..5.
    pub number: u8,
    /// Which step.
    pub step: StepKind,
    /// Its title.
    pub title: &'static str,
    /// The worst of its findings, or skipped.
    pub status: Status,
    /// One line: what the step concluded.
    pub summary: String,
    /// What it saw, in order.
    pub findings: Vec<Finding>,
    /// On Fail (or Warn): why SPNEGO breaks here.
    pub cause: Option<String>,
    /// On Fail (or Warn): what to do.
    pub fix: Option<String>,
    /// Timing of the step's network exchanges, in milliseconds.
    pub elapsed_ms: Option<u64>,
    /// The step's facts, for `--json` (typed in each step's module).
    pub facts: serde_json::Value,
}

impl StepReport {
    /// A step with no findings yet; its status follows the findings added.
    pub fn new(step: StepKind, summary: impl Into<String>) -> StepReport {
        StepReport {
            number: step.number(),
            step,
            title: step.title(),
            status: Status::Ok,
            summary: summary.into(),
            findings: Vec::new(),
            cause: None,
            fix: None,
            elapsed_ms: None,
            facts: serde_json::Value::Null,
        }
    }

    /// A step that did not run, and why.
    pub fn skipped(step: StepKind, why: impl Into<String>) -> StepReport {
        let mut s = StepReport::new(step, why);
        s.status = Status::Skipped;
        s
    }

    /// Add a finding; the step's status becomes the worst seen.
    pub fn add(&mut self, status: Status, kind: &'static str, message: impl Into<String>) {
        if status > self.status && status != Status::Skipped {
            self.status = status;
        }
        self.findings.push(Finding {
            status,
            kind,
            message: message.into(),
        });
    }

    /// A plain fact.
    pub fn fact(&mut self, kind: &'static str, message: impl Into<String>) {
        self.add(Status::Ok, kind, message);
    }

    /// A failure with its cause and fix (the first failure's stay the step's).
    pub fn fail(
        &mut self,
        kind: &'static str,
        message: impl Into<String>,
        cause: impl Into<String>,
        fix: impl Into<String>,
    ) {
        let first = !self.failed();
        self.add(Status::Fail, kind, message);
        if first {
            self.cause = Some(cause.into());
            self.fix = Some(fix.into());
        }
    }

    /// A warning with what to do about it (kept unless a failure names its own).
    pub fn warn(&mut self, kind: &'static str, message: impl Into<String>, fix: Option<String>) {
        self.add(Status::Warn, kind, message);
        if self.fix.is_none() {
            self.fix = fix;
        }
    }

    /// Whether the step ran and failed.
    pub fn failed(&self) -> bool {
        self.status == Status::Fail
    }

    /// The step's facts for `--json`.
    pub fn with_facts(mut self, facts: &impl Serialize) -> StepReport {
        self.facts = serde_json::to_value(facts).unwrap_or(serde_json::Value::Null);
        self
    }
}

/// The whole check.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The URL checked.
    pub url: String,
    /// The SPN a browser asks a ticket for (`HTTP/<canonical name>@REALM`, when known).
    pub spn: Option<String>,
    /// SPNEGO works: the web server accepted the ticket a browser would send, and no
    /// step failed.
    pub ok: bool,
    /// The verdict in one line.
    pub verdict: String,
    /// The five steps, in order.
    pub steps: Vec<StepReport>,
}

impl Report {
    /// Judge the steps: SPNEGO works only when the web server accepted the ticket
    /// (step 4 ran and did not fail) and no step failed.
    pub fn new(url: &str, spn: Option<String>, steps: Vec<StepReport>) -> Report {
        let first_failure = steps.iter().find(|s| s.failed());
        let web = steps.iter().find(|s| s.step == StepKind::Web);
        let web_ok = web.is_some_and(|w| matches!(w.status, Status::Ok | Status::Warn));
        let ok = first_failure.is_none() && web_ok;
        let verdict = match (first_failure, web) {
            (None, _) if ok => format!("SPNEGO to {url} works"),
            (Some(s), _) => format!(
                "SPNEGO to {url} fails: step {} ({}): {}",
                s.number, s.title, s.summary
            ),
            (None, Some(w)) => format!(
                "SPNEGO to {url} could not be proven: step {} ({}) {}",
                w.number,
                w.title,
                match w.status {
                    Status::Skipped => format!("did not run: {}", w.summary),
                    _ => w.summary.clone(),
                }
            ),
            (None, None) => format!("SPNEGO to {url} could not be proven"),
        };
        Report {
            url: url.to_owned(),
            spn,
            ok,
            verdict,
            steps,
        }
    }

    /// The step of `kind`.
    pub fn step(&self, kind: StepKind) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.step == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: StepKind) -> StepReport {
        let mut s = StepReport::new(kind, "fine");
        s.fact("seen", "something");
        s
    }

    #[test]
    fn a_step_is_as_bad_as_its_worst_finding_and_keeps_the_first_cause() {
        let mut s = StepReport::new(StepKind::Directory, "x");
        assert_eq!(s.status, Status::Ok);
        s.warn("alias", "an alias", Some("use an A record".into()));
        assert_eq!(s.status, Status::Warn);
        assert_eq!(s.fix.as_deref(), Some("use an A record"));
        s.fail(
            "duplicate",
            "two holders",
            "the KDC cannot choose",
            "remove one",
        );
        s.fail("disabled", "disabled", "later cause", "later fix");
        s.fact("upn", "a fact after a failure");
        assert_eq!(s.status, Status::Fail);
        assert_eq!(s.cause.as_deref(), Some("the KDC cannot choose"));
        assert_eq!(s.fix.as_deref(), Some("remove one"));
        assert_eq!(s.findings.len(), 4);
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(j["status"], "fail");
        assert_eq!(j["step"], "directory");
        assert_eq!(j["number"], 2);
        assert_eq!(j["findings"][1]["kind"], "duplicate");
    }

    #[test]
    fn spnego_works_only_when_the_web_server_took_the_ticket_and_nothing_failed() {
        let all = || {
            vec![
                ok(StepKind::Dns),
                ok(StepKind::Directory),
                ok(StepKind::Kdc),
                ok(StepKind::Web),
                StepReport::skipped(StepKind::Keytab, "no --keytab"),
            ]
        };
        let r = Report::new("https://a.example.test/", None, all());
        assert!(r.ok, "{}", r.verdict);
        assert_eq!(r.verdict, "SPNEGO to https://a.example.test/ works");

        // A warning anywhere is still a working login.
        let mut steps = all();
        steps[0].warn("cname", "alias", None);
        assert!(Report::new("u", None, steps).ok);

        // A failed directory step fails the check even though the web step passed.
        let mut steps = all();
        steps[1].fail("duplicate", "two holders", "c", "f");
        steps[1].summary = "HTTP/a is held by 2 accounts".into();
        let r = Report::new("u", None, steps);
        assert!(!r.ok);
        assert_eq!(
            r.verdict,
            "SPNEGO to u fails: step 2 (Directory): HTTP/a is held by 2 accounts"
        );

        // A web step that could not run proves nothing.
        let mut steps = all();
        steps[3] = StepReport::skipped(StepKind::Web, "no service ticket (step 3)");
        let r = Report::new("u", None, steps);
        assert!(!r.ok);
        assert_eq!(
            r.verdict,
            "SPNEGO to u could not be proven: step 4 (Web server) did not run: no service ticket (step 3)"
        );
        assert_eq!(r.step(StepKind::Web).unwrap().status, Status::Skipped);
    }
}

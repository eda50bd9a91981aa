//! Where the time of a run went (`apply --timings`): each kind of work (a plan
//! step's kind, a phase of `apply`) added up, in the order first seen.

use std::time::Duration;

use serde::Serialize;

/// One kind of work: how often it ran and how long it took in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// What was timed (`read kvno`, `proof with KDC (AS+TGS)`, ...).
    pub what: &'static str,
    /// How often.
    pub count: u32,
    /// Time taken, added up (with `--jobs`, over every job: it can exceed the
    /// run's wall-clock time).
    #[serde(serialize_with = "millis")]
    pub total: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
}

impl Row {
    /// The mean time of one.
    pub fn mean(&self) -> Duration {
        self.total / self.count.max(1)
    }
}

/// The rows, added to as the run goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    rows: Vec<Row>,
}

impl Timings {
    /// `what` took `elapsed` once more.
    pub fn add(&mut self, what: &'static str, elapsed: Duration) {
        match self.rows.iter_mut().find(|r| r.what == what) {
            Some(r) => {
                r.count += 1;
                r.total += elapsed;
            }
            None => self.rows.push(Row {
                what,
                count: 1,
                total: elapsed,
            }),
        }
    }

    /// The rows, in the order first seen.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_up_by_kind_in_first_seen_order() {
        let mut t = Timings::default();
        t.add("b", Duration::from_millis(3));
        t.add("a", Duration::from_millis(1));
        t.add("b", Duration::from_millis(5));
        let rows = t.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].what, rows[0].count), ("b", 2));
        assert_eq!(rows[0].total, Duration::from_millis(8));
        assert_eq!(rows[0].mean(), Duration::from_millis(4));
        assert_eq!((rows[1].what, rows[1].count), ("a", 1));
        let json = serde_json::to_value(&rows[0]).unwrap();
        assert_eq!(json["total"], 8.0);
    }
}

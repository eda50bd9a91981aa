//! Time at the edge: the timestamp to stamp keytab entries with, "now" for
//! `spnkt verify`, UTC formatting and relative times ("in 9h 58m", "2h ago").

use std::time::{SystemTime, UNIX_EPOCH};

use crate::exit::CliError;
use crate::krb::time::civil_from_secs;

/// Environment variable that fixes "now" for reproducible output.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// Seconds since the epoch to stamp new keytab entries with: `SOURCE_DATE_EPOCH`
/// when set (reproducible builds convention), else the current time.
pub fn keytab_timestamp() -> Result<u32, CliError> {
    match std::env::var_os(SOURCE_DATE_EPOCH) {
        Some(v) => parse_source_date_epoch(&v.to_string_lossy()),
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(u32::try_from(secs).unwrap_or(u32::MAX))
        }
    }
}

fn parse_source_date_epoch(v: &str) -> Result<u32, CliError> {
    v.trim().parse::<u32>().map_err(|_| {
        CliError::usage(format!(
            "SOURCE_DATE_EPOCH=`{v}` is not a number of seconds from 0 to 4294967295"
        ))
        .hint("unset SOURCE_DATE_EPOCH or set it to seconds since 1970-01-01 UTC, e.g. 1700000000")
    })
}

/// "Now" for `spnkt verify` (ticket lifetimes): `SOURCE_DATE_EPOCH` when set, as
/// for keytab timestamps, so output is reproducible; else the current time.
pub fn verify_now() -> Result<i64, CliError> {
    match std::env::var_os(SOURCE_DATE_EPOCH) {
        Some(v) => parse_source_date_epoch(&v.to_string_lossy()).map(i64::from),
        None => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))),
    }
}

/// `2026-11-23T15:03:33Z`.
pub fn format_utc(secs: u32) -> String {
    format_utc_i64(i64::from(secs))
}

/// [`format_utc`] for the signed times found in tickets (KerberosTime).
pub fn format_utc_i64(secs: i64) -> String {
    let (y, m, d, h, mi, s) = civil_from_secs(secs);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// A duration in words, two units at most: `9h 58m`, `3d 4h`, `45s`.
pub fn format_duration(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) if s == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, 0) => format!("{h}h"),
        (0, _, _) => format!("{h}h {m}m"),
        (_, 0, _) => format!("{d}d"),
        _ => format!("{d}d {h}h"),
    }
}

/// `t` relative to `now`: `in 9h 58m`, `2h ago`, `now`.
pub fn format_relative(t: i64, now: i64) -> String {
    let diff = i128::from(t) - i128::from(now);
    let abs = u64::try_from(diff.unsigned_abs()).unwrap_or(u64::MAX);
    match diff {
        0 => "now".to_owned(),
        d if d > 0 => format!("in {}", format_duration(abs)),
        _ => format!("{} ago", format_duration(abs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_795_446_213), "2026-11-23T15:03:33Z");
        assert_eq!(format_utc(u32::MAX), "2106-02-07T06:28:15Z");
    }

    #[test]
    fn relative_times() {
        assert_eq!(format_relative(100, 100), "now");
        assert_eq!(
            format_relative(100 + 9 * 3600 + 58 * 60 + 7, 100),
            "in 9h 58m"
        );
        assert_eq!(format_relative(0, 7200), "2h ago");
        assert_eq!(format_relative(0, 45), "45s ago");
        assert_eq!(format_relative(90, 0), "in 1m 30s");
        assert_eq!(format_relative(3 * 86_400 + 4 * 3600 + 5, 0), "in 3d 4h");
        assert_eq!(
            format_relative(i64::MIN, i64::MAX),
            format_relative(i64::MIN, i64::MAX)
        );
        assert_eq!(format_utc_i64(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn source_date_epoch_values() {
        assert_eq!(
            parse_source_date_epoch("1700000000").unwrap(),
            1_700_000_000
        );
        assert!(parse_source_date_epoch("-5").is_err());
        assert!(parse_source_date_epoch("soon").is_err());
    }
}

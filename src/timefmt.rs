//! Time at the edge: the timestamp to stamp keytab entries with, and UTC formatting.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::exit::CliError;

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

/// `2026-11-23T15:03:33Z`.
pub fn format_utc(secs: u32) -> String {
    let secs = i64::from(secs);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
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
    fn source_date_epoch_values() {
        assert_eq!(
            parse_source_date_epoch("1700000000").unwrap(),
            1_700_000_000
        );
        assert!(parse_source_date_epoch("-5").is_err());
        assert!(parse_source_date_epoch("soon").is_err());
    }
}

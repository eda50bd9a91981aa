//! Proleptic Gregorian calendar arithmetic (H. Hinnant's algorithms), shared by
//! the KerberosTime codec and the UTC formatting in `timefmt`. Pure: no clock.

/// Seconds since the epoch that a 4-digit-year KerberosTime can hold.
pub(crate) const MIN_KERBEROS_TIME: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
pub(crate) const MAX_KERBEROS_TIME: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day, hour, minute, second) of seconds since the epoch.
pub(crate) fn civil_from_secs(t: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for t in [
            MIN_KERBEROS_TIME,
            -1,
            0,
            951_782_400,
            1_700_000_000,
            MAX_KERBEROS_TIME,
        ] {
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            assert_eq!(days_from_civil(y, m, d) * 86_400 + t.rem_euclid(86_400), t);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_secs(-1), (1969, 12, 31, 23, 59, 59));
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
    }
}

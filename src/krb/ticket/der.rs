//! A small DER reader and writer for the RFC 4120 structures spnkt handles.
//!
//! spnkt does not parse with `kerberos_asn1`/`red_asn1` here: red_asn1 0.3 panics on
//! some inputs (a GeneralizedTime with month 13 reaches chrono's panicking
//! `Utc.ymd`), and a ticket or AP-REQ comes from the network. This reader checks
//! every length against the input and returns [`DerError`] instead.
//!
//! Only single-byte tags and definite lengths of up to 4 length bytes are accepted
//! (RFC 4120 messages need nothing else).

/// What is wrong with DER input; `what` names the ASN.1 element being read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DerError {
    #[error("{what} is truncated")]
    Truncated { what: &'static str },
    #[error("{what} has tag 0x{found:02x}, expected 0x{expected:02x}")]
    UnexpectedTag {
        what: &'static str,
        expected: u8,
        found: u8,
    },
    #[error("{what} uses an unsupported DER length or tag form")]
    UnsupportedForm { what: &'static str },
    #[error("{what} is missing")]
    Missing { what: &'static str },
    #[error("{what} has an invalid value")]
    BadValue { what: &'static str },
    #[error("{count} unexpected bytes follow {what}")]
    TrailingBytes { what: &'static str, count: usize },
}

pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const GENERAL_STRING: u8 = 0x1b;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
pub(crate) const SEQUENCE: u8 = 0x30;

/// Tag byte of `[n]` EXPLICIT (context-specific, constructed).
pub(crate) const fn ctx(n: u8) -> u8 {
    0xa0 | n
}

/// Tag byte of `[APPLICATION n]` (constructed).
pub(crate) const fn app(n: u8) -> u8 {
    0x60 | n
}

/// Splits one TLV off the front of `buf`: (tag, value, rest).
pub(crate) fn read_tlv<'a>(
    buf: &'a [u8],
    what: &'static str,
) -> Result<(u8, &'a [u8], &'a [u8]), DerError> {
    let (&tag, rest) = buf.split_first().ok_or(DerError::Truncated { what })?;
    if tag & 0x1f == 0x1f {
        return Err(DerError::UnsupportedForm { what });
    }
    let (&first, mut rest) = rest.split_first().ok_or(DerError::Truncated { what })?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return Err(DerError::UnsupportedForm { what });
        }
        if rest.len() < n {
            return Err(DerError::Truncated { what });
        }
        let (len_bytes, r) = rest.split_at(n);
        rest = r;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    if rest.len() < len {
        return Err(DerError::Truncated { what });
    }
    let (value, rest) = rest.split_at(len);
    Ok((tag, value, rest))
}

/// Reads one TLV with tag `tag`, returning (value, rest).
pub(crate) fn expect<'a>(
    buf: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(&'a [u8], &'a [u8]), DerError> {
    let (found, value, rest) = read_tlv(buf, what)?;
    if found != tag {
        return Err(DerError::UnexpectedTag {
            what,
            expected: tag,
            found,
        });
    }
    Ok((value, rest))
}

/// Reads exactly one TLV with tag `tag` filling `buf`.
pub(crate) fn expect_only<'a>(
    buf: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<&'a [u8], DerError> {
    let (value, rest) = expect(buf, tag, what)?;
    if !rest.is_empty() {
        return Err(DerError::TrailingBytes {
            what,
            count: rest.len(),
        });
    }
    Ok(value)
}

/// Walks the `[n]`-tagged fields of a SEQUENCE body in order.
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    pub(crate) fn new(body: &'a [u8]) -> Fields<'a> {
        Fields { rest: body }
    }

    /// The content of field `[n]` (the inner TLV) when it is next, else None.
    /// Fields with a lower number than `n` that were not consumed are an error
    /// (out of order or duplicated).
    pub(crate) fn optional(
        &mut self,
        n: u8,
        what: &'static str,
    ) -> Result<Option<&'a [u8]>, DerError> {
        let Some(&tag) = self.rest.first() else {
            return Ok(None);
        };
        if tag & 0xe0 != 0xa0 {
            return Err(DerError::UnexpectedTag {
                what,
                expected: ctx(n),
                found: tag,
            });
        }
        match (tag & 0x1f).cmp(&n) {
            std::cmp::Ordering::Greater => Ok(None),
            std::cmp::Ordering::Less => Err(DerError::UnexpectedTag {
                what,
                expected: ctx(n),
                found: tag,
            }),
            std::cmp::Ordering::Equal => {
                let (value, rest) = expect(self.rest, tag, what)?;
                self.rest = rest;
                Ok(Some(value))
            }
        }
    }

    pub(crate) fn required(&mut self, n: u8, what: &'static str) -> Result<&'a [u8], DerError> {
        self.optional(n, what)?.ok_or(DerError::Missing { what })
    }

    /// Unknown later fields (extensions) are skipped, as RFC 4120 decoders do;
    /// anything that is not a context-tagged field is an error.
    pub(crate) fn finish(self, what: &'static str) -> Result<(), DerError> {
        let mut rest = self.rest;
        while !rest.is_empty() {
            let (tag, _, r) = read_tlv(rest, what)?;
            if tag & 0xe0 != 0xa0 {
                return Err(DerError::TrailingBytes {
                    what,
                    count: rest.len(),
                });
            }
            rest = r;
        }
        Ok(())
    }
}

/// INTEGER as i64 (up to 8 content bytes, or 9 with a leading zero).
pub(crate) fn integer(field: &[u8], what: &'static str) -> Result<i64, DerError> {
    let v = expect_only(field, INTEGER, what)?;
    let v = match v {
        [] => return Err(DerError::BadValue { what }),
        [0, rest @ ..] if rest.len() == 8 && rest[0] & 0x80 != 0 => {
            // Positive value above i64::MAX does not fit.
            return Err(DerError::BadValue { what });
        }
        v if v.len() > 8 => return Err(DerError::BadValue { what }),
        v => v,
    };
    let init: i64 = if v[0] & 0x80 != 0 { -1 } else { 0 };
    Ok(v.iter().fold(init, |acc, &b| (acc << 8) | i64::from(b)))
}

/// Int32.
pub(crate) fn int32(field: &[u8], what: &'static str) -> Result<i32, DerError> {
    i32::try_from(integer(field, what)?).map_err(|_| DerError::BadValue { what })
}

/// UInt32; negative Int32 values (which some old encoders produce for kvnos and
/// sequence numbers) are taken as their two's-complement u32.
pub(crate) fn uint32(field: &[u8], what: &'static str) -> Result<u32, DerError> {
    let v = integer(field, what)?;
    if let Ok(u) = u32::try_from(v) {
        return Ok(u);
    }
    i32::try_from(v)
        .map(|i| i as u32)
        .map_err(|_| DerError::BadValue { what })
}

pub(crate) fn octet_string<'a>(field: &'a [u8], what: &'static str) -> Result<&'a [u8], DerError> {
    expect_only(field, OCTET_STRING, what)
}

/// KerberosString (GeneralString, UTF-8 in practice).
pub(crate) fn kerberos_string(field: &[u8], what: &'static str) -> Result<String, DerError> {
    let v = expect_only(field, GENERAL_STRING, what)?;
    String::from_utf8(v.to_vec()).map_err(|_| DerError::BadValue { what })
}

/// KerberosFlags: the first 32 bits of a BIT STRING, bit 0 as the MSB.
pub(crate) fn flags(field: &[u8], what: &'static str) -> Result<u32, DerError> {
    let v = expect_only(field, BIT_STRING, what)?;
    let (&unused, bits) = v.split_first().ok_or(DerError::BadValue { what })?;
    if unused > 7 {
        return Err(DerError::BadValue { what });
    }
    let mut b = [0u8; 4];
    for (d, s) in b.iter_mut().zip(bits) {
        *d = *s;
    }
    Ok(u32::from_be_bytes(b))
}

/// KerberosTime (`YYYYMMDDHHMMSSZ`; fractional seconds are tolerated and dropped)
/// as seconds since the Unix epoch.
pub(crate) fn time(field: &[u8], what: &'static str) -> Result<i64, DerError> {
    let v = expect_only(field, GENERALIZED_TIME, what)?;
    let bad = DerError::BadValue { what };
    if v.len() < 15 || v.last() != Some(&b'Z') {
        return Err(bad);
    }
    let digits = &v[..14];
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    let frac = &v[14..v.len() - 1];
    if !frac.is_empty()
        && (frac[0] != b'.' || frac.len() < 2 || !frac[1..].iter().all(u8::is_ascii_digit))
    {
        return Err(bad);
    }
    let n = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0'))
    };
    let (y, mo, d, h, mi, s) = (n(0..4), n(4..6), n(6..8), n(8..10), n(10..12), n(12..14));
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return Err(bad);
    }
    Ok(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

// ---- writer ----

pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
    out
}

/// `[n]` EXPLICIT around an encoded element.
pub(crate) fn field(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(ctx(n), inner)
}

/// SEQUENCE of already-encoded parts. The joined body is wiped after copying
/// (parts may hold key bytes).
pub(crate) fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut body = parts.concat();
    let out = tlv(SEQUENCE, &body);
    zeroize::Zeroize::zeroize(&mut body);
    out
}

pub(crate) fn enc_integer(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    tlv(INTEGER, &bytes[start..])
}

pub(crate) fn enc_octets(v: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, v)
}

pub(crate) fn enc_string(s: &str) -> Vec<u8> {
    tlv(GENERAL_STRING, s.as_bytes())
}

/// KerberosFlags as MIT writes them: 32 bits, no unused bits.
pub(crate) fn enc_flags(v: u32) -> Vec<u8> {
    let b = v.to_be_bytes();
    tlv(BIT_STRING, &[0, b[0], b[1], b[2], b[3]])
}

pub(crate) fn enc_time(t: i64) -> Vec<u8> {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let s = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        y,
        m,
        d,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    tlv(GENERALIZED_TIME, s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        for t in [0i64, 1, 86399, 951782400, 1795447829, 253402300799, -1] {
            let e = enc_time(t);
            assert_eq!(time(&e, "t"), Ok(t), "{t}");
        }
        assert_eq!(&enc_time(0)[2..], b"19700101000000Z");
        assert_eq!(
            time(&tlv(GENERALIZED_TIME, b"20000229123456Z"), "t"),
            Ok(951827696)
        );
        for bad in [
            &b"20261301000000Z"[..],
            b"20250229000000Z",
            b"20250101240000Z",
            b"2025010100000Z",
            b"20250101000000",
            b"2025-101000000Z",
            b"20250101000000.Z",
        ] {
            assert!(time(&tlv(GENERALIZED_TIME, bad), "t").is_err());
        }
        assert_eq!(
            time(&tlv(GENERALIZED_TIME, b"20250101000000.123Z"), "t"),
            Ok(1735689600)
        );
    }

    #[test]
    fn integers_round_trip() {
        for v in [
            0i64,
            1,
            127,
            128,
            255,
            256,
            -1,
            -128,
            -129,
            i32::MAX as i64,
            u32::MAX as i64,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(integer(&enc_integer(v), "i"), Ok(v), "{v}");
        }
        assert_eq!(
            enc_integer(u32::MAX as i64),
            [2, 5, 0, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(uint32(&enc_integer(-1), "k"), Ok(u32::MAX));
        assert!(uint32(&enc_integer(1 << 40), "k").is_err());
        assert!(integer(&[2, 0], "i").is_err());
    }

    #[test]
    fn lengths() {
        let v = vec![7u8; 300];
        let e = tlv(OCTET_STRING, &v);
        assert_eq!(&e[..4], &[4, 0x82, 1, 44]);
        assert_eq!(octet_string(&e, "o"), Ok(&v[..]));
        assert!(read_tlv(&[4, 0x85, 0, 0, 0, 0, 1], "o").is_err());
        assert!(read_tlv(&[4, 0x80], "o").is_err());
        assert!(read_tlv(&[4, 0x84, 0xff, 0xff, 0xff, 0xff], "o").is_err());
        assert!(read_tlv(&[0x1f, 1, 0], "o").is_err());
    }
}

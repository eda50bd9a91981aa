//! The one DER reader and writer for the RFC 4120 structures spnkt handles
//! (Ticket, EncTicketPart, AP-REQ, Authenticator, KRB-CRED, EncKrbCredPart).
//!
//! spnkt does not parse with `kerberos_asn1`/`red_asn1`: red_asn1 0.3 panics on
//! some inputs (a GeneralizedTime with month 13 reaches chrono's panicking
//! `Utc.ymd`), and these messages come from the network or from files. This reader
//! never panics, checks every length against the bytes present before slicing
//! (nothing is allocated from a length read out of the input), and reports every
//! error as a [`DerError`] naming the field and its byte offset in the input the
//! top-level [`Reader`] was made for.
//!
//! Accepted forms: single-byte tags; definite lengths, short or long form with at
//! most 4 length bytes. Indefinite lengths (BER) and multi-byte tag numbers are
//! errors. Non-minimal length and INTEGER encodings are read (as both former codecs did).
//! Nesting depth is bounded by the callers: every reader here descends a fixed
//! schema, none recurses on what the input says.
//!
//! The writer produces DER: minimal lengths and INTEGERs, KerberosFlags as 32 bits,
//! KerberosTime as `YYYYMMDDHHMMSSZ`.

use super::time::{
    MAX_KERBEROS_TIME, MIN_KERBEROS_TIME, civil_from_secs, days_from_civil, days_in_month,
};

/// What is wrong with DER input, which field (ASN.1 element) and where: `offset`
/// is a byte offset into the bytes the top-level reader was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DerError {
    #[error(
        "the {field} is truncated at byte offset {offset}: it needs {needed} bytes but only {available} remain"
    )]
    Truncated {
        offset: usize,
        field: &'static str,
        needed: u64,
        available: usize,
    },
    #[error(
        "expected the {field} ({expected}) at byte offset {offset} but found tag byte 0x{found:02x}"
    )]
    UnexpectedTag {
        offset: usize,
        field: &'static str,
        expected: &'static str,
        found: u8,
    },
    #[error("the {field} at byte offset {offset} {problem}")]
    BadValue {
        offset: usize,
        field: &'static str,
        problem: &'static str,
    },
    #[error(
        "the {field} is not valid UTF-8 (invalid byte at offset {offset}); spnkt only handles UTF-8 names"
    )]
    InvalidUtf8 { offset: usize, field: &'static str },
    #[error("{count} unexpected bytes follow the {field} that ends at byte offset {offset}")]
    TrailingBytes {
        offset: usize,
        field: &'static str,
        count: usize,
    },
}

impl DerError {
    /// The byte offset the error is about.
    pub fn offset(&self) -> usize {
        match *self {
            DerError::Truncated { offset, .. }
            | DerError::UnexpectedTag { offset, .. }
            | DerError::BadValue { offset, .. }
            | DerError::InvalidUtf8 { offset, .. }
            | DerError::TrailingBytes { offset, .. } => offset,
        }
    }
}

pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const ENUMERATED: u8 = 0x0a;
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

const CTX_NAMES: [&str; 16] = [
    "[0]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8]", "[9]", "[10]", "[11]", "[12]",
    "[13]", "[14]", "[15]",
];

/// How an expected tag is named in errors.
fn tag_name(tag: u8) -> &'static str {
    match tag {
        INTEGER => "INTEGER",
        BIT_STRING => "BIT STRING",
        OCTET_STRING => "OCTET STRING",
        OID => "OBJECT IDENTIFIER",
        ENUMERATED => "ENUMERATED",
        GENERAL_STRING => "GeneralString",
        GENERALIZED_TIME => "GeneralizedTime",
        SEQUENCE => "SEQUENCE",
        0xa0..=0xaf => CTX_NAMES[usize::from(tag & 0x0f)],
        0xb0..=0xbf => "a context-specific tag",
        0x61 => "[APPLICATION 1]",
        0x62 => "[APPLICATION 2]",
        0x63 => "[APPLICATION 3]",
        0x6e => "[APPLICATION 14]",
        0x6f => "[APPLICATION 15]",
        0x76 => "[APPLICATION 22]",
        0x7d => "[APPLICATION 29]",
        0x7e => "[APPLICATION 30]",
        0x60..=0x7f => "an [APPLICATION] tag",
        _ => "another tag",
    }
}

/// A cursor over the contents `buf[pos..end]` of one DER element (or of the whole
/// input); offsets in errors are absolute in `buf`. `name` is the element's field
/// name, used in errors about the element as a whole.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
    name: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over all of `buf`, which holds a `name` (e.g. "Ticket").
    pub(crate) fn new(buf: &'a [u8], name: &'static str) -> Reader<'a> {
        Reader {
            buf,
            pos: 0,
            end: buf.len(),
            name,
        }
    }

    /// Offset of the next unread byte.
    #[inline]
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    #[inline]
    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.buf[self.pos])
    }

    /// The unread contents.
    #[inline]
    pub(crate) fn contents(&self) -> &'a [u8] {
        &self.buf[self.pos..self.end]
    }

    #[cold]
    #[inline(never)]
    fn bad(&self, offset: usize, field: &'static str, problem: &'static str) -> DerError {
        DerError::BadValue {
            offset,
            field,
            problem,
        }
    }

    #[inline]
    fn byte(&mut self, field: &'static str) -> Result<u8, DerError> {
        if self.pos >= self.end {
            return Err(DerError::Truncated {
                offset: self.pos,
                field,
                needed: 1,
                available: 0,
            });
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    /// Everything read: anything left is trailing bytes after the top-level element.
    pub(crate) fn finish(&self) -> Result<(), DerError> {
        if self.pos < self.end {
            return Err(DerError::TrailingBytes {
                offset: self.pos,
                field: self.name,
                count: self.end - self.pos,
            });
        }
        Ok(())
    }

    /// The next element, whatever its tag: (tag, reader over its contents named
    /// `field`). The length is checked against what is left first.
    #[inline]
    pub(crate) fn any(&mut self, field: &'static str) -> Result<(u8, Reader<'a>), DerError> {
        // Most elements have a low tag number and a short-form length that fits.
        if let Some(&[tag, len]) = self.buf.get(self.pos..self.end).and_then(|b| b.get(..2)) {
            let at = self.pos + 2;
            if tag & 0x1f != 0x1f && len < 0x80 && usize::from(len) <= self.end - at {
                let inner = Reader {
                    buf: self.buf,
                    pos: at,
                    end: at + usize::from(len),
                    name: field,
                };
                self.pos = inner.end;
                return Ok((tag, inner));
            }
        }
        self.any_long(field)
    }

    /// [`Reader::any`] for everything else: long-form lengths, and the errors.
    fn any_long(&mut self, field: &'static str) -> Result<(u8, Reader<'a>), DerError> {
        let start = self.pos;
        let tag = self.byte(field)?;
        if tag & 0x1f == 0x1f {
            return Err(self.bad(start, field, "uses a multi-byte tag number (not supported)"));
        }
        let len_offset = self.pos;
        let first = self.byte(field)?;
        let len: u64 = if first < 0x80 {
            u64::from(first)
        } else if first == 0x80 {
            return Err(self.bad(len_offset, field, "uses an indefinite length (not DER)"));
        } else {
            let n = first & 0x7f;
            if n > 4 {
                return Err(self.bad(len_offset, field, "has a length of more than 4 bytes"));
            }
            let mut len = 0u64;
            for _ in 0..n {
                len = (len << 8) | u64::from(self.byte(field)?);
            }
            len
        };
        let available = self.end - self.pos;
        if len > available as u64 {
            return Err(DerError::Truncated {
                offset: self.pos,
                field,
                needed: len,
                available,
            });
        }
        let inner = Reader {
            buf: self.buf,
            pos: self.pos,
            end: self.pos + len as usize,
            name: field,
        };
        self.pos = inner.end;
        Ok((tag, inner))
    }

    /// The next element, which must have tag `tag`: a reader over its contents.
    #[inline(always)]
    pub(crate) fn element(&mut self, tag: u8, field: &'static str) -> Result<Reader<'a>, DerError> {
        // Most elements have the tag expected and a length of at most 2 bytes that
        // fits; anything else (and every error) takes the long way. The tag stays
        // out of the result: (tag, Reader) tuples made the hot path stall on
        // stores of single bytes read back as words.
        let (pos, end) = (self.pos, self.end);
        let rest = self.buf.get(pos..end).unwrap_or_default();
        let (header, len) = match *rest {
            [t, len, ..] if t == tag && len < 0x80 => (2, usize::from(len)),
            [t, 0x81, len, ..] if t == tag => (3, usize::from(len)),
            [t, 0x82, hi, lo, ..] if t == tag => (4, usize::from(hi) << 8 | usize::from(lo)),
            _ => return self.element_long(tag, field),
        };
        if tag & 0x1f == 0x1f || len > rest.len() - header {
            return self.element_long(tag, field);
        }
        self.pos = pos + header + len;
        Ok(Reader {
            buf: self.buf,
            pos: pos + header,
            end: pos + header + len,
            name: field,
        })
    }

    /// [`Reader::element`] for longer lengths, and the errors.
    #[inline(never)]
    fn element_long(&mut self, tag: u8, field: &'static str) -> Result<Reader<'a>, DerError> {
        match self.peek() {
            Some(found) if found != tag => Err(self.unexpected(field, tag, found)),
            _ => Ok(self.any(field)?.1),
        }
    }

    /// Errors are built out of line: the readers above stay small enough to inline.
    #[cold]
    #[inline(never)]
    fn unexpected(&self, field: &'static str, expected: u8, found: u8) -> DerError {
        DerError::UnexpectedTag {
            offset: self.pos,
            field,
            expected: tag_name(expected),
            found,
        }
    }

    #[inline(always)]
    pub(crate) fn sequence(&mut self, field: &'static str) -> Result<Reader<'a>, DerError> {
        self.element(SEQUENCE, field)
    }

    // ---- SEQUENCE fields ([n] EXPLICIT, in increasing order)

    /// The `[n]` wrapper of field `field` when it is next, else None (absent
    /// OPTIONAL field). A field numbered below `n` here is repeated or out of order;
    /// an element that is not context-tagged is an error.
    #[inline(always)]
    pub(crate) fn optional(
        &mut self,
        n: u8,
        field: &'static str,
    ) -> Result<Option<Reader<'a>>, DerError> {
        let Some(tag) = self.peek() else {
            return Ok(None);
        };
        if tag & 0xe0 != 0xa0 || tag & 0x1f == 0x1f {
            return Err(self.unexpected(field, ctx(n), tag));
        }
        match (tag & 0x1f).cmp(&n) {
            std::cmp::Ordering::Greater => Ok(None),
            std::cmp::Ordering::Less => Err(self.bad(
                self.pos,
                self.name,
                "has a repeated or out-of-order field here",
            )),
            std::cmp::Ordering::Equal => self.element(tag, field).map(Some),
        }
    }

    /// The `[n]` wrapper of required field `field`.
    #[inline(always)]
    pub(crate) fn required(&mut self, n: u8, field: &'static str) -> Result<Reader<'a>, DerError> {
        let at = self.pos;
        self.optional(n, field)?
            .ok_or_else(|| self.bad(at, field, "is missing"))
    }

    /// Required field `[n]` holding exactly one value, read by `read`.
    #[inline(always)]
    pub(crate) fn field<T>(
        &mut self,
        n: u8,
        field: &'static str,
        read: impl FnOnce(&mut Reader<'a>, &'static str) -> Result<T, DerError>,
    ) -> Result<T, DerError> {
        self.required(n, field)?.only(read)
    }

    /// OPTIONAL field `[n]` holding exactly one value, read by `read`.
    #[inline(always)]
    pub(crate) fn optional_field<T>(
        &mut self,
        n: u8,
        field: &'static str,
        read: impl FnOnce(&mut Reader<'a>, &'static str) -> Result<T, DerError>,
    ) -> Result<Option<T>, DerError> {
        self.optional(n, field)?.map(|r| r.only(read)).transpose()
    }

    /// This element holds exactly one value, read by `read` (given the element's
    /// field name).
    #[inline(always)]
    pub(crate) fn only<T, E: From<DerError>>(
        mut self,
        read: impl FnOnce(&mut Reader<'a>, &'static str) -> Result<T, E>,
    ) -> Result<T, E> {
        let name = self.name;
        let v = read(&mut self, name)?;
        if !self.at_end() {
            return Err(self
                .bad(
                    self.pos,
                    self.name,
                    "is followed by extra bytes in its field",
                )
                .into());
        }
        Ok(v)
    }

    /// The end of a SEQUENCE whose schema is closed: anything left is an unknown,
    /// repeated or out-of-order field.
    pub(crate) fn end_of_sequence(&self) -> Result<(), DerError> {
        if !self.at_end() {
            return Err(self.bad(
                self.pos,
                self.name,
                "has an unknown, repeated or out-of-order field here",
            ));
        }
        Ok(())
    }

    /// The end of an extensible SEQUENCE: further context-tagged fields are
    /// skipped (extensions, as RFC 4120 decoders do); anything else is an error.
    pub(crate) fn skip_extensions(mut self) -> Result<(), DerError> {
        while let Some(tag) = self.peek() {
            if tag & 0xe0 != 0xa0 {
                return Err(self.bad(
                    self.pos,
                    self.name,
                    "has an element that is not a context-tagged field here",
                ));
            }
            let name = self.name;
            self.any(name)?;
        }
        Ok(())
    }

    // ---- primitive values

    /// INTEGER as i64 (redundant leading sign bytes allowed).
    #[inline]
    pub(crate) fn integer(&mut self, field: &'static str) -> Result<i64, DerError> {
        let offset = self.pos;
        let mut c = self.element(INTEGER, field)?.contents();
        if c.is_empty() {
            return Err(self.bad(offset, field, "is an empty INTEGER"));
        }
        while c.len() > 1 && ((c[0] == 0 && c[1] & 0x80 == 0) || (c[0] == 0xff && c[1] & 0x80 != 0))
        {
            c = &c[1..];
        }
        if c.len() > 8 {
            return Err(self.bad(offset, field, "does not fit in 64 bits"));
        }
        let init: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
        Ok(c.iter().fold(init, |acc, &b| (acc << 8) | i64::from(b)))
    }

    /// Int32.
    #[inline]
    pub(crate) fn int32(&mut self, field: &'static str) -> Result<i32, DerError> {
        let offset = self.pos;
        i32::try_from(self.integer(field)?)
            .map_err(|_| self.bad(offset, field, "does not fit a 32-bit signed integer"))
    }

    /// UInt32; negative Int32 values (which Windows and old encoders write for kvnos
    /// and sequence numbers >= 2^31) are taken as their two's-complement u32.
    #[inline]
    pub(crate) fn uint32(&mut self, field: &'static str) -> Result<u32, DerError> {
        let offset = self.pos;
        let v = self.integer(field)?;
        if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
            Ok(v as u32)
        } else {
            Err(self.bad(offset, field, "does not fit a 32-bit unsigned integer"))
        }
    }

    #[inline]
    pub(crate) fn octets(&mut self, field: &'static str) -> Result<&'a [u8], DerError> {
        Ok(self.element(OCTET_STRING, field)?.contents())
    }

    /// KerberosString / Realm (GeneralString, UTF-8 in practice).
    #[inline]
    pub(crate) fn string(&mut self, field: &'static str) -> Result<String, DerError> {
        self.str_ref(field).map(str::to_owned)
    }

    /// [`Reader::string`] borrowed from the input.
    #[inline]
    pub(crate) fn str_ref(&mut self, field: &'static str) -> Result<&'a str, DerError> {
        let r = self.element(GENERAL_STRING, field)?;
        match std::str::from_utf8(r.contents()) {
            Ok(s) => Ok(s),
            Err(e) => Err(DerError::InvalidUtf8 {
                offset: r.pos + e.valid_up_to(),
                field,
            }),
        }
    }

    /// KerberosFlags: bit 0 is the first (most significant) bit of the string.
    /// Bits past 31 are ignored, missing ones are 0 (MIT does the same).
    #[inline]
    pub(crate) fn flags(&mut self, field: &'static str) -> Result<u32, DerError> {
        let r = self.element(BIT_STRING, field)?;
        let c = r.contents();
        match c.first() {
            None => return Err(self.bad(r.pos, field, "is an empty BIT STRING")),
            Some(&unused) if unused > 7 || (unused > 0 && c.len() == 1) => {
                return Err(self.bad(r.pos, field, "has an invalid unused-bits count"));
            }
            Some(_) => {}
        }
        let mut v = [0u8; 4];
        for (dst, src) in v.iter_mut().zip(&c[1..]) {
            *dst = *src;
        }
        Ok(u32::from_be_bytes(v))
    }

    /// KerberosTime, exactly `YYYYMMDDHHMMSSZ` (RFC 4120 section 5.2.3), as
    /// seconds since the epoch.
    pub(crate) fn time(&mut self, field: &'static str) -> Result<i64, DerError> {
        self.generalized_time(field, false)
    }

    /// KerberosTime as [`Reader::time`], also tolerating fractional seconds (dropped)
    /// and a leap second `60`, as the ticket and AP-REQ readers always have.
    pub(crate) fn time_lenient(&mut self, field: &'static str) -> Result<i64, DerError> {
        self.generalized_time(field, true)
    }

    fn generalized_time(&mut self, field: &'static str, lenient: bool) -> Result<i64, DerError> {
        let r = self.element(GENERALIZED_TIME, field)?;
        let c = r.contents();
        let bad = || self.bad(r.pos, field, "is not a YYYYMMDDHHMMSSZ KerberosTime");
        if c.len() < 15 || c.last() != Some(&b'Z') || !c[..14].iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let frac = &c[14..c.len() - 1];
        if !frac.is_empty()
            && (!lenient
                || frac[0] != b'.'
                || frac.len() < 2
                || !frac[1..].iter().all(u8::is_ascii_digit))
        {
            return Err(bad());
        }
        let n = |i: usize, len: usize| {
            c[i..i + len]
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'))
        };
        let (y, mo, d, h, mi, s) = (n(0, 4), n(4, 2), n(6, 2), n(8, 2), n(10, 2), n(12, 2));
        let max_sec = if lenient { 60 } else { 59 };
        if !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || s > max_sec
        {
            return Err(bad());
        }
        let t = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
        // A leap second is read as the next second; 9999-12-31 23:59:60 would be
        // 10000-01-01, which no KerberosTime can hold: refused, so that every time
        // read re-encodes without clamping (`enc_time` takes all of them).
        if t > MAX_KERBEROS_TIME {
            return Err(bad());
        }
        Ok(t)
    }
}

// ---------------------------------------------------------------------- writer

/// Tag, minimal definite length, and the concatenation of `parts`, in a buffer
/// allocated once at its final size (no reallocation leaves copies of key bytes
/// behind; callers wrap outputs that hold keys in `Zeroizing`).
pub(crate) fn tlv_of(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let len_bytes = (len as u64).to_be_bytes();
    let skip = len_bytes.iter().take_while(|&&b| b == 0).count();
    let long = if len < 0x80 { 0 } else { 8 - skip };
    let mut out = Vec::with_capacity(2 + long + len);
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.push(0x80 | long as u8);
        out.extend_from_slice(&len_bytes[skip..]);
    }
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    tlv_of(tag, &[value])
}

/// `[n]` EXPLICIT around an encoded element.
pub(crate) fn field(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(ctx(n), inner)
}

/// SEQUENCE (or SEQUENCE OF) of already-encoded parts.
pub(crate) fn seq<P: AsRef<[u8]>>(parts: &[P]) -> Vec<u8> {
    let parts: Vec<&[u8]> = parts.iter().map(AsRef::as_ref).collect();
    tlv_of(SEQUENCE, &parts)
}

pub(crate) fn enc_integer(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7
        && ((bytes[start] == 0 && bytes[start + 1] & 0x80 == 0)
            || (bytes[start] == 0xff && bytes[start + 1] & 0x80 != 0))
    {
        start += 1;
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

/// KerberosTime `YYYYMMDDHHMMSSZ`; None outside years 0000 to 9999 (4 digits).
pub(crate) fn enc_time(t: i64) -> Option<Vec<u8>> {
    if !(MIN_KERBEROS_TIME..=MAX_KERBEROS_TIME).contains(&t) {
        return None;
    }
    let (y, m, d, h, mi, s) = civil_from_secs(t);
    let text = format!("{y:04}{m:02}{d:02}{h:02}{mi:02}{s:02}Z");
    Some(tlv(GENERALIZED_TIME, text.as_bytes()))
}

/// [`enc_time`] with times outside years 0000 to 9999 clamped to the nearest end
/// (for encoders whose signature cannot fail).
pub(crate) fn enc_time_clamped(t: i64) -> Vec<u8> {
    let t = t.clamp(MIN_KERBEROS_TIME, MAX_KERBEROS_TIME);
    enc_time(t).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_time(der: &[u8], lenient: bool) -> Result<i64, DerError> {
        let mut r = Reader::new(der, "t");
        let t = if lenient {
            r.time_lenient("t")
        } else {
            r.time("t")
        }?;
        r.finish()?;
        Ok(t)
    }

    #[test]
    fn times_round_trip() {
        for t in [
            0i64,
            1,
            86399,
            951782400,
            1795447829,
            MAX_KERBEROS_TIME,
            MIN_KERBEROS_TIME,
            -1,
        ] {
            let e = enc_time(t).unwrap();
            assert_eq!(read_time(&e, false), Ok(t), "{t}");
            assert_eq!(read_time(&e, true), Ok(t), "{t}");
        }
        assert_eq!(&enc_time(0).unwrap()[2..], b"19700101000000Z");
        assert_eq!(enc_time(MAX_KERBEROS_TIME + 1), None);
        assert_eq!(enc_time(MIN_KERBEROS_TIME - 1), None);
        assert_eq!(
            enc_time_clamped(i64::MAX),
            enc_time(MAX_KERBEROS_TIME).unwrap()
        );
        assert_eq!(
            read_time(&tlv(GENERALIZED_TIME, b"20000229123456Z"), false),
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
            assert!(read_time(&tlv(GENERALIZED_TIME, bad), true).is_err());
            assert!(read_time(&tlv(GENERALIZED_TIME, bad), false).is_err());
        }
        let frac = tlv(GENERALIZED_TIME, b"20250101000000.123Z");
        assert_eq!(read_time(&frac, true), Ok(1735689600));
        assert!(read_time(&frac, false).is_err());
        let leap = tlv(GENERALIZED_TIME, b"20241231235960Z");
        assert_eq!(read_time(&leap, true), Ok(1735689600));
        assert!(read_time(&leap, false).is_err());
        // The leap second at the very end would be year 10000: refused, not
        // clamped on the way back out.
        let last_leap = tlv(GENERALIZED_TIME, b"99991231235960Z");
        assert!(read_time(&last_leap, true).is_err());
        let last = tlv(GENERALIZED_TIME, b"99991231235959Z");
        assert_eq!(read_time(&last, true), Ok(MAX_KERBEROS_TIME));
        assert_eq!(enc_time(MAX_KERBEROS_TIME), Some(last));
    }

    #[test]
    fn integers_round_trip() {
        let int = |der: &[u8]| {
            let mut r = Reader::new(der, "i");
            r.integer("i")
        };
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
            assert_eq!(int(&enc_integer(v)), Ok(v), "{v}");
        }
        for (v, der) in [
            (0i64, &[2, 1, 0][..]),
            (127, &[2, 1, 127]),
            (128, &[2, 2, 0, 128]),
            (-1, &[2, 1, 0xff]),
            (-129, &[2, 2, 0xff, 0x7f]),
        ] {
            assert_eq!(enc_integer(v), der);
        }
        assert_eq!(
            enc_integer(u32::MAX as i64),
            [2, 5, 0, 0xff, 0xff, 0xff, 0xff]
        );
        let uint32 = |der: &[u8]| Reader::new(der, "k").uint32("k");
        assert_eq!(uint32(&enc_integer(-1)), Ok(u32::MAX));
        assert!(uint32(&enc_integer(1 << 40)).is_err());
        assert!(int(&[2, 0]).is_err());
        // Non-minimal encodings are read; values past 64 bits are not.
        assert_eq!(int(&[2, 3, 0, 0, 5]), Ok(5));
        assert!(int(&[2, 9, 0, 0x80, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn lengths() {
        let v = vec![7u8; 300];
        let e = tlv(OCTET_STRING, &v);
        assert_eq!(&e[..4], &[4, 0x82, 1, 44]);
        assert_eq!(Reader::new(&e, "o").octets("o"), Ok(&v[..]));
        let read = |der: &[u8]| Reader::new(der, "o").any("o").map(|(t, _)| t);
        assert!(read(&[4, 0x85, 0, 0, 0, 0, 1]).is_err());
        assert_eq!(
            read(&[4, 0x80]),
            Err(DerError::BadValue {
                offset: 1,
                field: "o",
                problem: "uses an indefinite length (not DER)"
            })
        );
        assert_eq!(
            read(&[4, 0x84, 0xff, 0xff, 0xff, 0xff]),
            Err(DerError::Truncated {
                offset: 6,
                field: "o",
                needed: 0xffff_ffff,
                available: 0
            })
        );
        assert!(read(&[0x1f, 1, 0]).is_err());
    }

    #[test]
    fn fields_in_order() {
        // SEQUENCE { [0] INTEGER 1, [2] INTEGER 2, [5] INTEGER 3 }
        let body = seq(&[
            field(0, &enc_integer(1)),
            field(2, &enc_integer(2)),
            field(5, &enc_integer(3)),
        ]);
        let mut top = Reader::new(&body, "S");
        let mut s = top.sequence("S").unwrap();
        assert_eq!(s.field(0, "a", Reader::integer), Ok(1));
        assert_eq!(s.optional_field(1, "b", Reader::integer), Ok(None));
        assert_eq!(s.field(2, "c", Reader::integer), Ok(2));
        assert!(matches!(
            s.required(3, "d"),
            Err(DerError::BadValue {
                field: "d",
                problem: "is missing",
                ..
            })
        ));
        assert!(s.end_of_sequence().is_err());
        assert_eq!(s.skip_extensions(), Ok(()));
        // A repeated field.
        let body = seq(&[field(1, &enc_integer(1)), field(1, &enc_integer(1))]);
        let mut s = Reader::new(&body, "S").sequence("S").unwrap();
        s.field(1, "a", Reader::integer).unwrap();
        assert!(s.optional(2, "b").is_err());
    }
}

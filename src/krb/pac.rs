//! The Privilege Attribute Certificate (MS-PAC) AD puts in tickets: its buffers,
//! the logon information, and the server signature made with the service's key.

use std::ops::Range;

use super::Key;
use super::crypto::checksum::{self, ChecksumError};
use super::crypto::{ChecksumKey, CryptoError};

pub const PAC_LOGON_INFO: u32 = 1;
pub const PAC_SERVER_CHECKSUM: u32 = 6;
pub const PAC_PRIVSVR_CHECKSUM: u32 = 7;
pub const PAC_CLIENT_INFO: u32 = 10;
/// PAC_TICKET_CHECKSUM (MS-PAC 2.8.3).
pub const PAC_TICKET_CHECKSUM: u32 = 16;
/// PAC_FULL_CHECKSUM (MS-PAC 2.8.4).
pub const PAC_FULL_CHECKSUM: u32 = 19;
/// Key usage of PAC signatures (KERB_NON_KERB_CKSUM_SALT, MS-PAC 2.8).
pub const KEY_USAGE_PAC_CHECKSUM: u32 = 17;
/// Most buffers spnkt accepts in one PAC (AD uses about ten).
pub const MAX_PAC_BUFFERS: u32 = 1024;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PacBuffer {
    pub ty: u32,
    pub data: Vec<u8>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Pac {
    pub buffers: Vec<PacBuffer>,
    /// The PAC as found in the ticket (signatures are computed over it).
    pub raw: Vec<u8>,
}

/// What KERB_VALIDATION_INFO says about the user.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LogonInfo {
    pub user_name: String,
    pub full_name: String,
    pub logon_domain: String,
    /// `S-1-5-21-...-RID`.
    pub user_sid: String,
    pub group_count: u32,
    pub extra_sid_count: u32,
}

/// PAC_CLIENT_INFO (MS-PAC 2.7): the client's name and the ticket's authtime.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClientInfo {
    /// ClientId: the authtime as a FILETIME (100 ns units since 1601-01-01).
    pub client_id: u64,
    pub name: String,
}

impl ClientInfo {
    /// ClientId in seconds since the Unix epoch.
    pub fn unix_time(&self) -> i64 {
        (self.client_id / 10_000_000) as i64 - 11_644_473_600
    }
}

/// A PAC signature buffer (PAC_SIGNATURE_DATA, MS-PAC 2.8).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PacSignature {
    pub signature_type: i32,
    pub signature: Vec<u8>,
}

/// What is wrong with a PAC or its signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacError {
    #[error("the PAC is truncated: {0}")]
    Truncated(&'static str),
    #[error("the PAC version is {0}, expected 0")]
    BadVersion(u32),
    #[error("the PAC claims {0} buffers, more than spnkt accepts ({MAX_PAC_BUFFERS})")]
    TooManyBuffers(u32),
    #[error("PAC buffer {index} (type {ty}) lies outside the PAC")]
    BufferOutOfBounds { index: usize, ty: u32 },
    #[error("the PAC has no server checksum buffer")]
    NoServerChecksum,
    #[error("the PAC has no KDC checksum buffer")]
    NoKdcChecksum,
    #[error("PAC signature type {0} is not one spnkt knows")]
    UnknownSignatureType(i32),
    #[error("PAC signature type {signature_type} does not match the {enctype} key")]
    WrongSignatureType {
        signature_type: i32,
        enctype: crate::krb::Enctype,
    },
    #[error(
        "the PAC server signature does not match: the PAC was altered or signed with another key"
    )]
    ServerChecksumMismatch,
    #[error("the PAC KDC signature does not match: the PAC was altered or signed with another key")]
    KdcChecksumMismatch,
    #[error("the PAC logon info is malformed: {0}")]
    BadLogonInfo(&'static str),
    #[error("the PAC client info is malformed")]
    BadClientInfo,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Parse PACTYPE (MS-PAC 2.3) and copy out its buffers. Offsets need not be
/// 8-aligned (the spec asks for it; readers such as Windows tolerate less).
pub fn parse_pac(bytes: &[u8]) -> Result<Pac, PacError> {
    PacRef::parse(bytes).map(|p| p.to_pac())
}

/// The `index`th PAC_INFO_BUFFER: its type and data.
fn info_buffer(bytes: &[u8], index: usize) -> Result<(u32, &[u8]), PacError> {
    let at = 8 + index * 16;
    let (Some(ty), Some(size), Some(offset)) = (
        le_u32(bytes, at),
        le_u32(bytes, at + 4),
        le_u64(bytes, at + 8),
    ) else {
        return Err(PacError::Truncated("PAC_INFO_BUFFER array"));
    };
    let data = usize::try_from(offset)
        .ok()
        .and_then(|o| Some(o..o.checked_add(size as usize)?))
        .and_then(|r| bytes.get(r))
        .ok_or(PacError::BufferOutOfBounds { index, ty })?;
    Ok((ty, data))
}

/// A PAC read in place, as `spnkt verify` reads one per ticket: [`parse_pac`]'s
/// checks and errors, its buffers borrowed instead of copied, and the server
/// signature checked without a zeroed copy of the PAC.
#[derive(Clone, Copy, Debug)]
pub struct PacRef<'a> {
    raw: &'a [u8],
    count: usize,
}

impl<'a> PacRef<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<PacRef<'a>, PacError> {
        let count = le_u32(bytes, 0).ok_or(PacError::Truncated("no PACTYPE header"))?;
        let version = le_u32(bytes, 4).ok_or(PacError::Truncated("no PACTYPE header"))?;
        if version != 0 {
            return Err(PacError::BadVersion(version));
        }
        if count > MAX_PAC_BUFFERS {
            return Err(PacError::TooManyBuffers(count));
        }
        for index in 0..count as usize {
            info_buffer(bytes, index)?;
        }
        Ok(PacRef {
            raw: bytes,
            count: count as usize,
        })
    }

    /// The PAC as found in the ticket.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Each buffer's type and data, in order.
    pub fn buffers(&self) -> impl Iterator<Item = (u32, &'a [u8])> + use<'a> {
        let raw = self.raw;
        // Every entry was checked by `parse`.
        (0..self.count).filter_map(move |i| info_buffer(raw, i).ok())
    }

    /// The first buffer of type `ty`.
    pub fn buffer(&self, ty: u32) -> Option<&'a [u8]> {
        self.buffers().find(|(t, _)| *t == ty).map(|(_, d)| d)
    }

    pub fn logon_info(&self) -> Option<Result<LogonInfo, PacError>> {
        self.buffer(PAC_LOGON_INFO).map(decode_logon_info)
    }

    /// The owned form.
    pub fn to_pac(&self) -> Pac {
        Pac {
            buffers: self
                .buffers()
                .map(|(ty, data)| PacBuffer {
                    ty,
                    data: data.to_vec(),
                })
                .collect(),
            raw: self.raw.to_vec(),
        }
    }

    /// [`Pac::verify_server_checksum`].
    pub fn verify_server_checksum(&self, key: &Key) -> Result<(), PacError> {
        verify_server_checksum(self.buffer(PAC_SERVER_CHECKSUM), self.raw, key)
    }

    /// [`Pac::verify_server_checksum_with`].
    pub fn verify_server_checksum_with(&self, key: &ChecksumKey) -> Result<(), PacError> {
        verify_server_checksum_with(self.buffer(PAC_SERVER_CHECKSUM), self.raw, key)
    }
}

fn signature_len(signature_type: i32) -> Result<usize, PacError> {
    checksum::checksum_len(signature_type).ok_or(PacError::UnknownSignatureType(signature_type))
}

impl Pac {
    /// The first buffer of type `ty`.
    pub fn buffer(&self, ty: u32) -> Option<&[u8]> {
        self.buffers
            .iter()
            .find(|b| b.ty == ty)
            .map(|b| b.data.as_slice())
    }

    /// A signature buffer (PAC_SERVER_CHECKSUM, PAC_PRIVSVR_CHECKSUM, ...).
    pub fn signature(&self, ty: u32) -> Option<Result<PacSignature, PacError>> {
        self.buffer(ty).map(|data| {
            read_signature(data).map(|(signature_type, sig)| PacSignature {
                signature_type,
                signature: sig.to_vec(),
            })
        })
    }

    pub fn logon_info(&self) -> Option<Result<LogonInfo, PacError>> {
        self.buffer(PAC_LOGON_INFO).map(decode_logon_info)
    }

    pub fn client_info(&self) -> Option<Result<ClientInfo, PacError>> {
        self.buffer(PAC_CLIENT_INFO).map(|b| {
            let client_id = le_u64(b, 0).ok_or(PacError::BadClientInfo)?;
            let n = b
                .get(8..10)
                .map(|l| u16::from_le_bytes([l[0], l[1]]) as usize)
                .ok_or(PacError::BadClientInfo)?;
            let name = b.get(10..10 + n).ok_or(PacError::BadClientInfo)?;
            Ok(ClientInfo {
                client_id,
                name: utf16le(name),
            })
        })
    }

    /// Check PAC_SERVER_CHECKSUM with the service key (MS-PAC 2.8.1, key usage 17).
    pub fn verify_server_checksum(&self, key: &Key) -> Result<(), PacError> {
        verify_server_checksum(self.buffer(PAC_SERVER_CHECKSUM), &self.raw, key)
    }

    /// [`Pac::verify_server_checksum`] with a key prepared once for usage 17.
    pub fn verify_server_checksum_with(&self, key: &ChecksumKey) -> Result<(), PacError> {
        verify_server_checksum_with(self.buffer(PAC_SERVER_CHECKSUM), &self.raw, key)
    }

    /// Check PAC_PRIVSVR_CHECKSUM (over the server signature) with the KDC's
    /// (krbtgt) key (MS-PAC 2.8.2).
    pub fn verify_kdc_checksum(&self, kdc_key: &Key) -> Result<(), PacError> {
        let server = self
            .signature(PAC_SERVER_CHECKSUM)
            .ok_or(PacError::NoServerChecksum)??;
        let kdc = self
            .signature(PAC_PRIVSVR_CHECKSUM)
            .ok_or(PacError::NoKdcChecksum)??;
        checksum::verify_checksum(
            kdc_key,
            KEY_USAGE_PAC_CHECKSUM,
            kdc.signature_type,
            &server.signature,
            &kdc.signature,
        )
        .map_err(|e| map_checksum_error(e, PacError::KdcChecksumMismatch))
    }
}

fn map_checksum_error(e: ChecksumError, mismatch: PacError) -> PacError {
    match e {
        ChecksumError::Mismatch => mismatch,
        ChecksumError::WrongType {
            cksumtype, enctype, ..
        } => PacError::WrongSignatureType {
            signature_type: cksumtype,
            enctype,
        },
        ChecksumError::Crypto(c) => PacError::Crypto(c),
    }
}

/// PAC_SIGNATURE_DATA: the signature type and the signature.
fn read_signature(data: &[u8]) -> Result<(i32, &[u8]), PacError> {
    let t = le_u32(data, 0).ok_or(PacError::Truncated("signature buffer"))? as i32;
    let len = signature_len(t)?;
    let sig = data
        .get(4..4 + len)
        .ok_or(PacError::Truncated("signature buffer"))?;
    Ok((t, sig))
}

/// Where the server and KDC signatures lie in `raw`: both are zeroed for
/// computing either signature (MS-PAC 2.8.1). Sorted, overlaps merged.
fn signature_ranges(raw: &[u8]) -> Result<Vec<Range<usize>>, PacError> {
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(2);
    let count = le_u32(raw, 0).unwrap_or(0).min(MAX_PAC_BUFFERS) as usize;
    for index in 0..count {
        let at = 8 + index * 16;
        let (Some(ty), Some(size), Some(offset)) =
            (le_u32(raw, at), le_u32(raw, at + 4), le_u64(raw, at + 8))
        else {
            return Err(PacError::Truncated("PAC_INFO_BUFFER array"));
        };
        if ty != PAC_SERVER_CHECKSUM && ty != PAC_PRIVSVR_CHECKSUM {
            continue;
        }
        let start = usize::try_from(offset)
            .ok()
            .and_then(|o| o.checked_add(4))
            .ok_or(PacError::BufferOutOfBounds { index, ty })?;
        let sig_type =
            le_u32(raw, start - 4).ok_or(PacError::BufferOutOfBounds { index, ty })? as i32;
        let len = signature_len(sig_type)?;
        if len + 4 > size as usize || raw.get(start..start + len).is_none() {
            return Err(PacError::BufferOutOfBounds { index, ty });
        }
        ranges.push(start..start + len);
    }
    ranges.sort_unstable_by_key(|r| r.start);
    ranges.dedup_by(|next, kept| {
        let overlaps = next.start <= kept.end;
        if overlaps {
            kept.end = kept.end.max(next.end);
        }
        overlaps
    });
    Ok(ranges)
}

/// `raw` with `zeroed` (sorted, disjoint, inside `raw`) read as zeros, in pieces.
fn signed_pieces<'r>(
    raw: &'r [u8],
    zeroed: &'r [Range<usize>],
) -> impl Iterator<Item = &'r [u8]> + 'r {
    const ZEROS: [u8; 64] = [0; 64];
    let mut pos = 0;
    zeroed
        .iter()
        .flat_map(move |r| {
            let before = &raw[pos..r.start];
            pos = r.end;
            let zeros = (r.start..r.end)
                .step_by(ZEROS.len())
                .map(move |at| &ZEROS[..(r.end - at).min(ZEROS.len())]);
            std::iter::once(before).chain(zeros)
        })
        .chain(std::iter::once_with(move || {
            &raw[zeroed.last().map_or(0, |r| r.end)..]
        }))
}

/// The raw PAC with the signature bytes of the server and KDC checksums zeroed
/// (what both signatures are computed over, MS-PAC 2.8.1).
fn zeroed_for_signing(raw: &[u8]) -> Result<Vec<u8>, PacError> {
    let ranges = signature_ranges(raw)?;
    Ok(signed_pieces(raw, &ranges).flatten().copied().collect())
}

fn verify_server_checksum(server: Option<&[u8]>, raw: &[u8], key: &Key) -> Result<(), PacError> {
    let (signature_type, sig) = read_signature(server.ok_or(PacError::NoServerChecksum)?)?;
    let zeroed = zeroed_for_signing(raw)?;
    checksum::verify_checksum(key, KEY_USAGE_PAC_CHECKSUM, signature_type, &zeroed, sig)
        .map_err(|e| map_checksum_error(e, PacError::ServerChecksumMismatch))
}

fn verify_server_checksum_with(
    server: Option<&[u8]>,
    raw: &[u8],
    key: &ChecksumKey,
) -> Result<(), PacError> {
    let (signature_type, sig) = read_signature(server.ok_or(PacError::NoServerChecksum)?)?;
    let ranges = signature_ranges(raw)?;
    key.verify_pieces(signature_type, signed_pieces(raw, &ranges), sig)
        .map_err(|e| map_checksum_error(e, PacError::ServerChecksumMismatch))
}

fn signature_buffer(key: &Key) -> Result<Vec<u8>, PacError> {
    let t = checksum::checksum_type_for(key.enctype())
        .ok_or(CryptoError::UnsupportedEnctype(key.enctype()))?;
    let mut data = (t as u32).to_le_bytes().to_vec();
    data.resize(4 + signature_len(t)?, 0);
    Ok(data)
}

/// Lay out `buffers` as a PAC (8-aligned, in the given order) and sign it: any
/// PAC_SERVER_CHECKSUM / PAC_PRIVSVR_CHECKSUM buffers given are replaced (and
/// appended when missing), the server signature made with `server_key` and the
/// KDC signature over it with `kdc_key`, both with key usage 17.
pub fn build_pac(
    buffers: &[PacBuffer],
    server_key: &Key,
    kdc_key: &Key,
) -> Result<Vec<u8>, PacError> {
    let mut list: Vec<PacBuffer> = buffers
        .iter()
        .filter(|b| b.ty != PAC_SERVER_CHECKSUM && b.ty != PAC_PRIVSVR_CHECKSUM)
        .cloned()
        .collect();
    list.push(PacBuffer {
        ty: PAC_SERVER_CHECKSUM,
        data: signature_buffer(server_key)?,
    });
    list.push(PacBuffer {
        ty: PAC_PRIVSVR_CHECKSUM,
        data: signature_buffer(kdc_key)?,
    });
    let mut out = Vec::new();
    out.extend_from_slice(&(list.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    let mut offset = 8 + 16 * list.len();
    let mut offsets = Vec::new();
    for b in &list {
        out.extend_from_slice(&b.ty.to_le_bytes());
        out.extend_from_slice(&(b.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(offset as u64).to_le_bytes());
        offsets.push(offset);
        offset += b.data.len().next_multiple_of(8);
    }
    for b in &list {
        out.extend_from_slice(&b.data);
        out.resize(out.len().next_multiple_of(8), 0);
    }
    let server_at = offsets[list.len() - 2] + 4;
    let kdc_at = offsets[list.len() - 1] + 4;
    let server = checksum::make_checksum(server_key, KEY_USAGE_PAC_CHECKSUM, &out)?;
    out[server_at..server_at + server.data.len()].copy_from_slice(&server.data);
    let kdc = checksum::make_checksum(kdc_key, KEY_USAGE_PAC_CHECKSUM, &server.data)?;
    out[kdc_at..kdc_at + kdc.data.len()].copy_from_slice(&kdc.data);
    Ok(out)
}

fn utf16le(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// NDR (MS-RPCE type serialization version 1) reader over one PAC buffer.
struct Ndr<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Ndr<'_> {
    fn align(&mut self, n: usize) {
        self.pos = self.pos.next_multiple_of(n);
    }

    fn bytes(&mut self, n: usize, what: &'static str) -> Result<&[u8], PacError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(PacError::BadLogonInfo(what))?;
        let b = self
            .buf
            .get(self.pos..end)
            .ok_or(PacError::BadLogonInfo(what))?;
        self.pos = end;
        Ok(b)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, PacError> {
        self.align(2);
        let b = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, PacError> {
        self.align(4);
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn skip(&mut self, n: usize, what: &'static str) -> Result<(), PacError> {
        self.bytes(n, what).map(|_| ())
    }

    /// RPC_UNICODE_STRING inline part: (Length, pointer).
    fn unicode_string_header(&mut self, what: &'static str) -> Result<(u16, u32), PacError> {
        let len = self.u16(what)?;
        let _max = self.u16(what)?;
        let ptr = self.u32(what)?;
        Ok((len, ptr))
    }

    /// Deferred conformant varying WCHAR array of a non-null RPC_UNICODE_STRING.
    fn unicode_string_body(&mut self, ptr: u32, what: &'static str) -> Result<String, PacError> {
        if ptr == 0 {
            return Ok(String::new());
        }
        let max = self.u32(what)?;
        let offset = self.u32(what)?;
        let actual = self.u32(what)?;
        if offset != 0 || actual > max {
            return Err(PacError::BadLogonInfo(what));
        }
        let b = self.bytes((actual as usize).saturating_mul(2), what)?;
        Ok(utf16le(b))
    }

    /// Deferred RPC_SID (conformant: MaxCount, then the SID) in `S-1-...` form.
    fn sid(&mut self, what: &'static str) -> Result<String, PacError> {
        let max = self.u32(what)?;
        let rev = self.bytes(1, what)?[0];
        let count = self.bytes(1, what)?[0];
        if rev != 1 || u32::from(count) != max || count > 15 {
            return Err(PacError::BadLogonInfo(what));
        }
        let authority = self
            .bytes(6, what)?
            .iter()
            .fold(0u64, |a, &b| (a << 8) | u64::from(b));
        // MS-DTYP 2.4.2.1: decimal below 2^32, else hexadecimal.
        let mut out = if authority < 1 << 32 {
            format!("S-1-{authority}")
        } else {
            format!("S-1-0x{authority:012X}")
        };
        for _ in 0..count {
            out.push_str(&format!("-{}", self.u32(what)?));
        }
        Ok(out)
    }
}

/// Decode the fields spnkt reports from KERB_VALIDATION_INFO (MS-PAC 2.5).
fn decode_logon_info(buf: &[u8]) -> Result<LogonInfo, PacError> {
    let mut r = Ndr { buf, pos: 0 };
    let hdr = r.bytes(8, "common type header")?;
    if hdr[0] != 1 || hdr[1] != 0x10 {
        return Err(PacError::BadLogonInfo(
            "common type header is not version 1 little-endian",
        ));
    }
    let _object_len = r.u32("private header")?;
    let _filler = r.u32("private header")?;
    let top = r.u32("KERB_VALIDATION_INFO pointer")?;
    if top == 0 {
        return Err(PacError::BadLogonInfo(
            "KERB_VALIDATION_INFO pointer is null",
        ));
    }
    r.skip(6 * 8, "logon times")?;
    let mut strings = [(0u16, 0u32); 6];
    for s in &mut strings {
        *s = r.unicode_string_header("user strings")?;
    }
    let _logon_count = r.u16("LogonCount")?;
    let _bad_pw = r.u16("BadPasswordCount")?;
    let user_id = r.u32("UserId")?;
    let _primary_group = r.u32("PrimaryGroupId")?;
    let group_count = r.u32("GroupCount")?;
    let group_ptr = r.u32("GroupIds")?;
    let _user_flags = r.u32("UserFlags")?;
    r.skip(16, "UserSessionKey")?;
    let logon_server = r.unicode_string_header("LogonServer")?;
    let logon_domain = r.unicode_string_header("LogonDomainName")?;
    let domain_sid_ptr = r.u32("LogonDomainId")?;
    r.skip(8, "Reserved1")?;
    let _uac = r.u32("UserAccountControl")?;
    let _sub_auth = r.u32("SubAuthStatus")?;
    r.skip(16, "logon attempt times")?;
    let _failed = r.u32("FailedILogonCount")?;
    let _reserved3 = r.u32("Reserved3")?;
    let sid_count = r.u32("SidCount")?;
    let _extra_sids = r.u32("ExtraSids")?;
    let _res_domain = r.u32("ResourceGroupDomainSid")?;
    let _res_count = r.u32("ResourceGroupCount")?;
    let _res_ids = r.u32("ResourceGroupIds")?;

    // Deferred pointers, in the order of the structure's fields.
    let mut names = Vec::with_capacity(6);
    for (_, ptr) in strings {
        names.push(r.unicode_string_body(ptr, "user strings")?);
    }
    if group_ptr != 0 {
        let n = r.u32("GroupIds")?;
        if n != group_count {
            return Err(PacError::BadLogonInfo(
                "GroupIds count differs from GroupCount",
            ));
        }
        r.skip((n as usize).saturating_mul(8), "GroupIds")?;
    }
    r.unicode_string_body(logon_server.1, "LogonServer")?;
    let logon_domain = r.unicode_string_body(logon_domain.1, "LogonDomainName")?;
    if domain_sid_ptr == 0 {
        return Err(PacError::BadLogonInfo("LogonDomainId is null"));
    }
    let user_sid = format!("{}-{user_id}", r.sid("LogonDomainId")?);
    let mut names = names.into_iter();
    Ok(LogonInfo {
        user_name: names.next().unwrap_or_default(),
        full_name: names.next().unwrap_or_default(),
        logon_domain,
        user_sid,
        group_count,
        extra_sid_count: sid_count,
    })
}

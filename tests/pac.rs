//! MS-PAC: a real Windows Server 2003 PAC (Samba's torture test blob, with its
//! RC4 server and KDC keys), the PACs MIT 1.20's KDC puts into the fixture
//! tickets, PACs built and signed here, and malformed input.

use proptest::prelude::*;
use spnkt::krb::pac::{self, LogonInfo, PacBuffer, PacError};
use spnkt::krb::{Enctype, Key};

const SAMBA_SERVER_KEY: &str = "d217faeae5e6b5f95ccc94077ab8a5fc";
const SAMBA_KDC_KEY: &str = "b286757148af7fd252c53603a150b7e7";

fn samba_pac() -> Vec<u8> {
    let text = include_str!("vectors/samba_saved_pac.txt");
    let hex: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    hex::decode(hex).unwrap()
}

fn rc4(hex_key: &str) -> Key {
    Key::new(Enctype::RC4_HMAC, hex::decode(hex_key).unwrap())
}

#[test]
fn samba_win2k3_pac_buffers() {
    let bytes = samba_pac();
    assert_eq!(bytes.len(), 624);
    let p = pac::parse_pac(&bytes).unwrap();
    let types: Vec<u32> = p.buffers.iter().map(|b| b.ty).collect();
    assert_eq!(types, [1, 10, 6, 7]);
    assert_eq!(p.raw, bytes);
    let ci = p.client_info().unwrap().unwrap();
    assert_eq!(ci.name, "w2003final$");
    // Samba's test passes authtime 1120440609 for this PAC.
    assert_eq!(ci.unix_time(), 1_120_440_609);
}

#[test]
fn samba_win2k3_pac_logon_info() {
    let p = pac::parse_pac(&samba_pac()).unwrap();
    assert_eq!(
        p.logon_info().unwrap().unwrap(),
        LogonInfo {
            user_name: "W2003FINAL$".into(),
            full_name: String::new(),
            logon_domain: "WIN2K3THINK".into(),
            // The SID Samba's torture test expects for this PAC.
            user_sid: "S-1-5-21-3048156945-3961193616-3706469200-1005".into(),
            group_count: 1,
            extra_sid_count: 1,
        }
    );
}

#[test]
fn samba_win2k3_pac_signatures() {
    let p = pac::parse_pac(&samba_pac()).unwrap();
    let server = rc4(SAMBA_SERVER_KEY);
    let kdc = rc4(SAMBA_KDC_KEY);
    p.verify_server_checksum(&server).unwrap();
    p.verify_kdc_checksum(&kdc).unwrap();
    assert_eq!(
        p.verify_server_checksum(&kdc),
        Err(PacError::ServerChecksumMismatch)
    );
    assert_eq!(
        p.verify_kdc_checksum(&server),
        Err(PacError::KdcChecksumMismatch)
    );
    let aes = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![0; 32]);
    assert_eq!(
        p.verify_server_checksum(&aes),
        Err(PacError::WrongSignatureType {
            signature_type: -138,
            enctype: Enctype::AES256_CTS_HMAC_SHA1_96
        })
    );
    // Any change to the signed bytes (here: one byte of the user name) is caught.
    let mut bytes = samba_pac();
    let at = bytes.windows(4).position(|w| w == b"W\x002\x00").unwrap();
    bytes[at] = b'X';
    let tampered = pac::parse_pac(&bytes).unwrap();
    assert_eq!(
        tampered.verify_server_checksum(&server),
        Err(PacError::ServerChecksumMismatch)
    );
    // The KDC signature covers only the server signature: still good.
    tampered.verify_kdc_checksum(&kdc).unwrap();
}

#[test]
fn rebuilding_the_samba_pac_reproduces_its_signatures() {
    let bytes = samba_pac();
    let p = pac::parse_pac(&bytes).unwrap();
    let rebuilt = pac::build_pac(&p.buffers, &rc4(SAMBA_SERVER_KEY), &rc4(SAMBA_KDC_KEY)).unwrap();
    // Same layout (buffers 8-aligned in order, signatures last) as Windows 2003.
    assert_eq!(rebuilt, bytes);
}

#[test]
fn built_aes_pac_verifies() {
    let server = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![1; 32]);
    let kdc = Key::new(Enctype::AES128_CTS_HMAC_SHA1_96, vec![2; 16]);
    let bytes = pac::build_pac(
        &[PacBuffer {
            ty: pac::PAC_CLIENT_INFO,
            data: vec![0, 0, 0, 0, 0, 0, 0, 0, 2, 0, b'a', 0],
        }],
        &server,
        &kdc,
    )
    .unwrap();
    let p = pac::parse_pac(&bytes).unwrap();
    assert_eq!(
        p.signature(pac::PAC_SERVER_CHECKSUM)
            .unwrap()
            .unwrap()
            .signature_type,
        16
    );
    assert_eq!(
        p.signature(pac::PAC_PRIVSVR_CHECKSUM)
            .unwrap()
            .unwrap()
            .signature_type,
        15
    );
    p.verify_server_checksum(&server).unwrap();
    p.verify_kdc_checksum(&kdc).unwrap();
    assert_eq!(p.client_info().unwrap().unwrap().name, "a");
    assert!(p.logon_info().is_none());
}

#[test]
fn malformed_pacs_are_typed_errors() {
    assert_eq!(
        pac::parse_pac(&[1, 0, 0]),
        Err(PacError::Truncated("no PACTYPE header"))
    );
    assert_eq!(
        pac::parse_pac(&[0, 0, 0, 0, 1, 0, 0, 0]),
        Err(PacError::BadVersion(1))
    );
    assert_eq!(
        pac::parse_pac(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
        Err(PacError::TooManyBuffers(u32::MAX))
    );
    assert!(matches!(
        pac::parse_pac(&[1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0]),
        Err(PacError::Truncated(_))
    ));
    // A buffer past the end, and one whose offset + size overflows.
    let mut b = vec![1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 8, 0, 0, 0];
    b.extend_from_slice(&24u64.to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    assert_eq!(
        pac::parse_pac(&b),
        Err(PacError::BufferOutOfBounds { index: 0, ty: 6 })
    );
    b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(
        pac::parse_pac(&b),
        Err(PacError::BufferOutOfBounds { index: 0, ty: 6 })
    );
    // No server checksum.
    let empty = pac::parse_pac(&[0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    let key = Key::new(Enctype::RC4_HMAC, vec![0; 16]);
    assert_eq!(
        empty.verify_server_checksum(&key),
        Err(PacError::NoServerChecksum)
    );
    assert_eq!(
        PacError::NoServerChecksum.to_string(),
        "the PAC has no server checksum buffer"
    );
    // Unknown signature type.
    let mut b = vec![1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 8, 0, 0, 0];
    b.extend_from_slice(&24u64.to_le_bytes());
    b.extend_from_slice(&[7, 0, 0, 0, 0, 0, 0, 0]);
    let p = pac::parse_pac(&b).unwrap();
    assert_eq!(
        p.verify_server_checksum(&key),
        Err(PacError::UnknownSignatureType(7))
    );
}

#[test]
fn truncated_logon_info_is_an_error_at_every_length() {
    let p = pac::parse_pac(&samba_pac()).unwrap();
    let logon = p.buffer(pac::PAC_LOGON_INFO).unwrap().to_vec();
    for n in 0..logon.len() {
        let q = pac::Pac {
            buffers: vec![PacBuffer {
                ty: pac::PAC_LOGON_INFO,
                data: logon[..n].to_vec(),
            }],
            raw: Vec::new(),
        };
        // The deferred data we need ends before the buffer does; past that point
        // truncation cannot matter.
        if let Some(Ok(_)) = q.logon_info() {
            assert!(n > 0x180, "{n}");
        }
    }
}

/// Checksum buffers whose signatures overlap (the KDC one at 56, the server one
/// at 62 with its type inside the KDC signature) or coincide: the signed bytes
/// are still the PAC with every signature byte zeroed.
#[test]
fn overlapping_signature_buffers_are_zeroed_once() {
    use spnkt::krb::crypto::{ChecksumKey, make_checksum};
    let key = Key::new(Enctype::AES256_CTS_HMAC_SHA1_96, vec![5; 32]);
    let entry = |ty: u32, offset: u64| {
        let mut e = ty.to_le_bytes().to_vec();
        e.extend_from_slice(&16u32.to_le_bytes());
        e.extend_from_slice(&offset.to_le_bytes());
        e
    };
    // Header, three PAC_INFO_BUFFERs, then the data from offset 56.
    let mut raw = vec![3, 0, 0, 0, 0, 0, 0, 0];
    raw.extend(entry(pac::PAC_PRIVSVR_CHECKSUM, 56));
    raw.extend(entry(pac::PAC_SERVER_CHECKSUM, 62));
    raw.extend(entry(pac::PAC_PRIVSVR_CHECKSUM, 56));
    raw.extend((0..100u8).map(|b| b ^ 0xa5));
    raw[56..60].copy_from_slice(&16u32.to_le_bytes());
    raw[62..66].copy_from_slice(&16u32.to_le_bytes());
    // Zeroed by hand: the signatures at 60..72 and 66..78.
    let mut zeroed = raw.clone();
    zeroed[60..72].fill(0);
    zeroed[66..78].fill(0);
    let c = make_checksum(&key, pac::KEY_USAGE_PAC_CHECKSUM, &zeroed).unwrap();
    raw[66..78].copy_from_slice(&c.data);
    let prepared = ChecksumKey::new(&key, pac::KEY_USAGE_PAC_CHECKSUM).unwrap();
    let owned = pac::parse_pac(&raw).unwrap();
    owned.verify_server_checksum(&key).unwrap();
    owned.verify_server_checksum_with(&prepared).unwrap();
    let view = pac::PacRef::parse(&raw).unwrap();
    view.verify_server_checksum(&key).unwrap();
    view.verify_server_checksum_with(&prepared).unwrap();
    // A signed byte after the signatures changed.
    raw[100] ^= 1;
    assert_eq!(
        pac::PacRef::parse(&raw)
            .unwrap()
            .verify_server_checksum_with(&prepared),
        Err(PacError::ServerChecksumMismatch)
    );
}

/// The Samba PAC with bytes replaced (indices wrap around) and cut to `cut` bytes.
fn mutated_samba_pac(edits: Vec<(usize, u8)>, cut: usize) -> Vec<u8> {
    let mut b = samba_pac();
    for (i, v) in edits {
        let n = b.len();
        b[i % n] = v;
    }
    b.truncate(cut.max(1));
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The in-place reader says what `parse_pac` says, and checks the server
    /// signature the same way, on any mutation of a real PAC.
    #[test]
    fn pac_ref_agrees_with_parse_pac(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in 0usize..700,
    ) {
        use spnkt::krb::crypto::ChecksumKey;
        let b = mutated_samba_pac(edits, cut);
        let owned = pac::parse_pac(&b);
        let view = pac::PacRef::parse(&b);
        prop_assert_eq!(view.clone().map(|v| v.to_pac()), owned.clone());
        if let (Ok(p), Ok(v)) = (owned, view) {
            let types: Vec<u32> = v.buffers().map(|(t, _)| t).collect();
            prop_assert_eq!(types, p.buffers.iter().map(|b| b.ty).collect::<Vec<_>>());
            prop_assert_eq!(v.logon_info(), p.logon_info());
            for key in [rc4(SAMBA_SERVER_KEY), rc4(SAMBA_KDC_KEY)] {
                let prepared = ChecksumKey::new(&key, pac::KEY_USAGE_PAC_CHECKSUM).unwrap();
                let expected = p.verify_server_checksum(&key);
                prop_assert_eq!(v.verify_server_checksum(&key), expected.clone());
                prop_assert_eq!(v.verify_server_checksum_with(&prepared), expected.clone());
                prop_assert_eq!(p.verify_server_checksum_with(&prepared), expected);
            }
        }
    }

    #[test]
    fn mutated_samba_pac_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in 0usize..700,
    ) {
        let b = mutated_samba_pac(edits, cut);
        if let Ok(p) = pac::parse_pac(&b) {
            let _ = p.logon_info();
            let _ = p.client_info();
            let _ = p.verify_server_checksum(&rc4(SAMBA_SERVER_KEY));
            let _ = p.verify_kdc_checksum(&rc4(SAMBA_KDC_KEY));
        }
    }

    #[test]
    fn mutated_logon_info_never_panics(
        edits in proptest::collection::vec((0usize..0x1d8, any::<u8>()), 1..8),
    ) {
        let p = pac::parse_pac(&samba_pac()).unwrap();
        let mut logon = p.buffer(pac::PAC_LOGON_INFO).unwrap().to_vec();
        for (i, v) in edits {
            logon[i] = v;
        }
        let q = pac::Pac { buffers: vec![PacBuffer { ty: 1, data: logon }], raw: Vec::new() };
        let _ = q.logon_info();
    }
}

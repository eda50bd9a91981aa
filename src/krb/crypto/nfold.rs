//! RFC 3961 section 5.1 n-fold.

/// Fold (or stretch) `input` to `out_len` bytes.
///
/// Follows the RFC: replicate the input, each copy rotated 13 bits further
/// right, to the least common multiple of the two lengths, then add the
/// `out_len`-byte chunks with end-around carry (ones' complement addition).
/// An empty input or `out_len` 0 has nothing to fold and yields zeros.
pub fn nfold(input: &[u8], out_len: usize) -> Vec<u8> {
    let mut out = vec![0u8; out_len];
    let in_len = input.len();
    if in_len == 0 || out_len == 0 {
        return out;
    }
    let lcm = in_len / gcd(in_len, out_len) * out_len;
    let in_bits = in_len * 8;

    // Walk the lcm-length replicated string from its last byte to its first,
    // adding each byte into its output position with carry. Byte i of the
    // replicated string is byte (i % in_len) of copy (i / in_len), which is
    // rotated right by 13 * (i / in_len) bits; `msbit` is the bit of the
    // unrotated input that lands on the top bit of that byte.
    let mut carry: u32 = 0;
    for i in (0..lcm).rev() {
        let msbit =
            ((in_bits - 1) + (in_bits + 13) * (i / in_len) + (in_len - i % in_len) * 8) % in_bits;
        let hi = u32::from(input[(in_len - 1 - msbit / 8) % in_len]);
        let lo = u32::from(input[(in_len - msbit / 8) % in_len]);
        carry += (((hi << 8) | lo) >> ((msbit & 7) + 1)) & 0xff;
        let slot = &mut out[i % out_len];
        carry += u32::from(*slot);
        *slot = (carry & 0xff) as u8;
        carry >>= 8;
    }
    // End-around carry: add what overflowed back in at the low end.
    if carry != 0 {
        for slot in out.iter_mut().rev() {
            carry += u32::from(*slot);
            *slot = (carry & 0xff) as u8;
            carry >>= 8;
        }
    }
    out
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_length_is_identity() {
        assert_eq!(nfold(b"kerberos", 8), b"kerberos");
        assert_eq!(nfold(&[0xff; 16], 16), vec![0xff; 16]);
    }

    #[test]
    fn degenerate_lengths_do_not_panic() {
        assert_eq!(nfold(b"", 16), vec![0; 16]);
        assert!(nfold(b"abc", 0).is_empty());
        assert_eq!(nfold(&[0xff; 1], 3).len(), 3);
    }

    #[test]
    fn rfc3961_first_vector() {
        assert_eq!(
            nfold(b"012345", 8),
            [0xbe, 0x07, 0x26, 0x31, 0x27, 0x6b, 0x19, 0x55]
        );
    }
}

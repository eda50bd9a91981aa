//! RFC 3961 section 5.1 n-fold.

/// Fold (or stretch) `input` to `out_len` bytes.
pub fn nfold(input: &[u8], out_len: usize) -> Vec<u8> {
    todo!("{input:?} {out_len}")
}

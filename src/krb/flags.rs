//! Naming the bits of a flags word (ticket flags, GSS context flags).

/// The names of the bits set in `value`, visiting bits in the order `masks` gives
/// them (as `(bit number, mask)`); `table` names known masks and `unknown` names
/// the rest.
pub(crate) fn bit_names(
    value: u32,
    masks: impl Iterator<Item = (u32, u32)>,
    table: &[(u32, &str)],
    unknown: impl Fn(u32, u32) -> String,
) -> Vec<String> {
    masks
        .filter(|(_, mask)| value & mask != 0)
        .map(|(bit, mask)| {
            table
                .iter()
                .find(|(m, _)| *m == mask)
                .map_or_else(|| unknown(bit, mask), |(_, n)| (*n).to_owned())
        })
        .collect()
}

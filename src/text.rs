//! Wording helpers shared by every layer that writes for people.

/// `1 entry`, `3 entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

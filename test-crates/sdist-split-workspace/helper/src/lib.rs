//! Plain Rust library shared by the workspace.

/// The sum 1 + 2 + ... + n (saturating).
pub fn triangle(n: u64) -> u64 {
    n.saturating_mul(n.saturating_add(1)) / 2
}

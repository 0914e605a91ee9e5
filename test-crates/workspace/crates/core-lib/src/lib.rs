//! Plain Rust library shared by the workspace; knows nothing about Python.

/// Return the n-th Fibonacci number (0, 1, 1, 2, ...), saturating at `u64::MAX`.
pub fn fibonacci(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        let next = a.saturating_add(b);
        a = b;
        b = next;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::fibonacci;

    #[test]
    fn first_values() {
        assert_eq!(fibonacci(0), 0);
        assert_eq!(fibonacci(10), 55);
    }
}

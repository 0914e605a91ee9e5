//! C-ABI functions used by the pure-Python `cffi_mixed.line` module.

/// Slope times x plus intercept, computed in Rust.
#[no_mangle]
pub extern "C" fn line_value(slope: f64, intercept: f64, x: f64) -> f64 {
    slope * x + intercept
}

/// Greatest common divisor of two unsigned integers.
#[no_mangle]
pub extern "C" fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

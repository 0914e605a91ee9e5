//! Edition 2024 spells `no_mangle` and `export_name` as unsafe attributes; the cbindgen that
//! writes the cffi header must parse them (Debian 12's 0.24.3 cannot).

/// Two integers passed by value across the C ABI.
#[repr(C)]
pub struct Pair {
    pub a: i32,
    pub b: i32,
}

/// The sum of both halves (wrapping on overflow).
#[unsafe(no_mangle)]
pub extern "C" fn pair_sum(pair: Pair) -> i32 {
    pair.a.wrapping_add(pair.b)
}

/// `value * factor`, exported under another symbol name.
#[unsafe(export_name = "scale_by")]
pub extern "C" fn scale(value: f64, factor: f64) -> f64 {
    value * factor
}

//! Plain `extern "C"` functions; maturin generates cffi bindings from a cbindgen header.

/// A 2-D point passed by value across the C ABI.
#[repr(C)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Add two 32-bit integers (wrapping on overflow).
#[no_mangle]
pub extern "C" fn add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// Return the squared distance of a point from the origin.
#[no_mangle]
pub extern "C" fn norm_squared(p: Point) -> f64 {
    p.x * p.x + p.y * p.y
}

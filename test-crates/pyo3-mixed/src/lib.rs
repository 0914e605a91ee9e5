//! The native half of the mixed `pyo3_mixed` package, imported as `pyo3_mixed._native`.

use pyo3::prelude::*;

/// The `_native` extension module inside the `pyo3_mixed` package.
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    /// Multiply two integers.
    #[pyfunction]
    fn multiply(a: i64, b: i64) -> i64 {
        a * b
    }

    /// Return the name of the language this function is written in.
    #[pyfunction]
    fn native_language() -> &'static str {
        "Rust"
    }
}

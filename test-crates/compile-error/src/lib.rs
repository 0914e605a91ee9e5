//! Deliberately broken: `answer` returns a string where an `i64` is declared (error E0308).
//! Tests use this crate to check how compiler diagnostics and build failures are reported.

use pyo3::prelude::*;

/// The `compile_error` extension module (never successfully built).
#[pymodule]
mod compile_error {
    use pyo3::prelude::*;

    /// Declared to return an integer, but returns a string.
    #[pyfunction]
    fn answer() -> i64 {
        "forty-two"
    }
}

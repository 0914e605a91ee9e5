//! A pure pyo3 extension module: one function, no Python package around it.

use pyo3::prelude::*;

/// The `pyo3_pure` extension module.
#[pymodule]
mod pyo3_pure {
    use pyo3::prelude::*;

    /// Add two integers and return the sum.
    #[pyfunction]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    /// Return a greeting for `name`.
    #[pyfunction]
    fn greet(name: &str) -> String {
        format!("Hello, {name}!")
    }
}

//! A pyo3 module; the interesting part of this crate is its Cargo.toml layout.

use pyo3::prelude::*;

/// The `sdist_split_package` extension module.
#[pymodule]
mod sdist_split_package {
    use pyo3::prelude::*;

    /// Multiply two integers.
    #[pyfunction]
    fn mul(a: i64, b: i64) -> i64 {
        a * b
    }
}

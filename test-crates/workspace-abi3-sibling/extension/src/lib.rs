//! A version-specific extension: it uses no stable-ABI feature of pyo3.

use pyo3::prelude::*;

/// The `abi3_sibling_extension` extension module.
#[pymodule]
mod abi3_sibling_extension {
    use pyo3::prelude::*;

    /// Multiply two integers.
    #[pyfunction]
    fn mul(a: i64, b: i64) -> i64 {
        a * b
    }
}

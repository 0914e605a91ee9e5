//! A stable-ABI sibling; cargo metadata unifies its pyo3 features into the workspace graph.

use pyo3::prelude::*;

/// The `abi3_sibling_other` extension module.
#[pymodule]
mod abi3_sibling_other {
    use pyo3::prelude::*;

    /// Return one.
    #[pyfunction]
    fn one() -> i64 {
        1
    }
}

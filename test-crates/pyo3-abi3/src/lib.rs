//! A pyo3 extension module restricted to the limited API (abi3).

use pyo3::prelude::*;

/// The `pyo3_abi3` extension module.
#[pymodule]
mod pyo3_abi3 {
    use pyo3::prelude::*;

    /// Return the sum of a list of integers.
    #[pyfunction]
    fn sum_list(values: Vec<i64>) -> i64 {
        values.iter().sum()
    }
}

//! A pyo3 module next to data files its build script generated.

use pyo3::prelude::*;

/// The `include_out_dir` extension module.
#[pymodule]
mod include_out_dir {
    use pyo3::prelude::*;

    /// The answer the build script also wrote to `generated/answer.txt`.
    #[pyfunction]
    fn answer() -> u32 {
        42
    }
}

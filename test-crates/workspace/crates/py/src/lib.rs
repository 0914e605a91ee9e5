//! Python wrapper over the workspace's `core-lib` crate.

use pyo3::prelude::*;

/// The `workspace_py` extension module.
#[pymodule]
mod workspace_py {
    use pyo3::prelude::*;

    /// Return the n-th Fibonacci number, computed by `core_lib`.
    #[pyfunction]
    fn fibonacci(n: u32) -> u64 {
        core_lib::fibonacci(n)
    }
}

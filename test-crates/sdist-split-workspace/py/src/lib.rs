//! Python wrapper over the workspace's `helper` crate.

use pyo3::prelude::*;

/// The `sdist_split_workspace` extension module.
#[pymodule]
mod sdist_split_workspace {
    use pyo3::prelude::*;

    /// The sum 1 + 2 + ... + n, computed by `helper`.
    #[pyfunction]
    fn triangle(n: u64) -> u64 {
        helper::triangle(n)
    }
}

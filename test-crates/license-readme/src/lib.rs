//! A small pyo3 module whose package metadata is the point of the test.

use pyo3::prelude::*;

/// The `license_readme` extension module.
#[pymodule]
mod license_readme {
    use pyo3::prelude::*;

    /// Return the Cargo package version compiled into the module.
    #[pyfunction]
    fn cargo_version() -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}

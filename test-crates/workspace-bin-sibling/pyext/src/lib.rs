//! The extension module of the sibling; never built by this test crate's wheel.

use pyo3::prelude::*;

/// The `bin_sibling_pyext` extension module.
#[pymodule]
fn bin_sibling_pyext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(bin_sibling_shared::py_answer, m)?)
}

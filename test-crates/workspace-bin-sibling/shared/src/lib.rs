//! The shared logic; `python` adds a pyo3 wrapper.

/// The answer.
pub fn answer() -> u32 {
    42
}

/// pyo3 wrapper of [`answer`], compiled only with the `python` feature.
#[cfg(feature = "python")]
#[pyo3::pyfunction]
pub fn py_answer() -> u32 {
    answer()
}

//! A pyo3 extension that links the system's libsqlite3 dynamically.
//!
//! libsqlite3 is not on any manylinux allow-list, so an audit must report it as an external
//! library and a repair must bundle it into the wheel.

use std::ffi::{c_char, c_int, CStr};

#[link(name = "sqlite3")]
extern "C" {
    fn sqlite3_libversion() -> *const c_char;
    fn sqlite3_libversion_number() -> c_int;
}

/// The `pyo3_sqlite` extension module.
#[pyo3::pymodule]
mod pyo3_sqlite {
    use super::*;
    use pyo3::prelude::*;

    /// The version string of the libsqlite3 that was loaded, e.g. "3.40.1".
    #[pyfunction]
    fn sqlite_version() -> String {
        // SAFETY: sqlite3_libversion returns a pointer to a static NUL-terminated string.
        unsafe { CStr::from_ptr(sqlite3_libversion()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The version number of the loaded libsqlite3, e.g. 3040001.
    #[pyfunction]
    fn sqlite_version_number() -> i32 {
        // SAFETY: a pure function of the library without arguments.
        unsafe { sqlite3_libversion_number() }
    }
}

"""The Rust half of a new project: Cargo.toml and the crate's one source file, per binding.

The dependency versions are the ones cratewright's own test crates build (test-crates/), so a
new project compiles against crates already in the user's cargo cache when they have built
one before, and our tests prove these exact templates build.
"""

from __future__ import annotations

from cratewright.core.templates.options import NewProjectOptions
from cratewright.core.templates.toml_text import toml_string

__all__ = ["PYO3_VERSION", "UNIFFI_VERSION", "cargo_toml", "crate_source", "native_module"]

PYO3_VERSION = "0.30"
# Must match the uniffi-bindgen that generates the Python side (0.31 in cratewright's set-up).
UNIFFI_VERSION = "0.31"
# Every template is edition 2024, cffi included: the cbindgen cratewright needs (and setup.sh
# installs) parses its `#[unsafe(no_mangle)]`; Debian's 0.24 cannot and is refused by the build.
EDITION = "2024"


def native_module(options: NewProjectOptions) -> str:
    """The name of the native module: the package itself when pure, ``_native`` inside it when
    mixed (the user's ``__init__.py`` re-exports from it)."""
    return "_native" if options.is_mixed else options.module


def _dependencies(options: NewProjectOptions) -> str:
    if options.bindings == "pyo3":
        if options.abi3 and options.abi3_minimum is not None:
            major, minor = options.abi3_minimum
            feature = toml_string(f"abi3-py{major}{minor}")
            return (
                f"# abi3: one wheel for CPython {major}.{minor} and every later version.\n"
                f'pyo3 = {{ version = "{PYO3_VERSION}", features = [{feature}] }}\n'
            )
        return f'pyo3 = "{PYO3_VERSION}"\n'
    if options.bindings == "uniffi":
        return (
            "# uniffi-bindgen writes the Python side; its version must match this one.\n"
            f'uniffi = {{ version = "{UNIFFI_VERSION}", default-features = false }}\n'
        )
    return ""


def cargo_toml(options: NewProjectOptions) -> str:
    """Cargo.toml: a cdylib for the library bindings, a plain binary for ``bin``."""
    lines = [
        "[package]",
        f"name = {toml_string(options.name)}",
        'version = "0.1.0"',
        f'edition = "{EDITION}"',
    ]
    if options.license:
        lines.append(f"license = {toml_string(options.license)}")
    lines.append("publish = false  # published to PyPI as a wheel, not to crates.io")
    text = "\n".join(lines) + "\n"
    if options.bindings != "bin":
        text += (
            "\n[lib]\n"
            f"name = {toml_string(options.module)}\n"
            "# A C-compatible shared library: the file Python loads.\n"
            'crate-type = ["cdylib"]\n'
        )
    text += "\n[dependencies]\n" + _dependencies(options)
    return text


def _pyo3_source(options: NewProjectOptions) -> str:
    module = native_module(options)
    where = f"`{options.module}.{module}`" if options.is_mixed else f"`{options.module}`"
    return f"""\
//! The Rust code of the Python module {where}: each `#[pyfunction]` below is callable
//! from Python.

use pyo3::prelude::*;

/// The {where} Python module.
#[pymodule]
mod {module} {{
    use pyo3::prelude::*;

    /// Add two integers.
    #[pyfunction]
    fn add(a: i64, b: i64) -> i64 {{
        a + b
    }}

    /// Return a greeting for `name`.
    #[pyfunction]
    fn greet(name: &str) -> String {{
        format!("Hello, {{name}}!")
    }}
}}
"""


def _uniffi_source(options: NewProjectOptions) -> str:
    return f"""\
//! Functions exported with uniffi's proc-macros (no .udl file, no build script); uniffi-bindgen
//! writes the Python module `{options.module}` from the compiled library at build time.

uniffi::setup_scaffolding!();

/// Add two integers (wrapping on overflow).
#[uniffi::export]
pub fn add(a: i64, b: i64) -> i64 {{
    a.wrapping_add(b)
}}

/// Return a greeting for `name`.
#[uniffi::export]
pub fn greet(name: String) -> String {{
    format!("Hello, {{name}}!")
}}
"""


def _cffi_source(options: NewProjectOptions) -> str:
    return """\
//! Plain C functions: cbindgen writes their header and cffi loads them from Python (`lib.add`).

/// Add two integers (wrapping on overflow).
#[unsafe(no_mangle)]
pub extern "C" fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

/// Multiply two integers (wrapping on overflow).
#[unsafe(no_mangle)]
pub extern "C" fn multiply(a: i64, b: i64) -> i64 {
    a.wrapping_mul(b)
}
"""


def _bin_source(options: NewProjectOptions) -> str:
    return f"""\
//! `{options.name}`: a command-line program; `pip install` puts it on the user's PATH.

fn main() {{
    let name = std::env::args().nth(1).unwrap_or_else(|| "world".to_string());
    println!("Hello, {{name}}!");
}}
"""


def crate_source(options: NewProjectOptions) -> tuple[str, str]:
    """(file name under the crate's ``src/``, text): ``lib.rs``, or ``main.rs`` for ``bin``."""
    if options.bindings == "bin":
        return "main.rs", _bin_source(options)
    writers = {"pyo3": _pyo3_source, "uniffi": _uniffi_source, "cffi": _cffi_source}
    return "lib.rs", writers[options.bindings](options)

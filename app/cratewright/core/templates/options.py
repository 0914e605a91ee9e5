"""What a user chooses for a new project, in one frozen value shared by the CLI and the wizard.

The CLI's flags and the wizard's pages both end in a ``NewProjectOptions``; everything written
to disk is derived from it by ``plan_project``, so the two fronts cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ABI3_MINIMUMS",
    "BACKENDS",
    "BINDINGS",
    "BINDING_DESCRIPTIONS",
    "DEFAULT_ABI3_MINIMUM",
    "LAYOUTS",
    "LAYOUT_DESCRIPTIONS",
    "Backend",
    "BindingKind",
    "LayoutKind",
    "NewProjectOptions",
    "Vcs",
]

BindingKind = Literal["pyo3", "cffi", "uniffi", "bin"]
LayoutKind = Literal["pure", "mixed", "mixed-src"]
Backend = Literal["maturin", "cratewright"]
Vcs = Literal["git", "none"]

BINDINGS: tuple[BindingKind, ...] = ("pyo3", "cffi", "uniffi", "bin")
LAYOUTS: tuple[LayoutKind, ...] = ("pure", "mixed", "mixed-src")
BACKENDS: tuple[Backend, ...] = ("maturin", "cratewright")
# pyo3 0.30's stable-ABI features run from abi3-py39 to abi3-py314 (3.15 is not released).
ABI3_MINIMUMS: tuple[tuple[int, int], ...] = tuple((3, minor) for minor in range(9, 15))
DEFAULT_ABI3_MINIMUM = (3, 9)

# What each choice is for and what its user ends up importing: one line each, for the CLI's
# prompt and the wizard (``{module}`` / ``{name}`` are filled in with the project's names).
BINDING_DESCRIPTIONS: dict[BindingKind, str] = {
    "pyo3": "a Python extension module written in Rust with PyO3: `import {module}`",
    "cffi": "plain C functions loaded through cffi: `from {module} import lib`",
    "uniffi": "functions exported with Mozilla's uniffi, bindings generated: `import {module}`",
    "bin": "a Rust command-line program installed on PATH: run `{name}`",
}
LAYOUT_DESCRIPTIONS: dict[LayoutKind, str] = {
    "pure": "only Rust: the wheel's Python package is generated around the native module",
    "mixed": "a Python package in python/ next to the crate, with the native module inside it",
    "mixed-src": "the crate in rust/ and the Python package in src/ (the src layout)",
}


@dataclass(frozen=True)
class NewProjectOptions:
    """A new project as the user asked for it.

    ``name`` is the distribution and crate name (``my-project``); the Python module is derived
    from it (``my_project``). ``abi3_minimum`` is the oldest CPython an abi3 wheel supports and
    only means something for pyo3 (None: a wheel per interpreter). ``author`` is free text,
    ``Name <email>`` or just a name. ``ci`` asks for a GitHub Actions workflow when cratewright
    can generate one.
    """

    name: str
    bindings: BindingKind = "pyo3"
    layout: LayoutKind = "pure"
    abi3_minimum: tuple[int, int] | None = None
    license: str = ""
    author: str = ""
    backend: Backend = "maturin"
    vcs: Vcs = "git"
    ci: bool = True

    @property
    def module(self) -> str:
        """The importable name: the project name with ``-`` and ``.`` as ``_``, lower case."""
        return self.name.replace("-", "_").replace(".", "_").lower()

    @property
    def is_mixed(self) -> bool:
        """True when the project has a Python package of its own next to the Rust code."""
        return self.layout != "pure"

    @property
    def abi3(self) -> bool:
        """True when pyo3 builds one stable-ABI wheel for every CPython from the minimum."""
        return self.bindings == "pyo3" and self.abi3_minimum is not None

    @property
    def requires_python(self) -> str:
        """``requires-python``: the abi3 minimum, else the oldest Python pyo3 0.30 supports."""
        major, minor = self.abi3_minimum if self.abi3 and self.abi3_minimum else (3, 9)
        return f">={major}.{minor}"

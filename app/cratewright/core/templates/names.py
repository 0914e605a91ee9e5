"""Is a name usable for a new project? cargo's, PyPI's and Python's rules, each with a reason.

One name serves as the crate name (cargo), the distribution name (PyPI) and, with ``-`` as
``_``, the Python module. A name that breaks any of the three rules would fail much later (at
``cargo metadata``, at upload, at ``import``), so it is refused up front with the rule it breaks.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass

__all__ = ["NameCheck", "check_name"]

# Rust's strict, reserved and edition keywords: cargo refuses them as package names.
_RUST_KEYWORDS = frozenset(
    [
        "abstract",
        "as",
        "async",
        "await",
        "become",
        "box",
        "break",
        "const",
        "continue",
        "crate",
        "do",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "final",
        "fn",
        "for",
        "gen",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "macro",
        "match",
        "mod",
        "move",
        "mut",
        "override",
        "priv",
        "pub",
        "ref",
        "return",
        "self",
        "Self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "try",
        "type",
        "typeof",
        "unsafe",
        "unsized",
        "use",
        "virtual",
        "where",
        "while",
        "yield",
    ]
)
# Names cargo refuses or warns about: Rust's own libraries and its build folders.
_CARGO_RESERVED = {
    "test": "it conflicts with Rust's built-in test library",
    "std": "it conflicts with Rust's standard library",
    "core": "it conflicts with Rust's core library",
    "alloc": "it conflicts with Rust's alloc library",
    "proc_macro": "it conflicts with Rust's proc_macro library",
    "proc-macro": "it conflicts with Rust's proc_macro library",
    "deps": "it conflicts with cargo's build folder names",
    "examples": "it conflicts with cargo's build folder names",
    "build": "it conflicts with cargo's build folder names",
    "incremental": "it conflicts with cargo's build folder names",
}
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)
_CRATES_IO_MAX = 64
_PEP508_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class NameCheck:
    """The verdict on one name: a reason per rule it breaks (None where it passes)."""

    name: str
    crate_problem: str | None
    pypi_problem: str | None
    module_problem: str | None

    @property
    def module(self) -> str:
        """The name Python code will import."""
        return self.name.replace("-", "_").replace(".", "_").lower()

    @property
    def ok(self) -> bool:
        """True when the name is usable everywhere."""
        return not (self.crate_problem or self.pypi_problem or self.module_problem)

    @property
    def problem(self) -> str | None:
        """The first reason the name is refused, as one sentence."""
        return self.crate_problem or self.pypi_problem or self.module_problem


def _crate_problem(name: str) -> str | None:
    if not name:
        return "a package name cannot be empty"
    bad = next((c for c in name if not (c.isascii() and (c.isalnum() or c in "-_"))), None)
    if bad is not None:
        return (
            f"cargo does not allow the character {bad!r} in a package name "
            "(only ASCII letters, digits, `-` and `_`)"
        )
    if name[0].isdigit():
        return "cargo does not allow a package name to start with a digit"
    if name in _RUST_KEYWORDS:
        return f"`{name}` is a Rust keyword, which cargo does not allow as a package name"
    if name.lower() in _CARGO_RESERVED:
        return f"cargo does not allow `{name}` as a package name: {_CARGO_RESERVED[name.lower()]}"
    if name.lower() in _WINDOWS_RESERVED:
        return f"`{name}` is a reserved file name on Windows, which cargo refuses"
    if len(name) > _CRATES_IO_MAX:
        return f"crates.io allows at most {_CRATES_IO_MAX} characters ({len(name)} given)"
    return None


def _pypi_problem(name: str) -> str | None:
    if not name:
        return "a distribution name cannot be empty"
    if not _PEP508_NAME.match(name):
        return (
            "PyPI names must start and end with a letter or digit and contain only letters, "
            "digits, `-`, `_` and `.`"
        )
    return None


def _module_problem(name: str) -> str | None:
    module = name.replace("-", "_").replace(".", "_").lower()
    if not module.isidentifier():
        return f"`{module}` is not a valid Python module name"
    if keyword.iskeyword(module) or keyword.issoftkeyword(module):
        return f"`{module}` is a Python keyword and cannot be imported"
    if module in sys.stdlib_module_names:
        return f"`{module}` would shadow the `{module}` module of Python's standard library"
    return None


def check_name(name: str) -> NameCheck:
    """Check ``name`` as a crate name, a PyPI name and (``-`` as ``_``) a Python module."""
    return NameCheck(name, _crate_problem(name), _pypi_problem(name), _module_problem(name))

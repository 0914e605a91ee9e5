"""Decide how a crate talks to Python (pyo3, cffi, uniffi or a plain binary), as maturin does.

The rules follow maturin's ``find_bridge`` so that a project builds the same way under both
tools: the dependency graph decides first (pyo3 / pyo3-ffi, then uniffi), then the crate
types (a cdylib means cffi, a binary means bin). ``reason`` says which rule fired, so the GUI
can show the user *why* a binding was chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from packaging.version import InvalidVersion, Version

from cratewright.core.cargo.metadata import CargoMetadata
from cratewright.errors import ConfigError

__all__ = ["BindingKind", "Bindings", "detect_bindings"]

BindingKind = Literal["pyo3", "cffi", "uniffi", "bin"]
_ABI3_FEATURE = re.compile(r"^abi3-py3(\d+)$")


@dataclass(frozen=True)
class Bindings:
    """The binding model of a crate.

    ``kind`` is "pyo3" for extension modules built on pyo3 or pyo3-ffi, "bin" for binaries
    (``pyo3_crate`` set when the binary embeds Python). ``abi3_minor`` is the smallest
    ``abi3-py3X`` minor, 0 for a bare ``abi3`` (the interpreter's own version), or None.
    """

    kind: BindingKind
    reason: str
    pyo3_crate: str | None = None
    pyo3_version: Version | None = None
    abi3_minor: int | None = None

    @property
    def is_abi3(self) -> bool:
        """Whether one stable-ABI wheel serves every CPython from the minimum on."""
        return self.abi3_minor is not None and self.kind == "pyo3"

    @property
    def uses_pyo3(self) -> bool:
        """pyo3 (or pyo3-ffi) is compiled in, so PYO3_PYTHON decides the target interpreter."""
        return self.pyo3_crate is not None

    @property
    def needs_interpreter(self) -> bool:
        """Whether a build needs a target Python (pyo3 always, cffi to generate ffi.py)."""
        return self.uses_pyo3 or self.kind == "cffi"

    @property
    def label(self) -> str:
        """Short human name: "pyo3 (abi3, Python >= 3.8)", "bin (pyo3)", "cffi"..."""
        if self.kind == "bin" and self.uses_pyo3:
            return "bin (pyo3)"
        if self.is_abi3:
            floor = f", Python >= 3.{self.abi3_minor}" if self.abi3_minor else ""
            return f"pyo3 (abi3{floor})"
        return self.kind


def _pyo3_package(metadata: CargoMetadata) -> tuple[str, Version | None, int | None] | None:
    """(crate name, version, abi3 minor) of pyo3, else pyo3-ffi, in the runtime graph."""
    found = {name: metadata.find_dependency(name) for name in ("pyo3", "pyo3-ffi")}
    chosen = found["pyo3"] or found["pyo3-ffi"]
    if chosen is None:
        return None
    abi3: int | None = None
    for package in found.values():
        if package is None:
            continue
        for feature in metadata.resolved_features(package["id"]):
            match = _ABI3_FEATURE.match(feature)
            if match:
                minor = int(match.group(1))
                abi3 = minor if abi3 is None or abi3 == 0 else min(abi3, minor)
            elif feature == "abi3" and abi3 is None:
                abi3 = 0
    try:
        version: Version | None = Version(chosen["version"])
    except InvalidVersion:
        version = None
    return chosen["name"], version, abi3


def detect_bindings(metadata: CargoMetadata, forced: str | None = None) -> Bindings:
    """Apply maturin's detection rules; ``forced`` is ``-b`` / ``[tool.maturin] bindings``."""
    crate_types = {ct for target in metadata.targets() for ct in target.crate_types}
    pyo3 = _pyo3_package(metadata)
    has_bin = "bin" in crate_types
    has_cdylib = "cdylib" in crate_types
    if forced is not None:
        return _forced(forced, pyo3)
    if pyo3 is not None:
        crate, version, abi3 = pyo3
        if has_bin and not has_cdylib:
            return Bindings("bin", f"{crate} is a dependency and the crate only has a binary",
                            crate, version)  # fmt: skip
        return Bindings("pyo3", f"{crate} {version} is in the dependency graph",
                        crate, version, abi3)  # fmt: skip
    if metadata.find_dependency("uniffi") is not None:
        return Bindings("uniffi", "uniffi is in the dependency graph")
    if has_cdylib:
        return Bindings("cffi", "the crate builds a cdylib and depends on neither pyo3 nor uniffi")
    if has_bin:
        return Bindings("bin", "the crate only has a binary target")
    raise ConfigError(
        "Couldn't detect the binding type; Please specify them with --bindings/-b",
        hint='a Python extension needs pyo3, uniffi or crate-type = ["cdylib"] in [lib]',
    )


def _forced(forced: str, pyo3: tuple[str, Version | None, int | None] | None) -> Bindings:
    reason = "chosen with --bindings or [tool.maturin] bindings"
    if forced in ("pyo3", "pyo3-ffi"):
        if pyo3 is None:
            raise ConfigError(
                f"unknown binding type: bindings = {forced!r} but neither pyo3 nor pyo3-ffi "
                "is a dependency of the crate"
            )
        return Bindings("pyo3", reason, *pyo3)
    if forced == "bin":
        if pyo3 is None:
            return Bindings("bin", reason)
        return Bindings("bin", reason, pyo3[0], pyo3[1])
    if forced in ("cffi", "uniffi"):
        return Bindings(forced, reason)  # type: ignore[arg-type]
    raise ConfigError(
        f"Invalid bindings {forced!r}; expected one of pyo3, pyo3-ffi, cffi, uniffi, bin"
    )

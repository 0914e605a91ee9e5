"""Can this interpreter build this project, and what will it get? With the reason, always.

The rules are maturin's: ``requires-python`` compares only ``major.minor``; one abi3 wheel
serves every GIL-enabled CPython from the abi3 minimum on, while PyPy, GraalPy and
free-threaded builds need their own version-specific wheel; cffi builds one ``py3-none``
wheel with one interpreter, which must have cffi; plain binaries and uniffi need none. The
versions pyo3 itself supports come from the ``[package.metadata.<kind>]`` table of the
``pyo3-ffi`` crate in the dependency graph, which is what pyo3's build script enforces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from cratewright.core.interpreters.info import KIND_DISPLAY, InterpreterInfo
from cratewright.errors import InterpreterError

if TYPE_CHECKING:
    from cratewright.core.cargo.metadata import CargoMetadata
    from cratewright.core.metadata.overview import ProjectOverview
    from cratewright.core.project.bindings import Bindings

__all__ = [
    "ProjectNeeds",
    "PythonSupport",
    "Usability",
    "allows_version",
    "assess_interpreter",
    "check_requires_python",
    "no_interpreters_error",
    "pyo3_python_support",
]

#: First pyo3 release that builds for free-threaded CPython.
_PYO3_FREE_THREADED = Version("0.23")


def allows_version(spec: SpecifierSet | None, major: int, minor: int) -> bool:
    """maturin's test: is the bare ``major.minor`` version inside ``requires-python``?"""
    return spec is None or spec.contains(Version(f"{major}.{minor}"), prereleases=True)


def check_requires_python(info: InterpreterInfo, spec: SpecifierSet | None) -> str | None:
    """Say why ``info`` does not satisfy ``requires-python``, or return None if it does.

    Like maturin, only ``major.minor`` is compared, so ``>=3.8.1`` excludes every 3.8.
    """
    if allows_version(spec, info.major, info.minor):
        return None
    return f"Python {info.major}.{info.minor} does not satisfy requires-python {spec}"


def no_interpreters_error(requires_python: SpecifierSet | None = None) -> InterpreterError:
    """maturin's error for a ``--find-interpreter`` search that found nothing."""
    scope = f" with {requires_python}" if requires_python else ""
    return InterpreterError(
        f"Couldn't find any python interpreters{scope}. Please specify at least one with -i"
    )


@dataclass(frozen=True)
class PythonSupport:
    """The ``major.minor`` range pyo3-ffi supports per implementation ("cpython", "pypy"...)."""

    source: str
    ranges: Mapping[str, tuple[tuple[int, int], tuple[int, int]]] = field(hash=False)

    def reason(self, info: InterpreterInfo, *, check_max: bool = True) -> str | None:
        """Why pyo3 cannot build for ``info``, or None if it can."""
        kind = KIND_DISPLAY.get(info.implementation, info.implementation)
        bounds = self.ranges.get(info.implementation)
        if bounds is None:
            return f"{self.source} does not support {kind}"
        low, high = bounds
        if info.version < low or (check_max and info.version > high):
            return (
                f"{self.source} supports {kind} {low[0]}.{low[1]} to {high[0]}.{high[1]}, "
                f"not {info.major}.{info.minor}"
            )
        return None


def _parse_minor(value: Any) -> tuple[int, int] | None:
    try:
        release = Version(str(value)).release
    except InvalidVersion:
        return None
    return (release[0], release[1]) if len(release) >= 2 else None


def pyo3_python_support(cargo: CargoMetadata) -> PythonSupport | None:
    """Read pyo3-ffi's supported versions from ``cargo metadata`` (None without pyo3-ffi)."""
    package = cargo.find_dependency("pyo3-ffi")
    if package is None or not isinstance(package.get("metadata"), dict):
        return None
    ranges: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {}
    for kind, table in package["metadata"].items():
        if not isinstance(table, dict):
            continue
        low = _parse_minor(table.get("min-version"))
        high = _parse_minor(table.get("max-version"))
        if low and high:
            ranges[kind] = (low, high)
    if not ranges:
        return None
    return PythonSupport(f"pyo3-ffi {package.get('version', '')}".strip(), ranges)


@dataclass(frozen=True)
class ProjectNeeds:
    """What a project asks of an interpreter: its bindings, requires-python and pyo3 range."""

    bindings: Bindings | None = None
    requires_python: SpecifierSet | None = None
    support: PythonSupport | None = None

    @classmethod
    def of(cls, overview: ProjectOverview | None) -> ProjectNeeds:
        """The needs of an opened project (no needs at all when none is open)."""
        if overview is None:
            return cls()
        return cls(
            overview.bindings,
            overview.metadata.requires_python,
            pyo3_python_support(overview.cargo_metadata),
        )


@dataclass(frozen=True)
class Usability:
    """``status`` plus the reason a user reads next to the interpreter."""

    status: Literal["usable", "unusable", "not-needed"]
    reason: str

    @property
    def usable(self) -> bool:
        """True if a build can use the interpreter."""
        return self.status == "usable"


def _pyo3_reason(info: InterpreterInfo, bindings: Bindings) -> Usability:
    """What a pyo3 (or pyo3 binary) build makes of a working interpreter."""
    if info.gil_disabled and bindings.pyo3_version and bindings.pyo3_version < _PYO3_FREE_THREADED:
        return Usability(
            "unusable",
            f"pyo3 {bindings.pyo3_version} cannot build for free-threaded Python (needs 0.23+)",
        )
    own = f"gets its own {info.python_tag}-{info.abi_tag} wheel"
    if not bindings.is_abi3:
        return Usability("usable", own)
    floor = bindings.abi3_minor or info.minor
    if not info.supports_abi3:
        why = "free-threaded Python" if info.gil_disabled else info.kind_display
        return Usability("usable", f"{why} cannot load abi3 wheels: {own}")
    if info.minor < floor:
        return Usability("usable", f"older than the abi3 minimum 3.{floor}: {own}")
    return Usability("usable", f"covered by the abi3 wheel (CPython >= 3.{floor})")


def assess_interpreter(
    info: InterpreterInfo | None, needs: ProjectNeeds, *, error: str | None = None
) -> Usability:
    """Decide whether a build of the project can use an interpreter, and say why.

    Args:
        info: The probed interpreter, or None when probing failed.
        needs: The open project's needs (an empty ProjectNeeds when none is open).
        error: The probe's error message when ``info`` is None.
    """
    if info is None:
        return Usability("unusable", error or "the interpreter could not be probed")
    bindings = needs.bindings
    if bindings is not None and not bindings.needs_interpreter:
        return Usability("not-needed", f"{bindings.label} wheels need no Python interpreter")
    reason = check_requires_python(info, needs.requires_python)
    if reason is not None:
        return Usability("unusable", reason)
    if bindings is None:
        return Usability("usable", "")
    if bindings.kind == "cffi":
        if not info.has_cffi:
            return Usability("unusable", "cffi is not installed in it (pip install cffi)")
        return Usability("usable", "cffi builds one py3-none wheel with the first one picked")
    if needs.support is not None:
        abi3_wheel = bindings.is_abi3 and info.supports_abi3
        why = needs.support.reason(info, check_max=not abi3_wheel)
        if why is not None:
            return Usability("unusable", why)
    return _pyo3_reason(info, bindings)

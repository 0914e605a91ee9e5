"""maturin's ``--find-interpreter``: probe ``python3.X`` / ``pypy3.X`` names on PATH.

This is what a build with ``--find-interpreter`` uses. The machine-wide listing that the
GUI and ``list-python`` show is :mod:`cratewright.core.interpreters.discovery`.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet

from cratewright.core.interpreters.info import (
    FREE_THREADED_MINIMUM_MINOR,
    MAXIMUM_PYPY_MINOR,
    MAXIMUM_PYTHON_MINOR,
    MINIMUM_PYPY_MINOR,
    InterpreterInfo,
)
from cratewright.core.interpreters.probe import PYENV_NOT_FOUND, probe_interpreter
from cratewright.core.interpreters.usability import allows_version, check_requires_python
from cratewright.errors import InterpreterError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "InterpreterDiscovery",
    "SkippedInterpreter",
    "discover_interpreters",
    "find_interpreters",
]


@dataclass(frozen=True)
class SkippedInterpreter:
    """A PATH name that exists but was not used, and why (e.g. an inactive pyenv shim)."""

    name: str
    path: Path
    reason: str
    hint: str | None = None


@dataclass(frozen=True)
class InterpreterDiscovery:
    """Everything ``--find-interpreter`` looked at: what it will use and what it skipped."""

    found: tuple[InterpreterInfo, ...]
    skipped: tuple[SkippedInterpreter, ...] = field(default=())


def _candidate_names(
    min_minor: int,
    max_minor: int,
    include_pypy: bool,
    include_free_threaded: bool,
    min_pypy_minor: int,
    max_pypy_minor: int,
    requires_python: SpecifierSet | None,
) -> list[str]:
    names = [
        f"python3.{minor}"
        for minor in range(min_minor, max_minor + 1)
        if allows_version(requires_python, 3, minor)
    ]
    if include_free_threaded:
        names += [
            f"python3.{minor}t"
            for minor in range(max(FREE_THREADED_MINIMUM_MINOR, min_minor), max_minor + 1)
            if allows_version(requires_python, 3, minor)
        ]
    if include_pypy:
        names += [
            f"pypy3.{minor}"
            for minor in range(min_pypy_minor, max_pypy_minor + 1)
            if allows_version(requires_python, 3, minor)
        ]
    return names


def _probe_names(
    names: list[str], timeout: float
) -> list[tuple[str, Path, InterpreterInfo | InterpreterError]]:
    """Probe the names that exist on PATH in parallel, keeping the order of ``names``."""
    located = [(name, shutil.which(name)) for name in names]
    present = [(name, Path(path).absolute()) for name, path in located if path is not None]
    if not present:
        return []

    def run(path: Path) -> InterpreterInfo | InterpreterError:
        try:
            return probe_interpreter(path, timeout=timeout)
        except InterpreterError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=min(8, len(present))) as pool:
        results = list(pool.map(run, [path for _, path in present]))
    return [(name, path, result) for (name, path), result in zip(present, results, strict=True)]


def _skip(name: str, path: Path, exc: InterpreterError) -> SkippedInterpreter:
    return SkippedInterpreter(name, path, exc.message, exc.hint)


def discover_interpreters(
    *,
    min_minor: int = 8,
    max_minor: int = MAXIMUM_PYTHON_MINOR,
    include_pypy: bool = False,
    requires_python: SpecifierSet | None = None,
    include_free_threaded: bool = False,
    min_pypy_minor: int = MINIMUM_PYPY_MINOR,
    max_pypy_minor: int = MAXIMUM_PYPY_MINOR,
    timeout: float = 10.0,
) -> InterpreterDiscovery:
    """maturin's ``--find-interpreter`` on Linux/macOS, keeping what was skipped and why.

    Probes ``python3.{min..max}`` (and ``python3.{14..max}t`` and ``pypy3.{..}`` when asked)
    on PATH in parallel. Names that fail, such as pyenv shims of versions that are not
    active, are skipped rather than fatal. Results are filtered by ``requires_python`` and
    de-duplicated by (implementation, major, minor, free-threaded), first name wins. When
    nothing is found, ``python3`` and then ``python`` are tried.
    """
    names = _candidate_names(
        min_minor,
        max_minor,
        include_pypy,
        include_free_threaded,
        min_pypy_minor,
        max_pypy_minor,
        requires_python,
    )
    found: list[InterpreterInfo] = []
    skipped: list[SkippedInterpreter] = []
    seen: set[tuple[str, int, int, bool]] = set()
    for name, path, result in _probe_names(names, timeout):
        if isinstance(result, InterpreterError):
            skipped.append(_skip(name, path, result))
            continue
        reason = check_requires_python(result, requires_python)
        if reason is not None:
            skipped.append(SkippedInterpreter(name, path, f"{result.display}: {reason}"))
            continue
        key = (result.implementation, result.major, result.minor, result.gil_disabled)
        if key not in seen:
            seen.add(key)
            found.append(result)
    if not found:
        for name, path, result in _probe_names(["python3", "python"], timeout):
            if isinstance(result, InterpreterError):
                skipped.append(_skip(name, path, result))
                continue
            reason = check_requires_python(result, requires_python)
            if result.minor < min_minor:
                reason = f"Python {result.major}.{result.minor} is older than 3.{min_minor}"
            if reason is None:
                found.append(result)
                break
            skipped.append(SkippedInterpreter(name, path, f"{result.display}: {reason}"))
    return InterpreterDiscovery(tuple(found), tuple(skipped))


def find_interpreters(
    *,
    min_minor: int = 8,
    max_minor: int = MAXIMUM_PYTHON_MINOR,
    include_pypy: bool = False,
    requires_python: SpecifierSet | None = None,
    include_free_threaded: bool = False,
    min_pypy_minor: int = MINIMUM_PYPY_MINOR,
    max_pypy_minor: int = MAXIMUM_PYPY_MINOR,
    timeout: float = 10.0,
    sink: EventSink = null_sink,
) -> list[InterpreterInfo]:
    """Like :func:`discover_interpreters`, but reports skipped names as warning events.

    The list may be empty: abi3 builds can go on without an interpreter; other callers
    raise :func:`no_interpreters_error`.
    """
    discovery = discover_interpreters(
        min_minor=min_minor,
        max_minor=max_minor,
        include_pypy=include_pypy,
        requires_python=requires_python,
        include_free_threaded=include_free_threaded,
        min_pypy_minor=min_pypy_minor,
        max_pypy_minor=max_pypy_minor,
        timeout=timeout,
    )
    for skipped in discovery.skipped:
        if PYENV_NOT_FOUND.search(skipped.reason):
            text = f"skipped unavailable python interpreter '{skipped.name}' from pyenv"
        else:
            text = f"skipped python interpreter '{skipped.name}': {skipped.reason}"
        sink(Message("warning", text))
    return list(discovery.found)

"""Which interpreters a build uses: ``-i`` values, version specs and the default choice.

The rules follow maturin (``src/python_interpreter/resolver.rs``): ``-i`` values may be
paths, names on PATH or version specs such as ``3.12`` / ``pypy3.10`` / ``3.14t``; the
default is ``$PYO3_PYTHON`` (pyo3 only), ``$VIRTUAL_ENV/bin/python``,
``$pythonLocation/bin/python3`` and then ``python3``.

Differences from maturin, on purpose: we have no bundled sysconfig, so a version spec must
name a runnable interpreter; when a pyenv shim reports "command not found" for an explicitly
requested name but pyenv says the command exists in an installed version, that version's
binary is used (maturin would fall back to its bundled sysconfig and build the same wheel).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet

from cratewright.core.interpreters.info import (
    FREE_THREADED_MINIMUM_MINOR,
    KIND_DISPLAY,
    InterpreterInfo,
)
from cratewright.core.interpreters.probe import InterpreterMissing, ProbeFailed, probe_interpreter
from cratewright.core.interpreters.usability import check_requires_python
from cratewright.errors import InterpreterError

__all__ = [
    "InterpreterSpec",
    "default_interpreter",
    "parse_interpreter_spec",
    "resolve_interpreter_request",
    "resolve_interpreters",
]


@dataclass(frozen=True)
class InterpreterSpec:
    """A version request such as ``3.12``, ``python-3.12``, ``pypy3.10`` or ``3.14t``."""

    implementation: str
    major: int
    minor: int
    free_threaded: bool = False

    @property
    def command_names(self) -> tuple[str, ...]:
        """The PATH names that provide this interpreter on Unix."""
        version = f"{self.major}.{self.minor}"
        if self.implementation == "pypy":
            return (f"pypy{version}",)
        if self.implementation == "graalpy":
            return (f"graalpy{version}", "graalpy")
        return (f"python{version}{'t' if self.free_threaded else ''}",)

    def matches(self, info: InterpreterInfo) -> bool:
        """True if a probed interpreter is what this spec asks for."""
        return (
            info.implementation == self.implementation
            and (info.major, info.minor) == (self.major, self.minor)
            and info.gil_disabled == self.free_threaded
        )

    def __str__(self) -> str:
        name = KIND_DISPLAY[self.implementation]
        return f"{name} {self.major}.{self.minor}{'t' if self.free_threaded else ''}"


def parse_interpreter_spec(value: str) -> InterpreterSpec | None:
    """Parse maturin's version forms; None for paths and names without a version.

    Args:
        value: An ``-i`` value.

    Returns:
        The spec, or None for e.g. ``python3``, ``pypy``, ``/usr/bin/python3``, ``jython3.9``.

    Raises:
        InterpreterError: ``t`` on PyPy/GraalPy or before 3.14, or a non-numeric version.
    """
    prefix = next((p for p in ("pypy", "graalpy", "python") if value.startswith(p)), None)
    if prefix is not None:
        kind = "cpython" if prefix == "python" else prefix
        rest = value[len(prefix) :].removeprefix("-")
    elif value[:1].isdigit():
        kind, rest = "cpython", value
    else:
        return None
    if not rest[:1].isdigit():
        return None
    free_threaded = rest.endswith("t")
    if free_threaded:
        rest = rest[:-1]
        if kind != "cpython":
            raise InterpreterError(
                f"Free-threaded builds are only supported for CPython, not {KIND_DISPLAY[kind]}"
                f" (`{value}`)"
            )
    major_text, dot, minor_text = rest.partition(".")
    if not dot:
        return None
    if not major_text.isdigit():
        raise InterpreterError(
            f"Invalid python interpreter major version '{major_text}' in `{value}`, expect a digit"
        )
    if not minor_text.isdigit():
        raise InterpreterError(
            f"Invalid python interpreter minor version '{minor_text}' in `{value}`, expect a digit"
        )
    major, minor = int(major_text), int(minor_text)
    if free_threaded and (major, minor) < (3, FREE_THREADED_MINIMUM_MINOR):
        raise InterpreterError(
            "Free-threaded Python interpreter is only supported on "
            f"3.{FREE_THREADED_MINIMUM_MINOR} and later (`{value}`)"
        )
    return InterpreterSpec(kind, major, minor, free_threaded)


def _is_path(value: str) -> bool:
    return os.sep in value or bool(os.altsep and os.altsep in value) or value.startswith("~")


def _probe_with_pyenv_fallback(exe: Path, name: str) -> InterpreterInfo:
    """Probe ``exe``; if it is an inactive pyenv shim, use the version pyenv names instead."""
    try:
        return probe_interpreter(exe)
    except ProbeFailed as exc:
        if not exc.pyenv_versions or exe.parent.name != "shims":
            raise
        root = exe.parent.parent
        for version in exc.pyenv_versions:
            candidate = root / "versions" / version / "bin" / name
            if candidate.is_file():
                try:
                    return probe_interpreter(candidate)
                except InterpreterError:
                    continue
        raise


def resolve_interpreter_request(value: str | Path) -> InterpreterInfo:
    """Resolve one ``-i`` value to a probed interpreter.

    Accepts a path (``/usr/bin/python3.12``, ``~/venv/bin/python``), a name on PATH
    (``python3.12``, ``pypy3``) or maturin's version specs (``3.12``, ``python-3.12``,
    ``pypy-3.10``, ``3.14t``), which are looked up as ``python3.12`` / ``pypy3.10`` /
    ``python3.14t`` on PATH and must then really be that version.

    Raises:
        InterpreterError: "The following Python interpreters could not be found: `X`" when
            nothing answers to the value, or the probe's own error when it exists but fails.
    """
    text = os.fspath(value)
    not_found = InterpreterError(f"The following Python interpreters could not be found: `{text}`")
    if isinstance(value, Path) or _is_path(text):
        try:
            return probe_interpreter(value)
        except InterpreterMissing as exc:
            raise not_found from exc
    spec = parse_interpreter_spec(text)
    names = [text] if shutil.which(text) else []
    if spec is not None:
        names += [name for name in spec.command_names if name not in names]
    last_error: InterpreterError | None = None
    for name in names:
        found = shutil.which(name)
        if found is None:
            continue
        try:
            info = _probe_with_pyenv_fallback(Path(found).absolute(), name)
        except InterpreterError as exc:
            last_error = exc
            continue
        if spec is not None and not spec.matches(info):
            last_error = InterpreterError(
                f"`{text}` asks for {spec}, but `{name}` is {info.display}"
            )
            continue
        return info
    if last_error is not None:
        raise last_error
    raise not_found


def resolve_interpreters(values: list[str]) -> list[InterpreterInfo]:
    """Resolve several ``-i`` values, dropping repeats of the same interpreter binary.

    Missing values are reported together, as maturin does; a value that exists but fails
    raises its own error at once. An empty list gives an empty list (the caller then uses
    :func:`default_interpreter`).

    Raises:
        InterpreterError: Some values could not be found or used.
    """
    found: list[InterpreterInfo] = []
    seen: set[Path] = set()
    missing: list[str] = []
    for value in values:
        try:
            info = resolve_interpreter_request(value)
        except InterpreterError as exc:
            if exc.message.startswith("The following Python interpreters could not be found"):
                missing.append(value)
                continue
            raise
        try:
            real = info.executable.resolve()
        except OSError:
            real = info.executable
        if real not in seen:
            seen.add(real)
            found.append(info)
    if missing:
        listed = ", ".join(f"`{value}`" for value in missing)
        raise InterpreterError(f"The following Python interpreters could not be found: {listed}")
    return found


def default_interpreter(
    *, pyo3: bool = False, requires_python: SpecifierSet | None = None
) -> InterpreterInfo:
    """The interpreter maturin uses when no ``-i`` is given.

    Order: ``$PYO3_PYTHON`` (pyo3 bindings only), ``$VIRTUAL_ENV/bin/python``,
    ``$pythonLocation/bin/python3`` (GitHub's setup-python), then ``python3`` on PATH.

    Args:
        pyo3: True for pyo3 bindings, which honour ``$PYO3_PYTHON``.
        requires_python: When given, an interpreter outside it is an error.

    Raises:
        InterpreterError: Nothing found, the candidate fails, or requires-python excludes it.
    """
    candidate: str | Path = "python3"
    pyo3_python = os.environ.get("PYO3_PYTHON")
    venv = os.environ.get("VIRTUAL_ENV")
    location = os.environ.get("pythonLocation")  # noqa: SIM112 - setup-python spells it so
    if pyo3 and pyo3_python:
        candidate = pyo3_python
    elif venv and (Path(venv) / "bin" / "python").exists():
        candidate = Path(venv) / "bin" / "python"
    elif location and (Path(location) / "bin" / "python3").exists():
        candidate = Path(location) / "bin" / "python3"
    try:
        info = probe_interpreter(candidate)
    except InterpreterMissing as exc:
        raise InterpreterError(
            f"Couldn't find any python interpreters from '{candidate}'.",
            hint="activate a virtualenv, or pass one with -i",
        ) from exc
    reason = check_requires_python(info, requires_python)
    if reason is not None:
        raise InterpreterError(
            f"Couldn't find any python interpreters from '{candidate}': {info.display}: {reason}",
            hint="pass a matching interpreter with -i, or use --find-interpreter",
        )
    return info

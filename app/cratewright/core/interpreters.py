"""Find, run and describe the Python interpreters that wheels are built for.

A wheel's tags, its extension module's file name and the pyo3 build configuration all come
from the *target* interpreter, not from the Python running cratewright, so every interpreter
is asked about itself by running ``_probe.py`` in it. The rules for which interpreters to use
follow maturin (``src/python_interpreter/*``): ``-i`` values may be paths, names on PATH or
version specs such as ``3.12`` / ``pypy3.10`` / ``3.14t``; ``--find-interpreter`` probes
``python3.X`` and ``pypy3.X`` names on PATH; the default is ``$PYO3_PYTHON`` (pyo3 only),
``$VIRTUAL_ENV/bin/python``, ``$pythonLocation/bin/python3`` and then ``python3``.

Differences from maturin, on purpose: we have no bundled sysconfig, so a version spec must
name a runnable interpreter; when a pyenv shim reports "command not found" for an explicitly
requested name but pyenv says the command exists in an installed version, that version's
binary is used (maturin would fall back to its bundled sysconfig and build the same wheel).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from cratewright.errors import InterpreterError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "FREE_THREADED_MINIMUM_MINOR",
    "MAXIMUM_PYPY_MINOR",
    "MAXIMUM_PYTHON_MINOR",
    "MINIMUM_PYPY_MINOR",
    "MINIMUM_PYTHON_MINOR",
    "InterpreterDiscovery",
    "InterpreterInfo",
    "InterpreterSpec",
    "SkippedInterpreter",
    "calculate_abi_tag",
    "check_requires_python",
    "clear_probe_cache",
    "default_interpreter",
    "discover_interpreters",
    "find_interpreters",
    "interpreter_from_metadata",
    "no_interpreters_error",
    "parse_interpreter_spec",
    "probe_interpreter",
    "probe_source",
    "resolve_interpreter_request",
    "resolve_interpreters",
]

#: Oldest CPython minor version maturin (and so cratewright) can build for.
MINIMUM_PYTHON_MINOR = 7
#: Newest CPython minor probed by ``--find-interpreter`` (maturin is liberal to catch previews).
MAXIMUM_PYTHON_MINOR = 14
#: Oldest and newest PyPy minor versions probed by ``--find-interpreter``.
MINIMUM_PYPY_MINOR = 8
MAXIMUM_PYPY_MINOR = 11
#: Free-threaded builds are officially supported (PEP 779) and discovered from 3.14 on.
FREE_THREADED_MINIMUM_MINOR = 14

_KINDS = {"cpython": "cpython", "pypy": "pypy", "graalvm": "graalpy", "graalpy": "graalpy"}
_KIND_DISPLAY = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM"}
_TAG_PREFIX = {"cpython": "cp", "pypy": "pp", "graalpy": "graalpy"}
_PYENV_NOT_FOUND = re.compile(r"pyenv: (?P<name>\S+): command not found")


# --------------------------------------------------------------------------------------------
# InterpreterInfo and tags
# --------------------------------------------------------------------------------------------


def calculate_abi_tag(ext_suffix: str) -> str | None:
    """Derive the wheel ABI tag from an ``EXT_SUFFIX`` the way maturin does.

    PyPy and GraalPy put their ABI version in the suffix (``.pypy311-pp73-x86_64-linux-gnu.so``
    gives ``pypy311_pp73``), which is the only reliable source for their ABI tag.

    Args:
        ext_suffix: The interpreter's extension-module suffix.

    Returns:
        The ABI tag, or None when the suffix carries no ABI (``.so``, ``.pyd``).
    """
    parts = ext_suffix.split(".")
    if len(parts) < 3:
        return None
    soabi = parts[1]
    pieces = soabi.split("-")
    if soabi.startswith("cpython"):
        if len(pieces) < 2:
            return None
        abi = f"cp{pieces[1]}"
    elif soabi.startswith("cp"):
        abi = pieces[0]
    elif soabi.startswith("pypy"):
        abi = "-".join(pieces[:2])
    elif soabi.startswith("graalpy"):
        abi = "-".join(pieces[:3])
    elif soabi:
        if len(pieces) < 2:
            return None
        abi = pieces[1]
    else:
        return None
    return re.sub(r"[.\- ]", "_", abi)


@dataclass(frozen=True, kw_only=True)
class InterpreterInfo:
    """What a target interpreter says about itself (see ``_probe.py``), ready for tagging.

    ``implementation`` is the normalised kind ("cpython", "pypy" or "graalpy") taken from
    ``platform.python_implementation()``; ``implementation_name`` is ``sys.implementation.name``
    (they differ for e.g. Pyston, which then gets generic tags). ``abiflags`` is already
    normalised as maturin does ("" for PyPy/GraalPy, "t" for free-threaded builds).
    """

    executable: Path
    implementation: str
    major: int
    minor: int
    ext_suffix: str
    abiflags: str = ""
    implementation_name: str = ""
    soabi: str | None = None
    platform: str = ""
    system: str = "linux"
    pointer_width: int = 64
    gil_disabled: bool = False
    has_cffi: bool = False
    has_pip: bool = False
    is_venv: bool = False
    base_executable: Path | None = None

    def __post_init__(self) -> None:
        if not self.implementation_name:
            object.__setattr__(self, "implementation_name", self.implementation)

    @property
    def _generic_tags(self) -> bool:
        """True when ``sys.implementation.name`` is not a kind we know (e.g. Pyston).

        maturin (like packaging.tags) then falls back to ``<name>XY`` / SOABI-based tags.
        """
        return self.implementation_name.lower() not in _KINDS

    @property
    def kind_display(self) -> str:
        """The kind as maturin prints it: "CPython", "PyPy" or "GraalVM"."""
        return _KIND_DISPLAY.get(self.implementation, self.implementation)

    @property
    def version_display(self) -> str:
        """``major.minor`` plus ABI flags, e.g. "3.12", "3.14t", "3.7m"."""
        return f"{self.major}.{self.minor}{self.abiflags}"

    @property
    def display(self) -> str:
        """maturin's description, e.g. "CPython 3.12 at /usr/bin/python3.12"."""
        return f"{self.kind_display} {self.version_display} at {self.executable}"

    @property
    def python_tag(self) -> str:
        """The wheel's python tag: "cp312", "pp311", "graalpy311" (or "pyston38")."""
        if self._generic_tags:
            return f"{self.implementation_name}{self.major}{self.minor}"
        return f"{_TAG_PREFIX[self.implementation]}{self.major}{self.minor}"

    @property
    def abi_tag(self) -> str:
        """The wheel's ABI tag for a version-specific build.

        CPython: ``cp{XY}{abiflags}`` ("cp312", "cp314t", "cp37m"); PyPy and GraalPy: from
        EXT_SUFFIX ("pypy311_pp73"); unknown implementations: SOABI with ``-``/``.`` as ``_``.

        Raises:
            InterpreterError: PyPy/GraalPy whose EXT_SUFFIX carries no ABI.
        """
        if self._generic_tags:
            return re.sub(r"[.\-]", "_", self.soabi) if self.soabi else "none"
        if self.implementation == "cpython":
            return f"cp{self.major}{self.minor}{self.abiflags}"
        abi = calculate_abi_tag(self.ext_suffix)
        if abi is None:
            raise InterpreterError(
                f"{self.kind_display}'s sysconfig didn't define a valid EXT_SUFFIX "
                f"({self.ext_suffix!r}) for the interpreter at {self.executable}"
            )
        return abi

    @property
    def supports_abi3(self) -> bool:
        """True if this interpreter can load abi3 (PEP 384) wheels: GIL-enabled CPython."""
        return not self._generic_tags and self.implementation == "cpython" and not self.gil_disabled

    @property
    def supports_abi3t(self) -> bool:
        """True if this interpreter can load abi3t (PEP 803) wheels: CPython 3.15 or newer."""
        return (
            not self._generic_tags
            and self.implementation == "cpython"
            and (self.major, self.minor) >= (3, 15)
        )

    @property
    def native_platform_tag(self) -> str | None:
        """``sysconfig.get_platform()`` as a tag ("linux_x86_64"); None on macOS.

        maturin uses it for non-portable Linux wheels and on Windows; on macOS the tag has
        to come from the deployment target instead.
        """
        if not self.platform or self.platform.startswith("macosx"):
            return None
        return re.sub(r"[.\-]", "_", self.platform.lower())

    @property
    def environment_signature(self) -> str:
        """maturin's ``PYO3_ENVIRONMENT_SIGNATURE``: pyo3 rebuilds when this changes."""
        return f"{self.implementation_name}-{self.major}.{self.minor}-64bit"

    def wheel_tag(self, platform_tag: str) -> str:
        """The full version-specific tag, e.g. "cp312-cp312-linux_x86_64".

        Args:
            platform_tag: The platform part, possibly compressed ("manylinux_2_17_x86_64.
                manylinux2014_x86_64").
        """
        return f"{self.python_tag}-{self.abi_tag}-{platform_tag}"

    def extension_filename(self, base: str) -> str:
        """The file name of a version-specific extension module, e.g. "foo.cpython-312-…so"."""
        return f"{base}{self.ext_suffix}"


# --------------------------------------------------------------------------------------------
# Probing
# --------------------------------------------------------------------------------------------


class _ProbeFailed(InterpreterError):
    """The interpreter ran but could not be used; keeps pyenv's suggestions for a fallback."""

    def __init__(
        self, message: str, *, hint: str | None = None, pyenv_versions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, hint=hint)
        self.pyenv_versions = pyenv_versions


class _Missing(InterpreterError):
    """Nothing exists at the requested path, or the name is not on PATH."""


@cache
def probe_source() -> str:
    """The text of ``_probe.py``, read once (works from a zip or a wheel too)."""
    return resources.files("cratewright.core").joinpath("_probe.py").read_text(encoding="utf-8")


_cache: dict[tuple[str, str, int], InterpreterInfo] = {}
_cache_lock = threading.Lock()


def clear_probe_cache() -> None:
    """Forget all probe results (e.g. after the user installed a package into a venv)."""
    with _cache_lock:
        _cache.clear()


def _locate(path: str | Path) -> Path:
    """Turn a path or a bare command name into an absolute path, as the OS would run it."""
    text = os.fspath(path)
    if not text:
        raise _Missing("An empty string is not a Python interpreter")
    if isinstance(path, Path) or os.sep in text or (os.altsep and os.altsep in text):
        candidate = Path(text).expanduser()
        if not candidate.exists():
            raise _Missing(f"No Python interpreter at {text}: the file does not exist")
        if candidate.is_dir():
            raise InterpreterError(f"{text} is a directory, not a Python interpreter")
        return candidate.absolute()
    if text.startswith("~"):
        return _locate(Path(text))
    found = shutil.which(text)
    if found is None:
        raise _Missing(f"`{text}` is not on PATH")
    return Path(found).absolute()


def _cache_key(exe: Path) -> tuple[str, str, int] | None:
    try:
        real = exe.resolve()
        return (str(exe), str(real), real.stat().st_mtime_ns)
    except OSError:
        return None


def _summarise(stderr: str) -> str:
    """The line of an error output that says what went wrong (a traceback ends with it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    if lines[0].startswith("pyenv: "):
        return lines[0]
    return lines[-1]


def _pyenv_versions(stderr: str) -> tuple[str, ...]:
    """Versions listed by a pyenv shim after "The `X' command exists in these Python versions:"."""
    versions: list[str] = []
    collecting = False
    for line in stderr.splitlines():
        if "command exists in these Python versions" in line:
            collecting = True
            continue
        if collecting:
            if not line.strip():
                if versions:
                    break
                continue
            versions.append(line.strip())
    return tuple(versions)


def _run_probe(exe: Path, requested: str, timeout: float) -> str:
    """Run the probe in ``exe`` and return its stdout; every failure becomes InterpreterError."""
    env = dict(os.environ, PYTHONNOUSERSITE="1", PYTHONIOENCODING="utf-8")
    attempts = (["-I", "-c", probe_source()], ["-E", "-s", "-c", probe_source()])
    for number, args in enumerate(attempts):
        try:
            proc = subprocess.Popen(
                [str(exe), *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd="/",
                start_new_session=True,
            )
        except PermissionError as exc:
            raise InterpreterError(
                f"Cannot run the python interpreter '{requested}': permission denied"
                " (is it an executable file?)"
            ) from exc
        except OSError as exc:
            raise InterpreterError(
                f"Cannot run the python interpreter '{requested}': {exc.strerror or exc}"
            ) from exc
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            # The whole session: a shell wrapper's children would otherwise keep the pipes.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (OSError, AttributeError):
                proc.kill()
            proc.communicate()
            raise InterpreterError(
                f"The python interpreter '{requested}' did not answer within {timeout:g} s"
            ) from exc
        stdout = out.decode("utf-8", "replace")
        stderr = err.decode("utf-8", "replace")
        if proc.returncode == 0:
            return stdout
        if number == 0 and "Unknown option: -I" in stderr:
            continue  # Python 2 has no -I; ask again so it can report its version.
        base = f"Trying to get metadata from the python interpreter '{requested}' failed"
        if proc.returncode < 0:
            try:
                name = signal.Signals(-proc.returncode).name
            except ValueError:
                name = f"signal {-proc.returncode}"
            detail = f" (killed by {name})"
        else:
            detail = f" (exit code {proc.returncode})"
        summary = _summarise(stderr)
        if not summary:
            raise _ProbeFailed(f"{base}{detail} without printing an error")
        hint = None
        versions: tuple[str, ...] = ()
        if _PYENV_NOT_FOUND.match(summary):
            versions = _pyenv_versions(stderr)
            if versions:
                hint = (
                    f"pyenv has it in {', '.join(versions)} but that version is not active; "
                    "activate it (pyenv shell/local/global) or pass the interpreter's full path"
                )
        raise _ProbeFailed(f"{base}{detail}: {summary}", hint=hint, pyenv_versions=versions)
    raise AssertionError("unreachable")  # pragma: no cover


def _normalise_abiflags(data: dict[str, Any], kind: str, requested: str) -> str:
    """Apply maturin's abiflags rules (``fun_with_abiflags``)."""
    if kind != "cpython":
        return ""
    minor = data["minor"]
    raw = data.get("abiflags")
    if data.get("system") == "windows":
        if not raw:
            if minor <= 7:
                return "m"
            return "t" if data.get("gil_disabled") else ""
        if minor >= 14 or (data.get("gil_disabled") and raw == "t"):
            return str(raw)
        raise InterpreterError(
            f"Unexpected abiflags '{raw}' for Python 3.{minor} on Windows at {requested}"
        )
    if raw is None:
        raise InterpreterError(
            f"The python interpreter at {requested} does not define ABIFLAGS in its sysconfig;"
            " a python 3 interpreter on Linux or macOS must"
        )
    if minor < 8 and raw not in ("m", "dm"):
        raise InterpreterError(
            f"A python 3.{minor} interpreter on Linux or macOS must have 'm' or 'dm' as"
            f" abiflags, but the one at {requested} has {raw!r}"
        )
    return str(raw)


def interpreter_from_metadata(
    data: object, requested: str, invoked: Path | None = None
) -> InterpreterInfo:
    """Validate the probe's JSON object and turn it into an InterpreterInfo.

    Args:
        data: The decoded JSON the probe printed.
        requested: How the user named the interpreter (used in messages).
        invoked: The path that was run; the fallback when ``sys.executable`` is empty.

    Raises:
        InterpreterError: Unsupported version or implementation, or incomplete metadata.
    """
    bad = f"The python interpreter '{requested}' printed unusable metadata"
    if not isinstance(data, dict):
        raise InterpreterError(f"{bad}: expected a JSON object")
    for key, kind in (("major", int), ("minor", int), ("interpreter", str)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise InterpreterError(f"{bad}: `{key}` is missing or not a {kind.__name__}")
    major, minor = data["major"], data["minor"]
    if (major, minor) < (3, MINIMUM_PYTHON_MINOR):
        raise InterpreterError(
            f"Only python >= 3.{MINIMUM_PYTHON_MINOR} is supported, while you're using python "
            f"{major}.{minor} at {requested}"
        )
    kind = _KINDS.get(data["interpreter"].lower())
    if kind is None:
        raise InterpreterError(
            f"Unsupported interpreter {data['interpreter']} at {requested}"
            " (CPython, PyPy and GraalPy are supported)"
        )
    abiflags = _normalise_abiflags(data, kind, requested)
    ext_suffix = data.get("ext_suffix")
    if not isinstance(ext_suffix, str) or not ext_suffix:
        raise InterpreterError(
            f"The sysconfig of the python interpreter at {requested} doesn't define EXT_SUFFIX"
        )
    executable = data.get("executable")
    if isinstance(executable, str) and executable:
        exe_path = Path(executable)
    elif invoked is not None:
        exe_path = invoked
    else:
        exe_path = Path(requested)
    base_executable = data.get("base_executable")
    info = InterpreterInfo(
        executable=exe_path,
        implementation=kind,
        implementation_name=str(data.get("implementation_name") or kind),
        major=major,
        minor=minor,
        abiflags=abiflags,
        ext_suffix=ext_suffix,
        soabi=data.get("soabi") or None,
        platform=str(data.get("platform") or ""),
        system=str(data.get("system") or ""),
        pointer_width=int(data.get("pointer_width") or 64),
        gil_disabled=bool(data.get("gil_disabled")),
        has_cffi=bool(data.get("has_cffi")),
        has_pip=bool(data.get("has_pip")),
        is_venv=bool(data.get("is_venv")),
        base_executable=Path(base_executable) if base_executable else None,
    )
    if kind != "cpython" and not info._generic_tags:
        info.abi_tag  # noqa: B018 - fail now, not in the middle of a build
    return info


def probe_interpreter(path: str | Path, *, timeout: float = 10.0) -> InterpreterInfo:
    """Run ``_probe.py`` in an interpreter and describe it.

    Results are cached per process, keyed by the path that was run, its real path and the
    real file's mtime. Wrappers whose answer can change without their file changing (pyenv
    shims) are not cached: only results whose ``sys.executable`` is the file that was run.

    Args:
        path: A path, or a command name looked up on PATH.
        timeout: Seconds to wait for the interpreter to answer.

    Raises:
        InterpreterError: Not found, not runnable, failed (with its own error message), timed
            out, printed no JSON, too old (< 3.7) or an unsupported implementation.
    """
    requested = os.fspath(path)
    exe = _locate(path)
    key = _cache_key(exe)
    if key is not None:
        with _cache_lock:
            hit = _cache.get(key)
        if hit is not None:
            return hit
    stdout = _run_probe(exe, requested, timeout)
    try:
        data = json.loads(stdout)
    except ValueError as exc:
        snippet = stdout.strip()[:200] or "nothing"
        raise InterpreterError(
            f"Trying to get metadata from the python interpreter '{requested}' failed: "
            f"it printed {snippet!r} instead of JSON"
        ) from exc
    info = interpreter_from_metadata(data, requested, exe)
    if key is not None and _same_file(info.executable, exe):
        with _cache_lock:
            _cache[key] = info
    return info


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# requires-python
# --------------------------------------------------------------------------------------------


def _allows(spec: SpecifierSet | None, major: int, minor: int) -> bool:
    """maturin's test: is the bare ``major.minor`` version inside ``requires-python``?"""
    return spec is None or spec.contains(Version(f"{major}.{minor}"), prereleases=True)


def check_requires_python(info: InterpreterInfo, spec: SpecifierSet | None) -> str | None:
    """Say why ``info`` does not satisfy ``requires-python``, or return None if it does.

    Like maturin, only ``major.minor`` is compared, so ``>=3.8.1`` excludes every 3.8.
    """
    if _allows(spec, info.major, info.minor):
        return None
    return f"Python {info.major}.{info.minor} does not satisfy requires-python {spec}"


def no_interpreters_error(requires_python: SpecifierSet | None = None) -> InterpreterError:
    """maturin's error for a ``--find-interpreter`` search that found nothing."""
    scope = f" with {requires_python}" if requires_python else ""
    return InterpreterError(
        f"Couldn't find any python interpreters{scope}. Please specify at least one with -i"
    )


# --------------------------------------------------------------------------------------------
# -i values
# --------------------------------------------------------------------------------------------


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
        name = _KIND_DISPLAY[self.implementation]
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
                f"Free-threaded builds are only supported for CPython, not {_KIND_DISPLAY[kind]}"
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
    except _ProbeFailed as exc:
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
        except _Missing as exc:
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
    except _Missing as exc:
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


# --------------------------------------------------------------------------------------------
# --find-interpreter
# --------------------------------------------------------------------------------------------


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
        if _allows(requires_python, 3, minor)
    ]
    if include_free_threaded:
        names += [
            f"python3.{minor}t"
            for minor in range(max(FREE_THREADED_MINIMUM_MINOR, min_minor), max_minor + 1)
            if _allows(requires_python, 3, minor)
        ]
    if include_pypy:
        names += [
            f"pypy3.{minor}"
            for minor in range(min_pypy_minor, max_pypy_minor + 1)
            if _allows(requires_python, 3, minor)
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
        if _PYENV_NOT_FOUND.search(skipped.reason):
            text = f"skipped unavailable python interpreter '{skipped.name}' from pyenv"
        else:
            text = f"skipped python interpreter '{skipped.name}': {skipped.reason}"
        sink(Message("warning", text))
    return list(discovery.found)

"""What a target interpreter is: its probed facts, validated, and the wheel tags they give.

A wheel's tags, its extension module's file name and the pyo3 build configuration all come
from the *target* interpreter, not from the Python running cratewright; this module turns
the JSON that ``_probe.py`` printed inside that interpreter into an :class:`InterpreterInfo`
and applies maturin's tag rules (``src/python_interpreter/*``) to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright.errors import InterpreterError

__all__ = [
    "FREE_THREADED_MINIMUM_MINOR",
    "KIND_DISPLAY",
    "MAXIMUM_PYPY_MINOR",
    "MAXIMUM_PYTHON_MINOR",
    "MINIMUM_PYPY_MINOR",
    "MINIMUM_PYTHON_MINOR",
    "InterpreterInfo",
    "calculate_abi_tag",
    "interpreter_from_metadata",
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
#: How maturin names each kind in messages and listings.
KIND_DISPLAY = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM"}
_TAG_PREFIX = {"cpython": "cp", "pypy": "pp", "graalpy": "graalpy"}


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
    ``full_version`` ("3.12.1") and ``prefix`` (``sys.prefix``) are for display and for telling
    two paths to the same interpreter apart from two interpreters.
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
    full_version: str = ""
    prefix: Path | None = None

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
        return KIND_DISPLAY.get(self.implementation, self.implementation)

    @property
    def version(self) -> tuple[int, int]:
        """``(major, minor)``, for comparisons."""
        return (self.major, self.minor)

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
        full_version=str(data.get("version") or f"{major}.{minor}"),
        prefix=Path(prefix) if isinstance(prefix := data.get("prefix"), str) and prefix else None,
    )
    if kind != "cpython" and not info._generic_tags:
        info.abi_tag  # noqa: B018 - fail now, not in the middle of a build
    return info

"""``--pgo`` / ``[tool.maturin] pgo-command``: refused, with what is missing, never ignored.

maturin's profile-guided build compiles instrumented, runs ``pgo-command`` to train, merges
the profiles with ``llvm-profdata`` and compiles again. The merge only works with an
``llvm-profdata`` of the same LLVM major version as rustc's (rustup's ``llvm-tools``
component, or a distribution's ``llvm-profdata-<major>``). cratewright does not run PGO
builds yet, so ``--pgo`` stops with one error naming what this machine lacks (or, where the
tools are there, that the build itself is not implemented); ``pgo-command`` without ``--pgo``
does nothing in maturin either, and we say so in the log.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from cratewright.errors import ConfigError, ToolMissingError
from cratewright.events import EventSink, Message, null_sink

__all__ = ["check_pgo", "find_llvm_profdata", "pgo_requested", "rustc_llvm_major"]

_MAJOR = re.compile(r"LLVM version:\s*(\d+)")
_PROFDATA_VERSION = re.compile(r"LLVM version\s+(\d+)")


def pgo_requested(flag: bool) -> bool:
    """``--pgo`` or ``MATURIN_PGO`` (as in maturin: any value but empty, 0 or false)."""
    env = os.environ.get("MATURIN_PGO", "").strip().lower()
    return flag or env not in ("", "0", "false", "no")


def _run(argv: list[str]) -> str:
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, errors="replace", timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout + proc.stderr


def rustc_llvm_major() -> int | None:
    """The LLVM major version rustc was built with (``rustc -vV``)."""
    rustc = os.environ.get("RUSTC") or shutil.which("rustc") or "rustc"
    match = _MAJOR.search(_run([rustc, "-vV"]))
    return int(match[1]) if match else None


def _sysroot_profdata() -> Path | None:
    rustc = os.environ.get("RUSTC") or shutil.which("rustc") or "rustc"
    sysroot = _run([rustc, "--print", "sysroot"]).strip()
    host = re.search(r"host:\s*(\S+)", _run([rustc, "-vV"]))
    if not sysroot or not host:
        return None
    candidate = Path(sysroot) / "lib" / "rustlib" / host[1] / "bin" / "llvm-profdata"
    return candidate if candidate.is_file() else None


def _profdata_major(path: Path) -> int | None:
    match = _PROFDATA_VERSION.search(_run([str(path), "--version"]))
    return int(match[1]) if match else None


def find_llvm_profdata(major: int) -> tuple[Path | None, list[str]]:
    """An llvm-profdata of LLVM ``major``, and what was looked at (for the error message)."""
    seen: list[str] = []
    rustup = _sysroot_profdata()
    if rustup is not None:
        return rustup, seen
    seen.append("rustup's llvm-tools component is not installed")
    for name in (f"llvm-profdata-{major}", "llvm-profdata"):
        found = shutil.which(name)
        if found is None:
            continue
        version = _profdata_major(Path(found))
        if version == major:
            return Path(found), seen
        seen.append(f"{found} is LLVM {version if version is not None else 'of unknown version'}")
    if not any("llvm-profdata" in s and " is LLVM" in s for s in seen):
        seen.append(f"no llvm-profdata-{major} on PATH")
    return None, seen


def check_pgo(flag: bool, command: str | None, *, sink: EventSink = null_sink) -> None:
    """Refuse a PGO build with a clear reason; note a ``pgo-command`` that --pgo would use.

    Raises:
        ConfigError: ``--pgo`` without ``pgo-command``.
        ToolMissingError: no llvm-profdata matching rustc's LLVM, or (when there is one)
            because cratewright does not run PGO builds yet.
    """
    if not pgo_requested(flag):
        if command:
            sink(
                Message(
                    "info",
                    "ℹ️  [tool.maturin] pgo-command is only used by a --pgo build; "
                    "building without profile-guided optimization",
                )
            )
        return
    if not command:
        raise ConfigError(
            "--pgo needs a training command: set `pgo-command` in [tool.maturin] of pyproject.toml"
        )
    major = rustc_llvm_major()
    if major is None:
        raise ToolMissingError("--pgo: cannot tell rustc's LLVM version from `rustc -vV`")
    profdata, seen = find_llvm_profdata(major)
    if profdata is None:
        raise ToolMissingError(
            f"--pgo needs llvm-profdata from LLVM {major} (the LLVM of this rustc) to merge the "
            f"training profiles, and none was found: {'; '.join(seen)}",
            hint=f"`rustup component add llvm-tools`, or install LLVM {major}'s llvm-profdata; "
            "or build without --pgo",
        )
    raise ToolMissingError(
        f"--pgo: cratewright does not run profile-guided builds yet (llvm-profdata {major} is "
        f"at {profdata}); build without --pgo"
    )

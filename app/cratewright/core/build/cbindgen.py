"""Find a cbindgen new enough to read the crate, before the cffi header is generated.

cffi crates are built with whichever ``cbindgen`` the machine has, and distributions ship old
ones: Debian 12's 0.24.3 stops on edition 2024's ``#[unsafe(no_mangle)]`` with the bare words
"expected path". maturin sidesteps this by carrying a recent cbindgen inside; we look at every
cbindgen we can find (PATH, cargo's bin folder, next to the running Python), take the first
that is new enough, and otherwise stop with one error that says what was found and how to
get a good one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cratewright.errors import ToolMissingError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "CBINDGEN_INSTALL",
    "MIN_CBINDGEN",
    "Cbindgen",
    "cbindgen_candidates",
    "cbindgen_version",
    "find_cbindgen",
]

# Tested on this project's edition-2024 cffi crate (test-crates/cffi-edition2024, which uses
# both `#[unsafe(no_mangle)]` and `#[unsafe(export_name = ...)]`): 0.24.3 (Debian 12) and
# 0.27.0 cannot parse it; 0.28.0 writes the full header.
MIN_CBINDGEN = (0, 28, 0)
CBINDGEN_INSTALL = "cargo install cbindgen --locked"

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True)
class Cbindgen:
    """A cbindgen executable and the version it reports."""

    path: Path
    version: tuple[int, int, int]

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def _min_text() -> str:
    return ".".join(map(str, MIN_CBINDGEN))


def cbindgen_candidates(env: Mapping[str, str] | None = None) -> list[Path]:
    """Every cbindgen we could use, in preference order, without duplicates.

    PATH first (the user's choice), then cargo's own bin folder (where ``cargo install``
    puts one, and which a desktop launch's PATH often lacks), then next to the running Python.
    """
    environ = os.environ if env is None else env
    found: list[Path] = []
    for path_dir in (environ.get("PATH") or "").split(os.pathsep):
        candidate = Path(path_dir or ".") / "cbindgen"
        if path_dir and _is_executable(candidate):
            found.append(candidate)
    cargo_home = Path(environ["CARGO_HOME"]) if environ.get("CARGO_HOME") else None
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    for folder in (cargo_home, home / ".cargo", Path(sys.executable).parent.parent):
        if folder is not None:
            candidate = folder / "bin" / "cbindgen"
            if _is_executable(candidate):
                found.append(candidate)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path.resolve(), None)
    return list(unique)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def cbindgen_version(path: Path) -> tuple[int, int, int] | None:
    """The version ``cbindgen --version`` prints ("cbindgen 0.29.2"); None if it cannot tell."""
    try:
        proc = subprocess.run(
            [str(path), "--version"],
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(proc.stdout) if proc.returncode == 0 else None
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def find_cbindgen(env: Mapping[str, str] | None = None, *, sink: EventSink = null_sink) -> Cbindgen:
    """The first cbindgen of :func:`cbindgen_candidates` that is at least MIN_CBINDGEN.

    Raises:
        ToolMissingError: none was found, or every one found is too old (the message names
            each, with its version, and the command that installs a good one).
    """
    too_old: list[Cbindgen] = []
    for path in cbindgen_candidates(env):
        version = cbindgen_version(path)
        if version is None:
            continue
        tool = Cbindgen(path, version)
        if version >= MIN_CBINDGEN:
            for old in too_old:
                sink(
                    Message(
                        "info",
                        f"🛠️ Skipping cbindgen {old.version_text} at {old.path} (older than "
                        f"{_min_text()}); using cbindgen {tool.version_text} at {tool.path}",
                    )
                )
            return tool
        too_old.append(tool)
    hint = (
        f"install a recent one with `{CBINDGEN_INSTALL}` (it goes to ~/.cargo/bin); "
        "distribution packages such as Debian's are too old"
    )
    if too_old:
        seen = ", ".join(f"{t.version_text} at {t.path}" for t in too_old)
        raise ToolMissingError(
            f"cbindgen is too old for cffi bindings: found {seen}, need {_min_text()} or newer "
            "(older ones cannot read edition 2024's #[unsafe(no_mangle)])",
            hint=hint,
        )
    raise ToolMissingError(
        f"cbindgen {_min_text()} or newer is needed for cffi bindings and was not found on PATH "
        "or in ~/.cargo/bin",
        hint=hint,
    )

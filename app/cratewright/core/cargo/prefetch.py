"""Start ``cargo metadata`` early, before the engine is even imported, and use its answer later.

The desktop app spends most of its start-up importing Qt and then the engine; cargo needs
no Python at all while it runs. :func:`prefetch_metadata` starts the same process that
:func:`cratewright.core.cargo.metadata.load_cargo_metadata` would (same arguments, same
terminal settings) using only the standard library, and ``load_cargo_metadata`` takes its
output when the arguments match and cargo succeeded. Anything else (cargo missing, a
failure, other arguments) falls back to the normal call, which reports errors as usual.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = ["metadata_args", "prefetch_metadata", "take_prefetched"]

_LOCK = threading.Lock()
_STARTED: dict[tuple[str, ...], subprocess.Popen[bytes]] = {}
_QUIET = {"CARGO_TERM_COLOR": "never", "CARGO_TERM_PROGRESS_WHEN": "never"}


def metadata_args(manifest: Path, cargo_flags: Sequence[str] = ()) -> list[str]:
    """The arguments of the ``cargo metadata`` call for ``manifest`` (one definition)."""
    return ["metadata", "--format-version", "1", "--manifest-path", str(manifest), *cargo_flags]


def _cargo() -> str | None:
    explicit = os.environ.get("CARGO")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("cargo")
    if found:
        return found
    fallback = Path.home() / ".cargo" / "bin" / "cargo"
    return str(fallback) if os.access(fallback, os.X_OK) else None


def prefetch_metadata(manifest: Path) -> bool:
    """Start ``cargo metadata`` for ``manifest`` now; False when it cannot be started."""
    cargo = _cargo()
    if cargo is None or not manifest.is_file():
        return False  # the normal call explains what is missing
    if not os.environ.get("CARGO") and shutil.which("cargo") is None:
        return False  # the normal call puts ~/.cargo/bin on PATH first: let it
    args = metadata_args(manifest)
    env = {**os.environ, **_QUIET}
    try:
        proc = subprocess.Popen(
            [cargo, *args],
            cwd=manifest.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    with _LOCK:
        old = _STARTED.pop(tuple(args), None)
        _STARTED[tuple(args)] = proc
    if old is not None:
        _discard(old)
    return True


def take_prefetched(args: Sequence[str], timeout: float = 120.0) -> str | None:
    """The stdout of a prefetched call with exactly ``args`` if it succeeded, else None."""
    with _LOCK:
        proc = _STARTED.pop(tuple(args), None)
    if proc is None:
        return None
    try:
        out, _err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _discard(proc)
        return None
    return out.decode("utf-8", "replace") if proc.returncode == 0 else None


def _discard(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.communicate()

"""Run the short-lived helper programs of a build (cbindgen, uniffi-bindgen, python -c).

These finish in seconds and their output only matters when they fail, so they are run to
completion and captured; a failure becomes one clear error carrying the tool's own words.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cratewright.errors import BuildError, CratewrightError, ToolMissingError

__all__ = ["find_tool", "run_tool"]


def find_tool(name: str, *, hint: str) -> str:
    """Absolute path of ``name`` on PATH (or next to the running Python), else ToolMissingError."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise ToolMissingError(f"{name} was not found on PATH", hint=hint)
    return found


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_tool(
    argv: Sequence[str],
    *,
    what: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    error: type[CratewrightError] = BuildError,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to completion; ``error("<what> failed: <its stderr>")`` when it fails.

    ``error`` is the kind of failure this tool means to its caller (a build step by default;
    patchelf during a repair is an AuditError).
    """
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            env=None if env is None else dict(env),
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ToolMissingError(f"{what}: {argv[0]} was not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise error(f"{what} did not finish within {timeout:.0f} s") from exc
    except OSError as exc:
        raise error(f"{what} could not be started: {exc}") from exc
    if proc.returncode != 0:
        detail = _tail(proc.stderr) or _tail(proc.stdout) or f"exit code {proc.returncode}"
        raise error(f"{what} failed:\n{detail}")
    return proc

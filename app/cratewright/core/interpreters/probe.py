"""Run ``_probe.py`` inside an interpreter and describe it; every failure is an InterpreterError.

Only the interpreter itself knows its ABI, extension suffix and platform, so it is asked:
``<exe> -I -c <probe source>`` (``-E -s`` for Python 2, which has no ``-I``, so that it can
still say which version it is). The child runs in its own session so that a timeout kills a
wrapper script's children too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cratewright.core.interpreters.cache import memory_get, memory_key, memory_put
from cratewright.core.interpreters.info import InterpreterInfo, interpreter_from_metadata
from cratewright.errors import InterpreterError

__all__ = [
    "PYENV_NOT_FOUND",
    "InterpreterMissing",
    "ProbeFailed",
    "ProbeTimeout",
    "locate",
    "probe_interpreter",
    "probe_metadata",
    "probe_source",
]

#: The first line a pyenv shim prints when its command is in no active version.
PYENV_NOT_FOUND = re.compile(r"pyenv: (?P<name>\S+): command not found")


class ProbeFailed(InterpreterError):
    """The interpreter ran but could not be used; keeps pyenv's suggestions for a fallback."""

    def __init__(
        self, message: str, *, hint: str | None = None, pyenv_versions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, hint=hint)
        self.pyenv_versions = pyenv_versions


class ProbeTimeout(InterpreterError):
    """The interpreter did not answer in time (not cached: the machine may just be busy)."""


class InterpreterMissing(InterpreterError):
    """Nothing exists at the requested path, or the name is not on PATH."""


@cache
def probe_source() -> str:
    """The text of ``_probe.py``, read once (works from a zip or a wheel too)."""
    return (
        resources.files("cratewright.core.interpreters")
        .joinpath("_probe.py")
        .read_text(encoding="utf-8")
    )


def locate(path: str | Path) -> Path:
    """Turn a path or a bare command name into an absolute path, as the OS would run it.

    Raises:
        InterpreterMissing: Nothing at the path, or the name is not on PATH.
        InterpreterError: The path is a directory.
    """
    text = os.fspath(path)
    if not text:
        raise InterpreterMissing("An empty string is not a Python interpreter")
    if isinstance(path, Path) or os.sep in text or (os.altsep and os.altsep in text):
        candidate = Path(text).expanduser()
        if not candidate.exists():
            raise InterpreterMissing(f"No Python interpreter at {text}: the file does not exist")
        if candidate.is_dir():
            raise InterpreterError(f"{text} is a directory, not a Python interpreter")
        return candidate.absolute()
    if text.startswith("~"):
        return locate(Path(text))
    found = shutil.which(text)
    if found is None:
        raise InterpreterMissing(f"`{text}` is not on PATH")
    return Path(found).absolute()


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


def _failure(requested: str, returncode: int, stderr: str) -> ProbeFailed:
    """The error for a probe that exited non-zero, worded from what it printed."""
    base = f"Trying to get metadata from the python interpreter '{requested}' failed"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        detail = f" (killed by {name})"
    else:
        detail = f" (exit code {returncode})"
    summary = _summarise(stderr)
    if not summary:
        return ProbeFailed(f"{base}{detail} without printing an error")
    hint = None
    versions: tuple[str, ...] = ()
    if PYENV_NOT_FOUND.match(summary):
        versions = _pyenv_versions(stderr)
        if versions:
            hint = (
                f"pyenv has it in {', '.join(versions)} but that version is not active; "
                "activate it (pyenv shell/local/global) or pass the interpreter's full path"
            )
    return ProbeFailed(f"{base}{detail}: {summary}", hint=hint, pyenv_versions=versions)


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
            raise ProbeTimeout(
                f"The python interpreter '{requested}' did not answer within {timeout:g} s"
            ) from exc
        stdout = out.decode("utf-8", "replace")
        stderr = err.decode("utf-8", "replace")
        if proc.returncode == 0:
            return stdout
        if number == 0 and "Unknown option: -I" in stderr:
            continue  # Python 2 has no -I; ask again so it can report its version.
        raise _failure(requested, proc.returncode, stderr)
    raise AssertionError("unreachable")  # pragma: no cover


def probe_metadata(exe: Path, requested: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """Run the probe in ``exe`` and return its decoded JSON object, not yet validated.

    Raises:
        InterpreterError: It could not run, failed, timed out or printed no JSON object.
    """
    stdout = _run_probe(exe, requested, timeout)
    try:
        data = json.loads(stdout)
    except ValueError as exc:
        snippet = stdout.strip()[:200] or "nothing"
        raise InterpreterError(
            f"Trying to get metadata from the python interpreter '{requested}' failed: "
            f"it printed {snippet!r} instead of JSON"
        ) from exc
    if not isinstance(data, dict):
        raise InterpreterError(
            f"The python interpreter '{requested}' printed unusable metadata: "
            "expected a JSON object"
        )
    return data


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
    exe = locate(path)
    key = memory_key(exe)
    if key is not None:
        hit = memory_get(key)
        if hit is not None:
            return hit
    data = probe_metadata(exe, requested, timeout=timeout)
    info = interpreter_from_metadata(data, requested, exe)
    if key is not None and same_file(info.executable, exe):
        memory_put(key, info)
    return info


def same_file(a: Path, b: Path) -> bool:
    """True if both paths lead to the same file (False when either cannot be resolved)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False

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
import select
import signal
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

__all__ = [
    "metadata_args",
    "prefetch_metadata",
    "provide_prefetched",
    "read_piped",
    "spawn_piped",
    "stop_piped",
    "take_prefetched",
]

_LOCK = threading.Lock()
_QUIET = {"CARGO_TERM_COLOR": "never", "CARGO_TERM_PROGRESS_WHEN": "never"}
# ``os.posix_spawn`` has no working directory; a POSIX shell enters it (physically, as
# ``Popen(cwd=...)`` would) and replaces itself with cargo. ``subprocess`` and ``shutil``
# are not imported: this runs before anything else at the app's start.
_ENTER_AND_RUN = 'cd -P -- "$0" && exec "$@"'


class _Started:
    """A prefetch running: the shell's pid (cargo's, after ``exec``) and its stdout pipe."""

    __slots__ = ("pid", "stdout")

    def __init__(self, pid: int, stdout: int) -> None:
        self.pid = pid
        self.stdout = stdout


_STARTED: dict[tuple[str, ...], _Started] = {}
# answers another process already got (the app's start-up facts process ran cargo)
_ANSWERS: dict[tuple[str, ...], str] = {}


def metadata_args(manifest: Path, cargo_flags: Sequence[str] = ()) -> list[str]:
    """The arguments of the ``cargo metadata`` call for ``manifest`` (one definition)."""
    return ["metadata", "--format-version", "1", "--manifest-path", str(manifest), *cargo_flags]


def _on_path(name: str) -> str | None:
    """What ``shutil.which`` finds (without importing shutil, see above)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = Path(folder or ".") / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _cargo() -> str | None:
    explicit = os.environ.get("CARGO")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return _on_path("cargo")


def spawn_piped(
    argv: Sequence[str], env: dict[str, str], *, own_session: bool = True
) -> tuple[int, int] | None:
    """Start ``argv`` with its stdout on a pipe (stdin and stderr: /dev/null), without
    ``subprocess``; its pid and the pipe's read end, or None when it cannot start (or the
    platform has no ``posix_spawn``: the callers then do without)."""
    if not hasattr(os, "posix_spawn"):
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.posix_spawn(
            argv[0],
            list(argv),
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, write_end, 1),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_CLOSE, read_end),
            ],
            setsid=own_session,
        )
    except OSError:
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
    return pid, read_end


def prefetch_metadata(manifest: Path, *, own_session: bool = True) -> bool:
    """Start ``cargo metadata`` for ``manifest`` now; False when it cannot be started.

    Only when ``cargo`` is found as the normal call finds it (``$CARGO`` or PATH): the
    normal call puts ``~/.cargo/bin`` on PATH first, so anything else is left to it.
    ``own_session=False`` keeps cargo in the caller's process group, so that stopping the
    group (the app's start-up facts process) stops cargo too.
    """
    cargo = _cargo()
    shell = _on_path("sh") or "/bin/sh"
    if cargo is None or not manifest.is_file() or not os.access(shell, os.X_OK):
        return False  # the normal call explains what is missing
    args = metadata_args(manifest)
    argv = [shell, "-c", _ENTER_AND_RUN, str(manifest.parent), cargo, *args]
    spawned = spawn_piped(argv, {**os.environ, **_QUIET}, own_session=own_session)
    if spawned is None:
        return False
    pid, read_end = spawned
    with _LOCK:
        old = _STARTED.pop(tuple(args), None)
        _STARTED[tuple(args)] = _Started(pid, read_end)
    if old is not None:
        _discard(old)
    return True


def provide_prefetched(args: Sequence[str], output: str) -> None:
    """Record what a successful ``cargo metadata`` with ``args`` printed elsewhere, for the
    next :func:`take_prefetched` of the same call (used once, then cargo runs again)."""
    with _LOCK:
        _ANSWERS[tuple(args)] = output
        old = _STARTED.pop(tuple(args), None)
    if old is not None:
        _discard(old)


def take_prefetched(args: Sequence[str], timeout: float = 120.0) -> str | None:
    """The stdout of a prefetched call with exactly ``args`` if it succeeded, else None."""
    with _LOCK:
        answer = _ANSWERS.pop(tuple(args), None)
        started = _STARTED.pop(tuple(args), None)
    if answer is not None:
        if started is not None:
            _discard(started)
        return answer
    if started is None:
        return None
    try:
        output = read_piped(started.pid, started.stdout, timeout)
    except TimeoutError:
        _discard(started)
        return None
    return None if output is None else output.decode("utf-8", "replace")


def read_piped(pid: int, stdout: int, timeout: float) -> bytes | None:
    """All that a :func:`spawn_piped` process printed, once it exited; None when it failed.

    The pipe is closed and the process reaped. Raises TimeoutError (leaving both to the
    caller, who stops it) when it has not finished after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([stdout], [], [], remaining)[0]:
            raise TimeoutError(f"process {pid} still runs after {timeout} s")
        chunk = os.read(stdout, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(stdout)
    _pid, status = os.waitpid(pid, 0)
    return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None


def _discard(started: _Started) -> None:
    stop_piped(started.pid, started.stdout)


def stop_piped(pid: int, stdout: int) -> None:
    """Kill a :func:`spawn_piped` process (its whole group when it leads one), close its
    pipe and reap it."""
    with suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)  # it and anything it started
        else:
            os.kill(pid, signal.SIGKILL)  # it shares the caller's group
    os.close(stdout)
    os.waitpid(pid, 0)

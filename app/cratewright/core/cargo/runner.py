"""The one place that runs cargo: the CLI, the PEP 517 backend and the GUI all go through here.

cargo runs in its own session (and so its own process group) so that cancelling can signal
cargo, rustc, build scripts and anything they spawned at once, and so that a Ctrl-C in the
terminal reaches us, not cargo, letting us clean up in order. stdout and stderr are read by
two threads into a queue; all events are emitted from the calling thread, so sinks need not
be thread-safe. Parsing lives in :mod:`cratewright.core.cargo.messages`.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cratewright.core.cargo.messages import (
    LineSplitter,
    StderrParser,
    stdout_events,
    strip_ansi,
)
from cratewright.errors import BuildCancelled, CargoError, ProjectError, ToolMissingError
from cratewright.events import (
    CancelToken,
    CargoArtifact,
    CargoMessage,
    Diagnostic,
    Event,
    EventSink,
    OutputLine,
    null_sink,
)

__all__ = [
    "CANCELLED_MESSAGE",
    "CargoResult",
    "find_cargo",
    "run_cargo",
    "run_cargo_capture",
]

CANCELLED_MESSAGE = "Build cancelled; cargo and its child processes were stopped."
_MISSING_MESSAGE = "cargo was not found. Install Rust from https://rustup.rs (or set $CARGO)"

_POLL_SECONDS = 0.05
_TERM_GRACE_SECONDS = 3.0  # SIGTERM -> SIGKILL
_KILL_GRACE_SECONDS = 2.0  # SIGKILL -> give up waiting for the group to vanish
_DRAIN_AFTER_EXIT_SECONDS = 2.0  # a leftover grandchild may hold our pipes open
_READ_SIZE = 65536

_TERM_DEFAULTS = {
    "CARGO_TERM_COLOR": "always",
    "CARGO_TERM_PROGRESS_WHEN": "always",
    "CARGO_TERM_PROGRESS_WIDTH": "80",
}


def _is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_cargo(env: Mapping[str, str] | None = None) -> str:
    """Locate cargo: ``$CARGO``, else ``cargo`` on ``PATH``, else ``~/.cargo/bin/cargo``.

    The last fallback matters for GUI launches from a desktop menu, whose ``PATH`` often lacks
    the rustup directory that a login shell would add.

    Args:
        env: Environment to read ``CARGO``/``PATH``/``CARGO_HOME`` from; ``os.environ`` if None.

    Returns:
        The path (or bare name resolved on ``PATH``) of a cargo executable.

    Raises:
        ToolMissingError: cargo is nowhere to be found, or ``$CARGO`` names no executable.
    """
    environ = os.environ if env is None else env
    explicit = environ.get("CARGO")
    if explicit:
        if os.sep in explicit or (os.altsep and os.altsep in explicit):
            if _is_executable_file(Path(explicit)):
                return explicit
        else:
            found = shutil.which(explicit, path=environ.get("PATH"))
            if found:
                return found
        raise ToolMissingError(
            f"cargo was not found: $CARGO is set to {explicit!r}, which is not an executable",
            hint="unset $CARGO or point it at cargo; install Rust from https://rustup.rs",
        )
    found = shutil.which("cargo", path=environ.get("PATH"))
    if found:
        return found
    candidates = []
    if environ.get("CARGO_HOME"):
        candidates.append(Path(environ["CARGO_HOME"]) / "bin" / "cargo")
    candidates.append(Path.home() / ".cargo" / "bin" / "cargo")
    for candidate in candidates:
        if _is_executable_file(candidate):
            return str(candidate)
    raise ToolMissingError(_MISSING_MESSAGE)


@dataclass(frozen=True)
class CargoResult:
    """What a cargo run produced.

    Attributes:
        returncode: cargo's exit status (negative: killed by that signal).
        success: True only if cargo exited 0 and did not report ``build-finished``
            with ``success: false``.
        artifacts: Every ``compiler-artifact``, in cargo's order (fresh ones included).
        diagnostics: Every rustc diagnostic from ``compiler-message``.
        build_scripts: The raw ``build-script-executed`` messages (``linked_paths``,
            ``linked_libs``, ``cfgs``, ``env``, ``out_dir``).
    """

    returncode: int
    success: bool
    artifacts: tuple[CargoArtifact, ...]
    diagnostics: tuple[Diagnostic, ...]
    build_scripts: tuple[dict, ...]


def _child_env(
    cargo: str,
    env: Mapping[str, str] | None,
    extra_env: Mapping[str, str] | None,
    defaults: Mapping[str, str],
) -> dict[str, str]:
    """The environment for cargo.

    Our terminal defaults override values inherited from ``os.environ`` (a user's
    ``CARGO_TERM_COLOR=never`` must not break progress parsing) but never values the caller
    passed explicitly in ``env`` or ``extra_env``.
    """
    explicit = dict(env or {})
    explicit.update(extra_env or {})
    merged = dict(os.environ if env is None else env)
    for key, value in defaults.items():
        if key not in explicit:
            merged[key] = value
    merged.update(extra_env or {})
    # cargo found by the ~/.cargo/bin fallback, outside PATH: rustc and rustup's proxies
    # live next to it, and cargo looks for `rustc` on PATH.
    if not merged.get("CARGO") and shutil.which("cargo", path=merged.get("PATH")) is None:
        path_dirs = [p for p in merged.get("PATH", "").split(os.pathsep) if p]
        merged["PATH"] = os.pathsep.join([str(Path(cargo).parent), *path_dirs])
    return merged


def _spawn(
    args: Sequence[str], cwd: Path, child_env: dict[str, str], cargo: str
) -> subprocess.Popen[bytes]:
    """Start cargo in a new session with piped output, mapping OS errors to our errors."""
    if not Path(cwd).is_dir():
        raise ProjectError(f"cannot run cargo: the directory {cwd} does not exist")
    try:
        return subprocess.Popen(
            [cargo, *args],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise ToolMissingError(_MISSING_MESSAGE) from exc
    except OSError as exc:
        raise ToolMissingError(
            f"cargo at {cargo} could not be started: {exc.strerror or exc}",
            hint="check that it is an executable; install Rust from https://rustup.rs",
        ) from exc


def _proc_group_members(pgid: int) -> bool | None:
    """Whether /proc lists a live (non-zombie) process in group ``pgid``; None without /proc.

    Zombies are skipped: an orphan re-parented to an init that is slow to reap must not make
    us think the build is still running.
    """
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) >= 3 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _group_alive(pgid: int) -> bool:
    listed = _proc_group_members(pgid)
    if listed is not None:
        return listed
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(proc: subprocess.Popen[Any], sig: int) -> None:
    if hasattr(os, "killpg"):
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
    elif proc.poll() is None:  # pragma: no cover - Windows has no process groups to signal
        with suppress(OSError):
            proc.kill()


def _wait_for_group(proc: subprocess.Popen[Any], timeout: float) -> bool:
    """Reap cargo and wait until its whole group is gone; True if that happened in time."""
    deadline = time.monotonic() + timeout
    while True:
        proc.poll()
        if proc.returncode is not None and (
            not hasattr(os, "killpg") or not _group_alive(proc.pid)
        ):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _stop_process_tree(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM cargo's process group, SIGKILL it after a grace period, and reap cargo.

    The group, not just cargo, is signalled: rustc, build scripts and whatever they spawned
    share it, and cargo does not always outlive them long enough to forward a signal.
    """
    _signal_group(proc, signal.SIGTERM)
    if not _wait_for_group(proc, _TERM_GRACE_SECONDS):
        _signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))
        _wait_for_group(proc, _KILL_GRACE_SECONDS)
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=_KILL_GRACE_SECONDS)


def _stop_stragglers(proc: subprocess.Popen[Any]) -> None:
    """After cargo exited: stop what it left in its process group (rustc, build scripts).

    cargo waits for its children when it exits normally, but when it is killed (``kill -9``,
    the OOM killer) rustc keeps compiling as an orphan in cargo's group. Only then: after a
    normal exit, what a ``cargo run`` program started on purpose is left alone.
    """
    if hasattr(os, "killpg") and _group_alive(proc.pid):
        _stop_process_tree(proc)


def _read_pipe(name: str, pipe: IO[bytes], out: queue.Queue[tuple[str, bytes | None]]) -> None:
    """Reader thread: forward raw chunks, then ``None`` at end of stream.

    The thread owns the pipe and closes it itself: closing it from another thread while a
    read is pending would let the fd number be reused and read from an unrelated file.
    """
    try:
        fd = pipe.fileno()
        while True:
            chunk = os.read(fd, _READ_SIZE)
            if not chunk:
                break
            out.put((name, chunk))
    except (OSError, ValueError):
        pass
    finally:
        with suppress(OSError):
            pipe.close()
        out.put((name, None))


class _Collector:
    """Routes parsed events to the sink and keeps what :class:`CargoResult` needs."""

    def __init__(self, sink: EventSink) -> None:
        self.sink = sink
        self.artifacts: list[CargoArtifact] = []
        self.diagnostics: list[Diagnostic] = []
        self.build_scripts: list[dict] = []
        self.build_finished: bool | None = None
        self.splitters = {
            "stdout": LineSplitter(split_cr=False),
            "stderr": LineSplitter(split_cr=True),
        }
        self.stderr_parser = StderrParser()

    def feed(self, stream: str, chunk: bytes | None) -> None:
        splitter = self.splitters[stream]
        lines = splitter.finish() if chunk is None else splitter.feed(chunk)
        for line in lines:
            parse = stdout_events if stream == "stdout" else self.stderr_parser.events
            events = parse(line)
            for event in events:
                self._record(event)
                self.sink(event)

    def _record(self, event: Event) -> None:
        if isinstance(event, CargoArtifact):
            self.artifacts.append(event)
        elif isinstance(event, Diagnostic):
            self.diagnostics.append(event)
        elif isinstance(event, CargoMessage):
            if event.reason == "build-script-executed":
                self.build_scripts.append(event.data)
            elif event.reason == "build-finished":
                self.build_finished = bool(event.data.get("success"))


def _check_cancel(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise BuildCancelled(CANCELLED_MESSAGE)


def _pump(proc: subprocess.Popen[bytes], collector: _Collector, cancel: CancelToken | None) -> int:
    """Drain both pipes into the collector until cargo is done; return its exit status."""
    chunks: queue.Queue[tuple[str, bytes | None]] = queue.Queue()
    readers = [
        threading.Thread(
            target=_read_pipe, args=(name, pipe, chunks), name=f"cargo-{name}", daemon=True
        )
        for name, pipe in (("stdout", proc.stdout), ("stderr", proc.stderr))
        if pipe is not None
    ]
    for reader in readers:
        reader.start()
    open_streams = {"stdout", "stderr"}
    exited_at: float | None = None
    while open_streams:
        _check_cancel(cancel)
        try:
            stream, chunk = chunks.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if proc.poll() is not None:
                exited_at = exited_at or time.monotonic()
                if time.monotonic() - exited_at > _DRAIN_AFTER_EXIT_SECONDS:
                    # Something cargo started still holds the pipe; stop waiting for it.
                    for name in sorted(open_streams):
                        collector.feed(name, None)
                    break
            continue
        collector.feed(stream, chunk)
        if chunk is None:
            open_streams.discard(stream)
    while True:
        _check_cancel(cancel)
        try:
            return proc.wait(timeout=_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            continue


def run_cargo(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> CargoResult:
    """Run ``cargo *args`` and stream its output as events.

    The caller chooses the subcommand and adds ``--message-format=json-diagnostic-rendered-ansi``
    when it wants typed events. A failing build is not an exception: the result says
    ``success=False`` and the caller decides what to raise, since only it knows what was
    being built.

    Args:
        args: Arguments after ``cargo``.
        cwd: Directory to run in.
        env: Full environment for cargo (``os.environ`` if None).
        sink: Receives OutputLine, CargoMessage, Diagnostic, CargoArtifact, Progress and
            Status events, always on the calling thread.
        cancel: Polled every ~50 ms; when set, the whole process tree is stopped.
        extra_env: Variables layered over ``env``.

    Returns:
        The exit status, success flag and the collected artifacts, diagnostics and
        build-script messages.

    Raises:
        ToolMissingError: cargo cannot be found or started.
        ProjectError: ``cwd`` does not exist.
        BuildCancelled: ``cancel`` was set; cargo and its children have been stopped.
        KeyboardInterrupt: re-raised after the process tree has been stopped.
    """
    cargo = find_cargo(env)
    child_env = _child_env(cargo, env, extra_env, _TERM_DEFAULTS)
    _check_cancel(cancel)
    proc = _spawn(args, cwd, child_env, cargo)
    collector = _Collector(sink)
    try:
        returncode = _pump(proc, collector, cancel)
    except BaseException:
        # Cancel, Ctrl-C, or a sink that raised: never leave cargo or rustc running.
        _stop_process_tree(proc)
        raise
    if returncode < 0:  # cargo itself was killed by a signal
        _stop_stragglers(proc)
    success = returncode == 0 and collector.build_finished is not False
    return CargoResult(
        returncode=returncode,
        success=success,
        artifacts=tuple(collector.artifacts),
        diagnostics=tuple(collector.diagnostics),
        build_scripts=tuple(collector.build_scripts),
    )


def _stderr_tail(stderr: str, max_lines: int = 12) -> str:
    """The useful end of cargo's stderr: from its first "error" line, at most ``max_lines``."""
    lines = [line.rstrip() for line in strip_ansi(stderr).splitlines()]
    lines = [line for line in lines if line.strip()]
    for index, line in enumerate(lines):
        if line.lstrip().startswith("error"):
            lines = lines[index:]
            break
    return "\n".join(lines[-max_lines:])


def run_cargo_capture(
    args: Sequence[str],
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    cancel: CancelToken | None = None,
    sink: EventSink = null_sink,
) -> str:
    """Run a short cargo command (``cargo metadata``...) and return its whole stdout.

    stderr is collected, not streamed as lines, and colours and progress are turned off
    (unless the caller set them) so that a failure message reads cleanly. Cancellation and
    Ctrl-C stop the process group just like :func:`run_cargo`.

    Args:
        args: Arguments after ``cargo``.
        cwd: Directory to run in.
        env: Full environment for cargo (``os.environ`` if None).
        extra_env: Variables layered over ``env``.
        cancel: Polled every ~50 ms.
        sink: Receives one ``OutputLine("stderr", ...)`` per stderr line after cargo exits,
            so that warnings (e.g. about the manifest) are not lost.

    Returns:
        cargo's stdout, decoded as UTF-8 (invalid bytes replaced).

    Raises:
        ToolMissingError: cargo cannot be found or started.
        CargoError: cargo exited non-zero; the message ends with cargo's own error lines.
        BuildCancelled: ``cancel`` was set.
    """
    cargo = find_cargo(env)
    defaults = {"CARGO_TERM_COLOR": "never", "CARGO_TERM_PROGRESS_WHEN": "never"}
    child_env = _child_env(cargo, env, extra_env, defaults)
    _check_cancel(cancel)
    proc = _spawn(args, cwd, child_env, cargo)
    try:
        while True:
            _check_cancel(cancel)
            try:
                out, err = proc.communicate(timeout=_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                continue
    except BaseException:
        _stop_process_tree(proc)
        raise
    stdout = out.decode("utf-8", errors="replace")
    stderr = err.decode("utf-8", errors="replace")
    for line in stderr.splitlines():
        sink(OutputLine("stderr", line))
    if proc.returncode != 0:
        command = " ".join(["cargo", *args])
        tail = _stderr_tail(stderr)
        status = f"exit status {proc.returncode}"
        message = f"`{command}` failed ({status})"
        raise CargoError(f"{message}:\n{tail}" if tail else message)
    return stdout

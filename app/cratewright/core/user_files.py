"""Open, stat and resolve paths that a user (or a user's project file) named, safely.

A path from a project file or the command line can be anything: a FIFO that blocks a read
forever, a device, a symlink loop (``RuntimeError`` from pathlib on Python 3.11, ``OSError``
ELOOP later), a NUL byte (``ValueError``), a name longer than the file system allows
(``OSError`` ENAMETOOLONG). Every such path goes through here, so each of those ends as one
clear :class:`~cratewright.errors.CratewrightError` naming the path and what it was for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Literal

from cratewright.errors import CratewrightError, ProjectError

__all__ = [
    "PathKind",
    "describe_path_error",
    "path_kind",
    "prepare_output_dir",
    "read_user_file",
    "remove_stale_temps",
    "safe_resolve",
]

PathKind = Literal["file", "dir", "missing"]

_READ_CHUNK = 1 << 20


def _shown(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= 160 else f"{text[:80]}…{text[-40:]} ({len(text)} characters)"


def describe_path_error(exc: BaseException) -> str:
    """A short reason for an error raised by a path operation."""
    if isinstance(exc, ValueError):
        return "the path contains a NUL byte" if "null" in str(exc) else str(exc)
    if isinstance(exc, RuntimeError):  # pathlib's "Symlink loop from ..." on Python 3.11
        return "a symbolic link loop"
    if isinstance(exc, OSError):
        if exc.errno == errno.ENAMETOOLONG:
            return "the name is longer than the file system allows"
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return exc.strerror or str(exc)
    return str(exc)


def _error(
    error: type[CratewrightError], what: str, path: str | os.PathLike[str], reason: str
) -> CratewrightError:
    return error(f"{what} `{_shown(path)}` cannot be used: {reason}")


def safe_resolve(path: Path, what: str, *, error: type[CratewrightError] = ProjectError) -> Path:
    """``path.resolve()`` whose loop / NUL / too-long failures are one clear error."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise _error(error, what, path, describe_path_error(exc)) from None


def path_kind(path: Path, what: str, *, error: type[CratewrightError] = ProjectError) -> PathKind:
    """ "file", "dir" or "missing"; anything else (FIFO, device, socket, loop) is refused."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"
    except (OSError, RuntimeError, ValueError) as exc:
        raise _error(error, what, path, describe_path_error(exc)) from None
    if stat.S_ISREG(info.st_mode):
        return "file"
    if stat.S_ISDIR(info.st_mode):
        return "dir"
    raise _error(error, what, path, f"it is a {_kind_name(info.st_mode)}, not a regular file")


def _kind_name(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def read_user_file(
    path: Path,
    what: str,
    *,
    error: type[CratewrightError] = ProjectError,
    limit: int | None = None,
) -> bytes:
    """The bytes of a regular file; a FIFO, device or directory is refused without blocking.

    The file is opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor,
    so a FIFO put in place between a check and the open cannot hang the read either.
    ``limit`` refuses files larger than that many bytes (a runaway readme, a disk image).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _error(error, what, path, "it does not exist") from None
    except IsADirectoryError:
        raise _error(error, what, path, "it is a directory, not a file") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise _error(error, what, path, describe_path_error(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _error(error, what, path, "it is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise _error(
                error, what, path, f"it is a {_kind_name(info.st_mode)}, not a regular file"
            )
        if limit is not None and info.st_size > limit:
            raise _error(error, what, path, f"it is larger than {limit} bytes")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks = []
        while chunk := os.read(fd, _READ_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _error(error, what, path, describe_path_error(exc)) from None
    finally:
        os.close(fd)


#: What a probe writes into an output directory before a long job: enough to catch a full
#: disk (a few hundred kB is less than any wheel), small enough to be instant.
OUTPUT_PROBE_BYTES = 256 * 1024


def prepare_output_dir(
    path: Path, what: str, *, error: type[CratewrightError] = ProjectError
) -> Path:
    """Create ``path`` if needed and prove it can take a file, before any long work starts.

    A build compiles for minutes before it writes the wheel; a read-only, full or
    file-instead-of-folder output directory must be found first. The probe is a hidden
    temporary file of :data:`OUTPUT_PROBE_BYTES`, written, synced and removed.
    """
    kind = path_kind(path, what, error=error)
    if kind == "file":
        raise _error(error, what, path, "it is a file, not a folder")
    if kind == "missing":
        try:
            path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise _error(error, what, path, "a file of that name is in the way") from None
        except (OSError, ValueError) as exc:
            raise _error(error, what, path, describe_path_error(exc)) from None
    probe: str | None = None
    try:
        fd, probe = tempfile.mkstemp(prefix=".cratewright-probe-", dir=path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"\0" * OUTPUT_PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        reason = describe_path_error(exc)
        if exc.errno == errno.ENOSPC:
            reason = "no space is left on its file system"
        elif exc.errno == errno.EROFS:
            reason = "its file system is read-only"
        elif exc.errno == errno.EACCES:
            reason = "permission denied (it cannot be written)"
        raise _error(error, what, path, reason) from None
    finally:
        if probe is not None:
            with contextlib.suppress(OSError):
                Path(probe).unlink()
    return path


#: A temp file of ours older than this was left by a write that was killed (SIGKILL, power).
STALE_TEMP_SECONDS = 60.0


def remove_stale_temps(directory: Path, prefix: str, suffix: str = "") -> list[Path]:
    """Remove ``<prefix>XXXXXXXX<suffix>`` files (``mkstemp``'s names) older than a minute.

    Every atomic write of ours goes through a hidden temp file that a killed process leaves
    behind; the next write of the same file cleans it. Only names of exactly that pattern
    and only older ones, so a write running in another process right now keeps its file.
    """
    pattern = re.compile(re.escape(prefix) + r"[A-Za-z0-9_]{8}" + re.escape(suffix))
    now = time.time()
    removed: list[Path] = []
    try:
        candidates = [p for p in directory.iterdir() if pattern.fullmatch(p.name)]
    except (OSError, ValueError):
        return removed
    for candidate in candidates:
        try:
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_TEMP_SECONDS:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed

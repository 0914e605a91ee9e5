"""Remember what interpreters said about themselves, until a file they depend on changes.

Two layers. The in-process cache serves builds: one ``cratewright build -i A -i B`` probes
each interpreter once. The on-disk cache serves listings (``list-python``, the GUI), so a
second listing starts no interpreter at all. A disk entry is keyed by the path that was run
and stamped with the real file's path, size and mtime plus the mtimes of the interpreter's
site-packages folders and ``pyvenv.cfg``: replacing the binary, re-pointing a symlink or
installing a package (cffi, pip) makes the entry stale. Failures are kept too (a broken
script stays broken until it changes), except timeouts, which may be a busy machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright import __version__

__all__ = [
    "CachedProbe",
    "DiskProbeCache",
    "clear_probe_cache",
    "default_cache_dir",
    "memory_get",
    "memory_key",
    "memory_put",
]

_CACHE_FILE = "interpreters.json"
_FORMAT = 1

_memory: dict[tuple[str, str, int], Any] = {}
_memory_lock = threading.Lock()


def clear_probe_cache() -> None:
    """Forget all in-process probe results (e.g. after the user installed a package)."""
    with _memory_lock:
        _memory.clear()


def memory_key(exe: Path) -> tuple[str, str, int] | None:
    """(path run, real path, real file's mtime), or None when the file cannot be stat'ed."""
    try:
        real = exe.resolve()
        return (str(exe), str(real), real.stat().st_mtime_ns)
    except OSError:
        return None


def memory_get(key: tuple[str, str, int]) -> Any:
    """The cached InterpreterInfo for ``key``, or None."""
    with _memory_lock:
        return _memory.get(key)


def memory_put(key: tuple[str, str, int], info: Any) -> None:
    """Remember ``info`` for ``key`` in this process."""
    with _memory_lock:
        _memory[key] = info


def default_cache_dir() -> Path:
    """``$CRATEWRIGHT_CACHE_DIR``, else the platform's user cache folder for cratewright."""
    override = os.environ.get("CRATEWRIGHT_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "cratewright"
    # platformdirs would say the same on Linux; importing it costs more than this line.
    return Path.home() / ".cache" / "cratewright"


@dataclass(frozen=True)
class CachedProbe:
    """One remembered answer: the probe's JSON object, or the error it ended with."""

    data: dict[str, Any] | None
    error: str | None = None
    hint: str | None = None


def _mtime(path: str) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return None


def _stamp(exe: Path, site_dirs: list[str]) -> list[Any] | None:
    """What must be unchanged for an answer about ``exe`` to still hold."""
    try:
        real = exe.resolve()
        info = real.stat()
    except OSError:
        return None
    venv_cfg = exe.parent.parent / "pyvenv.cfg"
    extra = [str(venv_cfg), *site_dirs]
    return [str(real), info.st_size, info.st_mtime_ns, [[p, _mtime(p)] for p in extra]]


def _source_digest(probe_source: str) -> str:
    """Answers from another probe script or cratewright version are not reused."""
    return hashlib.sha256(f"{__version__}\0{probe_source}".encode()).hexdigest()[:16]


class DiskProbeCache:
    """A JSON file of probe answers, loaded once and saved atomically when it changed.

    Thread-safe: discovery probes in parallel and records answers from worker threads.
    """

    def __init__(self, probe_source: str, directory: Path | None = None) -> None:
        self.path = (directory or default_cache_dir()) / _CACHE_FILE
        self._digest = _source_digest(probe_source)
        self._lock = threading.Lock()
        self._entries: dict[str, Any] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
            return {}
        if raw.get("probe") != self._digest or not isinstance(raw.get("entries"), dict):
            return {}
        return raw["entries"]

    def get(self, exe: Path) -> CachedProbe | None:
        """The remembered answer for ``exe`` if nothing it depends on changed."""
        with self._lock:
            entry = self._entries.get(str(exe))
        if not isinstance(entry, dict):
            return None
        data = entry.get("data")
        site_dirs = data.get("site_dirs") if isinstance(data, dict) else None
        dirs = [d for d in site_dirs or [] if isinstance(d, str)]
        if entry.get("stamp") != _stamp(exe, dirs):
            return None
        return CachedProbe(data if isinstance(data, dict) else None, entry.get("error"),
                           entry.get("hint"))  # fmt: skip

    def put(self, exe: Path, answer: CachedProbe) -> None:
        """Remember ``answer`` for ``exe`` (stamped now)."""
        site_dirs = answer.data.get("site_dirs") if answer.data else None
        stamp = _stamp(exe, [d for d in site_dirs or [] if isinstance(d, str)])
        if stamp is None:
            return
        entry = {"stamp": stamp, "data": answer.data, "error": answer.error, "hint": answer.hint}
        with self._lock:
            if self._entries.get(str(exe)) != entry:
                self._entries[str(exe)] = entry
                self._dirty = True

    def save(self) -> None:
        """Write the file if anything changed; a cache that cannot be written is no error."""
        with self._lock:
            if not self._dirty:
                return
            payload = {"format": _FORMAT, "probe": self._digest, "entries": self._entries}
            self._dirty = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".interpreters-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(payload, handle)
                Path(tmp).replace(self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass

    def clear(self) -> None:
        """Forget every answer and delete the file."""
        with self._lock:
            self._entries = {}
            self._dirty = False
        self.path.unlink(missing_ok=True)

"""watchfiles in a thread of its own, handing batches of changed paths to the watch loop.

watchfiles (Rust's notify underneath) is the watcher; this module only adapts it: it starts
and stops with the set of folders the watch needs, and it is ready only once it really sees
events, so no save right after a (re)start is lost.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from cratewright.errors import ToolMissingError

__all__ = ["FileWatcher", "require_watchfiles"]

# watchfiles hands over a batch once no new event came for this long: a save (write, rename,
# chmod) is one batch, and it is most of the wait between a save and cargo starting. Every
# step also wakes the thread once, which an idle watch pays for (well under 1 % of a core).
_STEP_MS = 20


def require_watchfiles() -> Any:
    """The watchfiles module, or a ToolMissingError that says how to get it."""
    try:
        import watchfiles
    except ImportError:  # the `watch` extra
        raise ToolMissingError(
            "Watching needs the watchfiles package",
            hint="pip install 'cratewright[watch]' (or pip install watchfiles)",
        ) from None
    return watchfiles


class FileWatcher:
    """watchfiles in a thread of its own, feeding batches of changed paths into a queue.

    watchfiles installs its watches only once its generator runs, so :meth:`start` returns
    after a probe file it touched has been seen: a save right after start is never missed.
    """

    def __init__(self, directories: list[Path], out: queue.Queue[set[Path]]) -> None:
        self.directories = directories
        self._out = out
        self._stop = threading.Event()
        self._seen_probe = threading.Event()
        self._probe: Path | None = None
        self._thread = threading.Thread(target=self._run, name="cratewright-watch", daemon=True)

    def start(self) -> None:
        if not self.directories:
            return
        try:  # a hidden name that is_noise() ignores, in the first directory watched
            fd, name = tempfile.mkstemp(prefix=".cratewright-watch.tmp-", dir=self.directories[0])
            os.close(fd)
            self._probe = Path(name)
        except OSError:
            self._probe = None
        self._thread.start()
        deadline = time.monotonic() + 5
        while self._probe is not None and time.monotonic() < deadline:
            try:
                self._probe.write_bytes(b"?")
            except OSError:
                break
            if self._seen_probe.wait(0.05):
                break
        if self._probe is None:
            time.sleep(0.3)  # nothing to probe with (read-only folder): give it a moment
        else:
            self._probe.unlink(missing_ok=True)

    def _run(self) -> None:
        watchfiles = require_watchfiles()
        for changes in watchfiles.watch(
            *self.directories,
            recursive=False,
            stop_event=self._stop,
            step=_STEP_MS,
            debounce=1600,
            rust_timeout=1000,
            yield_on_timeout=False,
            raise_interrupt=False,
            ignore_permission_denied=True,
        ):
            paths = {Path(path) for _, path in changes}
            if self._probe is not None and self._probe in paths:
                self._seen_probe.set()
                paths.discard(self._probe)
            if paths:
                self._out.put(paths)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

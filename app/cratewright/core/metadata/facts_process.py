"""Derive the Overview's facts in a second process while the desktop app imports Qt.

On a start with a project, importing Qt takes one core for about 100 ms, and loading the
project needs the engine (about 50 ms of imports, then TOML, ``cargo metadata`` and the
metadata merge). In one process both take turns on the GIL; here the child does the second
on another core and answers with :class:`OverviewFacts` and cargo's answer, so the
window paints the project without waiting for the engine. The app then loads the project as
always (the engine, after the first frame), and that load takes cargo's answer from here
instead of running cargo again.

Only the standard library is imported in the parent, before Qt. Anything that goes wrong in
the child (broken TOML, no cargo) just means no facts: the app's own load reports it.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cratewright.core.cargo.prefetch import (
    prefetch_metadata,
    provide_prefetched,
    read_piped,
    spawn_piped,
    stop_piped,
)

if TYPE_CHECKING:
    from cratewright.core.metadata.overview_facts import OverviewFacts

__all__ = ["FactsProcess", "child_main", "start_facts_process"]

# The answer ends when the child's stdout closes: it exits at once after writing, without the
# interpreter's tear-down (10 ms that the window would wait for).
_CHILD = (
    "import os, sys\n"
    "from cratewright.core.metadata.facts_process import child_main\n"
    "code = child_main(sys.argv[1:])\n"
    "sys.stdout.buffer.flush()\n"
    "os._exit(code)\n"
)


class FactsProcess:
    """The child started by :func:`start_facts_process`: read its answer once."""

    __slots__ = ("_pid", "_stdout")

    def __init__(self, pid: int, stdout: int) -> None:
        self._pid = pid
        self._stdout: int | None = stdout

    def fileno(self) -> int:
        """The pipe to wait on (readable when the child answers or ends)."""
        if self._stdout is None:
            raise ValueError("the facts were already read")
        return self._stdout

    def result(self, timeout: float = 120.0) -> OverviewFacts | None:
        """The facts, or None when the child failed or took longer than ``timeout``.

        Cargo's answer is handed to the next ``load_cargo_metadata`` with the same arguments.
        """
        if self._stdout is None:
            return None
        try:
            data = read_piped(self._pid, self._stdout, timeout)
        except TimeoutError:
            self.discard()
            return None
        self._stdout = None
        return None if data is None else _parse_answer(data)

    def discard(self) -> None:
        """Stop the child (the project is no longer wanted) and reap it."""
        if self._stdout is None:
            return
        stdout, self._stdout = self._stdout, None
        stop_piped(self._pid, stdout)


def _parse_answer(data: bytes) -> OverviewFacts | None:
    try:
        answer = marshal.loads(data)
        facts, cargo_args, cargo_output = (
            answer["facts"], answer["cargo_args"], answer["cargo_output"]
        )  # fmt: skip
    except (ValueError, EOFError, KeyError, TypeError):
        return None
    provide_prefetched(cargo_args, cargo_output)
    return facts  # type: ignore[no-any-return]


def start_facts_process(path: Path) -> FactsProcess | None:
    """Start the child for the project at ``path``; None when it cannot be started."""
    # The child imports from exactly this process's path (this copy of cratewright, a checkout
    # or an install) and skips ``site``, which would only rebuild that path: 10 ms of a child
    # that shares the machine with the app's own start.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}
    spawned = spawn_piped([sys.executable, "-S", "-c", _CHILD, str(path)], env)
    return None if spawned is None else FactsProcess(*spawned)


def child_main(argv: list[str]) -> int:
    """The child: load the project as the app would and write the facts and cargo's answer.

    In ``marshal``'s format: both ends are this same interpreter, and the app's side needs no
    module for it (``json`` would be 2 ms of imports before the first frame).
    """
    import json

    path = Path(argv[0]).expanduser().resolve()
    manifest = path / "Cargo.toml" if path.is_dir() else path
    if manifest.name == "Cargo.toml":
        # cargo runs while this process imports the engine; in this process's group, so
        # that the app's discard() stops both
        prefetch_metadata(manifest, own_session=False)
    from cratewright.core.cargo.prefetch import metadata_args
    from cratewright.core.metadata.overview import load_overview
    from cratewright.core.metadata.overview_facts import facts_of
    from cratewright.errors import CratewrightError

    try:
        overview = load_overview(path)
    except (CratewrightError, OSError):
        return 1  # the app's own load says what is wrong
    answer = {
        "facts": facts_of(overview),
        "cargo_args": metadata_args(overview.project.cargo_toml),
        "cargo_output": json.dumps(overview.cargo_metadata.raw),
    }
    sys.stdout.buffer.write(marshal.dumps(answer))
    return 0

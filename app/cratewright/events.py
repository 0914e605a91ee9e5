"""Typed events that the engine emits while it works, plus cancellation.

The engine never prints. It hands events to a sink passed in by its caller: the CLI prints
them, the PEP 517 backend logs them, the GUI turns them into Qt signals. Events are frozen
dataclasses so that they can cross threads safely.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "CancelToken",
    "CargoArtifact",
    "CargoMessage",
    "Diagnostic",
    "Event",
    "EventSink",
    "Message",
    "OutputLine",
    "Progress",
    "Status",
    "WatchCycle",
    "WheelBuilt",
    "null_sink",
]


@dataclass(frozen=True)
class OutputLine:
    """One line a child process wrote; ``text`` keeps ANSI colour codes, no trailing newline."""

    stream: Literal["stdout", "stderr"]
    text: str


@dataclass(frozen=True)
class CargoMessage:
    """Any cargo JSON message (``reason`` plus the decoded object)."""

    reason: str
    data: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Diagnostic:
    """A rustc diagnostic taken from a ``compiler-message``; ``rendered`` keeps ANSI colours."""

    level: str
    message: str
    rendered: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    code: str | None = None


@dataclass(frozen=True)
class CargoArtifact:
    """A ``compiler-artifact``: one compiled unit, the files it produced and the features it
    was really compiled with (what the post-compile abi3 check reads)."""

    package_id: str
    target_name: str
    kinds: tuple[str, ...]
    filenames: tuple[str, ...]
    executable: str | None
    fresh: bool
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """cargo's own "Building [==>  ] n/m" counter; ``total`` is cargo's unit count."""

    current: int
    total: int
    detail: str = ""


@dataclass(frozen=True)
class Status:
    """A short status line, e.g. "Compiling pyo3 v0.30.1" or "Finished"."""

    text: str


@dataclass(frozen=True)
class Message:
    """An engine message for the user (maturin's 📦/⚠️ lines); level is info or warning."""

    level: Literal["info", "warning"]
    text: str


@dataclass(frozen=True)
class WheelBuilt:
    """A finished artifact in the out dir."""

    path: str
    tag: str


@dataclass(frozen=True)
class WatchCycle:
    """One cycle of a watch (``develop --watch``, the Build page's "Rebuild on save").

    ``action`` is develop / rebuild / python; ``result`` is installed, failed, cancelled or
    unchanged (a Python-only change an editable install already serves).
    """

    number: int
    trigger: tuple[str, ...]
    action: str
    seconds: float
    result: str
    detail: str
    watched_files: int

    def line(self) -> str:
        """The one line the CLI prints and the GUI shows for this cycle."""
        what = ", ".join(self.trigger[:3]) + (" …" if len(self.trigger) > 3 else "")
        cause = f"{what} changed: " if what else ""
        icon = {"installed": "✅", "failed": "❌", "cancelled": "⏭", "unchanged": "🐍"}
        timing = f" in {self.seconds:.2f} s" if self.seconds else ""
        detail = f": {self.detail}" if self.detail else ""
        return (
            f"{icon.get(self.result, '👀')} [{self.number}] {cause}{self.action} "
            f"{self.result}{timing}{detail}; watching {self.watched_files} files"
        )


Event = (
    OutputLine
    | CargoMessage
    | Diagnostic
    | CargoArtifact
    | Progress
    | Status
    | Message
    | WheelBuilt
    | WatchCycle
)
EventSink = Callable[[Event], None]


def null_sink(event: Event) -> None:
    """Discard events; for callers that only want the result."""


class CancelToken:
    """Thread-safe cancellation flag shared by the caller and the engine.

    The GUI's Cancel button calls :meth:`cancel` from the UI thread while the build runs in
    a worker; the cargo runner polls :attr:`cancelled` and kills the whole process group.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the running job to stop as soon as it can."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancel; returns :attr:`cancelled`."""
        return self._event.wait(timeout)

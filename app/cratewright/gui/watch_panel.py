"""The "Rebuild on save" switch beside Develop: a watch session, its status and its errors.

The session is the core's :class:`~cratewright.core.develop.watch.DevelopWatch`, run as one
long task; this widget only shows what its events say (cycles, the log, diagnostics) and
stops it. The window asks before closing while a watch runs (``running_jobs``) and names the
watch in its title (``AppState.set_watching``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cratewright.core.build import BuildOptions
from cratewright.core.develop import DevelopWatch
from cratewright.errors import CratewrightError
from cratewright.events import Diagnostic, Event, Message, OutputLine, WatchCycle
from cratewright.gui.diagnostics_view import DiagnosticsView
from cratewright.gui.page import RunningJob
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["WatchPanel"]

_EXPLAIN = (
    "After Develop, rebuild and reinstall whenever a file the build reads is saved: the Rust "
    "sources cargo lists, build-script inputs and the manifests. Python files of an editable "
    "(mixed) install are live without a rebuild. target/, .git, __pycache__ and editor swap "
    "files are ignored."
)


class WatchPanel(QWidget):
    """A switch, a status line and a Stop button; diagnostics appear when a cycle fails.

    Signal ``log_lines(list[str])`` carries the session's output for the panel's log.
    """

    log_lines = Signal(list)

    def __init__(
        self,
        state: AppState,
        *,
        options: Callable[[], BuildOptions | None],
        environment: Callable[[], Path | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self._options = options
        self._environment = environment
        self._task: Task | None = None
        self._started = 0.0
        self._last: WatchCycle | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.switch = QCheckBox("Rebuild on save", self)
        self.switch.setToolTip(_EXPLAIN)
        self.switch.toggled.connect(self._toggled)
        row.addWidget(self.switch)
        self.status = QLabel("Not watching.", self)
        self.status.setToolTip(_EXPLAIN)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.status, 1)
        self.stop_button = QPushButton("Stop watching", self)
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        self.diagnostics = DiagnosticsView(self)
        self.diagnostics.setMinimumHeight(160)
        self.diagnostics.hide()
        layout.addWidget(self.diagnostics)

    @property
    def watching(self) -> bool:
        """True while a watch session runs."""
        return self._task is not None and self._task.running

    def set_available(self, available: bool) -> None:
        """Develop's own conditions (a project, an environment, nothing else running)."""
        self.switch.setEnabled(available or self.watching)

    def _toggled(self, on: bool) -> None:
        if on and not self.watching:
            self.start()
        elif not on and self.watching:
            self.stop()

    def start(self) -> bool:
        """Start a watch in the chosen environment; False when there is nothing to watch."""
        options, environment = self._options(), self._environment()
        if options is None or environment is None:
            self.status.setText("Choose an environment first.")
            self.switch.setChecked(False)
            return False
        self.diagnostics.clear_diagnostics()
        self.diagnostics.hide()
        self._last = None
        self._started = time.monotonic()
        self.status.setText("Developing, then watching…")
        session = DevelopWatch(options, develop_kwargs={"environment": environment})

        def work(sink, cancel):  # type: ignore[no-untyped-def]
            session.sink = sink
            session.run(cancel)

        self._task = run_task(
            work,
            parent=self,
            on_events=self._events,
            on_failure=self._failed,
            on_finished=self._finished,
        )
        self.switch.setChecked(True)
        self.stop_button.setEnabled(True)
        self.state.set_watching(True)
        return True

    def stop(self) -> None:
        """Stop the session (a running cycle's cargo is stopped with it)."""
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Stopping the watch…")

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop and wait (window closing)."""
        if self._task is not None and self._task.running:
            self._task.cancel()
            self._task.wait(timeout_ms)

    def running_jobs(self) -> list[RunningJob]:
        """A running watch, named, so the window asks before closing."""
        if not self.watching:
            return []
        name = self.state.overview.name if self.state.overview else "the project"
        return [
            RunningJob(f"a watch of {name} (rebuild on save)", time.monotonic() - self._started)
        ]

    def _events(self, events: list[Event]) -> None:
        lines: list[str] = []
        for event in events:
            if isinstance(event, WatchCycle):
                self._cycle(event)
            elif isinstance(event, Diagnostic):
                self.diagnostics.add(event)
            elif isinstance(event, OutputLine | Message):
                lines.append(event.text)
        if lines:
            self.log_lines.emit(lines)

    def _cycle(self, cycle: WatchCycle) -> None:
        self._last = cycle
        when = time.strftime("%H:%M:%S")
        result = {
            "installed": "✔ installed",
            "failed": "✖ failed",
            "cancelled": "restarted (newer change)",
            "unchanged": "✔ Python change, live without a rebuild",
        }.get(cycle.result, cycle.result)
        took = f" in {cycle.seconds:.1f} s" if cycle.seconds else ""
        text = (
            f"Watching {cycle.watched_files} files · cycle {cycle.number} at {when}: {result}{took}"
        )
        self.status.setText(text)
        self.status.setToolTip(f"{cycle.line()}\n\n{_EXPLAIN}")
        failed = cycle.result == "failed"
        self.diagnostics.setVisible(failed and bool(self.diagnostics.diagnostics))
        if cycle.result == "installed":
            self.diagnostics.clear_diagnostics()
        if cycle.result != "cancelled":
            self.state.status.emit(cycle.line())

    def _failed(self, error: BaseException, _trace: str) -> None:
        text = str(error) if isinstance(error, CratewrightError) else f"Internal error: {error!r}"
        self.status.setText(f"✖ The watch stopped: {text.splitlines()[0] if text else text}")
        self.status.setToolTip(text)

    def _finished(self) -> None:
        self._task = None
        self.stop_button.setEnabled(False)
        self.switch.blockSignals(True)
        self.switch.setChecked(False)
        self.switch.blockSignals(False)
        if self.status.text().startswith(("Stopping", "Watching", "Developing")):
            self.status.setText("Not watching.")
        self.state.set_watching(False)

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """Block until the session has ended (tests)."""
        return self._task.wait(timeout_ms) if self._task is not None else True

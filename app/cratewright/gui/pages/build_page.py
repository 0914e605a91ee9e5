"""The Build page: options, Build/Cancel, live cargo log, diagnostics, results and history.

The build is the engine's own ``plan_build`` + ``build_wheels`` (the CLI's code path) run in a
worker through :func:`run_task`; this page only turns the engine's events into widgets.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import ProjectOverview
from cratewright.errors import BuildCancelled, CratewrightError
from cratewright.events import (
    CargoMessage,
    Diagnostic,
    Event,
    Message,
    OutputLine,
    Progress,
    Status,
    WheelBuilt,
)
from cratewright.gui.ansi import RED, RESET, YELLOW
from cratewright.gui.build_job import BuildOutcome, options_summary, run_build
from cratewright.gui.build_options_form import BuildOptionsForm, options_from_values
from cratewright.gui.diagnostics_view import DiagnosticsView
from cratewright.gui.formatting import display_path
from cratewright.gui.log_view import LogView
from cratewright.gui.page import Page, RunningJob
from cratewright.gui.results_view import ResultsView
from cratewright.gui.settings import load_build_options, save_build_options
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["BuildPage"]


class BuildPage(Page):
    """Build wheels for the open project and watch cargo work.

    Signals:
        build_started()
        build_finished(bool ok, str summary, float seconds)
    """

    page_id = "build"
    title = "Build"

    build_started = Signal()
    build_finished = Signal(bool, str, float)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self._task: Task | None = None
        self._clock = QElapsedTimer()
        self._started_at = ""
        self._values_at_start: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)

        options_box = QGroupBox("Build options", self)
        options_layout = QVBoxLayout(options_box)
        self.form = BuildOptionsForm(options_box)
        self.form.changed.connect(self._save_values)
        options_layout.addWidget(self.form)
        selection_row = QHBoxLayout()
        self.selection = QLabel(options_box)
        self.selection.setWordWrap(True)
        change = QToolButton(options_box)
        change.setText("Change interpreters and target…")
        change.clicked.connect(lambda: state.navigate.emit("interpreters"))
        selection_row.addWidget(self.selection, 1)
        selection_row.addWidget(change)
        options_layout.addLayout(selection_row)
        layout.addWidget(options_box)

        actions = QHBoxLayout()
        self.build_button = QPushButton("Build", self)
        self.build_button.setDefault(True)
        self.build_button.setMinimumWidth(110)
        bold = QFont(self.build_button.font())
        bold.setBold(True)
        self.build_button.setFont(bold)
        self.build_button.clicked.connect(self.start_build)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_build)
        self.progress = QProgressBar(self)
        self.progress.setFormat("%v/%m units")
        self._reset_progress()  # no "0/1 units" before cargo counted anything
        self.elapsed = QLabel("", self)
        self.elapsed.setMinimumWidth(60)
        actions.addWidget(self.build_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.elapsed)
        layout.addLayout(actions)
        self.status_line = QLabel("Ready.", self)
        self.status_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_line)

        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        log_tab = QWidget(self.tabs)
        log_layout = QVBoxLayout(log_tab)
        log_layout.setContentsMargins(4, 4, 4, 4)
        self.log = LogView(log_tab)
        log_layout.addWidget(self.log, 1)
        log_buttons = QHBoxLayout()
        copy_button = QPushButton("Copy log", log_tab)
        copy_button.clicked.connect(self.log.copy_all)
        save_button = QPushButton("Save log…", log_tab)
        save_button.clicked.connect(self._save_log)
        log_buttons.addStretch(1)
        log_buttons.addWidget(copy_button)
        log_buttons.addWidget(save_button)
        log_layout.addLayout(log_buttons)
        self.tabs.addTab(log_tab, "Log")
        self.diagnostics = DiagnosticsView(self.tabs)
        self.diagnostics.count_changed.connect(self._label_diagnostics)
        self.tabs.addTab(self.diagnostics, "Diagnostics")
        self.results = ResultsView(self.tabs)
        self.results.audit_requested.connect(lambda: state.navigate.emit("audit"))
        self.tabs.addTab(self.results, "Results")
        self.history = QTreeWidget(self.tabs)
        self.history.setHeaderLabels(["Started", "Settings", "Outcome", "Duration"])
        self.history.setRootIsDecorated(False)
        self.history.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.history, "History")
        self.sdist_panel = self._make_sdist_panel()
        if self.sdist_panel is not None:
            self.tabs.addTab(self.sdist_panel, "Source distribution && develop")

        self._tick = QTimer(self)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._show_elapsed)
        state.selection_changed.connect(self._show_selection)
        self._show_selection()
        self._set_enabled(False)

    # -- project ----------------------------------------------------------------------------

    def _make_sdist_panel(self) -> QWidget | None:
        try:
            from cratewright.gui.sdist_panel import SdistPanel
        except ImportError:
            return None
        return SdistPanel(self.state, self.tabs)

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """Load this project's saved options; reset log, diagnostics and results."""
        if self.building:
            return
        self._set_enabled(overview is not None)
        self.log.clear_log()
        self.diagnostics.clear_diagnostics()
        self.results.set_artifacts([])
        self._reset_progress()
        self.elapsed.clear()  # not the previous project's build time
        self._clock.invalidate()
        self.status_line.setText("Ready." if overview else "No project open.")
        if overview is not None:
            self.project_updated(overview)

    def project_updated(self, overview: ProjectOverview) -> None:
        """The same project read again (a Save, a bump): new options, the log stays (a
        running build goes on with the options it started with)."""
        self.diagnostics.set_root(overview.cargo_metadata.workspace_root)
        self.form.load(overview, load_build_options(overview.root))

    def _reset_progress(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)

    def _progress_full(self) -> None:
        """Cargo said Finished: every unit is done, whatever the last bar update showed."""
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setFormat("done")
        self.progress.setValue(self.progress.maximum())

    def _save_values(self) -> None:
        if self.state.overview is not None:
            save_build_options(self.state.overview.root, self.form.values())

    def _show_selection(self) -> None:
        chosen = self.state.interpreters
        names = ", ".join(display_path(path) for path in chosen) or "the default interpreter"
        target = self.state.target or "this machine's target"
        zig = " linked with zig" if self.state.zig else ""
        self.selection.setText(f"For {names}; {target}{zig}.")
        self.selection.setToolTip("\n".join(str(path) for path in chosen))  # in full

    def _set_enabled(self, project_open: bool) -> None:
        self.build_button.setEnabled(project_open and not self.building)
        self.form.setEnabled(project_open and not self.building)

    # -- build ------------------------------------------------------------------------------

    @property
    def building(self) -> bool:
        """True while a build task runs."""
        return self._task is not None and self._task.running

    def start_build(self) -> None:
        """Start a build with the form's values (ignored while one runs)."""
        if self.building or self.state.overview is None or self.state.project_path is None:
            return
        values = self.form.values()
        options = options_from_values(
            values,
            manifest_path=self.state.project_path,
            interpreters=self.state.interpreters,
            target=self.state.target,
            zig=self.state.zig,
        )
        self._values_at_start = values
        self._started_at = datetime.now().strftime("%H:%M:%S")
        self.log.clear_log()
        self.diagnostics.clear_diagnostics()
        self.results.set_artifacts([])
        self.progress.setRange(0, 0)  # busy until cargo reports its unit count
        self.progress.setFormat("%v/%m units")
        self.progress.setTextVisible(True)
        self.status_line.setText("Planning the build…")
        self.tabs.setCurrentIndex(0)
        self._clock.start()
        self._tick.start()
        want_sdist = bool(values.get("sdist"))
        self._task = run_task(
            lambda sink, cancel: run_build(options, sdist=want_sdist, sink=sink, cancel=cancel),
            parent=self,
            on_events=self._on_events,
            on_success=self._on_success,
            on_failure=self._on_failure,
            on_finished=self._on_finished,
        )
        self.cancel_button.setEnabled(True)
        self._set_enabled(True)
        self.state.status.emit("Building…")
        self.build_started.emit()

    def cancel_build(self) -> None:
        """Stop cargo and its children; the out dir keeps no partial wheel."""
        if self.building and self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.status_line.setText("Cancelling: stopping cargo…")

    def wait_for_build(self, timeout_ms: int = 600_000) -> None:
        """Block until the running build ends and its signals were delivered (tests)."""
        if self._task is not None:
            self._task.wait(timeout_ms)

    def _on_events(self, events: list[Event]) -> None:
        lines: list[str] = []
        for event in events:
            if isinstance(event, OutputLine):
                lines.append(event.text)
            elif isinstance(event, Diagnostic):
                self.diagnostics.add(event)
                lines.extend((event.rendered or f"{event.level}: {event.message}").splitlines())
            elif isinstance(event, Message):
                colour = YELLOW if event.level == "warning" else ""
                reset = RESET if colour else ""
                lines.extend(f"{colour}{text}{reset}" for text in event.text.splitlines())
            elif isinstance(event, Progress):
                self.progress.setRange(0, max(event.total, 1))
                self.progress.setValue(min(event.current, event.total))
                if event.detail:
                    self.status_line.setText(f"Building {event.detail}")
            elif isinstance(event, Status):
                self.status_line.setText(event.text)
                if event.text.lstrip().startswith("Finished"):
                    self._progress_full()
            elif isinstance(event, CargoMessage) and event.reason == "build-finished":
                if event.data.get("success"):
                    self._progress_full()
            elif isinstance(event, WheelBuilt):
                self.results.set_artifacts([*self.results.paths, Path(event.path)])
        if lines:
            self.log.append_lines(lines)

    def _on_success(self, outcome: BuildOutcome) -> None:
        artifacts = [*outcome.wheels, *([outcome.sdist] if outcome.sdist else [])]
        self.results.set_artifacts(artifacts)
        self.state.set_artifacts(outcome.wheels, outcome.sdist)
        self._progress_full()
        count = len(outcome.wheels)
        summary = f"Built {count} wheel{'s' if count != 1 else ''}"
        if outcome.sdist:
            summary += " and an sdist"
        self._finish(True, summary)
        self.tabs.setCurrentWidget(self.results)

    def _on_failure(self, error: BaseException, trace: str) -> None:
        self._reset_progress()
        if isinstance(error, BuildCancelled):
            self.log.append_lines([f"{YELLOW}Build cancelled: cargo was stopped.{RESET}"])
            self._finish(False, "Cancelled; cargo was stopped and no wheel was written")
            return
        if isinstance(error, CratewrightError):
            message = str(error)
        else:
            message = f"Internal error: {type(error).__name__}: {error}"
            self.log.append_lines(trace.splitlines())
        self.log.append_lines([f"{RED}error:{RESET} {line}" for line in message.splitlines()])
        self._finish(False, f"Failed: {message.splitlines()[0]}")
        errors, _ = self.diagnostics.counts()
        if errors:
            self.tabs.setCurrentWidget(self.diagnostics)

    def _finish(self, ok: bool, summary: str) -> None:
        seconds = self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0
        self._tick.stop()
        self._show_elapsed()
        self.status_line.setText(f"{summary} in {seconds:.1f} s.")
        item = QTreeWidgetItem(
            [
                self._started_at,
                options_summary(self._values_at_start, self.state),
                summary,
                f"{seconds:.1f} s",
            ]
        )
        self.history.insertTopLevelItem(0, item)
        self.state.status.emit(summary)
        self.build_finished.emit(ok, summary, seconds)

    def _on_finished(self) -> None:
        self._task = None
        self.cancel_button.setEnabled(False)
        self._set_enabled(self.state.overview is not None)

    def _show_elapsed(self) -> None:
        if self._clock.isValid():
            self.elapsed.setText(f"{self._clock.elapsed() / 1000:.0f} s")

    def _label_diagnostics(self, errors: int, warnings: int) -> None:
        index = self.tabs.indexOf(self.diagnostics)
        if errors or warnings:
            plural_e, plural_w = "s" * (errors != 1), "s" * (warnings != 1)
            counts = f"{errors} error{plural_e}, {warnings} warning{plural_w}"
            self.tabs.setTabText(index, f"Diagnostics ({counts})")
        else:
            self.tabs.setTabText(index, "Diagnostics")

    def _save_log(self) -> None:
        folder = self.state.overview.root if self.state.overview else Path.home()
        name, _ = QFileDialog.getSaveFileName(
            self, "Save build log", str(folder / "build.log"), "Logs (*.log)"
        )
        if not name:
            return
        try:
            self.log.save_to(Path(name))
        except OSError as exc:
            QMessageBox.warning(self, "Save log", f"Could not save the log: {exc}")

    def running_jobs(self) -> list[RunningJob]:
        """The build (and a Develop or sdist check of the sdist tab) running now."""
        jobs = []
        if self.building:
            name = self.state.overview.name if self.state.overview else "the project"
            jobs.append(RunningJob(f"a build of {name}", self._clock.elapsed() / 1000))
        if self.sdist_panel is not None:
            jobs.extend(self.sdist_panel.running_jobs())
        return jobs

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel a running build (and Develop / the sdist check) and wait (window closing)."""
        if self.building and self._task is not None:
            self._task.cancel()
            self._task.wait(timeout_ms)
        if self.sdist_panel is not None:
            self.sdist_panel.shutdown(timeout_ms)

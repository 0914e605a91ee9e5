"""The sdist panel of the Build page: what the sdist will hold, develop, and verify.

Broken sdists (a path dependency or a Python file missing) only show up on someone else's
machine. The panel shows, before anything is built, every file the sdist will contain and why
(cargo's package list, a Python source, an include pattern, a license ...), and the files an
exclude pattern removed. "Verify" builds the sdist and a wheel from the unpacked sdist alone;
"Develop" installs the project into a chosen environment and says where. All of it is the
core's code (``sdist_contents``, ``build_sdist_and_wheels``, ``develop``) run via run_task.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.build import BuildOptions
from cratewright.core.develop import DevelopResult, PythonEnvironment, detect_environments, develop
from cratewright.core.metadata import ProjectOverview
from cratewright.core.sdist import (
    INCLUDE,
    SdistBuild,
    SdistContents,
    build_sdist_and_wheels,
    sdist_contents,
)
from cratewright.errors import CratewrightError
from cratewright.events import Event, Message, OutputLine, Status
from cratewright.gui.log_view import LogView
from cratewright.gui.page import RunningJob
from cratewright.gui.scrolling import scrolled_column
from cratewright.gui.state import AppState
from cratewright.gui.watch_panel import WatchPanel
from cratewright.gui.workers import Task, run_task

__all__ = ["SdistPanel"]

_OK = "#2e9d4a"
_ERROR = "#d0413b"


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


class SdistPanel(QWidget):
    """Preview of the sdist's files, plus Develop and Verify actions.

    Signals:
        message(str): a short status line for the embedding page's status bar.
    """

    message = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sdist-panel")
        self.state = state
        self._overview: ProjectOverview | None = None
        self._contents: SdistContents | None = None
        self._load_task: Task | None = None
        self._action_task: Task | None = None
        self._action_name = ""
        self._action_started = 0.0
        self._trace = ""
        self._generation = 0
        self._build_ui()
        state.project_changed.connect(self.project_changed)
        state.project_updated.connect(self.project_updated)
        if state.overview is not None:
            self.project_changed(state.overview)

    # -- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        layout = scrolled_column(self)  # scrolls, never squashes, on a short window
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        header = QHBoxLayout()
        self.title = QLabel("<b>Source distribution</b>", self)
        self.summary = QLabel("No project open.", self)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Ask cargo again which files the sdist would contain")
        self.refresh_button.clicked.connect(self.refresh)
        header.addWidget(self.title)
        header.addWidget(self.summary, 1)
        header.addWidget(self.refresh_button)
        layout.addLayout(header)
        self.patterns = QLabel(self)
        self.patterns.setWordWrap(True)
        self.patterns.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.patterns)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["File in sdist", "Included because", "Source"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header_view = self.tree.header()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header_view.setStretchLastSection(True)
        self.tree.setColumnWidth(0, 320)
        self.tree.setColumnWidth(1, 260)
        self.tree.setMinimumHeight(120)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self._actions_box())
        result_row = QHBoxLayout()
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QToolButton(self)
        self.details_button.setText("Details…")
        self.details_button.clicked.connect(self._show_details)
        self.details_button.hide()
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(result_row)
        self.log = LogView(self, max_lines=5000)
        self.watch_panel.log_lines.connect(self.log.append_lines)
        self.log.setPlaceholderText("Output of Develop and Verify appears here.")
        self.log.setMinimumHeight(90)
        layout.addWidget(self.log, 1)

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("Try it", self)
        grid = QVBoxLayout(box)
        develop_row = QHBoxLayout()
        develop_row.addWidget(QLabel("Environment:", box))
        self.env_combo = QComboBox(box)
        self.env_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.env_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.env_combo.setToolTip("The virtualenv or conda environment Develop installs into")
        develop_row.addWidget(self.env_combo, 1)
        self.browse_button = QPushButton("Browse…", box)
        self.browse_button.clicked.connect(self._browse)
        develop_row.addWidget(self.browse_button)
        self.develop_button = QPushButton("Develop", box)
        self.develop_button.setToolTip(
            "Build for the environment's Python and install; Python edits of a mixed "
            "project need no rebuild"
        )
        self.develop_button.clicked.connect(self.start_develop)
        develop_row.addWidget(self.develop_button)
        grid.addLayout(develop_row)
        self.watch_panel = WatchPanel(
            self.state,
            options=lambda: self._options() if self._manifest is not None else None,
            environment=self.selected_environment,
            parent=box,
        )
        self.state.watching_changed.connect(lambda _watching: self._update_buttons())
        grid.addWidget(self.watch_panel)
        verify_row = QHBoxLayout()
        self.verify_button = QPushButton("Verify: build wheel from sdist", box)
        self.verify_button.setToolTip(
            "Build the sdist, unpack it in an empty directory and build the wheel from it alone"
        )
        self.verify_button.clicked.connect(self.start_verify)
        verify_row.addWidget(self.verify_button)
        self.cancel_button = QPushButton("Cancel", box)
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.setEnabled(False)
        verify_row.addWidget(self.cancel_button)
        verify_row.addStretch(1)
        grid.addLayout(verify_row)
        return box

    # -- project and preview ------------------------------------------------------------------

    @property
    def _manifest(self) -> Path | None:
        if self._overview is None:
            return None
        return self.state.project_path or self._overview.root

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """Reload the preview and the environment list for the new project."""
        self._overview = overview
        self._generation += 1
        self._contents = None
        self.tree.clear()
        self.result.clear()
        self.details_button.hide()
        self._fill_environments()
        if overview is None:
            self.summary.setText("No project open.")
            self.patterns.clear()
            self._update_buttons()
            return
        self.refresh()

    def project_updated(self, overview: ProjectOverview) -> None:
        """The same project read again: list its sdist's files again; the last result stays."""
        self._overview = overview
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        """Compute the sdist's file list again in a worker."""
        manifest = self._manifest
        if manifest is None:
            return
        self.summary.setText("Asking cargo which files the sdist contains…")
        self._generation += 1
        generation = self._generation

        def current(handler: Any) -> Any:
            # A slow preview of a project that is no longer open must not overwrite the new one.
            return lambda *args: handler(*args) if generation == self._generation else None

        self._load_task = run_task(
            lambda sink, cancel: sdist_contents(manifest, sink=sink),
            parent=self,
            on_success=current(self._show_contents),
            on_failure=current(self._preview_failed),
            on_finished=self._update_buttons,
        )
        self._update_buttons()

    def _show_contents(self, contents: SdistContents) -> None:
        self._contents = contents
        self.tree.clear()
        folders: dict[str, QTreeWidgetItem] = {}
        for entry in contents.entries:
            parent = self._folder(folders, entry.archive_path.rpartition("/")[0], contents)
            reason = f"{entry.reason}: {entry.detail}" if entry.detail else entry.reason
            item = QTreeWidgetItem([entry.archive_path.rpartition("/")[2], reason])
            item.setText(2, self._shown_source(entry.source))
            item.setToolTip(2, str(entry.source or ""))
            item.setToolTip(0, f"{contents.root_dir}/{entry.archive_path}")
            parent.addChild(item)
        dimmed = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for excluded in contents.excluded:
            parent = self._folder(folders, excluded.archive_path.rpartition("/")[0], contents)
            item = QTreeWidgetItem(
                [
                    excluded.archive_path.rpartition("/")[2],
                    f"excluded by {excluded.pattern}",
                    self._shown_source(excluded.source),
                ]
            )
            for column in range(3):
                item.setForeground(column, dimmed)
            parent.addChild(item)
        self.tree.expandAll()
        self.summary.setText(
            f"{contents.filename} · {len(contents.entries)} files"
            + (f" · {len(contents.excluded)} excluded" if contents.excluded else "")
        )
        self.patterns.setText(self._pattern_summary(contents))
        self.message.emit(f"sdist preview: {len(contents.entries)} files")

    def _shown_source(self, source: Path | None) -> str:
        if source is None:
            return "generated"
        root = self._overview.root.resolve() if self._overview else None
        if root is not None and source.is_relative_to(root):
            return source.relative_to(root).as_posix()
        return str(source)

    def _folder(
        self, folders: dict[str, QTreeWidgetItem], path: str, contents: SdistContents
    ) -> QTreeWidgetItem:
        if path in folders:
            return folders[path]
        if not path:
            item = QTreeWidgetItem([f"{contents.root_dir}/", "", ""])
            self.tree.addTopLevelItem(item)
        else:
            parent_path, _, name = path.rpartition("/")
            item = QTreeWidgetItem([f"{name}/", "", ""])
            self._folder(folders, parent_path, contents).addChild(item)
        folders[path] = item
        return item

    def _pattern_summary(self, contents: SdistContents) -> str:
        maturin = self._overview.project.maturin if self._overview else None
        parts = []
        included = Counter(e.detail for e in contents.entries if e.reason == INCLUDE)
        for pattern in maturin.include if maturin else ():
            if pattern.applies_to("sdist"):
                parts.append(f'include "{pattern.path}" → {_files(included[pattern.path])}')
        excluded = Counter(e.pattern for e in contents.excluded)
        for pattern in maturin.exclude if maturin else ():
            if pattern.applies_to("sdist"):
                parts.append(f'exclude "{pattern.path}" → {_files(excluded[pattern.path])}')
        if not parts:
            return (
                "No [tool.maturin] include/exclude patterns apply to the sdist; the files come "
                "from cargo's package list, the Python package and the manifests."
            )
        return "Patterns for the sdist: " + " · ".join(parts)

    def _preview_failed(self, error: BaseException, trace: str) -> None:
        self.summary.setText("The sdist's file list could not be computed.")
        self._report_failure(error, trace)

    # -- environments -------------------------------------------------------------------------

    def _fill_environments(self) -> None:
        self.env_combo.clear()
        if self._overview is None:
            return
        root = self._overview.root
        for env in detect_environments(root, cwd=root):
            self._add_environment(env)
        if self.env_combo.count() == 0:
            self.env_combo.setPlaceholderText("No virtualenv found: use Browse…")

    def _add_environment(self, env: PythonEnvironment) -> None:
        self.env_combo.addItem(env.label, env.prefix)
        self.env_combo.setCurrentIndex(self.env_combo.count() - 1)

    def _browse(self) -> None:
        start = str(self._overview.root) if self._overview else ""
        chosen = QFileDialog.getExistingDirectory(self, "Choose a Python environment", start)
        if chosen:
            self.add_environment_path(Path(chosen))

    def add_environment_path(self, prefix: Path) -> None:
        """Offer ``prefix`` (a venv directory) in the chooser and select it."""
        self.env_combo.addItem(f"chosen: {prefix}", prefix)
        self.env_combo.setCurrentIndex(self.env_combo.count() - 1)
        self._update_buttons()

    def selected_environment(self) -> Path | None:
        """The prefix Develop will install into (None: none chosen)."""
        data = self.env_combo.currentData()
        return Path(data) if data else None

    # -- actions ------------------------------------------------------------------------------

    def _options(self) -> BuildOptions:
        return BuildOptions(
            manifest_path=self._manifest,
            interpreters=tuple(str(p) for p in self.state.interpreters),
            target=self.state.target,
        )

    def start_develop(self) -> None:
        """Install into the selected environment (build first)."""
        environment = self.selected_environment()
        if self._manifest is None or environment is None:
            return
        options = self._options()
        self._start(
            "Developing…",
            lambda sink, cancel: develop(
                options, environment=environment, sink=sink, cancel=cancel
            ),
            self._develop_done,
        )

    def start_verify(self) -> None:
        """Build the sdist and then the wheels from the unpacked sdist alone."""
        if self._manifest is None:
            return
        options = self._options()
        self._start(
            "Building the sdist and a wheel from it…",
            lambda sink, cancel: build_sdist_and_wheels(options, sink=sink, cancel=cancel),
            self._verify_done,
        )

    def running_jobs(self) -> list[RunningJob]:
        """Develop or the sdist check, while it runs (the window asks before stopping it)."""
        jobs = self.watch_panel.running_jobs()
        task = self._action_task
        if task is not None and task.running:
            jobs.append(RunningJob(self._action_name, time.monotonic() - self._action_started))
        return jobs

    def _start(self, text: str, function: Any, on_success: Any) -> None:
        self._action_name = "Develop" if text.startswith("Develop") else "an sdist check"
        self._action_started = time.monotonic()
        self.log.clear_log()
        self.details_button.hide()
        self._set_result(text, None)
        self.message.emit(text)
        self._action_task = run_task(
            function,
            parent=self,
            on_events=self._events,
            on_success=on_success,
            on_failure=self._report_failure,
            on_finished=self._action_finished,
        )
        self._update_buttons()

    def _events(self, events: list[Event]) -> None:
        lines = []
        for event in events:
            if isinstance(event, OutputLine | Message):
                lines.append(event.text)
            elif isinstance(event, Status):
                self.message.emit(event.text)
        if lines:
            self.log.append_lines(lines)

    def _develop_done(self, result: DevelopResult) -> None:
        self._set_result(f"✔ {result.summary()}", _OK)
        self.message.emit(result.summary())

    def _verify_done(self, result: SdistBuild) -> None:
        names = ", ".join(w.path.name for w in result.wheels)
        text = f"✔ The sdist is complete: {names} built from {result.sdist.name} alone"
        self._set_result(text, _OK)
        self.state.set_artifacts(tuple(w.path for w in result.wheels), result.sdist)
        self.message.emit(text)

    def _report_failure(self, error: BaseException, trace: str) -> None:
        if isinstance(error, CratewrightError):
            self._set_result(f"✖ {error}", _ERROR)
            self._trace = ""
        else:
            self._set_result(f"✖ Internal error: {error!r}", _ERROR)
            self._trace = trace
            self.details_button.show()
        self.message.emit(str(error).splitlines()[0] if str(error) else repr(error))

    def _set_result(self, text: str, colour: str | None) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {colour};" if colour else "")

    def _show_details(self) -> None:
        QMessageBox.information(self, "Internal error", self._trace or "No details.")

    def _cancel(self) -> None:
        if self._action_task is not None:
            self._action_task.cancel()

    def _action_finished(self) -> None:
        self._action_task = None
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self._action_task is not None and self._action_task.running
        has_project = self._overview is not None
        self.refresh_button.setEnabled(has_project)
        self.verify_button.setEnabled(has_project and not busy)
        watching = self.watch_panel.watching
        can_develop = has_project and not busy and self.selected_environment() is not None
        self.develop_button.setEnabled(can_develop and not watching)
        self.watch_panel.set_available(can_develop)
        self.browse_button.setEnabled(has_project and not busy)
        self.cancel_button.setEnabled(busy)

    # -- headless rendering -------------------------------------------------------------------

    def prepare_screenshot(self) -> None:
        """Wait for the preview so a headless render shows the file list."""
        if self._load_task is not None and self._load_task.running:
            self._load_task.wait(120_000)
        self.log.flush()

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel Develop / the sdist check and wait for it (window closing)."""
        self.watch_panel.shutdown(timeout_ms)
        if self._action_task is not None and self._action_task.running:
            self._action_task.cancel()
            self._action_task.wait(timeout_ms)

    def wait_for_action(self, timeout_ms: int = 1_200_000) -> bool:
        """Block until Develop/Verify finished (tests and screenshots)."""
        task = self._action_task
        return task.wait(timeout_ms) if task is not None else True

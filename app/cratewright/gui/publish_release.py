"""The Publish page's Release tab: the release path as a checklist the user can run step by step.

The rows are the core's steps (``core.release``) and show the state the core reports: a step
runs in a worker (one ``run_task`` per step, so the list updates as each finishes), a failed
step's row says what went wrong and the box below says what to do. "Run all" runs the steps in
order and stops at the first failure. Promotion never runs without the confirmation dialog
naming the project, the version and every file with its SHA-256; the dialog is opened with
``open()`` and kept in :attr:`ReleaseChecklist.active_dialog` for tests. The smoke command is
remembered per project by the core (shared with ``cratewright release``).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.build import BuildOptions
from cratewright.core.publish import Repository, list_repositories, resolve_repository
from cratewright.core.release import (
    BUMP_PARTS,
    STEP_NAMES,
    PromotionPlan,
    ReleaseConfig,
    ReleaseRun,
    StepName,
    StepResult,
    default_smoke_command,
    load_smoke_command,
    project_version,
    run_step,
    save_smoke_command,
)
from cratewright.errors import CratewrightError
from cratewright.gui.publish_text import ERROR
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["ReleaseChecklist"]

_TITLES = {
    "version": "Version is new on the index",
    "build": "Build wheels from the sdist",
    "check": "Check metadata, readme, tags, audit, size, license",
    "compare": "Compare with the last release",
    "rehearse": "Rehearse: upload, install, smoke test",
    "promote": "Promote the same files",
}
_MARKS = {"pending": "○", "running": "⏳", "passed": "✅", "warning": "⚠️",
          "failed": "❌", "skipped": "⏭️"}  # fmt: skip


class ReleaseChecklist(QWidget):
    """Version, build, check, compare, rehearse, promote: one row each, each runnable alone."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.active_dialog: QDialog | None = None
        self.out_dir: Path | None = None  # None: the Build page's out dir (tests set one)
        self.run: ReleaseRun | None = None
        self.states: dict[StepName, str] = dict.fromkeys(STEP_NAMES, "pending")
        self._task: Task | None = None
        self._queue: list[StepName] = []
        self._bump: str | None = None
        self.started = 0.0  # when the running step started (the window asks before closing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self._make_form())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._make_list())
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("release-details")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText("Select a step to see what it found")
        splitter.addWidget(self.details)
        splitter.setSizes([260, 160])
        layout.addWidget(splitter, 1)
        self.fix = QLabel("", self)
        self.fix.setObjectName("release-fix")
        self.fix.setWordWrap(True)
        self.fix.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fix.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        palette = self.fix.palette()
        palette.setColor(self.fix.foregroundRole(), ERROR)
        self.fix.setPalette(palette)
        layout.addWidget(self.fix)
        state.project_changed.connect(lambda _overview: self.reset())
        state.project_updated.connect(lambda _overview: self._project_updated())
        self.reset()

    # -- widgets ----------------------------------------------------------------------------

    def _make_form(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        version_row = QHBoxLayout()
        self.version_label = QLabel("", self)
        self.version_label.setObjectName("release-version")
        self.bump_choice = QComboBox(self)
        self.bump_choice.addItems(BUMP_PARTS)
        self.bump_choice.setToolTip("Which part of the version Bump raises")
        self.bump_button = QPushButton("&Bump", self)
        self.bump_button.setToolTip("Write the next version into its file (comments kept), then "
                                    "check that the index does not have it")  # fmt: skip
        self.bump_button.clicked.connect(self.bump)
        version_row.addWidget(self.version_label, 1)
        version_row.addWidget(self.bump_choice)
        version_row.addWidget(self.bump_button)
        form.addRow("Version:", version_row)
        indexes = QHBoxLayout()
        self.rehearsal_choice = self._index_choice("testpypi")
        self.main_choice = self._index_choice("pypi")
        indexes.addWidget(self.rehearsal_choice, 1)
        indexes.addWidget(QLabel("then release to", self))
        indexes.addWidget(self.main_choice, 1)
        form.addRow("Rehearse on:", indexes)
        self.smoke = QLineEdit(self)
        self.smoke.setObjectName("release-smoke")
        self.smoke.setToolTip("Run in a fresh venv after installing from the rehearsal index; "
                              "remembered for this project")  # fmt: skip
        self.smoke.editingFinished.connect(self._smoke_edited)
        form.addRow("Smoke test:", self.smoke)
        return form

    def _index_choice(self, default: str) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(True)
        box.setToolTip("A repository name (pypi, testpypi, a ~/.pypirc section) or an upload URL")
        try:
            names = [r.name or r.upload_url for r in list_repositories()]
        except CratewrightError:
            names = ["testpypi", "pypi"]
        box.addItems(names)
        box.setCurrentText(default)
        box.currentTextChanged.connect(lambda _text: self._forget_run())
        return box

    def _make_list(self) -> QWidget:
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.steps = QTreeWidget(holder)
        self.steps.setObjectName("release-steps")
        self.steps.setRootIsDecorated(False)
        self.steps.setHeaderLabels(["", "Step", "Result", ""])
        self.steps.setColumnCount(4)
        header = self.steps.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.run_buttons: dict[StepName, QPushButton] = {}
        self.items: dict[StepName, QTreeWidgetItem] = {}
        for step in STEP_NAMES:
            item = QTreeWidgetItem(["", _TITLES[step], ""])
            item.setData(0, Qt.ItemDataRole.UserRole, step)
            self.steps.addTopLevelItem(item)
            button = QPushButton("Run", self.steps)
            button.setToolTip(f"Run only this step ({step})")
            button.clicked.connect(lambda _checked=False, s=step: self.run_steps([s]))
            self.steps.setItemWidget(item, 3, button)
            self.run_buttons[step] = button
            self.items[step] = item
        self.steps.currentItemChanged.connect(lambda *_: self._show_details())
        column.addWidget(self.steps, 1)
        row = QHBoxLayout()
        self.run_all_button = QPushButton("Run &all steps", holder)
        self.run_all_button.setObjectName("release-run-all")
        self.run_all_button.setToolTip("Every step in order; stops at the first failure; "
                                       "promotion asks first")  # fmt: skip
        self.run_all_button.clicked.connect(lambda: self.run_steps(list(STEP_NAMES)))
        self.stop_button = QPushButton("Stop after this step", holder)
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.cancel_button = QPushButton("Cancel the build", holder)
        self.cancel_button.setToolTip("Stop cargo now; no half wheel is left behind")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_build)
        row.addWidget(self.run_all_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        column.addLayout(row)
        return holder

    # -- state ------------------------------------------------------------------------------

    def reset(self) -> None:
        """A project was opened: every step pending, the version and smoke command re-read."""
        self.run = None
        self.states = dict.fromkeys(STEP_NAMES, "pending")
        for step in STEP_NAMES:
            self._show(StepResult(step, "pending", "not run yet"))
        self.fix.setText("")
        self.details.setPlainText("")
        path = self.state.project_path
        self.smoke.setText(load_smoke_command(self._project_dir()) or "" if path else "")
        overview = self.state.overview
        module = overview.layout.module_name.split(".")[0] if overview is not None else None
        self.smoke.setPlaceholderText(f"{default_smoke_command(module)}  (the default)")
        self._refresh_version()
        self._update_buttons()

    def _project_updated(self) -> None:
        """The project was read again (a Save, our Bump, another program): the results stay
        while they are about the version on disk; another version starts the list again."""
        if self._task is not None:
            return  # the running step reads the files itself; its result says what it found
        if self.run is not None and self.run.version is not None:
            try:
                now = project_version(self.state.project_path).python
            except CratewrightError:
                now = None
            if now != self.run.version.python:
                self.reset()
                return
        self._refresh_version()

    def _project_dir(self) -> Path:
        overview = self.state.overview
        if overview is not None:
            return Path(overview.root)
        path = self.state.project_path or Path.cwd()
        return path if path.is_dir() else path.parent

    def _refresh_version(self) -> None:
        if self.state.project_path is None:
            self.version_label.setText("no project open")
            return
        try:
            version = project_version(self.state.project_path)
        except CratewrightError as exc:
            self.version_label.setText(exc.message)
            return
        self.version_label.setText(f"{version.name} {version.python}  ({version.file.name} "
                                   f"`{version.key}`)")  # fmt: skip

    def _forget_run(self) -> None:
        """Another index: the results so far were about the old one."""
        if self._task is None:
            self.run = None
            for step in STEP_NAMES:
                if self.states[step] != "pending":
                    self._show(StepResult(step, "pending", "not run yet (the index changed)"))

    def _smoke_edited(self) -> None:
        if self.state.project_path is not None:
            save_smoke_command(self._project_dir(), self.smoke.text())

    def _repository(self, text: str) -> Repository:
        text = text.strip()
        if "://" in text:
            from cratewright.core.publish import repository_from_url

            return repository_from_url(text)
        return resolve_repository(text or None, environ={})

    def _config(self) -> ReleaseConfig:
        options = BuildOptions(
            manifest_path=self.state.project_path,
            interpreters=tuple(str(p) for p in self.state.interpreters),
            target=self.state.target,
            zig=self.state.zig,
            out=self.out_dir or self.state.out_dir(),
        )
        python = str(self.state.interpreters[0]) if self.state.interpreters else None
        config = ReleaseConfig(
            options=options,
            main=self._repository(self.main_choice.currentText()),
            rehearsal=self._repository(self.rehearsal_choice.currentText()),
            smoke_command=self.smoke.text().strip() or None,
        )
        return dataclasses.replace(config, python=python) if python else config

    def _update_buttons(self) -> None:
        idle = self._task is None and self.active_dialog is None
        has_project = self.state.project_path is not None
        for button in (*self.run_buttons.values(), self.run_all_button, self.bump_button):
            button.setEnabled(idle and has_project)
        self.stop_button.setEnabled(not idle and bool(self._queue))
        # only a build can be stopped midway; an upload finishes its files (see the Upload tab)
        self.cancel_button.setEnabled(self._task is not None and self.states["build"] == "running")

    def _show(self, result: StepResult) -> None:
        self.states[result.step] = result.state
        item = self.items[result.step]
        item.setText(0, _MARKS[result.state])
        item.setToolTip(0, result.state)
        item.setText(2, result.message)
        item.setToolTip(2, result.message + (f"\nWhat to do: {result.fix}" if result.fix else ""))
        item.setData(2, Qt.ItemDataRole.UserRole, result)
        if result.state == "failed" and result.fix:
            self.fix.setText(f"❌ {result.step}: what to do: {result.fix}")
        if self.steps.currentItem() is item:
            self._show_details()

    def _show_details(self) -> None:
        item = self.steps.currentItem()
        result = item.data(2, Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(result, StepResult):
            self.details.setPlainText("")
            return
        lines = [f"{_MARKS[result.state]} {result.step}: {result.message}"]
        if result.fix:
            lines.append(f"What to do: {result.fix}")
        lines += ["", *result.details]
        self.details.setPlainText("\n".join(lines))

    # -- running ----------------------------------------------------------------------------

    def bump(self) -> None:
        """Run the version step with the chosen bump."""
        self._bump = self.bump_choice.currentText()
        self.run_steps(["version"])

    def run_steps(self, steps: list[StepName]) -> None:
        """Run ``steps`` in the release's order, one worker each, stopping at a failure."""
        if self._task is not None or self.state.project_path is None:
            return
        try:
            config = self._config()
        except CratewrightError as exc:
            self.fix.setText(f"❌ {exc}")
            return
        if self._bump is not None:
            config = dataclasses.replace(config, bump=self._bump)  # type: ignore[arg-type]
            self._bump = None
        if self.run is None:
            self.run = ReleaseRun(config)
        else:
            self.run.config = config
        self.fix.setText("")
        self._queue = [s for s in STEP_NAMES if s in steps]
        for step in self._queue:
            self._show(StepResult(step, "pending", "waiting"))
        self._next()

    def stop(self) -> None:
        """Finish the running step, start no other."""
        self._queue = []
        self._update_buttons()

    def cancel_build(self) -> None:
        """Stop the running build (the user asked: this button is the question)."""
        if self._task is not None and self.states["build"] == "running":
            self._queue = []
            self._task.cancel()

    def _next(self) -> None:
        if not self._queue:
            self._update_buttons()
            return
        step = self._queue.pop(0)
        if step == "promote":
            self._ask_promotion()
            return
        self._start(step, confirmed=False)

    def _start(self, step: StepName, *, confirmed: bool) -> None:
        run = self.run
        assert run is not None
        self.started = time.monotonic()
        self._show(StepResult(step, "running", "running…"))
        self.steps.setCurrentItem(self.items[step])

        def work(sink, cancel):  # type: ignore[no-untyped-def]
            return run_step(run, step, confirm=lambda _plan: confirmed, sink=sink, cancel=cancel)

        self._task = run_task(
            work, parent=self, on_success=self._finished, on_failure=self._crashed
        )
        self._update_buttons()

    def _finished(self, result: StepResult) -> None:
        self._task = None
        if self.run is not None and self.run.config.bump is not None and result.step == "version":
            self.run.config = dataclasses.replace(self.run.config, bump=None)  # bump once
        self._show(result)
        if result.step == "version":
            self._refresh_version()
            written = [Path(line[len("wrote "):]) for line in result.details
                       if line.startswith("wrote ")]  # fmt: skip
            if written:
                # every page follows the new version (the Metadata page keeps unsaved edits
                # and asks about them)
                version = self.run.version if self.run is not None else None
                names = ", ".join(p.name for p in written)
                self.state.status.emit(f"Version {version.python if version else ''} written to "
                                       f"{names}")  # fmt: skip
                self.state.files_written()
        if not result.ok:
            self._queue = []
        self._next()

    def _crashed(self, error: BaseException, trace: str) -> None:
        del trace
        self._task = None
        self._queue = []
        step = next((s for s, st in self.states.items() if st == "running"), "build")
        self._show(StepResult(step, "failed", f"Internal error: {type(error).__name__}: {error}",
                              "report this with the log"))  # fmt: skip
        self._update_buttons()

    def _ask_promotion(self) -> None:
        run = self.run
        assert run is not None
        try:
            files = run.recorded_files()
        except CratewrightError as exc:
            self._show(StepResult("promote", "failed", exc.message, exc.hint))
            self._update_buttons()
            return
        if files is None:
            self._show(StepResult("promote", "failed", "nothing has been built for this version",
                                  "run the build step first"))  # fmt: skip
            self._update_buttons()
            return
        rehearsed = run.results.get("rehearse")
        if rehearsed is None or rehearsed.state != "passed":
            self._show(StepResult(
                "promote", "failed", "the rehearsal has not passed for these files",
                "run the rehearse step first (it installs and smoke-tests)",
            ))  # fmt: skip
            self._update_buttons()
            return
        plan = PromotionPlan(run.config.main, files)
        box = QMessageBox(QMessageBox.Icon.Warning, "Promote the release", plan.question,
                          QMessageBox.StandardButton.Cancel, self)  # fmt: skip
        box.setObjectName("release-promote-dialog")
        box.setInformativeText("\n".join(
            f"{f.path.name}  ({f.size} bytes)\nsha256\u00a0{f.sha256}" for f in files.files
        ))  # fmt: skip
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        promote = box.addButton(f"Promote {files.version}", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.promote_button = promote

        def answered(_result: int) -> None:
            self.active_dialog = None
            if box.clickedButton() is promote:
                self._start("promote", confirmed=True)
            else:
                self._show(StepResult("promote", "skipped", "not confirmed; nothing was uploaded",
                                      None, tuple(plan.lines())))  # fmt: skip
                self._update_buttons()

        box.finished.connect(answered)
        self.active_dialog = box
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._update_buttons()

    # -- for the page -----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a step runs."""
        return self._task is not None

    def wait_idle(self, timeout_ms: int = 600_000) -> None:
        """Block until the running step finished (tests, window closing)."""
        if self._task is not None:
            self._task.wait(timeout_ms)

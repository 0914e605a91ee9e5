"""The Audit page: why a wheel is (or is not) manylinux, what it links, and a one-click repair.

It lists the wheels of the last build (AppState.wheels) plus any wheel opened or dropped here,
audits the selected one in a worker (:func:`cratewright.core.audit.report.audit_path`) and shows
the verdict, the dependency tree, the policy ladder, the symbol versions and the contents. When
bundling would help, the Repair tab previews what :func:`cratewright.core.audit.repair.plan_repair`
would copy and runs :func:`repair_wheel` in a worker.
"""

from __future__ import annotations

import time
import traceback as _traceback
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.audit import AuditReport, RepairPlan, RepairResult, repair_wheel
from cratewright.errors import CratewrightError
from cratewright.gui.audit_job import audit_with_plan
from cratewright.gui.audit_verdict import badge_for, summary_for
from cratewright.gui.audit_views import (
    ContentsView,
    DependencyTree,
    LadderView,
    SymbolTable,
)
from cratewright.gui.page import Page, RunningJob
from cratewright.gui.repair_panel import RepairPanel
from cratewright.gui.state import AppState
from cratewright.gui.workers import Task, run_task

__all__ = ["AuditPage"]


_BADGE_STYLE = "QLabel#audit-badge {{ background: {bg}; color: white; border-radius: 6px; " \
    "padding: 4px 10px; font-weight: bold; }}"  # fmt: skip


class AuditPage(Page):
    """Audit wheels of the last build or any wheel opened or dropped here."""

    page_id = "audit"
    title = "Audit"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(state, parent)
        self.setAcceptDrops(True)
        self.report: AuditReport | None = None
        self.plan: RepairPlan | None = None
        self._opened: list[Path] = []
        self._task: Task | None = None
        self._repair_task: Task | None = None
        self._trace = ""
        self._repair_started = 0.0
        self._repair_name = ""
        self.audits_started = 0  # one per request (tests count them)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)

        top = QHBoxLayout()
        top.addWidget(QLabel("Wheel:"))
        self.wheels = QComboBox(self)
        self.wheels.setMinimumContentsLength(40)
        self.wheels.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        top.addWidget(self.wheels, 1)
        self.open_button = QPushButton("Open wheel…", self)
        top.addWidget(self.open_button)
        layout.addLayout(top)

        verdict = QHBoxLayout()
        self.badge = QLabel("no wheel", self)
        self.badge.setObjectName("audit-badge")
        self._set_badge("no wheel", "#7a7a7a")
        verdict.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        verdict.addWidget(self._verdict_text(), 1)
        self.repair_shortcut = QPushButton("Repair…", self)
        self.repair_shortcut.setVisible(False)
        verdict.addWidget(self.repair_shortcut, 0, Qt.AlignmentFlag.AlignTop)
        self.details_button = QPushButton("Details…", self)
        self.details_button.hide()
        verdict.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(verdict)

        self.tabs = QTabWidget(self)
        self.dependencies = DependencyTree(self)
        self.ladder = LadderView(self)
        self.symbols = SymbolTable(self)
        self.contents = ContentsView(self)
        self.repair = RepairPanel(self)
        self.tabs.addTab(self.dependencies, "Dependencies")
        self.tabs.addTab(self.ladder, "Policy ladder")
        self.tabs.addTab(self.symbols, "Symbols")
        self.tabs.addTab(self.contents, "Contents")
        self.tabs.addTab(self.repair, "Repair")
        layout.addWidget(self.tabs, 1)

        self.open_button.clicked.connect(self._choose_wheel)
        self.wheels.currentIndexChanged.connect(self._selection_changed)
        self.repair_shortcut.clicked.connect(lambda: self.tabs.setCurrentWidget(self.repair))
        self.repair.repair_button.clicked.connect(self.start_repair)
        self.details_button.clicked.connect(self._show_trace)
        state.artifacts_changed.connect(self._artifacts_changed)
        self._artifacts_changed()

    def _verdict_text(self) -> QWidget:
        """The summary, or in its place the error of an audit that failed (a failed audit
        has no summary). Two lines are always reserved, so the tabs below do not move down
        when an error comes or goes (clicks would miss)."""
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(
            "Build a wheel, open one, or drop a .whl file here to see whether it is manylinux, "
            "what it links and how to fix it.",
            box,
        )
        self.error = QLabel("", box)
        self.error.setObjectName("audit-error")
        self.error.setStyleSheet("QLabel#audit-error { color: #d64545; }")
        self.error.hide()
        for label in (self.summary, self.error):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            column.addWidget(label)
        box.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        return box

    # ---------------------------------------------------------------------------- wheel list

    def _artifacts_changed(self) -> None:
        if self.state.wheels:
            select: Path | None = self.state.wheels[0]
        else:  # after a restart: the newest wheel of the current version already built
            current = [a.path for a in self.state.existing if a.is_wheel and not a.stale]
            select = current[0] if current else None
        self._fill_list(select=select)

    def _fill_list(self, select: Path | None) -> None:
        """Built wheels, wheels opened here, then the project's wheels already in its out
        dir (newest first, other versions marked)."""
        labels: dict[Path, str] = {}
        for path in [*self.state.wheels, *self._opened]:
            labels.setdefault(path, path.name)
        for artifact in self.state.existing:
            if artifact.is_wheel:
                labels.setdefault(artifact.path, artifact.label())
        previous = self.wheels.currentData()
        self.wheels.blockSignals(True)
        self.wheels.clear()
        for path, label in labels.items():
            self.wheels.addItem(label, str(path))
            self.wheels.setItemData(self.wheels.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
        wanted = str(select) if select is not None else previous
        index = self.wheels.findData(wanted) if wanted else -1
        self.wheels.setCurrentIndex(index)
        self.wheels.blockSignals(False)
        if index >= 0:
            if self.report is None or str(Path(self.report.path)) != wanted or select:
                self._selection_changed()  # one audit per request
        elif not labels:
            self._show(None, None, None)

    def open_wheel(self, path: Path) -> None:
        """Add a wheel to the list and audit it (Open button, drops, tests)."""
        path = Path(path)
        if path not in self._opened:
            self._opened.append(path)
        self._fill_list(select=path)

    def _choose_wheel(self) -> None:
        start = self.state.out_dir() or self.state.project_path or Path.home()
        name, _ = QFileDialog.getOpenFileName(self, "Open wheel", str(start), "Wheels (*.whl)")
        if name:
            self.open_wheel(Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().endswith(".whl") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.toLocalFile().endswith(".whl"):
                self.open_wheel(Path(url.toLocalFile()))
        event.acceptProposedAction()

    # ---------------------------------------------------------------------------- auditing

    def _selection_changed(self) -> None:
        data = self.wheels.currentData()
        if data:
            self.audit(Path(data))

    def audit(self, path: Path) -> None:
        """Audit ``path`` in a worker; the views update when it is done.

        A newer request supersedes a running audit: that one is cancelled and whatever it
        delivers (its result or its "cancelled" failure) is dropped without a word.
        """
        if self._task is not None and self._task.running:
            self._task.cancel()
        self._clear_error()
        self._set_badge("auditing…", "#7a7a7a")
        self.summary.setText(f"Auditing {path.name}…")
        self.audits_started += 1
        task = run_task(lambda sink, cancel: audit_with_plan(path, sink, cancel), parent=self)
        task.succeeded.connect(lambda result: self._audited(result) if task is self._task else None)
        task.failed.connect(
            lambda error, trace: self._failed(error, trace) if task is self._task else None
        )
        self._task = task

    def _audited(self, result: tuple[AuditReport, RepairPlan | None, str | None]) -> None:
        report, plan, error = result
        current = self.wheels.currentData()
        if current and str(Path(report.path)) != current:
            return  # a newer selection is being audited
        self._show(report, plan, error)

    def _show(
        self, report: AuditReport | None, plan: RepairPlan | None, plan_error: str | None
    ) -> None:
        self.report, self.plan = report, plan
        self.dependencies.show_report(report)
        self.ladder.show_report(report)
        self.symbols.show_report(report)
        self.contents.show_entries(report.entries if report else ())
        self.repair.show_plan(report, plan, plan_error)
        self.repair_shortcut.setVisible(plan is not None)
        if report is None:
            self._set_badge("no wheel", "#7a7a7a")
            return
        self._set_badge(*badge_for(report))
        self.summary.setText(summary_for(report))
        better = next(reversed(report.blocking), None)
        self.summary.setToolTip(
            "\n".join(report.blocking[better]) if better and not report.repair_policy else ""
        )

    def _set_badge(self, text: str, colour: str) -> None:
        self.badge.setText(text)
        self.badge.setStyleSheet(_BADGE_STYLE.format(bg=colour))

    def _failed(self, error: BaseException, trace: str) -> None:
        self._show(None, None, None)
        self._set_badge("cannot audit", "#d64545")
        self.summary.setText("")
        self.error.setText(self._error_text(error, trace))
        self.summary.hide()  # the error takes the summary's place: nothing below moves
        self.error.show()

    def _error_text(self, error: BaseException, trace: str) -> str:
        """The sentence to show; an internal error keeps its traceback behind Details…."""
        if isinstance(error, CratewrightError):
            self._trace = ""
            message = str(error)
        else:
            self._trace = trace or "".join(_traceback.format_exception(error))
            message = f"Internal error: {type(error).__name__}: {error}"
        self.details_button.setVisible(bool(self._trace))
        return message

    def _clear_error(self) -> None:
        self.error.hide()
        self.summary.show()
        self.details_button.hide()
        self._trace = ""

    def _show_trace(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical, "Internal error", self.error.text(), parent=self
        )
        box.setDetailedText(self._trace)
        box.exec()

    # ---------------------------------------------------------------------------- repair

    def start_repair(self) -> None:
        """Run repair_wheel for the shown wheel in a worker."""
        report = self.report
        if report is None or self.plan is None:
            return
        out = Path(self.repair.out_dir.text() or Path(report.path).parent / "wheelhouse")
        self.repair.repair_button.setEnabled(False)
        self.repair.show_result("Repairing…")
        self._repair_started = time.monotonic()
        self._repair_name = Path(report.path).name
        self._repair_task = run_task(
            lambda sink, cancel: repair_wheel(
                report.path, out, report=report, sink=sink, cancel=cancel
            ),
            parent=self,
            on_success=self._repaired,
            on_failure=self._repair_failed,
        )

    def _repaired(self, result: RepairResult) -> None:
        self.repair.show_result(f"Repaired wheel written to {result.path}")
        self.state.status.emit(f"Repaired {result.path.name}")
        self.open_wheel(result.path)

    def _repair_failed(self, error: BaseException, trace: str) -> None:
        """The error goes into the Repair tab's reserved result line: the audit's summary
        stays, and nothing moves."""
        self.repair.repair_button.setEnabled(True)
        self.repair.show_error(self._error_text(error, trace))

    # ---------------------------------------------------------------------------- page

    def running_jobs(self) -> list[RunningJob]:
        """The repair, while it runs (an audit is only reading: not asked about)."""
        task = self._repair_task
        if task is None or not task.running:
            return []
        seconds = time.monotonic() - self._repair_started
        return [RunningJob(f"a repair of {self._repair_name}", seconds)]

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel the audit and the repair and wait for them (window closing)."""
        for task in (self._repair_task, self._task):
            if task is not None and task.running:
                task.cancel()
                task.wait(timeout_ms)

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Block until running audits/repairs are delivered (screenshots and tests)."""
        for task in (self._repair_task, self._task):
            if task is not None and task.running:
                task.wait(timeout_ms)

    def prepare_screenshot(self) -> None:
        if (
            self.wheels.count()
            and self.report is None
            and (self._task is None or not self._task.running)
        ):
            self._selection_changed()
        self.wait()

    def project_updated(self, overview: Any) -> None:
        """The same project read again: the opened wheels stay (the list follows
        ``artifacts_changed``, with older versions marked)."""
        del overview

    def project_changed(self, overview: Any) -> None:
        """A new project clears the opened wheels (AppState clears the built ones)."""
        del overview
        self._opened.clear()

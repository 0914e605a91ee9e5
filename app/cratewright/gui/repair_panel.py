"""The Audit page's repair panel: what repair would bundle and retag, before it is run.

A view only: it shows the core's ``RepairPlan`` for the audited wheel (the libraries to graft,
the tag it would reach) and offers the button; the page runs the repair in a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.audit import AuditReport, RepairPlan
from cratewright.gui.audit_views import (
    human_size,
)

__all__ = ["RepairPanel"]


class RepairPanel(QWidget):
    """Preview of what repair bundles, where the wheel goes, and the button that does it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.grafts = QTreeWidget(self)
        self.grafts.setHeaderLabels(["Library", "Copied from", "Bundled as", "Size"])
        self.grafts.setRootIsDecorated(False)
        self.grafts.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.grafts, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Output directory:"))
        self.out_dir = QLineEdit(self)
        row.addWidget(self.out_dir, 1)
        self.repair_button = QPushButton("Repair wheel", self)
        self.repair_button.setObjectName("audit-repair")
        row.addWidget(self.repair_button)
        layout.addLayout(row)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # reserved: the Repair button does not move when a result line comes or goes
        self.result.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result)

    def show_result(self, text: str) -> None:
        """The outcome of the last repair, in the reserved line under the button."""
        self.result.setStyleSheet("")
        self.result.setText(text)

    def show_error(self, text: str) -> None:
        """Why the repair failed, in red in the same reserved line (nothing moves)."""
        self.result.setStyleSheet("color: #d64545;")
        self.result.setText(text)

    def show_plan(
        self, report: AuditReport | None, plan: RepairPlan | None, error: str | None
    ) -> None:
        self.grafts.clear()
        self.show_result("")
        self.repair_button.setEnabled(plan is not None)
        if report is None:
            self.summary.setText("")
            return
        if plan is None:
            if error:
                self.summary.setText(f"Repair cannot help this wheel: {error}")
            elif report.policy in ("none", "linux"):
                self.summary.setText(
                    "Nothing to bundle: what blocks a portable tag cannot be fixed by copying "
                    "libraries (see the Policy ladder)."
                    if report.policy == "linux"
                    else "A pure-Python wheel needs no repair."
                )
            else:
                self.summary.setText(f"Nothing to bundle: the wheel already meets {report.policy}.")
            return
        self.summary.setText(
            f"Repair copies {len(plan.grafts)} librar{'y' if len(plan.grafts) == 1 else 'ies'} "
            f"({human_size(plan.added_bytes)}) into {plan.libs_dir}/, rewrites DT_NEEDED and "
            f"RPATH with patchelf and retags the wheel {plan.policy}:\n{plan.filename}"
        )
        for graft in plan.grafts:
            item = QTreeWidgetItem(
                [graft.soname, graft.source, graft.archive_path, human_size(graft.size)]
            )
            item.setToolTip(1, graft.source)
            self.grafts.addTopLevelItem(item)
        for column in (0, 2, 3):
            self.grafts.resizeColumnToContents(column)
        if not self.out_dir.text():
            self.out_dir.setText(str(Path(report.path).parent / "wheelhouse"))

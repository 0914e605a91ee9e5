"""The Publish page's file list: the built wheels/sdist or chosen files, and their checks.

A part of :class:`~cratewright.gui.pages.publish_page.PublishPage` (mixed into it): the table
shows the core's ``FileCheck`` results per file and, after an upload, each file's outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import ProjectOverview
from cratewright.core.publish import (
    FileCheck,
    check_distributions,
)
from cratewright.gui.formatting import human_size
from cratewright.gui.publish_text import ERROR, OK, WARN
from cratewright.gui.state import AppState

_COLUMNS = ("File", "Size", "Check", "Upload")
FileChooser = Callable[[QWidget], list[Path]]


def choose_files(parent: QWidget) -> list[Path]:
    state = getattr(parent, "state", None)
    start = (state.out_dir() or state.project_path) if isinstance(state, AppState) else None
    names, _ = QFileDialog.getOpenFileNames(
        parent, "Add files to upload", str(start or Path.home()),
        "Distributions (*.whl *.tar.gz *.zip)",
    )  # fmt: skip
    return [Path(n) for n in names]


def _size(path: Path) -> str:
    """The size as every page writes it (KiB/MiB: the Build results say the same)."""
    try:
        return human_size(path.stat().st_size)
    except OSError:
        return "—"


class PublishFiles:
    """The "Files to upload" part of the Publish page."""

    def _make_files_box(self) -> QGroupBox:
        box = QGroupBox("Files to upload", self)
        layout = QVBoxLayout(box)
        self.table = QTableWidget(0, len(_COLUMNS), box)
        self.table.setObjectName("publish-files")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(2, 300)
        self.table.itemSelectionChanged.connect(self._show_details)
        layout.addWidget(self.table, 1)
        self.details = QLabel("", box)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        row = QHBoxLayout()
        self.empty_hint = QLabel("", box)
        self.empty_hint.setWordWrap(True)
        add = QPushButton("Add files…", box)
        add.clicked.connect(self.add_files)
        self.remove_button = QPushButton("Remove", box)
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.empty_hint, 1)
        row.addWidget(add)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        return box

    # -- files and checks -------------------------------------------------------------------

    def _artifacts_changed(self) -> None:
        built = [*self.state.wheels, *([self.state.sdist] if self.state.sdist else [])]
        if not built:  # after a restart: what the out dir holds for the current version
            built = [a.path for a in self.state.existing if not a.stale]
        self._files = [*built, *[p for p in self._extra if p not in built]]
        self._fill_table()
        self._run_checks()

    def _clear_results(self) -> None:
        """Upload outcomes belong to one index: another index starts from none."""
        self.result = None
        self._last_failure = None
        self.result_label.setText("")
        self.retry_button.setVisible(False)
        for row in range(self.table.rowCount()):
            self.table.setItem(row, 3, QTableWidgetItem(""))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.progress.setTextVisible(False)  # no "0 %": nothing was sent to this index

    def project_changed(self, overview: ProjectOverview | None) -> None:
        """A new project: forget files added by hand and the last result."""
        self._extra = []
        self.result = None
        self.result_label.setText("")
        self._say("")

    def project_updated(self, overview: ProjectOverview) -> None:
        """The same project read again: files added by hand and the last result stay (the
        list follows ``artifacts_changed``, with older versions marked)."""
        del overview

    def add_files(self) -> None:
        """Add wheels/sdists from disk (the file chooser is replaceable for tests)."""
        chosen = [p.resolve() for p in self.file_chooser(self) if p]
        self._extra += [p for p in chosen if p not in self._files]
        self._artifacts_changed()

    def remove_selected(self) -> None:
        """Leave the selected files out of this upload (nothing is deleted)."""
        rows = {index.row() for index in self.table.selectedIndexes()}
        gone = {self._files[row] for row in rows}
        self._extra = [p for p in self._extra if p not in gone]
        self._files = [p for p in self._files if p not in gone]
        self._fill_table()
        self._run_checks()

    @property
    def files(self) -> list[Path]:
        """The files that Publish would upload, in table order."""
        return list(self._files)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self._files))
        for row, path in enumerate(self._files):
            name = QTableWidgetItem(path.name)
            name.setToolTip(str(path))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(_size(path)))
            self.table.setItem(row, 2, QTableWidgetItem("checking…"))
            self.table.setItem(row, 3, QTableWidgetItem(""))
        older = [a for a in self.state.existing if a.stale and a.path not in self._files]
        if older:
            versions = ", ".join(sorted({a.version for a in older}))
            hint = (f"{len(older)} file(s) of older versions ({versions}) in the out dir are "
                    "left out; add them by hand to upload them.")  # fmt: skip
        elif not self._files:
            hint = ("No files yet: build the project on the Build page, or add existing "
                    "wheels and sdists.")  # fmt: skip
        else:
            hint = ""
        self.empty_hint.setText(hint)
        self.empty_hint.setToolTip("\n".join(a.label() for a in older))
        self._update_buttons()

    def _run_checks(self) -> None:
        files, repo = list(self._files), self.repository()
        self.checks = {}
        if not files or not self._active:
            return
        self._start(
            "checks", lambda sink, cancel: check_distributions(files, repository=repo),
            on_success=self._checks_done,
            on_failure=lambda error, trace: self._say(self._describe(error, trace), error=True),
        )  # fmt: skip

    def _checks_done(self, results: list[FileCheck]) -> None:
        if sorted(r.path for r in results) != sorted(self._files):
            self._stale.add("checks")
            return
        self.checks = {r.path: r for r in results}
        for row, path in enumerate(self._files):
            result = self.checks[path]
            if result.errors:
                text, colour = f"✖ {result.errors[0]}", ERROR
            elif result.warnings:
                text, colour = f"⚠ {result.summary}", WARN
            else:
                text, colour = "✔ passed", OK
            item = QTableWidgetItem(text)
            item.setForeground(QBrush(colour))
            item.setToolTip("\n".join([*result.errors, *result.warnings]) or "passed")
            self.table.setItem(row, 2, item)
        if not self.table.selectedIndexes():
            self.table.selectRow(0)
        self._show_details()
        self._update_buttons()

    def _show_details(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        if not rows or self._files[rows[0]] not in self.checks:
            self.details.setText("")
            return
        result = self.checks[self._files[rows[0]]]
        lines = [f"✖ {e}" for e in result.errors] + [f"⚠ {w}" for w in result.warnings]
        self.details.setText("\n".join(lines) or f"{result.path.name}: all checks passed.")

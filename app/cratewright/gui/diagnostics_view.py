"""The compiler's errors and warnings as a list, each with its rendered message and file.

The rows come from cargo's JSON ``compiler-message``s (already parsed by the core into
:class:`~cratewright.events.Diagnostic`), so file and line are exact, not scraped from text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.events import Diagnostic
from cratewright.gui.locations import open_location
from cratewright.gui.log_view import LogView

__all__ = ["DiagnosticsView"]

_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
}


class DiagnosticsView(QWidget):
    """A list of diagnostics and the selected one rendered with colours.

    Signal ``count_changed(int errors, int warnings)`` lets the page label its tab.
    """

    count_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._root: Path | None = None
        self._diagnostics: list[Diagnostic] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(splitter)
        self.tree = QTreeWidget(splitter)
        self.tree.setHeaderLabels(["Level", "Message", "Location"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 90)
        self.tree.setColumnWidth(1, 520)
        self.tree.currentItemChanged.connect(self._show_current)
        detail = QWidget(splitter)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        self.rendered = LogView(detail, max_lines=2_000)
        self.rendered.setPlaceholderText("Select a diagnostic to see it as rustc printed it.")
        detail_layout.addWidget(self.rendered)
        row = QHBoxLayout()
        self.location = QLabel(detail)
        self.open_button = QPushButton("Open file", detail)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_file)
        row.addWidget(self.location, 1)
        row.addWidget(self.open_button)
        detail_layout.addLayout(row)
        splitter.setSizes([200, 260])

    def set_root(self, root: Path | None) -> None:
        """The cargo workspace root; rustc's file names are relative to it."""
        self._root = root

    def clear_diagnostics(self) -> None:
        """Remove every row (a new build starts)."""
        self._diagnostics.clear()
        self.tree.clear()
        self.rendered.clear_log()
        self.location.clear()
        self.open_button.setEnabled(False)
        self.count_changed.emit(0, 0)

    def add(self, diagnostic: Diagnostic) -> None:
        """Append one diagnostic row."""
        self._diagnostics.append(diagnostic)
        where = ""
        if diagnostic.file:
            where = f"{diagnostic.file}:{diagnostic.line or '?'}"
            if diagnostic.column:
                where += f":{diagnostic.column}"
        code = f"[{diagnostic.code}] " if diagnostic.code else ""
        item = QTreeWidgetItem(self.tree, [diagnostic.level, code + diagnostic.message, where])
        item.setData(0, Qt.ItemDataRole.UserRole, len(self._diagnostics) - 1)
        icon = _ICONS.get(diagnostic.level)
        if icon is not None:
            item.setIcon(0, self.style().standardIcon(icon))
        if self.tree.currentItem() is None and diagnostic.level == "error":
            self.tree.setCurrentItem(item)
        self.count_changed.emit(*self.counts())

    def counts(self) -> tuple[int, int]:
        """(errors, warnings) shown."""
        errors = sum(1 for d in self._diagnostics if d.level == "error")
        warnings = sum(1 for d in self._diagnostics if d.level == "warning")
        return errors, warnings

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic shown, in arrival order."""
        return list(self._diagnostics)

    def file_of(self, diagnostic: Diagnostic) -> Path | None:
        """The diagnostic's file as an absolute path, if it names one."""
        if not diagnostic.file:
            return None
        path = Path(diagnostic.file)
        if not path.is_absolute() and self._root is not None:
            path = self._root / path
        return path

    def _current(self) -> Diagnostic | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return self._diagnostics[item.data(0, Qt.ItemDataRole.UserRole)]

    def _show_current(self) -> None:
        diagnostic = self._current()
        self.rendered.clear_log()
        if diagnostic is None:
            return
        self.rendered.append_lines((diagnostic.rendered or diagnostic.message).splitlines())
        self.rendered.flush()
        path = self.file_of(diagnostic)
        self.location.setText(f"{path}:{diagnostic.line}" if path else "")
        self.open_button.setEnabled(path is not None and path.exists())

    def _open_file(self) -> None:
        diagnostic = self._current()
        path = self.file_of(diagnostic) if diagnostic else None
        if path is not None:
            self.location_dialog = open_location(self, path, "Open file in editor")

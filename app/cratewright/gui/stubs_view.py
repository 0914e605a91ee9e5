"""The type stubs inside a built wheel: a file tree and a read-only view of the chosen ``.pyi``.

It shows what the wheel holds (read back by the core), so generated and hand-written stubs
look the same, and a wheel without stubs says how to get them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.build import STUBS_REQUIREMENT, wheel_stub_files
from cratewright.errors import CratewrightError

__all__ = ["StubsView"]

_NO_STUBS = (
    "This wheel has no type stubs. Turn on “Generate type stubs” in the build options "
    "to write them from the built module. " + STUBS_REQUIREMENT
)


class StubsView(QWidget):
    """Stub files of one wheel (``show_wheel``); selecting a file shows its text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(splitter, 1)
        self.files = QTreeWidget(splitter)
        self.files.setHeaderHidden(True)
        self.files.setAccessibleName("Type stub files")
        self.files.currentItemChanged.connect(self._show_current)
        self.text = QPlainTextEdit(splitter)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Type stub text")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        splitter.setSizes([100, 300])
        self._stubs: dict[str, str] = {}
        self.show_wheel(None)

    @property
    def stub_paths(self) -> list[str]:
        """Archive paths of the stub files shown."""
        return list(self._stubs)

    def show_wheel(self, wheel: Path | None) -> None:
        """Show the stubs of ``wheel`` (None clears the view)."""
        self.files.clear()
        self.text.clear()
        self._stubs = {}
        if wheel is None:
            self.summary.setText("No wheel selected.")
            return
        try:
            self._stubs = wheel_stub_files(wheel)
        except CratewrightError as exc:
            self.summary.setText(str(exc))
            return
        pyi = [name for name in self._stubs if name.endswith(".pyi")]
        if not pyi:
            self.summary.setText(_NO_STUBS)
            return
        typed = " + py.typed" if len(pyi) < len(self._stubs) else ""
        self.summary.setText(f"{len(pyi)} stub file(s){typed}")
        self.summary.setToolTip(str(wheel))
        folders: dict[str, QTreeWidgetItem] = {}
        first: QTreeWidgetItem | None = None
        for name in self._stubs:
            parent: QTreeWidget | QTreeWidgetItem = self.files
            parts = name.split("/")
            prefix = ""
            for part in parts[:-1]:
                prefix = f"{prefix}{part}/"
                if prefix not in folders:
                    folders[prefix] = QTreeWidgetItem(parent, [part + "/"])
                parent = folders[prefix]
            leaf = QTreeWidgetItem(parent, [parts[-1]])
            leaf.setData(0, Qt.ItemDataRole.UserRole, name)
            leaf.setToolTip(0, name)
            if first is None and name.endswith(".pyi"):
                first = leaf
        self.files.expandAll()
        if first is not None:
            self.files.setCurrentItem(first)

    def select(self, archive_path: str) -> None:
        """Show the text of the stub at ``archive_path``."""
        found = self.files.findItems(
            archive_path.rsplit("/", 1)[-1], Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
        )
        for item in found:
            if item.data(0, Qt.ItemDataRole.UserRole) == archive_path:
                self.files.setCurrentItem(item)
                return

    def _show_current(self) -> None:
        item = self.files.currentItem()
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if name is None:
            self.text.clear()
            return
        text = self._stubs.get(name, "")
        self.text.setPlainText(text if text else "(empty marker file: the package is typed)")

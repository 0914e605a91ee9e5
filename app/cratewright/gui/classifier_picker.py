"""The trove classifier picker: search the known classifiers and tick the project's.

The list is the core's ``classifier_choices`` (trove-classifiers), so only valid ones are offered.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import Problem, classifier_choices
from cratewright.gui.metadata_widgets import BAD_ROW

__all__ = ["ClassifierPicker"]


class ClassifierPicker(QWidget):
    """Search the trove classifiers on the left, the project's choice on the right."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all = classifier_choices()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search classifiers, e.g. rust, 3.12, MIT…")
        self.search.setClearButtonEnabled(True)
        self.available = QListWidget(self)
        self.available.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.chosen = QListWidget(self)
        self.chosen.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton("Add →", self)
        self.remove_button = QPushButton("← Remove", self)
        self.search.textChanged.connect(self._filter)
        self.add_button.clicked.connect(self.add_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.available.itemDoubleClicked.connect(lambda _item: self.add_selected())
        left = QVBoxLayout()
        left.addWidget(QLabel("Available", self))
        left.addWidget(self.search)
        left.addWidget(self.available, 1)
        middle = QVBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.add_button)
        middle.addWidget(self.remove_button)
        middle.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Chosen for this project", self))
        right.addWidget(self.chosen, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addLayout(middle)
        layout.addLayout(right, 3)
        self._filter("")

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        self.available.clear()
        self.available.addItems([c for c in self._all if all(w in c.lower() for w in words)])

    def value(self) -> list[str]:
        """The chosen classifiers, in order."""
        return [self.chosen.item(i).text() for i in range(self.chosen.count())]

    def set_value(self, value: list[str]) -> None:
        """Show the project's classifiers without emitting :attr:`edited`."""
        if value != self.value():
            self.chosen.clear()
            self.chosen.addItems(list(value or []))

    def add_selected(self) -> None:
        """Add the classifiers selected on the left."""
        current = self.value()
        new = [i.text() for i in self.available.selectedItems() if i.text() not in current]
        if new:
            self.chosen.addItems(new)
            self.edited.emit()

    def remove_selected(self) -> None:
        """Remove the classifiers selected on the right."""
        rows = sorted((self.chosen.row(i) for i in self.chosen.selectedItems()), reverse=True)
        for row in rows:
            self.chosen.takeItem(row)
        if rows:
            self.edited.emit()

    def mark(self, problems: Sequence[Problem]) -> None:
        """Tint chosen classifiers that are unknown, deprecated or conflicting."""
        bad = {p.item: p.message for p in problems if p.item}
        for i in range(self.chosen.count()):
            item = self.chosen.item(i)
            message = bad.get(item.text())
            item.setBackground(QBrush(BAD_ROW) if message else QBrush())
            item.setToolTip(message or "")

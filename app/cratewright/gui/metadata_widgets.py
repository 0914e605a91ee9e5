"""Editors for the Metadata page: one widget per field shape, plus the frame around each.

Every editor has ``value()``/``set_value()`` in the shape the core's :class:`FieldView` uses
and emits ``edited`` only when the user commits a change (Enter/focus-out for text, a
finished cell edit or an add/remove for tables), so each commit becomes one undo step.
``set_value`` never emits. Problems are shown where they are: the frame prints the message
and hint, tables tint the row at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import Problem

__all__ = [
    "FieldFrame",
    "TableEditor",
    "TextEditor",
    "contacts_editor",
    "entry_points_editor",
    "extras_editor",
    "mapping_editor",
    "string_list_editor",
]

BAD_ROW = QColor(229, 57, 53, 60)  # translucent red: readable on light and dark palettes


def error_colour(widget: QWidget) -> str:
    """A red that stays readable on the current palette."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return "#ef9a9a" if dark else "#c62828"


class TextEditor(QLineEdit):
    """A one-line value; commits on Enter or when focus leaves.

    ``typed`` is emitted on every keystroke, so the page can enable Save (and mark the edit
    pending) before the field is committed; Save commits it first.
    """

    edited = Signal()
    typed = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._committed = ""
        self.editingFinished.connect(self.commit)
        self.textEdited.connect(lambda _text: self.typed.emit())

    def value(self) -> str | None:
        """The text, None when empty."""
        return self.text().strip() or None

    def set_value(self, value: str | None) -> None:
        """Show ``value`` without emitting :attr:`edited`."""
        self._committed = value or ""
        if self.text() != self._committed:
            self.setText(self._committed)

    def mark(self, problems: Sequence[Problem]) -> None:
        """Tint the text when it is invalid."""
        errors = [p for p in problems if p.severity == "error"]
        self.setStyleSheet(
            f"QLineEdit {{ border: 1px solid {error_colour(self)}; }}" if errors else ""
        )

    @property
    def uncommitted(self) -> bool:
        """True while typed text has not been committed yet."""
        return self.text() != self._committed

    def commit(self) -> None:
        """Commit typed text now (Enter, focus out, or Save pressed while typing)."""
        if self.text() != self._committed:
            self._committed = self.text()
            self.edited.emit()


class TableEditor(QWidget):
    """Rows of text cells with Add/Remove; converts to and from a field value."""

    edited = Signal()

    def __init__(
        self,
        headers: Sequence[str],
        to_rows: Callable[[Any], list[list[str]]],
        from_rows: Callable[[list[list[str]]], Any],
        parent: QWidget | None = None,
        *,
        row_key: Callable[[list[str]], Sequence[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._to_rows = to_rows
        self._from_rows = from_rows
        self._row_key = row_key or (lambda row: row)
        self._loading = False
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        self.table.setMaximumHeight(240)
        self.table.itemChanged.connect(self._changed)
        self.add_button = QPushButton("Add", self)
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def rows(self) -> list[list[str]]:
        """Cell texts, empty rows dropped."""
        out = []
        for r in range(self.table.rowCount()):
            row = []
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                row.append(item.text().strip() if item else "")
            if any(row):
                out.append(row)
        return out

    def value(self) -> Any:
        """The field value the rows describe."""
        return self._from_rows(self.rows())

    def set_value(self, value: Any) -> None:
        """Show ``value`` without emitting :attr:`edited`."""
        rows = self._to_rows(value)
        if rows == self.rows():
            return
        self._loading = True
        try:
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    self.table.setItem(r, c, QTableWidgetItem(text))
        finally:
            self._loading = False

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Change one cell as if the user typed it (adds rows as needed)."""
        if row >= self.table.rowCount():
            self._loading = True
            self.table.setRowCount(row + 1)
            self._loading = False
        self.table.setItem(row, column, QTableWidgetItem(text))

    def add_row(self) -> None:
        """Append an empty row and start editing it."""
        self._loading = True
        self.table.insertRow(self.table.rowCount())
        self._loading = False
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0) or self._blank_item())

    def _blank_item(self) -> QTableWidgetItem:
        item = QTableWidgetItem("")
        self._loading = True
        self.table.setItem(self.table.rowCount() - 1, 0, item)
        self._loading = False
        return item

    def remove_selected(self) -> None:
        """Remove the selected rows."""
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        for row in rows:
            self.table.removeRow(row)
        self.edited.emit()

    def mark(self, problems: Sequence[Problem]) -> None:
        """Tint rows named by a problem's ``item`` and put the message in their tooltip."""
        by_item: dict[str, list[str]] = {}
        for problem in problems:
            if problem.item is not None:
                by_item.setdefault(problem.item, []).append(problem.message)
        self._loading = True
        try:
            for r in range(self.table.rowCount()):
                cells = [self.table.item(r, c) for c in range(self.table.columnCount())]
                texts = [cell.text().strip() if cell else "" for cell in cells]
                keys = set(self._row_key(texts)) | {"".join(texts[:1])}
                messages = [m for key in keys for m in by_item.get(key, [])]
                for cell in cells:
                    if cell is None:
                        continue
                    cell.setBackground(QBrush(BAD_ROW) if messages else QBrush())
                    cell.setToolTip("\n".join(messages))
        finally:
            self._loading = False

    def _changed(self, item: QTableWidgetItem) -> None:
        if not self._loading:
            self.edited.emit()


def string_list_editor(header: str, parent: QWidget | None = None) -> TableEditor:
    """One value per row (keywords, dependencies, license globs)."""
    return TableEditor(
        [header],
        lambda v: [[s] for s in v or []],
        lambda rows: [r[0] for r in rows if r[0]],
        parent,
    )


def contacts_editor(parent: QWidget | None = None) -> TableEditor:
    """Name / Email rows."""

    def to_rows(value: Any) -> list[list[str]]:
        return [[c.get("name", ""), c.get("email", "")] for c in value or []]

    def from_rows(rows: list[list[str]]) -> list[dict[str, str]]:
        out = []
        for name, email in rows:
            contact = {}
            if name:
                contact["name"] = name
            if email:
                contact["email"] = email
            out.append(contact)
        return out

    return TableEditor(
        ["Name", "Email"], to_rows, from_rows, parent, row_key=lambda r: [r[1] or r[0]]
    )


def mapping_editor(
    key_header: str, value_header: str, parent: QWidget | None = None
) -> TableEditor:
    """Key / value rows (urls, scripts)."""
    return TableEditor(
        [key_header, value_header],
        lambda v: [[k, str(x)] for k, x in (v or {}).items()],
        lambda rows: {k: x for k, x in rows if k},
        parent,
        row_key=lambda r: [r[0]],
    )


def extras_editor(parent: QWidget | None = None) -> TableEditor:
    """Extra / requirement rows, one requirement per row."""

    def to_rows(value: Any) -> list[list[str]]:
        return [[extra, req] for extra, reqs in (value or {}).items() for req in reqs]

    def from_rows(rows: list[list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for extra, req in rows:
            if extra:
                out.setdefault(extra, [])
                if req:
                    out[extra].append(req)
        return out

    return TableEditor(
        ["Extra", "Requirement"], to_rows, from_rows, parent, row_key=lambda r: [r[0], r[1]]
    )


def entry_points_editor(parent: QWidget | None = None) -> TableEditor:
    """Group / name / object reference rows."""

    def to_rows(value: Any) -> list[list[str]]:
        return [[g, n, ref] for g, table in (value or {}).items() for n, ref in table.items()]

    def from_rows(rows: list[list[str]]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for group, name, ref in rows:
            if group and name:
                out.setdefault(group, {})[name] = ref
        return out

    return TableEditor(
        ["Group", "Name", "Object reference"],
        to_rows,
        from_rows,
        parent,
        row_key=lambda r: [r[0], f"{r[0]}.{r[1]}"],
    )


class FieldFrame(QWidget):
    """An editor with, below it, where the value comes from and what is wrong with it."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.provenance = QLabel(self)
        self.provenance.setWordWrap(True)
        self.provenance.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.provenance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setObjectName("field-problems")
        self.problems.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(3)
        layout.addWidget(editor)
        layout.addWidget(self.provenance)
        layout.addWidget(self.problems)

    def set_provenance(self, text: str, details: str = "") -> None:
        """The "from … / overrides …" lines."""
        self.provenance.setText(text)
        self.provenance.setToolTip(details)

    def set_problems(self, problems: Sequence[Problem]) -> None:
        """Show each problem's message and hint in place (hidden when there are none)."""
        mark = getattr(self.editor, "mark", None)
        if mark is not None:
            mark(problems)
        if not problems:
            self.problems.hide()
            self.problems.clear()
            return
        lines = []
        for p in problems:
            icon = "✗" if p.severity == "error" else "⚠"
            lines.append(f"{icon} {p.message} — {p.hint}")
        self.problems.setText("\n".join(lines))
        colour = error_colour(self) if any(p.severity == "error" for p in problems) else "#b26a00"
        self.problems.setStyleSheet(f"color: {colour};")
        self.problems.show()

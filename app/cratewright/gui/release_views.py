"""Parts of the Release page: the platform x architecture table, YAML colours, the diff dialog.

The table only shows a :class:`~cratewright.core.ci.matrix.ReleaseMatrix` and reports ticks;
what a tick means for pyproject.toml is decided by the core (``core/ci/settings.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.ci import COLUMNS, PLATFORMS, MatrixCell, ReleaseMatrix

__all__ = ["ReleaseMatrixTable", "WorkflowDiffDialog", "YamlHighlighter"]

_CELL_ROLE = Qt.ItemDataRole.UserRole + 1
_ROW_HEIGHT = 36


def _cell_text(cell: MatrixCell) -> str:
    if not cell.available:
        return "—"
    return cell.summary.replace(", ", "\n+ ")


def _cell_tooltip(cell: MatrixCell, title: str) -> str:
    if not cell.available:
        return f"{title} has no {cell.column} target that CI can build"
    state = "built" if cell.enabled else "not built (tick to add it)"
    wheels = "\n".join(cell.tags)
    return f"{title} {cell.arch}: {state}\nWheels:\n{wheels}"


class ReleaseMatrixTable(QTableWidget):
    """Platforms as rows, architectures as columns; a ticked cell is a CI target.

    Signal ``toggled(platform, arch, enabled)`` when the user ticks or unticks a cell
    (mouse or Space); setting a matrix from code emits nothing.
    """

    toggled = Signal(str, str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(len(PLATFORMS), len(COLUMNS), parent)
        self.setObjectName("release-matrix")
        self.setAccessibleName("Release matrix: platforms by architecture")
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setVerticalHeaderLabels([spec.title for spec in PLATFORMS.values()])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(_ROW_HEIGHT)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        self.setFont(small)
        self._filling = False
        self.itemChanged.connect(self._on_item_changed)
        height = self.horizontalHeader().sizeHint().height() + _ROW_HEIGHT * len(PLATFORMS) + 4
        self.setFixedHeight(height)

    def set_matrix(self, matrix: ReleaseMatrix) -> None:
        """Show ``matrix``; no ``toggled`` signal is emitted for it."""
        self._filling = True
        try:
            for row, (platform, spec) in enumerate(PLATFORMS.items()):
                for col, column in enumerate(COLUMNS):
                    cell = matrix.cell(platform, column)
                    item = QTableWidgetItem(_cell_text(cell))
                    item.setData(_CELL_ROLE, (platform, cell.arch or ""))
                    item.setToolTip(_cell_tooltip(cell, spec.title))
                    if cell.available:
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                      | Qt.ItemFlag.ItemIsUserCheckable)  # fmt: skip
                        checked = Qt.CheckState.Checked if cell.enabled else Qt.CheckState.Unchecked
                        item.setCheckState(checked)
                        if not cell.enabled:
                            item.setForeground(self.palette().placeholderText())
                    else:
                        item.setFlags(Qt.ItemFlag.NoItemFlags)
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.setItem(row, col, item)
        finally:
            self._filling = False

    def cell_item(self, platform: str, column: str) -> QTableWidgetItem:
        """The item of one cell (tests tick cells through it)."""
        return self.item(list(PLATFORMS).index(platform), COLUMNS.index(column))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        platform, arch = item.data(_CELL_ROLE)
        self.toggled.emit(platform, arch, item.checkState() == Qt.CheckState.Checked)


class YamlHighlighter(QSyntaxHighlighter):
    """Comments, keys and ``${{ expressions }}`` of a CI file in colours."""

    def __init__(self, document) -> None:
        super().__init__(document)
        comment = QTextCharFormat()
        comment.setForeground(QColor("#6a737d"))
        key = QTextCharFormat()
        key.setForeground(QColor("#005cc5"))
        key.setFontWeight(QFont.Weight.Bold)
        expression = QTextCharFormat()
        expression.setForeground(QColor("#a0522d"))
        quoted = QTextCharFormat()
        quoted.setForeground(QColor("#22863a"))
        self._rules = [
            (QRegularExpression(r"^\s*(- )?[\w.-]+(?=:(\s|$))"), key),
            (QRegularExpression(r"'[^']*'|\"[^\"]*\""), quoted),
            (QRegularExpression(r"\$\{\{[^}]*\}\}"), expression),
            (QRegularExpression(r"(^|\s)#.*$"), comment),
        ]

    def highlightBlock(self, text: str) -> None:
        for pattern, style in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), style)


class WorkflowDiffDialog(QDialog):
    """Shows the change to a workflow file and asks before it is written."""

    def __init__(self, path_label: str, diff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Write {path_label}?")
        layout = QVBoxLayout(self)
        new_file = diff.startswith("--- /dev/null")
        what = "a new file" if new_file else "these changes to the file on disk"
        layout.addWidget(QLabel(f"This writes {what}: {path_label}", self))
        view = QPlainTextEdit(diff, self)
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setObjectName("workflow-diff")
        layout.addWidget(view, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Write workflow")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)

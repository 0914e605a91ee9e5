"""What the window shows when no project is open, and when one could not be opened.

A broken project is the first thing many users see (a typo in Cargo.toml, no cargo on PATH),
so the error panel names the file and line, shows the offending lines and offers the two ways
forward: fix and retry, or open something else.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from cratewright.errors import CratewrightError, ProjectError, ToolMissingError

__all__ = ["ErrorPanel", "WelcomePanel", "source_excerpt"]

_CONTEXT_LINES = 3


def source_excerpt(path: Path, line: int, column: int | None = None) -> str:
    """A few numbered lines around ``line`` with a caret under ``column`` ("" if unreadable)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    first = max(1, line - _CONTEXT_LINES)
    last = min(len(lines), line + _CONTEXT_LINES)
    width = len(str(last))
    out: list[str] = []
    for number in range(first, last + 1):
        marker = ">" if number == line else " "
        out.append(f"{marker} {number:>{width}} | {lines[number - 1]}")
        if number == line and column:
            out.append(f"  {' ' * width} | {' ' * (column - 1)}^")
    return "\n".join(out)


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class ErrorPanel(QWidget):
    """Shows why a project could not be opened. Signals: retry(), open_other()."""

    retry = Signal()
    open_other = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error-panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        top = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40)
        )
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.title = _heading("This project could not be opened", self)
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        self.path_label = QLabel(self)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.path_label)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setObjectName("error-message")
        layout.addWidget(self.message)
        self.location = QLabel(self)
        layout.addWidget(self.location)
        self.excerpt = QPlainTextEdit(self)
        self.excerpt.setReadOnly(True)
        self.excerpt.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.excerpt.setMaximumHeight(170)
        layout.addWidget(self.excerpt)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("Try again", self)
        self.retry_button.clicked.connect(self.retry)
        self.edit_button = QPushButton("Open file in editor", self)
        self.edit_button.clicked.connect(self._open_file)
        self.other_button = QPushButton("Open another project…", self)
        self.other_button.clicked.connect(self.open_other)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._file: Path | None = None

    def show_error(self, path: Path | None, error: BaseException, trace: str = "") -> None:
        """Fill the panel for ``error``; an unexpected exception shows its traceback."""
        self.path_label.setText(f"Project: {path}" if path else "")
        self._file = None
        excerpt = ""
        location = ""
        hint = ""
        if isinstance(error, CratewrightError):
            self.message.setText(error.message)
            hint = error.hint or ""
            if isinstance(error, ToolMissingError) and not hint:
                hint = "Install Rust with rustup (https://rustup.rs) and restart cratewright."
            if isinstance(error, ProjectError) and error.path is not None:
                self._file = error.path
                if error.line is not None:
                    location = f"In {error.path}, line {error.line}"
                    if error.column:
                        location += f", column {error.column}"
                    excerpt = source_excerpt(error.path, error.line, error.column)
                else:
                    location = f"In {error.path}"
        else:
            self.message.setText(f"Internal error: {type(error).__name__}: {error}")
            excerpt = trace
            hint = "This is a bug in cratewright; please report it with the text above."
        self.location.setText(location)
        self.location.setVisible(bool(location))
        self.excerpt.setPlainText(excerpt)
        self.excerpt.setVisible(bool(excerpt))
        self.hint.setText(f"Hint: {hint}" if hint else "")
        self.hint.setVisible(bool(hint))
        self.edit_button.setVisible(self._file is not None)

    def _open_file(self) -> None:
        if self._file is not None:
            from cratewright.gui.locations import open_location  # a dialog: not needed to start

            self.location_dialog = open_location(self, self._file, "Open file in editor")


class WelcomePanel(QWidget):
    """The empty window: open a crate by button, drop or recent list, or start a new one.

    Signals: open_path(Path), open_dialog(), new_project().
    """

    open_path = Signal(Path)
    open_dialog = Signal()
    new_project = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome-panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(14)
        layout.addWidget(_heading("Open a Rust crate to build Python wheels", self))
        explain = QLabel(
            "Choose a folder with a Cargo.toml (and optionally a pyproject.toml), or drop the "
            "folder, its Cargo.toml or its pyproject.toml onto this window. Existing maturin "
            "projects open unchanged.",
            self,
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        open_button = QPushButton("Open project folder…", self)
        open_button.setDefault(True)
        open_button.clicked.connect(self.open_dialog)
        new_button = QPushButton("New project…", self)
        new_button.setObjectName("welcome-new-project")
        new_button.setToolTip("Start a Rust crate that builds into a Python wheel (Ctrl+N)")
        new_button.clicked.connect(self.new_project)
        row = QHBoxLayout()
        row.addWidget(open_button)
        row.addWidget(new_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel("Recent projects (double-click to open):", self))
        self.recent = QListWidget(self)
        self.recent.itemActivated.connect(
            lambda item: self.open_path.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        layout.addWidget(self.recent, 1)

    def set_recent(self, paths: list[Path]) -> None:
        """Show these recent projects (double-click or Enter opens one)."""
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.name}    —    {path}", self.recent)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
        if not paths:
            QListWidgetItem("(none yet)", self.recent).setFlags(Qt.ItemFlag.NoItemFlags)

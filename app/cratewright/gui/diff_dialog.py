"""The dialog that shows, before Save, the unified diff of every file the edits change.

Also names the files Save does not write but that change because of it (Cargo.lock); the
diffs are the core's ``FileChange.diff`` texts, shown as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cratewright.core.metadata import FileChange, FollowUpChange

__all__ = ["DiffDialog", "save_summary"]


def save_summary(changes: Sequence[FileChange], follow_ups: Sequence[FollowUpChange]) -> str:
    """Every file that Save changes, in words: the ones it writes and the ones that follow."""
    written = ", ".join(str(c.path) for c in changes)
    lines = [f"Save writes the lines shown below to {written}; nothing else in them changes."]
    lines.extend(f"{f.path} also changes: {f.reason}." for f in follow_ups)
    return "\n".join(lines)


class DiffDialog(QDialog):
    """Shows what Save will write, file by file; Save or Cancel."""

    def __init__(
        self,
        changes: Sequence[FileChange],
        parent: QWidget | None = None,
        follow_ups: Sequence[FollowUpChange] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save metadata changes")
        self.resize(760, 520)
        label = QLabel(save_summary(changes, follow_ups), self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = label
        text = QPlainTextEdit(self)
        text.setReadOnly(True)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        text.setPlainText("\n".join(f"# {c.path}\n{c.diff()}" for c in changes))
        font = text.font()
        font.setFamily("monospace")
        text.setFont(font)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)

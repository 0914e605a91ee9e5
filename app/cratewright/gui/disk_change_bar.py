"""The bar an editor shows when a file it has unsaved edits for changed on disk.

``git pull`` or another editor may change Cargo.toml or pyproject.toml while the Metadata
page holds edits. (A change this app made itself, such as a Release-page tick or version
bump, is taken in under the edits without a question, unless it changed an edited field
too: see ``MetadataSaving.follow_own_writes``.) The edits are never dropped silently and
the user is not interrupted by a modal dialog: the bar names the files and offers both ways,
keeping the edits (Save then asks before overwriting the newer file) or discarding them and
showing the files as they now are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

__all__ = ["DiskChangeBar"]


class DiskChangeBar(QFrame):
    """Hidden until :meth:`show_files`; signals ``keep()`` and ``discard()`` answer it."""

    keep = Signal()
    discard = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disk-change-bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.keep_button = QPushButton("&Keep my edits", self)
        self.keep_button.setToolTip("Save later asks before it overwrites the newer file")
        self.discard_button = QPushButton("&Discard them and re-read", self)
        self.discard_button.setToolTip("Show the files as they are on disk now")
        self.keep_button.clicked.connect(self._keep)
        self.discard_button.clicked.connect(self._discard)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.message, 1)
        row.addWidget(self.keep_button)
        row.addWidget(self.discard_button)
        self.hide()

    def show_files(self, paths: Sequence[Path]) -> None:
        """Say which files changed on disk while edits are pending, and ask."""
        names = ", ".join(p.name for p in paths)
        self.message.setText(
            f"⚠ {names} changed on disk while your edits here are unsaved. The other pages "
            "show the files as they are now; these forms keep your edits until you choose."
        )
        self.message.setToolTip("\n".join(str(p) for p in paths))
        self.show()

    def _keep(self) -> None:
        self.hide()
        self.keep.emit()

    def _discard(self) -> None:
        self.hide()
        self.discard.emit()

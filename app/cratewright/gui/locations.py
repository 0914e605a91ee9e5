"""Open a file, folder or URL with the desktop, or show it with a Copy button when it can't.

``QDesktopServices.openUrl`` returns False when no launcher exists (a bare container, a
minimal window manager); then the user still gets the path, selectable and copyable,
instead of a button that does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["LocationDialog", "open_location", "url_opener"]

#: How URLs are handed to the desktop (tests replace it: no launcher is ever run).
url_opener: Callable[[QUrl], bool] = QDesktopServices.openUrl


class LocationDialog(QDialog):
    """The path (or URL) that could not be opened, selectable, with a Copy button."""

    def __init__(self, what: str, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(what)
        self.location = QLineEdit(location, self)
        self.location.setReadOnly(True)
        self.location.setMinimumWidth(min(720, 40 + self.fontMetrics().horizontalAdvance(location)))
        message = QLabel("No application is set up to open this here. The location is:", self)
        message.setWordWrap(True)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.location)
        layout.addWidget(buttons)

    def copy(self) -> None:
        """Put the location on the clipboard."""
        QGuiApplication.clipboard().setText(self.location.text())


def open_location(parent: QWidget, target: Path | str, what: str) -> LocationDialog | None:
    """Open ``target`` (a path or an http(s) URL); returns the fallback dialog if shown."""
    text = str(target)
    url = QUrl(text) if text.startswith(("http://", "https://")) else QUrl.fromLocalFile(text)
    if url_opener(url):
        return None
    dialog = LocationDialog(what, text, parent)
    dialog.setModal(True)
    dialog.open()
    return dialog

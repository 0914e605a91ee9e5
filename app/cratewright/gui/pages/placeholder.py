"""An honest placeholder for a page whose issue has not landed: it says what it will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cratewright.gui.state import AppState

__all__ = ["placeholder_body"]


def placeholder_body(state: AppState, text: str, parent: QWidget) -> QWidget:
    """A centred, word-wrapped explanation of what this page will do."""
    del state
    body = QWidget(parent)
    layout = QVBoxLayout(body)
    label = QLabel(text, body)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setObjectName("placeholder")
    layout.addStretch(1)
    layout.addWidget(label)
    layout.addStretch(2)
    return body

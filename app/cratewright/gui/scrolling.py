"""A widget whose contents scroll when the window is too short, instead of being squashed."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

__all__ = ["scrolled_column"]


def scrolled_column(owner: QWidget) -> QVBoxLayout:
    """Fill ``owner`` with a frameless scroll area and return the column layout inside it.

    Qt gives a layout less than its minimum size when the window is small (1024x700), and
    the controls then overlap or vanish; inside a resizable scroll area they keep their size.
    """
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(owner)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget(scroll)
    scroll.setWidget(body)
    return QVBoxLayout(body)

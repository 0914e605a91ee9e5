"""A one-line label that elides what does not fit and keeps the whole text in its tooltip.

Used where a long value (a path, a summary) must share a row at 1024×700: the layout may
make it narrow, and the text is then cut in the middle with "…" (a path keeps its start and
its file name) instead of mid-glyph. The window's header is one, so it is painted in the
first frame: it sets its properties without the ``Qt`` namespace (see
:mod:`cratewright.gui.qt_properties`) and asks Qt to elide only when the text is too long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from cratewright.gui.qt_properties import ALIGN_LEFT_VCENTER, plain_text

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent, QResizeEvent

__all__ = ["ElidedLabel"]


class ElidedLabel(QLabel):
    """``text()`` is the full text; what is painted (left, centred vertically) is elided in
    the middle to the width it gets."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._detail = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        plain_text(self)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def set_detail(self, detail: str) -> None:
        """A tooltip shown whether or not the text is elided (e.g. the full path of a ``~/``
        one); empty: the whole text, only when it is elided."""
        self._detail = detail
        self._update_tooltip()

    def is_elided(self) -> bool:
        """True when the painted text is shorter than the text."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def minimumSizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance("…") * 4, super().minimumSizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.text()
        if self.is_elided():
            from PySide6.QtCore import Qt

            shown = self.fontMetrics().elidedText(shown, Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(rect, ALIGN_LEFT_VCENTER, shown)

    def _update_tooltip(self) -> None:
        self.setToolTip(self._detail or (self.text() if self.is_elided() else ""))

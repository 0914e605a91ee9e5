"""A one-line label that elides what does not fit and keeps the whole text in its tooltip.

Used where a long value (a path, a summary) must share a row at 1024×700: the layout may
make it narrow, and the text is then cut with "…" instead of mid-glyph.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["ElidedLabel"]


class ElidedLabel(QLabel):
    """``text()`` is the full text; what is painted is elided to the width it gets."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        super().__init__(text, parent)
        self._mode = mode
        self._detail = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)
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
        shown = self.fontMetrics().elidedText(self.text(), self._mode, rect.width())
        painter.drawText(rect, int(self.alignment()), shown)

    def _update_tooltip(self) -> None:
        self.setToolTip(self._detail or (self.text() if self.is_elided() else ""))

"""A one-line label that elides what does not fit and keeps the whole text in its tooltip.

Used where a long value (a path, a summary) must share a row at 1024×700: the layout may
make it narrow, and the text is then cut in the middle with "…" (a path keeps its start and
its file name) instead of mid-glyph. The window's header is one, so it is painted in the
first frame: it sets its properties and elides without the ``Qt`` namespace (see
:mod:`cratewright.gui.qt_properties`).
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


def _cut_middle(text: str, keep: int) -> str:
    """``keep`` characters of ``text``, its start and its end, joined by "…"."""
    tail = keep // 2
    return text[: keep - tail] + "…" + (text[-tail:] if tail else "")


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
        painter.drawText(rect, ALIGN_LEFT_VCENTER, self._elided(rect.width()))

    def _elided(self, width: int) -> str:
        """The text cut in the middle to ``width``: the most characters that fit around "…".

        Not ``QFontMetrics.elidedText``: its mode argument is a ``Qt`` enum, and building
        the ``Qt`` namespace in the first frame costs more than this search (see
        :mod:`cratewright.gui.qt_properties`).
        """
        text, metrics = self.text(), self.fontMetrics()
        if metrics.horizontalAdvance(text) <= width:
            return text
        fits, too_many = 0, len(text)
        while too_many - fits > 1:
            keep = (fits + too_many) // 2
            if metrics.horizontalAdvance(_cut_middle(text, keep)) <= width:
                fits = keep
            else:
                too_many = keep
        return _cut_middle(text, fits)

    def _update_tooltip(self) -> None:
        self.setToolTip(self._detail or (self.text() if self.is_elided() else ""))

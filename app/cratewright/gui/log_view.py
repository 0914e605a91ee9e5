"""The live build log: cargo's coloured output, appended without freezing the window.

Lines arrive in bursts (a cold pyo3 build prints hundreds, a verbose build script can print
100,000). They are queued and drawn by a timer in slices of a few milliseconds, so the event
loop is never blocked for long whatever the burst size; the document keeps at most
``max_lines`` lines, dropping the oldest, so memory stays bounded.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from cratewright.gui.ansi import PLAIN, Style, parse_ansi, strip_ansi

__all__ = ["LogView"]

# xterm's 16 colours, tuned per background so that yellow stays readable on white and blue
# on black.
_DARK_BG_COLOURS = (
    "#3b3b3b", "#ff6b6b", "#5fd75f", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#d0d0d0",
    "#7f7f7f", "#ff8787", "#87ff87", "#ffd75f", "#87afff", "#d787ff", "#87d7d7", "#ffffff",
)  # fmt: skip
_LIGHT_BG_COLOURS = (
    "#000000", "#c4141a", "#1a7f1a", "#8a6100", "#1f4fc4", "#8e2fa8", "#137a85", "#6e6e6e",
    "#555555", "#d7263d", "#2f9e2f", "#a36f00", "#3367d6", "#a347ba", "#1b8a96", "#2b2b2b",
)  # fmt: skip

# Drawing budget per timer tick, including Qt's layout of the new lines at endEditBlock();
# the number of lines per tick adapts to it, which keeps event-loop stalls short.
_SLICE_SECONDS = 0.008


def _xterm_256(index: int) -> str:
    """The xterm 256-colour cube and grey ramp (indexes 16-255)."""
    if index >= 232:
        level = 8 + (index - 232) * 10
        return f"#{level:02x}{level:02x}{level:02x}"
    index -= 16
    steps = (0, 95, 135, 175, 215, 255)
    r, g, b = steps[index // 36], steps[(index // 6) % 6], steps[index % 6]
    return f"#{r:02x}{g:02x}{b:02x}"


class LogView(QPlainTextEdit):
    """Read-only, bounded, ANSI-aware log pane with batched appends."""

    def __init__(self, parent: QWidget | None = None, *, max_lines: int = 20_000) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setMaximumBlockCount(max_lines)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setPlaceholderText("cargo's output appears here while a build runs.")
        self._max_lines = max_lines
        # Lines that would scroll out before being seen are never drawn.
        self._backlog: deque[str] = deque(maxlen=max_lines)
        self._raw: deque[str] = deque(maxlen=max_lines)
        self._style = PLAIN
        self._formats: dict[Style, QTextCharFormat] = {}
        self._colours = self._palette_colours()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._drain)
        self.lines_received = 0
        self._started = False  # whether a first line was drawn (the next one needs a new block)
        self._batch = 200  # lines per drawing tick, adapted to _SLICE_SECONDS

    # -- public API -------------------------------------------------------------------------

    def append_lines(self, lines: Iterable[str]) -> None:
        """Queue lines (ANSI kept) for drawing; returns at once.

        Only C-level deque operations happen here (both deques drop their oldest lines by
        themselves), so even a 100,000-line batch costs a few milliseconds.
        """
        lines = list(lines)
        self._backlog.extend(lines)
        self._raw.extend(lines)
        self.lines_received += len(lines)
        if self._backlog and not self._timer.isActive():
            self._timer.start()

    def clear_log(self) -> None:
        """Forget everything, including lines not drawn yet."""
        self._backlog.clear()
        self._raw.clear()
        self._style = PLAIN
        self.lines_received = 0
        self._started = False
        self.clear()

    def plain_text(self) -> str:
        """The kept log without colours, for copy and save."""
        return "".join(strip_ansi(line) + "\n" for line in self._raw)

    @property
    def pending(self) -> int:
        """Lines queued but not drawn yet."""
        return len(self._backlog)

    def flush(self) -> None:
        """Draw everything queued now (tests and screenshots)."""
        while self._backlog:
            self._drain()

    def copy_all(self) -> None:
        """Put the whole log, without colours, on the clipboard."""
        QApplication.clipboard().setText(self.plain_text())

    def save_to(self, path: Path) -> None:
        """Write the log without colours to ``path`` atomically."""
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.plain_text())
            Path(temp).replace(path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    # -- drawing ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """Follow a switch between light and dark system palettes (for lines drawn next)."""
        if event.type() == QEvent.Type.PaletteChange:
            self._colours = self._palette_colours()
            self._formats.clear()
        super().changeEvent(event)

    def _palette_colours(self) -> tuple[str, ...]:
        base = self.palette().color(QPalette.ColorRole.Base)
        return _DARK_BG_COLOURS if base.lightness() < 128 else _LIGHT_BG_COLOURS

    def _format(self, style: Style) -> QTextCharFormat:
        cached = self._formats.get(style)
        if cached is not None:
            return cached
        fmt = QTextCharFormat()
        for colour, setter in ((style.fg, fmt.setForeground), (style.bg, fmt.setBackground)):
            if isinstance(colour, int):
                colour = self._colours[colour] if colour < 16 else _xterm_256(colour)
            if colour is not None:
                setter(QColor(colour))
        if style.bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        if style.italic:
            fmt.setFontItalic(True)
        if style.underline:
            fmt.setFontUnderline(True)
        if style.dim and style.fg is None:
            fmt.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        self._formats[style] = fmt
        return fmt

    def _drain(self) -> None:
        if not self._backlog:
            self._timer.stop()
            return
        scrollbar = self.verticalScrollBar()
        follow = scrollbar.value() >= scrollbar.maximum() - 2
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        started = time.perf_counter()
        cursor.beginEditBlock()
        count = min(self._batch, len(self._backlog))
        for _ in range(count):
            line = self._backlog.popleft()
            if self._started:
                cursor.insertBlock()
            self._started = True
            segments, self._style = parse_ansi(line, self._style)
            for segment in segments:
                cursor.insertText(segment.text, self._format(segment.style))
            if not segments:
                cursor.setCharFormat(self._format(PLAIN))
        cursor.endEditBlock()
        elapsed = max(time.perf_counter() - started, 1e-4)
        self._batch = max(16, min(4000, int(count * _SLICE_SECONDS / elapsed)))
        if follow:
            scrollbar.setValue(scrollbar.maximum())
        if not self._backlog:
            self._timer.stop()

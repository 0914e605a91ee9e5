"""Turn ANSI-coloured terminal text into styled segments the log view can draw.

cargo and rustc colour their output with SGR escape sequences (``ESC[1m``, ``ESC[38;5;12m``);
anything else (cursor moves, erase-line, OSC hyperlinks) has no meaning in a log pane and is
dropped. The parser is pure Python so it can be tested without a display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["RED", "RESET", "YELLOW", "Segment", "Style", "parse_ansi", "strip_ansi"]

_ESCAPE = re.compile(
    r"\x1b\[([0-9;:?]*)([ -/]*[@-~])"  # CSI: SGR colours, erase line, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: hyperlinks, titles
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
)


@dataclass(frozen=True)
class Style:
    """The state SGR codes set. Colours are ANSI indexes 0-255 or ``#rrggbb`` strings."""

    fg: int | str | None = None
    bg: int | str | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Segment:
    """A run of text drawn in one style."""

    text: str
    style: Style


PLAIN = Style()

#: Colours the GUI writes into its own log lines, so they look like cargo's.
YELLOW = "\x1b[33m"
RED = "\x1b[1;31m"
RESET = "\x1b[0m"


def strip_ansi(text: str) -> str:
    """The text without any escape sequence (for copy, save and search)."""
    return _ESCAPE.sub("", text)


def _extended_colour(codes: list[int], index: int) -> tuple[int | str | None, int]:
    """Read ``5;n`` or ``2;r;g;b`` after a 38/48; returns (colour, codes consumed)."""
    if index < len(codes) and codes[index] == 5 and index + 1 < len(codes):
        return max(0, min(255, codes[index + 1])), 2
    if index < len(codes) and codes[index] == 2 and index + 3 < len(codes):
        r, g, b = (max(0, min(255, c)) for c in codes[index + 1 : index + 4])
        return f"#{r:02x}{g:02x}{b:02x}", 4
    return None, len(codes) - index


def _apply_sgr(style: Style, params: str) -> Style:
    codes = [int(part) if part.isdigit() else 0 for part in re.split(r"[;:]", params)] or [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        i += 1
        if code == 0:
            style = PLAIN
        elif code == 1:
            style = replace(style, bold=True)
        elif code == 2:
            style = replace(style, dim=True)
        elif code == 3:
            style = replace(style, italic=True)
        elif code == 4:
            style = replace(style, underline=True)
        elif code == 22:
            style = replace(style, bold=False, dim=False)
        elif code == 23:
            style = replace(style, italic=False)
        elif code == 24:
            style = replace(style, underline=False)
        elif 30 <= code <= 37:
            style = replace(style, fg=code - 30)
        elif 90 <= code <= 97:
            style = replace(style, fg=code - 90 + 8)
        elif 40 <= code <= 47:
            style = replace(style, bg=code - 40)
        elif 100 <= code <= 107:
            style = replace(style, bg=code - 100 + 8)
        elif code == 39:
            style = replace(style, fg=None)
        elif code == 49:
            style = replace(style, bg=None)
        elif code in (38, 48):
            colour, used = _extended_colour(codes, i)
            i += used
            style = replace(style, fg=colour) if code == 38 else replace(style, bg=colour)
    return style


def parse_ansi(text: str, style: Style = PLAIN) -> tuple[list[Segment], Style]:
    """Split one line into styled segments; returns them and the style at the end of the line.

    The end style is returned because a colour set on one line stays on for the next one
    until it is reset, as in a terminal.
    """
    segments: list[Segment] = []
    position = 0
    for match in _ESCAPE.finditer(text):
        if match.start() > position:
            segments.append(Segment(text[position : match.start()], style))
        if match.group(2) == "m":
            style = _apply_sgr(style, match.group(1))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:], style))
    return segments, style

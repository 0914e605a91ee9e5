"""Set the few enum-valued Qt properties of the first frame by number, not through ``Qt``.

PySide6 builds all of the ``Qt`` namespace's Python enums (93 of them, 1,200 members) the
first time a module imports ``Qt``: about 15 ms, a tenth of the app's start-up. The widgets
of the first frame (the window, its header and the Overview page) set their enum properties
here, through Qt's property system, which takes the C++ value; everything built after the
first frame uses ``Qt`` as usual. The numbers are Qt's own (qnamespace.h);
``tests/gui/test_qt_properties.py`` checks each against ``Qt``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

__all__ = [
    "ALIGN_CENTER",
    "ALIGN_LEFT_VCENTER",
    "ALIGN_TOP",
    "align",
    "no_horizontal_scroll_bar",
    "plain_text",
    "selectable_by_mouse",
]

ALIGN_TOP = 0x0020  # Qt.AlignmentFlag.AlignTop
ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter
ALIGN_LEFT_VCENTER = 0x0081  # Qt.AlignmentFlag.AlignLeft | AlignVCenter (a QLabel's default)
_TEXT_SELECTABLE_BY_MOUSE = 0x1  # Qt.TextInteractionFlag.TextSelectableByMouse
_PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
_SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def _set(target: QObject, name: str, value: int) -> None:
    if not target.setProperty(name, value):
        raise TypeError(f"{type(target).__name__} has no enum property {name!r}")


def align(label: QObject, alignment: int) -> None:
    """``label.setAlignment(...)`` with one of the ``ALIGN_*`` values."""
    _set(label, "alignment", alignment)


def selectable_by_mouse(label: QObject) -> None:
    """The label's text can be selected (and copied) with the mouse."""
    _set(label, "textInteractionFlags", _TEXT_SELECTABLE_BY_MOUSE)


def plain_text(label: QObject) -> None:
    """The label shows its text as is, never as rich text."""
    _set(label, "textFormat", _PLAIN_TEXT)


def no_horizontal_scroll_bar(area: QObject) -> None:
    """A scroll area (or item view) that never shows a horizontal scroll bar."""
    _set(area, "horizontalScrollBarPolicy", _SCROLL_BAR_ALWAYS_OFF)

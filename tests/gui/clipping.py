"""Find widgets whose text does not fit: the check behind the 1024×700 layout test."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from cratewright.gui.elided_label import ElidedLabel

_SLACK = 2  # pixels of rounding a style may lose without cutting a glyph


def _describe(widget: QWidget, text: str, why: str) -> str:
    page = widget
    while page is not None and not page.objectName().startswith("page-"):
        page = page.parentWidget()
    where = page.objectName() if page is not None else "window"
    return f"{where}: {type(widget).__name__} {text[:60]!r} {why}"


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text.strip() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    rect = label.contentsRect()
    if isinstance(label, ElidedLabel):
        if label.is_elided() and label.toolTip() != text:
            return "is elided without a tooltip"
        return None
    if label.wordWrap():
        needed = label.heightForWidth(rect.width() + 2 * label.margin())
        if needed > label.height() + _SLACK:
            return f"needs {needed}px height, has {label.height()}"
        return None
    hint = label.sizeHint()
    if hint.width() > label.width() + _SLACK:
        return f"needs {hint.width()}px width, has {label.width()}"
    if hint.height() > label.height() + _SLACK and label.textFormat() != Qt.TextFormat.RichText:
        return f"needs {hint.height()}px height, has {label.height()}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if not button.text().strip():
        return None
    hint = button.sizeHint()
    if hint.width() > button.width() + _SLACK:
        return f"needs {hint.width()}px width, has {button.width()}"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text.strip() or combo.isEditable():
        return None  # an editable combo scrolls its text like a line edit
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    needed = combo.fontMetrics().horizontalAdvance(text)
    if needed > field.width() + _SLACK:
        return f"shows {needed}px of text in {field.width()}px"
    return None


def clipped_texts(root: QWidget) -> list[str]:
    """Every visible label and button under ``root`` whose text is cut, described."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 0 or widget.window() is not root:
            continue
        if isinstance(widget, QLabel):
            why = _label_problem(widget)
            text = widget.text()
        elif isinstance(widget, QAbstractButton):
            why = _button_problem(widget)
            text = widget.text()
        elif isinstance(widget, QComboBox):
            why = _combo_problem(widget)
            text = widget.currentText()
        else:
            continue
        if why:
            problems.append(_describe(widget, text, why))
    return problems

"""Fits and flows: at 1024×700 no label or button text is cut, and the window works from the
keyboard (sidebar, menus with their shortcuts)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from cratewright.gui.main_window import MainWindow
from tests.conftest import TEST_CRATES
from tests.gui.clipping import clipped_texts
from tests.gui.test_main_window import open_in_window


@pytest.fixture
def app_style(qtbot):
    """The app's own style and style sheet (what users see), reset afterwards."""
    from cratewright.gui.resources import resource_path

    app = QApplication.instance()
    old_sheet, old_style = app.styleSheet(), app.style().name()
    app.setStyle("Fusion")
    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    yield app
    app.setStyleSheet(old_sheet)
    app.setStyle(old_style)


def _render_all(window: MainWindow, size: tuple[int, int]) -> dict[str, list[str]]:
    window.resize(*size)
    found: dict[str, list[str]] = {}
    for page_id, page in window.pages.items():
        window.show_page(page_id)
        page.prepare_screenshot()
        for _ in range(5):
            QApplication.processEvents()
        found[page_id] = clipped_texts(window)
    return found


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800)])
def test_no_text_is_clipped(qtbot, app_style, size: tuple[int, int]) -> None:
    window = open_in_window(qtbot, TEST_CRATES / "pyo3-mixed")
    found = _render_all(window, size)
    assert window.size().width() == size[0]
    problems = [p for page in found.values() for p in page]
    assert not problems, "\n".join(problems)
    nav = window.navigation
    metrics = nav.fontMetrics()
    for row in range(nav.count()):
        item = nav.item(row)
        # the item's padding (12 px a side in style.qss), its icon and the icon's spacing
        room = nav.visualItemRect(item).width() - 24 - nav.iconSize().width() - 8
        assert metrics.horizontalAdvance(item.text()) <= room, f"sidebar cuts {item.text()!r}"


def test_the_check_finds_cut_texts(qtbot) -> None:
    """The clipping check can fail: a squeezed button, label and combo are all reported."""
    from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

    from cratewright.gui.elided_label import ElidedLabel

    root = QWidget()
    qtbot.addWidget(root)
    button = QPushButton("A button with a long text", root)
    label = QLabel("A label with a long text that cannot fit", root)
    combo = QComboBox(root)
    combo.addItem("a combo choice with a long description")
    elided = ElidedLabel("an elided label keeps its text in the tooltip", root)
    for widget in (button, label, combo, elided):
        widget.setFixedWidth(60)
    root.show()
    problems = clipped_texts(root)
    assert len(problems) == 3, problems
    assert elided.is_elided() and elided.toolTip() == elided.text()

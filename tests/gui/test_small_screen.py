"""Fits and flows: at 1024×700 no label or button text is cut, and the window works from the
keyboard (sidebar, menus with their shortcuts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabWidget

from cratewright.gui.main_window import MainWindow
from tests.conftest import TEST_CRATES
from tests.gui.clipping import clipped_texts
from tests.gui.test_main_window import open_in_window


@pytest.fixture
def app_style(qtbot):
    """The app's own style (what users see), reset afterwards."""
    app = QApplication.instance()
    old_style = app.style().name()
    app.setStyle("Fusion")
    yield app
    app.setStyle(old_style)


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _render_all(window: MainWindow, size: tuple[int, int]) -> dict[str, list[str]]:
    """Every page, and every tab of every page (Build's log, results, sdist; Publish's
    release checklist; each Metadata tab...), shown at ``size`` and checked."""
    window.resize(*size)
    found: dict[str, list[str]] = {}
    for page_id, page in window.pages.items():
        window.show_page(page_id)
        page.prepare_screenshot()
        _settle()
        found[page_id] = clipped_texts(window)
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                _settle()
                if tabs.isVisibleTo(window):
                    where = f"{page_id} ▸ {tabs.tabText(index)}"
                    found[where] = clipped_texts(window)
            tabs.setCurrentIndex(0)
    return found


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800)])
def test_no_text_is_clipped(qtbot, app_style, size: tuple[int, int]) -> None:
    window = open_in_window(qtbot, TEST_CRATES / "pyo3-mixed")
    found = _render_all(window, size)
    assert window.size().width() == size[0]
    assert "build ▸ Results" in found and "publish ▸ &Release checklist" in found
    window.show_page("metadata")  # the bar that asks about files changed on disk fits too
    window.pages["metadata"].disk_bar.show_files([Path("Cargo.toml"), Path("pyproject.toml")])
    _settle()
    found["metadata with the changed-on-disk bar"] = clipped_texts(window)
    problems = [f"{where}: {p}" for where, page in found.items() for p in page]
    assert not problems, "\n".join(problems)
    window.show_page("interpreters")
    _settle()
    preview = window.pages["interpreters"].preview_list  # wheel names wrap, never cut sideways
    assert preview.count() and preview.horizontalScrollBar().maximum() == 0
    table = window.pages["interpreters"].table
    rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    assert rows >= 8, f"the interpreters table shows only {rows} rows"
    nav = window.navigation
    metrics = nav.fontMetrics()
    for row in range(nav.count()):
        item = nav.item(row)
        # the item's padding (12 px a side in navigation.qss), its icon and the icon's spacing
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


def test_results_keep_the_file_name_whole_on_a_small_screen(qtbot, tmp_path: Path) -> None:
    from cratewright.gui.results_view import ResultsView
    from tests.publish.fixtures import make_wheel

    wheel = make_wheel(tmp_path, "pyo3-mixed", "0.2.0", tag="cp311-cp311-manylinux_2_34_x86_64")
    view = ResultsView()
    qtbot.addWidget(view)
    view.set_artifacts([wheel])
    view.resize(760, 300)  # the Results tab at 1024×700
    view.show()
    QApplication.processEvents()
    tree = view.artifacts
    assert tree.isColumnHidden(1), "the tag is in the file name (and its tooltip)"
    needed = tree.fontMetrics().horizontalAdvance(wheel.name)
    assert tree.columnWidth(0) >= needed, "the file name is not elided"
    assert "cp311-cp311-manylinux_2_34_x86_64" in tree.topLevelItem(0).toolTip(0)
    view.resize(1500, 300)
    QApplication.processEvents()
    assert not tree.isColumnHidden(1)


def test_audit_summary_is_cut_at_a_word_with_an_ellipsis() -> None:
    from cratewright.gui.audit_verdict import shorten

    reason = "too-recent symbol versions from libc.so.6: " + ", ".join(
        f"symbol_{i}@GLIBC_2.34" for i in range(20)
    )
    short = shorten(reason, 160)
    assert short.endswith(" …") and len(short) <= 162
    assert reason.startswith(short[:-2]), "cut where a word ends, nothing rewritten"
    words = [word.rstrip(",") for word in reason.split(" ")]
    assert short[:-2].rsplit(" ", 1)[-1] in words, "the last word shown is a whole word"
    assert shorten("short", 160) == "short"


def test_interpreters_table_fits_without_scrolling_sideways(qtbot, app_style) -> None:
    """At 1024×700 the whole table is readable without a horizontal scroll bar: the Path
    column takes what is left and cuts a long path in its middle, the full path in the
    cell's tooltip; the other columns are as wide as their contents (a verdict too long to
    fit beside a readable path is cut at its end, whole in its tooltip)."""
    from cratewright.gui.formatting import display_path
    from cratewright.gui.interpreter_table import _COLUMNS, _KIND, _PATH, _USABLE

    window = open_in_window(qtbot, TEST_CRATES / "pyo3-mixed")
    window.resize(1024, 700)
    window.show_page("interpreters")
    page = window.pages["interpreters"]
    page.prepare_screenshot()
    _settle()
    table = page.table
    assert table.rowCount() >= 3, "real interpreters of this machine are listed"
    assert table.horizontalScrollBar().maximum() == 0, "the table scrolls sideways"
    used = sum(table.columnWidth(c) for c in range(len(_COLUMNS)))
    assert used <= table.viewport().width()
    for column in range(len(_COLUMNS)):
        if column not in (_PATH, _USABLE):  # these show their texts whole
            assert table.columnWidth(column) >= table.sizeHintForColumn(column), column
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        verdict = table.item(row, _USABLE)
        if verdict.text().startswith("✓"):  # "✓ usable: gets its own cp311-cp311 wheel"
            assert metrics.horizontalAdvance(verdict.text()) < table.columnWidth(_USABLE)
        assert verdict.toolTip() == verdict.text()
        full = table.item(row, _KIND).data(Qt.ItemDataRole.UserRole)
        cell = table.item(row, _PATH)
        assert cell.toolTip() == full
        assert cell.text() == display_path(full)
    narrow = table.columnWidth(_PATH)
    window.resize(1280, 800)  # wider: the columns follow, the paths get the room first
    _settle()
    assert table.horizontalScrollBar().maximum() == 0
    assert table.columnWidth(_PATH) > narrow
    assert sum(table.columnWidth(c) for c in range(len(_COLUMNS))) <= table.viewport().width()

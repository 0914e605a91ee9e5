"""The log view: batched, bounded, ANSI-rendered, copy and save."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from cratewright.gui.log_view import LogView


def test_append_is_deferred_and_drained_by_the_event_loop(qtbot) -> None:
    view = LogView(max_lines=1000)
    qtbot.addWidget(view)
    view.append_lines(f"line {i}" for i in range(500))
    assert view.pending == 500  # nothing drawn synchronously
    qtbot.waitUntil(lambda: view.pending == 0, timeout=5000)
    assert view.document().blockCount() == 500
    assert view.document().findBlockByNumber(499).text() == "line 499"


def test_buffer_is_bounded_and_keeps_the_newest_lines(qtbot) -> None:
    view = LogView(max_lines=1000)
    qtbot.addWidget(view)
    view.append_lines(f"line {i}" for i in range(100_000))
    assert view.pending <= 1000
    view.flush()
    assert view.document().blockCount() <= 1000
    assert view.document().lastBlock().text() == "line 99999"
    assert view.plain_text().splitlines()[-1] == "line 99999"
    assert len(view.plain_text().splitlines()) == 1000
    assert view.lines_received == 100_000


def test_colours_become_formats_and_copy_has_no_escapes(qtbot, tmp_path: Path) -> None:
    view = LogView()
    qtbot.addWidget(view)
    view.append_lines(["\x1b[1;31merror\x1b[0m: mismatched types", "plain"])
    view.flush()
    block = view.document().firstBlock()
    assert block.text() == "error: mismatched types"
    first_fragment = block.begin().fragment()
    assert first_fragment.text() == "error"
    assert first_fragment.charFormat().fontWeight() >= 600
    assert first_fragment.charFormat().foreground().color().red() > 150
    view.copy_all()
    assert QApplication.clipboard().text() == "error: mismatched types\nplain\n"
    target = tmp_path / "build.log"
    view.save_to(target)
    assert target.read_text() == "error: mismatched types\nplain\n"
    assert [p.name for p in tmp_path.iterdir()] == ["build.log"]  # no temp file left


def test_a_palette_switch_changes_the_colours_of_new_lines(qtbot) -> None:
    from PySide6.QtGui import QColor, QPalette

    view = LogView()
    qtbot.addWidget(view)
    view.append_lines(["\x1b[33mwarning\x1b[0m"])
    view.flush()
    light_yellow = view.document().firstBlock().begin().fragment().charFormat().foreground()
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    view.setPalette(dark)
    view.append_lines(["\x1b[33mwarning\x1b[0m"])
    view.flush()
    dark_yellow = view.document().lastBlock().begin().fragment().charFormat().foreground()
    assert light_yellow.color() != dark_yellow.color()
    assert dark_yellow.color().lightness() > light_yellow.color().lightness()

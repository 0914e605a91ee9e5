"""The app's start with a project: the Overview from the facts process, then the real load.

What the first frame shows must be what the loaded project shows, a broken project must still
end in the error panel, and the first frame must not pay for what it does not need (the
``Qt`` namespace, ``QStyle``, the engine): ``benchmarks/gui_log_and_startup.py`` measures
the time, these tests keep the start path honest.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidgetItemIterator

from cratewright.gui import app as gui_app
from cratewright.gui import qt_properties
from cratewright.gui.main_window import MainWindow
from tests.conftest import TEST_CRATES

pytestmark = pytest.mark.cargo


def _shown(window: MainWindow) -> dict[str, object]:
    """Every text the Overview and the header show."""
    page = window.page("overview")
    labels = sorted(label.text() for label in page.findChildren(QLabel))
    rows = []
    iterator = QTreeWidgetItemIterator(page.targets)
    while iterator.value():
        item = iterator.value()
        rows.append([item.text(column) for column in range(4)])
        iterator += 1
    return {"labels": labels, "targets": rows, "header": window.header.text()}


def _launch(qtbot, path: Path) -> MainWindow:
    _app, window = gui_app.launch(gui_app.parse_arguments([str(path)]))
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("crate", ["pyo3-mixed", "workspace"])
def test_the_first_frame_shows_what_the_loaded_project_shows(qtbot, crate: str) -> None:
    window = _launch(qtbot, TEST_CRATES / crate)
    assert window._facts is not None, "a start with a project starts the facts process"
    window.wait_for_overview()
    assert window.state.overview is None  # the engine has not loaded it yet
    assert window.content.currentWidget() is window._workspace
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    reason = window.page("overview").bindings_reason
    assert not reason.textInteractionFlags() & selectable  # not in the first frame: 3 ms
    first = _shown(window)
    assert first["labels"] and first["targets"]
    assert window.windowTitle().endswith("— cratewright")
    with qtbot.waitSignal(window.project_loaded, timeout=60_000) as loaded:
        pass  # the load starts by itself after the first frame
    assert loaded.args == [True]
    assert window.state.overview is not None
    assert _shown(window) == first
    assert window.navigation.isEnabled()
    assert reason.textInteractionFlags() & selectable  # once loaded, values can be copied


def test_a_broken_project_at_start_ends_in_the_error_panel(qtbot, tmp_path: Path) -> None:
    crate = tmp_path / "broken"
    crate.mkdir()
    (crate / "Cargo.toml").write_text('[package]\nname = "broken"\nversion = [\n')
    window = _launch(qtbot, crate)
    window.wait_for_project()
    assert window.state.overview is None
    assert window.content.currentWidget() is window.error_panel
    assert "Cargo.toml" in window.error_panel.message.text()
    assert window._facts is None


def test_opening_another_project_drops_the_start_up_facts(qtbot) -> None:
    window = _launch(qtbot, TEST_CRATES / "pyo3-mixed")
    child = window._facts
    assert child is not None
    window.open_project(TEST_CRATES / "hello-bin")
    assert window._facts is None and child._stdout is None  # discarded and reaped
    window.wait_for_project()
    assert window.state.overview is not None and window.state.overview.name == "hello-bin"
    assert window.page("overview").heading.text().startswith("hello-bin ")


def test_no_project_shows_the_welcome_panel(qtbot) -> None:
    _app, window = gui_app.launch(gui_app.parse_arguments([]))
    qtbot.addWidget(window)
    assert window.content.currentWidget() is window.welcome


# Imported before the first frame, each of these would cost milliseconds it does not need.
_NOT_BEFORE_THE_FIRST_FRAME = (
    "cratewright.core.metadata.overview",  # the engine: the facts process has it
    "cratewright.events",  # nine dataclasses: the first task imports them
    "dataclasses",
    "hashlib",  # OpenSSL
    "json",  # 2 ms of regular expressions; the facts come in marshal's format
    "cratewright.gui.workers",  # the first frame runs no task (threads, traceback)
)

_FIRST_FRAME = """
import sys
from cratewright.gui import app as gui_app
app, window = gui_app.launch(gui_app.parse_arguments([sys.argv[1]]))
window.resize(int(sys.argv[2]), 700)
window.wait_for_overview(); app.processEvents()
import PySide6.QtCore as core, PySide6.QtWidgets as widgets
print(repr({
    "heading": window.page("overview").heading.text(),
    "elided": window.header.is_elided(),
    "built": [name for name in ("Qt", "QStyle") if name in {**core.__dict__, **widgets.__dict__}],
    "imported": [name for name in sys.argv[3:] if name in sys.modules],
}))
"""


@pytest.mark.parametrize(
    ("width", "folder", "elided"),
    [(1280, "p", False), (900, "a-folder-with-a-rather-long-name-" * 3, True)],
)
def test_the_first_frame_builds_no_qt_namespace_no_qstyle_and_no_engine(
    tmp_path: Path, width: int, folder: str, elided: bool
) -> None:
    """Each of these costs 3 to 50 ms of the start; PySide6 builds a class (and its enums)
    the first time it is touched, so one stray ``Qt.`` before the first frame brings it back.
    At 900 px the header (a long path) is elided, and still without ``Qt``."""
    crate = tmp_path / folder / "pyo3-mixed"
    shutil.copytree(TEST_CRATES / "pyo3-mixed", crate, ignore=shutil.ignore_patterns("target"))
    proc = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME, str(crate), str(width), *_NOT_BEFORE_THE_FIRST_FRAME],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    frame = ast.literal_eval(proc.stdout)
    assert frame["heading"].startswith("pyo3-mixed ")
    assert frame["elided"] is elided
    assert frame["built"] == []
    assert frame["imported"] == []


def test_the_header_is_cut_in_the_middle_to_its_width(qtbot) -> None:
    from cratewright.gui.elided_label import ElidedLabel

    text = "pyo3-mixed 0.2.0  ·  pyo3  ·  ~/work/projects/some/deeply/nested/folder/pyo3-mixed"
    label = ElidedLabel(text)
    qtbot.addWidget(label)
    metrics = label.fontMetrics()
    for width in (60, 150, 300, metrics.horizontalAdvance(text) - 1):
        shown = label._elided(width)
        assert metrics.horizontalAdvance(shown) <= width
        head, _dots, tail = shown.partition("…")
        assert text.startswith(head) and text.endswith(tail) and len(head) >= len(tail)
        qt_cut = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
        assert abs(len(shown) - len(qt_cut)) <= 2  # as much as Qt itself keeps
    assert label._elided(metrics.horizontalAdvance(text)) == text


@pytest.mark.parametrize("argv", [[], ["some/crate"], ["/abs path/with spaces"]])
def test_a_plain_start_reads_its_arguments_as_argparse_would(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    gui_app.add_arguments(parser)
    assert vars(gui_app.parse_arguments(argv)) == vars(parser.parse_args(argv))


def test_options_still_go_through_argparse() -> None:
    args = gui_app.parse_arguments(["crate", "--size", "1024x700", "--theme", "dark"])
    assert args.size == (1024, 700) and args.theme == "dark"
    with pytest.raises(SystemExit):
        gui_app.parse_arguments(["crate", "--size", "huge"])


def test_the_first_frames_property_numbers_are_qts() -> None:
    assert Qt.AlignmentFlag.AlignTop.value == qt_properties.ALIGN_TOP
    assert Qt.AlignmentFlag.AlignCenter.value == qt_properties.ALIGN_CENTER
    left_vcenter = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    assert left_vcenter.value == qt_properties.ALIGN_LEFT_VCENTER
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse.value
    assert selectable == qt_properties._TEXT_SELECTABLE_BY_MOUSE
    assert Qt.TextFormat.PlainText.value == qt_properties._PLAIN_TEXT
    assert Qt.ScrollBarPolicy.ScrollBarAlwaysOff.value == qt_properties._SCROLL_BAR_ALWAYS_OFF


def test_the_properties_take_effect(qtbot) -> None:
    label = QLabel("x")
    qtbot.addWidget(label)
    qt_properties.align(label, qt_properties.ALIGN_TOP)
    qt_properties.selectable_by_mouse(label)
    qt_properties.plain_text(label)
    assert label.alignment() == Qt.AlignmentFlag.AlignTop
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    assert label.textFormat() == Qt.TextFormat.PlainText
    with pytest.raises(TypeError, match="no enum property"):
        qt_properties.no_horizontal_scroll_bar(label)

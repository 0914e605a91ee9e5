"""The Build page and type stubs: the "Generate type stubs" option and the Type stubs tab."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cratewright.core.build.stubs.support import REQUIREMENT
from cratewright.gui.build_options_form import BuildOptionsForm, options_from_values
from cratewright.gui.results_view import ResultsView
from tests.conftest import TEST_CRATES
from tests.gui.test_main_window import open_in_window

STUB = '"""\nDemo.\n"""\n\n__all__ = ["f"]\n\ndef f(x: int = 1) -> int: ...\n'


def _wheel(tmp_path: Path, files: dict[str, str]) -> Path:
    path = tmp_path / "demo-0.1.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("demo/demo.cpython-311-x86_64-linux-gnu.so", b"\x7fELF")
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("demo-0.1.0.dist-info/METADATA", "Name: demo\n")
    return path


def test_results_show_the_stub_tree_and_a_read_only_stub(qtbot, tmp_path: Path) -> None:
    view = ResultsView()
    qtbot.addWidget(view)
    wheel = _wheel(tmp_path, {"demo/__init__.pyi": STUB, "demo/sub.pyi": "x: int\n",
                              "demo/py.typed": ""})  # fmt: skip
    view.set_artifacts([wheel])
    stubs = view.stubs
    assert view.details.tabText(view.details.indexOf(stubs)) == "Type stubs (2)"
    assert stubs.stub_paths == ["demo/__init__.pyi", "demo/py.typed", "demo/sub.pyi"]
    folder = stubs.files.topLevelItem(0)
    assert folder.text(0) == "demo/"
    assert [folder.child(i).text(0) for i in range(folder.childCount())] == [
        "__init__.pyi", "py.typed", "sub.pyi",
    ]  # fmt: skip
    assert stubs.text.toPlainText() == STUB  # the first stub is shown right away
    assert stubs.text.isReadOnly()
    stubs.select("demo/sub.pyi")
    assert stubs.text.toPlainText() == "x: int\n"
    stubs.files.setFocus()
    qtbot.keyClick(stubs.files, Qt.Key.Key_Up)  # the keyboard moves through the files
    assert stubs.files.currentItem().text(0) == "py.typed"
    assert "empty marker" in stubs.text.toPlainText()
    assert stubs.summary.text() == "2 stub file(s) + py.typed"


def test_wheel_without_stubs_says_how_to_get_them(qtbot, tmp_path: Path) -> None:
    view = ResultsView()
    qtbot.addWidget(view)
    view.set_artifacts([_wheel(tmp_path, {})])
    assert view.details.tabText(view.details.indexOf(view.stubs)) == "Type stubs"
    assert view.stubs.stub_paths == []
    assert "Generate type stubs" in view.stubs.summary.text()
    assert REQUIREMENT in view.stubs.summary.text()
    view.set_artifacts([])
    assert view.stubs.summary.text() == "No wheel selected."


def test_generate_stubs_option_round_trips_into_build_options(
    qtbot, mixed_overview, tmp_path: Path
) -> None:
    form = BuildOptionsForm()
    qtbot.addWidget(form)
    form.load(mixed_overview, {})
    assert REQUIREMENT in form.generate_stubs.toolTip()
    assert not form.generate_stubs.isChecked()
    # pyo3-mixed's pyo3 has no experimental-inspect: the one-liner says what to add
    assert 'built without "experimental-inspect"' in form.stubs_note.text()
    with qtbot.waitSignal(form.changed):
        form.generate_stubs.setChecked(True)
    values = form.values()
    assert values["generate_stubs"] is True
    options = options_from_values(values, manifest_path=tmp_path)
    assert options.generate_stubs is True
    form.set_values({**values, "generate_stubs": False})
    assert not form.generate_stubs.isChecked()


@pytest.mark.cargo
def test_build_with_generated_stubs_shows_them(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "wheels"
    window = open_in_window(qtbot, TEST_CRATES / "stubs-pure")
    window.show_page("build")
    page = window.build_page
    form = page.form
    assert form.stubs_note.text() == 'pyo3 is built with "experimental-inspect".'
    form.out.setText(str(out))
    form.profile.setCurrentText("dev")
    form.generate_stubs.setChecked(True)
    with qtbot.waitSignal(page.build_finished, timeout=600_000) as finished:
        qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
    ok, _summary, _seconds = finished.args
    page.log.flush()
    assert ok, page.log.plain_text()
    assert "📖 Type stub extracted from the built binary" in page.log.plain_text()
    (wheel,) = out.glob("*.whl")
    stubs = page.results.stubs
    assert stubs.stub_paths == ["stubs_pure/__init__.pyi", "stubs_pure/py.typed",
                                "stubs_pure/text.pyi"]  # fmt: skip
    with zipfile.ZipFile(wheel) as archive:
        assert stubs.text.toPlainText() == archive.read("stubs_pure/__init__.pyi").decode()
    assert "class Point:" in stubs.text.toPlainText()

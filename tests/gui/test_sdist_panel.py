"""SdistPanel: the file preview, Verify (wheel from the sdist alone) and Develop, headless."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from cratewright.core.metadata.overview import load_overview
from cratewright.core.sdist.assemble import sdist_file_list
from tests.conftest import TEST_CRATES


def _leaves(tree) -> list[tuple[str, str]]:
    found = []

    def walk(item) -> None:
        if item.childCount() == 0:
            found.append((item.text(0), item.text(1)))
        for index in range(item.childCount()):
            walk(item.child(index))

    for index in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(index))
    return found


def _panel(app_state, qtbot):
    from cratewright.gui.sdist_panel import SdistPanel

    panel = SdistPanel(app_state)
    qtbot.addWidget(panel)
    panel.resize(1100, 760)
    messages: list[str] = []
    panel.message.connect(messages.append)
    return panel, messages


def _copy(crate: str, tmp_path: Path) -> Path:
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest, ignore=shutil.ignore_patterns("target"))
    return dest


@pytest.mark.cargo
def test_preview_lists_every_file_with_its_reason(app_state, qtbot, mixed_overview) -> None:
    panel, messages = _panel(app_state, qtbot)
    app_state.set_project(TEST_CRATES / "pyo3-mixed", mixed_overview)
    panel.prepare_screenshot()
    expected = sdist_file_list(TEST_CRATES / "pyo3-mixed")
    leaves = _leaves(panel.tree)
    assert len(leaves) == len(expected)
    assert ("PKG-INFO", "metadata: METADATA of the project") in leaves
    assert panel.tree.topLevelItem(0).text(0) == "pyo3_mixed-0.2.0/"
    assert panel.summary.text() == "pyo3_mixed-0.2.0.tar.gz · 9 files"
    assert "No [tool.maturin] include/exclude patterns" in panel.patterns.text()
    assert messages[-1] == "sdist preview: 9 files"
    assert panel.verify_button.isEnabled()


@pytest.mark.cargo
def test_preview_shows_include_and_exclude_matches(app_state, qtbot, tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    (project / "assets").mkdir()
    (project / "assets" / "a.txt").write_text("a\n")
    (project / "assets" / "b.tmp").write_text("b\n")
    with (project / "pyproject.toml").open("a") as fh:
        fh.write(
            'include = [{ path = "assets/*", format = "sdist" }]\n'
            'exclude = [{ path = "*.tmp", format = "sdist" }]\n'
        )
    panel, _ = _panel(app_state, qtbot)
    app_state.set_project(project, load_overview(project))
    panel.prepare_screenshot()
    leaves = dict(_leaves(panel.tree))
    assert leaves["a.txt"].startswith("include pattern: assets/*")
    assert leaves["b.tmp"] == "excluded by *.tmp"
    assert panel.patterns.text() == (
        'Patterns for the sdist: include "assets/*" → 1 file · exclude "*.tmp" → 1 file'
    )
    assert "1 excluded" in panel.summary.text()


@pytest.mark.cargo
def test_preview_error_is_shown_in_the_panel(app_state, qtbot, tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    overview = load_overview(project)
    (project / "pyproject.toml").unlink()
    panel, _ = _panel(app_state, qtbot)
    app_state.set_project(project / "Cargo.toml", overview)
    panel.prepare_screenshot()
    assert panel.summary.text() == "The sdist's file list could not be computed."
    assert panel.result.text().startswith("✖ Building a source distribution needs a pyproject")
    assert not panel.details_button.isVisibleTo(panel)
    app_state.set_project(None, None)
    assert panel.summary.text() == "No project open."
    assert not panel.verify_button.isEnabled() and not panel.develop_button.isEnabled()


@pytest.mark.cargo
def test_verify_builds_a_wheel_from_the_sdist(app_state, qtbot, tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    panel, _ = _panel(app_state, qtbot)
    app_state.set_interpreters((Path(sys.executable),))
    app_state.set_project(project, load_overview(project))
    panel.prepare_screenshot()
    qtbot.mouseClick(panel.verify_button, qtbot_left())
    assert panel.cancel_button.isEnabled()
    assert panel.wait_for_action()
    assert panel.result.text().startswith("✔ The sdist is complete: pyo3_mixed-0.2.0-cp3")
    assert app_state.sdist is not None and app_state.sdist.name == "pyo3_mixed-0.2.0.tar.gz"
    assert len(app_state.wheels) == 1 and app_state.wheels[0].is_file()
    assert "Building wheels from source distribution" in panel.log.plain_text()
    assert not panel.cancel_button.isEnabled()


@pytest.mark.cargo
def test_develop_installs_into_the_chosen_environment(
    app_state, qtbot, tmp_path: Path, make_venv
) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    env = make_venv("gui")
    panel, messages = _panel(app_state, qtbot)
    app_state.set_project(project, load_overview(project))
    panel.prepare_screenshot()
    panel.add_environment_path(env.path)
    assert panel.selected_environment() == env.path
    assert panel.develop_button.isEnabled()
    qtbot.mouseClick(panel.develop_button, qtbot_left())
    assert panel.wait_for_action()
    text = panel.result.text()
    assert text.startswith("✔ 🛠 Installed pyo3-mixed-0.2.0 into ")
    assert str(env.path) in text and "editable from" in text
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert any("Installed pyo3-mixed" in m for m in messages)


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton

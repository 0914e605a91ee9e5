"""File ▸ New Project…: the wizard walked with the keyboard and mouse, as a user would."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QPushButton, QRadioButton, QWizard

from cratewright.gui.main_window import MainWindow
from cratewright.gui.new_project_wizard import NewProjectWizard
from tests.conftest import TEST_CRATES, run_cratewright
from tests.gui.clipping import clipped_texts
from tests.gui.test_small_screen import app_style  # noqa: F401 (fixture)


def _window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    return window


def _click(qtbot, wizard: NewProjectWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled() and button.isVisible(), which
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(qtbot, button: QRadioButton) -> None:
    """Click a radio button on its indicator, where a user clicks (not the row's middle)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert button.isChecked()


def test_walk_the_wizard_to_a_project_that_opens(qtbot, tmp_path: Path) -> None:
    window = _window(qtbot)
    window.new_action.trigger()
    wizard = window.new_project_wizard
    assert wizard is not None and wizard.isVisible()
    # It fits inside the smallest window we support.
    assert wizard.width() <= 1024 and wizard.height() <= 700
    name = wizard.name_page
    name.location_edit.setText(str(tmp_path))
    next_button = wizard.button(QWizard.WizardButton.NextButton)

    qtbot.keyClicks(name.name_edit, "fn")
    assert not next_button.isEnabled()
    assert "Rust keyword" in name.crate_check.text()
    name.name_edit.clear()
    qtbot.keyClicks(name.name_edit, "1st")
    assert not next_button.isEnabled() and "digit" in name.crate_check.text()
    (tmp_path / "taken").mkdir()
    name.name_edit.setText("taken")
    assert not next_button.isEnabled() and "already exists" in name.target_check.text()
    name.name_edit.setText("wiz-demo")
    assert next_button.isEnabled()
    assert "import wiz_demo" in name.module_check.text()
    assert str(tmp_path / "wiz-demo") in name.target_check.text()

    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    bindings = wizard.bindings_page
    assert wizard.currentPage() is bindings
    assert "import wiz_demo" in bindings.details["pyo3"].text()
    assert "from wiz_demo import lib" in bindings.details["cffi"].text()
    assert "run `wiz-demo`" in bindings.details["bin"].text()
    _choose(qtbot, bindings.buttons["uniffi"])

    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    layout = wizard.layout_page
    assert "  Cargo.toml" in layout.files_shown()  # pure: the crate at the top
    _choose(qtbot, layout.buttons["mixed-src"])
    shown = layout.files_shown()
    assert shown[0] == "wiz-demo/"
    for line in ("  rust/", "    Cargo.toml", "  src/", "    wiz_demo/", "      __init__.py"):
        assert line in shown, shown
    assert "    test_wiz_demo.py" in shown
    assert "  .github/" in shown and "      CI.yml" in shown

    # Back keeps the choice made on the page before.
    _click(qtbot, wizard, QWizard.WizardButton.BackButton)
    assert wizard.currentPage() is bindings and bindings.choice == "uniffi"
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert layout.choice == "mixed-src"
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    options = wizard.options_page
    assert not options.abi3.isEnabled()  # uniffi has no abi3
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.text() == "Create"
    qtbot.keyClicks(options.license, "mit")
    assert not finish.isEnabled() and "'MIT'" in options.problem.text()
    options.license.setText("MIT")
    options.git.setChecked(False)
    assert finish.isEnabled()
    assert not (tmp_path / "wiz-demo").exists()  # nothing is written before Create

    with qtbot.waitSignal(window.project_loaded, timeout=120_000) as opened:
        _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert opened.args == [True]
    root = tmp_path / "wiz-demo"
    assert (root / "rust" / "Cargo.toml").is_file() and not (root / ".git").exists()
    assert (root / ".github" / "workflows" / "CI.yml").is_file()
    assert window.state.project_path == root
    overview = window.page("overview")
    assert overview.bindings.text() == "uniffi"
    assert overview.layout_kind.text() == "mixed (python-source)"
    assert window.build_action.isEnabled()  # ready to Build


def test_abi3_minimum_reaches_cargo_toml(qtbot, tmp_path: Path) -> None:
    wizard = NewProjectWizard(location=tmp_path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.name_page.name_edit.setText("abi-demo")
    for _page in range(3):
        _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    options = wizard.options_page
    assert options.abi3.isEnabled() and not options.abi3_minimum.isEnabled()
    options.abi3.setChecked(True)
    options.abi3_minimum.setCurrentText("3.10")
    options.ci.setChecked(False)
    with qtbot.waitSignal(wizard.created) as created:
        _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert created.args == [tmp_path / "abi-demo"]
    cargo = tomllib.loads((tmp_path / "abi-demo" / "Cargo.toml").read_text())
    assert cargo["dependencies"]["pyo3"]["features"] == ["abi3-py310"]
    assert (tmp_path / "abi-demo" / ".git").is_dir()
    assert not (tmp_path / "abi-demo" / ".github").exists()


def test_cancel_from_the_welcome_button_writes_nothing(qtbot, tmp_path: Path) -> None:
    window = _window(qtbot)
    button = window.welcome.findChild(QPushButton, "welcome-new-project")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wizard = window.new_project_wizard
    assert wizard is not None
    wizard.name_page.location_edit.setText(str(tmp_path))
    wizard.name_page.name_edit.setText("never-made")
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    qtbot.waitUntil(lambda: window.new_project_wizard is None)
    assert list(tmp_path.iterdir()) == []
    assert window.state.project_path is None


def test_a_failed_create_says_why_and_leaves_no_half_project(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "cratewright.gui.new_project_wizard.QMessageBox.critical",
        lambda _parent, _title, text: shown.append(text),
    )
    wizard = NewProjectWizard(location=tmp_path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.name_page.name_edit.setText("no-git")
    for _page in range(3):
        _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # git cannot be found: the write fails
    _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert shown and "git was not found" in shown[0]
    assert wizard.isVisible()  # still open: the user can untick git and try again
    assert list(tmp_path.iterdir()) == []


def test_screenshot_without_a_project_renders_the_wizard_pages(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = run_cratewright("gui", "--screenshot", out, env=env)
    assert proc.returncode == 0, proc.stderr
    pages = ["new-project-name", "new-project-bindings", "new-project-layout",
             "new-project-options"]  # fmt: skip
    assert sorted(p.stem for p in out.glob("*.png")) == sorted(["welcome", *pages])
    for page in pages:
        image = QImage(str(out / f"{page}.png"))
        assert 0 < image.width() <= 1024 and 0 < image.height() <= 700, page
        colours = {image.pixel(x, y) for x in range(0, image.width(), 29)
                   for y in range(0, image.height(), 17)}  # fmt: skip
        assert len(colours) > 5, page


def test_new_project_asks_about_unsaved_edits_first(qtbot, tmp_path: Path) -> None:
    """Pending metadata edits are asked about before the wizard opens, not after Create."""
    from tests.gui.test_unsaved_work import _finish, _window_with_pending_summary

    crate = tmp_path / "pyo3-mixed"
    shutil.copytree(TEST_CRATES / "pyo3-mixed", crate, ignore=shutil.ignore_patterns("target"))
    window, answers = _window_with_pending_summary(qtbot, crate)
    window.new_action.trigger()  # Ctrl+N
    assert answers.asked_unsaved == ["starting a new project"]
    assert window.new_project_wizard is None  # Cancel: no wizard, the edits kept
    assert window.metadata_page_if_built.has_pending_edits
    answers.unsaved = "discard"
    window.new_action.trigger()
    wizard = window.new_project_wizard
    assert wizard is not None and wizard.name_page.location == str(tmp_path)
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    _finish(window, answers)


@pytest.mark.usefixtures("app_style")
def test_no_wizard_text_is_clipped(qtbot, tmp_path: Path) -> None:
    """Every page fits at the wizard's size (inside a 1024×700 window) with the app's style."""
    wizard = NewProjectWizard(location=tmp_path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.name_page.name_edit.setText("a-rather-long-project-name")
    problems: list[str] = []
    for _page in range(4):
        for _ in range(3):
            QApplication.processEvents()
        problems += clipped_texts(wizard.currentPage())
        if wizard.currentPage() is not wizard.options_page:
            _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert not problems, "\n".join(problems)


def test_init_into_the_chosen_folder(qtbot, tmp_path: Path) -> None:
    """'Put the project directly into this folder' is init: refused where a manifest exists."""
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "Cargo.toml").write_text("")
    wizard = NewProjectWizard(location=folder)
    qtbot.addWidget(wizard)
    wizard.show()
    name = wizard.name_page
    name.name_edit.setText("in-place")
    name.in_place.setChecked(True)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled() and "already has a Cargo.toml" in name.target_check.text()
    (folder / "Cargo.toml").unlink()
    (folder / "notes.txt").write_text("mine")
    qtbot.waitUntil(next_button.isEnabled, timeout=5000)  # the folder is looked at again
    assert "will be written to" in name.target_check.text()
    for _page in range(3):
        _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    with qtbot.waitSignal(wizard.created) as created:
        _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert created.args == [folder]
    assert tomllib.loads((folder / "Cargo.toml").read_text())["package"]["name"] == "in-place"
    assert (folder / "notes.txt").read_text() == "mine"

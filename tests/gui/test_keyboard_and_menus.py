"""Fits and flows: keyboard access, menus, fallbacks without a launcher, where file dialogs
open, buttons that stay put, and scripts/app.sh without a display."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog

from cratewright.gui import locations
from cratewright.gui.main_window import MainWindow
from tests.conftest import TEST_CRATES
from tests.gui.test_main_window import open_in_window
from tests.publish.fixtures import make_wheel

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_launcher(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The desktop has no application to open anything; records what was asked."""
    asked: list[str] = []
    monkeypatch.setattr(locations, "url_opener", lambda url: asked.append(url.toString()) or False)
    return asked


def test_sidebar_is_reachable_by_keyboard(qtbot) -> None:
    window = open_in_window(qtbot, TEST_CRATES / "pyo3-mixed")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    assert window.navigation.focusPolicy() & Qt.FocusPolicy.TabFocus
    window.focus_navigation_action.trigger()  # Go ▸ Page List (Ctrl+L)
    assert window.navigation.hasFocus()
    assert window.focus_navigation_action.shortcut() == QKeySequence("Ctrl+L")
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert window.current_page().page_id == "metadata"
    qtbot.keyClick(window.navigation, Qt.Key.Key_End)
    assert window.navigation.currentRow() == window.navigation.count() - 1
    assert window.current_page() is window.page_stack.currentWidget()


def test_menus_escape_ampersands_and_carry_edit_build_help(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    titles = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(titles) == ["&File", "&Edit", "&Build", "&Go", "&Help"]
    go = [a.text() for a in titles["&Go"].actions() if a.text()]
    assert "Interpreters && Targets" in go  # shown as "Interpreters & Targets"
    edit = titles["&Edit"].actions()
    assert edit == [window.undo_action, window.redo_action, window.save_action]
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.redo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Redo)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    build = titles["&Build"].actions()
    for action in (window.sdist_action, window.develop_action, window.publish_action):
        assert action in build
    assert "sdist" in window.sdist_action.text().lower().replace("&", "")
    assert window.documentation_action in titles["&Help"].actions()


def test_help_documentation_shows_the_readme(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.documentation_action.trigger()
    dialog = window.documentation
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    text = dialog.browser.toPlainText()
    assert "cratewright" in text and len(text) > 500
    dialog.close()


def test_show_in_folder_without_a_launcher_shows_the_path_with_copy(
    qtbot, tmp_path: Path, no_launcher: list[str]
) -> None:
    from cratewright.gui.results_view import ResultsView

    wheel = make_wheel(tmp_path / "out")
    view = ResultsView()
    qtbot.addWidget(view)
    view.set_artifacts([wheel])
    view.folder_button.click()
    assert no_launcher == [f"file://{wheel.parent}"]
    dialog = view.location_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.location.text() == str(wheel.parent)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == str(wheel.parent)
    dialog.close()


def test_open_file_in_editor_without_a_launcher_shows_the_path(
    qtbot, tmp_path: Path, no_launcher: list[str]
) -> None:
    crate = tmp_path / "broken"
    shutil.copytree(TEST_CRATES / "hello-bin", crate)
    (crate / "Cargo.toml").write_text('[package]\nname = "x"\nversion = \n')
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.project_loaded, timeout=60_000):
        window.open_project(crate)
    window.error_panel.edit_button.click()
    dialog = window.error_panel.location_dialog
    assert dialog.location.text() == str(crate / "Cargo.toml")
    dialog.close()


def test_file_dialogs_open_in_the_project_and_out_dir(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cratewright.gui.publish_files import choose_files
    from cratewright.gui.settings import save_build_options

    started: list[str] = []
    answers = {
        "getOpenFileName": ("", ""),
        "getSaveFileName": ("", ""),
        "getExistingDirectory": "",
        "getOpenFileNames": ([], ""),
    }
    for name, answer in answers.items():

        def record(*args, answer=answer, **kwargs):
            started.append(args[2])
            return answer

        monkeypatch.setattr(QFileDialog, name, staticmethod(record))
    crate = TEST_CRATES / "pyo3-mixed"
    out = tmp_path / "wheels"
    save_build_options(crate, {"out": str(out)})
    window = open_in_window(qtbot, crate)
    window.pages["audit"]._choose_wheel()
    choose_files(window.pages["publish"])
    window.build_page._save_log()
    window.build_page.form._browse_out()
    window.pages["interpreters"]._choose_interpreter()
    assert started == [str(out), str(out), str(crate / "build.log"), str(out), str(crate)]


def test_buttons_stay_put_when_a_message_comes_and_goes(qtbot, app_state) -> None:
    from cratewright.gui.pages.publish_page import PublishPage

    page = PublishPage(app_state)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    QApplication.processEvents()
    before = page.publish_button.mapTo(page, QPoint(0, 0))
    page._finish_publish("The index refused it\n  hint: bump the version\nmore\nlines", error=True)
    QApplication.processEvents()
    assert page.message_details.isVisible()
    assert page.publish_button.mapTo(page, QPoint(0, 0)) == before
    page._say("")
    QApplication.processEvents()
    assert page.publish_button.mapTo(page, QPoint(0, 0)) == before


def test_audit_tabs_and_buttons_stay_put_when_an_audit_fails(qtbot, tmp_path: Path) -> None:
    """A failed audit's error line takes the verdict's place (its room is reserved), so the
    tabs and the buttons do not move down under the pointer."""
    from PySide6.QtWidgets import QWidget

    from tests.core.test_audit_support import make_wheel as make_test_wheel

    window = open_in_window(qtbot, TEST_CRATES / "pyo3-mixed")
    window.resize(1024, 700)
    window.show_page("audit")
    page = window.pages["audit"]
    QApplication.processEvents()

    def places() -> dict[str, tuple[QPoint, object]]:
        QApplication.processEvents()
        widgets: dict[str, QWidget] = {
            "tabs": page.tabs,
            "tab bar": page.tabs.tabBar(),
            "open": page.open_button,
            "repair": page.repair.repair_button,
        }
        return {k: (w.mapTo(page, QPoint(0, 0)), w.size()) for k, w in widgets.items()}

    pure = make_test_wheel(tmp_path / "good", {"pkg/__init__.py": b""}, tag="py3-none-any")
    page.open_wheel(pure)
    qtbot.waitUntil(lambda: page.badge.text() == "pure Python", timeout=30_000)
    before = places()
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")  # a real file that is no wheel
    page.open_wheel(bad)
    qtbot.waitUntil(lambda: page.error.isVisibleTo(page), timeout=30_000)
    assert "is not a wheel: not a valid zip file" in page.error.text()
    assert page.badge.text() == "cannot audit"
    assert places() == before
    page.open_wheel(pure)  # and back: the error goes, nothing moves either
    qtbot.waitUntil(lambda: page.badge.text() == "pure Python", timeout=30_000)
    assert not page.error.isVisibleTo(page)
    assert places() == before


def test_app_script_without_a_display_says_what_to_do_instead() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("APP_XVFB", None)
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "app.sh")],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "no display" in proc.stderr
    assert "--screenshot" in proc.stderr
    assert "APP_XVFB=1" in proc.stderr
    assert proc.stdout == ""

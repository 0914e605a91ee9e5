"""The main window: opening projects (good and broken), navigation, recent projects, drops."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from cratewright.gui.main_window import MainWindow, project_path_from_drop
from cratewright.gui.settings import recent_projects
from tests.conftest import TEST_CRATES

# crate -> (name, version, bindings label, layout kind, rust targets)
EXPECTED = {
    "pyo3-pure": ("pyo3-pure", "0.1.0", "pyo3", "pure", ["pyo3_pure"]),
    "pyo3-abi3": ("pyo3-abi3", "0.1.0", "pyo3 (abi3, Python >= 3.9)", "pure", ["pyo3_abi3"]),
    "pyo3-mixed": ("pyo3-mixed", "0.2.0", "pyo3", "mixed (python-source)", ["pyo3_mixed"]),
    "pyo3-bin": ("pyo3-bin", "0.1.0", "bin (pyo3)", "pure", ["pyo3-bin"]),
    "cffi-pure": ("cffi-pure", "0.1.0", "cffi", "pure", ["cffi_pure"]),
    "cffi-mixed": ("cffi-mixed", "0.1.0", "cffi", "mixed (python-source)", ["cffi_mixed"]),
    "uniffi-pure": ("uniffi-pure", "0.1.0", "uniffi", "pure", ["uniffi_pure"]),
    "hello-bin": ("hello-bin", "0.1.0", "bin", "pure", ["hello-bin"]),
    "workspace": ("workspace-py", "0.3.0", "pyo3", "pure", ["workspace_py"]),
    "license-readme": ("license-readme", "1.2.0a1", "pyo3", "pure", ["license_readme"]),
    "compile-error": ("compile-error", "0.1.0", "pyo3", "pure", ["compile_error"]),
    "slow-build": ("slow-build", "0.1.0", "bin", "pure", ["slow-build"]),
}


def open_in_window(qtbot, path: Path) -> MainWindow:
    """A window with ``path`` opened (waits for the background load)."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.project_loaded, timeout=120_000):
        window.open_project(path)
    return window


@pytest.mark.parametrize("crate", sorted(EXPECTED))
def test_overview_shows_each_test_crate(qtbot, crate: str) -> None:
    name, version, bindings, layout, targets = EXPECTED[crate]
    window = open_in_window(qtbot, TEST_CRATES / crate)
    assert window.content.currentWidget() is window._workspace
    page = window.pages["overview"]
    assert page.heading.text() == f"{name} {version}"
    assert page.bindings.text() == bindings
    assert page.bindings_reason.text()  # how it was detected is always explained
    assert page.layout_kind.text() == layout
    shown = [page.targets.topLevelItem(i).text(0) for i in range(page.targets.topLevelItemCount())]
    assert shown == targets
    assert window.windowTitle() == f"{name} {version} — cratewright"
    assert window.navigation.isEnabled()


def test_abi3_and_mixed_details(qtbot) -> None:
    window = open_in_window(qtbot, TEST_CRATES / "pyo3-abi3")
    assert window.pages["overview"].abi3.text() == "yes: one wheel for CPython ≥ 3.9"
    window.open_project(TEST_CRATES / "pyo3-mixed")
    window.wait_for_project()
    page = window.pages["overview"]
    assert page.abi3.text().startswith("no")
    assert page.python_source.text() == "python"
    assert "pyo3-mixed-hello → pyo3_mixed:main" in page.scripts.text()
    assert "python-source = 'python'" in page.maturin_settings.text()


def test_broken_toml_opens_into_the_error_panel_with_file_and_line(qtbot, tmp_path: Path) -> None:
    crate = tmp_path / "broken"
    shutil.copytree(TEST_CRATES / "hello-bin", crate)
    cargo_toml = crate / "Cargo.toml"
    original = cargo_toml.read_text()
    cargo_toml.write_text(original.replace('version = "0.1.0"', 'version = "0.1.0'))
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.project_loaded, timeout=60_000) as blocker:
        window.open_project(crate)
    assert blocker.args == [False]
    panel = window.error_panel
    assert window.content.currentWidget() is panel
    assert "is invalid TOML" in panel.message.text()
    assert panel.location.text().startswith(f"In {cargo_toml}, line 3")
    assert '> 3 | version = "0.1.0' in panel.excerpt.toPlainText()
    assert not window.navigation.isEnabled()
    assert not window.build_action.isEnabled()
    assert window.state.overview is None
    # Fix the file and retry: the same window recovers.
    cargo_toml.write_text(original)
    with qtbot.waitSignal(window.project_loaded, timeout=60_000) as blocker:
        panel.retry_button.click()
    assert blocker.args == [True]
    assert window.pages["overview"].heading.text() == "hello-bin 0.1.0"


def test_folder_without_cargo_toml_says_so(qtbot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.project_loaded, timeout=60_000):
        window.open_project(tmp_path)
    assert window.content.currentWidget() is window.error_panel
    assert f"Can't find {tmp_path}/Cargo.toml" in window.error_panel.message.text()


def test_missing_cargo_is_explained(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARGO", "/nonexistent/bin/cargo")
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.project_loaded, timeout=60_000):
        window.open_project(TEST_CRATES / "hello-bin")
    text = window.error_panel.message.text()
    assert "cargo" in text.lower()
    assert "/nonexistent/bin/cargo" in text
    assert window.error_panel.hint.isVisibleTo(window.error_panel)


def test_recent_projects_are_remembered(qtbot) -> None:
    open_in_window(qtbot, TEST_CRATES / "hello-bin")
    open_in_window(qtbot, TEST_CRATES / "pyo3-pure")
    assert recent_projects()[:2] == [TEST_CRATES / "pyo3-pure", TEST_CRATES / "hello-bin"]
    window = MainWindow()
    qtbot.addWidget(window)
    listed = [window.welcome.recent.item(i).text() for i in range(window.welcome.recent.count())]
    assert listed[0].startswith("pyo3-pure")


def test_navigation_and_page_requests(qtbot) -> None:
    window = open_in_window(qtbot, TEST_CRATES / "pyo3-pure")
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == [
        "Overview",
        "Metadata",
        "Interpreters & Targets",
        "Build",
        "Audit",
        "Publish",
        "Release",
    ]
    window.pages["overview"].build_button.click()
    assert window.current_page() is window.build_page
    window.show_page("publish")
    assert window.current_page().page_id == "publish"


def test_drop_a_cargo_toml_opens_its_project(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(TEST_CRATES / "hello-bin" / "Cargo.toml"))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.project_loaded, timeout=60_000):
        window.dropEvent(event)
    assert window.pages["overview"].heading.text() == "hello-bin 0.1.0"


def test_drop_target_choice(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("x")
    assert project_path_from_drop([readme]) is None
    assert project_path_from_drop([readme, tmp_path]) == tmp_path
    pyproject = TEST_CRATES / "pyo3-mixed" / "pyproject.toml"
    assert project_path_from_drop([pyproject]) == pyproject

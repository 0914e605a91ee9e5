"""Never lose work: pending metadata edits are shown and asked about before they could be lost,
and closing the window during a build asks first, naming what runs and for how long.

Every question goes through a replaceable hook (``ask_unsaved``, ``confirm_stop_jobs``,
``confirm_save``), so no modal dialog is ever shown; the default dialogs are built and read
in their own tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cratewright.core.metadata.edit import MetadataSession
from cratewright.gui.diff_dialog import DiffDialog
from cratewright.gui.main_window import MainWindow
from cratewright.gui.page import RunningJob
from tests.conftest import TEST_CRATES
from tests.gui.test_main_window import open_in_window


@pytest.fixture
def crate(tmp_path: Path) -> Path:
    """A copy of pyo3-mixed (with its Cargo.lock) that edits may write to."""
    copy = tmp_path / "pyo3-mixed"
    shutil.copytree(TEST_CRATES / "pyo3-mixed", copy, ignore=shutil.ignore_patterns("target"))
    return copy


class Answers:
    """Records every question the window asks and answers from a script."""

    def __init__(self, unsaved: str = "cancel", stop: bool = False) -> None:
        self.unsaved = unsaved
        self.stop = stop
        self.asked_unsaved: list[str] = []
        self.asked_stop: list[list[str]] = []

    def install(self, window: MainWindow) -> None:
        page = window.metadata_page_if_built
        assert page is not None
        page.ask_unsaved = lambda action: self.asked_unsaved.append(action) or self.unsaved
        page.confirm_save = lambda changes: True
        window.confirm_stop_jobs = lambda jobs: self.asked_stop.append(list(jobs)) or self.stop


def _window_with_pending_summary(qtbot, crate: Path) -> tuple[MainWindow, Answers]:
    window = open_in_window(qtbot, crate)
    window.show_page("metadata")
    page = window.metadata_page_if_built
    assert page is not None
    page.prepare_screenshot()
    answers = Answers()
    answers.install(window)
    editor = page.editors["description"]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "Typed, not committed")
    return window, answers


def _finish(window: MainWindow, answers: Answers) -> None:
    """Let pytest-qt close the window without a question."""
    answers.unsaved = "discard"
    answers.stop = True


def test_typing_marks_title_and_sidebar_and_enables_save(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    page = window.metadata_page_if_built
    assert page.undo_stack.count() == 0  # not committed: still being typed
    assert page.save_button.isEnabled()
    assert window.save_action.isEnabled()
    assert window.windowTitle() == "*pyo3-mixed 0.2.0 — cratewright"
    assert window.navigation.item(1).text() == "Metadata  ●"
    # Save while still typing commits the text and writes it
    assert page.save()
    assert 'description = "Typed, not committed"' in (crate / "pyproject.toml").read_text()
    qtbot.waitUntil(lambda: window.state.overview.metadata.summary == "Typed, not committed")
    assert window.windowTitle() == "pyo3-mixed 0.2.0 — cratewright"
    assert window.navigation.item(1).text() == "Metadata"
    _finish(window, answers)


def test_close_with_unsaved_edits_asks_and_cancel_keeps_them(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    before = (crate / "pyproject.toml").read_text()
    window.quit_action.trigger()  # Ctrl+Q closes through the same question
    assert answers.asked_unsaved == ["closing the window"]
    assert window.isVisible()
    assert window.metadata_page_if_built.editors["description"].text() == "Typed, not committed"
    assert (crate / "pyproject.toml").read_text() == before
    # Save: the edit is written and the window closes
    answers.unsaved = "save"
    assert window.close()
    assert 'description = "Typed, not committed"' in (crate / "pyproject.toml").read_text()
    assert not window.isVisible()


def test_close_and_discard_writes_nothing(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    before = (crate / "pyproject.toml").read_text()
    answers.unsaved = "discard"
    assert window.close()
    assert answers.asked_unsaved == ["closing the window"]
    assert (crate / "pyproject.toml").read_text() == before


def test_reload_with_unsaved_edits_asks_and_cancel_keeps_them(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    page = window.metadata_page_if_built
    window.reload_action.trigger()  # F5
    assert answers.asked_unsaved == ["reloading the project"]
    assert window._load_task is None  # nothing was reloaded
    assert page.editors["description"].text() == "Typed, not committed"
    assert page.has_pending_edits
    # Discard: the project is read again and the edit is gone
    answers.unsaved = "discard"
    with qtbot.waitSignal(window.project_loaded, timeout=120_000):
        window.reload_project()
    page.prepare_screenshot()
    assert page.editors["description"].text() != "Typed, not committed"
    assert not page.has_pending_edits
    assert window.windowTitle() == "pyo3-mixed 0.2.0 — cratewright"


def test_opening_another_project_asks_and_cancel_keeps_the_edit(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    window.open_project(TEST_CRATES / "hello-bin")
    assert answers.asked_unsaved == ["opening another project"]
    assert window.state.overview.name == "pyo3-mixed"
    assert window.metadata_page_if_built.editors["description"].text() == "Typed, not committed"
    answers.unsaved = "save"
    with qtbot.waitSignal(window.project_loaded, timeout=120_000):
        window.open_project(TEST_CRATES / "hello-bin")
    assert window.state.overview.name == "hello-bin"
    assert 'description = "Typed, not committed"' in (crate / "pyproject.toml").read_text()


def test_reread_files_asks_and_cancel_keeps_the_edit(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    page = window.metadata_page_if_built
    page.reload_button.click()
    assert answers.asked_unsaved == ["re-reading the files from disk"]
    assert page.editors["description"].text() == "Typed, not committed"
    answers.unsaved = "discard"
    page.reload_button.click()
    page.prepare_screenshot()
    assert not page.has_pending_edits
    assert page.editors["description"].text() != "Typed, not committed"


def test_undo_history_survives_a_save(qtbot, crate: Path) -> None:
    window, answers = _window_with_pending_summary(qtbot, crate)
    page = window.metadata_page_if_built
    qtbot.keyClick(page.editors["description"], Qt.Key.Key_Return)
    assert page.undo_stack.count() == 1
    with qtbot.waitSignal(window.state.project_updated, timeout=120_000):
        window.save_action.trigger()  # Edit ▸ Save (Ctrl+S)
    assert page.undo_stack.count() == 1 and page.undo_stack.canUndo()
    assert not page.has_pending_edits
    window.undo_action.trigger()  # Edit ▸ Undo: proposes going back as a new edit
    assert page.editors["description"].text() != "Typed, not committed"
    assert page.has_pending_edits and page.save_button.isEnabled()
    assert window.windowTitle().startswith("*")
    window.redo_action.trigger()
    assert page.editors["description"].text() == "Typed, not committed"
    assert not page.has_pending_edits
    _finish(window, answers)


def test_header_and_title_follow_a_saved_version(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    window.show_page("metadata")
    page = window.metadata_page_if_built
    page.prepare_screenshot()
    page.confirm_save = lambda changes: True
    editor = page.editors["version"]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "0.2.1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.state.project_updated, timeout=120_000):
        assert page.save()
    assert window.windowTitle() == "pyo3-mixed 0.2.1 — cratewright"
    assert window.header.text().startswith("pyo3-mixed 0.2.1  ·  pyo3")
    assert window.pages["overview"].heading.text() == "pyo3-mixed 0.2.1"


def test_save_dialog_names_cargo_lock_when_the_version_changes(qtbot, crate: Path) -> None:
    session = MetadataSession(crate / "Cargo.toml", crate / "pyproject.toml")
    session.set_field("description", "new summary")
    assert session.follow_up_changes() == []  # a summary does not touch Cargo.lock
    session.set_field("version", "0.3.0")
    (follow,) = session.follow_up_changes()
    assert follow.path == crate / "Cargo.lock"
    assert "version" in follow.reason
    dialog = DiffDialog(session.changes(), None, session.follow_up_changes())
    qtbot.addWidget(dialog)
    text = dialog.summary.text()
    assert str(crate / "Cargo.toml") in text
    assert str(crate / "pyproject.toml") in text
    assert f"{crate / 'Cargo.lock'} also changes" in text
    assert "everything else stays as is" not in text


def test_page_save_dialog_uses_the_sessions_follow_ups(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    window.show_page("metadata")
    page = window.metadata_page_if_built
    page.prepare_screenshot()
    page.session.set_field("version", "0.9.0")
    dialog = page.save_dialog(page.session.changes())
    qtbot.addWidget(dialog)
    assert "Cargo.lock also changes" in dialog.summary.text()
    page.discard_edits()


def test_close_during_a_build_asks_naming_it_and_its_time(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    answers = Answers(stop=False)
    window.confirm_stop_jobs = lambda jobs: answers.asked_stop.append(list(jobs)) or answers.stop
    page = window.build_page
    page.running_jobs = lambda: [RunningJob("a build of pyo3-mixed", 75.4)]  # type: ignore[method-assign]
    window.quit_action.trigger()  # Ctrl+Q asks the same question as closing
    assert answers.asked_stop == [["a build of pyo3-mixed (running for 1 min 15 s)"]]
    assert window.isVisible()
    assert not window.close()
    assert len(answers.asked_stop) == 2
    answers.stop = True
    assert window.close()


def test_running_job_wording() -> None:
    assert RunningJob("an upload of 2 file(s) to TestPyPI", 9.7).describe() == (
        "an upload of 2 file(s) to TestPyPI (running for 9 s)"
    )

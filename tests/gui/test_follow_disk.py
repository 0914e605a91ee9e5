"""One truth after any write: every page follows the project's files on disk.

A version bump on the Release checklist, a Save on the Metadata page and an edit made in
another program all end in the same place: AppState reads the project again and every page
(window title, header strip, Overview, Interpreters, Build, Audit, Publish, Metadata) shows
the new reading, while results and logs of the same project stay. Unsaved metadata edits are
never dropped when the files change under them: the page keeps them and asks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from cratewright.gui.formatting import display_path
from cratewright.gui.main_window import MainWindow
from cratewright.gui.project_files import ProjectFiles
from cratewright.gui.settings import save_build_options
from tests.conftest import TEST_CRATES
from tests.gui.test_main_window import open_in_window
from tests.publish.fixtures import make_wheel, start_pypi_server


@pytest.fixture
def crate(tmp_path: Path) -> Path:
    """A copy of pyo3-mixed (0.2.0, with its Cargo.lock) whose out dir holds a 0.2.0 wheel."""
    copy = tmp_path / "pyo3-mixed"
    shutil.copytree(TEST_CRATES / "pyo3-mixed", copy, ignore=shutil.ignore_patterns("target"))
    out = tmp_path / "wheels"
    make_wheel(out, "pyo3-mixed", "0.2.0")
    save_build_options(copy, {"out": str(out)})
    return copy


@pytest.fixture
def servers(tmp_path: Path):
    """Two real, empty pypiservers: the version step asks both whether the version is new."""
    rehearsal = start_pypi_server(tmp_path / "rehearsal")
    main = start_pypi_server(tmp_path / "main")
    try:
        yield rehearsal, main
    finally:
        rehearsal.stop()
        main.stop()


def _replace_atomically(path: Path, text: str) -> None:
    """Write as editors and git do: a new file renamed over the old one."""
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(text)
    scratch.replace(path)


def _audit_list(window: MainWindow) -> list[str]:
    wheels = window.pages["audit"].wheels
    return [wheels.itemText(i) for i in range(wheels.count())]


def _shows_version(window: MainWindow, version: str) -> bool:
    return window.windowTitle() == f"pyo3-mixed {version} — cratewright"


def test_a_bump_on_the_release_checklist_reaches_every_page(qtbot, crate: Path, servers) -> None:
    rehearsal, main = servers
    window = open_in_window(qtbot, crate)
    pages = window.pages  # every page built, as after a user visited them all
    build = window.build_page
    build.log.append_lines(["a log line of this project's last build"])
    build.log.flush()
    interpreters = pages["interpreters"]
    interpreters.prepare_screenshot()  # its search done, so the wheel preview has rows
    assert _audit_list(window) == ["pyo3_mixed-0.2.0-py3-none-any.whl"]
    assert [p.name for p in pages["publish"].files] == ["pyo3_mixed-0.2.0-py3-none-any.whl"]
    window.show_page("publish")
    publish = pages["publish"]
    publish.tabs.setCurrentWidget(publish.release)
    checklist = publish.release
    checklist.rehearsal_choice.setCurrentText(rehearsal.url)
    checklist.main_choice.setCurrentText(main.url)
    checklist.bump_choice.setCurrentText("minor")

    # the app's own write is announced; the file watcher (tested below) is kept out of it
    window.state.files._watcher.blockSignals(True)
    qtbot.mouseClick(checklist.bump_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _shows_version(window, "0.3.0"), timeout=60_000)
    window.state.wait_reread()

    assert 'version = "0.3.0"' in (crate / "Cargo.toml").read_text()
    assert window.header.text().startswith("pyo3-mixed 0.3.0  ·  pyo3")
    assert pages["overview"].heading.text() == "pyo3-mixed 0.3.0"
    preview = [
        interpreters.preview_list.item(i).text() for i in range(interpreters.preview_list.count())
    ]
    assert preview and all(name.startswith("pyo3_mixed-0.3.0-") for name in preview), preview
    metadata = pages["metadata"]
    metadata.prepare_screenshot()
    assert metadata.editors["version"].text() == "0.3.0"
    assert not metadata.has_pending_edits
    # the 0.2.0 wheel is now an older version: Audit marks it, Publish no longer offers it
    assert _audit_list(window) == ["pyo3_mixed-0.2.0-py3-none-any.whl  (older version 0.2.0)"]
    assert pages["publish"].files == []
    # the same project, read again: the checklist's result and the build log stay
    assert checklist.states["version"] == "passed"
    assert checklist.version_label.text().startswith("pyo3-mixed 0.3.0")
    assert "a log line of this project's last build" in build.log.plain_text()
    assert "0.3.0 written to Cargo.toml, Cargo.lock" in window.statusBar().currentMessage()


def test_an_edit_in_another_program_is_followed(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    overview = window.pages["overview"]
    cargo = crate / "Cargo.toml"
    _replace_atomically(cargo, cargo.read_text().replace('version = "0.2.0"', 'version = "0.4.0"'))
    # the file watcher notices, nothing was clicked
    qtbot.waitUntil(lambda: _shows_version(window, "0.4.0"), timeout=60_000)
    window.state.wait_reread()
    assert overview.heading.text() == "pyo3-mixed 0.4.0"
    assert window.header.text().startswith("pyo3-mixed 0.4.0")

    # a file that no longer reads: the pages keep the last good reading and the header says so
    good = cargo.read_text()
    _replace_atomically(cargo, good + "[broken\n")
    qtbot.waitUntil(lambda: window.state.read_error is not None, timeout=60_000)
    assert "⚠" in window.header.text() and "Cargo.toml" in window.header.text()
    assert overview.heading.text() == "pyo3-mixed 0.4.0"
    assert window.content.currentWidget() is window._workspace  # not the error panel
    _replace_atomically(cargo, good.replace('version = "0.4.0"', 'version = "0.4.1"'))
    qtbot.waitUntil(lambda: _shows_version(window, "0.4.1"), timeout=60_000)
    window.state.wait_reread()
    assert window.state.read_error is None
    assert "⚠" not in window.header.text()


def _widget(page, name: str):
    return {"summary": page.editors["description"], "save": page.save_button,
            "tabs": page.tabs.tabBar()}[name]  # fmt: skip


def _type(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_unsaved_edits_survive_a_change_on_disk_and_the_user_is_asked(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    window.show_page("metadata")
    page = window.metadata_page_if_built
    page.prepare_screenshot()
    page.confirm_save = lambda changes: True
    page.ask_unsaved = lambda action: "discard"  # closing after a failed check never hangs
    _type(qtbot, page.editors["description"], "My unsaved summary")
    assert page.has_pending_edits and page.disk_bar.isHidden()
    QApplication.processEvents()  # laid out as shown
    where = {name: widget.mapTo(window, QPoint(0, 0)) for name, widget in (
        ("summary", page.editors["description"]), ("save", page.save_button),
        ("tabs", page.tabs.tabBar()))}  # fmt: skip

    cargo = crate / "Cargo.toml"
    _replace_atomically(cargo, cargo.read_text().replace('version = "0.2.0"', 'version = "0.5.0"'))
    qtbot.waitUntil(
        lambda: window.windowTitle() == "*pyo3-mixed 0.5.0 — cratewright", timeout=60_000
    )
    window.state.wait_reread()
    # the other pages follow the disk; the edit is still here, and the bar asks about it
    assert window.pages["overview"].heading.text() == "pyo3-mixed 0.5.0"
    assert page.editors["description"].text() == "My unsaved summary"
    assert page.has_pending_edits
    assert page.disk_bar.isVisible()
    assert "Cargo.toml changed on disk" in page.disk_bar.message.text()
    QApplication.processEvents()
    moved = [n for n, w in where.items() if w != _widget(page, n).mapTo(window, QPoint(0, 0))]
    assert not moved, f"the bar moved {moved}: a click there would miss"

    # Keep: Save writes the edit (the newer Cargo.toml is not touched), then the forms follow
    page.disk_bar.keep_button.click()
    assert page.disk_bar.isHidden()
    with qtbot.waitSignal(window.state.project_updated, timeout=60_000):
        assert page.save()
    page.prepare_screenshot()
    assert 'version = "0.5.0"' in cargo.read_text()
    assert 'description = "My unsaved summary"' in (crate / "pyproject.toml").read_text()
    assert page.editors["version"].text() == "0.5.0"
    assert window.pages["overview"].summary.text() == "My unsaved summary"
    assert not page.has_pending_edits


def test_discard_on_the_bar_shows_the_files_as_they_are_now(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    window.show_page("metadata")
    page = window.metadata_page_if_built
    page.prepare_screenshot()
    page.ask_unsaved = lambda action: "discard"
    _type(qtbot, page.editors["description"], "Mine")
    pyproject = crate / "pyproject.toml"
    theirs = pyproject.read_text().replace("[project]\n", '[project]\ndescription = "Theirs"\n')
    _replace_atomically(pyproject, theirs)
    qtbot.waitUntil(page.disk_bar.isVisible, timeout=60_000)
    assert page.editors["description"].text() == "Mine"
    page.disk_bar.discard_button.click()
    page.prepare_screenshot()
    assert not page.has_pending_edits
    assert page.editors["description"].text() == "Theirs"
    assert pyproject.read_text() == theirs  # nothing was written
    assert window.windowTitle() == "pyo3-mixed 0.2.0 — cratewright"


def test_coming_back_to_the_app_looks_at_the_files(qtbot, tmp_path: Path) -> None:
    manifest = tmp_path / "Cargo.toml"
    manifest.write_text("[package]\n")
    files = ProjectFiles()
    files.watch([manifest])
    files._watcher.blockSignals(True)  # only the activation may notice here
    assert files.changed() == []
    manifest.write_text("[package]\nname = 'x'\n")
    app = QGuiApplication.instance()
    with qtbot.waitSignal(files.changed_on_disk, timeout=5_000):
        app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    assert files.changed() == [manifest]
    files.remember(files.snapshot())
    with qtbot.assertNotEmitted(files.changed_on_disk):
        app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)


def test_paths_under_home_are_shown_with_a_tilde(monkeypatch, tmp_path: Path) -> None:
    home = tmp_path / "home" / "ada"
    monkeypatch.setenv("HOME", str(home))
    assert display_path(home / ".pyenv" / "versions" / "3.12.1" / "bin" / "python3") == (
        "~/.pyenv/versions/3.12.1/bin/python3"
    )
    assert display_path(home) == "~"
    assert display_path(tmp_path / "home" / "adam" / "x") == str(tmp_path / "home/adam/x")
    assert display_path("/usr/bin/python3") == "/usr/bin/python3"
    assert display_path("relative/python") == "relative/python"


def test_a_tick_on_the_release_page_is_read_by_the_metadata_page_before_it_saves(
    qtbot, crate: Path
) -> None:
    window = open_in_window(qtbot, crate)
    window.state.files._watcher.blockSignals(True)  # the page's own announcement, alone
    metadata = window.pages["metadata"]
    metadata.prepare_screenshot()
    release = window.pages["release"]
    release.prepare_screenshot()
    window.show_page("release")
    cell = release.matrix.cell_item("linux", "s390x")
    ticked = cell.checkState() != Qt.CheckState.Checked
    with qtbot.waitSignal(window.state.project_updated, timeout=60_000):
        cell.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
    written = (crate / "pyproject.toml").read_text()
    assert "[tool.maturin.generate-ci" in written
    window.state.wait_reread()
    metadata.prepare_screenshot()
    # the Metadata page read the new pyproject.toml: its Save neither conflicts nor undoes it
    metadata.confirm_save = lambda changes: True
    metadata.ask_unsaved = lambda action: "discard"
    metadata.confirm_overwrite = lambda error: pytest.fail(f"asked to overwrite: {error}")
    window.show_page("metadata")
    _type(qtbot, metadata.editors["description"], "Saved after the tick")
    with qtbot.waitSignal(window.state.project_updated, timeout=60_000):
        assert metadata.save()
    saved = (crate / "pyproject.toml").read_text()
    assert 'description = "Saved after the tick"' in saved
    assert "[tool.maturin.generate-ci" in saved


def _tick(qtbot, window: MainWindow, platform: str, arch: str) -> None:
    """Tick (or untick) a cell of the Release page's matrix, as a click does."""
    cell = window.pages["release"].matrix.cell_item(platform, arch)
    ticked = cell.checkState() != Qt.CheckState.Checked
    cell.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)


def test_a_tick_under_pending_metadata_edits_is_saved_with_them_without_a_question(
    qtbot, crate: Path
) -> None:
    """The Release page writes pyproject.toml while the Metadata page holds an unsaved
    summary: the session takes the tick in and keeps the edit on top, so Save writes both
    and asks nothing (the change was this app's own); undo still only undoes the edit."""
    pyproject = crate / "pyproject.toml"
    window = open_in_window(qtbot, crate)
    metadata = window.pages["metadata"]
    metadata.prepare_screenshot()
    window.pages["release"].prepare_screenshot()
    asked: list[str] = []
    metadata.confirm_save = lambda changes: True
    metadata.confirm_overwrite = lambda error: asked.append(str(error)) or True
    metadata.ask_unsaved = lambda action: "discard"
    window.show_page("metadata")
    _type(qtbot, metadata.editors["description"], "Edited before the tick")
    assert metadata.has_pending_edits

    window.show_page("release")
    with qtbot.waitSignal(window.state.project_updated, timeout=60_000):
        _tick(qtbot, window, "linux", "s390x")
    ticked = pyproject.read_text()
    assert "[tool.maturin.generate-ci" in ticked and "Edited before the tick" not in ticked
    window.state.wait_reread()
    window.show_page("metadata")
    assert metadata.disk_bar.isHidden(), "our own tick is no change on disk to ask about"
    assert metadata.editors["description"].text() == "Edited before the tick"
    assert metadata.has_pending_edits and window.windowTitle().startswith("*")
    (change,) = metadata.session.changes()  # the diff Save shows: the edit alone
    assert "Edited before the tick" in change.diff() and "generate-ci" not in change.diff()

    with qtbot.waitSignal(window.state.project_updated, timeout=60_000):
        assert metadata.save()
    assert asked == [], "Save asked to overwrite a change the app made itself"
    saved = pyproject.read_text()
    assert 'description = "Edited before the tick"' in saved
    edit = 'description = "Edited before the tick"\n'
    assert saved.replace(edit, "") == ticked, "the rest is as the Release page wrote it"
    window.state.wait_reread()
    metadata.undo_stack.undo()  # undo after save proposes the old summary, tick kept
    (change,) = metadata.session.changes()
    assert "Edited before the tick" in change.old and "generate-ci" in change.new
    assert "Edited before the tick" not in change.new


def test_save_right_after_a_tick_takes_the_tick_in_too(qtbot, crate: Path) -> None:
    """Save pressed before the project was read again after the tick: the same."""
    pyproject = crate / "pyproject.toml"
    window = open_in_window(qtbot, crate)
    window.state.files._watcher.blockSignals(True)  # only the app's own announcements
    metadata = window.pages["metadata"]
    metadata.prepare_screenshot()
    window.pages["release"].prepare_screenshot()
    metadata.confirm_save = lambda changes: True
    metadata.confirm_overwrite = lambda error: pytest.fail(f"asked to overwrite: {error}")
    metadata.ask_unsaved = lambda action: "discard"
    window.show_page("metadata")
    _type(qtbot, metadata.editors["description"], "Saved at once")
    _tick(qtbot, window, "linux", "s390x")
    assert window.state.rereading  # the project is being read again; Save does not wait
    assert metadata.save(reload=False)
    saved = pyproject.read_text()
    assert 'description = "Saved at once"' in saved and "[tool.maturin.generate-ci" in saved
    window.state.wait_reread()


def test_only_what_the_app_wrote_counts_as_its_own_write(qtbot, crate: Path) -> None:
    """A file another program changed after the app's write is no longer the app's: the
    Metadata page asks about it (the bar) instead of taking it in silently."""
    window = open_in_window(qtbot, crate)
    window.state.files._watcher.blockSignals(True)
    pyproject, cargo = crate / "pyproject.toml", crate / "Cargo.toml"
    text = pyproject.read_text()
    _replace_atomically(pyproject, text + "# written by the app\n")
    window.state.files_written()
    assert window.state.written_by_app([pyproject])
    assert not window.state.written_by_app([pyproject, cargo]), "Cargo.toml was not written"
    _replace_atomically(pyproject, text + "# then by another program\n")
    assert not window.state.written_by_app([pyproject])
    window.state.wait_reread()


def test_our_own_write_is_read_once_not_again_for_the_watchers_echo(qtbot, crate: Path) -> None:
    window = open_in_window(qtbot, crate)
    page = window.pages["metadata"]
    page.prepare_screenshot()
    page.confirm_save = lambda changes: True
    page.ask_unsaved = lambda action: "discard"
    updates: list[object] = []
    window.state.project_updated.connect(updates.append)
    window.show_page("metadata")
    _type(qtbot, page.editors["description"], "Read once")
    assert page.save()
    qtbot.waitUntil(lambda: len(updates) == 1, timeout=60_000)
    qtbot.wait(1_500)  # the watcher's event for that write arrives and settles meanwhile
    qtbot.waitUntil(lambda: not window.state.rereading, timeout=10_000)  # no endless reading
    assert len(updates) == 1, "the project was read again for the echo of our own Save"
    assert window.pages["overview"].summary.text() == "Read once"


def test_a_project_that_did_not_open_opens_once_fixed_on_disk(qtbot, tmp_path: Path) -> None:
    crate = tmp_path / "broken"
    shutil.copytree(TEST_CRATES / "hello-bin", crate, ignore=shutil.ignore_patterns("target"))
    cargo = crate / "Cargo.toml"
    good = cargo.read_text()
    cargo.write_text(good.replace('version = "0.1.0"', 'version = "0.1.0'))
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.project_loaded, timeout=60_000) as blocker:
        window.open_project(crate)
    assert blocker.args == [False]
    assert window.error_panel.location.text().startswith(f"In {cargo}, line 3")
    # still broken, elsewhere: the panel shows the error the file has now
    with qtbot.waitSignal(window.project_loaded, timeout=60_000) as blocker:
        _replace_atomically(cargo, good + "[broken\n")
    assert blocker.args == [False]
    assert not window.error_panel.location.text().startswith(f"In {cargo}, line 3")
    assert str(cargo) in window.error_panel.location.text()
    # fixed in the editor: the project opens without a click
    with qtbot.waitSignal(window.project_loaded, timeout=60_000) as blocker:
        _replace_atomically(cargo, good)
    assert blocker.args == [True]
    assert window.content.currentWidget() is window._workspace
    assert window.pages["overview"].heading.text() == "hello-bin 0.1.0"


@pytest.mark.cargo
def test_a_feature_added_during_a_build_is_offered_and_the_build_goes_on(
    qtbot, tmp_path: Path
) -> None:
    crate = tmp_path / "slow-build"
    shutil.copytree(TEST_CRATES / "slow-build", crate, ignore=shutil.ignore_patterns("target"))
    window = open_in_window(qtbot, crate)
    window.confirm_stop_jobs = lambda jobs: True  # closing after a failed check stops it
    window.show_page("build")
    page = window.build_page
    page.form.out.setText(str(tmp_path / "wheels"))
    assert not page.form.features_menu_button.isEnabled()  # no features yet
    page.build_button.click()
    qtbot.waitUntil(lambda: "Compiling slow-build" in page.log.plain_text(), timeout=300_000)
    cargo = crate / "Cargo.toml"
    with qtbot.waitSignal(window.state.project_updated, timeout=60_000):
        _replace_atomically(cargo, cargo.read_text() + "\n[features]\nextra = []\n")
    assert page.building, "the build goes on"
    assert [a.text() for a in page.form._features_menu.actions()] == ["extra"]
    assert "Compiling slow-build" in page.log.plain_text(), "the log stays"
    page.cancel_build()
    page.wait_for_build()
    assert not page.building

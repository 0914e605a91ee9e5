"""The Publish page's Release checklist, driven with pytest-qt against two real pypiservers.

One real build of a copy of test-crates/pyo3-mixed: Run all goes version -> build -> check ->
compare -> rehearse (install + import) -> the promotion dialog (project, version, files,
hashes) -> promote; then the version step alone fails and says what to do. The tab at
1024×700 is checked for clipped text and saved as a screenshot
(``CRATEWRIGHT_SHOTS_DIR=docs/screenshots`` refreshes the committed ones).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from cratewright.core.metadata.overview import load_overview
from cratewright.core.publish import repository_from_url, store_credential
from cratewright.core.release.files import sha256_of
from tests.gui.clipping import clipped_texts
from tests.publish import fixtures
from tests.publish.fixtures import start_pypi_server
from tests.release.helpers import copy_crate

keyring_session = fixtures.keyring_session
isolated_env = fixtures.isolated_env


def _shots(tmp_path: Path) -> Path:
    """Where the shots go: a temp folder, or docs/screenshots with CRATEWRIGHT_SHOTS_DIR."""
    folder = Path(os.environ.get("CRATEWRIGHT_SHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def servers(tmp_path: Path, isolated_env):
    rehearsal = start_pypi_server(tmp_path / "rehearsal")
    main = start_pypi_server(tmp_path / "main")
    try:
        for server in (rehearsal, main):
            store_credential(repository_from_url(server.url), server.username, server.password)
        yield rehearsal, main
    finally:
        rehearsal.stop()
        main.stop()


def _row_states(checklist) -> list[str]:
    return [checklist.states[step] for step in checklist.items]


@pytest.mark.cargo
def test_checklist_runs_every_step_and_promotion_asks_with_hashes(
    qtbot, app_state, servers, tmp_path: Path
) -> None:
    from cratewright.gui.pages.publish_page import PublishPage

    rehearsal, main = servers
    crate = copy_crate(tmp_path)
    app_state.set_project(crate, load_overview(crate))
    app_state.interpreters = (Path(sys.executable),)
    page = PublishPage(app_state)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.tabs.setCurrentWidget(page.release)
    checklist = page.release
    checklist.out_dir = tmp_path / "dist"
    checklist.rehearsal_choice.setCurrentText(rehearsal.url)
    checklist.main_choice.setCurrentText(main.url)
    assert checklist.version_label.text().startswith("pyo3-mixed 0.2.0  (Cargo.toml")
    assert checklist.smoke.placeholderText().startswith('python -c "import pyo3_mixed"')
    assert _row_states(checklist) == ["pending"] * 6

    # Bump first: the version step alone, with the chosen part
    checklist.bump_choice.setCurrentText("patch")
    qtbot.mouseClick(checklist.bump_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: checklist.states["version"] == "passed", timeout=60_000)
    assert checklist.version_label.text().startswith("pyo3-mixed 0.2.1")
    assert 'version = "0.2.1"' in (crate / "Cargo.toml").read_text()

    checklist.run_all_button.click()

    def asked_or_failed() -> bool:
        return checklist.active_dialog is not None or "failed" in _row_states(checklist)

    qtbot.waitUntil(asked_or_failed, timeout=900_000)
    assert _row_states(checklist) == [
        "passed",
        "passed",
        "passed",
        "skipped",
        "passed",
        "pending",
    ], (checklist.fix.text(), checklist.details.toPlainText())
    rehearse = checklist.items["rehearse"].text(2)
    assert (
        'installed from the rehearsal index and passed `python -c "import pyo3_mixed"`' in rehearse
    )
    built = sorted((tmp_path / "dist").glob("pyo3_mixed-0.2.1*"))
    assert len(built) == 2
    dialog = checklist.active_dialog
    assert isinstance(dialog, QMessageBox)
    assert "pyo3-mixed 0.2.1 (2 file(s))" in dialog.text() and main.url in dialog.text()
    for path in built:
        shown = f"{path.name}  ({path.stat().st_size} bytes)\nsha256\u00a0{sha256_of(path)}"
        assert shown in dialog.informativeText()
    assert not checklist.run_all_button.isEnabled(), "nothing else runs while it asks"
    assert dialog.grab().save(str(_shots(tmp_path) / "publish-release-promote.png"))
    assert list(main.packages.iterdir()) == [], "nothing is promoted before the answer"
    checklist.promote_button.click()
    qtbot.waitUntil(
        lambda: (
            checklist.states["promote"] != "running" and checklist.states["promote"] != "pending"
        ),
        timeout=120_000,
    )
    assert checklist.states["promote"] == "passed", checklist.items["promote"].text(2)
    ours = {p.name: sha256_of(p) for p in built}
    for server in (rehearsal, main):
        assert {p.name: sha256_of(p) for p in server.packages.iterdir()} == ours

    # a build started alone can be cancelled: no half file, the record of the release kept
    record = next((tmp_path / "dist").glob("release-pyo3-mixed-0.2.1.json")).read_text()
    checklist.run_buttons["build"].click()
    # (cached by cargo, this build takes a second or two: cancel at once)
    assert checklist.cancel_button.isEnabled()
    checklist.cancel_button.click()
    qtbot.waitUntil(lambda: checklist.states["build"] != "running", timeout=120_000)
    assert checklist.states["build"] == "failed", checklist.items["build"].text(2)
    assert "cancelled" in checklist.items["build"].text(2).lower()
    assert "run the step again when you are ready" in checklist.fix.text()
    assert next((tmp_path / "dist").glob("release-pyo3-mixed-0.2.1.json")).read_text() == record
    leftovers = [p.name for p in (tmp_path / "dist").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert {p.name: sha256_of(p) for p in built} == ours

    checklist.run_buttons["build"].click()  # and run again: the same bytes (reproducible)
    qtbot.waitUntil(lambda: checklist.states["build"] == "passed", timeout=300_000)
    assert {p.name: sha256_of(p) for p in built} == ours

    # the version step alone now fails and says what to do
    checklist.run_buttons["version"].click()
    qtbot.waitUntil(lambda: checklist.states["version"] == "failed", timeout=60_000)
    assert "is already on 127.0.0.1" in checklist.items["version"].text(2)
    assert "what to do: bump the version" in checklist.fix.text()
    checklist.steps.setCurrentItem(checklist.items["version"])
    assert "What to do: bump the version" in checklist.details.toPlainText()

    # it fits at 1024×700 and the shot shows the finished checklist
    checklist.steps.setCurrentItem(checklist.items["check"])
    for _ in range(5):
        QApplication.processEvents()
    assert clipped_texts(page) == []
    assert page.grab().save(str(_shots(tmp_path) / "publish-release.png"))

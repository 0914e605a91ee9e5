"""GUI tests run on Qt's offscreen platform with pytest-qt's ``qtbot``."""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from cratewright.core.metadata.overview import ProjectOverview, load_overview
from tests.conftest import TEST_CRATES


@pytest.fixture(scope="session")
def mixed_overview() -> ProjectOverview:
    """test-crates/pyo3-mixed opened as the GUI opens it (runs `cargo metadata` once)."""
    return load_overview(TEST_CRATES / "pyo3-mixed")


@pytest.fixture
def app_state(qtbot):
    """A fresh AppState (needs the QApplication that qtbot creates)."""
    from cratewright.gui.state import AppState

    return AppState()


def _child_pids() -> list[int]:
    """Live (non-zombie) child processes of this test process, from /proc."""
    me = os.getpid()
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == me and fields[0] != "Z":
            children.append(int(entry.name))
    return children


@pytest.fixture(autouse=True)
def _isolated_settings_and_no_leaks(tmp_path_factory, qtbot):
    """Each test gets its own QSettings folder; after it, no task, thread or child is left.

    It requests ``qtbot`` so that its check runs before pytest-qt closes the test's widgets:
    a task still running then is a task the test (or the page) really left behind.
    """
    from PySide6.QtCore import QSettings

    from cratewright.gui.workers import running_tasks

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield
    # Let what the test started finish (a page may queue one follow-up refresh when its
    # task ends, so this takes a few rounds at most).
    for _round in range(5):
        for task in running_tasks():
            task.cancel()
            task.wait(60_000)
    leaked = running_tasks()
    assert not leaked, f"tasks left running: {leaked}"
    deadline = time.monotonic() + 10
    while _child_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _child_pids(), f"child processes left running: {_child_pids()}"

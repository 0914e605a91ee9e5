"""GUI tests run on Qt's offscreen platform with pytest-qt's ``qtbot``."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from cratewright.core.overview import ProjectOverview, load_overview
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

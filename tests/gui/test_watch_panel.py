"""The Build page's "Rebuild on save" switch, against real cargo and a real venv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES
from tests.gui.test_main_window import open_in_window

pytestmark = pytest.mark.cargo


def _value(env, code: str) -> str:
    proc = env.run([env.python, "-c", code])
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_rebuild_on_save_switch(qtbot, tmp_path: Path, make_venv) -> None:
    crate = tmp_path / "pyo3-mixed"
    shutil.copytree(TEST_CRATES / "pyo3-mixed", crate, ignore=shutil.ignore_patterns("target"))
    env = make_venv("watch-gui")
    window = open_in_window(qtbot, crate)
    window.show_page("build")
    panel = window.build_page.sdist_panel
    assert panel is not None
    panel.prepare_screenshot()
    watch = panel.watch_panel
    try:
        _drive(qtbot, window, panel, watch, crate, env)
    finally:
        watch.shutdown(60_000)  # a failed assertion must not leave the watch running


def _drive(qtbot, window, panel, watch, crate: Path, env) -> None:
    assert not watch.switch.isEnabled()  # no environment chosen yet
    panel.add_environment_path(env.path)
    assert watch.switch.isEnabled()
    assert "cargo lists" in watch.switch.toolTip()  # says what is watched

    watch.switch.click()
    qtbot.waitUntil(lambda: "cycle 1" in watch.status.text(), timeout=300_000)
    assert "installed" in watch.status.text() and "Watching" in watch.status.text()
    assert window.state.watching and "watching" in window.windowTitle()
    assert not panel.develop_button.isEnabled()  # the watch is the develop now
    assert "Installed pyo3-mixed" in panel.log.plain_text()
    multiply = "import pyo3_mixed._native as n; print(n.multiply(2, 3))"
    assert _value(env, multiply) == "6"

    # Save a compile error: the diagnostics show, the old build stays importable.
    lib = crate / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("a * b\n", "a * b +\n"))
    qtbot.waitUntil(lambda: "cycle 2" in watch.status.text(), timeout=300_000)
    assert "failed" in watch.status.text()
    assert watch.diagnostics.isVisibleTo(panel)
    assert any(d.level == "error" for d in watch.diagnostics.diagnostics)
    assert _value(env, multiply) == "6"

    # Fix it: rebuilt, the error list goes away, the new code imports.
    lib.write_text(lib.read_text().replace("a * b +\n", "a * b + 1\n"))
    qtbot.waitUntil(lambda: "cycle 3" in watch.status.text(), timeout=300_000)
    assert "installed" in watch.status.text()
    assert not watch.diagnostics.isVisibleTo(panel)
    assert _value(env, multiply) == "7"

    # Closing asks, naming the watch; "no" keeps it running.
    asked: list[list[str]] = []
    window.confirm_stop_jobs = lambda jobs: asked.append(list(jobs)) or False
    window.close()
    assert window.isVisible() and watch.watching
    assert asked and asked[0][0].startswith("a watch of pyo3-mixed (rebuild on save)")

    # Stop: the session ends, the switch is off again, the title forgets the watch.
    watch.stop_button.click()
    assert watch.wait(60_000)
    qtbot.waitUntil(lambda: not window.state.watching, timeout=10_000)
    assert not watch.switch.isChecked() and watch.status.text() == "Not watching."
    assert "watching" not in window.windowTitle()
    assert panel.develop_button.isEnabled()

"""The Build page against real cargo: a build, a compile error and a cancel."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cratewright.events import Progress
from cratewright.gui.main_window import MainWindow
from cratewright.gui.settings import load_build_options
from tests.conftest import TEST_CRATES
from tests.gui.test_main_window import open_in_window

pytestmark = pytest.mark.cargo


def _build_page_with_out(qtbot, crate: Path, out: Path) -> MainWindow:
    window = open_in_window(qtbot, crate)
    window.show_page("build")
    window.build_page.form.out.setText(str(out))
    return window


def _processes_with_cmdline(needle: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def test_build_pure_crate_shows_log_progress_and_results(qtbot, tmp_path: Path) -> None:
    # Touching the copy's source makes cargo really compile the crate (and report progress)
    # while pyo3 comes from the shared target dir.
    crate = tmp_path / "pyo3-pure"
    shutil.copytree(TEST_CRATES / "pyo3-pure", crate)
    (crate / "src" / "lib.rs").touch()
    out = tmp_path / "wheels"
    window = _build_page_with_out(qtbot, crate, out)
    page = window.build_page
    seen_progress: list[Progress] = []
    window.build_page.form.profile.setCurrentText("dev")
    with qtbot.waitSignal(page.build_finished, timeout=600_000) as finished:
        qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
        assert page.building
        assert not page.build_button.isEnabled()
        assert page.cancel_button.isEnabled()
        assert page._task is not None
        page._task.events.connect(
            lambda batch: seen_progress.extend(e for e in batch if isinstance(e, Progress))
        )
    ok, summary, _seconds = finished.args
    assert ok, page.log.plain_text()
    assert summary == "Built 1 wheel"
    (wheel,) = out.glob("*.whl")
    assert wheel.name.startswith("pyo3_pure-0.1.0-cp")
    page.log.flush()
    log = page.log.plain_text()
    assert "Compiling pyo3-pure v0.1.0" in log
    assert "Finished `dev` profile" in log
    assert "Built wheel for CPython" in log or "📦 Built wheel" in log
    # cargo's own "Building n/m" counter drove the bar, which ends full.
    assert seen_progress, "cargo reported no progress"
    assert all(p.current <= p.total for p in seen_progress)
    assert page.progress.maximum() == seen_progress[-1].total
    assert page.progress.value() == page.progress.maximum()
    assert page.results.paths == [wheel]
    assert page.results.contents.topLevelItemCount() >= 2  # package dir and dist-info
    assert window.state.wheels == (wheel,)
    assert page.history.topLevelItemCount() == 1
    assert page.history.topLevelItem(0).text(2) == "Built 1 wheel"
    assert "dev" in page.history.topLevelItem(0).text(1)
    assert page.build_button.isEnabled()
    # The options used are remembered for this project.
    assert load_build_options(crate)["out"] == str(out)


def test_compile_error_fills_the_diagnostics_list(qtbot, tmp_path: Path) -> None:
    window = _build_page_with_out(qtbot, TEST_CRATES / "compile-error", tmp_path)
    page = window.build_page
    with qtbot.waitSignal(page.build_finished, timeout=600_000) as finished:
        page.build_button.click()
    ok, summary, _ = finished.args
    assert not ok
    assert summary.startswith("Failed:")
    errors = [d for d in page.diagnostics.diagnostics if d.level == "error"]
    assert errors, page.log.plain_text()
    mismatch = next(d for d in errors if d.code == "E0308")
    assert mismatch.message == "mismatched types"
    assert mismatch.file == "src/lib.rs"
    assert mismatch.line == 14
    assert page.tabs.currentWidget() is page.diagnostics
    item = page.diagnostics.tree.currentItem()
    assert item is not None and item.text(2).startswith("src/lib.rs:14")
    assert "mismatched types" in page.diagnostics.rendered.plain_text()
    assert page.diagnostics.file_of(mismatch) == TEST_CRATES / "compile-error" / "src/lib.rs"
    assert page.diagnostics.open_button.isEnabled()
    assert not list(tmp_path.glob("*.whl"))
    tab_text = page.tabs.tabText(page.tabs.indexOf(page.diagnostics))
    assert tab_text.startswith("Diagnostics (1 error, ")


def test_cancel_stops_cargo_and_its_children(qtbot, tmp_path: Path) -> None:
    crate = tmp_path / "slow-build"
    shutil.copytree(TEST_CRATES / "slow-build", crate)
    out = tmp_path / "wheels"
    window = _build_page_with_out(qtbot, crate, out)
    page = window.build_page
    before = set(_processes_with_cmdline(b"sleep\x00600"))
    page.build_button.click()
    # Wait until the build script runs and has started its own child.
    qtbot.waitUntil(
        lambda: bool(set(_processes_with_cmdline(b"sleep\x00600")) - before), timeout=300_000
    )
    sleepers = set(_processes_with_cmdline(b"sleep\x00600")) - before
    with qtbot.waitSignal(page.build_finished, timeout=60_000) as finished:
        window.cancel_action.trigger()
    ok, summary, _ = finished.args
    assert not ok
    assert summary.startswith("Cancelled")
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in sleepers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in sleepers), "the build script's child survived"
    assert not out.exists() or not any(out.iterdir())
    assert page.build_button.isEnabled()
    assert not page.cancel_button.isEnabled()
    assert "Build cancelled" in page.log.plain_text()
    assert window.reload_action.isEnabled()


def test_window_close_during_a_build_stops_it(qtbot, tmp_path: Path) -> None:
    crate = tmp_path / "slow-build"
    shutil.copytree(TEST_CRATES / "slow-build", crate)
    window = _build_page_with_out(qtbot, crate, tmp_path / "wheels")
    page = window.build_page
    page.build_button.click()
    qtbot.waitUntil(lambda: "Compiling slow-build" in page.log.plain_text(), timeout=300_000)
    asked: list[list[str]] = []
    window.confirm_stop_jobs = lambda jobs: asked.append(list(jobs)) or len(asked) > 1
    assert not window.close()  # the first answer is Cancel: the build goes on
    assert page.building and window.isVisible()
    (job,) = asked[0]
    assert job.startswith("a build of slow-build (running for ")
    assert window.close()  # then Stop and quit
    assert not page.building
    assert os.getpid()  # the test process survived a close during a build


def test_also_build_sdist_builds_the_wheel_from_it(qtbot, tmp_path: Path) -> None:
    window = _build_page_with_out(qtbot, TEST_CRATES / "pyo3-mixed", tmp_path)
    page = window.build_page
    page.form.sdist.setChecked(True)
    with qtbot.waitSignal(page.build_finished, timeout=600_000) as finished:
        page.build_button.click()
    ok, summary, _ = finished.args
    assert ok, page.log.plain_text()
    assert summary == "Built 1 wheel and an sdist"
    sdist = tmp_path / "pyo3_mixed-0.2.0.tar.gz"
    assert window.state.sdist == sdist
    assert [p.name for p in page.results.paths][-1] == sdist.name
    assert "Building wheels from source distribution" in page.log.plain_text()
    assert len(window.state.wheels) == 1 and window.state.wheels[0].parent == tmp_path


def test_interpreters_picked_in_the_state_get_one_wheel_each(qtbot, tmp_path: Path) -> None:
    from cratewright.core.interpreters import list_interpreters
    from cratewright.gui.formatting import display_path

    listing = list_interpreters()
    by_minor = {
        found.info.minor: found.info
        for found in listing.working
        if found.info is not None
        and found.info.implementation == "cpython"
        and found.info.minor >= 9
        and not found.info.gil_disabled
    }
    assert len(by_minor) >= 2, "this test needs two CPython minor versions on the machine"
    picked = [by_minor[minor] for minor in sorted(by_minor)[:2]]
    window = _build_page_with_out(qtbot, TEST_CRATES / "pyo3-pure", tmp_path)
    window.state.set_interpreters(tuple(info.executable for info in picked))
    page = window.build_page
    assert display_path(picked[0].executable) in page.selection.text()  # ~/… under home
    assert str(picked[0].executable) in page.selection.toolTip().splitlines()
    with qtbot.waitSignal(page.build_finished, timeout=600_000) as finished:
        page.build_button.click()
    assert finished.args[0], page.log.plain_text()
    tags = sorted(path.name.split("-")[2] for path in window.state.wheels)
    assert tags == sorted(info.python_tag for info in picked)
    assert sorted(tmp_path.glob("*.whl")) == sorted(window.state.wheels)

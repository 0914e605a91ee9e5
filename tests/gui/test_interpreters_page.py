"""The Interpreters & Targets page with the machine's real interpreters, rustc and zig."""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from cratewright.core.build.targets import TargetListing
from cratewright.gui.interpreter_scan import EXTRA_KEY
from cratewright.gui.interpreter_table import _KIND, _PATH, _USABLE
from cratewright.gui.pages.interpreters_page import InterpretersPage


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRATEWRIGHT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def page(qtbot, app_state, mixed_overview, settings) -> InterpretersPage:
    app_state.set_project(mixed_overview.root, mixed_overview)
    widget = InterpretersPage(app_state, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.prepare_screenshot()
    return widget


def _rows(page: InterpretersPage) -> dict[str, tuple[bool, str]]:
    """path -> (checkable, text of the usability column)."""
    rows = {}
    for row in range(page.table.rowCount()):
        kind = page.table.item(row, _KIND)
        checkable = bool(kind.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        rows[kind.data(Qt.ItemDataRole.UserRole)] = (
            checkable,
            page.table.item(row, _USABLE).text(),
        )
    return rows


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def test_real_interpreters_are_judged_for_the_project(page: InterpretersPage):
    rows = _rows(page)
    listing = page._scan_result.listing
    assert len(rows) == len(listing.interpreters) >= 3
    for found in listing.interpreters:
        checkable, text = rows[str(found.path)]
        info = found.info
        if info is None:
            assert not checkable and text.startswith("✗ ")
            assert found.error in text
        elif info.implementation == "cpython" and info.minor < 9:
            assert not checkable
            assert text == f"✗ Python 3.{info.minor} does not satisfy requires-python >=3.9"
        elif info.implementation == "cpython":
            assert checkable
            assert text == f"✓ usable: gets its own {info.python_tag}-{info.abi_tag} wheel"
    assert "can build pyo3-mixed" in page.intro.text()
    # the header's counts are the table's: every row, and the rows marked usable
    usable = sum(1 for checkable, _ in rows.values() if checkable)
    unusable = sum(1 for _, text in rows.values() if text.startswith("✗ "))
    expected = f"{len(rows)} interpreters, {usable} usable"
    expected += f", {unusable} unusable" if unusable else ""
    assert page.status_label.text() == expected


def test_ticking_interpreters_feeds_the_state_and_the_preview(page, app_state, qtbot):
    usable = [p for p, (checkable, _) in _rows(page).items() if checkable][:2]
    assert len(usable) == 2
    with qtbot.waitSignal(app_state.selection_changed):
        page.set_checked(Path(usable[0]), True)
    page.set_checked(Path(usable[1]), True)
    assert list(app_state.interpreters) == [Path(p) for p in usable]
    by_path = {str(f.path): f.info for f in page._scan_result.listing.interpreters}
    previews = [page.preview_list.item(i).text() for i in range(page.preview_list.count())]
    assert previews == [
        f"pyo3_mixed-0.2.0-{by_path[p].python_tag}-{by_path[p].abi_tag}-manylinux_*_x86_64.whl"
        for p in usable
    ]
    assert page.preview_note.text().startswith("2 wheels for 2 interpreters.")
    page.set_checked(Path(usable[0]), False)
    assert list(app_state.interpreters) == [Path(usable[1])]


def test_nothing_ticked_previews_the_default_interpreter(page):
    assert page.checked_paths() == []
    default = page._scan_result.default
    assert default is not None
    assert page.preview_list.count() == 1
    assert f"-{default.python_tag}-{default.abi_tag}-" in page.preview_list.item(0).text()
    shown = f"{default.kind_display} {default.version_display} at {default.executable}"
    assert f"the default interpreter is used ({shown})" in page.preview_note.text()


def test_paths_under_home_show_as_tilde_with_the_full_path_in_the_tooltip(page, monkeypatch):
    found = page._scan_result.listing.interpreters[0]
    home = found.path.parent.parent  # as if the interpreters lived in the user's home
    monkeypatch.setenv("HOME", str(home))
    page._fill_table()
    page._update_preview()
    by_path = {
        page.table.item(row, _KIND).data(Qt.ItemDataRole.UserRole): row
        for row in range(page.table.rowCount())
    }
    cell = page.table.item(by_path[str(found.path)], _PATH)
    assert cell.text() == f"~/{found.path.relative_to(home)}"
    assert cell.toolTip().splitlines()[0] == str(found.path)
    # a long path is cut in its middle: where it lives and the executable's name both show
    option = QStyleOptionViewItem()
    page.table.itemDelegateForColumn(_PATH).initStyleOption(option, page.table.indexFromItem(cell))
    assert option.textElideMode == Qt.TextElideMode.ElideMiddle
    assert option.text == cell.text()
    default = page._scan_result.default.executable
    monkeypatch.setenv("HOME", str(default.parent.parent))
    page._update_preview()
    assert f"at ~/{default.parent.name}/{default.name})" in page.preview_note.text()
    assert page.preview_note.toolTip() == str(default)


def test_added_broken_interpreter_is_listed_with_its_error_and_remembered(
    page, qtbot, app_state, settings, tmp_path: Path
):
    broken = _script(tmp_path / "broken" / "python3", "echo 'cannot start' >&2\nexit 3\n")
    page.add_interpreter(broken)
    page.prepare_screenshot()
    checkable, text = _rows(page)[str(broken)]
    assert not checkable
    assert text.endswith("failed (exit code 3): cannot start")
    assert sum(1 for c, _ in _rows(page).values() if c) >= 2  # the others are still there
    assert settings.value(EXTRA_KEY) == [str(broken)]
    again = InterpretersPage(app_state, settings=settings)
    qtbot.addWidget(again)
    again.prepare_screenshot()
    assert str(broken) in _rows(again)


def test_refresh_does_not_block_the_window(page, qtbot, tmp_path: Path):
    data = {"major": 3, "minor": 12, "interpreter": "cpython", "abiflags": "",
            "ext_suffix": ".cpython-312-x86_64-linux-gnu.so", "executable": None}  # fmt: skip
    slow = tmp_path / "slow" / "python3.12"
    data["executable"] = str(slow)
    _script(slow, f"/bin/sleep 2\nprintf '%s\\n' {shlex.quote(json.dumps(data))}\n")
    start = time.monotonic()
    page.add_interpreter(slow)
    assert time.monotonic() - start < 0.5
    assert page.status_label.text() == "Searching for interpreters…"
    assert not page.refresh_button.isEnabled()
    qtbot.waitUntil(lambda: str(slow) in _rows(page), timeout=30_000)
    assert page.refresh_button.isEnabled()
    assert _rows(page)[str(slow)][0]  # usable: a CPython 3.12 for a >=3.9 project


def test_targets_and_zig(page, app_state, qtbot):
    first = page.target_list.item(0)
    host = page._scan_result.targets.host
    assert first.text() == f"{host}  (host, installed)"
    assert page.target_list.currentItem() is first
    assert page.zig_check.isEnabled()
    with qtbot.waitSignal(app_state.selection_changed):
        page.zig_check.setChecked(True)
    assert (app_state.target, app_state.zig) == (None, True)
    assert (
        page.preview_list.item(0).text().endswith("-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    )
    page.target_filter.setText("aarch64-unknown-linux-g")
    visible = [page.target_list.item(i) for i in range(page.target_list.count())
               if not page.target_list.item(i).isHidden()]  # fmt: skip
    triples = [item.data(Qt.ItemDataRole.UserRole) for item in visible]
    assert "aarch64-unknown-linux-gnu" in triples
    assert all("aarch64-unknown-linux-g" in t for t in triples)
    assert len(triples) < page.target_list.count() / 10
    page.select_target("aarch64-unknown-linux-gnu")
    assert (app_state.target, app_state.zig) == ("aarch64-unknown-linux-gnu", True)
    assert "Cross-compiling pyo3 bindings for aarch64-unknown-linux-gnu is not supported" in (
        page.preview_note.text()
    )


def test_zig_toggle_is_disabled_with_a_reason_when_zig_is_missing(page):
    problem = "zig is not installed; `pip install ziglang` provides it"
    page._fill_zig(TargetListing("x86_64-unknown-linux-gnu", (), True, None, problem))
    assert not page.zig_check.isEnabled()
    assert not page.zig_check.isChecked()
    assert page.zig_check.toolTip() == f"Not available: {problem}"


def test_without_a_project(qtbot, app_state, settings):
    widget = InterpretersPage(app_state, settings=settings)
    qtbot.addWidget(widget)
    widget.prepare_screenshot()
    assert widget.table.rowCount() >= 3
    assert widget.intro.text().startswith("Tick the interpreters to build for.")
    assert widget.preview_note.text() == "Open a project to see its wheel tags."
    grabbed = widget.grab()
    assert not grabbed.isNull()

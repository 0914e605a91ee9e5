"""One truth on every page: what a page shows is the current state, never a stale one.

Existing wheels in the out dir after a restart, interpreters remembered per project, one
audit per request, progress and timers, the interpreters header, publish results per index,
readable upload errors and credentials named for what they are.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from cratewright.core.build.artifacts import find_artifacts
from cratewright.core.interpreters.discovery import InterpreterListing
from cratewright.core.interpreters.find import SkippedInterpreter
from cratewright.core.metadata.overview import load_overview
from cratewright.core.publish import repository_from_url, store_credential
from cratewright.core.publish.upload import _short_text
from cratewright.events import Progress, Status
from cratewright.gui.publish_text import credential_kind, status_line
from cratewright.gui.settings import app_settings, save_build_options
from tests.conftest import TEST_CRATES
from tests.publish import fixtures
from tests.publish.fixtures import LeakGuard, PypiServer, make_sdist, make_wheel

isolated_env = fixtures.isolated_env
keyring_session = fixtures.keyring_session
leak_guard = fixtures.leak_guard
pypi_server = fixtures.pypi_server


def _aged(path: Path, seconds_ago: float) -> Path:
    stamp = 1_700_000_000 - seconds_ago
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An out dir with pyo3-mixed 0.2.0 (current) and 0.1.0 (stale) files and a stranger's."""
    out = tmp_path / "wheels"
    _aged(make_wheel(out, "pyo3-mixed", "0.1.0"), 300)
    _aged(make_wheel(out, "pyo3-mixed", "0.2.0"), 100)
    _aged(make_sdist(out, "pyo3-mixed", "0.2.0"), 50)
    _aged(make_wheel(out, "someone-else", "0.2.0"), 10)
    (out / "notes.txt").write_text("not a distribution")
    return out


def test_core_lists_the_projects_files_newest_first_stale_marked(out_dir: Path) -> None:
    found = find_artifacts(out_dir, "pyo3_mixed", "0.2.0")
    assert [(a.path.name, a.stale) for a in found] == [
        ("pyo3_mixed-0.2.0.tar.gz", False),
        ("pyo3_mixed-0.2.0-py3-none-any.whl", False),
        ("pyo3_mixed-0.1.0-py3-none-any.whl", True),
    ]
    assert found[2].label() == "pyo3_mixed-0.1.0-py3-none-any.whl  (older version 0.1.0)"
    assert find_artifacts(out_dir / "missing", "pyo3-mixed", "0.2.0") == []


def _open_with_out(app_state, out: Path) -> None:
    overview = load_overview(TEST_CRATES / "pyo3-mixed")
    save_build_options(overview.root, {"out": str(out)})
    app_state.set_project(overview.root, overview)


def test_audit_lists_existing_wheels_on_open(qtbot, app_state, out_dir: Path) -> None:
    from cratewright.gui.pages.audit_page import AuditPage

    page = AuditPage(app_state)
    qtbot.addWidget(page)
    _open_with_out(app_state, out_dir)
    listed = [page.wheels.itemText(i) for i in range(page.wheels.count())]
    assert listed == [
        "pyo3_mixed-0.2.0-py3-none-any.whl",
        "pyo3_mixed-0.1.0-py3-none-any.whl  (older version 0.1.0)",
    ]
    assert page.audits_started == 1  # the current version's wheel, audited once
    page.wait()
    assert page.report is not None and page.report.policy == "none"
    assert not page.error.isVisibleTo(page)


def test_publish_offers_the_current_versions_files_on_open(qtbot, app_state, out_dir: Path) -> None:
    from cratewright.gui.pages.publish_page import PublishPage

    page = PublishPage(app_state)
    qtbot.addWidget(page)
    _open_with_out(app_state, out_dir)
    assert [p.name for p in page.files] == [
        "pyo3_mixed-0.2.0.tar.gz",
        "pyo3_mixed-0.2.0-py3-none-any.whl",
    ]
    assert "1 file(s) of older versions (0.1.0)" in page.empty_hint.text()
    assert "pyo3_mixed-0.1.0" in page.empty_hint.toolTip()


def test_audit_once_per_request_and_a_superseded_one_is_silent(
    qtbot, app_state, tmp_path: Path
) -> None:
    from cratewright.gui.pages.audit_page import AuditPage

    first = make_wheel(tmp_path / "a", "cw-first")
    second = make_wheel(tmp_path / "b", "cw-second")
    page = AuditPage(app_state)
    qtbot.addWidget(page)
    page.open_wheel(first)
    assert page.audits_started == 1
    page.open_wheel(second)  # supersedes the first while it may still run
    assert page.audits_started == 2
    page.wait()
    qtbot.wait(200)  # let a cancelled audit deliver whatever it would
    assert page.report is not None and Path(page.report.path) == second
    assert not page.error.isVisibleTo(page), page.error.text()
    assert "cancel" not in page.error.text().lower()


def test_ticked_interpreters_are_remembered_per_project(app_state) -> None:
    mixed = load_overview(TEST_CRATES / "pyo3-mixed")
    pure = load_overview(TEST_CRATES / "pyo3-pure")
    python = Path(sys.executable)
    app_state.set_project(mixed.root, mixed)
    app_state.set_interpreters((python,))
    app_state.set_project(pure.root, pure)
    assert app_state.interpreters == (), "not carried over to another project"
    app_state.set_project(mixed.root, mixed)
    assert app_state.interpreters == (python,), "remembered for this project (restart too)"
    app_settings().sync()


def test_build_progress_and_timer_show_this_projects_truth(qtbot, app_state) -> None:
    from cratewright.gui.pages.build_page import BuildPage

    page = BuildPage(app_state)
    qtbot.addWidget(page)
    mixed = load_overview(TEST_CRATES / "pyo3-mixed")
    app_state.set_project(mixed.root, mixed)
    assert not page.progress.isTextVisible(), "no '0/1 units' before any build"
    page.progress.setTextVisible(True)
    page._on_events([Progress(38, 39, "pyo3-mixed"), Status("Finished `release` profile")])
    assert page.progress.value() == page.progress.maximum() == 39  # cargo said Finished
    page._clock.start()
    page._show_elapsed()
    assert page.elapsed.text().endswith(" s")
    pure = load_overview(TEST_CRATES / "pyo3-pure")
    app_state.set_project(pure.root, pure)
    assert page.elapsed.text() == "", "not the previous project's build time"
    assert not page.progress.isTextVisible()


def test_pyenv_shim_noise_is_folded_behind_details(qtbot, app_state) -> None:
    from cratewright.gui.interpreter_scan import _Scan
    from cratewright.gui.pages.interpreters_page import InterpretersPage

    page = InterpretersPage(app_state, autoload=False)
    qtbot.addWidget(page)
    skipped = tuple(
        SkippedInterpreter(f"python3.{m}", Path(f"/shims/python3.{m}"), "pyenv: not active")
        for m in (8, 9, 10)
    )
    page._scan_result = _Scan(InterpreterListing((), skipped), None, None, None, None)
    page._fill_skipped()
    text = page.skipped_label.text()
    assert text.startswith("3 pyenv shims of inactive versions left out.")
    assert "python3.8" not in text, "the names are behind the link, not in the line"
    box = page.show_skipped()
    qtbot.addWidget(box)
    assert "/shims/python3.9: pyenv: not active" in box.detailedText()
    box.close()


def test_server_text_decodes_html_entities() -> None:
    page = "<html><body><h1>400 Bad Request</h1>File &#039;x.whl&#039; isn&#x27;t &amp; ok</body>"
    assert _short_text(page) == "400 Bad Request File 'x.whl' isn't & ok"


def test_long_errors_are_short_in_the_status_bar_and_whole_in_details(qtbot, app_state) -> None:
    from cratewright.gui.pages.publish_page import PublishPage

    page = PublishPage(app_state)
    qtbot.addWidget(page)
    statuses: list[str] = []
    app_state.status.connect(statuses.append)
    long = "The index refused pyo3_mixed-0.2.0.whl: " + "because of reasons " * 20
    text = f"{long}\n  hint: bump the version\nserver said: more"
    page._finish_publish(text, error=True)
    (status,) = statuses
    assert len(status) <= 111 and status.endswith("…")
    assert long.startswith(status[:-1])
    assert page.message_details.isEnabled()
    box = page.show_message_details()
    assert box.detailedText() == text
    box.close()
    assert status_line("short") == "short"


def test_stored_credentials_are_named_for_what_they_are() -> None:
    assert credential_kind("__token__") == "token"
    assert credential_kind("uploader") == "password"


def test_upload_progress_counts_files_and_results_belong_to_one_index(
    qtbot, app_state, tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    from cratewright.gui.pages.publish_page import PublishPage

    leak_guard.secret(pypi_server.password)
    store_credential(
        repository_from_url(pypi_server.url), pypi_server.username, pypi_server.password
    )
    wheels = (make_wheel(tmp_path, "cw-one"), make_wheel(tmp_path, "cw-two"))
    page = PublishPage(app_state)
    qtbot.addWidget(page)
    page.show()
    app_state.set_artifacts(wheels, None)
    page.select_repository("custom", pypi_server.url)
    page.wait_idle()
    seen: list[tuple[int, str]] = []
    jobs: list[str] = []

    def progressed(value: int) -> None:
        seen.append((value, page.progress.format()))
        jobs.extend(job.describe() for job in page.running_jobs())

    page.progress.valueChanged.connect(progressed)
    assert not page.progress.isTextVisible(), "no '0 %' before any upload"
    page.publish()
    qtbot.waitUntil(lambda: page.result is not None, timeout=60_000)
    page.wait_idle()
    values = [v for v, _ in seen]
    assert values == sorted(values), "progress never goes back"
    assert any(fmt.startswith("1 of 2 files sent") for _, fmt in seen)
    assert page.progress.value() == page.progress.maximum()
    assert page.progress.format() == "2 of 2 files on the index"
    # while it ran, closing the window would have named it
    assert jobs and jobs[0].startswith("an upload of 2 file(s) to 127.0.0.1 (running for ")
    assert page.running_jobs() == []
    assert page.table.item(0, 3).text() == "✔ uploaded"
    page.select_repository("testpypi")
    page.wait_idle()
    assert page.table.item(0, 3).text() == "" and page.table.item(1, 3).text() == ""
    assert page.result is None and page.result_label.text() == ""
    assert page.progress.value() == 0
    assert not page.progress.isTextVisible(), "nothing was sent to this index"


def test_a_files_size_reads_the_same_on_build_and_publish(qtbot, app_state, tmp_path: Path):
    from cratewright.gui.formatting import human_size
    from cratewright.gui.pages.publish_page import PublishPage
    from cratewright.gui.results_view import ResultsView

    wheel = make_wheel(tmp_path, "cw-sized", readme=os.urandom(4000).hex())  # > 1 KiB zipped
    results = ResultsView()
    qtbot.addWidget(results)
    results.set_artifacts([wheel])
    page = PublishPage(app_state)
    qtbot.addWidget(page)
    app_state.set_artifacts((wheel,), None)
    page.wait_idle()
    expected = human_size(wheel.stat().st_size)
    assert expected.endswith("KiB")
    assert results.artifacts.topLevelItem(0).text(2) == expected
    assert page.table.item(0, 1).text() == expected

"""The Release page: tick targets, see the matrix and YAML change, write, re-open."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cratewright.core.ci.emit import load_yaml
from cratewright.core.metadata.overview import load_overview
from cratewright.gui.pages.release_page import ReleasePage
from tests.ci_projects import make_project
from tests.conftest import run_cratewright

COMMENTED = "# release settings live below\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, "pyo3", requires_python=">=3.10")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + COMMENTED)
    return project


def _open(qtbot, app_state, project: Path) -> ReleasePage:
    page = ReleasePage(app_state)
    qtbot.addWidget(page)
    app_state.set_project(project, load_overview(project))
    page.prepare_screenshot()
    return page


def _table(project: Path) -> dict:
    data = tomllib.loads((project / "pyproject.toml").read_text())
    return data["tool"]["maturin"]["generate-ci"]["github"]


def _jobs(page: ReleasePage) -> dict:
    return load_yaml(page.yaml_text)["jobs"]


def _targets(job: dict) -> list[str]:
    return [entry["target"] for entry in job["strategy"]["matrix"]["platform"]]


def test_ticking_cells_edits_pyproject_matrix_and_yaml(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    assert "CPython 3.10–3.14" in page.summary.text()
    # the flag wraps as a whole on a narrow window (non-breaking hyphens), never as "--" alone
    assert "found by \u2011\u2011find\u2011interpreter" in page.summary.text()
    cell = page.matrix.cell_item("linux", "s390x")
    assert cell.checkState() == Qt.CheckState.Checked
    assert "cp310-cp310-manylinux_2_17_s390x" in cell.toolTip()
    assert "s390x" in _targets(_jobs(page)["linux"])

    cell.setCheckState(Qt.CheckState.Unchecked)  # what a click or Space does
    assert "s390x" not in _targets(_jobs(page)["linux"])
    assert page.matrix.cell_item("linux", "s390x").checkState() == Qt.CheckState.Unchecked
    assert _table(project)["linux"]["targets"] == ["x86_64", "x86", "aarch64", "armv7", "ppc64le"]
    assert COMMENTED in (project / "pyproject.toml").read_text()  # the user's comment stays

    page.matrix.cell_item("emscripten", "wasm32").setCheckState(Qt.CheckState.Checked)
    assert "emscripten" in _jobs(page)
    assert page.matrix.cell_item("emscripten", "wasm32").checkState() == Qt.CheckState.Checked
    assert "Added emscripten" in page.status.text()


def test_unavailable_cells_cannot_be_ticked(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    cell = page.matrix.cell_item("macos", "armv7")
    assert cell.text() == "—"
    assert not cell.flags() & Qt.ItemFlag.ItemIsUserCheckable


def test_options_are_saved_and_change_the_workflow(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    page.options["pytest"].click()
    page.options["skip-attestation"].click()  # shown as "Attest the artifacts": now off
    page.options["trusted-publishing"].click()
    page.environment.setText("pypi")
    page.environment.editingFinished.emit()
    expected = {"pytest": True, "skip-attestation": True, "trusted-publishing": True}
    assert _table(project) == {**expected, "publishing-environment": "pypi"}
    release = _jobs(page)["release"]
    assert release["environment"] == "pypi"
    assert "attestations" not in release["permissions"]
    assert any(step.get("name") == "pytest" for step in _jobs(page)["macos"]["steps"])


def test_validation_results_are_shown(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    qtbot.waitUntil(lambda: "zizmor: ok" in page.checks.text(), timeout=60_000)
    assert "check-jsonschema: ok" in page.checks.text()
    page.provider.setCurrentIndex(1)  # GitLab CI
    assert "stages" in load_yaml(page.yaml_text)
    assert "On GitLab: linux armv7, s390x, ppc64le: not generated" in page.status.text()
    page.prepare_screenshot()
    qtbot.waitUntil(lambda: "check-jsonschema: ok" in page.checks.text(), timeout=60_000)
    assert "zizmor" not in page.checks.text()


def test_write_shows_the_diff_writes_and_reopens_the_same(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    page.matrix.cell_item("windows", "x86").setCheckState(Qt.CheckState.Unchecked)
    asked: list[tuple[str, str]] = []
    page.confirm_write = lambda label, diff: asked.append((label, diff)) is None and False
    assert not page.write_workflow()
    workflow = project / ".github" / "workflows" / "CI.yml"
    assert not workflow.exists()  # declined: nothing written
    assert asked[0][0] == ".github/workflows/CI.yml"
    assert asked[0][1].startswith("--- /dev/null")
    page.confirm_write = lambda label, diff: True
    assert page.write_workflow()
    assert workflow.read_text() == page.yaml_text

    # The CLI reads the same table and writes the same file.
    proc = run_cratewright("generate-ci", "github", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == workflow.read_text()

    reopened = _open(qtbot, app_state, project)
    assert reopened.matrix.cell_item("windows", "x86").checkState() == Qt.CheckState.Unchecked
    assert reopened.yaml_text == page.yaml_text
    assert not reopened.write_workflow()
    assert "up to date" in reopened.status.text()

    reopened.options["zig"].click()
    reopened.confirm_write = lambda label, diff: asked.append((label, diff)) is None
    assert reopened.write_workflow()
    assert "+          args: --release --out dist --find-interpreter --zig" in asked[-1][1]


def test_a_bad_table_is_shown_as_the_error(qtbot, app_state, project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "[tool.maturin.generate-ci.github.freebsd]\n")
    page = _open(qtbot, app_state, project)
    assert page.problem.isVisibleTo(page)
    assert "github.freebsd]: unknown platform table; expected one of linux" in page.problem.text()
    assert not page.write_button.isEnabled() and page.yaml_text == ""


def test_fits_at_1024_by_700(qtbot, project: Path) -> None:
    from cratewright.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    with qtbot.waitSignal(window.project_loaded, timeout=120_000):
        window.open_project(project)
    window.show_page("release")
    page = window.current_page()
    assert isinstance(page, ReleasePage)
    qtbot.waitUntil(lambda: page.width() > 0)
    for widget in (page.matrix, page.write_button, page.preview, page.environment,
                   page.options["trusted-publishing"]):  # fmt: skip
        corner = widget.mapTo(page, widget.rect().bottomRight())
        assert page.rect().contains(corner), widget.objectName()
    assert page.preview.height() > 150


def test_gitlab_file_is_written_to_the_project_root(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    page.provider.setCurrentIndex(1)
    assert page.workflow_path() == project / ".gitlab-ci.yml"
    page.confirm_write = lambda label, diff: label == ".gitlab-ci.yml"
    assert page.write_workflow()
    written = load_yaml((project / ".gitlab-ci.yml").read_text())
    assert [e["TARGET"] for e in written["linux"]["parallel"]["matrix"]] == [
        "x86_64", "x86", "aarch64"]  # fmt: skip
    page.prepare_screenshot()  # let the validation of the GitLab file finish


def test_space_ticks_the_current_cell(qtbot, app_state, project: Path) -> None:
    page = _open(qtbot, app_state, project)
    page.show()
    item = page.matrix.cell_item("musllinux", "ppc64le")
    assert item.checkState() == Qt.CheckState.Unchecked
    page.matrix.setCurrentItem(item)
    page.matrix.setFocus()
    qtbot.keyClick(page.matrix, Qt.Key.Key_Space)
    assert page.matrix.cell_item("musllinux", "ppc64le").checkState() == Qt.CheckState.Checked
    assert "ppc64le" in _targets(_jobs(page)["musllinux"])


def test_an_existing_generated_workflow_is_the_one_replaced(
    qtbot, app_state, project: Path
) -> None:
    folder = project / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "lint.yml").write_text("name: lint\n")
    (folder / "release.yml").write_text("# This file is autogenerated by maturin v1.16.0\n")
    page = _open(qtbot, app_state, project)
    files = [page.target_file.itemText(i) for i in range(page.target_file.count())]
    assert files == [".github/workflows/release.yml", ".github/workflows/CI.yml",
                     ".github/workflows/lint.yml"]  # fmt: skip
    diffs: list[str] = []
    page.confirm_write = lambda label, diff: diffs.append(diff) is None
    assert page.write_workflow()
    assert "-# This file is autogenerated by maturin v1.16.0" in diffs[0]
    assert (folder / "release.yml").read_text() == page.yaml_text
    assert (folder / "lint.yml").read_text() == "name: lint\n"

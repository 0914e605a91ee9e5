"""The Metadata page driven through its widgets with pytest-qt: edit, validate, save, undo.

No modal dialog is ever shown: the page's ``confirm_save`` / ``confirm_overwrite`` hooks are
replaced by functions that record what they were asked and answer.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cratewright.core.metadata.overview import load_overview
from cratewright.gui.pages.metadata_page import MetadataPage

CARGO = (
    "[package]\n"
    'name = "gui-demo"\n'
    "# version comes from here\n"
    'version = "0.3.0"\n'
    'edition = "2021"\n'
    'description = "cargo summary"\n'
)
PYPROJECT = (
    "[build-system]\n"
    'requires = ["maturin>=1,<2"]\n'
    'build-backend = "maturin"\n'
    "\n"
    "[project]\n"
    'name = "gui-demo"\n'
    'description = "Original summary"  # keep me\n'
    'requires-python = ">=3.9"\n'
    'dependencies = ["packaging>=21"]\n'
    'dynamic = ["version"]\n'
    "\n"
    "[tool.maturin]\n"
    'bindings = "bin"\n'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/main.rs").write_text("fn main() {}\n")
    (tmp_path / "Cargo.toml").write_text(CARGO)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "README.md").write_text("# Demo\n\nSome **bold** text.\n")
    return tmp_path


@pytest.fixture
def page(qtbot, app_state, project: Path) -> MetadataPage:
    page = MetadataPage(app_state)
    qtbot.addWidget(page)
    app_state.set_project(project, load_overview(project))
    page.prepare_screenshot()
    assert page.session is not None
    return page


def _type(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _changed(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if line.startswith(("- ", "+ "))
    ]


def test_fields_show_values_and_provenance(page: MetadataPage) -> None:
    assert page.editors["name"].text() == "gui-demo"
    assert page.editors["version"].text() == "0.3.0"
    assert "from Cargo.toml: package.version, listed in project.dynamic" in (
        page.frames["version"].provenance.text()
    )
    summary = page.frames["description"].provenance.text()
    assert "from [project] in pyproject.toml: project.description" in summary
    assert "overrides Cargo.toml: package.description = cargo summary" in summary
    assert page.editors["dependencies"].value() == ["packaging>=21"]
    assert page.editors["classifiers"].available.count() > 500
    assert "Version: 0.3.0" in page.metadata_text.toPlainText()
    assert not page.save_button.isEnabled()


def test_edit_save_changes_one_line_and_reloads_state(
    qtbot, page: MetadataPage, project: Path, app_state
) -> None:
    _type(qtbot, page.editors["description"], "Edited from the GUI")
    assert page.undo_stack.count() == 1
    assert page.save_button.isEnabled()
    assert (project / "pyproject.toml").read_text() == PYPROJECT  # nothing written yet
    asked = []
    page.confirm_save = lambda changes: asked.append(changes) or True
    with qtbot.waitSignal(app_state.project_updated, timeout=30_000):
        assert page.save()
    (changes,) = asked
    assert '+description = "Edited from the GUI"  # keep me' in changes[0].diff()
    assert _changed(PYPROJECT, (project / "pyproject.toml").read_text()) == [
        '- description = "Original summary"  # keep me',
        '+ description = "Edited from the GUI"  # keep me',
    ]
    assert (project / "Cargo.toml").read_text() == CARGO
    assert app_state.overview.metadata.summary == "Edited from the GUI"
    page.prepare_screenshot()
    assert page.editors["description"].text() == "Edited from the GUI"
    assert not page.save_button.isEnabled()


def test_invalid_value_is_marked_in_place_and_blocks_save(
    qtbot, page: MetadataPage, project: Path
) -> None:
    _type(qtbot, page.editors["requires-python"], ">=3.x")
    frame = page.frames["requires-python"]
    assert frame.problems.isVisible() or not frame.problems.isHidden()
    assert "not a version specifier" in frame.problems.text()
    assert "border" in page.editors["requires-python"].styleSheet()
    assert "✗" in page.tabs.tabText(0)
    page.confirm_save = lambda changes: pytest.fail("must not ask to save invalid metadata")
    assert not page.save()
    assert "fix the" in page.summary_label.text()
    assert (project / "pyproject.toml").read_text() == PYPROJECT

    page.undo_stack.undo()
    assert page.editors["requires-python"].text() == ">=3.9"
    assert frame.problems.isHidden()
    assert page.tabs.tabText(0) == "General"


def test_table_row_validation_and_undo_redo(qtbot, page: MetadataPage) -> None:
    deps = page.editors["dependencies"]
    deps.set_cell(1, 0, "numpy>>1")
    assert page.undo_stack.count() == 1
    assert page.session is not None
    assert page.view is not None and page.view.fields["dependencies"].value == [
        "packaging>=21",
        "numpy>>1",
    ]
    bad = deps.table.item(1, 0)
    assert "not a valid requirement" in bad.toolTip()
    assert bad.background().color().alpha() > 0
    assert deps.table.item(0, 0).toolTip() == ""
    page.undo_stack.undo()
    assert deps.value() == ["packaging>=21"]
    assert page.session.changes() == []
    page.undo_stack.redo()
    assert deps.value() == ["packaging>=21", "numpy>>1"]
    assert page.session.changes()


def test_classifier_picker_search_add_and_undo(qtbot, page: MetadataPage, project: Path) -> None:
    picker = page.editors["classifiers"]
    qtbot.keyClicks(picker.search, "language rust")
    assert [picker.available.item(i).text() for i in range(picker.available.count())] == [
        "Programming Language :: Rust"
    ]
    picker.available.item(0).setSelected(True)
    picker.add_selected()
    assert page.view is not None
    assert page.view.fields["classifiers"].value == ["Programming Language :: Rust"]
    page.confirm_save = lambda changes: True
    assert page.save()
    text = (project / "pyproject.toml").read_text()
    assert _changed(PYPROJECT, text) == ['+ classifiers = ["Programming Language :: Rust"]']
    page.prepare_screenshot()


def test_file_changed_on_disk_asks_before_overwriting(
    qtbot, page: MetadataPage, project: Path
) -> None:
    _type(qtbot, page.editors["version"], "0.4.0")
    theirs = CARGO + "# edited elsewhere\n"
    (project / "Cargo.toml").write_text(theirs)
    asked = []
    page.confirm_save = lambda changes: True
    page.confirm_overwrite = lambda error: asked.append(error) or False
    assert not page.save()
    assert len(asked) == 1 and "changed on disk" in asked[0].message
    assert (project / "Cargo.toml").read_text() == theirs
    assert "Not saved" in page.summary_label.text()


def test_refused_edit_is_shown_at_the_field_and_not_on_the_stack(
    qtbot, app_state, tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/main.rs").write_text("fn main() {}\n")
    (tmp_path / "Cargo.toml").write_text(CARGO + 'homepage = "https://a.example"\n')
    page = MetadataPage(app_state)
    qtbot.addWidget(page)
    app_state.set_project(tmp_path, load_overview(tmp_path))
    page.prepare_screenshot()
    assert page.editors["classifiers"].isEnabled() is False  # no [project]: read-only
    urls = page.editors["urls"]
    urls.set_cell(1, 0, "Changelog")
    urls.set_cell(1, 1, "https://c.example")
    assert "no place for the URL label" in page.frames["urls"].problems.text()
    assert page.undo_stack.count() == 0
    assert page.session is not None and page.session.changes() == []


def test_readme_preview_renders_markdown(qtbot, page: MetadataPage, project: Path) -> None:
    _type(qtbot, page.editors["readme"], "README.md")
    html = page.readme_preview.toHtml()
    assert "Demo" in html and "font-weight" in html  # heading/bold rendered, not raw **
    assert "**" not in page.readme_preview.toPlainText()


def test_project_that_does_not_open_can_be_fixed_here(qtbot, app_state, project: Path) -> None:
    broken = PYPROJECT.replace('"packaging>=21"', '"packaging>>21"')
    (project / "pyproject.toml").write_text(broken)
    page = MetadataPage(app_state)
    qtbot.addWidget(page)
    app_state.set_project(project, None)  # what the window does when load_overview fails
    page.prepare_screenshot()
    assert page.session is not None
    deps = page.editors["dependencies"]
    assert "not a valid requirement" in deps.table.item(0, 0).toolTip()
    assert "✗" in page.tabs.tabText(6)
    deps.set_cell(0, 0, "packaging>=21")
    page.confirm_save = lambda changes: True
    with qtbot.waitSignal(app_state.project_updated, timeout=30_000):
        assert page.save()
    assert app_state.overview is not None
    assert app_state.overview.metadata.requires_dist == ["packaging>=21"]
    assert (project / "pyproject.toml").read_text() == PYPROJECT

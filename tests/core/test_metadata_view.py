"""Provenance, validation and editing of the metadata view (core/metadata_fields, _validate, _edit).

The last test builds every test crate with the real CLI (one shared session build) and
compares the METADATA inside each wheel with what the view renders for that crate.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from packaging.metadata import Metadata

from cratewright.core.metadata.cli_values import parse_cli_value
from cratewright.core.metadata.edit import MetadataSession
from cratewright.core.metadata.field_specs import field_spec
from cratewright.core.metadata.validate import classifier_choices, preflight, validate_field
from cratewright.errors import FileChangedError, MetadataError
from tests.conftest import BUILDABLE_CRATES, TEST_CRATES

BIN = '\n[tool.maturin]\nbindings = "bin"\n'


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _project(tmp_path: Path, cargo_extra: str = "", project: str | None = None) -> Path:
    files = {
        "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n'
        + cargo_extra,
        "src/main.rs": "fn main() {}\n",
    }
    if project is not None:
        files["pyproject.toml"] = f'[project]\nname = "demo"\n{project}' + BIN
    return _write(tmp_path, files)


# ---------------------------------------------------------------------------------------------
# Provenance


def test_project_value_overrides_cargo_and_names_both(tmp_path: Path) -> None:
    root = _project(
        tmp_path, 'description = "cargo"\n', 'description = "proj"\ndynamic = ["version"]\n'
    )
    field = MetadataSession.open(root).view().fields["description"]
    assert field.value == "proj"
    assert field.provenance.origin == "project"
    assert field.provenance.source and field.provenance.source.dotted == "project.description"
    (over,) = field.provenance.overrides
    assert over.location.file == root / "Cargo.toml"
    assert over.location.dotted == "package.description"
    assert over.value == "cargo"
    assert "not used" in over.reason
    assert field.target and field.target.file == root / "pyproject.toml"


def test_dynamic_cargo_value_and_ignored_cargo_value(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        'description = "cargo"\nkeywords = ["k"]\n',
        'dynamic = ["version", "description"]\n',
    )
    view = MetadataSession.open(root).view()
    summary = view.fields["description"]
    assert (summary.value, summary.provenance.origin, summary.provenance.dynamic) == (
        "cargo",
        "cargo",
        True,
    )
    assert summary.target and summary.target.dotted == "package.description"
    keywords = view.fields["keywords"]
    assert keywords.value == [] and keywords.provenance.origin == "unset"
    assert "not listed in project.dynamic" in keywords.provenance.overrides[0].reason
    assert keywords.target and keywords.target.dotted == "project.keywords"
    assert view.core is not None and view.core.keywords is None


def test_workspace_inheritance_edits_the_root(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["m"]\n\n'
            '[workspace.package]\nversion = "1.0.0-alpha.1"\n',
            "m/Cargo.toml": '[package]\nname = "m"\nversion.workspace = true\nedition = "2021"\n',
            "m/src/main.rs": "fn main() {}\n",
        },
    )
    session = MetadataSession.open(tmp_path / "m")
    version = session.view().fields["version"]
    assert version.provenance.origin == "workspace"
    assert (
        version.provenance.inherited_via
        and version.provenance.inherited_via.dotted == "package.version"
    )
    assert version.target == version.provenance.source
    assert str(session.view().core.version) == "1.0.0a1"  # type: ignore[union-attr]
    member_before = (tmp_path / "m/Cargo.toml").read_bytes()
    session.set_field("version", "1.0.0-rc.1")
    assert session.save() == [tmp_path / "Cargo.toml"]
    assert (tmp_path / "m/Cargo.toml").read_bytes() == member_before
    assert 'version = "1.0.0-rc.1"' in (tmp_path / "Cargo.toml").read_text()
    assert str(MetadataSession.open(tmp_path / "m").view().core.version) == "1.0.0rc1"  # type: ignore[union-attr]


def test_without_project_fields_come_from_cargo_and_python_fields_are_locked(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path, 'authors = ["Ada <ada@example.com>", "Bob"]\n')
    _write(root, {"README.rst": "Title\n=====\n"})
    view = MetadataSession.open(root).view()
    assert view.fields["authors"].value == [
        {"name": "Ada", "email": "ada@example.com"},
        {"name": "Bob"},
    ]
    readme = view.fields["readme"]
    assert (readme.value, readme.provenance.origin) == ("README.rst", "default")
    assert view.fields["classifiers"].locked
    with pytest.raises(MetadataError, match="cannot be edited"):
        MetadataSession.open(root).set_field("classifiers", ["Programming Language :: Rust"])


def test_version_warning_when_not_dynamic(tmp_path: Path) -> None:
    root = _project(tmp_path, "", "")
    view = MetadataSession.open(root).view()
    assert "project.dynamic" in view.fields["version"].provenance.note
    assert any("project.version" in m for m in view.messages)


# ---------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("key", "value", "origin", "fragment"),
    [
        ("name", "-bad-", "project", "not a valid distribution name"),
        ("version", "1.0", "cargo", "not a SemVer version"),
        ("version", "1.0.0-alpha.beta", "cargo", "not a valid python version"),
        ("version", "banana", "project", "not a PEP 440 version"),
        ("description", "two\nlines", "project", "single line"),
        ("license", "MIT/Apache", "project", "not a valid SPDX"),
        ("keywords", ["a,b"], "project", "contains a comma"),
        ("classifiers", ["Programming Language :: Rusty"], "project", "not a known classifier"),
        ("urls", {"Home": "ftp:/x"}, "project", "not an http(s) URL"),
        ("requires-python", ">=3.x", "project", "not a version specifier"),
        ("dependencies", ["numpy>>1"], "project", "not a valid requirement"),
        ("optional-dependencies", {"-x-": ["a"]}, "project", "not a valid extra name"),
        ("scripts", {"cli": "not valid ref!"}, "project", "not an object reference"),
        ("entry-points", {"console_scripts": {"a": "b:c"}}, "project", "not allowed"),
        ("authors", [{"email": "nope"}], "project", "not an email address"),
        ("license-files", ["../LICENSE"], "project", "not allowed"),
    ],
)
def test_invalid_values_have_message_and_hint(
    key: str, value: object, origin: str, fragment: str
) -> None:
    problems = validate_field(key, value, origin=origin)
    assert problems, key
    assert fragment in problems[0].message
    assert problems[0].hint and problems[0].field == key


def test_deprecated_classifier_hint_and_license_classifier_conflict(tmp_path: Path) -> None:
    (problem,) = validate_field("classifiers", ["Framework :: Django CMS :: 4.2"])
    assert "deprecated" in problem.message and "Django CMS :: 5.0" in problem.hint
    root = _project(
        tmp_path,
        "",
        'license = "MIT"\ndynamic = ["version"]\n'
        'classifiers = ["License :: OSI Approved :: MIT License"]\n',
    )
    problems = MetadataSession.open(root).view().problems_for("classifiers")
    assert any("license expression" in p.message for p in problems)
    assert len(classifier_choices()) > 500


def test_preflight_is_twines_check() -> None:
    assert preflight("Metadata-Version: 2.4\nName: ok\nVersion: 1.0\n") == []
    problems = preflight("Metadata-Version: 2.4\nName: ok\nVersion: nope\nRequires-Dist: a>>1\n")
    assert {p.field for p in problems} == {"version", "dependencies"}


# ---------------------------------------------------------------------------------------------
# Editing and saving


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    root = _project(tmp_path, "", 'dynamic = ["version"]\n')
    session = MetadataSession.open(root)
    session.set_field("summary", "mine")
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text() + "# theirs\n")
    theirs = (root / "pyproject.toml").read_bytes()
    with pytest.raises(FileChangedError, match="changed on disk"):
        session.save()
    assert (root / "pyproject.toml").read_bytes() == theirs
    assert session.save(overwrite=True) == [root / "pyproject.toml"]
    assert b"# theirs" not in (root / "pyproject.toml").read_bytes()
    assert not list(root.glob(".pyproject.toml.*"))  # no temp file left behind


def test_stale_files_names_every_file_changed_on_disk_edited_or_not(tmp_path: Path) -> None:
    root = _project(tmp_path, "", 'dynamic = ["version"]\n')
    session = MetadataSession.open(root)
    assert session.stale_files() == []
    session.set_field("summary", "mine")  # an edit in the session is not a change on disk
    assert session.stale_files() == []
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text() + "# a bump elsewhere\n")
    assert session.stale_files() == [cargo]
    assert session.changed_on_disk() == []  # Save would not overwrite it: not edited here
    assert session.save() == [root / "pyproject.toml"]
    assert session.stale_files() == [cargo]  # written files are current, the other is not


def test_rebase_applies_the_pending_edits_on_top_of_the_file_as_it_is_now(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path, "", 'dynamic = ["version"]\n')
    pyproject = root / "pyproject.toml"
    session = MetadataSession.open(root)
    session.set_field("summary", "mine")
    session.set_field("keywords", ["a", "b"])
    assert session.pending_fields() == {"description": "mine", "keywords": ["a", "b"]}
    pyproject.write_text(pyproject.read_text() + "\n[tool.cratewright]\nci-pytest = true\n")
    assert session.rebase() == ["description", "keywords"]
    assert session.stale_files() == [] and session.changed_on_disk() == []
    assert session.pending_fields() == {"description": "mine", "keywords": ["a", "b"]}
    assert session.save() == [pyproject]  # nothing to overwrite: both are written
    text = pyproject.read_text()
    assert 'description = "mine"' in text and "ci-pytest = true" in text
    assert 'keywords = ["a", "b"]' in text


def test_rebase_refuses_when_the_disk_changed_an_edited_field(tmp_path: Path) -> None:
    root = _project(tmp_path, "", 'dynamic = ["version"]\ndescription = "old"\n')
    pyproject = root / "pyproject.toml"
    session = MetadataSession.open(root)
    session.set_field("summary", "mine")
    before = session.snapshot()
    pyproject.write_text(pyproject.read_text().replace('"old"', '"theirs"'))
    with pytest.raises(MetadataError, match="`description` changed on disk and is edited here"):
        session.rebase()
    assert session.snapshot() == before  # the session is as it was: edits and texts
    assert session.stale_files() == [pyproject]
    pyproject.write_text(pyproject.read_text().replace('"theirs"', '"mine"'))
    assert session.rebase() == ["description"]  # the same value on both sides is no conflict
    assert session.changes() == []


def test_snapshot_restore_is_undo(tmp_path: Path) -> None:
    root = _project(tmp_path, "", 'dynamic = ["version"]\n')
    session = MetadataSession.open(root)
    snap = session.snapshot()
    session.set_field("keywords", ["a", "b"])
    assert session.changes()
    session.restore(snap)
    assert session.changes() == []
    assert session.set_field("keywords", []) == []


def test_cargo_url_labels_map_to_cargo_keys(tmp_path: Path) -> None:
    root = _project(tmp_path, 'homepage = "https://a.example"\n')
    session = MetadataSession.open(root)
    session.set_field(
        "urls", {"Homepage": "https://b.example", "Source Code": "https://git.example"}
    )
    session.save()
    text = (root / "Cargo.toml").read_text()
    assert 'homepage = "https://b.example"' in text and 'repository = "https://git.example"' in text
    with pytest.raises(MetadataError, match="no place for the URL label"):
        session.set_field("urls", {"Changelog": "https://c.example"})


def test_cli_values_parse_into_field_shapes() -> None:
    assert parse_cli_value("keywords", ["a", "b"]) == ["a", "b"]
    assert parse_cli_value("authors", ["Ada <ada@x.org>", "bob@x.org", "Carl"]) == [
        {"name": "Ada", "email": "ada@x.org"},
        {"email": "bob@x.org"},
        {"name": "Carl"},
    ]
    assert parse_cli_value("optional-dependencies", ["t=pytest>=7", "t=cov"]) == {
        "t": ["pytest>=7", "cov"]
    }
    assert parse_cli_value("entry-points", ["pytest11:p=pkg.plugin"]) == {
        "pytest11": {"p": "pkg.plugin"}
    }
    assert parse_cli_value("summary", []) is None
    assert field_spec("summary").key == "description"
    with pytest.raises(MetadataError, match="takes one value"):
        parse_cli_value("version", ["1", "2"])
    with pytest.raises(MetadataError, match="Unknown metadata field"):
        field_spec("colour")


# ---------------------------------------------------------------------------------------------
# Every test crate: the view's METADATA is the wheel's METADATA


@pytest.mark.cargo
@pytest.mark.parametrize("crate", BUILDABLE_CRATES)
def test_view_equals_built_wheel_metadata(crate: str, built_wheels: dict[str, Path]) -> None:
    wheel = built_wheels[crate]
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        in_wheel = archive.read(name).decode()
    view = MetadataSession.open(TEST_CRATES / crate).view()
    assert view.render() == in_wheel
    assert preflight(in_wheel) == []
    Metadata.from_email(in_wheel, validate=True)
    assert view.errors == []
    assert wheel.name.startswith(view.core.dist_name)  # type: ignore[union-attr]

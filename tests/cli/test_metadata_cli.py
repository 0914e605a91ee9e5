"""`cratewright metadata show|set` through the real CLI in a subprocess."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from tests.conftest import TEST_CRATES, run_cratewright

CARGO = (
    "[package]\n"
    'name = "cli-demo"\n'
    "# keep this comment\n"
    'version = "0.4.0-rc.1"\n'
    'edition = "2021"\n'
    'description = "cargo summary"\n'
)
PYPROJECT = (
    "[build-system]\n"
    'requires = ["maturin>=1,<2"]\n'
    'build-backend = "maturin"\n'
    "\n"
    "[project]\n"
    'name = "cli-demo"  # the PyPI name\n'
    'dynamic = ["version"]\n'
    'keywords = ["one"]\n'
    "\n"
    "[tool.maturin]\n"
    'bindings = "bin"\n'
)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/main.rs").write_text("fn main() {}\n")
    (tmp_path / "Cargo.toml").write_text(CARGO)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    return tmp_path


def _changed_lines(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if line.startswith(("- ", "+ "))
    ]


def test_show_json_has_fields_provenance_and_problems(tmp_path: Path) -> None:
    root = _project(tmp_path)
    proc = run_cratewright("metadata", "show", "-m", root, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    version = data["fields"]["version"]
    assert version["value"] == "0.4.0-rc.1"
    assert version["origin"] == "cargo" and version["dynamic"] is True
    assert version["edit_target"] == {"file": str(root / "Cargo.toml"), "key": "package.version"}
    summary = data["fields"]["description"]
    assert summary["origin"] == "unset"
    assert summary["overrides"][0]["key"] == "package.description"
    assert summary["overrides"][0]["value"] == "cargo summary"
    assert data["problems"] == []
    assert "Version: 0.4.0rc1\n" in data["metadata"]


def test_show_text_for_a_test_crate() -> None:
    proc = run_cratewright("metadata", "show", "-m", TEST_CRATES / "workspace")
    assert proc.returncode == 0, proc.stderr
    assert "inherited via package.version.workspace = true" in proc.stdout
    assert "workspace Cargo.toml: workspace.package.version" in proc.stdout
    assert "No problems found." in proc.stdout


def test_set_changes_only_that_line_of_the_owning_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    proc = run_cratewright("metadata", "set", "-m", root, "version", "0.5.0")
    assert proc.returncode == 0, proc.stderr
    assert _changed_lines(CARGO, (root / "Cargo.toml").read_text()) == [
        '- version = "0.4.0-rc.1"',
        '+ version = "0.5.0"',
    ]
    assert (root / "pyproject.toml").read_text() == PYPROJECT
    assert '+version = "0.5.0"' in proc.stdout  # the diff is shown

    proc = run_cratewright("metadata", "set", "-m", root, "keywords", "a", "b")
    assert proc.returncode == 0, proc.stderr
    assert _changed_lines(PYPROJECT, (root / "pyproject.toml").read_text()) == [
        '- keywords = ["one"]',
        '+ keywords = ["a", "b"]',
    ]
    proc = run_cratewright(
        "metadata", "set", "-m", root, "classifiers", "Programming Language :: Rust"
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        'classifiers = ["Programming Language :: Rust"]\n' in (root / "pyproject.toml").read_text()
    )


def test_set_invalid_value_fails_without_writing(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for args, fragment in (
        (("version", "1.0"), "not a SemVer version"),
        (
            ("classifiers", "Programming Language :: Rusty"),
            "did you mean `Programming Language :: Rust`",
        ),
        (("requires-python", ">=3.x"), "not a version specifier"),
        (("dependencies", "numpy>>1"), "not a valid requirement"),
        (("license", "MIT/Apache"), "SPDX"),
        (("colour", "red"), "Unknown metadata field"),
    ):
        proc = run_cratewright("metadata", "set", "-m", root, *args)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "💥 error:" in proc.stderr and fragment in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert (root / "Cargo.toml").read_text() == CARGO
    assert (root / "pyproject.toml").read_text() == PYPROJECT


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "pyproject.toml").write_text(PYPROJECT.replace('keywords = ["one"]', "keywords = [one"))
    proc = run_cratewright("metadata", "show", "-m", root)
    assert proc.returncode == 1
    assert str(root / "pyproject.toml") in proc.stderr and "line 8" in proc.stderr
    assert "Traceback" not in proc.stderr

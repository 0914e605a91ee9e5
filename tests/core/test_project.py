"""Opening projects: Cargo.toml / pyproject.toml pairing and [tool.maturin] parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cratewright.core.project.locate import open_project
from cratewright.core.project.maturin_config import GlobPattern, parse_maturin_config
from cratewright.errors import ConfigError, ProjectError

CARGO = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n'


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_open_directory_pairs_both_files(tmp_path: Path) -> None:
    _write(tmp_path / "Cargo.toml", CARGO)
    _write(tmp_path / "pyproject.toml", '[tool.maturin]\nbindings = "cffi"\n')
    for target in (tmp_path, tmp_path / "Cargo.toml", tmp_path / "pyproject.toml"):
        project = open_project(target)
        assert project.cargo_toml == tmp_path / "Cargo.toml"
        assert project.pyproject_toml == tmp_path / "pyproject.toml"
        assert project.maturin.bindings == "cffi"


def test_default_is_current_directory(tmp_path: Path) -> None:
    _write(tmp_path / "Cargo.toml", CARGO)
    project = open_project(cwd=tmp_path)
    assert project.cargo_toml == tmp_path / "Cargo.toml"
    assert project.pyproject_toml is None
    assert project.project_root == tmp_path


def test_manifest_path_in_root_pyproject(tmp_path: Path) -> None:
    _write(tmp_path / "Cargo.toml", '[workspace]\nmembers = ["crates/py"]\n')
    _write(tmp_path / "crates/py/Cargo.toml", CARGO)
    _write(tmp_path / "pyproject.toml", '[tool.maturin]\nmanifest-path = "crates/py/Cargo.toml"\n')
    project = open_project(tmp_path)
    assert project.cargo_toml == tmp_path / "crates/py/Cargo.toml"
    assert project.project_root == tmp_path


def test_explicit_member_manifest_finds_pyproject_above(tmp_path: Path) -> None:
    _write(tmp_path / "Cargo.toml", '[workspace]\nmembers = ["crates/py"]\n')
    _write(tmp_path / "crates/py/Cargo.toml", CARGO)
    _write(tmp_path / "pyproject.toml", "[project]\nname = 'demo'\n")
    project = open_project(tmp_path / "crates/py/Cargo.toml")
    assert project.pyproject_toml == tmp_path / "pyproject.toml"


def test_src_layout_uses_rust_subdir(tmp_path: Path) -> None:
    _write(tmp_path / "rust/Cargo.toml", CARGO)
    _write(tmp_path / "src/my_pkg/__init__.py", "")
    _write(tmp_path / "pyproject.toml", "[project]\nname = 'my-pkg'\n")
    assert open_project(tmp_path).cargo_toml == tmp_path / "rust/Cargo.toml"


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    _write(tmp_path / "Cargo.toml", CARGO)
    _write(tmp_path / "pyproject.toml", "[project]\nname = \n")
    with pytest.raises(ProjectError, match=r"pyproject.toml is invalid TOML: .*line 2"):
        open_project(tmp_path)


def test_missing_cargo_toml(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"Can't find .*Cargo\.toml"):
        open_project(tmp_path)


def test_virtual_workspace_without_manifest_path(tmp_path: Path) -> None:
    _write(tmp_path / "Cargo.toml", '[workspace]\nmembers = ["a"]\n')
    with pytest.raises(ProjectError, match=r"has no \[package\] section"):
        open_project(tmp_path)


def test_bad_manifest_path(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.maturin]\nmanifest-path = "nope/Cargo.toml"\n')
    with pytest.raises(ProjectError, match=r"manifest path `nope/Cargo\.toml` does not exist"):
        open_project(tmp_path)


def test_maturin_config_keys(tmp_path: Path) -> None:
    config = parse_maturin_config(
        {
            "manylinux": "2_28",
            "skip-auditwheel": True,
            "python-source": "python",
            "module-name": "pkg._native",
            "features": ["a", {"feature": "b", "python-version": ">=3.11"}],
            "include": ["x.txt", {"path": "y", "format": "sdist"}],
            "strip": True,
            "rustc-args": ["-C", "target-cpu=native"],
            "locked": True,
            "zzz": 1,
        },
        tmp_path,
    )
    assert config.compatibility == ("2_28",)
    assert config.auditwheel == "skip"
    assert config.python_source == tmp_path / "python"
    assert config.module_name == "pkg._native"
    assert config.features == ("a",)
    assert config.conditional_features[0]["feature"] == "b"
    assert config.include == (GlobPattern("x.txt"), GlobPattern("y", frozenset({"sdist"})))
    assert config.strip is True
    assert config.rustc_args == ("-C", "target-cpu=native")
    assert config.locked is True
    assert config.unknown_keys == ("zzz",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"bindings": "pyo4"}, r"bindings = 'pyo4' is not one of"),
        ({"auditwheel": "fix"}, "auditwheel = 'fix' is not one of"),
        ({"strip": "yes"}, r"tool\.maturin\.strip: expected true or false, got \"yes\""),
        (
            {"include": [{"path": "x", "format": "egg"}]},
            r'tool\.maturin\.include\[0\]\.format: expected "sdist" or "wheel" or a list of them',
        ),
    ],
)
def test_maturin_config_rejects_bad_values(tmp_path: Path, table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_maturin_config(table, tmp_path)


def test_module_name_with_a_minus_is_normalised_and_logged(tmp_path: Path) -> None:
    from cratewright.core.project.layout import module_name_for
    from cratewright.events import Message

    _write(tmp_path / "Cargo.toml", '[package]\nname = "my-crate"\nversion = "0.1.0"\n')
    _write(tmp_path / "pyproject.toml", '[project]\nname = "my-dist"\nversion = "0.1.0"\n')
    seen: list[Message] = []
    assert module_name_for(open_project(tmp_path), sink=seen.append) == "my_dist"
    (message,) = seen
    assert "Module name `my_dist`: the [project] name `my-dist` has a minus" in message.text
    assert "maturin refuses this" in message.text
    seen.clear()
    assert module_name_for(open_project(tmp_path), is_bin=True, sink=seen.append) == "my-dist"
    assert seen == []  # a binary keeps its name: nothing to say
    _write(tmp_path / "pyproject.toml", '[tool.maturin]\nmodule-name = "my-mod"\n')
    with pytest.raises(ConfigError, match="must not contain a minus"):
        module_name_for(open_project(tmp_path))

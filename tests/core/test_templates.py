"""core/templates: name rules, the pure plan of files, and the all-or-nothing writer."""

from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cratewright.core.project.locate import open_project
from cratewright.core.templates.names import check_name
from cratewright.core.templates.options import BINDINGS, LAYOUTS, NewProjectOptions
from cratewright.core.templates.plan import plan_project
from cratewright.core.templates.writer import target_problem, write_project
from cratewright.errors import NewProjectError

ALL_OPTIONS = [
    NewProjectOptions("my-proj", bindings, layout, abi3_minimum=abi3)
    for bindings in BINDINGS
    for layout in LAYOUTS
    for abi3 in ((None, (3, 9), (3, 12)) if bindings == "pyo3" else (None,))
]


@pytest.mark.parametrize(
    ("name", "rule", "words"),
    [
        ("", "crate", "cannot be empty"),
        ("1password", "crate", "start with a digit"),
        ("fn", "crate", "Rust keyword"),
        ("test", "crate", "built-in test library"),
        ("build", "crate", "build folder"),
        ("con", "crate", "Windows"),
        ("my proj", "crate", "' '"),
        ("my.proj", "crate", "'.'"),
        ("café", "crate", "'é'"),
        ("x" * 65, "crate", "at most 64"),
        ("-lead", "pypi", "start and end with a letter or digit"),
        ("trail_", "pypi", "start and end with a letter or digit"),
        ("class", "module", "Python keyword"),
        ("json", "module", "standard library"),
    ],
)
def test_bad_names_are_refused_with_the_rule(name: str, rule: str, words: str) -> None:
    check = check_name(name)
    assert not check.ok
    problem = {"crate": check.crate_problem, "pypi": check.pypi_problem}.get(
        rule, check.module_problem
    )
    assert problem is not None and words in problem
    assert check.problem is not None


@pytest.mark.parametrize("name", ["my-proj", "my_proj", "Hello2", "a", "rust-ext-2"])
def test_good_names_pass(name: str) -> None:
    check = check_name(name)
    assert check.ok, check.problem
    assert check.module == name.replace("-", "_").lower()


@given(st.text(alphabet="abcXYZ019-_.é ", max_size=12))
def test_an_accepted_name_is_a_crate_a_pypi_name_and_a_module(name: str) -> None:
    check = check_name(name)
    if check.ok:
        assert name[0].isalpha() and name.isascii()
        assert check.module.isidentifier()
        assert "." not in name and " " not in name


@pytest.mark.parametrize(
    "options", ALL_OPTIONS, ids=lambda o: f"{o.bindings}-{o.layout}-{o.abi3_minimum}"
)
def test_every_plan_is_valid_toml_python_and_opens_as_a_project(
    options: NewProjectOptions, tmp_path: Path
) -> None:
    files = plan_project(options)
    assert plan_project(options) == files  # a pure function of the options
    for path, text in files.items():
        if path.endswith(".toml"):
            tomllib.loads(text)
        if path.endswith(".py"):
            compile(text, path, "exec")
    crate = "rust/" if options.layout == "mixed-src" else ""
    source = "main.rs" if options.bindings == "bin" else "lib.rs"
    assert f"{crate}Cargo.toml" in files and f"{crate}src/{source}" in files
    assert (f"tests/test_{options.module}.py" in files) == options.is_mixed
    cargo = tomllib.loads(files[f"{crate}Cargo.toml"])
    assert cargo["package"]["edition"] == "2024"
    pyo3 = cargo["dependencies"].get("pyo3")
    if options.abi3_minimum:
        major, minor = options.abi3_minimum
        assert pyo3["features"] == [f"abi3-py{major}{minor}"]
        pyproject = tomllib.loads(files["pyproject.toml"])
        assert pyproject["project"]["requires-python"] == f">={major}.{minor}"
    else:
        assert pyo3 is None or isinstance(pyo3, str)
    # The files, written out, are a project cratewright reads as it was meant.
    write_project(tmp_path / "p", files, mode="new", vcs="none")
    project = open_project(tmp_path / "p")
    assert project.cargo_toml == tmp_path / "p" / crate / "Cargo.toml"
    if options.bindings in ("cffi", "bin"):
        assert project.maturin.bindings == options.bindings


def test_user_text_cannot_break_the_toml() -> None:
    options = NewProjectOptions("p", author='Ann "the" \\ Dev <ann@example.org>', license="MIT")
    pyproject = tomllib.loads(plan_project(options)["pyproject.toml"])
    assert pyproject["project"]["authors"] == [
        {"name": 'Ann "the" \\ Dev', "email": "ann@example.org"}
    ]
    assert pyproject["project"]["license"] == "MIT"


def test_backend_option_names_cratewright() -> None:
    files = plan_project(NewProjectOptions("p", backend="cratewright"))
    assert tomllib.loads(files["pyproject.toml"])["build-system"] == {
        "requires": ["cratewright"],
        "build-backend": "cratewright.backend",
    }
    default = tomllib.loads(plan_project(NewProjectOptions("p"))["pyproject.toml"])
    assert default["build-system"]["build-backend"] == "maturin"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (NewProjectOptions("fn"), "Rust keyword"),
        (NewProjectOptions("p", "cffi", abi3_minimum=(3, 9)), "abi3 is a pyo3 feature"),
        (NewProjectOptions("p", license="Nonsense License"), "Invalid license"),
        (NewProjectOptions("p", license="mit"), "should be spelled 'MIT'"),
    ],
)
def test_plan_refuses_bad_options(options: NewProjectOptions, words: str) -> None:
    with pytest.raises(NewProjectError, match=words):
        plan_project(options)


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_new_writes_every_file_and_a_git_repository(tmp_path: Path) -> None:
    files = plan_project(NewProjectOptions("p", layout="mixed"))
    created = write_project(tmp_path / "p", files, mode="new", vcs="git")
    assert created.git_initialized and created.note is None
    for relative, text in files.items():
        assert (tmp_path / "p" / relative).read_text() == text
    status = subprocess.run(["git", "-C", str(tmp_path / "p"), "status", "--porcelain"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert "?? pyproject.toml" in status.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]  # no staging folder left
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "p").stat().st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's 0700


def test_no_git_repository_inside_an_existing_one(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    created = write_project(tmp_path / "p", plan_project(NewProjectOptions("p")), mode="new")
    assert not created.git_initialized
    assert created.note is not None and "already inside one" in created.note
    assert not (tmp_path / "p" / ".git").exists()


def test_new_refuses_an_existing_path(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    with pytest.raises(NewProjectError, match="already exists"):
        write_project(tmp_path / "p", plan_project(NewProjectOptions("p")), mode="new")
    assert list((tmp_path / "p").iterdir()) == []
    assert target_problem(tmp_path / "missing" / "p", "new") is not None


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    # "a" is written as a file, then "a/b" needs it to be a folder: the write fails midway.
    with pytest.raises(NewProjectError, match="nothing was written"):
        write_project(tmp_path / "p", {"a": "x", "a/b": "y"}, mode="new", vcs="none")
    assert list(tmp_path.iterdir()) == []


def test_init_writes_next_to_unrelated_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    files = plan_project(NewProjectOptions("p", "uniffi", "mixed-src"))
    write_project(tmp_path, files, mode="init", vcs="none")
    assert _tree(tmp_path) >= set(files) | {"notes.txt"}
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


@pytest.mark.parametrize("existing", ["Cargo.toml", "pyproject.toml", "README.md", "src"])
def test_init_refuses_a_folder_with_a_manifest_or_a_planned_file(
    tmp_path: Path, existing: str
) -> None:
    if existing == "src":
        (tmp_path / "src").mkdir()
    else:
        (tmp_path / existing).write_text("keep me")
    before = _tree(tmp_path)
    with pytest.raises(NewProjectError, match=f"already has .*{existing}"):
        write_project(tmp_path, plan_project(NewProjectOptions("p")), mode="init")
    assert _tree(tmp_path) == before


def test_a_failed_init_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(NewProjectError):
        write_project(tmp_path, {"a": "x", "a/b": "y"}, mode="init", vcs="none")
    assert _tree(tmp_path) == {"notes.txt"}


@pytest.mark.parametrize(
    "options",
    [
        NewProjectOptions("ci-abi3", "pyo3", "mixed", abi3_minimum=(3, 10)),
        NewProjectOptions("ci-uniffi", "uniffi", "mixed-src"),
        NewProjectOptions("ci-tool", "bin"),
    ],
    ids=lambda o: o.name,
)
def test_ci_workflow_is_what_generate_ci_writes_and_validates(
    options: NewProjectOptions, tmp_path: Path
) -> None:
    from cratewright.core.ci.checks import validate
    from cratewright.core.templates.plan import CI_WORKFLOW
    from tests.conftest import run_cratewright

    files = plan_project(options)
    workflow = files[CI_WORKFLOW]
    assert CI_WORKFLOW not in plan_project(replace(options, ci=False))
    root = tmp_path / options.name
    write_project(root, files, mode="new", vcs="none")
    again = run_cratewright("generate-ci", "github", "-o", CI_WORKFLOW, cwd=root)
    assert again.returncode == 0, again.stderr
    assert (root / CI_WORKFLOW).read_text() == workflow  # the same engine, the same file
    for report in validate(workflow, "github"):
        assert report.available and report.ok, report.summary
    assert ("--find-interpreter" in workflow) == (options.bindings == "uniffi")

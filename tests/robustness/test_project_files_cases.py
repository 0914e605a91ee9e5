"""Each project-file case of issue 16 on its own: the error is ours, says where, and comes
before any compile. (The hypothesis net in test_project_files_fuzz.py covers the class.)"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
from pathlib import Path

import pytest

from cratewright import cli
from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.core.metadata.edit import load_metadata_view
from cratewright.core.project import toml_files
from cratewright.core.project.locate import open_project
from cratewright.errors import ConfigError, CratewrightError, MetadataError, ProjectError

CARGO = """[package]
name = "case"
version = "0.1.0"
edition = "2021"
{package}
[lib]
crate-type = ["cdylib"]
{lib}
"""
PYPROJECT = """[build-system]
requires = ["maturin>=1,<2"]
build-backend = "maturin"

[project]
name = "case"
dynamic = ["version"]
{project}
[tool.maturin]
bindings = "cffi"
{maturin}
"""


def _project(
    root: Path, *, package: str = "", lib: str = "", project: str = "", maturin: str = "",
    pyproject: str | None = None,
) -> Path:  # fmt: skip
    root.mkdir(parents=True, exist_ok=True)
    (root / "src").mkdir(exist_ok=True)
    (root / "src" / "lib.rs").write_text("")
    (root / "Cargo.toml").write_text(CARGO.format(package=package, lib=lib))
    text = PYPROJECT.format(project=project, maturin=maturin) if pyproject is None else pyproject
    (root / "pyproject.toml").write_text(text)
    return root


def _show(root: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["metadata", "show", "-m", str(root), *extra])
    return code, out.getvalue() + err.getvalue()


def _assert_one_clean_error(root: Path, message: str) -> None:
    """The build plan fails with ``message``; `metadata show` (text and JSON) fails with it or
    lists it as a problem of the field (the view opens so that the GUI can fix it)."""
    for extra in ((), ("--json",)):
        code, text = _show(root, *extra)
        assert code in (0, 1), text
        if code == 0:
            assert '"severity": "error"' in text or "✗" in text, text
        assert "Traceback" not in text and "internal error" not in text, text
        assert message in text, text
    with pytest.raises(CratewrightError, match=re.escape(message)):
        plan_build(BuildOptions(manifest_path=root, interpreters=(sys.executable,)))


# -- shapes, with the key path in the message ----------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pyproject": "tool = 1\n"}, "pyproject.toml: tool: expected a table, got 1"),
        ({"pyproject": 'project = "x"\n'}, 'pyproject.toml: project: expected a table, got "x"'),
        ({"package": "keywords = 5"}, "package.keywords: expected a list of strings"),
        ({"package": "authors = nan"}, "package.authors: expected a list of strings or "
                                       "{workspace = true}, got nan"),
        ({"project": "maintainers = [{}]"}, "project.maintainers[0]: expected at least one of "
                                            "name, email"),
        ({"maturin": 'include = [{path = "x", format = [["wheel"]]}]'},
         'tool.maturin.include[0].format: expected "sdist" or "wheel" or a list of them, '
         'got [["wheel"]]'),
        ({"maturin": 'include = [""]'}, "tool.maturin.include[0]: expected a glob or a "
                                       '{path, format} table, got ""'),
        ({"maturin": 'exclude = [{format = "wheel"}]'}, "tool.maturin.exclude[0].path: missing"),
        ({"maturin": "features = [1]"}, "tool.maturin.features[0]: expected a feature name"),
        ({"project": "keywords = [[1]]"}, "project.keywords[0]: expected a string, got [1]"),
        ({"project": 'readme = {file = 1}'}, "project.readme.file: expected a non-empty path"),
        ({"project": "optional-dependencies = {a = 1}"},
         "project.optional-dependencies.a: expected a list of strings, got 1"),
        ({"package": 'readme = ["a"]'}, "package.readme: expected a file name or true or false"),
    ],
)  # fmt: skip
def test_wrong_shape_names_the_key(tmp_path: Path, files: dict[str, str], message: str) -> None:
    root = _project(tmp_path / "p", **files)
    _assert_one_clean_error(root, message)


def test_shape_errors_are_config_errors_for_tool_maturin(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", maturin="strip = 1")
    with pytest.raises(ConfigError, match=r"tool.maturin.strip: expected true or false, got 1"):
        open_project(root)
    root = _project(tmp_path / "q", project="keywords = 5")
    with pytest.raises(MetadataError) as caught:
        open_project(root)
    assert caught.value.path == root / "pyproject.toml"


# -- TOML itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("file", ["Cargo.toml", "pyproject.toml"])
def test_deep_nesting_is_a_clear_error(tmp_path: Path, file: str) -> None:
    root = _project(tmp_path / "p")
    with (root / file).open("a") as handle:
        handle.write("\n[zzz]\na = " + "[" * 1000 + "]" * 1000 + "\n")
    _assert_one_clean_error(root, f"{file} is invalid TOML: arrays or inline tables are nested")


def test_utf8_bom_is_accepted_like_cargo(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", package='description = "with a BOM"')
    for name in ("Cargo.toml", "pyproject.toml"):
        (root / name).write_bytes(b"\xef\xbb\xbf" + (root / name).read_bytes())
    code, text = _show(root)
    assert code == 0, text
    assert "with a BOM" in text
    plan = plan_build(BuildOptions(manifest_path=root, interpreters=(sys.executable,)))
    assert str(plan.metadata.version) == "0.1.0"


def test_each_file_is_parsed_once_per_operation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long dotted headers cost real time per parse: `metadata show` parses each file once."""
    root = _project(tmp_path / "p")
    with (root / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.x." + ".".join(["k"] * 900) + "]\nv = 1\n")
    parsed: list[str] = []
    real = toml_files._parse
    monkeypatch.setattr(
        toml_files, "_parse", lambda text, path: parsed.append(path.name) or real(text, path)
    )
    code, text = _show(root)
    assert code == 0, text
    assert sorted(parsed) == ["Cargo.toml", "pyproject.toml"]


@pytest.mark.parametrize("file", ["Cargo.toml", "pyproject.toml"])
def test_a_50000_part_dotted_header_is_refused_at_once(tmp_path: Path, file: str) -> None:
    root = _project(tmp_path / "p")
    with (root / file).open("a") as handle:
        handle.write("\n[tool.x." + ".".join(["k"] * 50_000) + "]\nv = 1\n")
    start = time.monotonic()
    _assert_one_clean_error(root, f"{file} is invalid TOML: a key at line")
    assert time.monotonic() - start < 10
    assert "is nested 50002 levels deep (at most 1000)" in _show(root)[1]


def test_fifo_as_pyproject_does_not_hang(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "pyproject.toml").unlink()
    os.mkfifo(root / "pyproject.toml")
    start = time.monotonic()
    with pytest.raises(ProjectError, match="named pipe"):
        open_project(root)
    assert time.monotonic() - start < 5


# -- paths named in the files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"package": 'readme = "READ\\u0000ME.md"'}, "package.readme: a path must not contain "
                                                      "a NUL byte"),
        ({"package": 'license-file = "LIC\\u0000"'}, "package.license-file: a path must not"),
        ({"maturin": f'data = "{"d" * 5000}"'}, "tool.maturin.data: the path is 5000 bytes"),
        ({"maturin": f'python-source = "{"p" * 5000}"'}, "tool.maturin.python-source: the path"),
        ({"package": f'workspace = "{"w" * 5000}"'}, "package.workspace: the path is 5000"),
        ({"maturin": f'data = "{"/".join(["x" * 300] * 2)}"'}, "a name in the path is 300 bytes"),
        ({"lib": f'name = "{"l" * 300}"'}, "lib.name: the name is 300 characters long"),
    ],
)  # fmt: skip
def test_unusable_paths_are_refused_by_shape(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    root = _project(tmp_path / "p", **files)
    _assert_one_clean_error(root, message)


def test_symlink_loop_as_license_file(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", package='license-file = "loop"')
    (root / "loop").symlink_to("loop")
    _assert_one_clean_error(root, "license file `loop` specified in")


def test_symlink_loop_as_manifest_path(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", maturin='manifest-path = "loop/Cargo.toml"')
    (root / "loop").symlink_to("loop")
    code, text = _show(root)
    assert code == 1 and "a symbolic link loop" in text, text
    with pytest.raises(ProjectError, match=r"manifest-path `.*loop/Cargo.toml` cannot be used: a"):
        open_project(root)


def test_symlink_loop_as_readme(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", project='readme = "loop.md"')
    (root / "loop.md").symlink_to("loop.md")
    _assert_one_clean_error(root, "a symbolic link loop")


def test_fifo_as_readme_does_not_hang(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", project='readme = "README.md"')
    os.mkfifo(root / "README.md")
    _assert_one_clean_error(root, "named pipe (FIFO), not a regular file")


def test_missing_license_file_is_found_before_compiling(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", project='license = {file = "missing"}')
    code, text = _show(root)
    assert code == 0, text  # the view opens and lists the problem...
    assert "✗ license: the license file" in text and "does not exist" in text, text
    with pytest.raises(MetadataError, match=r"license file .*missing` cannot be used: it does"):
        plan_build(BuildOptions(manifest_path=root, interpreters=(sys.executable,)))
    view = load_metadata_view(root)  # ...and the GUI's view carries it as an error
    assert any("does not exist" in p.message for p in view.errors)


def test_missing_license_file_stops_cli_build_before_cargo(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", project='license = {file = "missing"}')
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["build", "-m", str(root), "-i", sys.executable, "-o", str(tmp_path)])
    assert code == 1
    assert "Compiling" not in err.getvalue()
    assert err.getvalue().strip().splitlines()[-1].startswith("💥 error: the license file")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["readme", "r" * 5000], "project.readme: the path is 5000 bytes long"),
        (["license-files", ""], 'project.license-files[0]: expected a non-empty path, got ""'),
    ],
)
def test_metadata_set_of_an_unusable_value_names_the_key_and_writes_nothing(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    root = _project(tmp_path / "p")
    before = (root / "pyproject.toml").read_bytes()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["metadata", "set", "-m", str(root), *argv])
    assert code == 1
    last = err.getvalue().strip().splitlines()[-1]
    assert last.startswith("💥 error: ") and message in last, err.getvalue()
    assert (root / "pyproject.toml").read_bytes() == before


@pytest.mark.parametrize("url", ["http://[::1", "https://example.com:99999/", "http://h:port/"])
def test_a_malformed_project_url_is_a_problem_of_the_field(tmp_path: Path, url: str) -> None:
    """Found by the net (8,000 examples): `urls = {x = "http://[::1"}` crashed the view."""
    root = _project(tmp_path / "p", project=f'urls = {{Homepage = "{url}"}}')
    code, text = _show(root)
    assert code == 0, text
    assert f"✗ urls: {url!r} is not a valid URL" in text, text

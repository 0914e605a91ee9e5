"""sdist contents, rewriting and the reproducible archive (core, with real cargo and files)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import tarfile
import textwrap
from pathlib import Path

import pytest

from cratewright.core.project.maturin_config import GlobPattern
from cratewright.core.sdist.archive import (
    SDIST_DEFAULT_MTIME,
    find_unpacked_manifest,
    unpack_sdist,
    write_sdist,
)
from cratewright.core.sdist.assemble import build_sdist, sdist_contents, sdist_file_list
from cratewright.core.sdist.files import ExcludeMatcher
from cratewright.errors import SdistError
from tests.conftest import TEST_CRATES, run_cratewright


def _copy(crate: str, tmp_path: Path) -> Path:
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest, ignore=shutil.ignore_patterns("target"))
    return dest


# -- archive ----------------------------------------------------------------------------------


def test_archive_order_owner_mode_and_mtime(tmp_path: Path) -> None:
    members = {
        "pkg-1.0/src/lib.rs": b"fn main() {}\n",
        "pkg-1.0/Cargo.toml": b"[package]\n",
        "pkg-1.0/PKG-INFO": b"Metadata-Version: 2.4\n",
        "pkg-1.0/" + "d/" * 60 + "long.txt": b"long\n",
    }
    path = write_sdist(members, tmp_path, "pkg-1.0.tar.gz", first="pkg-1.0/PKG-INFO", environ={})
    with tarfile.open(path) as tar:
        infos = tar.getmembers()
    names = [i.name for i in infos]
    assert names[0] == "pkg-1.0/PKG-INFO"
    assert names[1:] == ["pkg-1.0/Cargo.toml", "pkg-1.0/" + "d/" * 60 + "long.txt",
                         "pkg-1.0/src/lib.rs"]  # fmt: skip
    assert {(i.uid, i.gid, i.uname, i.gname, i.mode) for i in infos} == {(0, 0, "", "", 0o644)}
    assert {i.mtime for i in infos} == {SDIST_DEFAULT_MTIME}
    raw = path.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip header time is zero
    assert gzip.decompress(raw)  # a valid gzip stream
    assert not list(tmp_path.glob(".*tmp*"))


def test_archive_honours_source_date_epoch_and_is_byte_identical(tmp_path: Path) -> None:
    members = {"a-1/PKG-INFO": b"x", "a-1/b": b"y"}
    one = write_sdist(members, tmp_path / "1", "a-1.tar.gz", first="a-1/PKG-INFO",
                      environ={"SOURCE_DATE_EPOCH": "1700000000"})  # fmt: skip
    two = write_sdist(members, tmp_path / "2", "a-1.tar.gz", first="a-1/PKG-INFO",
                      environ={"SOURCE_DATE_EPOCH": "1700000000"})  # fmt: skip
    assert one.read_bytes() == two.read_bytes()
    with tarfile.open(one) as tar:
        assert {m.mtime for m in tar.getmembers()} == {1700000000}


def test_unpack_refuses_escaping_members(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        data = b"pwned"
        info = tarfile.TarInfo("a-1/../../escape.txt")
        info.size = len(data)
        import io

        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(SdistError, match="Cannot unpack the sdist"):
        unpack_sdist(evil, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_unpack_rejects_garbage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(SdistError, match="Cannot unpack"):
        unpack_sdist(bad, tmp_path / "out")
    with pytest.raises(SdistError, match=r"Neither pyproject\.toml nor Cargo\.toml"):
        find_unpacked_manifest(tmp_path)


# -- exclude matching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("*.tmp", "a/b/c.tmp", True),  # no slash: any depth (gitignore)
        ("*.tmp", "c.tmp", True),
        ("/*.tmp", "a/c.tmp", False),  # anchored
        ("src/*.rs", "src/lib.rs", True),
        ("src/*.rs", "src/sub/lib.rs", False),  # * stays in one directory
        ("src/**/*.rs", "src/sub/deep/lib.rs", True),
        ("**/tests/*", "python/pkg/tests/test_x.py", True),
        ("python/pkg/data.[tc]sv", "python/pkg/data.csv", True),
        ("docs/", "docs/index.md", False),  # directory-only patterns do not match files
    ],
)
def test_exclude_matcher_gitignore_rules(
    tmp_path: Path, pattern: str, path: str, excluded: bool
) -> None:
    matcher = ExcludeMatcher(tmp_path, (GlobPattern(pattern),))
    assert (matcher.match(tmp_path / path) == pattern) is excluded


def test_exclude_matcher_ignores_wheel_only_patterns(tmp_path: Path) -> None:
    matcher = ExcludeMatcher(tmp_path, (GlobPattern("*.txt", frozenset({"wheel"})),))
    assert matcher.match(tmp_path / "a.txt") is None


# -- contents of real projects ----------------------------------------------------------------


@pytest.mark.cargo
def test_file_list_reasons_for_mixed_project(tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    entries = {e.archive_path: e for e in sdist_file_list(project)}
    assert next(iter(entries)) == "PKG-INFO"
    assert entries["PKG-INFO"].source is None
    assert entries["PKG-INFO"].data.startswith(b"Metadata-Version: 2.4\nName: pyo3-mixed\n")
    assert entries["src/lib.rs"].reason == "cargo package list"
    assert entries["python/pyo3_mixed/__init__.py"].reason == "python source"
    assert entries["Cargo.toml"].data == (project / "Cargo.toml").read_bytes()
    assert entries["pyproject.toml"].reason == "pyproject"


@pytest.mark.cargo
def test_include_exclude_and_develop_leftovers(tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    (project / "assets").mkdir()
    (project / "assets" / "a.txt").write_text("data\n")
    (project / "assets" / "b.tmp").write_text("scratch\n")
    (project / "python" / "pyo3_mixed" / "notes.tmp").write_text("n\n")
    (project / "python" / "pyo3_mixed" / "_native.cpython-311-x86_64-linux-gnu.so").write_bytes(
        b"\x7fELF"
    )
    (project / "python" / "pyo3_mixed" / ".hidden").write_text("h\n")
    with (project / "pyproject.toml").open("a") as fh:
        fh.write(
            'include = [{ path = "assets/*", format = "sdist" }, '
            '{ path = "LICENSE-wheel-only", format = "wheel" }]\n'
            'exclude = [{ path = "**/*.tmp", format = "sdist" }]\n'
        )
    contents = sdist_contents(project)
    entries = {e.archive_path: e for e in contents.entries}
    assert entries["assets/a.txt"].reason == "include pattern"
    assert entries["assets/a.txt"].detail.startswith("assets/*")
    assert {(x.archive_path, x.pattern) for x in contents.excluded} == {
        ("assets/b.tmp", "**/*.tmp"),
        ("python/pyo3_mixed/notes.tmp", "**/*.tmp"),
    }
    assert not any(p.endswith((".so", ".hidden", ".tmp")) for p in entries)


@pytest.mark.cargo
def test_two_builds_are_byte_identical_and_atomic(tmp_path: Path) -> None:
    project = _copy("workspace", tmp_path)
    one = build_sdist(project, tmp_path / "one")
    two = build_sdist(project, tmp_path / "two")
    assert one.name == two.name == "workspace_py-0.3.0.tar.gz"
    assert one.read_bytes() == two.read_bytes()
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [one.name]


@pytest.mark.cargo
def test_sdist_of_previous_sdist_is_not_included(tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    first = build_sdist(project, project)  # out dir inside the project, as `-o .` does
    again = build_sdist(project, project)
    with tarfile.open(again) as tar:
        assert not any(n.endswith(".tar.gz") for n in tar.getnames())
    assert first == again


@pytest.mark.cargo
def test_missing_pyproject_and_regenerated_lock(tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    (project / "pyproject.toml").unlink()
    with pytest.raises(SdistError, match=r"needs a pyproject\.toml"):
        sdist_file_list(project)
    # cargo metadata writes a missing Cargo.lock, so the sdist still carries one.
    project = _copy("cffi-mixed", tmp_path / "b")
    (project / "Cargo.lock").unlink()
    entries = {e.archive_path: e for e in sdist_file_list(project)}
    assert entries["Cargo.lock"].reason in ("cargo package list", "Cargo.lock")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


@pytest.mark.cargo
def test_path_dep_from_foreign_workspace_gets_inherited_fields_inlined(tmp_path: Path) -> None:
    """The dependency's workspace manifest stays outside the sdist, so its fields are inlined."""
    outer = tmp_path / "outer"
    _write(outer / "Cargo.toml", """
        [workspace]
        members = ["x/dep"]

        [workspace.package]
        version = "1.4.2"
        edition = "2021"
        authors = ["Outer <outer@example.com>"]
        """)  # fmt: skip
    _write(outer / "x" / "dep" / "Cargo.toml", """
        [package]
        name = "dep"
        version.workspace = true
        edition.workspace = true
        authors.workspace = true
        """)  # fmt: skip
    _write(outer / "x" / "dep" / "src" / "lib.rs", "pub fn f() -> i32 { 1 }\n")
    proj = outer / "x" / "proj"
    _write(proj / "Cargo.toml", """
        [package]
        name = "proj"
        version = "0.1.0"
        edition = "2021"

        [lib]
        crate-type = ["cdylib"]

        [dependencies]
        dep = { path = "../dep" }

        [workspace]
        """)  # fmt: skip
    _write(proj / "src" / "lib.rs", '#[no_mangle] pub extern "C" fn g() -> i32 { dep::f() }\n')
    _write(proj / "pyproject.toml", """
        [build-system]
        requires = ["cratewright"]
        build-backend = "cratewright.backend"

        [project]
        name = "proj"
        version = "0.1.0"

        [tool.maturin]
        bindings = "cffi"
        """)  # fmt: skip
    sdist = build_sdist(proj, tmp_path / "dist")
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        dep_toml = tar.extractfile("proj-0.1.0/dep/Cargo.toml").read().decode()
        pyproject = tar.extractfile("proj-0.1.0/pyproject.toml").read().decode()
    assert "proj-0.1.0/dep/src/lib.rs" in names
    assert "proj-0.1.0/proj/src/lib.rs" in names
    assert not any(n.endswith("outer/Cargo.toml") for n in names)
    assert 'version = "1.4.2"' in dep_toml
    assert 'edition = "2021"' in dep_toml
    assert 'authors = ["Outer <outer@example.com>"]' in dep_toml
    assert "workspace = true" not in dep_toml
    assert 'manifest-path = "proj/Cargo.toml"' in pyproject
    top = unpack_sdist(sdist, tmp_path / "unpacked")
    proc = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--offline",
         "--manifest-path", str(top / "proj" / "Cargo.toml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert '"version":"1.4.2"' in proc.stdout


@pytest.mark.cargo
def test_cli_sdist_prints_path_and_lists(tmp_path: Path) -> None:
    project = _copy("pyo3-mixed", tmp_path)
    proc = run_cratewright("sdist", "-m", project, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "out" / "pyo3_mixed-0.2.0.tar.gz")
    assert "📦 Built source distribution to" in proc.stderr
    listing = run_cratewright("sdist", "--list", "-m", project)
    assert listing.returncode == 0, listing.stderr
    assert "pyo3_mixed-0.2.0/PKG-INFO\tmetadata" in listing.stdout
    assert not (project / "target" / "wheels").exists() or not list(
        (project / "target" / "wheels").glob("*.tar.gz")
    )
    missing = run_cratewright("sdist", "-m", tmp_path / "nope")
    assert missing.returncode == 1
    assert "💥 error:" in missing.stderr

"""`cratewright new` / `init`: what they write and every refusal, through the real CLI."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import run_cratewright


def _no_terminal(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI with stdin from /dev/null, as in CI or a script."""
    return subprocess.run(
        [sys.executable, "-m", "cratewright", *map(str, args)],
        cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def _refused(proc: subprocess.CompletedProcess[str], words: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("💥 error:")]
    assert words in line, line


def test_new_writes_a_mixed_src_project(tmp_path: Path) -> None:
    proc = run_cratewright("new", tmp_path / "demo", "-b", "uniffi", "--mixed", "--src",
                           "--author", "Ann <ann@example.org>", "--license", "MIT")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "demo")
    assert "Created uniffi project `demo`" in proc.stderr
    assert ".github/workflows/CI.yml: wheels for every platform" in proc.stderr
    root = tmp_path / "demo"
    assert (root / "rust" / "Cargo.toml").is_file()
    assert (root / "src" / "demo" / "__init__.py").is_file()
    assert (root / "tests" / "test_demo.py").is_file()
    assert (root / ".git").is_dir()
    assert "uses: PyO3/maturin-action@" in (root / ".github" / "workflows" / "CI.yml").read_text()
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["tool"]["maturin"]["manifest-path"] == "rust/Cargo.toml"
    assert pyproject["project"]["authors"] == [{"name": "Ann", "email": "ann@example.org"}]


def test_name_flag_and_vcs_none(tmp_path: Path) -> None:
    proc = run_cratewright("new", tmp_path / "folder", "--name", "other-name", "-b", "bin",
                           "--vcs", "none", "--no-ci")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    cargo = tomllib.loads((tmp_path / "folder" / "Cargo.toml").read_text())
    assert cargo["package"]["name"] == "other-name"
    assert not (tmp_path / "folder" / ".git").exists()
    assert not (tmp_path / "folder" / ".github").exists()


def test_init_uses_the_current_folder(tmp_path: Path) -> None:
    folder = tmp_path / "existing-proj"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    proc = _no_terminal("init", "-b", "cffi", "--vcs", "none", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    cargo = tomllib.loads((folder / "Cargo.toml").read_text())
    assert cargo["package"]["name"] == "existing-proj"
    assert (folder / "notes.txt").read_text() == "mine"


def test_no_terminal_names_the_flag(tmp_path: Path) -> None:
    proc = _no_terminal("new", tmp_path / "demo")
    _refused(proc, "no terminal to ask in; pass -b/--bindings")
    assert not (tmp_path / "demo").exists()


def test_new_refuses_an_existing_path(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    _refused(_no_terminal("new", tmp_path / "demo", "-b", "pyo3"), "already exists")
    assert list((tmp_path / "demo").iterdir()) == []


@pytest.mark.parametrize("manifest", ["Cargo.toml", "pyproject.toml"])
def test_init_refuses_a_folder_with_a_manifest(tmp_path: Path, manifest: str) -> None:
    (tmp_path / manifest).write_text("")
    _refused(_no_terminal("init", tmp_path, "-b", "pyo3"), f"already has a {manifest}")
    assert [p.name for p in tmp_path.iterdir()] == [manifest]


def test_init_refuses_a_folder_whose_files_it_would_overwrite(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine")
    _refused(_no_terminal("init", tmp_path, "-b", "pyo3"), "already has README.md")
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("1st", "to start with a digit"),
        ("async", "Rust keyword"),
        ("my.pkg", "cargo does not allow the character '.'"),
        ("json", "standard library"),
    ],
)
def test_bad_names_are_refused(tmp_path: Path, name: str, words: str) -> None:
    _refused(_no_terminal("new", tmp_path / "x", "--name", name, "-b", "pyo3"), words)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--src"], "--src needs --mixed"),
        (["-b", "cffi", "--abi3"], "--abi3 is a pyo3 option"),
        (["-b", "pyo3", "--abi3", "2.7"], "--abi3 takes a Python version"),
        (["-b", "pyo3", "--license", "not a license"], "Invalid license expression"),
    ],
)
def test_bad_flags_are_refused(tmp_path: Path, flags: list[str], words: str) -> None:
    _refused(_no_terminal("new", tmp_path / "x", "-b", "pyo3", *flags), words)
    assert not (tmp_path / "x").exists()


def _read_until(fd: int, marker: bytes, timeout: float = 60) -> bytes:
    seen = b""
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, f"no {marker!r} within {timeout}s; got {seen!r}"
        seen += os.read(fd, 4096)
    return seen


def test_terminal_asks_for_the_bindings(tmp_path: Path) -> None:
    """In a real terminal (a pty) a numbered menu is shown; a bad answer is asked again."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on the pty
        os.execv(sys.executable, [sys.executable, "-m", "cratewright", "new",
                                  str(tmp_path / "asked"), "--vcs", "none"])  # fmt: skip
    try:
        menu = _read_until(fd, b"Choose 1-4 [1]: ")
        assert b"2) cffi" in menu and b"from asked import lib" in menu
        os.write(fd, b"9\n")
        _read_until(fd, b"Please answer with a number from 1 to 4.")
        os.write(fd, b"2\n")
        _read_until(fd, b"Created cffi project")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    pyproject = tomllib.loads((tmp_path / "asked" / "pyproject.toml").read_text())
    assert pyproject["tool"]["maturin"]["bindings"] == "cffi"


def test_a_folder_name_that_is_no_project_name_says_to_pass_name(tmp_path: Path) -> None:
    """Checked before the bindings are asked for: no terminal needed to learn it."""
    proc = _no_terminal("new", tmp_path / "My Folder")
    _refused(proc, "cargo does not allow the character ' '")
    assert "hint: the name comes from the folder; pass --name NAME" in proc.stderr

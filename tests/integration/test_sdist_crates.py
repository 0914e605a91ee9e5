"""sdists of real crates: same files and bytes as maturin's, and wheels built from them alone.

maturin (in the dev venv) is only the oracle here; cratewright never runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from cratewright.core.sdist.assemble import build_sdist
from tests.conftest import REPO, TEST_CRATES, run_cratewright

pytestmark = pytest.mark.cargo

MATURIN = REPO / ".venv" / "bin" / "maturin"
SDIST_CRATES = (
    "pyo3-mixed",
    "workspace",
    "cffi-mixed",
    "sdist-split-package",
    "sdist-split-workspace",
)


def _members(sdist: Path) -> dict[str, bytes]:
    with tarfile.open(sdist) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _maturin_sdist(project: Path, out: Path) -> Path:
    proc = subprocess.run(
        [str(MATURIN), "sdist", "-o", str(out)],
        cwd=project, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "MATURIN_NO_MISSING_BUILD_BACKEND_WARNING": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (sdist,) = out.glob("*.tar.gz")
    return sdist


@pytest.mark.oracle
@pytest.mark.parametrize("crate", SDIST_CRATES)
def test_same_files_and_bytes_as_maturin(crate: str, tmp_path: Path) -> None:
    project = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, project, ignore=shutil.ignore_patterns("target"))
    ours = build_sdist(project, tmp_path / "ours")
    theirs = _maturin_sdist(project, tmp_path / "theirs")
    assert ours.name == theirs.name
    mine, oracle = _members(ours), _members(theirs)
    assert list(mine) == list(oracle)  # same names, same order (PKG-INFO first)
    assert mine == oracle


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


@pytest.mark.oracle
def test_member_pyproject_and_trimmed_workspace_match_maturin(tmp_path: Path) -> None:
    """pyproject.toml in a workspace member: rewritten paths and members, like maturin."""
    ws = tmp_path / "ws"
    shutil.copytree(TEST_CRATES / "workspace" / "crates" / "core-lib", ws / "core-lib")
    shutil.copy(TEST_CRATES / "workspace" / "Cargo.lock", ws / "Cargo.lock")
    (ws / "py" / "src").mkdir(parents=True)
    shutil.copy(TEST_CRATES / "workspace" / "crates" / "py" / "src" / "lib.rs", ws / "py" / "src")
    _write(ws / "Cargo.toml", """
        [workspace]
        resolver = "2"
        # comments and order survive
        members = ["core-lib", "py", "unused"]
        default-members = ["py"]

        [workspace.package]
        version = "0.4.0"
        edition = "2021"
        license = "MIT"

        [workspace.dependencies]
        pyo3 = "0.30"
        """)  # fmt: skip
    _write(ws / "unused" / "Cargo.toml", """
        [package]
        name = "unused"
        version.workspace = true
        edition.workspace = true
        """)  # fmt: skip
    _write(ws / "unused" / "src" / "lib.rs", "\n")
    _write(ws / "py" / "Cargo.toml", """
        [package]
        name = "workspace-py"
        version.workspace = true
        edition.workspace = true
        license.workspace = true

        [lib]
        name = "workspace_py"
        crate-type = ["cdylib"]

        [dependencies]
        core-lib = { path = "../core-lib" }
        pyo3 = { workspace = true }
        """)  # fmt: skip
    _write(ws / "py" / "pyproject.toml", """
        [build-system]
        requires = ["maturin>=1.8,<2"]
        build-backend = "maturin"

        [project]
        name = "wsx-py"
        requires-python = ">=3.9"
        dynamic = ["version"]

        [tool.maturin]
        python-source = "python"
        module-name = "wsx_py.workspace_py"
        """)  # fmt: skip
    _write(ws / "py" / "python" / "wsx_py" / "__init__.py", "from .workspace_py import *\n")
    ours = build_sdist(ws / "py", tmp_path / "ours")
    theirs = _maturin_sdist(ws / "py", tmp_path / "theirs")
    mine = _members(ours)
    assert mine == _members(theirs)
    assert b'members = ["core-lib", "py"]' in mine["wsx_py-0.4.0/Cargo.toml"]
    assert b"default-members" not in mine["wsx_py-0.4.0/Cargo.toml"]
    assert b'manifest-path = "py/Cargo.toml"' in mine["wsx_py-0.4.0/pyproject.toml"]


@pytest.mark.parametrize("crate", SDIST_CRATES)
def test_build_sdist_then_wheel_from_unpacked_sdist(crate: str, tmp_path: Path, make_venv) -> None:
    """`build --sdist`: the wheel comes from the unpacked sdist alone, and it works."""
    project = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, project, ignore=shutil.ignore_patterns("target"))
    out = tmp_path / "out"
    proc = run_cratewright("build", "--sdist", "-m", project, "-i", sys.executable, "-o", out)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    sdist, wheel = Path(lines[0]), Path(lines[-1])
    assert sdist.name.endswith(".tar.gz") and sdist.parent == out
    assert wheel.suffix == ".whl" and wheel.parent == out
    assert "📦 Building wheels from source distribution at" in proc.stderr
    # cargo compiled the unpacked copy, not the project directory
    assert f"({project}" not in proc.stderr
    assert "cratewright-sdist-" in proc.stderr
    env = make_venv(crate)
    env.pip_install(wheel)
    check = env.run([env.python, TEST_CRATES / crate / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    again = build_sdist(project, tmp_path / "again")
    assert again.read_bytes() == sdist.read_bytes()

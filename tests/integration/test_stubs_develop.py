"""``develop --generate-stubs``: the editable install of a python-source project gets the
generated stubs in its source tree, the same files maturin 1.16's develop writes there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, run_cratewright

pytestmark = [pytest.mark.cargo, pytest.mark.oracle]


def _stub_tree(package: Path) -> dict[str, bytes]:
    return {
        p.relative_to(package).as_posix(): p.read_bytes() for p in sorted(package.rglob("*.pyi"))
    }


def test_develop_writes_stubs_into_the_source_tree_like_maturin(make_venv, tmp_path: Path) -> None:
    ours_dir, theirs_dir = tmp_path / "ours", tmp_path / "theirs"
    for copy in (ours_dir, theirs_dir):
        shutil.copytree(TEST_CRATES / "stubs-python-source", copy)
    ours_venv, theirs_venv = make_venv("ours"), make_venv("theirs")
    proc = run_cratewright("develop", "--generate-stubs", "-m", ours_dir,
                           "--environment", ours_venv.path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "📖 Type stub extracted from the built binary" in proc.stderr
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert maturin, "maturin (test oracle) must be installed in the test environment"
    env = {**os.environ, "VIRTUAL_ENV": str(theirs_venv.path),
           "PATH": f"{theirs_venv.bin}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip
    theirs = subprocess.run(
        [maturin, "develop", "--generate-stubs"], cwd=theirs_dir, env=env,
        capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert theirs.returncode == 0, theirs.stderr
    package = Path("python") / "stubs_pysrc"
    ours, expected = _stub_tree(ours_dir / package), _stub_tree(theirs_dir / package)
    assert sorted(ours) == ["_native/__init__.pyi", "_native/units.pyi"]
    assert ours == expected
    check = ours_venv.run([ours_venv.python, ours_dir / "check_installed.py"], cwd=ours_venv.path)
    assert check.returncode == 0, check.stdout + check.stderr

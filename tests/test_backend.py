"""The PEP 517 backend builds wheels that pip installs (pip wheel through our hooks)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES

pytestmark = pytest.mark.cargo


def _use_our_backend(crate: str, tmp_path: Path) -> Path:
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest)
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('requires = ["maturin>=1.8,<2"]', "requires = []")
    text = text.replace('build-backend = "maturin"', 'build-backend = "cratewright.backend"')
    assert 'build-backend = "cratewright.backend"' in text
    pyproject.write_text(text)
    return dest


@pytest.mark.parametrize("crate", ["pyo3-pure", "hello-bin"])
def test_pip_wheel_through_backend(crate: str, tmp_path: Path, make_venv) -> None:
    project = _use_our_backend(crate, tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q",
         "-w", str(out), str(project)],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = out.glob("*.whl")
    assert wheel.name.endswith("-linux_x86_64.whl")
    env = make_venv(crate)
    env.pip_install(wheel)
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_backend_reports_errors_without_traceback(tmp_path: Path) -> None:
    project = _use_our_backend("compile-error", tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
         "-w", str(tmp_path / "out"), str(project)],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "💥 cratewright: Failed to compile compile-error: mismatched types" in proc.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.whl"))

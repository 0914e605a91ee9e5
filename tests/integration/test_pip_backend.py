"""`pip install .`, `pip install -e .` and `python -m build` through cratewright.backend.

pip builds in an isolated environment, so it must find cratewright itself: a wheel of this
checkout is built once per session and offered with --find-links. Its dependencies come from
the package index; PySide6 must not be among them (the backend imports no Qt).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_CRATES

pytestmark = pytest.mark.cargo


@pytest.fixture(scope="session")
def cratewright_wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a wheel of this checkout's cratewright."""
    out = tmp_path_factory.mktemp("cratewright-wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(list(out.glob("cratewright-*.whl"))) == 1
    return out


def _with_our_backend(crate: str, tmp_path: Path) -> Path:
    """A copy of a test crate whose pyproject asks for cratewright as its backend."""
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest, ignore=shutil.ignore_patterns("target"))
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('requires = ["maturin>=1.8,<2"]', 'requires = ["cratewright"]')
    text = text.replace('build-backend = "maturin"', 'build-backend = "cratewright.backend"')
    assert 'requires = ["cratewright"]' in text and "cratewright.backend" in text
    pyproject.write_text(text)
    return dest


def _pip(env, wheelhouse: Path, *args: str | os.PathLike[str], cwd: Path | None = None):
    proc = env.run(
        [env.python, "-m", "pip", "install", "-v", "--disable-pip-version-check",
         "--find-links", wheelhouse, *args],
        cwd=cwd,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc


def _build_env_packages(pip_output: str) -> str:
    """The "Successfully installed ..." line of pip's isolated build-dependency install."""
    lines = [ln for ln in pip_output.splitlines() if "Successfully installed" in ln]
    build_deps = [ln for ln in lines if "cratewright-" in ln]
    assert build_deps, pip_output[-3000:]
    return build_deps[0]


@pytest.mark.parametrize("crate", ["pyo3-pure", "pyo3-mixed"])
def test_pip_install_dot(crate: str, tmp_path: Path, make_venv, cratewright_wheelhouse) -> None:
    project = _with_our_backend(crate, tmp_path)
    env = make_venv(crate)
    proc = _pip(env, cratewright_wheelhouse, ".", cwd=project)
    installed = _build_env_packages(proc.stdout + proc.stderr)
    assert re.search(r"\bcratewright-0\.\d+", installed)
    assert "PySide6" not in installed and "shiboken6" not in installed
    assert "PySide6" not in proc.stdout + proc.stderr
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    site = env.run([env.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    purelib, module = Path(site.stdout.strip()), crate.replace("-", "_")
    assert not (purelib / f"{module}.pth").exists()  # a regular install, not editable
    assert list((purelib / module).glob("*.so"))


@pytest.mark.parametrize("crate", ["pyo3-pure", "pyo3-mixed"])
def test_pip_install_editable(
    crate: str, tmp_path: Path, make_venv, cratewright_wheelhouse
) -> None:
    project = _with_our_backend(crate, tmp_path)
    env = make_venv(crate)
    _pip(env, cratewright_wheelhouse, "-e", ".", cwd=project)
    check = env.run([env.python, project / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr
    show = env.run([env.python, "-m", "pip", "show", crate])
    assert f"Editable project location: {project}" in show.stdout, show.stdout
    if crate != "pyo3-mixed":
        return
    # The edit of a Python file of the editable mixed project shows without reinstalling.
    init = project / "python" / "pyo3_mixed" / "__init__.py"
    init.write_text(init.read_text() + "\n\ndef edited():\n    return 'edited in place'\n")
    probe = env.run([env.python, "-c", "import pyo3_mixed; print(pyo3_mixed.edited())"])
    assert probe.stdout.strip() == "edited in place", probe.stderr
    assert list((project / "python" / "pyo3_mixed").glob("_native.cpython-*.so"))


def test_python_m_build(tmp_path: Path, cratewright_wheelhouse, make_venv) -> None:
    """build makes the sdist through our backend, then the wheel from the unpacked sdist."""
    project = _with_our_backend("pyo3-mixed", tmp_path)
    out = tmp_path / "dist"
    env = {**os.environ, "PIP_FIND_LINKS": str(cratewright_wheelhouse)}
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(project)],
        capture_output=True, text=True, timeout=1200, check=False, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "pyo3_mixed-0.2.0-cp311-cp311-linux_x86_64.whl"
        if sys.version_info[:2] == (3, 11)
        else names[0],
        "pyo3_mixed-0.2.0.tar.gz",
    ]
    venv = make_venv("built")
    venv.pip_install(out / names[0])
    check = venv.run([venv.python, project / "check_installed.py"], cwd=venv.path)
    assert check.returncode == 0, check.stdout + check.stderr

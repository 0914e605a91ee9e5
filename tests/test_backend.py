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


def _hook(project: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Call backend hooks the way a frontend does: in a subprocess, cwd = the project."""
    return subprocess.run(
        [sys.executable, "-c", "import cratewright.backend as b\n" + code],
        cwd=project, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def test_backend_imports_no_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys, cratewright.backend, cratewright.core.develop.install\n"
         "import cratewright.core.sdist.assemble\n"
         "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_prepare_metadata_and_requires(tmp_path: Path) -> None:
    project = _use_our_backend("cffi-mixed", tmp_path)
    out = tmp_path / "meta"
    out.mkdir()
    proc = _hook(project, f"print(b.prepare_metadata_for_build_wheel({str(out)!r}))\n"
                          "print(b.get_requires_for_build_wheel())\n"
                          "print(b.get_requires_for_build_editable())")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    name, requires, editable_requires = proc.stdout.strip().splitlines()
    assert name == "cffi_mixed-0.1.0.dist-info"
    metadata = (out / name / "METADATA").read_text()
    assert metadata.startswith("Metadata-Version: 2.4\nName: cffi-mixed\nVersion: 0.1.0\n")
    assert "Requires-Dist: cffi" in metadata
    assert requires == editable_requires == "['cffi']"
    pure = _use_our_backend("pyo3-pure", tmp_path / "p")
    assert _hook(pure, "print(b.get_requires_for_build_wheel())").stdout.strip() == "[]"


def test_build_sdist_hook(tmp_path: Path) -> None:
    project = _use_our_backend("pyo3-mixed", tmp_path)
    out = tmp_path / "sdist"
    out.mkdir()
    proc = _hook(project, f"print(b.build_sdist({str(out)!r}))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "pyo3_mixed-0.2.0.tar.gz"
    assert (out / "pyo3_mixed-0.2.0.tar.gz").is_file()
    broken = _use_our_backend("pyo3-pure", tmp_path / "b")
    (broken / "Cargo.toml").write_text("[package\n")
    proc = _hook(broken, f"b.build_sdist({str(out)!r})")
    assert proc.returncode != 0
    assert "💥 cratewright:" in proc.stderr and "Traceback" not in proc.stderr


def test_build_editable_hook_mixed(tmp_path: Path) -> None:
    project = _use_our_backend("pyo3-mixed", tmp_path)
    out = tmp_path / "wheel"
    proc = _hook(project, f"print(b.build_editable({str(out)!r}))")
    assert proc.returncode == 0, proc.stderr
    import zipfile

    (wheel,) = out.glob("*.whl")
    assert proc.stdout.strip().splitlines()[-1] == wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert "pyo3_mixed.pth" in names
    assert not any(n.startswith("pyo3_mixed/") for n in names)
    assert list((project / "python" / "pyo3_mixed").glob("_native.cpython-*.so"))


def test_generate_stubs_from_build_args(monkeypatch, tmp_path: Path) -> None:
    # as maturin's backend: `pip wheel -C build-args=--generate-stubs` or MATURIN_PEP517_ARGS
    from cratewright import backend

    monkeypatch.chdir(TEST_CRATES / "stubs-pure")
    monkeypatch.delenv("MATURIN_PEP517_ARGS", raising=False)
    assert not backend._options({}, tmp_path).generate_stubs
    assert backend._options({"build-args": "--generate-stubs"}, tmp_path).generate_stubs
    monkeypatch.setenv("MATURIN_PEP517_ARGS", "--generate-stubs --locked")
    assert backend._options(None, tmp_path).generate_stubs


_CHOSEN = (
    "import sys; from pathlib import Path; from cratewright.backend import _options; "
    "print(_options(None, Path('out')).interpreters[0]); print(sys._base_executable)"
)


def test_use_base_python_builds_for_the_base_interpreter(tmp_path: Path) -> None:
    """[tool.maturin] use-base-python (or MATURIN_PEP517_USE_BASE_PYTHON): the venv's base."""
    import os

    project = _use_our_backend("hello-bin", tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "MATURIN_PEP517_USE_BASE_PYTHON"}

    def chosen(**extra: str) -> tuple[str, str]:
        proc = subprocess.run(
            [sys.executable, "-c", _CHOSEN], cwd=project, capture_output=True, text=True,
            check=True, env={**env, **extra},
        )  # fmt: skip
        interpreter, base = proc.stdout.split()
        return interpreter, base

    assert sys.prefix != sys.base_prefix, "the tests run in a venv"
    interpreter, base = chosen()
    assert interpreter == sys.executable
    assert chosen(MATURIN_PEP517_USE_BASE_PYTHON="1")[0] == os.path.realpath(base)
    with (project / "pyproject.toml").open("a") as fh:
        fh.write("\n[tool.maturin]\nuse-base-python = true\n")
    interpreter, base = chosen()
    assert interpreter == os.path.realpath(base) != sys.executable

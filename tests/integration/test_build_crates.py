"""Every test crate builds with ``cratewright build``, installs with pip and works."""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BUILDABLE_CRATES, TEST_CRATES, Venv, run_cratewright

pytestmark = pytest.mark.cargo


@pytest.mark.parametrize("crate", BUILDABLE_CRATES)
def test_wheel_installs_and_runs(crate: str, built_wheels: dict[str, Path], make_venv) -> None:
    env: Venv = make_venv(crate)
    env.pip_install(built_wheels[crate])
    check = env.run([env.python, TEST_CRATES / crate / "check_installed.py"], cwd=env.path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_wheels_are_reproducible(built_wheels: dict[str, Path], tmp_path: Path) -> None:
    """A second build of the same input gives byte-identical wheels, without SOURCE_DATE_EPOCH."""
    for crate in ("pyo3-mixed", "cffi-pure", "hello-bin"):
        out = tmp_path / crate
        proc = run_cratewright("build", "-m", TEST_CRATES / crate, "-i",
                               sys.executable, "-o", out)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        (again,) = out.glob("*.whl")
        assert again.name == built_wheels[crate].name
        assert again.read_bytes() == built_wheels[crate].read_bytes(), crate


def test_compile_error_fails_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cratewright("build", "-m", TEST_CRATES / "compile-error", "-o", out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("💥 error: Failed to compile compile-error: mismatched types")
    assert "src/lib.rs" in last
    assert "error[E0308]" in proc.stderr  # cargo's own rendered diagnostic was shown
    assert not out.exists() or list(out.iterdir()) == []


def test_pure_wheel_layout(built_wheels: dict[str, Path]) -> None:
    names = zipfile.ZipFile(built_wheels["pyo3-pure"]).namelist()
    assert "pyo3_pure/__init__.py" in names
    assert "pyo3_pure/__init__.pyi" in names
    assert "pyo3_pure/py.typed" in names
    assert names[-1] == "pyo3_pure-0.1.0.dist-info/RECORD"


def test_abi3_wheel_is_tagged_abi3(built_wheels: dict[str, Path]) -> None:
    wheel = built_wheels["pyo3-abi3"]
    assert "-cp39-abi3-" in wheel.name
    assert "pyo3_abi3/pyo3_abi3.abi3.so" in zipfile.ZipFile(wheel).namelist()


def test_bin_wheel_ships_scripts(built_wheels: dict[str, Path]) -> None:
    names = zipfile.ZipFile(built_wheels["hello-bin"]).namelist()
    assert "hello_bin-0.1.0.data/scripts/hello-bin" in names
    info = zipfile.ZipFile(built_wheels["hello-bin"]).getinfo(
        "hello_bin-0.1.0.data/scripts/hello-bin"
    )
    assert (info.external_attr >> 16) & 0o111


def test_workspace_builds_from_root(tmp_path: Path) -> None:
    """The root pyproject's manifest-path makes a plain `cratewright build` work from there."""
    out = tmp_path / "out"
    proc = run_cratewright("build", "-i", sys.executable, "-o", out, cwd=TEST_CRATES / "workspace")
    assert proc.returncode == 0, proc.stderr
    assert next(p.name for p in out.glob("*.whl")).startswith("workspace_py-0.3.0-")


def test_out_dir_include_without_build_script_is_one_clear_error(tmp_path: Path) -> None:
    project = tmp_path / "hello-bin"
    shutil.copytree(TEST_CRATES / "hello-bin", project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[tool.maturin]\ninclude = [{ path = "*.txt", from = "out-dir", to = "x" }]\n'
    )
    proc = run_cratewright("build", "-m", project, "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        '💥 error: No OUT_DIR found for crate "hello-bin". '
        "Make sure the crate has a build script (build.rs)."
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _path_without_uniffi_bindgen() -> dict[str, str]:
    folders = [p for p in os.environ["PATH"].split(os.pathsep)
               if p and not (Path(p) / "uniffi-bindgen").exists()]  # fmt: skip
    return {**os.environ, "PATH": os.pathsep.join(folders)}


def test_uniffi_uses_the_workspace_bindgen_and_says_so(tmp_path: Path) -> None:
    """With no uniffi-bindgen on PATH, the workspace's own bin target generates the bindings."""
    env = _path_without_uniffi_bindgen()
    proc = run_cratewright("build", "-m", TEST_CRATES / "uniffi-workspace", "-o", tmp_path,
                           env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (
        "🧬 Generating the Python bindings with the uniffi-bindgen bin target of workspace "
        "member uniffi-bindgen" in proc.stderr
    )
    assert "uniffi_greeter/uniffi_greeter.py" in zipfile.ZipFile(_only_wheel(tmp_path)).namelist()
    pure = run_cratewright("build", "-m", TEST_CRATES / "uniffi-pure", "-o", tmp_path / "pure")
    assert pure.returncode == 0, pure.stderr
    assert "🧬 Generating the Python bindings with uniffi-bindgen at /" in pure.stderr
    assert "(the workspace has no uniffi-bindgen bin target)" in pure.stderr


def _only_wheel(folder: Path) -> Path:
    (wheel,) = folder.glob("*.whl")
    return wheel

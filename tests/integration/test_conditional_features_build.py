"""Real builds of a project whose abi3 minimum comes from conditional pyproject features.

A copy of ``test-crates/pyo3-abi3`` loses its own ``abi3-py39`` feature and gets
``features = [{pyo3/abi3-py311 for >=3.11}, {pyo3/abi3-py39 for <3.11}]`` in pyproject.toml.
Built for a 3.11+ interpreter it must give a cp311-abi3 wheel, for a 3.9/3.10 one a cp39-abi3
wheel, exactly as maturin (installed only as a test oracle) builds the same copy: same names,
tags, file lists and a native module using the very same Python API, which then imports in
its interpreter. (The bytes differ from maturin's: cratewright compiles workspace crates
through a path-remapping RUSTC_WORKSPACE_WRAPPER, which cargo counts in their symbol hashes.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cratewright.core.audit.elf import analyze_elf_bytes
from cratewright.core.interpreters import InterpreterInfo
from tests.conftest import run_cratewright
from tests.core.test_conditional_features import (
    BOTH,
    ONLY_311,
    make_conditional_abi3_crate,
    old_and_new_cpythons,
)

pytestmark = [pytest.mark.cargo, pytest.mark.oracle]

EXPECTED_PYTHON_TAG = {"new": "cp311", "old": "cp39"}


def _maturin() -> str:
    found = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert found, "maturin (test oracle) must be installed in the test environment"
    return found


def _build_both(crate: Path, python: InterpreterInfo, out: Path) -> tuple[Path, Path, str]:
    """(our wheel, maturin's wheel, our stderr) for one interpreter."""
    ours = run_cratewright("build", "-m", crate, "-i", python.executable, "-o", out / "ours")
    assert ours.returncode == 0, ours.stderr
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    theirs = subprocess.run(
        [_maturin(), "build", "-i", str(python.executable), "-o", str(out / "maturin")],
        cwd=crate, capture_output=True, text=True, env=env, timeout=1200, check=False,
    )  # fmt: skip
    assert theirs.returncode == 0, theirs.stderr
    (our_wheel,) = (out / "ours").glob("*.whl")
    (their_wheel,) = (out / "maturin").glob("*.whl")
    return our_wheel, their_wheel, ours.stderr


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, pythons) -> dict[str, tuple[Path, Path, str]]:
    """Our and maturin's wheel of the conditional-abi3 copy, for the new and the old Python."""
    root = tmp_path_factory.mktemp("conditional")
    crate = make_conditional_abi3_crate(root / "pyo3-abi3", BOTH)
    return {key: _build_both(crate, pythons[key], root / key) for key in ("new", "old")}


@pytest.fixture(scope="module")
def pythons() -> dict[str, InterpreterInfo]:
    return old_and_new_cpythons()


def _wheel_tags(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/WHEEL")]
        text = zf.read(name).decode()
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")]


def _native(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read("pyo3_abi3/pyo3_abi3.abi3.so")


def _python_api(native: bytes) -> tuple[list[str], list[str], tuple[str, ...]]:
    """What the module imports (the Python C API it was compiled for), exports and needs.

    abi3-py39, abi3-py311 and a version-specific build each import a different set.
    """
    elf = analyze_elf_bytes(native, "module.so")
    return sorted(elf.undefined_symbols), sorted(elf.exported_symbols), elf.needed


@pytest.mark.parametrize("key", ["new", "old"])
def test_abi3_minimum_follows_the_interpreter(key: str, builds, pythons) -> None:
    ours, _, stderr = builds[key]
    tag = EXPECTED_PYTHON_TAG[key]
    assert ours.name.startswith(f"pyo3_abi3-0.1.0-{tag}-abi3-"), ours.name
    assert all(t.startswith(f"{tag}-abi3-") for t in _wheel_tags(ours))
    feature = "pyo3/abi3-py311" if key == "new" else "pyo3/abi3-py39"
    version = pythons[key].version_display
    assert f"Conditional features for CPython {version}: {feature}\n" in stderr


@pytest.mark.parametrize("key", ["new", "old"])
def test_same_wheel_as_maturin(key: str, builds) -> None:
    ours, theirs, _ = builds[key]
    assert ours.name == theirs.name
    assert _wheel_tags(ours) == _wheel_tags(theirs)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
    # Same cargo features and pyo3 configuration: the same Python API, imported and exported.
    assert _python_api(_native(ours)) == _python_api(_native(theirs))


def test_the_two_minimums_compile_differently_and_import(builds, pythons, tmp_path: Path) -> None:
    assert _native(builds["new"][0]) != _native(builds["old"][0])
    # the comparison with maturin above can tell the two minimums apart
    assert _python_api(_native(builds["new"][0])) != _python_api(_native(builds["old"][0]))
    for key in ("new", "old"):
        site = tmp_path / key
        with zipfile.ZipFile(builds[key][0]) as zf:
            zf.extractall(site)
        check = "import pyo3_abi3; assert pyo3_abi3.sum_list([1, 2, 3, 4]) == 10; print('ok')"
        proc = subprocess.run(
            [str(pythons[key].executable), "-c", check],
            env={**os.environ, "PYTHONPATH": str(site)},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.stdout.strip() == "ok", proc.stderr


def test_jobs_of_one_build_compile_with_their_own_features(
    tmp_path: Path, pythons: dict[str, InterpreterInfo]
) -> None:
    """Only 3.11+ enables abi3: one build gives an abi3 wheel and a version-specific one."""
    crate = make_conditional_abi3_crate(tmp_path / "pyo3-abi3", ONLY_311)
    interpreters = [pythons["old"].executable, pythons["new"].executable]
    ours = run_cratewright("build", "-m", crate, "-i", *interpreters, "-o", tmp_path / "ours")
    assert ours.returncode == 0, ours.stderr
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    theirs = subprocess.run(
        [_maturin(), "build", "-i", *map(str, interpreters), "-o", str(tmp_path / "maturin")],
        cwd=crate, capture_output=True, text=True, env=env, timeout=1200, check=False,
    )  # fmt: skip
    assert theirs.returncode == 0, theirs.stderr
    old_tag = pythons["old"].python_tag
    names = {
        w.name.split("-")[2] + "-" + w.name.split("-")[3]: w
        for w in (tmp_path / "ours").glob("*.whl")
    }
    assert sorted(names) == sorted(["cp311-abi3", f"{old_tag}-{old_tag}"])
    for theirs_wheel in (tmp_path / "maturin").glob("*.whl"):
        ours_wheel = tmp_path / "ours" / theirs_wheel.name
        with zipfile.ZipFile(ours_wheel) as a, zipfile.ZipFile(theirs_wheel) as b:
            (so,) = [n for n in a.namelist() if n.endswith(".so")]
            # The abi3 job is compiled with pyo3/abi3-py311, the other one without it.
            assert _python_api(a.read(so)) == _python_api(b.read(so)), so

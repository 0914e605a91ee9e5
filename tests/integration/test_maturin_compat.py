"""cratewright and maturin (installed only as a test oracle) make the same wheels and sdists.

For every test crate: the same file name, the same file list, the same WHEEL tags and the
same METADATA (header fields and description). Only WHEEL's Generator line may differ.
For the crates laid out the way real projects trip sdists up: the same sdist members and the
same PKG-INFO (and manifests rewritten to the same bytes).
"""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from cratewright.core.sdist.assemble import build_sdist
from tests.conftest import (
    BUILDABLE_CRATES,
    TEST_CRATES,
    LazyWheels,
    forget_patched_cargo_output,
    run_cratewright,
)

# Crates whose maturin wheel bundles a library (maturin then patches cargo's own output, see
# forget_patched_cargo_output), with their library names.
REPAIRED_BY_MATURIN = {"pyo3-sqlite": "pyo3_sqlite"}

pytestmark = [pytest.mark.cargo, pytest.mark.oracle]


def _maturin() -> str:
    found = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert found, "maturin (test oracle) must be installed in the test environment"
    return found


@pytest.fixture(scope="module")
def maturin_wheels(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    """maturin's wheel of each crate, built on first use (see LazyWheels)."""
    out_root = tmp_path_factory.mktemp("maturin")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def build(crate: str) -> Path:
        out = out_root / crate
        if crate in REPAIRED_BY_MATURIN:
            forget_patched_cargo_output(REPAIRED_BY_MATURIN[crate])
        proc = subprocess.run(
            [_maturin(), "build", "-i", sys.executable, "-o", str(out)],
            cwd=TEST_CRATES / crate,
            capture_output=True, text=True, env=env, timeout=1200, check=False,
        )  # fmt: skip
        if crate in REPAIRED_BY_MATURIN:
            forget_patched_cargo_output(REPAIRED_BY_MATURIN[crate])
        assert proc.returncode == 0, proc.stderr
        (wheel,) = out.glob("*.whl")
        return wheel

    return LazyWheels(build, BUILDABLE_CRATES)


def _dist_info_file(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        (path,) = [n for n in zf.namelist() if n.endswith(f".dist-info/{name}")]
        return zf.read(path).decode("utf-8")


def _metadata_fields(text: str) -> tuple[list[tuple[str, str]], str]:
    message = email.parser.Parser().parsestr(text)
    return list(message.items()), str(message.get_payload())


def _tags(wheel_text: str) -> list[str]:
    return [
        line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")
    ]


@pytest.mark.parametrize("crate", BUILDABLE_CRATES)
def test_same_wheel_as_maturin(
    crate: str, built_wheels: Mapping[str, Path], maturin_wheels: Mapping[str, Path]
) -> None:
    _compare_wheels(built_wheels[crate], maturin_wheels[crate])


# Crates whose manifests are laid out as in real projects whose sdists used to fail: a
# [package] or [workspace] table split by a later table, and include globs matching files
# the sdist already holds (Cargo.toml, pyproject.toml, a member's rewritten manifest).
SDIST_LAYOUT_CRATES = ("sdist-split-package", "sdist-split-workspace")


def _sdist_members(sdist: Path) -> dict[str, bytes]:
    with tarfile.open(sdist) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


@pytest.mark.parametrize("crate", SDIST_LAYOUT_CRATES)
def test_same_sdist_as_maturin(crate: str, tmp_path: Path) -> None:
    project = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, project, ignore=shutil.ignore_patterns("target"))
    ours = build_sdist(project, tmp_path / "ours")
    proc = subprocess.run(
        [_maturin(), "sdist", "-o", str(tmp_path / "theirs")],
        cwd=project, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "MATURIN_NO_MISSING_BUILD_BACKEND_WARNING": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (theirs,) = (tmp_path / "theirs").glob("*.tar.gz")
    assert ours.name == theirs.name
    mine, oracle = _sdist_members(ours), _sdist_members(theirs)
    assert list(mine) == list(oracle)
    root = ours.name.removesuffix(".tar.gz")
    assert mine[f"{root}/PKG-INFO"] == oracle[f"{root}/PKG-INFO"]
    manifests = [name for name in mine if name.endswith(("Cargo.toml", "pyproject.toml"))]
    assert len(manifests) >= 2
    for name in manifests:
        assert mine[name] == oracle[name], name


def _compare_wheels(ours: Path, theirs: Path) -> None:
    """Same name, files, WHEEL tags and METADATA (what test_same_wheel_as_maturin checks)."""
    assert ours.name == theirs.name
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
    assert _tags(_dist_info_file(ours, "WHEEL")) == _tags(_dist_info_file(theirs, "WHEEL"))
    assert _metadata_fields(_dist_info_file(ours, "METADATA")) == _metadata_fields(
        _dist_info_file(theirs, "METADATA")
    )


def _both(
    args: list[str], crate: str, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The same build by cratewright and by maturin (ours into ours/, theirs into theirs/)."""
    ours = run_cratewright("build", "-m", TEST_CRATES / crate, "-i", sys.executable, *args,
                           "-o", tmp_path / "ours")  # fmt: skip
    theirs = subprocess.run(
        [_maturin(), "build", "-i", sys.executable, *args, "-o", str(tmp_path / "theirs")],
        cwd=TEST_CRATES / crate, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    return ours, theirs


def test_compatibility_pypi_accepts_what_maturin_accepts(tmp_path: Path) -> None:
    ours, theirs = _both(["--compatibility", "pypi"], "hello-bin", tmp_path)
    assert ours.returncode == 0, ours.stderr
    assert theirs.returncode == 0, theirs.stderr
    (mine,) = (tmp_path / "ours").glob("*.whl")
    (oracle,) = (tmp_path / "theirs").glob("*.whl")
    _compare_wheels(mine, oracle)


def test_compatibility_pypi_refuses_a_linux_wheel_as_maturin(tmp_path: Path) -> None:
    """maturin writes the refused wheel, then fails; we fail before writing it."""
    ours, theirs = _both(["--compatibility", "pypi", "linux"], "hello-bin", tmp_path)
    expected = (
        "PyPI validation failed: Platform tag 'linux_x86_64' in wheel "
        "'hello_bin-0.1.0-py3-none-linux_x86_64.whl' is not allowed by PyPI"
    )
    assert theirs.returncode == 1
    assert theirs.stderr.strip().splitlines()[-1].strip() == f"Caused by: {expected}"
    assert ours.returncode == 1
    assert "Traceback" not in ours.stderr
    assert f"💥 error: {expected}" in ours.stderr
    assert not (tmp_path / "ours").exists() or not list((tmp_path / "ours").iterdir())

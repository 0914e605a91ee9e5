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
    ours, theirs = built_wheels[crate], maturin_wheels[crate]
    assert ours.name == theirs.name
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
    assert _tags(_dist_info_file(ours, "WHEEL")) == _tags(_dist_info_file(theirs, "WHEEL"))
    assert _metadata_fields(_dist_info_file(ours, "METADATA")) == _metadata_fields(
        _dist_info_file(theirs, "METADATA")
    )


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

"""Builds do not depend on the checkout path.

Every test crate (but the one that does not compile and the one that never finishes) is
copied, as a whole, into two different folders and built from each without
SOURCE_DATE_EPOCH. The two wheels and the two sdists must be byte-identical, and no member
of any of them may contain the folder it was built from: a published wheel must not tell
the world where its builder keeps the sources (the SBOM's ``path+file:///...`` ids did).

The shared CARGO_TARGET_DIR is used as in every other test. cargo's fingerprints do not
depend on the checkout folder, so the second folder's sources are made newer: cargo must
compile the crate's own code again there, and the test sees rustc's output from both
folders (its debug info would name each folder but for the --remap-path-prefix wrapper).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_CRATES, run_cratewright

pytestmark = pytest.mark.cargo

NOT_BUILDABLE = {"compile-error", "slow-build"}
CRATES = sorted(
    p.name for p in TEST_CRATES.iterdir() if (p / "pyproject.toml").is_file()
    and p.name not in NOT_BUILDABLE
)  # fmt: skip


def _members(archive: bytes, name: str) -> dict[str, bytes]:
    if name.endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            return {n: zf.read(n) for n in zf.namelist()}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _package_name(project: Path) -> str:
    """The package the wheel is built from (``manifest-path`` may point into a workspace)."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    manifest = pyproject.get("tool", {}).get("maturin", {}).get("manifest-path", "Cargo.toml")
    return tomllib.loads((project / manifest).read_text())["package"]["name"]


def _build_from(folder: Path, crate: str, *, touch: float) -> dict[str, bytes]:
    """Copy the crate into ``folder`` and build its wheel and sdist there: name -> bytes.

    ``touch`` dates every copied file that many seconds ahead, so cargo recompiles the local
    crates.
    """
    project = folder / crate
    shutil.copytree(TEST_CRATES / crate, project, ignore=shutil.ignore_patterns("target"))
    if touch:
        now = time.time() + touch
        for path in project.rglob("*"):
            os.utime(path, (now, now))
    out = folder / "dist"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for verb in (["build", "-i", sys.executable], ["sdist"]):
        proc = run_cratewright(*verb, "-m", project, "-o", out, env=env, cwd=folder)
        assert proc.returncode == 0, f"{crate} {verb[0]} from {folder}:\n{proc.stderr}"
        if touch and verb[0] == "build":
            assert f"Compiling {_package_name(project)} " in proc.stderr, "nothing was recompiled"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("crate", CRATES)
def test_two_folders_give_the_same_bytes_and_name_neither(crate: str, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second-checkout" / "deeper"
    # Both copies are touched so that each build compiles its own sources: copytree keeps the
    # mtimes, and cargo would otherwise call a unit another test compiled into the shared
    # target dir fresh and reuse it (seen in CI: the first folder got a stale library).
    a = _build_from(first, crate, touch=2)
    b = _build_from(second, crate, touch=4)
    assert sorted(a) == sorted(b)
    assert any(n.endswith(".whl") for n in a) and any(n.endswith(".tar.gz") for n in a)
    # a build reusing cargo output compiled in another checkout (this repository's, or any
    # other's test-crates folder) must not carry that folder either
    folders = [str(first), str(second), str(REPO), "/test-crates/"]
    leaks = [
        f"{name}!{member} names {folder}"
        for name, data in {**a, **{f"{n} (second)": d for n, d in b.items()}}.items()
        for member, content in _members(data, name.removesuffix(" (second)")).items()
        for folder in folders
        if folder.encode() in content or folder.encode() in member.encode()
    ]
    assert not leaks, "\n".join(leaks)
    differing = [
        f"{name}!{member}"
        for name in a
        for member, content in _members(a[name], name).items()
        if _members(b[name], name).get(member) != content
    ]
    assert not differing, "differ between the two folders: " + ", ".join(differing)
    for name in a:
        assert a[name] == b[name], f"{name}: same members, different archive bytes"

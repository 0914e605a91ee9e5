"""Builds for several real interpreters at once, and zig builds for an old glibc.

Three CPython versions of this machine (found by the listing, as a user picks them in the
GUI) each get a venv of their own. ``pyo3-pure`` must give three version-specific wheels
that each install and import in the venv of their version; ``pyo3-abi3`` one abi3 wheel
that installs and imports in all three. ``--zig`` must make a wheel meet manylinux2014 on a
machine whose own glibc is far newer (auditwheel, installed as an oracle, confirms).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cratewright.core.interpreters import InterpreterInfo, list_interpreters
from tests.conftest import TEST_CRATES, run_cratewright

pytestmark = pytest.mark.cargo


class VersionVenv:
    """A venv made by a given interpreter (so of that Python version), with pip."""

    def __init__(self, python: Path, path: Path) -> None:
        subprocess.run([str(python), "-m", "venv", str(path)], check=True, capture_output=True)
        self.python = path / "bin" / "python"

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.python), *map(str, args)], capture_output=True,
                              text=True, timeout=600, check=False)  # fmt: skip

    def install(self, wheel: Path) -> None:
        proc = self.run("-m", "pip", "install", "-q", "--disable-pip-version-check", wheel)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def three() -> list[InterpreterInfo]:
    """Three base CPythons >= 3.9 of different minor versions: oldest, middle, newest."""
    listing = list_interpreters(use_cache=False)
    by_minor: dict[int, InterpreterInfo] = {}
    for found in listing.working:
        info = found.info
        assert info is not None
        plain = info.implementation == "cpython" and not info.is_venv and not info.gil_disabled
        if plain and info.minor >= 9 and info.minor not in by_minor:
            by_minor[info.minor] = info
    minors = sorted(by_minor)
    assert len(minors) >= 3, f"this machine needs three CPython >= 3.9, has {minors}"
    return [by_minor[m] for m in (minors[0], minors[len(minors) // 2], minors[-1])]


@pytest.fixture(scope="module")
def venvs(three, tmp_path_factory: pytest.TempPathFactory) -> list[VersionVenv]:
    return [VersionVenv(i.executable, tmp_path_factory.mktemp(f"py3{i.minor}") / "env")
            for i in three]  # fmt: skip


def _build(crate: str, out: Path, *args: str | Path) -> list[Path]:
    proc = run_cratewright("build", "-m", TEST_CRATES / crate, "-o", out, *args)
    assert proc.returncode == 0, proc.stderr
    return [Path(line) for line in proc.stdout.splitlines() if line.endswith(".whl")]


def test_pyo3_pure_gives_one_wheel_per_interpreter(three, venvs, tmp_path: Path):
    args = [a for info in three for a in ("-i", str(info.executable))]
    wheels = _build("pyo3-pure", tmp_path, *args)
    assert len(wheels) == 3
    for info, wheel, env in zip(three, wheels, venvs, strict=True):
        assert wheel.name.startswith(f"pyo3_pure-0.1.0-{info.python_tag}-{info.abi_tag}-")
        env.install(wheel)
        check = env.run(TEST_CRATES / "pyo3-pure" / "check_installed.py")
        assert check.returncode == 0, check.stdout + check.stderr
        version = env.run("-c", "import sys; print('%d.%d' % sys.version_info[:2])").stdout
        assert version.strip() == f"3.{info.minor}"
    # A wheel for one version does not install on another (the tags really differ).
    wrong = venvs[0].run("-m", "pip", "install", "-q", "--no-deps", wheels[-1])
    assert wrong.returncode != 0
    assert "is not a supported wheel on this platform" in wrong.stderr


def test_pyo3_abi3_gives_one_wheel_for_all(three, venvs, tmp_path: Path):
    args = [a for info in three for a in ("-i", str(info.executable))]
    wheels = _build("pyo3-abi3", tmp_path, *args)
    assert len(wheels) == 1
    assert "-cp39-abi3-" in wheels[0].name
    for env in venvs:
        env.install(wheels[0])
        check = env.run(TEST_CRATES / "pyo3-abi3" / "check_installed.py")
        assert check.returncode == 0, check.stdout + check.stderr


def _auditwheel_tag(wheel: Path) -> str:
    auditwheel = Path(sys.executable).parent / "auditwheel"
    out = subprocess.run([str(auditwheel), "show", str(wheel)], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    marker = "consistent with the following platform tag:"
    text = " ".join(out.split())
    return text.split(marker, 1)[1].split('"')[1]


def test_zig_build_meets_manylinux2014_where_a_plain_build_cannot(tmp_path: Path):
    plain = run_cratewright("build", "-m", TEST_CRATES / "hello-bin", "-o", tmp_path / "plain",
                            "--compatibility", "manylinux2014")  # fmt: skip
    assert plain.returncode == 1
    assert "too-recent versioned symbols" in plain.stderr

    wheels = _build("hello-bin", tmp_path / "zig", "--compatibility", "manylinux2014", "--zig")
    (wheel,) = wheels
    assert "manylinux_2_17_x86_64" in wheel.name
    assert _auditwheel_tag(wheel) == "manylinux_2_17_x86_64"
    env = VersionVenv(Path(sys.executable), tmp_path / "venv")
    env.install(wheel)
    check = env.run(TEST_CRATES / "hello-bin" / "check_installed.py")
    assert check.returncode == 0, check.stdout + check.stderr


def test_zig_pyo3_wheel_defaults_to_manylinux2014_and_imports(three, venvs, tmp_path: Path):
    info, env = three[-1], venvs[-1]
    wheels = _build("pyo3-pure", tmp_path, "-i", info.executable, "--zig")
    (wheel,) = wheels
    assert f"-{info.python_tag}-{info.abi_tag}-" in wheel.name
    assert "manylinux_2_17_x86_64" in wheel.name
    assert _auditwheel_tag(wheel) == "manylinux_2_17_x86_64"
    proc = env.run("-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", wheel)
    assert proc.returncode == 0, proc.stderr
    check = env.run(TEST_CRATES / "pyo3-pure" / "check_installed.py")
    assert check.returncode == 0, check.stdout + check.stderr

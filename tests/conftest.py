"""Shared fixtures: the real test crates, fresh virtualenvs, and the cratewright CLI.

All cargo builds share one CARGO_TARGET_DIR (the repository's ``target/`` unless the caller
set one), so pyo3 and the other dependencies compile once per run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_CRATES = REPO / "test-crates"
os.environ.setdefault("CARGO_TARGET_DIR", str(REPO / "target"))

# Every crate that must build, install and pass its check_installed.py.
BUILDABLE_CRATES = (
    "pyo3-pure",
    "pyo3-abi3",
    "pyo3-mixed",
    "pyo3-bin",
    "cffi-pure",
    "cffi-mixed",
    "uniffi-pure",
    "hello-bin",
    "workspace",
    "license-readme",
    "pyo3-sqlite",
    "sdist-split-package",
    "sdist-split-workspace",
    "workspace-abi3-sibling",
    "workspace-bin-sibling",
    "include-out-dir",
    "uniffi-workspace",
    "cffi-edition2024",
)


def forget_patched_cargo_output(lib_name: str) -> None:
    """Make cargo relink ``lib<lib_name>.so`` after maturin 1.16 repaired a wheel of it.

    maturin moves cargo's output to target/maturin/ and runs patchelf on it in place, but that
    file is a hard link of target/<profile>/deps/lib<name>.so, so the next build (ours or
    maturin's) would package the patched copy. Removing the links makes cargo relink it.
    """
    target = Path(os.environ["CARGO_TARGET_DIR"])
    for folder in ("maturin", "debug", "debug/deps", "release", "release/deps"):
        (target / folder / f"lib{lib_name}.so").unlink(missing_ok=True)


def run_cratewright(
    *args: str | os.PathLike[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "cratewright", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


class Venv:
    """A fresh virtualenv with pip, for installing built wheels the way users do."""

    def __init__(self, path: Path) -> None:
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        self.path = path
        self.python = path / "bin" / "python"
        self.bin = path / "bin"

    def pip_install(self, *requirements: str | os.PathLike[str]) -> None:
        proc = subprocess.run(
            [str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             *map(str, requirements)],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def run(
        self, args: Sequence[str | os.PathLike[str]], **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}"}
        env.pop("PYTHONPATH", None)
        return subprocess.run(
            [str(a) for a in args], capture_output=True, text=True, timeout=300,
            check=False, env=env, **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.fixture
def make_venv(tmp_path_factory: pytest.TempPathFactory):
    """Factory for fresh virtualenvs."""

    def make(name: str = "venv") -> Venv:
        return Venv(tmp_path_factory.mktemp(name) / "env")

    return make


class LazyWheels(Mapping[str, Path]):
    """crate -> wheel, each built on first use, once per session.

    Building lazily keeps ``pytest -k some-crate`` to the one build it needs (every cargo
    build costs the shared machine); a full run still builds each crate exactly once.
    """

    def __init__(self, build: Callable[[str], Path], crates: Sequence[str]) -> None:
        self._build = build
        self._crates = tuple(crates)
        self._done: dict[str, Path] = {}

    def __getitem__(self, crate: str) -> Path:
        if crate not in self._crates:
            raise KeyError(crate)
        if crate not in self._done:
            self._done[crate] = self._build(crate)
        return self._done[crate]

    def __iter__(self) -> Iterator[str]:
        return iter(self._crates)

    def __len__(self) -> int:
        return len(self._crates)


@pytest.fixture(scope="session")
def built_wheels(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    """Each buildable crate built once by ``cratewright build`` for this interpreter."""
    out_root = tmp_path_factory.mktemp("wheels")

    def build(crate: str) -> Path:
        out = out_root / crate
        proc = run_cratewright("build", "-m", TEST_CRATES / crate, "-i", sys.executable, "-o", out)
        assert proc.returncode == 0, f"{crate}:\n{proc.stderr}"
        (wheel,) = out.glob("*.whl")
        assert proc.stdout.strip().splitlines()[-1] == str(wheel)
        return wheel

    return LazyWheels(build, BUILDABLE_CRATES)

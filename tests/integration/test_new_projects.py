"""Every project `cratewright new` can make builds, installs, imports and passes its own tests.

Each combination (4 bindings x pure / mixed / mixed+src, abi3 on and off for pyo3) is created
through the CLI once and built once by ``cratewright build`` (module fixture); the tests then
install each wheel into a fresh venv, call its generated function, run the generated pytest
test of mixed layouts, and build the same project with maturin (the test oracle). The crate
names stay the same from run to run and all builds share CARGO_TARGET_DIR, so pyo3 and uniffi
compile once and each combination's own crate is an incremental rebuild.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Venv, run_cratewright

pytestmark = pytest.mark.cargo


@dataclass(frozen=True)
class Combination:
    bindings: str
    layout: str  # pure, mixed, mixed-src
    abi3: bool = False

    @property
    def name(self) -> str:
        layout = {"pure": "pure", "mixed": "mixed", "mixed-src": "src"}[self.layout]
        return f"nw-{self.bindings}-{layout}" + ("-abi3" if self.abi3 else "")

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @property
    def flags(self) -> list[str]:
        flags = ["-b", self.bindings]
        if self.layout != "pure":
            flags.append("--mixed")
        if self.layout == "mixed-src":
            flags.append("--src")
        if self.abi3:
            flags.append("--abi3")
        return flags

    @property
    def is_mixed(self) -> bool:
        return self.layout != "pure"


COMBINATIONS = tuple(
    Combination(bindings, layout, abi3)
    for bindings in ("pyo3", "cffi", "uniffi", "bin")
    for layout in ("pure", "mixed", "mixed-src")
    for abi3 in ((False, True) if bindings == "pyo3" else (False,))
)
IDS = [c.name for c in COMBINATIONS]


@dataclass(frozen=True)
class Built:
    project: Path
    wheel: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Each combination created by `cratewright new` and built once by `cratewright build`."""
    root = tmp_path_factory.mktemp("new-projects")
    results: dict[str, Built] = {}
    for combination in COMBINATIONS:
        project = root / combination.name
        created = run_cratewright("new", project, *combination.flags, "--license", "MIT")
        assert created.returncode == 0, created.stderr
        assert created.stdout.strip() == str(project)
        out = root / "wheels" / combination.name
        proc = run_cratewright("build", "-m", project, "-i", sys.executable, "-o", out)
        assert proc.returncode == 0, f"{combination.name}:\n{proc.stderr}"
        (wheel,) = out.glob("*.whl")
        results[combination.name] = Built(project, wheel)
    return results


def _check_program(combination: Combination) -> str:
    """Python that exercises the generated function the way the README tells users to."""
    module = combination.module
    if combination.bindings == "bin":
        return f"import {module}; assert {module}.greet('Ferris') == 'Hello, Ferris!'"
    if combination.bindings == "cffi":
        if combination.is_mixed:
            return (
                f"import {module}; assert {module}.add(2, 3) == 5; "
                f"assert {module}.lib.multiply(4, 5) == 20"
            )
        return (
            f"from {module} import lib; assert lib.add(2, 3) == 5; assert lib.multiply(4, 5) == 20"
        )
    return (
        f"import {module}; assert {module}.add(2, 3) == 5; "
        f"assert {module}.greet('Ferris') == 'Hello, Ferris!'"
    )


@pytest.mark.parametrize("combination", COMBINATIONS, ids=IDS)
def test_created_project_installs_and_works(
    combination: Combination, built: dict[str, Built], make_venv
) -> None:
    result = built[combination.name]
    names = tomllib.loads((result.project / "pyproject.toml").read_text())
    assert names["project"]["name"] == combination.name
    assert ("-cp39-abi3-" in result.wheel.name) == combination.abi3
    env: Venv = make_venv(combination.module)
    extra = "[tests]" if combination.is_mixed else ""
    env.pip_install(f"{result.wheel}{extra}")
    if combination.bindings == "bin" and not combination.is_mixed:
        ran = env.run([env.bin / combination.name, "Ferris"], cwd=env.path)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout == "Hello, Ferris!\n"
    else:
        ran = env.run([env.python, "-c", _check_program(combination)], cwd=env.path)
        assert ran.returncode == 0, ran.stdout + ran.stderr
    if combination.is_mixed:
        tests = env.run([env.bin / "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                        cwd=result.project)  # fmt: skip
        assert tests.returncode == 0, tests.stdout + tests.stderr
        assert " passed" in tests.stdout and "failed" not in tests.stdout


@pytest.mark.oracle
@pytest.mark.parametrize("combination", COMBINATIONS, ids=IDS)
def test_maturin_builds_created_project(
    combination: Combination, built: dict[str, Built], tmp_path: Path
) -> None:
    """maturin (test oracle) builds the same project into a wheel with the same files."""
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert maturin, "maturin (test oracle) must be installed in the test environment"
    result = built[combination.name]
    proc = subprocess.run(
        [maturin, "build", "-i", sys.executable, "-o", str(tmp_path)],
        cwd=result.project, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (theirs,) = tmp_path.glob("*.whl")
    assert theirs.name == result.wheel.name

    def files(wheel: Path) -> list[str]:
        return sorted(n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n)

    assert files(theirs) == files(result.wheel)

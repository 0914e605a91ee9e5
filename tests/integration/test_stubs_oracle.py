"""``--generate-stubs`` and ``generate-stubs -o`` write the same .pyi files as maturin 1.16.

Each stub test crate (pure, mixed, mixed with ``python-source``; every one with a submodule, a
class, functions with defaults and docstrings) is built by maturin (the oracle) and by
cratewright; the wheels must hold the same files, and every stub and ``py.typed`` the same
bytes. Then a script using the modules type-checks with mypy against the installed stubs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, Venv, run_cratewright

pytestmark = [pytest.mark.cargo, pytest.mark.oracle]

# crate -> the stub package generate-stubs writes (and replaces) in its output directory
STUB_CRATES = {
    "stubs-pure": "stubs_pure",
    "stubs-mixed": "stubs_mixed/_core",
    "stubs-python-source": "stubs_pysrc/_native",
}


def _seed_old_output(out: Path, package: str) -> None:
    """A stale stub in the package about to be written, and files beside it that must stay."""
    (out / package).mkdir(parents=True)
    (out / package / "stale.pyi").write_text("gone: int\n")
    (out / package).parent.joinpath("keep.txt").write_text("kept\n")


def _maturin(*args: str | os.PathLike[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    found = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert found, "maturin (test oracle) must be installed in the test environment"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [found, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env,
        timeout=1200, check=False,
    )  # fmt: skip


def _wheel_in(out: Path) -> Path:
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def stub_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Per crate: both tools' wheels and ``generate-stubs -o`` directories."""
    root = tmp_path_factory.mktemp("stubs")
    results: dict[str, dict[str, Path]] = {}
    for crate in STUB_CRATES:
        crate_dir = TEST_CRATES / crate
        out = {key: root / crate / key for key in ("maturin", "ours", "maturin-gs", "ours-gs")}
        proc = _maturin("build", "--generate-stubs", "-i", sys.executable, "-o", out["maturin"],
                        cwd=crate_dir)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        proc = run_cratewright("build", "-m", crate_dir, "--generate-stubs", "-i", sys.executable,
                               "-o", out["ours"])  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "📖 Type stub extracted from the built binary" in proc.stderr
        for key in ("maturin-gs", "ours-gs"):
            _seed_old_output(out[key], STUB_CRATES[crate])
        proc = _maturin("generate-stubs", "-i", sys.executable, "-o", out["maturin-gs"],
                        cwd=crate_dir)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        proc = run_cratewright("generate-stubs", "-m", crate_dir, "-i", sys.executable,
                               "-o", out["ours-gs"])  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        results[crate] = {
            "maturin": _wheel_in(out["maturin"]),
            "ours": _wheel_in(out["ours"]),
            "maturin-gs": out["maturin-gs"],
            "ours-gs": out["ours-gs"],
        }
    return results


@pytest.mark.parametrize("crate", STUB_CRATES)
def test_wheel_stubs_match_maturin(crate: str, stub_builds: dict[str, dict[str, Path]]) -> None:
    ours, theirs = stub_builds[crate]["ours"], stub_builds[crate]["maturin"]
    assert ours.name == theirs.name
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        stubs = [n for n in b.namelist() if n.endswith((".pyi", "py.typed"))]
        assert any(n.endswith("__init__.pyi") for n in stubs), stubs
        assert sum(n.endswith(".pyi") for n in stubs) >= 2, "a submodule has its own file"
        for name in stubs:
            assert a.read(name) == b.read(name), name


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("crate", STUB_CRATES)
def test_generate_stubs_writes_what_maturin_writes(
    crate: str, stub_builds: dict[str, dict[str, Path]]
) -> None:
    ours, theirs = _tree(stub_builds[crate]["ours-gs"]), _tree(stub_builds[crate]["maturin-gs"])
    assert ours == theirs
    package = STUB_CRATES[crate]
    assert f"{package}/__init__.pyi" in ours
    assert f"{package}/stale.pyi" not in ours  # the old stub package was replaced
    assert any(name.endswith("keep.txt") for name in ours)  # and nothing beside it


def _caused_by(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if "Caused by:" in line]


@pytest.mark.parametrize("verb", ["build", "generate-stubs"])
def test_crate_without_experimental_inspect_gets_maturins_message(
    verb: str, tmp_path: Path
) -> None:
    crate_dir = TEST_CRATES / "pyo3-pure"
    extra = ["--generate-stubs"] if verb == "build" else []
    theirs = _maturin(verb, *extra, "-i", sys.executable, "-o", tmp_path / "m", cwd=crate_dir)
    ours = run_cratewright(verb, *extra, "-m", crate_dir, "-i", sys.executable,
                           "-o", tmp_path / "o")  # fmt: skip
    assert theirs.returncode != 0 and ours.returncode == 1
    # maturin: "Failed to introspect ... feature?" then "No module named pyo3_pure found"
    expected = _caused_by(theirs.stderr)[-2:]
    assert expected[0].startswith("Caused by: Failed to introspect the built libraries")
    error = [line for line in ours.stderr.splitlines() if line.startswith("💥 error:")]
    assert error == [f"💥 error: {expected[0].removeprefix('Caused by: ')}"]
    assert _caused_by(ours.stderr) == expected[1:]
    assert "Traceback" not in ours.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())  # no half wheel


def test_generate_stubs_refuses_other_bindings(tmp_path: Path) -> None:
    crate_dir = TEST_CRATES / "cffi-pure"
    theirs = _maturin("generate-stubs", "-o", tmp_path / "m", cwd=crate_dir)
    ours = run_cratewright("generate-stubs", "-m", crate_dir, "-o", tmp_path / "o")
    assert theirs.returncode != 0 and ours.returncode == 1
    assert "Caused by: Stub generation is only possible in PyO3 projects" in theirs.stderr
    assert "💥 error: Stub generation is only possible in PyO3 projects" in ours.stderr
    assert "Compiling" not in ours.stderr  # refused before cargo runs, as maturin does


TYPED_SCRIPT = """
import stubs_mixed
import stubs_pure
import stubs_pysrc
from stubs_pure import text

point: stubs_pure.Point = stubs_pure.Point(3.0, y=4)
length: float = point.distance(stubs_pure.Point.origin())
words: str = stubs_pure.greet("crate", 2, sep="/", shout=True) + text.shout("hi", "?")
counted: int = text.WordCounter().feed("a b")
total: float = stubs_pure.total(1, 2.5, scale=None)
area: float = stubs_mixed.area_sum([stubs_mixed.Square(2.0)], 1.5)
encoded: str = stubs_mixed.io.codecs.encode_outline(stubs_mixed.io.parse_point("1")).text
timer = stubs_pysrc.Timer(5, label="t")
timer.ticks = timer.tick()
color, ratio = stubs_pysrc.mix(stubs_pysrc.Color.Red, ratio=0.25)
ms: float = stubs_pysrc.units.convert(1.0)
"""

BAD_SCRIPT = """
import stubs_pure
import stubs_pysrc

stubs_pure.greet("crate", sep=1)
stubs_pure.greet("crate", "twice")
stubs_pysrc.units.convert(1.0, unit=None)
stubs_pure.Point().y = 1.0
"""


def _mypy(venv: Venv, script: Path) -> subprocess.CompletedProcess[str]:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    assert mypy, "mypy (dev dependency) must be installed in the test environment"
    return subprocess.run(
        [mypy, "--strict", "--no-incremental", "--python-executable", venv.python, script],
        capture_output=True, text=True, timeout=600, check=False, cwd=script.parent,
    )  # fmt: skip


def test_script_type_checks_against_the_installed_stubs(
    stub_builds: dict[str, dict[str, Path]], make_venv, tmp_path: Path
) -> None:
    venv = make_venv("stubs")
    venv.pip_install(*(stub_builds[crate]["ours"] for crate in STUB_CRATES))
    for crate in STUB_CRATES:
        check = venv.run([venv.python, TEST_CRATES / crate / "check_installed.py"], cwd=venv.path)
        assert check.returncode == 0, check.stdout + check.stderr
    good = tmp_path / "uses_stubs.py"
    good.write_text(TYPED_SCRIPT)
    run = venv.run([venv.python, good], cwd=tmp_path)
    assert run.returncode == 0, run.stderr  # the script really runs against the modules
    checked = _mypy(venv, good)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bad = tmp_path / "misuses_stubs.py"
    bad.write_text(BAD_SCRIPT)
    checked = _mypy(venv, bad)
    assert checked.returncode == 1, checked.stdout
    lines = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in lines] == [5, 6, 7, 8], checked.stdout


def test_hand_written_stub_is_ignored_with_maturins_warning(tmp_path: Path) -> None:
    crate_dir = tmp_path / "stubs-pure"
    shutil.copytree(TEST_CRATES / "stubs-pure", crate_dir)
    (crate_dir / "stubs_pure.pyi").write_text("def hand_written() -> None: ...\n")
    theirs = _maturin("build", "--generate-stubs", "-i", sys.executable, "-o", tmp_path / "m",
                      cwd=crate_dir)  # fmt: skip
    ours = run_cratewright("build", "-m", crate_dir, "--generate-stubs", "-i", sys.executable,
                           "-o", tmp_path / "o")  # fmt: skip
    assert theirs.returncode == 0 and ours.returncode == 0, theirs.stderr + ours.stderr
    warning = "⚠️  Warning: Ignoring the type stub file at stubs_pure.pyi, stubs are automatically"
    assert warning in theirs.stderr and warning in ours.stderr
    with zipfile.ZipFile(_wheel_in(tmp_path / "o")) as a, \
            zipfile.ZipFile(_wheel_in(tmp_path / "m")) as b:  # fmt: skip
        init = "stubs_pure/__init__.pyi"
        assert a.read(init) == b.read(init)
        assert b"hand_written" not in a.read(init)

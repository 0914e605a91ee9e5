"""`cratewright audit` / `repair` and `build --auditwheel repair` through the real CLI.

The end-to-end test builds test-crates/pyo3-sqlite (links the system libsqlite3, which no
manylinux policy allows), sees it reported as needing repair, repairs it, installs it into a
fresh venv and proves the import loads the bundled copy, not the system one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cratewright
from cratewright.core.audit import analyze_elf
from tests.conftest import TEST_CRATES, forget_patched_cargo_output, run_cratewright
from tests.core.test_audit_support import make_wheel, private_extension

AUDITWHEEL = Path(sys.executable).parent / "auditwheel"
SQLITE = TEST_CRATES / "pyo3-sqlite"
EXT = "pyo3_sqlite/pyo3_sqlite.cpython-311-x86_64-linux-gnu.so"
SQLITE_SBOM = "pyo3_sqlite-0.1.0.dist-info/sboms/auditwheel.cdx.json"


def test_audit_json_for_several_inputs(tmp_path: Path) -> None:
    ext, helper = private_extension(tmp_path)
    wheel = make_wheel(tmp_path / "dist", {f"demo/{ext.name}": ext})
    broken = tmp_path / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"garbage")
    env = {**os.environ, "LD_LIBRARY_PATH": str(helper.parent)}
    proc = run_cratewright("audit", wheel, broken, "--json", env=env)
    assert proc.returncode == 1, proc.stderr  # one input could not be audited
    first, second = json.loads(proc.stdout)
    assert first["path"] == str(wheel)
    assert first["policy"] == "linux" and first["tag"] == "linux_x86_64"
    assert first["external_libraries"] == {"libhelper.so.1": str(helper)}
    assert first["repair_policy"] == "manylinux_2_5"
    assert "manylinux_2_5" in first["blocking"]
    assert first["libraries"][0]["needed"][0] == "libhelper.so.1"
    assert second["path"] == str(broken) and "not a valid zip file" in second["error"]


def test_audit_text_and_repair_verb(tmp_path: Path) -> None:
    ext, helper = private_extension(tmp_path)
    wheel = make_wheel(tmp_path / "dist", {f"demo/{ext.name}": ext})
    env = {**os.environ, "LD_LIBRARY_PATH": str(helper.parent)}
    proc = run_cratewright("audit", wheel, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "verdict: linux  (platform tag linux_x86_64)" in proc.stdout
    assert f"libhelper.so.1 => {helper} [EXTERNAL]" in proc.stdout
    assert "repair would bundle 1 library and reach manylinux_2_5" in proc.stdout

    out = tmp_path / "fixed"
    proc = run_cratewright("repair", wheel, "-o", out, "--plat", "manylinux_2_28", env=env)
    assert proc.returncode == 0, proc.stderr
    repaired = Path(proc.stdout.strip())
    assert repaired.parent == out
    assert repaired.name == "demo-1.0-cp311-cp311-manylinux_2_28_x86_64.whl"
    assert "🔗 Bundling external shared libraries" in proc.stderr

    proc = run_cratewright("repair", wheel, "-o", out, "--plat", "musllinux_1_2", env=env)
    assert proc.returncode == 1
    assert "💥 error: Cannot repair" in proc.stderr and "the files link glibc" in proc.stderr


def test_audit_bad_input_messages(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    proc = run_cratewright("audit", notes, tmp_path / "nope.whl")
    assert proc.returncode == 1
    assert "neither a wheel, a directory nor an ELF file" in proc.stderr
    assert "nope.whl: No such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def sqlite_unrepaired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sqlite-warn")
    forget_patched_cargo_output("pyo3_sqlite")  # a maturin run before may have left a patched copy
    proc = run_cratewright(
        "build", "-m", SQLITE, "-i", sys.executable, "--auditwheel", "warn", "-o", out
    )
    assert proc.returncode == 0, proc.stderr
    assert "libsqlite3.so.0" in proc.stderr and "--auditwheel=repair" in proc.stderr
    (wheel,) = out.glob("*.whl")
    return wheel


def _maps_of_import(venv_python: Path) -> list[str]:
    code = (
        "import pyo3_sqlite, sys\n"
        "assert pyo3_sqlite.sqlite_version().startswith('3.')\n"
        "print('\\n'.join(sorted({l.split()[-1] for l in open('/proc/self/maps')"
        " if 'libsqlite3' in l.split('/')[-1]})))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    done = subprocess.run(
        [str(venv_python), "-c", code], capture_output=True, text=True, cwd="/", env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.cargo
def test_sqlite_crate_needs_repair_then_imports_the_bundled_copy(
    sqlite_unrepaired: Path, tmp_path: Path, make_venv
) -> None:
    # 1. reported as needing repair, in agreement with auditwheel
    proc = run_cratewright("audit", sqlite_unrepaired, "--json")
    assert proc.returncode == 0, proc.stderr
    (report,) = json.loads(proc.stdout)
    assert report["policy"] == "linux"
    assert list(report["external_libraries"]) == ["libsqlite3.so.0"]
    assert report["repair_policy"] == "manylinux_2_34"
    oracle = json.loads(
        subprocess.run(
            [str(AUDITWHEEL), "show", "--json", str(sqlite_unrepaired)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    )
    assert oracle["overall_tag"] == "linux_x86_64"
    assert set(oracle["external_libs"]) == set(report["external_libraries"])

    # 2. repaired
    proc = run_cratewright("repair", sqlite_unrepaired, "-o", tmp_path / "fixed")
    assert proc.returncode == 0, proc.stderr
    repaired = Path(proc.stdout.strip())
    assert repaired.name == "pyo3_sqlite-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl"
    with zipfile.ZipFile(repaired) as zf:
        (bundled,) = [n for n in zf.namelist() if n.startswith("pyo3_sqlite.libs/")]
        zf.extract(EXT, tmp_path / "x")
    assert bundled.startswith("pyo3_sqlite.libs/libsqlite3-") and bundled.endswith(".so.0")
    ext = analyze_elf(tmp_path / "x" / EXT)
    assert Path(bundled).name in ext.needed and "libsqlite3.so.0" not in ext.needed
    assert ext.rpath == ("$ORIGIN/../pyo3_sqlite.libs",)
    after = json.loads(run_cratewright("audit", repaired, "--json").stdout)[0]
    assert after["policy"] == "manylinux_2_34" and after["external_libraries"] == {}

    # 3. installed into a fresh venv: the import maps the bundled copy and no system libsqlite3
    venv = make_venv("sqlite")
    venv.pip_install(repaired)
    maps = _maps_of_import(venv.python)
    assert maps, "libsqlite3 was not loaded at all"
    assert all("/site-packages/pyo3_sqlite" in m for m in maps), maps
    assert any(m.endswith(Path(bundled).name) for m in maps), maps
    proc = venv.run([venv.python, SQLITE / "check_installed.py"], cwd="/")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.cargo
def test_build_auditwheel_repair_writes_only_the_repaired_wheel(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cratewright("build", "-m", SQLITE, "-i", sys.executable, "-o", out,
                           "--auditwheel", "repair")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (wheel,) = out.iterdir()
    assert proc.stdout.strip().splitlines()[-1] == str(wheel)
    assert wheel.name == "pyo3_sqlite-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl"
    with zipfile.ZipFile(wheel) as zf:
        assert any(n.startswith("pyo3_sqlite.libs/libsqlite3-") for n in zf.namelist())
        assert SQLITE_SBOM in zf.namelist()

    # a repair that cannot succeed (policy below the symbol versions) leaves the out dir empty
    failed = tmp_path / "failed"
    proc = run_cratewright("build", "-m", SQLITE, "-i", sys.executable, "-o", failed,
                           "--auditwheel", "check")  # fmt: skip
    assert proc.returncode == 1
    assert "Re-run with `--auditwheel=repair`" in proc.stderr
    assert not failed.exists() or list(failed.iterdir()) == []


@pytest.mark.cargo
@pytest.mark.oracle
def test_repair_sbom_is_maturins(sqlite_unrepaired: Path, tmp_path: Path) -> None:
    proc = run_cratewright("repair", sqlite_unrepaired, "-o", tmp_path / "ours")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(proc.stdout.strip()) as zf:
        ours = zf.read(SQLITE_SBOM)
        record = zf.read("pyo3_sqlite-0.1.0.dist-info/RECORD").decode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(ours).digest()).rstrip(b"=").decode()
    assert f"{SQLITE_SBOM},sha256={digest},{len(ours)}" in record.splitlines()

    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    forget_patched_cargo_output("pyo3_sqlite")
    try:
        done = subprocess.run(
            [str(bin_dir / "maturin"), "build", "-i", sys.executable, "-o", str(tmp_path / "m")],
            cwd=SQLITE, capture_output=True, text=True, env=env, timeout=1200, check=False,
        )  # fmt: skip
    finally:
        forget_patched_cargo_output("pyo3_sqlite")
    assert done.returncode == 0, done.stderr
    (theirs_wheel,) = (tmp_path / "m").glob("*.whl")
    with zipfile.ZipFile(theirs_wheel) as zf:
        theirs = zf.read(SQLITE_SBOM)

    # byte for byte the same document, except that the tool is named cratewright
    assert json.loads(theirs)["metadata"]["tools"][0]["name"] == "maturin"
    assert json.loads(ours)["metadata"]["tools"] == [
        {"name": "cratewright", "version": cratewright.__version__}
    ]
    untooled = [re.sub(rb'"tools": \[[^\]]*\]', b'"tools": []', d) for d in (ours, theirs)]
    assert untooled[0] == untooled[1]
    components = json.loads(ours)["components"]
    assert components[1]["name"] == "libsqlite3-0"
    assert components[1]["purl"].startswith("pkg:deb/debian/libsqlite3-0@")

"""A crate whose extension needs a shared library that exists nowhere: cratewright vs maturin.

The crate is a copy of test-crates/pyo3-sqlite whose build script also compiles a tiny C library
into OUT_DIR with the soname ``libcwghost.so.1`` but the file name ``libcwghost.so``: the linker
is happy (``-lcwghost``), yet at audit time no directory, not even cargo's link-search path that
maturin adds, holds a file called ``libcwghost.so.1``. libsqlite3 is found as usual. Both tools
then list the two libraries (``=> not found`` / ``=> <path>``); ``warn`` builds a wheel,
``check`` refuses as for any external library, ``repair`` refuses because it cannot copy the
missing one, and ``skip`` does not look.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, forget_patched_cargo_output, run_cratewright

pytestmark = [pytest.mark.cargo, pytest.mark.oracle]

LIB_NAME = "pyo3_ghostlib"
SQLITE = "libsqlite3.so.0 => /"
GHOST = "libcwghost.so.1 => not found"

BUILD_RS = """\
use std::{env, fs, path::PathBuf, process::Command};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let source = out.join("ghost.c");
    fs::write(&source, "int cw_ghost_answer(void) { return 42; }\\n").unwrap();
    // The file is libcwghost.so, the name the output will need is libcwghost.so.1.
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-Wl,-soname,libcwghost.so.1", "-o"])
        .arg(out.join("libcwghost.so"))
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success());
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=dylib=cwghost");
    println!("cargo:rerun-if-changed=build.rs");
}
"""

GHOST_FUNCTION = """
    /// Calls into libcwghost, so the extension really needs it.
    #[pyfunction]
    fn ghost_answer() -> i32 {
        // SAFETY: a plain C function without arguments.
        unsafe { cw_ghost_answer() }
    }
}
"""


@dataclass(frozen=True)
class Outcome:
    """What one build run shows: exit code, the key message, the listed libraries, the tag."""

    returncode: int
    message: str
    listed: frozenset[str]
    tag: str | None


@pytest.fixture(scope="module")
def ghost_crate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyo3-sqlite, copied and renamed, plus a link to a library nobody can find later."""
    crate = tmp_path_factory.mktemp("missing") / "pyo3-ghostlib"
    shutil.copytree(TEST_CRATES / "pyo3-sqlite", crate, ignore=shutil.ignore_patterns("target"))
    for name in ("Cargo.toml", "Cargo.lock", "pyproject.toml"):
        path = crate / name
        path.write_text(path.read_text().replace("pyo3-sqlite", "pyo3-ghostlib"))
    cargo_toml = crate / "Cargo.toml"
    cargo_toml.write_text(cargo_toml.read_text().replace("pyo3_sqlite", LIB_NAME))
    lib_rs = crate / "src" / "lib.rs"
    source = lib_rs.read_text().replace("pyo3_sqlite", LIB_NAME)
    source = source.replace('extern "C" {', 'extern "C" {\n    fn cw_ghost_answer() -> c_int;', 1)
    body, closing = source.rstrip().rsplit("}", 1)
    assert closing == ""
    lib_rs.write_text(body + GHOST_FUNCTION.lstrip("\n"))
    (crate / "build.rs").write_text(BUILD_RS)
    return crate


def _outcome(proc: subprocess.CompletedProcess[str], out: Path, error_prefix: str) -> Outcome:
    lines = proc.stderr.splitlines()
    errors = [line.removeprefix(error_prefix) for line in lines if line.startswith(error_prefix)]
    warnings = [line for line in lines if line.startswith("⚠️  Warning: Your library requires")]
    listed = frozenset(line.strip() for line in lines if re.match(r"^    \S+ => ", line))
    wheels = sorted(p for p in out.glob("*.whl") if p.stat().st_size > 100) if out.exists() else []
    tag = wheels[0].stem.split("-")[-1] if wheels else None
    message = (errors or warnings or [""])[-1]
    return Outcome(proc.returncode, message, listed, tag)


def _ours(crate: Path, mode: str, out: Path) -> Outcome:
    proc = run_cratewright(
        "build", "-m", crate, "-i", sys.executable, "-o", out, "--auditwheel", mode
    )
    return _outcome(proc, out, "💥 error: ")


def _maturins(crate: Path, mode: str, out: Path) -> Outcome:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    forget_patched_cargo_output(LIB_NAME)
    try:
        proc = subprocess.run(
            [str(bin_dir / "maturin"), "build", "-i", sys.executable, "-o", str(out),
             "--auditwheel", mode],
            cwd=crate, env=env, capture_output=True, text=True, timeout=1200, check=False,
        )  # fmt: skip
    finally:
        forget_patched_cargo_output(LIB_NAME)
    return _outcome(proc, out, "  Caused by: ")


EXPECTED = {
    "repair": (
        1,
        "Cannot repair wheel, because required library libcwghost.so.1 could not be located.",
    ),
    "check": (
        1,
        "Your library requires copying the above external libraries. "
        "Re-run with `--auditwheel=repair` to copy them.",
    ),
    "warn": (
        0,
        "⚠️  Warning: Your library requires copying the above external libraries. "
        "Re-run with `--auditwheel=repair` to copy them into the wheel.",
    ),
    "skip": (0, ""),
}


@pytest.mark.parametrize("mode", ["repair", "check", "warn", "skip"])
def test_missing_library_like_maturin(ghost_crate: Path, tmp_path: Path, mode: str) -> None:
    ours = _ours(ghost_crate, mode, tmp_path / "ours")
    theirs = _maturins(ghost_crate, mode, tmp_path / "maturin")

    assert (theirs.returncode, theirs.message) == EXPECTED[mode]
    assert (ours.returncode, ours.message) == EXPECTED[mode]
    assert ours.tag == theirs.tag
    # the same libraries, resolved the same way (maturin's order varies from run to run)
    assert ours.listed == theirs.listed
    if mode == "skip":
        assert ours.tag == "linux_x86_64" and ours.listed == frozenset()
    else:
        assert GHOST in ours.listed
        assert any(line.startswith(SQLITE) for line in ours.listed)
    if mode == "warn":
        assert ours.tag == "manylinux_2_34_x86_64"
    if ours.returncode != 0:
        # maturin leaves an empty .whl behind when it fails; cratewright writes nothing
        out = tmp_path / "ours"
        assert not out.exists() or list(out.iterdir()) == []

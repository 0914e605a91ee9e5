"""`build --auditwheel repair` bundles a library a build script built into OUT_DIR, like maturin.

The crate is a copy of test-crates/pyo3-sqlite whose build script compiles a tiny C library into
``$OUT_DIR/libcwhelper.so`` (soname ``libcwhelper.so``) and tells cargo to link it from there.
No system directory holds that library, so only the build scripts' ``cargo:rustc-link-search``
directories, which maturin 1.16 searches after all the usual ones, let the repair find and bundle
it. The repaired wheel must then import in a fresh virtualenv without OUT_DIR anywhere in sight,
and bundle exactly the files maturin bundles.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cratewright.core.build.compile import link_search_dirs
from tests.conftest import TEST_CRATES, forget_patched_cargo_output, run_cratewright

LIB_NAME = "pyo3_outdirlib"
DIST = "pyo3_outdirlib"

BUILD_RS = """\
use std::{env, fs, path::PathBuf, process::Command};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let source = out.join("helper.c");
    fs::write(&source, "int cw_helper_answer(int x) { return x * 2 + 1; }\\n").unwrap();
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-Wl,-soname,libcwhelper.so", "-o"])
        .arg(out.join("libcwhelper.so"))
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success());
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=dylib=cwhelper");
    println!("cargo:rerun-if-changed=build.rs");
}
"""

HELPER_FUNCTION = """
    /// Calls into libcwhelper, so the extension really needs it at import time.
    #[pyfunction]
    fn helper_answer(x: i32) -> i32 {
        // SAFETY: a plain C function of one int.
        unsafe { cw_helper_answer(x) }
    }
}
"""


@pytest.fixture(scope="module")
def outdir_crate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyo3-sqlite, copied and renamed, plus a shared library built into OUT_DIR."""
    crate = tmp_path_factory.mktemp("linksearch") / "pyo3-outdirlib"
    shutil.copytree(TEST_CRATES / "pyo3-sqlite", crate, ignore=shutil.ignore_patterns("target"))
    for name in ("Cargo.toml", "Cargo.lock", "pyproject.toml"):
        path = crate / name
        path.write_text(path.read_text().replace("pyo3-sqlite", "pyo3-outdirlib"))
    cargo_toml = crate / "Cargo.toml"
    cargo_toml.write_text(cargo_toml.read_text().replace("pyo3_sqlite", LIB_NAME))
    lib_rs = crate / "src" / "lib.rs"
    source = lib_rs.read_text().replace("pyo3_sqlite", LIB_NAME)
    source = source.replace(
        'extern "C" {', 'extern "C" {\n    fn cw_helper_answer(x: c_int) -> c_int;', 1
    )
    body, closing = source.rstrip().rsplit("}", 1)
    assert closing == ""
    lib_rs.write_text(body + HELPER_FUNCTION.lstrip("\n"))
    (crate / "build.rs").write_text(BUILD_RS)
    return crate


def _only_wheel(out: Path) -> Path:
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _bundled(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(n for n in archive.namelist() if n.startswith(f"{DIST}.libs/"))


def _maturin_repair(crate: Path, out: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    forget_patched_cargo_output(LIB_NAME)
    try:
        return subprocess.run(
            [str(bin_dir / "maturin"), "build", "-i", sys.executable, "-o", str(out),
             "--auditwheel", "repair"],
            cwd=crate, env=env, capture_output=True, text=True, timeout=1200, check=False,
        )  # fmt: skip
    finally:
        forget_patched_cargo_output(LIB_NAME)


@pytest.mark.cargo
@pytest.mark.oracle
def test_repair_bundles_out_dir_library_like_maturin(
    outdir_crate: Path, tmp_path: Path, make_venv
) -> None:
    ours_out = tmp_path / "ours"
    proc = run_cratewright(
        "build", "-m", outdir_crate, "-i", sys.executable, "-o", ours_out,
        "--auditwheel", "repair",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    ours = _only_wheel(ours_out)
    assert proc.stdout.strip().splitlines()[-1] == str(ours)

    bundled = _bundled(ours)
    names = [name.rsplit("/", 1)[1] for name in bundled]
    helper = [n for n in names if n.startswith("libcwhelper-")]
    assert len(helper) == 1 and helper[0].endswith(".so"), names
    assert any(n.startswith("libsqlite3-") for n in names), names
    assert "libcwhelper.so" in proc.stderr  # listed among the libraries it bundles

    # installs and runs where OUT_DIR is not on any search path
    env = make_venv()
    env.pip_install(ours)
    check = env.run(
        [env.python, "-c",
         f"import {LIB_NAME} as m; print(m.helper_answer(20), m.sqlite_version_number() > 0)"],
        cwd=tmp_path,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == ["41", "True"]

    theirs_proc = _maturin_repair(outdir_crate, tmp_path / "maturin")
    assert theirs_proc.returncode == 0, theirs_proc.stderr
    theirs = _only_wheel(tmp_path / "maturin")
    assert theirs.name == ours.name
    assert _bundled(theirs) == bundled


def test_link_search_dirs_follow_maturin() -> None:
    """Only dylib-linking scripts count; KIND= is stripped, other kinds and repeats dropped."""
    scripts = [
        {"linked_libs": ["dylib=cwhelper"], "linked_paths": ["native=/a", "/b", "native=/a"]},
        {"linked_libs": ["static=z"], "linked_paths": ["native=/static-only"]},
        {"linked_libs": ["ssl"], "linked_paths": ["all=/c", "crate=/d", "framework=/e", "/b"]},
        {"linked_libs": ["dylib:+verbatim=libx.so"], "linked_paths": ["dependency=/f", "/g"]},
        {"linked_libs": [], "linked_paths": ["/never"]},
        {"out_dir": "/no-links"},
    ]
    assert link_search_dirs(scripts) == [Path(p) for p in ("/a", "/b", "/c", "/g")]

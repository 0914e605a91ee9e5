"""`--compatibility`, `--auditwheel` and `--strip` through the real CLI on a real crate."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, run_cratewright

pytestmark = pytest.mark.cargo

CRATE = TEST_CRATES / "hello-bin"


def _wheel(out: Path) -> Path:
    (wheel,) = out.glob("*.whl")
    return wheel


def test_auditwheel_skip_gives_linux_tag(tmp_path: Path) -> None:
    proc = run_cratewright("build", "-m", CRATE, "--auditwheel", "skip", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _wheel(tmp_path).name == "hello_bin-0.1.0-py3-none-linux_x86_64.whl"


def test_requested_policy_too_old_for_this_glibc_fails(tmp_path: Path) -> None:
    """Built on glibc 2.36, a Rust binary needs symbols newer than manylinux2014 allows."""
    proc = run_cratewright("build", "-m", CRATE, "--compatibility", "manylinux2014", "-o", tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert (
        "is not manylinux_2_17 (aka manylinux2014) compliant because of the presence of "
        "too-recent versioned symbols" in proc.stderr
    )
    assert "GLIBC_2." in proc.stderr
    assert not list(tmp_path.glob("*.whl"))


def test_requested_linux_tag(tmp_path: Path) -> None:
    proc = run_cratewright("build", "-m", CRATE, "--compatibility", "linux", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _wheel(tmp_path).name.endswith("-linux_x86_64.whl")


def test_strip_makes_a_smaller_binary(tmp_path: Path) -> None:
    sizes = {}
    for strip in ("false", "true"):
        out = tmp_path / strip
        proc = run_cratewright("build", "-m", CRATE, f"--strip={strip}", "-o", out)
        assert proc.returncode == 0, proc.stderr
        info = zipfile.ZipFile(_wheel(out)).getinfo("hello_bin-0.1.0.data/scripts/hello-bin")
        sizes[strip] = info.file_size
    assert sizes["true"] < sizes["false"]


def _maturin_error(args: list[str], out: Path) -> str:
    """maturin's (the oracle's) last error line for the same build."""
    maturin = Path(sys.executable).parent / "maturin"
    proc = subprocess.run(
        [str(maturin), "build", *args, "-o", str(out)],
        cwd=CRATE, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    return proc.stderr.strip().splitlines()[-1].strip()


@pytest.mark.oracle
def test_compatibility_pypi_refuses_a_linux_wheel_as_maturin(tmp_path: Path) -> None:
    proc = run_cratewright("build", "-m", CRATE, "--compatibility", "pypi", "linux",
                           "-o", tmp_path / "ours")  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    expected = (
        "PyPI validation failed: Platform tag 'linux_x86_64' in wheel "
        "'hello_bin-0.1.0-py3-none-linux_x86_64.whl' is not allowed by PyPI"
    )
    assert f"💥 error: {expected}" in proc.stderr
    assert not (tmp_path / "ours").exists() or not list((tmp_path / "ours").iterdir())
    theirs = _maturin_error(["--compatibility", "pypi", "linux"], tmp_path / "theirs")
    assert theirs == f"Caused by: {expected}"


def test_compatibility_pypi_alone_gives_a_manylinux_wheel(tmp_path: Path) -> None:
    proc = run_cratewright("build", "-m", CRATE, "--compatibility", "pypi", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "-manylinux_2_" in _wheel(tmp_path).name


def test_compatibility_pypi_refuses_an_unsupported_target_before_compiling(
    tmp_path: Path,
) -> None:
    proc = run_cratewright("build", "-m", CRATE, "--compatibility", "pypi",
                           "--target", "mips64-unknown-linux-gnuabi64", "-o", tmp_path)  # fmt: skip
    assert proc.returncode == 1
    assert (
        "💥 error: Rust target mips64-unknown-linux-gnuabi64 is not supported by PyPI"
        in proc.stderr
    )
    assert "Compiling" not in proc.stderr

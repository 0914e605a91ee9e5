"""`--compatibility`, `--auditwheel` and `--strip` through the real CLI on a real crate."""

from __future__ import annotations

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

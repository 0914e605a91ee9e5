"""`cratewright build` turns every expected failure into one clear line and a non-zero exit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, run_cratewright


def _copy(crate: str, tmp_path: Path) -> Path:
    dest = tmp_path / crate
    shutil.copytree(TEST_CRATES / crate, dest)
    return dest


def _assert_clean_failure(proc, message: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("💥 error: ") or "hint:" in last, proc.stderr
    assert message in proc.stderr, proc.stderr


def test_cargo_missing(tmp_path: Path) -> None:
    crate = _copy("hello-bin", tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CARGO"}
    env["PATH"] = "/usr/bin:/bin"
    env["HOME"] = str(tmp_path / "home")
    proc = run_cratewright("build", "-m", crate, env=env)
    _assert_clean_failure(proc, "cargo was not found")


def test_unknown_bindings_in_pyproject(tmp_path: Path) -> None:
    crate = _copy("hello-bin", tmp_path)
    (crate / "pyproject.toml").write_text('[tool.maturin]\nbindings = "pyo4"\n')
    proc = run_cratewright("build", "-m", crate)
    _assert_clean_failure(proc, "bindings = 'pyo4' is not one of")


def test_unknown_bindings_flag() -> None:
    proc = run_cratewright("build", "-b", "pyo4")
    assert proc.returncode == 2
    assert "invalid choice: 'pyo4'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_python_source(tmp_path: Path) -> None:
    crate = _copy("pyo3-mixed", tmp_path)
    shutil.rmtree(crate / "python")
    proc = run_cratewright("build", "-m", crate)
    _assert_clean_failure(proc, "python-source is set to `python` but the directory does not exist")


def test_invalid_version(tmp_path: Path) -> None:
    crate = _copy("hello-bin", tmp_path)
    text = (crate / "pyproject.toml").read_text()
    (crate / "pyproject.toml").write_text(
        text.replace('dynamic = ["version"]', 'version = "one point oh"')
    )
    assert "one point oh" in (crate / "pyproject.toml").read_text()
    proc = run_cratewright("build", "-m", crate)
    _assert_clean_failure(proc, "one point oh")


def test_broken_pyproject(tmp_path: Path) -> None:
    crate = _copy("hello-bin", tmp_path)
    (crate / "pyproject.toml").write_text("[project\nname = 'x'\n")
    proc = run_cratewright("build", "-m", crate)
    _assert_clean_failure(proc, "pyproject.toml is invalid TOML")


@pytest.mark.parametrize(
    "script", ["#!/bin/sh\necho boom >&2\nexit 3\n", "#!/bin/sh\necho garbage\n"]
)
def test_interpreter_that_does_not_run(tmp_path: Path, script: str) -> None:
    crate = _copy("pyo3-pure", tmp_path)
    fake = tmp_path / "python3.99"
    fake.write_text(script)
    fake.chmod(0o755)
    proc = run_cratewright("build", "-m", crate, "-i", fake)
    _assert_clean_failure(proc, str(fake))


def test_interpreter_not_found(tmp_path: Path) -> None:
    crate = _copy("pyo3-pure", tmp_path)
    proc = run_cratewright("build", "-m", crate, "-i", "python3.98")
    _assert_clean_failure(proc, "could not be found")

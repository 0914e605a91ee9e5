"""`cratewright list-python` and `list-targets` through the real CLI, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, run_cratewright


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CRATEWRIGHT_CACHE_DIR": str(tmp_path / "cache")}


def _broken(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho 'Fatal Python error: no encodings' >&2\nexit 1\n")
    path.chmod(0o755)
    return path


def test_list_python_text(env, tmp_path: Path):
    broken = _broken(tmp_path / "broken" / "python3")
    proc = run_cratewright("list-python", "--add", broken, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("🐍 ") and lines[0].endswith("python interpreters found:")
    header = lines[1].split()
    assert header[:3] == ["KIND", "VERSION", "ABI"]
    # The running interpreter's base is listed with its ABI tag.
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert any(line.startswith(" - CPython") and f" {tag} " in line for line in lines)
    assert (
        f" - {broken}: Trying to get metadata from the python interpreter '{broken}' failed "
        "(exit code 1): Fatal Python error: no encodings"
    ) in lines


def test_list_python_json_and_project_usability(env, tmp_path: Path):
    broken = _broken(tmp_path / "broken" / "python3")
    proc = run_cratewright(
        "list-python", "--json", "-m", TEST_CRATES / "pyo3-abi3", "--add", broken, env=env
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    items = {item["path"]: item for item in data["interpreters"]}
    bad = items[str(broken)]
    assert bad["usable"] is False and bad["status"] == "unusable"
    assert "Fatal Python error: no encodings" in bad["reason"]
    assert bad["error"] == bad["reason"]
    working = [item for item in data["interpreters"] if item["error"] is None]
    assert working
    for item in working:
        truth = subprocess.run(
            [item["path"], "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        assert [str(item["major"]), str(item["minor"])] == truth
        if item["implementation"] == "cpython" and item["minor"] >= 9:
            assert item["usable"], item
            assert item["reason"] == "covered by the abi3 wheel (CPython >= 3.9)"
        if item["minor"] < 9:
            assert not item["usable"]
            assert "requires-python >=3.9" in item["reason"]


def test_second_listing_probes_nothing(env, tmp_path: Path):
    first = json.loads(run_cratewright("list-python", "--json", env=env, cwd=tmp_path).stdout)
    second = json.loads(run_cratewright("list-python", "--json", env=env, cwd=tmp_path).stdout)
    assert first["probed"] > 0
    assert second["probed"] == 0
    assert second["interpreters"] == first["interpreters"]
    fresh = run_cratewright("list-python", "--json", "--no-cache", env=env, cwd=tmp_path)
    assert json.loads(fresh.stdout)["probed"] == first["probed"]


def test_list_python_bad_project_is_an_error(env, tmp_path: Path):
    proc = run_cratewright("list-python", "-m", tmp_path / "nothing-here", env=env)
    assert proc.returncode == 1
    assert proc.stderr.startswith("💥 error: ")


@pytest.mark.oracle
def test_list_python_finds_what_maturin_finds(env, tmp_path: Path):
    maturin = Path(sys.executable).parent / "maturin"
    theirs = subprocess.run([str(maturin), "list-python"], capture_output=True, text=True,
                            check=True, cwd=tmp_path).stderr  # fmt: skip
    data = json.loads(run_cratewright("list-python", "--json", env=env, cwd=tmp_path).stdout)
    ours = {Path(p).resolve() for item in data["interpreters"]
            for p in [item["path"], *item["aliases"]]}  # fmt: skip
    listed = [line.split(" at ", 1)[1] for line in theirs.splitlines() if line.startswith(" - ")]
    assert listed
    for path in listed:
        assert Path(path).resolve() in ours, path


def test_list_targets(env):
    proc = run_cratewright("list-targets", env=env)
    assert proc.returncode == 0, proc.stderr
    host = next(
        line[6:]
        for line in subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout.split(
            "\n"
        )
        if line.startswith("host: ")
    )
    lines = proc.stdout.splitlines()
    assert lines[0] == f"host: {host}"
    assert lines[1].startswith("zig:  ") and "--zig builds work" in lines[1]
    assert f" - {host} (host)" in lines
    data = json.loads(run_cratewright("list-targets", "--json", env=env).stdout)
    assert data["host"] == host
    assert data["targets"][0] == {"triple": host, "host": True, "installed": True,
                                  "buildable": True}  # fmt: skip
    assert data["zig"]["version"]
    every = run_cratewright("list-targets", "--all", env=env).stdout.splitlines()
    assert len(every) > len(lines) + 50

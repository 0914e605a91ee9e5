"""The workspace wrapper that keeps the checkout folder out of rustc's output."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cratewright.core.build.path_remap import (
    WRAPPER_VARIABLE,
    remap_wrapper,
    workspace_wrapper_env,
)


def test_the_wrapper_appends_a_remap_of_its_working_directory(tmp_path: Path) -> None:
    wrapper = remap_wrapper(tmp_path / "cache")
    assert os.access(wrapper, os.X_OK)
    workdir = tmp_path / "checkout"
    workdir.mkdir()
    link = tmp_path / "link"
    link.symlink_to(workdir)
    # an inherited logical $PWD through a symlink: rustc still sees the physical folder
    env = {**os.environ, "PWD": str(link)}
    proc = subprocess.run([str(wrapper), "echo", "rustc", "--crate-name", "x"], cwd=link,
                          env=env, capture_output=True, text=True, check=True)  # fmt: skip
    physical = workdir.resolve()
    assert proc.stdout.split() == [
        "rustc",
        "--crate-name",
        "x",
        f"--remap-path-prefix={physical}=.",
    ]


def test_the_wrapper_is_rewritten_only_when_it_changed(tmp_path: Path) -> None:
    wrapper = remap_wrapper(tmp_path)
    stamp = wrapper.stat().st_mtime_ns
    assert remap_wrapper(tmp_path) == wrapper and wrapper.stat().st_mtime_ns == stamp
    wrapper.write_text("#!/bin/sh\nexit 1\n")
    assert remap_wrapper(tmp_path).read_text().endswith('"--remap-path-prefix=$(pwd -P)=."\n')
    assert [p.name for p in tmp_path.iterdir()] == [wrapper.name]  # no temp file left


def test_a_users_own_workspace_wrapper_wins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CRATEWRIGHT_CACHE_DIR", str(tmp_path))
    assert workspace_wrapper_env({WRAPPER_VARIABLE: "/usr/bin/clippy-driver"}) == {}
    ours = workspace_wrapper_env({})
    assert ours == {WRAPPER_VARIABLE: str(tmp_path / "rustc-remap-workspace-v2")}


def test_an_unwritable_cache_is_an_oserror_the_build_turns_into_a_warning(
    tmp_path: Path, monkeypatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CRATEWRIGHT_CACHE_DIR", str(blocker))
    with pytest.raises(OSError):
        workspace_wrapper_env({})

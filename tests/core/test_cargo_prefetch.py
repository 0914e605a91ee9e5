"""`cargo metadata` started early (desktop start-up) is the same answer as the normal call."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cratewright.core.cargo import prefetch
from cratewright.core.cargo.metadata import load_cargo_metadata
from cratewright.core.cargo.prefetch import metadata_args, prefetch_metadata, take_prefetched
from cratewright.errors import CratewrightError
from tests.conftest import TEST_CRATES


def test_prefetched_metadata_is_used_once_and_equals_the_normal_call() -> None:
    manifest = TEST_CRATES / "pyo3-mixed" / "Cargo.toml"
    normal = load_cargo_metadata(manifest)
    assert prefetch_metadata(manifest)
    assert tuple(metadata_args(manifest)) in prefetch._STARTED
    early = load_cargo_metadata(manifest)
    assert tuple(metadata_args(manifest)) not in prefetch._STARTED, "taken by the load"
    assert early.raw == normal.raw
    assert take_prefetched(metadata_args(manifest)) is None


def test_a_failed_prefetch_falls_back_to_the_normal_error(tmp_path: Path) -> None:
    crate = tmp_path / "broken"
    shutil.copytree(TEST_CRATES / "hello-bin", crate)
    (crate / "Cargo.toml").write_text('[package]\nname = "x"\nversion = \n')
    assert prefetch_metadata(crate / "Cargo.toml")
    with pytest.raises(CratewrightError) as caught:
        load_cargo_metadata(crate / "Cargo.toml")
    assert "Cargo.toml" in str(caught.value)


def test_nothing_to_prefetch_without_a_manifest(tmp_path: Path) -> None:
    assert not prefetch_metadata(tmp_path / "Cargo.toml")


def test_a_folder_name_with_spaces_and_quotes_is_entered_as_is(tmp_path: Path) -> None:
    crate = tmp_path / "with space" / 'it\'s "here" $HOME'
    shutil.copytree(TEST_CRATES / "hello-bin", crate)
    manifest = crate / "Cargo.toml"
    normal = load_cargo_metadata(manifest)
    assert prefetch_metadata(manifest)
    early = load_cargo_metadata(manifest)
    assert tuple(metadata_args(manifest)) not in prefetch._STARTED, "taken by the load"
    assert early.raw == normal.raw


def test_a_second_prefetch_replaces_the_first_and_leaves_no_process(tmp_path: Path) -> None:
    manifest = TEST_CRATES / "hello-bin" / "Cargo.toml"
    assert prefetch_metadata(manifest)
    first = prefetch._STARTED[tuple(metadata_args(manifest))].pid
    assert prefetch_metadata(manifest)
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)  # already reaped: not a zombie, not running
    assert take_prefetched(metadata_args(manifest)) is not None

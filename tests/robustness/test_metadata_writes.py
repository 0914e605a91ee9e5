"""Metadata writes after faults: stale temp files of a killed save are cleaned on the next
write, and replacing an array element changes only that element's text."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from cratewright.core.metadata.edit import MetadataSession
from cratewright.core.user_files import STALE_TEMP_SECONDS
from tests.conftest import TEST_CRATES

KEYWORDS = 'keywords = [\n    "a",  # first\n    "b",   # second, two spaces more\n    "c",\n]\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "hello-bin"
    shutil.copytree(TEST_CRATES / "hello-bin", root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[project]\n", f"[project]\n{KEYWORDS}", 1))
    return root


def _set(root: Path, key: str, value: object) -> str:
    session = MetadataSession.open(root)
    session.set_field(key, value)
    session.save()
    return (root / "pyproject.toml").read_text()


def test_replacing_an_element_keeps_its_comment_and_the_neighbours(project: Path) -> None:
    before = (project / "pyproject.toml").read_text()
    after = _set(project, "keywords", ["a", "B", "c"])
    assert after == before.replace('    "b",   # second', '    "B",   # second')


def test_replacing_several_and_growing_keeps_comments(project: Path) -> None:
    after = _set(project, "keywords", ["A", "B", "c", "d"])
    assert '    "A",  # first\n    "B",   # second, two spaces more\n    "c",\n' in after
    assert '"d"' in after
    assert _set(project, "keywords", ["A", "c", "d"]).count("# first") == 1


def test_stale_temp_files_of_ours_are_removed_on_the_next_write(project: Path) -> None:
    old = time.time() - STALE_TEMP_SECONDS - 5
    stale = project / ".pyproject.toml.k1ll3d_x.tmp"  # what a killed save leaves
    fresh = project / ".pyproject.toml.runn1ng0.tmp"  # another save, in progress right now
    foreign = project / ".pyproject.toml.someone-elses.tmp"
    for path in (stale, fresh, foreign):
        path.write_text("partial")
    os.utime(stale, (old, old))
    os.utime(foreign, (old, old))
    _set(project, "keywords", ["x"])
    assert not stale.exists()
    assert fresh.exists(), "a temp file younger than a minute may belong to a running save"
    assert foreign.exists(), "only names of our own pattern are touched"
    leftovers = sorted(p.name for p in project.glob(".pyproject.toml.*"))
    assert leftovers == sorted([foreign.name, fresh.name])


def test_a_killed_wheel_write_leaves_nothing_after_the_next_one(tmp_path: Path) -> None:
    """SIGKILL cannot be handled; the next write of the same wheel removes what it left."""
    from cratewright.core.wheel.writer import WheelWriter

    writer = WheelWriter("demo", "1.0", ["py3-none-any"])
    writer.add_bytes("demo/__init__.py", b"")
    writer.add_dist_info("METADATA", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".{writer.filename}.tmp-k1ll3d_9"
    stale.write_bytes(b"\0" * 1024)
    old = time.time() - STALE_TEMP_SECONDS - 5
    os.utime(stale, (old, old))
    path = writer.write(out)
    assert sorted(p.name for p in out.iterdir()) == [path.name]

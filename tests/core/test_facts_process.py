"""The app's start-up facts process: the same facts as a load, cargo run once, nothing left."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cratewright.core.cargo import prefetch
from cratewright.core.cargo.prefetch import metadata_args
from cratewright.core.metadata.facts_process import start_facts_process
from cratewright.core.metadata.overview import load_overview
from cratewright.core.metadata.overview_facts import facts_of
from cratewright.errors import CratewrightError
from tests.conftest import TEST_CRATES

pytestmark = pytest.mark.cargo


@pytest.fixture(autouse=True)
def _no_answers_left():
    """Each test starts and ends with no handed-over cargo answer."""
    prefetch._ANSWERS.clear()
    yield
    prefetch._ANSWERS.clear()


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize(
    "crate", ["pyo3-mixed", "hello-bin", "workspace", "uniffi-workspace", "cffi-pure"]
)
def test_the_childs_facts_are_what_the_load_gives(crate: str) -> None:
    child = start_facts_process(TEST_CRATES / crate)
    assert child is not None
    facts = child.result(timeout=120)
    assert facts is not None
    assert facts == facts_of(load_overview(TEST_CRATES / crate))
    json.dumps(facts)  # plain data: any transport carries it
    assert facts["name"] and facts["targets"]


def test_cargos_answer_is_used_by_the_next_load_once(monkeypatch) -> None:
    crate = TEST_CRATES / "pyo3-pure"
    child = start_facts_process(crate)
    assert child is not None and child.result(timeout=120) is not None
    monkeypatch.setenv("CARGO", "/nonexistent/bin/cargo")  # any cargo run now fails
    monkeypatch.setenv("PATH", "/nonexistent")
    overview = load_overview(crate)  # cargo's answer came from the child
    assert overview.name == "pyo3-pure"
    with pytest.raises(CratewrightError):
        load_overview(crate)  # used once: this one had to run cargo


def test_a_broken_project_gives_no_facts_and_leaves_no_process(tmp_path: Path) -> None:
    crate = tmp_path / "broken"
    crate.mkdir()
    (crate / "Cargo.toml").write_text('[package]\nname = "broken"\nversion = [\n')
    child = start_facts_process(crate)
    assert child is not None
    pid = child._pid
    assert child.result(timeout=60) is None
    assert _reaped(pid)
    assert not prefetch._ANSWERS, "a failed child must hand over no cargo answer"


def test_discard_stops_the_child_and_its_cargo(tmp_path: Path, monkeypatch) -> None:
    """A cargo that hangs (waiting for a lock, say) is stopped with the child."""
    pids = tmp_path / "cargo.pid"
    cargo = tmp_path / "cargo"
    cargo.write_text(f"#!/bin/sh\necho $$ > {pids}\nexec sleep 600\n")
    cargo.chmod(0o755)
    monkeypatch.setenv("CARGO", str(cargo))
    child = start_facts_process(TEST_CRATES / "hello-bin")
    assert child is not None
    deadline = time.monotonic() + 30
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    cargo_pid = int(pids.read_text())
    child.discard()
    assert _reaped(child._pid)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{cargo_pid}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{cargo_pid}/stat").read_text().split()[2]
        if state == "Z":  # dead, waiting for init to reap it
            break
        time.sleep(0.02)
    alive = Path(f"/proc/{cargo_pid}").exists()
    assert not alive or Path(f"/proc/{cargo_pid}/stat").read_text().split()[2] == "Z"


def test_the_handed_over_call_is_the_one_the_load_makes() -> None:
    """A workspace whose pyproject names a member: the handed-over call is the member's."""
    child = start_facts_process(TEST_CRATES / "workspace")
    assert child is not None and child.result(timeout=120) is not None
    (args,) = prefetch._ANSWERS.keys()
    overview = load_overview(TEST_CRATES / "workspace")
    assert list(args) == metadata_args(overview.project.cargo_toml)
    assert not prefetch._ANSWERS  # the load took it

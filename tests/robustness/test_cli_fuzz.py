"""The net for the command line: odd option values on the verbs that only read, plan, build
or write into a scratch folder end as exit 0, 1 (`💥 error:`) or 2 (usage), never as the last
resort's exit 70 or a traceback.

Every value names something inside the example's own folder or nothing at all (outputs are
never pointed at real files). Verbs that reach the network, the keyring, a Python
environment or a display (publish, upload, credentials, develop, gui) are left to their own
tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cratewright import cli
from tests.conftest import TEST_CRATES
from tests.robustness.test_cli_last_resort import _leaf_parsers

pytestmark = pytest.mark.cargo

EXAMPLES = max(1, int(os.environ.get("CRATEWRIGHT_FUZZ_EXAMPLES", "2000")) // 10)
VERBS = ("build", "sdist", "audit", "repair", "list-targets", "metadata show", "metadata set")
STATS: dict[str, int] = {"cases": 0, "ok": 0, "expected": 0, "usage": 0}

ODD_VALUES = [
    "", " ", "-", "--", "x", "0", "-1", "1e400", "nan", "true", "maybe", "a=b", "=", "a,b,,c",
    "\x85", "é", "\U0001F4A5", "x" * 5000, "../w/p", "p", "p/Cargo.toml", "p/pyproject.toml",
    "missing", "fifo", "loop", "file", "file/below", "x86_64-unknown-linux-gnu", "pyo3",
    "manylinux_2_17", "musllinux_1_2", "2_28", "linux", "pypi", "release", "dev", "version",
    "keywords", "urls", "Homepage=https://e.x", "Name <a@b>", "<>", "readme", "license",
]  # fmt: skip


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]


LEAVES = {" ".join(verb): parser for verb, parser in _leaf_parsers(cli._build_parser())}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-fuzz")
    return root


def _fresh(root: Path) -> Path:
    work = root / "w"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    shutil.copytree(TEST_CRATES / "hello-bin", work / "p", ignore=shutil.ignore_patterns("target"))
    os.mkfifo(work / "fifo")
    (work / "loop").symlink_to("loop")
    (work / "file").write_text("a file")
    return work


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,  # measured around the command below
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_odd_option_values_never_reach_the_last_resort(
    folder: Path, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    work = _fresh(folder)
    monkeypatch.chdir(work)
    verb = data.draw(st.sampled_from(VERBS))
    parser = LEAVES[verb]
    argv = verb.split()
    for action in _options(parser):
        if action.option_strings and not data.draw(st.booleans()):
            continue
        if action.nargs == 0:
            argv.append(action.option_strings[0])
            continue
        choices = list(action.choices) if action.choices else ODD_VALUES
        value = data.draw(st.sampled_from(choices if data.draw(st.booleans()) else ODD_VALUES))
        if action.option_strings:
            argv += [action.option_strings[-1], str(value)]
        else:
            argv.append(str(value))
    if verb in ("build", "sdist", "metadata show", "metadata set") and "-m" not in argv:
        argv += ["-m", "p"]
    if verb in ("build", "sdist", "repair") and "-o" not in argv and "--out" not in argv:
        argv += ["-o", "out"]
    STATS["cases"] += 1
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    elapsed = time.monotonic() - start
    text = err.getvalue()
    assert elapsed < 240, f"{argv[:6]} took {elapsed:.0f}s"
    assert code in (0, 1, 2), f"{argv!r} exited {code}:\n{text[-1500:]}"
    assert "internal error" not in text and "Traceback" not in text, f"{argv!r}\n{text[-1500:]}"
    if code == 1:
        STATS["expected"] += 1
        if not text.strip():  # --json: the errors are in the JSON document on stdout
            json.loads(out.getvalue())
            return
        last = text.strip().splitlines()[-1]
        assert last.startswith(("💥 error: ", "  ", "error: ")), f"{argv!r}\n{text[-1500:]}"
    elif code == 2:
        STATS["usage"] += 1
    else:
        STATS["ok"] += 1


def test_report_counts() -> None:
    print(f"\ncli: {STATS}")
    assert STATS["cases"] > 0

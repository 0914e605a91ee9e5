"""The net for project files: pyproject.toml / Cargo.toml of odd shapes and types never reach
the user as anything but one of our own errors.

Hypothesis (derandomized, so CI sees the same examples every run) starts from a small valid
project and overrides, deletes or retypes keys we read (and the tables holding them). Each
example runs, in-process and unstubbed:

* ``cratewright metadata show`` and ``metadata show --json`` through the CLI's own ``main``
  (the last resort there would turn a bug into exit 70, which fails the test);
* the build planning: ``open_project`` and ``plan_build`` (real ``cargo metadata``, offline;
  no compile) for a share of the examples;
* the metadata editor's session on the same files.

Only CratewrightError subclasses may come out, each with a message, and each example has a
deadline, so an exponential blow-up fails as a timeout instead of hanging CI.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cratewright import cli
from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.core.metadata.edit import MetadataSession
from cratewright.core.project.locate import open_project
from cratewright.errors import CratewrightError

EXAMPLES = int(os.environ.get("CRATEWRIGHT_FUZZ_EXAMPLES", "2000"))
DEADLINE_SECONDS = 30.0  # an exponential blow-up took 50 s; a loaded CI machine may take 5
STATS: dict[str, int] = {"cases": 0, "ok": 0, "expected": 0, "planned": 0}

BASE_CARGO: dict[str, Any] = {
    "package": {
        "name": "fuzz-crate",
        "version": "0.1.0",
        "edition": "2021",
        "description": "a crate",
        "authors": ["A <a@example.com>"],
        "keywords": ["a"],
        "license": "MIT",
        "readme": "README.md",
        "homepage": "https://example.com",
    },
    "lib": {"name": "fuzz_crate", "crate-type": ["cdylib"]},
    "features": {"x": []},
}
BASE_PYPROJECT: dict[str, Any] = {
    "build-system": {"requires": ["maturin>=1,<2"], "build-backend": "maturin"},
    "project": {
        "name": "fuzz-crate",
        "requires-python": ">=3.8",
        "dynamic": ["version", "description", "readme", "license", "keywords", "urls"],
        "classifiers": ["Programming Language :: Rust"],
        "dependencies": ["packaging>=20; python_version >= '3.8'"],
        "authors": [{"name": "A", "email": "a@example.com"}],
    },
    "tool": {"maturin": {"bindings": "cffi", "features": ["x"]}},
}

PYPROJECT_KEYS = [
    ("tool",), ("tool", "maturin"), ("project",), ("build-system",),
    *[("project", k) for k in (
        "name", "version", "description", "readme", "license", "license-files", "authors",
        "maintainers", "keywords", "classifiers", "urls", "requires-python", "dependencies",
        "optional-dependencies", "dynamic", "scripts", "gui-scripts", "entry-points",
    )],
    *[("tool", "maturin", k) for k in (
        "bindings", "compatibility", "auditwheel", "skip-auditwheel", "python-source",
        "python-packages", "module-name", "include", "exclude", "data", "features", "profile",
        "strip", "manifest-path", "locked", "frozen", "all-features", "no-default-features",
        "config", "unstable-flags", "rustc-args", "sdist-generator",
    )],
]  # fmt: skip
CARGO_KEYS = [
    ("package",), ("lib",), ("workspace",),
    *[("package", k) for k in (
        "name", "version", "description", "authors", "keywords", "license", "license-file",
        "readme", "homepage", "repository", "documentation", "workspace",
    )],
    ("lib", "name"), ("lib", "crate-type"), ("workspace", "package"),
]  # fmt: skip

FILES_ON_DISK = ["README.md", "LICENSE", "python/fuzz_crate/__init__.py"]

odd_text = st.one_of(
    st.sampled_from([
        "", " ", "README.md", "LICENSE", "missing.md", "python", "../outside", "/etc/hostname",
        "a\0b", "x" * 300, "/".join(["d"] * 2000), "*", "**/*", "[", "MIT OR Apache-2.0",
        "pyo3", "cffi", "bin", "wheel", "sdist", "skip", "repair", "2_17", "loop", "fifo",
        "extra == 'a'", "foo; extra == 'a' and extra == 'b'", "Ünïcödé", "\ufeff", "a\nb",
        "foo >=1,<2; (extra == 'a1' or extra == 'b1') and (extra == 'a2' or extra == 'b2')",
        "https://example.com", "http://[::1", "0.1.0", "1.0-foo", ">=3.8", "ré@x", "\U0001F4A5",
    ]),
    st.text(max_size=12),
)  # fmt: skip
scalar = st.one_of(
    odd_text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, 1.5]),
    st.booleans(),
)
nested = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "email",
                    "file",
                    "text",
                    "path",
                    "format",
                    "feature",
                    "workspace",
                    "content-type",
                    "x",
                ]
            ),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)
# Mostly the right types with odd contents (what validation cannot catch by shape), then
# anything at all.
odd_value = st.one_of(
    odd_text,
    odd_text,
    st.lists(odd_text, max_size=3),
    st.lists(st.fixed_dictionaries({}, optional={"name": odd_text, "email": odd_text}),
             max_size=2),
    st.fixed_dictionaries({}, optional={"file": odd_text, "text": odd_text, "path": odd_text,
                                        "format": odd_text, "content-type": odd_text}),
    st.dictionaries(odd_text, odd_text | st.lists(odd_text, max_size=2), max_size=2),
    nested,
)  # fmt: skip
edit = st.tuples(st.sampled_from(["set", "delete"]), odd_value)


def _apply(doc: dict[str, Any], path: tuple[str, ...], action: str, value: Any) -> None:
    node: Any = doc
    for key in path[:-1]:
        if not isinstance(node, dict):
            return
        node = node.setdefault(key, {})
    if not isinstance(node, dict):
        return
    if action == "delete":
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


def _write(directory: Path, cargo: dict[str, Any], pyproject: dict[str, Any] | None) -> None:
    for name in FILES_ON_DISK:
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text("text\n")
    (directory / "src").mkdir(exist_ok=True)
    (directory / "src" / "lib.rs").write_text("")
    for special in ("loop", "fifo"):
        if not (directory / special).exists() and not (directory / special).is_symlink():
            if special == "loop":
                (directory / "loop").symlink_to("loop")
            else:
                os.mkfifo(directory / "fifo")
    (directory / "Cargo.toml").write_text(tomli_w.dumps(cargo))
    if pyproject is None:
        (directory / "pyproject.toml").unlink(missing_ok=True)
    else:
        (directory / "pyproject.toml").write_text(tomli_w.dumps(pyproject))


MESSAGES: dict[str, int] = {}


def _expect_our_error_only(what: str, call: Any) -> Any:
    try:
        result = call()
    except CratewrightError as exc:
        assert str(exc).strip(), f"{what}: {type(exc).__name__} without a message"
        STATS["expected"] += 1
        first = str(exc).splitlines()[0]
        key = f"{what}: {first.split(': ', 1)[-1][:70]}"
        MESSAGES[key] = MESSAGES.get(key, 0) + 1
        return None
    STATS["ok"] += 1
    return result


def _cli(*argv: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    text = err.getvalue()
    assert code in (0, 1), f"metadata show exited {code}:\n{text[-2000:]}"
    assert "internal error" not in text and "Traceback" not in text, text[-2000:]
    if code == 1:
        assert text.strip().splitlines()[-1].startswith(("💥 error: ", "  hint: ")), text
        STATS["expected"] += 1


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-project")


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,  # measured below, around the real work only (file writing excluded)
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip
@given(
    py_edits=st.lists(st.tuples(st.sampled_from(PYPROJECT_KEYS), edit), max_size=4),
    cargo_edits=st.lists(st.tuples(st.sampled_from(CARGO_KEYS), edit), max_size=3),
    with_pyproject=st.booleans() | st.just(True),
    plan=st.integers(min_value=0, max_value=9),
)
def test_odd_project_files_give_only_our_errors(
    work: Path,
    py_edits: list[tuple[tuple[str, ...], tuple[str, Any]]],
    cargo_edits: list[tuple[tuple[str, ...], tuple[str, Any]]],
    with_pyproject: bool,
    plan: int,
) -> None:
    import copy

    cargo, pyproject = copy.deepcopy(BASE_CARGO), copy.deepcopy(BASE_PYPROJECT)
    for path, (action, value) in py_edits:
        _apply(pyproject, path, action, value)
    for path, (action, value) in cargo_edits:
        _apply(cargo, path, action, value)
    try:
        _write(work, cargo, pyproject if with_pyproject else None)
    except (ValueError, TypeError, OSError):  # tomli-w cannot spell it: not a case
        return
    STATS["cases"] += 1
    start = time.monotonic()
    _cli("metadata", "show", "-m", str(work))
    _cli("metadata", "show", "--json", "-m", str(work))
    session = _expect_our_error_only("session", lambda: MetadataSession.open(work))
    if session is not None:
        _expect_our_error_only("view", session.view)
    project = _expect_our_error_only("open_project", lambda: open_project(work))
    if project is not None and plan == 0:  # real cargo metadata: one example in ten
        STATS["planned"] += 1
        options = BuildOptions(manifest_path=work, interpreters=(sys.executable,), offline=True)
        _expect_our_error_only("plan_build", lambda: plan_build(options))
    elapsed = time.monotonic() - start
    assert elapsed < DEADLINE_SECONDS, f"one example took {elapsed:.1f}s"


def test_report_counts() -> None:
    """Prints the family's numbers for the report (after the fuzz test above)."""
    print(f"\nproject files: {STATS}")
    if os.environ.get("CRATEWRIGHT_FUZZ_VERBOSE"):
        for message, count in sorted(MESSAGES.items(), key=lambda m: -m[1])[:60]:
            print(f"{count:5d}  {message}")
    assert STATS["cases"] > 0 or EXAMPLES == 0

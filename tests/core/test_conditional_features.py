"""Conditional ``[tool.maturin] features``: parsing, evaluation and the build plan they give.

The expected results follow maturin's ``FeatureSpec::split`` / ``resolve_conditional`` and its
two-phase abi3 detection (``upgrade_bridge_stable_abi``), read from maturin's source. The plan
tests run the real ``cargo metadata`` on a copy of ``test-crates/pyo3-abi3`` whose own abi3
feature is removed, so only the pyproject decides abi3.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.core.interpreters import InterpreterInfo, list_interpreters
from cratewright.core.project.conditional_features import (
    features_for_interpreter,
    resolve_conditional_features,
    union_for_interpreters,
    validate_conditional_feature,
    with_features,
)
from cratewright.core.project.maturin_config import parse_maturin_config
from cratewright.errors import ConfigError
from tests.conftest import TEST_CRATES

ABI3_BY_VERSION = (
    {"feature": "pyo3/abi3-py311", "python-version": ">=3.11"},
    {"feature": "pyo3/abi3-py39", "python-version": "<3.11"},
)


def _interp(minor: int, name: str = "cpython") -> InterpreterInfo:
    return InterpreterInfo(
        executable=Path(f"/usr/bin/{name}3.{minor}"),
        implementation=name,
        major=3,
        minor=minor,
        ext_suffix=f".cpython-3{minor}-x86_64-linux-gnu.so",
    )


# --- parsing ----------------------------------------------------------------------------------


def test_tables_without_conditions_are_plain_features() -> None:
    config = parse_maturin_config(
        {"features": ["a", {"feature": "b"}, {"feature": "c", "python-implementation": "pypy"}]},
        Path(),
    )
    assert config.features == ("a", "b")
    assert config.conditional_features == ({"feature": "c", "python-implementation": "pypy"},)


def test_unknown_keys_in_a_feature_table_are_dropped() -> None:
    entry = validate_conditional_feature({"feature": "x", "python-version": ">=3.9", "os": "l"})
    assert entry == {"feature": "x", "python-version": ">=3.9"}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"feature": "x", "python-version": "3.11+"}, r"python-version = '3\.11\+' is not a valid"),
        (
            {"feature": "x", "python-version": 3.11},
            r"tool\.maturin\.features\[0\]\.python-version: expected a string, got 3\.11",
        ),
        (
            {"feature": "x", "python-implementation": 1},
            r"tool\.maturin\.features\[0\]\.python-implementation: expected a string, got 1",
        ),
        ({"python-version": ">=3.9"}, r"tool\.maturin\.features\[0\]\.feature: missing"),
    ],
)
def test_bad_feature_tables_are_config_errors(item: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_maturin_config({"features": [item]}, Path())


# --- evaluation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "expected"),
    [(9, ("pyo3/abi3-py39",)), (10, ("pyo3/abi3-py39",)), (11, ("pyo3/abi3-py311",))],
)
def test_version_conditions_pick_one_feature(minor: int, expected: tuple[str, ...]) -> None:
    assert resolve_conditional_features(ABI3_BY_VERSION, (3, minor), "cpython") == expected


def test_only_major_minor_is_compared() -> None:
    # maturin tests Version([major, minor]): 3.11 is not > 3.11, but it is == 3.11.*.
    specs = [
        {"feature": "gt", "python-version": ">3.11"},
        {"feature": "eq", "python-version": "==3.11.*"},
    ]
    assert resolve_conditional_features(specs, (3, 11), "cpython") == ("eq",)
    assert resolve_conditional_features(specs, (3, 12), "cpython") == ("gt",)


def test_implementation_is_compared_without_case_and_with_the_version() -> None:
    specs = [
        {"feature": "fast", "python-version": ">=3.11", "python-implementation": "CPython"},
        {"feature": "pypy-compat", "python-implementation": "pypy"},
    ]
    assert resolve_conditional_features(specs, (3, 12), "cpython") == ("fast",)
    assert resolve_conditional_features(specs, (3, 10), "cpython") == ()
    assert resolve_conditional_features(specs, (3, 11), "pypy") == ("pypy-compat",)


def test_repeated_features_are_enabled_once_in_pyproject_order() -> None:
    specs = [
        {"feature": "b", "python-version": ">=3.9"},
        {"feature": "a", "python-implementation": "cpython"},
        {"feature": "b", "python-implementation": "cpython"},
    ]
    assert resolve_conditional_features(specs, (3, 12), "cpython") == ("b", "a")


def test_no_interpreter_enables_nothing() -> None:
    assert features_for_interpreter(ABI3_BY_VERSION, None) == ()


def test_union_covers_every_interpreter_in_first_seen_order() -> None:
    union = union_for_interpreters(ABI3_BY_VERSION, [_interp(12), _interp(10), _interp(13)])
    assert union == ("pyo3/abi3-py311", "pyo3/abi3-py39")
    assert union_for_interpreters(ABI3_BY_VERSION, []) == ()


@pytest.mark.parametrize(
    ("flags", "extra", "expected"),
    [
        ((), (), ()),
        (("--locked",), (), ("--locked",)),
        (("--locked",), ("x", "x"), ("--features", "x", "--locked")),
        (("--features", "a,b", "--locked"), ("b", "c"), ("--features", "a,b,c", "--locked")),
    ],
)
def test_with_features_merges_into_one_features_flag(
    flags: tuple[str, ...], extra: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert with_features(flags, extra) == expected


# --- the build plan (real cargo metadata, no compile) -----------------------------------------


def old_and_new_cpythons() -> dict[str, InterpreterInfo]:
    """A CPython 3.9/3.10 (``old``) and a 3.11+ one (``new``) of this machine."""
    found: dict[int, InterpreterInfo] = {}
    for item in list_interpreters().working:
        info = item.info
        if info and info.implementation == "cpython" and not info.gil_disabled:
            found.setdefault(info.minor, info)
    old = [m for m in (10, 9) if m in found]
    new = [m for m in sorted(found) if m >= 11]
    assert old and new, f"this machine needs CPython 3.9/3.10 and 3.11+, has {sorted(found)}"
    return {"old": found[old[0]], "new": found[new[0]]}


@pytest.fixture(scope="module")
def pythons() -> dict[str, InterpreterInfo]:
    return old_and_new_cpythons()


def make_conditional_abi3_crate(dest: Path, features: str) -> Path:
    """A copy of pyo3-abi3 without its own abi3 feature and with ``features`` in pyproject."""
    shutil.copytree(TEST_CRATES / "pyo3-abi3", dest)
    cargo = dest / "Cargo.toml"
    text, count = re.subn(r'features = \["abi3-py39"\]', "features = []", cargo.read_text())
    assert count == 1, "test-crates/pyo3-abi3/Cargo.toml changed: update this test"
    cargo.write_text(text)
    with (dest / "pyproject.toml").open("a") as fh:
        fh.write(f"\n[tool.maturin]\nfeatures = {features}\n")
    return dest


BOTH = (
    '[{ feature = "pyo3/abi3-py311", python-version = ">=3.11" }, '
    '{ feature = "pyo3/abi3-py39", python-version = "<3.11" }]'
)
ONLY_311 = '[{ feature = "pyo3/abi3-py311", python-version = ">=3.11" }]'


def _plan(crate: Path, *interpreters: InterpreterInfo, features: tuple[str, ...] = ()):
    options = BuildOptions(
        manifest_path=crate, interpreters=tuple(str(i.executable) for i in interpreters),
        features=features, locked=True,
    )  # fmt: skip
    return plan_build(options)


@pytest.mark.cargo
def test_plan_takes_abi3_from_the_interpreter_conditions(tmp_path: Path, pythons) -> None:
    crate = make_conditional_abi3_crate(tmp_path / "c", BOTH)
    new = _plan(crate, pythons["new"])
    assert new.bindings.abi3_minor == 11
    assert [j.label for j in new.jobs] == ["cp311-abi3"]
    assert new.cargo_flags[:2] == ("--features", "pyo3/abi3-py311")
    old = _plan(crate, pythons["old"])
    assert old.bindings.abi3_minor == 9
    assert [j.label for j in old.jobs] == ["cp39-abi3"]
    assert old.cargo_flags[:2] == ("--features", "pyo3/abi3-py39")


@pytest.mark.cargo
def test_plan_union_decides_abi3_and_each_job_gets_its_own_features(
    tmp_path: Path, pythons
) -> None:
    # The union {abi3-py311, abi3-py39} gives abi3 >= 3.9: one wheel built by the first
    # interpreter, with the feature that interpreter enables (maturin does the same).
    both = _plan(make_conditional_abi3_crate(tmp_path / "b", BOTH), pythons["old"], pythons["new"])
    assert [(j.label, j.features) for j in both.jobs] == [("cp39-abi3", ("pyo3/abi3-py39",))]
    # Only 3.11+ enables abi3: an abi3 wheel for it, a version-specific one for the old Python,
    # each compiled with its own features.
    only = _plan(
        make_conditional_abi3_crate(tmp_path / "o", ONLY_311), pythons["old"], pythons["new"]
    )
    old_tag = pythons["old"].python_tag
    assert [(j.label, j.features) for j in only.jobs] == [
        ("cp311-abi3", ("pyo3/abi3-py311",)),
        (f"{old_tag}-{old_tag}", ()),
    ]
    assert "--features" not in only.cargo_flags
    assert only.job_cargo_flags(only.jobs[0])[:2] == ("--features", "pyo3/abi3-py311")
    assert "--features" not in only.job_cargo_flags(only.jobs[1])


@pytest.mark.cargo
def test_cli_features_replace_the_pyproject_list(tmp_path: Path, pythons) -> None:
    crate = make_conditional_abi3_crate(tmp_path / "c", '["pyo3/abi3-py39", ' + BOTH[1:])
    plan = _plan(crate, pythons["new"], features=("pyo3/abi3-py310",))
    assert plan.bindings.abi3_minor == 10
    assert [(j.label, j.features) for j in plan.jobs] == [("cp310-abi3", ())]
    assert plan.cargo_flags[:2] == ("--features", "pyo3/abi3-py310")


@pytest.mark.cargo
def test_plain_pyproject_features_stay_with_the_conditional_ones(tmp_path: Path, pythons) -> None:
    crate = make_conditional_abi3_crate(
        tmp_path / "c",
        '["pyo3/macros", { feature = "pyo3/abi3-py311", python-version = ">=3.11" }]',
    )
    plan = _plan(crate, pythons["new"])
    assert plan.cargo_flags[:2] == ("--features", "pyo3/macros,pyo3/abi3-py311")

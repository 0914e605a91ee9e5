"""Parsing ``cargo tree --format '{p}|{f}'``: the features resolved for one package."""

from __future__ import annotations

import pytest

from cratewright.core.cargo.tree import parse_tree_features
from cratewright.errors import CargoError

TREE = """\
abi3-sibling-extension v0.1.0 (/src/ws/extension)|
pyo3 v0.30.1|default,macros,pyo3-macros
pyo3-build-config v0.30.1|default
pyo3-ffi v0.30.1|default
pyo3-build-config v0.30.1|default (*)
pyo3-macros v0.30.1 (proc-macro)|
"""


def test_bindings_crates_and_their_features() -> None:
    assert parse_tree_features(TREE) == {
        ("pyo3", "0.30.1"): ("default", "macros", "pyo3-macros"),
        ("pyo3-ffi", "0.30.1"): ("default",),
    }


def test_graphs_of_several_targets_are_unioned() -> None:
    text = "pyo3-ffi v0.30.1|default\nuniffi v0.31.0|\npyo3-ffi v0.30.1|abi3,default (*)\n"
    assert parse_tree_features(text) == {
        ("pyo3-ffi", "0.30.1"): ("default", "abi3"),
        ("uniffi", "0.31.0"): (),
    }


def test_two_versions_stay_apart() -> None:
    text = "pyo3 v0.30.1|abi3\npyo3 v0.29.0|default\n"
    assert parse_tree_features(text) == {
        ("pyo3", "0.30.1"): ("abi3",),
        ("pyo3", "0.29.0"): ("default",),
    }


def test_a_changed_format_is_an_error_not_an_absence() -> None:
    with pytest.raises(CargoError, match="unexpected `cargo tree` output"):
        parse_tree_features("pyo3 0.30.1|abi3\n")

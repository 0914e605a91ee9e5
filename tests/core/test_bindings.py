"""Binding detection and layout on the real test crates, through real `cargo metadata`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cratewright.core.cargo.metadata import load_cargo_metadata
from cratewright.core.project.bindings import detect_bindings
from cratewright.core.project.layout import determine_layout, module_name_for
from cratewright.core.project.locate import open_project
from cratewright.errors import ConfigError
from tests.conftest import TEST_CRATES

pytestmark = pytest.mark.cargo


def _detect(crate: str, forced: str | None = None):
    project = open_project(TEST_CRATES / crate)
    return detect_bindings(
        load_cargo_metadata(project.cargo_toml, cargo_flags=["--locked"]), forced
    )


@pytest.mark.parametrize(
    ("crate", "kind", "label"),
    [
        ("pyo3-pure", "pyo3", "pyo3"),
        ("pyo3-abi3", "pyo3", "pyo3 (abi3, Python >= 3.9)"),
        ("pyo3-bin", "bin", "bin (pyo3)"),
        ("cffi-pure", "cffi", "cffi"),
        ("uniffi-pure", "uniffi", "uniffi"),
        ("hello-bin", "bin", "bin"),
        ("workspace", "pyo3", "pyo3"),
        # a sibling's abi3-py39 and a sibling's optional pyo3 are not this package's
        ("workspace-abi3-sibling", "pyo3", "pyo3"),
        ("workspace-bin-sibling", "bin", "bin"),
    ],
)
def test_detects_like_maturin(crate: str, kind: str, label: str) -> None:
    bindings = _detect(crate)
    assert bindings.kind == kind
    assert bindings.label == label
    assert bindings.reason


def test_abi3_minimum_is_smallest_feature() -> None:
    bindings = _detect("pyo3-abi3")
    assert bindings.is_abi3
    assert bindings.abi3_minor == 9
    assert not _detect("pyo3-pure").is_abi3


def test_forced_pyo3_without_pyo3_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown binding type"):
        _detect("hello-bin", "pyo3")
    assert _detect("pyo3-pure", "cffi").kind == "cffi"


def test_mixed_layout_with_dotted_module_name() -> None:
    project = open_project(TEST_CRATES / "pyo3-mixed")
    layout = determine_layout(project, module_name_for(project))
    assert layout.is_mixed
    assert layout.kind == "mixed (python-source)"
    assert layout.extension_name == "_native"
    assert str(layout.module_dir_in_wheel) == "pyo3_mixed"


def test_pure_layout(tmp_path: Path) -> None:
    project = open_project(TEST_CRATES / "pyo3-pure")
    layout = determine_layout(project, module_name_for(project))
    assert not layout.is_mixed
    assert str(layout.module_dir_in_wheel) == "pyo3_pure"


def test_unified_metadata_would_have_said_abi3() -> None:
    """The case the scoping exists for: metadata's unified resolve alone claims abi3."""
    project = open_project(TEST_CRATES / "workspace-abi3-sibling")
    scoped = load_cargo_metadata(project.cargo_toml, cargo_flags=["--locked"])
    assert scoped.scoped is not None
    unified = replace(scoped, scoped=None)
    assert detect_bindings(unified).is_abi3
    assert not detect_bindings(scoped).is_abi3


def test_unified_metadata_would_have_said_bin_pyo3() -> None:
    project = open_project(TEST_CRATES / "workspace-bin-sibling")
    scoped = load_cargo_metadata(project.cargo_toml, cargo_flags=["--locked"])
    assert detect_bindings(replace(scoped, scoped=None)).label == "bin (pyo3)"
    assert scoped.find_dependency("pyo3") is None


def test_the_sibling_itself_keeps_its_abi3() -> None:
    manifest = TEST_CRATES / "workspace-abi3-sibling" / "other" / "Cargo.toml"
    bindings = detect_bindings(load_cargo_metadata(manifest, cargo_flags=["--locked"]))
    assert bindings.is_abi3 and bindings.abi3_minor == 9


def test_lone_crate_runs_no_cargo_tree() -> None:
    project = open_project(TEST_CRATES / "pyo3-pure")
    assert load_cargo_metadata(project.cargo_toml).scoped is None

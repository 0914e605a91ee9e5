"""The Release page's edits of [tool.maturin.generate-ci.github] and the matrix it shows."""

from __future__ import annotations

import tomllib

import pytest

from cratewright.core.ci.generate import resolve_for_project
from cratewright.core.ci.matrix import COLUMNS, release_matrix
from cratewright.core.ci.resolve import CIOptions, ProjectFacts, ResolvedCI
from cratewright.core.ci.settings import set_option, set_target
from cratewright.errors import ConfigError

FACTS = ProjectFacts(name="demo", bindings="pyo3", requires_python=">=3.10")
PYPROJECT = """\
[project]
name = "demo"  # the name on PyPI
requires-python = ">=3.10"

# build settings
[tool.maturin]
features = ["fast"]  # keep me
"""


def _ci(text: str, facts: ProjectFacts = FACTS) -> ResolvedCI:
    return resolve_for_project(tomllib.loads(text), facts, CIOptions())


def _targets(text: str) -> dict[str, list[str]]:
    return {name: [t.target for t in ts] for name, ts in _ci(text).platforms.items()}


def test_unticking_a_default_target_keeps_the_other_platforms_and_the_comments() -> None:
    text = set_target(PYPROJECT, _ci(PYPROJECT), "linux", "s390x", enabled=False)
    assert text.startswith(PYPROJECT)  # nothing above was touched, comments included
    assert _targets(text) == {
        "linux": ["x86_64", "x86", "aarch64", "armv7", "ppc64le"],
        "musllinux": ["x86_64", "x86", "aarch64", "armv7"],
        "windows": ["x64", "x86", "aarch64"],
        "macos": ["x86_64", "aarch64"],
    }
    again = set_target(text, _ci(text), "linux", "s390x", enabled=True)
    assert _targets(again)["linux"] == ["x86_64", "x86", "aarch64", "armv7", "ppc64le", "s390x"]


def test_ticking_a_new_platform_and_removing_one() -> None:
    text = set_target(PYPROJECT, _ci(PYPROJECT), "emscripten", "wasm32-unknown-emscripten", True)
    assert "emscripten" in _targets(text)
    for arch in ("x86_64", "aarch64"):
        text = set_target(text, _ci(text), "macos", arch, enabled=False)
    assert "macos" not in _targets(text)
    assert "[tool.maturin.generate-ci.github.macos]" not in text


def test_target_entries_keep_their_options() -> None:
    text = PYPROJECT + (
        "\n[[tool.maturin.generate-ci.github.linux.target]]\n"
        'arch = "x86_64"\nmanylinux = "2_28"  # newer glibc\n'
    )
    text = set_target(text, _ci(text), "linux", "aarch64", enabled=True)
    assert 'manylinux = "2_28"  # newer glibc' in text
    linux = _ci(text).platforms["linux"]
    assert [(t.target, t.get("manylinux")) for t in linux] == [
        ("x86_64", "2_28"), ("aarch64", "auto")]  # fmt: skip


def test_the_last_target_cannot_be_removed() -> None:
    text = PYPROJECT + '\n[tool.maturin.generate-ci.github.macos]\ntargets = ["aarch64"]\n'
    with pytest.raises(ConfigError, match="at least one target must stay"):
        set_target(text, _ci(text), "macos", "aarch64", enabled=False)


def test_options_are_set_and_removed() -> None:
    text = set_option(PYPROJECT, "pytest", True)
    text = set_option(text, "publishing-environment", "pypi")
    data = tomllib.loads(text)["tool"]["maturin"]["generate-ci"]["github"]
    assert data == {"pytest": True, "publishing-environment": "pypi"}
    text = set_option(set_option(text, "pytest", False), "publishing-environment", "")
    assert tomllib.loads(text)["tool"]["maturin"]["generate-ci"]["github"] == {}
    assert tomllib.loads(text)["tool"]["maturin"]["features"] == ["fast"]


def test_a_project_without_tool_maturin_gets_only_the_ci_table() -> None:
    text = set_option('[project]\nname = "x"\n', "zig", True)
    assert text == '[project]\nname = "x"\n\n[tool.maturin.generate-ci.github]\nzig = true\n'


def test_matrix_cells_follow_bindings_and_requires_python() -> None:
    matrix = release_matrix(_ci(PYPROJECT))
    linux = matrix.cell("linux", "x86_64")
    assert linux.enabled and linux.tags[0] == "cp310-cp310-manylinux_2_17_x86_64"
    assert linux.tags[-1] == "cp314-cp314t-manylinux_2_17_x86_64"
    assert linux.summary == "cp310–314, cp314t"
    assert matrix.cell("windows", "x86_64").arch == "x64"
    assert not matrix.cell("macos", "armv7").available
    assert not matrix.cell("emscripten", "wasm32").enabled
    abi3 = ProjectFacts(name="demo", bindings="pyo3", abi3=True, abi3_minor=9)
    cell = release_matrix(_ci(PYPROJECT, abi3)).cell("macos", "aarch64")
    assert cell.tags == ("cp39-abi3-macosx_11_0_arm64", "cp314-cp314t-macosx_11_0_arm64")
    binary = release_matrix(_ci(PYPROJECT, ProjectFacts(name="demo", bindings="bin")))
    assert binary.cell("linux", "aarch64").tags == ("py3-none-manylinux_2_17_aarch64",)
    assert {c for (p, c) in matrix.cells if p == "linux"} == set(COLUMNS)

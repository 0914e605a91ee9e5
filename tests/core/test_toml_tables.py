"""Split tables in a user's TOML (tomlkit's out-of-order proxies) are tables everywhere.

tomlkit returns an ``OutOfOrderTableProxy`` for ``[package]`` when a later
``[package.metadata.x]`` reopens it, and for ``[workspace]`` reopened after ``[profile]``;
every check on a user's manifest or pyproject must treat those as the tables they are.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomlkit

from cratewright.core.metadata.toml_edit import toml_set
from cratewright.core.project.toml_tables import is_inline_or_table, is_table
from cratewright.core.sdist.cargo import set_package_field, trim_workspace_members

SPLIT_PACKAGE = """\
[package]
name = "demo"
version = "0.1.0"
readme = "../README.md"

[dependencies]
pyo3 = "0.30"

[package.metadata.release]
tag = false
"""

SPLIT_WORKSPACE = """\
[workspace]
members = ["py", "helper", "unused"]
default-members = ["py"]

[profile.release]
codegen-units = 1

[workspace.metadata.release]
shared-version = true
"""


def test_split_and_plain_tables_are_tables() -> None:
    doc = tomlkit.parse(SPLIT_PACKAGE + '[lib]\nname = "demo"\n')
    assert type(doc["package"]).__name__ == "OutOfOrderTableProxy"
    assert is_table(doc["package"]) and is_table(doc["lib"]) and is_table(doc["dependencies"])
    inline = tomlkit.parse('x = { a = 1 }\ny = "s"\n')
    assert not is_table(inline["x"]) and is_inline_or_table(inline["x"])
    assert not is_table(inline["y"]) and not is_inline_or_table(inline["y"])


def test_readme_rewritten_in_a_split_package_table() -> None:
    doc = tomlkit.parse(SPLIT_PACKAGE)
    set_package_field(doc, "readme", "README.md", Path("Cargo.toml"))
    text = doc.as_string()
    assert tomllib.loads(text)["package"]["readme"] == "README.md"
    assert tomllib.loads(text)["package"]["metadata"] == {"release": {"tag": False}}
    # only the one line changed; the split layout stays
    assert text == SPLIT_PACKAGE.replace('"../README.md"', '"README.md"')


def test_split_workspace_is_trimmed() -> None:
    doc = tomlkit.parse(SPLIT_WORKSPACE)
    trim_workspace_members(doc, {"py", "helper"})
    data = tomllib.loads(doc.as_string())
    assert data["workspace"]["members"] == ["py", "helper"]
    assert "default-members" not in data["workspace"]
    assert data["workspace"]["metadata"] == {"release": {"shared-version": True}}
    assert data["profile"] == {"release": {"codegen-units": 1}}


def test_metadata_edit_adds_a_header_table_under_a_split_project_table() -> None:
    """A new mapping under a split ``[project]`` is a ``[project.urls]`` table, as unsplit."""
    urls = {"Homepage": "https://example.org", "Source": "https://example.org/src"}
    for text in (
        '[project]\nname = "x"\n\n[tool.maturin]\nbindings = "pyo3"\n\n'
        '[project.optional-dependencies]\na = ["b"]\n',
        '[project]\nname = "x"\n\n[tool.maturin]\nbindings = "pyo3"\n',
    ):
        doc = tomlkit.parse(text)
        toml_set(doc, ["project", "urls"], urls)
        out = doc.as_string()
        assert "[project.urls]" in out, out
        assert tomllib.loads(out)["project"]["urls"] == urls

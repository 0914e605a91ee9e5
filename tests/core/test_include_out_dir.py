"""``include = [{ path, from = "out-dir", to, crate-name }]``: read as maturin reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cratewright.core.project.maturin_config import OutDirSource, parse_maturin_config
from cratewright.errors import ConfigError


def _include(*items: object):
    return parse_maturin_config({"include": list(items)}, Path()).include


def test_out_dir_entry_is_no_project_glob() -> None:
    (plain, out_dir) = _include(
        "README.md",
        {"path": "gen/*.py", "from": "out-dir", "to": "pkg/", "crate-name": "other"},
    )
    assert plain.applies_to("wheel") and plain.applies_to("sdist")
    assert out_dir.from_out_dir == OutDirSource(to="pkg/", crate_name="other")
    assert not out_dir.applies_to("wheel") and not out_dir.applies_to("sdist")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"path": "x", "from": "out-dir"}, "include.to must be a folder in the wheel"),
        ({"path": "x", "from": "target", "to": "pkg"}, 'include.from must be "out-dir"'),
        (
            {"path": "x", "from": "out-dir", "to": "p", "crate-name": 3},
            r"tool\.maturin\.include\[0\]\.crate-name: expected a string, got 3",
        ),
    ],
)
def test_bad_out_dir_entries(item: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _include(item)

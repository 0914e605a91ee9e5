"""Marker normalisation is bounded: an and-of-or-groups marker whose normal form is
exponential ends in one clear error within a second, in the CLI, the metadata view (what
the GUI shows) and the PEP 517 backend alike, while ordinary markers keep maturin's output."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from cratewright.core.metadata.edit import load_metadata_view
from cratewright.core.metadata.marker_format import MAX_DNF_CLAUSES
from cratewright.core.metadata.requirements import canonical_requirement
from cratewright.errors import MetadataError
from tests.robustness.test_project_files_cases import _project, _show


def _groups(count: int) -> str:
    return " and ".join(f"(extra == 'a{i}' or extra == 'b{i}')" for i in range(count))


@pytest.mark.parametrize("groups", [8, 10, 11, 16, 40, 200])
def test_exponential_marker_is_refused_quickly(groups: int) -> None:
    start = time.monotonic()
    with pytest.raises(MetadataError, match="marker") as caught:
        canonical_requirement(f"foo; {_groups(groups)}")
    assert time.monotonic() - start < 2.0
    assert "simplify the marker" in str(caught.value)
    assert str(caught.value).startswith("Dependency \"foo; (extra == 'a0'")


def test_markers_below_the_bound_still_normalise() -> None:
    text = canonical_requirement(f"foo; {_groups(3)}")
    assert text.count(" or ") == 2**3 - 1  # pep508_rs' DNF, as maturin writes it
    assert MAX_DNF_CLAUSES >= 64
    assert canonical_requirement("foo; python_version >= '3.8' or extra == 'x'") == (
        "foo ; extra == 'x' or python_full_version >= '3.8'"
    )


def test_deeply_nested_marker_is_a_clear_error() -> None:
    with pytest.raises(MetadataError, match="nested"):
        canonical_requirement("foo; " + "(" * 3000 + "extra == 'a'" + ")" * 3000)


def _marker_project(tmp_path: Path) -> Path:
    return _project(tmp_path / "p", project=f'dependencies = ["foo; {_groups(10)}"]')


def test_metadata_show_and_view(tmp_path: Path) -> None:
    root = _marker_project(tmp_path)
    start = time.monotonic()
    code, text = _show(root)
    assert time.monotonic() - start < 5
    assert code in (0, 1) and "expands to 1024 alternatives" in text, text
    view = load_metadata_view(root)  # the GUI's Metadata page shows this view
    assert any("1024 alternatives" in p.message for p in view.errors)


def test_backend_prepare_metadata(tmp_path: Path) -> None:
    root = _marker_project(tmp_path)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import cratewright.backend as b; b.prepare_metadata_for_build_wheel('.')"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert time.monotonic() - start < 60
    assert proc.returncode != 0
    assert "expands to 1024 alternatives" in proc.stderr
    assert "Traceback" not in proc.stderr.split("SystemExit")[-1]

"""The members ``develop --watch`` copies into place are exactly the wheel's members.

The watch's fast cycle never writes a wheel: it takes the wheel's entries from the builder
and copies the changed ones. Built for real (cargo), for a pure, a mixed and a uniffi crate
(generated glue), the entries must name the same files with the same bytes and modes as the
wheel ``build_wheels`` writes from the same plan.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from cratewright.core.build.builder import build_wheels, wheel_entries
from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.errors import BuildError
from tests.conftest import TEST_CRATES

pytestmark = pytest.mark.cargo


@pytest.mark.parametrize("crate", ["pyo3-pure", "pyo3-mixed", "uniffi-pure"])
def test_entries_are_the_wheels_members(tmp_path: Path, crate: str) -> None:
    options = BuildOptions(
        manifest_path=TEST_CRATES / crate,
        interpreters=(sys.executable,),
        out=tmp_path / "out",
        auditwheel="skip",
    )
    plan = plan_build(options)
    (wheel,) = build_wheels(plan, sink=lambda event: None)
    with zipfile.ZipFile(wheel.path) as archive:
        written = {
            info.filename: (archive.read(info), bool((info.external_attr >> 16) & 0o111))
            for info in archive.infolist()
            if not info.filename.endswith((".dist-info/WHEEL", ".dist-info/RECORD"))
        }
    with wheel_entries(plan, sink=lambda event: None) as entries:
        given = {name: (entry.read(), entry.executable) for name, entry in entries.items()}
    assert given.keys() == written.keys()
    for name in written:
        assert given[name] == written[name], name
    assert any(name.endswith(".so") for name in given)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [wheel.path.name]


def test_a_plan_that_repairs_is_refused(tmp_path: Path) -> None:
    options = BuildOptions(
        manifest_path=TEST_CRATES / "pyo3-pure",
        interpreters=(sys.executable,),
        out=tmp_path / "out",
        auditwheel="repair",
    )
    with (
        pytest.raises(BuildError, match="cannot repair"),
        wheel_entries(plan_build(options), sink=lambda event: None),
    ):
        pass

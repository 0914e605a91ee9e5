"""A real cargo build whose plan and compiled features disagree writes no wheel.

The plan is made wrong on purpose (as a sibling's features once made it): pyo3-pure is
compiled without abi3, the plan says ``cp39-abi3``. The compile must stop the build.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cratewright.core.build.builder import build_wheels
from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.errors import BuildError
from tests.conftest import TEST_CRATES

pytestmark = pytest.mark.cargo


def test_abi3_plan_on_a_version_specific_compile_stops(tmp_path: Path) -> None:
    options = BuildOptions(manifest_path=TEST_CRATES / "pyo3-pure", interpreters=(sys.executable,),
                           out=tmp_path / "out")  # fmt: skip
    plan = plan_build(options)
    (job,) = plan.jobs
    assert not job.abi3
    lying = replace(
        plan,
        bindings=replace(plan.bindings, abi3_minor=9),
        jobs=(replace(job, python_tag="cp39", abi_tag="abi3", abi3=True),),
    )
    with pytest.raises(BuildError) as raised:
        build_wheels(lying, sink=lambda event: None)
    assert "planned as cp39-abi3 (stable ABI) but pyo3-ffi was compiled with features" in str(
        raised.value
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())

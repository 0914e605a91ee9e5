"""The post-compile check: a wheel tag never claims an ABI the compiled pyo3 does not have."""

from __future__ import annotations

import pytest

from cratewright.core.build.abi3_check import check_compiled_abi3, compiled_abi3
from cratewright.core.build.plan import WheelJob
from cratewright.errors import BuildError

ABI3_39 = ("abi3", "abi3-py39", "abi3-py310", "abi3-py311", "default")


class _Interp:
    """The two interpreter facts the check reads."""

    def __init__(self, minor: int, supports_abi3: bool = True) -> None:
        self.minor = minor
        self.supports_abi3 = supports_abi3


def _abi3_job(floor: int = 9) -> WheelJob:
    return WheelJob(f"cp3{floor}", "abi3", _Interp(11), abi3=True)  # type: ignore[arg-type]


def _specific_job(minor: int = 11, supports_abi3: bool = True) -> WheelJob:
    interp = _Interp(minor, supports_abi3)
    return WheelJob(f"cp3{minor}", f"cp3{minor}", interp)  # type: ignore[arg-type]


def test_witness_prefers_pyo3_ffi() -> None:
    found = compiled_abi3({"pyo3": ("abi3",), "pyo3-ffi": ("default",)})
    assert found is not None and found.crate == "pyo3-ffi" and not found.is_abi3
    assert compiled_abi3({"serde": ("std",)}) is None


def test_planned_abi3_compiled_without_it_stops() -> None:
    with pytest.raises(BuildError, match=r"planned as cp39-abi3 .*pyo3-ffi was compiled with "
                       r"features \[default\]: the extension is version-specific"):  # fmt: skip
        check_compiled_abi3(_abi3_job(), compiled_abi3({"pyo3-ffi": ("default",)}))


def test_planned_abi3_floor_below_the_compiled_one_stops() -> None:
    compiled = compiled_abi3({"pyo3-ffi": ("abi3", "abi3-py311", "abi3-py312")})
    with pytest.raises(BuildError, match=r"needs CPython 3\.11 or newer"):
        check_compiled_abi3(_abi3_job(9), compiled)


def test_planned_version_specific_compiled_abi3_stops() -> None:
    with pytest.raises(BuildError, match=r"planned as cp311-cp311 .*uses the stable ABI"):
        check_compiled_abi3(_specific_job(), compiled_abi3({"pyo3-ffi": ABI3_39}))


@pytest.mark.parametrize(
    ("job", "features"),
    [
        (_abi3_job(9), ABI3_39),
        (_abi3_job(11), ABI3_39),  # the tag claims less than the binary can do: true
        (_abi3_job(11), ("abi3",)),
        (_specific_job(), ("default",)),
        (_specific_job(10, supports_abi3=False), ABI3_39),  # PyPy / free-threaded: pyo3 opts out
        (_specific_job(8), ABI3_39),  # below the abi3 minimum
    ],
)
def test_agreement_passes(job: WheelJob, features: tuple[str, ...]) -> None:
    check_compiled_abi3(job, compiled_abi3({"pyo3-ffi": features}))

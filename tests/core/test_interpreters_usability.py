"""Which interpreters can build which project: requires-python, abi3, pyo3's range, cffi, bin.

The verdicts are checked against the wheel split the build itself uses (``wheel_jobs``), so
"covered by the abi3 wheel" and "gets its own wheel" mean what the builder will do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from cratewright.core.build.plan import preview_wheel_tags, wheel_jobs
from cratewright.core.interpreters import (
    InterpreterInfo,
    ProjectNeeds,
    PythonSupport,
    assess_interpreter,
    pyo3_python_support,
)
from cratewright.core.metadata.overview import load_overview
from cratewright.core.project.bindings import Bindings
from tests.conftest import TEST_CRATES


def _cp(minor: int, *, ft: bool = False, cffi: bool = False) -> InterpreterInfo:
    flags = "t" if ft else ""
    return InterpreterInfo(
        executable=Path(f"/usr/bin/python3.{minor}{flags}"),
        implementation="cpython",
        major=3,
        minor=minor,
        abiflags=flags,
        gil_disabled=ft,
        has_cffi=cffi,
        ext_suffix=f".cpython-3{minor}{flags}-x86_64-linux-gnu.so",
    )


def _pypy(minor: int) -> InterpreterInfo:
    return InterpreterInfo(
        executable=Path(f"/usr/bin/pypy3.{minor}"),
        implementation="pypy",
        major=3,
        minor=minor,
        ext_suffix=f".pypy3{minor}-pp73-x86_64-linux-gnu.so",
    )


PYO3 = Bindings("pyo3", "test", "pyo3", Version("0.30.1"))
ABI3 = Bindings("pyo3", "test", "pyo3", Version("0.30.1"), abi3_minor=9)
SUPPORT = PythonSupport(
    "pyo3-ffi 0.30.1", {"cpython": ((3, 9), (3, 15)), "pypy": ((3, 11), (3, 12))}
)


def test_requires_python_is_checked_on_major_minor():
    needs = ProjectNeeds(PYO3, SpecifierSet(">=3.10"), SUPPORT)
    assert assess_interpreter(_cp(9), needs).reason == (
        "Python 3.9 does not satisfy requires-python >=3.10"
    )
    assert not assess_interpreter(_cp(9), needs).usable
    ok = assess_interpreter(_cp(12), needs)
    assert ok.usable and ok.reason == "gets its own cp312-cp312 wheel"


def test_abi3_covers_cpython_from_its_minimum_and_others_get_their_own_wheel():
    needs = ProjectNeeds(ABI3, SpecifierSet(">=3.8"), SUPPORT)
    covered = assess_interpreter(_cp(13), needs)
    assert covered.usable and covered.reason == "covered by the abi3 wheel (CPython >= 3.9)"
    pypy = assess_interpreter(_pypy(11), needs)
    assert pypy.usable
    assert pypy.reason == "PyPy cannot load abi3 wheels: gets its own pp311-pypy311_pp73 wheel"
    ft = assess_interpreter(_cp(14, ft=True), needs)
    assert (
        ft.reason == "free-threaded Python cannot load abi3 wheels: gets its own cp314-cp314t wheel"
    )
    # Below pyo3's minimum: pyo3 itself refuses, whatever abi3 says.
    assert assess_interpreter(_cp(8), needs).reason == (
        "pyo3-ffi 0.30.1 supports CPython 3.9 to 3.15, not 3.8"
    )
    # Newer than pyo3's maximum: fine for the forward-compatible abi3 wheel only.
    assert assess_interpreter(_cp(16), needs).usable
    assert not assess_interpreter(_cp(16), ProjectNeeds(PYO3, None, SUPPORT)).usable


def test_abi3_minimum_above_pyo3_minimum_gives_older_cpython_its_own_wheel():
    bindings = Bindings("pyo3", "test", "pyo3", Version("0.30.1"), abi3_minor=11)
    needs = ProjectNeeds(bindings, None, SUPPORT)
    assert assess_interpreter(_cp(10), needs).reason == (
        "older than the abi3 minimum 3.11: gets its own cp310-cp310 wheel"
    )
    jobs = wheel_jobs(bindings, [_cp(10), _cp(11), _cp(12), _pypy(11)])
    assert [(j.label, [i.minor for i in j.covers]) for j in jobs] == [
        ("cp311-abi3", [11, 12]),
        ("cp310-cp310", [10]),
        ("pp311-pypy311_pp73", [11]),
    ]


def test_verdicts_agree_with_the_wheel_split():
    interpreters = [_cp(9), _cp(12), _cp(13), _pypy(11), _cp(14, ft=True)]
    tags = [tag for tag, _ in preview_wheel_tags(ABI3, interpreters, "linux_x86_64")]
    assert tags == [
        "cp39-abi3-linux_x86_64",
        "pp311-pypy311_pp73-linux_x86_64",
        "cp314-cp314t-linux_x86_64",
    ]
    needs = ProjectNeeds(ABI3, None, SUPPORT)
    for info in interpreters:
        verdict = assess_interpreter(info, needs)
        own = [t for t in tags if t.startswith(f"{info.python_tag}-{info.abi_tag}-")]
        assert ("covered by the abi3 wheel" in verdict.reason) == (not own)
    plain = [tag for tag, _ in preview_wheel_tags(PYO3, interpreters[:3], "linux_x86_64")]
    assert plain == ["cp39-cp39-linux_x86_64", "cp312-cp312-linux_x86_64",
                     "cp313-cp313-linux_x86_64"]  # fmt: skip


def test_pyo3_support_and_free_threading():
    needs = ProjectNeeds(PYO3, None, SUPPORT)
    assert assess_interpreter(_pypy(9), needs).reason == (
        "pyo3-ffi 0.30.1 supports PyPy 3.11 to 3.12, not 3.9"
    )
    graal = InterpreterInfo(executable=Path("/g"), implementation="graalpy", major=3, minor=11,
                            ext_suffix=".graalpy242-311-native-x86_64-linux.so")  # fmt: skip
    assert assess_interpreter(graal, needs).reason == "pyo3-ffi 0.30.1 does not support GraalVM"
    old = Bindings("pyo3", "test", "pyo3", Version("0.22.0"))
    assert assess_interpreter(_cp(14, ft=True), ProjectNeeds(old)).reason == (
        "pyo3 0.22.0 cannot build for free-threaded Python (needs 0.23+)"
    )


def test_cffi_bin_and_no_project():
    cffi = ProjectNeeds(Bindings("cffi", "test"))
    assert assess_interpreter(_cp(12), cffi).reason == (
        "cffi is not installed in it (pip install cffi)"
    )
    assert assess_interpreter(_cp(12, cffi=True), cffi).usable
    assert [j.label for j in wheel_jobs(cffi.bindings, [_cp(12), _cp(13)])] == ["py3-none"]
    binary = assess_interpreter(_cp(12), ProjectNeeds(Bindings("bin", "test")))
    assert (binary.status, binary.reason) == ("not-needed", "bin wheels need no Python interpreter")
    assert assess_interpreter(_cp(12), ProjectNeeds()).usable
    broken = assess_interpreter(None, ProjectNeeds(PYO3), error="boom")
    assert (broken.status, broken.reason) == ("unusable", "boom")


@pytest.mark.parametrize("crate", ["pyo3-pure", "pyo3-abi3", "cffi-pure", "hello-bin"])
def test_needs_of_real_projects(crate: str):
    overview = load_overview(TEST_CRATES / crate)
    needs = ProjectNeeds.of(overview)
    assert needs.requires_python == overview.metadata.requires_python
    if overview.bindings.uses_pyo3:
        support = pyo3_python_support(overview.cargo_metadata)
        assert support is not None and support == needs.support
        package = overview.cargo_metadata.find_dependency("pyo3-ffi")
        assert package is not None
        low = package["metadata"]["cpython"]["min-version"]
        assert support.ranges["cpython"][0] == tuple(int(p) for p in low.split("."))
    else:
        assert needs.support is None

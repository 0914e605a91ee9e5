"""PyPI's platform tag rules (warehouse's list, as maturin copies it)."""

from __future__ import annotations

import pytest

from cratewright.core.audit.pypi_tags import (
    pypi_platform_problem,
    pypi_refusal,
    rust_target_supported_by_pypi,
    tag_allowed_by_pypi,
)


@pytest.mark.parametrize(
    ("tag", "allowed"),
    [
        ("any", True),
        ("win_amd64", True),
        ("manylinux2014_x86_64", True),
        ("manylinux_2_17_x86_64", True),
        ("manylinux_2_34_aarch64", True),
        ("musllinux_1_2_x86_64", True),
        ("manylinux_2_39_riscv64", True),
        ("musllinux_1_2_riscv64", True),
        ("musllinux_1_2_ppc64", False),
        ("manylinux_2_17_mips64", False),
        ("linux_x86_64", False),
        ("linux_riscv64", False),
        ("linux_armv7l", True),
        ("linux_armv6l", True),
        ("macosx_10_9_x86_64", True),
        ("macosx_11_0_arm64", True),
        ("macosx_11_3_arm64", False),
        ("macosx_10_9_ppc", False),
        ("ios_13_0_arm64_iphoneos", True),
        ("android_21_arm64_v8a", True),
        ("android_21_mips", False),
        ("pyemscripten_2025_0_wasm32", True),
        ("emscripten_3_1_58_wasm32", False),
    ],
)
def test_platform_tags(tag: str, allowed: bool) -> None:
    assert tag_allowed_by_pypi(tag) is allowed


def test_refusal_names_the_tag_and_wheel_as_maturin() -> None:
    name = "hello_bin-0.1.0-py3-none-linux_x86_64.whl"
    assert pypi_refusal(name) == (
        "Platform tag 'linux_x86_64' in wheel 'hello_bin-0.1.0-py3-none-linux_x86_64.whl' "
        "is not allowed by PyPI"
    )
    compressed = "x-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    assert pypi_refusal(compressed) is None
    assert "Invalid wheel filename" in str(pypi_refusal("x-1.0.whl"))


def test_publish_problem_says_the_fix() -> None:
    problem = pypi_platform_problem("x-1.0-cp311-cp311-linux_x86_64.whl")
    assert problem is not None
    assert "manylinux or musllinux" in problem and "--auditwheel repair" in problem
    assert pypi_platform_problem("x-1.0-py3-none-musllinux_1_2_x86_64.whl") is None


@pytest.mark.parametrize(
    ("triple", "supported"),
    [
        ("x86_64-unknown-linux-gnu", True),
        ("aarch64-unknown-linux-musl", True),
        ("armv7-unknown-linux-gnueabihf", True),
        ("powerpc64le-unknown-linux-gnu", True),
        ("riscv64gc-unknown-linux-gnu", True),
        ("mips64-unknown-linux-gnuabi64", False),
        ("powerpc64-unknown-linux-musl", False),
        ("aarch64-linux-android", True),
        ("x86_64-pc-windows-msvc", True),
        ("aarch64-apple-darwin", True),
        ("wasm32-unknown-emscripten", True),
        ("x86_64-unknown-freebsd", False),
    ],
)
def test_rust_targets(triple: str, supported: bool) -> None:
    assert rust_target_supported_by_pypi(triple) is supported

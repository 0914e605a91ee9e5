"""Which platform tags PyPI accepts: ``--compatibility pypi`` and the Publish pre-flight.

PyPI (warehouse's ``forklift/legacy.py``) refuses a wheel whose platform tag is not on its
list; a ``linux_x86_64`` wheel is the usual victim. maturin checks the built wheel's file name
against the same rules when ``--compatibility pypi`` is given; we check before the wheel is
written (so a failed build leaves no wheel), and the Publish pre-flight checks a wheel headed
for PyPI or TestPyPI with the same function.
"""

from __future__ import annotations

import re

__all__ = [
    "pypi_platform_problem",
    "pypi_refusal",
    "rust_target_supported_by_pypi",
    "tag_allowed_by_pypi",
]

# Copied rules, not code: warehouse's list (non-Rust platforms kept to match it verbatim).
_ALLOWED = frozenset({
    "any", "win32", "win_arm64", "win_amd64", "win_ia64",
    "manylinux1_x86_64", "manylinux1_i686", "manylinux2010_x86_64", "manylinux2010_i686",
    "manylinux2014_x86_64", "manylinux2014_i686", "manylinux2014_aarch64",
    "manylinux2014_armv7l", "manylinux2014_ppc64", "manylinux2014_ppc64le",
    "manylinux2014_s390x", "linux_armv6l", "linux_armv7l",
})  # fmt: skip
_MACOS = re.compile(r"^macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>.+)$")
_IOS = re.compile(r"^ios_\d+_\d+_(?P<arch>.+)_(?:iphoneos|iphonesimulator)$")
_ANDROID = re.compile(r"^android_\d+_(?P<arch>.+)$")
_LINUX = re.compile(r"^(?P<libc>many|musl)linux_\d+_\d+_(?P<arch>.+)$")
_PYEMSCRIPTEN = re.compile(r"^pyemscripten_\d+_\d+_wasm32$")

_WINDOWS_ARCHES = frozenset({"x86_64", "i686", "aarch64"})
_MACOS_ARCHES = frozenset({"x86_64", "arm64", "i686", "universal2"})
_MACOS_MAJORS = frozenset({"11", "12", "13", "14", "15", "26"})
_IOS_ARCHES = frozenset({"arm64", "x86_64"})
_ANDROID_ARCHES = frozenset({"armeabi_v7a", "arm64_v8a", "x86", "x86_64"})
_MANYLINUX_ARCHES = frozenset(
    {"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "ppc64", "riscv64"}
)
_MUSLLINUX_ARCHES = frozenset(
    {"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"}
)


def tag_allowed_by_pypi(platform_tag: str) -> bool:
    """Whether PyPI accepts one platform tag (``manylinux_2_17_x86_64``, ``win_amd64`` ...)."""
    if platform_tag in _ALLOWED:
        return True
    if macos := _MACOS.match(platform_tag):
        major, minor, arch = macos.group("major", "minor", "arch")
        if arch not in _MACOS_ARCHES:
            return False
        return major == "10" or (major in _MACOS_MAJORS and minor == "0")
    if linux := _LINUX.match(platform_tag):
        arches = _MUSLLINUX_ARCHES if linux.group("libc") == "musl" else _MANYLINUX_ARCHES
        return linux.group("arch") in arches
    if ios := _IOS.match(platform_tag):
        return ios.group("arch") in _IOS_ARCHES
    if android := _ANDROID.match(platform_tag):
        return android.group("arch") in _ANDROID_ARCHES
    return bool(_PYEMSCRIPTEN.match(platform_tag))


def pypi_refusal(wheel_name: str) -> str | None:
    """maturin's sentence for the first platform tag of ``wheel_name`` PyPI refuses, or None.

    ``wheel_name`` is a wheel file name; its last dash-separated part holds the platform
    tags, dot-separated (a compressed tag set).
    """
    stem = wheel_name.removesuffix(".whl")
    parts = stem.split("-")
    if not wheel_name.endswith(".whl") or len(parts) < 5:
        return f"Invalid wheel filename format: {wheel_name}"
    for tag in parts[-1].split("."):
        if not tag_allowed_by_pypi(tag):
            return f"Platform tag '{tag}' in wheel '{wheel_name}' is not allowed by PyPI"
    return None


def pypi_platform_problem(wheel_name: str) -> str | None:
    """The refusal with the fix, for the Publish pre-flight; None when PyPI accepts the tags."""
    refusal = pypi_refusal(wheel_name)
    if refusal is None:
        return None
    if "linux_" in refusal:
        return (
            f"{refusal}: build a manylinux or musllinux wheel instead (the default "
            "--auditwheel repair, --compatibility manylinux_2_17 or --zig), or publish it to "
            "another index"
        )
    return f"{refusal}: PyPI does not accept wheels for this platform"


# Rust's spelling of an architecture -> the platform tag's.
_TRIPLE_ARCHES = {"armv7": "armv7l", "arm": "armv6l", "powerpc64le": "ppc64le",
                  "powerpc64": "ppc64", "riscv64gc": "riscv64", "i586": "i686"}  # fmt: skip


def rust_target_supported_by_pypi(triple: str) -> bool:
    """Whether PyPI accepts wheels of some platform for a Rust target (maturin's early check).

    Only the architectures and operating systems both Rust and PyPI support pass; an
    unknown triple does not.
    """
    arch, _, rest = triple.partition("-")
    arch = _TRIPLE_ARCHES.get(arch, arch)
    if "android" in rest:
        return arch in ("armv7l", "aarch64", "i686", "x86_64")
    if "-linux-" in f"-{rest}":
        if arch in ("armv6l", "armv7l"):
            return True
        if "musl" in rest:
            return arch in _MUSLLINUX_ARCHES
        return "gnu" in rest and arch in _MANYLINUX_ARCHES
    if "windows" in rest:
        return arch in _WINDOWS_ARCHES
    if "darwin" in rest:
        return ("arm64" if arch == "aarch64" else arch) in _MACOS_ARCHES
    if "apple-ios" in rest:
        return arch in ("aarch64", "x86_64")
    if "emscripten" in rest:
        return arch == "wasm32"
    return False

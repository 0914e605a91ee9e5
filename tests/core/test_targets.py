"""Tests for the Rust target listing, zig detection and the zig linker wrapper.

rustc, rustup and the ``ziglang`` package of the dev venv are the real ones; the wrapper is
checked by running it with a stand-in zig that prints the arguments it was given.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cratewright.core.build.rust_target import RustTarget
from cratewright.core.build.targets import find_zig, list_targets, platform_tag_preview
from cratewright.core.build.zig import (
    default_zig_compatibility,
    write_zig_wrappers,
    zig_cargo_env,
    zig_glibc,
    zig_target,
)
from cratewright.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def _lines(*args: str) -> list[str]:
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def test_list_targets_matches_rustc_and_rustup():
    listing = list_targets()
    host = next(line[6:] for line in _lines("rustc", "-vV") if line.startswith("host: "))
    assert listing.host == host
    assert listing.targets[0].triple == host and listing.targets[0].host
    assert {t.triple for t in listing.targets} == set(_lines("rustc", "--print", "target-list"))
    installed = set(_lines("rustup", "target", "list", "--installed"))
    assert listing.rustup
    assert {t.triple for t in listing.installed} == installed | {host}
    # Installed first, then the rest alphabetically.
    flags = [t.installed for t in listing.targets]
    assert flags == sorted(flags, reverse=True)
    rest = [t.triple for t in listing.targets if not t.installed]
    assert rest == sorted(rest)
    assert next(t for t in listing.targets if t.triple == "aarch64-apple-darwin").buildable is False


def test_zig_from_the_ziglang_package_is_found():
    zig, problem = find_zig()
    assert problem is None and zig is not None
    assert zig.source == "ziglang package"
    version = subprocess.run([sys.executable, "-m", "ziglang", "version"], capture_output=True,
                             text=True, check=True).stdout.strip()  # fmt: skip
    assert zig.version == version
    assert list_targets().zig == zig


def test_missing_zig_is_reported_not_raised(tmp_path: Path):
    # A Python without the dev venv's site-packages, and an empty PATH: no zig anywhere.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from cratewright.core.build.targets import find_zig\n"
        "print(find_zig())"
    )
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code, str(REPO / "app")],
        capture_output=True, text=True, env={"PATH": str(tmp_path)}, check=True,
    )  # fmt: skip
    assert proc.stdout.strip() == (
        "(None, 'zig is not installed; `pip install ziglang` provides it')"
    )


def test_zig_target_names_and_glibc():
    x86 = RustTarget("x86_64-unknown-linux-gnu")
    assert default_zig_compatibility(x86) == "manylinux2014"
    assert default_zig_compatibility(RustTarget("riscv64gc-unknown-linux-gnu")) == "manylinux_2_31"
    assert default_zig_compatibility(RustTarget("x86_64-unknown-linux-musl")) == "musllinux_1_2"
    assert zig_glibc(["manylinux2014"]) == (2, 17)
    assert zig_glibc(["manylinux_2_28", "manylinux2014"]) == (2, 17)
    assert zig_glibc(["linux"]) is None
    assert zig_target(x86, (2, 17)) == "x86_64-linux-gnu.2.17"
    assert zig_target(RustTarget("aarch64-unknown-linux-musl"), (2, 17)) == "aarch64-linux-musl"
    arm = RustTarget("armv7-unknown-linux-gnueabihf")
    assert zig_target(arm, (2, 28)) == "arm-linux-gnueabihf.2.28"
    with pytest.raises(ConfigError, match="supports Linux targets"):
        zig_target(RustTarget("x86_64-apple-darwin"), None)


def test_platform_tag_preview():
    x86 = RustTarget("x86_64-unknown-linux-gnu")
    assert platform_tag_preview(x86) == "manylinux_*_x86_64"
    assert platform_tag_preview(x86, zig_default="manylinux2014") == (
        "manylinux_2_17_x86_64.manylinux2014_x86_64"
    )
    assert platform_tag_preview(x86, ["2_28"], zig_default="manylinux2014") == (
        "manylinux_2_28_x86_64"
    )
    assert platform_tag_preview(x86, ["linux"]) == "linux_x86_64"
    assert platform_tag_preview(RustTarget("x86_64-unknown-linux-musl")) == "musllinux_*_x86_64"


def test_wrapper_filters_rustc_flags_and_calls_zig(tmp_path: Path):
    fake_zig = tmp_path / "bin dir" / "zig"
    fake_zig.parent.mkdir()
    fake_zig.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    fake_zig.chmod(0o755)
    wrappers = write_zig_wrappers(fake_zig, "x86_64-linux-gnu.2.17", tmp_path / "zig")
    assert wrappers.cc == tmp_path / "zig" / "x86_64-linux-gnu.2.17" / "cc"
    assert os.access(wrappers.cc, os.X_OK) and os.access(wrappers.cxx, os.X_OK)
    args = ["-m64", "a.o", "-lgcc_s", "--target=x86_64-unknown-linux-gnu",
            "-Wl,-znostart-stop-gc", "-Wl,--no-undefined-version", "-o", "out file",
            "-Wl,-plugin-opt=O2", "-lc"]  # fmt: skip
    out = subprocess.run([str(wrappers.cc), *args], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "cc", "-target", "x86_64-linux-gnu.2.17", "-m64", "a.o", "-lunwind", "-o", "out file",
        "-lc",
    ]  # fmt: skip
    out = subprocess.run([str(wrappers.cxx), "x.cpp"], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["c++", "-target", "x86_64-linux-gnu.2.17", "x.cpp"]
    # Rewriting the same wrapper leaves the file alone (cargo would otherwise relink).
    before = wrappers.cc.stat().st_mtime_ns
    write_zig_wrappers(fake_zig, "x86_64-linux-gnu.2.17", tmp_path / "zig")
    assert wrappers.cc.stat().st_mtime_ns == before


def test_zig_cargo_env_keeps_what_the_user_set(tmp_path: Path):
    zig = Path(shutil.which("sh") or "/bin/sh")
    wrappers = write_zig_wrappers(zig, "x86_64-linux-gnu.2.17", tmp_path)
    target = RustTarget("x86_64-unknown-linux-gnu")
    env = zig_cargo_env(target, wrappers, zig, {"CXX_x86_64_unknown_linux_gnu": "g++"})
    assert env == {
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": str(wrappers.cc),
        "CC_x86_64_unknown_linux_gnu": str(wrappers.cc),
        "ZIG_COMMAND": str(zig),
    }
    json.dumps(env)  # plain strings, ready for subprocess

"""The platforms a release covers, with maturin 1.16's defaults for each.

A platform is a job of the workflow (``linux`` builds manylinux wheels); its default targets,
runners, Python architecture and manylinux policy are the values ``maturin generate-ci github``
writes, so an unconfigured project gets the same matrix from both tools. What maturin leaves
open (which arch names a platform accepts, which runner can build it) is kept here as data so
the config reader can name the allowed values in its errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CLI_PLATFORMS",
    "DEFAULT_PLATFORMS",
    "PLATFORMS",
    "PlatformSpec",
    "platform_spec",
    "runner_family",
]


@dataclass(frozen=True)
class PlatformSpec:
    """One platform: its job name, its defaults and what it accepts.

    ``arches`` are the short names PyO3/maturin-action maps to a Rust triple for this
    platform; ``triple`` matches a full Rust triple the action passes through as is.
    ``runner_os`` is the OS a GitHub-hosted runner must have to build it.
    """

    name: str
    title: str
    default_targets: tuple[str, ...]
    arches: tuple[str, ...]
    triple: re.Pattern[str]
    runner_os: str
    default_manylinux: str | None = None
    default_rust_toolchain: str | None = None

    def default_runner(self, arch: str) -> str:
        """The runner maturin picks for ``arch`` on this platform."""
        if self.name == "windows":
            return "windows-11-arm" if arch == "aarch64" else "windows-latest"
        if self.name == "macos":
            return "macos-15-intel" if arch == "x86_64" else "macos-latest"
        if self.name == "android":
            return "ubuntu-latest"
        return "ubuntu-22.04"

    def python_arch(self, arch: str) -> str | None:
        """``actions/setup-python``'s ``architecture`` for ``arch`` (Windows only)."""
        if self.name != "windows":
            return None
        return "arm64" if arch == "aarch64" else arch

    def accepts(self, arch: str) -> bool:
        """Whether maturin-action can build ``arch`` (a short name or a full triple) here."""
        return arch in self.arches or bool(self.triple.fullmatch(arch))


PLATFORMS: dict[str, PlatformSpec] = {
    spec.name: spec
    for spec in (
        PlatformSpec(
            "linux", "Linux (manylinux)",
            ("x86_64", "x86", "aarch64", "armv7", "s390x", "ppc64le"),
            ("x86_64", "x64", "x86", "i686", "aarch64", "armv7", "armv7l", "s390x", "ppc64le",
             "ppc64", "riscv64", "loongarch64"),
            re.compile(r"[a-z0-9_]+-unknown-linux-gnu[a-z]*"), "ubuntu",
            default_manylinux="auto",
        ),
        PlatformSpec(
            "musllinux", "Linux (musllinux)",
            ("x86_64", "x86", "aarch64", "armv7"),
            ("x86_64", "x64", "x86", "i686", "aarch64", "arm", "armv7", "armv7l", "ppc64le",
             "riscv64", "loongarch64"),
            re.compile(r"[a-z0-9_]+-unknown-linux-musl[a-z]*"), "ubuntu",
            default_manylinux="musllinux_1_2",
        ),
        PlatformSpec(
            "windows", "Windows",
            ("x64", "x86", "aarch64"),
            ("x64", "x86_64", "x86", "i686", "aarch64"),
            re.compile(r"[a-z0-9_]+-pc-windows-(msvc|gnu|gnullvm)"), "windows",
        ),
        PlatformSpec(
            "macos", "macOS",
            ("x86_64", "aarch64"),
            ("x86_64", "x64", "aarch64", "universal2"),
            re.compile(r"[a-z0-9_]+-apple-darwin"), "macos",
        ),
        PlatformSpec(
            "emscripten", "Emscripten (Pyodide)",
            ("wasm32-unknown-emscripten",),
            ("wasm32-unknown-emscripten",),
            re.compile(r"wasm32-unknown-emscripten"), "ubuntu",
            # The toolchain pyodide-build names, exported by the job's set-up step.
            default_rust_toolchain="${{ env.RUST_TOOLCHAIN }}",
        ),
        PlatformSpec(
            "android", "Android",
            ("aarch64-linux-android", "x86_64-linux-android"),
            ("aarch64-linux-android", "x86_64-linux-android", "armv7-linux-androideabi",
             "i686-linux-android"),
            re.compile(r"[a-z0-9_]+-linux-android(eabi)?"), "ubuntu",
        ),
    )
}  # fmt: skip

# Generated when nothing is configured (maturin's Platform::defaults()).
DEFAULT_PLATFORMS = ("linux", "musllinux", "windows", "macos")
# `--platform` values: maturin's names, "manylinux" for the linux job, "all" for every one.
CLI_PLATFORMS = ("all", "manylinux", "musllinux", "windows", "macos", "emscripten", "android")

# GitHub-hosted runner labels (ubuntu-22.04, windows-11-arm, macos-15-intel, ...): the OS is the
# first word. A self-hosted label matches none of them and is trusted as written.
_HOSTED_RUNNER = re.compile(r"(ubuntu|windows|macos)-[a-z0-9.-]+")


def platform_spec(name: str) -> PlatformSpec:
    """The spec of a platform by job name; ``manylinux`` is the linux job as in maturin."""
    return PLATFORMS["linux" if name == "manylinux" else name]


def runner_family(runner: str) -> str | None:
    """The OS of a GitHub-hosted runner label, None for a self-hosted or custom label."""
    match = _HOSTED_RUNNER.fullmatch(runner)
    return match.group(1) if match else None

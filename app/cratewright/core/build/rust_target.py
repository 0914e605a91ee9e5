"""The Rust target triple we build for, and what it means for wheel platform tags.

The host triple comes from ``rustc -vV`` (what cargo builds for without ``--target``); the
architecture names are the ones manylinux/musllinux tags use.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cratewright.errors import ConfigError, ToolMissingError

__all__ = ["RustTarget", "host_target", "parse_target"]

# Rust arch component -> the arch name of PEP 600/656 platform tags.
_ARCH = {
    "x86_64": "x86_64",
    "i686": "i686",
    "i586": "i686",
    "aarch64": "aarch64",
    "armv7": "armv7l",
    "powerpc64le": "ppc64le",
    "powerpc64": "ppc64",
    "s390x": "s390x",
    "riscv64gc": "riscv64",
    "riscv64": "riscv64",
    "loongarch64": "loongarch64",
}


@dataclass(frozen=True)
class RustTarget:
    """A target triple such as ``x86_64-unknown-linux-gnu``."""

    triple: str

    @property
    def arch(self) -> str:
        """Platform-tag architecture (``x86_64``, ``aarch64``, ``armv7l``...)."""
        head = self.triple.split("-", 1)[0]
        return _ARCH.get(head, head)

    @property
    def os(self) -> str:
        """``linux``, ``macos``, ``windows``..."""
        if "-linux-" in self.triple:
            return "linux"
        if "apple-darwin" in self.triple:
            return "macos"
        if "windows" in self.triple:
            return "windows"
        return self.triple.split("-")[2] if self.triple.count("-") >= 2 else "unknown"

    @property
    def is_musl(self) -> bool:
        """musl targets get musllinux tags."""
        return self.triple.endswith(("-musl", "-musleabihf", "-musleabi"))

    @property
    def linux_tag(self) -> str:
        """The non-portable platform tag, e.g. ``linux_x86_64``."""
        return f"linux_{self.arch}"


def _rustc() -> str:
    found = shutil.which("rustc") or str(Path.home() / ".cargo" / "bin" / "rustc")
    if not Path(found).is_file():
        raise ToolMissingError(
            "rustc was not found. Install Rust from https://rustup.rs and make sure "
            "~/.cargo/bin is on PATH"
        )
    return found


@functools.cache
def host_target() -> RustTarget:
    """The triple rustc builds for by default."""
    try:
        out = subprocess.run(
            [_rustc(), "-vV"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ToolMissingError(f"Could not run `rustc -vV`: {exc}") from exc
    for line in out.splitlines():
        if line.startswith("host: "):
            return RustTarget(line.removeprefix("host: ").strip())
    raise ToolMissingError("`rustc -vV` did not report a host triple")


def parse_target(triple: str) -> RustTarget:
    """Validate a ``--target`` value; only Linux targets get wheels from this engine for now."""
    if triple.count("-") < 2:
        raise ConfigError(f"{triple!r} is not a Rust target triple (e.g. x86_64-unknown-linux-gnu)")
    target = RustTarget(triple)
    if target.os != "linux":
        raise ConfigError(
            f"Building wheels for {triple} is not supported yet: cratewright builds Linux wheels"
        )
    return target

"""Rust targets this machine can build for, and whether zig is there to link for old glibc.

The host triple comes from ``rustc -vV``, every triple rustc knows from ``rustc --print
target-list``, and the ones whose standard library is installed from ``rustup target list
--installed`` (without rustup only the host is known to be installed). zig is the ``ziglang``
package from PyPI in the Python running cratewright (what ``pip install maturin[zig]``
installs), else a ``zig`` on PATH.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cratewright.core.audit.compatibility import parse_compatibility
from cratewright.core.audit.policy import load_policies
from cratewright.core.build.rust_target import RustTarget, host_target
from cratewright.errors import ToolMissingError

__all__ = [
    "TargetInfo",
    "TargetListing",
    "ZigInfo",
    "find_zig",
    "list_targets",
    "platform_tag_preview",
]

_TIMEOUT = 60


@dataclass(frozen=True)
class ZigInfo:
    """A zig that runs: its binary, version and where it came from."""

    executable: Path
    version: str
    source: str


@dataclass(frozen=True)
class TargetInfo:
    """One target triple: is it the host, is its standard library installed, can we build it."""

    triple: str
    host: bool = False
    installed: bool = False

    @property
    def buildable(self) -> bool:
        """cratewright builds Linux wheels only."""
        return RustTarget(self.triple).os == "linux"


@dataclass(frozen=True)
class TargetListing:
    """Targets (installed first, the host first of all), rustup presence and zig."""

    host: str
    targets: tuple[TargetInfo, ...]
    rustup: bool
    zig: ZigInfo | None
    zig_problem: str | None = None

    @property
    def installed(self) -> tuple[TargetInfo, ...]:
        """Only the installed targets."""
        return tuple(t for t in self.targets if t.installed)


def _tool(name: str) -> str:
    """``name`` on PATH, else rustup's default folder (GUI sessions often lack ~/.cargo/bin)."""
    return shutil.which(name) or str(Path.home() / ".cargo" / "bin" / name)


def _run(args: list[str]) -> str:
    """stdout of a short tool call; a tool that fails is a ToolMissingError with its words."""
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ToolMissingError(f"Could not run `{' '.join(args[:1] + args[1:3])}`: {exc}") from exc
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        detail = lines[-1] if lines else f"exit code {proc.returncode}"
        raise ToolMissingError(f"`{Path(args[0]).name} {' '.join(args[1:])}` failed: {detail}")
    return proc.stdout


def _zig_version(executable: Path) -> str:
    return _run([str(executable), "version"]).strip()


def _ziglang_binary() -> Path | None:
    """The zig binary inside the ``ziglang`` package, found without importing it."""
    try:
        spec = importlib.util.find_spec("ziglang")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        binary = Path(location) / "zig"
        if binary.is_file():
            return binary
    return None


def find_zig() -> tuple[ZigInfo | None, str | None]:
    """The zig to link with, or None and why there is none (a sentence for the user)."""
    candidates: list[tuple[Path, str]] = []
    bundled = _ziglang_binary()
    if bundled is not None:
        candidates.append((bundled, "ziglang package"))
    on_path = shutil.which("zig")
    if on_path:
        candidates.append((Path(on_path), "PATH"))
    if not candidates:
        return None, "zig is not installed; `pip install ziglang` provides it"
    problems: list[str] = []
    for executable, source in candidates:
        try:
            return ZigInfo(executable, _zig_version(executable), source), None
        except ToolMissingError as exc:
            problems.append(f"zig from the {source} ({executable}) does not run: {exc.message}")
    return None, "; ".join(problems)


def _installed_targets() -> tuple[str, ...] | None:
    """``rustup target list --installed``, or None when rustup is not installed."""
    rustup = _tool("rustup")
    if not Path(rustup).is_file():
        return None
    try:
        out = _run([rustup, "target", "list", "--installed"])
    except ToolMissingError:
        return None
    return tuple(line.strip() for line in out.splitlines() if line.strip())


def list_targets() -> TargetListing:
    """Every target rustc knows, installed ones first, plus rustup and zig availability.

    Raises:
        ToolMissingError: rustc is missing or fails.
    """
    host = host_target().triple
    known = [t.strip() for t in _run([_tool("rustc"), "--print", "target-list"]).splitlines()]
    installed = _installed_targets()
    have = set(installed) if installed is not None else {host}
    have.add(host)
    triples = sorted({t for t in known if t} | have)
    infos = [TargetInfo(t, host=t == host, installed=t in have) for t in triples]
    infos.sort(key=lambda t: (not t.host, not t.installed, t.triple))
    zig, problem = find_zig()
    return TargetListing(host, tuple(infos), installed is not None, zig, problem)


def platform_tag_preview(
    target: RustTarget, compatibility: Sequence[str] = (), *, zig_default: str | None = None
) -> str:
    """The platform part of the wheel tags, as far as it is known before compiling.

    With a compatibility tag (or zig's default one) the audit must reach exactly that tag;
    without one it picks the newest manylinux policy the binary meets, so the version is
    shown as ``*``.

    Args:
        target: The Rust target.
        compatibility: ``--compatibility`` values (unparsed).
        zig_default: The tag a zig build uses when ``compatibility`` is empty.

    Raises:
        ConfigError: A compatibility value is invalid.
    """
    values = list(compatibility) or ([zig_default] if zig_default else [])
    tags = parse_compatibility(values).tags
    if not tags:
        family = "musllinux" if target.is_musl else "manylinux"
        return f"{family}_*_{target.arch}"
    policies = load_policies()
    parts: list[str] = []
    for tag in tags:
        if tag == "linux":
            parts.append(target.linux_tag)
            continue
        policy = policies.get(tag)
        parts.append(policy.platform_tag(target.arch) if policy else f"{tag}_{target.arch}")
    return ".".join(parts)

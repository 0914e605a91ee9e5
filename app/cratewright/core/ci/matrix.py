"""The release as a table a person can read: platforms x architectures -> wheel tags.

The Release page shows this and nothing else decides it: for each platform (row) and
architecture (column) whether CI builds it, under which arch name the workflow lists it, and
the wheel tags it will produce, derived from the bindings (per-version, abi3, one py3 wheel)
and requires-python. The Python versions are what ``--find-interpreter`` finds on the
runner images (CPython from requires-python's minimum to the newest, and 3.14t in the
manylinux/musllinux images); they are an expectation, not a promise the runners keep.
"""

from __future__ import annotations

from dataclasses import dataclass

from cratewright.core.ci.platforms import PLATFORMS
from cratewright.core.ci.resolve import ResolvedCI

__all__ = ["COLUMNS", "MatrixCell", "ReleaseMatrix", "column_of", "release_matrix"]

COLUMNS = ("x86_64", "x86", "aarch64", "armv7", "s390x", "ppc64le", "wasm32")
NEWEST_MINOR = 14
_DEFAULT_MIN_MINOR = 8
# The arch names each column goes by, in the order a new target is written.
_ALIASES = {
    "x86_64": ("x86_64", "x64", "x86_64-linux-android"),
    "x86": ("x86", "i686", "i686-linux-android"),
    "aarch64": ("aarch64", "aarch64-linux-android"),
    "armv7": ("armv7", "armv7l", "arm", "armv7-linux-androideabi"),
    "s390x": ("s390x",),
    "ppc64le": ("ppc64le",),
    "wasm32": ("wasm32-unknown-emscripten",),
}
_WHEEL_ARCH = {
    "linux": {"x86_64": "x86_64", "x86": "i686", "aarch64": "aarch64", "armv7": "armv7l",
              "s390x": "s390x", "ppc64le": "ppc64le"},
    "windows": {"x86_64": "win_amd64", "x86": "win32", "aarch64": "win_arm64"},
    "macos": {"x86_64": "macosx_10_12_x86_64", "aarch64": "macosx_11_0_arm64"},
    "android": {"x86_64": "android_24_x86_64", "aarch64": "android_24_arm64_v8a",
                "armv7": "android_24_armeabi_v7a", "x86": "android_24_x86"},
    "emscripten": {"wasm32": "pyemscripten_2025_0_wasm32"},
}  # fmt: skip


@dataclass(frozen=True)
class MatrixCell:
    """One platform x architecture: built or not, its arch name, the wheels it yields."""

    platform: str
    column: str
    arch: str | None  # the name the workflow uses; None: this platform has no such arch
    enabled: bool
    tags: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        """Whether a runner can build this cell at all."""
        return self.arch is not None

    @property
    def summary(self) -> str:
        """Short text for the cell: the Python part of the tags (``cp39–314, cp314t``)."""
        if not self.tags:
            return ""
        pythons = [_python_label(tag) for tag in self.tags]
        plain = [p for p in pythons if not p.endswith("t")]
        threaded = [p for p in pythons if p.endswith("t")]
        head = f"{plain[0]}–{plain[-1].removeprefix('cp')}" if len(plain) > 2 else ", ".join(plain)
        return ", ".join([head, *threaded]) if head else ", ".join(threaded)


@dataclass(frozen=True)
class ReleaseMatrix:
    """Every cell, by (platform, column), plus targets outside the columns (riscv64, ...)."""

    platforms: tuple[str, ...]
    cells: dict[tuple[str, str], MatrixCell]
    other_targets: tuple[str, ...]
    python_summary: str

    def cell(self, platform: str, column: str) -> MatrixCell:
        """The cell of ``platform`` (a row) and ``column``."""
        return self.cells[(platform, column)]

    @property
    def wheel_count(self) -> int:
        """How many wheels one release makes (sdist not counted)."""
        return sum(len(cell.tags) for cell in self.cells.values() if cell.enabled)


def _python_label(tag: str) -> str:
    interpreter, abi = tag.split("-")[:2]
    if abi == "abi3":
        return f"{interpreter}-abi3"
    if abi == "none":
        return interpreter
    return abi if abi.endswith("t") else interpreter


def column_of(arch: str) -> str | None:
    """The column an arch name belongs to, None for one outside the table."""
    return next((column for column, names in _ALIASES.items() if arch in names), None)


def _platform_tag(platform: str, column: str, manylinux: str | None) -> str:
    if platform in ("linux", "musllinux"):
        arch = _WHEEL_ARCH["linux"][column]
        if platform == "musllinux":
            musl = manylinux if manylinux and manylinux.startswith("musllinux") else None
            return f"{musl or 'musllinux_1_2'}_{arch}"
        policy = manylinux if manylinux and manylinux not in ("auto", "2014") else "2_17"
        return f"manylinux_{policy.removeprefix('manylinux_')}_{arch}"
    return _WHEEL_ARCH[platform][column]


def _python_tags(ci: ResolvedCI, platform: str) -> list[str]:
    facts = ci.facts
    low = ci.min_python_minor or _DEFAULT_MIN_MINOR
    if facts.bindings in ("cffi", "uniffi") or facts.is_bin:
        return ["py3-none"]
    if facts.abi3:
        floor = facts.abi3_minor or low
        extra = [] if platform in ("emscripten", "android") else ["cp314-cp314t"]
        return [f"cp3{floor}-abi3", *extra]
    if platform in ("emscripten", "android"):
        return [f"cp3{max(low, 13)}-cp3{max(low, 13)}"]
    tags = [f"cp3{minor}-cp3{minor}" for minor in range(low, NEWEST_MINOR + 1)]
    if platform in ("linux", "musllinux"):
        tags.append(f"cp3{NEWEST_MINOR}-cp3{NEWEST_MINOR}t")
    return tags


def _describe_pythons(ci: ResolvedCI) -> str:
    facts = ci.facts
    low = ci.min_python_minor or _DEFAULT_MIN_MINOR
    if facts.is_bin:
        return "a binary: one py3-none wheel per target"
    if facts.bindings in ("cffi", "uniffi"):
        return f"{facts.bindings}: one py3-none wheel per target (any Python 3)"
    if facts.abi3:
        return (f"pyo3 abi3: one cp3{facts.abi3_minor or low}-abi3 wheel per target "
                "plus a free-threaded cp314t wheel")  # fmt: skip
    return (f"pyo3: one wheel per CPython 3.{low}–3.{NEWEST_MINOR} per target "
            "(and 3.14t on Linux), found by --find-interpreter")  # fmt: skip


def release_matrix(ci: ResolvedCI) -> ReleaseMatrix:
    """The table for ``ci``: every platform is a row, generated or not."""
    cells: dict[tuple[str, str], MatrixCell] = {}
    others: list[str] = []
    for platform, spec in PLATFORMS.items():
        targets = {t.target: t for t in ci.platforms.get(platform, ())}
        for arch in targets:
            if column_of(arch) is None:
                others.append(f"{platform} {arch}")
        for column in COLUMNS:
            enabled = next((t for t in targets.values() if column_of(t.target) == column), None)
            name = enabled.target if enabled else next(
                (alias for alias in _ALIASES[column] if spec.accepts(alias)), None)  # fmt: skip
            table = _WHEEL_ARCH.get("linux" if platform == "musllinux" else platform, {})
            if name is not None and column not in table:
                name = None
            tags: tuple[str, ...] = ()
            if name is not None:
                policy = enabled.get("manylinux") if enabled else None
                plat = _platform_tag(platform, column, policy)
                tags = tuple(f"{python}-{plat}" for python in _python_tags(ci, platform))
            built = enabled is not None
            cells[(platform, column)] = MatrixCell(platform, column, name, built, tags)
    return ReleaseMatrix(tuple(PLATFORMS), cells, tuple(others), _describe_pythons(ci))

"""The features cargo resolves for one workspace member, read from ``cargo tree``.

``cargo metadata`` unifies features across every workspace member (rust-lang/cargo#7754),
while ``cargo rustc --manifest-path member/Cargo.toml`` resolves them for that member only.
In a workspace, a sibling that turns on pyo3's ``abi3-py39`` or an optional pyo3 dependency
would otherwise decide the bindings of the crate being built. ``cargo tree`` scoped to the
member resolves features the way the build does, so maturin verifies with it, and so do we.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from cratewright.errors import CargoError

__all__ = ["BINDINGS_CRATES", "ScopedFeatures", "parse_tree_features", "scoped_features"]

# The crates whose presence and features decide the bindings (maturin's BINDINGS_CRATES).
BINDINGS_CRATES = ("pyo3", "pyo3-ffi", "uniffi")

# (crate name, version) -> features resolved for the member being built.
ScopedFeatures = Mapping[tuple[str, str], tuple[str, ...]]

_FORMAT = "{p}|{f}"


def parse_tree_features(
    output: str, names: Sequence[str] = BINDINGS_CRATES
) -> dict[tuple[str, str], tuple[str, ...]]:
    """Features per (name, version) of ``names`` in ``cargo tree --format '{p}|{f}'`` output.

    A line looks like ``pyo3 v0.30.1|default,macros`` (path packages append their source in
    parentheses, repeats end in `` (*)``). With several graphs (one per target) the features
    of a package are unioned, as ``cargo metadata`` does for several platforms.
    """
    found: dict[tuple[str, str], list[str]] = {}
    for raw in output.splitlines():
        line = raw.rstrip().removesuffix(" (*)")
        package, sep, features = line.partition("|")
        parts = package.split()
        if not sep or len(parts) < 2 or parts[0] not in names:
            continue
        if not parts[1].startswith("v"):
            raise CargoError(f"unexpected `cargo tree` output line: {line}")
        entry = found.setdefault((parts[0], parts[1][1:]), [])
        for feature in filter(None, features.split(",")):
            if feature not in entry:
                entry.append(feature)
    return {key: tuple(value) for key, value in found.items()}


def scoped_features(
    manifest: Path, *, cargo_flags: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> dict[tuple[str, str], tuple[str, ...]]:
    """Run ``cargo tree`` for ``manifest``'s package alone; see :func:`parse_tree_features`.

    ``cargo_flags`` are the same feature / lock-file flags the build passes, so the answer is
    the one the compile will see; ``--target all`` covers every platform's dependencies.
    """
    args = ["tree", "--manifest-path", str(manifest), "--edges", "normal,build,dev",
            "--prefix", "none", "--format", _FORMAT, "--color", "never",
            *cargo_flags, "--target", "all"]  # fmt: skip
    from cratewright.core.cargo.runner import run_cargo_capture  # only workspaces need it

    output = run_cargo_capture(args, cwd=manifest.parent, env=env)
    return parse_tree_features(output)

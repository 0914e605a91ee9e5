"""Build wheels from an sdist alone: ``build --sdist`` and the GUI's "verify" action.

An sdist that misses a file builds fine from the checkout and fails on the user's machine.
Building the wheels from the unpacked archive, in a directory that has nothing else, proves
the archive complete, as maturin's ``build --sdist`` does. The wheels still land in the
caller's out dir, not in the temporary tree.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from cratewright.core.build.builder import BuiltWheel, build_wheels
from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.core.cargo.metadata import load_cargo_metadata
from cratewright.core.project.locate import open_project
from cratewright.core.sdist.archive import find_unpacked_manifest, unpack_sdist
from cratewright.core.sdist.assemble import build_sdist
from cratewright.errors import SdistError
from cratewright.events import CancelToken, EventSink, Message, null_sink

__all__ = ["SdistBuild", "build_sdist_and_wheels", "build_wheels_from_sdist", "default_out_dir"]


@dataclass(frozen=True)
class SdistBuild:
    """An sdist and the wheels built from its unpacked copy."""

    sdist: Path
    wheels: tuple[BuiltWheel, ...]


def default_out_dir(manifest_path: Path | None, *, cwd: Path | None = None) -> Path:
    """``<cargo target dir>/wheels``, maturin's default output directory."""
    project = open_project(manifest_path, cwd=cwd)
    return load_cargo_metadata(project.cargo_toml).target_directory / "wheels"


def build_wheels_from_sdist(
    sdist: Path,
    options: BuildOptions,
    *,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> list[BuiltWheel]:
    """Unpack ``sdist`` into a temp dir and build the wheels ``options`` ask for from it.

    ``options.manifest_path`` is replaced by the unpacked project; the wheels go to
    ``options.out`` (default: next to the sdist).
    """
    base = options.cwd or Path.cwd()
    out = (base / options.out).resolve() if options.out else sdist.resolve().parent
    with tempfile.TemporaryDirectory(prefix="cratewright-sdist-") as scratch:
        top = unpack_sdist(sdist, Path(scratch))
        sink(Message("info", f"📦 Building wheels from source distribution at {top}"))
        unpacked = replace(options, manifest_path=find_unpacked_manifest(top), out=out, cwd=None)
        plan = plan_build(unpacked, sink=sink)
        wheels = build_wheels(plan, sink=sink, cancel=cancel)
    if not wheels:
        raise SdistError(f"No wheel was built from {sdist.name}")
    return wheels


def build_sdist_and_wheels(
    options: BuildOptions,
    *,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> SdistBuild:
    """``cratewright build --sdist``: the sdist, then every wheel built from it alone."""
    base = options.cwd or Path.cwd()
    if options.out is not None:
        out = (base / options.out).resolve()
    else:
        out = default_out_dir(options.manifest_path, cwd=options.cwd)
    sdist = build_sdist(
        options.manifest_path,
        out,
        sink=sink,
        cwd=options.cwd,
        locked=options.locked or options.frozen,
    )
    wheels = build_wheels_from_sdist(sdist, replace(options, out=out), sink=sink, cancel=cancel)
    return SdistBuild(sdist=sdist, wheels=tuple(wheels))

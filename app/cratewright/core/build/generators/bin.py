"""Binaries: each built executable goes to ``<dist>-<ver>.data/scripts/`` (installed on PATH)."""

from __future__ import annotations

from cratewright.core.build.compile import CompiledArtifacts
from cratewright.core.build.plan import BuildPlan
from cratewright.core.wheel.writer import WheelWriter
from cratewright.errors import BuildError

__all__ = ["add_files"]


def add_files(writer: WheelWriter, plan: BuildPlan, compiled: CompiledArtifacts) -> None:
    """Add every binary as an executable script of the wheel."""
    if not compiled.binaries:
        raise BuildError("Cargo didn't build a binary")
    for _name, path in compiled.binaries:
        writer.add_file(f"{writer.data_dir}/scripts/{path.name}", path, executable=True)

"""Binding-specific wheel contents: what each binding kind adds next to the Python files.

Each generator gets the plan, the job, the compiled artifacts and a scratch directory, and
adds its files to the wheel writer. They differ only in *what* they add; the builder owns
ordering, metadata and the atomic write.
"""

from __future__ import annotations

from pathlib import Path

from cratewright.core.build.compile import CompiledArtifacts
from cratewright.core.build.generators import bin as bin_generator
from cratewright.core.build.generators import cffi, pyo3, uniffi
from cratewright.core.build.plan import BuildPlan, WheelJob
from cratewright.core.wheel.writer import WheelWriter
from cratewright.events import CancelToken, EventSink

__all__ = ["add_binding_files"]


def add_binding_files(
    writer: WheelWriter,
    plan: BuildPlan,
    job: WheelJob,
    compiled: CompiledArtifacts,
    *,
    workdir: Path,
    sink: EventSink,
    cancel: CancelToken | None = None,
) -> None:
    """Dispatch to the generator of the plan's binding kind."""
    kind = plan.bindings.kind
    if kind == "pyo3":
        pyo3.add_files(writer, plan, job, compiled, sink=sink)
    elif kind == "cffi":
        cffi.add_files(writer, plan, job, compiled, workdir=workdir, sink=sink)
    elif kind == "uniffi":
        uniffi.add_files(writer, plan, compiled, workdir=workdir, sink=sink, cancel=cancel)
    else:
        bin_generator.add_files(writer, plan, compiled)

"""``generate-stubs``: compile the extension once and write only its stubs, no wheel.

As ``maturin generate-stubs`` does: only pyo3 projects, only the first interpreter's build,
and the files land in the output directory where a wheel would hold them (see
:mod:`.placement`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cratewright.core.build.compile import compile_job
from cratewright.core.build.plan import BuildOptions, plan_build
from cratewright.core.build.stubs import stub_files_for_library
from cratewright.core.build.stubs.placement import write_stub_directory
from cratewright.errors import BuildCancelled, BuildError
from cratewright.events import CancelToken, EventSink, null_sink

__all__ = ["NOT_PYO3", "generate_stubs"]

NOT_PYO3 = "Stub generation is only possible in PyO3 projects"


def generate_stubs(
    options: BuildOptions,
    out_dir: Path,
    *,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Build the project's library and write its type stubs under ``out_dir``.

    Returns:
        The files written.

    Raises:
        BuildError: not a pyo3 project, the build failed, or the library has no
            introspection data (the crate lacks pyo3's ``experimental-inspect``).
    """
    plan = plan_build(replace(options, generate_stubs=True), sink=sink)
    if plan.bindings.kind != "pyo3":
        raise BuildError(NOT_PYO3)
    compiled = compile_job(plan, plan.jobs[0], sink=sink, cancel=cancel)
    if cancel is not None and cancel.cancelled:
        raise BuildCancelled("Stub generation cancelled; no stubs were written.")
    if compiled.library is None:
        raise BuildError("cargo did not produce the extension module library")
    stubs = stub_files_for_library(compiled.library, plan.layout.extension_name)
    base = options.cwd or Path.cwd()
    return write_stub_directory((base / out_dir).resolve(), plan.layout, stubs)

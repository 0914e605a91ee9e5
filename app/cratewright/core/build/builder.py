"""Execute a build plan: cargo -> binding files -> audit -> wheel, one job at a time.

This is the one build path used by the CLI, the PEP 517 backend and the GUI. It blocks,
reports progress only through the sink, stops between steps when cancelled, and never leaves
a partial wheel behind (the wheel writer renames a finished temp file into place).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cratewright.core.audit import (
    analyze_elf,
    decide_platform,
    missing_pyinit,
    missing_pyinit_warning,
)
from cratewright.core.audit.pypi_tags import pypi_refusal
from cratewright.core.audit.repair import repair_wheel
from cratewright.core.audit.resolve import system_search_paths
from cratewright.core.build.compile import CompiledArtifacts, compile_job
from cratewright.core.build.generators import add_binding_files
from cratewright.core.build.includes import include_files, out_dir_files
from cratewright.core.build.plan import BuildPlan, WheelJob
from cratewright.core.project.layout import python_files
from cratewright.core.user_files import prepare_output_dir
from cratewright.core.wheel.sbom import cyclonedx_sbom, sbom_file_name
from cratewright.core.wheel.writer import WheelEntry, WheelWriter
from cratewright.errors import BuildCancelled, BuildError, ProjectError
from cratewright.events import CancelToken, EventSink, Message, WheelBuilt

__all__ = ["BuiltWheel", "build_wheels", "wheel_entries"]

_DATA_SUBDIRS = ("data", "scripts", "headers", "purelib", "platlib")


@dataclass(frozen=True)
class BuiltWheel:
    """A wheel in the out dir and the tag it was given."""

    path: Path
    tag: str
    policy: str


def _check_cancel(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise BuildCancelled("Build cancelled; no wheel was written.")


def _audit(plan: BuildPlan, compiled: CompiledArtifacts, sink: EventSink) -> tuple[str, str, bool]:
    """(platform tag, policy name, libraries to bundle?) for the compiled files."""
    elfs = [analyze_elf(path) for path in compiled.elf_files]
    search = None
    if compiled.link_search_dirs:
        # the build scripts' link-search directories come after the machine's (as in maturin)
        libc = next((elf.libc for elf in elfs if elf.libc), None)
        search = system_search_paths(libc, extra=compiled.link_search_dirs)
    decision = decide_platform(
        elfs,
        arch=plan.target.arch,
        requested=list(plan.compatibility) or None,
        mode=plan.auditwheel,  # type: ignore[arg-type]
        allow_libpython=plan.bindings.kind == "bin",
        sink=sink,
        search=search,
    )
    ext = plan.layout.extension_name
    if plan.bindings.kind == "pyo3" and elfs and missing_pyinit(elfs[0], ext):
        sink(Message("warning", missing_pyinit_warning(ext)))
    return decision.platform_tag, decision.policy, bool(decision.external_libraries)


def _add_data_dir(writer: WheelWriter, data: Path) -> None:
    for sub in sorted(data.iterdir()):
        if not sub.is_dir() or sub.name not in _DATA_SUBDIRS:
            raise ProjectError(
                f"Invalid data dir entry {sub}. Possible are directories named "
                + ", ".join(_DATA_SUBDIRS)
            )
        for path in sorted(p for p in sub.rglob("*") if p.is_file()):
            relative = PurePosixPath(path.relative_to(data).as_posix())
            writer.add_file(f"{writer.data_dir}/{relative}", path.resolve())


def _add_debuginfo(writer: WheelWriter, compiled: CompiledArtifacts, sink: EventSink) -> None:
    """``--include-debuginfo``: each ``.dwp`` next to its native file, as ``<file>.dwp``.

    That is the name gdb and lldb look for beside a binary, so debuggers find it installed.
    """
    for native, dwp in compiled.debuginfo:
        for archive_path in writer.archive_paths_of(native):
            sink(Message("info", f"🐛 Including debug info {dwp.name} as {archive_path}.dwp"))
            writer.add_file(f"{archive_path}.dwp", dwp, executable=False)


def _add_dist_info(writer: WheelWriter, plan: BuildPlan) -> None:
    metadata = plan.metadata
    writer.add_dist_info("METADATA", metadata.render().encode("utf-8"))
    entry_points = metadata.entry_points_txt()
    if entry_points:
        writer.add_dist_info("entry_points.txt", entry_points.encode("utf-8"))
    for license_file in metadata.license_files:
        writer.add_dist_info(
            f"licenses/{license_file.archive_name}", license_file.source.read_bytes()
        )
    if plan.sbom.rust:
        crate = plan.cargo_metadata.root_package["name"]
        sbom = cyclonedx_sbom(plan.cargo_metadata.raw, plan.cargo_metadata.root_id)
        writer.add_dist_info(f"sboms/{sbom_file_name(crate)}", sbom)
    for extra in plan.sbom.include:
        if not extra.is_file():
            raise ProjectError(f"SBOM file {extra} (sbom include / --sbom-include) does not exist")
        name = f"sboms/{extra.name}"
        if f"{writer.dist_info}/{name}" in writer:
            raise ProjectError(f"Two SBOM files are named {extra.name}; each needs its own name")
        writer.add_dist_info(name, extra.read_bytes())


def _collect_wheel(
    plan: BuildPlan,
    job: WheelJob,
    compiled: CompiledArtifacts,
    tag: str,
    workdir: Path,
    *,
    sink: EventSink,
    cancel: CancelToken | None,
) -> WheelWriter:
    """Every file of the job's wheel (generated ones written under ``workdir``), no archive."""
    metadata = plan.metadata
    writer = WheelWriter(
        metadata.dist_name, metadata.escaped_version, [tag], settings=plan.compression
    )
    for archive_path, source in python_files(plan.layout, plan.project.maturin.exclude):
        writer.add_file(archive_path, source)
    for archive_path, source in include_files(plan, "wheel", sink=sink):
        writer.add_file(archive_path, source)
    add_binding_files(writer, plan, job, compiled, workdir=workdir, sink=sink, cancel=cancel)
    for archive_path, source in out_dir_files(plan, compiled.out_dirs, sink=sink):
        writer.add_file(archive_path, source)
    _add_debuginfo(writer, compiled, sink)
    if plan.layout.data is not None:
        _add_data_dir(writer, plan.layout.data)
    _add_dist_info(writer, plan)
    return writer


def _write_wheel(
    plan: BuildPlan,
    job: WheelJob,
    compiled: CompiledArtifacts,
    tag: str,
    *,
    sink: EventSink,
    cancel: CancelToken | None,
    out_dir: Path | None = None,
) -> Path:
    with tempfile.TemporaryDirectory(prefix="cratewright-") as scratch:
        writer = _collect_wheel(plan, job, compiled, tag, Path(scratch), sink=sink, cancel=cancel)
        _check_cancel(cancel)
        return writer.write(out_dir or plan.out_dir)


def _compile_and_tag(
    plan: BuildPlan, job: WheelJob, *, sink: EventSink, cancel: CancelToken | None
) -> tuple[CompiledArtifacts, str, str, bool]:
    """Compile one job and audit it: (artifacts, wheel tag, policy, libraries to bundle?)."""
    _check_cancel(cancel)
    compiled = compile_job(plan, job, sink=sink, cancel=cancel)
    _check_cancel(cancel)
    platform, policy, bundle = _audit(plan, compiled, sink)
    return compiled, f"{job.python_tag}-{job.abi_tag}-{platform}", policy, bundle


@contextmanager
def wheel_entries(
    plan: BuildPlan, *, sink: EventSink, cancel: CancelToken | None = None
) -> Iterator[dict[str, WheelEntry]]:
    """Compile the plan's first job and give its wheel's members, without writing a wheel.

    ``develop --watch`` copies a rebuild's changed files straight into an install: for a
    debug library of several MB the zip, its fsyncs and reading it back again were a sixth
    of the save-to-import time. Generated files live until the block ends. The plan must
    not ask for a repair (develop's plans skip the audit's bundling).
    """
    if plan.auditwheel == "repair":
        raise BuildError("wheel_entries() cannot repair a wheel; build it with build_wheels()")
    job = plan.jobs[0]
    compiled, tag, _policy, _bundle = _compile_and_tag(plan, job, sink=sink, cancel=cancel)
    with tempfile.TemporaryDirectory(prefix="cratewright-") as scratch:
        writer = _collect_wheel(plan, job, compiled, tag, Path(scratch), sink=sink, cancel=cancel)
        _check_cancel(cancel)
        yield writer.entries()


def _write_repaired(
    plan: BuildPlan,
    job: WheelJob,
    compiled: CompiledArtifacts,
    tag: str,
    policy: str,
    *,
    sink: EventSink,
    cancel: CancelToken | None,
) -> Path:
    """``--auditwheel repair``: write the wheel aside, then bundle its libraries into out_dir.

    The unrepaired wheel lives in a temporary directory, so the out dir only ever receives
    the finished, repaired wheel (the same code as ``cratewright repair``).
    """
    with tempfile.TemporaryDirectory(prefix="cratewright-unrepaired-") as aside:
        raw = _write_wheel(plan, job, compiled, tag, sink=sink, cancel=cancel, out_dir=Path(aside))
        _check_cancel(cancel)
        platform = tag.rsplit("-", 1)[1]
        repaired = repair_wheel(
            raw,
            plan.out_dir,
            plat=policy,
            platform_tag=platform,
            sink=sink,
            cancel=cancel,
            extra_search_dirs=compiled.link_search_dirs,
            os_package_sbom=plan.sbom.auditwheel,
            compression=plan.compression,
        )
        return repaired.path


def build_wheels(
    plan: BuildPlan, *, sink: EventSink, cancel: CancelToken | None = None
) -> list[BuiltWheel]:
    """Build every wheel of the plan; returns them in job order."""
    # A read-only, full or file-instead-of-folder out dir is found now, not after compiling.
    prepare_output_dir(plan.out_dir, "the output directory", error=BuildError)
    built: list[BuiltWheel] = []
    for job in plan.jobs:
        compiled, tag, policy, bundle = _compile_and_tag(plan, job, sink=sink, cancel=cancel)
        if plan.pypi_validation:
            _refuse_for_pypi(plan, tag)
        if bundle and plan.auditwheel == "repair":
            path = _write_repaired(plan, job, compiled, tag, policy, sink=sink, cancel=cancel)
            tag = "-".join(path.name.removesuffix(".whl").split("-")[-3:])  # repair retags
        else:
            path = _write_wheel(plan, job, compiled, tag, sink=sink, cancel=cancel)
        sink(Message("info", f"📦 Built wheel for {_for_whom(job)} to {path}"))
        sink(WheelBuilt(str(path), tag))
        built.append(BuiltWheel(path=path, tag=tag, policy=policy))
    return built


def _refuse_for_pypi(plan: BuildPlan, tag: str) -> None:
    """``--compatibility pypi``: stop before writing a wheel PyPI would refuse (maturin's text).

    maturin writes the wheel, then fails; checking first keeps the out dir free of a wheel
    from a failed build.
    """
    name = f"{plan.metadata.dist_name}-{plan.metadata.escaped_version}-{tag}.whl"
    refusal = pypi_refusal(name)
    if refusal is not None:
        raise BuildError(
            f"PyPI validation failed: {refusal}",
            hint="PyPI takes manylinux/musllinux wheels: drop `linux` from --compatibility, "
            "use the default --auditwheel repair, or leave out `pypi` for another index",
        )


def _for_whom(job: WheelJob) -> str:
    if job.abi3 and job.covers:
        return f"abi3 Python ≥ {job.python_tag[2]}.{job.python_tag[3:]}"
    if job.interpreter is not None and job.abi_tag != "none":
        return job.interpreter.display.split(" at ")[0]
    return "all Python versions"

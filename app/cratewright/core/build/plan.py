"""Turn what the user asked for (CLI flags or GUI form) plus the project into a build plan.

The plan is computed once, before cargo runs, and holds every decision: the binding, the
layout, the metadata, the interpreters and the one-wheel-per-job split. The GUI shows it
before building; the builder only executes it. CLI values win over ``[tool.maturin]``, which
wins over maturin's defaults, exactly as in maturin.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cratewright.core.audit.pypi_tags import rust_target_supported_by_pypi
from cratewright.core.audit.verdict import parse_compatibility
from cratewright.core.build.pgo import check_pgo
from cratewright.core.build.rust_target import RustTarget, host_target, parse_target
from cratewright.core.build.zig import default_zig_compatibility, require_zig
from cratewright.core.cargo.metadata import CargoMetadata, load_cargo_metadata
from cratewright.core.interpreters import (
    InterpreterInfo,
    check_requires_python,
    default_interpreter,
    find_interpreters,
    no_interpreters_error,
    resolve_interpreters,
)
from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.overview import describe_project
from cratewright.core.project.bindings import Bindings, detect_bindings
from cratewright.core.project.conditional_features import (
    features_for_interpreter,
    union_for_interpreters,
    with_features,
)
from cratewright.core.project.layout import ProjectLayout
from cratewright.core.project.locate import Project, open_project
from cratewright.core.project.maturin_config import AUDITWHEEL_MODES, SbomConfig
from cratewright.core.wheel.zip_format import WheelCompression
from cratewright.errors import ConfigError, InterpreterError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "BuildOptions",
    "BuildPlan",
    "WheelJob",
    "plan_build",
    "preview_wheel_tags",
    "wheel_jobs",
]


@dataclass(frozen=True)
class BuildOptions:
    """Everything ``cratewright build`` accepts; None/empty means "take pyproject or default"."""

    manifest_path: Path | None = None
    interpreters: tuple[str, ...] = ()
    find_interpreter: bool = False
    bindings: str | None = None
    release: bool = False
    profile: str | None = None
    out: Path | None = None
    compatibility: tuple[str, ...] = ()
    auditwheel: str | None = None
    strip: bool | None = None
    features: tuple[str, ...] = ()
    all_features: bool = False
    no_default_features: bool = False
    target: str | None = None
    locked: bool = False
    frozen: bool = False
    offline: bool = False
    quiet: bool = False
    verbose: int = 0
    cargo_config: tuple[str, ...] = ()
    rustc_args: tuple[str, ...] = ()
    cwd: Path | None = None
    zig: bool = False
    generate_stubs: bool = False
    jobs: int | None = None
    target_dir: Path | None = None
    ignore_rust_version: bool = False
    timings: bool = False
    future_incompat_report: bool = False
    unstable_flags: tuple[str, ...] = ()
    include_debuginfo: bool = False
    sbom_include: tuple[Path, ...] = ()
    compression: WheelCompression = field(default_factory=WheelCompression)
    pgo: bool = False


@dataclass(frozen=True)
class WheelJob:
    """One wheel to build: its Python/ABI tags and the interpreter cargo builds against.

    ``features`` are the conditional ``[tool.maturin] features`` this job's interpreter
    enables (see ``BuildPlan.job_cargo_flags``).
    """

    python_tag: str
    abi_tag: str
    interpreter: InterpreterInfo | None
    abi3: bool = False
    covers: tuple[InterpreterInfo, ...] = ()
    features: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """E.g. "cp38-abi3" or "cp312-cp312"."""
        return f"{self.python_tag}-{self.abi_tag}"


@dataclass(frozen=True)
class BuildPlan:
    """Every decision a build needs, made before anything is compiled."""

    project: Project
    cargo_metadata: CargoMetadata
    bindings: Bindings
    layout: ProjectLayout
    metadata: CoreMetadata
    target: RustTarget
    profile: str
    out_dir: Path
    compatibility: tuple[str, ...]
    auditwheel: str
    strip: bool
    cargo_flags: tuple[str, ...]
    rustc_args: tuple[str, ...]
    jobs: tuple[WheelJob, ...]
    verbose: int = 0
    quiet: bool = False
    notes: tuple[str, ...] = field(default=())
    zig: bool = False
    pypi_validation: bool = False
    generate_stubs: bool = False
    cargo_build_flags: tuple[str, ...] = ()
    target_dir_override: Path | None = None
    compression: WheelCompression = field(default_factory=WheelCompression)
    sbom: SbomConfig = field(default_factory=SbomConfig)
    include_debuginfo: bool = False

    @property
    def target_dir(self) -> Path:
        """cargo's target directory (shared by every job of the plan); ``--target-dir`` wins."""
        return self.target_dir_override or self.cargo_metadata.target_directory

    def job_cargo_flags(self, job: WheelJob) -> tuple[str, ...]:
        """The cargo flags to compile ``job`` with: ``cargo_flags`` plus its own features.

        ``cargo_flags`` already holds the conditional features every job shares, so this
        differs from it only when the jobs' interpreters enable different features.
        """
        return with_features(self.cargo_flags, job.features)


def _profile(options: BuildOptions, project: Project) -> str:
    if options.release and options.profile:
        raise ConfigError("--release and --profile cannot be used together")
    if options.release:
        return "release"
    return options.profile or project.maturin.profile or "dev"


def _cargo_flags(options: BuildOptions, project: Project) -> tuple[str, ...]:
    """Flags shared by ``cargo metadata`` and ``cargo rustc`` (features, lock file, config)."""
    maturin = project.maturin
    flags: list[str] = []
    features = list(options.features) or list(maturin.features)
    if features:
        flags += ["--features", ",".join(features)]
    if options.all_features or maturin.all_features:
        flags.append("--all-features")
    if options.no_default_features or maturin.no_default_features:
        flags.append("--no-default-features")
    if options.locked or maturin.locked:
        flags.append("--locked")
    if options.frozen or maturin.frozen:
        flags.append("--frozen")
    if options.offline:
        flags.append("--offline")
    for value in options.cargo_config or maturin.config:
        flags += ["--config", value]
    return tuple(flags)


def _cargo_build_flags(
    options: BuildOptions, project: Project, target_dir: Path | None
) -> tuple[str, ...]:
    """Flags only ``cargo rustc`` takes (not ``cargo metadata``), passed through as maturin does."""
    flags: list[str] = []
    if options.jobs is not None:
        flags += ["--jobs", str(options.jobs)]
    if target_dir is not None:
        flags += ["--target-dir", str(target_dir)]
    if options.ignore_rust_version:
        flags.append("--ignore-rust-version")
    if options.timings:
        flags.append("--timings")
    if options.future_incompat_report:
        flags.append("--future-incompat-report")
    for flag in options.unstable_flags or project.maturin.unstable_flags:
        flags += ["-Z", flag]
    return tuple(flags)


def _sbom(options: BuildOptions, project: Project, base: Path) -> SbomConfig:
    """``[tool.maturin.sbom]`` plus ``--sbom-include`` (CLI paths are relative to the cwd)."""
    config = project.maturin.sbom
    extra = tuple((base / path).resolve() for path in options.sbom_include)
    return replace(config, include=config.include + extra)


def _conditional_features(options: BuildOptions, project: Project) -> tuple[Mapping[str, str], ...]:
    """pyproject's conditional features, unless ``-F`` replaced the pyproject list (maturin)."""
    return () if options.features else project.maturin.conditional_features


def _apply_conditional_features(
    conditional: Sequence[Mapping[str, str]],
    bindings: Bindings,
    jobs: Sequence[WheelJob],
) -> list[WheelJob]:
    """Give each job the features its interpreter enables; only pyo3 compiles have one.

    cffi, uniffi and plain-binary builds compile without a target interpreter in maturin,
    so their conditional features never apply.
    """
    if not conditional or not bindings.uses_pyo3:
        return list(jobs)
    return [replace(j, features=features_for_interpreter(conditional, j.interpreter)) for j in jobs]


def _shared_features(jobs: Sequence[WheelJob]) -> tuple[str, ...]:
    """The conditional features every job enables, in pyproject order."""
    if not jobs:
        return ()
    return tuple(f for f in jobs[0].features if all(f in j.features for j in jobs[1:]))


def _choose_interpreters(
    options: BuildOptions, bindings: Bindings, metadata: CoreMetadata, sink: EventSink
) -> list[InterpreterInfo]:
    if not bindings.needs_interpreter:
        return []
    if options.interpreters and options.find_interpreter:
        raise ConfigError("--interpreter and --find-interpreter cannot be used together")
    if options.interpreters:
        found = resolve_interpreters(list(options.interpreters))
    elif options.find_interpreter:
        floor = bindings.abi3_minor or 8
        found = find_interpreters(
            min_minor=floor,
            include_pypy=bindings.kind in ("pyo3", "cffi"),
            requires_python=metadata.requires_python,
            sink=sink,
        )
        if not found:
            raise no_interpreters_error(metadata.requires_python)
    else:
        found = [default_interpreter(pyo3=bindings.uses_pyo3)]
    if options.interpreters:
        spec = metadata.requires_python
        reasons = [f"{i.display}: {r}" for i in found if (r := check_requires_python(i, spec))]
        if reasons:
            raise InterpreterError("; ".join(reasons))
    return found


def wheel_jobs(bindings: Bindings, interpreters: Sequence[InterpreterInfo]) -> list[WheelJob]:
    """maturin's wheel split: one per interpreter, one abi3 wheel, or one universal wheel.

    The abi3 wheel covers GIL-enabled CPython from the abi3 minimum on; PyPy, GraalPy,
    free-threaded builds and older CPythons each get a version-specific wheel.
    """
    if bindings.kind in ("cffi", "uniffi") or (bindings.kind == "bin" and not bindings.uses_pyo3):
        interp = interpreters[0] if interpreters else None
        return [WheelJob("py3", "none", interp, covers=tuple(interpreters[:1]))]
    if bindings.is_abi3:
        first_capable = next((i for i in interpreters if i.supports_abi3), None)
        floor = bindings.abi3_minor or (first_capable.minor if first_capable else 0)
        capable = [i for i in interpreters if i.supports_abi3 and i.minor >= floor]
        others = [i for i in interpreters if i not in capable]
        jobs: list[WheelJob] = []
        if capable:
            first = capable[0]
            jobs.append(WheelJob(f"cp3{floor}", "abi3", first, abi3=True, covers=tuple(capable)))
        jobs += [WheelJob(i.python_tag, i.abi_tag, i, covers=(i,)) for i in others]
        return jobs
    return [WheelJob(i.python_tag, i.abi_tag, i, covers=(i,)) for i in interpreters]


def preview_wheel_tags(
    bindings: Bindings, interpreters: Sequence[InterpreterInfo], platform_tag: str
) -> list[tuple[str, WheelJob]]:
    """The tags a build for ``interpreters`` will give its wheels, before compiling.

    ``platform_tag`` is the platform part as far as it is known (the audit decides it).
    """
    return [(f"{job.label}-{platform_tag}", job) for job in wheel_jobs(bindings, interpreters)]


def _compatibility(options: BuildOptions, project: Project, target: RustTarget) -> tuple[str, ...]:
    """CLI over pyproject; a zig build without either aims at maturin's zig default."""
    chosen = options.compatibility or project.maturin.compatibility
    if options.zig and not chosen:
        return (default_zig_compatibility(target),)
    return tuple(chosen)


def _pypi_validation(compatibility: Sequence[str], target: RustTarget) -> bool:
    """``pypi`` among the compatibility values: every wheel's tags must be ones PyPI takes.

    As in maturin, a Rust target PyPI has no platform tag for is refused before compiling.
    """
    if not parse_compatibility(compatibility).pypi:
        return False
    if not rust_target_supported_by_pypi(target.triple):
        raise ConfigError(f"Rust target {target.triple} is not supported by PyPI")
    return True


def _auditwheel(options: BuildOptions, project: Project) -> str:
    mode = options.auditwheel or project.maturin.auditwheel or "repair"
    if mode not in AUDITWHEEL_MODES:
        raise ConfigError(
            f"Invalid --auditwheel {mode!r}; expected one of {', '.join(AUDITWHEEL_MODES)}"
        )
    return mode


def _strip(options: BuildOptions, project: Project) -> bool:
    if options.strip is not None:
        return options.strip
    env = os.environ.get("MATURIN_STRIP")
    if env is not None:
        return env.lower() in ("1", "true", "yes")
    return bool(project.maturin.strip)


def plan_build(options: BuildOptions, *, sink: EventSink = null_sink) -> BuildPlan:
    """Open the project, ask cargo for metadata and decide everything a build needs."""
    project = open_project(options.manifest_path, cwd=options.cwd)
    for key in project.maturin.unknown_keys:
        sink(Message("warning", f"⚠️  Warning: unknown key [tool.maturin] {key} is ignored"))
    flags = _cargo_flags(options, project)
    cargo = load_cargo_metadata(project.cargo_toml, cargo_flags=flags)
    if cargo.scope_warning:
        sink(Message("warning", f"⚠️  Warning: {cargo.scope_warning}"))
    described = describe_project(project, cargo, bindings=options.bindings, sink=sink)
    bindings, layout, metadata = described.bindings, described.layout, described.metadata
    if layout.is_mixed:
        sink(Message("info", "🍹 Building a mixed python/rust project"))
    if bindings.kind == "bin" and metadata.scripts:
        raise ConfigError("Defining scripts and working with a binary doesn't mix well")
    target = parse_target(options.target) if options.target else host_target()
    if options.zig:
        require_zig()
    interpreters = _choose_interpreters(options, bindings, metadata, sink)
    conditional = _conditional_features(options, project)
    union = union_for_interpreters(conditional, interpreters) if bindings.uses_pyo3 else ()
    if union:
        # As maturin, abi3 is decided again once the interpreters are known: a conditional
        # `pyo3/abi3-pyXY` only shows up in cargo's resolved features when it is requested.
        cargo = load_cargo_metadata(project.cargo_toml, cargo_flags=with_features(flags, union))
        bindings = detect_bindings(cargo, options.bindings or project.maturin.bindings)
    sink(Message("info", f"🔗 Found {bindings.label} bindings"))
    jobs = _apply_conditional_features(conditional, bindings, wheel_jobs(bindings, interpreters))
    for job in jobs:
        if job.features and job.interpreter is not None:
            who = f"{job.interpreter.kind_display} {job.interpreter.version_display}"
            sink(Message("info", f"🎛️  Conditional features for {who}: {', '.join(job.features)}"))
    if interpreters and target.triple != host_target().triple:
        raise ConfigError(
            f"Cross-compiling {bindings.label} bindings for {target.triple} is not supported yet; "
            "the target interpreter cannot run on this machine"
        )
    base = options.cwd or Path.cwd()
    compatibility = _compatibility(options, project, target)
    target_dir = (base / options.target_dir).resolve() if options.target_dir else None
    out_dir = options.out or ((target_dir or cargo.target_directory) / "wheels")
    check_pgo(options.pgo, project.maturin.pgo_command, sink=sink)
    return BuildPlan(
        project=project,
        cargo_metadata=cargo,
        bindings=bindings,
        layout=layout,
        metadata=metadata,
        target=target,
        profile=_profile(options, project),
        out_dir=(base / out_dir).resolve(),
        compatibility=compatibility,
        pypi_validation=_pypi_validation(compatibility, target),
        auditwheel=_auditwheel(options, project),
        strip=_strip(options, project),
        cargo_flags=with_features(flags, _shared_features(jobs)),
        rustc_args=options.rustc_args or project.maturin.rustc_args,
        jobs=tuple(jobs),
        verbose=options.verbose,
        quiet=options.quiet,
        zig=options.zig,
        generate_stubs=options.generate_stubs,
        cargo_build_flags=_cargo_build_flags(options, project, target_dir),
        target_dir_override=target_dir,
        compression=_checked(options.compression),
        sbom=_sbom(options, project, base),
        include_debuginfo=options.include_debuginfo,
    )


def _checked(compression: WheelCompression) -> WheelCompression:
    """Fail before compiling when this Python cannot write the requested compression."""
    compression.check()
    return compression

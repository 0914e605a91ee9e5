"""Compile one wheel job with cargo and collect what it produced.

Libraries are built with ``cargo rustc --lib --crate-type cdylib`` (so a crate whose [lib]
also lists ``rlib`` still yields a loadable module), binaries with ``cargo rustc --bin``,
one target per call, as maturin does. The pyo3 environment variables select the target
interpreter; keeping them identical between builds keeps cargo's cache warm.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright.core.build.abi3_check import check_compiled_abi3, compiled_abi3
from cratewright.core.build.path_remap import workspace_wrapper_env
from cratewright.core.build.plan import BuildPlan, WheelJob
from cratewright.core.build.rust_target import host_target
from cratewright.core.build.zig import (
    require_zig,
    write_zig_wrappers,
    zig_cargo_env,
    zig_glibc,
    zig_target,
)
from cratewright.core.cargo.metadata import CargoTarget
from cratewright.core.cargo.runner import CargoResult, run_cargo
from cratewright.errors import BuildError
from cratewright.events import CancelToken, EventSink, Message

__all__ = [
    "CompiledArtifacts",
    "cargo_env",
    "cargo_rustc_args",
    "compile_job",
    "link_search_dirs",
    "zig_env",
]

_LIB_CRATE_TYPES = frozenset({"lib", "rlib", "dylib", "cdylib", "staticlib"})


@dataclass(frozen=True)
class CompiledArtifacts:
    """The native files one job produced: a cdylib, or named binaries.

    Attributes:
        library: The cdylib (None for bin bindings).
        binaries: (target name, path) of each binary built.
        out_dirs: Package name -> OUT_DIR of its build script.
        link_search_dirs: The ``cargo:rustc-link-search`` directories of build scripts that
            link a dylib, in cargo's order, de-duplicated; the audit searches them last so a
            shared library a ``-sys`` crate built into OUT_DIR can be bundled (maturin does
            the same).
        debuginfo: (native file, its ``.dwp``) for ``--include-debuginfo`` builds.
    """

    library: Path | None
    binaries: tuple[tuple[str, Path], ...]
    out_dirs: dict[str, Path]
    link_search_dirs: tuple[Path, ...] = ()
    debuginfo: tuple[tuple[Path, Path], ...] = ()

    @property
    def elf_files(self) -> list[Path]:
        """Every produced file that ends up in the wheel and must pass the audit."""
        files = [path for _, path in self.binaries]
        return [self.library, *files] if self.library else files


def _build_targets(plan: BuildPlan) -> list[CargoTarget]:
    targets = plan.cargo_metadata.targets()
    if plan.bindings.kind == "bin":
        chosen = [t for t in targets if "bin" in t.kinds]
        if not chosen:
            raise BuildError("Cargo didn't build a binary: the crate has no [[bin]] target")
        return chosen
    libs = [t for t in targets if _LIB_CRATE_TYPES.intersection(t.crate_types)]
    if not libs:
        raise BuildError(
            "The crate has no library target to build an extension module from",
            hint='add a [lib] section with crate-type = ["cdylib"] to Cargo.toml',
        )
    return libs[:1]


def cargo_rustc_args(
    plan: BuildPlan, target: CargoTarget, job: WheelJob | None = None
) -> list[str]:
    """The full ``cargo rustc`` argument list for one target (of ``job``, when given).

    The job decides the conditional ``[tool.maturin] features`` its interpreter enables.
    """
    args = [
        "rustc",
        "--message-format=json-diagnostic-rendered-ansi",
        "--manifest-path",
        str(plan.project.cargo_toml),
    ]
    if plan.bindings.kind == "bin":
        args += ["--bin", target.name]
    else:
        args += ["--lib", "--crate-type", "cdylib"]
    args += ["--profile", plan.profile]
    if plan.zig or plan.target.triple != host_target().triple:
        # zig builds always name the target: their own output folder, linked by zig only.
        args += ["--target", plan.target.triple]
    args += list(plan.cargo_flags if job is None else plan.job_cargo_flags(job))
    args += list(plan.cargo_build_flags)
    if plan.quiet:
        args.append("--quiet")
    args += ["-v"] * min(plan.verbose, 2)
    rustc: list[str] = []
    if plan.strip:
        rustc += ["-C", "strip=symbols"]
    rustc += list(plan.rustc_args)
    if rustc:
        args += ["--", *rustc]
    return args


def cargo_env(plan: BuildPlan, job: WheelJob) -> dict[str, str]:
    """Environment for cargo: the pyo3 variables that pick the target interpreter."""
    env: dict[str, str] = {}
    if plan.include_debuginfo and not plan.strip:
        # maturin: separate debug info files (.dwp on Linux) that the wheel then carries
        env[f"CARGO_PROFILE_{_profile_env(plan.profile)}_SPLIT_DEBUGINFO"] = "packed"
    interp = job.interpreter
    if plan.bindings.uses_pyo3 and plan.bindings.kind == "pyo3":
        env["PYO3_BUILD_EXTENSION_MODULE"] = "1"
    if interp is not None:
        if plan.bindings.uses_pyo3:
            env["PYO3_PYTHON"] = str(interp.executable)
            env["PYO3_ENVIRONMENT_SIGNATURE"] = interp.environment_signature
        env["PYTHON_SYS_EXECUTABLE"] = str(interp.executable)
    return env


def _profile_env(profile: str) -> str:
    """cargo's environment spelling of a profile name (``dev`` -> ``DEV``, ``my-p`` -> ``MY_P``)."""
    return profile.upper().replace("-", "_")


def _first_error(result: CargoResult) -> str:
    for diag in result.diagnostics:
        if diag.level == "error":
            where = f" ({diag.file}:{diag.line})" if diag.file else ""
            return f"{diag.message}{where}"
    return f"cargo exited with code {result.returncode}"


def _collect(
    plan: BuildPlan, result: CargoResult, target: CargoTarget
) -> tuple[Path | None, Path | None, Path | None]:
    """(library, binary, its .dwp) that cargo reported for ``target``."""
    root = plan.cargo_metadata.root_id
    for artifact in result.artifacts:
        if artifact.package_id != root or artifact.target_name != target.name:
            continue
        dwp = next((Path(f) for f in artifact.filenames if f.endswith(".dwp")), None)
        if artifact.executable:
            return None, Path(artifact.executable), dwp
        for filename in artifact.filenames:
            if filename.endswith((".so", ".dylib", ".dll")):
                return Path(filename), None, dwp
    return None, None, None


def _compiled_features(plan: BuildPlan, result: CargoResult) -> dict[str, tuple[str, ...]]:
    """Package name -> the features cargo compiled it with, from its compiler-artifacts.

    A package compiled twice (a build script's and a library's unit) keeps the union.
    """
    found: dict[str, tuple[str, ...]] = {}
    for artifact in result.artifacts:
        try:
            name = plan.cargo_metadata.package(artifact.package_id)["name"]
        except KeyError:
            continue
        found[name] = tuple(dict.fromkeys((*found.get(name, ()), *artifact.features)))
    return found


def _links_dylib(linked_libs: object) -> bool:
    """Whether a build script links a shared library (``[KIND[:MODIFIERS]=]NAME``).

    No KIND means dylib, as for rustc; only such scripts' search paths matter at run time.
    """
    if not isinstance(linked_libs, list):
        return False
    for lib in linked_libs:
        if not isinstance(lib, str):
            continue
        kind, sep, _ = lib.partition("=")
        if not sep or kind.startswith("dylib"):
            return True
    return False


def link_search_dirs(build_scripts: Iterable[Mapping[str, Any]]) -> list[Path]:
    """The directories build scripts emitted with ``cargo:rustc-link-search``, for the audit.

    Follows maturin: only scripts that link a dylib count, and of their ``linked_paths``
    (``[KIND=]PATH``) only the kinds ``native`` and ``all`` (the default) -- the kinds the
    linker searches for native libraries. Order is kept; repeats are dropped.
    """
    found: dict[Path, None] = {}
    for script in build_scripts:
        if not _links_dylib(script.get("linked_libs")):
            continue
        paths = script.get("linked_paths")
        for entry in paths if isinstance(paths, list) else ():
            if not isinstance(entry, str):
                continue
            kind, sep, rest = entry.partition("=")
            if not sep:
                rest = entry
            elif kind not in ("native", "all"):
                continue
            if rest:
                found.setdefault(Path(rest), None)
    return list(found)


def zig_env(plan: BuildPlan, base: dict[str, str], sink: EventSink) -> dict[str, str]:
    """Write the zig wrappers for the plan's target and glibc; the cargo variables to use them."""
    zig = require_zig()
    target = zig_target(plan.target, zig_glibc(plan.compatibility))
    folder = plan.target_dir / "cratewright" / "zig"
    wrappers = write_zig_wrappers(zig.executable, target, folder)
    sink(Message("info", f"🛠️ Using zig {zig.version} to link for {target}"))
    return zig_cargo_env(plan.target, wrappers, zig.executable, base)


def compile_job(
    plan: BuildPlan, job: WheelJob, *, sink: EventSink, cancel: CancelToken | None = None
) -> CompiledArtifacts:
    """Run cargo for every target the job needs; raise BuildError with the first error."""
    env = {**os.environ, **cargo_env(plan, job)}
    try:
        env.update(workspace_wrapper_env(os.environ))  # no checkout path in the debug info
    except OSError as exc:
        warning = f"cannot write the path-remapping rustc wrapper ({exc}); the build folder may "
        sink(Message("warning", f"⚠️  Warning: {warning}appear in the extension's debug info"))
    if plan.zig:
        env.update(zig_env(plan, env, sink))
    library: Path | None = None
    binaries: list[tuple[str, Path]] = []
    out_dirs: dict[str, Path] = {}
    search_dirs: dict[Path, None] = {}
    debuginfo: list[tuple[Path, Path]] = []
    crate = plan.cargo_metadata.root_package["name"]
    for target in _build_targets(plan):
        if job.interpreter is not None:
            sink(Message("info", f"🐍 Building for {job.interpreter.display} ({job.label})"))
        result = run_cargo(
            cargo_rustc_args(plan, target, job),
            cwd=plan.project.crate_dir,
            env=env,
            sink=sink,
            cancel=cancel,
        )
        if not result.success:
            raise BuildError(f"Failed to compile {crate}: {_first_error(result)}")
        if plan.bindings.kind == "pyo3":
            check_compiled_abi3(job, compiled_abi3(_compiled_features(plan, result)))
        for script in result.build_scripts:
            package = plan.cargo_metadata.package(script["package_id"])["name"]
            if script.get("out_dir"):
                out_dirs[package] = Path(script["out_dir"])
        search_dirs.update(dict.fromkeys(link_search_dirs(result.build_scripts)))
        lib, binary, dwp = _collect(plan, result, target)
        if plan.include_debuginfo and dwp is not None and (binary or lib) is not None:
            debuginfo.append((binary or lib, dwp))  # type: ignore[arg-type]
        if binary is not None:
            binaries.append((target.name, binary))
        elif lib is not None:
            library = lib
        else:
            kind = "binary" if plan.bindings.kind == "bin" else "cdylib"
            raise BuildError(
                f"Cargo didn't build a {kind} for target {target.name}",
                hint='is crate-type = ["cdylib"] missing from [lib] in Cargo.toml?',
            )
    return CompiledArtifacts(
        library=library,
        binaries=tuple(binaries),
        out_dirs=out_dirs,
        link_search_dirs=tuple(search_dirs),
        debuginfo=tuple(debuginfo),
    )

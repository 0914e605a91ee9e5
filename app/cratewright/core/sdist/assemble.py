"""Source distributions with maturin's contents and layout (``cratewright sdist``).

The sdist root is the common ancestor of the cargo workspace, pyproject.toml, every path
dependency and the Python source directory, so relative paths between them stay valid after
unpacking. Into ``{dist}-{ver}/`` go, in maturin's order of decisions: each path dependency
and the crate itself as ``cargo package --list`` names them (Cargo.toml rewritten), the
Cargo.lock, the trimmed workspace manifest, readme/license files named by ``[project]``, the
(rewritten) pyproject.toml, the Python package(s), ``license-files`` and ``include`` globs
(format sdist), and PKG-INFO, the METADATA of the project. ``exclude`` globs (format sdist)
filter everything. :func:`sdist_file_list` computes the same list without writing anything,
so the GUI can show it, with the reason each file is in, before building.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cratewright.core.sdist.archive import write_sdist
from cratewright.core.sdist.cargo import (
    PathDependency,
    cargo_package_list,
    inline_workspace_inheritance,
    keep_dir_of,
    member_dirs,
    parse_manifest,
    set_package_field,
    strip_missing_targets,
    strip_non_workspace_tables,
    trim_workspace_members,
)
from cratewright.core.sdist.contents import (
    CARGO_LOCK,
    CARGO_PACKAGE,
    CARGO_TOML,
    LICENSE,
    PATH_DEPENDENCY,
    PKG_INFO,
    README,
    WORKSPACE_MANIFEST,
    SdistCollector,
    SdistContents,
    SdistEntry,
)
from cratewright.core.sdist.context import SdistContext, join_path, load_context, relative_path
from cratewright.core.sdist.files import ExcludeMatcher, is_compiled_artifact
from cratewright.core.sdist.python_files import (
    add_git_files,
    add_license_and_includes,
    add_pyproject,
    add_pyproject_metadata_files,
    add_python_sources,
)
from cratewright.core.user_files import prepare_output_dir, safe_resolve
from cratewright.errors import SdistError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "build_sdist",
    "sdist_contents",
    "sdist_file_list",
]


def _manifest_asset(
    out: SdistCollector,
    manifest_dir: Path,
    value: Any,
    prefix: str,
    kind: str,
    allowed: Path | None,
) -> str | None:
    """Copy a Cargo readme/license-file next to the manifest; returns its new file name."""
    if not isinstance(value, str) or not value or value == "false":
        return None
    path = manifest_dir / value
    try:
        source = path.resolve(strict=True)
    except OSError:
        raise SdistError(f"{kind} path `{path}` does not exist or is invalid") from None
    if allowed is not None and not source.is_relative_to(allowed.resolve()):
        raise SdistError(f"{kind} path `{path}` resolves outside allowed root `{allowed}`")
    out.add(join_path(prefix, path.name), source, README if kind == "readme" else LICENSE, kind)
    return path.name


@dataclass(frozen=True)
class _CrateJob:
    manifest: Path
    prefix: str
    package: Mapping[str, Any]
    reason: str
    is_root: bool = False
    skip_prefixes: tuple[str, ...] = ()
    skip_cargo_toml: bool = False
    inline_from: Path | None = None
    keep_members: frozenset[str] = frozenset()
    readme: str | None = None
    license_file: str | None = None


def _add_crate(out: SdistCollector, ctx: SdistContext, job: _CrateJob, sink: EventSink) -> None:
    """One crate: its ``cargo package --list`` files plus its rewritten Cargo.toml."""
    crate_dir = job.manifest.parent
    listed = cargo_package_list(job.manifest, ctx.cargo.target_directory, sink=sink)
    chosen: list[tuple[str, Path]] = []
    for name in listed:
        if name in ("Cargo.toml.orig", "Cargo.toml") or is_compiled_artifact(name):
            continue
        if name == "pyproject.toml" and (job.is_root or not job.prefix):
            continue
        if any(PurePosixPath(name).is_relative_to(p) for p in job.skip_prefixes):
            continue
        source = crate_dir / name
        if not source.is_file():
            continue  # cargo lists a Cargo.lock that does not exist for workspace members
        target = join_path(job.prefix, name)
        pattern = out.excluded_by(source, target)
        if pattern is not None:
            out.note_excluded(target, source, pattern)
            continue
        chosen.append((name, source))
    packaged = {str(PurePosixPath(name)) for name, _ in chosen}
    if not job.skip_cargo_toml:
        out.add(
            join_path(job.prefix, "Cargo.toml"),
            job.manifest,
            CARGO_TOML,
            job.package.get("name", ""),
            _rewritten_manifest(ctx, job, packaged),
        )
    for name, source in chosen:
        target = join_path(job.prefix, name)
        if target not in out:
            out.add(target, source, job.reason, job.package.get("name", ""))


def _rewritten_manifest(ctx: SdistContext, job: _CrateJob, packaged: set[str]) -> bytes:
    doc = parse_manifest(job.manifest)
    if job.readme is not None:
        set_package_field(doc, "readme", job.readme, job.manifest)
    if job.license_file is not None:
        set_package_field(doc, "license-file", job.license_file, job.manifest)
    if job.is_root:
        trim_workspace_members(doc, set(job.keep_members))
    if job.inline_from is not None:
        inline_workspace_inheritance(doc, job.package, job.inline_from)
    strip_missing_targets(doc, job.package, packaged)
    return doc.as_string().encode("utf-8")


def _add_path_dep(
    out: SdistCollector, ctx: SdistContext, dep: PathDependency, sink: EventSink
) -> None:
    crate_dir = dep.crate_dir.resolve()
    prefix = relative_path(crate_dir, ctx.sdist_root)
    package = dep.package
    readme = _manifest_asset(out, crate_dir, package.get("readme"), prefix, "readme", None)
    license_file = _manifest_asset(
        out, crate_dir, package.get("license_file"), prefix, "license-file", dep.workspace_root
    )
    other_workspace = dep.workspace_root.resolve() != ctx.workspace_root
    dep_ws_manifest = dep.workspace_root.resolve() / "Cargo.toml"
    outside = other_workspace and not dep_ws_manifest.is_relative_to(ctx.sdist_root)
    job = _CrateJob(
        manifest=crate_dir / "Cargo.toml",
        prefix=prefix,
        package=package,
        reason=PATH_DEPENDENCY,
        skip_cargo_toml=crate_dir / "Cargo.toml" == ctx.workspace_manifest,
        inline_from=dep_ws_manifest if outside else None,
        readme=readme,
        license_file=license_file,
    )
    _add_crate(out, ctx, job, sink)
    if other_workspace and not outside:
        target = relative_path(dep_ws_manifest, ctx.sdist_root)
        if target not in out:
            out.add(target, dep_ws_manifest, WORKSPACE_MANIFEST, package.get("name", ""))


def _add_main_crate(out: SdistCollector, ctx: SdistContext, sink: EventSink) -> None:
    package = ctx.cargo.root_package
    crate_dir = ctx.manifest.parent
    prefix = ctx.crate_prefix
    readme = _manifest_asset(out, crate_dir, package.get("readme"), prefix, "readme", None)
    license_file = _manifest_asset(
        out, crate_dir, package.get("license_file"), prefix, "license-file", ctx.workspace_root
    )
    skip: list[str] = []
    if prefix:
        layout = ctx.layout
        candidates = [layout.python_module] if layout.python_module is not None else []
        candidates += [layout.python_dir / p for p in layout.python_packages]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_relative_to(crate_dir):
                relative = relative_path(resolved, crate_dir)
                if relative not in skip:
                    skip.append(relative)
    job = _CrateJob(
        manifest=ctx.manifest,
        prefix=prefix,
        package=package,
        reason=CARGO_PACKAGE,
        is_root=True,
        skip_prefixes=tuple(skip),
        keep_members=frozenset(member_dirs(ctx.deps)),
        readme=readme,
        license_file=license_file,
    )
    _add_crate(out, ctx, job, sink)


def _add_cargo_lock(out: SdistCollector, ctx: SdistContext, sink: EventSink) -> None:
    for candidate in (ctx.manifest.parent / "Cargo.lock", ctx.workspace_root / "Cargo.lock"):
        if candidate.is_file():
            out.add(relative_path(candidate, ctx.sdist_root), candidate, CARGO_LOCK)
            return
    if ctx.locked:
        raise SdistError("Cargo.lock is required by `--locked`/`--frozen` but it's not found.")
    sink(
        Message(
            "warning",
            "⚠️  Warning: Cargo.lock is not found, it is recommended to include it in the "
            "source distribution",
        )
    )


def _add_workspace_manifest(out: SdistCollector, ctx: SdistContext) -> None:
    if ctx.workspace_root == ctx.manifest.parent:
        return
    keep = member_dirs(ctx.deps) | {keep_dir_of(ctx.manifest, ctx.workspace_root)}
    doc = parse_manifest(ctx.workspace_manifest)
    trim_workspace_members(doc, keep)
    root_is_dep = any(d.manifest_path.resolve() == ctx.workspace_manifest for d in ctx.deps)
    if not root_is_dep and "package" in doc:
        strip_non_workspace_tables(doc)
    out.add(
        relative_path(ctx.workspace_manifest, ctx.sdist_root),
        ctx.workspace_manifest,
        WORKSPACE_MANIFEST,
        "members trimmed to the crates in the sdist",
        doc.as_string().encode("utf-8"),
    )


def _collect(
    manifest_path: Path | None,
    *,
    cwd: Path | None,
    out_dir: Path | None,
    locked: bool,
    sink: EventSink,
) -> SdistContents:
    ctx = load_context(manifest_path, cwd, locked, sink)
    meta = ctx.metadata
    root_dir = f"{meta.dist_name}-{meta.escaped_version}"
    excludes = ExcludeMatcher(ctx.pyproject_dir, ctx.project.maturin.exclude)
    out = SdistCollector(excludes, out_dir.resolve() if out_dir else None, meta.dist_name)
    if ctx.project.maturin.sdist_generator == "git":
        add_git_files(out, ctx)
    else:
        for dep in ctx.deps:
            _add_path_dep(out, ctx, dep, sink)
        _add_main_crate(out, ctx, sink)
        _add_cargo_lock(out, ctx, sink)
        _add_workspace_manifest(out, ctx)
        rewrites = add_pyproject_metadata_files(out, ctx)
        add_pyproject(out, ctx, rewrites)
        add_python_sources(out, ctx)
    add_license_and_includes(out, ctx, sink)
    out.add("PKG-INFO", None, PKG_INFO, "METADATA of the project", meta.render().encode("utf-8"))
    entries = sorted(
        out.entries.values(),
        key=lambda e: (e.archive_path != "PKG-INFO", PurePosixPath(e.archive_path).parts),
    )
    return SdistContents(
        filename=f"{root_dir}.tar.gz",
        root_dir=root_dir,
        entries=tuple(entries),
        excluded=tuple(out.excluded),
        metadata=meta,
    )


def sdist_contents(
    manifest_path: Path | None,
    *,
    cwd: Path | None = None,
    out_dir: Path | None = None,
    locked: bool = False,
    sink: EventSink = null_sink,
) -> SdistContents:
    """What :func:`build_sdist` would write, plus the files ``exclude`` kept out."""
    return _collect(manifest_path, cwd=cwd, out_dir=out_dir, locked=locked, sink=sink)


def sdist_file_list(manifest_path: Path | None, *, cwd: Path | None = None) -> list[SdistEntry]:
    """The sdist's files in archive order (PKG-INFO first), without writing anything."""
    return list(sdist_contents(manifest_path, cwd=cwd).entries)


def _entry_bytes(entry: SdistEntry) -> bytes:
    if entry.data is not None:
        return entry.data
    if entry.source is None:
        raise SdistError(f"No content for sdist entry {entry.archive_path}")
    try:
        return entry.source.read_bytes()
    except OSError as exc:
        raise SdistError(f"Cannot read {entry.source}: {exc.strerror or exc}") from None


def build_sdist(
    manifest_path: Path | None,
    out_dir: Path,
    *,
    sink: EventSink = null_sink,
    cwd: Path | None = None,
    locked: bool = False,
) -> Path:
    """Build ``{dist}-{ver}.tar.gz`` into ``out_dir`` and return its path.

    The archive is reproducible (same tree, same bytes) and written atomically.

    Raises:
        ProjectError: the project cannot be opened (no pyproject.toml: SdistError).
        CargoError: ``cargo metadata`` or ``cargo package --list`` failed.
        SdistError: a file cannot be read or placed, or the archive cannot be written.
    """
    out_dir = safe_resolve((cwd or Path.cwd()) / out_dir, "the output directory", error=SdistError)
    prepare_output_dir(out_dir, "the output directory", error=SdistError)
    contents = _collect(manifest_path, cwd=cwd, out_dir=out_dir, locked=locked, sink=sink)
    members = {f"{contents.root_dir}/{e.archive_path}": _entry_bytes(e) for e in contents.entries}
    path = write_sdist(members, out_dir, contents.filename, first=f"{contents.root_dir}/PKG-INFO")
    sink(Message("info", f"📦 Built source distribution to {path}"))
    return path

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

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import tomlkit

from cratewright.core.cargo.metadata import CargoMetadata, load_cargo_metadata
from cratewright.core.metadata.merge import CoreMetadata
from cratewright.core.metadata.overview import describe_project
from cratewright.core.metadata.readme_license import check_pep639_glob, glob_files
from cratewright.core.project.layout import ProjectLayout
from cratewright.core.project.locate import Project, open_project
from cratewright.core.sdist.archive import write_sdist
from cratewright.core.sdist.cargo import (
    PathDependency,
    cargo_package_list,
    find_path_deps,
    inline_workspace_inheritance,
    keep_dir_of,
    member_dirs,
    parse_manifest,
    set_package_field,
    strip_missing_targets,
    strip_non_workspace_tables,
    trim_workspace_members,
)
from cratewright.core.sdist.files import ExcludeMatcher, is_compiled_artifact, walk_python_package
from cratewright.errors import SdistError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "SdistContents",
    "SdistEntry",
    "SdistExcluded",
    "build_sdist",
    "sdist_contents",
    "sdist_file_list",
]

# Why a file is in the sdist (SdistEntry.reason).
CARGO_PACKAGE = "cargo package list"
PATH_DEPENDENCY = "path dependency"
CARGO_TOML = "Cargo.toml"
CARGO_LOCK = "Cargo.lock"
WORKSPACE_MANIFEST = "workspace manifest"
README = "readme"
LICENSE = "license"
PYPROJECT = "pyproject"
PYTHON_SOURCE = "python source"
INCLUDE = "include pattern"
GIT = "git ls-files"
PKG_INFO = "metadata"
# Reasons that say more than "cargo listed it"; they win when a file is added twice.
_SPECIFIC = frozenset({PYTHON_SOURCE, INCLUDE, LICENSE})


@dataclass(frozen=True)
class SdistEntry:
    """One file of the sdist.

    Attributes:
        archive_path: path below the sdist's ``{dist}-{ver}/`` directory, ``/``-separated.
        source: the file it comes from (None for generated PKG-INFO).
        reason: why it is included (cargo package list, python source, include pattern ...).
        detail: the crate, pattern or rewrite behind the reason, for display.
        data: the bytes written when they differ from ``source`` (rewritten manifests).
    """

    archive_path: str
    source: Path | None
    reason: str
    detail: str = ""
    data: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class SdistExcluded:
    """A file that would have been included but an ``exclude`` pattern removed."""

    archive_path: str
    source: Path | None
    pattern: str


@dataclass(frozen=True)
class SdistContents:
    """Everything an sdist build would write: file name, top directory and entries."""

    filename: str
    root_dir: str
    entries: tuple[SdistEntry, ...]
    excluded: tuple[SdistExcluded, ...]
    metadata: CoreMetadata = field(repr=False)


class _Collector:
    """Entries by archive path with maturin's exclusion and duplicate rules."""

    def __init__(self, excludes: ExcludeMatcher, out_dir: Path | None, dist_name: str) -> None:
        self.entries: dict[str, SdistEntry] = {}
        self.excluded: list[SdistExcluded] = []
        self._excludes = excludes
        self._out_dir = out_dir
        self._dist_name = dist_name

    def __contains__(self, target: str) -> bool:
        return target in self.entries

    def excluded_by(self, source: Path | None, target: str) -> str | None:
        """The exclude pattern (or out-dir rule) that keeps this file out, if any."""
        if (
            source is not None
            and self._out_dir is not None
            and source.parent == self._out_dir
            and PurePosixPath(source.name).match(f"{self._dist_name}-*.tar.gz")
        ):
            return "(sdist output)"
        return self._excludes.match(source, target)

    def note_excluded(self, target: str, source: Path | None, pattern: str) -> None:
        """Remember an excluded file once, for the preview."""
        if all(e.archive_path != target for e in self.excluded):
            self.excluded.append(SdistExcluded(target, source, pattern))

    def add(
        self,
        target: str,
        source: Path | None,
        reason: str,
        detail: str = "",
        data: bytes | None = None,
    ) -> None:
        target = _clean_target(target)
        pattern = self.excluded_by(source, target)
        if pattern is not None:
            self.note_excluded(target, source, pattern)
            return
        previous = self.entries.get(target)
        if previous is not None:
            if _same_file(previous.source, source):
                # As maturin: the first entry for a file stays, e.g. an `include` glob that
                # matches Cargo.toml keeps the manifest already rewritten for the sdist.
                if (
                    data is None
                    and previous.data is None
                    and reason in _SPECIFIC
                    and previous.reason not in _SPECIFIC
                ):
                    # Both are true; the more specific one is what users look for.
                    self.entries[target] = SdistEntry(target, previous.source, reason, detail)
                return
            raise SdistError(
                f"File {target} was already added to the sdist from "
                f"{previous.source or 'generated data'}, can't add it again from "
                f"{source or 'generated data'}"
            )
        self.entries[target] = SdistEntry(target, source, reason, detail, data)


def _clean_target(target: str) -> str:
    parts = [p for p in PurePosixPath(target).parts if p != "."]
    if not parts or ".." in parts or PurePosixPath(target).is_absolute():
        raise SdistError(f"sdist archive path {target!r} must be relative and stay inside")
    return "/".join(parts)


def _same_file(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return a.samefile(b)
    except OSError:
        return False


def _rel(path: Path, base: Path) -> str:
    relative = path.relative_to(base).as_posix()
    return "" if relative == "." else relative


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


@dataclass(frozen=True)
class _Context:
    """The project, cargo's view and the directories every step is relative to."""

    project: Project
    cargo: CargoMetadata
    layout: ProjectLayout
    metadata: CoreMetadata
    deps: tuple[PathDependency, ...]
    pyproject: Path
    manifest: Path
    workspace_root: Path
    sdist_root: Path
    locked: bool

    @property
    def pyproject_dir(self) -> Path:
        return self.pyproject.parent

    @property
    def crate_prefix(self) -> str:
        return _rel(self.manifest.parent, self.sdist_root)

    @property
    def workspace_manifest(self) -> Path:
        return self.workspace_root / "Cargo.toml"


def _common(paths: list[Path]) -> Path:
    try:
        return Path(os.path.commonpath([str(p) for p in paths]))
    except ValueError as exc:
        raise SdistError(f"The sdist's files share no common directory: {exc}") from None


def _context(
    manifest_path: Path | None, cwd: Path | None, locked: bool, sink: EventSink
) -> _Context:
    project = open_project(manifest_path, cwd=cwd)
    if project.pyproject_toml is None:
        raise SdistError(
            f"Building a source distribution needs a pyproject.toml, and none was found for "
            f"{project.cargo_toml}"
        )
    cargo = load_cargo_metadata(project.cargo_toml)
    deps = find_path_deps(cargo, sink=sink)
    if deps:
        # Optional path dependencies must travel too, so ask with every feature on.
        cargo = load_cargo_metadata(project.cargo_toml, cargo_flags=("--all-features",))
        deps = find_path_deps(cargo, sink=sink)
    described = describe_project(project, cargo, sink=sink)
    layout, metadata = described.layout, described.metadata
    pyproject = project.pyproject_toml.resolve()
    workspace_root = cargo.workspace_root.resolve()
    root = _common([workspace_root, pyproject, *(d.crate_dir.resolve() for d in deps)])
    python_dir = layout.python_dir.resolve()
    if not python_dir.is_relative_to(root):
        root = _common([root, python_dir])
    return _Context(
        project=project,
        cargo=cargo,
        layout=layout,
        metadata=metadata,
        deps=tuple(deps),
        pyproject=pyproject,
        manifest=project.cargo_toml.resolve(),
        workspace_root=workspace_root,
        sdist_root=root,
        locked=locked or bool(project.maturin.locked) or bool(project.maturin.frozen),
    )


def _manifest_asset(
    out: _Collector, manifest_dir: Path, value: Any, prefix: str, kind: str, allowed: Path | None
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
    out.add(_join(prefix, path.name), source, README if kind == "readme" else LICENSE, kind)
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


def _add_crate(out: _Collector, ctx: _Context, job: _CrateJob, sink: EventSink) -> None:
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
        target = _join(job.prefix, name)
        pattern = out.excluded_by(source, target)
        if pattern is not None:
            out.note_excluded(target, source, pattern)
            continue
        chosen.append((name, source))
    packaged = {str(PurePosixPath(name)) for name, _ in chosen}
    if not job.skip_cargo_toml:
        out.add(
            _join(job.prefix, "Cargo.toml"),
            job.manifest,
            CARGO_TOML,
            job.package.get("name", ""),
            _rewritten_manifest(ctx, job, packaged),
        )
    for name, source in chosen:
        target = _join(job.prefix, name)
        if target not in out:
            out.add(target, source, job.reason, job.package.get("name", ""))


def _rewritten_manifest(ctx: _Context, job: _CrateJob, packaged: set[str]) -> bytes:
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


def _add_path_dep(out: _Collector, ctx: _Context, dep: PathDependency, sink: EventSink) -> None:
    crate_dir = dep.crate_dir.resolve()
    prefix = _rel(crate_dir, ctx.sdist_root)
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
        target = _rel(dep_ws_manifest, ctx.sdist_root)
        if target not in out:
            out.add(target, dep_ws_manifest, WORKSPACE_MANIFEST, package.get("name", ""))


def _add_main_crate(out: _Collector, ctx: _Context, sink: EventSink) -> None:
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
                relative = _rel(resolved, crate_dir)
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


def _add_cargo_lock(out: _Collector, ctx: _Context, sink: EventSink) -> None:
    for candidate in (ctx.manifest.parent / "Cargo.lock", ctx.workspace_root / "Cargo.lock"):
        if candidate.is_file():
            out.add(_rel(candidate, ctx.sdist_root), candidate, CARGO_LOCK)
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


def _add_workspace_manifest(out: _Collector, ctx: _Context) -> None:
    if ctx.workspace_root == ctx.manifest.parent:
        return
    keep = member_dirs(ctx.deps) | {keep_dir_of(ctx.manifest, ctx.workspace_root)}
    doc = parse_manifest(ctx.workspace_manifest)
    trim_workspace_members(doc, keep)
    root_is_dep = any(d.manifest_path.resolve() == ctx.workspace_manifest for d in ctx.deps)
    if not root_is_dep and "package" in doc:
        strip_non_workspace_tables(doc)
    out.add(
        _rel(ctx.workspace_manifest, ctx.sdist_root),
        ctx.workspace_manifest,
        WORKSPACE_MANIFEST,
        "members trimmed to the crates in the sdist",
        doc.as_string().encode("utf-8"),
    )


def _metadata_paths(project_table: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """(field, display name, path) of the files ``[project]`` readme/license point to."""
    if not project_table:
        return []
    found = []
    readme = project_table.get("readme")
    if isinstance(readme, str):
        found.append(("readme", "project.readme", readme))
    elif isinstance(readme, Mapping) and isinstance(readme.get("file"), str):
        found.append(("readme", "project.readme.file", readme["file"]))
    license_value = project_table.get("license")
    if isinstance(license_value, Mapping) and isinstance(license_value.get("file"), str):
        found.append(("license", "project.license.file", license_value["file"]))
    return found


def _add_pyproject_metadata_files(out: _Collector, ctx: _Context) -> list[tuple[str, str]]:
    """Readme/license named by ``[project]``; returns the path rewrites pyproject needs."""
    pyproject_dir = ctx.pyproject_dir
    allowed = (
        ctx.workspace_root if pyproject_dir.is_relative_to(ctx.workspace_root) else (pyproject_dir)
    )
    rewrites = []
    for key, name, value in _metadata_paths(ctx.project.project_table):
        relative = PurePosixPath(value)
        if relative.is_absolute():
            raise SdistError(f"`{name}` path `{value}` must be relative to pyproject.toml")
        source = pyproject_dir / value
        target = relative.as_posix()
        if ".." in relative.parts:
            if pyproject_dir == ctx.sdist_root:
                raise SdistError(
                    f"`{name}` path `{value}` must not contain `..` when pyproject.toml is "
                    "already at the sdist root"
                )
            source = source.resolve()
            if not source.is_relative_to(allowed):
                raise SdistError(
                    f"`{name}` path `{value}` resolves outside allowed metadata root `{allowed}`"
                )
            target = _rel(source, ctx.sdist_root)
            rewrites.append((key, target))
        if target not in out and source.is_file():
            out.add(target, source, README if key == "readme" else LICENSE, name)
    return rewrites


def _rewrite_pyproject(ctx: _Context, rewrites: list[tuple[str, str]]) -> bytes:
    doc = parse_manifest(ctx.pyproject)
    tool = doc.setdefault("tool", tomlkit.table())
    maturin = tool.setdefault("maturin", tomlkit.table())
    # Removed and re-added, so both keys end the table, exactly as maturin writes them.
    maturin.pop("manifest-path", None)
    maturin["manifest-path"] = _join(ctx.crate_prefix, "Cargo.toml")
    python_dir = ctx.layout.python_dir.resolve()
    if python_dir != ctx.pyproject_dir:
        base = ctx.pyproject_dir if python_dir.is_relative_to(ctx.pyproject_dir) else ctx.sdist_root
        maturin.pop("python-source", None)
        maturin["python-source"] = _rel(python_dir, base)
    if rewrites:
        project = doc.setdefault("project", tomlkit.table())
        for key, path in rewrites:
            current = project.get(key)
            if isinstance(current, str):
                project[key] = path
            elif isinstance(current, Mapping):
                current["file"] = path
    return doc.as_string().encode("utf-8")


def _add_pyproject(out: _Collector, ctx: _Context, rewrites: list[tuple[str, str]]) -> None:
    if ctx.pyproject_dir != ctx.sdist_root:
        data = _rewrite_pyproject(ctx, rewrites)
        out.add("pyproject.toml", ctx.pyproject, PYPROJECT, "paths rewritten for the sdist", data)
    else:
        out.add("pyproject.toml", ctx.pyproject, PYPROJECT)


def _add_python_sources(out: _Collector, ctx: _Context) -> None:
    layout = ctx.layout
    packages: list[Path] = []
    if layout.python_module is not None:
        packages.append(layout.python_module)
    for name in layout.python_packages:
        path = layout.python_dir / name
        if path not in packages:
            packages.append(path)
    for package in packages:
        for source in walk_python_package(package.resolve()):
            if source.is_relative_to(ctx.pyproject_dir):
                target = _rel(source, ctx.pyproject_dir)
            elif source.is_relative_to(ctx.sdist_root):
                target = _rel(source, ctx.sdist_root)
            else:
                raise SdistError(f"Python source file {source} is outside the sdist root")
            out.add(target, source, PYTHON_SOURCE, package.name)


def _add_license_and_includes(out: _Collector, ctx: _Context, sink: EventSink) -> None:
    pyproject_dir = ctx.pyproject_dir
    table = ctx.project.project_table or {}
    license_globs = table.get("license-files")
    if isinstance(license_globs, list):
        for pattern in license_globs:
            check_pep639_glob(str(pattern))
            for relative in glob_files(pyproject_dir, str(pattern)):
                if relative not in out:
                    out.add(relative, pyproject_dir / relative, LICENSE, f"license-files {pattern}")
    python_dir = ctx.layout.python_dir.resolve()
    for pattern in ctx.project.maturin.include:
        if not pattern.applies_to("sdist"):
            continue
        _check_include(pattern.path)
        sink(Message("info", f'📦 Including files matching "{pattern.path}"'))
        matched_root, matches = pyproject_dir, glob_files(pyproject_dir, pattern.path)
        if not matches and python_dir != pyproject_dir:
            matched_root, matches = python_dir, glob_files(python_dir, pattern.path)
        for relative in matches:
            target = relative
            if matched_root == python_dir:
                prefix = (
                    _rel(python_dir, pyproject_dir)
                    if python_dir.is_relative_to(pyproject_dir)
                    else python_dir.name
                )
                target = _join(prefix, relative)
            source = matched_root / relative
            out.add(target, source, INCLUDE, pattern.path)


def _check_include(pattern: str) -> None:
    pure = PurePosixPath(pattern)
    if pure.is_absolute() or ".." in pure.parts:
        raise SdistError(f"include pattern {pattern!r} must be relative and stay in the project")


def _add_git_files(out: _Collector, ctx: _Context) -> None:
    """``sdist-generator = "git"``: exactly what ``git ls-files`` lists next to pyproject.toml."""
    for key, name, value in _metadata_paths(ctx.project.project_table):
        if ".." in PurePosixPath(value).parts:
            raise SdistError(
                f"`{name}` path `{value}` must not contain `..` when using the git sdist "
                f"generator (field {key})"
            )
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=ctx.pyproject_dir,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SdistError(f"Failed to run `git ls-files -z`: {exc}") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()
        raise SdistError(f"Failed to query file list from git in {ctx.pyproject_dir}: {detail}")
    for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if name:
            out.add(name, ctx.pyproject_dir / name, GIT)


def _collect(
    manifest_path: Path | None,
    *,
    cwd: Path | None,
    out_dir: Path | None,
    locked: bool,
    sink: EventSink,
) -> SdistContents:
    ctx = _context(manifest_path, cwd, locked, sink)
    meta = ctx.metadata
    root_dir = f"{meta.dist_name}-{meta.escaped_version}"
    excludes = ExcludeMatcher(ctx.pyproject_dir, ctx.project.maturin.exclude)
    out = _Collector(excludes, out_dir.resolve() if out_dir else None, meta.dist_name)
    if ctx.project.maturin.sdist_generator == "git":
        _add_git_files(out, ctx)
    else:
        for dep in ctx.deps:
            _add_path_dep(out, ctx, dep, sink)
        _add_main_crate(out, ctx, sink)
        _add_cargo_lock(out, ctx, sink)
        _add_workspace_manifest(out, ctx)
        rewrites = _add_pyproject_metadata_files(out, ctx)
        _add_pyproject(out, ctx, rewrites)
        _add_python_sources(out, ctx)
    _add_license_and_includes(out, ctx, sink)
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
    out_dir = ((cwd or Path.cwd()) / out_dir).resolve()
    contents = _collect(manifest_path, cwd=cwd, out_dir=out_dir, locked=locked, sink=sink)
    members = {f"{contents.root_dir}/{e.archive_path}": _entry_bytes(e) for e in contents.entries}
    path = write_sdist(members, out_dir, contents.filename, first=f"{contents.root_dir}/PKG-INFO")
    sink(Message("info", f"📦 Built source distribution to {path}"))
    return path

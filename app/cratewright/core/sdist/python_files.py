"""The pyproject side of an sdist: readme/license named by [project], the rewritten pyproject.toml,
the Python package(s), ``license-files``/``include`` globs, and the ``git ls-files`` generator.

Each step adds entries to the collector with the reason the file is in; the Cargo side lives
in ``assemble``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import tomlkit

from cratewright.core.metadata.readme_license import check_pep639_glob, glob_files
from cratewright.core.sdist.cargo import (
    parse_manifest,
)
from cratewright.core.sdist.contents import (
    GIT,
    INCLUDE,
    LICENSE,
    PYPROJECT,
    PYTHON_SOURCE,
    README,
    SdistCollector,
)
from cratewright.core.sdist.context import SdistContext, join_path, relative_path
from cratewright.core.sdist.files import walk_python_package
from cratewright.errors import SdistError
from cratewright.events import EventSink, Message


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


def add_pyproject_metadata_files(out: SdistCollector, ctx: SdistContext) -> list[tuple[str, str]]:
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
            target = relative_path(source, ctx.sdist_root)
            rewrites.append((key, target))
        if target not in out and source.is_file():
            out.add(target, source, README if key == "readme" else LICENSE, name)
    return rewrites


def _rewrite_pyproject(ctx: SdistContext, rewrites: list[tuple[str, str]]) -> bytes:
    doc = parse_manifest(ctx.pyproject)
    tool = doc.setdefault("tool", tomlkit.table())
    maturin = tool.setdefault("maturin", tomlkit.table())
    # Removed and re-added, so both keys end the table, exactly as maturin writes them.
    maturin.pop("manifest-path", None)
    maturin["manifest-path"] = join_path(ctx.crate_prefix, "Cargo.toml")
    python_dir = ctx.layout.python_dir.resolve()
    if python_dir != ctx.pyproject_dir:
        base = ctx.pyproject_dir if python_dir.is_relative_to(ctx.pyproject_dir) else ctx.sdist_root
        maturin.pop("python-source", None)
        maturin["python-source"] = relative_path(python_dir, base)
    if rewrites:
        project = doc.setdefault("project", tomlkit.table())
        for key, path in rewrites:
            current = project.get(key)
            if isinstance(current, str):
                project[key] = path
            elif isinstance(current, Mapping):
                current["file"] = path
    return doc.as_string().encode("utf-8")


def add_pyproject(out: SdistCollector, ctx: SdistContext, rewrites: list[tuple[str, str]]) -> None:
    if ctx.pyproject_dir != ctx.sdist_root:
        data = _rewrite_pyproject(ctx, rewrites)
        out.add("pyproject.toml", ctx.pyproject, PYPROJECT, "paths rewritten for the sdist", data)
    else:
        out.add("pyproject.toml", ctx.pyproject, PYPROJECT)


def add_python_sources(out: SdistCollector, ctx: SdistContext) -> None:
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
                target = relative_path(source, ctx.pyproject_dir)
            elif source.is_relative_to(ctx.sdist_root):
                target = relative_path(source, ctx.sdist_root)
            else:
                raise SdistError(f"Python source file {source} is outside the sdist root")
            out.add(target, source, PYTHON_SOURCE, package.name)


def add_license_and_includes(out: SdistCollector, ctx: SdistContext, sink: EventSink) -> None:
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
                    relative_path(python_dir, pyproject_dir)
                    if python_dir.is_relative_to(pyproject_dir)
                    else python_dir.name
                )
                target = join_path(prefix, relative)
            source = matched_root / relative
            out.add(target, source, INCLUDE, pattern.path)


def _check_include(pattern: str) -> None:
    pure = PurePosixPath(pattern)
    if pure.is_absolute() or ".." in pure.parts:
        raise SdistError(f"include pattern {pattern!r} must be relative and stay in the project")


def add_git_files(out: SdistCollector, ctx: SdistContext) -> None:
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

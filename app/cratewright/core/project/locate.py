"""Find a project's Cargo.toml and pyproject.toml the way maturin does, and read them.

A user may point us at a directory, a Cargo.toml or a pyproject.toml (``-m``). maturin's
rules for pairing the two files are subtle (``manifest-path`` in the root pyproject, the
``rust/`` src layout, a pyproject.toml above a workspace member), and projects rely on them,
so they are kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright.core.project.maturin_config import MaturinConfig, parse_maturin_config
from cratewright.core.project.toml_files import read_toml
from cratewright.core.user_files import path_kind, safe_resolve
from cratewright.errors import ProjectError

__all__ = ["Project", "find_workspace_root", "open_project", "read_toml"]

PYPROJECT = "pyproject.toml"
CARGO_TOML = "Cargo.toml"


@dataclass(frozen=True)
class Project:
    """The two manifests of a project, read and paired, before cargo is asked anything."""

    cargo_toml: Path
    pyproject_toml: Path | None
    cargo: Mapping[str, Any]
    pyproject: Mapping[str, Any] | None
    maturin: MaturinConfig

    @property
    def project_root(self) -> Path:
        """The pyproject.toml directory, else the crate directory; Python paths start here."""
        return (self.pyproject_toml or self.cargo_toml).parent

    @property
    def crate_dir(self) -> Path:
        """The directory of the Cargo.toml that is built."""
        return self.cargo_toml.parent

    @property
    def project_table(self) -> Mapping[str, Any] | None:
        """The PEP 621 ``[project]`` table, if any."""
        return None if self.pyproject is None else self.pyproject.get("project")


def find_workspace_root(manifest: Path) -> Path:
    """The directory of the nearest Cargo.toml at or above ``manifest`` with a ``[workspace]``."""
    for directory in (manifest.parent, *manifest.parent.parents):
        candidate = directory / CARGO_TOML
        if candidate.is_file():
            try:
                if "workspace" in read_toml(candidate, "cargo"):
                    return directory
            except ProjectError:
                continue
    return manifest.parent


def _pyproject_for_manifest(manifest: Path) -> Path | None:
    """maturin looks upwards from an explicit Cargo.toml, but not past the workspace's parent."""
    limit = find_workspace_root(manifest).parent
    for directory in manifest.parents:
        if not directory.is_relative_to(limit):
            break
        candidate = directory / PYPROJECT
        if candidate.is_file():
            return candidate
    return None


def _manifest_for_dir(directory: Path) -> tuple[Path, Path | None]:
    pyproject = directory / PYPROJECT
    if path_kind(pyproject, "pyproject.toml") == "file":
        data = read_toml(pyproject, "pyproject")
        tool = data.get("tool", {}).get("maturin", {})
        manifest_path = tool.get("manifest-path")
        if manifest_path is not None:
            manifest = safe_resolve(
                directory / manifest_path, "[tool.maturin] manifest-path", error=ProjectError
            )
            if path_kind(manifest, "[tool.maturin] manifest-path") != "file":
                raise ProjectError(
                    f"manifest path `{manifest_path}` does not exist or is invalid "
                    f"(set by [tool.maturin] manifest-path in {pyproject})"
                )
            return manifest, pyproject
        src_layout = directory / "rust" / CARGO_TOML
        if src_layout.is_file() and _has_src_python(directory, data):
            return src_layout, pyproject
    manifest = directory / CARGO_TOML
    if not manifest.is_file():
        raise ProjectError(f"Can't find {manifest} (in {directory})")
    return manifest, pyproject if pyproject.is_file() else None


def _has_src_python(directory: Path, pyproject: Mapping[str, Any]) -> bool:
    """Shapes are checked (read_toml), so the tables are tables and the name a string."""
    if pyproject.get("tool", {}).get("maturin", {}).get("python-source"):
        return True
    name = pyproject.get("project", {}).get("name")
    return name is not None and (directory / "src" / name.replace("-", "_")).is_dir()


def _resolve_paths(target: Path) -> tuple[Path, Path | None]:
    kind = path_kind(target, "the manifest path")
    if kind == "dir":
        return _manifest_for_dir(target)
    if kind == "missing":
        raise ProjectError(f"manifest path `{target}` does not exist or is invalid")
    if target.name == PYPROJECT:
        return _manifest_for_dir(target.parent)
    if target.name == CARGO_TOML or target.suffix == ".toml":
        return target, _pyproject_for_manifest(target)
    raise ProjectError(f"{target} is not the path to a Cargo.toml or pyproject.toml")


def open_project(path: Path | None = None, *, cwd: Path | None = None) -> Project:
    """Open the project at ``path`` (a directory, Cargo.toml or pyproject.toml), else at ``cwd``."""
    base = safe_resolve(cwd or Path.cwd(), "the working directory")
    target = base if path is None else safe_resolve(base / path, "the manifest path")
    manifest, pyproject_path = _resolve_paths(target)
    cargo = read_toml(manifest, "cargo")
    if "package" not in cargo:
        raise ProjectError(
            f"{manifest} has no [package] section; point -m at the crate to build, or set "
            "[tool.maturin] manifest-path in the workspace's pyproject.toml"
        )
    pyproject = read_toml(pyproject_path, "pyproject") if pyproject_path else None
    tool = (pyproject or {}).get("tool", {}).get("maturin")
    maturin = parse_maturin_config(tool, (pyproject_path or manifest).parent)
    return Project(
        cargo_toml=manifest,
        pyproject_toml=pyproject_path,
        cargo=cargo,
        pyproject=pyproject,
        maturin=maturin,
    )

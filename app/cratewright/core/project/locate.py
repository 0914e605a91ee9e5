"""Find a project's Cargo.toml and pyproject.toml the way maturin does, and read them.

A user may point us at a directory, a Cargo.toml or a pyproject.toml (``-m``). maturin's
rules for pairing the two files are subtle (``manifest-path`` in the root pyproject, the
``rust/`` src layout, a pyproject.toml above a workspace member), and projects rely on them,
so they are kept as they are.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright.core.project.maturin_config import MaturinConfig, parse_maturin_config
from cratewright.errors import ProjectError

__all__ = ["Project", "find_workspace_root", "open_project", "read_toml"]

PYPROJECT = "pyproject.toml"
# tomllib (3.11-3.13) puts the position only in its message: "... (at line 3, column 11)".
_TOML_LOCATION = re.compile(r"\(at line (\d+), column (\d+)\)")
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


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{path} is not valid UTF-8 (byte {exc.start})", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LOCATION.search(str(exc))
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        raise ProjectError(
            f"{path} is invalid TOML: {exc}", path=path, line=line, column=column
        ) from exc


def find_workspace_root(manifest: Path) -> Path:
    """The directory of the nearest Cargo.toml at or above ``manifest`` with a ``[workspace]``."""
    for directory in (manifest.parent, *manifest.parent.parents):
        candidate = directory / CARGO_TOML
        if candidate.is_file():
            try:
                if "workspace" in read_toml(candidate):
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
    if pyproject.is_file():
        data = read_toml(pyproject)
        tool = data.get("tool", {}).get("maturin", {})
        manifest_path = tool.get("manifest-path") if isinstance(tool, dict) else None
        if isinstance(manifest_path, str):
            manifest = (directory / manifest_path).resolve()
            if not manifest.is_file():
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
    if pyproject.get("tool", {}).get("maturin", {}).get("python-source"):
        return True
    name = pyproject.get("project", {}).get("name")
    return isinstance(name, str) and (directory / "src" / name.replace("-", "_")).is_dir()


def _resolve_paths(target: Path) -> tuple[Path, Path | None]:
    if target.is_dir():
        return _manifest_for_dir(target)
    if not target.exists():
        raise ProjectError(f"manifest path `{target}` does not exist or is invalid")
    if target.name == PYPROJECT:
        return _manifest_for_dir(target.parent)
    if target.name == CARGO_TOML or target.suffix == ".toml":
        return target, _pyproject_for_manifest(target)
    raise ProjectError(f"{target} is not the path to a Cargo.toml or pyproject.toml")


def open_project(path: Path | None = None, *, cwd: Path | None = None) -> Project:
    """Open the project at ``path`` (a directory, Cargo.toml or pyproject.toml), else at ``cwd``."""
    base = (cwd or Path.cwd()).resolve()
    target = base if path is None else (base / path).resolve()
    manifest, pyproject_path = _resolve_paths(target)
    cargo = read_toml(manifest)
    if "package" not in cargo:
        raise ProjectError(
            f"{manifest} has no [package] section; point -m at the crate to build, or set "
            "[tool.maturin] manifest-path in the workspace's pyproject.toml"
        )
    pyproject = read_toml(pyproject_path) if pyproject_path else None
    tool = (pyproject or {}).get("tool", {}).get("maturin")
    maturin = parse_maturin_config(tool, (pyproject_path or manifest).parent)
    return Project(
        cargo_toml=manifest,
        pyproject_toml=pyproject_path,
        cargo=cargo,
        pyproject=pyproject,
        maturin=maturin,
    )

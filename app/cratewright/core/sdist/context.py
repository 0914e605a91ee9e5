"""What an sdist is built from: the project, cargo's view of it and the sdist root directory.

The root is the common ancestor of the workspace, pyproject.toml, every path dependency and the
Python source, so relative paths between them survive unpacking.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cratewright.core.cargo.metadata import CargoMetadata, load_cargo_metadata
from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.overview import describe_project
from cratewright.core.project.layout import ProjectLayout
from cratewright.core.project.locate import Project, open_project
from cratewright.core.sdist.cargo import (
    PathDependency,
    find_path_deps,
)
from cratewright.errors import SdistError
from cratewright.events import EventSink


def relative_path(path: Path, base: Path) -> str:
    relative = path.relative_to(base).as_posix()
    return "" if relative == "." else relative


def join_path(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


@dataclass(frozen=True)
class SdistContext:
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
        return relative_path(self.manifest.parent, self.sdist_root)

    @property
    def workspace_manifest(self) -> Path:
        return self.workspace_root / "Cargo.toml"


def _common(paths: list[Path]) -> Path:
    try:
        return Path(os.path.commonpath([str(p) for p in paths]))
    except ValueError as exc:
        raise SdistError(f"The sdist's files share no common directory: {exc}") from None


def load_context(
    manifest_path: Path | None, cwd: Path | None, locked: bool, sink: EventSink
) -> SdistContext:
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
    return SdistContext(
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

"""What a project is, before anything is built: the facts the GUI's Overview page shows.

It runs the same steps as the start of ``plan_build`` (open, ``cargo metadata``, bindings,
layout, metadata) but chooses no interpreter and needs no build options, so opening a project
in the GUI is quick and cannot fail because no Python was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cratewright.core.cargo.metadata import CargoMetadata, CargoTarget, load_cargo_metadata
from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.merge import resolve_metadata
from cratewright.core.project.bindings import Bindings, detect_bindings
from cratewright.core.project.layout import ProjectLayout, determine_layout, module_name_for
from cratewright.core.project.locate import Project, open_project
from cratewright.events import EventSink, null_sink

__all__ = ["ProjectOverview", "describe_project", "load_overview"]


@dataclass(frozen=True)
class ProjectOverview:
    """A project opened and understood: manifests, cargo's view, bindings, layout, metadata."""

    project: Project
    cargo_metadata: CargoMetadata
    bindings: Bindings
    layout: ProjectLayout
    metadata: CoreMetadata

    @property
    def name(self) -> str:
        """The distribution name as it will appear on PyPI."""
        return self.metadata.name

    @property
    def version(self) -> str:
        """The PEP 440 version the wheels will carry."""
        return self.metadata.version

    @property
    def root(self) -> Path:
        """The folder users call "the project": pyproject.toml's, else the crate's."""
        return self.project.project_root

    @property
    def rust_targets(self) -> list[CargoTarget]:
        """The root package's lib/cdylib/bin targets."""
        return self.cargo_metadata.targets()


def describe_project(
    project: Project,
    cargo: CargoMetadata,
    *,
    bindings: str | None = None,
    sink: EventSink = null_sink,
) -> ProjectOverview:
    """Bindings, layout and metadata of an opened project, from cargo's view of it.

    The one place these three decisions are made: the GUI's overview, ``plan_build`` and the
    sdist all call it. ``bindings`` forces a binding kind (``-b``), else ``[tool.maturin]``'s
    or the detected one is used.
    """
    detected = detect_bindings(cargo, bindings or project.maturin.bindings)
    module_name = module_name_for(project, is_bin=detected.kind == "bin", sink=sink)
    layout = determine_layout(project, module_name)
    metadata = resolve_metadata(
        cargo.root_package,
        project.pyproject,
        project_dir=project.project_root,
        workspace_root=cargo.workspace_root,
        sink=sink,
    )
    return ProjectOverview(project, cargo, detected, layout, metadata)


def load_overview(
    path: Path | None, *, cwd: Path | None = None, sink: EventSink = null_sink
) -> ProjectOverview:
    """Open the project at ``path`` (dir, Cargo.toml or pyproject.toml) and describe it.

    Raises the same CratewrightError subclasses as a build would (broken TOML with file and
    line, missing cargo, unknown bindings), so the GUI can show them before any build.
    """
    project = open_project(path, cwd=cwd)
    cargo = load_cargo_metadata(project.cargo_toml, cargo_flags=())
    return describe_project(project, cargo, sink=sink)

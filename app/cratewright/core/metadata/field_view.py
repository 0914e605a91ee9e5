"""A project's metadata as the editors see it: every field's value with its provenance.

Plain data (frozen where it can be): the parsed manifests, where each value comes from and what
it hides, the problems found and the resolved :class:`CoreMetadata`. Built by
:func:`cratewright.core.metadata.fields.build_view`; shown by the CLI and the GUI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.metadata.field_specs import FieldSpec
from cratewright.core.metadata.validate import Problem
from cratewright.errors import MetadataError, ProjectError

__all__ = [
    "FieldView",
    "Location",
    "Manifests",
    "MetadataView",
    "Origin",
    "Overridden",
    "Provenance",
]


Origin = Literal["project", "cargo", "workspace", "default", "unset"]


@dataclass(frozen=True)
class Location:
    """A key in one TOML file, e.g. ``project.description`` in pyproject.toml."""

    file: Path
    key: tuple[str, ...]

    @property
    def dotted(self) -> str:
        """The key as a TOML dotted key (``workspace.package.version``)."""
        return ".".join(self.key)

    def describe(self) -> str:
        """``pyproject.toml: project.description`` for humans."""
        where = "workspace Cargo.toml" if self.key[:1] == ("workspace",) else self.file.name
        return f"{where}: {self.dotted}"


@dataclass(frozen=True)
class Overridden:
    """A value the shown value hides, and why it is not used."""

    location: Location
    value: Any
    reason: str


@dataclass(frozen=True)
class Provenance:
    """Where a field's value comes from.

    Attributes:
        origin: ``project`` ([project] in pyproject.toml), ``cargo`` (Cargo.toml [package]),
            ``workspace`` (inherited from the workspace root via ``x.workspace = true``),
            ``default`` (nobody set it; a file was found or a rule applied), ``unset``.
        source: The key the value was read from (None for default/unset values).
        dynamic: True when a Cargo value is used because ``project.dynamic`` lists the field.
        inherited_via: The member's ``x.workspace = true`` key for workspace values.
        overrides: Values that exist in the files but are not used because of this one.
        note: A short explanation for the user (warnings, defaults that were applied).
    """

    origin: Origin
    source: Location | None = None
    dynamic: bool = False
    inherited_via: Location | None = None
    overrides: tuple[Overridden, ...] = ()
    note: str = ""

    def describe(self) -> str:
        """One line: where the value comes from (overrides are listed separately)."""
        if self.origin == "project":
            text = f"from [project] in {self.source.describe() if self.source else '?'}"
        elif self.origin in ("cargo", "workspace"):
            where = self.source.describe() if self.source else "Cargo.toml"
            text = f"from {where}"
            if self.inherited_via is not None:
                text += f" (inherited via {self.inherited_via.dotted}.workspace = true)"
            if self.dynamic:
                text += ", listed in project.dynamic"
        elif self.origin == "default":
            text = "default"
        else:
            text = "not set"
        return f"{text}; {self.note}" if self.note else text


@dataclass(frozen=True)
class FieldView:
    """One field as the user sees it: value, provenance and where an edit goes.

    ``value`` uses one shape whatever file it came from: ``str | None`` for text fields,
    ``list[str]`` for lists, ``list[{"name", "email"}]`` for contacts, ``dict[str, str]`` for
    tables, ``dict[str, list[str]]`` for extras and ``dict[str, dict[str, str]]`` for groups.
    """

    spec: FieldSpec
    value: Any
    provenance: Provenance
    target: Location | None
    locked: str | None = None

    @property
    def key(self) -> str:
        """The PEP 621 key."""
        return self.spec.key


@dataclass(frozen=True)
class Manifests:
    """The parsed TOML files that feed the metadata of one project."""

    cargo_path: Path
    cargo: Mapping[str, Any]
    pyproject_path: Path | None
    pyproject: Mapping[str, Any] | None
    workspace_path: Path | None
    workspace: Mapping[str, Any] | None

    @property
    def package(self) -> Mapping[str, Any]:
        """Cargo.toml ``[package]``."""
        package = self.cargo.get("package")
        if not isinstance(package, Mapping):
            raise ProjectError(f"{self.cargo_path} has no [package] section")
        return package

    @property
    def project(self) -> Mapping[str, Any] | None:
        """pyproject.toml ``[project]``, if any."""
        if self.pyproject is None:
            return None
        project = self.pyproject.get("project")
        if project is not None and not isinstance(project, Mapping):
            raise MetadataError(f"`project` in {self.pyproject_path} must be a table")
        return project

    @property
    def dynamic(self) -> frozenset[str]:
        """``project.dynamic`` (empty without [project])."""
        project = self.project or {}
        dynamic = project.get("dynamic", [])
        return (
            frozenset(d for d in dynamic if isinstance(d, str))
            if isinstance(dynamic, list)
            else frozenset()
        )

    @property
    def project_dir(self) -> Path:
        """Where pyproject paths start (the crate dir without a pyproject.toml)."""
        return (self.pyproject_path or self.cargo_path).parent

    @property
    def workspace_root(self) -> Path:
        """cargo's workspace root directory (the crate dir for a lone crate)."""
        return (self.workspace_path or self.cargo_path).parent

    @property
    def workspace_package(self) -> Mapping[str, Any]:
        """``[workspace.package]`` of the root manifest (empty when there is none)."""
        table = (self.workspace or {}).get("workspace", {})
        package = table.get("package", {}) if isinstance(table, Mapping) else {}
        return package if isinstance(package, Mapping) else {}


@dataclass
class MetadataView:
    """Every field with provenance, the problems found, and the METADATA they produce."""

    manifests: Manifests
    fields: dict[str, FieldView]
    problems: list[Problem]
    core: CoreMetadata | None
    messages: list[str] = field(default_factory=list)

    def problems_for(self, key: str) -> list[Problem]:
        """Problems about one field."""
        return [p for p in self.problems if p.field == key]

    @property
    def errors(self) -> list[Problem]:
        """Problems that would make a build or an upload fail."""
        return [p for p in self.problems if p.severity == "error"]

    def render(self) -> str | None:
        """The METADATA 2.4 text a wheel built now would carry (None if it cannot resolve)."""
        return self.core.render() if self.core is not None else None

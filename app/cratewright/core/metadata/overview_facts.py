"""What the Overview page and the window's header show of a project, as plain data.

The desktop app paints these at its first frame. Deriving them takes the engine (TOML,
``cargo metadata``, the metadata merge: about 50 ms of imports alone), so at start-up another
process derives them while the app imports Qt (:mod:`cratewright.core.metadata.facts_process`)
and hands them over: strings, numbers, lists and dicts, which any format carries. The same
function turns a loaded :class:`ProjectOverview` into the same facts, so the page has one way
to show a project, whichever way it came.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from cratewright.core.metadata.overview import ProjectOverview

__all__ = ["OverviewFacts", "TargetFacts", "facts_of"]


class TargetFacts(TypedDict):
    """One Rust target of the crate (lib, cdylib, bin)."""

    name: str
    kinds: list[str]
    crate_types: list[str]
    src_path: str


class OverviewFacts(TypedDict):
    """Everything the Overview page and the header show; paths are absolute strings."""

    name: str
    version: str
    summary: str | None
    bindings_label: str
    bindings_reason: str
    is_abi3: bool
    abi3_minor: int | None
    layout_kind: str
    module_name: str
    module_dir_in_wheel: str
    is_mixed: bool
    python_dir: str
    requires_python: str
    root: str
    crate_dir: str
    cargo_toml: str
    pyproject_toml: str | None
    workspace_root: str
    targets: list[TargetFacts]
    requires_dist: list[str]
    scripts: dict[str, str]
    rust_dependencies: int
    #: the ``[tool.maturin]`` keys as ``(key, repr(value))``: TOML dates and tuples do not
    #: survive every transport, their spelling does
    maturin_settings: list[tuple[str, str]]


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def facts_of(overview: ProjectOverview) -> OverviewFacts:
    """The facts of a loaded project (plain data: lists, dicts, strings, numbers)."""
    project, meta, layout = overview.project, overview.metadata, overview.layout
    maturin_table = (project.pyproject or {}).get("tool", {}).get("maturin", {})
    return OverviewFacts(
        name=overview.name,
        version=str(overview.version),
        summary=meta.summary,
        bindings_label=overview.bindings.label,
        bindings_reason=overview.bindings.reason,
        is_abi3=overview.bindings.is_abi3,
        abi3_minor=overview.bindings.abi3_minor,
        layout_kind=layout.kind,
        module_name=layout.module_name,
        module_dir_in_wheel=str(layout.module_dir_in_wheel),
        is_mixed=layout.is_mixed,
        python_dir=str(layout.python_dir),
        requires_python=str(meta.requires_python or ""),
        root=str(overview.root),
        crate_dir=str(project.crate_dir),
        cargo_toml=str(project.cargo_toml),
        pyproject_toml=_text(project.pyproject_toml),
        workspace_root=str(overview.cargo_metadata.workspace_root),
        targets=[
            TargetFacts(
                name=target.name,
                kinds=list(target.kinds),
                crate_types=list(target.crate_types),
                src_path=str(target.src_path),
            )
            for target in overview.rust_targets
        ],
        requires_dist=list(meta.requires_dist),
        scripts={**meta.scripts, **meta.gui_scripts},
        rust_dependencies=len(overview.cargo_metadata.dependency_ids()),
        maturin_settings=[(str(key), repr(value)) for key, value in maturin_table.items()],
    )

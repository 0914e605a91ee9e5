"""A package's metadata: Cargo ``[package]`` and pyproject ``[project]`` merged as maturin does.

Takes the project and cargo's view of it; gives CoreMetadata (METADATA 2.4 text), the per-field
view with provenance, validation, layout-keeping edits, and the overview the GUI opens with.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "FactsProcess": "facts_process",
    "FieldView": "field_view",
    "FileChange": "edit",
    "FollowUpChange": "edit",
    "MetadataSession": "edit",
    "MetadataView": "field_view",
    "OverviewFacts": "overview_facts",
    "Problem": "validate",
    "ProjectOverview": "overview",
    "classifier_choices": "validate",
    "field_spec": "field_specs",
    "load_metadata_view": "edit",
    "load_overview": "overview",
    "facts_of": "overview_facts",
    "parse_cli_value": "cli_values",
    "start_facts_process": "facts_process",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

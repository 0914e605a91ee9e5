"""The metadata fields a user can edit: their PEP 621 key, kind, label and where Cargo has one.

One table (:data:`FIELDS`) drives the CLI's ``metadata set``, the GUI's Metadata page and the
per-field merge, so a field is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cratewright.errors import MetadataError

FieldKind = Literal[
    "text", "list", "contacts", "table", "extras", "groups", "readme", "license", "version"
]

#: Cargo [package] keys behind the ``urls`` field, with the label maturin gives each.
CARGO_URL_KEYS: tuple[tuple[str, str], ...] = (
    ("Homepage", "homepage"),
    ("Documentation", "documentation"),
    ("Source Code", "repository"),
)


@dataclass(frozen=True)
class FieldSpec:
    """One editable field: its PEP 621 key, label, value shape and Cargo counterpart."""

    key: str
    label: str
    kind: FieldKind
    cargo_key: str | None
    headers: tuple[str, ...]
    help: str


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Name", "text", "name", ("Name",), "Distribution name on PyPI"),
    FieldSpec("version", "Version", "version", "version", ("Version",), "Release version"),
    FieldSpec("description", "Summary", "text", "description", ("Summary",), "One-line summary"),
    FieldSpec(
        "readme",
        "Readme",
        "readme",
        "readme",
        ("Description", "Description-Content-Type"),
        "Long description file",
    ),
    FieldSpec(
        "license",
        "License",
        "license",
        "license",
        ("License-Expression", "License"),
        "SPDX license expression",
    ),
    FieldSpec(
        "license-files", "License files", "list", None, ("License-File",), "Globs of license files"
    ),
    FieldSpec("authors", "Authors", "contacts", "authors", ("Author", "Author-email"), "Authors"),
    FieldSpec(
        "maintainers",
        "Maintainers",
        "contacts",
        None,
        ("Maintainer", "Maintainer-email"),
        "Maintainers",
    ),
    FieldSpec("keywords", "Keywords", "list", "keywords", ("Keywords",), "Search keywords"),
    FieldSpec("classifiers", "Classifiers", "list", None, ("Classifier",), "Trove classifiers"),
    FieldSpec("urls", "Project URLs", "table", "urls", ("Project-URL",), "Label -> URL"),
    FieldSpec(
        "requires-python",
        "Requires-Python",
        "text",
        None,
        ("Requires-Python",),
        "Supported Python versions",
    ),
    FieldSpec(
        "dependencies", "Dependencies", "list", None, ("Requires-Dist",), "PEP 508 requirements"
    ),
    FieldSpec(
        "optional-dependencies",
        "Optional dependencies",
        "extras",
        None,
        ("Provides-Extra", "Requires-Dist"),
        "Extra -> requirements",
    ),
    FieldSpec("scripts", "Scripts", "table", None, (), "Console scripts: name -> module:function"),
    FieldSpec(
        "gui-scripts", "GUI scripts", "table", None, (), "GUI scripts: name -> module:function"
    ),
    FieldSpec("entry-points", "Entry points", "groups", None, (), "Plugin entry points by group"),
)

__all__ = ["CARGO_URL_KEYS", "FIELDS", "FieldKind", "FieldSpec", "field_spec"]

_BY_KEY = {spec.key: spec for spec in FIELDS}
_ALIASES = {
    "summary": "description",
    "requires_python": "requires-python",
    "python": "requires-python",
    "license_files": "license-files",
    "license-file": "license-files",
    "author": "authors",
    "maintainer": "maintainers",
    "keyword": "keywords",
    "classifier": "classifiers",
    "url": "urls",
    "project-urls": "urls",
    "optional_dependencies": "optional-dependencies",
    "extras": "optional-dependencies",
    "gui_scripts": "gui-scripts",
    "entry_points": "entry-points",
}


def field_spec(key: str) -> FieldSpec:
    """The field called ``key`` (PEP 621 spelling or a common alias like ``summary``)."""
    wanted = key.strip().lower()
    spec = _BY_KEY.get(_ALIASES.get(wanted, wanted))
    if spec is None:
        raise MetadataError(
            f"Unknown metadata field `{key}`",
            hint="known fields: " + ", ".join(s.key for s in FIELDS),
        )
    return spec

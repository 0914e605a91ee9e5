"""Package and extra names normalised as pep508_rs does (PEP 503 / PEP 685)."""

from __future__ import annotations

import re

from cratewright.errors import MetadataError


def normalize_name_or_none(name: str) -> str | None:
    """Lowercase and collapse ``-_.`` runs to ``-``; None when the name is not a valid name."""
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name):
        return None
    return re.sub(r"[-_.]+", "-", name).lower()


def normalize_package_name(name: str) -> str:
    """Return the PEP 503 normalised package name (``Foo_Bar`` -> ``foo-bar``)."""
    normalized = normalize_name_or_none(name)
    if normalized is None:
        raise MetadataError(f"Invalid package name: {name!r}")
    return normalized


def normalize_extra_name(name: str) -> str:
    """Return the PEP 685 normalised extra name; maturin rejects invalid ones."""
    normalized = normalize_name_or_none(name)
    if normalized is None:
        raise MetadataError(f"invalid extra name: {name}")
    return normalized

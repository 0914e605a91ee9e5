"""Where the app's icons and style sheet are, installed or from a source checkout.

An installed wheel carries them in ``cratewright/resources``; an editable install or a plain
checkout has them in the repository's top-level ``resources/`` folder.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resource_path(name: str) -> Path:
    """The path of resource ``name`` (e.g. "navigation.qss", "icons/cratewright.svg")."""
    for base in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent.parent / "resources"):
        candidate = base / name
        if candidate.exists():
            return candidate
    return _PACKAGE_DIR / "resources" / name

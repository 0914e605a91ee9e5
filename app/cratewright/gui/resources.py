"""Where the app's icons and style sheet are, installed or from a source checkout.

An installed wheel carries them in ``cratewright/resources``; an editable install or a plain
checkout has them in the repository's top-level ``resources/`` folder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["resource_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def _resources_dir() -> Path:
    """The folder holding the resources, found once (the first frame asks for ten of them)."""
    for base in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent.parent / "resources"):
        if (base / "navigation.qss").is_file():
            return base
    return _PACKAGE_DIR / "resources"


def resource_path(name: str) -> Path:
    """The path of resource ``name`` (e.g. "navigation.qss", "icons/cratewright.svg")."""
    return _resources_dir() / name

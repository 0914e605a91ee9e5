"""Small text formatting shared by the pages (sizes, counts, paths)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["display_path", "human_size"]


def display_path(path: Path | str) -> str:
    """A path as desktop apps show it: ``~/…`` under the home folder, else unchanged.

    Shorter on a narrow window, and the same on every machine (screenshots, bug reports);
    the full path goes into the tooltip where it is shown.
    """
    try:
        home = Path.home()
    except RuntimeError:  # no home folder known
        return str(path)
    path = Path(path)
    if not path.is_absolute() or home == Path(home.anchor):
        return str(path)
    try:
        inside = path.relative_to(home)
    except ValueError:
        return str(path)
    return "~" if inside == Path() else f"~{os.sep}{inside}"


def human_size(size: int) -> str:
    """1536 -> "1.5 KiB"; binary units because wheel sizes are read against disk listings."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"

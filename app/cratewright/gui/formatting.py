"""Small text formatting shared by the pages (sizes, counts)."""

from __future__ import annotations

__all__ = ["human_size"]


def human_size(size: int) -> str:
    """1536 -> "1.5 KiB"; binary units because wheel sizes are read against disk listings."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"

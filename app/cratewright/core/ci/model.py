"""The small vocabulary generated CI files are built from, before any YAML exists.

A generator returns plain dicts, lists and strings; only two things need more than that:
a comment that explains a key (``Note``) and a list written on one line (``Inline``). The
emitter (:mod:`cratewright.core.ci.emit`) turns them into ruamel.yaml's commented nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Inline", "Note", "expr"]


@dataclass(frozen=True)
class Note:
    """``value`` with a comment line written above its key."""

    value: Any
    comment: str


@dataclass(frozen=True)
class Inline:
    """A list written in flow style (``needs: [linux, macos]``)."""

    items: tuple[str, ...]


def expr(expression: str) -> str:
    """A GitHub Actions expression, ``${{ expression }}``."""
    return "${{ " + expression + " }}"

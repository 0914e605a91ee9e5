"""Colours and short texts the parts of the Publish page share."""

from __future__ import annotations

from PySide6.QtGui import QColor

__all__ = ["ERROR", "OK", "WARN", "credential_kind", "status_line"]

OK, WARN, ERROR = QColor("#2e9d4f"), QColor("#c98a00"), QColor("#d0393e")


def status_line(text: str, limit: int = 110) -> str:
    """The first line of ``text``, cut at a word with "…" to fit the status bar."""
    first = text.splitlines()[0] if text else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def credential_kind(username: str | None) -> str:
    """What the keyring holds for ``username``: PyPI-style API tokens use ``__token__``."""
    return "token" if username == "__token__" else "password"

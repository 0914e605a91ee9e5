"""TOML values for hand-laid-out templates, escaped by tomli-w.

The templates are written as text so they can carry comments for a first-time user; every
value that comes from the user goes through ``toml_string`` so no name or author can break
the file.
"""

from __future__ import annotations

import tomli_w

__all__ = ["toml_string"]


def toml_string(value: str) -> str:
    """``value`` as a TOML string literal (quotes and escapes included)."""
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()

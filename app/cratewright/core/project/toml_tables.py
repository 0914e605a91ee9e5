"""Which tomlkit items are TOML tables, whatever layout the user's file gave them.

tomlkit returns an ``OutOfOrderTableProxy`` (not a ``Table``) for a table whose parts are
split by other tables, e.g. ``[package]`` ... ``[dependencies]`` ... ``[package.metadata.x]``,
or ``[workspace]`` ... ``[workspace.metadata.x]``. Real manifests are laid out that way often,
so every "is this a table?" check on a user's Cargo.toml or pyproject.toml goes through here:
a plain ``isinstance(item, Table)`` silently treats such a table as missing.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import InlineTable, Table

__all__ = ["TableLike", "is_inline_or_table", "is_table"]

TableLike = Table | OutOfOrderTableProxy


def is_table(item: Any) -> TypeGuard[TableLike]:
    """A ``[header]`` table, contiguous or split (not an inline ``{ ... }`` table)."""
    return isinstance(item, Table | OutOfOrderTableProxy)


def is_inline_or_table(item: Any) -> TypeGuard[TableLike | InlineTable]:
    """Any TOML table: ``[header]`` (contiguous or split) or inline ``{ ... }``."""
    return isinstance(item, Table | OutOfOrderTableProxy | InlineTable)

"""PEP 735 dependency groups (``[dependency-groups]``) that ``develop -G`` installs.

As maturin: ``-G/--group a,b`` installs those groups, each of which must exist; without
``-G`` the ``dev`` group is installed when the project has one. ``{include-group = ...}``
entries are expanded by packaging's resolver, which also reports cycles and bad entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from packaging.dependency_groups import resolve_dependency_groups
from packaging.utils import canonicalize_name

from cratewright.errors import InstallError

__all__ = ["DEFAULT_GROUP", "dependency_group_requirements"]

DEFAULT_GROUP = "dev"


def dependency_group_requirements(
    pyproject: Mapping[str, Any] | None, groups: Sequence[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the groups chosen, their requirements) for ``groups`` (None: ``dev`` if defined).

    Raises:
        InstallError: a requested group is not defined, or the table is malformed.
    """
    table = (pyproject or {}).get("dependency-groups") or {}
    if not isinstance(table, Mapping):
        raise InstallError("[dependency-groups] in pyproject.toml must be a table")
    defined = {canonicalize_name(name): name for name in table}
    if groups is None:
        chosen = [DEFAULT_GROUP] if DEFAULT_GROUP in defined else []
    else:
        chosen = list(dict.fromkeys(groups))
        missing = [g for g in chosen if canonicalize_name(g) not in defined]
        if missing:
            known = ", ".join(sorted(table)) or "none"
            raise InstallError(
                f"Dependency group(s) {', '.join(missing)} not found in [dependency-groups] of "
                f"pyproject.toml (defined: {known})"
            )
    if not chosen:
        return (), ()
    try:
        requirements = resolve_dependency_groups(table, *chosen)
    except Exception as exc:  # packaging raises ValueErrors, or an ExceptionGroup of them
        inner = getattr(exc, "exceptions", None) or [exc]
        if not all(isinstance(e, ValueError | TypeError | LookupError) for e in inner):
            raise
        detail = "; ".join(str(e) for e in inner)
        raise InstallError(f"Invalid [dependency-groups] in pyproject.toml: {detail}") from None
    return tuple(chosen), tuple(requirements)

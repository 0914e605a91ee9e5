"""``cratewright metadata set FIELD VALUE...`` arguments -> the value shape of that field.

Parsing only; the edit itself goes through :class:`cratewright.core.metadata.edit.MetadataSession`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cratewright.core.metadata.field_specs import field_spec
from cratewright.errors import MetadataError

__all__ = ["parse_cli_value"]


def parse_cli_value(key: str, values: Sequence[str]) -> Any:
    """Turn ``metadata set FIELD VALUE...`` arguments into the editor shape of ``key``.

    ``keywords a b`` is a list; ``authors "Ada <ada@x.org>"`` a contact; ``urls
    Homepage=https://...`` and ``scripts name=module:func`` tables; ``optional-dependencies
    test=pytest>=7 test=coverage`` groups by extra; ``entry-points group:name=module:obj``.
    No value removes the field.
    """
    spec = field_spec(key)
    if not values:
        return None
    if spec.kind in ("text", "version", "readme", "license"):
        if len(values) != 1:
            raise MetadataError(f"`{spec.key}` takes one value, got {len(values)}")
        return values[0]
    if spec.kind == "list":
        return list(values)
    if spec.kind == "contacts":
        return [_contact_arg(v) for v in values]
    pairs = [_pair(spec.key, v) for v in values]
    if spec.kind == "table":
        return dict(pairs)
    if spec.kind == "extras":
        extras: dict[str, list[str]] = {}
        for extra, requirement in pairs:
            extras.setdefault(extra, []).append(requirement)
        return extras
    groups: dict[str, dict[str, str]] = {}
    for left, ref in pairs:
        group, sep, name = left.partition(":")
        if not sep or not group or not name:
            raise MetadataError(
                f"entry point {left!r} must be written GROUP:NAME=module:object",
                hint="e.g. pytest11:myplugin=mypkg.plugin",
            )
        groups.setdefault(group, {})[name] = ref
    return groups


def _pair(key: str, text: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left.strip():
        raise MetadataError(f"`{key}` values are written KEY=VALUE, got {text!r}")
    return left.strip(), right.strip()


def _contact_arg(text: str) -> dict[str, str]:
    text = text.strip()
    if text.endswith(">") and "<" in text:
        name, _, email = text[:-1].rpartition("<")
        contact = {"email": email.strip()}
        if name.strip():
            contact = {"name": name.strip(), **contact}
        return contact
    if "@" in text and " " not in text:
        return {"email": text}
    return {"name": text}

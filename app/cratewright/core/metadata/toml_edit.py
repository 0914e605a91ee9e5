"""Writing one value into a tomlkit document so that the rest of the file stays as it was.

Existing items are edited in place (their comments, quoting and inline/multi-line layout kept);
new ones get the layout Cargo and PEP 621 files usually have. ``plain_set`` applies the same
change to plain data, so a session can check that tomllib reads back what was intended.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, Item
from tomlkit.toml_document import TOMLDocument

from cratewright.core.project.toml_tables import is_inline_or_table, is_table

__all__ = ["plain_set", "toml_set"]

_ONE_LINE_LIMIT = 88


def plain_set(data: dict[str, Any], key: Sequence[str], value: Any) -> None:
    """The intended change on plain data (what tomllib must read back)."""
    node = data
    for part in key[:-1]:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(key[-1], None)
    else:
        node[key[-1]] = copy.deepcopy(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v not in (None, "")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def toml_set(document: TOMLDocument, key: Sequence[str], value: Any) -> None:
    """Set ``key`` in a tomlkit document, editing the existing item in place when possible."""
    node: Any = document
    for index, part in enumerate(key[:-1]):
        if part not in node:
            if value is None:
                return
            node[part] = tomlkit.table(is_super_table=index < len(key) - 2)
        node = node[part]
    last = key[-1]
    if value is None:
        if last in node:
            del node[last]
        return
    value = _plain(value)
    current = node.get(last) if last in node else None
    if current is not None and _update_in_place(current, value):
        return
    node[last] = _new_item(value, parent_is_table=is_table(node) or isinstance(node, TOMLDocument))


def _update_in_place(item: Any, value: Any) -> bool:
    """Edit an existing array or table item so untouched elements keep their formatting."""
    if isinstance(item, Array) and isinstance(value, list) and not isinstance(item, AoT):
        old = [_plain(v.unwrap() if isinstance(v, Item) else v) for v in item]
        matcher = difflib.SequenceMatcher(a=[repr(v) for v in old], b=[repr(v) for v in value])
        for op, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if op == "equal":
                continue
            # Replaced elements are set in place: tomlkit keeps each element's indent, comma
            # and trailing comment, so only the value text changes on its line.
            replaced = min(i2 - i1, j2 - j1)
            for offset in range(replaced):
                item[i1 + offset] = _new_item(value[j1 + offset], parent_is_table=False)
            for index in range(i2 - 1, i1 + replaced - 1, -1):
                del item[index]
            for offset, new in enumerate(value[j1 + replaced : j2]):
                item.insert(i1 + replaced + offset, _new_item(new, parent_is_table=False))
        return True
    if is_inline_or_table(item) and isinstance(value, Mapping):
        for name in [k for k in item if k not in value]:
            del item[name]
        for name, new in value.items():
            if name in item:
                if (
                    _plain(item[name].unwrap() if isinstance(item[name], Item) else item[name])
                    == new
                ):
                    continue
                if _update_in_place(item[name], new):
                    continue
            item[name] = _new_item(new, parent_is_table=is_table(item))
        return True
    return False


def _new_item(value: Any, *, parent_is_table: bool) -> Any:
    """A tomlkit item for a new value: inline tables in arrays, long arrays one per line."""
    if isinstance(value, list):
        array = tomlkit.array()
        for element in value:
            array.append(_new_item(element, parent_is_table=False))
        if len(tomlkit.dumps({"k": array})) > _ONE_LINE_LIMIT:
            array.multiline(True)
        return array
    if isinstance(value, Mapping):
        nested = any(isinstance(v, Mapping) for v in value.values())
        if parent_is_table:
            table = tomlkit.table(is_super_table=nested)
            for name, element in value.items():
                table[name] = _new_item(element, parent_is_table=True)
            if not nested:
                table.add(tomlkit.nl())  # a blank line before whatever table follows
            return table
        inline = tomlkit.inline_table()
        for name, element in value.items():
            inline[name] = _new_item(element, parent_is_table=False)
        return inline
    return value

"""Generated CI data -> YAML text through ruamel.yaml, and YAML text -> data for checks.

Nothing here pastes strings into YAML: every value goes through the library, which quotes
what needs quoting (``'*'``, ``"3.9"``) and writes multi-line scripts as literal blocks. A
pinned ``uses:`` gets its tag as an end-of-line comment from :mod:`cratewright.core.ci.pins`,
and the header comment is the only text written around the document.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from cratewright.core.ci.model import Inline, Note
from cratewright.core.ci.pins import PINS
from cratewright.errors import ConfigError

__all__ = ["dump_yaml", "load_yaml"]

_PINNED = re.compile(r"(?P<name>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40})")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = False
    return yaml


def _node(value: Any, *, spaced: bool = False) -> Any:
    """Plain data -> ruamel nodes; ``spaced`` puts a blank line between a mapping's keys."""
    if isinstance(value, Note):
        return _node(value.value)
    if isinstance(value, Inline):
        seq = CommentedSeq(value.items)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, Mapping):
        node = CommentedMap()
        for index, (key, item) in enumerate(value.items()):
            node[key] = _node(item)
            if isinstance(item, Note):
                node.yaml_set_comment_before_after_key(key, before=item.comment, indent=0)
            if spaced and index:
                node.yaml_set_comment_before_after_key(key, before="\n", indent=0)
            if key == "uses" and isinstance(item, str):
                pinned = _PINNED.fullmatch(item)
                if pinned and pinned["name"] in PINS:
                    node.yaml_add_eol_comment(f"# {PINS[pinned['name']].tag}", key)
        return node
    if isinstance(value, Sequence) and not isinstance(value, str):
        return CommentedSeq(_node(item) for item in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


def _fix_note_indents(node: Any, depth: int = 0) -> None:
    """Comments above a key are indented like the key (ruamel writes them where told)."""
    if isinstance(node, CommentedMap):
        for key, item in node.items():
            comment = node.ca.items.get(key)
            if comment and comment[1]:
                for token in comment[1]:
                    if token.value.strip().startswith("#"):
                        token.value = "".join(
                            " " * depth + line.lstrip() + "\n" for line in token.value.splitlines()
                        )
            _fix_note_indents(item, depth + 2)
    elif isinstance(node, CommentedSeq):
        for item in node:
            _fix_note_indents(item, depth + 4)


def dump_yaml(document: Mapping[str, Any], *, header: Sequence[str] = (), spaced: str = "") -> str:
    """YAML text of ``document`` with ``header`` as leading ``#`` lines.

    ``spaced`` names a top-level key (``jobs``) whose entries are separated by blank lines,
    as maturin's workflow is.
    """
    root = CommentedMap()
    for key, value in document.items():
        root[key] = _node(value, spaced=key == spaced)
        if isinstance(value, Note):
            root.yaml_set_comment_before_after_key(key, before=value.comment)
    top = list(root)
    for key in top[1:]:
        existing = root.ca.items.get(key)
        if not (existing and existing[1]):
            root.yaml_set_comment_before_after_key(key, before="\n")
    _fix_note_indents(root)
    stream = io.StringIO()
    _yaml().dump(root, stream)
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header)
    return lines + stream.getvalue()


def load_yaml(text: str, *, what: str = "the text", typed: bool = True) -> Any:
    """Parse YAML 1.2 text into plain data (``on:`` stays a string key), or ConfigError.

    ``typed=False`` keeps every scalar as the string written (no int/bool/null resolution),
    to compare two files by what they say rather than by how a parser types it.
    """
    try:
        data = YAML(typ="safe" if typed else "base", pure=True).load(text)
    except YAMLError as exc:
        raise ConfigError(f"{what} is not valid YAML: {exc}") from None
    return data

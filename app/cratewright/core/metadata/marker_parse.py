"""PEP 508 marker text -> decision diagram nodes, with pep508_rs's rewrites.

``python_version`` comparisons become ``python_full_version`` ranges and deprecated keys are
accepted as pep508_rs accepts them, so the diagram holds what maturin would write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from packaging.version import InvalidVersion, Version

from cratewright.core.metadata.marker_diagram import (
    EXCLUDED,
    FALSE,
    INCLUDED,
    STRING_KEYS,
    TRUE,
    UNBOUNDED,
    VERSION_KEYS,
    Diagram,
    NodeRef,
    Ranges,
)
from cratewright.core.metadata.names import (
    normalize_name_or_none,
)
from cratewright.errors import MetadataError

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lp>\() | (?P<rp>\)) |
        (?P<str>'[^']*'|"[^"]*") |
        (?P<op>===|==|!=|<=|>=|~=|<|>|not\s+in(?![\w.])|in(?![\w.])) |
        (?P<word>and(?![\w.])|or(?![\w.])) |
        (?P<var>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise MetadataError(f"Invalid marker: {text!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class MarkerParser:
    """Recursive descent over the (already packaging-validated) marker text."""

    def __init__(self, text: str, diagram: Diagram) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.diagram = diagram

    def parse(self) -> NodeRef | None:
        tree = self._or()
        if self.pos != len(self.tokens):
            raise MetadataError("Invalid marker: unexpected trailing input")
        return tree

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _binary(self, word: str, inner: Callable[[], NodeRef | None]) -> NodeRef | None:
        tree = inner()
        while (token := self._peek()) is not None and token == ("word", word):
            self.pos += 1
            right = inner()
            if right is not None:
                tree = right if tree is None else self.diagram.apply(word, tree, right)
        return tree

    def _or(self) -> NodeRef | None:
        return self._binary("or", self._and)

    def _and(self) -> NodeRef | None:
        return self._binary("and", self._atom)

    def _atom(self) -> NodeRef | None:
        token = self._peek()
        if token is not None and token[0] == "lp":
            self.pos += 1
            tree = self._or()
            self.pos += 1  # the closing parenthesis
            return tree
        left, op, right = self.tokens[self.pos : self.pos + 3]
        self.pos += 3
        return _expression_node(self.diagram, left, re.sub(r"\s+", " ", op[1]), right)


_DEPRECATED_KEYS = {
    "os.name": "os_name",
    "sys.platform": "sys_platform",
    "platform.version": "platform_version",
    "platform.machine": "platform_machine",
    "platform.python_implementation": "platform_python_implementation",
    "python_implementation": "platform_python_implementation",
}
_INVERT = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=", "~=": "~="}


def _expression_node(
    diagram: Diagram, left: tuple[str, str], op: str, right: tuple[str, str]
) -> NodeRef | None:
    """Turn one ``lhs op rhs`` into a node; None for comparisons pep508_rs ignores."""
    if left[0] == "var" and right[0] == "str":
        key, value, inverted = _DEPRECATED_KEYS.get(left[1], left[1]), right[1][1:-1], False
    elif left[0] == "str" and right[0] == "var":
        key, value, inverted = _DEPRECATED_KEYS.get(right[1], right[1]), left[1][1:-1], True
    else:
        return None
    if key == "python_version" or key in VERSION_KEYS:
        return _version_node(diagram, key, op, value, inverted)
    if key == "extra":
        if op not in ("==", "!="):
            return None
        name = normalize_name_or_none(value)
        var = (4, 0, name) if name is not None else (4, 1, value)
        return diagram.bool_node(var, op == "==")
    if key not in STRING_KEYS:
        return None
    key_index = STRING_KEYS.index(key)
    if inverted:
        if op in ("in", "not in"):  # 'value' in key: a substring test on the key
            return diagram.bool_node((3, key_index, value), op == "in")
        op = _INVERT.get(op, op)
    if op in ("in", "not in"):
        return diagram.bool_node((2, key_index, value), op == "in")
    ranges = {
        "==": Ranges.singleton(value),
        "!=": Ranges.singleton(value).complement(),
        ">": Ranges.between((EXCLUDED, value), UNBOUNDED),
        ">=": Ranges.between((INCLUDED, value), UNBOUNDED),
        "<": Ranges.between(UNBOUNDED, (EXCLUDED, value)),
        "<=": Ranges.between(UNBOUNDED, (INCLUDED, value)),
    }.get(op)
    if ranges is None:  # ~= and === on strings are ignored
        return None
    return diagram.ranges_node((1, key_index), ranges)


def _release_only(version: Version, *, star: bool) -> Version:
    """Drop everything but the release; strip trailing zeros unless a star comparison."""
    release = list(version.release)
    if not star:
        nonzero = [i for i, seg in enumerate(release) if seg != 0]
        if nonzero and nonzero[-1] > 0:
            release = release[: nonzero[-1] + 1]
    return Version(".".join(map(str, release)))


def _bump(release: Iterable[int]) -> Version:
    parts = list(release)
    parts[-1] += 1
    return Version(".".join(map(str, parts)))


def _specifier_range(op: str, version: Version) -> Ranges:
    """Release-only range of a version specifier (pep440_rs' release semantics)."""
    if op in ("==", "==="):
        return Ranges.singleton(version)
    if op == "!=":
        return Ranges.singleton(version).complement()
    if op == "~=":
        return Ranges.between((INCLUDED, version), (EXCLUDED, _bump(version.release[:-1])))
    if op in ("==*", "!=*"):
        star = Ranges.between((INCLUDED, version), (EXCLUDED, _bump(version.release)))
        return star if op == "==*" else star.complement()
    return {
        "<": Ranges.between(UNBOUNDED, (EXCLUDED, version)),
        "<=": Ranges.between(UNBOUNDED, (INCLUDED, version)),
        ">": Ranges.between((EXCLUDED, version), UNBOUNDED),
        ">=": Ranges.between((INCLUDED, version), UNBOUNDED),
    }[op]


def _python_version_to_full(op: str, version: Version) -> tuple[str, Version] | bool:
    """Rewrite a ``python_version`` comparison on ``python_full_version``; bool if constant."""
    release = version.release
    if len(release) == 1 and op in ("==*", "!=*"):
        return op, version
    if len(release) <= 2:
        major, minor = release[0], release[1] if len(release) == 2 else 0
        two = Version(f"{major}.{minor}")
        if op in ("==", "==="):
            return "==*", two
        if op == "!=":
            return "!=*", two
        if op == ">":
            return ">=", Version(f"{major}.{minor + 1}")
        if op == "<=":
            return "<", Version(f"{major}.{minor + 1}")
        return op, version
    major, minor = release[0], release[1]
    if op in ("==", "===", "==*", "~="):
        return False
    if op in ("!=", "!=*"):
        return True
    if op in ("<", "<="):
        return "<", Version(f"{major}.{minor + 1}")
    return ">=", Version(f"{major}.{minor + 1}")


def _version_node(
    diagram: Diagram, key: str, op: str, value: str, inverted: bool
) -> NodeRef | None:
    var = (0, VERSION_KEYS.index("python_full_version" if key == "python_version" else key))
    if op in ("in", "not in"):
        if inverted:
            return None
        try:
            versions = [Version(part) for part in value.split()]
        except InvalidVersion:
            return None
        total = Ranges.empty()
        for version in versions:
            if key == "python_version":
                converted = _python_version_to_full("==", version)
                if isinstance(converted, bool):
                    return TRUE if converted else FALSE
                piece = _specifier_range(converted[0], _release_only(converted[1], star=True))
            else:
                piece = Ranges.singleton(version)
            total = total.union(piece)
        return diagram.ranges_node(var, total.complement() if op == "not in" else total)
    if inverted:
        op = _INVERT.get(op, op)
    if op not in ("==", "!=", "<", "<=", ">", ">=", "~=", "==="):
        return None
    star = value.endswith(".*")
    if star and (inverted or op not in ("==", "!=")):
        return None
    try:
        version = Version(value[:-2] if star else value)
    except InvalidVersion:
        return None
    if op == "~=" and len(version.release) < 2:
        return None
    if star:
        op += "*"
    version = _release_only(version, star=star)
    if key == "python_version":
        converted = _python_version_to_full(op, version)
        if isinstance(converted, bool):
            return TRUE if converted else FALSE
        op, version = converted
    version = _release_only(version, star=op.endswith("*"))
    return diagram.ranges_node(var, _specifier_range(op, version))

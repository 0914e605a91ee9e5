"""PEP 508 requirements re-spelled the way maturin writes them into ``Requires-Dist``.

maturin does not copy dependency strings from pyproject.toml: it parses them with the
``pep508_rs``/``pep440_rs`` crates and writes their canonical form. Names and extras are
normalised (``Foo_Bar`` -> ``foo-bar``), version specifiers are sorted by version, and
markers are rebuilt from a decision diagram, which rewrites them completely:
``python_version < "3.8"`` becomes ``python_full_version < '3.8'``, terms are reordered by a
fixed variable order and disjunctions come out in a simplified disjunctive normal form. To
produce byte-identical METADATA we model the same thing here: markers become a small
reduced, ordered decision diagram (variables ordered as pep508_rs orders them, edges are
disjoint version or string ranges), which is then read back into DNF and simplified with
the same rules. The code is our own; the behaviour was checked against maturin 1.16.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import InvalidVersion, Version

from cratewright.errors import MetadataError

__all__ = [
    "canonical_requirement",
    "canonical_specifiers",
    "normalize_extra_name",
    "normalize_package_name",
]

# ---------------------------------------------------------------------------------------------
# Names


def _normalize_name(name: str) -> str | None:
    """Lowercase and collapse ``-_.`` runs to ``-``; None when the name is not a valid name."""
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name):
        return None
    return re.sub(r"[-_.]+", "-", name).lower()


def normalize_package_name(name: str) -> str:
    """Return the PEP 503 normalised package name (``Foo_Bar`` -> ``foo-bar``)."""
    normalized = _normalize_name(name)
    if normalized is None:
        raise MetadataError(f"Invalid package name: {name!r}")
    return normalized


def normalize_extra_name(name: str) -> str:
    """Return the PEP 685 normalised extra name; maturin rejects invalid ones."""
    normalized = _normalize_name(name)
    if normalized is None:
        raise MetadataError(f"invalid extra name: {name}")
    return normalized


# ---------------------------------------------------------------------------------------------
# Ranges over totally ordered values (versions or strings)

# A bound is (kind, value) with kind 0 = unbounded, 1 = included, 2 = excluded.
_UNB, _INC, _EXC = 0, 1, 2
Bound = tuple[int, Any]
Segment = tuple[Bound, Bound]
UNBOUNDED: Bound = (_UNB, None)


def _lower_lt(a: Bound, b: Bound) -> bool:
    """Order lower bounds: unbounded < [v < (v."""
    if a[0] == _UNB:
        return b[0] != _UNB
    if b[0] == _UNB:
        return False
    if a[1] == b[1]:
        return a[0] == _INC and b[0] == _EXC
    return bool(a[1] < b[1])


def _upper_lt(a: Bound, b: Bound) -> bool:
    """Order upper bounds: v) < v] < unbounded."""
    if b[0] == _UNB:
        return a[0] != _UNB
    if a[0] == _UNB:
        return False
    if a[1] == b[1]:
        return a[0] == _EXC and b[0] == _INC
    return bool(a[1] < b[1])


def _nonempty(lo: Bound, hi: Bound) -> bool:
    if lo[0] == _UNB or hi[0] == _UNB:
        return True
    if lo[1] == hi[1]:
        return lo[0] == _INC and hi[0] == _INC
    return bool(lo[1] < hi[1])


def _flip(bound: Bound) -> Bound:
    return (_EXC if bound[0] == _INC else _INC, bound[1])


@dataclass(frozen=True)
class Ranges:
    """A set of values as sorted, disjoint, non-touching segments (like pubgrub's Ranges)."""

    segments: tuple[Segment, ...]

    @staticmethod
    def full() -> Ranges:
        return Ranges(((UNBOUNDED, UNBOUNDED),))

    @staticmethod
    def empty() -> Ranges:
        return Ranges(())

    @staticmethod
    def between(lo: Bound, hi: Bound) -> Ranges:
        return Ranges(((lo, hi),)) if _nonempty(lo, hi) else Ranges(())

    @staticmethod
    def singleton(value: Any) -> Ranges:
        return Ranges((((_INC, value), (_INC, value)),))

    def is_empty(self) -> bool:
        return not self.segments

    def bounding(self) -> Segment:
        return (self.segments[0][0], self.segments[-1][1])

    def complement(self) -> Ranges:
        if not self.segments:
            return Ranges.full()
        out: list[Segment] = []
        first_lo = self.segments[0][0]
        if first_lo[0] != _UNB:
            out.append((UNBOUNDED, _flip(first_lo)))
        for (_, hi), (lo, _) in zip(self.segments, self.segments[1:], strict=False):
            out.append((_flip(hi), _flip(lo)))
        last_hi = self.segments[-1][1]
        if last_hi[0] != _UNB:
            out.append((_flip(last_hi), UNBOUNDED))
        return Ranges(tuple(out))

    def intersection(self, other: Ranges) -> Ranges:
        out: list[Segment] = []
        for lo1, hi1 in self.segments:
            for lo2, hi2 in other.segments:
                lo = lo2 if _lower_lt(lo1, lo2) else lo1
                hi = hi1 if _upper_lt(hi1, hi2) else hi2
                if _nonempty(lo, hi):
                    out.append((lo, hi))
        out.sort(key=_SegmentKey)
        return Ranges(tuple(out))

    def union(self, other: Ranges) -> Ranges:
        return self.complement().intersection(other.complement()).complement()


class _SegmentKey:
    """Sort key for disjoint segments by their lower bound."""

    __slots__ = ("lo",)

    def __init__(self, segment: Segment) -> None:
        self.lo = segment[0]

    def __lt__(self, other: _SegmentKey) -> bool:
        return _lower_lt(self.lo, other.lo)


def _touches(hi: Bound, lo: Bound) -> bool:
    """True when a segment ending at ``hi`` and one starting at ``lo`` join without a gap."""
    if hi[0] == _UNB or lo[0] == _UNB or hi[1] != lo[1]:
        return False
    return hi[0] != lo[0]


# ---------------------------------------------------------------------------------------------
# Decision diagram

_VERSION_KEYS = ("implementation_version", "python_full_version")
_STRING_KEYS = (
    "implementation_name",
    "os_name",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "sys_platform",
)


class _Terminal:
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "TRUE" if self.value else "FALSE"


TRUE = _Terminal(True)
FALSE = _Terminal(False)


class _Node:
    """An interned decision node: ``var`` plus either range edges or (high, low)."""

    __slots__ = ("boolean", "edges", "key", "var")

    def __init__(self, var: tuple[Any, ...], boolean: bool, edges: tuple[Any, ...]) -> None:
        self.var = var
        self.boolean = boolean
        self.edges = edges
        self.key = (var, boolean, tuple(_edge_key(e) for e in edges) if not boolean else edges)


NodeRef = _Node | _Terminal


def _edge_key(edge: tuple[Ranges, NodeRef]) -> tuple[Any, ...]:
    return (edge[0].segments, id(edge[1]))


class _Diagram:
    """Interner plus memoised AND/OR for one conversion; keeps node identity canonical."""

    def __init__(self) -> None:
        self._unique: dict[Any, _Node] = {}
        self._cache: dict[tuple[str, int, int], NodeRef] = {}

    def node(self, var: tuple[Any, ...], boolean: bool, edges: tuple[Any, ...]) -> NodeRef:
        children = edges if boolean else tuple(child for _, child in edges)
        if all(child is children[0] for child in children):
            return children[0]
        candidate = _Node(var, boolean, edges)
        return self._unique.setdefault(candidate.key, candidate)

    def ranges_node(self, var: tuple[Any, ...], true_range: Ranges) -> NodeRef:
        """Node for ``var in true_range``: TRUE/FALSE edges sorted by segment start."""
        edges = [(Ranges((seg,)), TRUE) for seg in true_range.segments]
        edges += [(Ranges((seg,)), FALSE) for seg in true_range.complement().segments]
        edges.sort(key=lambda edge: _SegmentKey(edge[0].segments[0]))
        return self.node(var, False, tuple(edges))

    def bool_node(self, var: tuple[Any, ...], value: bool) -> NodeRef:
        return self.node(var, True, (TRUE, FALSE) if value else (FALSE, TRUE))

    def apply(self, op: str, x: NodeRef, y: NodeRef) -> NodeRef:
        absorbing, neutral = (FALSE, TRUE) if op == "and" else (TRUE, FALSE)
        if x is absorbing or y is absorbing:
            return absorbing
        if x is neutral:
            return y
        if y is neutral or x is y:
            return x
        assert isinstance(x, _Node) and isinstance(y, _Node)
        memo = (op, id(x), id(y))
        if memo in self._cache:
            return self._cache[memo]
        result: NodeRef
        if x.var < y.var:
            result = self._map(x, lambda child: self.apply(op, child, y))
        elif y.var < x.var:
            result = self._map(y, lambda child: self.apply(op, child, x))
        elif x.boolean:
            high = self.apply(op, x.edges[0], y.edges[0])
            low = self.apply(op, x.edges[1], y.edges[1])
            result = self.node(x.var, True, (high, low))
        else:
            combined: list[tuple[Ranges, NodeRef]] = []
            for left_range, left_child in x.edges:
                for right_range, right_child in y.edges:
                    overlap = right_range.intersection(left_range)
                    if overlap.is_empty():
                        continue
                    child = self.apply(op, left_child, right_child)
                    if (
                        combined
                        and combined[-1][1] is child
                        and _touches(combined[-1][0].bounding()[1], overlap.bounding()[0])
                    ):
                        prev = combined[-1][0]
                        combined[-1] = (prev.union(overlap), child)
                    else:
                        combined.append((overlap, child))
            result = self.node(x.var, False, tuple(combined))
        self._cache[memo] = result
        return result

    def _map(self, node: _Node, f: Callable[[NodeRef], NodeRef]) -> NodeRef:
        if node.boolean:
            return self.node(node.var, True, (f(node.edges[0]), f(node.edges[1])))
        return self.node(node.var, False, tuple((rng, f(child)) for rng, child in node.edges))


# ---------------------------------------------------------------------------------------------
# Marker expressions: parsing, conversion to diagram nodes, DNF read-back and display

# A DNF term: ("ver", key, op, Version) | ("str", key, op, value) | ("extra", op, name).
Term = tuple[Any, ...]

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


class _MarkerParser:
    """Recursive descent over the (already packaging-validated) marker text."""

    def __init__(self, text: str, diagram: _Diagram) -> None:
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
    diagram: _Diagram, left: tuple[str, str], op: str, right: tuple[str, str]
) -> NodeRef | None:
    """Turn one ``lhs op rhs`` into a node; None for comparisons pep508_rs ignores."""
    if left[0] == "var" and right[0] == "str":
        key, value, inverted = _DEPRECATED_KEYS.get(left[1], left[1]), right[1][1:-1], False
    elif left[0] == "str" and right[0] == "var":
        key, value, inverted = _DEPRECATED_KEYS.get(right[1], right[1]), left[1][1:-1], True
    else:
        return None
    if key == "python_version" or key in _VERSION_KEYS:
        return _version_node(diagram, key, op, value, inverted)
    if key == "extra":
        if op not in ("==", "!="):
            return None
        name = _normalize_name(value)
        var = (4, 0, name) if name is not None else (4, 1, value)
        return diagram.bool_node(var, op == "==")
    if key not in _STRING_KEYS:
        return None
    key_index = _STRING_KEYS.index(key)
    if inverted:
        if op in ("in", "not in"):  # 'value' in key: a substring test on the key
            return diagram.bool_node((3, key_index, value), op == "in")
        op = _INVERT.get(op, op)
    if op in ("in", "not in"):
        return diagram.bool_node((2, key_index, value), op == "in")
    ranges = {
        "==": Ranges.singleton(value),
        "!=": Ranges.singleton(value).complement(),
        ">": Ranges.between((_EXC, value), UNBOUNDED),
        ">=": Ranges.between((_INC, value), UNBOUNDED),
        "<": Ranges.between(UNBOUNDED, (_EXC, value)),
        "<=": Ranges.between(UNBOUNDED, (_INC, value)),
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
        return Ranges.between((_INC, version), (_EXC, _bump(version.release[:-1])))
    if op in ("==*", "!=*"):
        star = Ranges.between((_INC, version), (_EXC, _bump(version.release)))
        return star if op == "==*" else star.complement()
    return {
        "<": Ranges.between(UNBOUNDED, (_EXC, version)),
        "<=": Ranges.between(UNBOUNDED, (_INC, version)),
        ">": Ranges.between((_EXC, version), UNBOUNDED),
        ">=": Ranges.between((_INC, version), UNBOUNDED),
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
    diagram: _Diagram, key: str, op: str, value: str, inverted: bool
) -> NodeRef | None:
    var = (0, _VERSION_KEYS.index("python_full_version" if key == "python_version" else key))
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


def _collect_edges(edges: tuple[tuple[Ranges, NodeRef], ...]) -> list[tuple[NodeRef, Ranges]]:
    """Group edges leading to the same subtree (first-seen order), uniting their ranges."""
    groups: dict[int, tuple[NodeRef, Ranges]] = {}
    for rng, child in edges:
        lo, hi = rng.bounding()
        piece = Ranges.between(lo, hi)
        if id(child) in groups:
            groups[id(child)] = (child, groups[id(child)][1].union(piece))
        else:
            groups[id(child)] = (child, piece)
    return list(groups.values())


def _range_inequality(rng: Ranges) -> list[Any] | None:
    """Values excluded from an otherwise full range (``!= a and != b``), or None."""
    if rng.is_empty() or rng.bounding() != (UNBOUNDED, UNBOUNDED):
        return None
    excluded = []
    for (_, hi), (lo, _) in zip(rng.segments, rng.segments[1:], strict=False):
        if hi[0] == _EXC and lo[0] == _EXC and hi[1] == lo[1]:
            excluded.append(hi[1])
        else:
            return None
    return excluded


def _star_inequality(rng: Ranges) -> Version | None:
    """``v`` when the range is ``< v or >= v+1`` on a two-part release (``!= 'v.*'``)."""
    if len(rng.segments) != 2:
        return None
    (lo1, hi1), (lo2, hi2) = rng.segments
    if lo1[0] != _UNB or hi1[0] != _EXC or lo2[0] != _INC or hi2[0] != _UNB:
        return None
    v1, v2 = hi1[1], lo2[1]
    if len(v1.release) == 2 and v2.release == (v1.release[0], v1.release[1] + 1):
        return v1
    return None


def _version_bound_terms(key: str, lo: Bound, hi: Bound) -> list[Term]:
    if lo[0] == _INC and hi[0] == _INC and lo[1] == hi[1]:
        return [("ver", key, "==", lo[1])]
    if (
        lo[0] == _INC
        and hi[0] == _EXC
        and len(lo[1].release) == 2
        and hi[1].release == (lo[1].release[0], lo[1].release[1] + 1)
    ):
        return [("ver", key, "==*", lo[1])]
    terms: list[Term] = []
    if lo[0] != _UNB:
        terms.append(("ver", key, ">=" if lo[0] == _INC else ">", lo[1]))
    if hi[0] != _UNB:
        terms.append(("ver", key, "<=" if hi[0] == _INC else "<", hi[1]))
    return terms


def _string_bound_terms(key: str, lo: Bound, hi: Bound) -> list[Term]:
    if lo[0] == _INC and hi[0] == _INC and lo[1] == hi[1]:
        return [("str", key, "==", lo[1])]
    if lo[0] == _EXC and hi[0] == _EXC and lo[1] == hi[1]:
        return [("str", key, "!=", lo[1])]
    terms: list[Term] = []
    if lo[0] != _UNB:
        terms.append(("str", key, ">=" if lo[0] == _INC else ">", lo[1]))
    if hi[0] != _UNB:
        terms.append(("str", key, "<=" if hi[0] == _INC else "<", hi[1]))
    return terms


def _collect_dnf(node: NodeRef, dnf: list[list[Term]], path: list[Term]) -> None:
    """Depth-first walk recording every path to TRUE as a conjunction."""
    if node is FALSE:
        return
    if node is TRUE:
        if path:
            dnf.append(list(path))
        return
    assert isinstance(node, _Node)
    kind = node.var[0]
    if node.boolean:
        for value, child in ((True, node.edges[0]), (False, node.edges[1])):
            if kind == 4:
                term: Term = ("extra", "==" if value else "!=", node.var[2])
            else:
                key = _STRING_KEYS[node.var[1]]
                if kind == 2:
                    term = ("str", key, "in" if value else "not in", node.var[2])
                else:
                    term = ("str", key, "contains" if value else "not contains", node.var[2])
            _collect_dnf(child, dnf, [*path, term])
        return
    is_version = kind == 0
    key = (_VERSION_KEYS if is_version else _STRING_KEYS)[node.var[1]]
    prefix = "ver" if is_version else "str"
    for child, rng in _collect_edges(node.edges):
        excluded = _range_inequality(rng)
        if excluded is not None:
            _collect_dnf(child, dnf, path + [(prefix, key, "!=", v) for v in excluded])
            continue
        if is_version:
            star = _star_inequality(rng)
            if star is not None:
                _collect_dnf(child, dnf, [*path, ("ver", key, "!=*", star)])
                continue
        for lo, hi in rng.segments:
            terms = (_version_bound_terms if is_version else _string_bound_terms)(key, lo, hi)
            _collect_dnf(child, dnf, path + terms)


_NEGATE = {
    "==": "!=",
    "!=": "==",
    "===": "!=",
    "==*": "!=*",
    "!=*": "==*",
    "<": ">=",
    ">=": "<",
    "<=": ">",
    ">": "<=",
    "in": "not in",
    "not in": "in",
    "contains": "not contains",
    "not contains": "contains",
}


def _is_negation(left: Term, right: Term) -> bool:
    if left[0] != right[0]:
        return False
    if left[0] == "extra":
        return left[2] == right[2] and _NEGATE[left[1]] == right[1]
    return left[1] == right[1] and left[3] == right[3] and _NEGATE.get(left[2]) == right[2]


def _term_covered(term: Term, skipped: Term, clause: list[Term], redundant: list[int]) -> bool:
    """Whether ``term`` of another clause holds wherever ``clause`` minus ``skipped`` holds."""
    if term == skipped:
        return False
    if _is_negation(term, skipped):
        return True
    index = next((k for k, x in enumerate(clause) if x == term), None)
    return index is not None and index not in redundant


def _simplify(dnf: list[list[Term]]) -> None:
    """Drop redundant terms and then redundant clauses, in place (pep508_rs' rules).

    A term is redundant when another clause is a subset of this clause with the term
    negated (``A or (not A and B)`` -> ``A or B``); a clause is redundant when another
    clause is a subset of it. Clauses are visited in order and edited in place, so later
    clauses see earlier simplifications, exactly like the Rust implementation.
    """
    for i in range(len(dnf)):
        clause = dnf[i]
        redundant: list[int] = []
        for skipped, skipped_term in enumerate(clause):
            for j, other in enumerate(dnf):
                if i != j and all(
                    _term_covered(term, skipped_term, clause, redundant) for term in other
                ):
                    redundant.append(skipped)
                    break
        for index in sorted(redundant, reverse=True):
            del dnf[i][index]
    redundant_clauses: list[int] = []
    for i in range(len(dnf)):
        for j, other in enumerate(dnf):
            if i == j or j in redundant_clauses:
                continue
            if all(term in dnf[i] for term in other):
                redundant_clauses.append(i)
                break
    for i in reversed(redundant_clauses):
        del dnf[i]


def _format_term(term: Term) -> str:
    if term[0] == "extra":
        return f"extra {term[1]} '{term[2]}'"
    _, key, op, value = term
    if term[0] == "ver" and op in ("==*", "!=*"):
        return f"{key} {op[:-1]} '{value}.*'"
    if op in ("contains", "not contains"):
        return f"'{value}' {'in' if op == 'contains' else 'not in'} {key}"
    return f"{key} {op} '{value}'"


def _format_marker(node: NodeRef) -> str | None:
    """Render a diagram as pep508_rs does; None for an always-true marker."""
    if node is TRUE:
        return None
    if node is FALSE:
        return "python_version < '0'"
    dnf: list[list[Term]] = []
    _collect_dnf(node, dnf, [])
    _simplify(dnf)

    def conj(clause: list[Term]) -> str:
        return " and ".join(_format_term(term) for term in clause)

    if len(dnf) == 1:
        return conj(dnf[0])
    return " or ".join(conj(c) if len(c) == 1 else f"({conj(c)})" for c in dnf)


# ---------------------------------------------------------------------------------------------
# Requirements and specifiers

_REQUIREMENT = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*
        (?:\[(?P<extras>[^\]]*)\])?\s*
        (?:@\s*(?P<url>\S+)\s*|(?P<spec>\(?[^;]*?\)?))?\s*
        (?:;(?P<marker>.*))?$""",
    re.VERBOSE | re.DOTALL,
)


def _specifier_parts(text: str) -> list[tuple[str, Version, bool]]:
    """Parse a comma-separated specifier list into (operator, version, is_star)."""
    parts = []
    for raw in text.strip().strip("()").split(","):
        raw = raw.strip()
        if not raw:
            continue
        try:
            spec = Specifier(raw)
            star = spec.version.endswith(".*")
            version = Version(spec.version[:-2] if star else spec.version)
        except (InvalidSpecifier, InvalidVersion):
            raise MetadataError(f"Invalid version specifier: {raw!r}") from None
        parts.append((spec.operator, version, star))
    return parts


def _format_specifiers(parts: list[tuple[str, Version, bool]], sep: str) -> str:
    ordered = sorted(parts, key=lambda part: part[1])  # stable, like pep440_rs
    return sep.join(f"{op}{version}{'.*' if star else ''}" for op, version, star in ordered)


def canonical_specifiers(text: str) -> str:
    """Spell a specifier set (``requires-python``) as pep440_rs does: sorted, ``", "``-joined."""
    return _format_specifiers(_specifier_parts(text), ", ")


def canonical_requirement(text: str, *, extra: str | None = None) -> str:
    """Return the ``Requires-Dist`` value maturin writes for a PEP 508 requirement.

    Args:
        text: The requirement as written in pyproject.toml.
        extra: The optional-dependencies group it belongs to; ``extra == '<name>'`` is
            and-ed into its marker, as maturin does.

    Raises:
        MetadataError: The requirement or extra name is not valid.
    """
    try:
        Requirement(text)
    except InvalidRequirement as exc:
        raise MetadataError(f"Invalid dependency {text!r}: {exc}") from None
    match = _REQUIREMENT.match(text)
    if match is None:  # packaging accepted it, so this is a gap in our grammar
        raise MetadataError(f"Unsupported dependency specification: {text!r}")
    out = normalize_package_name(match["name"])
    if match["extras"] is not None:
        extras = [e.strip() for e in match["extras"].split(",") if e.strip()]
        if extras:
            out += "[" + ",".join(normalize_extra_name(e) for e in extras) + "]"
    if match["url"]:
        out += f" @ {match['url']}"
    elif match["spec"]:
        out += _format_specifiers(_specifier_parts(match["spec"]), ",")
    diagram = _Diagram()
    tree: NodeRef | None = None
    if match["marker"] is not None and match["marker"].strip():
        tree = _MarkerParser(match["marker"], diagram).parse()
    if extra is not None:
        extra_node = diagram.bool_node((4, 0, normalize_extra_name(extra)), True)
        tree = extra_node if tree is None else diagram.apply("and", tree, extra_node)
    marker = _format_marker(tree) if tree is not None else None
    if marker is not None:
        out += f" ; {marker}"
    return out

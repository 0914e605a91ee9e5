"""A reduced, ordered decision diagram over marker variables, as pep508_rs builds one.

Variables are ordered as pep508_rs orders them; edges are disjoint version or string ranges
(:class:`Ranges`), so equal markers share one node and ``and``/``or`` are graph operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cratewright.errors import MetadataError

# ---------------------------------------------------------------------------------------------
# Ranges over totally ordered values (versions or strings)

# A bound is (kind, value) with kind 0 = unbounded, 1 = included, 2 = excluded.
NO_BOUND, INCLUDED, EXCLUDED = 0, 1, 2
Bound = tuple[int, Any]
Segment = tuple[Bound, Bound]
UNBOUNDED: Bound = (NO_BOUND, None)


def _lower_lt(a: Bound, b: Bound) -> bool:
    """Order lower bounds: unbounded < [v < (v."""
    if a[0] == NO_BOUND:
        return b[0] != NO_BOUND
    if b[0] == NO_BOUND:
        return False
    if a[1] == b[1]:
        return a[0] == INCLUDED and b[0] == EXCLUDED
    return bool(a[1] < b[1])


def _upper_lt(a: Bound, b: Bound) -> bool:
    """Order upper bounds: v) < v] < unbounded."""
    if b[0] == NO_BOUND:
        return a[0] != NO_BOUND
    if a[0] == NO_BOUND:
        return False
    if a[1] == b[1]:
        return a[0] == EXCLUDED and b[0] == INCLUDED
    return bool(a[1] < b[1])


def _nonempty(lo: Bound, hi: Bound) -> bool:
    if lo[0] == NO_BOUND or hi[0] == NO_BOUND:
        return True
    if lo[1] == hi[1]:
        return lo[0] == INCLUDED and hi[0] == INCLUDED
    return bool(lo[1] < hi[1])


def _flip(bound: Bound) -> Bound:
    return (EXCLUDED if bound[0] == INCLUDED else INCLUDED, bound[1])


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
        return Ranges((((INCLUDED, value), (INCLUDED, value)),))

    def is_empty(self) -> bool:
        return not self.segments

    def bounding(self) -> Segment:
        return (self.segments[0][0], self.segments[-1][1])

    def complement(self) -> Ranges:
        if not self.segments:
            return Ranges.full()
        out: list[Segment] = []
        first_lo = self.segments[0][0]
        if first_lo[0] != NO_BOUND:
            out.append((UNBOUNDED, _flip(first_lo)))
        for (_, hi), (lo, _) in zip(self.segments, self.segments[1:], strict=False):
            out.append((_flip(hi), _flip(lo)))
        last_hi = self.segments[-1][1]
        if last_hi[0] != NO_BOUND:
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
    if hi[0] == NO_BOUND or lo[0] == NO_BOUND or hi[1] != lo[1]:
        return False
    return hi[0] != lo[0]


# ---------------------------------------------------------------------------------------------
# Decision diagram

VERSION_KEYS = ("implementation_version", "python_full_version")
STRING_KEYS = (
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


class Node:
    """An interned decision node: ``var`` plus either range edges or (high, low)."""

    __slots__ = ("boolean", "edges", "key", "var")

    def __init__(self, var: tuple[Any, ...], boolean: bool, edges: tuple[Any, ...]) -> None:
        self.var = var
        self.boolean = boolean
        self.edges = edges
        self.key = (var, boolean, tuple(_edge_key(e) for e in edges) if not boolean else edges)


NodeRef = Node | _Terminal


def _edge_key(edge: tuple[Ranges, NodeRef]) -> tuple[Any, ...]:
    return (edge[0].segments, id(edge[1]))


#: A marker's decision diagram is exponential in the worst case (``(a1 or b1) and (a2 or
#: b2) ...`` orders every ``a`` before every ``b``); building stops with an error here.
MAX_DIAGRAM_NODES = 20_000


class Diagram:
    """Interner plus memoised AND/OR for one conversion; keeps node identity canonical."""

    def __init__(self) -> None:
        self._unique: dict[Any, Node] = {}
        self._cache: dict[tuple[str, int, int], NodeRef] = {}

    def node(self, var: tuple[Any, ...], boolean: bool, edges: tuple[Any, ...]) -> NodeRef:
        children = edges if boolean else tuple(child for _, child in edges)
        if all(child is children[0] for child in children):
            return children[0]
        candidate = Node(var, boolean, edges)
        interned = self._unique.setdefault(candidate.key, candidate)
        if len(self._unique) > MAX_DIAGRAM_NODES:
            raise MetadataError(
                f"the marker is too complex to normalise (more than {MAX_DIAGRAM_NODES} "
                "decision nodes, which grows exponentially with and-ed or-groups)",
                hint="simplify the marker, e.g. split the requirement or use fewer and/or groups",
            )
        return interned

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
        assert isinstance(x, Node) and isinstance(y, Node)
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

    def _map(self, node: Node, f: Callable[[NodeRef], NodeRef]) -> NodeRef:
        if node.boolean:
            return self.node(node.var, True, (f(node.edges[0]), f(node.edges[1])))
        return self.node(node.var, False, tuple((rng, f(child)) for rng, child in node.edges))

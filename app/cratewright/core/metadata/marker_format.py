"""Decision diagram -> marker text, read back into DNF and simplified as pep508_rs does."""

from __future__ import annotations

from typing import Any

from packaging.version import Version

from cratewright.core.metadata.marker_diagram import (
    EXCLUDED,
    FALSE,
    INCLUDED,
    NO_BOUND,
    STRING_KEYS,
    TRUE,
    UNBOUNDED,
    VERSION_KEYS,
    Bound,
    Node,
    NodeRef,
    Ranges,
)
from cratewright.errors import MetadataError

# A DNF term: ("ver", key, op, Version) | ("str", key, op, value) | ("extra", op, name).
Term = tuple[Any, ...]


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
        if hi[0] == EXCLUDED and lo[0] == EXCLUDED and hi[1] == lo[1]:
            excluded.append(hi[1])
        else:
            return None
    return excluded


def _star_inequality(rng: Ranges) -> Version | None:
    """``v`` when the range is ``< v or >= v+1`` on a two-part release (``!= 'v.*'``)."""
    if len(rng.segments) != 2:
        return None
    (lo1, hi1), (lo2, hi2) = rng.segments
    if lo1[0] != NO_BOUND or hi1[0] != EXCLUDED or lo2[0] != INCLUDED or hi2[0] != NO_BOUND:
        return None
    v1, v2 = hi1[1], lo2[1]
    if len(v1.release) == 2 and v2.release == (v1.release[0], v1.release[1] + 1):
        return v1
    return None


def _version_bound_terms(key: str, lo: Bound, hi: Bound) -> list[Term]:
    if lo[0] == INCLUDED and hi[0] == INCLUDED and lo[1] == hi[1]:
        return [("ver", key, "==", lo[1])]
    if (
        lo[0] == INCLUDED
        and hi[0] == EXCLUDED
        and len(lo[1].release) == 2
        and hi[1].release == (lo[1].release[0], lo[1].release[1] + 1)
    ):
        return [("ver", key, "==*", lo[1])]
    terms: list[Term] = []
    if lo[0] != NO_BOUND:
        terms.append(("ver", key, ">=" if lo[0] == INCLUDED else ">", lo[1]))
    if hi[0] != NO_BOUND:
        terms.append(("ver", key, "<=" if hi[0] == INCLUDED else "<", hi[1]))
    return terms


def _string_bound_terms(key: str, lo: Bound, hi: Bound) -> list[Term]:
    if lo[0] == INCLUDED and hi[0] == INCLUDED and lo[1] == hi[1]:
        return [("str", key, "==", lo[1])]
    if lo[0] == EXCLUDED and hi[0] == EXCLUDED and lo[1] == hi[1]:
        return [("str", key, "!=", lo[1])]
    terms: list[Term] = []
    if lo[0] != NO_BOUND:
        terms.append(("str", key, ">=" if lo[0] == INCLUDED else ">", lo[1]))
    if hi[0] != NO_BOUND:
        terms.append(("str", key, "<=" if hi[0] == INCLUDED else "<", hi[1]))
    return terms


def _collect_dnf(node: NodeRef, dnf: list[list[Term]], path: list[Term]) -> None:
    """Depth-first walk recording every path to TRUE as a conjunction."""
    if node is FALSE:
        return
    if node is TRUE:
        if path:
            dnf.append(list(path))
        return
    assert isinstance(node, Node)
    kind = node.var[0]
    if node.boolean:
        for value, child in ((True, node.edges[0]), (False, node.edges[1])):
            if kind == 4:
                term: Term = ("extra", "==" if value else "!=", node.var[2])
            else:
                key = STRING_KEYS[node.var[1]]
                if kind == 2:
                    term = ("str", key, "in" if value else "not in", node.var[2])
                else:
                    term = ("str", key, "contains" if value else "not contains", node.var[2])
            _collect_dnf(child, dnf, [*path, term])
        return
    is_version = kind == 0
    key = (VERSION_KEYS if is_version else STRING_KEYS)[node.var[1]]
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

    The subset tests use sets (one set difference per pair of clauses), which keeps this at
    O(clauses² × terms) with C-speed inner loops; :data:`MAX_DNF_CLAUSES` bounds the rest.
    """
    for i in range(len(dnf)):
        clause = dnf[i]
        first_index: dict[Term, int] = {}
        for k, term in enumerate(clause):
            first_index.setdefault(term, k)
        redundant: list[int] = []
        others = [frozenset(other) for j, other in enumerate(dnf) if j != i]
        for skipped, skipped_term in enumerate(clause):
            active = {t for t, k in first_index.items() if k not in redundant}
            for other in others:
                # Every term of `other` is either in this clause (and not yet dropped) or the
                # negation of the skipped term; the skipped term itself disqualifies it.
                if skipped_term in other:
                    continue
                if all(_is_negation(term, skipped_term) for term in other - active):
                    redundant.append(skipped)
                    break
        for index in sorted(redundant, reverse=True):
            del dnf[i][index]
    sets = [frozenset(c) for c in dnf]
    redundant_clauses: list[int] = []
    for i in range(len(dnf)):
        for j in range(len(dnf)):
            if i == j or j in redundant_clauses:
                continue
            if sets[j] <= sets[i]:
                redundant_clauses.append(i)
                break
    for i in reversed(redundant_clauses):
        del dnf[i]


def _dnf_size(node: NodeRef, memo: dict[int, int]) -> int:
    """How many clauses :func:`_collect_dnf` would produce, counted without producing them.

    A diagram stays small for markers whose DNF is exponential (``(a1 or b1) and ... and
    (a10 or b10)`` has 1024 clauses): counting paths with a memo is linear in the diagram.
    """
    if node is FALSE:
        return 0
    if node is TRUE:
        return 1
    assert isinstance(node, Node)
    known = memo.get(id(node))
    if known is not None:
        return known
    if node.boolean:
        total = _dnf_size(node.edges[0], memo) + _dnf_size(node.edges[1], memo)
    else:
        total = 0
        for child, rng in _collect_edges(node.edges):
            ways = 1 if _range_inequality(rng) is not None else len(rng.segments)
            if node.var[0] == 0 and _star_inequality(rng) is not None:
                ways = 1
            total += ways * _dnf_size(child, memo)
    memo[id(node)] = total
    return total


def _format_term(term: Term) -> str:
    if term[0] == "extra":
        return f"extra {term[1]} '{term[2]}'"
    _, key, op, value = term
    if term[0] == "ver" and op in ("==*", "!=*"):
        return f"{key} {op[:-1]} '{value}.*'"
    if op in ("contains", "not contains"):
        return f"'{value}' {'in' if op == 'contains' else 'not in'} {key}"
    return f"{key} {op} '{value}'"


#: Normalising a marker lists every way it can be true (its disjunctive normal form), which
#: grows exponentially with and-ed or-groups; beyond this many clauses it is refused.
MAX_DNF_CLAUSES = 128


def format_marker(node: NodeRef) -> str | None:
    """Render a diagram as pep508_rs does; None for an always-true marker."""
    if node is TRUE:
        return None
    if node is FALSE:
        return "python_version < '0'"
    size = _dnf_size(node, {})
    if size > MAX_DNF_CLAUSES:
        raise MetadataError(
            f"the marker expands to {size} alternatives when it is normalised (as maturin "
            f"writes it into METADATA); at most {MAX_DNF_CLAUSES} are supported",
            hint="simplify the marker, e.g. split the requirement or use fewer and/or groups",
        )
    dnf: list[list[Term]] = []
    _collect_dnf(node, dnf, [])
    _simplify(dnf)

    def conj(clause: list[Term]) -> str:
        return " and ".join(_format_term(term) for term in clause)

    if len(dnf) == 1:
        return conj(dnf[0])
    return " or ".join(conj(c) if len(c) == 1 else f"({conj(c)})" for c in dnf)

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
from typing import TYPE_CHECKING

from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import InvalidVersion, Version

from cratewright.core.metadata.names import (
    normalize_extra_name,
    normalize_package_name,
)
from cratewright.errors import MetadataError

if TYPE_CHECKING:
    from cratewright.core.metadata.marker_diagram import NodeRef

# packaging.requirements (its tokenizer's regexes, markers, packaging.tags) and the marker
# diagram are imported by canonical_requirement: opening a project without dependencies
# (the app's start-up) needs only the specifiers for requires-python.

__all__ = [
    "canonical_requirement",
    "canonical_specifiers",
]

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


def _shown(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:57]}..."


def canonical_requirement(text: str, *, extra: str | None = None) -> str:
    """Return the ``Requires-Dist`` value maturin writes for a PEP 508 requirement.

    Args:
        text: The requirement as written in pyproject.toml.
        extra: The optional-dependencies group it belongs to; ``extra == '<name>'`` is
            and-ed into its marker, as maturin does.

    Raises:
        MetadataError: The requirement or extra name is not valid.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    from cratewright.core.metadata.marker_diagram import Diagram
    from cratewright.core.metadata.marker_format import format_marker
    from cratewright.core.metadata.marker_parse import MarkerParser

    try:
        Requirement(text)
    except InvalidRequirement as exc:
        reason = str(exc) if len(str(exc)) <= 300 else str(exc).splitlines()[0][:300]
        raise MetadataError(f"Invalid dependency {_shown(text)!r}: {reason}") from None
    except RecursionError:
        raise MetadataError(f"Invalid dependency {_shown(text)!r}: nested too deeply") from None
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
    diagram = Diagram()
    tree: NodeRef | None = None
    try:  # both steps are bounded and raise MetadataError past the bound
        if match["marker"] is not None and match["marker"].strip():
            tree = MarkerParser(match["marker"], diagram).parse()
        if extra is not None:
            extra_node = diagram.bool_node((4, 0, normalize_extra_name(extra)), True)
            tree = extra_node if tree is None else diagram.apply("and", tree, extra_node)
        marker = format_marker(tree) if tree is not None else None
    except MetadataError as exc:
        raise MetadataError(f"Dependency {_shown(text)!r}: {exc.message}", hint=exc.hint) from None
    if marker is not None:
        out += f" ; {marker}"
    return out

"""Wheel tags: expanding a compressed tag set and compressing one back, in maturin's order."""

from __future__ import annotations

from collections.abc import Sequence

from cratewright.errors import BuildError

__all__ = ["compress_tags", "expand_tag", "unique_in_order"]


def _split_tag(tag: str) -> tuple[list[str], list[str], list[str]]:
    """Split a (possibly compressed) tag into its python, abi and platform component lists."""
    parts = tag.split("-")
    if len(parts) != 3 or not all(parts):
        raise BuildError(f"Invalid wheel tag {tag!r}: expected <python>-<abi>-<platform>")
    split = [part.split(".") for part in parts]
    if not all(all(piece) for piece in split):
        raise BuildError(f"Invalid wheel tag {tag!r}: empty component between dots")
    return split[0], split[1], split[2]


def expand_tag(tag: str) -> list[str]:
    """Expand a compressed tag into single tags, python outermost and platform innermost.

    This is the cartesian-product order maturin uses for its ``Tag:`` lines, e.g.
    ``py2.py3-none-any`` gives ``py2-none-any`` then ``py3-none-any``.

    Raises:
        BuildError: the tag is not ``<python>-<abi>-<platform>``.
    """
    pythons, abis, platforms = _split_tag(tag)
    return [f"{p}-{a}-{pl}" for p in pythons for a in abis for pl in platforms]


def unique_in_order(items: Sequence[str]) -> list[str]:
    """Deduplicate, keeping the first occurrence (so maturin's component order survives)."""
    return list(dict.fromkeys(items))


def compress_tags(tags: Sequence[str]) -> str:
    """Combine tags into the single compressed tag used in a wheel file name (PEP 425).

    Components keep their first-seen order rather than being sorted, so one compressed tag
    such as ``manylinux_2_17_x86_64.manylinux2014_x86_64`` comes back exactly as given.

    Raises:
        BuildError: no tags, a malformed tag, or a set of tags that is not a cartesian product
            and so cannot be written as one file name.
    """
    if not tags:
        raise BuildError("A wheel needs at least one tag")
    if len(tags) == 1:
        _split_tag(tags[0])
        return tags[0]
    expanded = unique_in_order([single for tag in tags for single in expand_tag(tag)])
    triples = [single.split("-") for single in expanded]
    pythons, abis, platforms = (unique_in_order([t[i] for t in triples]) for i in range(3))
    if len(pythons) * len(abis) * len(platforms) != len(expanded):
        raise BuildError(
            f"Wheel tags {', '.join(tags)} cannot be combined into one wheel file name"
        )
    return "-".join(".".join(part) for part in (pythons, abis, platforms))

"""``--compatibility`` values as maturin parses them, and its warnings about them.

Parsing only: which policies the decision may choose from is decided in ``verdict``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cratewright.errors import ConfigError

__all__ = [
    "CompatibilityRequest",
    "compatibility_warnings",
    "parse_compatibility",
    "parse_compatibility_value",
]


_NUMBER = re.compile(r"^[0-9]{1,5}$")


@dataclass(frozen=True)
class CompatibilityRequest:
    """Parsed ``--compatibility`` / ``[tool.maturin] compatibility`` values.

    Attributes:
        tags: Canonical tag names (``manylinux_2_17``, ``musllinux_1_2``, ``linux``), sorted
            the way maturin sorts them (manylinux by version, then musllinux, then linux).
        pypi: ``pypi`` was given: the wheel file name must be one PyPI accepts.
    """

    tags: tuple[str, ...]
    pypi: bool


def _tag_sort_key(tag: str) -> tuple[int, int, int]:
    if tag == "linux":
        return (2, 0, 0)
    family, major, minor = tag.rsplit("_", 2)
    return (0 if family == "manylinux" else 1, int(major), int(minor))


def _two_numbers(rest: str, value: str, family: str) -> tuple[int, int]:
    parts = rest.split("_")
    if len(parts) < 2 or not _NUMBER.match(parts[0]) or not _NUMBER.match(parts[1]):
        raise _invalid(value, family)
    major, minor = int(parts[0]), int(parts[1])
    if major > 0xFFFF or minor > 0xFFFF:
        raise _invalid(value, family)
    return major, minor


def _invalid(value: str, family: str) -> ConfigError:
    return ConfigError(
        f"invalid value '{value}' for '--compatibility': invalid {family} option",
        hint="use e.g. manylinux_2_17 (or 2014), 2_28, musllinux_1_2, linux or pypi",
    )


def parse_compatibility_value(value: str) -> str:
    """Canonical form of one compatibility value, or ``"pypi"``.

    Accepts what maturin accepts: ``manylinux_2_X`` / ``2_X``, ``manylinux1`` / ``1``,
    ``manylinux2010`` / ``2010``, ``manylinux2014`` / ``2014``, ``musllinux_1_X``, ``linux`` /
    ``off`` and ``pypi``, case-insensitively. Whether a policy for the version exists is only
    checked when auditing (as maturin does), so ``--auditwheel skip`` can still use it.

    Raises:
        ConfigError: The value is not a platform tag (maturin's "invalid manylinux option").
    """
    lowered = value.strip().lower()
    fixed = {
        "pypi": "pypi",
        "off": "linux",
        "linux": "linux",
        "1": "manylinux_2_5",
        "manylinux1": "manylinux_2_5",
        "2010": "manylinux_2_12",
        "manylinux2010": "manylinux_2_12",
        "2014": "manylinux_2_17",
        "manylinux2014": "manylinux_2_17",
    }
    if lowered in fixed:
        return fixed[lowered]
    if lowered.startswith("musllinux_"):
        major, minor = _two_numbers(lowered.removeprefix("musllinux_"), value, "musllinux")
        return f"musllinux_{major}_{minor}"
    major, minor = _two_numbers(lowered.removeprefix("manylinux_"), value, "manylinux")
    return f"manylinux_{major}_{minor}"


def parse_compatibility(values: Sequence[str] | None) -> CompatibilityRequest:
    """Parse all compatibility values at once.

    Raises:
        ConfigError: A value is invalid, or ``linux`` is mixed with portable tags.
    """
    parsed = [parse_compatibility_value(v) for v in values or ()]
    tags = sorted({t for t in parsed if t != "pypi"}, key=_tag_sort_key)
    if len(tags) > 1 and "linux" in tags:
        raise ConfigError("Cannot mix linux and manylinux/musllinux platform tags")
    return CompatibilityRequest(tags=tuple(tags), pypi="pypi" in parsed)


def compatibility_warnings(
    tags: Iterable[str], *, target_triple: str, musl_target: bool
) -> list[str]:
    """maturin's warnings about requested tags, printed once when options are resolved."""
    warnings = []
    for tag in tags:
        if tag.startswith("manylinux_") and _tag_sort_key(tag)[1:] < (2, 17):
            warnings.append(f"⚠️  Warning: {tag} is unsupported by the Rust compiler.")
        elif tag.startswith("musllinux_") and not musl_target:
            warnings.append(f"⚠️  Warning: {target_triple} is not compatible with {tag}.")
    return warnings

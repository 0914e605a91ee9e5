"""maturin's conditional ``[tool.maturin] features``: which ones a target interpreter enables.

An entry like ``{ feature = "pyo3/abi3-py311", python-version = ">=3.11" }`` is enabled only
when the interpreter a wheel is compiled for matches every condition given. maturin evaluates
them in two places, and cratewright does the same so both tools build the same wheels:

* after interpreter resolution, the union over *all* target interpreters decides the binding
  (so abi3 is detected from features that only some interpreters enable), and
* for each compile, the one interpreter that compile targets decides the cargo features.

Builds compiled without a target interpreter (cffi, uniffi, plain binaries) enable none, and
``-F/--features`` on the command line replaces the pyproject list, conditional entries included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from cratewright.errors import ConfigError

if TYPE_CHECKING:  # maturin_config imports this module; keep its import light
    from cratewright.core.interpreters import InterpreterInfo

__all__ = [
    "features_for_interpreter",
    "resolve_conditional_features",
    "union_for_interpreters",
    "validate_conditional_feature",
    "with_features",
]

_KEYS = ("feature", "python-version", "python-implementation")


def validate_conditional_feature(item: Mapping[str, object]) -> dict[str, str]:
    """Check one ``{feature, python-version, python-implementation}`` table.

    maturin parses ``python-version`` as PEP 440 specifiers when it reads pyproject.toml, so a
    typo fails the build up front instead of silently never matching. Other keys are ignored,
    as serde does for this untagged table.

    Args:
        item: The table as read from TOML.

    Returns:
        Only the known keys, all strings.

    Raises:
        ConfigError: A key has the wrong type or the specifier does not parse.
    """
    clean: dict[str, str] = {}
    for key in _KEYS:
        value = item.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigError(f"[tool.maturin] features.{key} must be a string, not {value!r}")
        clean[key] = value
    if "feature" not in clean:
        raise ConfigError(f"[tool.maturin] features entry {dict(item)!r} has no feature")
    spec = clean.get("python-version")
    if spec is not None:
        try:
            SpecifierSet(spec)
        except InvalidSpecifier:
            raise ConfigError(
                f"[tool.maturin] features: python-version = {spec!r} is not a valid "
                'PEP 440 version specifier (e.g. ">=3.11")'
            ) from None
    return clean


def resolve_conditional_features(
    conditional: Sequence[Mapping[str, str]], version: tuple[int, int], implementation: str
) -> tuple[str, ...]:
    """The features of ``conditional`` whose conditions all hold for one interpreter.

    The version tested is ``major.minor`` only (as in maturin), so ``">3.11"`` does not match
    3.11.7 while ``"==3.11.*"`` does; the implementation (``sys.implementation.name``) is
    compared without regard to case. Order follows the pyproject list; repeats are dropped.

    Args:
        conditional: Validated ``{feature, python-version?, python-implementation?}`` tables.
        version: The interpreter's ``(major, minor)``.
        implementation: Its ``sys.implementation.name``, e.g. "cpython" or "pypy".
    """
    python = Version(f"{version[0]}.{version[1]}")
    enabled: list[str] = []
    for entry in conditional:
        spec = entry.get("python-version")
        if spec is not None and not SpecifierSet(spec).contains(python, prereleases=True):
            continue
        wanted = entry.get("python-implementation")
        if wanted is not None and wanted.lower() != implementation.lower():
            continue
        if entry["feature"] not in enabled:
            enabled.append(entry["feature"])
    return tuple(enabled)


def features_for_interpreter(
    conditional: Sequence[Mapping[str, str]], interpreter: InterpreterInfo | None
) -> tuple[str, ...]:
    """The features one compile enables; none when it has no target interpreter."""
    if interpreter is None:
        return ()
    return resolve_conditional_features(
        conditional, interpreter.version, interpreter.implementation_name
    )


def union_for_interpreters(
    conditional: Sequence[Mapping[str, str]], interpreters: Iterable[InterpreterInfo]
) -> tuple[str, ...]:
    """Every feature that at least one of ``interpreters`` enables, in first-seen order.

    This is what the binding (abi3 or not, and its minimum) is decided from: the wheel split
    then sends interpreters below the abi3 minimum to version-specific wheels.
    """
    union: list[str] = []
    for interpreter in interpreters:
        for feature in features_for_interpreter(conditional, interpreter):
            if feature not in union:
                union.append(feature)
    return tuple(union)


def with_features(flags: Sequence[str], extra: Sequence[str]) -> tuple[str, ...]:
    """``flags`` with ``extra`` added to its ``--features`` list (or a new one), no repeats.

    Cargo flags carry at most one ``--features`` (see ``build_plan._cargo_flags``); merging
    into it keeps the command line short and readable in logs.
    """
    args = list(flags)
    if "--features" in args:
        at = args.index("--features") + 1
        current = [f for f in args[at].split(",") if f]
        args[at] = ",".join(current + [f for f in dict.fromkeys(extra) if f not in current])
        return tuple(args)
    if not extra:
        return tuple(args)
    return ("--features", ",".join(dict.fromkeys(extra)), *args)

"""The shape of every key we read from Cargo.toml and pyproject.toml, checked in one place.

Each file is checked once, right after it is parsed and before any value is used, so the
code that reads ``[project]``, ``[tool.maturin]`` or Cargo's ``[package]`` can rely on the
types (a list of strings is a list of strings) instead of scattering ``isinstance`` checks.
A mismatch names the full key path, what was expected and what was found::

    tool.maturin.include[0].format: expected "sdist" or "wheel" or a list of them, got [["wheel"]]

Only keys we read are described; tables stay open (unknown keys are maturin's / cargo's
business, and warned about elsewhere). Value rules (a known binding, a valid version) are
not shapes and stay with the code that knows them.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright.errors import ConfigError, MetadataError, ProjectError

__all__ = [
    "ShapeError",
    "check_cargo_toml",
    "check_maturin_table",
    "check_pyproject",
    "toml_repr",
]

#: Longest path component most file systems allow (bytes), and the longest whole path.
NAME_MAX = 255
PATH_MAX = 4095
#: cargo names files ``lib<name>.so``/``<name>.cpython-...so`` after the lib name.
LIB_NAME_MAX = 200


class ShapeError(Exception):
    """A value of the wrong shape at ``path`` (turned into a ProjectError by the caller)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message

    @property
    def specific(self) -> bool:
        """A value of the right type whose content is wrong (a NUL byte, too long)."""
        return not self.reason.startswith("expected ")


def toml_repr(value: Any, limit: int = 80) -> str:
    """A value spelled as TOML would spell it, shortened for a message."""
    text = _repr(value, depth=0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _repr(value: Any, depth: int) -> str:
    if depth > 6:
        return "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else f"{value[:40]}…({len(value)} characters)"
        quoted = json.dumps(shown, ensure_ascii=False)
        # Line breaks and other invisible characters (U+0085, U+2028...) are spelled out so
        # that the message stays one readable line.
        return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in quoted)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        items = [_repr(v, depth + 1) for v in value[:5]]
        return "[" + ", ".join(items + (["…"] if len(value) > 5 else [])) + "]"
    if isinstance(value, Mapping):
        pairs = [f"{_key(k)} = {_repr(v, depth + 1)}" for k, v in list(value.items())[:5]]
        return "{" + ", ".join(pairs + (["…"] if len(value) > 5 else [])) + "}"
    return repr(value)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _join(path: str, key: str) -> str:
    return f"{path}.{_key(key)}" if path else _key(key)


# ---------------------------------------------------------------------------------------------
# Shapes: each is a checker ``(value, path) -> None`` with a description of what it accepts.


@dataclass(frozen=True)
class Shape:
    """Accepts a value or raises :class:`ShapeError`; ``expected`` reads "expected <this>"."""

    expected: str
    check: Callable[[Any, str], None]

    def __call__(self, value: Any, path: str) -> None:
        self.check(value, path)


def _mismatch(path: str, expected: str, value: Any) -> ShapeError:
    return ShapeError(path, f"expected {expected}, got {toml_repr(value)}")


def _simple(expected: str, accept: Callable[[Any], bool]) -> Shape:
    def check(value: Any, path: str) -> None:
        if not accept(value):
            raise _mismatch(path, expected, value)

    return Shape(expected, check)


STRING = _simple("a string", lambda v: isinstance(v, str))
NONEMPTY = _simple("a non-empty string", lambda v: isinstance(v, str) and v.strip() != "")
BOOL = _simple("true or false", lambda v: isinstance(v, bool))
TRUE = _simple("true", lambda v: v is True)


def _path_check(nonempty: bool) -> Callable[[Any, str], None]:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, str) or (nonempty and not value.strip()):
            raise _mismatch(path, "a non-empty path" if nonempty else "a path", value)
        if "\0" in value:
            raise ShapeError(path, "a path must not contain a NUL byte")
        encoded = value.encode("utf-8", "surrogateescape")
        if len(encoded) > PATH_MAX:
            raise ShapeError(path, f"the path is {len(encoded)} bytes long (at most {PATH_MAX})")
        longest = max((len(part) for part in encoded.split(b"/")), default=0)
        if longest > NAME_MAX:
            raise ShapeError(
                path, f"a name in the path is {longest} bytes long (at most {NAME_MAX})"
            )

    return check


PATH = Shape("a path", _path_check(nonempty=False))
NONEMPTY_PATH = Shape("a non-empty path", _path_check(nonempty=True))


def lib_name_check(value: Any, path: str) -> None:
    """``[lib] name``: a Rust identifier short enough to be part of a file name."""
    if not isinstance(value, str):
        raise _mismatch(path, "a string", value)
    if len(value) > LIB_NAME_MAX:
        raise ShapeError(path, f"the name is {len(value)} characters long (at most {LIB_NAME_MAX})")
    if "\0" in value or "/" in value:
        raise ShapeError(path, f"expected a Rust identifier, got {toml_repr(value)}")


LIB_NAME = Shape("a library name", lib_name_check)


def choice(*allowed: str) -> Shape:
    """One of the given strings."""
    expected = " or ".join(json.dumps(a) for a in allowed)
    return _simple(expected, lambda v: isinstance(v, str) and v in allowed)


def list_of(item: Shape, *, expected: str | None = None) -> Shape:
    """A TOML array whose every element has the ``item`` shape."""
    description = expected or f"a list of {_plural(item.expected)}"

    def check(value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _mismatch(path, description, value)
        for index, element in enumerate(value):
            item(element, f"{path}[{index}]")  # an element's error names its own shape

    return Shape(description, check)


def _plural(expected: str) -> str:
    for article in ("a ", "an "):
        if expected.startswith(article):
            rest = expected[len(article) :]
            head, _, tail = rest.partition(" ")
            return f"{head}s {tail}".strip() if tail and head != "non-empty" else rest + "s"
    return expected


def one_of(*shapes: Shape, expected: str | None = None) -> Shape:
    """The first shape that accepts the value; the message names all of them.

    When exactly one alternative is a table and the value is a table, that table's own
    error (with its deeper key path) is reported, which is what the user has to fix.
    """
    description = expected or " or ".join(s.expected for s in shapes)

    def check(value: Any, path: str) -> None:
        errors = []
        for shape in shapes:
            try:
                shape(value, path)
                return
            except ShapeError as exc:
                errors.append(exc)
        specific = [e for e in errors if e.specific and e.path == path]
        if specific:  # the right type with a wrong content: say what is wrong with it
            raise specific[0]
        tables = [e for s, e in zip(shapes, errors, strict=True) if s.expected.endswith("table")]
        if isinstance(value, Mapping) and len(tables) == 1 and tables[0].path != path:
            raise tables[0]
        raise _mismatch(path, description, value)

    return Shape(description, check)


def table(
    fields: Mapping[str, Shape],
    *,
    required: Sequence[str] = (),
    any_of: Sequence[str] = (),
    expected: str = "a table",
    values: Shape | None = None,
) -> Shape:
    """A TOML table: known ``fields`` checked, others left alone (or checked by ``values``)."""

    def check(value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            raise _mismatch(path, expected, value)
        for key in required:
            if key not in value:
                raise ShapeError(_join(path, key) if path else key, "missing")
        if any_of and not any(k in value for k in any_of):
            raise ShapeError(path, f"expected at least one of {', '.join(any_of)}, got {{}}")
        for key, element in value.items():
            shape = fields.get(key, values)
            if shape is not None:
                shape(element, _join(path, key))

    return Shape(expected, check)


def table_of(values: Shape, *, expected: str | None = None) -> Shape:
    """A table whose keys are free and whose every value has one shape."""
    return table({}, values=values, expected=expected or f"a table of {_plural(values.expected)}")


STRINGS = list_of(STRING)
STRING_OR_STRINGS = one_of(STRING, STRINGS, expected="a string or a list of strings")

# ---------------------------------------------------------------------------------------------
# pyproject.toml

_FORMAT = choice("sdist", "wheel")
_FORMATS = one_of(
    _FORMAT,
    list_of(_FORMAT, expected='"sdist" or "wheel" or a list of them'),
    expected='"sdist" or "wheel" or a list of them',
)
_GLOB = NONEMPTY_PATH
_GLOB_ENTRY = one_of(
    _GLOB,
    table(
        {"path": _GLOB, "format": _FORMATS, "from": STRING, "to": PATH, "crate-name": STRING},
        required=("path",),
    ),
    expected="a glob or a {path, format} table",
)
_GLOBS = "a list of globs or {path, format} tables"
_FEATURE = one_of(
    NONEMPTY,
    table(
        {"feature": NONEMPTY, "python-version": STRING, "python-implementation": STRING},
        required=("feature",),
    ),
    expected="a feature name or a {feature, python-version, python-implementation} table",
)

MATURIN = table(
    {
        "bindings": STRING,
        "compatibility": STRING_OR_STRINGS,
        "manylinux": STRING_OR_STRINGS,
        "auditwheel": STRING,
        "skip-auditwheel": BOOL,
        "python-source": NONEMPTY_PATH,
        "python-packages": STRING_OR_STRINGS,
        "module-name": NONEMPTY,
        "include": list_of(_GLOB_ENTRY, expected=_GLOBS),
        "exclude": list_of(_GLOB_ENTRY, expected=_GLOBS),
        "data": NONEMPTY_PATH,
        "features": list_of(
            _FEATURE,
            expected="a list of feature names or {feature, python-version, "
            "python-implementation} tables",
        ),
        "profile": NONEMPTY,
        "editable-profile": NONEMPTY,
        "strip": BOOL,
        "manifest-path": NONEMPTY_PATH,
        "locked": BOOL,
        "frozen": BOOL,
        "all-features": BOOL,
        "no-default-features": BOOL,
        "config": STRING_OR_STRINGS,
        "unstable-flags": STRING_OR_STRINGS,
        "rustc-args": STRING_OR_STRINGS,
        "sdist-generator": STRING,
        "include-import-lib": BOOL,
        "use-base-python": BOOL,
        "pgo-command": STRING,
        "sbom": table(
            {"rust": BOOL, "auditwheel": BOOL, "include": STRING_OR_STRINGS},
            expected="a table {rust, auditwheel, include}",
        ),
    }
)

_CONTACT = table(
    {"name": STRING, "email": STRING},
    any_of=("name", "email"),
    expected="a {name, email} table",
)
_README = one_of(
    NONEMPTY_PATH,
    table({"file": NONEMPTY_PATH, "text": STRING, "content-type": STRING}),
    expected="a file name or a {file, text, content-type} table",
)
_LICENSE = one_of(
    STRING,
    table({"file": NONEMPTY_PATH, "text": STRING}),
    expected="an SPDX expression or a {file, text} table",
)

PROJECT = table(
    {
        "name": STRING,
        "version": STRING,
        "description": STRING,
        "readme": _README,
        "license": _LICENSE,
        "license-files": list_of(NONEMPTY_PATH, expected="a list of globs"),
        "authors": list_of(_CONTACT, expected="a list of {name, email} tables"),
        "maintainers": list_of(_CONTACT, expected="a list of {name, email} tables"),
        "keywords": STRINGS,
        "classifiers": STRINGS,
        "urls": table_of(STRING),
        "requires-python": STRING,
        "dependencies": STRINGS,
        "optional-dependencies": table_of(STRINGS),
        "dynamic": STRINGS,
        "scripts": table_of(STRING),
        "gui-scripts": table_of(STRING),
        "entry-points": table_of(table_of(STRING)),
    }
)

PYPROJECT = table(
    {
        "build-system": table(
            {"requires": STRINGS, "build-backend": STRING, "backend-path": list_of(PATH)}
        ),
        "project": PROJECT,
        "tool": table({"maturin": MATURIN}),
    }
)

# ---------------------------------------------------------------------------------------------
# Cargo.toml (only the keys we read before or besides cargo)

_INHERIT = table({"workspace": TRUE}, required=("workspace",), expected="{workspace = true}")


def _or_inherit(shape: Shape) -> Shape:
    return one_of(shape, _INHERIT, expected=f"{shape.expected} or {{workspace = true}}")


_PACKAGE_FIELDS: dict[str, Shape] = {
    "name": NONEMPTY,
    "version": STRING,
    "description": STRING,
    "authors": STRINGS,
    "keywords": STRINGS,
    "categories": STRINGS,
    "license": STRING,
    "license-file": NONEMPTY_PATH,
    "readme": one_of(NONEMPTY_PATH, BOOL, expected="a file name or true or false"),
    "homepage": STRING,
    "repository": STRING,
    "documentation": STRING,
    "edition": STRING,
    "rust-version": STRING,
}

PACKAGE = table(
    {
        **{key: _or_inherit(shape) for key, shape in _PACKAGE_FIELDS.items()},
        "name": NONEMPTY,
        "workspace": NONEMPTY_PATH,
    }
)

CARGO_TOML = table(
    {
        "package": PACKAGE,
        "lib": table({"name": LIB_NAME, "crate-type": STRINGS, "path": NONEMPTY_PATH}),
        "bin": list_of(table({"name": NONEMPTY, "path": NONEMPTY_PATH})),
        "workspace": table(
            {
                "members": list_of(NONEMPTY_PATH),
                "exclude": list_of(NONEMPTY_PATH),
                "package": table(_PACKAGE_FIELDS),
            }
        ),
    }
)


def _raise(error: type[ProjectError], data: Mapping[str, Any], shape: Shape, path: Path) -> None:
    try:
        shape(data, "")
    except ShapeError as exc:
        raise error(f"{path}: {exc}", path=path) from None
    except RecursionError:
        raise error(f"{path}: the file nests tables or arrays too deeply", path=path) from None


def check_maturin_table(table: Any) -> None:
    """Raise ConfigError unless ``[tool.maturin]`` has the shape maturin reads."""
    try:
        MATURIN(table, "tool.maturin")
    except ShapeError as exc:
        raise ConfigError(str(exc)) from None


def check_pyproject(data: Mapping[str, Any], path: Path) -> None:
    """Raise ConfigError (``tool.maturin``) or MetadataError (the rest) on a wrong shape."""
    tool = data.get("tool")
    if isinstance(tool, Mapping) and "maturin" in tool:
        _raise(ConfigError, {"tool": {"maturin": tool["maturin"]}}, PYPROJECT, path)
    _raise(MetadataError, data, PYPROJECT, path)


def check_cargo_toml(data: Mapping[str, Any], path: Path) -> None:
    """Raise MetadataError on a wrong shape of the Cargo.toml keys we read."""
    _raise(MetadataError, data, CARGO_TOML, path)

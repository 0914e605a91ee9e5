"""Parse Cargo.toml / pyproject.toml text once, the way cargo and maturin accept it.

Every reader of a project file (opening a project, the metadata view, the editor) comes
through :func:`parse_toml_text`, so the rules hold everywhere:

* a UTF-8 byte order mark is skipped, as cargo does;
* syntax errors name the file, line and column; nesting too deep for the parser (a
  ``RecursionError`` inside tomllib) is a clear error, not a crash;
* the shape of every key we read is checked right away (:mod:`.shapes`);
* a text already parsed in this process is not parsed again: one operation (``metadata
  show`` reads pyproject.toml while locating the project, while opening it and while
  building the view) costs one parse per file. Callers must not mutate what they get.
"""

from __future__ import annotations

import re
import tomllib
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

from cratewright.core.project.shapes import check_cargo_toml, check_pyproject
from cratewright.core.user_files import read_user_file
from cratewright.errors import ProjectError

__all__ = ["TomlKind", "decode_toml_bytes", "parse_toml_text", "read_toml", "toml_kind"]

TomlKind = Literal["cargo", "pyproject", "other"]

BOM = "\ufeff"
# tomllib (3.11-3.13) puts the position only in its message: "... (at line 3, column 11)".
_TOML_LOCATION = re.compile(r"\(at line (\d+), column (\d+)\)")
_CACHE_SIZE = 32
#: tomllib's time grows with the square of a dotted key's length (a 50,000-part table header
#: takes seconds); no manifest needs keys nested anywhere near this deep.
MAX_KEY_DEPTH = 1000
_KEY_LINE = re.compile(r"^[ \t]*(?:\[\[?([^\]\n]*)|([^=\n\[#\"']+)=)", re.MULTILINE)
_cache: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()


def toml_kind(path: Path) -> TomlKind:
    """pyproject.toml by its name; any other manifest is read as a Cargo.toml."""
    return "pyproject" if path.name == "pyproject.toml" else "cargo"


def decode_toml_bytes(data: bytes, path: Path) -> str:
    """UTF-8 text of a TOML file (BOM kept: :func:`parse_toml_text` skips it)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{path} is not valid UTF-8 (byte {exc.start})", path=path) from None


def _check_key_depth(text: str, path: Path) -> None:
    if text.count(".") <= MAX_KEY_DEPTH:
        return
    for match in _KEY_LINE.finditer(text):
        key = match[1] if match[1] is not None else match[2]
        depth = key.count(".") + 1
        if depth > MAX_KEY_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise ProjectError(
                f"{path} is invalid TOML: a key at line {line} is nested {depth} levels deep "
                f"(at most {MAX_KEY_DEPTH})",
                path=path,
                line=line,
            )


def _parse(text: str, path: Path) -> dict[str, Any]:
    _check_key_depth(text, path)
    try:
        return tomllib.loads(text.removeprefix(BOM))
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LOCATION.search(str(exc))
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        raise ProjectError(
            f"{path} is invalid TOML: {exc}", path=path, line=line, column=column
        ) from None
    except RecursionError:
        raise ProjectError(
            f"{path} is invalid TOML: arrays or inline tables are nested too deeply to read",
            path=path,
        ) from None


def parse_toml_text(text: str, path: Path, kind: TomlKind | None = None) -> dict[str, Any]:
    """Parse and shape-check one file's text (``kind`` defaults to :func:`toml_kind`)."""
    kind = kind or toml_kind(path)
    key = (kind, str(path), text)  # the text itself, not a digest: hashlib loads OpenSSL
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    data = _parse(text, path)
    if kind == "pyproject":
        check_pyproject(data, path)
    elif kind == "cargo":
        check_cargo_toml(data, path)
    _cache[key] = data
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return data


def read_toml(path: Path, kind: TomlKind | None = None) -> dict[str, Any]:
    """Read (regular files only: a FIFO never blocks) and parse a TOML file."""
    data = read_user_file(path, "the TOML file")
    return parse_toml_text(decode_toml_bytes(data, path), path, kind)

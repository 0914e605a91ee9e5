"""Find PyO3's introspection fragments in a compiled library and decode their JSON.

With ``experimental-inspect`` every ``#[pymodule]``, ``#[pyclass]``, ``#[pyfunction]``, method
and exported constant leaves one static named ``PYO3_INTROSPECTION_<format>_<id>`` in the
library: a 4-byte length in the file's byte order followed by that many bytes of JSON. Only
format ``1`` exists; anything else means a newer PyO3 than we know, and is refused with the
same advice ``pyo3-introspection`` gives.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from cratewright.core.audit.elf_symtab import SymbolBytes, symbols_with_prefix
from cratewright.errors import AuditError, BuildError

__all__ = ["SUPPORTED_FORMAT", "chunk_from_symbol", "introspection_chunks"]

SUPPORTED_FORMAT = "1"
_PREFIX = "PYO3_INTROSPECTION_"


def _format_of(symbol_name: str) -> str | None:
    """The format version in a symbol name, or None when it is not an introspection symbol."""
    name = symbol_name.removeprefix("_")
    if not name.startswith(_PREFIX):
        return None
    return name[len(_PREFIX) :].split("_", 1)[0]


def chunk_from_symbol(symbol: SymbolBytes) -> dict[str, Any]:
    """Decode one fragment: check its format, read the length prefix, parse the JSON."""
    version = _format_of(symbol.name) or ""
    if version != SUPPORTED_FORMAT:
        raise BuildError(
            f"The introspection format version '{version}' is not supported by this version of "
            "cratewright. Please upgrade cratewright or downgrade pyo3"
        )
    if len(symbol.data) < 4:
        raise BuildError("The introspection chunk must contain a length")
    (length,) = struct.unpack("<I" if symbol.little_endian else ">I", symbol.data[:4])
    payload = symbol.data[4 : 4 + length]
    if len(payload) < length:
        raise BuildError(f"The introspection chunk length {length} is greater that the binary size")
    try:
        chunk = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        text = payload.decode("utf-8", "replace")
        raise BuildError(f"Failed to parse introspection chunk: {text!r} ({exc})") from None
    if not isinstance(chunk, dict):
        raise BuildError(f"Failed to parse introspection chunk: {chunk!r} is not an object")
    return chunk


def introspection_chunks(library: Path) -> list[dict[str, Any]]:
    """Every introspection fragment of ``library``, in symbol-table order.

    A library built without ``experimental-inspect`` (or stripped) has none.

    Raises:
        BuildError: the library cannot be read, or a fragment is malformed.
    """
    prefixes = (_PREFIX.encode(), b"_" + _PREFIX.encode())
    try:
        symbols = symbols_with_prefix(library, prefixes)
    except AuditError as exc:
        raise BuildError(
            f"The built library is not valid or not supported by our binary parser: {exc}"
        ) from None
    return [chunk_from_symbol(symbol) for symbol in symbols]

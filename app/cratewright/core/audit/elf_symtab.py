"""Read the bytes of named static symbols from an ELF file's full symbol table (.symtab).

The audit only looks at the dynamic view (.dynsym); type-stub generation needs the other one:
PyO3's ``experimental-inspect`` feature embeds each introspection fragment as a ``#[no_mangle]``
static, and its bytes are found through .symtab as PyO3's own reader finds them (symbol value
translated to a file offset through the section it lives in). The same bounds-checked reader as
:mod:`cratewright.core.audit.elf_reader` is used, so a corrupt file ends as an ``AuditError``.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

from cratewright.core.audit.elf_reader import (
    ELF_MAGIC,
    CorruptElf,
    ElfReader,
    Section,
    strings_of,
)
from cratewright.errors import AuditError

__all__ = ["SymbolBytes", "symbols_with_prefix"]

_SHT_SYMTAB, _SHT_NOBITS = 2, 8
_SHN_UNDEF, _SHN_LORESERVE = 0, 0xFF00
# A single introspection fragment is a few KB; this only guards against absurd sizes.
_MAX_SYMBOL = 64 * 1024 * 1024


@dataclass(frozen=True)
class SymbolBytes:
    """One defined symbol: its name, the bytes it covers and the file's byte order."""

    name: str
    data: bytes
    little_endian: bool


def _symbol_bytes(
    reader: ElfReader, sections: list[Section], shndx: int, value: int, size: int
) -> bytes:
    if shndx >= len(sections):
        raise CorruptElf(f"a symbol points to section {shndx}, which does not exist")
    section = sections[shndx]
    if section.kind == _SHT_NOBITS:
        return b""
    if size > _MAX_SYMBOL:
        raise CorruptElf(f"a symbol of {size} bytes is larger than any real one")
    return reader.bytes_at(value - section.addr + section.offset, size)


def _scan(reader: ElfReader, prefixes: tuple[bytes, ...]) -> list[SymbolBytes]:
    sections = reader.sections()
    symtab = next((s for s in sections if s.kind == _SHT_SYMTAB), None)
    if symtab is None:
        return []
    wide = reader.header.bits == 64
    entsize = 24 if wide else 16
    if symtab.entsize and symtab.entsize != entsize:
        raise CorruptElf(f"symbols of {symtab.entsize} bytes are not {entsize}")
    raw = reader.bytes_at(symtab.offset, symtab.size - symtab.size % entsize)
    strings = strings_of(reader, sections, symtab.link)
    fmt = reader.order + ("IBBHQQ" if wide else "IIIBBH")
    found = []
    for fields in struct.iter_unpack(fmt, raw):
        if wide:
            name_at, _info, _other, shndx, value, size = fields
        else:
            name_at, value, size, _info, _other, shndx = fields
        if name_at == 0 or not strings.data.startswith(prefixes, name_at):
            continue
        if shndx == _SHN_UNDEF or shndx >= _SHN_LORESERVE:
            continue  # undefined, absolute or common: no bytes in the file to read
        data = _symbol_bytes(reader, sections, shndx, value, size)
        found.append(SymbolBytes(strings.get(name_at), data, reader.header.little))
    return found


def symbols_with_prefix(path: Path, prefixes: tuple[bytes, ...]) -> list[SymbolBytes]:
    """The defined .symtab symbols of ``path`` whose names start with one of ``prefixes``.

    A stripped library has no .symtab and yields nothing (as for PyO3's reader).

    Raises:
        AuditError: The file cannot be read, is not ELF, or is truncated/corrupt.
    """
    try:
        with path.open("rb") as fh:
            if fh.read(4) != ELF_MAGIC:
                raise AuditError(f"{path} is not an ELF file")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                try:
                    return _scan(ElfReader(view), prefixes)
                except (CorruptElf, struct.error, IndexError, ValueError, OverflowError) as exc:
                    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                    raise AuditError(
                        f"{path} is not a valid ELF file (truncated or corrupt): "
                        f"{detail or type(exc).__name__}"
                    ) from exc
    except OSError as exc:
        raise AuditError(f"Cannot read {path}: {exc.strerror or exc}") from exc

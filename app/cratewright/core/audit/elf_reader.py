"""Bounds-checked access to an ELF image: header, section headers, string tables.

Every offset is checked against the buffer and every loop is bounded by its size, so a corrupt
or hostile file raises :class:`CorruptElf` (turned into an AuditError with the path by ``elf``)
instead of reading out of bounds or running long.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

ELF_MAGIC = b"\x7fELF"
# e_machine numbers we name (the rest are shown as EM_<number>).
_MACHINES: Mapping[int, str] = MappingProxyType(
    {
        2: "EM_SPARC",
        3: "EM_386",
        8: "EM_MIPS",
        20: "EM_PPC",
        21: "EM_PPC64",
        22: "EM_S390",
        40: "EM_ARM",
        43: "EM_SPARCV9",
        62: "EM_X86_64",
        183: "EM_AARCH64",
        243: "EM_RISCV",
        258: "EM_LOONGARCH",
    }
)
_TYPES: Mapping[int, str] = MappingProxyType(
    {0: "ET_NONE", 1: "ET_REL", 2: "ET_EXEC", 3: "ET_DYN", 4: "ET_CORE"}
)
_OSABI: Mapping[int, str] = MappingProxyType(
    {0: "ELFOSABI_SYSV", 3: "ELFOSABI_LINUX", 9: "ELFOSABI_FREEBSD"}
)

PT_DYNAMIC, PT_INTERP, PT_LOAD = 2, 3, 1
SHT_VERNEED, SHT_VERSYM = 0x6FFFFFFE, 0x6FFFFFFF
DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME, DT_RPATH, DT_RUNPATH = 1, 5, 10, 14, 15, 29
VERSYM_INDEX_MASK = 0x7FFF
SHT_DYNSYM, SHT_DYNAMIC, SHT_NOTE, SHT_STRTAB = 11, 6, 7, 3
SHN_UNDEF, STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE, STT_FUNC = 0, 1, 2, 10, 2
NT_GNU_PROPERTY_TYPE_0 = 5
GNU_PROPERTY_X86_ISA_1_NEEDED = 0xC0008002
# Reading stops here: a real dynamic table or string never gets near these sizes.
_MAX_STRING = 64 * 1024


class Buffer(Protocol):
    def __len__(self) -> int: ...
    def __getitem__(self, key: slice) -> bytes: ...


class CorruptElf(Exception):
    """Internal: the file contradicts itself; turned into AuditError with the path."""


@dataclass(frozen=True)
class Section:
    kind: int
    offset: int
    size: int
    link: int
    entsize: int
    addr: int = 0


@dataclass(frozen=True)
class ElfHeader:
    bits: int
    little: bool
    osabi: str
    elf_type: str
    machine: str
    phoff: int
    shoff: int
    phentsize: int
    phnum: int
    shentsize: int
    shnum: int


class ElfReader:
    """Bounds-checked access to one ELF image."""

    def __init__(self, buf: Buffer) -> None:
        self.buf = buf
        self.size = len(buf)
        self.header = self._header()
        self.order = "<" if self.header.little else ">"

    def unpack(self, fmt: str, offset: int) -> tuple[int, ...]:
        full = self.order + fmt
        length = struct.calcsize(full)
        if offset < 0 or offset + length > self.size:
            raise CorruptElf(f"a table at offset {offset:#x} lies outside the file")
        return struct.unpack(full, self.buf[offset : offset + length])

    def bytes_at(self, offset: int, size: int) -> bytes:
        if offset < 0 or size < 0 or offset + size > self.size:
            raise CorruptElf(f"{size} bytes at offset {offset:#x} lie outside the file")
        return self.buf[offset : offset + size]

    def _header(self) -> ElfHeader:
        ident = self.buf[0:16]
        if len(ident) < 16 or ident[:4] != ELF_MAGIC:
            raise CorruptElf("the ELF identification is incomplete")
        bits = {1: 32, 2: 64}.get(ident[4])
        little = {1: True, 2: False}.get(ident[5])
        if bits is None or little is None:
            raise CorruptElf(f"unknown ELF class {ident[4]} or data encoding {ident[5]}")
        order = "<" if little else ">"
        fmt = order + ("HHIQQQIHHHHHH" if bits == 64 else "HHIIIIIHHHHHH")
        length = struct.calcsize(fmt)
        if 16 + length > self.size:
            raise CorruptElf("the ELF header is truncated")
        fields = struct.unpack(fmt, self.buf[16 : 16 + length])
        e_type, machine, _ver, _entry, phoff, shoff, _flags = fields[:7]
        _ehsize, phentsize, phnum, shentsize, shnum, _shstrndx = fields[7:]
        return ElfHeader(
            bits=bits,
            little=little,
            osabi=_OSABI.get(ident[7], f"ELFOSABI_{ident[7]}"),
            elf_type=_TYPES.get(e_type, f"ET_{e_type:#x}"),
            machine=_MACHINES.get(machine, f"EM_{machine}"),
            phoff=phoff,
            shoff=shoff,
            phentsize=phentsize,
            phnum=phnum,
            shentsize=shentsize,
            shnum=shnum,
        )

    def _table(self, offset: int, entsize: int, count: int, minimum: int) -> range:
        """Offsets of ``count`` table entries, checked to lie inside the file."""
        if count == 0 or offset == 0:
            return range(0)
        if entsize < minimum:
            raise CorruptElf(f"table entries of {entsize} bytes are too small")
        if offset + entsize * count > self.size:
            raise CorruptElf("a header table runs past the end of the file")
        return range(offset, offset + entsize * count, entsize)

    def segments(self) -> Iterator[tuple[int, int, int, int]]:
        """(p_type, p_offset, p_vaddr, p_filesz) of each program header."""
        h = self.header
        wide = h.bits == 64
        for at in self._table(h.phoff, h.phentsize, h.phnum, 56 if wide else 32):
            if wide:
                p_type, _flags, offset, vaddr, _paddr, filesz = self.unpack("IIQQQQ", at)
            else:
                p_type, offset, vaddr, _paddr, filesz = self.unpack("IIIII", at)
            yield p_type, offset, vaddr, filesz

    def sections(self) -> list[Section]:
        h = self.header
        wide = h.bits == 64
        fmt = "IIQQQQIIQQ" if wide else "IIIIIIIIII"
        count = h.shnum
        if count == 0 and h.shoff:
            # extended numbering: the real count sits in section 0's sh_size
            count = self.unpack(fmt, h.shoff)[5]
            if count * max(h.shentsize, 1) > self.size:
                raise CorruptElf("the section count does not fit in the file")
        found = []
        for at in self._table(h.shoff, h.shentsize, count, 64 if wide else 40):
            _name, kind, _flags, addr, offset, size, link, _info, _align, entsize = self.unpack(
                fmt, at
            )
            found.append(Section(kind, offset, size, link, entsize, addr))
        return found


class StringTable:
    """A string table, read as one slice; lookups are bounded and never raise on bad bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get(self, offset: int) -> str:
        if offset < 0 or offset >= len(self.data):
            raise CorruptElf(f"string offset {offset:#x} is outside its table")
        end = self.data.find(b"\0", offset, offset + _MAX_STRING)
        if end < 0:
            end = min(len(self.data), offset + _MAX_STRING)
        return self.data[offset:end].decode("utf-8", "surrogateescape")


def strings_of(reader: ElfReader, sections: list[Section], index: int) -> StringTable:
    if not 0 <= index < len(sections) or sections[index].kind != SHT_STRTAB:
        raise CorruptElf("a symbol or version table does not link to a string table")
    target = sections[index]
    return StringTable(reader.bytes_at(target.offset, target.size))


def vaddr_to_offset(loads: list[tuple[int, int, int]], vaddr: int) -> int | None:
    for offset, start, size in loads:
        if start <= vaddr < start + size:
            return offset + (vaddr - start)
    return None

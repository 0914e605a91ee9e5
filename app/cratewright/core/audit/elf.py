"""Read what the platform audit needs from an ELF file, with a small bounded reader.

The audit only needs the dynamic view of a library: what it links (DT_NEEDED), where it looks
(RPATH/RUNPATH), which symbol versions it requires from each library (.gnu.version_r), which
undefined symbols use which version (.dynsym + .gnu.version), and what it exports. Those few
tables are located through the section and program headers and decoded with ``struct`` straight
from the buffer (a memory map for files on disk), so a 100 MB library costs a few page reads,
not a parse of everything. Every offset is checked against the buffer and every loop is bounded
by the buffer size, so corrupt or hostile input ends as an :class:`~cratewright.errors.AuditError`
in bounded time and memory.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from cratewright.core.audit.elf_info import ElfInfo, VersionedSymbol, elf_arch
from cratewright.core.audit.elf_reader import (
    DT_NEEDED,
    DT_RPATH,
    DT_RUNPATH,
    DT_SONAME,
    DT_STRSZ,
    DT_STRTAB,
    ELF_MAGIC,
    GNU_PROPERTY_X86_ISA_1_NEEDED,
    NT_GNU_PROPERTY_TYPE_0,
    PT_DYNAMIC,
    PT_INTERP,
    PT_LOAD,
    SHN_UNDEF,
    SHT_DYNAMIC,
    SHT_DYNSYM,
    SHT_NOTE,
    SHT_STRTAB,
    SHT_VERNEED,
    SHT_VERSYM,
    STB_GLOBAL,
    STB_GNU_UNIQUE,
    STB_WEAK,
    STT_FUNC,
    VERSYM_INDEX_MASK,
    Buffer,
    CorruptElf,
    ElfReader,
    Section,
    StringTable,
    strings_of,
    vaddr_to_offset,
)
from cratewright.errors import AuditError

__all__ = [
    "analyze_elf",
    "analyze_elf_bytes",
    "is_elf",
    "read_elf_header",
]


def is_elf(path: Path) -> bool:
    """True if ``path`` is a readable file starting with the ELF magic."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == ELF_MAGIC
    except OSError:
        return False


def _split_paths(value: str) -> tuple[str, ...]:
    return tuple(p for p in value.split(":") if p)


def _detect_libc(
    interpreter: str | None, needed: tuple[str, ...]
) -> Literal["glibc", "musl"] | None:
    """musl vs glibc: the program interpreter decides, else the libc soname in DT_NEEDED."""
    if interpreter:
        base = interpreter.rsplit("/", 1)[-1]
        if base.startswith("ld-musl"):
            return "musl"
        if base.startswith(("ld-linux", "ld64.so", "ld.so")):
            return "glibc"
    for lib in needed:
        if lib == "libc.so" or lib.startswith(("libc.musl-", "ld-musl-")):
            return "musl"
        if lib == "libc.so.6" or lib.startswith(("ld-linux-", "ld64.so.")):
            return "glibc"
    return None


@dataclass
class _Dynamic:
    needed: list[str] = field(default_factory=list)
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()
    soname: str | None = None


def _read_dynamic(
    reader: ElfReader,
    sections: list[Section],
    dyn_segment: tuple[int, int] | None,
    loads: list[tuple[int, int, int]],
) -> _Dynamic:
    """DT_NEEDED, DT_RPATH, DT_RUNPATH and DT_SONAME, from the section or PT_DYNAMIC."""
    wide = reader.header.bits == 64
    entsize = 16 if wide else 8
    strings: StringTable | None = None
    dyn_section = next((s for s in sections if s.kind == SHT_DYNAMIC), None)
    if dyn_section is not None:
        offset, size = dyn_section.offset, dyn_section.size
        if 0 <= dyn_section.link < len(sections) and sections[dyn_section.link].kind == SHT_STRTAB:
            strings = strings_of(reader, sections, dyn_section.link)
    elif dyn_segment is not None:
        offset, size = dyn_segment
    else:
        return _Dynamic()
    raw = reader.bytes_at(offset, min(size, reader.size - offset) if offset <= reader.size else 0)
    entries: list[tuple[int, int]] = []
    for tag, value in struct.iter_unpack(
        reader.order + ("qQ" if wide else "iI"), raw[: len(raw) - len(raw) % entsize]
    ):
        if tag == 0:
            break
        entries.append((tag, value))
    if strings is None:
        table = dict(entries)
        start = vaddr_to_offset(loads, table.get(DT_STRTAB, -1))
        if start is None:
            return _Dynamic()
        length = min(table.get(DT_STRSZ, 0), reader.size - start)
        strings = StringTable(reader.bytes_at(start, max(length, 0)))
    found = _Dynamic()
    for tag, value in entries:
        if tag == DT_NEEDED:
            found.needed.append(strings.get(value))
        elif tag == DT_RPATH:
            found.rpath += _split_paths(strings.get(value))
        elif tag == DT_RUNPATH:
            found.runpath += _split_paths(strings.get(value))
        elif tag == DT_SONAME:
            found.soname = strings.get(value)
    return found


def _iter_verneed(
    reader: ElfReader, sections: list[Section], section: Section
) -> Iterator[tuple[str, str, int]]:
    """Yield (library, version, version index) from .gnu.version_r.

    Walked within the section's bytes with a budget of one step per 16 bytes, so a corrupt
    ``vn_next``/``vna_next`` chain ends the walk instead of looping.
    """
    data = reader.bytes_at(section.offset, section.size)
    strings = strings_of(reader, sections, section.link)
    need_fmt, aux_fmt = reader.order + "HHIII", reader.order + "IHHII"
    offset, budget = 0, len(data) // 16
    while budget > 0 and offset + 16 <= len(data):
        budget -= 1
        _ver, count, file_name, aux, next_need = struct.unpack_from(need_fmt, data, offset)
        library = strings.get(file_name)
        aux_offset = offset + aux
        for _ in range(count):
            if budget <= 0 or aux_offset + 16 > len(data):
                break
            budget -= 1
            _hash, _flags, other, name, next_aux = struct.unpack_from(aux_fmt, data, aux_offset)
            yield library, strings.get(name), other
            if next_aux == 0:
                break
            aux_offset += next_aux
        if next_need == 0:
            break
        offset += next_need


def _isa_level(reader: ElfReader, sections: list[Section]) -> str | None:
    """x86-64 ISA level from NT_GNU_PROPERTY_TYPE_0 (as auditwheel reads it)."""
    align = 8 if reader.header.bits == 64 else 4
    for section in sections:
        if section.kind != SHT_NOTE or section.size > 1 << 20:
            continue
        data = reader.bytes_at(section.offset, section.size)
        at = 0
        while at + 12 <= len(data):
            namesz, descsz, kind = struct.unpack_from(reader.order + "III", data, at)
            name_end = at + 12 + namesz
            desc_at = at + 12 + ((namesz + 3) & ~3)
            if name_end > len(data) or desc_at + descsz > len(data):
                break
            if kind == NT_GNU_PROPERTY_TYPE_0 and data[at + 12 : name_end] == b"GNU\0":
                level = _isa_from_properties(data[desc_at : desc_at + descsz], reader.order, align)
                if level is not None:
                    return level
            at = desc_at + ((descsz + align - 1) & ~(align - 1))
    return None


def _isa_from_properties(desc: bytes, order: str, align: int) -> str | None:
    at = 0
    while at + 8 <= len(desc):
        pr_type, size = struct.unpack_from(order + "II", desc, at)
        if pr_type == GNU_PROPERTY_X86_ISA_1_NEEDED and size == 4 and at + 12 <= len(desc):
            (bits,) = struct.unpack_from(order + "I", desc, at + 8)
            bits &= ~1
            for flag, name in ((8, "x86_64_v4"), (4, "x86_64_v3"), (2, "x86_64_v2")):
                if bits & flag:
                    return name
            return None
        at += 8 + ((size + align - 1) & ~(align - 1))
    return None


@dataclass
class _Symbols:
    versioned: list[VersionedSymbol] = field(default_factory=list)
    undefined: set[str] = field(default_factory=set)
    exported: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)


def _read_symbols(
    reader: ElfReader,
    sections: list[Section],
    index_to_version: dict[int, tuple[str, str]],
) -> _Symbols:
    """Scan .dynsym once: undefined (with their versions) and exported names."""
    found = _Symbols()
    dynsym = next((s for s in sections if s.kind == SHT_DYNSYM), None)
    if dynsym is None:
        return found
    wide = reader.header.bits == 64
    entsize = 24 if wide else 16
    if dynsym.entsize and dynsym.entsize != entsize:
        raise CorruptElf(f"dynamic symbols of {dynsym.entsize} bytes are not {entsize}")
    raw = reader.bytes_at(dynsym.offset, dynsym.size - dynsym.size % entsize)
    strings = strings_of(reader, sections, dynsym.link)
    versym = next((s for s in sections if s.kind == SHT_VERSYM), None)
    indices: tuple[int, ...] = ()
    if versym is not None:
        data = reader.bytes_at(versym.offset, versym.size - versym.size % 2)
        indices = struct.unpack(f"{reader.order}{len(data) // 2}H", data)
    fmt = reader.order + ("IBBHQQ" if wide else "IIIBBH")
    for number, fields in enumerate(struct.iter_unpack(fmt, raw)):
        if wide:
            name_at, info, _other, shndx = fields[0], fields[1], fields[2], fields[3]
        else:
            name_at, info, _other, shndx = fields[0], fields[3], fields[4], fields[5]
        if number == 0 or name_at == 0:
            continue
        bind, kind = info >> 4, info & 0xF
        if shndx != SHN_UNDEF:
            if bind in (STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE):
                name = strings.get(name_at)
                found.exported.add(name)
                if kind == STT_FUNC:
                    found.functions.add(name)
            continue
        name = strings.get(name_at)
        weak = bind == STB_WEAK
        if not weak:
            found.undefined.add(name)
        if number < len(indices):
            resolved = index_to_version.get(indices[number] & VERSYM_INDEX_MASK)
            if resolved is not None:
                found.versioned.append(
                    VersionedSymbol(
                        name=name,
                        version=resolved[1],
                        library=resolved[0],
                        is_function=kind == STT_FUNC,
                        weak=weak,
                    )
                )
    return found


def _parse(path: Path, buf: Buffer, *, symbols: bool) -> ElfInfo:
    reader = ElfReader(buf)
    header = reader.header
    interpreter: str | None = None
    dyn_segment: tuple[int, int] | None = None
    loads: list[tuple[int, int, int]] = []
    for p_type, offset, vaddr, filesz in reader.segments():
        if p_type == PT_INTERP and interpreter is None:
            raw = reader.bytes_at(offset, min(filesz, 4096))
            interpreter = raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
        elif p_type == PT_DYNAMIC and dyn_segment is None:
            dyn_segment = (offset, filesz)
        elif p_type == PT_LOAD:
            loads.append((offset, vaddr, filesz))
    sections = reader.sections()
    dynamic = _read_dynamic(reader, sections, dyn_segment, loads)

    requirements: dict[str, set[str]] = {}
    index_to_version: dict[int, tuple[str, str]] = {}
    for section in sections:
        if section.kind == SHT_VERNEED:
            for library, version, index in _iter_verneed(reader, sections, section):
                requirements.setdefault(library, set()).add(version)
                index_to_version[index & VERSYM_INDEX_MASK] = (library, version)
            break
    table = _read_symbols(reader, sections, index_to_version) if symbols else _Symbols()
    isa = _isa_level(reader, sections) if header.machine == "EM_X86_64" else None

    needed = tuple(dynamic.needed)
    return ElfInfo(
        path=path,
        arch=elf_arch(header.machine, header.bits, header.little),
        bits=header.bits,
        elf_type=header.elf_type,
        interpreter=interpreter,
        soname=dynamic.soname,
        needed=needed,
        rpath=dynamic.rpath,
        runpath=dynamic.runpath,
        version_requirements=MappingProxyType(
            {lib: frozenset(v) for lib, v in requirements.items()}
        ),
        versioned_symbols=tuple(table.versioned),
        undefined_symbols=frozenset(table.undefined),
        exported_symbols=frozenset(table.exported),
        libc=_detect_libc(interpreter, needed),
        machine=header.machine,
        little_endian=header.little,
        osabi=header.osabi,
        isa_level=isa,
        exported_functions=frozenset(table.functions),
        symbols_read=symbols,
    )


def _invalid(path: Path | str, exc: Exception) -> AuditError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return AuditError(f"{path} is not a valid ELF file (truncated or corrupt): {detail}")


def analyze_elf_bytes(data: bytes, path: Path | str, *, symbols: bool = True) -> ElfInfo:
    """Read the dynamic-linking facts of an ELF image already in memory (a wheel member).

    Args:
        data: The whole file.
        path: What to call it in results and messages (an archive path for wheel members).
        symbols: Also scan the dynamic symbol table (skip it for dependency lookups).

    Raises:
        AuditError: ``data`` is not ELF, or is truncated/corrupt.
    """
    if not data.startswith(ELF_MAGIC):
        raise AuditError(f"{path} is not an ELF file")
    try:
        return _parse(Path(path), data, symbols=symbols)
    # Every inconsistency is a CorruptElf; struct/index/overflow errors are belts and braces for
    # cases the explicit checks missed. For the user they all mean the same thing.
    except (CorruptElf, struct.error, IndexError, ValueError, OverflowError, MemoryError) as exc:
        raise _invalid(path, exc) from exc


def read_elf_header(path: Path) -> tuple[str, int, bool, str] | None:
    """(machine, bits, little endian, osabi) of an ELF file, or None if it is not one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError:
        return None
    try:
        reader = ElfReader(head)
    except (CorruptElf, struct.error):
        return None
    h = reader.header
    return h.machine, h.bits, h.little, h.osabi


def analyze_elf(path: Path | str, *, symbols: bool = True) -> ElfInfo:
    """Read the dynamic-linking facts of the ELF file at ``path``.

    The file is memory-mapped, so only the pages holding the tables we decode are read.

    Raises:
        AuditError: The file cannot be read, is not ELF, or is truncated/corrupt.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            if fh.read(4) != ELF_MAGIC:
                raise AuditError(f"{path} is not an ELF file")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                try:
                    return _parse(path, view, symbols=symbols)
                except (CorruptElf, struct.error, IndexError, ValueError, OverflowError) as exc:
                    raise _invalid(path, exc) from exc
    except OSError as exc:
        raise AuditError(f"Cannot read {path}: {exc.strerror or exc}") from exc

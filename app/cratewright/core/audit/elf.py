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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, Protocol

from cratewright.errors import AuditError

__all__ = [
    "ElfInfo",
    "VersionedSymbol",
    "analyze_elf",
    "analyze_elf_bytes",
    "elf_arch",
    "is_elf",
    "read_elf_header",
]

_ELF_MAGIC = b"\x7fELF"
_VERSYM_INDEX_MASK = 0x7FFF

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

_PT_DYNAMIC, _PT_INTERP, _PT_LOAD = 2, 3, 1
_SHT_DYNSYM, _SHT_DYNAMIC, _SHT_NOTE, _SHT_STRTAB = 11, 6, 7, 3
_SHT_VERNEED, _SHT_VERSYM = 0x6FFFFFFE, 0x6FFFFFFF
_DT_NEEDED, _DT_STRTAB, _DT_STRSZ, _DT_SONAME, _DT_RPATH, _DT_RUNPATH = 1, 5, 10, 14, 15, 29
_SHN_UNDEF, _STB_GLOBAL, _STB_WEAK, _STB_GNU_UNIQUE, _STT_FUNC = 0, 1, 2, 10, 2
_NT_GNU_PROPERTY_TYPE_0 = 5
_GNU_PROPERTY_X86_ISA_1_NEEDED = 0xC0008002
# Reading stops here: a real dynamic table or string never gets near these sizes.
_MAX_STRING = 64 * 1024


class _Buffer(Protocol):
    def __len__(self) -> int: ...
    def __getitem__(self, key: slice) -> bytes: ...


@dataclass(frozen=True)
class VersionedSymbol:
    """An undefined dynamic symbol bound to a version another library provides.

    Attributes:
        name: Symbol name, e.g. ``memcpy``.
        version: Version string, e.g. ``GLIBC_2.14``.
        library: The library the version comes from (from .gnu.version_r), e.g. ``libc.so.6``.
        is_function: STT_FUNC (maturin names only functions as offenders).
        weak: Weak binding (optional at run time).
    """

    name: str
    version: str
    library: str
    is_function: bool
    weak: bool

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class ElfInfo:
    """The dynamic-linking facts of one ELF file.

    Attributes:
        path: The file that was read (for a wheel member: its archive path).
        arch: Platform architecture as in wheel tags (``x86_64``, ``aarch64``, ``armv7l`` ...);
            for a machine we do not map, the lower-cased ``e_machine`` name without ``em_``.
        bits: 32 or 64.
        elf_type: ``ET_DYN``, ``ET_EXEC`` ...
        interpreter: PT_INTERP, e.g. ``/lib64/ld-linux-x86-64.so.2``; None for most libraries.
        soname: DT_SONAME, if any.
        needed: DT_NEEDED in file order.
        rpath: DT_RPATH entries (split on ``:``).
        runpath: DT_RUNPATH entries (split on ``:``).
        version_requirements: Library -> versions required from it (.gnu.version_r), e.g.
            ``{"libc.so.6": {"GLIBC_2.2.5", "GLIBC_2.34"}}``.
        versioned_symbols: Undefined dynamic symbols with the version each one binds to.
        undefined_symbols: Names of undefined, non-weak dynamic symbols.
        exported_symbols: Names of defined global/weak dynamic symbols.
        libc: ``glibc``, ``musl`` or None when nothing tells.
        machine: ``e_machine`` name (``EM_X86_64``); with ``bits`` and ``little_endian`` it
            decides whether a library can be loaded by another.
        little_endian: Byte order.
        osabi: ``EI_OSABI`` name.
        isa_level: x86-64 micro-architecture level the file requires (``x86_64_v2`` ...) from
            its GNU property note, or None for the baseline.
        exported_functions: Defined global STT_FUNC symbols (entry points such as ``PyInit_x``).
        symbols_read: False when the symbol tables were skipped (dependency resolution only).
    """

    path: Path
    arch: str
    bits: int
    elf_type: str
    interpreter: str | None
    soname: str | None
    needed: tuple[str, ...]
    rpath: tuple[str, ...]
    runpath: tuple[str, ...]
    version_requirements: Mapping[str, frozenset[str]] = field(hash=False)
    versioned_symbols: tuple[VersionedSymbol, ...]
    undefined_symbols: frozenset[str]
    exported_symbols: frozenset[str]
    libc: Literal["glibc", "musl"] | None
    machine: str = "EM_X86_64"
    little_endian: bool = True
    osabi: str = "ELFOSABI_SYSV"
    isa_level: str | None = None
    exported_functions: frozenset[str] = frozenset()
    symbols_read: bool = True

    @property
    def is_musl(self) -> bool:
        """True for a musl-linked file."""
        return self.libc == "musl"

    def symbols_with_version(self, version: str) -> list[VersionedSymbol]:
        """Undefined symbols that bind to ``version`` (e.g. ``GLIBC_2.34``), in table order."""
        return [s for s in self.versioned_symbols if s.version == version]

    def can_load(self, other: ElfInfo) -> bool:
        """True if the dynamic loader running this file could load ``other`` (same ABI)."""
        linuxish = {"ELFOSABI_SYSV", "ELFOSABI_LINUX"}
        same_abi = self.osabi == other.osabi or {self.osabi, other.osabi} <= linuxish
        return (
            same_abi
            and self.bits == other.bits
            and self.little_endian == other.little_endian
            and self.machine == other.machine
        )


def is_elf(path: Path) -> bool:
    """True if ``path`` is a readable file starting with the ELF magic."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == _ELF_MAGIC
    except OSError:
        return False


def elf_arch(machine: str, bits: int, little_endian: bool) -> str:
    """Map ``e_machine``/class/endianness to the architecture name used in platform tags."""
    if machine == "EM_X86_64":
        return "x86_64" if bits == 64 else "x32"
    if machine == "EM_386":
        return "i686"
    if machine == "EM_AARCH64":
        return "aarch64"
    if machine == "EM_ARM":
        return "armv7l"
    if machine == "EM_PPC64":
        return "ppc64le" if little_endian else "ppc64"
    if machine == "EM_PPC":
        return "ppc"
    if machine == "EM_S390":
        return "s390x" if bits == 64 else "s390"
    if machine == "EM_RISCV":
        return f"riscv{bits}"
    if machine == "EM_LOONGARCH":
        return f"loongarch{bits}"
    name = machine.lower()
    return name.removeprefix("em_")


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


class _Corrupt(Exception):
    """Internal: the file contradicts itself; turned into AuditError with the path."""


@dataclass(frozen=True)
class _Section:
    kind: int
    offset: int
    size: int
    link: int
    entsize: int


@dataclass(frozen=True)
class _Header:
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


class _Reader:
    """Bounds-checked access to one ELF image."""

    def __init__(self, buf: _Buffer) -> None:
        self.buf = buf
        self.size = len(buf)
        self.header = self._header()
        self.order = "<" if self.header.little else ">"

    def unpack(self, fmt: str, offset: int) -> tuple[int, ...]:
        full = self.order + fmt
        length = struct.calcsize(full)
        if offset < 0 or offset + length > self.size:
            raise _Corrupt(f"a table at offset {offset:#x} lies outside the file")
        return struct.unpack(full, self.buf[offset : offset + length])

    def bytes_at(self, offset: int, size: int) -> bytes:
        if offset < 0 or size < 0 or offset + size > self.size:
            raise _Corrupt(f"{size} bytes at offset {offset:#x} lie outside the file")
        return self.buf[offset : offset + size]

    def _header(self) -> _Header:
        ident = self.buf[0:16]
        if len(ident) < 16 or ident[:4] != _ELF_MAGIC:
            raise _Corrupt("the ELF identification is incomplete")
        bits = {1: 32, 2: 64}.get(ident[4])
        little = {1: True, 2: False}.get(ident[5])
        if bits is None or little is None:
            raise _Corrupt(f"unknown ELF class {ident[4]} or data encoding {ident[5]}")
        order = "<" if little else ">"
        fmt = order + ("HHIQQQIHHHHHH" if bits == 64 else "HHIIIIIHHHHHH")
        length = struct.calcsize(fmt)
        if 16 + length > self.size:
            raise _Corrupt("the ELF header is truncated")
        fields = struct.unpack(fmt, self.buf[16 : 16 + length])
        e_type, machine, _ver, _entry, phoff, shoff, _flags = fields[:7]
        _ehsize, phentsize, phnum, shentsize, shnum, _shstrndx = fields[7:]
        return _Header(
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
            raise _Corrupt(f"table entries of {entsize} bytes are too small")
        if offset + entsize * count > self.size:
            raise _Corrupt("a header table runs past the end of the file")
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

    def sections(self) -> list[_Section]:
        h = self.header
        wide = h.bits == 64
        fmt = "IIQQQQIIQQ" if wide else "IIIIIIIIII"
        count = h.shnum
        if count == 0 and h.shoff:
            # extended numbering: the real count sits in section 0's sh_size
            count = self.unpack(fmt, h.shoff)[5]
            if count * max(h.shentsize, 1) > self.size:
                raise _Corrupt("the section count does not fit in the file")
        found = []
        for at in self._table(h.shoff, h.shentsize, count, 64 if wide else 40):
            _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize = self.unpack(
                fmt, at
            )
            found.append(_Section(kind, offset, size, link, entsize))
        return found


class _Strings:
    """A string table, read as one slice; lookups are bounded and never raise on bad bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get(self, offset: int) -> str:
        if offset < 0 or offset >= len(self.data):
            raise _Corrupt(f"string offset {offset:#x} is outside its table")
        end = self.data.find(b"\0", offset, offset + _MAX_STRING)
        if end < 0:
            end = min(len(self.data), offset + _MAX_STRING)
        return self.data[offset:end].decode("utf-8", "surrogateescape")


def _strings_of(reader: _Reader, sections: list[_Section], index: int) -> _Strings:
    if not 0 <= index < len(sections) or sections[index].kind != _SHT_STRTAB:
        raise _Corrupt("a symbol or version table does not link to a string table")
    target = sections[index]
    return _Strings(reader.bytes_at(target.offset, target.size))


def _vaddr_to_offset(loads: list[tuple[int, int, int]], vaddr: int) -> int | None:
    for offset, start, size in loads:
        if start <= vaddr < start + size:
            return offset + (vaddr - start)
    return None


@dataclass
class _Dynamic:
    needed: list[str] = field(default_factory=list)
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()
    soname: str | None = None


def _read_dynamic(
    reader: _Reader,
    sections: list[_Section],
    dyn_segment: tuple[int, int] | None,
    loads: list[tuple[int, int, int]],
) -> _Dynamic:
    """DT_NEEDED, DT_RPATH, DT_RUNPATH and DT_SONAME, from the section or PT_DYNAMIC."""
    wide = reader.header.bits == 64
    entsize = 16 if wide else 8
    strings: _Strings | None = None
    dyn_section = next((s for s in sections if s.kind == _SHT_DYNAMIC), None)
    if dyn_section is not None:
        offset, size = dyn_section.offset, dyn_section.size
        if 0 <= dyn_section.link < len(sections) and sections[dyn_section.link].kind == _SHT_STRTAB:
            strings = _strings_of(reader, sections, dyn_section.link)
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
        start = _vaddr_to_offset(loads, table.get(_DT_STRTAB, -1))
        if start is None:
            return _Dynamic()
        length = min(table.get(_DT_STRSZ, 0), reader.size - start)
        strings = _Strings(reader.bytes_at(start, max(length, 0)))
    found = _Dynamic()
    for tag, value in entries:
        if tag == _DT_NEEDED:
            found.needed.append(strings.get(value))
        elif tag == _DT_RPATH:
            found.rpath += _split_paths(strings.get(value))
        elif tag == _DT_RUNPATH:
            found.runpath += _split_paths(strings.get(value))
        elif tag == _DT_SONAME:
            found.soname = strings.get(value)
    return found


def _iter_verneed(
    reader: _Reader, sections: list[_Section], section: _Section
) -> Iterator[tuple[str, str, int]]:
    """Yield (library, version, version index) from .gnu.version_r.

    Walked within the section's bytes with a budget of one step per 16 bytes, so a corrupt
    ``vn_next``/``vna_next`` chain ends the walk instead of looping.
    """
    data = reader.bytes_at(section.offset, section.size)
    strings = _strings_of(reader, sections, section.link)
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


def _isa_level(reader: _Reader, sections: list[_Section]) -> str | None:
    """x86-64 ISA level from NT_GNU_PROPERTY_TYPE_0 (as auditwheel reads it)."""
    align = 8 if reader.header.bits == 64 else 4
    for section in sections:
        if section.kind != _SHT_NOTE or section.size > 1 << 20:
            continue
        data = reader.bytes_at(section.offset, section.size)
        at = 0
        while at + 12 <= len(data):
            namesz, descsz, kind = struct.unpack_from(reader.order + "III", data, at)
            name_end = at + 12 + namesz
            desc_at = at + 12 + ((namesz + 3) & ~3)
            if name_end > len(data) or desc_at + descsz > len(data):
                break
            if kind == _NT_GNU_PROPERTY_TYPE_0 and data[at + 12 : name_end] == b"GNU\0":
                level = _isa_from_properties(data[desc_at : desc_at + descsz], reader.order, align)
                if level is not None:
                    return level
            at = desc_at + ((descsz + align - 1) & ~(align - 1))
    return None


def _isa_from_properties(desc: bytes, order: str, align: int) -> str | None:
    at = 0
    while at + 8 <= len(desc):
        pr_type, size = struct.unpack_from(order + "II", desc, at)
        if pr_type == _GNU_PROPERTY_X86_ISA_1_NEEDED and size == 4 and at + 12 <= len(desc):
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
    reader: _Reader,
    sections: list[_Section],
    index_to_version: dict[int, tuple[str, str]],
) -> _Symbols:
    """Scan .dynsym once: undefined (with their versions) and exported names."""
    found = _Symbols()
    dynsym = next((s for s in sections if s.kind == _SHT_DYNSYM), None)
    if dynsym is None:
        return found
    wide = reader.header.bits == 64
    entsize = 24 if wide else 16
    if dynsym.entsize and dynsym.entsize != entsize:
        raise _Corrupt(f"dynamic symbols of {dynsym.entsize} bytes are not {entsize}")
    raw = reader.bytes_at(dynsym.offset, dynsym.size - dynsym.size % entsize)
    strings = _strings_of(reader, sections, dynsym.link)
    versym = next((s for s in sections if s.kind == _SHT_VERSYM), None)
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
        if shndx != _SHN_UNDEF:
            if bind in (_STB_GLOBAL, _STB_WEAK, _STB_GNU_UNIQUE):
                name = strings.get(name_at)
                found.exported.add(name)
                if kind == _STT_FUNC:
                    found.functions.add(name)
            continue
        name = strings.get(name_at)
        weak = bind == _STB_WEAK
        if not weak:
            found.undefined.add(name)
        if number < len(indices):
            resolved = index_to_version.get(indices[number] & _VERSYM_INDEX_MASK)
            if resolved is not None:
                found.versioned.append(
                    VersionedSymbol(
                        name=name,
                        version=resolved[1],
                        library=resolved[0],
                        is_function=kind == _STT_FUNC,
                        weak=weak,
                    )
                )
    return found


def _parse(path: Path, buf: _Buffer, *, symbols: bool) -> ElfInfo:
    reader = _Reader(buf)
    header = reader.header
    interpreter: str | None = None
    dyn_segment: tuple[int, int] | None = None
    loads: list[tuple[int, int, int]] = []
    for p_type, offset, vaddr, filesz in reader.segments():
        if p_type == _PT_INTERP and interpreter is None:
            raw = reader.bytes_at(offset, min(filesz, 4096))
            interpreter = raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
        elif p_type == _PT_DYNAMIC and dyn_segment is None:
            dyn_segment = (offset, filesz)
        elif p_type == _PT_LOAD:
            loads.append((offset, vaddr, filesz))
    sections = reader.sections()
    dynamic = _read_dynamic(reader, sections, dyn_segment, loads)

    requirements: dict[str, set[str]] = {}
    index_to_version: dict[int, tuple[str, str]] = {}
    for section in sections:
        if section.kind == _SHT_VERNEED:
            for library, version, index in _iter_verneed(reader, sections, section):
                requirements.setdefault(library, set()).add(version)
                index_to_version[index & _VERSYM_INDEX_MASK] = (library, version)
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
    if not data.startswith(_ELF_MAGIC):
        raise AuditError(f"{path} is not an ELF file")
    try:
        return _parse(Path(path), data, symbols=symbols)
    # Every inconsistency is a _Corrupt; struct/index/overflow errors are belts and braces for
    # cases the explicit checks missed. For the user they all mean the same thing.
    except (_Corrupt, struct.error, IndexError, ValueError, OverflowError, MemoryError) as exc:
        raise _invalid(path, exc) from exc


def read_elf_header(path: Path) -> tuple[str, int, bool, str] | None:
    """(machine, bits, little endian, osabi) of an ELF file, or None if it is not one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError:
        return None
    try:
        reader = _Reader(head)
    except (_Corrupt, struct.error):
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
            if fh.read(4) != _ELF_MAGIC:
                raise AuditError(f"{path} is not an ELF file")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                try:
                    return _parse(path, view, symbols=symbols)
                except (_Corrupt, struct.error, IndexError, ValueError, OverflowError) as exc:
                    raise _invalid(path, exc) from exc
    except OSError as exc:
        raise AuditError(f"Cannot read {path}: {exc.strerror or exc}") from exc

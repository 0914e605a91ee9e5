"""Read what the platform audit needs from an ELF file, with pyelftools.

The audit only needs the dynamic view of a library: what it links (DT_NEEDED), which symbol
versions it requires from each library (.gnu.version_r), which undefined symbols use which
version (.dynsym + .gnu.version), and what it exports. Everything is read into a frozen
:class:`ElfInfo` in one pass so that the policy checks never touch the file again, and any
parse failure on corrupt input becomes an :class:`~cratewright.errors.AuditError`.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from elftools.elf.dynamic import DynamicSection, DynamicSegment
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
from elftools.elf.sections import StringTableSection, SymbolTableSection

from cratewright.errors import AuditError

__all__ = ["ElfInfo", "VersionedSymbol", "analyze_elf", "elf_arch", "is_elf"]

_ELF_MAGIC = b"\x7fELF"
_VERSYM_HIDDEN = 0x8000
_VERSYM_INDEX_MASK = 0x7FFF


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
        path: The file that was read.
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

    @property
    def is_musl(self) -> bool:
        """True for a musl-linked file."""
        return self.libc == "musl"

    def symbols_with_version(self, version: str) -> list[VersionedSymbol]:
        """Undefined symbols that bind to ``version`` (e.g. ``GLIBC_2.34``), in table order."""
        return [s for s in self.versioned_symbols if s.version == version]


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
        if lib == "libc.so" or lib.startswith("libc.musl-"):
            return "musl"
        if lib == "libc.so.6":
            return "glibc"
    return None


def _dynamic_tags(elf: ELFFile) -> Any:
    """The dynamic table, from the section if present, else from PT_DYNAMIC."""
    for section in elf.iter_sections():
        if isinstance(section, DynamicSection):
            return section
    for segment in elf.iter_segments():
        if isinstance(segment, DynamicSegment):
            return segment
    return None


def _versym_indices(section: GNUVerSymSection, little_endian: bool) -> list[int]:
    """Raw .gnu.version entries (one uint16 per dynamic symbol), read in bulk."""
    data = section.data()
    count = len(data) // 2
    fmt = ("<" if little_endian else ">") + f"{count}H"
    return list(struct.unpack(fmt, data[: count * 2]))


def _iter_verneed(elf: ELFFile, section: GNUVerNeedSection) -> Iterator[tuple[str, str, int]]:
    """Yield (library, version, version index) from .gnu.version_r.

    Walked by hand within the section's bytes, so a corrupt ``vn_next``/``vna_next`` chain
    ends the walk instead of looping (pyelftools trusts the header's entry count).
    """
    data = section.data()
    strtab = elf.get_section(section["sh_link"])
    if not isinstance(strtab, StringTableSection):
        raise AuditError("the .gnu.version_r section does not link to a string table")
    order = "<" if elf.little_endian else ">"
    need_fmt, aux_fmt = order + "HHIII", order + "IHHII"
    offset, budget = 0, len(data) // 16
    while budget > 0 and offset + 16 <= len(data):
        budget -= 1
        _ver, count, file_name, aux, next_need = struct.unpack_from(need_fmt, data, offset)
        library = strtab.get_string(file_name)
        aux_offset = offset + aux
        for _ in range(count):
            if budget <= 0 or aux_offset + 16 > len(data):
                break
            budget -= 1
            _hash, _flags, other, name, next_aux = struct.unpack_from(aux_fmt, data, aux_offset)
            yield library, strtab.get_string(name), other
            if next_aux == 0:
                break
            aux_offset += next_aux
        if next_need == 0:
            break
        offset += next_need


def _parse(path: Path, elf: ELFFile) -> ElfInfo:
    header = elf.header
    bits = elf.elfclass
    little = elf.little_endian
    arch = elf_arch(str(header["e_machine"]), bits, little)

    interpreter: str | None = None
    for segment in elf.iter_segments():
        if segment["p_type"] == "PT_INTERP":
            interpreter = segment.get_interp_name()
            break

    needed: list[str] = []
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()
    soname: str | None = None
    dynamic = _dynamic_tags(elf)
    if dynamic is not None:
        for tag in dynamic.iter_tags():
            kind = tag.entry.d_tag
            if kind == "DT_NEEDED":
                needed.append(tag.needed)
            elif kind == "DT_RPATH":
                rpath += _split_paths(tag.rpath)
            elif kind == "DT_RUNPATH":
                runpath += _split_paths(tag.runpath)
            elif kind == "DT_SONAME":
                soname = tag.soname

    # Version index -> (library, version name) from .gnu.version_r.
    requirements: dict[str, set[str]] = {}
    index_to_version: dict[int, tuple[str, str]] = {}
    dynsym: SymbolTableSection | None = None
    versym: GNUVerSymSection | None = None
    for section in elf.iter_sections():
        if isinstance(section, GNUVerNeedSection):
            for library, version, index in _iter_verneed(elf, section):
                requirements.setdefault(library, set()).add(version)
                index_to_version[index & _VERSYM_INDEX_MASK] = (library, version)
        elif isinstance(section, GNUVerSymSection):
            versym = section
        elif isinstance(section, SymbolTableSection) and section["sh_type"] == "SHT_DYNSYM":
            dynsym = section

    versioned: list[VersionedSymbol] = []
    undefined: set[str] = set()
    exported: set[str] = set()
    if dynsym is not None:
        indices = _versym_indices(versym, little) if versym is not None else []
        for number, symbol in enumerate(dynsym.iter_symbols()):
            if number == 0 or not symbol.name:
                continue
            info = symbol["st_info"]
            bind = info["bind"]
            is_undef = symbol["st_shndx"] == "SHN_UNDEF"
            if not is_undef:
                if bind in ("STB_GLOBAL", "STB_WEAK", "STB_GNU_UNIQUE"):
                    exported.add(symbol.name)
                continue
            weak = bind == "STB_WEAK"
            if not weak:
                undefined.add(symbol.name)
            if number < len(indices):
                resolved = index_to_version.get(indices[number] & _VERSYM_INDEX_MASK)
                if resolved is not None:
                    versioned.append(
                        VersionedSymbol(
                            name=symbol.name,
                            version=resolved[1],
                            library=resolved[0],
                            is_function=info["type"] == "STT_FUNC",
                            weak=weak,
                        )
                    )

    needed_tuple = tuple(needed)
    return ElfInfo(
        path=path,
        arch=arch,
        bits=bits,
        elf_type=str(header["e_type"]),
        interpreter=interpreter,
        soname=soname,
        needed=needed_tuple,
        rpath=rpath,
        runpath=runpath,
        version_requirements=MappingProxyType(
            {lib: frozenset(v) for lib, v in requirements.items()}
        ),
        versioned_symbols=tuple(versioned),
        undefined_symbols=frozenset(undefined),
        exported_symbols=frozenset(exported),
        libc=_detect_libc(interpreter, needed_tuple),
    )


def analyze_elf(path: Path | str) -> ElfInfo:
    """Read the dynamic-linking facts of the ELF file at ``path``.

    Raises:
        AuditError: The file cannot be read, is not ELF, or is truncated/corrupt.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AuditError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if not data.startswith(_ELF_MAGIC):
        raise AuditError(f"{path} is not an ELF file")
    try:
        return _parse(path, ELFFile(io.BytesIO(data)))
    except AuditError:
        raise
    # pyelftools signals truncated or inconsistent input with a zoo of exceptions (ELFError,
    # struct.error, construct errors, KeyError, IndexError, UnicodeDecodeError, ...); for the
    # user they all mean the same thing.
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AuditError(
            f"{path} is not a valid ELF file (truncated or corrupt): {detail}"
        ) from exc

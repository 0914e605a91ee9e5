"""What the audit knows about one ELF file, as plain frozen data (no reading here).

``elf.analyze_elf`` fills an :class:`ElfInfo`; the policy checks, the report and repair read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["ElfInfo", "VersionedSymbol", "elf_arch"]


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

"""What an audit found, as plain data: per-file ELF facts, the library graph, the policy ladder.

:class:`AuditReport` is what ``audit_path`` returns, what the CLI prints (text or ``--json``)
and what the GUI's Audit page shows; it holds no logic beyond its own rendering to JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cratewright.core.audit.elf_info import ElfInfo
from cratewright.core.audit.policy import Policy
from cratewright.core.audit.wheelfile import WheelEntry

__all__ = [
    "AuditReport",
    "ElfReport",
    "LibraryKind",
    "LibraryNode",
    "Rung",
    "SymbolOffence",
    "SymbolRow",
]

LibraryKind = Literal["system", "bundled", "external", "missing", "libpython"]


def version_sort_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


@dataclass(frozen=True)
class SymbolOffence:
    """Symbol versions a policy does not allow, for one library they come from.

    Attributes:
        library: The providing library (``libc.so.6``).
        versions: The versions that are too recent (``GLIBC_2.34``).
        symbols: ``name@VERSION`` of the symbols that use them (empty when they come from a
            library that repair would bundle, whose symbols are not listed).
        files: The files that require them.
    """

    library: str
    versions: tuple[str, ...]
    symbols: tuple[str, ...]
    files: tuple[str, ...]

    def __str__(self) -> str:
        what = ", ".join(self.symbols) if self.symbols else ", ".join(self.versions)
        return f"{self.library}: {what} (in {', '.join(self.files)})"


@dataclass(frozen=True)
class Rung:
    """One policy of the ladder and what stands in its way.

    Attributes:
        policy: The policy.
        passes: The wheel meets it as it is.
        repairable: Bundling its external libraries would make the wheel meet it.
        too_recent: Symbol versions newer than the policy allows (the wheel's own files).
        too_recent_after_repair: Extra ones the libraries that repair would bundle bring.
        blacklisted: ``file -> library -> symbols`` it must not use.
        external: Libraries to bundle (soname -> host path, None if not found here).
        isa: Instruction-set level required beyond the baseline (``x86_64_v3``), if any.
        other: Further reasons (wrong libc family, no table for the architecture, PyFPE).
        note: A remark for the reader that is not a failure.
    """

    policy: Policy
    passes: bool
    repairable: bool
    too_recent: tuple[SymbolOffence, ...] = ()
    too_recent_after_repair: tuple[SymbolOffence, ...] = ()
    blacklisted: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    external: Mapping[str, str | None] = field(default_factory=dict)
    isa: str | None = None
    other: tuple[str, ...] = ()
    note: str | None = None

    @property
    def name(self) -> str:
        """The policy name (``manylinux_2_17``)."""
        return self.policy.name

    @property
    def reasons(self) -> list[str]:
        """Every obstacle as one line each."""
        found = list(self.other)
        if self.isa:
            found.append(f"requires the {self.isa} instruction set")
        for offence in self.too_recent:
            found.append(f"too-recent symbol versions from {offence}")
        for file, libs in self.blacklisted.items():
            for lib, symbols in libs.items():
                found.append(f"{file} uses forbidden symbols of {lib}: {', '.join(symbols)}")
        if self.external:
            found.append("needs libraries outside the policy: " + ", ".join(sorted(self.external)))
        for offence in self.too_recent_after_repair:
            found.append(f"bundling would bring too-recent symbol versions from {offence}")
        return found


@dataclass(frozen=True)
class SymbolRow:
    """One versioned symbol a file requires (the symbol table of the GUI and the JSON)."""

    file: str
    symbol: str
    library: str
    version: str
    weak: bool


@dataclass(frozen=True)
class LibraryNode:
    """One library in the dependency graph.

    Attributes:
        soname: Its DT_NEEDED name.
        path: Archive path (bundled) or host path; None when not found.
        kind: ``system`` (on the policy allow-lists), ``bundled`` (inside the wheel),
            ``external`` (found on this machine, must be bundled), ``missing`` (not found) or
            ``libpython``.
        needed: Its own DT_NEEDED.
        needed_by: Files that name it.
    """

    soname: str
    path: str | None
    kind: LibraryKind
    needed: tuple[str, ...]
    needed_by: tuple[str, ...]


@dataclass(frozen=True)
class ElfReport:
    """One native file of the audited input.

    Attributes:
        path: Archive path (or path relative to the audited directory).
        info: Its ELF facts.
        is_extension: It exports a Python module entry point (``PyInit_<name>``).
        top_level: Audited as a root (an extension, or a file nothing else links).
        resolved: Its direct DT_NEEDED -> resolved path (None: not found).
    """

    path: str
    info: ElfInfo
    is_extension: bool
    top_level: bool
    resolved: Mapping[str, str | None]


@dataclass(frozen=True)
class AuditReport:
    """Everything the audit found for one input.

    Attributes:
        path: The audited wheel, directory or file.
        kind: ``wheel``, ``directory`` or ``file``.
        arch: Architecture of the native files (None if there are none).
        libc: ``glibc`` or ``musl`` (None if nothing tells).
        policy: The most portable policy met as is (``manylinux_2_17``, ``linux``), or
            ``none`` for a wheel without native files.
        tag: Its platform tag (``manylinux2014_x86_64.manylinux_2_17_x86_64``, ``any``).
        repair_policy: Best policy after bundling, when that is better than ``policy``.
        repair_tag: Its platform tag.
        external_libraries: Libraries the wheel needs beyond its family's most portable
            policy (soname -> host path or None), as ``auditwheel show`` lists them.
        blocking: For every policy more portable than ``policy``: why it is not met.
        ladder: Every rung, manylinux first, most portable first.
        elfs: Every native file.
        libraries: The merged dependency graph (soname -> node).
        symbols: Every versioned symbol required by the native files.
        errors: Problems that make the wheel broken (libpython linked by an extension).
        warnings: Problems worth a look (an extension without its ``PyInit_`` entry point).
        entries: The wheel's members with sizes (empty for directories and files).
    """

    path: str
    kind: Literal["wheel", "directory", "file"]
    arch: str | None
    libc: str | None
    policy: str
    tag: str
    repair_policy: str | None
    repair_tag: str | None
    external_libraries: Mapping[str, str | None]
    blocking: Mapping[str, list[str]]
    ladder: tuple[Rung, ...]
    elfs: tuple[ElfReport, ...]
    libraries: Mapping[str, LibraryNode]
    symbols: tuple[SymbolRow, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    entries: tuple[WheelEntry, ...] = ()

    def rung(self, name: str) -> Rung | None:
        """The ladder rung of policy ``name`` (canonical name or alias)."""
        return next((r for r in self.ladder if name in (r.name, *r.policy.aliases)), None)

    @property
    def needs_repair(self) -> bool:
        """Bundling libraries would give a better tag than the wheel has now."""
        return self.repair_policy is not None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``cratewright audit --json``)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "arch": self.arch,
            "libc": self.libc,
            "policy": self.policy,
            "tag": self.tag,
            "repair_policy": self.repair_policy,
            "repair_tag": self.repair_tag,
            "external_libraries": dict(sorted(self.external_libraries.items())),
            "blocking": {k: list(v) for k, v in self.blocking.items()},
            "ladder": [
                {
                    "policy": r.name,
                    "passes": r.passes,
                    "repairable": r.repairable,
                    "reasons": r.reasons,
                    **({"note": r.note} if r.note else {}),
                }
                for r in self.ladder
            ],
            "libraries": [_elf_json(e, self.symbols) for e in self.elfs],
            "dependencies": {
                soname: {
                    "path": node.path,
                    "kind": node.kind,
                    "needed": list(node.needed),
                    "needed_by": list(node.needed_by),
                }
                for soname, node in sorted(self.libraries.items())
            },
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def _elf_json(elf: ElfReport, symbols: Sequence[SymbolRow]) -> dict[str, Any]:
    versions: dict[str, list[str]] = {}
    for lib, found in sorted(elf.info.version_requirements.items()):
        versions[lib] = sorted(
            found, key=lambda v: (v.partition("_")[0], version_sort_key(v.partition("_")[2]))
        )
    return {
        "path": elf.path,
        "arch": elf.info.arch,
        "type": elf.info.elf_type,
        "extension": elf.is_extension,
        "top_level": elf.top_level,
        "soname": elf.info.soname,
        "needed": list(elf.info.needed),
        "resolved": dict(elf.resolved),
        "rpath": list(elf.info.rpath),
        "runpath": list(elf.info.runpath),
        "symbol_versions": versions,
        "versioned_symbols": [
            f"{row.symbol}@{row.version}" for row in symbols if row.file == elf.path
        ],
    }

"""The thing being audited, as names and lazily read ELF files: a wheel, a directory or one file.

A wheel is read through the bounded :class:`WheelArchive`; a directory is walked with a file
cap; each ELF file is parsed once, on first use, and cached.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from cratewright.core.audit.elf import analyze_elf, analyze_elf_bytes
from cratewright.core.audit.elf_info import ElfInfo
from cratewright.core.audit.wheelfile import WheelArchive, WheelEntry, WheelLimits
from cratewright.core.user_files import path_kind
from cratewright.errors import AuditError

_MAX_DIR_FILES = 100_000


class AuditSource:
    """The audited files: archive paths and a way to read them as ELF."""

    kind: Literal["wheel", "directory", "file"]

    def __init__(self) -> None:
        self._cache: dict[str, ElfInfo | None] = {}
        self.names: tuple[str, ...] = ()
        self.entries: tuple[WheelEntry, ...] = ()

    def _load(self, name: str) -> ElfInfo | None:
        raise NotImplementedError

    def elf(self, name: str) -> ElfInfo | None:
        """Member ``name`` as ELF, None if it is not ELF. Corrupt ELF raises AuditError."""
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def close(self) -> None:
        """Release the archive."""


class _WheelSource(AuditSource):
    kind = "wheel"

    def __init__(self, path: Path, limits: WheelLimits | None) -> None:
        super().__init__()
        self.archive = WheelArchive(path, limits)
        self.names = tuple(e.name for e in self.archive.entries)
        self.entries = self.archive.entries

    def _load(self, name: str) -> ElfInfo | None:
        if self.archive.head(name) != b"\x7fELF":
            return None
        return analyze_elf_bytes(self.archive.read(name), name)

    def close(self) -> None:
        self.archive.close()


class _DirectorySource(AuditSource):
    kind = "directory"

    def __init__(self, root: Path, names: Iterable[str], kind: str = "directory") -> None:
        super().__init__()
        self.root = root
        self.names = tuple(names)
        self.kind = kind  # type: ignore[assignment]

    def _load(self, name: str) -> ElfInfo | None:
        path = self.root / name
        try:
            with path.open("rb") as fh:
                if fh.read(4) != b"\x7fELF":
                    return None
        except OSError as exc:
            raise AuditError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        return dataclasses.replace(analyze_elf(path), path=Path(name))


def _directory_names(root: Path) -> list[str]:
    names: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs.sort()
        for file in sorted(files):
            full = Path(current) / file
            if full.is_symlink() or not full.is_file():
                continue
            names.append(full.relative_to(root).as_posix())
            if len(names) > _MAX_DIR_FILES:
                raise AuditError(f"{root} has more than {_MAX_DIR_FILES} files; audit less")
    return names


def open_source(path: Path, limits: WheelLimits | None) -> AuditSource:
    # FIFOs, devices and sockets are refused here: reading one would block or never end.
    kind = path_kind(path, "the path to audit", error=AuditError)
    if kind == "dir":
        return _DirectorySource(path, _directory_names(path))
    if kind == "missing":
        raise AuditError(f"Cannot read {path}: No such file or directory")
    if path.suffix == ".whl":
        return _WheelSource(path, limits)
    source = _DirectorySource(path.parent, [path.name], kind="file")
    if source.elf(path.name) is None:
        raise AuditError(f"{path} is neither a wheel, a directory nor an ELF file")
    return source

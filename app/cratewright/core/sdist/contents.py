"""What an sdist holds, as plain data, and the collector that applies maturin's rules to it.

Every entry says why it is in (``reason``: one of the constants below), so the GUI can show the
file list with reasons before anything is built; excluded files are kept for that preview too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cratewright.core.metadata.core_metadata import CoreMetadata
from cratewright.core.sdist.files import ExcludeMatcher
from cratewright.errors import SdistError

__all__ = ["SdistCollector", "SdistContents", "SdistEntry", "SdistExcluded"]

# Why a file is in the sdist (SdistEntry.reason).
CARGO_PACKAGE = "cargo package list"
PATH_DEPENDENCY = "path dependency"
CARGO_TOML = "Cargo.toml"
CARGO_LOCK = "Cargo.lock"
WORKSPACE_MANIFEST = "workspace manifest"
README = "readme"
LICENSE = "license"
PYPROJECT = "pyproject"
PYTHON_SOURCE = "python source"
INCLUDE = "include pattern"
GIT = "git ls-files"
PKG_INFO = "metadata"
# Reasons that say more than "cargo listed it"; they win when a file is added twice.
_SPECIFIC = frozenset({PYTHON_SOURCE, INCLUDE, LICENSE})


@dataclass(frozen=True)
class SdistEntry:
    """One file of the sdist.

    Attributes:
        archive_path: path below the sdist's ``{dist}-{ver}/`` directory, ``/``-separated.
        source: the file it comes from (None for generated PKG-INFO).
        reason: why it is included (cargo package list, python source, include pattern ...).
        detail: the crate, pattern or rewrite behind the reason, for display.
        data: the bytes written when they differ from ``source`` (rewritten manifests).
    """

    archive_path: str
    source: Path | None
    reason: str
    detail: str = ""
    data: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class SdistExcluded:
    """A file that would have been included but an ``exclude`` pattern removed."""

    archive_path: str
    source: Path | None
    pattern: str


@dataclass(frozen=True)
class SdistContents:
    """Everything an sdist build would write: file name, top directory and entries."""

    filename: str
    root_dir: str
    entries: tuple[SdistEntry, ...]
    excluded: tuple[SdistExcluded, ...]
    metadata: CoreMetadata = field(repr=False)


class SdistCollector:
    """Entries by archive path with maturin's exclusion and duplicate rules."""

    def __init__(self, excludes: ExcludeMatcher, out_dir: Path | None, dist_name: str) -> None:
        self.entries: dict[str, SdistEntry] = {}
        self.excluded: list[SdistExcluded] = []
        self._excludes = excludes
        self._out_dir = out_dir
        self._dist_name = dist_name

    def __contains__(self, target: str) -> bool:
        return target in self.entries

    def excluded_by(self, source: Path | None, target: str) -> str | None:
        """The exclude pattern (or out-dir rule) that keeps this file out, if any."""
        if (
            source is not None
            and self._out_dir is not None
            and source.parent == self._out_dir
            and PurePosixPath(source.name).match(f"{self._dist_name}-*.tar.gz")
        ):
            return "(sdist output)"
        return self._excludes.match(source, target)

    def note_excluded(self, target: str, source: Path | None, pattern: str) -> None:
        """Remember an excluded file once, for the preview."""
        if all(e.archive_path != target for e in self.excluded):
            self.excluded.append(SdistExcluded(target, source, pattern))

    def add(
        self,
        target: str,
        source: Path | None,
        reason: str,
        detail: str = "",
        data: bytes | None = None,
    ) -> None:
        target = _clean_target(target)
        pattern = self.excluded_by(source, target)
        if pattern is not None:
            self.note_excluded(target, source, pattern)
            return
        previous = self.entries.get(target)
        if previous is not None:
            if _same_file(previous.source, source):
                # As maturin: the first entry for a file stays, e.g. an `include` glob that
                # matches Cargo.toml keeps the manifest already rewritten for the sdist.
                if (
                    data is None
                    and previous.data is None
                    and reason in _SPECIFIC
                    and previous.reason not in _SPECIFIC
                ):
                    # Both are true; the more specific one is what users look for.
                    self.entries[target] = SdistEntry(target, previous.source, reason, detail)
                return
            raise SdistError(
                f"File {target} was already added to the sdist from "
                f"{previous.source or 'generated data'}, can't add it again from "
                f"{source or 'generated data'}"
            )
        self.entries[target] = SdistEntry(target, source, reason, detail, data)


def _clean_target(target: str) -> str:
    parts = [p for p in PurePosixPath(target).parts if p != "."]
    if not parts or ".." in parts or PurePosixPath(target).is_absolute():
        raise SdistError(f"sdist archive path {target!r} must be relative and stay inside")
    return "/".join(parts)


def _same_file(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return a.samefile(b)
    except OSError:
        return False

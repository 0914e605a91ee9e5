"""What a watch reacts to: exactly the files cargo read, the manifests, and the Python tree.

An import hook that watches the whole project rebuilds whenever anything changes (target/,
editor swap files, ``__pycache__``). cargo already knows what a build read: the dep-info file
it writes beside every uplifted artifact lists the sources of the crate and of its path
dependencies plus the build scripts' ``rerun-if-changed`` paths. Those files, the manifests
and the editable Python tree are all we watch, each directory non-recursively, so that a busy
target/ or .venv inside the project costs nothing.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ChangeKind",
    "WatchInputs",
    "classify_changes",
    "dep_info_path",
    "is_noise",
    "parse_dep_info",
]

# Directories whose contents are never an input, wherever they appear.
_NOISE_DIRS = frozenset(
    {"target", ".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache"}
    | {".ruff_cache", ".venv", "node_modules", ".tox"}
)
# Editor leftovers: vim swap/backup and its write test, emacs lock/autosave, generic backups.
_NOISE_SUFFIXES = (".pyc", ".pyo", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".bak", ".orig", "~")
_NOISE_NAMES = frozenset({"4913", ".DS_Store"})


class ChangeKind(enum.IntEnum):
    """What a batch of changes asks for; a larger value includes the smaller ones' work."""

    NONE = 0  # nothing we read changed
    PYTHON = 1  # only files the editable install serves from the source tree
    REBUILD = 2  # a Rust source or build-script input: compile and reinstall the native part
    REPLAN = 3  # a manifest: metadata, features or dependencies may differ, develop anew


def is_noise(path: Path, root: Path | None = None) -> bool:
    """True for files no build reads: caches, VCS data, build output, editor droppings.

    Directory names count only below ``root``, so a project that itself lives under a folder
    called ``target`` is not ignored wholesale.
    """
    name = path.name
    if name in _NOISE_NAMES or name.endswith(_NOISE_SUFFIXES):
        return True
    if name.startswith((".#", "#")) or (name.startswith(".") and ".tmp-" in name):
        return True  # emacs locks/autosaves; our own atomic-write temporaries
    if root is None or not path.is_relative_to(root):
        return False
    return any(part in _NOISE_DIRS for part in path.relative_to(root).parts[:-1])


def dep_info_path(artifact: str) -> Path:
    """The dep-info file cargo writes beside an uplifted artifact: ``libfoo.so``, ``libfoo.d``."""
    path = Path(artifact)
    native = path.suffix in {".so", ".dylib", ".dll", ".exe"}
    return path.with_name((path.stem if native else path.name) + ".d")


def _unescape_make(words: str) -> Iterator[str]:
    """Split a make rule's right-hand side; cargo escapes spaces in paths as ``\\ ``."""
    current: list[str] = []
    chars = iter(words)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following in (" ", "\\", "#", ":"):
                current.append(following)
            elif following == "\n":
                continue
            else:
                current.extend((char, following))
        elif char.isspace():
            if current:
                yield "".join(current)
                current = []
        else:
            current.append(char)
    if current:
        yield "".join(current)


def parse_dep_info(path: Path) -> list[Path]:
    """The prerequisites of the first rule of a make-style dep-info file ([] when unreadable)."""
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return []
    first = text.split("\n\n", 1)[0]
    _target, sep, rest = first.partition(": ")
    if not sep:
        return []
    return [Path(word) for word in _unescape_make(rest)]


@dataclass(frozen=True)
class WatchInputs:
    """The files one develop cycle depends on, sorted by what a change to them needs.

    Attributes:
        sources: files cargo read (from dep-info), outside cargo's own registry and target dir.
        manifests: Cargo.toml files, Cargo.lock, pyproject.toml.
        python_roots: package directories an editable install serves from the source tree.
        own_outputs: files the build writes into the source tree (the native module), which
            must not trigger the next cycle.
    """

    sources: frozenset[Path]
    manifests: frozenset[Path]
    python_roots: tuple[Path, ...] = ()
    own_outputs: frozenset[Path] = field(default_factory=frozenset)

    @property
    def file_count(self) -> int:
        """How many files a change is looked for in (Python trees counted file by file)."""
        return len(self.sources | self.manifests) + sum(1 for _ in self._python_files())

    def _python_files(self) -> Iterator[Path]:
        for root in self.python_roots:
            for directory, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if d not in _NOISE_DIRS]
                for name in files:
                    path = Path(directory, name)
                    if not is_noise(path, root) and path not in self.own_outputs:
                        yield path

    def directories(self) -> list[Path]:
        """Every directory to watch, each non-recursively (Python trees expanded)."""
        dirs = {p.parent for p in self.sources | self.manifests}
        for root in self.python_roots:
            for directory, subdirs, _ in os.walk(root):
                subdirs[:] = [d for d in subdirs if d not in _NOISE_DIRS]
                dirs.add(Path(directory))
        return sorted(d for d in dirs if d.is_dir())

    def kind_of(self, path: Path) -> ChangeKind:
        """What a change to one path asks for."""
        if is_noise(path) or path in self.own_outputs:
            return ChangeKind.NONE
        if path in self.manifests:
            return ChangeKind.REPLAN
        if path in self.sources:
            return ChangeKind.REBUILD
        for root in self.python_roots:
            if path.is_relative_to(root) and not is_noise(path, root):
                return ChangeKind.PYTHON
        return ChangeKind.NONE


def classify_changes(paths: Iterable[Path], inputs: WatchInputs) -> tuple[ChangeKind, list[Path]]:
    """The strongest need among ``paths`` and the paths that carry it (sorted)."""
    relevant: dict[Path, ChangeKind] = {}
    for path in paths:
        kind = inputs.kind_of(path)
        if kind is not ChangeKind.NONE:
            relevant[path] = kind
    if not relevant:
        return ChangeKind.NONE, []
    strongest = max(relevant.values())
    return strongest, sorted(p for p, k in relevant.items() if k == strongest)


def sources_from_dep_info(
    files: Sequence[Path], exclude: Sequence[Path], *, within: Sequence[Path]
) -> frozenset[Path]:
    """Sources listed by dep-info files that lie ``within`` the project, not under ``exclude``.

    ``exclude`` is cargo's registry and target dir (generated files are outputs, not inputs).
    The uplifted dep-info is shared by every checkout of a crate built into one target dir, so
    a file outside this project's folders is another checkout's and does not count.
    """
    found: set[Path] = set()
    for dep_info in files:
        for path in parse_dep_info(dep_info):
            if not path.is_absolute():
                path = dep_info.parent / path
            if any(path.is_relative_to(root) for root in exclude):
                continue
            if any(path.is_relative_to(root) for root in within):
                found.add(path)
    return frozenset(found)

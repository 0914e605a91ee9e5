"""Which loose files an sdist takes: ``exclude`` matching and the Python source walk.

maturin matches ``[tool.maturin] exclude`` globs with gitignore rules rooted at the
pyproject.toml directory (a pattern without a slash matches at any depth, ``*`` stays inside
one directory, ``**`` crosses them). Its walk of the Python package skips hidden files,
compiled files and, inside a git checkout, whatever ``.gitignore`` ignores; git itself is
asked (``git check-ignore``) so its rules are applied exactly, and outside a repository
nothing is filtered, as with maturin.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cratewright.core.project.maturin_config import GlobPattern

__all__ = [
    "ExcludeMatcher",
    "is_compiled_artifact",
    "walk_python_package",
]

_COMPILED = (".pyc", ".pyd", ".so")


def is_compiled_artifact(path: str | Path) -> bool:
    """Byte-code and native modules never go into an sdist (``develop`` leaves them around)."""
    return str(path).endswith(_COMPILED)


def _glob_regex(pattern: str) -> re.Pattern[str] | None:
    """A gitignore-style glob as a regex over ``/``-separated relative paths."""
    if pattern.endswith("/"):
        return None  # matches directories only; sdist exclusion looks at files
    anchored = pattern.startswith("/")
    body = pattern.lstrip("/")
    if not anchored and "/" not in body:
        body = "**/" + body
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        elif body[i] == "[" and "]" in body[i + 2 :]:
            end = body.index("]", i + 2)
            chars = body[i + 1 : end]
            if chars.startswith("!"):
                chars = "^" + chars[1:]
            out.append(f"[{chars}]")
            i = end + 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class ExcludeMatcher:
    """``exclude`` globs (format sdist) rooted at the pyproject.toml directory."""

    root: Path
    patterns: tuple[GlobPattern, ...]

    @cached_property
    def _compiled(self) -> list[tuple[str, re.Pattern[str]]]:
        compiled = []
        for pattern in self.patterns:
            if pattern.applies_to("sdist"):
                regex = _glob_regex(pattern.path)
                if regex is not None:
                    compiled.append((pattern.path, regex))
        return compiled

    def match(self, source: Path | None, target: str | None = None) -> str | None:
        """The first pattern that excludes this file (by source path, then archive path)."""
        candidates = []
        if source is not None and source.is_relative_to(self.root):
            candidates.append(source.relative_to(self.root).as_posix())
        if target:
            candidates.append(target)
        for text, regex in self._compiled:
            if any(regex.match(candidate) for candidate in candidates):
                return text
        return None


def _git_ignored(directory: Path, paths: Sequence[Path]) -> set[Path]:
    """The subset of ``paths`` that git's ignore rules exclude; empty outside a repository."""
    if not paths:
        return set()
    payload = "\0".join(str(p) for p in paths) + "\0"
    try:
        proc = subprocess.run(
            ["git", "check-ignore", "--no-index", "--stdin", "-z"],
            cwd=directory,
            input=payload.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):
        return set()  # not a git checkout (128) or git unusable: no ignore rules apply
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {Path(name) if Path(name).is_absolute() else directory / name for name in names if name}


def _walk(root: Path) -> Iterator[Path]:
    try:
        children = sorted(root.iterdir())
    except OSError:
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file():
            yield child


def walk_python_package(package: Path) -> list[Path]:
    """Files of a Python package (or single module) for the sdist, sorted.

    Hidden entries, byte-code and native modules are skipped, and so is what ``.gitignore``
    ignores when the package is in a git checkout.
    """
    if package.is_file():
        candidates = [package]
    elif package.is_dir():
        candidates = list(_walk(package))
    else:
        return []
    candidates = [p for p in candidates if not is_compiled_artifact(p)]
    directory = package if package.is_dir() else package.parent
    ignored = _git_ignored(directory, candidates)
    return [p for p in candidates if p not in ignored]

"""Write a planned project to disk all at once, or not at all.

Everything is written into a staging folder on the same file system first (next to the new
folder for ``new``, inside the existing one for ``init``), ``git init`` included, and only then
renamed into place. Any failure removes the staging folder, so a user never finds half a
project: either the whole plan is there or nothing of it is.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from cratewright.core.templates.options import Vcs
from cratewright.core.tools import find_tool, run_tool
from cratewright.errors import CratewrightError, NewProjectError

__all__ = ["CreatedProject", "Mode", "inside_git_work_tree", "target_problem", "write_project"]

Mode = Literal["new", "init"]
_MANIFESTS = ("Cargo.toml", "pyproject.toml")


@dataclass(frozen=True)
class CreatedProject:
    """Where the project was written and whether a git repository was made for it."""

    path: Path
    files: tuple[str, ...]
    git_initialized: bool
    note: str | None = None


def inside_git_work_tree(folder: Path) -> bool:
    """True when ``folder`` or a folder above it holds ``.git`` (cargo then skips git init)."""
    return any((directory / ".git").exists() for directory in (folder, *folder.parents))


def _top_level(files: Mapping[str, str]) -> list[str]:
    return sorted({PurePosixPath(path).parts[0] for path in files})


def target_problem(target: Path, mode: Mode, files: Mapping[str, str] | None = None) -> str | None:
    """Why the project cannot be written at ``target`` (None when it can).

    ``new`` needs a path that does not exist yet, in an existing folder; ``init`` needs an
    existing folder without a Cargo.toml or pyproject.toml, in which no planned file exists.
    """
    if mode == "new":
        if target.exists() or target.is_symlink():
            return f"{target} already exists; choose a new folder name (or use init for it)"
        if not target.parent.is_dir():
            return f"the folder {target.parent} does not exist"
        if not os.access(target.parent, os.W_OK | os.X_OK):
            return f"the folder {target.parent} is not writable"
        return None
    if not target.is_dir():
        return f"{target} is not an existing folder (use new to create one)"
    for manifest in _MANIFESTS:
        if (target / manifest).exists():
            return (
                f"{target} already has a {manifest}; init starts a project in a folder without one"
            )
    taken = [name for name in _top_level(files or {}) if (target / name).exists()]
    if taken:
        return f"{target} already has {', '.join(taken)}, which the new project would overwrite"
    if not os.access(target, os.W_OK | os.X_OK):
        return f"the folder {target} is not writable"
    return None


def _make_staging(folder: Path, label: str) -> Path:
    """A fresh folder made with the user's umask (mkdtemp would make it private, 0700)."""
    while True:
        staging = folder / f".{label}.{secrets.token_hex(4)}.cratewright-staging"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


def _write_files(root: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = root / PurePosixPath(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def _git_init(folder: Path) -> None:
    git = find_tool("git", hint="install git, or choose no version control (--vcs none)")
    run_tool([git, "init", "--quiet", str(folder)], what="git init", error=NewProjectError)


def _write_new(target: Path, files: Mapping[str, str], git: bool) -> None:
    staging = _make_staging(target.parent, target.name)
    try:
        _write_files(staging, files)
        if git:
            _git_init(staging)
        if target.exists():  # appeared while we wrote: never rename over it
            raise NewProjectError(f"{target} appeared while the project was being written")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_init(target: Path, files: Mapping[str, str], git: bool) -> None:
    staging = _make_staging(target, "init")
    moved: list[str] = []
    try:
        _write_files(staging, files)
        if git:
            _git_init(staging)
        for entry in sorted(staging.iterdir()):
            if (target / entry.name).exists():
                raise NewProjectError(
                    f"{target / entry.name} appeared while the project was written"
                )
            entry.rename(target / entry.name)
            moved.append(entry.name)
    except BaseException:
        for name in reversed(moved):
            (target / name).rename(staging / name)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_project(
    target: Path, files: Mapping[str, str], *, mode: Mode, vcs: Vcs = "git"
) -> CreatedProject:
    """Write ``files`` (from ``plan_project``) as a new project at ``target``, atomically.

    With ``vcs="git"`` the project gets its own repository unless it already lies inside one
    (as ``cargo new`` does); the result says which happened.
    """
    target = Path.cwd() / target  # absolute, but symlinks kept as the user named them
    problem = target_problem(target, mode, files)
    if problem:
        raise NewProjectError(problem)
    in_repo = inside_git_work_tree(target if mode == "init" else target.parent)
    git = vcs == "git" and not in_repo
    note = (
        "no git repository was made: the folder is already inside one"
        if (vcs == "git" and in_repo)
        else None
    )
    try:
        if mode == "new":
            _write_new(target, files, git)
        else:
            _write_init(target, files, git)
    except CratewrightError:
        raise
    except OSError as exc:
        raise NewProjectError(
            f"Cannot write the project to {target}: {exc.strerror or exc}; nothing was written"
        ) from exc
    return CreatedProject(target, tuple(files), git, note)

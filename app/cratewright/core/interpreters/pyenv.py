"""Resolve pyenv shims the way pyenv would, without running them.

A shim (``~/.pyenv/shims/python3.12``) is a bash script that runs ``pyenv exec``, which
picks a version from ``$PYENV_VERSION``, the nearest ``.python-version`` or
``$PYENV_ROOT/version`` and fails with "command not found" when no active version has the
command. Running it costs a bash and a pyenv start-up (about 0.1 s) per name and its answer
changes without the file changing, so it could never be cached; reading the same three
places ourselves is instant and tells the listing which real binary a name stands for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ShimResolution",
    "active_versions",
    "is_pyenv_shim",
    "pyenv_root",
    "resolve_shim",
    "versions_with_command",
]


@dataclass(frozen=True)
class ShimResolution:
    """Where a shim leads: ``target`` when an active version has the command, else why not."""

    shim: Path
    target: Path | None
    error: str | None = None
    hint: str | None = None


def pyenv_root(env: Mapping[str, str]) -> Path:
    """``$PYENV_ROOT``, else ``~/.pyenv``."""
    return Path(env.get("PYENV_ROOT") or Path.home() / ".pyenv")


def is_pyenv_shim(path: Path) -> bool:
    """True for a file in a ``shims`` folder that hands over to pyenv."""
    if path.parent.name != "shims":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    return head.startswith(b"#!") and b"pyenv" in head and b" exec " in head


def _read_version_file(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    words: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words += [w for w in line.split() if ".." not in w and "/" not in w]
    return words


def active_versions(root: Path, env: Mapping[str, str], cwd: Path) -> tuple[str, ...]:
    """The versions pyenv would use, in order: PYENV_VERSION, .python-version, global."""
    selected = env.get("PYENV_VERSION")
    if selected:
        return tuple(v for v in selected.replace(":", " ").split() if v)
    start = Path(env.get("PYENV_DIR") or cwd)
    for folder in (start, *start.parents):
        local = folder / ".python-version"
        if local.is_file():
            return tuple(_read_version_file(local))
    chosen = _read_version_file(root / "version")
    return tuple(chosen) or ("system",)


def _version_dir(root: Path, version: str) -> Path | None:
    """``versions/<version>``, or the newest installed version it is a prefix of ("3.12")."""
    exact = root / "versions" / version
    if exact.is_dir():
        return exact
    try:
        names = [p.name for p in (root / "versions").iterdir() if p.name.startswith(version + ".")]
    except OSError:
        return None
    if not names:
        return None

    def key(name: str) -> tuple[int, ...]:
        return tuple(int(part) if part.isdigit() else -1 for part in name.split("."))

    return root / "versions" / max(names, key=key)


def _system_command(name: str, path_dirs: Sequence[str], root: Path) -> Path | None:
    """The first ``name`` on PATH outside pyenv's own folders (pyenv's "system" version)."""
    for folder in path_dirs:
        if not folder or Path(folder).is_relative_to(root):
            continue
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def versions_with_command(root: Path, name: str) -> tuple[str, ...]:
    """Installed versions that have ``bin/<name>`` (pyenv lists them in its error)."""
    try:
        folders = sorted((root / "versions").iterdir())
    except OSError:
        return ()
    return tuple(f.name for f in folders if (f / "bin" / name).is_file())


def resolve_shim(
    shim: Path, *, env: Mapping[str, str], cwd: Path, path_dirs: Sequence[str]
) -> ShimResolution:
    """Say which binary ``shim`` runs now, or why it would fail, as ``pyenv exec`` does."""
    root = pyenv_root(env)
    name = shim.name
    for version in active_versions(root, env, cwd):
        if version == "system":
            found = _system_command(name, path_dirs, root)
        else:
            folder = _version_dir(root, version)
            found = folder / "bin" / name if folder is not None else None
        if found is not None and found.is_file():
            return ShimResolution(shim, found.absolute())
    having = versions_with_command(root, name)
    hint = None
    if having:
        hint = (
            f"pyenv has it in {', '.join(having)} but that version is not active; "
            "activate it (pyenv shell/local/global) or pass the interpreter's full path"
        )
    return ShimResolution(shim, None, f"pyenv: {name}: command not found", hint)

"""Where CI files live in a project, how a new one differs from the old, and writing it safely.

A workflow is replaced whole, so the user sees the unified diff against what is on disk first
(the Release page shows it before "Write workflow"); the write goes to a temporary file in the
same directory and is renamed over the old one, so a full disk or a crash never leaves half a
workflow behind.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from cratewright.errors import ConfigError

__all__ = [
    "default_path",
    "existing_workflows",
    "unified_diff",
    "write_atomically",
    "write_ci_file",
]

GITHUB_WORKFLOWS = Path(".github") / "workflows"


def default_path(root: Path, provider: str) -> Path:
    """Where ``maturin new`` puts the workflow (``.github/workflows/CI.yml``) or GitLab's file."""
    if provider == "gitlab":
        return root / ".gitlab-ci.yml"
    return root / GITHUB_WORKFLOWS / "CI.yml"


def existing_workflows(root: Path) -> list[Path]:
    """The GitHub workflows already in the project, sorted by name."""
    folder = root / GITHUB_WORKFLOWS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def read_text(path: Path) -> str | None:
    """The file's text, None when it does not exist or cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def unified_diff(path: Path, new_text: str, *, label: str | None = None) -> str:
    """The diff from the file on disk (empty when missing) to ``new_text``; "" when equal."""
    old = read_text(path) or ""
    name = label or path.name
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=f"a/{name}" if old else "/dev/null",
        tofile=f"b/{name}",
    )
    return "".join(lines)


def _refuse_non_ci_file(path: Path) -> None:
    """Only a CI file (a YAML mapping) or an empty file is ever replaced.

    ``-o`` names the file to replace, and a slip (``-o /etc/passwd``, ``-o pyproject.toml``)
    must not destroy something else: maturin overwrites whatever it is given.
    """
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file():
        raise ConfigError(f"Cannot write {path}: it exists and is not a regular file")
    text = read_text(path)
    unreadable = object()
    try:
        document = YAML(typ="safe").load(text) if text is not None else unreadable
    except (YAMLError, ValueError, RecursionError):  # not YAML at all: not a CI file
        document = unreadable
    if document is not None and not isinstance(document, dict):  # None: only comments
        raise ConfigError(
            f"{path} exists and is not a CI file (not a YAML mapping); refusing to replace it",
            hint="choose another output file, or remove that one first if you really mean it",
        )


def write_ci_file(path: Path, text: str) -> None:
    """Write a generated CI file, replacing an existing file only when it is a CI file too."""
    _refuse_non_ci_file(path)
    write_atomically(path, text)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (creating its directory) via a temp file and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"Cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(temp).chmod(0o644)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(f"Cannot write {path}: {exc.strerror or exc}") from None

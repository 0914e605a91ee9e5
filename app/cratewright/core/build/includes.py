"""``[tool.maturin] include`` globs: extra files copied into wheels and sdists.

Patterns are tried against the project root, then against ``python-source`` when nothing
matched there, so one pattern like ``pkg/data.txt`` serves both formats (maturin's rule).
In a wheel, files inside the python source dir lose that prefix.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from cratewright.errors import ConfigError
from cratewright.events import EventSink, Message

if TYPE_CHECKING:
    from cratewright.core.build.plan import BuildPlan

__all__ = ["glob_files", "include_files"]


def _validate(pattern: str) -> None:
    pure = PurePosixPath(pattern)
    if pure.is_absolute() or ".." in pure.parts:
        raise ConfigError(f"include pattern {pattern!r} must be relative and stay in the project")


def glob_files(root: Path, pattern: str) -> list[Path]:
    """Files (not directories) under ``root`` matching ``pattern``, sorted; ``**`` recurses."""
    _validate(pattern)
    return sorted(p for p in root.glob(pattern) if p.is_file())


def include_files(
    plan: BuildPlan, fmt: Literal["sdist", "wheel"], *, sink: EventSink
) -> list[tuple[str, Path]]:
    """(archive path, source) for every include pattern that applies to ``fmt``."""
    root = plan.layout.project_root
    python_dir = plan.layout.python_dir
    result: list[tuple[str, Path]] = []
    for pattern in plan.project.maturin.include:
        if not pattern.applies_to(fmt):
            continue
        sink(Message("info", f'📦 Including files matching "{pattern.path}"'))
        matched_root = root
        matches = glob_files(root, pattern.path)
        if not matches and python_dir != root:
            matched_root = python_dir
            matches = glob_files(python_dir, pattern.path)
        for source in matches:
            if fmt == "wheel" and python_dir != root and source.is_relative_to(python_dir):
                target = source.relative_to(python_dir)
            else:
                target = source.relative_to(matched_root)
            result.append((target.as_posix(), source))
    return result

"""``[tool.maturin] include`` globs: extra files copied into wheels and sdists.

Patterns are tried against the project root, then against ``python-source`` when nothing
matched there, so one pattern like ``pkg/data.txt`` serves both formats (maturin's rule).
In a wheel, files inside the python source dir lose that prefix.

``{ path, from = "out-dir", to }`` entries match files a build script wrote into its OUT_DIR
instead; they exist only after compiling, so they go into wheels only, each at
``to/<path relative to OUT_DIR>`` as in maturin.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from cratewright.errors import BuildError, ConfigError
from cratewright.events import EventSink, Message

if TYPE_CHECKING:
    from cratewright.core.build.plan import BuildPlan

__all__ = ["glob_files", "include_files", "out_dir_files"]


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


def out_dir_files(
    plan: BuildPlan, out_dirs: Mapping[str, Path], *, sink: EventSink
) -> list[tuple[str, Path]]:
    """(archive path, source) for every ``from = "out-dir"`` include of the wheel.

    ``out_dirs`` maps a package name to the OUT_DIR cargo reported for its build script
    (``build-script-executed``); the default package is the crate being built.

    Raises:
        BuildError: the package ran no build script, so it has no OUT_DIR.
    """
    crate = plan.cargo_metadata.root_package["name"]
    result: list[tuple[str, Path]] = []
    for pattern in plan.project.maturin.include:
        source = pattern.from_out_dir
        if source is None:
            continue
        _validate(source.to.rstrip("/") or ".")
        package = source.crate_name or crate
        out_dir = out_dirs.get(package)
        if out_dir is None:
            raise BuildError(
                f'No OUT_DIR found for crate "{package}". '
                "Make sure the crate has a build script (build.rs)."
            )
        sink(
            Message(
                "info", f'📦 Including files matching "{pattern.path}" from OUT_DIR of "{package}"'
            )
        )
        matches = glob_files(out_dir, pattern.path)
        if not matches:
            sink(
                Message(
                    "warning",
                    f'⚠️  Warning: No files matched "{pattern.path}" in OUT_DIR ({out_dir})',
                )
            )
        for found in matches:
            target = PurePosixPath(source.to) / found.relative_to(out_dir).as_posix()
            result.append((target.as_posix(), found))
    return result

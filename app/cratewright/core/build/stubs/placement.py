"""Where generated stubs go: into a wheel per project layout, or into a ``-o`` directory.

maturin's rules: a pure project's package *is* the extension, so the stubs sit in it
(``ext/__init__.pyi``, ``ext/sub.pyi``) with a ``py.typed`` marker. In a mixed project the
package is the user's, so the extension's stubs go next to its module: one file as
``<ext>.pyi``, several as an ``<ext>/`` stub package; the user's package keeps its own
``py.typed`` (or lack of one). ``generate-stubs -o`` (maturin 1.16) lays the same files out
under the output directory, without ``py.typed``, and first removes the stub package it is
about to write, so stubs of deleted submodules do not linger.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from cratewright.core.project.layout import ProjectLayout
from cratewright.errors import BuildError

__all__ = ["stub_files_for_wheel", "write_stub_directory"]

StubFiles = Mapping[PurePosixPath, str]
_ROOT = PurePosixPath("__init__.pyi")


def _placed(
    layout: ProjectLayout, stubs: StubFiles
) -> tuple[PurePosixPath | None, dict[PurePosixPath, str]]:
    """(stub package directory or None, path -> text), relative to the wheel's root."""
    module_dir = layout.module_dir_in_wheel
    if not layout.is_mixed:
        return module_dir, {module_dir / path: text for path, text in stubs.items()}
    if set(stubs) == {_ROOT}:
        return None, {module_dir / f"{layout.extension_name}.pyi": stubs[_ROOT]}
    package = module_dir / layout.extension_name
    return package, {package / path: text for path, text in stubs.items()}


def stub_files_for_wheel(layout: ProjectLayout, stubs: StubFiles) -> dict[PurePosixPath, bytes]:
    """Wheel path -> content of every generated stub file (and ``py.typed`` when pure)."""
    _package, placed = _placed(layout, stubs)
    files = {path: text.encode("utf-8") for path, text in placed.items()}
    if not layout.is_mixed:
        files[layout.module_dir_in_wheel / "py.typed"] = b""
    return files


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_stub_directory(out_dir: Path, layout: ProjectLayout, stubs: StubFiles) -> list[Path]:
    """Write the stubs under ``out_dir`` as ``generate-stubs -o`` does; returns the files.

    Raises:
        BuildError: the directory cannot be written.
    """
    package, placed = _placed(layout, stubs)
    written: list[Path] = []
    try:
        if package is not None:
            old = out_dir.joinpath(*package.parts)
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
        for relative, text in sorted(placed.items()):
            target = out_dir.joinpath(*relative.parts)
            _write_atomically(target, text)
            written.append(target)
    except OSError as exc:
        raise BuildError(
            f"Cannot write the type stubs to {out_dir}: {exc.strerror or exc}"
        ) from None
    return written

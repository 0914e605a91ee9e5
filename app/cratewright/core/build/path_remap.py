"""Keep the checkout folder out of the compiled extension: rustc's ``--remap-path-prefix``.

cargo compiles the workspace's own crates with the workspace root as working directory and
source paths relative to it, so the only place their absolute folder ends up is the debug
info's compilation directory (``DW_AT_comp_dir``; every dev-profile build has it). Two
checkouts of the same sources then give different ``.so`` bytes, and a published wheel names
the builder's folder. maturin passes nothing to avoid that.

We set cargo's ``RUSTC_WORKSPACE_WRAPPER`` -- applied to workspace members only, so the
registry crates' cached builds are untouched -- to a tiny script that appends
``--remap-path-prefix=<its working directory>=.``. Passing the flag in RUSTFLAGS instead would
put the folder into every crate's fingerprint and rebuild all dependencies per checkout;
``cargo rustc -- <flags>`` would reach the root crate only, not its path dependencies. The
script lives in the user's cache folder (not in the project), so it is the same file for
every checkout (cargo recompiles workspace members when their wrapper changes).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cratewright.core.interpreters import default_cache_dir

__all__ = ["WRAPPER_VARIABLE", "remap_wrapper", "workspace_wrapper_env"]

WRAPPER_VARIABLE = "RUSTC_WORKSPACE_WRAPPER"

# a new name for new contents: cargo then rebuilds what the old script compiled
_NAME = "rustc-remap-workspace-v2"
# `pwd -P`: rustc records the physical folder (getcwd), which an inherited $PWD may not be.
_SCRIPT = """#!/bin/sh
# Written by cratewright. cargo runs rustc for workspace members in the workspace root;
# call that folder "." in the output, so no build path is compiled in.
exec "$@" "--remap-path-prefix=$(pwd -P)=."
"""


def remap_wrapper(folder: Path | None = None) -> Path:
    """The wrapper script, (re)written atomically when missing or different."""
    folder = folder or default_cache_dir()
    path = folder / _NAME
    try:
        if path.read_text() == _SCRIPT and os.access(path, os.X_OK):
            return path
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{_NAME}.", dir=folder)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(_SCRIPT)
        Path(tmp).chmod(0o755)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def workspace_wrapper_env(environ: Mapping[str, str]) -> dict[str, str]:
    """``{RUSTC_WORKSPACE_WRAPPER: ...}`` for cargo, or nothing when the user set their own.

    A user's own workspace wrapper (clippy-driver, a custom one) wins; ``RUSTC_WRAPPER``
    (sccache) still works, cargo runs it around ours.

    Raises:
        OSError: the cache folder cannot hold the script (the caller builds without it).
    """
    if environ.get(WRAPPER_VARIABLE):
        return {}
    return {WRAPPER_VARIABLE: str(remap_wrapper())}

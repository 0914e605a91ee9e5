"""Source distributions with maturin's contents, and wheels built from one.

Takes the project (pyproject.toml required); gives the sdist's file list with reasons, the
reproducible ``.tar.gz``, and wheels built by unpacking it (``build --sdist``).
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "INCLUDE": "contents",
    "SdistBuild": "verify",
    "SdistContents": "contents",
    "build_sdist": "assemble",
    "build_sdist_and_wheels": "verify",
    "default_out_dir": "verify",
    "sdist_contents": "assemble",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""The project on disk: which files, which bindings, which layout.

Takes a path (``-m``, a directory or a manifest); gives the Project (Cargo.toml, pyproject.toml,
``[tool.maturin]`` as maturin reads it), its bindings kind and its Python layout.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "AUDITWHEEL_MODES": "maturin_config",
    "open_project": "locate",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

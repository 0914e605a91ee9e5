"""``develop``: build and install into a virtualenv (editable), and watch mode.

Takes BuildOptions and an environment (found or given); gives the installed editable wheel,
what changed, and a watcher that rebuilds when the crate's inputs change.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "DevelopResult": "install",
    "DevelopWatch": "watch",
    "PythonEnvironment": "environment",
    "build_editable_wheel": "install",
    "detect_environments": "environment",
    "develop": "install",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""Cargo itself: runs it (streaming events, cancel kills the process tree) and reads it.

Takes a manifest path and cargo flags; gives ``cargo metadata`` as CargoMetadata, the resolved
feature tree, and cargo's JSON/stderr as OutputLine/CargoMessage/Diagnostic/Progress events.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "prefetch_metadata": "prefetch",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

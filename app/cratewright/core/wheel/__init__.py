"""The wheel file: reproducible zip, WHEEL, RECORD and SBOM, written atomically.

Takes entries (files or bytes), tags and the compression setting; gives one ``.whl`` (or none:
a failed write leaves no half file) and the CycloneDX SBOM of the Rust dependency graph.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "COMPRESSION_METHODS": "zip_format",
    "WheelCompression": "zip_format",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

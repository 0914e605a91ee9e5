"""The CycloneDX 1.4 SBOM a repair writes: which OS packages the bundled libraries came from.

maturin 1.16 (after auditwheel) stores ``<dist-info>/sboms/auditwheel.cdx.json`` in a wheel whose
repair bundled libraries, so scanners can see that the wheel ships e.g. Debian's
``libsqlite3-0`` and track its vulnerabilities. The document, as maturin builds it:

* the wheel's own package is ``metadata.component`` and the first component:
  ``pkg:pypi/<name>@<version>`` with the name PEP 503-normalised;
* one ``library`` component per bundled file whose OS package is known, sorted by the file's
  path; its ``bom-ref`` is the package's PURL plus ``#<sha256 of the file's path>`` so two
  files of one package stay distinct (the hash is of the path string, not of the contents);
* ``dependencies``: the wheel depends on every such component, each listed with no
  dependencies of its own;
* keys sorted, two-space indentation, no trailing newline (serde_json's pretty printer).

When no bundled file has a known package there is no document at all (maturin writes none).
The one deliberate difference: ``metadata.tools`` names cratewright, as our other SBOM does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping

from cratewright import __version__
from cratewright.core.audit.os_packages import OsPackage, purl_encode

__all__ = ["AUDITWHEEL_SBOM", "DEFAULT_TOOL", "auditwheel_sbom"]

#: Where the document goes, relative to the ``.dist-info`` directory.
AUDITWHEEL_SBOM = "sboms/auditwheel.cdx.json"
#: (name, version) recorded in ``metadata.tools``.
DEFAULT_TOOL: tuple[str, str] = ("cratewright", __version__)

_NAME_RUN_RE = re.compile(r"[-_.]+")


def _path_order(path: str) -> tuple[bytes, ...]:
    """Rust's ``Path`` order: component by component (``/a/x`` before ``/a-b/x``)."""
    return tuple(part for part in os.fsencode(path).split(b"/") if part not in (b"", b"."))


def auditwheel_sbom(
    name: str,
    version: str,
    packages: Mapping[str, OsPackage],
    *,
    tool: tuple[str, str] = DEFAULT_TOOL,
) -> bytes | None:
    """The SBOM's bytes, or None when no bundled library has a known OS package.

    Args:
        name: The wheel's project name (``Name:`` of METADATA).
        version: Its version (``Version:`` of METADATA).
        packages: Bundled library path on this machine -> the OS package it came from.
        tool: (name, version) for ``metadata.tools``.
    """
    if not packages:
        return None
    normalized = _NAME_RUN_RE.sub("-", name).lower()
    wheel_purl = f"pkg:pypi/{purl_encode(normalized)}@{purl_encode(version)}"
    root = {
        "type": "library",
        "bom-ref": wheel_purl,
        "name": normalized,
        "version": version,
        "purl": wheel_purl,
    }
    components: list[dict[str, object]] = [root]
    refs: list[str] = []
    for path in sorted(packages, key=_path_order):
        package = packages[path]
        lossy = os.fsencode(path).decode("utf-8", "replace")  # Rust's to_string_lossy
        digest = hashlib.sha256(lossy.encode("utf-8")).hexdigest()
        bom_ref = f"{package.purl()}#{digest}"
        components.append(
            {
                "type": "library",
                "bom-ref": bom_ref,
                "name": package.name,
                "version": package.version,
                "purl": package.purl(),
            }
        )
        refs.append(bom_ref)
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.4",
        "version": 1,
        "metadata": {"component": root, "tools": [{"name": tool[0], "version": tool[1]}]},
        "components": components,
        "dependencies": [{"ref": wheel_purl, "dependsOn": refs}, *({"ref": r} for r in refs)],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")

"""Cargo (SemVer) versions and names as they appear in Python packaging.

maturin does not translate SemVer to PEP 440 with special rules: it hands the Cargo version
string to a PEP 440 parser, whose lenient grammar happens to accept most SemVer pre-releases
(``1.0.0-alpha.1`` -> ``1.0.0a1``, ``-rc.1`` -> ``rc1``, ``-dev`` -> ``.dev0``) and build
metadata as a local version (``+abc123de``). We do the same with :mod:`packaging.version`, so
the accepted set and the normalised spelling match the wheels maturin writes.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from cratewright.errors import MetadataError

__all__ = [
    "cargo_to_pep440",
    "dist_info_dir_name",
    "escape_dist_name",
    "escape_version",
    "parse_pep440",
]

_NAME_SEPARATORS = re.compile(r"[-_.]+")

_SEMVER_HINT = (
    "Note that rust uses [SemVer](https://semver.org/) while python uses "
    "[PEP 440](https://peps.python.org/pep-0440/), which have e.g. some differences when "
    "declaring prereleases."
)


def parse_pep440(text: str) -> Version:
    """Parse ``text`` as a PEP 440 version, raising :class:`MetadataError` when it is not one.

    Used for ``project.version`` in pyproject.toml, which must already be PEP 440.
    """
    try:
        return Version(text)
    except InvalidVersion as exc:
        raise MetadataError(f"Invalid version in pyproject.toml: {text!r}: {exc}") from None


def cargo_to_pep440(cargo_version: str) -> Version:
    """Convert the Cargo package version to the PEP 440 version maturin puts in the wheel.

    Args:
        cargo_version: The ``version`` of the package as ``cargo metadata`` reports it.

    Returns:
        The parsed version; ``str()`` of it is the normalised spelling (``1.0.0a1``).

    Raises:
        MetadataError: The SemVer string has no PEP 440 reading (``1.0.0-alpha.beta``).
    """
    try:
        return Version(cargo_version)
    except InvalidVersion:
        raise MetadataError(
            "Rust version used in Cargo.toml is not a valid python version: "
            f"{_parse_failure(cargo_version)} {_SEMVER_HINT}"
        ) from None


def _parse_failure(text: str) -> str:
    """Describe where PEP 440 parsing stops, in pep440_rs' words.

    pep440_rs reports the longest prefix it could parse; a separator after a bare pre-release
    label (``alpha.``) is part of that prefix because it starts the optional number.
    """
    for end in range(len(text) - 1, 0, -1):
        try:
            Version(text[:end])
        except InvalidVersion:
            continue
        if re.search(r"[a-zA-Z]$", text[:end]) and text[end] in "-_.":
            end += 1
        return (
            f"after parsing `{text[:end]}`, found `{text[end:]}`, "
            "which is not part of a valid version."
        )
    return f"Version `{text}` doesn't match PEP 440 rules."


def escape_version(version: Version | str) -> str:
    """Return the version as written in wheel and dist-info names (``-`` becomes ``_``).

    The normalised PEP 440 spelling never contains ``-``; the replacement is kept because
    maturin applies it and a caller may pass an unnormalised string.
    """
    return str(version).replace("-", "_")


def escape_dist_name(name: str) -> str:
    """Return the distribution name as used in file names: runs of ``-_.`` become ``_``, lowercase.

    This is the binary distribution format's escaping, e.g. ``My.Pkg-x`` -> ``my_pkg_x``.
    """
    return _NAME_SEPARATORS.sub("_", name).lower()


def dist_info_dir_name(name: str, version: Version | str) -> str:
    """Return ``<escaped name>-<escaped version>.dist-info`` for a wheel."""
    return f"{escape_dist_name(name)}-{escape_version(version)}.dist-info"

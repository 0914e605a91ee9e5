"""The release's version: where it lives, the next one, and writing it back.

The version is written with the metadata editor into the file that owns it (pyproject.toml,
the crate's Cargo.toml or the workspace root), so comments and layout survive. A version that
lives in Cargo is bumped in SemVer spelling (``1.3.0-alpha.1``), one in pyproject.toml in PEP
440 spelling (``1.3.0a1``). Cargo.lock records every workspace member's version; cargo rewrites
that entry on its next run, so we rewrite exactly that entry now (and nothing else), which keeps
``--locked`` builds working right after a bump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from packaging.version import InvalidVersion, Version

from cratewright.core.metadata.edit import MetadataSession
from cratewright.core.metadata.versions import cargo_to_pep440
from cratewright.core.release.files import write_atomically
from cratewright.core.release.outcome import BUMP_PARTS, BumpPart
from cratewright.core.user_files import read_user_file
from cratewright.errors import MetadataError

__all__ = [
    "BUMP_PARTS",
    "BumpPart",
    "ProjectVersion",
    "bump_version",
    "next_version",
    "project_version",
]

_SEMVER = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+(?P<build>[0-9A-Za-z.-]+))?$"
)
_PEP440_LABELS = {"a": "alpha", "b": "beta", "rc": "rc"}


@dataclass(frozen=True)
class ProjectVersion:
    """The project's version as written and as it appears in wheel names.

    Attributes:
        name: the Python project name (what the index knows it as).
        written: the version as the owning file spells it (SemVer in Cargo.toml).
        python: its PEP 440 form, what the wheels carry.
        file: the file that owns the version.
        key: the TOML key inside that file, e.g. ``package.version``.
        cargo: True when the version lives in a Cargo manifest (SemVer rules).
        crates: the Cargo packages whose Cargo.lock entry follows this version.
    """

    name: str
    written: str
    python: str
    file: Path
    key: str
    cargo: bool
    crates: tuple[str, ...]


def project_version(path: Path | None = None, *, cwd: Path | None = None) -> ProjectVersion:
    """Read the version of the project at ``path`` and where it is written.

    Raises:
        MetadataError: the version is not set, or not editable (e.g. computed elsewhere).
    """
    session = MetadataSession.open(path, cwd=cwd)
    return _version_of(session)


def _version_of(session: MetadataSession) -> ProjectVersion:
    view = session.view()
    field = view.fields["version"]
    name = view.fields["name"].value
    if not field.value or field.target is None:
        raise MetadataError(
            "The project has no version that can be bumped here"
            + (f" ({field.locked})" if field.locked else ""),
            hint="set `version` in Cargo.toml [package] or in pyproject.toml [project]",
        )
    written = str(field.value)
    cargo = field.target.key[0] != "project"
    python = str(cargo_to_pep440(written)) if cargo else str(Version(written))
    crates = _crates_following(session, field.target.file) if cargo else ()
    return ProjectVersion(
        name=str(name),
        written=written,
        python=python,
        file=field.target.file,
        key=".".join(field.target.key),
        cargo=cargo,
        crates=crates,
    )


def _crates_following(session: MetadataSession, owner: Path) -> tuple[str, ...]:
    """The Cargo packages whose version is the one being bumped."""
    manifests = session.manifests()
    names = [str(manifests.package.get("name", ""))]
    if owner == session.workspace_path and manifests.workspace is not None:
        # members that inherit `version.workspace = true` move with the root
        root = session.workspace_path.parent
        for member in manifests.workspace.get("workspace", {}).get("members", []):
            for manifest in root.glob(f"{member}/Cargo.toml"):
                try:
                    data = tomlkit.parse(read_user_file(manifest, "Cargo.toml").decode()).unwrap()
                except Exception:  # an unreadable member is cargo's problem, not the bump's
                    continue
                package = data.get("package", {})
                if isinstance(package.get("version"), dict):
                    names.append(str(package.get("name", "")))
    return tuple(dict.fromkeys(n for n in names if n))


def next_version(current: str, part: BumpPart, *, cargo: bool) -> str:
    """The version after ``current`` (spelled as SemVer when ``cargo``, else PEP 440).

    A final release moves ``patch``/``minor``/``major`` as usual; ``pre`` starts the next
    patch's first alpha, or counts up an existing pre-release. From a pre-release, ``patch``
    releases that same version (``1.3.0-alpha.2`` -> ``1.3.0``), as cargo-release does.

    Raises:
        MetadataError: ``current`` is not a version this can count from.
    """
    major, minor, patch, label, number = _parts(current, cargo=cargo)
    if part == "major":
        major, minor, patch, label = major + 1, 0, 0, None
    elif part == "minor":
        major, minor, patch, label = major, minor + 1, 0, None
    elif part == "patch":
        if label is None:
            patch += 1
        label = None
    elif label is None:
        patch, label, number = patch + 1, "alpha", 1
    else:
        number += 1
    base = f"{major}.{minor}.{patch}"
    if label is None:
        return base
    if cargo:
        return f"{base}-{label}.{number}"
    short = {v: k for k, v in _PEP440_LABELS.items()}.get(label, label)
    return f"{base}{short}{number}"


def _parts(current: str, *, cargo: bool) -> tuple[int, int, int, str | None, int]:
    if cargo:
        match = _SEMVER.match(current)
        if match is None:
            raise MetadataError(f"{current!r} is not a SemVer version (x.y.z)")
        pre = match["pre"]
        label, number = None, 0
        if pre:
            head, _, tail = pre.partition(".")
            label = head
            number = int(tail) if tail.isdigit() else 0
        return int(match["major"]), int(match["minor"]), int(match["patch"]), label, number
    try:
        version = Version(current)
    except InvalidVersion:
        raise MetadataError(f"{current!r} is not a PEP 440 version") from None
    release = (*version.release, 0, 0)[:3]
    label, number = None, 0
    if version.pre is not None:
        label, number = _PEP440_LABELS[version.pre[0]], version.pre[1]
    return release[0], release[1], release[2], label, number


def bump_version(
    path: Path | None = None,
    part: BumpPart = "patch",
    *,
    to: str | None = None,
    cwd: Path | None = None,
) -> tuple[ProjectVersion, ProjectVersion, list[Path]]:
    """Write the next version (or ``to``) into its owning file and follow it in Cargo.lock.

    Returns (before, after, files written).

    Raises:
        MetadataError: the version cannot be bumped or the edit would not round-trip.
        FileChangedError: the file changed on disk while it was being edited.
    """
    session = MetadataSession.open(path, cwd=cwd)
    before = _version_of(session)
    new = to or next_version(before.written, part, cargo=before.cargo)
    session.set_field("version", new)
    written = session.save()
    after = _version_of(session)
    lock = _lock_file(session)
    if before.cargo and lock is not None and _follow_in_lock(lock, before.crates, new):
        written.append(lock)
    return before, after, written


def _lock_file(session: MetadataSession) -> Path | None:
    root = session.workspace_path.parent if session.workspace_path else session.cargo_path.parent
    lock = root / "Cargo.lock"
    return lock if lock.is_file() else None


def _follow_in_lock(lock: Path, crates: tuple[str, ...], version: str) -> bool:
    """Set the version of the local packages ``crates`` (no ``source``) in Cargo.lock."""
    text = read_user_file(lock, "Cargo.lock").decode("utf-8")
    document = tomlkit.parse(text)
    changed = False
    for package in document.get("package", []):
        local = package.get("name") in crates and "source" not in package
        if local and package.get("version") != version:
            package["version"] = version
            changed = True
    if changed:
        write_atomically(lock, tomlkit.dumps(document).encode("utf-8"))
    return changed

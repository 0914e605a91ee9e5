"""What changed between two wheels or two sdists: files, sizes, metadata fields, tags.

The version is taken out of member paths (``pkg-1.0.dist-info/`` and the sdist's top folder)
before comparing, so a new version alone does not show every file as removed and re-added;
the version itself is reported as a metadata field.
"""

from __future__ import annotations

import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.metadata import parse_email

from cratewright.errors import PublishError

__all__ = [
    "COMPARED_FIELDS",
    "DistContents",
    "DistDiff",
    "FieldChange",
    "SizeChange",
    "diff_contents",
    "diff_files",
    "read_contents",
]

COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("version", "Version"),
    ("requires_dist", "Requires-Dist"),
    ("requires_python", "Requires-Python"),
    ("classifiers", "Classifier"),
    ("provides_extra", "Provides-Extra"),
    ("license_expression", "License-Expression"),
    ("license", "License"),
    ("summary", "Summary"),
)


@dataclass(frozen=True)
class DistContents:
    """One distribution read from disk."""

    path: Path
    kind: str
    members: dict[str, int]
    metadata: dict[str, object]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SizeChange:
    """A member in both distributions whose size differs."""

    path: str
    old: int
    new: int


@dataclass(frozen=True)
class FieldChange:
    """A metadata field that differs; lists are compared as sets (what was added/removed)."""

    field: str
    old: object
    new: object
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DistDiff:
    """Everything that differs from ``old`` to ``new``."""

    old: Path
    new: Path
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    resized: tuple[SizeChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    tags_added: tuple[str, ...] = ()
    tags_removed: tuple[str, ...] = ()
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when nothing but file names differ."""
        return not (
            self.added
            or self.removed
            or self.resized
            or self.fields
            or self.tags_added
            or self.tags_removed
        )

    def to_json(self) -> dict[str, object]:
        """A plain dict for ``--json``."""
        return {
            "old": str(self.old),
            "new": str(self.new),
            "files_added": list(self.added),
            "files_removed": list(self.removed),
            "files_resized": [
                {"path": c.path, "old_size": c.old, "new_size": c.new} for c in self.resized
            ],
            "metadata": [
                {
                    "field": c.field,
                    "old": c.old,
                    "new": c.new,
                    "added": list(c.added),
                    "removed": list(c.removed),
                }
                for c in self.fields
            ],
            "tags_added": list(self.tags_added),
            "tags_removed": list(self.tags_removed),
            "archive_size": {
                "old": self.sizes.get("archive", (0, 0))[0],
                "new": self.sizes.get("archive", (0, 0))[1],
            },
        }

    def lines(self) -> list[str]:
        """The diff as text, one change per line."""
        out = [f"--- {self.old.name}", f"+++ {self.new.name}"]
        old_size, new_size = self.sizes.get("archive", (0, 0))
        out.append(f"size: {old_size} -> {new_size} bytes ({new_size - old_size:+d})")
        for change in self.fields:
            if change.added or change.removed:
                out += [f"{change.field}: + {v}" for v in change.added]
                out += [f"{change.field}: - {v}" for v in change.removed]
            else:
                out.append(f"{change.field}: {change.old} -> {change.new}")
        out += [f"tag: + {t}" for t in self.tags_added]
        out += [f"tag: - {t}" for t in self.tags_removed]
        out += [f"file: + {p} ({self._new_size(p)} bytes)" for p in self.added]
        out += [f"file: - {p}" for p in self.removed]
        out += [f"size: {c.path}: {c.old} -> {c.new} ({c.new - c.old:+d})" for c in self.resized]
        if self.empty:
            out.append("no differences besides the version in file names")
        return out

    def _new_size(self, path: str) -> int:
        return self.sizes.get(path, (0, 0))[1]


def _strip_version(member: str, dist_info_prefixes: tuple[str, ...]) -> str:
    head, sep, rest = member.partition("/")
    for prefix in dist_info_prefixes:
        if head == prefix + ".dist-info":
            return f"{{dist}}.dist-info{sep}{rest}"
        if head == prefix + ".data":
            return f"{{dist}}.data{sep}{rest}"
    return member


def read_contents(path: Path) -> DistContents:
    """Read the members (path -> size), the metadata and the tags of a wheel or sdist.

    Raises:
        PublishError: not a readable wheel or .tar.gz sdist.
    """
    path = Path(path)
    try:
        if path.name.endswith(".whl"):
            return _read_wheel(path)
        if path.name.endswith(".tar.gz"):
            return _read_sdist(path)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, KeyError) as exc:
        raise PublishError(f"{path.name} cannot be read: {exc}") from None
    raise PublishError(f"{path.name} is neither a wheel (.whl) nor an sdist (.tar.gz)")


def _parse_metadata(data: bytes) -> dict[str, object]:
    raw, _ = parse_email(data)
    return dict(raw)


def _read_wheel(path: Path) -> DistContents:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        dist_info = next(
            i.filename.split("/")[0]
            for i in infos
            if i.filename.split("/")[0].endswith(".dist-info")
        )
        prefix = dist_info[: -len(".dist-info")]
        metadata = _parse_metadata(archive.read(f"{dist_info}/METADATA"))
        wheel_file = archive.read(f"{dist_info}/WHEEL").decode("utf-8", "replace")
        members = {
            _strip_version(i.filename, (prefix,)): i.file_size for i in infos if not i.is_dir()
        }
    tags = tuple(
        sorted(
            line.split(":", 1)[1].strip()
            for line in wheel_file.splitlines()
            if line.startswith("Tag:")
        )
    )
    return DistContents(path, "wheel", members, metadata, tags)


def _read_sdist(path: Path) -> DistContents:
    with tarfile.open(path, "r:gz") as archive:
        members_list = archive.getmembers()
        roots = {m.name.split("/")[0] for m in members_list}
        if len(roots) != 1:
            raise PublishError(f"{path.name} does not hold exactly one top-level folder")
        root = roots.pop()
        handle = archive.extractfile(f"{root}/PKG-INFO")
        if handle is None:
            raise PublishError(f"{path.name} has no PKG-INFO")
        metadata = _parse_metadata(handle.read())
        members = {
            m.name.split("/", 1)[1]: m.size for m in members_list if m.isfile() and "/" in m.name
        }
    return DistContents(path, "sdist", members, metadata, ())


def _as_list(value: object) -> list[str] | None:
    if isinstance(value, list):
        return [str(v) for v in value]
    return None


def diff_contents(old: DistContents, new: DistContents) -> DistDiff:
    """Compare two distributions read with :func:`read_contents`."""
    added = tuple(sorted(set(new.members) - set(old.members)))
    removed = tuple(sorted(set(old.members) - set(new.members)))
    resized = tuple(
        SizeChange(p, old.members[p], new.members[p])
        for p in sorted(set(old.members) & set(new.members))
        if old.members[p] != new.members[p]
    )
    fields: list[FieldChange] = []
    for key, label in COMPARED_FIELDS:
        before, after = old.metadata.get(key), new.metadata.get(key)
        if before == after:
            continue
        before_list, after_list = _as_list(before), _as_list(after)
        if before_list is not None or after_list is not None:
            b, a = set(before_list or []), set(after_list or [])
            if a == b:
                continue
            fields.append(
                FieldChange(label, before, after, tuple(sorted(a - b)), tuple(sorted(b - a)))
            )
        else:
            fields.append(FieldChange(label, before, after))
    sizes = {
        p: (old.members.get(p, 0), new.members.get(p, 0))
        for p in set(old.members) | set(new.members)
    }
    sizes["archive"] = (old.path.stat().st_size, new.path.stat().st_size)
    return DistDiff(
        old=old.path,
        new=new.path,
        added=added,
        removed=removed,
        resized=resized,
        fields=tuple(fields),
        tags_added=tuple(sorted(set(new.tags) - set(old.tags))),
        tags_removed=tuple(sorted(set(old.tags) - set(new.tags))),
        sizes=sizes,
    )


def diff_files(old: Path, new: Path) -> DistDiff:
    """Compare two files on disk (both wheels or both sdists).

    Raises:
        PublishError: unreadable, or one is a wheel and the other an sdist.
    """
    before, after = read_contents(old), read_contents(new)
    if before.kind != after.kind:
        raise PublishError(
            f"{Path(old).name} is a {before.kind} and {Path(new).name} a {after.kind}: "
            "compare two wheels or two sdists"
        )
    return diff_contents(before, after)

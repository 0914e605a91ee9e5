"""The wheels and sdists a project already has in its out dir (from earlier runs).

After a restart the Audit and Publish pages start from these instead of an empty list.
Files of other projects sharing the directory are left out; files of another version than
the project's current one are kept but marked stale, so nobody uploads last week's wheel
by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

__all__ = ["ExistingArtifact", "default_out_dir", "find_artifacts"]


@dataclass(frozen=True)
class ExistingArtifact:
    """One wheel or sdist found on disk."""

    path: Path
    version: str
    modified: float  # mtime, seconds since the epoch
    stale: bool  # built for another version than the project's current one

    @property
    def is_wheel(self) -> bool:
        """A .whl (else an sdist)."""
        return self.path.suffix == ".whl"

    def label(self) -> str:
        """The file name, with the version called out when it is not the current one."""
        return (
            f"{self.path.name}  (older version {self.version})" if self.stale else (self.path.name)
        )


def default_out_dir(target_directory: Path, out: str | Path | None = None) -> Path:
    """Where a build writes: ``out`` when the user set one, else ``<target dir>/wheels``."""
    return Path(out) if out else target_directory / "wheels"


def _name_and_version(path: Path) -> tuple[str, Version] | None:
    try:
        if path.name.endswith(".whl"):
            name, version, _build, _tags = parse_wheel_filename(path.name)
        elif path.name.endswith(".tar.gz"):
            name, version = parse_sdist_filename(path.name)
        else:
            return None
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return name, version


def find_artifacts(out_dir: Path, dist_name: str, version: str | Version) -> list[ExistingArtifact]:
    """The project's wheels and sdists in ``out_dir``, newest first ([] if it is missing)."""
    wanted = canonicalize_name(dist_name)
    try:
        current: Version | None = Version(str(version))
    except InvalidVersion:
        current = None
    try:
        entries = list(out_dir.iterdir())
    except OSError:
        return []
    found = []
    for path in entries:
        parsed = _name_and_version(path)
        if parsed is None or canonicalize_name(parsed[0]) != wanted or not path.is_file():
            continue
        found.append(
            ExistingArtifact(
                path, str(parsed[1]), path.stat().st_mtime, current is None or parsed[1] != current
            )
        )
    return sorted(found, key=lambda a: (-a.modified, a.path.name))

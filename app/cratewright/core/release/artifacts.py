"""The files of one release and their hashes, recorded once and trusted by every later step.

The build step writes ``release-<name>-<version>.json`` next to the files. Rehearsal and
promotion read it and refuse any file whose SHA-256 changed since, so what reaches the main
index is byte for byte what was checked and rehearsed: nothing is rebuilt in between.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from cratewright.core.release.files import sha256_of, write_atomically
from cratewright.errors import PublishError

__all__ = ["ReleaseFile", "ReleaseFiles", "manifest_path", "read_manifest", "write_manifest"]


@dataclass(frozen=True)
class ReleaseFile:
    """One file of the release as it was built."""

    path: Path
    sha256: str
    size: int

    @property
    def kind(self) -> str:
        """``wheel`` or ``sdist``."""
        return "wheel" if self.path.name.endswith(".whl") else "sdist"


@dataclass(frozen=True)
class ReleaseFiles:
    """Every file of one project version, wheels first."""

    name: str
    version: str
    files: tuple[ReleaseFile, ...]

    @property
    def paths(self) -> list[Path]:
        """The file paths, in upload order."""
        return [f.path for f in self.files]

    @property
    def wheels(self) -> list[ReleaseFile]:
        """The wheels only."""
        return [f for f in self.files if f.kind == "wheel"]

    @property
    def sdist(self) -> ReleaseFile | None:
        """The source distribution, if one was built."""
        return next((f for f in self.files if f.kind == "sdist"), None)

    def verify_unchanged(self) -> None:
        """Refuse files that are gone or whose bytes changed since they were recorded.

        Raises:
            PublishError: a file is missing or its SHA-256 differs.
        """
        for file in self.files:
            if not file.path.is_file():
                raise PublishError(
                    f"{file.path.name} is gone since it was built",
                    hint="run the release from the build step again",
                )
            if sha256_of(file.path) != file.sha256:
                raise PublishError(
                    f"{file.path.name} changed since it was built and checked "
                    "(its sha256 differs); it is not uploaded",
                    hint="run the release from the build step again",
                )


def record(name: str, version: str, paths: list[Path]) -> ReleaseFiles:
    """Hash ``paths`` now (wheels first)."""
    ordered = sorted(paths, key=lambda p: (not p.name.endswith(".whl"), p.name))
    files = tuple(ReleaseFile(p.resolve(), sha256_of(p), p.stat().st_size) for p in ordered)
    return ReleaseFiles(str(canonicalize_name(name)), version, files)


def manifest_path(out_dir: Path, name: str, version: str) -> Path:
    """Where the record of ``name``'s ``version`` lives."""
    return out_dir / f"release-{canonicalize_name(name)}-{version}.json"


def write_manifest(out_dir: Path, files: ReleaseFiles) -> Path:
    """Record the files and their hashes next to them (atomically)."""
    path = manifest_path(out_dir, files.name, files.version)
    data = {
        "name": files.name,
        "version": files.version,
        "files": [{"path": str(f.path), "sha256": f.sha256, "size": f.size} for f in files.files],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(path, (json.dumps(data, indent=2) + "\n").encode())
    return path


def read_manifest(out_dir: Path, name: str, version: str) -> ReleaseFiles | None:
    """The recorded files of ``version``, or None if that version was not built here."""
    path = manifest_path(out_dir, name, version)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = tuple(
            ReleaseFile(Path(f["path"]), str(f["sha256"]), int(f["size"])) for f in data["files"]
        )
        return ReleaseFiles(str(data["name"]), str(data["version"]), files)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            f"{path} cannot be read ({exc})", hint="run the release from the build step again"
        ) from None

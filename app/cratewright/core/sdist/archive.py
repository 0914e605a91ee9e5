"""The sdist's .tar.gz: a reproducible writer and a safe unpacker.

maturin writes ``{dist}-{ver}.tar.gz`` with ``PKG-INFO`` as the first member (tools read the
metadata without walking the whole archive), every other member sorted by path component,
uid/gid 0 and no user or group names, mode 0644, and one mtime for all (``SOURCE_DATE_EPOCH``
or a fixed date in 2006, since some tools mishandle 0). Long or non-ASCII paths get PAX
headers. The gzip header carries no name and no time, so two builds of the same tree are
byte-identical. The archive is written to a temp file in the out dir and renamed into place.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from cratewright.core.user_files import remove_stale_temps
from cratewright.core.wheel.zip_format import source_date_epoch
from cratewright.errors import SdistError

__all__ = [
    "SDIST_DEFAULT_MTIME",
    "find_unpacked_manifest",
    "sdist_member_names",
    "unpack_sdist",
    "write_sdist",
]

SDIST_DEFAULT_MTIME = 1153704088
"""maturin's fixed sdist timestamp (2006-07-23), used when SOURCE_DATE_EPOCH is unset."""


def _order(path: str, first: str) -> tuple[bool, tuple[str, ...]]:
    return (path != first, tuple(PurePosixPath(path).parts))


def _tar_info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info


def _tar_bytes(members: Mapping[str, bytes], first: str, mtime: int) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(members, key=lambda p: _order(p, first)):
            data = members[name]
            tar.addfile(_tar_info(name, len(data), mtime), io.BytesIO(data))
    return raw.getvalue()


def write_sdist(
    members: Mapping[str, bytes],
    out_dir: Path,
    filename: str,
    *,
    first: str,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Write ``members`` (archive path -> bytes) as ``out_dir/filename``; returns its path.

    Raises:
        SdistError: the out dir cannot be created or written.
        ConfigError: SOURCE_DATE_EPOCH is not an integer.
    """
    epoch = source_date_epoch(environ)
    mtime = SDIST_DEFAULT_MTIME if epoch is None else epoch
    tar = _tar_bytes(members, first, mtime)
    compressed = io.BytesIO()
    with gzip.GzipFile(fileobj=compressed, mode="wb", filename="", mtime=0) as gz:
        gz.write(tar)
    final = out_dir / filename
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(out_dir, f".{filename}.tmp-")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{filename}.tmp-", dir=out_dir)
    except OSError as exc:
        raise SdistError(f"Cannot write the sdist into {out_dir}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(compressed.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(0o644)
        tmp.replace(final)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise SdistError(f"Cannot write {final}: {exc.strerror or exc}") from None
    return final


def sdist_member_names(sdist: Path) -> list[str]:
    """Member names of an sdist in archive order (for previews, tests and checks)."""
    try:
        with tarfile.open(sdist, "r:gz") as tar:
            return tar.getnames()
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise SdistError(f"Cannot read the sdist {sdist}: {exc}") from None


def _top_dir(names: Iterable[str], sdist: Path) -> str:
    tops = {PurePosixPath(name).parts[0] for name in names if name}
    if len(tops) != 1:
        raise SdistError(
            f"Expected exactly one top-level directory in {sdist.name}, found {len(tops)}"
        )
    return tops.pop()


def unpack_sdist(sdist: Path, dest: Path) -> Path:
    """Extract ``sdist`` into ``dest`` and return its single top-level directory.

    Members that would escape ``dest`` (absolute paths, ``..``, links out) are refused by
    tarfile's ``data`` filter, so a hostile archive cannot write outside the directory.
    """
    try:
        with tarfile.open(sdist, "r:gz") as tar:
            top = _top_dir(tar.getnames(), sdist)
            tar.extractall(dest, filter="data")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise SdistError(f"Cannot unpack the sdist {sdist}: {exc}") from None
    return dest / top


def find_unpacked_manifest(top: Path) -> Path:
    """The path to give ``-m`` for an unpacked sdist: its pyproject.toml, else Cargo.toml."""
    for name in ("pyproject.toml", "Cargo.toml"):
        if (top / name).is_file():
            return top / name
    raise SdistError(f"Neither pyproject.toml nor Cargo.toml found in the unpacked sdist {top}")

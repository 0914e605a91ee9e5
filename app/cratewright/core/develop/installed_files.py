"""Files of an installed distribution: replaced safely, refreshed from a rebuild, in RECORD.

A rebuilt wheel's changed files can go over an installed copy of the same wheel without pip.

Between two watch cycles only the native module changes; pip would uninstall and reinstall
the whole distribution, which costs a second or more on every save. When the installed
RECORD lists exactly the files of the new wheel, writing the changed ones in place (unlinked
first, so a running interpreter that has the old library mapped does not crash) and updating
their RECORD lines is the same end state. Anything else is refused, and the caller installs
the ordinary way.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from cratewright.errors import BuildError

if TYPE_CHECKING:
    from cratewright.core.wheel.writer import WheelEntry

__all__ = ["refresh_installed", "update_record", "write_if_changed", "write_into_tree"]


def write_into_tree(target: Path, data: bytes, executable: bool) -> None:
    """Replace a file in the source tree; the old one is unlinked first.

    A running interpreter may have the old native module mapped; unlinking instead of
    overwriting in place keeps that process from crashing (maturin#758).
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).chmod(0o755 if executable else 0o644)
        Path(tmp).replace(target)
    except OSError as exc:
        raise BuildError(f"Cannot write {target}: {exc.strerror or exc}") from None


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _read_record(path: Path) -> list[list[str]] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return [row for row in csv.reader(io.StringIO(text)) if row]


def _is_generated(name: str) -> bool:
    """Files an installer adds on its own (byte-code, INSTALLER, REQUESTED, direct_url)."""
    path = PurePosixPath(name)
    return "__pycache__" in path.parts or path.suffix == ".pyc"


def refresh_installed(
    site_packages: Path, dist_info: str, entries: Mapping[str, WheelEntry]
) -> bool:
    """Write a rebuilt wheel's changed files into an install of the same files; False if not one.

    ``entries`` are the new wheel's members (:func:`~cratewright.core.build.builder.wheel_entries`).
    Only files outside the dist-info are compared; the metadata of a watch cycle without a
    manifest change is the same by construction.
    """
    record_path = site_packages / dist_info / "RECORD"
    rows = _read_record(record_path)
    if rows is None:
        return False
    installed = {
        row[0]: index
        for index, row in enumerate(rows)
        if not row[0].startswith(f"{dist_info}/") and not _is_generated(row[0])
    }
    members = {name: e for name, e in entries.items() if not name.startswith(f"{dist_info}/")}
    if set(members) != set(installed):
        return False
    for name, entry in members.items():
        target = site_packages / name
        data = write_if_changed(target, entry)
        if data is not None:
            rows[installed[name]][1:] = [_record_hash(data), str(len(data))]
    _write_record(record_path, rows)
    return True


def write_if_changed(target: Path, entry: WheelEntry) -> bytes | None:
    """Put ``entry`` at ``target`` unless it is there already; the bytes written, or None."""
    try:
        data = entry.read()
    except OSError as exc:
        raise BuildError(f"Cannot read the rebuilt {entry.source}: {exc.strerror or exc}") from None
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return None
    except OSError:
        pass
    write_into_tree(target, data, entry.executable)
    return data


def update_record(site_packages: Path, dist_info: str, files: dict[str, bytes]) -> None:
    """Give RECORD the hash and size of files we rewrote after the installer (direct_url.json)."""
    record_path = site_packages / dist_info / "RECORD"
    rows = _read_record(record_path)
    if rows is None:
        return
    for row in rows:
        if row[0] in files:
            data = files[row[0]]
            row[1:] = [_record_hash(data), str(len(data))]
    _write_record(record_path, rows)


def _write_record(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    fd, tmp = tempfile.mkstemp(prefix=".RECORD.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buffer.getvalue())
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BuildError(f"Cannot update {path}: {exc.strerror or exc}") from None

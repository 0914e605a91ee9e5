"""Reproducible wheel archives: collect entries, then write zip + WHEEL + RECORD in one go.

The layout follows what maturin 1.16 writes, checked against real maturin wheels:

* zip entries are sorted path-component by path-component (Rust ``PathBuf`` order, so
  ``pkg/x`` sorts before ``pkg-1.0.data/y``), with every ``<dist-info>/`` entry after all
  others (PEP 427 recommendation) and ``<dist-info>/RECORD`` as the very last entry;
* RECORD lists every entry in plain component order (dist-info *not* moved last), LF line
  endings, then ``<dist-info>/RECORD,,``;
* every entry is dated from ``SOURCE_DATE_EPOCH`` (UTC) or 1980-01-01 00:00:00, has mode
  0o644 or 0o755, a unix ``create_system``, no extra fields and no directory entries.

Entries are only recorded by ``add_*``; nothing is read until :meth:`WheelWriter.write`, which
builds the archive in a hidden temp file in the output directory and renames it onto the
final name only once it is complete and synced, so a failed or interrupted build never
leaves a half-written ``.whl`` behind.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import stat
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cratewright import __version__
from cratewright.core.user_files import remove_stale_temps
from cratewright.core.wheel.tags import compress_tags, expand_tag, unique_in_order
from cratewright.core.wheel.zip_format import (
    LEVEL_RANGES,
    WheelCompression,
    zip_date_time,
)
from cratewright.errors import BuildError, ConfigError

__all__ = ["WheelEntry", "WheelWriter"]

_COPY_CHUNK = 1024 * 1024


def _check_archive_path(archive_path: str) -> None:
    """Reject paths that could escape the install directory or are not portable."""
    problem = None
    if not archive_path:
        problem = "it is empty"
    elif "\\" in archive_path:
        problem = "it contains a backslash"
    elif "\x00" in archive_path:
        problem = "it contains a NUL byte"
    elif archive_path.startswith("/"):
        problem = "it is absolute"
    elif archive_path.endswith("/"):
        problem = "it names a directory"
    else:
        segments = archive_path.split("/")
        if ".." in segments:
            problem = "it contains '..'"
        elif "." in segments or "" in segments:
            problem = "it contains an empty or '.' segment"
        elif len(segments[0]) == 2 and segments[0][1] == ":":
            problem = "it starts with a drive letter"
    if problem:
        raise BuildError(f"Invalid path {archive_path!r} in wheel: {problem}")


@dataclass(frozen=True)
class WheelEntry:
    """One archive member: either a file on disk (read at write time) or bytes in memory."""

    source: Path | None
    data: bytes | None
    executable: bool

    def read(self) -> bytes:
        """The member's content (a source file is read now)."""
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()


def _mode(executable: bool) -> int:
    return 0o755 if executable else 0o644


def _record_hash(digest: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _unreadable(source: Path, archive_path: str, exc: OSError) -> BuildError:
    """Error for a source file that vanished or cannot be read when the wheel is written."""
    return BuildError(
        f"Cannot read {source} for {archive_path} in the wheel: {exc.strerror or exc}"
    )


def _current_umask() -> int:
    """Read the process umask without changing it where possible (thread-safe on Linux)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class WheelWriter:
    """Collects the files of one wheel and writes them as a reproducible archive.

    Args:
        dist_name: distribution name already escaped for file names (``my_pkg``).
        version: version already normalised and escaped for file names.
        tags: compressed tag strings (usually one), e.g.
            ``cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64``.
        generator: the ``Generator:`` value of the WHEEL file.
        root_is_purelib: the ``Root-Is-Purelib:`` value (maturin always writes false).
        compression: ``zipfile.ZIP_DEFLATED`` (default, like maturin), ``ZIP_STORED`` or
            ``ZIP_BZIP2``.
        compresslevel: compression level; None for the method's default (deflate: 6).
        force_zip64: write zip64 records for every member (large-file support).
        settings: a :class:`WheelCompression`; overrides the three arguments above.

    Raises:
        BuildError: a malformed tag or name.
        ConfigError: an unsupported compression method or level.
    """

    def __init__(
        self,
        dist_name: str,
        version: str,
        tags: Sequence[str],
        *,
        generator: str = f"cratewright ({__version__})",
        root_is_purelib: bool = False,
        compression: int = zipfile.ZIP_DEFLATED,
        compresslevel: int | None = None,
        force_zip64: bool = False,
        settings: WheelCompression | None = None,
    ) -> None:
        if settings is not None:
            compression, compresslevel = settings.zip_method(), settings.level
            force_zip64 = settings.large_files
        for label, value in (("distribution name", dist_name), ("version", version)):
            if not value or any(ch in value for ch in "-/\\ \t\n"):
                raise BuildError(f"Invalid {label} {value!r} for a wheel file name")
        if isinstance(tags, str):
            tags = [tags]
        self._tag = compress_tags(tags)
        self._tags = tuple(tags)
        if compression == zipfile.ZIP_STORED:
            if compresslevel not in (None, 0):
                raise ConfigError("The stored compression method takes no compression level")
            compresslevel = None
        elif compression in LEVEL_RANGES:
            levels = LEVEL_RANGES[compression]
            if compresslevel is not None and compresslevel not in levels:
                raise ConfigError(
                    f"Invalid compression level {compresslevel}: use {levels.start} to "
                    f"{levels.stop - 1}"
                )
        else:
            raise ConfigError(f"Unsupported zip compression method {compression!r}")
        self.dist_name = dist_name
        self.version = version
        self.generator = generator
        self.root_is_purelib = root_is_purelib
        self.compression = compression
        self.compresslevel = compresslevel
        self.force_zip64 = force_zip64
        self._entries: dict[str, WheelEntry] = {}

    @property
    def dist_info(self) -> str:
        """Name of the ``.dist-info`` directory inside the wheel."""
        return f"{self.dist_name}-{self.version}.dist-info"

    @property
    def data_dir(self) -> str:
        """Name of the ``.data`` directory inside the wheel (scripts, headers, data...)."""
        return f"{self.dist_name}-{self.version}.data"

    @property
    def tag(self) -> str:
        """The compressed tag used in the file name."""
        return self._tag

    @property
    def filename(self) -> str:
        """The wheel's file name, ``{dist}-{version}-{tag}.whl``."""
        return f"{self.dist_name}-{self.version}-{self._tag}.whl"

    def __contains__(self, archive_path: object) -> bool:
        """True if an entry with this archive path was already added."""
        return archive_path in self._entries

    @property
    def archive_paths(self) -> list[str]:
        """Paths added so far, in the order they will appear in the zip."""
        return sorted(self._entries, key=self._zip_order)

    def _check_new(self, archive_path: str, source: Path | None) -> bool:
        """Validate a new entry; return False if it duplicates the same source file."""
        _check_archive_path(archive_path)
        if archive_path in (f"{self.dist_info}/WHEEL", f"{self.dist_info}/RECORD"):
            raise BuildError(f"{archive_path} is generated by the wheel writer; don't add it")
        previous = self._entries.get(archive_path)
        if previous is None:
            return True
        if previous.source is None and source is None:
            raise BuildError(f"Generated file {archive_path} was already added, can't add it again")
        if source is None:
            raise BuildError(
                f"File {archive_path} was already added from {previous.source}, "
                "can't overwrite with generated file"
            )
        if previous.source is None:
            raise BuildError(
                f"Generated file {archive_path} was already added, can't overwrite it with {source}"
            )
        try:
            same = previous.source.samefile(source)
        except OSError:
            same = False
        if same:
            return False
        raise BuildError(
            f"File {archive_path} was already added from {previous.source}, "
            f"can't add it from {source}"
        )

    def entries(self) -> dict[str, WheelEntry]:
        """Every member added so far (not WHEEL and RECORD, which :meth:`write` makes)."""
        return dict(self._entries)

    def archive_paths_of(self, source: Path) -> list[str]:
        """The archive paths at which the file ``source`` was added."""
        wanted = Path(source).absolute()
        return [path for path, entry in self._entries.items() if entry.source == wanted]

    def add_file(self, archive_path: str, source: Path, *, executable: bool | None = None) -> None:
        """Add a file from disk; it is read when the wheel is written.

        Args:
            archive_path: forward-slash path inside the wheel.
            source: file to copy (symlinks are followed).
            executable: force the mode; None takes it from the owner-execute bit of
                ``source`` like maturin.

        Raises:
            BuildError: bad path, unreadable or non-regular source, or a different file
                already added under this path (the same file twice is silently kept once).
        """
        source = Path(source).absolute()
        try:
            st = source.stat()
        except OSError as exc:
            raise BuildError(
                f"Cannot add {source} to the wheel as {archive_path}: {exc.strerror or exc}"
            ) from None
        if not stat.S_ISREG(st.st_mode):
            raise BuildError(f"Cannot add {source} to the wheel: it is not a regular file")
        if not self._check_new(archive_path, source):
            return
        if executable is None:
            executable = bool(st.st_mode & stat.S_IXUSR)
        self._entries[archive_path] = WheelEntry(source=source, data=None, executable=executable)

    def add_bytes(self, archive_path: str, data: bytes, *, executable: bool = False) -> None:
        """Add generated content under ``archive_path``.

        Raises:
            BuildError: bad path or the path was already added.
        """
        self._check_new(archive_path, None)
        self._entries[archive_path] = WheelEntry(
            source=None, data=bytes(data), executable=executable
        )

    def add_dist_info(self, name: str, data: bytes) -> None:
        """Add a generated file under ``<dist-info>/`` (METADATA, licenses/..., sboms/...)."""
        self.add_bytes(f"{self.dist_info}/{name}", data)

    add_dist_info_file = add_dist_info

    def wheel_file(self) -> bytes:
        """The WHEEL file: one ``Tag:`` line per expanded tag, in maturin's order."""
        lines = [
            "Wheel-Version: 1.0",
            f"Generator: {self.generator}",
            f"Root-Is-Purelib: {'true' if self.root_is_purelib else 'false'}",
        ]
        singles = unique_in_order([single for tag in self._tags for single in expand_tag(tag)])
        lines += [f"Tag: {single}" for single in singles]
        return ("\n".join(lines) + "\n").encode("utf-8")

    def _zip_order(self, path: str) -> tuple[bool, list[str]]:
        """Component-wise order with dist-info last (maturin's ``file_ordering``)."""
        return (path.split("/")[0] == self.dist_info, path.split("/"))

    def _zip_info(self, path: str, date_time: tuple[int, ...], executable: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=date_time)
        info.create_system = 3
        info.external_attr = (stat.S_IFREG | _mode(executable)) << 16
        info.compress_type = self.compression
        # "version needed": 1.0 for stored entries, 2.0 for deflate, like the zip crate; Python
        # raises it itself for bzip2/zip64.
        info.create_version = info.extract_version = (
            10 if self.compression == zipfile.ZIP_STORED else 20
        )
        if hasattr(info, "compress_level"):  # Python 3.13+
            info.compress_level = self.compresslevel
        else:
            info._compresslevel = self.compresslevel
        return info

    def _write_entry(
        self, zf: zipfile.ZipFile, path: str, entry: WheelEntry, date_time: tuple[int, ...]
    ) -> tuple[str, int]:
        """Write one member; return its RECORD hash and size."""
        info = self._zip_info(path, date_time, entry.executable)
        digest = hashlib.sha256()
        if entry.data is not None:
            info.file_size = len(entry.data)
            with zf.open(info, "w", force_zip64=self.force_zip64) as out:
                out.write(entry.data)
            digest.update(entry.data)
            return _record_hash(digest.digest()), len(entry.data)
        assert entry.source is not None
        try:
            src = entry.source.open("rb")
            info.file_size = os.fstat(src.fileno()).st_size
        except OSError as exc:
            raise _unreadable(entry.source, path, exc) from None
        size = 0
        zip64 = self.force_zip64 or info.file_size > zipfile.ZIP64_LIMIT
        with src, zf.open(info, "w", force_zip64=zip64) as out:
            while True:
                try:
                    chunk = src.read(_COPY_CHUNK)
                except OSError as exc:
                    raise _unreadable(entry.source, path, exc) from None
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        return _record_hash(digest.digest()), size

    def _write_zip(self, fh: BinaryIO, date_time: tuple[int, ...]) -> None:
        record: dict[str, tuple[str, int]] = {}
        entries = dict(self._entries)
        entries[f"{self.dist_info}/WHEEL"] = WheelEntry(None, self.wheel_file(), False)
        with zipfile.ZipFile(fh, "w") as zf:
            for path in sorted(entries, key=self._zip_order):
                record[path] = self._write_entry(zf, path, entries[path], date_time)
            record_path = f"{self.dist_info}/RECORD"
            lines = [
                f"{path},{digest},{size}"
                for path, (digest, size) in sorted(record.items(), key=lambda i: i[0].split("/"))
            ]
            lines.append(f"{record_path},,")
            data = ("\n".join(lines) + "\n").encode("utf-8")
            self._write_entry(zf, record_path, WheelEntry(None, data, False), date_time)

    def write(self, out_dir: Path, *, environ: Mapping[str, str] | None = None) -> Path:
        """Write the wheel into ``out_dir`` (created if missing) and return its path.

        The archive is built in ``out_dir/.<filename>.tmp-XXXX``, fsync'd, then renamed onto
        the final name, replacing an older wheel of the same name. On any failure the temp
        file is removed and no wheel is left.

        Args:
            out_dir: directory for the wheel.
            environ: environment for ``SOURCE_DATE_EPOCH``; defaults to ``os.environ``.

        Raises:
            BuildError: a source file can no longer be read, or the out dir is not writable.
            ConfigError: ``SOURCE_DATE_EPOCH`` is not an integer.
        """
        date_time = zip_date_time(environ)
        out_dir = Path(out_dir)
        final = out_dir / self.filename
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(out_dir, f".{self.filename}.tmp-")
            fd, tmp_name = tempfile.mkstemp(prefix=f".{self.filename}.tmp-", dir=out_dir)
        except OSError as exc:
            raise BuildError(
                f"Cannot write the wheel into {out_dir}: {exc.strerror or exc}"
            ) from None
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w+b") as fh:
                self._write_zip(fh, date_time)
                fh.flush()
                os.fsync(fh.fileno())
                os.fchmod(fh.fileno(), 0o666 & ~_current_umask())
            tmp.replace(final)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if isinstance(exc, OSError):
                raise BuildError(f"Cannot write {final}: {exc.strerror or exc}") from None
            raise
        with contextlib.suppress(OSError):
            dir_fd = os.open(out_dir, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return final

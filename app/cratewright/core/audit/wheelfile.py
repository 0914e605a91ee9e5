"""Open a wheel for auditing without trusting it: bounded sizes, safe names, real wheel layout.

A wheel is a zip file someone else made. Before anything is read we check what the central
directory claims (member count, total and per-member sizes, compression ratios, overlapping
members as used by non-recursive zip bombs, names that would escape a directory), and reads
never return more than the member's declared size, so a hostile archive fails with one clear
:class:`~cratewright.errors.AuditError` in bounded time and memory.
"""

from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from cratewright.core.user_files import path_kind
from cratewright.errors import AuditError

__all__ = [
    "WheelArchive",
    "WheelEntry",
    "WheelLimits",
    "WheelName",
    "check_member_name",
    "parse_wheel_name",
]

_WHEEL_NAME = re.compile(
    r"^(?P<name>[^-]+)-(?P<version>[^-]+)(?:-(?P<build>\d[^-]*))?"
    r"-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<platform>[^-]+)\.whl$"
)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class WheelLimits:
    """How much of a wheel we are willing to read.

    Attributes:
        max_members: Entries in the central directory.
        max_member_size: Uncompressed bytes of one member.
        max_total_size: Uncompressed bytes of all members together.
        max_ratio: Largest uncompressed/compressed ratio for members above ``ratio_floor``.
        ratio_floor: Members smaller than this are never refused for their ratio.
    """

    max_members: int = 100_000
    max_member_size: int = 4 << 30
    max_total_size: int = 16 << 30
    max_ratio: int = 200
    ratio_floor: int = 8 << 20


@dataclass(frozen=True)
class WheelEntry:
    """One file of the wheel as its central directory describes it."""

    name: str
    size: int
    compressed_size: int


@dataclass(frozen=True)
class WheelName:
    """The parts of a wheel file name (PEP 427)."""

    distribution: str
    version: str
    build: str | None
    python: str
    abi: str
    platform: str

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platform tags, e.g. ``("manylinux_2_17_x86_64", "manylinux2014_x86_64")``."""
        return tuple(self.platform.split("."))

    def with_platform(self, platform: str) -> str:
        """The file name with another platform tag."""
        build = f"-{self.build}" if self.build else ""
        return f"{self.distribution}-{self.version}{build}-{self.python}-{self.abi}-{platform}.whl"


def parse_wheel_name(filename: str) -> WheelName | None:
    """Split a wheel file name into its parts, or None if it is not one."""
    match = _WHEEL_NAME.match(filename)
    if match is None:
        return None
    return WheelName(
        distribution=match["name"],
        version=match["version"],
        build=match["build"],
        python=match["python"],
        abi=match["abi"],
        platform=match["platform"],
    )


def check_member_name(name: str) -> str | None:
    """Why ``name`` is unsafe as a path inside a wheel, or None if it is fine."""
    if not name or "\0" in name:
        return "an empty name or a NUL byte"
    if not name.isprintable():  # a line break would also split RECORD and every message
        return "a control character"
    if "\\" in name:
        return "a backslash"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "a '..' component"
    return None


class WheelArchive:
    """A checked, read-only view of a wheel file (use as a context manager).

    Attributes:
        path: The wheel on disk.
        entries: Its file members (directories left out), in archive order.
        dist_info: The ``<name>-<version>.dist-info`` directory.
        filename: The parsed file name, or None if the name is not a wheel name.
    """

    def __init__(self, path: Path | str, limits: WheelLimits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or WheelLimits()
        if path_kind(self.path, "the wheel", error=AuditError) == "dir":
            raise AuditError(f"{self.path} is not a wheel: it is a directory")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as exc:
            raise AuditError(f"{self.path} is not a wheel: not a valid zip file ({exc})") from exc
        except OSError as exc:
            raise AuditError(f"Cannot read {self.path}: {exc.strerror or exc}") from exc
        except (ValueError, EOFError, RuntimeError) as exc:
            raise AuditError(f"{self.path} is not a wheel: corrupt zip file ({exc})") from exc
        try:
            self._infos = self._check_directory()
            self.entries = tuple(
                WheelEntry(i.filename, i.file_size, i.compress_size) for i in self._infos.values()
            )
            self.dist_info = self._find_dist_info()
        except BaseException:
            self._zip.close()
            raise
        self.filename = parse_wheel_name(self.path.name)

    def __enter__(self) -> WheelArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file."""
        self._zip.close()

    def _bad(self, what: str) -> AuditError:
        return AuditError(f"{self.path} is not a safe wheel: {what}")

    def _check_directory(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_members:
            raise self._bad(f"{len(infos)} members (the limit is {limits.max_members})")
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            reason = check_member_name(info.filename)
            if reason is not None:
                raise self._bad(f"member {info.filename!r} has {reason}")
            if info.flag_bits & 0x1:
                raise self._bad(f"member {info.filename} is encrypted")
            if info.is_dir():
                continue
            if info.filename in members:
                raise self._bad(f"member {info.filename} appears twice")
            if info.file_size > limits.max_member_size:
                raise self._bad(f"member {info.filename} claims {info.file_size} bytes")
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise self._bad(
                    f"member {info.filename} expands {info.file_size // max(info.compress_size, 1)}"
                    " times (a zip bomb?)"
                )
            total += info.file_size
            members[info.filename] = info
        if total > limits.max_total_size:
            raise self._bad(f"its members claim {total} bytes in all (a zip bomb?)")
        self._check_overlaps(infos)
        return members

    def _check_overlaps(self, infos: list[zipfile.ZipInfo]) -> None:
        """Members whose data overlap are how non-recursive zip bombs multiply their size."""
        spans = sorted((i.header_offset, i.compress_size, i.filename) for i in infos)
        for (start, size, name), (next_start, _next_size, next_name) in itertools.pairwise(spans):
            if start + 30 + size > next_start:
                raise self._bad(f"members {name} and {next_name} overlap (a zip bomb?)")

    def _find_dist_info(self) -> str:
        dirs = {
            name.split("/", 1)[0]
            for name in self._infos
            if name.count("/") == 1 and name.split("/", 1)[0].endswith(".dist-info")
        }
        with_wheel = sorted(d for d in dirs if f"{d}/WHEEL" in self._infos)
        if not with_wheel:
            raise AuditError(f"{self.path} is not a wheel: it has no .dist-info/WHEEL file")
        if len(with_wheel) > 1:
            raise AuditError(
                f"{self.path} is not a wheel: it has several .dist-info directories "
                f"({', '.join(with_wheel)})"
            )
        return with_wheel[0]

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def info(self, name: str) -> zipfile.ZipInfo:
        """The zip entry of member ``name``."""
        return self._infos[name]

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The member's bytes (at most ``limit``, or its declared size).

        Raises:
            AuditError: The member is missing, corrupt (CRC) or larger than it claims.
        """
        info = self._infos.get(name)
        if info is None:
            raise AuditError(f"{self.path} has no member {name}")
        wanted = info.file_size if limit is None else min(limit, info.file_size)
        chunks: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as fh:
                while got < wanted:
                    chunk = fh.read(min(_CHUNK, wanted - got))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    got += len(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise AuditError(f"{self.path}: member {name} is corrupt ({exc})") from exc
        except (NotImplementedError, RuntimeError) as exc:
            raise AuditError(f"{self.path}: member {name} cannot be read ({exc})") from exc
        return b"".join(chunks)

    def head(self, name: str, size: int = 4) -> bytes:
        """The first ``size`` bytes of a member (to recognise ELF files cheaply)."""
        return self.read(name, size)

    def wheel_metadata(self) -> dict[str, list[str]]:
        """The WHEEL file as key -> values (``Tag`` has one value per line)."""
        text = self.read(f"{self.dist_info}/WHEEL", 1 << 20).decode("utf-8", "replace")
        found: dict[str, list[str]] = {}
        for line in text.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                found.setdefault(key.strip(), []).append(value.strip())
        return found

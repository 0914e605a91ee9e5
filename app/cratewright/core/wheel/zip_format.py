"""How wheel zip entries are stored: the compression method and level, and reproducible dates.

Dates come from ``SOURCE_DATE_EPOCH`` (UTC), clamped to what a zip can hold, or 1980-01-01, so
the same tree gives the same bytes; sdists and repaired wheels use the same rules.
"""

from __future__ import annotations

import calendar
import os
import sys
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from cratewright.errors import ConfigError

__all__ = [
    "COMPRESSION_METHODS",
    "LEVEL_RANGES",
    "WheelCompression",
    "source_date_epoch",
    "zip_date_time",
]

_DOS_MIN = (1980, 1, 1, 0, 0, 0)
_DOS_MAX = (2107, 12, 31, 23, 59, 58)
LEVEL_RANGES = {
    zipfile.ZIP_DEFLATED: range(0, 10),
    zipfile.ZIP_BZIP2: range(1, 10),
}
if getattr(zipfile, "ZIP_ZSTANDARD", None) is not None:
    LEVEL_RANGES[zipfile.ZIP_ZSTANDARD] = range(-7, 23)  # type: ignore[attr-defined]


COMPRESSION_METHODS = ("deflated", "stored", "bzip2", "zstd")
# Python's zipfile writes Zstandard (zip method 93) from 3.14 on (PEP 784).
_ZSTD = getattr(zipfile, "ZIP_ZSTANDARD", None)


@dataclass(frozen=True)
class WheelCompression:
    """maturin's ``--compression-method/-level/-enable-large-file-support`` for one wheel.

    ``large_files`` writes zip64 records for every member (as maturin's flag does), so a
    member may exceed 4 GiB; Python would otherwise only add them to members it knows are big.
    """

    method: str = "deflated"
    level: int | None = None
    large_files: bool = False

    def zip_method(self) -> int:
        """The zipfile constant; a method this Python cannot write is a ConfigError, never a
        silent fallback to another method."""
        if self.method == "deflated":
            return zipfile.ZIP_DEFLATED
        if self.method == "stored":
            return zipfile.ZIP_STORED
        if self.method == "bzip2":
            return zipfile.ZIP_BZIP2
        if self.method == "zstd":
            if _ZSTD is None:
                raise ConfigError(
                    "--compression-method zstd needs Python 3.14 or newer (its zipfile writes "
                    f"Zstandard); cratewright runs on Python {sys.version.split()[0]}",
                    hint="use deflated (the default, readable by every installer) or run "
                    "cratewright with Python 3.14",
                )
            return int(_ZSTD)
        raise ConfigError(
            f"Unknown compression method {self.method!r}; use one of "
            + ", ".join(COMPRESSION_METHODS)
        )

    def check(self) -> None:
        """Raise the ConfigError :class:`WheelWriter` would, before anything is compiled."""
        method = self.zip_method()
        if method == zipfile.ZIP_STORED:
            if self.level not in (None, 0):
                raise ConfigError("The stored compression method takes no compression level")
            return
        levels = LEVEL_RANGES[method]
        if self.level is not None and self.level not in levels:
            raise ConfigError(
                f"Invalid compression level {self.level} for {self.method}: use "
                f"{levels.start} to {levels.stop - 1}"
            )


def source_date_epoch(environ: Mapping[str, str] | None = None) -> int | None:
    """Return ``SOURCE_DATE_EPOCH`` as an int, or None when it is unset or empty.

    Reproducible-build tooling sets this to pin every timestamp a build writes. A value that
    is not an integer is a user error; maturin aborts on it too (its SBOM step panics), so we
    raise instead of silently producing an unpinned build.

    Args:
        environ: environment to read; defaults to ``os.environ``.

    Raises:
        ConfigError: the variable is set to something that is not an integer.
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return int(raw, 10)
    except ValueError:
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {raw!r}"
        ) from None


def zip_date_time(environ: Mapping[str, str] | None = None) -> tuple[int, int, int, int, int, int]:
    """Zip entry timestamp: ``SOURCE_DATE_EPOCH`` in UTC, else 1980-01-01 00:00:00.

    DOS timestamps cannot express dates before 1980 or after 2107 (and have two-second
    resolution), so out-of-range values are clamped rather than rejected.
    """
    epoch = source_date_epoch(environ)
    if epoch is None:
        return _DOS_MIN
    if epoch < calendar.timegm((*_DOS_MIN, 0, 0, 0)):
        return _DOS_MIN
    if epoch > calendar.timegm((*_DOS_MAX, 0, 0, 0)):
        return _DOS_MAX
    tm = time.gmtime(epoch)
    return (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec - tm.tm_sec % 2)

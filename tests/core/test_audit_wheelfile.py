"""Hostile and broken wheels end as one clear AuditError, quickly and without big reads."""

from __future__ import annotations

import contextlib
import struct
import time
import zipfile
from pathlib import Path

import pytest

from cratewright.core.audit.report import audit_path
from cratewright.core.audit.wheelfile import (
    WheelArchive,
    WheelLimits,
    check_member_name,
    parse_wheel_name,
)
from cratewright.errors import AuditError
from tests.core.test_audit_support import make_wheel

DIST = "demo-1.0.dist-info"


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "demo-1.0-py3-none-any.whl"
    bad.write_bytes(b"this is not a zip file at all")
    with pytest.raises(AuditError, match="is not a wheel: not a valid zip file"):
        audit_path(bad)


def test_zip_without_dist_info(tmp_path: Path) -> None:
    bad = zip_with(tmp_path / "demo-1.0-py3-none-any.whl", {"demo/__init__.py": b""})
    with pytest.raises(AuditError, match=r"is not a wheel: it has no \.dist-info/WHEEL file"):
        audit_path(bad)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.so", "a '..' component"),
        ("demo/../../evil.so", "a '..' component"),
        ("/etc/passwd", "an absolute path"),
        ("C:/evil.so", "an absolute path"),
        ("demo\\evil.so", "a backslash"),
    ],
)
def test_path_traversal_names(tmp_path: Path, name: str, reason: str) -> None:
    assert check_member_name(name) == reason
    bad = zip_with(
        tmp_path / "demo-1.0-py3-none-any.whl",
        {name: b"x", f"{DIST}/WHEEL": b"Wheel-Version: 1.0\n"},
    )
    with pytest.raises(AuditError, match="is not a safe wheel: member .* has " + reason[:5]):
        audit_path(bad)


def test_high_ratio_member_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(f"{DIST}/WHEEL", b"Wheel-Version: 1.0\n")
        with zf.open("demo/zeros.so", "w", force_zip64=True) as fh:
            chunk = bytes(1 << 20)
            for _ in range(64):  # 64 MiB of zeros, ~64 KiB compressed
                fh.write(chunk)
    start = time.monotonic()
    with pytest.raises(AuditError, match=r"expands .* times \(a zip bomb\?\)"):
        audit_path(bomb)
    assert time.monotonic() - start < 2


def test_declared_sizes_over_the_limits(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, {"a.py": b"a" * 1000, "b.py": b"b" * 1000})
    with pytest.raises(AuditError, match=r"claim .* bytes in all"):
        WheelArchive(wheel, WheelLimits(max_total_size=1500))
    with pytest.raises(AuditError, match="members \\(the limit is 2\\)"):
        WheelArchive(wheel, WheelLimits(max_members=2))


def test_overlapping_members_zip_bomb(tmp_path: Path) -> None:
    """Two central-directory entries pointing at the same local data (a 'non-recursive' bomb)."""
    wheel = make_wheel(tmp_path, {"pkg/a.py": b"print(1)\n" * 50})
    data = bytearray(wheel.read_bytes())
    # point the second central directory entry's local header offset at the first one
    first = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", first + 4)
    offset_of_first = struct.unpack_from("<I", data, first + 42)[0]
    struct.pack_into("<I", data, second + 42, offset_of_first)
    bomb = tmp_path / "bomb" / wheel.name
    bomb.parent.mkdir()
    bomb.write_bytes(bytes(data))
    with pytest.raises(AuditError, match="overlap \\(a zip bomb\\?\\)"):
        audit_path(bomb)


def test_truncated_and_bit_flipped_archives(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, {"pkg/a.py": b"print(1)\n" * 500, "pkg/b.so": b"\x7fELF" * 100})
    data = wheel.read_bytes()
    (tmp_path / "t").mkdir()
    truncated = tmp_path / "t" / wheel.name
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(AuditError):
        audit_path(truncated)
    for position in range(0, len(data), max(1, len(data) // 150)):
        flipped = bytearray(data)
        flipped[position] ^= 0xFF
        truncated.write_bytes(bytes(flipped))
        with contextlib.suppress(AuditError):
            audit_path(truncated)


def test_crc_mismatch_is_reported(tmp_path: Path) -> None:
    ext_bytes = b"\x7fELF" + bytes(200)
    wheel = tmp_path / "demo-1.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{DIST}/WHEEL", b"Wheel-Version: 1.0\n")
        zf.writestr("m.so", ext_bytes)
    data = bytearray(wheel.read_bytes())
    at = data.find(ext_bytes)
    data[at + 100] ^= 0x55
    wheel.write_bytes(bytes(data))
    with WheelArchive(wheel) as archive, pytest.raises(AuditError, match=r"m\.so is corrupt"):
        archive.read("m.so")


def test_wheel_names() -> None:
    name = parse_wheel_name("pyo3_sqlite-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl")
    assert name is not None and name.platforms == ("manylinux_2_34_x86_64",)
    assert name.with_platform("linux_x86_64") == "pyo3_sqlite-0.1.0-cp311-cp311-linux_x86_64.whl"
    built = parse_wheel_name("a-1-2build-py3-none-any.whl")
    assert built is not None and built.build == "2build"
    assert parse_wheel_name("not-a-wheel.zip") is None

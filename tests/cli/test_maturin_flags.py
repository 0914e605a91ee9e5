"""maturin's cargo, output and compression flags, each proven by its effect on a real build.

hello-bin (no dependencies) is copied per test so cargo's flags really reach a fresh build.
"""

from __future__ import annotations

import json
import shutil
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import TEST_CRATES, run_cratewright

pytestmark = pytest.mark.cargo

WHEEL = "hello_bin-0.1.0-py3-none-manylinux_2_34_x86_64.whl"
SCRIPT = "hello_bin-0.1.0.data/scripts/hello-bin"


def _crate(tmp_path: Path, pyproject_extra: str = "", cargo_extra: str = "") -> Path:
    crate = tmp_path / "hello-bin"
    shutil.copytree(TEST_CRATES / "hello-bin", crate, ignore=shutil.ignore_patterns("target"))
    if pyproject_extra:
        with (crate / "pyproject.toml").open("a") as fh:
            fh.write("\n" + pyproject_extra)
    if cargo_extra:
        text = (crate / "Cargo.toml").read_text()
        (crate / "Cargo.toml").write_text(text.replace("[package]\n", f"[package]\n{cargo_extra}"))
    return crate


def _build(crate: Path, out: Path, *flags: str) -> tuple[int, str, Path | None]:
    proc = run_cratewright("build", "-m", crate, "-o", out, *flags, cwd=crate)
    wheels = list(out.glob("*.whl")) if out.is_dir() else []
    return proc.returncode, proc.stderr, wheels[0] if wheels else None


def test_jobs_reaches_cargo(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, wheel = _build(crate, tmp_path / "zero", "-j", "0")
    assert code == 1 and wheel is None
    assert "jobs may not be 0" in stderr  # cargo's own refusal: the value got there
    code, stderr, wheel = _build(crate, tmp_path / "one", "--jobs", "1")
    assert code == 0, stderr
    assert wheel is not None and wheel.name == WHEEL


def test_target_dir_and_timings(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    target = tmp_path / "elsewhere"
    proc = run_cratewright("build", "-m", crate, "--target-dir", target, "--timings", cwd=crate)
    assert proc.returncode == 0, proc.stderr
    # the binary was compiled there, the wheel defaults to <target-dir>/wheels, as maturin
    assert (target / "debug" / "hello-bin").is_file()
    assert proc.stdout.strip().splitlines()[-1] == str(target / "wheels" / WHEEL)
    reports = list((target / "cargo-timings").glob("cargo-timing*.html"))
    assert reports, "--timings wrote no report"


def test_ignore_rust_version(tmp_path: Path) -> None:
    crate = _crate(tmp_path, cargo_extra='rust-version = "1.999"\n')
    code, stderr, wheel = _build(crate, tmp_path / "strict")
    assert code == 1 and wheel is None
    assert "1.999" in stderr
    code, stderr, wheel = _build(crate, tmp_path / "ignored", "--ignore-rust-version")
    assert code == 0, stderr
    assert wheel is not None


def test_future_incompat_report_and_unstable_flags(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, _ = _build(crate, tmp_path / "report", "--future-incompat-report")
    assert code == 0, stderr
    assert "future-incompatible" in stderr
    code, stderr, wheel = _build(crate, tmp_path / "z", "-Z", "unstable-options")
    assert code == 1 and wheel is None  # stable cargo refuses -Z: it was passed on
    assert "`-Z` flag is only accepted on the nightly channel" in stderr


def test_color(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, _ = _build(crate, tmp_path / "a", "--color", "always")
    assert code == 0, stderr
    assert "\x1b[" in stderr
    code, stderr, _ = _build(crate, tmp_path / "n", "--color", "never")
    assert code == 0, stderr
    assert "\x1b[" not in stderr


def _local_header_extra_ids(wheel: Path) -> dict[str, set[int]]:
    """Extra-field ids of every member's *local* header (zip64 records live there)."""
    data = wheel.read_bytes()
    found: dict[str, set[int]] = {}
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            offset = info.header_offset
            name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
            extra = data[offset + 30 + name_len : offset + 30 + name_len + extra_len]
            ids, pos = set(), 0
            while pos + 4 <= len(extra):
                field_id, size = struct.unpack("<HH", extra[pos : pos + 4])
                ids.add(field_id)
                pos += 4 + size
            found[info.filename] = ids
    return found


def test_compression_method_level_and_large_files(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    sizes = {}
    for method, level, kind in (
        ("stored", None, zipfile.ZIP_STORED),
        ("bzip2", "9", zipfile.ZIP_BZIP2),
        ("deflated", "0", zipfile.ZIP_DEFLATED),
        ("deflated", "9", zipfile.ZIP_DEFLATED),
    ):
        flags = ["--compression-method", method]
        if level is not None:
            flags += ["--compression-level", level]
        out = tmp_path / f"{method}-{level}"
        code, stderr, wheel = _build(crate, out, *flags)
        assert code == 0, stderr
        assert wheel is not None
        with zipfile.ZipFile(wheel) as zf:
            assert {i.compress_type for i in zf.infolist()} == {kind}
            assert zf.testzip() is None
            sizes[(method, level)] = zf.getinfo(SCRIPT).compress_size
    assert sizes[("deflated", "9")] < sizes[("deflated", "0")]
    assert sizes[("deflated", "0")] >= sizes[("stored", None)]
    code, stderr, wheel = _build(crate, tmp_path / "plain")
    assert wheel is not None and all(
        0x0001 not in ids for ids in _local_header_extra_ids(wheel).values()
    )
    code, stderr, wheel = _build(
        crate, tmp_path / "zip64", "--compression-enable-large-file-support"
    )
    assert code == 0, stderr
    assert wheel is not None
    assert all(0x0001 in ids for ids in _local_header_extra_ids(wheel).values())
    with zipfile.ZipFile(wheel) as zf:
        assert zf.testzip() is None


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14's zipfile writes zstd")
def test_zstd_before_python_314_is_one_clear_error(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, wheel = _build(crate, tmp_path / "zstd", "--compression-method", "zstd")
    assert code == 1 and wheel is None
    assert "💥 error: --compression-method zstd needs Python 3.14 or newer" in stderr
    assert "Traceback" not in stderr and "Compiling" not in stderr  # refused before cargo ran


def test_bad_compression_level_is_one_clear_error(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, wheel = _build(crate, tmp_path / "bad", "--compression-level", "42")
    assert code == 1 and wheel is None
    assert "💥 error: Invalid compression level 42 for deflated: use 0 to 9" in stderr
    assert "Compiling" not in stderr  # refused before cargo ran


def test_sbom_table_and_sbom_include(tmp_path: Path) -> None:
    crate = _crate(
        tmp_path, '[tool.maturin]\nsbom = { rust = false, include = ["boms/app.cdx.json"] }\n'
    )
    (crate / "boms").mkdir()
    (crate / "boms" / "app.cdx.json").write_text(json.dumps({"bomFormat": "CycloneDX"}))
    (crate / "extra.spdx.json").write_text(json.dumps({"spdxVersion": "SPDX-2.3"}))
    code, stderr, wheel = _build(crate, tmp_path / "o", "--sbom-include", "extra.spdx.json")
    assert code == 0, stderr
    assert wheel is not None
    with zipfile.ZipFile(wheel) as zf:
        sboms = sorted(n for n in zf.namelist() if "/sboms/" in n)
        assert sboms == [
            "hello_bin-0.1.0.dist-info/sboms/app.cdx.json",
            "hello_bin-0.1.0.dist-info/sboms/extra.spdx.json",
        ]  # rust = false: no hello-bin.cyclonedx.json
        assert json.loads(zf.read(sboms[1])) == {"spdxVersion": "SPDX-2.3"}
    code, stderr, wheel = _build(crate, tmp_path / "missing", "--sbom-include", "nope.json")
    assert code == 1 and wheel is None
    assert "💥 error: SBOM file" in stderr and "nope.json" in stderr


def test_include_debuginfo_ships_the_dwp_next_to_the_binary(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, wheel = _build(crate, tmp_path / "dbg", "--include-debuginfo")
    assert code == 0, stderr
    assert wheel is not None
    with zipfile.ZipFile(wheel) as zf:
        dwp = zf.read(f"{SCRIPT}.dwp")
        assert dwp[:4] == b"\x7fELF"  # a DWARF package is an ELF file
    code, stderr, wheel = _build(crate, tmp_path / "plain")
    assert wheel is not None
    assert f"{SCRIPT}.dwp" not in zipfile.ZipFile(wheel).namelist()


def test_pgo_is_refused_naming_what_is_missing(tmp_path: Path) -> None:
    crate = _crate(tmp_path)
    code, stderr, wheel = _build(crate, tmp_path / "nocmd", "--pgo")
    assert code == 1 and wheel is None
    assert "💥 error: --pgo needs a training command: set `pgo-command`" in stderr
    crate = _crate(tmp_path / "with", '[tool.maturin]\npgo-command = "python -c pass"\n')
    code, stderr, wheel = _build(crate, tmp_path / "cmd", "--pgo")
    assert code == 1 and wheel is None
    assert "💥 error: --pgo needs llvm-profdata from LLVM" in stderr
    assert "rustup component add llvm-tools" in stderr
    # without --pgo the key does what it does in maturin (nothing), and the log says so
    code, stderr, wheel = _build(crate, tmp_path / "plain")
    assert code == 0, stderr
    assert wheel is not None
    assert "pgo-command is only used by a --pgo build" in stderr


def test_repaired_wheel_keeps_compression_and_sbom_auditwheel_false(tmp_path: Path) -> None:
    """The repair rewrites the wheel: it keeps --compression-method, and sbom.auditwheel."""
    crate = tmp_path / "pyo3-sqlite"
    shutil.copytree(TEST_CRATES / "pyo3-sqlite", crate, ignore=shutil.ignore_patterns("target"))
    base = ["build", "-m", crate, "-i", sys.executable, "--compression-method", "stored"]
    proc = run_cratewright(*base, "-o", tmp_path / "with")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "with").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert any(".libs/libsqlite3" in n for n in names)  # really repaired
        assert any(n.endswith("sboms/auditwheel.cdx.json") for n in names)
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    with (crate / "pyproject.toml").open("a") as fh:
        fh.write("\n[tool.maturin.sbom]\nauditwheel = false\n")
    proc = run_cratewright(*base, "-o", tmp_path / "without")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "without").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(".libs/libsqlite3" in n for n in names)
    assert not any(n.endswith("sboms/auditwheel.cdx.json") for n in names)

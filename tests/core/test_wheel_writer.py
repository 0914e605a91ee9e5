"""Tests for the reproducible wheel writer, including a byte-for-byte check against maturin."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cratewright.core.wheel.tags import compress_tags, expand_tag
from cratewright.core.wheel.writer import WheelWriter
from cratewright.core.wheel.zip_format import source_date_epoch, zip_date_time
from cratewright.errors import BuildError, ConfigError

REPO = Path(__file__).resolve().parents[2]
MATURIN = Path(sys.executable).parent / "maturin"
ABI3_TAG = "cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64"


def _writer(**kwargs) -> WheelWriter:
    return WheelWriter("demo_pkg", "1.2.0", [ABI3_TAG], **kwargs)


def _populate(writer: WheelWriter, src: Path, *, reverse: bool = False) -> None:
    """Add the same set of entries in one order or the reverse one."""
    steps = [
        lambda: writer.add_file("demo_pkg/__init__.py", src / "init.py"),
        lambda: writer.add_file("demo_pkg/_native.abi3.so", src / "native.so"),
        lambda: writer.add_bytes("zzz/extra.py", b"x = 1\n"),
        lambda: writer.add_bytes("A/first.py", b"a = 1\n"),
        lambda: writer.add_file(f"{writer.data_dir}/scripts/tool", src / "tool"),
        lambda: writer.add_dist_info("METADATA", b"Metadata-Version: 2.4\nName: demo-pkg\n"),
        lambda: writer.add_dist_info("entry_points.txt", b"[console_scripts]\nd=demo_pkg:f\n"),
        lambda: writer.add_dist_info("licenses/LICENSE", b"MIT\n"),
        lambda: writer.add_dist_info("sboms/demo.cyclonedx.json", b"{}"),
    ]
    for step in reversed(steps) if reverse else steps:
        step()


@pytest.fixture
def src(tmp_path: Path) -> Path:
    d = tmp_path / "src"
    d.mkdir()
    (d / "init.py").write_text("from ._native import *\n")
    (d / "native.so").write_bytes(os.urandom(4096) * 3)
    (d / "native.so").chmod(0o755)
    (d / "tool").write_text("#!/bin/sh\necho hi\n")
    (d / "tool").chmod(0o755)
    return d


def test_names_and_tags() -> None:
    w = _writer()
    assert w.dist_info == "demo_pkg-1.2.0.dist-info"
    assert w.data_dir == "demo_pkg-1.2.0.data"
    assert w.filename == f"demo_pkg-1.2.0-{ABI3_TAG}.whl"
    assert expand_tag("py2.py3-none-any") == ["py2-none-any", "py3-none-any"]
    assert expand_tag(ABI3_TAG) == [
        "cp38-abi3-manylinux_2_17_x86_64",
        "cp38-abi3-manylinux2014_x86_64",
    ]
    assert compress_tags(["py3-none-linux_x86_64", "py2-none-linux_x86_64"]) == (
        "py3.py2-none-linux_x86_64"
    )
    with pytest.raises(BuildError, match="cannot be combined"):
        compress_tags(["cp38-cp38-linux_x86_64", "cp39-cp39-linux_x86_64"])
    with pytest.raises(BuildError, match="Invalid wheel tag"):
        WheelWriter("a", "1", ["cp38-abi3"])


def test_wheel_file_text_matches_maturin_format() -> None:
    w = WheelWriter("demo", "1.0", [ABI3_TAG], generator="maturin (1.16.0)")
    assert w.wheel_file() == (
        b"Wheel-Version: 1.0\n"
        b"Generator: maturin (1.16.0)\n"
        b"Root-Is-Purelib: false\n"
        b"Tag: cp38-abi3-manylinux_2_17_x86_64\n"
        b"Tag: cp38-abi3-manylinux2014_x86_64\n"
    )
    assert _writer().wheel_file().startswith(b"Wheel-Version: 1.0\nGenerator: cratewright (")


def test_layout_record_and_attributes(tmp_path: Path, src: Path) -> None:
    w = _writer()
    _populate(w, src)
    whl = w.write(tmp_path / "out" / "nested", environ={})
    assert whl == tmp_path / "out" / "nested" / w.filename
    di = w.dist_info
    with zipfile.ZipFile(whl) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        # component order ("demo_pkg" < "demo_pkg-1.2.0.data"), dist-info last, RECORD very last
        assert names == [
            "A/first.py",
            "demo_pkg/__init__.py",
            "demo_pkg/_native.abi3.so",
            "demo_pkg-1.2.0.data/scripts/tool",
            "zzz/extra.py",
            f"{di}/METADATA",
            f"{di}/WHEEL",
            f"{di}/entry_points.txt",
            f"{di}/licenses/LICENSE",
            f"{di}/sboms/demo.cyclonedx.json",
            f"{di}/RECORD",
        ]
        modes = {i.filename: (i.external_attr >> 16) for i in infos}
        assert modes["demo_pkg/_native.abi3.so"] == 0o100755
        assert modes["demo_pkg-1.2.0.data/scripts/tool"] == 0o100755
        assert modes["demo_pkg/__init__.py"] == 0o100644
        assert modes[f"{di}/RECORD"] == 0o100644
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.create_system == 3
            assert info.extra == b""
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert not info.is_dir()
        record = zf.read(f"{di}/RECORD").decode()
        assert zf.testzip() is None
        contents = {name: zf.read(name) for name in names}
    lines = record.split("\n")
    assert lines[-1] == "" and "\r" not in record
    assert lines[-2] == f"{di}/RECORD,,"
    rows = [line.split(",") for line in lines[:-2]]
    # RECORD: plain component order over everything (dist-info not moved), RECORD last
    assert [r[0] for r in rows] == sorted((n for n in names[:-1]), key=lambda p: p.split("/"))
    assert [r[0] for r in rows][-1] == "zzz/extra.py"
    for path, digest, size in rows:
        raw = hashlib.sha256(contents[path]).digest()
        assert digest == "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        assert int(size) == len(contents[path])
    assert contents["demo_pkg/_native.abi3.so"] == (src / "native.so").read_bytes()
    assert not [p for p in whl.parent.iterdir() if p.name.startswith(".")]


def test_output_is_byte_identical_regardless_of_order_and_mtimes(tmp_path: Path, src: Path) -> None:
    first = _writer()
    _populate(first, src)
    a = first.write(tmp_path / "a", environ={}).read_bytes()
    for path in src.iterdir():
        os.utime(path, (1_000_000, 2_000_000_000))
    second = _writer()
    _populate(second, src, reverse=True)
    b = second.write(tmp_path / "b", environ={}).read_bytes()
    assert a == b
    again = second.write(tmp_path / "b", environ={})  # replaces the existing wheel
    assert again.read_bytes() == a


def test_source_date_epoch(tmp_path: Path, src: Path) -> None:
    assert source_date_epoch({}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": " "}) is None
    assert zip_date_time({"SOURCE_DATE_EPOCH": "1700000001"}) == (2023, 11, 14, 22, 13, 20)
    assert zip_date_time({"SOURCE_DATE_EPOCH": "0"}) == (1980, 1, 1, 0, 0, 0)
    assert zip_date_time({"SOURCE_DATE_EPOCH": "99999999999"}) == (2107, 12, 31, 23, 59, 58)
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        zip_date_time({"SOURCE_DATE_EPOCH": "yesterday"})
    w = _writer()
    _populate(w, src)
    whl = w.write(tmp_path, environ={"SOURCE_DATE_EPOCH": "1700000001"})
    with zipfile.ZipFile(whl) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_executable_flag_from_source_or_explicit(tmp_path: Path, src: Path) -> None:
    w = _writer()
    w.add_file("demo_pkg/a.py", src / "init.py")
    w.add_file("demo_pkg/b.py", src / "init.py", executable=True)
    w.add_file("demo_pkg/c", src / "tool", executable=False)
    w.add_bytes("demo_pkg/d", b"#!/bin/sh\n", executable=True)
    with zipfile.ZipFile(w.write(tmp_path, environ={})) as zf:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    names = ["a.py", "b.py", "c", "d"]
    assert [modes[f"demo_pkg/{n}"] for n in names] == [0o644, 0o755, 0o644, 0o755]


def test_duplicates(tmp_path: Path, src: Path) -> None:
    w = _writer()
    w.add_file("demo_pkg/__init__.py", src / "init.py")
    # the same file again (directly or through a symlink) is silently kept once
    w.add_file("demo_pkg/__init__.py", src / "init.py")
    (tmp_path / "link.py").symlink_to(src / "init.py")
    w.add_file("demo_pkg/__init__.py", tmp_path / "link.py")
    other = tmp_path / "other.py"
    other.write_text("other\n")
    with pytest.raises(
        BuildError,
        match=r"File demo_pkg/__init__\.py was already added from .*init\.py, "
        r"can't add it from .*other\.py",
    ):
        w.add_file("demo_pkg/__init__.py", other)
    with pytest.raises(BuildError, match="can't overwrite with generated file"):
        w.add_bytes("demo_pkg/__init__.py", b"")
    w.add_bytes("demo_pkg/gen.py", b"")
    with pytest.raises(BuildError, match=r"Generated file demo_pkg/gen\.py was already added"):
        w.add_bytes("demo_pkg/gen.py", b"")
    with pytest.raises(BuildError, match=r"Generated file demo_pkg/gen\.py was already added"):
        w.add_file("demo_pkg/gen.py", other)
    with pytest.raises(BuildError, match="generated by the wheel writer"):
        w.add_dist_info("RECORD", b"")
    with zipfile.ZipFile(w.write(tmp_path / "out", environ={})) as zf:
        assert zf.namelist().count("demo_pkg/__init__.py") == 1


@pytest.mark.parametrize(
    "bad",
    ["/etc/passwd", "../evil.py", "pkg/../../x", "pkg\\mod.py", "", "pkg//x", "./x", "pkg/"],
)
def test_rejects_unsafe_archive_paths(bad: str) -> None:
    with pytest.raises(BuildError, match="Invalid path"):
        _writer().add_bytes(bad, b"")


def test_missing_source_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="Cannot add"):
        _writer().add_file("x.py", tmp_path / "nope.py")
    with pytest.raises(BuildError, match="not a regular file"):
        _writer().add_file("x.py", tmp_path)


def test_vanished_source_leaves_nothing_behind(tmp_path: Path, src: Path) -> None:
    w = _writer()
    _populate(w, src)
    (src / "native.so").unlink()
    out = tmp_path / "out"
    with pytest.raises(BuildError, match=r"native\.so"):
        w.write(out, environ={})
    assert list(out.iterdir()) == []


def test_failed_write_keeps_the_previous_wheel(tmp_path: Path, src: Path) -> None:
    w = _writer()
    _populate(w, src)
    good = w.write(tmp_path, environ={}).read_bytes()
    (src / "tool").unlink()
    with pytest.raises(BuildError):
        w.write(tmp_path, environ={})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["src", w.filename])
    assert (tmp_path / w.filename).read_bytes() == good


def test_wheel_file_mode_follows_umask(tmp_path: Path) -> None:
    w = _writer()
    w.add_bytes("a.py", b"")
    old = os.umask(0o022)
    try:
        whl = w.write(tmp_path, environ={})
    finally:
        os.umask(old)
    assert whl.stat().st_mode & 0o777 == 0o644


def test_compression_options(tmp_path: Path) -> None:
    stored = _writer(compression=zipfile.ZIP_STORED)
    stored.add_bytes("a.py", b"a" * 1000)
    with zipfile.ZipFile(stored.write(tmp_path, environ={})) as zf:
        info = zf.getinfo("a.py")
        assert info.compress_type == zipfile.ZIP_STORED and info.compress_size == 1000
    with pytest.raises(ConfigError, match="compression level"):
        _writer(compresslevel=12)
    with pytest.raises(ConfigError, match="Unsupported"):
        _writer(compression=99)


@pytest.fixture(scope="module")
def maturin_bin_wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build a dependency-free bin crate with maturin, stored and deflated."""
    crate = tmp_path_factory.mktemp("bincrate")
    (crate / "src").mkdir()
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "ww-probe"\nversion = "0.1.0"\nedition = "2021"\nlicense = "MIT"\n'
    )
    (crate / "src" / "main.rs").write_text('fn main() { println!("hi"); }\n')
    (crate / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["maturin>=1.8,<2"]\nbuild-backend = "maturin"\n'
        '[project]\nname = "ww-probe"\nversion = "0.1.0"\n[tool.maturin]\nbindings = "bin"\n'
    )
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000001", CARGO_TARGET_DIR=str(REPO / "target"))
    wheels = {}
    for method in ("stored", "deflated"):
        out = crate / f"dist-{method}"
        subprocess.run(
            [str(MATURIN), "build", "-o", str(out), "--compression-method", method],
            cwd=crate,
            env=env,
            check=True,
            capture_output=True,
        )
        (wheels[method],) = out.glob("*.whl")
    return wheels


def _rewrite(maturin_wheel: Path, out: Path, compression: int) -> Path:
    """Feed maturin's entries (minus WHEEL/RECORD) to our writer in reverse order."""
    with zipfile.ZipFile(maturin_wheel) as zf:
        dist, version, tag = maturin_wheel.name[: -len(".whl")].split("-", 2)
        wheel_text = zf.read(f"{dist}-{version}.dist-info/WHEEL").decode()
        generator = wheel_text.split("\n")[1].removeprefix("Generator: ")
        w = WheelWriter(dist, version, [tag], generator=generator, compression=compression)
        for info in reversed(zf.infolist()):
            if info.filename.endswith(("/RECORD", "/WHEEL")):
                continue
            executable = bool((info.external_attr >> 16) & 0o100)
            w.add_bytes(info.filename, zf.read(info), executable=executable)
    assert w.wheel_file().decode() == wheel_text
    return w.write(out, environ={"SOURCE_DATE_EPOCH": "1700000001"})


def test_stored_wheel_is_byte_identical_to_maturin(
    tmp_path: Path, maturin_bin_wheels: dict[str, Path]
) -> None:
    theirs = maturin_bin_wheels["stored"]
    ours = _rewrite(theirs, tmp_path, zipfile.ZIP_STORED)
    assert ours.name == theirs.name
    assert ours.read_bytes() == theirs.read_bytes()


def test_deflated_wheel_matches_maturin_headers(
    tmp_path: Path, maturin_bin_wheels: dict[str, Path]
) -> None:
    theirs = maturin_bin_wheels["deflated"]
    ours = _rewrite(theirs, tmp_path, zipfile.ZIP_DEFLATED)
    fields = (
        "filename", "date_time", "compress_type", "create_system", "create_version",
        "extract_version", "flag_bits", "external_attr", "extra", "CRC", "file_size",
    )  # fmt: skip
    with zipfile.ZipFile(theirs) as a, zipfile.ZipFile(ours) as b:
        assert [[getattr(i, f) for f in fields] for i in a.infolist()] == [
            [getattr(i, f) for f in fields] for i in b.infolist()
        ]
        for name in a.namelist():
            assert a.read(name) == b.read(name)

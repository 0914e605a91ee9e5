"""Helpers shared by the audit tests: real libraries from gcc and real wheels from them.

No tests live here; other test modules import these helpers.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import zipfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["PRIVATE_LIB", "gcc", "make_wheel", "private_extension"]

PRIVATE_LIB = "int helper(void) { return 42; }\n"


def gcc(out_dir: Path, name: str, source: str, *flags: str, shared: bool = True) -> Path:
    """Compile ``source`` into ``out_dir/<name>`` (a shared library unless ``shared=False``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    src = out_dir / f"{name}.c"
    src.write_text(source)
    out = out_dir / name
    cmd = ["gcc", "-O0", "-fPIC", "-o", str(out), str(src), *flags]
    if shared:
        cmd.insert(1, "-shared")
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    src.unlink()
    return out


def private_extension(work: Path, module: str = "demo") -> tuple[Path, Path]:
    """(extension, private library): a fake CPython extension linking ``libhelper.so.1``.

    The extension exports ``PyInit_<module>`` (so audits treat it as an extension) and calls
    ``helper()`` from a library outside every manylinux allow-list.
    """
    libdir = work / "privlib"
    helper = gcc(libdir, "libhelper.so.1", PRIVATE_LIB, "-Wl,-soname,libhelper.so.1")
    (libdir / "libhelper.so").symlink_to(helper.name)
    ext = gcc(
        work / "ext",
        f"{module}.cpython-311-x86_64-linux-gnu.so",
        "#include <string.h>\nint helper(void);\n"
        "int call_helper(const char *s) { return helper() + (int)strlen(s); }\n"
        f"void *PyInit_{module}(void) {{ return 0; }}\n",
        f"-L{libdir}",
        "-lhelper",
    )
    return ext, helper


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def make_wheel(
    out_dir: Path,
    files: Mapping[str, bytes | Path],
    *,
    name: str = "demo",
    version: str = "1.0",
    tag: str = "cp311-cp311-linux_x86_64",
) -> Path:
    """Write a valid wheel holding ``files`` (archive path -> bytes or a file to copy)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    dist_info = f"{name}-{version}.dist-info"
    contents = {
        path: data if isinstance(data, bytes) else Path(data).read_bytes()
        for path, data in files.items()
    }
    contents[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    )
    python, abi, platform = tag.split("-")
    wheel_lines = ["Wheel-Version: 1.0", "Generator: tests", "Root-Is-Purelib: false"]
    wheel_lines += [f"Tag: {python}-{abi}-{p}" for p in platform.split(".")]
    contents[f"{dist_info}/WHEEL"] = ("\n".join(wheel_lines) + "\n").encode()
    record = [_record_line(p, d) for p, d in contents.items()] + [f"{dist_info}/RECORD,,"]
    contents[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = out_dir / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for archive_path, data in contents.items():
            info = zipfile.ZipInfo(archive_path, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if data[:4] == b"\x7fELF" else 0o100644) << 16
            zf.writestr(info, data, zipfile.ZIP_DEFLATED)
    return path

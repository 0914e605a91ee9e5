"""Where stub files go per layout, in a wheel and under ``generate-stubs -o`` (maturin 1.16).

The oracle test checks the multi-file cases against maturin on real crates; the single-file
cases here were checked once by running maturin 1.16 on one-module variants of those crates.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from cratewright.core.build.stubs.placement import stub_files_for_wheel, write_stub_directory
from cratewright.core.project.layout import ProjectLayout

ONE = {PurePosixPath("__init__.pyi"): "x: int\n"}
MANY = {PurePosixPath("__init__.pyi"): "a\n", PurePosixPath("sub.pyi"): "b\n",
        PurePosixPath("deep/__init__.pyi"): "c\n"}  # fmt: skip


def layout(root: Path, kind: str) -> ProjectLayout:
    if kind == "pure":
        return ProjectLayout(root, root, "ext", "ext", None, root, (), None)
    python_dir = root / "python" if kind == "python-source" else root
    return ProjectLayout(root, python_dir, "pkg._ext", "_ext", python_dir / "pkg",
                         python_dir / "pkg", (), None)  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "stubs", "expected"),
    [
        ("pure", ONE, ["ext/__init__.pyi", "ext/py.typed"]),
        ("pure", MANY,
         ["ext/__init__.pyi", "ext/deep/__init__.pyi", "ext/py.typed", "ext/sub.pyi"]),
        ("mixed", ONE, ["pkg/_ext.pyi"]),
        ("python-source", MANY,
         ["pkg/_ext/__init__.pyi", "pkg/_ext/deep/__init__.pyi", "pkg/_ext/sub.pyi"]),
    ],
)  # fmt: skip
def test_wheel_paths(tmp_path: Path, kind: str, stubs: dict, expected: list[str]) -> None:
    files = stub_files_for_wheel(layout(tmp_path, kind), stubs)
    assert sorted(map(str, files)) == expected
    assert files.get(PurePosixPath("ext/py.typed"), b"") == b""


def test_output_directory_mirrors_the_wheel_without_py_typed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    written = write_stub_directory(out, layout(tmp_path, "pure"), MANY)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "ext/__init__.pyi", "ext/deep/__init__.pyi", "ext/sub.pyi",
    ]  # fmt: skip
    assert (out / "ext" / "sub.pyi").read_text() == "b\n"


def test_output_directory_replaces_the_stub_package_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "pkg" / "_ext").mkdir(parents=True)
    (out / "pkg" / "_ext" / "gone.pyi").write_text("")
    (out / "pkg" / "keep.py").write_text("")
    write_stub_directory(out, layout(tmp_path, "mixed"), MANY)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "pkg/_ext/__init__.pyi", "pkg/_ext/deep/__init__.pyi", "pkg/_ext/sub.pyi", "pkg/keep.py",
    ]  # fmt: skip
    # one file: written next to whatever is there (maturin leaves an old package alone)
    write_stub_directory(out, layout(tmp_path, "mixed"), ONE)
    assert (out / "pkg" / "_ext.pyi").read_text() == "x: int\n"
    assert (out / "pkg" / "_ext" / "sub.pyi").exists()

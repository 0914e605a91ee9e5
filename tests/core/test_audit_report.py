"""audit_path on real gcc-built libraries packed into real wheels, directories and files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cratewright.core.audit.policy import load_policies
from cratewright.core.audit.report import audit_path, platform_tag_for
from cratewright.errors import AuditError
from tests.core.test_audit_support import PRIVATE_LIB, gcc, make_wheel, private_extension

OLD_EXT = "#include <string.h>\nint n(const char *s) { return (int)strlen(s); }\n"
NEEDS_2_36 = "#include <stdlib.h>\nunsigned int r(void) { return arc4random(); }\n"


def ext_source(module: str, body: str = "") -> str:
    return f"{body}\nvoid *PyInit_{module}(void) {{ return 0; }}\n"


def test_clean_extension_is_manylinux_2_5(tmp_path: Path) -> None:
    ext = gcc(tmp_path / "b", "fast.cpython-311-x86_64-linux-gnu.so", ext_source("fast", OLD_EXT))
    wheel = make_wheel(tmp_path, {"pkg/fast.cpython-311-x86_64-linux-gnu.so": ext})
    report = audit_path(wheel)
    assert report.kind == "wheel"
    assert (report.arch, report.libc) == ("x86_64", "glibc")
    assert report.policy == "manylinux_2_5"
    assert report.tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
    assert report.repair_policy is None and not report.needs_repair
    assert report.external_libraries == {}
    assert report.blocking == {}
    (elf,) = report.elfs
    assert elf.is_extension and elf.top_level
    assert elf.resolved["libc.so.6"] is not None
    assert report.libraries["libc.so.6"].kind == "system"
    assert all(r.passes for r in report.ladder if r.policy.family == "manylinux")
    musl = report.rung("musllinux_1_2")
    assert musl is not None and not musl.passes and musl.reasons == ["the files link glibc"]
    assert report.errors == () and report.warnings == ()
    assert {e.name for e in report.entries} >= {"pkg/fast.cpython-311-x86_64-linux-gnu.so"}


def test_recent_glibc_blocks_older_policies_with_the_offending_symbol(tmp_path: Path) -> None:
    ext = gcc(tmp_path / "b", "r.cpython-311-x86_64-linux-gnu.so", ext_source("r", NEEDS_2_36))
    report = audit_path(make_wheel(tmp_path, {"r.cpython-311-x86_64-linux-gnu.so": ext}))
    assert report.policy == "manylinux_2_36"
    assert next(iter(report.blocking)) == "manylinux_2_5"
    assert "manylinux_2_35" in report.blocking and "manylinux_2_36" not in report.blocking
    rung = report.rung("manylinux_2_35")
    assert rung is not None and not rung.passes and not rung.repairable
    (offence,) = rung.too_recent
    assert offence.library == "libc.so.6"
    assert offence.versions == ("GLIBC_2.36",)
    assert offence.symbols == ("arc4random@GLIBC_2.36",)
    assert offence.files == ("r.cpython-311-x86_64-linux-gnu.so",)
    assert any("arc4random@GLIBC_2.36" in reason for reason in report.blocking["manylinux_2_35"])
    rows = [r for r in report.symbols if r.symbol == "arc4random"]
    assert rows and rows[0].library == "libc.so.6" and rows[0].version == "GLIBC_2.36"


def test_external_library_needs_repair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ext, helper = private_extension(tmp_path)
    wheel = make_wheel(tmp_path / "w", {f"demo/{ext.name}": ext})
    unfound = audit_path(wheel)
    assert unfound.policy == "linux" and unfound.tag == "linux_x86_64"
    assert unfound.external_libraries == {"libhelper.so.1": None}
    assert unfound.libraries["libhelper.so.1"].kind == "missing"
    assert unfound.repair_policy is None  # cannot bundle what is not there

    monkeypatch.setenv("LD_LIBRARY_PATH", str(helper.parent))
    report = audit_path(wheel)
    assert report.policy == "linux"
    assert report.external_libraries == {"libhelper.so.1": str(helper)}
    assert report.libraries["libhelper.so.1"].kind == "external"
    assert report.libraries["libhelper.so.1"].needed_by == (f"demo/{ext.name}",)
    assert report.repair_policy == "manylinux_2_5" and report.needs_repair
    assert report.repair_tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
    rung = report.rung("manylinux2014")
    assert rung is not None and rung.repairable and not rung.passes
    assert rung.external == {"libhelper.so.1": str(helper)}
    assert report.blocking["manylinux_2_5"] == [
        "needs libraries outside the policy: libhelper.so.1"
    ]


def test_bundled_library_found_through_origin_rpath(tmp_path: Path) -> None:
    libdir = tmp_path / "lib"
    helper = gcc(libdir, "libhelper.so.1", PRIVATE_LIB, "-Wl,-soname,libhelper.so.1")
    (libdir / "libhelper.so").symlink_to(helper.name)
    ext = gcc(
        tmp_path / "b", "demo.cpython-311-x86_64-linux-gnu.so",
        ext_source("demo", "int helper(void);\nint c(void) { return helper(); }"),
        f"-L{libdir}", "-lhelper", "-Wl,-rpath,$ORIGIN/../demo.libs",
    )  # fmt: skip
    wheel = make_wheel(
        tmp_path / "w",
        {f"demo/{ext.name}": ext, "demo.libs/libhelper.so.1": helper},
    )
    report = audit_path(wheel)
    assert report.policy == "manylinux_2_5"
    assert report.external_libraries == {}
    node = report.libraries["libhelper.so.1"]
    assert (node.kind, node.path) == ("bundled", "demo.libs/libhelper.so.1")
    assert {e.path: e.top_level for e in report.elfs} == {
        f"demo/{ext.name}": True,
        "demo.libs/libhelper.so.1": False,
    }
    # an rpath climbing out of the wheel finds nothing inside it
    escaping = gcc(
        tmp_path / "c", "esc.cpython-311-x86_64-linux-gnu.so",
        ext_source("esc", "int helper(void);\nint c(void) { return helper(); }"),
        f"-L{libdir}", "-lhelper", "-Wl,-rpath,$ORIGIN/../../../demo.libs",
    )  # fmt: skip
    report = audit_path(
        make_wheel(tmp_path / "x", {f"esc/{escaping.name}": escaping, "demo.libs/libhelper.so.1":
                                    helper})
    )  # fmt: skip
    assert report.libraries["libhelper.so.1"].kind == "missing"


def test_blacklisted_zlib_symbol(tmp_path: Path) -> None:
    ext = gcc(
        tmp_path / "b", "z.cpython-311-x86_64-linux-gnu.so",
        ext_source("z", "unsigned long gzflags(void);\nunsigned long f(void) {return gzflags();}"),
        "-Wl,--no-as-needed", "-lz",
    )  # fmt: skip
    report = audit_path(make_wheel(tmp_path, {ext.name: ext}))
    assert report.policy == "linux"
    rung = report.rung("manylinux_2_17")
    assert rung is not None and not rung.repairable
    assert rung.blacklisted == {ext.name: {"libz.so.1": ("gzflags",)}}
    assert any("forbidden symbols of libz.so.1: gzflags" in r for r in rung.reasons)


def test_libpython_is_an_error_and_missing_pyinit_a_warning(tmp_path: Path) -> None:
    fake = tmp_path / "fake"
    gcc(fake, "libpython3.11.so", "int Py_IsInitialized(void) { return 1; }\n",
        "-Wl,-soname,libpython3.11.so.1.0")  # fmt: skip
    ext = gcc(
        tmp_path / "b", "emb.cpython-311-x86_64-linux-gnu.so",
        "int Py_IsInitialized(void);\nint ok(void) { return Py_IsInitialized(); }\n",
        f"-L{fake}", "-lpython3.11",
    )  # fmt: skip
    report = audit_path(make_wheel(tmp_path, {f"pkg/{ext.name}": ext}))
    assert len(report.errors) == 1
    assert "links libpython (libpython3.11.so.1.0)" in report.errors[0]
    assert "extension-module feature" in report.errors[0]
    assert report.warnings == (
        f"pkg/{ext.name}: couldn't find the symbol `PyInit_emb` or `PyModExport_emb`; Python "
        "will fail to import this module. If you're using pyo3, check that `#[pymodule]` uses "
        "`emb` as module name",
    )
    assert report.libraries["libpython3.11.so.1.0"].kind == "libpython"
    assert report.policy == "linux"


def test_pure_wheel(tmp_path: Path) -> None:
    report = audit_path(make_wheel(tmp_path, {"pkg/__init__.py": b"x = 1\n"}, tag="py3-none-any"))
    assert (report.policy, report.tag, report.elfs) == ("none", "any", ())
    assert report.to_json()["policy"] == "none"


def test_directory_and_single_file(tmp_path: Path) -> None:
    ext = gcc(tmp_path / "tree" / "pkg", "m.cpython-311-x86_64-linux-gnu.so", ext_source("m"))
    (tmp_path / "tree" / "pkg" / "__init__.py").write_text("")
    tree = audit_path(tmp_path / "tree")
    assert tree.kind == "directory" and tree.policy == "manylinux_2_5"
    assert [e.path for e in tree.elfs] == ["pkg/m.cpython-311-x86_64-linux-gnu.so"]
    single = audit_path(ext)
    assert single.kind == "file" and single.policy == "manylinux_2_5"
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(AuditError, match="neither a wheel, a directory nor an ELF file"):
        audit_path(text)
    with pytest.raises(AuditError, match="No such file"):
        audit_path(tmp_path / "missing.whl")


def test_json_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ext, helper = private_extension(tmp_path)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(helper.parent))
    data = json.loads(json.dumps(audit_path(make_wheel(tmp_path / "w", {ext.name: ext})).to_json()))
    assert data["policy"] == "linux" and data["tag"] == "linux_x86_64"
    assert data["external_libraries"] == {"libhelper.so.1": str(helper)}
    assert data["repair_policy"] == "manylinux_2_5"
    assert set(data["blocking"]) == {p.name for p in load_policies().manylinux if p.name != "linux"}
    (lib,) = data["libraries"]
    assert lib["path"] == ext.name and lib["extension"] is True
    assert lib["needed"][0] == "libhelper.so.1"
    assert lib["resolved"]["libhelper.so.1"] == str(helper)
    assert lib["symbol_versions"]["libc.so.6"] == ["GLIBC_2.2.5"]
    assert [r["policy"] for r in data["ladder"]][:2] == ["manylinux_2_5", "manylinux_2_12"]
    assert data["ladder"][-1]["policy"] == "musllinux_1_2"
    assert data["dependencies"]["libhelper.so.1"]["kind"] == "external"


def test_platform_tag_for() -> None:
    policies = load_policies()
    assert platform_tag_for(policies.get("manylinux2014"), "x86_64") == (
        "manylinux2014_x86_64.manylinux_2_17_x86_64"
    )
    assert platform_tag_for(policies.linux, "aarch64") == "linux_aarch64"
    assert platform_tag_for(policies.get("musllinux_1_2"), "x86_64") == "musllinux_1_2_x86_64"


def test_corrupt_elf_inside_a_wheel(tmp_path: Path) -> None:
    ext = gcc(tmp_path / "b", "m.cpython-311-x86_64-linux-gnu.so", ext_source("m"))
    data = ext.read_bytes()
    wheel = make_wheel(tmp_path, {"m.cpython-311-x86_64-linux-gnu.so": data[: len(data) // 3]})
    with pytest.raises(AuditError, match="not a valid ELF file"):
        audit_path(wheel)
    shutil.rmtree(tmp_path / "b")

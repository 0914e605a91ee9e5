"""ELF reading on real files built with gcc in tmp_path (glibc 2.36 host)."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from cratewright.core.audit import ElfInfo, analyze_elf, elf_arch, is_elf
from cratewright.errors import AuditError

OLD_ONLY = """
#include <string.h>
int old_only(const char *s) { return (int)strlen(s); }
"""

RECENT = """
#include <stdlib.h>
#include <string.h>
unsigned int recent(void) { return arc4random(); }
void copy(char *d, const char *s, size_t n) { memcpy(d, s, n); }
"""

PYINIT = """
void *PyInit_demo(void) { return 0; }
static int hidden_helper(void) { return 1; }
int visible_helper(void) { return hidden_helper(); }
"""


def gcc(tmp_path: Path, name: str, source: str, *flags: str, shared: bool = True) -> Path:
    """Compile ``source`` into ``tmp_path`` and return the output path."""
    src = tmp_path / f"{name}.c"
    src.write_text(source)
    out = tmp_path / (f"{name}.so" if shared else name)
    cmd = ["gcc", "-O0", "-fPIC", "-o", str(out), str(src), *flags]
    if shared:
        cmd.insert(1, "-shared")
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


def test_old_only_library(tmp_path: Path) -> None:
    so = gcc(tmp_path, "libold", OLD_ONLY, "-Wl,-soname,libold.so.1")
    info = analyze_elf(so)
    assert isinstance(info, ElfInfo)
    assert info.path == so
    assert (info.arch, info.bits, info.elf_type) == ("x86_64", 64, "ET_DYN")
    assert info.soname == "libold.so.1"
    assert info.needed == ("libc.so.6",)
    assert info.interpreter is None
    assert info.libc == "glibc" and not info.is_musl
    assert dict(info.version_requirements) == {"libc.so.6": frozenset({"GLIBC_2.2.5"})}
    assert "strlen" in info.undefined_symbols
    # __cxa_finalize is weak: optional at run time, so not "undefined" for blacklist checks
    assert "__cxa_finalize" not in info.undefined_symbols
    strlen = next(s for s in info.versioned_symbols if s.name == "strlen")
    assert (str(strlen), strlen.library, strlen.is_function, strlen.weak) == (
        "strlen@GLIBC_2.2.5",
        "libc.so.6",
        True,
        False,
    )
    assert "old_only" in info.exported_symbols
    assert "strlen" not in info.exported_symbols


def test_recent_symbols_are_attributed_to_their_versions(tmp_path: Path) -> None:
    info = analyze_elf(gcc(tmp_path, "librecent", RECENT))
    assert {"GLIBC_2.36", "GLIBC_2.14", "GLIBC_2.2.5"} <= info.version_requirements["libc.so.6"]
    assert [str(s) for s in info.symbols_with_version("GLIBC_2.36")] == ["arc4random@GLIBC_2.36"]
    assert [str(s) for s in info.symbols_with_version("GLIBC_2.14")] == ["memcpy@GLIBC_2.14"]


def test_executable_interpreter_and_libc_start_main(tmp_path: Path) -> None:
    exe = gcc(tmp_path, "prog", "int main(void) { return 0; }\n", shared=False)
    info = analyze_elf(exe)
    assert info.interpreter == "/lib64/ld-linux-x86-64.so.2"
    assert info.libc == "glibc"
    assert "__libc_start_main@GLIBC_2.34" in {str(s) for s in info.versioned_symbols}


def test_musl_interpreter_is_detected(tmp_path: Path) -> None:
    exe = gcc(
        tmp_path,
        "muslish",
        "int main(void) { return 0; }\n",
        "-Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1",
        shared=False,
    )
    info = analyze_elf(exe)
    assert info.interpreter == "/lib/ld-musl-x86_64.so.1"
    assert info.libc == "musl" and info.is_musl


def test_rpath_runpath_and_needed_order(tmp_path: Path) -> None:
    dep = gcc(tmp_path, "libdep", "int dep(void) { return 1; }\n", "-Wl,-soname,libdep.so")
    code = "int dep(void);\nint user(void) { return dep(); }\n"
    common = [f"-L{dep.parent}", "-ldep", "-lm", "-Wl,--no-as-needed"]
    with_runpath = gcc(
        tmp_path, "librun", code, "-Wl,--no-as-needed", *common,
        "-Wl,-rpath,$ORIGIN/libs:/opt/x", "-Wl,--enable-new-dtags",
    )  # fmt: skip
    info = analyze_elf(with_runpath)
    assert info.needed[0] == "libdep.so"
    assert "libm.so.6" in info.needed and "libc.so.6" in info.needed
    assert info.runpath == ("$ORIGIN/libs", "/opt/x")
    assert info.rpath == ()
    with_rpath = gcc(
        tmp_path, "librp", code, *common, "-Wl,-rpath,/opt/y", "-Wl,--disable-new-dtags"
    )
    info = analyze_elf(with_rpath)
    assert info.rpath == ("/opt/y",)
    assert info.runpath == ()


def test_exported_symbols(tmp_path: Path) -> None:
    info = analyze_elf(gcc(tmp_path, "demo", PYINIT))
    assert {"PyInit_demo", "visible_helper"} <= info.exported_symbols
    assert "hidden_helper" not in info.exported_symbols


def test_arch_from_patched_machine_field(tmp_path: Path) -> None:
    """Rewrite e_machine of a real library: the arch follows the header."""
    so = gcc(tmp_path, "libold", OLD_ONLY)
    data = bytearray(so.read_bytes())
    for machine, arch in [(183, "aarch64"), (243, "riscv64"), (22, "s390x"), (258, "loongarch64")]:
        data[18:20] = machine.to_bytes(2, "little")
        patched = tmp_path / f"{arch}.so"
        patched.write_bytes(bytes(data))
        assert analyze_elf(patched).arch == arch


@pytest.mark.parametrize(
    ("machine", "bits", "little", "arch"),
    [
        ("EM_X86_64", 64, True, "x86_64"),
        ("EM_386", 32, True, "i686"),
        ("EM_AARCH64", 64, True, "aarch64"),
        ("EM_ARM", 32, True, "armv7l"),
        ("EM_PPC64", 64, True, "ppc64le"),
        ("EM_PPC64", 64, False, "ppc64"),
        ("EM_S390", 64, False, "s390x"),
        ("EM_RISCV", 64, True, "riscv64"),
        ("EM_LOONGARCH", 64, True, "loongarch64"),
        ("EM_MIPS", 32, False, "mips"),
    ],
)
def test_elf_arch_mapping(machine: str, bits: int, little: bool, arch: str) -> None:
    assert elf_arch(machine, bits, little) == arch


def test_non_elf_and_missing_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, not an ELF file\n")
    with pytest.raises(AuditError, match=r"notes\.txt is not an ELF file$"):
        analyze_elf(text)
    empty = tmp_path / "empty.so"
    empty.write_bytes(b"")
    with pytest.raises(AuditError, match="is not an ELF file"):
        analyze_elf(empty)
    with pytest.raises(AuditError, match=r"^Cannot read .*missing\.so: No such file"):
        analyze_elf(tmp_path / "missing.so")
    with pytest.raises(AuditError, match=r"^Cannot read "):
        analyze_elf(tmp_path)
    assert not is_elf(text)
    assert not is_elf(tmp_path / "missing.so")


def test_truncated_file(tmp_path: Path) -> None:
    so = gcc(tmp_path, "libold", OLD_ONLY)
    assert is_elf(so)
    data = so.read_bytes()
    half = tmp_path / "half.so"
    half.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        AuditError, match=r"half\.so is not a valid ELF file \(truncated or corrupt\)"
    ):
        analyze_elf(half)
    header_only = tmp_path / "head.so"
    header_only.write_bytes(data[:30])
    with pytest.raises(AuditError, match="truncated or corrupt"):
        analyze_elf(header_only)


def test_bit_flips_never_leak_parser_exceptions(tmp_path: Path) -> None:
    """Random corruption either still parses or raises AuditError, never anything else."""
    so = gcc(tmp_path, "librecent", RECENT)
    original = so.read_bytes()
    rng = random.Random(20261128)
    errors = 0
    target = tmp_path / "flipped.so"
    for round_ in range(300):
        data = bytearray(original)
        # flip bytes in the header tables and in the dynamic data, where parsing is fragile
        for _ in range(1 + round_ % 4):
            region = rng.choice([(0, 64), (64, 0x1000), (len(data) - 0x800, len(data))])
            pos = rng.randrange(*region)
            data[pos] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(data))
        try:
            analyze_elf(target)
        except AuditError as exc:
            errors += 1
            assert "flipped.so" in str(exc)
    assert errors > 0


def test_specific_corruptions(tmp_path: Path) -> None:
    so = gcc(tmp_path, "libold", OLD_ONLY)
    data = bytearray(so.read_bytes())
    bad_class = bytearray(data)
    bad_class[4] = 7  # EI_CLASS neither 32 nor 64 bit
    target = tmp_path / "badclass.so"
    target.write_bytes(bytes(bad_class))
    with pytest.raises(AuditError, match="truncated or corrupt"):
        analyze_elf(target)
    bad_shoff = bytearray(data)
    bad_shoff[0x28:0x30] = (2**40).to_bytes(8, "little")  # e_shoff far past the end
    target.write_bytes(bytes(bad_shoff))
    with pytest.raises(AuditError, match="truncated or corrupt"):
        analyze_elf(target)


def test_system_library_reads(tmp_path: Path) -> None:
    """A distribution library (stripped, many symbols) reads fine."""
    libz = Path("/usr/lib/x86_64-linux-gnu/libz.so.1")
    copy = tmp_path / "libz.so.1"
    shutil.copy(libz, copy)
    info = analyze_elf(copy)
    assert info.soname == "libz.so.1"
    assert {"uncompress2", "crc32_z", "inflate"} <= info.exported_symbols
    assert info.version_requirements["libc.so.6"]

"""Platform tag choice on real gcc-built libraries, and one comparison with maturin itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cratewright.core.audit import (
    PlatformDecision,
    analyze_elf,
    check_policy,
    compatibility_warnings,
    decide_platform,
    load_policies,
    missing_pyinit,
    missing_pyinit_warning,
    parse_compatibility,
    parse_compatibility_value,
)
from cratewright.core.audit.resolve import SearchPaths
from cratewright.errors import AuditError, ConfigError
from cratewright.events import Event, Message

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"


def gcc(tmp_path: Path, name: str, source: str, *flags: str) -> Path:
    """Compile ``source`` into a shared library in ``tmp_path``."""
    src = tmp_path / f"{name}.c"
    src.write_text(source)
    out = tmp_path / f"{name}.so"
    cmd = ["gcc", "-shared", "-O0", "-fPIC", "-o", str(out), str(src), *flags]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


OLD_ONLY = "#include <string.h>\nint f(const char *s) { return (int)strlen(s); }\n"
NEEDS_2_14 = (
    "#include <string.h>\nvoid copy(char *d, const char *s, size_t n) { memcpy(d, s, n); }\n"
)
NEEDS_2_36 = "#include <stdlib.h>\nunsigned int r(void) { return arc4random(); }\n"
USES_UNCOMPRESS2 = (
    "#include <zlib.h>\n"
    "int u(unsigned char *d, unsigned long *dl, const unsigned char *s, unsigned long *sl)\n"
    "{ return uncompress2(d, dl, s, sl); }\n"
)
USES_COMPRESS = (
    "#include <zlib.h>\n"
    "int c(unsigned char *d, unsigned long *dl, const unsigned char *s, unsigned long sl)\n"
    "{ return compress(d, dl, s, sl); }\n"
)


class Sink:
    """Collects events, like the CLI would print them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def texts(self, level: str) -> list[str]:
        return [e.text for e in self.events if isinstance(e, Message) and e.level == level]


def decide(paths: list[Path], sink: Sink | None = None, **kwargs) -> PlatformDecision:
    options = {
        "arch": "x86_64",
        "requested": None,
        "mode": "check",
        "allow_libpython": False,
        "sink": sink if sink is not None else Sink(),
    }
    options.update(kwargs)
    return decide_platform([analyze_elf(p) for p in paths], **options)


# ---------------------------------------------------------------------------- compatibility


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("manylinux_2_28", "manylinux_2_28"),
        ("2_28", "manylinux_2_28"),
        ("Manylinux2014", "manylinux_2_17"),
        ("2014", "manylinux_2_17"),
        ("2010", "manylinux_2_12"),
        ("manylinux2010", "manylinux_2_12"),
        ("1", "manylinux_2_5"),
        ("manylinux1", "manylinux_2_5"),
        ("musllinux_1_2", "musllinux_1_2"),
        ("linux", "linux"),
        ("off", "linux"),
        ("PyPI", "pypi"),
        ("manylinux_2_99", "manylinux_2_99"),
    ],
)
def test_parse_compatibility_value(value: str, canonical: str) -> None:
    assert parse_compatibility_value(value) == canonical


@pytest.mark.parametrize(
    ("value", "family"),
    [("foo", "manylinux"), ("manylinux_2", "manylinux"), ("2_x", "manylinux"),
     ("musllinux_1", "musllinux"), ("", "manylinux")],
)  # fmt: skip
def test_parse_compatibility_rejects_with_maturins_text(value: str, family: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_compatibility_value(value)
    assert info.value.message == (
        f"invalid value '{value}' for '--compatibility': invalid {family} option"
    )


def test_parse_compatibility_lists() -> None:
    request = parse_compatibility(["musllinux_1_2", "pypi", "2014"])
    assert request.tags == ("manylinux_2_17", "musllinux_1_2")
    assert request.pypi
    assert parse_compatibility(None).tags == ()
    assert parse_compatibility(["pypi"]).tags == ()
    with pytest.raises(ConfigError, match=r"^Cannot mix linux and manylinux/musllinux"):
        parse_compatibility(["linux", "2_28"])


def test_compatibility_warnings() -> None:
    assert compatibility_warnings(
        ["manylinux_2_12", "manylinux_2_17", "musllinux_1_2"],
        target_triple="x86_64-unknown-linux-gnu",
        musl_target=False,
    ) == [
        "⚠️  Warning: manylinux_2_12 is unsupported by the Rust compiler.",
        "⚠️  Warning: x86_64-unknown-linux-gnu is not compatible with musllinux_1_2.",
    ]
    assert compatibility_warnings(["musllinux_1_2"], target_triple="t", musl_target=True) == []


# ---------------------------------------------------------------------------- automatic choice


def test_old_symbols_only_get_manylinux1(tmp_path: Path) -> None:
    sink = Sink()
    decision = decide([gcc(tmp_path, "libold", OLD_ONLY)], sink)
    assert decision.policy == "manylinux_2_5"
    # maturin 1.16 writes the compressed set sorted
    assert decision.platform_tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
    assert decision.blocking == {}
    assert decision.external_libraries == {}
    assert decision.audited
    assert sink.events == []


def test_memcpy_2_14_gets_manylinux2014(tmp_path: Path) -> None:
    decision = decide([gcc(tmp_path, "libcopy", NEEDS_2_14)])
    assert decision.policy == "manylinux_2_17"
    assert decision.platform_tag == "manylinux2014_x86_64.manylinux_2_17_x86_64"
    assert list(decision.blocking) == ["manylinux_2_5", "manylinux_2_12"]
    assert decision.blocking["manylinux_2_12"] == [
        "Your library is not manylinux_2_12 (aka manylinux2010) compliant because of the "
        'presence of too-recent versioned symbols: ["libc.so.6 offending symbols: '
        'memcpy@GLIBC_2.14"]. Consider building in a manylinux docker container'
    ]


def test_recent_glibc_symbol_gets_manylinux_2_36(tmp_path: Path) -> None:
    decision = decide([gcc(tmp_path, "librecent", NEEDS_2_36)])
    assert decision.policy == "manylinux_2_36"
    assert decision.platform_tag == "manylinux_2_36_x86_64"
    assert list(decision.blocking) == [p.name for p in load_policies().manylinux[:10]]
    assert list(decision.blocking)[-1] == "manylinux_2_35"
    assert decision.blocking["manylinux_2_35"] == [
        "Your library is not manylinux_2_35 compliant because of the presence of too-recent "
        'versioned symbols: ["libc.so.6 offending symbols: arc4random@GLIBC_2.36"]. '
        "Consider building in a manylinux docker container"
    ]


def test_whitelisted_zlib_needs_no_bundling(tmp_path: Path) -> None:
    sink = Sink()
    decision = decide([gcc(tmp_path, "libzuser", USES_COMPRESS, "-lz")], sink, mode="repair")
    assert decision.policy == "manylinux_2_5"
    assert decision.external_libraries == {}
    assert sink.events == []


def test_blacklisted_zlib_symbol_blocks_old_policies(tmp_path: Path) -> None:
    decision = decide([gcc(tmp_path, "libz2", USES_UNCOMPRESS2, "-lz")])
    # uncompress2 is on the libz blacklist up to manylinux_2_31
    assert decision.policy == "manylinux_2_34"
    assert decision.blocking["manylinux_2_31"] == [
        "Your library is not manylinux_2_31 compliant because it depends on black-listed "
        'symbols: ["libz.so.1: uncompress2"]'
    ]
    with pytest.raises(AuditError) as info:
        decide([tmp_path / "libz2.so"], requested=["2_28"])
    assert info.value.message == (
        "Your library is not manylinux_2_28 compliant because it depends on black-listed "
        'symbols: ["libz.so.1: uncompress2"]'
    )


def test_unsupported_arch_falls_back_to_linux_with_warning(tmp_path: Path) -> None:
    sink = Sink()
    decision = decide([gcc(tmp_path, "libold", OLD_ONLY)], sink, arch="mips")
    assert (decision.policy, decision.platform_tag) == ("linux", "linux_mips")
    assert sink.texts("warning") == [
        "⚠️  Warning: No compatible platform tag found, using the linux tag instead. "
        "You won't be able to upload those wheels to PyPI."
    ]
    assert decision.blocking["manylinux_2_5"] == [
        "Your library is not manylinux_2_5 (aka manylinux1) compliant because it has "
        "unsupported architecture: mips"
    ]


def test_armv7l_falls_back_to_linux_silently(tmp_path: Path) -> None:
    """An x86_64 glibc's GLIBC_2.2.5 is not an armv7l version: nothing passes."""
    sink = Sink()
    decision = decide([gcc(tmp_path, "libold", OLD_ONLY)], sink, arch="armv7l")
    assert decision.platform_tag == "linux_armv7l"
    assert sink.events == []


def test_several_files_take_the_least_portable(tmp_path: Path) -> None:
    old = gcc(tmp_path, "libold", OLD_ONLY)
    recent = gcc(tmp_path, "librecent", NEEDS_2_36)
    decision = decide([old, recent])
    assert decision.policy == "manylinux_2_36"
    reasons = decision.blocking["manylinux_2_35"]
    assert reasons == [
        "librecent.so: Your library is not manylinux_2_35 compliant because of the presence "
        'of too-recent versioned symbols: ["libc.so.6 offending symbols: '
        'arc4random@GLIBC_2.36"]. Consider building in a manylinux docker container'
    ]


# ---------------------------------------------------------------------------- requested tags


def test_requested_tag_that_fails(tmp_path: Path) -> None:
    so = gcc(tmp_path, "librecent", NEEDS_2_36)
    expected = (
        "Your library is not manylinux_2_17 (aka manylinux2014) compliant because of the "
        'presence of too-recent versioned symbols: ["libc.so.6 offending symbols: '
        'arc4random@GLIBC_2.36"]. Consider building in a manylinux docker container'
    )
    for mode in ("check", "repair", "warn"):  # maturin fails in warn mode too
        with pytest.raises(AuditError) as info:
            decide([so], requested=["manylinux2014"], mode=mode)
        assert str(info.value) == expected


def test_requested_tag_that_passes_and_eligible_message(tmp_path: Path) -> None:
    sink = Sink()
    decision = decide([gcc(tmp_path, "libcopy", NEEDS_2_14)], sink, requested=["2_28"])
    assert decision.policy == "manylinux_2_28"
    assert decision.platform_tag == "manylinux_2_28_x86_64"
    assert sink.texts("info") == [
        "📦 Wheel is eligible for a higher priority tag. You requested manylinux_2_28 "
        "but this wheel is eligible for manylinux_2_17 (aka manylinux2014)"
    ]
    assert list(decision.blocking) == ["manylinux_2_5", "manylinux_2_12"]
    passing = decide([tmp_path / "libcopy.so"], requested=["2014"])
    assert passing.platform_tag == "manylinux2014_x86_64.manylinux_2_17_x86_64"


def test_no_eligible_message_for_manylinux1(tmp_path: Path) -> None:
    """maturin never recommends manylinux1: Rust does not support it any more."""
    sink = Sink()
    decision = decide([gcc(tmp_path, "libold", OLD_ONLY)], sink, requested=["manylinux_2_28"])
    assert decision.platform_tag == "manylinux_2_28_x86_64"
    assert sink.events == []


def test_undefined_policy(tmp_path: Path) -> None:
    so = gcc(tmp_path, "libold", OLD_ONLY)
    with pytest.raises(AuditError) as info:
        decide([so], requested=["manylinux_2_99"])
    assert info.value.message == (
        "manylinux_2_99 compatibility policy is not defined by auditwheel yet, pass "
        "`--auditwheel=skip` to proceed anyway"
    )
    skipped = decide([so], requested=["manylinux_2_99"], mode="skip")
    assert skipped.platform_tag == "manylinux_2_99_x86_64"


def test_invalid_requested_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid manylinux option"):
        decide([gcc(tmp_path, "libold", OLD_ONLY)], requested=["foo"])


def test_unsupported_arch_for_requested_tag(tmp_path: Path) -> None:
    with pytest.raises(AuditError) as info:
        decide([gcc(tmp_path, "libold", OLD_ONLY)], requested=["2010"], arch="aarch64")
    assert info.value.message == (
        "Your library is not manylinux_2_12 (aka manylinux2010) compliant because it has "
        "unsupported architecture: aarch64"
    )


def test_skip_and_linux(tmp_path: Path) -> None:
    so = gcc(tmp_path, "librecent", NEEDS_2_36)
    skipped = decide([so], mode="skip")
    assert (skipped.policy, skipped.platform_tag, skipped.audited) == (
        "linux",
        "linux_x86_64",
        False,
    )
    assert decide([so], mode="skip", requested=["2014"]).platform_tag == (
        "manylinux2014_x86_64.manylinux_2_17_x86_64"
    )
    for value in ("linux", "off"):
        linux = decide([so], requested=[value])
        assert (linux.platform_tag, linux.audited) == ("linux_x86_64", False)
    pypi = decide([so], requested=["pypi"])
    assert pypi.platform_tag == "manylinux_2_36_x86_64"


def test_musllinux_requested_on_glibc_library(tmp_path: Path) -> None:
    """As maturin: libc.so.6 is not bundled, libgcc_s would be."""
    so = gcc(tmp_path, "libgccs", OLD_ONLY, "-Wl,--no-as-needed", "-lgcc_s")
    sink = Sink()
    decision = decide([so], sink, requested=["musllinux_1_2"], mode="warn")
    assert decision.platform_tag == "musllinux_1_2_x86_64"
    assert decision.external_libraries == {str(so): ["libgcc_s.so.1"]}
    assert decision.missing_libraries == {}
    assert "    libgcc_s.so.1 => /" in sink.texts("info")[0]


# ---------------------------------------------------------------------------- external libraries


@pytest.fixture
def linked_to_private_lib(tmp_path: Path) -> Path:
    """libuser.so needs libhelper.so, found next to it through RUNPATH $ORIGIN."""
    helper = gcc(
        tmp_path, "libhelper", "int helper(void) { return 42; }\n", "-Wl,-soname,libhelper.so"
    )
    return gcc(
        tmp_path,
        "libuser",
        "int helper(void);\nint use(void) { return helper(); }\n",
        f"-L{helper.parent}",
        "-lhelper",
        "-Wl,-rpath,$ORIGIN",
    )


def test_external_library_warn(linked_to_private_lib: Path) -> None:
    sink = Sink()
    decision = decide([linked_to_private_lib], sink, mode="warn")
    assert decision.policy == "manylinux_2_5"
    assert decision.platform_tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
    assert decision.external_libraries == {str(linked_to_private_lib): ["libhelper.so"]}
    assert decision.missing_libraries == {}
    helper = os.path.realpath(linked_to_private_lib.parent / "libhelper.so")
    assert sink.texts("info") == [
        "🔗 External shared libraries to be copied into the wheel:\n"
        f"  {linked_to_private_lib} requires:\n"
        f"    libhelper.so => {helper}"
    ]
    assert sink.texts("warning") == [
        "⚠️  Warning: Your library requires copying the above external libraries. "
        "Re-run with `--auditwheel=repair` to copy them into the wheel."
    ]


def test_external_library_check(linked_to_private_lib: Path) -> None:
    sink = Sink()
    with pytest.raises(AuditError) as info:
        decide([linked_to_private_lib], sink, mode="check")
    assert info.value.message == (
        "Your library requires copying the above external libraries. "
        "Re-run with `--auditwheel=repair` to copy them."
    )
    assert len(sink.texts("info")) == 1


def test_external_library_repair_mode_lists_them_for_the_builder(
    linked_to_private_lib: Path,
) -> None:
    """In repair mode the decision names the libraries; the builder then bundles them."""
    sink = Sink()
    decision = decide([linked_to_private_lib], sink, mode="repair")
    assert decision.policy == "manylinux_2_5"
    assert decision.external_libraries == {str(linked_to_private_lib): ["libhelper.so"]}
    assert len(sink.texts("info")) == 1 and sink.texts("warning") == []


def test_external_library_with_requested_tag(linked_to_private_lib: Path) -> None:
    decision = decide([linked_to_private_lib], requested=["2_28"], mode="warn")
    assert decision.platform_tag == "manylinux_2_28_x86_64"
    assert decision.external_libraries


# ---------------------------------------------------------------------------- missing libraries
# maturin resolves the dependency tree of a file that links anything outside the allow-list
# (lddtree) and lists each library to bundle as "name => path" or "name => not found"; only
# repair fails on a library it cannot locate. Allow-listed libraries are never looked up.


@pytest.fixture
def linked_to_missing_lib(tmp_path: Path) -> Path:
    """libuser.so needs libhelper.so, which is on no search path (it was only linked against)."""
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    gcc(hidden, "libhelper", "int helper(void) { return 42; }\n", "-Wl,-soname,libhelper.so")
    return gcc(
        tmp_path,
        "libuser",
        "int helper(void);\nint use(void) { return helper(); }\n",
        f"-L{hidden}",
        "-lhelper",
    )


def _missing_listing(path: Path, *lines: str) -> list[str]:
    body = "".join(f"\n    {line}" for line in lines)
    return [f"🔗 External shared libraries to be copied into the wheel:\n  {path} requires:{body}"]


def test_missing_library_warn_lists_it_as_not_found(linked_to_missing_lib: Path) -> None:
    sink = Sink()
    decision = decide([linked_to_missing_lib], sink, mode="warn")
    assert decision.platform_tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
    assert decision.external_libraries == {str(linked_to_missing_lib): ["libhelper.so"]}
    assert decision.missing_libraries == {str(linked_to_missing_lib): ["libhelper.so"]}
    assert sink.texts("info") == _missing_listing(
        linked_to_missing_lib, "libhelper.so => not found"
    )
    assert sink.texts("warning") == [
        "⚠️  Warning: Your library requires copying the above external libraries. "
        "Re-run with `--auditwheel=repair` to copy them into the wheel."
    ]


def test_missing_library_check_fails_like_any_external_library(
    linked_to_missing_lib: Path,
) -> None:
    sink = Sink()
    with pytest.raises(AuditError) as info:
        decide([linked_to_missing_lib], sink, mode="check")
    assert info.value.message == (
        "Your library requires copying the above external libraries. "
        "Re-run with `--auditwheel=repair` to copy them."
    )
    assert sink.texts("info") == _missing_listing(
        linked_to_missing_lib, "libhelper.so => not found"
    )


def test_missing_library_repair_fails_before_writing(linked_to_missing_lib: Path) -> None:
    sink = Sink()
    with pytest.raises(AuditError) as info:
        decide([linked_to_missing_lib], sink, mode="repair")
    assert info.value.message == (
        "Cannot repair wheel, because required library libhelper.so could not be located."
    )
    assert sink.texts("info") == _missing_listing(
        linked_to_missing_lib, "libhelper.so => not found"
    )


def test_missing_library_skip_is_not_looked_at(linked_to_missing_lib: Path) -> None:
    sink = Sink()
    decision = decide([linked_to_missing_lib], sink, mode="skip")
    assert (decision.platform_tag, decision.audited) == ("linux_x86_64", False)
    assert decision.missing_libraries == {} and sink.events == []


def test_ld_library_path_finds_it(
    linked_to_missing_lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's (and lddtree's) LD_LIBRARY_PATH counts: then repair can bundle it."""
    hidden = linked_to_missing_lib.parent / "hidden"
    monkeypatch.setenv("LD_LIBRARY_PATH", str(hidden))
    sink = Sink()
    decision = decide([linked_to_missing_lib], sink, mode="repair")
    assert decision.missing_libraries == {}
    assert decision.external_libraries == {str(linked_to_missing_lib): ["libhelper.so"]}
    assert sink.texts("info") == _missing_listing(
        linked_to_missing_lib, f"libhelper.so => {hidden / 'libhelper.so'}"
    )


def test_library_an_external_library_needs_counts_too(tmp_path: Path) -> None:
    """libouter.so is found (RUNPATH $ORIGIN) but its own libinner.so is not: both are listed,
    sorted, and repair names the one it cannot copy."""
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    gcc(hidden, "libinner", "int inner(void) { return 1; }\n", "-Wl,-soname,libinner.so")
    gcc(tmp_path, "libouter", "int inner(void);\nint outer(void) { return inner(); }\n",
        "-Wl,-soname,libouter.so", f"-L{hidden}", "-linner")  # fmt: skip
    user = gcc(tmp_path, "libuser", "int outer(void);\nint use(void) { return outer(); }\n",
               f"-L{tmp_path}", "-louter", "-Wl,-rpath,$ORIGIN")  # fmt: skip
    sink = Sink()
    decision = decide([user], sink, mode="warn")
    outer = os.path.realpath(tmp_path / "libouter.so")
    assert decision.external_libraries == {str(user): ["libinner.so", "libouter.so"]}
    assert decision.missing_libraries == {str(user): ["libinner.so"]}
    assert sink.texts("info") == _missing_listing(
        user, "libinner.so => not found", f"libouter.so => {outer}"
    )
    with pytest.raises(AuditError, match=r"required library libinner\.so could not be located"):
        decide([user], mode="repair")


@pytest.fixture
def linked_to_allowed_names(tmp_path: Path) -> tuple[Path, Path]:
    """Two libraries linking allow-listed sonames (fakes of libICE / libX11) plus libhelper.so,
    none of which the empty search paths used below can find."""
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    gcc(hidden, "libICE", "int ice(void) { return 1; }\n", "-Wl,-soname,libICE.so.6")
    gcc(hidden, "libX11", "int x11(void) { return 1; }\n", "-Wl,-soname,libX11.so.6")
    gcc(hidden, "libhelper", "int helper(void) { return 42; }\n", "-Wl,-soname,libhelper.so")
    only_allowed = gcc(tmp_path, "liballowed", "int ice(void);\nint u(void) { return ice(); }\n",
                       f"-L{hidden}", "-l:libICE.so")  # fmt: skip
    mixed = gcc(tmp_path, "libmixed",
                "int x11(void);\nint helper(void);\nint u(void) { return x11() + helper(); }\n",
                f"-L{hidden}", "-l:libX11.so", "-lhelper")  # fmt: skip
    return only_allowed, mixed


def test_missing_allowed_library_is_accepted_silently(
    linked_to_allowed_names: tuple[Path, Path],
) -> None:
    """maturin never looks an allow-listed library up, so nothing notices it is missing."""
    only_allowed, _ = linked_to_allowed_names
    assert "libICE.so.6" in analyze_elf(only_allowed).needed
    for mode in ("repair", "check", "warn"):
        sink = Sink()
        decision = decide([only_allowed], sink, mode=mode, search=SearchPaths())
        assert decision.platform_tag == "manylinux1_x86_64.manylinux_2_5_x86_64"
        assert decision.external_libraries == {} and decision.missing_libraries == {}
        assert sink.events == []


def test_missing_allowed_library_is_not_listed_beside_an_external_one(
    linked_to_allowed_names: tuple[Path, Path],
) -> None:
    _, mixed = linked_to_allowed_names
    sink = Sink()
    decision = decide([mixed], sink, mode="warn", search=SearchPaths())
    assert decision.missing_libraries == {str(mixed): ["libhelper.so"]}
    assert sink.texts("info") == _missing_listing(mixed, "libhelper.so => not found")
    with pytest.raises(AuditError, match=r"required library libhelper\.so could not be located"):
        decide([mixed], mode="repair", search=SearchPaths())


def test_missing_libpython_of_a_binary_is_not_external(linked_to_libpython: Path) -> None:
    """bin wheels may link libpython; maturin drops it from the external list, found or not."""
    decision = decide([linked_to_libpython], allow_libpython=True, mode="repair")
    assert decision.external_libraries == {} and decision.missing_libraries == {}


# ---------------------------------------------------------------------------- libpython


@pytest.fixture
def linked_to_libpython(tmp_path: Path) -> Path:
    fake = tmp_path / "fake"
    fake.mkdir()
    gcc(fake, "libpython3.11", "int Py_IsInitialized(void) { return 1; }\n",
        "-Wl,-soname,libpython3.11.so.1.0")  # fmt: skip
    return gcc(
        tmp_path,
        "libembed",
        "int Py_IsInitialized(void);\nint ok(void) { return Py_IsInitialized(); }\n",
        f"-L{fake}",
        "-lpython3.11",
    )


def test_libpython_is_refused(linked_to_libpython: Path) -> None:
    assert "libpython3.11.so.1.0" in analyze_elf(linked_to_libpython).needed
    for mode in ("check", "warn", "repair"):
        with pytest.raises(AuditError) as info:
            decide([linked_to_libpython], mode=mode)
        assert info.value.message == (
            "Your library links libpython (libpython3.11.so.1.0), which libraries must not do. "
            "Have you forgotten to activate the extension-module feature?"
        )
    assert decide([linked_to_libpython], mode="skip").platform_tag == "linux_x86_64"


def test_libpython_allowed_for_binaries(linked_to_libpython: Path) -> None:
    sink = Sink()
    decision = decide([linked_to_libpython], sink, allow_libpython=True, mode="repair")
    assert decision.policy == "manylinux_2_5"
    assert decision.external_libraries == {}


# ---------------------------------------------------------------------------- misc


def test_check_policy_reports_everything(tmp_path: Path, linked_to_private_lib: Path) -> None:
    info = analyze_elf(
        gcc(tmp_path, "libboth", NEEDS_2_36, "-Wl,--no-as-needed", f"-L{tmp_path}", "-lhelper")
    )
    result = check_policy(info, load_policies().get("manylinux_2_17"), arch="x86_64",
                          allow_libpython=False)  # fmt: skip
    assert result.forbidden == ("libhelper.so",)
    assert not result.passes and not result.repairable
    assert result.error is not None and "too-recent" in result.error
    assert len(result.reasons) == 2


def test_missing_pyinit(tmp_path: Path) -> None:
    info = analyze_elf(gcc(tmp_path, "demo", "void *PyInit_demo(void) { return 0; }\n"))
    assert not missing_pyinit(info, "demo")
    assert missing_pyinit(info, "other")
    modexport = analyze_elf(gcc(tmp_path, "mx", "void *PyModExport_mx(void) { return 0; }\n"))
    assert not missing_pyinit(modexport, "mx")
    assert missing_pyinit_warning("other") == (
        "⚠️  Warning: Couldn't find the symbol `PyInit_other` or `PyModExport_other` in the "
        "native library. Python will fail to import this module. If you're using pyo3, check "
        "that `#[pymodule]` uses `other` as module name"
    )


# ---------------------------------------------------------------------------- maturin oracle


def test_same_tag_as_maturin_for_a_pyo3_wheel(tmp_path: Path) -> None:
    """Build test-crates/pyo3-pure with the real maturin and decide on its .so ourselves."""
    maturin = VENV_BIN / "maturin"
    crate = tmp_path / "pyo3-pure"
    shutil.copytree(REPO / "test-crates" / "pyo3-pure", crate)
    env = {**os.environ, "CARGO_TARGET_DIR": str(REPO / "target")}

    def build(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(maturin), "build", "--release", "-i", sys.executable, "-o",
             str(tmp_path / "out"), *extra],
            cwd=crate, env=env, capture_output=True, text=True, timeout=1200,
        )  # fmt: skip

    done = build()
    assert done.returncode == 0, done.stderr
    wheel = next((tmp_path / "out").glob("*.whl"))
    maturin_platform = wheel.stem.split("-")[-1]
    with zipfile.ZipFile(wheel) as zf:
        so_name = next(n for n in zf.namelist() if n.endswith(".so"))
        so = tmp_path / Path(so_name).name
        so.write_bytes(zf.read(so_name))
    ours = decide([so], mode="repair")
    assert ours.platform_tag == maturin_platform
    assert ours.platform_tag == "manylinux_2_34_x86_64"
    assert not missing_pyinit(analyze_elf(so), "pyo3_pure")

    # The same request fails in both, with the same kind of message.
    failed = build("--compatibility", "manylinux2014")
    assert failed.returncode != 0
    with pytest.raises(AuditError) as info:
        decide([so], requested=["manylinux2014"])
    prefix = (
        "Your library is not manylinux_2_17 (aka manylinux2014) compliant because of the "
        'presence of too-recent versioned symbols: ["libc.so.6 offending '
    )
    assert prefix in failed.stderr
    assert info.value.message.startswith(prefix)
    for version in ("GLIBC_2.18", "GLIBC_2.28", "GLIBC_2.30", "GLIBC_2.33", "GLIBC_2.34"):
        assert version in failed.stderr
        assert f"@{version}" in info.value.message

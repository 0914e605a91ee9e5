"""Library lookup like the dynamic loader, from files on disk only."""

from __future__ import annotations

from pathlib import Path

from cratewright.core.audit import analyze_elf
from cratewright.core.audit.resolve import (
    Location,
    SearchPaths,
    dependency_tree,
    expand_origin,
    parse_ld_so_conf,
    system_search_paths,
)
from tests.core.test_audit_support import PRIVATE_LIB, gcc

USER = "int helper(void);\nint use(void) { return helper(); }\n"


def test_ld_so_conf_includes_comments_and_loops(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for d in ("opt/a", "opt/b", "opt/c", "etc/ld.so.conf.d"):
        (root / d).mkdir(parents=True)
    (root / "etc/ld.so.conf").write_text(
        "# comment\n/opt/a  # trailing\n\ninclude /etc/ld.so.conf.d/*.conf\n/opt/missing\n"
    )
    (root / "etc/ld.so.conf.d/1.conf").write_text("/opt/b\ninclude ../ld.so.conf\n")
    (root / "etc/ld.so.conf.d/2.conf").write_text("include 1.conf\n/opt/c\n/opt/a\n")
    found = parse_ld_so_conf(str(root / "etc/ld.so.conf"), root=str(root))
    assert found == [str(root / "opt/a"), str(root / "opt/b"), str(root / "opt/c")]


def test_system_paths_of_this_machine(tmp_path: Path) -> None:
    paths = system_search_paths("glibc", environ={"LD_LIBRARY_PATH": f"{tmp_path}::/nonexistent"})
    assert paths.env[0] == str(tmp_path)
    assert "/nonexistent" not in paths.env
    assert "/usr/lib/x86_64-linux-gnu" in paths.conf  # from /etc/ld.so.conf.d on Debian
    assert paths.conf.index("/usr/lib/x86_64-linux-gnu") < paths.conf.index("/usr/lib")


def test_expand_origin() -> None:
    inside = Location("pkg/sub/mod.so", True)
    assert expand_origin("$ORIGIN/../pkg.libs", inside) == Location("pkg/pkg.libs", True)
    assert expand_origin("${ORIGIN}", inside) == Location("pkg/sub", True)
    assert expand_origin("$ORIGIN/../../..", inside) is None  # leaves the wheel
    assert expand_origin("/opt/lib", inside) == Location("/opt/lib", False)
    assert expand_origin("relative/dir", inside) is None
    host = Location("/usr/lib/x/libfoo.so", False)
    assert expand_origin("$ORIGIN/../y", host) == Location("/usr/lib/y", False)


def _tree(so: Path, search: SearchPaths):
    return dependency_tree(Location(str(so), False), analyze_elf(so), search=search)


def test_rpath_runpath_and_ld_library_path_order(tmp_path: Path) -> None:
    first = gcc(tmp_path / "first", "libhelper.so", PRIVATE_LIB, "-Wl,-soname,libhelper.so")
    second = gcc(tmp_path / "second", "libhelper.so", PRIVATE_LIB, "-Wl,-soname,libhelper.so")
    conf = SearchPaths(conf=system_search_paths("glibc", environ={}).conf)
    with_rpath = gcc(
        tmp_path / "u1", "libu.so", USER, f"-L{first.parent}", "-lhelper",
        f"-Wl,-rpath,{first.parent}", "-Wl,--disable-new-dtags",
    )  # fmt: skip
    tree = _tree(with_rpath, SearchPaths(env=(str(second.parent),), conf=conf.conf))
    assert tree.libraries["libhelper.so"].location == Location(str(first), False)  # RPATH first
    with_runpath = gcc(
        tmp_path / "u2", "libu.so", USER, f"-L{first.parent}", "-lhelper",
        f"-Wl,-rpath,{first.parent}", "-Wl,--enable-new-dtags",
    )  # fmt: skip
    tree = _tree(with_runpath, SearchPaths(env=(str(second.parent),), conf=conf.conf))
    assert tree.libraries["libhelper.so"].location == Location(str(second), False)  # env first
    tree = _tree(with_runpath, SearchPaths(conf=conf.conf))
    assert tree.libraries["libhelper.so"].location == Location(str(first), False)
    plain = gcc(tmp_path / "u3", "libu.so", USER, f"-L{first.parent}", "-lhelper")
    tree = _tree(plain, SearchPaths(conf=conf.conf))
    assert tree.libraries["libhelper.so"].location is None
    assert tree.libraries["libhelper.so"].needed_by == (str(plain),)


def test_incompatible_candidates_are_skipped(tmp_path: Path) -> None:
    """A library of another machine in an earlier directory is passed over, like ld.so does."""
    good = gcc(tmp_path / "good", "libhelper.so", PRIVATE_LIB, "-Wl,-soname,libhelper.so")
    wrong = tmp_path / "wrong" / "libhelper.so"
    wrong.parent.mkdir()
    data = bytearray(good.read_bytes())
    data[18:20] = (183).to_bytes(2, "little")  # EM_AARCH64
    wrong.write_bytes(bytes(data))
    user = gcc(tmp_path / "u", "libu.so", USER, f"-L{good.parent}", "-lhelper")
    tree = _tree(user, SearchPaths(env=(str(wrong.parent), str(good.parent))))
    assert tree.libraries["libhelper.so"].location == Location(str(good), False)
    text = tmp_path / "text" / "libhelper.so"
    text.parent.mkdir()
    text.write_text("INPUT(-lhelper)\n")  # a linker script, as /usr/lib/*/libc.so is
    tree = _tree(user, SearchPaths(env=(str(text.parent), str(good.parent))))
    assert tree.libraries["libhelper.so"].location == Location(str(good), False)

"""Find the file behind each DT_NEEDED name the way the dynamic loader would, without running it.

The order is the loader's, with auditwheel's lddtree additions (so our verdicts agree with it):
the top file's RPATH, this file's RPATH (ignored when it has RUNPATH), ``LD_LIBRARY_PATH``,
this file's RUNPATH, the top file's RUNPATH (``$ORIGIN`` expanded everywhere),
``/etc/ld.so.conf`` (includes followed), the default directories, and the interpreter's
directories. A candidate counts only if it is an ELF
file the requesting file could load (same class, byte order, machine). Libraries inside a wheel
are found through ``$ORIGIN`` paths that stay inside the wheel; those are :class:`Location`
values with ``in_wheel`` set, read from the archive rather than the disk.
"""

from __future__ import annotations

import glob
import os
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cratewright.core.audit.elf import analyze_elf, read_elf_header
from cratewright.core.audit.elf_info import ElfInfo
from cratewright.errors import AuditError

__all__ = [
    "Location",
    "ResolvedLibrary",
    "SearchPaths",
    "Tree",
    "dependency_tree",
    "expand_origin",
    "parse_ld_so_conf",
    "system_search_paths",
]

_ORIGIN = re.compile(r"\$(ORIGIN|\{ORIGIN\})")
_LIBPYTHON = re.compile(r"^libpython\d+\.\d+m?.so(\.\d)*$")
_MAX_CONF_FILES = 256
_MAX_LIBRARIES = 4096


@dataclass(frozen=True)
class Location:
    """Where an ELF file lives: a member of the audited tree, or a path on this machine.

    Attributes:
        path: Archive path (``pkg/mod.so``) when ``in_wheel``, else an absolute host path.
        in_wheel: The file is part of what is being audited (bundled).
    """

    path: str
    in_wheel: bool

    @property
    def directory(self) -> str:
        """The directory ``$ORIGIN`` stands for."""
        return posixpath.dirname(self.path) if self.in_wheel else str(Path(self.path).parent)

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True)
class SearchPaths:
    """Directories the loader searches after the file's own RPATH/RUNPATH.

    Attributes:
        env: ``LD_LIBRARY_PATH`` entries.
        conf: ``/etc/ld.so.conf`` (or musl's ``/etc/ld-musl-*.path``) entries, then defaults.
        extra: Directories searched after everything else, as maturin appends the
            ``cargo:rustc-link-search`` directories of the crate's build scripts (lddtree's
            "additional" paths): a library a ``-sys`` crate builds into its OUT_DIR is
            found there and bundled, while a system copy of the same name still wins.
    """

    env: tuple[str, ...] = ()
    conf: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


def parse_ld_so_conf(path: str, *, root: str = "/") -> list[str]:
    """Directories listed in an ld.so.conf file, following ``include`` globs.

    Comments and blank lines are skipped; each file is read at most once (include loops end)
    and at most 256 files are read; unreadable files are ignored as the loader ignores them.
    """
    seen: set[str] = set()
    found: list[str] = []

    def read(conf: str) -> None:
        if conf in seen or len(seen) >= _MAX_CONF_FILES:
            return
        seen.add(conf)
        try:
            with Path(conf).open(encoding="utf-8", errors="replace") as fh:
                lines = fh.read(1 << 20).splitlines()
        except OSError:
            return
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("include") and line[7:8].isspace():
                for pattern in line[8:].split():
                    base = Path(root) if pattern.startswith("/") else Path(conf).parent
                    # glob.glob, not Path.glob: include patterns may contain ".." components
                    for match in sorted(glob.glob(str(base / pattern.lstrip("/")))):  # noqa: PTH207
                        read(match)
            elif line.startswith("hwcap"):
                continue
            else:
                found.append(os.path.normpath(Path(root) / line.lstrip("/")))

    read(path)
    return _existing_dirs(found)


def _existing_dirs(paths: list[str]) -> list[str]:
    return [p for p in dict.fromkeys(paths) if Path(p).is_dir()]


def system_search_paths(
    libc: str | None,
    *,
    environ: Mapping[str, str] | None = None,
    root: str = "/",
    extra: Sequence[str | os.PathLike[str]] = (),
) -> SearchPaths:
    """The machine's library directories for a glibc or musl file.

    ``LD_LIBRARY_PATH`` comes from ``environ`` (default: this process's environment).
    ``extra`` directories (absolute host paths, not under ``root``) are searched last;
    missing ones are dropped.
    """
    env = os.environ if environ is None else environ
    raw_env = env.get("LD_LIBRARY_PATH", "")
    env_dirs = _existing_dirs(
        [os.path.normpath(p or Path.cwd()) for p in raw_env.split(":")] if raw_env else []
    )
    extra_dirs = _existing_dirs([os.path.normpath(os.fspath(p)) for p in extra])
    return SearchPaths(env=tuple(env_dirs), conf=_conf_dirs(libc, root), extra=tuple(extra_dirs))


@lru_cache(maxsize=8)
def _conf_dirs(libc: str | None, root: str) -> tuple[str, ...]:
    base = Path(root)
    if libc == "musl":
        paths = sorted((base / "etc").glob("ld-musl-*.path"))
        if paths:
            try:
                text = paths[0].read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            entries = [p.strip().lstrip("/") for p in re.split(r"[:\n]", text)]
            return tuple(_existing_dirs([str(base / e) for e in entries if e]))
        defaults = ["lib", "usr/local/lib", "usr/lib"]
        return tuple(_existing_dirs([str(base / d) for d in defaults]))
    conf = parse_ld_so_conf(str(base / "etc/ld.so.conf"), root=root)
    defaults = [str(base / d) for d in ("lib", "lib64", "usr/lib", "usr/lib64")]
    return tuple(_existing_dirs(conf + defaults))


def expand_origin(entry: str, origin: Location) -> Location | None:
    """One RPATH/RUNPATH entry as a directory :class:`Location`.

    ``$ORIGIN`` is the directory of ``origin``; inside a wheel a path that climbs out of the
    wheel leads nowhere (None). A relative entry without ``$ORIGIN`` is relative to the
    current directory for the real loader, which a wheel cannot rely on: None.
    """
    if _ORIGIN.search(entry):
        expanded = _ORIGIN.sub(origin.directory.replace("\\", "\\\\") or ".", entry)
        if origin.in_wheel:
            normal = posixpath.normpath(expanded)
            if normal == ".." or normal.startswith("../") or normal.startswith("/"):
                return None
            return Location("" if normal == "." else normal, True)
        return Location(os.path.normpath(expanded), False)
    if not entry.startswith("/"):
        return None
    return Location(os.path.normpath(entry), False)


@dataclass(frozen=True)
class ResolvedLibrary:
    """One DT_NEEDED name and what it resolved to.

    Attributes:
        soname: The DT_NEEDED name.
        location: The file found, or None (not found, or libpython which is never followed).
        info: Its ELF facts (symbols not read for host files), or None.
        needed_by: Files (archive or host paths) that name it.
    """

    soname: str
    location: Location | None
    info: ElfInfo | None
    needed_by: tuple[str, ...] = ()

    @property
    def needed(self) -> tuple[str, ...]:
        """Its own DT_NEEDED."""
        return self.info.needed if self.info is not None else ()


@dataclass
class Tree:
    """The dependency tree of one top-level file: every library reachable from it, by soname."""

    root: Location
    info: ElfInfo
    libraries: dict[str, ResolvedLibrary] = field(default_factory=dict)
    cache: object | None = field(default=None, repr=False)


#: Reads a wheel member: archive path -> ElfInfo, or None if it is not a loadable ELF member.
MemberReader = Callable[[str], ElfInfo | None]


class _HostCache:
    """Host lookups are shared by every tree of one audit: libc is read once, not per file."""

    def __init__(self) -> None:
        self.headers: dict[str, tuple[str, int, bool, str] | None] = {}
        self.infos: dict[str, ElfInfo | None] = {}

    def header(self, path: str) -> tuple[str, int, bool, str] | None:
        if path not in self.headers:
            self.headers[path] = read_elf_header(Path(path))
        return self.headers[path]

    def info(self, path: str) -> ElfInfo | None:
        if path not in self.infos:
            try:
                self.infos[path] = analyze_elf(path, symbols=False)
            except AuditError:
                self.infos[path] = None
        return self.infos[path]


def _compatible(info: ElfInfo, header: tuple[str, int, bool, str]) -> bool:
    machine, bits, little, osabi = header
    linuxish = {"ELFOSABI_SYSV", "ELFOSABI_LINUX"}
    same_abi = osabi == info.osabi or {osabi, info.osabi} <= linuxish
    return (
        same_abi
        and bits == info.bits
        and little == info.little_endian
        and (machine == info.machine)
    )


class _Resolver:
    def __init__(
        self, search: SearchPaths, members: MemberReader | None, member_names: frozenset[str]
    ) -> None:
        self.search = search
        self.members = members
        self.member_names = member_names
        self.host = _HostCache()

    def find(
        self, soname: str, dirs: list[Location], requester: ElfInfo
    ) -> tuple[Location, ElfInfo] | None:
        for directory in dirs:
            if directory.in_wheel:
                candidate = posixpath.join(directory.path, soname) if directory.path else soname
                if candidate not in self.member_names or self.members is None:
                    continue
                info = self.members(candidate)
                if info is not None and requester.can_load(info):
                    return Location(candidate, True), info
                continue
            real = os.path.realpath(Path(directory.path) / soname)
            header = self.host.header(real)
            if header is None or not _compatible(requester, header):
                continue
            info = self.host.info(real)
            if info is not None:
                return Location(real, False), info
        return None


def _expand(entries: tuple[str, ...], origin: Location) -> list[Location]:
    found = []
    for entry in entries:
        location = expand_origin(entry, origin)
        if location is not None and location not in found:
            found.append(location)
    return found


def _host_dirs(paths: tuple[str, ...]) -> list[Location]:
    return [Location(p, False) for p in paths]


def dependency_tree(
    root: Location,
    info: ElfInfo,
    *,
    search: SearchPaths,
    members: MemberReader | None = None,
    member_names: frozenset[str] = frozenset(),
    resolver_cache: object | None = None,
) -> Tree:
    """Resolve every library ``info`` needs, recursively, in loader order.

    Args:
        root: Where the top file lives.
        info: Its ELF facts.
        search: The machine's search directories (:func:`system_search_paths`).
        members: Reads an archive member for libraries found inside the wheel.
        member_names: Every archive path (to avoid reading non-existent members).
        resolver_cache: ``cache`` of a previous call's :class:`Tree`, to share host lookups
            between the trees of one audit; optional.
    """
    resolver = (
        resolver_cache
        if isinstance(resolver_cache, _Resolver)
        else _Resolver(search, members, member_names)
    )
    tree = Tree(root=root, info=info, cache=resolver)
    top_rpath = [] if info.runpath else _expand(info.rpath, root)
    top_runpath = _expand(info.runpath, root)
    interp: list[Location] = []
    if info.interpreter:
        base = posixpath.dirname(info.interpreter)
        interp = _host_dirs(tuple(_existing_dirs([base, "/usr" + base])))
    tail = _host_dirs(search.env), top_runpath, _host_dirs(search.conf), interp
    extra = _host_dirs(search.extra)
    needed_by: dict[str, list[str]] = {}
    queue: list[tuple[Location, ElfInfo]] = [(root, info)]
    while queue and len(tree.libraries) < _MAX_LIBRARIES:
        location, current = queue.pop(0)
        own_rpath = [] if current.runpath else _expand(current.rpath, location)
        own_runpath = _expand(current.runpath, location)
        # the real loader's order: RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf, defaults;
        # then the build's link-search directories (maturin's extra lddtree paths)
        dirs = [*top_rpath, *own_rpath, *tail[0], *own_runpath, *tail[1], *tail[2], *tail[3]]
        dirs += extra
        for soname in current.needed:
            needed_by.setdefault(soname, []).append(location.path)
            if soname in tree.libraries:
                continue
            if _LIBPYTHON.match(soname):
                tree.libraries[soname] = ResolvedLibrary(soname, None, None)
                continue
            found = resolver.find(soname, dirs, current)
            if found is None:
                tree.libraries[soname] = ResolvedLibrary(soname, None, None)
                continue
            tree.libraries[soname] = ResolvedLibrary(soname, found[0], found[1])
            queue.append(found)
    for soname, library in tree.libraries.items():
        tree.libraries[soname] = ResolvedLibrary(
            library.soname,
            library.location,
            library.info,
            tuple(dict.fromkeys(needed_by.get(soname, []))),
        )
    return tree

"""Audit a wheel, a directory or one ELF file: every native file, its libraries, the policy ladder.

This is ``auditwheel show`` done our way, and it follows auditwheel's rules so that both give the
same answer for the same wheel: the top-level files are the Python extensions plus every ELF file
no other file of the wheel links; each one's dependency tree is resolved without running
anything; a policy is met when no library outside its allow-list is needed (bundled libraries
inside the wheel are fine), no forbidden symbol is used, no symbol version of any file is newer
than the policy allows and no newer x86-64 instruction level is required. The verdict is the
most portable policy met as the wheel is; ``repair_policy`` is the best one bundling (repair)
would reach, counting the symbol versions the bundled libraries bring with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cratewright.core.audit.elf_info import ElfInfo
from cratewright.core.audit.findings import (
    AuditReport,
    ElfReport,
    LibraryKind,
    LibraryNode,
    Rung,
    SymbolOffence,
    SymbolRow,
    version_sort_key,
)
from cratewright.core.audit.policy import Policies, Policy, load_policies
from cratewright.core.audit.resolve import (
    Location,
    ResolvedLibrary,
    Tree,
    dependency_tree,
    system_search_paths,
)
from cratewright.core.audit.sources import AuditSource, open_source
from cratewright.core.audit.wheelfile import WheelLimits
from cratewright.errors import AuditError
from cratewright.events import CancelToken, EventSink, Progress, null_sink

__all__ = ["audit_path", "platform_tag_for"]

_SKIP_SUFFIXES = (".py", ".pyi", ".pyc", ".txt", ".md", ".json", ".typed", ".toml", ".rst")
_EXT_NAME = re.compile(r"\.(cpython-[^.]+|abi3|pypy[^.]*|graalpy[^.]*)\.so$|^[^.]+\.so$")
_LIBPYTHON = re.compile(r"^libpython3\.\d+[a-z]*\.so(\.\d+)*$")


def _is_linker(name: str) -> bool:
    return "ld-linux" in name or name in ("ld64.so.1", "ld64.so.2") or name.startswith("ld-musl")


def platform_tag_for(policy: Policy, arch: str) -> str:
    """The platform tag a wheel meeting ``policy`` gets, in maturin's order.

    ``manylinux_2_17`` on x86_64 gives ``manylinux2014_x86_64.manylinux_2_17_x86_64``;
    ``linux`` gives ``linux_x86_64``.
    """
    if policy.name == "linux":
        return f"linux_{arch}"
    return ".".join(sorted(dict.fromkeys(policy.platform_tag(arch).split("."))))


# --------------------------------------------------------------------------------------------
# the analysis


def _is_extension(name: str, info: ElfInfo) -> bool:
    module = name.rsplit("/", 1)[-1].split(".", 1)[0]
    entry_points = (f"PyInit_{module}", f"init{module}", f"_cffi_pypyinit_{module}")
    return any(e in info.exported_functions for e in entry_points) or (
        f"PyModExport_{module}" in info.exported_symbols
    )


def _looks_like_extension(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return bool(_EXT_NAME.search(base)) and not base.startswith("lib") and "/" in name.strip("/")


@dataclass
class _Analysis:
    """Intermediate results shared by the ladder, the graph and the report."""

    arch: str
    libc: str | None
    elfs: dict[str, ElfInfo]
    roots: list[str]
    trees: dict[str, Tree]
    extensions: set[str]


def _analyse(
    source: AuditSource,
    sink: EventSink,
    cancel: CancelToken | None,
    extra_search_dirs: Sequence[Path | str] = (),
) -> _Analysis | None:
    names = [n for n in source.names if not n.endswith(_SKIP_SUFFIXES) and ".dist-info/" not in n]
    elfs: dict[str, ElfInfo] = {}
    for number, name in enumerate(names):
        if cancel is not None and cancel.cancelled:
            raise AuditError("Audit cancelled")
        sink(Progress(number, len(names), name))
        info = source.elf(name)
        if info is not None:
            elfs[name] = info
    if not elfs:
        return None
    if any(n.split("/", 1)[0].endswith(".data") and "/purelib/" in n for n in elfs):
        raise AuditError(
            "Native files in the .data/purelib directory; a platform wheel must put them in platlib"
        )
    # one architecture per wheel: the first extension's (auditwheel ignores the others)
    extensions = {n for n, i in elfs.items() if _is_extension(n, i)}
    first = next((n for n in elfs if n in extensions), next(iter(elfs)))
    arch = elfs[first].arch
    elfs = {n: i for n, i in elfs.items() if i.arch == arch}
    libc = next((i.libc for n, i in elfs.items() if i.libc and n in extensions), None) or next(
        (i.libc for i in elfs.values() if i.libc), None
    )
    needed_names = {lib for info in elfs.values() for lib in info.needed}
    roots = [n for n in elfs if n in extensions or n.rsplit("/", 1)[-1] not in needed_names]
    search = system_search_paths(libc, extra=extra_search_dirs)
    member_names = frozenset(source.names)
    trees: dict[str, Tree] = {}
    shared = None
    for name in roots:
        tree = dependency_tree(
            Location(name, True),
            elfs[name],
            search=search,
            members=source.elf,
            member_names=member_names,
            resolver_cache=shared,
        )
        shared = tree.cache
        trees[name] = tree
    return _Analysis(arch, libc, elfs, roots, trees, extensions)


def _family(policies: Policies, libc: str | None) -> tuple[Policy, ...]:
    family = policies.musllinux if libc == "musl" else policies.manylinux
    return tuple(p for p in family if p.name != "linux")


def _external_for(analysis: _Analysis, policy: Policy) -> dict[str, str | None]:
    """Libraries outside ``policy``'s allow-list, found through any root (transitively)."""
    allowed = _allowed(policy, analysis.arch)
    found: dict[str, str | None] = {}
    for tree in analysis.trees.values():
        stack = [lib for lib in tree.info.needed]
        seen: set[str] = set()
        while stack:
            soname = stack.pop()
            if soname in seen or _is_linker(soname) or soname in allowed:
                continue
            seen.add(soname)
            library = tree.libraries.get(soname)
            location = library.location if library else None
            if location is None or not location.in_wheel:
                found.setdefault(soname, location.path if location else None)
            if library is not None:
                stack.extend(library.needed)
    return found


def _allowed(policy: Policy, arch: str) -> frozenset[str]:
    """The allow-list for ``arch``. musl's loader answers to ``libc.so`` itself (musl toolchains
    outside Alpine link that name), so it is musl's libc as much as ``libc.musl-<arch>.so.1``."""
    allowed = policy.for_arch(arch).allowed_libraries
    return allowed | {"libc.so"} if policy.family == "musllinux" else allowed


def _required_versions(infos: Iterable[tuple[str, ElfInfo]]) -> dict[tuple[str, str], set[str]]:
    """(library, version) -> files requiring it, dynamic linkers left out."""
    found: dict[tuple[str, str], set[str]] = {}
    for name, info in infos:
        for lib, versions in info.version_requirements.items():
            if _is_linker(lib):
                continue
            for version in versions:
                found.setdefault((lib, version), set()).add(name)
    return found


def _offences(
    required: Mapping[tuple[str, str], set[str]],
    policy: Policy,
    arch: str,
    elfs: Mapping[str, ElfInfo],
) -> tuple[SymbolOffence, ...]:
    table = policy.symbol_versions.get(arch, {})
    bad: dict[str, dict[str, set[str]]] = {}
    for (lib, version), files in required.items():
        namespace, sep, number = version.partition("_")
        if not sep or namespace not in table or number in table[namespace]:
            continue
        bad.setdefault(lib, {})[version] = set(files)
    offences = []
    for lib, versions in sorted(bad.items()):
        ordered = sorted(versions, key=lambda v: version_sort_key(v.partition("_")[2]))
        files = sorted({f for fs in versions.values() for f in fs})
        used = [
            s
            for f in files
            if f in elfs
            for s in elfs[f].versioned_symbols
            if s.library == lib and s.version in versions
        ]
        used.sort(key=lambda s: (version_sort_key(s.version.partition("_")[2]), s.name))
        symbols = [str(s) for s in used]
        offences.append(
            SymbolOffence(lib, tuple(ordered), tuple(dict.fromkeys(symbols)), tuple(files))
        )
    return tuple(offences)


def _blacklisted(analysis: _Analysis, policy: Policy) -> dict[str, dict[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for name in analysis.roots:
        info = analysis.elfs[name]
        for lib in info.needed:
            banned = policy.forbidden_symbols.get(lib)
            if banned:
                used = sorted(banned & info.undefined_symbols)
                if used:
                    found.setdefault(name, {})[lib] = tuple(used)
    return found


def _isa(analysis: _Analysis, external: Mapping[str, str | None]) -> str | None:
    levels = [analysis.elfs[n].isa_level for n in analysis.roots]
    for tree in analysis.trees.values():
        for soname, lib in tree.libraries.items():
            if soname in external and lib.info is not None:
                levels.append(lib.info.isa_level)
    present = sorted(level for level in levels if level)
    return present[-1] if present else None


def _rung(
    analysis: _Analysis,
    policy: Policy,
    wheel_versions: Mapping[tuple[str, str], set[str]],
    pyfpe: bool,
) -> Rung:
    arch = analysis.arch
    wrong_family = (policy.family == "musllinux") != (analysis.libc == "musl")
    if wrong_family:
        libc = "musl" if analysis.libc == "musl" else "glibc"
        return Rung(policy, False, False, other=(f"the files link {libc}",))
    if arch not in policy.symbol_versions:
        return Rung(policy, False, False, other=(f"the policy has no rules for {arch}",))
    external = _external_for(analysis, policy)
    too_recent = _offences(wheel_versions, policy, arch, analysis.elfs)
    trees = analysis.trees.values()
    bundled_infos = {
        soname: lib.info
        for tree in trees
        for soname, lib in tree.libraries.items()
        if soname in external and lib.info is not None
    }
    after = _offences(
        _required_versions(bundled_infos.items()),
        policy,
        arch,
        analysis.elfs,
    )
    blacklisted = _blacklisted(analysis, policy)
    isa = _isa(analysis, external)
    other = ("an extension uses PyFPE_jbuf, which no manylinux Python has",) if pyfpe else ()
    clean = not (too_recent or blacklisted or isa or other)
    unfound = [s for s, p in external.items() if p is None and not _LIBPYTHON.match(s)]
    return Rung(
        policy,
        passes=clean and not external,
        repairable=clean
        and not after
        and not unfound
        and not any(_LIBPYTHON.match(s) for s in external),
        too_recent=too_recent,
        too_recent_after_repair=after,
        blacklisted=blacklisted,
        external=external,
        isa=isa,
        other=other,
    )


def _kind(soname: str, library: ResolvedLibrary, allowed: frozenset[str]) -> LibraryKind:
    if _LIBPYTHON.match(soname):
        return "libpython"
    if library.location is not None and library.location.in_wheel:
        return "bundled"
    if soname in allowed or _is_linker(soname):
        return "system"
    return "external" if library.location is not None else "missing"


def _graph(analysis: _Analysis, policies: Policies) -> dict[str, LibraryNode]:
    allowed: set[str] = set()
    for policy in _family(policies, analysis.libc):
        allowed |= _allowed(policy, analysis.arch)
    nodes: dict[str, LibraryNode] = {}
    for tree in analysis.trees.values():
        for soname, lib in tree.libraries.items():
            previous = nodes.get(soname)
            needed_by = tuple(
                dict.fromkeys([*(previous.needed_by if previous else ()), *lib.needed_by])
            )
            nodes[soname] = LibraryNode(
                soname=soname,
                path=lib.location.path if lib.location else None,
                kind=_kind(soname, lib, frozenset(allowed)),
                needed=lib.needed,
                needed_by=needed_by,
            )
    return nodes


def _symbol_rows(elfs: Mapping[str, ElfInfo]) -> tuple[SymbolRow, ...]:
    return tuple(
        SymbolRow(name, s.name, s.library, s.version, s.weak)
        for name, info in elfs.items()
        for s in info.versioned_symbols
    )


def _problems(analysis: _Analysis) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    for name, info in analysis.elfs.items():
        looks = name in analysis.extensions or _looks_like_extension(name)
        if not looks:
            continue
        for lib in info.needed:
            if _LIBPYTHON.match(lib):
                errors.append(
                    f"{name} links libpython ({lib}), which extension modules must not do. "
                    "Have you forgotten to activate pyo3's extension-module feature?"
                )
        if name not in analysis.extensions:
            module = name.rsplit("/", 1)[-1].split(".", 1)[0]
            warnings.append(
                f"{name}: couldn't find the symbol `PyInit_{module}` or `PyModExport_{module}`; "
                "Python will fail to import this module. If you're using pyo3, check that "
                f"`#[pymodule]` uses `{module}` as module name"
            )
    return errors, warnings


def _report_for(source: AuditSource, path: Path, analysis: _Analysis | None) -> AuditReport:
    policies = load_policies()
    if analysis is None:
        return AuditReport(
            path=str(path), kind=source.kind, arch=None, libc=None, policy="none", tag="any",
            repair_policy=None, repair_tag=None, external_libraries={}, blocking={}, ladder=(),
            elfs=(), libraries={}, symbols=(), entries=source.entries,
        )  # fmt: skip
    wheel_versions = _required_versions(analysis.elfs.items())
    pyfpe = any("PyFPE_jbuf" in analysis.elfs[n].undefined_symbols for n in analysis.extensions)
    family = _family(policies, analysis.libc)
    ladder = [
        _rung(analysis, p, wheel_versions, pyfpe)
        for p in (*_family(policies, None), *_family(policies, "musl"))
    ]
    ours = [r for r in ladder if r.policy in family]
    if analysis.libc == "musl":
        # auditwheel (and the musl loader) cannot tell musllinux_1_1 from 1_2 in a binary; the
        # rules are the same, so we answer for the current musl as auditwheel does elsewhere.
        latest = min(ours, key=lambda r: r.policy.priority)
        for index, rung in enumerate(ladder):
            if rung.policy in family and rung is not latest:
                ladder[index] = Rung(**{
                    **rung.__dict__,
                    "note": f"same rules as {latest.name}; which applies depends on the musl "
                    "version the files were built against",
                })  # fmt: skip
        ours = [latest]
    best = next((r for r in ours if r.passes), None)
    policy = best.policy if best is not None else policies.linux
    repairable = next((r for r in ours if r.repairable), None)
    repair = (
        repairable.policy
        if repairable is not None and repairable.policy.priority > policy.priority
        else None
    )
    blocking = {
        r.name: r.reasons for r in ours if r.policy.priority > policy.priority and r.reasons
    }
    errors, warnings = _problems(analysis)
    most_portable = max(family, key=lambda p: p.priority)
    trees = analysis.trees
    elf_reports = tuple(
        ElfReport(
            path=name,
            info=info,
            is_extension=name in analysis.extensions,
            top_level=name in analysis.roots,
            resolved=_direct(name, info, trees),
        )
        for name, info in analysis.elfs.items()
    )
    return AuditReport(
        path=str(path),
        kind=source.kind,
        arch=analysis.arch,
        libc=analysis.libc,
        policy=policy.name,
        tag=platform_tag_for(policy, analysis.arch),
        repair_policy=repair.name if repair else None,
        repair_tag=platform_tag_for(repair, analysis.arch) if repair else None,
        external_libraries=_external_for(analysis, most_portable),
        blocking=blocking,
        ladder=tuple(ladder),
        elfs=elf_reports,
        libraries=_graph(analysis, policies),
        symbols=_symbol_rows(analysis.elfs),
        errors=tuple(errors),
        warnings=tuple(warnings),
        entries=source.entries,
    )


def _direct(name: str, info: ElfInfo, trees: Mapping[str, Tree]) -> dict[str, str | None]:
    """Where each DT_NEEDED of ``name`` resolved, from whichever tree reached it."""
    resolved: dict[str, str | None] = {}
    for soname in info.needed:
        path = None
        for tree in trees.values():
            lib = tree.libraries.get(soname)
            if lib is not None and lib.location is not None:
                path = lib.location.path
                break
        resolved[soname] = path
    return resolved


def audit_path(
    path: Path | str,
    *,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
    limits: WheelLimits | None = None,
    extra_search_dirs: Sequence[Path | str] = (),
) -> AuditReport:
    """Audit a wheel, a directory of files or one ELF file.

    Args:
        path: The wheel, directory or ELF file.
        sink: Receives progress per file.
        cancel: Stops the audit between files.
        limits: Size limits for reading a wheel.
        extra_search_dirs: Host directories searched for libraries after all the usual ones
            (a build passes its build scripts' ``cargo:rustc-link-search`` directories, so a
            library a ``-sys`` crate built into OUT_DIR is found, as maturin does).

    Raises:
        AuditError: The input cannot be read, is not a (safe) wheel, or holds a corrupt ELF file.
    """
    path = Path(path)
    source = open_source(path, limits)
    try:
        analysis = _analyse(source, sink, cancel, extra_search_dirs)
        return _report_for(source, path, analysis)
    finally:
        source.close()

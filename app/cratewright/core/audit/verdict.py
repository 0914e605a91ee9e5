"""Choose a wheel's Linux platform tag from the ELF files it ships, the way maturin 1.16 does.

maturin re-implements auditwheel's checks: every DT_NEEDED library must be on the policy's
allow-list (else it must be bundled), no required symbol version may be newer than the policy
allows, and no forbidden symbol may be used. With no tag requested the most portable passing
policy wins; a requested tag is checked on its own. The messages below are maturin's own, so
users can search for them.

When a file links a library outside the allow-list, maturin resolves its whole dependency tree
(lddtree) to find what to bundle: every library of the tree outside the allow-list is listed
with the file it resolved to, or ``not found``. ``warn`` only warns and ``check`` fails as for
any external library, but ``repair`` fails on the first library it cannot locate. Libraries on
the allow-list are never looked up, so a missing one is accepted silently, as in maturin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cratewright.core.audit.compatibility import (
    parse_compatibility,
)
from cratewright.core.audit.elf_info import ElfInfo
from cratewright.core.audit.policy import Policies, Policy, load_policies
from cratewright.core.audit.policy_check import (
    PolicyCheck,
    check_policy,
    is_dynamic_linker,
    is_libpython,
)
from cratewright.core.audit.resolve import (
    Location,
    SearchPaths,
    dependency_tree,
    system_search_paths,
)
from cratewright.errors import AuditError
from cratewright.events import EventSink, Message

__all__ = [
    "AuditMode",
    "PlatformDecision",
    "decide_platform",
    "missing_pyinit",
    "missing_pyinit_warning",
]

AuditMode = Literal["repair", "check", "warn", "skip"]

# PyPI refuses manylinux_2_* / musllinux_* wheels for old 32-bit ARM, so maturin falls back to
# the plain linux tag there without complaining.
_SILENT_LINUX_ARCHES = frozenset({"armv6l", "armv7l"})


# --------------------------------------------------------------------------------------------
# the decision


@dataclass(frozen=True)
class PlatformDecision:
    """The chosen platform tag and why nothing better was possible.

    Attributes:
        policy: Name of the policy the tag comes from (``manylinux_2_34``, ``linux`` ...).
        platform_tag: Dotted compressed platform tag as maturin 1.16 writes it in the file
            name, e.g. ``manylinux2014_x86_64.manylinux_2_17_x86_64`` or ``linux_x86_64``.
        blocking: For each more portable policy than the chosen one, why it failed.
        external_libraries: Per ELF file path, the libraries of its dependency tree that
            would need bundling (sorted), found or not.
        missing_libraries: Per ELF file path, those of ``external_libraries`` that were not
            found on this machine (``repair`` refuses them; ``warn`` and ``check`` only list
            them as ``not found``).
        audited: False when no audit ran (``--auditwheel skip`` or the ``linux`` tag).
    """

    policy: str
    platform_tag: str
    blocking: dict[str, list[str]] = field(default_factory=dict, hash=False)
    external_libraries: dict[str, list[str]] = field(default_factory=dict, hash=False)
    missing_libraries: dict[str, list[str]] = field(default_factory=dict, hash=False)
    audited: bool = True


def _platform_tag_string(policies: Sequence[Policy], arch: str) -> str:
    components = []
    for policy in policies:
        components.extend(policy.platform_tag(arch).split("."))
    # maturin 1.16 writes the compressed set sorted: manylinux2014_x86_64.manylinux_2_17_x86_64
    return ".".join(sorted(dict.fromkeys(components)))


def _requested_policy(tag: str, policies: Policies) -> Policy | None:
    if tag == "linux":
        return policies.linux
    return policies.get(tag)


def _tag_only_policy(tag: str) -> Policy:
    """A stand-in for a tag auditwheel does not define (only used to write its name)."""
    return Policy(
        name=tag,
        aliases=(),
        priority=0,
        family="musllinux" if tag.startswith("musllinux") else "manylinux",
        allowed_libraries=frozenset(),
        forbidden_symbols={},
        symbol_versions={},
    )


def _requested_tag_string(tags: Sequence[str], arch: str, policies: Policies) -> str:
    resolved = [_requested_policy(t, policies) or _tag_only_policy(t) for t in tags]
    return _platform_tag_string(resolved, arch)


def _effective_tag(tags: Sequence[str], allow_libpython: bool) -> str:
    """The one tag maturin audits against when several are requested (bin wheels only)."""
    musl = [t for t in tags if t.startswith("musllinux_")]
    others = [t for t in tags if not t.startswith("musllinux_")]
    if allow_libpython and musl:
        return musl[0]
    return (others or musl)[0]


def _candidates(
    elfs: Sequence[ElfInfo], policies: Policies, musl_version: tuple[int, int]
) -> tuple[Policy, ...]:
    """Policies to try, most portable first, when no tag was requested."""
    if any(elf.is_musl for elf in elfs):
        wanted = f"musllinux_{musl_version[0]}_{musl_version[1]}"
        return tuple(p for p in policies.musllinux if p.name in (wanted, "linux"))
    return policies.manylinux


def _family_for(tag: str, policies: Policies) -> tuple[Policy, ...]:
    if tag.startswith("musllinux_"):
        return tuple(p for p in policies.musllinux if p.name in (tag, "linux"))
    return policies.manylinux


def _first_acceptable(
    elf: ElfInfo, candidates: Sequence[Policy], *, arch: str, allow_libpython: bool
) -> tuple[PolicyCheck | None, list[PolicyCheck]]:
    """The first passing-or-repairable check, plus the failed checks before it."""
    failed = []
    for policy in candidates:
        result = check_policy(elf, policy, arch=arch, allow_libpython=allow_libpython)
        if result.repairable:
            return result, failed
        failed.append(result)
    return None, failed


class _ExternalFinder:
    """maturin's ``find_external_libs``: what to bundle, from each file's dependency tree.

    Host lookups are shared between the files of one wheel (one resolver per libc).
    """

    def __init__(self, search: SearchPaths | None, allow_libpython: bool) -> None:
        self.search = search
        self.allow_libpython = allow_libpython
        self.caches: dict[str | None, object] = {}

    def find(self, elf: ElfInfo, check: PolicyCheck) -> dict[str, str | None]:
        """Soname -> resolved host path (None: not found), sorted by soname.

        Only a file that links something outside the allow-list is resolved at all (maturin
        runs lddtree only then); every library of its tree is then checked against the
        allow-list of the policy chosen for it, so libraries an external library needs count
        too, and a missing library on the allow-list is never reported.
        """
        if not check.forbidden:
            return {}
        search = self.search if self.search is not None else system_search_paths(elf.libc)
        tree = dependency_tree(
            Location(str(elf.path), False),
            elf,
            search=search,
            resolver_cache=self.caches.get(elf.libc),
        )
        self.caches[elf.libc] = tree.cache
        allowed = check.policy.allowed_libraries
        external: dict[str, str | None] = {}
        for soname, library in sorted(tree.libraries.items()):
            if is_dynamic_linker(soname) or soname.startswith("libc.") or soname in allowed:
                continue
            if self.allow_libpython and is_libpython(soname):
                continue
            external[soname] = library.location.path if library.location is not None else None
        return external


def decide_platform(
    elfs: Sequence[ElfInfo],
    *,
    arch: str,
    requested: Sequence[str] | None,
    mode: AuditMode,
    allow_libpython: bool,
    sink: EventSink,
    musl_version: tuple[int, int] = (1, 2),
    search: SearchPaths | None = None,
) -> PlatformDecision:
    """Choose the platform tag for a wheel that ships ``elfs``.

    Args:
        elfs: Every native file of the wheel (extension module, binaries, cdylibs).
        arch: Platform architecture as in tags (``x86_64``, ``aarch64`` ...).
        requested: Raw ``--compatibility`` values; None or empty lets the audit choose.
        mode: ``--auditwheel`` mode.
        allow_libpython: Linking libpython is allowed (bin bindings, as in maturin).
        sink: Receives maturin's info and warning lines.
        musl_version: musl version whose musllinux policy applies to musl files when no tag
            is requested (maturin uses the host's; cratewright cannot know the target's).
        search: Library directories searched after each file's RPATH/RUNPATH; default: this
            machine's (``LD_LIBRARY_PATH``, ld.so.conf, default directories).

    Raises:
        ConfigError: A requested value is not a platform tag.
        AuditError: A requested tag is not met, libpython is linked, the requested policy
            is not defined, libraries would need bundling in ``check`` mode, or in ``repair``
            mode a library to bundle cannot be found (otherwise the decision lists them and
            the builder bundles them).
    """
    policies = load_policies()
    request = parse_compatibility(requested)
    tags = request.tags

    if mode == "skip" or tags == ("linux",) or not elfs:
        if tags:
            name = _effective_tag(tags, allow_libpython)
            return PlatformDecision(
                policy=name,
                platform_tag=_requested_tag_string(tags, arch, policies),
                audited=False,
            )
        return PlatformDecision(policy="linux", platform_tag=f"linux_{arch}", audited=False)

    _refuse_libpython(elfs, allow_libpython)
    blocking = _Blocking(multi=len(elfs) > 1)
    if tags:
        chosen = _check_requested(elfs, tags, policies, arch, allow_libpython, sink, blocking)
        platform_tag = _requested_tag_string(tags, arch, policies)
    else:
        chosen = _choose_best(elfs, policies, arch, allow_libpython, musl_version, blocking)
        platform_tag = _platform_tag_string([_least_portable(chosen).policy], arch)
        if _least_portable(chosen).policy.name == "linux" and arch not in _SILENT_LINUX_ARCHES:
            sink(
                Message(
                    "warning",
                    "⚠️  Warning: No compatible platform tag found, using the linux tag instead. "
                    "You won't be able to upload those wheels to PyPI.",
                )
            )

    finder = _ExternalFinder(search, allow_libpython)
    external = {
        str(elf.path): libs
        for elf, check in zip(elfs, chosen, strict=True)
        if (libs := finder.find(elf, check))
    }
    if external:
        _handle_external(external, mode, sink)
    return PlatformDecision(
        policy=_least_portable(chosen).policy.name,
        platform_tag=platform_tag,
        blocking=blocking.reasons,
        external_libraries={path: list(libs) for path, libs in external.items()},
        missing_libraries={
            path: missing
            for path, libs in external.items()
            if (missing := [soname for soname, found in libs.items() if found is None])
        },
    )


def _least_portable(checks: Sequence[PolicyCheck]) -> PolicyCheck:
    """A wheel is only as portable as its least portable file."""
    return min(checks, key=lambda c: c.policy.priority)


def _refuse_libpython(elfs: Sequence[ElfInfo], allow_libpython: bool) -> None:
    if allow_libpython:
        return
    for elf in elfs:
        for lib in elf.needed:
            if is_libpython(lib):
                raise AuditError(
                    f"Your library links libpython ({lib}), which libraries must not do. "
                    "Have you forgotten to activate the extension-module feature?"
                )


@dataclass
class _Blocking:
    """Collects why each more portable policy failed (file-name prefix for several files)."""

    multi: bool
    reasons: dict[str, list[str]] = field(default_factory=dict)

    def add(self, elf: ElfInfo, checks: Iterable[PolicyCheck], above: int) -> None:
        for failed in checks:
            if failed.policy.name == "linux" or failed.policy.priority <= above:
                continue
            known = self.reasons.setdefault(failed.policy.name, [])
            for reason in failed.reasons:
                text = f"{elf.path.name}: {reason}" if self.multi else reason
                if text not in known:
                    known.append(text)


def _choose_best(
    elfs: Sequence[ElfInfo],
    policies: Policies,
    arch: str,
    allow_libpython: bool,
    musl_version: tuple[int, int],
    blocking: _Blocking,
) -> list[PolicyCheck]:
    """No tag requested: per file, the most portable policy that passes or only needs repair."""
    chosen = []
    for elf in elfs:
        candidates = _candidates([elf], policies, musl_version)
        best, failed = _first_acceptable(
            elf, candidates, arch=arch, allow_libpython=allow_libpython
        )
        if best is None:
            best = PolicyCheck(policy=policies.linux, arch=arch)
        blocking.add(elf, failed, best.policy.priority)
        chosen.append(best)
    return chosen


def _check_requested(
    elfs: Sequence[ElfInfo],
    tags: Sequence[str],
    policies: Policies,
    arch: str,
    allow_libpython: bool,
    sink: EventSink,
    blocking: _Blocking,
) -> list[PolicyCheck]:
    """A requested tag: every file must meet it (bundling aside); hint at better tags."""
    tag = _effective_tag(tags, allow_libpython)
    wanted = policies.get(tag)
    if wanted is None:
        raise AuditError(
            f"{tag} compatibility policy is not defined by auditwheel yet, pass "
            "`--auditwheel=skip` to proceed anyway"
        )
    chosen = []
    hinted: set[str] = set()
    for elf in elfs:
        best, failed = _first_acceptable(
            elf, _family_for(tag, policies), arch=arch, allow_libpython=allow_libpython
        )
        # maturin never recommends manylinux1: Rust does not support it any more
        if (
            best is not None
            and best.policy.priority > wanted.priority
            and best.policy.name != "manylinux_2_5"
            and best.policy.name not in hinted
        ):
            hinted.add(best.policy.name)
            sink(
                Message(
                    "info",
                    "📦 Wheel is eligible for a higher priority tag. You requested "
                    f"{wanted.display} but this wheel is eligible for {best.policy.display}",
                )
            )
        result = check_policy(elf, wanted, arch=arch, allow_libpython=allow_libpython)
        if not result.repairable:
            raise AuditError(result.error or "")
        blocking.add(elf, failed, wanted.priority)
        chosen.append(result)
    return chosen


def _handle_external(
    external: dict[str, dict[str, str | None]], mode: AuditMode, sink: EventSink
) -> None:
    """maturin's listing of libraries to bundle, then what the mode does about them."""
    lines = ["🔗 External shared libraries to be copied into the wheel:"]
    for path, libs in external.items():
        lines.append(f"  {path} requires:")
        lines.extend(f"    {lib} => {found or 'not found'}" for lib, found in libs.items())
    sink(Message("info", "\n".join(lines)))
    if mode == "warn":
        sink(
            Message(
                "warning",
                "⚠️  Warning: Your library requires copying the above external libraries. "
                "Re-run with `--auditwheel=repair` to copy them into the wheel.",
            )
        )
        return
    if mode == "check":
        raise AuditError(
            "Your library requires copying the above external libraries. "
            "Re-run with `--auditwheel=repair` to copy them."
        )
    # repair: maturin gives up on the first library it cannot copy, before writing anything
    for libs in external.values():
        for lib, found in libs.items():
            if found is None:
                raise AuditError(
                    f"Cannot repair wheel, because required library {lib} could not be located."
                )
    # the rest the builder bundles (cratewright.core.audit.repair) after writing the wheel


# --------------------------------------------------------------------------------------------
# PyInit check


def missing_pyinit(elf: ElfInfo, module_name: str) -> bool:
    """True if the library exports neither ``PyInit_<name>`` nor ``PyModExport_<name>``."""
    return not (
        f"PyInit_{module_name}" in elf.exported_symbols
        or f"PyModExport_{module_name}" in elf.exported_symbols
    )


def missing_pyinit_warning(module_name: str) -> str:
    """maturin's warning text for a module whose entry point is missing."""
    return (
        f"⚠️  Warning: Couldn't find the symbol `PyInit_{module_name}` or "
        f"`PyModExport_{module_name}` in the native library. Python will fail to import this "
        f"module. If you're using pyo3, check that `#[pymodule]` uses `{module_name}` as module "
        "name"
    )

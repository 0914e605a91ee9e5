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

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cratewright.core.audit.elf import ElfInfo
from cratewright.core.audit.policy import Policies, Policy, load_policies
from cratewright.core.audit.resolve import (
    Location,
    SearchPaths,
    dependency_tree,
    system_search_paths,
)
from cratewright.errors import AuditError, ConfigError
from cratewright.events import EventSink, Message

__all__ = [
    "AuditMode",
    "CompatibilityRequest",
    "PlatformDecision",
    "PolicyCheck",
    "check_policy",
    "compatibility_warnings",
    "decide_platform",
    "is_libpython",
    "missing_pyinit",
    "missing_pyinit_warning",
    "parse_compatibility",
    "parse_compatibility_value",
]

AuditMode = Literal["repair", "check", "warn", "skip"]

_LIBPYTHON = re.compile(r"^libpython3\.\d+m?u?t?\.so\.\d+\.\d+$")
_NUMBER = re.compile(r"^[0-9]{1,5}$")
# PyPI refuses manylinux_2_* / musllinux_* wheels for old 32-bit ARM, so maturin falls back to
# the plain linux tag there without complaining.
_SILENT_LINUX_ARCHES = frozenset({"armv6l", "armv7l"})


# --------------------------------------------------------------------------------------------
# --compatibility values


@dataclass(frozen=True)
class CompatibilityRequest:
    """Parsed ``--compatibility`` / ``[tool.maturin] compatibility`` values.

    Attributes:
        tags: Canonical tag names (``manylinux_2_17``, ``musllinux_1_2``, ``linux``), sorted
            the way maturin sorts them (manylinux by version, then musllinux, then linux).
        pypi: ``pypi`` was given: the wheel file name must be one PyPI accepts.
    """

    tags: tuple[str, ...]
    pypi: bool


def _tag_sort_key(tag: str) -> tuple[int, int, int]:
    if tag == "linux":
        return (2, 0, 0)
    family, major, minor = tag.rsplit("_", 2)
    return (0 if family == "manylinux" else 1, int(major), int(minor))


def _two_numbers(rest: str, value: str, family: str) -> tuple[int, int]:
    parts = rest.split("_")
    if len(parts) < 2 or not _NUMBER.match(parts[0]) or not _NUMBER.match(parts[1]):
        raise _invalid(value, family)
    major, minor = int(parts[0]), int(parts[1])
    if major > 0xFFFF or minor > 0xFFFF:
        raise _invalid(value, family)
    return major, minor


def _invalid(value: str, family: str) -> ConfigError:
    return ConfigError(
        f"invalid value '{value}' for '--compatibility': invalid {family} option",
        hint="use e.g. manylinux_2_17 (or 2014), 2_28, musllinux_1_2, linux or pypi",
    )


def parse_compatibility_value(value: str) -> str:
    """Canonical form of one compatibility value, or ``"pypi"``.

    Accepts what maturin accepts: ``manylinux_2_X`` / ``2_X``, ``manylinux1`` / ``1``,
    ``manylinux2010`` / ``2010``, ``manylinux2014`` / ``2014``, ``musllinux_1_X``, ``linux`` /
    ``off`` and ``pypi``, case-insensitively. Whether a policy for the version exists is only
    checked when auditing (as maturin does), so ``--auditwheel skip`` can still use it.

    Raises:
        ConfigError: The value is not a platform tag (maturin's "invalid manylinux option").
    """
    lowered = value.strip().lower()
    fixed = {
        "pypi": "pypi",
        "off": "linux",
        "linux": "linux",
        "1": "manylinux_2_5",
        "manylinux1": "manylinux_2_5",
        "2010": "manylinux_2_12",
        "manylinux2010": "manylinux_2_12",
        "2014": "manylinux_2_17",
        "manylinux2014": "manylinux_2_17",
    }
    if lowered in fixed:
        return fixed[lowered]
    if lowered.startswith("musllinux_"):
        major, minor = _two_numbers(lowered.removeprefix("musllinux_"), value, "musllinux")
        return f"musllinux_{major}_{minor}"
    major, minor = _two_numbers(lowered.removeprefix("manylinux_"), value, "manylinux")
    return f"manylinux_{major}_{minor}"


def parse_compatibility(values: Sequence[str] | None) -> CompatibilityRequest:
    """Parse all compatibility values at once.

    Raises:
        ConfigError: A value is invalid, or ``linux`` is mixed with portable tags.
    """
    parsed = [parse_compatibility_value(v) for v in values or ()]
    tags = sorted({t for t in parsed if t != "pypi"}, key=_tag_sort_key)
    if len(tags) > 1 and "linux" in tags:
        raise ConfigError("Cannot mix linux and manylinux/musllinux platform tags")
    return CompatibilityRequest(tags=tuple(tags), pypi="pypi" in parsed)


def compatibility_warnings(
    tags: Iterable[str], *, target_triple: str, musl_target: bool
) -> list[str]:
    """maturin's warnings about requested tags, printed once when options are resolved."""
    warnings = []
    for tag in tags:
        if tag.startswith("manylinux_") and _tag_sort_key(tag)[1:] < (2, 17):
            warnings.append(f"⚠️  Warning: {tag} is unsupported by the Rust compiler.")
        elif tag.startswith("musllinux_") and not musl_target:
            warnings.append(f"⚠️  Warning: {target_triple} is not compatible with {tag}.")
    return warnings


# --------------------------------------------------------------------------------------------
# checks of one ELF against one policy


def is_libpython(soname: str) -> bool:
    """True for ``libpython3.X.so.1.0`` style sonames (maturin's pattern)."""
    return bool(_LIBPYTHON.match(soname))


def _is_dynamic_linker(name: str) -> bool:
    return name.startswith(("ld-linux", "ld-musl")) or name in ("ld64.so.1", "ld64.so.2")


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def _rust_list(items: Iterable[str]) -> str:
    """A list of strings as Rust's ``{:?}`` prints it (``["a", "b"]``), as in maturin's text."""
    return "[" + ", ".join(json.dumps(s, ensure_ascii=False) for s in items) + "]"


@dataclass(frozen=True)
class PolicyCheck:
    """Everything one ELF file violates in one policy.

    Attributes:
        policy: The policy checked (musl libc soname already fixed for the arch).
        arch: The architecture checked.
        unsupported_arch: The policy has no table for ``arch``.
        blacklisted: ``"libz.so.1: gzflags"`` entries, one per library.
        too_recent: ``"libc.so.6 offending symbols: memcpy@GLIBC_2.14"`` entries.
        forbidden: Linked libraries that are not on the allow-list (need bundling).
    """

    policy: Policy
    arch: str
    unsupported_arch: bool = False
    blacklisted: tuple[str, ...] = ()
    too_recent: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()

    @property
    def passes(self) -> bool:
        """No violation at all."""
        return not (self.unsupported_arch or self.blacklisted or self.too_recent or self.forbidden)

    @property
    def repairable(self) -> bool:
        """Only libraries to bundle stand in the way (maturin then picks this policy)."""
        return not (self.unsupported_arch or self.blacklisted or self.too_recent)

    def _unsupported(self) -> str:
        return (
            f"Your library is not {self.policy.display} compliant because it has unsupported "
            f"architecture: {self.arch}"
        )

    def _blacklisted(self) -> str:
        return (
            f"Your library is not {self.policy.display} compliant because it depends on "
            f"black-listed symbols: {_rust_list(self.blacklisted)}"
        )

    def _too_recent(self) -> str:
        return (
            f"Your library is not {self.policy.display} compliant because of the presence of "
            f"too-recent versioned symbols: {_rust_list(self.too_recent)}. Consider building in "
            "a manylinux docker container"
        )

    def _forbidden(self) -> str:
        return (
            f"Your library is not {self.policy.display} compliant because it links the "
            f"following forbidden libraries: {_rust_list(self.forbidden)}"
        )

    @property
    def error(self) -> str | None:
        """The one message maturin reports (its precedence), or None if the policy passes."""
        if self.unsupported_arch:
            return self._unsupported()
        if self.blacklisted:
            return self._blacklisted()
        if self.too_recent:
            return self._too_recent()
        if self.forbidden:
            return self._forbidden()
        return None

    @property
    def reasons(self) -> list[str]:
        """Every violation as a message (more than maturin shows; used for ``blocking``)."""
        if self.unsupported_arch:
            return [self._unsupported()]
        found = []
        if self.blacklisted:
            found.append(self._blacklisted())
        if self.too_recent:
            found.append(self._too_recent())
        if self.forbidden:
            found.append(self._forbidden())
        return found


def _too_recent(elf: ElfInfo, policy: Policy, arch_versions: dict[str, frozenset[str]]) -> set[str]:
    offenders: set[str] = set()
    for library, versions in elf.version_requirements.items():
        if _is_dynamic_linker(library) or library not in policy.allowed_libraries:
            continue
        by_namespace: dict[str, set[str]] = {}
        for full in versions:
            namespace, sep, number = full.partition("_")
            if sep:
                by_namespace.setdefault(namespace, set()).add(number)
        for namespace, needed in by_namespace.items():
            allowed = arch_versions.get(namespace)
            if allowed is None:
                offenders.add(f"{library} offending versions: unknown symbol namespace {namespace}")
                continue
            bad = sorted(needed - allowed, key=_version_key)
            if not bad:
                continue
            bad_full = {f"{namespace}_{v}" for v in bad}
            symbols = sorted(
                (
                    s
                    for s in elf.versioned_symbols
                    if s.is_function and s.library == library and s.version in bad_full
                ),
                key=lambda s: (_version_key(s.version.partition("_")[2]), s.name),
            )
            if symbols:
                names = ", ".join(dict.fromkeys(str(s) for s in symbols))
                offenders.add(f"{library} offending symbols: {names}")
            else:
                listed = ", ".join(f"{namespace}_{v}" for v in bad)
                offenders.add(f"{library} offending versions: {listed}")
    return offenders


def check_policy(elf: ElfInfo, policy: Policy, *, arch: str, allow_libpython: bool) -> PolicyCheck:
    """Check one ELF file against one policy (maturin's ``policy_is_satisfied``)."""
    policy = policy.for_arch(arch)
    arch_versions = policy.symbol_versions.get(arch)
    if arch_versions is None:
        return PolicyCheck(policy=policy, arch=arch, unsupported_arch=True)
    forbidden: set[str] = set()
    blacklisted: dict[str, list[str]] = {}
    for dep in elf.needed:
        if _is_dynamic_linker(dep):
            continue
        if dep not in policy.allowed_libraries and not (allow_libpython and is_libpython(dep)):
            forbidden.add(dep)
        banned = policy.forbidden_symbols.get(dep)
        if banned:
            used = sorted(banned & elf.undefined_symbols)
            if used:
                blacklisted[dep] = used
    for library in elf.version_requirements:
        if not _is_dynamic_linker(library) and library not in policy.allowed_libraries:
            forbidden.add(library)
    return PolicyCheck(
        policy=policy,
        arch=arch,
        blacklisted=tuple(f"{lib}: {', '.join(s)}" for lib, s in sorted(blacklisted.items())),
        too_recent=tuple(sorted(_too_recent(elf, policy, dict(arch_versions)))),
        forbidden=tuple(sorted(forbidden)),
    )


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
            if _is_dynamic_linker(soname) or soname.startswith("libc.") or soname in allowed:
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

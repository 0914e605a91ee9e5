"""One ELF file against one manylinux/musllinux policy: allow-list, symbol versions, blacklist.

The facts only (:class:`PolicyCheck`), with maturin's wording for each problem; choosing a tag
from several checks is ``verdict``'s job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cratewright.core.audit.elf_info import ElfInfo
from cratewright.core.audit.policy import Policy

__all__ = ["PolicyCheck", "check_policy", "is_dynamic_linker", "is_libpython"]


_LIBPYTHON = re.compile(r"^libpython3\.\d+m?u?t?\.so\.\d+\.\d+$")


def is_libpython(soname: str) -> bool:
    """True for ``libpython3.X.so.1.0`` style sonames (maturin's pattern)."""
    return bool(_LIBPYTHON.match(soname))


def is_dynamic_linker(name: str) -> bool:
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
        if is_dynamic_linker(library) or library not in policy.allowed_libraries:
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
        if is_dynamic_linker(dep):
            continue
        if dep not in policy.allowed_libraries and not (allow_libpython and is_libpython(dep)):
            forbidden.add(dep)
        banned = policy.forbidden_symbols.get(dep)
        if banned:
            used = sorted(banned & elf.undefined_symbols)
            if used:
                blacklisted[dep] = used
    for library in elf.version_requirements:
        if not is_dynamic_linker(library) and library not in policy.allowed_libraries:
            forbidden.add(library)
    return PolicyCheck(
        policy=policy,
        arch=arch,
        blacklisted=tuple(f"{lib}: {', '.join(s)}" for lib, s in sorted(blacklisted.items())),
        too_recent=tuple(sorted(_too_recent(elf, policy, dict(arch_versions)))),
        forbidden=tuple(sorted(forbidden)),
    )

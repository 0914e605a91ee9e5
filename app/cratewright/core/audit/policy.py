"""manylinux / musllinux policy tables, loaded from the JSON files next to this module.

The facts (symbol versions, allowed libraries, forbidden symbols) come from pypa/auditwheel's
policy files, which maturin vendors too; keeping them as data lets us refresh them without
touching code. They are loaded once, validated, and frozen so that every caller shares one
read-only copy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from cratewright.errors import AuditError

__all__ = [
    "KNOWN_ARCHES",
    "LEGACY_PYPI_PLATFORMS",
    "Policies",
    "Policy",
    "load_policies",
    "musl_libc_soname",
    "parse_policy_document",
]

#: Architectures the policy files may name (auditwheel's spelling, i.e. ``uname -m``).
KNOWN_ARCHES: frozenset[str] = frozenset(
    {"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "ppc64", "s390x", "riscv64", "loongarch64"}
)

#: Legacy platform tags PyPI accepts (warehouse's static allow-list, which maturin copies).
#: A legacy alias such as ``manylinux2014_riscv64`` is only written when it is on this list.
LEGACY_PYPI_PLATFORMS: frozenset[str] = frozenset(
    {
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        "manylinux2014_x86_64",
        "manylinux2014_i686",
        "manylinux2014_aarch64",
        "manylinux2014_armv7l",
        "manylinux2014_ppc64",
        "manylinux2014_ppc64le",
        "manylinux2014_s390x",
    }
)

# musl's libc has no versioned soname; the policy files say "libc.so" and the real name
# depends on the architecture (Alpine's naming, as auditwheel and maturin use it).
_MUSL_LIBC_SONAMES: Mapping[str, str] = MappingProxyType(
    {
        "aarch64": "libc.musl-aarch64.so.1",
        "armv6l": "libc.musl-armhf.so.1",
        "armv7l": "libc.musl-armv7.so.1",
        "ppc64le": "libc.musl-ppc64le.so.1",
        "i686": "libc.musl-x86.so.1",
        "x86_64": "libc.musl-x86_64.so.1",
        "s390x": "libc.musl-s390x.so.1",
        "loongarch64": "libc.musl-loongarch64.so.1",
        "riscv64": "libc.musl-riscv64.so.1",
    }
)

_FILES = {"manylinux": "manylinux-policy.json", "musllinux": "musllinux-policy.json"}
_FORMAT = "cratewright-policy/1"

Family = Literal["manylinux", "musllinux", "linux"]


def musl_libc_soname(arch: str) -> str | None:
    """The soname musl's libc has on ``arch`` (``libc.musl-x86_64.so.1``), or None if unknown."""
    return _MUSL_LIBC_SONAMES.get(arch)


@dataclass(frozen=True)
class Policy:
    """One platform policy (``manylinux_2_17``, ``musllinux_1_2`` or ``linux``).

    Attributes:
        name: Canonical tag name, e.g. ``manylinux_2_17``.
        aliases: Legacy names, e.g. ``("manylinux2014",)``.
        priority: Higher means more portable; ``linux`` is 0.
        family: ``manylinux``, ``musllinux`` or ``linux``.
        allowed_libraries: Sonames a wheel may link without bundling them.
        forbidden_symbols: Per allowed library, symbols a wheel must not use.
        symbol_versions: arch -> namespace (GLIBC, GLIBCXX, ...) -> allowed versions.
    """

    name: str
    aliases: tuple[str, ...]
    priority: int
    family: Family
    allowed_libraries: frozenset[str]
    forbidden_symbols: Mapping[str, frozenset[str]] = field(hash=False)
    symbol_versions: Mapping[str, Mapping[str, frozenset[str]]] = field(hash=False)

    @property
    def display(self) -> str:
        """The name as maturin prints it: ``manylinux_2_17 (aka manylinux2014)``."""
        if self.aliases:
            return f"{self.name} (aka {','.join(self.aliases)})"
        return self.name

    def supports_arch(self, arch: str) -> bool:
        """True if the policy defines symbol versions for ``arch`` (``linux`` defines none)."""
        return arch in self.symbol_versions

    def platform_tag(self, arch: str) -> str:
        """The compressed wheel platform tag, e.g. ``manylinux_2_17_x86_64.manylinux2014_x86_64``.

        Like maturin, a legacy alias is added only when PyPI's allow-list knows it.
        """
        tags = [f"{self.name}_{arch}"]
        for alias in self.aliases:
            candidate = f"{alias}_{arch}"
            if candidate in LEGACY_PYPI_PLATFORMS:
                tags.append(candidate)
        return ".".join(tags)

    def for_arch(self, arch: str) -> Policy:
        """This policy with musl's ``libc.so`` placeholder replaced by ``arch``'s real soname."""
        if self.family != "musllinux" or "libc.so" not in self.allowed_libraries:
            return self
        allowed = set(self.allowed_libraries)
        allowed.discard("libc.so")
        soname = musl_libc_soname(arch)
        if soname:
            allowed.add(soname)
        return Policy(
            name=self.name,
            aliases=self.aliases,
            priority=self.priority,
            family=self.family,
            allowed_libraries=frozenset(allowed),
            forbidden_symbols=self.forbidden_symbols,
            symbol_versions=self.symbol_versions,
        )


@dataclass(frozen=True)
class Policies:
    """Both policy families, each sorted from highest to lowest priority (``linux`` last)."""

    manylinux: tuple[Policy, ...]
    musllinux: tuple[Policy, ...]

    @property
    def linux(self) -> Policy:
        """The catch-all ``linux`` policy (priority 0, no checks, nothing allowed)."""
        return next(p for p in self.manylinux if p.name == "linux")

    def get(self, name: str) -> Policy | None:
        """The policy called ``name`` (canonical name or alias), or None."""
        for policy in (*self.manylinux, *self.musllinux):
            if policy.name == name or name in policy.aliases:
                return policy
        return None

    def names(self) -> list[str]:
        """All canonical names, manylinux then musllinux, without ``linux``."""
        return [p.name for p in (*self.manylinux, *self.musllinux) if p.name != "linux"]


def _bad(file: str, what: str) -> AuditError:
    return AuditError(f"Bundled policy data {file} is invalid: {what}")


def _str_list(value: Any, file: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _bad(file, f"{where} must be a list of non-empty strings")
    return value


def _parse_policy(raw: Any, file: str, family: Literal["manylinux", "musllinux"]) -> Policy:
    if not isinstance(raw, dict):
        raise _bad(file, "each policy must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not (name == "linux" or name.startswith(f"{family}_")):
        raise _bad(file, f"policy name {name!r} does not belong to {family}")
    priority = raw.get("priority")
    if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
        raise _bad(file, f"{name}: priority must be a non-negative integer")
    aliases = tuple(_str_list(raw.get("aliases"), file, f"{name}.aliases"))
    allowed = frozenset(_str_list(raw.get("allowed_libraries"), file, f"{name}.allowed_libraries"))
    forbidden_raw = raw.get("forbidden_symbols")
    if not isinstance(forbidden_raw, dict):
        raise _bad(file, f"{name}.forbidden_symbols must be an object")
    forbidden = {
        lib: frozenset(_str_list(syms, file, f"{name}.forbidden_symbols.{lib}"))
        for lib, syms in forbidden_raw.items()
    }
    versions_raw = raw.get("symbol_versions")
    if not isinstance(versions_raw, dict):
        raise _bad(file, f"{name}.symbol_versions must be an object")
    versions: dict[str, Mapping[str, frozenset[str]]] = {}
    for arch, namespaces in versions_raw.items():
        if arch not in KNOWN_ARCHES:
            raise _bad(file, f"{name}: unknown architecture {arch!r}")
        if not isinstance(namespaces, dict):
            raise _bad(file, f"{name}.symbol_versions.{arch} must be an object")
        versions[arch] = MappingProxyType(
            {
                ns: frozenset(_str_list(v, file, f"{name}.symbol_versions.{arch}.{ns}"))
                for ns, v in namespaces.items()
            }
        )
    if name == "linux" and (priority != 0 or versions or allowed):
        raise _bad(file, "the linux policy must have priority 0 and no rules")
    if name != "linux" and not versions:
        raise _bad(file, f"{name} names no architecture")
    return Policy(
        name=name,
        aliases=aliases,
        priority=priority,
        family="linux" if name == "linux" else family,
        allowed_libraries=allowed,
        forbidden_symbols=MappingProxyType(forbidden),
        symbol_versions=MappingProxyType(versions),
    )


def _load_family(family: Literal["manylinux", "musllinux"]) -> tuple[Policy, ...]:
    file = _FILES[family]
    try:
        text = resources.files(__package__).joinpath(file).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise _bad(file, str(exc)) from exc
    return parse_policy_document(data, family=family, file=file)


def parse_policy_document(
    data: Any, *, family: Literal["manylinux", "musllinux"], file: str = "<policy data>"
) -> tuple[Policy, ...]:
    """Validate one decoded policy file and return its policies, most portable first.

    Raises:
        AuditError: The document does not have our layout or breaks an invariant.
    """
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise _bad(file, f"expected an object with format {_FORMAT!r}")
    if data.get("family") != family or not isinstance(data.get("policies"), list):
        raise _bad(file, f"expected family {family!r} and a list of policies")
    policies = [_parse_policy(raw, file, family) for raw in data["policies"]]
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        raise _bad(file, "duplicate policy names")
    if "linux" not in names:
        raise _bad(file, "the linux policy is missing")
    priorities = [p.priority for p in policies if p.name != "linux"]
    if len(set(priorities)) != len(priorities):
        raise _bad(file, "two policies share a priority")
    return tuple(sorted(policies, key=lambda p: -p.priority))


@cache
def load_policies() -> Policies:
    """Load, validate and cache both policy files.

    Raises:
        AuditError: The bundled data is missing or malformed (a packaging bug).
    """
    return Policies(manylinux=_load_family("manylinux"), musllinux=_load_family("musllinux"))

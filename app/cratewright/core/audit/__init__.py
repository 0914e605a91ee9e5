"""Audit of a wheel's native files: ELF facts, manylinux/musllinux policies, the platform tag.

``analyze_elf`` reads each native file once, ``decide_platform`` applies maturin's policy
rules to all of them and returns the tag to write into the wheel's name (the build's path).
``audit_path`` audits any wheel, directory or ELF file the way ``auditwheel show`` does, with
the full policy ladder, and ``repair_wheel`` bundles external libraries (``report``/``repair``).
"""

from cratewright.core.audit.compatibility import (
    CompatibilityRequest,
    compatibility_warnings,
    parse_compatibility,
    parse_compatibility_value,
)
from cratewright.core.audit.elf import analyze_elf, analyze_elf_bytes, is_elf
from cratewright.core.audit.elf_info import ElfInfo, VersionedSymbol, elf_arch
from cratewright.core.audit.findings import AuditReport, Rung
from cratewright.core.audit.policy import (
    KNOWN_ARCHES,
    LEGACY_PYPI_PLATFORMS,
    Policies,
    Policy,
    load_policies,
    musl_libc_soname,
    parse_policy_document,
)
from cratewright.core.audit.policy_check import PolicyCheck, check_policy, is_libpython
from cratewright.core.audit.repair import (
    GraftedLibrary,
    RepairPlan,
    RepairResult,
    plan_repair,
    repair_wheel,
)
from cratewright.core.audit.report import audit_path, platform_tag_for
from cratewright.core.audit.verdict import (
    AuditMode,
    PlatformDecision,
    decide_platform,
    missing_pyinit,
    missing_pyinit_warning,
)
from cratewright.core.audit.wheelfile import WheelEntry

__all__ = [
    "KNOWN_ARCHES",
    "LEGACY_PYPI_PLATFORMS",
    "AuditMode",
    "AuditReport",
    "CompatibilityRequest",
    "ElfInfo",
    "GraftedLibrary",
    "PlatformDecision",
    "Policies",
    "Policy",
    "PolicyCheck",
    "RepairPlan",
    "RepairResult",
    "Rung",
    "VersionedSymbol",
    "WheelEntry",
    "analyze_elf",
    "analyze_elf_bytes",
    "audit_path",
    "check_policy",
    "compatibility_warnings",
    "decide_platform",
    "elf_arch",
    "is_elf",
    "is_libpython",
    "load_policies",
    "missing_pyinit",
    "missing_pyinit_warning",
    "musl_libc_soname",
    "parse_compatibility",
    "parse_compatibility_value",
    "parse_policy_document",
    "plan_repair",
    "platform_tag_for",
    "repair_wheel",
]

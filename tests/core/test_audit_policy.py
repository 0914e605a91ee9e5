"""Policy tables: loaded from the bundled JSON, validated, frozen, with auditwheel's facts."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources

import pytest

from cratewright.core.audit import (
    LEGACY_PYPI_PLATFORMS,
    Policy,
    load_policies,
    musl_libc_soname,
    parse_policy_document,
)
from cratewright.errors import AuditError

MANYLINUX_NAMES = [
    "manylinux_2_5",
    "manylinux_2_12",
    "manylinux_2_17",
    "manylinux_2_24",
    "manylinux_2_26",
    "manylinux_2_27",
    "manylinux_2_28",
    "manylinux_2_31",
    "manylinux_2_34",
    "manylinux_2_35",
    "manylinux_2_36",
    "manylinux_2_37",
    "manylinux_2_38",
    "manylinux_2_39",
    "manylinux_2_40",
    "manylinux_2_41",
    "linux",
]


def _raw(family: str) -> dict:
    text = (
        resources.files("cratewright.core.audit")
        .joinpath(f"{family}-policy.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def test_both_families_load_sorted_by_priority() -> None:
    policies = load_policies()
    assert [p.name for p in policies.manylinux] == MANYLINUX_NAMES
    assert [p.name for p in policies.musllinux] == ["musllinux_1_1", "musllinux_1_2", "linux"]
    prios = [p.priority for p in policies.manylinux]
    assert prios == sorted(prios, reverse=True)
    assert prios[:3] == [100, 90, 80]
    assert policies.get("manylinux_2_41").priority == 51
    assert policies.linux.priority == 0
    assert policies.linux.family == "linux"
    assert not policies.linux.symbol_versions and not policies.linux.allowed_libraries


def test_load_is_cached_and_frozen() -> None:
    assert load_policies() is load_policies()
    policy = load_policies().get("manylinux_2_17")
    assert isinstance(policy.allowed_libraries, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.priority = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.symbol_versions["x86_64"]["GLIBC"] = frozenset()  # type: ignore[index]
    assert hash(policy) == hash(load_policies().get("manylinux2014"))


def test_aliases_and_display() -> None:
    policies = load_policies()
    assert policies.get("manylinux1") is policies.get("manylinux_2_5")
    assert policies.get("manylinux2010").name == "manylinux_2_12"
    assert policies.get("manylinux2014").display == "manylinux_2_17 (aka manylinux2014)"
    assert policies.get("manylinux_2_28").display == "manylinux_2_28"
    assert policies.get("manylinux_2_99") is None
    assert "linux" not in policies.names()
    assert len(policies.names()) == 18


def test_facts_from_auditwheel() -> None:
    """Spot checks of the data against auditwheel's policy files."""
    policies = load_policies()
    m5 = policies.get("manylinux_2_5")
    m17 = policies.get("manylinux_2_17")
    m24 = policies.get("manylinux_2_24")
    m37 = policies.get("manylinux_2_37")
    assert len(m5.allowed_libraries) == 22
    assert m17.allowed_libraries == m5.allowed_libraries | {"libexpat.so.1"}
    assert m24.allowed_libraries == m17.allowed_libraries | {"libmvec.so.1"}
    assert {"libc.so.6", "libz.so.1", "libgcc_s.so.1", "libstdc++.so.6"} <= m5.allowed_libraries
    assert sorted(m5.symbol_versions) == ["i686", "x86_64"]
    assert sorted(m17.symbol_versions) == [
        "aarch64", "armv7l", "i686", "ppc64", "ppc64le", "s390x", "x86_64",
    ]  # fmt: skip
    assert "riscv64" in policies.get("manylinux_2_31").symbol_versions
    assert "loongarch64" in policies.get("manylinux_2_36").symbol_versions
    x86 = m17.symbol_versions["x86_64"]
    assert "2.17" in x86["GLIBC"] and "2.18" not in x86["GLIBC"]
    assert "3.4.19" in x86["GLIBCXX"] and "1.3.7" in x86["CXXABI"]
    assert "2.2.5" in m5.symbol_versions["x86_64"]["GLIBC"]
    assert m5.symbol_versions["x86_64"]["ZLIB"] == frozenset()
    assert "1.2" in m24.symbol_versions["x86_64"]["LIBATOMIC"]
    # auditwheel's manylinux_2_37 table stops at GLIBC_2.36 for x86_64
    assert "2.37" not in m37.symbol_versions["x86_64"]["GLIBC"]
    assert "2.41" in policies.get("manylinux_2_41").symbol_versions["x86_64"]["GLIBC"]
    assert "__cxa_thread_atexit_impl" in m17.forbidden_symbols["libc.so.6"]
    assert "libc.so.6" not in m24.forbidden_symbols
    assert "gzflags" in m24.forbidden_symbols["libz.so.1"]
    musl = policies.get("musllinux_1_2")
    assert musl.allowed_libraries == {"libc.so", "libz.so.1"}
    assert all(not namespaces for namespaces in musl.symbol_versions.values())
    assert "loongarch64" in musl.symbol_versions
    assert "loongarch64" not in policies.get("musllinux_1_1").symbol_versions


def test_platform_tag_with_legacy_alias_only_where_pypi_allows_it() -> None:
    policies = load_policies()
    m17 = policies.get("manylinux_2_17")
    assert m17.platform_tag("x86_64") == "manylinux_2_17_x86_64.manylinux2014_x86_64"
    assert m17.platform_tag("ppc64") == "manylinux_2_17_ppc64.manylinux2014_ppc64"
    assert m17.platform_tag("riscv64") == "manylinux_2_17_riscv64"
    assert policies.get("manylinux_2_5").platform_tag("i686") == (
        "manylinux_2_5_i686.manylinux1_i686"
    )
    assert policies.get("manylinux_2_34").platform_tag("x86_64") == "manylinux_2_34_x86_64"
    assert policies.linux.platform_tag("x86_64") == "linux_x86_64"
    assert "manylinux2014_riscv64" not in LEGACY_PYPI_PLATFORMS


def test_musl_libc_soname_fixup() -> None:
    musl = load_policies().get("musllinux_1_2")
    fixed = musl.for_arch("aarch64")
    assert "libc.so" not in fixed.allowed_libraries
    assert "libc.musl-aarch64.so.1" in fixed.allowed_libraries
    assert musl.for_arch("armv7l").allowed_libraries == {"libc.musl-armv7.so.1", "libz.so.1"}
    assert musl_libc_soname("i686") == "libc.musl-x86.so.1"
    assert musl_libc_soname("ppc64") is None
    assert musl.for_arch("ppc64").allowed_libraries == {"libz.so.1"}
    many = load_policies().get("manylinux_2_17")
    assert many.for_arch("x86_64") is many


def test_bundled_documents_parse_and_round_trip() -> None:
    parsed = parse_policy_document(_raw("manylinux"), family="manylinux")
    assert parsed == load_policies().manylinux
    assert all(isinstance(p, Policy) for p in parsed)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="auditwheel"), "expected an object with format"),
        (lambda d: d.update(family="musllinux"), "expected family 'manylinux'"),
        (lambda d: d["policies"].pop(), "the linux policy is missing"),
        (lambda d: d["policies"].append(d["policies"][0]), "duplicate policy names"),
        (lambda d: d["policies"][0].update(priority="high"), "priority must be"),
        (lambda d: d["policies"][0].update(name="musllinux_1_1"), "does not belong to"),
        (lambda d: d["policies"][0].update(aliases="x"), "aliases must be a list"),
        (
            lambda d: d["policies"][0]["symbol_versions"].update(sparc={}),
            "unknown architecture 'sparc'",
        ),
        (lambda d: d["policies"][1].update(priority=100), "share a priority"),
        (lambda d: d["policies"][-1].update(priority=5), "linux policy must have priority 0"),
    ],
)
def test_invalid_documents_are_rejected(mutate, message: str) -> None:
    data = copy.deepcopy(_raw("manylinux"))
    mutate(data)
    with pytest.raises(AuditError, match="invalid") as info:
        parse_policy_document(data, family="manylinux", file="x.json")
    assert message in str(info.value)
    assert str(info.value).startswith("Bundled policy data x.json is invalid: ")

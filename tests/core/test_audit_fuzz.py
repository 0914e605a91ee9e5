"""Fuzz the ELF reader with hypothesis: mutated real libraries never escape as anything but
AuditError, and each parse stays fast (bounded loops, no huge allocations)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cratewright.core.audit.elf import analyze_elf_bytes
from cratewright.errors import AuditError
from tests.core.test_audit_support import gcc

SOURCE = """
#include <stdlib.h>
#include <string.h>
unsigned int recent(void) { return arc4random(); }
void copy(char *d, const char *s, size_t n) { memcpy(d, s, n); }
void *PyInit_fuzz(void) { return 0; }
"""


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    work = tmp_path_factory.mktemp("fuzz")
    return [
        gcc(
            work, "lib64.so", SOURCE, "-Wl,-rpath,$ORIGIN/x", "-Wl,-soname,libfuzz.so.1"
        ).read_bytes(),
        gcc(work, "libexe", "int main(void) { return 0; }\n", shared=False).read_bytes(),
    ]


# Where parsing is fragile: the ELF header, the program/section header tables, the dynamic
# and version sections (near the start) and the section headers (at the end).
mutation = st.tuples(
    st.sampled_from(["head", "early", "tail", "anywhere"]),
    st.integers(min_value=0, max_value=1 << 30),
    st.binary(min_size=1, max_size=8),
)


def _mutate(data: bytes, edits: list[tuple[str, int, bytes]], cut: int | None) -> bytes:
    out = bytearray(data)
    for region, position, payload in edits:
        span = {"head": (0, 64), "early": (64, 0x1000), "tail": (len(out) - 0x900, len(out))}
        start, end = span.get(region, (0, len(out)))
        at = start + position % max(1, end - start)
        out[at : at + len(payload)] = payload
    if cut is not None:
        del out[cut % len(out) :]
    return bytes(out[: len(data)])


@settings(
    max_examples=2500,
    deadline=500,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    which=st.integers(min_value=0, max_value=1),
    edits=st.lists(mutation, min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=1 << 30)),
)
def test_mutated_elf_never_crashes(
    seeds: list[bytes], which: int, edits: list[tuple[str, int, bytes]], cut: int | None
) -> None:
    data = _mutate(seeds[which], edits, cut)
    start = time.monotonic()
    try:
        info = analyze_elf_bytes(data, "fuzzed.so")
    except AuditError as exc:
        assert "fuzzed.so" in str(exc)
    else:
        assert info.bits in (32, 64)
        assert all(isinstance(n, str) for n in info.needed)
    assert time.monotonic() - start < 0.5

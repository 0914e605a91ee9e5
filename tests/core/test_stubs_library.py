"""Introspection fragments read from real ELF files: gcc-built stand-ins for a PyO3 library.

PyO3 emits each fragment as ``static PYO3_INTROSPECTION_1_<id>: {u32 length, [u8; length]}``;
the C below lays them out the same way, so the .symtab reader, the length prefix and the whole
pipeline to stub text run without cargo.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from cratewright.core.audit.elf_symtab import symbols_with_prefix
from cratewright.core.build.stubs import MISSING_FEATURE, stub_files_for_library
from cratewright.core.build.stubs.chunks import introspection_chunks
from cratewright.errors import BuildError, CratewrightError

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")

MODULE = {"type": "module", "id": "1", "name": "demo", "members": ["2", "3"], "doc": "Demo."}
CLASS = {"type": "class", "id": "2", "name": "Thing"}
FUNCTION = {
    "type": "function",
    "id": "3",
    "name": "make",
    "arguments": {
        "args": [{"name": "n", "default": {"type": "constant", "kind": "int", "value": "3"}}]
    },
    "returns": {"type": "id", "id": "2"},
}


def _c_string(text: str) -> str:
    return json.dumps(text)  # JSON string escapes are valid C for this ASCII text


def fragment_library(tmp_path: Path, fragments: dict[str, dict], *flags: str) -> Path:
    parts = []
    for symbol, chunk in fragments.items():
        payload = json.dumps(chunk)
        layout = f"struct {{ unsigned int length; char data[{len(payload)}]; }}"
        value = f"{{ {len(payload)}, {_c_string(payload)} }}"
        parts.append(f"__attribute__((used)) const {layout} {symbol} = {value};")
    source = tmp_path / "demo.c"
    source.write_text("\n".join(parts) + "\nint PyInit_demo(void) { return 0; }\n")
    out = tmp_path / "libdemo.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(out), str(source), *flags],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out


def test_fragments_become_stub_files(tmp_path: Path) -> None:
    library = fragment_library(
        tmp_path,
        {"PYO3_INTROSPECTION_1_a": MODULE, "PYO3_INTROSPECTION_1_b": CLASS,
         "PYO3_INTROSPECTION_1_c": FUNCTION},
    )  # fmt: skip
    assert {s.name for s in symbols_with_prefix(library, (b"PYO3_INTROSPECTION_",))} == {
        "PYO3_INTROSPECTION_1_a",
        "PYO3_INTROSPECTION_1_b",
        "PYO3_INTROSPECTION_1_c",
    }
    files = stub_files_for_library(library, "demo")
    assert {str(p): t for p, t in files.items()} == {
        "__init__.pyi": '"""\nDemo.\n"""\n\n__all__ = ["Thing", "make"]\n\n'
        "class Thing: ...\ndef make(n=3) -> Thing: ...\n"
    }


def test_library_without_fragments_gets_maturins_message(tmp_path: Path) -> None:
    library = fragment_library(tmp_path, {})
    with pytest.raises(BuildError) as caught:
        stub_files_for_library(library, "demo")
    assert str(caught.value) == f"{MISSING_FEATURE}\n  Caused by: No module named demo found"


def test_stripped_library_has_no_fragments(tmp_path: Path) -> None:
    library = fragment_library(tmp_path, {"PYO3_INTROSPECTION_1_a": MODULE}, "-s")
    assert introspection_chunks(library) == []


def test_unknown_format_version_is_refused(tmp_path: Path) -> None:
    library = fragment_library(tmp_path, {"PYO3_INTROSPECTION_2_a": MODULE})
    with pytest.raises(BuildError, match="introspection format version '2' is not supported"):
        introspection_chunks(library)


def test_not_elf_and_missing_files(tmp_path: Path) -> None:
    text = tmp_path / "lib.so"
    text.write_text("not a library")
    for path in (text, tmp_path / "missing.so"):
        with pytest.raises(BuildError, match="not valid or not supported by our binary parser"):
            introspection_chunks(path)


def test_corrupted_libraries_fail_cleanly(tmp_path: Path) -> None:
    library = fragment_library(
        tmp_path, {"PYO3_INTROSPECTION_1_a": MODULE, "PYO3_INTROSPECTION_1_b": CLASS}
    )
    data = library.read_bytes()
    rng = random.Random(17)
    failures = 0
    for round_ in range(150):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        cut = rng.choice([None, rng.randrange(len(mutated))])
        target = tmp_path / f"m{round_}.so"
        target.write_bytes(bytes(mutated[:cut]))
        try:
            stub_files_for_library(target, "demo")
        except CratewrightError as exc:  # anything else (a traceback) fails the test
            assert str(exc).startswith(MISSING_FEATURE), exc
            failures += 1
    assert failures > 0  # the mutations did reach the reader

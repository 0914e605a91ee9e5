"""Pure parsing of cargo output: line splitting, UTF-8 decoding, ANSI, progress and JSON."""

from __future__ import annotations

import json

import pytest

from cratewright.core.cargo.messages import (
    LineSplitter,
    RawLine,
    StderrParser,
    artifact_from_message,
    clean_control_sequences,
    diagnostic_from_message,
    parse_json_line,
    parse_progress,
    parse_status,
    stdout_events,
    strip_ansi,
)
from cratewright.events import (
    CargoArtifact,
    CargoMessage,
    Diagnostic,
    OutputLine,
    Progress,
    Status,
)

# Captured from cargo 1.95 with CARGO_TERM_COLOR=always CARGO_TERM_PROGRESS_WHEN=always
# CARGO_TERM_PROGRESS_WIDTH=80 on a four-crate workspace.
REAL_STDERR = (
    b"\x1b[1m\x1b[92m   Compiling\x1b[0m d v0.1.0 (/tmp/ws/d)\n"
    b"\x1b[1m\x1b[96m    Building\x1b[0m [                             ] 0/4: b, d"
    b"                        \r\x1b[K\x1b[1m\x1b[92m   Compiling\x1b[0m c v0.1.0 (/tmp/ws/c)\n"
    b"\x1b[1m\x1b[96m    Building\x1b[0m [=============>               ] 2/4: c, a"
    b"                        \r\x1b[K\x1b[1m\x1b[96m    Building\x1b[0m [=============>"
    b"               ] 2/4: c, a                        \r\x1b[1m\x1b[96m    Building\x1b[0m"
    b" [====================>        ] 3/4: a                           \r\x1b[K"
    b"\x1b[1m\x1b[92m    Finished\x1b[0m `dev` profile [unoptimized + debuginfo] target(s)"
    b" in 0.14s\n"
)


def split_all(chunks: list[bytes], *, split_cr: bool) -> list[RawLine]:
    splitter = LineSplitter(split_cr=split_cr)
    lines: list[RawLine] = []
    for chunk in chunks:
        lines.extend(splitter.feed(chunk))
    lines.extend(splitter.finish())
    return lines


def test_multibyte_characters_split_across_every_byte_boundary() -> None:
    text = "größe: 🦀 ok — ✓\nzweite Zeile ünd 日本語\n"
    data = text.encode("utf-8")
    expected = [RawLine("größe: 🦀 ok — ✓", "\n"), RawLine("zweite Zeile ünd 日本語", "\n")]
    for size in range(1, 8):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert split_all(chunks, split_cr=True) == expected, size


def test_crab_split_in_the_middle_is_not_replaced() -> None:
    crab = "🦀".encode()
    assert len(crab) == 4
    lines = split_all([b"a" + crab[:1], crab[1:3], crab[3:] + b"b\n"], split_cr=False)
    assert lines == [RawLine("a🦀b", "\n")]


def test_invalid_utf8_becomes_replacement_character() -> None:
    lines = split_all([b"bad \xff\xfe byte\n", b"truncated \xe2\x82"], split_cr=False)
    assert lines == [RawLine("bad \ufffd\ufffd byte", "\n"), RawLine("truncated \ufffd", "")]


def test_carriage_return_splits_only_when_asked() -> None:
    data = [b"one\rtwo\n"]
    assert split_all(data, split_cr=True) == [RawLine("one", "\r"), RawLine("two", "\n")]
    assert split_all(data, split_cr=False) == [RawLine("one\rtwo", "\n")]


def test_crlf_split_across_chunks_is_one_newline() -> None:
    for split_cr in (True, False):
        lines = split_all([b"first\r", b"\nsecond\r\n"], split_cr=split_cr)
        assert lines == [RawLine("first", "\n"), RawLine("second", "\n")]


def test_trailing_carriage_return_at_eof_is_a_redraw() -> None:
    assert split_all([b"bar\r"], split_cr=True) == [RawLine("bar", "\r")]


def test_partial_line_waits_for_more_data() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"no newline yet") == []
    assert splitter.feed(b" ... done\nnext") == [RawLine("no newline yet ... done", "\n")]
    assert splitter.finish() == [RawLine("next", "")]


def test_strip_and_clean_ansi() -> None:
    text = "\x1b[K\x1b[1m\x1b[92m   Compiling\x1b[0m foo\x1b]9;4;1;50\x1b\\ v1\x1b[2J"
    assert strip_ansi(text) == "   Compiling foo v1"
    assert clean_control_sequences(text) == "\x1b[1m\x1b[92m   Compiling\x1b[0m foo v1"
    assert strip_ansi("osc with bel \x1b]0;title\x07end") == "osc with bel end"


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("    Building [=====>    ] 12/57: pyo3, foo", Progress(12, 57, "pyo3, foo")),
        ("    Building [                  ] 0/4: b, d          ", Progress(0, 4, "b, d")),
        ("    Building [==================>] 57/57", Progress(57, 57, "")),
        (
            "    Building [=>  ] 3/9: foo(build.rs), bar(build)  ",
            Progress(3, 9, "foo(build.rs), bar(build)"),
        ),
        ("   Compiling foo v0.1.0", None),
        ("    Building something else", None),
    ],
)
def test_parse_progress(plain: str, expected: Progress | None) -> None:
    assert parse_progress(plain) == expected


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("   Compiling pyo3 v0.30.1", "Compiling pyo3 v0.30.1"),
        (
            "    Finished `release` profile [optimized] target(s) in 3.2s",
            "Finished `release` profile [optimized] target(s) in 3.2s",
        ),
        ("    Checking foo v0.1.0 (/x)", "Checking foo v0.1.0 (/x)"),
        ("  Downloaded serde v1.0.0", "Downloaded serde v1.0.0"),
        ("warning: unused variable: `x`", None),
        ("error: could not compile `foo`", None),
        ("  |     let x = 1;", None),
        ("Compiling at column zero", None),
    ],
)
def test_parse_status(plain: str, expected: str | None) -> None:
    assert parse_status(plain) == expected


def test_real_cargo_stderr_gives_progress_status_and_no_redraw_lines() -> None:
    events = []
    for chunk_size in (1, 7, 4096):
        parser = StderrParser()
        chunks = [REAL_STDERR[i : i + chunk_size] for i in range(0, len(REAL_STDERR), chunk_size)]
        events = [e for line in split_all(chunks, split_cr=True) for e in parser.events(line)]
        assert events == [
            OutputLine("stderr", "\x1b[1m\x1b[92m   Compiling\x1b[0m d v0.1.0 (/tmp/ws/d)"),
            Status("Compiling d v0.1.0 (/tmp/ws/d)"),
            Progress(0, 4, "b, d"),
            OutputLine("stderr", "\x1b[1m\x1b[92m   Compiling\x1b[0m c v0.1.0 (/tmp/ws/c)"),
            Status("Compiling c v0.1.0 (/tmp/ws/c)"),
            Progress(2, 4, "c, a"),  # drawn twice by cargo, reported once
            Progress(3, 4, "a"),
            OutputLine(
                "stderr",
                "\x1b[1m\x1b[92m    Finished\x1b[0m `dev` profile [unoptimized + debuginfo]"
                " target(s) in 0.14s",
            ),
            Status("Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.14s"),
        ]
    assert not any(isinstance(e, OutputLine) and "Building" in e.text for e in events)


def test_other_redraws_become_status_not_log_lines() -> None:
    parser = StderrParser()
    lines = split_all(
        [b"    Updating [=====>   ] 45.00%\r\x1b[K    Updating [=====>   ] 45.00%\r\x1b[K"],
        split_cr=True,
    )
    events = [e for line in lines for e in parser.events(line)]
    assert events == [Status("Updating [=====> ] 45.00%")]


def test_plain_stderr_lines_and_blank_lines_are_kept() -> None:
    parser = StderrParser()
    lines = split_all([b"warning: unused import\n\n  --> src/lib.rs:1:5\n"], split_cr=True)
    events = [e for line in lines for e in parser.events(line)]
    assert events == [
        OutputLine("stderr", "warning: unused import"),
        OutputLine("stderr", ""),
        OutputLine("stderr", "  --> src/lib.rs:1:5"),
    ]


def test_parse_json_line_only_accepts_objects() -> None:
    assert parse_json_line('{"reason": "x"}') == {"reason": "x"}
    assert parse_json_line("hello {}") is None
    assert parse_json_line("{not json") is None
    assert parse_json_line("[1, 2]") is None


COMPILER_MESSAGE = {
    "reason": "compiler-message",
    "package_id": "path+file:///tmp/ws/d#0.1.0",
    "message": {
        "message": "mismatched types",
        "code": {"code": "E0308", "explanation": "..."},
        "level": "error",
        "spans": [
            {"file_name": "d/src/lib.rs", "line_start": 2, "column_start": 28, "is_primary": False},
            {"file_name": "d/src/lib.rs", "line_start": 2, "column_start": 34, "is_primary": True},
        ],
        "rendered": "\x1b[1m\x1b[91merror[E0308]\x1b[0m: mismatched types\n",
    },
}


def test_diagnostic_uses_primary_span() -> None:
    assert diagnostic_from_message(COMPILER_MESSAGE) == Diagnostic(
        level="error",
        message="mismatched types",
        rendered="\x1b[1m\x1b[91merror[E0308]\x1b[0m: mismatched types\n",
        file="d/src/lib.rs",
        line=2,
        column=34,
        code="E0308",
    )


def test_diagnostic_without_spans_or_code() -> None:
    data = {
        "reason": "compiler-message",
        "message": {"message": "aborting", "level": "error", "spans": [], "code": None},
    }
    diagnostic = diagnostic_from_message(data)
    assert diagnostic == Diagnostic("error", "aborting", "", None, None, None, None)
    assert diagnostic_from_message({"reason": "compiler-message"}) is None


def test_artifact_fields() -> None:
    data = {
        "reason": "compiler-artifact",
        "package_id": "path+file:///tmp/ws/a#0.1.0",
        "target": {"kind": ["cdylib"], "name": "a"},
        "filenames": ["/t/debug/liba.so"],
        "executable": None,
        "fresh": True,
    }
    assert artifact_from_message(data) == CargoArtifact(
        package_id="path+file:///tmp/ws/a#0.1.0",
        target_name="a",
        kinds=("cdylib",),
        filenames=("/t/debug/liba.so",),
        executable=None,
        fresh=True,
    )


def test_stdout_events() -> None:
    line = RawLine(json.dumps(COMPILER_MESSAGE), "\n")
    events = stdout_events(line)
    assert [type(e) for e in events] == [CargoMessage, Diagnostic]
    assert events[0] == CargoMessage("compiler-message", COMPILER_MESSAGE)
    assert stdout_events(RawLine("printed by a proc macro", "\n")) == [
        OutputLine("stdout", "printed by a proc macro")
    ]
    assert stdout_events(RawLine('{"no_reason": 1}', "\n")) == [
        OutputLine("stdout", '{"no_reason": 1}')
    ]
    finished = stdout_events(RawLine('{"reason":"build-finished","success":false}', "\n"))
    assert finished == [
        CargoMessage("build-finished", {"reason": "build-finished", "success": False})
    ]

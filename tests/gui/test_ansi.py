"""ANSI colour parsing for the log view (pure Python, no display needed)."""

from __future__ import annotations

from cratewright.gui.ansi import PLAIN, Style, parse_ansi, strip_ansi


def test_cargo_status_line_is_bold_green_then_plain() -> None:
    segments, end = parse_ansi("\x1b[1m\x1b[32m   Compiling\x1b[0m pyo3 v0.30.1")
    assert [s.text for s in segments] == ["   Compiling", " pyo3 v0.30.1"]
    assert segments[0].style == Style(fg=2, bold=True)
    assert segments[1].style == PLAIN
    assert end == PLAIN


def test_colour_carries_over_to_the_next_line_until_reset() -> None:
    _, end = parse_ansi("\x1b[31merror: first line")
    segments, end2 = parse_ansi("second line\x1b[0m", end)
    assert segments[0].style.fg == 1
    assert end2 == PLAIN


def test_256_and_truecolour_and_bright() -> None:
    segments, _ = parse_ansi("\x1b[38;5;208ma\x1b[38;2;1;2;3mb\x1b[94mc\x1b[48;5;17md")
    assert [s.style.fg for s in segments] == [208, "#010203", 12, 12]
    assert segments[3].style.bg == 17


def test_non_colour_sequences_are_dropped() -> None:
    text = "\x1b[K\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\ done\x1b[2A"
    segments, _ = parse_ansi(text)
    assert "".join(s.text for s in segments) == "link done"
    assert strip_ansi(text) == "link done"


def test_malformed_sgr_does_not_raise() -> None:
    segments, end = parse_ansi("\x1b[38;5mx\x1b[38;2;1mY\x1b[;;1mz")
    assert "".join(s.text for s in segments) == "xYz"
    assert end.bold

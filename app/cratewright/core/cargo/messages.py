"""Pure parsing of cargo's output: byte chunks -> lines -> typed events.

Kept apart from :mod:`cratewright.core.cargo.runner` so that every rule here can be tested
with plain strings and byte chunks, without starting cargo. Nothing in this module does I/O.

cargo writes two very different streams:

* stdout carries one JSON object per line (``--message-format=json...``); anything that is
  not JSON (a proc macro or build script printing to our stdout) is passed through as text.
* stderr carries human status lines ("   Compiling foo v0.1.0") and, when forced with
  ``CARGO_TERM_PROGRESS_WHEN=always``, a progress bar that is redrawn in place with ``\\r``
  and erased with ``ESC[K``. Those redraws become :class:`~cratewright.events.Progress`
  events instead of log lines.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from cratewright.events import (
    CargoArtifact,
    CargoMessage,
    Diagnostic,
    Event,
    OutputLine,
    Progress,
    Status,
)

__all__ = [
    "LineSplitter",
    "RawLine",
    "StderrParser",
    "artifact_from_message",
    "clean_control_sequences",
    "diagnostic_from_message",
    "parse_json_line",
    "parse_progress",
    "parse_status",
    "stdout_events",
    "strip_ansi",
]

# CSI: ESC [ params intermediates final. SGR (colours) is the CSI whose final byte is "m".
_CSI = r"\x1b\[[0-?]*[ -/]*[@-~]"
# OSC: ESC ] ... terminated by BEL or ST (ESC \); cargo's terminal integration uses these.
_OSC = r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
# Any other two-byte escape (ESC 7, ESC =, ...).
_ESC2 = r"\x1b[@-Z\\-_]"
_ANSI_RE = re.compile(f"{_OSC}|{_CSI}|{_ESC2}")
_SGR_RE = re.compile(r"\x1b\[[0-9;:]*m")

# "    Building [=====>      ] 12/57: pyo3, foo" (the detail after ":" is optional).
_PROGRESS_RE = re.compile(r"^\s*Building \[[=> ]*\] (\d+)/(\d+)(?::\s*(.*?))?\s*$")
# Any other redrawn bar ("Downloading [==>  ] 3/10: ...", "Updating [==>  ] 45.00%").
_OTHER_BAR_RE = re.compile(r"^\s*[A-Z][a-z]+ \[[=> ]*\]")
# cargo right-aligns its status verb in a 12-column field: "   Compiling foo v0.1.0".
_STATUS_RE = re.compile(r"^( {0,11})([A-Z][a-z]+) (\S.*?)\s*$")
_STATUS_WIDTH = 12


def strip_ansi(text: str) -> str:
    """Remove every escape sequence, colours included; for matching cargo's text."""
    return _ANSI_RE.sub("", text)


def clean_control_sequences(text: str) -> str:
    """Remove escape sequences except SGR colours.

    cargo prefixes lines with ``ESC[K`` (erase line) after a progress redraw and may emit
    OSC terminal-integration codes. A log view only understands colours, so everything
    else is dropped while the colours survive for the CLI and the GUI to render.
    """
    return _ANSI_RE.sub(lambda m: m.group(0) if _SGR_RE.fullmatch(m.group(0)) else "", text)


@dataclass(frozen=True)
class RawLine:
    """One decoded line and what ended it.

    Attributes:
        text: The line without its terminator (escape sequences kept).
        end: ``"\\n"`` for a newline (``\\r\\n`` counts as one), ``"\\r"`` for a carriage
            return (a redraw in place), ``""`` for text cut off by the end of the stream.
    """

    text: str
    end: Literal["\n", "\r", ""]


@dataclass
class LineSplitter:
    """Turn byte chunks into :class:`RawLine` objects, decoding UTF-8 incrementally.

    A pipe read can end in the middle of a multi-byte character or between ``\\r`` and
    ``\\n``; both are held back until the next chunk so that neither the text nor the line
    boundaries depend on how the OS split the stream. Invalid UTF-8 becomes U+FFFD.

    Attributes:
        split_cr: Treat a lone ``\\r`` as a line end (stderr progress redraws). When false,
            a lone ``\\r`` stays in the text.
    """

    split_cr: bool = False
    _decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")(errors="replace"),
        init=False,
        repr=False,
    )
    _buffer: str = field(default="", init=False, repr=False)

    def feed(self, data: bytes) -> list[RawLine]:
        """Decode ``data`` and return the lines it completed."""
        self._buffer += self._decoder.decode(data)
        return self._take_lines(final=False)

    def finish(self) -> list[RawLine]:
        """Flush the decoder at end of stream; a trailing partial line is returned too."""
        self._buffer += self._decoder.decode(b"", final=True)
        return self._take_lines(final=True)

    def _take_lines(self, *, final: bool) -> list[RawLine]:
        lines: list[RawLine] = []
        buf = self._buffer
        start = 0
        i = 0
        n = len(buf)
        while i < n:
            ch = buf[i]
            if ch == "\n":
                lines.append(RawLine(buf[start:i], "\n"))
                i += 1
                start = i
            elif ch == "\r":
                if i + 1 == n and not final:
                    break  # might be the first half of "\r\n"; wait for more data
                if i + 1 < n and buf[i + 1] == "\n":
                    lines.append(RawLine(buf[start:i], "\n"))
                    i += 2
                    start = i
                elif self.split_cr:
                    lines.append(RawLine(buf[start:i], "\r"))
                    i += 1
                    start = i
                else:
                    i += 1
            else:
                i += 1
        self._buffer = buf[start:]
        if final and self._buffer:
            lines.append(RawLine(self._buffer, ""))
            self._buffer = ""
        return lines


def parse_progress(plain: str) -> Progress | None:
    """Parse cargo's "Building [==>  ] n/m: names" bar (escape sequences already stripped)."""
    match = _PROGRESS_RE.match(plain)
    if match is None:
        return None
    return Progress(int(match.group(1)), int(match.group(2)), match.group(3) or "")


def parse_status(plain: str) -> str | None:
    """Return "Compiling foo v0.1.0" for a cargo status line, else None.

    cargo right-aligns the verb to 12 columns, which tells its status lines apart from
    warnings ("warning: ..."), rustc's rendered diagnostics and build-script output.
    """
    match = _STATUS_RE.match(plain)
    if match is None:
        return None
    indent, verb, rest = match.groups()
    if len(indent) + len(verb) != _STATUS_WIDTH and not (indent == "" and len(verb) > 12):
        return None
    return f"{verb} {rest}"


@dataclass
class StderrParser:
    """Stateful stderr interpreter: status lines, progress redraws and plain log lines.

    It remembers the last progress reading so that cargo's repeated redraws of the same
    bar ("2/4: c, a" twice) produce one event, not a flood.
    """

    _last_progress: Progress | None = field(default=None, init=False)
    _last_bar_status: str | None = field(default=None, init=False)

    def events(self, line: RawLine) -> list[Event]:
        """Events for one stderr line (possibly none, for an erase-only redraw)."""
        plain = strip_ansi(line.text)
        progress = parse_progress(plain)
        if progress is not None:
            if progress == self._last_progress:
                return []
            self._last_progress = progress
            return [progress]
        stripped = plain.strip()
        if line.end == "" and not stripped:
            return []  # an erase sequence left at end of stream
        if line.end == "\r" or _OTHER_BAR_RE.match(plain):
            # A redraw of some other bar (downloads, index updates): transient, so it is
            # shown as a status, never logged. An erase-only segment yields nothing.
            text = " ".join(stripped.split())
            if not text or text == self._last_bar_status:
                return []
            self._last_bar_status = text
            return [Status(text)]
        events: list[Event] = [OutputLine("stderr", clean_control_sequences(line.text))]
        status = parse_status(plain)
        if status is not None:
            events.append(Status(status))
        return events


def parse_json_line(text: str) -> dict[str, Any] | None:
    """Decode a cargo JSON message; None for anything that is not a JSON object.

    Only lines that start with ``{`` are tried, as cargo's documentation advises: proc
    macros and build scripts may print arbitrary text to the same stdout.
    """
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def diagnostic_from_message(data: dict[str, Any]) -> Diagnostic | None:
    """Build a :class:`Diagnostic` from a ``compiler-message``; None if it has no message."""
    message = data.get("message")
    if not isinstance(message, dict):
        return None
    span: dict[str, Any] | None = None
    spans = message.get("spans")
    if isinstance(spans, list):
        dict_spans = [s for s in spans if isinstance(s, dict)]
        primary = [s for s in dict_spans if s.get("is_primary")]
        span = (primary or dict_spans or [None])[0]
    code_obj = message.get("code")
    code = code_obj.get("code") if isinstance(code_obj, dict) else None
    file_name = span.get("file_name") if span else None
    return Diagnostic(
        level=str(message.get("level") or "error"),
        message=str(message.get("message") or ""),
        rendered=str(message.get("rendered") or ""),
        file=file_name if isinstance(file_name, str) else None,
        line=_as_int(span.get("line_start")) if span else None,
        column=_as_int(span.get("column_start")) if span else None,
        code=code if isinstance(code, str) else None,
    )


def _str_tuple(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value)


def artifact_from_message(data: dict[str, Any]) -> CargoArtifact:
    """Build a :class:`CargoArtifact` from a ``compiler-artifact`` message."""
    target = data.get("target")
    target = target if isinstance(target, dict) else {}
    executable = data.get("executable")
    return CargoArtifact(
        package_id=str(data.get("package_id") or ""),
        target_name=str(target.get("name") or ""),
        kinds=_str_tuple(target.get("kind")),
        filenames=_str_tuple(data.get("filenames")),
        executable=executable if isinstance(executable, str) else None,
        fresh=bool(data.get("fresh", False)),
        features=_str_tuple(data.get("features")),
    )


def stdout_events(line: RawLine) -> list[Event]:
    """Events for one stdout line: typed events for JSON messages, else an OutputLine."""
    data = parse_json_line(line.text)
    reason = data.get("reason") if data is not None else None
    if data is None or not isinstance(reason, str):
        return [OutputLine("stdout", line.text)]
    events: list[Event] = [CargoMessage(reason, data)]
    if reason == "compiler-message":
        diagnostic = diagnostic_from_message(data)
        if diagnostic is not None:
            events.append(diagnostic)
    elif reason == "compiler-artifact":
        events.append(artifact_from_message(data))
    return events

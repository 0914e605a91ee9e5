"""The ``cratewright`` command line: maturin's verbs and flags over the same core as the GUI.

This module only parses arguments, prints events and maps errors to exit codes. Every
expected failure is a CratewrightError and ends as one ``error:`` line (exit 1); cargo's own
diagnostics have already been printed by then. Ctrl-C ends with exit 130.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import TextIO

from cratewright import __version__
from cratewright.cli_commands import command_modules
from cratewright.errors import BuildCancelled, CratewrightError
from cratewright.events import Diagnostic, Event, Message, OutputLine, Progress

__all__ = ["main"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


class ConsoleSink:
    """Prints engine events to stderr the way maturin's console output reads.

    Colours are kept only on a terminal; cargo's progress counter is drawn in place on a
    terminal and left out of logs, so CI output stays readable.
    """

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty()
        self._progress_shown = False

    def _write(self, text: str) -> None:
        if self._progress_shown:
            self._stream.write("\r\x1b[K")
            self._progress_shown = False
        self._stream.write((text if self._tty else _ANSI.sub("", text)) + "\n")
        self._stream.flush()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Diagnostic):
            self._write(event.rendered.rstrip("\n") or f"{event.level}: {event.message}")
        elif isinstance(event, Message):
            if not self._quiet or event.level == "warning":
                self._write(event.text)
        elif isinstance(event, OutputLine):
            if not self._quiet:
                self._write(event.text)
        elif isinstance(event, Progress) and self._tty and not self._quiet:
            self._stream.write(
                f"\r\x1b[K    Building {event.current}/{event.total}: {event.detail}"[:120]
            )
            self._stream.flush()
            self._progress_shown = True


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cratewright",
        description="Build Rust crates into Python wheels (maturin-compatible).",
    )
    parser.add_argument("-V", "--version", action="version", version=f"cratewright {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cratewright`` console script."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    sink = ConsoleSink(sys.stderr, quiet=getattr(args, "quiet", False))
    try:
        return int(args.run(args, sink))
    except BuildCancelled as exc:
        sink(Message("warning", f"error: {exc}"))
        return 130
    except CratewrightError as exc:
        print(f"💥 error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; cargo was stopped and no wheel was written", file=sys.stderr)
        return 130

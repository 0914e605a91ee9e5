"""The ``cratewright`` command line: maturin's verbs and flags over the same core as the GUI.

This module only parses arguments, prints events and maps errors to exit codes. Every
expected failure is a CratewrightError and ends as one ``error:`` line (exit 1); cargo's own
diagnostics have already been printed by then. Ctrl-C ends with exit 130; SIGTERM and SIGHUP
are turned into the same interruption (so cargo's process group is stopped and temp files are
removed on the way out) and end with 143 / 129. Anything else that escapes is a bug: it ends
as one ``internal error`` line naming a saved traceback file, never as a raw traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from cratewright import __version__
from cratewright.cli_commands import SECRET_ARGUMENTS_ERROR, command_modules
from cratewright.errors import BuildCancelled, CratewrightError
from cratewright.events import Diagnostic, Event, Message, OutputLine, Progress

__all__ = ["Terminated", "main"]

#: Exit status of an unexpected exception (sysexits' EX_SOFTWARE).
EXIT_INTERNAL_ERROR = 70

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


class ConsoleSink:
    """Prints engine events to stderr the way maturin's console output reads.

    Colours are kept only on a terminal (or with ``--color always``); cargo's progress
    counter is drawn in place on a terminal and left out of logs, so CI output stays readable.
    """

    def __init__(self, stream: TextIO, *, quiet: bool = False, color: str | None = None) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty()
        # --color always|never overrides the terminal check, as cargo's and maturin's do
        self._colour = self._tty if color in (None, "auto") else color == "always"
        self._progress_shown = False

    def _write(self, text: str) -> None:
        if self._progress_shown:
            self._stream.write("\r\x1b[K")
            self._progress_shown = False
        self._stream.write((text if self._colour else _ANSI.sub("", text)) + "\n")
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


def _not_empty(convert: Any) -> Any:
    """Wrap an argparse ``type`` so that "" (or only spaces) is a usage error, not a default.

    ``-o ""`` would otherwise mean the current folder (``Path("")`` is ``.``) and an empty
    ``--target`` or ``--repository-url`` would silently fall back to the default.
    """

    def parse(text: str) -> Any:
        if not text.strip():
            raise argparse.ArgumentTypeError("must not be empty")
        return convert(text) if convert is not None else text

    parse.__name__ = getattr(convert, "__name__", "value")
    return parse


def _reject_empty_values(parser: argparse.ArgumentParser) -> None:
    """Apply :func:`_not_empty` to every argument that takes a value, in every sub-parser.

    An argument that may legitimately be empty (``metadata set FIELD ""``) opts out with
    ``action.allow_empty = True``.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _reject_empty_values(child)
            continue
        if action.nargs == 0 or getattr(action, "allow_empty", False):
            continue
        action.type = _not_empty(action.type)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cratewright",
        description="Build Rust crates into Python wheels (maturin-compatible).",
    )
    parser.add_argument("-V", "--version", action="version", version=f"cratewright {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(sub)
    _reject_empty_values(parser)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM / SIGHUP seen as an interruption, so every Ctrl-C clean-up path runs for it.

    The core already stops cargo's process group and removes half-written files on
    ``BaseException``; raising a KeyboardInterrupt subclass from the handler reuses that.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


@contextmanager
def _termination_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` while a command runs (main thread only)."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}
    try:
        for signum in wanted:
            previous[signum] = signal.signal(signum, _raise_terminated)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _crash_dir() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "cratewright" / "crashes"


def save_traceback(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Write the traceback of an unexpected exception to a file of its own; None if impossible."""
    text = (
        f"cratewright {__version__} on Python {sys.version.split()[0]} ({sys.platform})\n"
        f"arguments: {list(argv)!r}\n\n"
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in (_crash_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=f"cratewright-crash-{stamp}-", suffix=".txt", dir=folder
            )
            with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
                handle.write(text)
            return Path(name)
        except OSError:
            continue
    return None


def _internal_error(exc: BaseException, argv: Sequence[str]) -> int:
    saved = save_traceback(exc, argv)
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    where = f"the traceback is in {saved}" if saved else "the traceback could not be saved"
    print(
        f"💥 internal error: {what} (this is a bug in cratewright: please report it to its "
        f"developers with the command you ran; {where})",
        file=sys.stderr,
    )
    return EXIT_INTERNAL_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cratewright`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        with _termination_signals():
            return _main(arguments)
    except Terminated as exc:
        name = signal.Signals(exc.signum).name
        print(
            f"💥 error: stopped by {name}; cargo was stopped and no partial file was left",
            file=sys.stderr,
        )
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("error: interrupted; cargo was stopped and no wheel was written", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: a bug, but never a raw traceback
        # Report only what the user can act on; everything else goes to the saved file.
        return _internal_error(exc, _redacted(arguments))


def _redacted(argv: Sequence[str]) -> list[str]:
    """The arguments as saved with a traceback: a ``credentials`` call may carry a secret."""
    if "credentials" in argv:
        return ["credentials", "(arguments not saved: one may be a secret)"]
    out = list(argv)
    for index, arg in enumerate(out[:-1]):
        if arg in ("-p", "--password"):
            out[index + 1] = "***"
    return [re.sub(r"^(--password=).*", r"\1***", arg) for arg in out]


def _main(argv: list[str]) -> int:
    parser = _build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        if getattr(args, "secret_arguments", False):
            # Never repeat what was typed: a stray argument to `credentials` is often the token.
            parser.exit(2, SECRET_ARGUMENTS_ERROR)
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    sink = ConsoleSink(
        sys.stderr, quiet=getattr(args, "quiet", False), color=getattr(args, "color", None)
    )
    try:
        return int(args.run(args, sink))
    except BuildCancelled as exc:
        sink(Message("warning", f"error: {exc}"))
        return 130
    except CratewrightError as exc:
        print(f"💥 error: {exc}", file=sys.stderr)
        return 1

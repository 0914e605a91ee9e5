"""The ``cratewright`` command line: maturin's verbs and flags over the same core as the GUI.

This module only parses arguments, prints events and maps errors to exit codes. Every
expected failure is a CratewrightError and ends as one ``error:`` line (exit 1); cargo's own
diagnostics have already been printed by then. Ctrl-C ends with exit 130.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from cratewright import __version__
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


def _split_features(values: Sequence[str]) -> tuple[str, ...]:
    """cargo accepts ``-F a,b -F "c d"``; so do we."""
    return tuple(f for value in values for f in re.split(r"[ ,]+", value) if f)


def _add_build_args(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory")
    add(
        "-i",
        "--interpreter",
        nargs="*",
        action="extend",
        default=[],
        metavar="PYTHON",
        help="python interpreters to build for (paths, names like python3.12, or 3.12)",
    )
    add(
        "-f",
        "--find-interpreter",
        action="store_true",
        help="find every python interpreter on PATH and build for each",
    )
    add(
        "-b",
        "--bindings",
        choices=["pyo3", "pyo3-ffi", "cffi", "uniffi", "bin"],
        help="which kind of bindings to use (detected when not given)",
    )
    add("-r", "--release", action="store_true", help="build with the release profile")
    add("--profile", help="build with the given cargo profile")
    add("-o", "--out", type=Path, help="output directory (default: <target dir>/wheels)")
    add(
        "--compatibility",
        "--manylinux",
        nargs="*",
        action="extend",
        default=[],
        metavar="TAG",
        help="platform tag to target, e.g. manylinux_2_28, manylinux2014, musllinux_1_2, linux",
    )
    add(
        "--auditwheel",
        choices=["repair", "check", "warn", "skip"],
        help="what to do when the wheel needs libraries outside the manylinux policy",
    )
    add("--skip-auditwheel", action="store_true", help=argparse.SUPPRESS)
    add(
        "--strip",
        nargs="?",
        const="true",
        choices=["true", "false"],
        help="strip the library for minimum file size",
    )
    add("-F", "--features", action="append", default=[], help="cargo features to activate")
    add("--all-features", action="store_true", help="activate all available features")
    add("--no-default-features", action="store_true", help="do not activate the default feature")
    add("--target", help="build for the target triple")
    add("--locked", action="store_true", help="require Cargo.lock to be up to date")
    add("--frozen", action="store_true", help="require Cargo.lock and cache to be up to date")
    add("--offline", action="store_true", help="run without accessing the network")
    add(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a cargo configuration value",
    )
    add("-q", "--quiet", action="store_true", help="do not print cargo log messages")
    add("-v", "--verbose", action="count", default=0, help="use verbose output (-vv very verbose)")
    add("args", nargs="*", help="rustc flags, after --")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cratewright",
        description="Build Rust crates into Python wheels (maturin-compatible).",
    )
    parser.add_argument("-V", "--version", action="version", version=f"cratewright {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", aliases=["b"], help="build the crate into python wheels")
    _add_build_args(build)
    gui = sub.add_parser("gui", help="open the desktop app")
    gui.add_argument("path", nargs="?", type=Path, help="project to open")
    return parser


def _run_build(args: argparse.Namespace, sink: ConsoleSink) -> int:
    from cratewright.core.build_plan import BuildOptions, plan_build
    from cratewright.core.builder import build_wheels

    options = BuildOptions(
        manifest_path=args.manifest_path,
        interpreters=tuple(args.interpreter),
        find_interpreter=args.find_interpreter,
        bindings=args.bindings,
        release=args.release,
        profile=args.profile,
        out=args.out,
        compatibility=tuple(args.compatibility),
        auditwheel=args.auditwheel or ("skip" if args.skip_auditwheel else None),
        strip=None if args.strip is None else args.strip == "true",
        features=_split_features(args.features),
        all_features=args.all_features,
        no_default_features=args.no_default_features,
        target=args.target or os.environ.get("CARGO_BUILD_TARGET"),
        locked=args.locked,
        frozen=args.frozen,
        offline=args.offline,
        quiet=args.quiet,
        verbose=args.verbose,
        cargo_config=tuple(args.config),
        rustc_args=tuple(args.args),
    )
    plan = plan_build(options, sink=sink)
    for wheel in build_wheels(plan, sink=sink):
        print(wheel.path, flush=True)
    return 0


def _run_gui(args: argparse.Namespace) -> int:
    from cratewright.gui import main as gui_main

    return gui_main([] if args.path is None else [str(args.path)])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cratewright`` console script."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    sink = ConsoleSink(sys.stderr, quiet=getattr(args, "quiet", False))
    try:
        if args.command in ("build", "b"):
            return _run_build(args, sink)
        return _run_gui(args)
    except BuildCancelled as exc:
        sink(Message("warning", f"error: {exc}"))
        return 130
    except CratewrightError as exc:
        print(f"💥 error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; cargo was stopped and no wheel was written", file=sys.stderr)
        return 130

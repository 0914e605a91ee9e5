"""`cratewright gui [PATH]`: open the desktop app (needs the ``gui`` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 100


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.gui import main as gui_main

    argv = [] if args.path is None else [str(args.path)]
    if args.screenshot is not None:
        argv += ["--screenshot", str(args.screenshot)]
    if args.size:
        argv += ["--size", args.size]
    if args.theme:
        argv += ["--theme", args.theme]
    if args.build:
        argv.append("--build")
    return gui_main(argv)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("gui", help="open the desktop app")
    parser.add_argument("path", nargs="?", type=Path, help="project to open")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="DIR",
        help="render every page to DIR/<page>.png and exit (works headless); without PATH "
        "the welcome panel and the New Project wizard",
    )
    parser.add_argument(
        "--size", metavar="WxH", help="window size, e.g. 1024x700 (screenshots: 1280x800)"
    )
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        help="colour scheme (default: the system's)",
    )
    parser.add_argument(
        "--build", action="store_true", help="start a build as soon as the project is open"
    )
    parser.set_defaults(run=run)

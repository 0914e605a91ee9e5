"""`cratewright gui [PATH]`: open the desktop app (needs the ``gui`` extra)."""

from __future__ import annotations

import argparse

from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 100


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.gui import main as gui_main

    argv = [] if args.path is None else [str(args.path)]
    if args.screenshot is not None:
        argv += ["--screenshot", str(args.screenshot)]
    if args.size:
        argv += ["--size", "{}x{}".format(*args.size)]
    if args.theme != "system":
        argv += ["--theme", args.theme]
    if args.build:
        argv.append("--build")
    return gui_main(argv)


def register(sub: argparse._SubParsersAction) -> None:
    # the app's own options, from the module that parses them (it imports no Qt)
    from cratewright.gui.app import add_arguments

    parser = sub.add_parser("gui", help="open the desktop app")
    add_arguments(parser)
    parser.set_defaults(run=run)

"""`cratewright list-targets`: the host triple, installed Rust targets, and whether zig is there."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from cratewright.events import EventSink

if TYPE_CHECKING:
    from cratewright.core.build import TargetListing

__all__ = ["ORDER", "register"]

ORDER = 61


def _zig_line(listing: TargetListing) -> str:
    zig = listing.zig
    if zig is None:
        return f"zig:  not available ({listing.zig_problem}); --zig builds need it"
    return f"zig:  {zig.version} from the {zig.source} ({zig.executable}); --zig builds work"


def _text(listing: TargetListing, show_all: bool) -> str:
    lines = [f"host: {listing.host}", _zig_line(listing)]
    source = "rustup" if listing.rustup else "no rustup: only the host is known to be installed"
    lines.append(f"installed targets ({source}):")
    for target in listing.installed:
        notes = [n for n, on in (("host", target.host), ("no wheels", not target.buildable)) if on]
        suffix = f" ({', '.join(notes)})" if notes else ""
        lines.append(f" - {target.triple}{suffix}")
    others = [t for t in listing.targets if not t.installed]
    if show_all:
        lines.append(f"{len(others)} more targets known to rustc (`rustup target add <triple>`):")
        lines += [f" - {t.triple}" for t in others]
    else:
        lines.append(
            f"{len(others)} more targets known to rustc; `rustup target add <triple>` installs "
            "one (--all lists them)"
        )
    return "\n".join(lines)


def _json(listing: TargetListing) -> str:
    zig = listing.zig
    payload = {
        "host": listing.host,
        "rustup": listing.rustup,
        "zig": None
        if zig is None
        else {"executable": str(zig.executable), "version": zig.version, "source": zig.source},
        "zig_problem": listing.zig_problem,
        "targets": [
            {
                "triple": t.triple,
                "host": t.host,
                "installed": t.installed,
                "buildable": t.buildable,
            }
            for t in listing.targets
        ],
    }
    return json.dumps(payload, indent=2)


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.build import list_targets

    listing = list_targets()
    print(_json(listing) if args.json else _text(listing, args.all), flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "list-targets", help="list the Rust targets (installed first) and whether zig is available"
    )
    parser.add_argument("--json", action="store_true", help="print the listing as JSON")
    parser.add_argument("--all", action="store_true", help="also list targets not installed")
    parser.set_defaults(run=run)

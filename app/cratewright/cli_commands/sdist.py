"""`cratewright sdist`: build only the source distribution, as ``maturin sdist`` does."""

from __future__ import annotations

import argparse
from pathlib import Path

from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 20


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.sdist import build_sdist, default_out_dir, sdist_contents

    if args.list:
        contents = sdist_contents(args.manifest_path, sink=sink)
        for entry in contents.entries:
            detail = f" ({entry.detail})" if entry.detail else ""
            print(f"{contents.root_dir}/{entry.archive_path}\t{entry.reason}{detail}", flush=True)
        for excluded in contents.excluded:
            print(f"# excluded {excluded.archive_path}\t{excluded.pattern}", flush=True)
        return 0
    out = args.out if args.out is not None else default_out_dir(args.manifest_path)
    path = build_sdist(args.manifest_path, out, sink=sink, locked=args.locked)
    print(path, flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sdist", help="build only a source distribution (.tar.gz)")
    add = parser.add_argument
    add("-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory")
    add("-o", "--out", type=Path, help="output directory (default: <target dir>/wheels)")
    add("--locked", action="store_true", help="fail when Cargo.lock is missing")
    add(
        "--list",
        action="store_true",
        help="print the files the sdist would contain and why, without writing it",
    )
    add("-q", "--quiet", action="store_true", help="print only warnings and the sdist path")
    parser.set_defaults(run=run)

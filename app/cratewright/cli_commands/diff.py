"""`cratewright diff A B`: what changed between two wheels or two sdists.

Each side is a local file or ``name==version`` fetched from an index (``--index-url``, the
main one by default); ``--kind``/``--tag`` pick which file of that version. Text by default,
``--json`` for scripts. The exit code is 0 either way: a difference is not an error.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from cratewright.errors import PublishError
from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 42


def _resolve(spec: str, args: argparse.Namespace, folder: Path) -> Path:
    """A local file as is; ``name==version`` downloaded from the index."""
    path = Path(spec)
    if path.exists() or "==" not in spec:
        if not path.is_file():
            raise PublishError(f"{spec} is not a file (give a wheel, an sdist or name==version)")
        return path
    from cratewright.core.release import download_file, read_project

    name, _, version = spec.partition("==")
    listed = read_project(args.index_url, name.strip()).files_of(version.strip())
    if args.kind == "sdist":
        candidates = [f for f in listed if f.filename.endswith(".tar.gz")]
    else:
        candidates = [f for f in listed if f.filename.endswith(".whl")]
        if args.tag:
            candidates = [f for f in candidates if f.filename[: -len(".whl")].endswith(args.tag)]
    if not candidates:
        what = (
            "sdist"
            if args.kind == "sdist"
            else f"wheel{f' with tag {args.tag}' if args.tag else ''}"
        )
        raise PublishError(
            f"{args.index_url} lists no {what} of {spec}",
            hint="check the name and version, or pass --kind / --tag / --index-url",
        )
    return download_file(candidates[0], folder)


def run_diff(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.release import diff_files

    del sink
    with tempfile.TemporaryDirectory(prefix="cratewright-diff-") as scratch:
        old = _resolve(args.old, args, Path(scratch) / "old")
        new = _resolve(args.new, args, Path(scratch) / "new")
        diff = diff_files(old, new)
        if args.json:
            print(json.dumps(diff.to_json(), indent=2))
        else:
            print("\n".join(diff.lines()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("diff", help="compare two wheels or sdists (files or name==version)")
    add = parser.add_argument
    add("old", help="the older wheel/sdist: a file, or name==version from the index")
    add("new", help="the newer wheel/sdist: a file, or name==version from the index")
    add("--index-url", default="https://pypi.org/simple/", help="simple index for name==version")
    add("--kind", choices=["wheel", "sdist"], default="wheel", help="which file of a version")
    add("--tag", help="wheel tag to pick for name==version, e.g. cp312-cp312-manylinux_2_17_x86_64")
    add("--json", action="store_true", help="print the differences as JSON")
    parser.set_defaults(run=run_diff)

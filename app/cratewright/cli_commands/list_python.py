"""`cratewright list-python`: every Python on this machine, probed, with what it can build.

maturin's ``list-python`` lists the ``python3.X`` names on PATH that answer. This one lists
every interpreter the discovery finds (PATH, pyenv, venvs, conda, uv, /usr/bin), with its
ABI tag, venv/pip/cffi facts and where it was found; broken ones with their error. With
``-m`` it also says whether each can build that project, and why not.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cratewright.events import EventSink, Message

if TYPE_CHECKING:
    from cratewright.core.interpreters import FoundInterpreter, InterpreterListing, Usability

__all__ = ["ORDER", "register"]

ORDER = 60

_COLUMNS = ("KIND", "VERSION", "ABI TAG", "VENV", "PIP", "CFFI", "PATH", "FOUND IN")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _row(found: FoundInterpreter) -> list[str]:
    info = found.info
    assert info is not None
    return [
        info.kind_display,
        found.version or info.version_display,
        info.abi_tag,
        _yes(info.is_venv),
        _yes(info.has_pip),
        _yes(info.has_cffi),
        str(found.path),
        ", ".join(found.sources),
    ]


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _usability_text(verdict: Usability) -> str:
    mark = {"usable": "✓", "unusable": "✗", "not-needed": "–"}[verdict.status]
    return f"{mark} {verdict.reason}".rstrip()


def _text(listing: InterpreterListing, verdicts: dict[Path, Usability] | None) -> str:
    working = listing.working
    broken = [f for f in listing.interpreters if not f.ok]
    noun = "interpreter" if len(working) == 1 else "interpreters"
    lines = [f"🐍 {len(working)} python {noun} found:"]
    if working:
        header = list(_COLUMNS) + (["USABLE FOR THIS PROJECT"] if verdicts is not None else [])
        rows = [header]
        for found in working:
            row = _row(found)
            if verdicts is not None:
                row.append(_usability_text(verdicts[found.path]))
            rows.append(row)
        table = _table(rows)
        lines.append("   " + table[0])
        lines += [" - " + line for line in table[1:]]
    if broken:
        lines.append(f"💥 {len(broken)} could not be used:")
        for found in broken:
            what = f"{found.kind} {found.version} at " if found.version else ""
            lines.append(f" - {what}{found.path}: {found.error}")
    return "\n".join(lines)


def _json(listing: InterpreterListing, verdicts: dict[Path, Usability] | None) -> str:
    items: list[dict[str, Any]] = []
    for found in listing.interpreters:
        info = found.info
        item: dict[str, Any] = {
            "path": str(found.path),
            "kind": found.kind,
            "version": found.version,
            "sources": list(found.sources),
            "aliases": [str(a) for a in found.aliases],
            "is_venv": found.is_venv,
            "error": found.error,
            "hint": found.hint,
        }
        if info is not None:
            item.update(
                implementation=info.implementation,
                major=info.major,
                minor=info.minor,
                abiflags=info.abiflags,
                python_tag=info.python_tag,
                abi_tag=info.abi_tag,
                ext_suffix=info.ext_suffix,
                soabi=info.soabi,
                platform=info.platform,
                pointer_width=info.pointer_width,
                gil_disabled=info.gil_disabled,
                has_pip=info.has_pip,
                has_cffi=info.has_cffi,
                executable=str(info.executable),
                base_executable=str(info.base_executable) if info.base_executable else None,
                supports_abi3=info.supports_abi3,
            )
        if verdicts is not None:
            verdict = verdicts[found.path]
            item.update(usable=verdict.usable, status=verdict.status, reason=verdict.reason)
        items.append(item)
    skipped = [
        {"name": s.name, "path": str(s.path), "reason": s.reason, "hint": s.hint}
        for s in listing.skipped
    ]
    payload = {"interpreters": items, "skipped": skipped, "probed": listing.probed}
    return json.dumps(payload, indent=2)


def _warn_skipped(listing: InterpreterListing, sink: EventSink) -> None:
    """maturin's warnings for PATH names that lead nowhere (pyenv shims of inactive versions)."""
    for skipped in listing.skipped:
        if skipped.reason.startswith("pyenv: "):
            text = f"skipped unavailable python interpreter '{skipped.name}' from pyenv"
        else:
            text = f"skipped python interpreter '{skipped.name}': {skipped.reason}"
        sink(Message("warning", f"⚠️  Warning: {text}"))


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.interpreters import ProjectNeeds, assess_interpreter, list_interpreters

    overview = None
    if args.manifest_path is not None:
        from cratewright.core.metadata import load_overview

        overview = load_overview(args.manifest_path)
    listing = list_interpreters(
        project_dir=overview.root if overview is not None else None,
        extra=args.add,
        timeout=args.timeout,
        use_cache=not args.no_cache,
    )
    verdicts = None
    if overview is not None:
        needs = ProjectNeeds.of(overview)
        verdicts = {
            f.path: assess_interpreter(f.info, needs, error=f.error) for f in listing.interpreters
        }
    if args.json:
        print(_json(listing, verdicts), flush=True)
        return 0
    _warn_skipped(listing, sink)
    print(_text(listing, verdicts), flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "list-python", help="list every python interpreter on this machine and what it can build"
    )
    parser.add_argument("--json", action="store_true", help="print the listing as JSON")
    parser.add_argument(
        "-m",
        "--manifest-path",
        type=Path,
        help="also say whether each interpreter can build this project (dir, Cargo.toml or "
        "pyproject.toml)",
    )
    parser.add_argument(
        "--add",
        action="append",
        default=[],
        type=Path,
        metavar="PYTHON",
        help="also probe this interpreter (repeatable)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="probe every interpreter again, ignoring the cache"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds each interpreter may take to answer"
    )
    parser.set_defaults(run=run)

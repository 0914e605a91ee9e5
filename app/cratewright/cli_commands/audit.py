"""`cratewright audit PATH... [--json]` and `cratewright repair WHEEL -o DIR [--plat TAG]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cratewright.errors import CratewrightError
from cratewright.events import EventSink, Message

if TYPE_CHECKING:
    from cratewright.core.audit import AuditReport

__all__ = ["ORDER", "format_report", "register"]

ORDER = 40

_KIND_MARK = {
    "system": "system",
    "bundled": "bundled",
    "external": "EXTERNAL",
    "missing": "NOT FOUND",
    "libpython": "libpython",
}


def format_report(report: AuditReport) -> str:
    """The human-readable audit of one input."""
    lines = [f"📦 {report.path}"]
    if report.policy == "none":
        lines.append("   no native files: a pure-Python wheel (platform tag: any)")
        return "\n".join(lines)
    lines.append(f"   verdict: {report.policy}  (platform tag {report.tag})")
    lines.append(f"   arch {report.arch}, libc {report.libc or 'unknown'}")
    rung = report.rung(report.repair_policy) if report.repair_policy else None
    if rung is not None:
        count = len(rung.external)
        lines.append(
            f"   repair would bundle {count} librar{'y' if count == 1 else 'ies'} and reach "
            f"{rung.name}: run `cratewright repair {report.path} -o DIR`"
        )
    if report.external_libraries:
        lines.append("   external libraries:")
        for soname, path in sorted(report.external_libraries.items()):
            lines.append(f"     {soname} => {path or 'not found'}")
    lines.append("   native files:")
    for elf in report.elfs:
        role = "extension" if elf.is_extension else "library"
        lines.append(f"     {elf.path} ({role})")
        for soname, path in elf.resolved.items():
            node = report.libraries.get(soname)
            kind = _KIND_MARK[node.kind] if node else "?"
            lines.append(f"       {soname} => {path or 'not found'} [{kind}]")
    if report.blocking:
        lines.append("   more portable policies and what blocks them:")
        for name, reasons in report.blocking.items():
            lines.append(f"     {name}:")
            lines.extend(f"       - {_clip(reason)}" for reason in reasons)
    for warning in report.warnings:
        lines.append(f"   ⚠️  warning: {warning}")
    for error in report.errors:
        lines.append(f"   💥 error: {error}")
    return "\n".join(lines)


def _clip(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _run_audit(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.audit import audit_path

    results: list[dict[str, Any]] = []
    failed = False
    for raw in args.paths:
        try:
            report = audit_path(raw)
        except CratewrightError as exc:
            failed = True
            if args.json:
                results.append({"path": str(raw), "error": str(exc)})
            else:
                print(f"💥 error: {exc}", file=sys.stderr)
            continue
        failed = failed or bool(report.errors)
        if args.json:
            results.append(report.to_json())
        else:
            print(format_report(report), flush=True)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 1 if failed else 0


def _run_repair(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.audit import repair_wheel

    result = repair_wheel(args.wheel, args.out, plat=args.plat, sink=sink)
    if not result.plan.grafts:
        sink(Message("info", "📦 No external libraries to bundle; the wheel was retagged only"))
    print(result.path, flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser(
        "audit",
        help="show why wheels (or directories / .so files) are or are not manylinux",
    )
    audit.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="wheel, dir or ELF")
    audit.add_argument("--json", action="store_true", help="print one JSON list of reports")
    audit.set_defaults(run=_run_audit)

    repair = sub.add_parser(
        "repair", help="bundle a wheel's external shared libraries and retag it"
    )
    repair.add_argument("wheel", type=Path, metavar="WHEEL", help="the wheel to repair")
    repair.add_argument(
        "-o", "--out", "-w", "--wheel-dir", type=Path, required=True, dest="out",
        metavar="DIR", help="directory for the repaired wheel",
    )  # fmt: skip
    repair.add_argument(
        "--plat",
        metavar="TAG",
        help="target policy, e.g. manylinux_2_28 or manylinux2014 (default: the best possible)",
    )
    repair.set_defaults(run=_run_repair)

"""The Audit page's job: the report of one wheel, and the repair preview when repair would help.

No widgets here: the worker runs :func:`audit_with_plan`; the page shows what it returns.
"""

from __future__ import annotations

from pathlib import Path

from cratewright.core.audit import AuditReport, RepairPlan, audit_path, plan_repair
from cratewright.errors import CratewrightError
from cratewright.events import CancelToken, EventSink

__all__ = ["audit_with_plan"]


def audit_with_plan(
    path: Path, sink: EventSink, cancel: CancelToken
) -> tuple[AuditReport, RepairPlan | None, str | None]:
    """The worker's job: the report, and the repair preview when repair would help."""
    report = audit_path(path, sink=sink, cancel=cancel)
    if not report.needs_repair:
        return report, None, None
    try:
        return report, plan_repair(report), None
    except CratewrightError as exc:
        return report, None, str(exc)

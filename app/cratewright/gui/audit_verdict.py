"""What the Audit page's verdict line says for a report: the badge and the summary.

Pure functions of an :class:`~cratewright.core.audit.AuditReport` (no widgets), so the page
only places them and the wording can be read (and tested) in one place.
"""

from __future__ import annotations

from pathlib import Path

from cratewright.core.audit import AuditReport

__all__ = ["badge_for", "shorten", "summary_for"]


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary with "…" when longer than ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def badge_for(report: AuditReport) -> tuple[str, str]:
    """The badge's word and colour: the verdict at a glance."""
    if report.errors:
        return "broken", "#d64545"
    if report.policy == "none":
        return "pure Python", "#3b82c4"
    if report.policy == "linux":
        return ("linux — needs repair", "#d9822b") if report.needs_repair else (
            "linux — not portable", "#d64545")  # fmt: skip
    return report.policy, "#3fa34d"


def summary_for(report: AuditReport) -> str:
    """The lines beside the badge: the tag, what blocks a better one, errors, warnings."""
    if report.policy == "none":
        return f"{Path(report.path).name} has no native files: it installs everywhere."
    count = len(report.elfs)
    lines = [
        f"Platform tag {report.tag} ({report.arch}, {report.libc or 'libc unknown'}), "
        f"{count} native file{'s' if count != 1 else ''}."
    ]
    if report.external_libraries:
        lines.append(
            "Needs libraries no policy allows: " + ", ".join(sorted(report.external_libraries))
        )
    if report.repair_policy:
        lines.append(f"Repair (bundling them) would make it {report.repair_policy}.")
    better = next(reversed(report.blocking), None)  # the rung just above the verdict
    if better and not report.repair_policy:
        reasons = report.blocking[better]
        lines.append(f"Not {better}: {shorten(reasons[0], 160)}")
    lines.extend(f"Error: {e}" for e in report.errors)
    lines.extend(f"Warning: {w}" for w in report.warnings)
    return "\n".join(lines)

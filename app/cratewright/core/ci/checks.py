"""Check a generated CI file with the tools of the ``ci`` extra, when they are installed.

``check-jsonschema`` validates against the GitHub workflow / GitLab CI schemas it vendors
(offline), and ``zizmor --offline`` audits a GitHub workflow for security problems. Both are
optional: a missing tool gives a report saying so, never an error, so the Release page works
without the extra and shows what it could not check.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BLOCKING_SEVERITIES", "Finding", "ToolReport", "audit_workflow", "check_schema",
           "validate"]  # fmt: skip

BLOCKING_SEVERITIES = ("Medium", "High")
_SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}
_TIMEOUT = 120


@dataclass(frozen=True)
class Finding:
    """One problem a tool reported: its rule, severity and where."""

    ident: str
    severity: str
    message: str
    where: str = ""

    @property
    def blocking(self) -> bool:
        """Medium or high: the generated file must have none of these."""
        return self.severity in BLOCKING_SEVERITIES


@dataclass(frozen=True)
class ToolReport:
    """What one tool said about one file; ``available`` is False when it is not installed."""

    tool: str
    available: bool
    ok: bool
    findings: tuple[Finding, ...] = field(default=())
    detail: str = ""

    @property
    def summary(self) -> str:
        """One line for the CLI or the Release page."""
        if not self.available:
            return f"{self.tool}: not installed (pip install 'cratewright[ci]')"
        if self.ok and not self.findings:
            return f"{self.tool}: ok"
        if self.ok:
            return f"{self.tool}: ok ({len(self.findings)} low/informational finding(s))"
        return f"{self.tool}: {self.detail or f'{len(self.findings)} finding(s)'}"


def _tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def _run(argv: list[str]) -> subprocess.CompletedProcess[str] | str:
    try:
        return subprocess.run(
            argv, capture_output=True, text=True, errors="replace", stdin=subprocess.DEVNULL,
            timeout=_TIMEOUT, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not run: {exc}"


def _with_file(text: str, provider: str, check: Callable[[Path], ToolReport]) -> ToolReport:
    """Run ``check(path)`` on ``text`` saved where the tool expects such a file."""
    with tempfile.TemporaryDirectory(prefix="cratewright-ci-") as tmp:
        if provider == "github":
            path = Path(tmp) / ".github" / "workflows" / "CI.yml"
        else:
            path = Path(tmp) / ".gitlab-ci.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return check(path)


def check_schema(text: str, provider: str) -> ToolReport:
    """Validate against the provider's JSON schema (``check-jsonschema --builtin-schema``)."""
    exe = _tool("check-jsonschema")
    if exe is None:
        return ToolReport("check-jsonschema", available=False, ok=True)

    def check(path: Path) -> ToolReport:
        proc = _run([exe, "--builtin-schema", _SCHEMAS[provider], "-o", "text", str(path)])
        if isinstance(proc, str):
            return ToolReport("check-jsonschema", True, False, detail=proc)
        if proc.returncode == 0:
            return ToolReport("check-jsonschema", True, True, detail="schema ok")
        lines = [line.strip() for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
        findings = tuple(Finding("schema", "High", line) for line in lines if "--" not in line[:2])
        return ToolReport(
            "check-jsonschema",
            True,
            False,
            findings or (Finding("schema", "High", "\n".join(lines[-5:])),),
            detail="does not match the schema",
        )

    return _with_file(text, provider, check)


def _zizmor_findings(raw: str) -> tuple[Finding, ...]:
    findings = []
    for item in json.loads(raw or "[]"):
        severity = item.get("determinations", {}).get("severity", "Unknown")
        where = ""
        locations = item.get("locations") or []
        if locations:
            route = locations[0].get("symbolic", {}).get("route", {}).get("route", [])
            where = ".".join(str(next(iter(part.values()))) for part in route)
        findings.append(Finding(item.get("ident", "?"), severity, item.get("desc", ""), where))
    return tuple(findings)


def audit_workflow(text: str) -> ToolReport:
    """zizmor's offline audit of a GitHub workflow; ok when nothing is medium or above."""
    exe = _tool("zizmor")
    if exe is None:
        return ToolReport("zizmor", available=False, ok=True)

    def check(path: Path) -> ToolReport:
        proc = _run([exe, "--offline", "--no-progress", "--format", "json", str(path)])
        if isinstance(proc, str):
            return ToolReport("zizmor", True, False, detail=proc)
        try:
            findings = _zizmor_findings(proc.stdout)
        except (json.JSONDecodeError, AttributeError, TypeError):
            return ToolReport("zizmor", True, False, detail=proc.stderr.strip()[-300:])
        blocking = [f for f in findings if f.blocking]
        detail = f"{len(blocking)} finding(s) at medium or above" if blocking else ""
        return ToolReport("zizmor", True, not blocking, findings, detail)

    return _with_file(text, "github", check)


def validate(text: str, provider: str) -> list[ToolReport]:
    """Every check that applies to this provider's file (zizmor audits GitHub only)."""
    reports = [check_schema(text, provider)]
    if provider == "github":
        reports.append(audit_workflow(text))
    return reports

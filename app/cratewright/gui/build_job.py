"""The Build page's job: exactly ``cratewright build`` (``--sdist`` when asked), run in a worker.

No widgets here: the worker calls :func:`run_build` with the options the form gives, and the page
shows what it returns (:class:`BuildOutcome`) and the events it sends on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cratewright.core.build import BuildOptions, build_wheels, plan_build
from cratewright.events import (
    CancelToken,
    EventSink,
)
from cratewright.gui.state import AppState

__all__ = ["BuildOutcome", "options_summary", "run_build"]


@dataclass(frozen=True)
class BuildOutcome:
    """What one GUI build produced."""

    wheels: tuple[Path, ...]
    sdist: Path | None


def run_build(
    options: BuildOptions, *, sdist: bool, sink: EventSink, cancel: CancelToken
) -> BuildOutcome:
    """The worker's job: exactly ``cratewright build`` (``build --sdist`` when asked)."""
    if sdist:
        from cratewright.core.sdist import build_sdist_and_wheels

        built = build_sdist_and_wheels(options, sink=sink, cancel=cancel)
        return BuildOutcome(tuple(wheel.path for wheel in built.wheels), built.sdist)
    plan = plan_build(options, sink=sink)
    wheels = build_wheels(plan, sink=sink, cancel=cancel)
    return BuildOutcome(tuple(wheel.path for wheel in wheels), None)


def options_summary(values: dict[str, Any], state: AppState) -> str:
    parts = [values.get("profile") or "release"]
    if values.get("features"):
        parts.append(f"features {values['features']}")
    if values.get("all_features"):
        parts.append("all features")
    parts.append(values.get("compatibility") or "auto compatibility")
    parts.append(f"audit {values.get('auditwheel', 'repair')}")
    if state.interpreters:
        parts.append(", ".join(path.name for path in state.interpreters))
    if state.target:
        parts.append(state.target + (" (zig)" if state.zig else ""))
    if values.get("sdist"):
        parts.append("+ sdist")
    return " · ".join(parts)

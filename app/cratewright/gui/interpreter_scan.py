"""What one background refresh of the Interpreters & Targets page learns, and where from.

Runs in the worker: the interpreter listing (with the ones added by hand, kept in QSettings),
the default interpreter and the Rust targets, each failure kept as a sentence to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from cratewright.core.build import TargetListing, list_targets
from cratewright.core.interpreters import (
    InterpreterInfo,
    InterpreterListing,
    default_interpreter,
    list_interpreters,
)
from cratewright.errors import CratewrightError

__all__ = ["EXTRA_KEY", "_Scan", "_scan", "_stored_paths"]

#: QSettings key of the interpreters the user added by hand (a list of paths).
EXTRA_KEY = "interpreters/extra"


@dataclass(frozen=True)
class _Scan:
    """What one background refresh learned."""

    listing: InterpreterListing
    default: InterpreterInfo | None
    default_error: str | None
    targets: TargetListing | None
    targets_error: str | None


def _scan(project_dir: Path | None, extra: list[str], pyo3: bool) -> _Scan:
    """Runs in the worker: list interpreters, the default one and the targets."""
    listing = list_interpreters(project_dir=project_dir, extra=extra)
    default: InterpreterInfo | None = None
    default_error: str | None = None
    try:
        default = default_interpreter(pyo3=pyo3)
    except CratewrightError as exc:
        default_error = str(exc)
    targets: TargetListing | None = None
    targets_error: str | None = None
    try:
        targets = list_targets()
    except CratewrightError as exc:
        targets_error = str(exc)
    return _Scan(listing, default, default_error, targets, targets_error)


def _stored_paths(settings: QSettings) -> list[str]:
    raw = settings.value(EXTRA_KEY, [])
    values = [raw] if isinstance(raw, str) else list(raw or [])
    return [str(v) for v in values if v]

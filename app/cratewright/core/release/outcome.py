"""The result every release step returns: a state, a sentence, and what to do when it failed.

One shape for all steps lets the CLI print them and the GUI tick them off the same way, and
makes "stop at the first failure" a loop over states instead of a tree of exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["BUMP_PARTS", "STEP_NAMES", "BumpPart", "StepName", "StepResult", "StepState"]

BumpPart = Literal["patch", "minor", "major", "pre"]
BUMP_PARTS: tuple[BumpPart, ...] = ("patch", "minor", "major", "pre")

StepName = Literal["version", "build", "check", "rehearse", "promote", "compare"]
StepState = Literal["pending", "running", "passed", "warning", "failed", "skipped"]

STEP_NAMES: tuple[StepName, ...] = ("version", "build", "check", "compare", "rehearse", "promote")


@dataclass(frozen=True)
class StepResult:
    """What one step found.

    Attributes:
        step: which step this is.
        state: passed, warning (passed, but look), failed (stop here) or skipped.
        message: one sentence for the user.
        fix: what to do about a failure (None when nothing needs doing).
        details: further lines (one per file or per check), shown under the message.
    """

    step: StepName
    state: StepState
    message: str
    fix: str | None = None
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when the release may go on to the next step."""
        return self.state in ("passed", "warning", "skipped")

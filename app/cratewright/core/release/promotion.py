"""Promotion: the very files that were checked and rehearsed go to the main index.

Nothing is built here. The recorded SHA-256 of every file is compared with the bytes on disk
before the upload and with what the main index lists after it, and the user confirms a plan
that names the project, the version and each file with its hash. A front that cannot ask
(``--yes``) confirms explicitly; without a yes nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cratewright.core.publish import CredentialPrompt, Repository, publish_files
from cratewright.core.release.artifacts import ReleaseFiles
from cratewright.core.release.index_pages import read_project
from cratewright.core.release.outcome import StepResult
from cratewright.errors import CratewrightError
from cratewright.events import EventSink, null_sink

__all__ = ["PromotionPlan", "promote_release"]


@dataclass(frozen=True)
class PromotionPlan:
    """What the confirmation shows: where to, which project and version, which bytes."""

    repository: Repository
    files: ReleaseFiles

    def lines(self) -> list[str]:
        """One line per file: name, size and full SHA-256."""
        return [f"{f.path.name}  {f.size} bytes  sha256 {f.sha256}" for f in self.files.files]

    @property
    def question(self) -> str:
        """The confirmation question."""
        return (
            f"Upload {self.files.name} {self.files.version} ({len(self.files.files)} file(s)) "
            f"to {self.repository.label} ({self.repository.upload_url})? This cannot be undone."
        )


def promote_release(
    files: ReleaseFiles,
    repository: Repository,
    confirm: Callable[[PromotionPlan], bool],
    *,
    prompt: CredentialPrompt | None = None,
    allow_insecure_http: bool = False,
    sink: EventSink = null_sink,
) -> StepResult:
    """Upload the recorded files to the main index after ``confirm`` said yes; verify hashes."""
    plan = PromotionPlan(repository, files)
    try:
        files.verify_unchanged()
    except CratewrightError as exc:
        return StepResult("promote", "failed", exc.message, exc.hint)
    if not confirm(plan):
        return StepResult(
            "promote",
            "skipped",
            "Promotion was not confirmed; nothing was uploaded",
            None,
            tuple(plan.lines()),
        )
    try:
        publish_files(
            files.paths,
            repository,
            prompt=prompt,
            non_interactive=prompt is None,
            allow_insecure_http=allow_insecure_http,
            sink=sink,
        )
        listed = read_project(repository.simple_url, files.name).files_of(files.version)
    except CratewrightError as exc:
        return StepResult(
            "promote",
            "failed",
            f"Upload to {repository.label} failed: {exc.message}",
            exc.hint or "check the main index and its credential (`cratewright credentials set`)",
            tuple(plan.lines()),
        )
    served = {f.filename: f.sha256 for f in listed}
    mismatched = [
        f.path.name
        for f in files.files
        if served.get(f.path.name) is not None and served[f.path.name] != f.sha256
    ]
    missing = [f.path.name for f in files.files if f.path.name not in served]
    if mismatched or missing:
        what = mismatched[0] if mismatched else missing[0]
        why = "lists another sha256 for" if mismatched else "does not list"
        return StepResult(
            "promote",
            "failed",
            f"{repository.label} {why} {what} after the upload",
            "look at the project on the index before anything else",
            tuple(plan.lines()),
        )
    return StepResult(
        "promote",
        "passed",
        f"{files.name} {files.version} is on {repository.label}: {len(files.files)} file(s), "
        "the same sha256 as rehearsed",
        None,
        tuple(plan.lines()),
    )

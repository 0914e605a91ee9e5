"""Compare a release with the one before it, as the main index has it.

The previous version is the highest one below this release on the index. Its wheel with the
same tag as ours (the first wheel's, else any) and its sdist are downloaded and compared with
:mod:`dist_diff`, so a dropped file or dependency shows before anybody installs it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from packaging.version import Version

from cratewright.core.release.artifacts import ReleaseFiles
from cratewright.core.release.dist_diff import DistDiff, diff_files
from cratewright.core.release.index_pages import IndexFile, download_file, read_project
from cratewright.core.release.outcome import StepResult
from cratewright.errors import CratewrightError

__all__ = ["compare_with_last_release", "previous_version"]


def previous_version(versions: list[str], current: str) -> str | None:
    """The highest version below ``current``."""
    below = [v for v in versions if Version(v) < Version(current)]
    return max(below, key=Version) if below else None


def _tag(filename: str) -> str:
    return "-".join(filename[: -len(".whl")].split("-")[-3:])


def _pick_wheel(listed: list[IndexFile], tag: str) -> IndexFile | None:
    wheels = [f for f in listed if f.filename.endswith(".whl")]
    same = [f for f in wheels if _tag(f.filename) == tag]
    return (same or wheels or [None])[0]


def compare_with_last_release(
    files: ReleaseFiles, index_url: str
) -> tuple[StepResult, list[DistDiff]]:
    """Diff our first wheel and our sdist against the previous version's on ``index_url``."""
    try:
        project = read_project(index_url, files.name)
        before = previous_version(project.versions(), files.version)
        if before is None:
            return StepResult(
                "compare",
                "skipped",
                f"{files.name} has no earlier version on the index to compare with",
            ), []
        listed = project.files_of(before)
        diffs: list[DistDiff] = []
        with tempfile.TemporaryDirectory(prefix="cratewright-compare-") as scratch:
            ours = files.wheels[0] if files.wheels else None
            if ours is not None:
                theirs = _pick_wheel(listed, _tag(ours.path.name))
                if theirs is not None:
                    diffs.append(diff_files(download_file(theirs, Path(scratch)), ours.path))
            sdist = files.sdist
            old_sdist = next((f for f in listed if f.filename.endswith(".tar.gz")), None)
            if sdist is not None and old_sdist is not None:
                diffs.append(diff_files(download_file(old_sdist, Path(scratch)), sdist.path))
    except CratewrightError as exc:
        return StepResult(
            "compare",
            "failed",
            f"Comparing with the last release failed: {exc.message}",
            exc.hint or "check the index URL",
        ), []
    lines = tuple(line for diff in diffs for line in diff.lines())
    removed = sum(len(d.removed) for d in diffs)
    lost = [c for d in diffs for c in d.fields if c.removed and c.field == "Requires-Dist"]
    state = "warning" if removed or lost else "passed"
    summary = f"compared with {before}: " + ", ".join(
        f"{d.new.name}: +{len(d.added)} -{len(d.removed)} files, {len(d.fields)} field(s) changed"
        for d in diffs
    )
    fix = (
        "check that the removed files or dependencies were meant to go"
        if state == "warning"
        else None
    )
    return StepResult("compare", state, summary or f"compared with {before}", fix, lines), diffs

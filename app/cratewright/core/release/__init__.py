"""The release path above publishing: version, build, check, compare, rehearse, promote.

It sits on top of ``core.publish`` (upload, credentials, pre-flight checks), ``core.sdist``
(wheels built from the sdist) and ``core.metadata`` (the version bump), and adds what a
release needs beyond an upload: an index that already has the version, PyPI's rules checked
before anything is sent, a rehearsal install from a second index, promotion of the very same
bytes, and a diff against the last release.

The names are loaded on first use (``core.exports``), so ``cratewright --help`` does not
import the release machinery.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "BUMP_PARTS": "outcome",
    "BumpPart": "outcome",
    "CheckVerdict": "release_checks",
    "DistDiff": "dist_diff",
    "IndexProject": "index_pages",
    "ProjectVersion": "version_bump",
    "PromotionPlan": "promotion",
    "ReleaseConfig": "steps",
    "ReleaseFile": "artifacts",
    "ReleaseFiles": "artifacts",
    "ReleaseRun": "steps",
    "STEP_NAMES": "outcome",
    "StepName": "outcome",
    "StepResult": "outcome",
    "StepState": "outcome",
    "bump_version": "version_bump",
    "check_release": "release_checks",
    "default_smoke_command": "smoke",
    "diff_files": "dist_diff",
    "download_file": "index_pages",
    "load_smoke_command": "smoke",
    "next_version": "version_bump",
    "project_version": "version_bump",
    "read_contents": "dist_diff",
    "read_manifest": "artifacts",
    "read_project": "index_pages",
    "run_release": "steps",
    "run_step": "steps",
    "save_smoke_command": "smoke",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

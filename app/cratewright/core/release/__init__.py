"""The release path above publishing: version, build, check, compare, rehearse, promote.

It sits on top of ``core.publish`` (upload, credentials, pre-flight checks), ``core.sdist``
(wheels built from the sdist) and ``core.metadata`` (the version bump), and adds what a
release needs beyond an upload: an index that already has the version, PyPI's rules checked
before anything is sent, a rehearsal install from a second index, promotion of the very same
bytes, and a diff against the last release.

The names are loaded on first use (PEP 562), so ``cratewright --help`` does not import the
release machinery.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "BUMP_PARTS": "cratewright.core.release.outcome",
    "BumpPart": "cratewright.core.release.outcome",
    "CheckVerdict": "cratewright.core.release.release_checks",
    "DistDiff": "cratewright.core.release.dist_diff",
    "IndexProject": "cratewright.core.release.index_pages",
    "ProjectVersion": "cratewright.core.release.version_bump",
    "PromotionPlan": "cratewright.core.release.promotion",
    "ReleaseConfig": "cratewright.core.release.steps",
    "ReleaseFile": "cratewright.core.release.artifacts",
    "ReleaseFiles": "cratewright.core.release.artifacts",
    "ReleaseRun": "cratewright.core.release.steps",
    "STEP_NAMES": "cratewright.core.release.outcome",
    "StepName": "cratewright.core.release.outcome",
    "StepResult": "cratewright.core.release.outcome",
    "StepState": "cratewright.core.release.outcome",
    "bump_version": "cratewright.core.release.version_bump",
    "check_release": "cratewright.core.release.release_checks",
    "diff_files": "cratewright.core.release.dist_diff",
    "download_file": "cratewright.core.release.index_pages",
    "load_smoke_command": "cratewright.core.release.smoke",
    "next_version": "cratewright.core.release.version_bump",
    "project_version": "cratewright.core.release.version_bump",
    "read_contents": "cratewright.core.release.dist_diff",
    "read_manifest": "cratewright.core.release.artifacts",
    "read_project": "cratewright.core.release.index_pages",
    "run_release": "cratewright.core.release.steps",
    "run_step": "cratewright.core.release.steps",
    "save_smoke_command": "cratewright.core.release.smoke",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` when it is first asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

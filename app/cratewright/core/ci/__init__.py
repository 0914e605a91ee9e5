"""Release pipelines: GitHub Actions and GitLab CI files for every platform's wheels.

Takes a project's facts (bindings, name, requires-python) and ``[tool.maturin.generate-ci.github]``
with the CLI's options; gives the resolved release matrix, the CI file's YAML, its checks
(schema, zizmor) and the table edits the Release page makes. Fronts import these names only.
"""

from cratewright.core.ci.checks import Finding, ToolReport, validate
from cratewright.core.ci.files import (
    default_path,
    existing_workflows,
    unified_diff,
    write_atomically,
    write_ci_file,
)
from cratewright.core.ci.generate import (
    Provider,
    facts_from,
    load_facts,
    render,
    resolve_for_project,
)
from cratewright.core.ci.gitlab import gitlab_header_notes
from cratewright.core.ci.matrix import COLUMNS, MatrixCell, ReleaseMatrix, release_matrix
from cratewright.core.ci.platforms import PLATFORMS, PlatformSpec
from cratewright.core.ci.resolve import CIOptions, ProjectFacts, ResolvedCI, ResolvedTarget
from cratewright.core.ci.settings import set_option, set_target

__all__ = [
    "COLUMNS",
    "PLATFORMS",
    "CIOptions",
    "Finding",
    "MatrixCell",
    "PlatformSpec",
    "ProjectFacts",
    "Provider",
    "ReleaseMatrix",
    "ResolvedCI",
    "ResolvedTarget",
    "ToolReport",
    "default_path",
    "existing_workflows",
    "facts_from",
    "gitlab_header_notes",
    "load_facts",
    "release_matrix",
    "render",
    "resolve_for_project",
    "set_option",
    "set_target",
    "unified_diff",
    "validate",
    "write_atomically",
    "write_ci_file",
]

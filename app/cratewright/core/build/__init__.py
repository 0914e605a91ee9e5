"""Building wheels: options -> plan -> cargo -> generators -> audit -> wheel.

Takes BuildOptions (CLI flags over ``[tool.maturin]``) and the chosen interpreters/targets; gives
a BuildPlan (one job per wheel), the built wheels, target listings and ``.pyi`` stubs.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "BuildOptions": "plan",
    "ExistingArtifact": "artifacts",
    "RustTarget": "rust_target",
    "STUBS_REQUIREMENT": "stubs.support:REQUIREMENT",
    "TargetListing": "targets",
    "build_wheels": "builder",
    "default_out_dir": "artifacts",
    "default_zig_compatibility": "zig",
    "find_artifacts": "artifacts",
    "generate_stubs": "stubs.generate",
    "list_targets": "targets",
    "parse_target": "rust_target",
    "plan_build": "plan",
    "platform_tag_preview": "targets",
    "preview_wheel_tags": "plan",
    "stub_support": "stubs.support",
    "wheel_stub_files": "stubs.wheel_stubs",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""New projects: options -> a plan of files (pure) -> an atomic write; no Qt, no building.

Takes NewProjectOptions (name, bindings, layout, abi3, CI); gives the planned files and writes
them into an empty or chosen folder, with the problems that stop it named first.
"""

from __future__ import annotations

from cratewright.core.exports import lazy_exports

_EXPORTS = {
    "ABI3_MINIMUMS": "options",
    "BINDINGS": "options",
    "BINDING_DESCRIPTIONS": "options",
    "BindingKind": "options",
    "CI_WORKFLOW": "plan",
    "DEFAULT_ABI3_MINIMUM": "options",
    "LAYOUTS": "options",
    "LAYOUT_DESCRIPTIONS": "options",
    "LayoutKind": "options",
    "Mode": "writer",
    "NewProjectOptions": "options",
    "check_name": "names",
    "plan_project": "plan",
    "target_problem": "writer",
    "usage_example": "python_files",
    "validate_options": "plan",
    "write_project": "writer",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

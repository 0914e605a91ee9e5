"""Python interpreters: what they are, how to find them, which ones a build uses.

One module per job:

- :mod:`.info`: ``InterpreterInfo`` (the probed facts) and the wheel tags they give.
- :mod:`.probe`: run ``_probe.py`` inside an interpreter, every failure an InterpreterError.
- :mod:`.cache`: remember answers in this process and on disk, until files change.
- :mod:`.resolve`: ``-i`` values, version specs and the default interpreter of a build.
- :mod:`.find`: maturin's ``--find-interpreter`` (``python3.X`` names on PATH).
- :mod:`.pyenv`: what a pyenv shim stands for, without running it.
- :mod:`.discovery`: every interpreter on the machine, for ``list-python`` and the GUI.
- :mod:`.usability`: can this interpreter build this project, and why (not).
"""

from __future__ import annotations

from cratewright.core.interpreters.cache import DiskProbeCache, clear_probe_cache, default_cache_dir
from cratewright.core.interpreters.discovery import (
    Candidate,
    FoundInterpreter,
    InterpreterListing,
    find_candidates,
    list_interpreters,
)
from cratewright.core.interpreters.find import (
    InterpreterDiscovery,
    SkippedInterpreter,
    discover_interpreters,
    find_interpreters,
)
from cratewright.core.interpreters.info import (
    FREE_THREADED_MINIMUM_MINOR,
    MAXIMUM_PYPY_MINOR,
    MAXIMUM_PYTHON_MINOR,
    MINIMUM_PYPY_MINOR,
    MINIMUM_PYTHON_MINOR,
    InterpreterInfo,
    calculate_abi_tag,
    interpreter_from_metadata,
)
from cratewright.core.interpreters.probe import probe_interpreter, probe_source
from cratewright.core.interpreters.resolve import (
    InterpreterSpec,
    default_interpreter,
    parse_interpreter_spec,
    resolve_interpreter_request,
    resolve_interpreters,
)
from cratewright.core.interpreters.usability import (
    ProjectNeeds,
    PythonSupport,
    Usability,
    assess_interpreter,
    check_requires_python,
    no_interpreters_error,
    pyo3_python_support,
)

__all__ = [
    "FREE_THREADED_MINIMUM_MINOR",
    "MAXIMUM_PYPY_MINOR",
    "MAXIMUM_PYTHON_MINOR",
    "MINIMUM_PYPY_MINOR",
    "MINIMUM_PYTHON_MINOR",
    "Candidate",
    "DiskProbeCache",
    "FoundInterpreter",
    "InterpreterDiscovery",
    "InterpreterInfo",
    "InterpreterListing",
    "InterpreterSpec",
    "ProjectNeeds",
    "PythonSupport",
    "SkippedInterpreter",
    "Usability",
    "assess_interpreter",
    "calculate_abi_tag",
    "check_requires_python",
    "clear_probe_cache",
    "default_cache_dir",
    "default_interpreter",
    "discover_interpreters",
    "find_candidates",
    "find_interpreters",
    "interpreter_from_metadata",
    "list_interpreters",
    "no_interpreters_error",
    "parse_interpreter_spec",
    "probe_interpreter",
    "probe_source",
    "pyo3_python_support",
    "resolve_interpreter_request",
    "resolve_interpreters",
]

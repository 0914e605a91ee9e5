"""Lazy public names for the stage packages: ``from cratewright.core.build import plan_build``.

A stage's ``__init__`` lists the few names the fronts (cli_commands/, gui/, backend.py) use and
the module each lives in; a name is imported on first use (PEP 562, as napari's lazy_loader
does, but never cached). Importing a package therefore costs nothing and adds no import
edges: the CLI and the GUI start as fast as before, and the core's own module-level imports
cannot form a cycle through an ``__init__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` exporting ``name -> "module[:attr]"``.

    ``module`` is relative to the package (``"plan"``, ``"stubs.support"``); ``attr`` defaults
    to the exported name, so a public name can differ from the one in its module.
    """

    def __getattr__(name: str) -> Any:
        where = names.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = where.partition(":")
        # Not cached in the package: a name always reads its module's current value, so a
        # test that patches ``cratewright.core.build.plan.plan_build`` is seen everywhere.
        return getattr(importlib.import_module(f"{package}.{module}"), attr or name)

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__

"""One module per ``cratewright`` verb.

Each module has ``ORDER`` (its place in ``--help``) and ``register(subparsers)``, which adds its
parser and sets ``run=callable(args, sink) -> exit code``. cli.py discovers them, so adding a verb
touches only its own module.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["command_modules"]


def command_modules() -> list[ModuleType]:
    """Every verb module of this package, in ``--help`` order."""
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda module: (getattr(module, "ORDER", 50), module.__name__))

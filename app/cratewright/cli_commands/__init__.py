"""One module per ``cratewright`` verb.

Each module has ``ORDER`` (its place in ``--help``) and ``register(subparsers)``, which adds its
parser and sets ``run=callable(args, sink) -> exit code``. cli.py discovers them, so adding a verb
touches only its own module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType
from typing import NoReturn

__all__ = ["SECRET_ARGUMENTS_ERROR", "command_modules", "never_echo_arguments"]

SECRET_ARGUMENTS_ERROR = (
    "cratewright credentials: error: unexpected or invalid arguments (not repeated here: one "
    "may be a secret). The token is never an argument: `cratewright credentials set -r NAME` "
    "reads it from the terminal or standard input.\n"
)


def never_echo_arguments(parser: argparse.ArgumentParser) -> None:
    """Make ``parser``'s usage errors generic, so a token typed as an argument is not echoed.

    argparse's own messages quote the offending value ("invalid choice: 'pypi-AgE...'"). The
    parsed namespace also gets ``secret_arguments=True``, so cli.py words leftover arguments
    the same way.
    """

    def error(message: str) -> NoReturn:
        del message
        parser.print_usage(sys.stderr)
        parser.exit(2, SECRET_ARGUMENTS_ERROR)

    parser.error = error  # type: ignore[method-assign]
    parser.set_defaults(secret_arguments=True)


def command_modules() -> list[ModuleType]:
    """Every verb module of this package, in ``--help`` order."""
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda module: (getattr(module, "ORDER", 50), module.__name__))

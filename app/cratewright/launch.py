"""The ``cratewright`` console script: ``gui`` goes straight to the desktop app.

The command line's parser knows every verb and imports the engine's event types to build
itself: about 50 ms that the desktop app's start would pay before Qt even loads. The app
parses its own arguments (the same ones as the ``gui`` verb), so ``cratewright gui ...`` is
handed over before any of that is imported; every other verb goes to :mod:`cratewright.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cratewright`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["gui"]:
        from cratewright.gui import main as gui_main

        return gui_main(arguments[1:])
    from cratewright.cli import main as cli_main

    return cli_main(arguments)

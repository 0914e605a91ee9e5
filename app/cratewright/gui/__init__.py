"""The desktop app (Qt 6 through PySide6, installed with the ``gui`` extra).

Importing this package must work without PySide6, so that ``cratewright-gui`` can tell a
user how to install it instead of failing with an ImportError traceback.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

__all__ = ["main"]

INSTALL_HINT = (
    "The cratewright desktop app needs PySide6, which is not installed.\n"
    "Install it with:  pip install 'cratewright[gui]'"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``cratewright-gui``."""
    if importlib.util.find_spec("PySide6") is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    from cratewright.gui.app import run

    return run(sys.argv[1:] if argv is None else argv)

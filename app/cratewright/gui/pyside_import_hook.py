"""PySide6's per-import check, answered from the module's file instead of through ``inspect``.

Once ``PySide6.QtCore`` is imported, PySide6 runs ``_mod_uses_pyside(module)`` for every module
imported after it, to learn whether its ``__feature__`` switches (snake_case, true_property)
may apply there. Its answer is whether the source contains "PySide6", found with
``inspect.getsource``: decoding, ``linecache`` and a copy of every line kept for the life of
the process. On the app's start path that is about 110 modules and some 15 ms, a tenth of the
start-up; reading the file's bytes gives the same answer for a source file. Anything that is
not a plain ``.py`` file still goes to PySide6's own check, so no module is judged differently.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

__all__ = ["install_fast_pyside_check", "source_mentions_pyside"]

_MARK = "_cratewright_fast_check"


def source_mentions_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether ``module``'s source file says "PySide6"; ``fallback`` for anything not a file."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)
    try:
        return b"PySide6" in Path(path).read_bytes()
    except OSError:
        return fallback(module)


def install_fast_pyside_check() -> bool:
    """Replace PySide6's check once; False when this PySide6 has no such hook (then nothing
    changes). Call it right after importing ``PySide6.QtCore``."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(upstream):
        return False
    if getattr(upstream, _MARK, False):
        return True

    def fast_check(module: ModuleType) -> bool:
        return source_mentions_pyside(module, upstream)

    setattr(fast_check, _MARK, True)
    feature._mod_uses_pyside = fast_check  # type: ignore[attr-defined]
    return True

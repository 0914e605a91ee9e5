"""The faster PySide6 import check gives PySide6's own answer for every module."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6.QtCore")

from cratewright.gui.app import create_application
from cratewright.gui.pyside_import_hook import (
    install_fast_pyside_check,
    source_mentions_pyside,
)


def test_the_app_installs_it_and_the_answers_match_pyside6s(qapp: object) -> None:
    import inspect

    create_application()
    feature = sys.modules["shibokensupport.feature"]
    assert install_fast_pyside_check()
    assert getattr(feature._mod_uses_pyside, "_cratewright_fast_check", False)

    def pyside_answer(module: object) -> bool:  # the upstream rule, spelled out
        try:
            return "PySide6" in inspect.getsource(module)  # type: ignore[arg-type]
        except (TypeError, OSError, SyntaxError):
            return False

    import cratewright.gui.main_window as main_window

    modules = [m for m in list(sys.modules.values()) if m is not None]
    assert len(modules) > 200  # stdlib, frozen, builtin, extension, PySide6's and ours
    for module in modules:
        assert source_mentions_pyside(module, pyside_answer) == pyside_answer(module), module
    assert source_mentions_pyside(main_window, pyside_answer)
    assert not source_mentions_pyside(sys.modules["json"], pyside_answer)


def test_a_module_imported_after_qt_gets_pyside6s_feature_default(qapp: object) -> None:
    """PySide6's own per-import function, fed two modules, records its usual answers.

    Called directly (as its import hook does): another test may have replaced
    ``builtins.__import__`` for a while, and this checks our check, not the hook.
    """
    import cratewright.core.user_files
    import cratewright.gui.scrolling

    create_application()
    feature = sys.modules["shibokensupport.feature"]
    assert getattr(feature._mod_uses_pyside, "_cratewright_fast_check", False)
    cases = ((cratewright.gui.scrolling, 0), (cratewright.core.user_files, -1))
    for module, expected in cases:  # imports PySide6 / says nothing of it
        feature.pyside_feature_dict.pop(module.__name__, None)
        feature.feature_imported(module)
        assert feature.pyside_feature_dict[module.__name__] == expected, module

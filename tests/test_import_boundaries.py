"""The engine, the CLI and the PEP 517 backend must import without Qt.

A project that builds with ``build-backend = "cratewright.backend"`` must never pull PySide6
into pip's build environment, so every non-GUI module is imported here in a fresh
interpreter where importing PySide6 or shiboken6 is made to fail.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import cratewright

_BLOCK_QT = """
import importlib.abc, sys
class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError(f"{name} must not be imported outside cratewright.gui")
        return None
sys.meta_path.insert(0, BlockQt())
"""


def _non_gui_modules() -> list[str]:
    root = Path(cratewright.__file__).parent
    names = ["cratewright", "cratewright.cli", "cratewright.events", "cratewright.errors"]
    for info in pkgutil.walk_packages([str(root / "core")], prefix="cratewright.core."):
        names.append(info.name)
    for info in pkgutil.walk_packages(
        [str(root / "cli_commands")], prefix="cratewright.cli_commands."
    ):
        names.append(info.name)
    if (root / "backend.py").exists():
        names.append("cratewright.backend")
    return names


def test_core_cli_backend_import_without_qt() -> None:
    modules = _non_gui_modules()
    assert "cratewright.core.build.builder" in modules
    code = (
        _BLOCK_QT
        + "".join(f"import {m}\n" for m in modules)
        + (
            "assert not any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules)\n"
            "print('ok')\n"
        )
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_blocker_really_blocks_qt() -> None:
    """Guard against a boundary test that cannot fail."""
    code = _BLOCK_QT + "import PySide6\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "must not be imported outside cratewright.gui" in proc.stderr


def test_gui_entry_point_without_pyside_says_how_to_install() -> None:
    code = _BLOCK_QT + (
        "import importlib.util\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'PySide6' else "
        "__import__('importlib.machinery').machinery.PathFinder.find_spec(name)\n"
        "from cratewright.gui import main\n"
        "raise SystemExit(main())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "pip install 'cratewright[gui]'" in proc.stderr

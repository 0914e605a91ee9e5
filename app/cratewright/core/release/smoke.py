"""The smoke command: what proves an installed release works, remembered per project.

The default imports the package's top-level module. A project may need more (``mypkg
--version``, a tiny script); the user's choice is kept in ``$XDG_CONFIG_HOME/cratewright/
release.json`` keyed by the project folder, shared by the CLI and the GUI, and never in the
user's own pyproject.toml.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from cratewright.core.release.files import write_atomically

__all__ = ["default_smoke_command", "load_smoke_command", "save_smoke_command", "top_module"]


def _store() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cratewright" / "release.json"


def _read_store() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def top_module(wheel: Path) -> str | None:
    """The importable top-level module of a wheel (a package folder or a single module)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    candidates: list[str] = []
    for name in names:
        head, _, rest = name.partition("/")
        if head.endswith((".dist-info", ".data")):
            continue
        if rest and head.isidentifier():
            candidates.append(head)
        elif not rest and head.endswith((".py", ".so", ".pyd")):
            candidates.append(head.split(".")[0])
    return candidates[0] if candidates else None


def default_smoke_command(module: str | None) -> str:
    """``python -c "import <module>"``, or a pip check when the wheel has no module."""
    if module is None:
        return "python -m pip check"
    return f'python -c "import {module}"'


def load_smoke_command(project_dir: Path) -> str | None:
    """The smoke command remembered for this project, if any."""
    entry = _read_store().get(str(project_dir.resolve()), {})
    value = entry.get("smoke_command") if isinstance(entry, dict) else None
    return str(value) if value else None


def save_smoke_command(project_dir: Path, command: str | None) -> None:
    """Remember (or, with None/empty, forget) this project's smoke command."""
    data = _read_store()
    key = str(project_dir.resolve())
    entry = dict(data.get(key) or {})
    if command and command.strip():
        entry["smoke_command"] = command.strip()
    else:
        entry.pop("smoke_command", None)
    data[key] = entry
    store = _store()
    store.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(store, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())

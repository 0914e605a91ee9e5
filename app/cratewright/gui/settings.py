"""What the app remembers between runs: recent projects and per-project build options.

Stored with QSettings (an INI-style file under the user's config dir on Linux). Secrets never
go here: tokens live only in the system keyring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

__all__ = [
    "APPLICATION",
    "ORGANIZATION",
    "add_recent_project",
    "app_settings",
    "load_build_options",
    "load_interpreters",
    "recent_projects",
    "remove_recent_project",
    "save_build_options",
    "save_interpreters",
]

ORGANIZATION = "cratewright"
APPLICATION = "cratewright"
_RECENT_KEY = "projects/recent"
_MAX_RECENT = 10


def app_settings() -> QSettings:
    """The app's settings store (tests redirect it with QSettings.setPath)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _stored_recent(settings: QSettings) -> list[str]:
    raw = settings.value(_RECENT_KEY, [])
    return [raw] if isinstance(raw, str) else [str(value) for value in raw or []]


def recent_projects() -> list[Path]:
    """Most recently opened first; entries whose folder is gone are left out."""
    return [
        Path(value) for value in _stored_recent(app_settings()) if value and Path(value).exists()
    ]


def add_recent_project(path: Path) -> None:
    """Move ``path`` to the top of the recent list.

    Reopening the project already on top (the usual start) leaves the file alone: writing
    it (lock file, temporary file, rename) costs milliseconds before the project shows.
    """
    resolved = str(path.resolve())
    values = [str(p) for p in recent_projects() if str(p) != resolved]
    settings = app_settings()
    wanted = [resolved, *values][:_MAX_RECENT]
    if wanted != _stored_recent(settings):
        settings.setValue(_RECENT_KEY, wanted)


def remove_recent_project(path: Path) -> None:
    """Forget ``path`` (e.g. it no longer opens)."""
    resolved = str(path.resolve())
    values = [str(p) for p in recent_projects() if str(p) != resolved]
    app_settings().setValue(_RECENT_KEY, values)


def _options_key(project_root: Path) -> str:
    # QSettings treats "/" as a group separator; a hex key keeps one entry per project.
    return "build-options/" + str(project_root.resolve()).encode().hex()


def load_build_options(project_root: Path) -> dict[str, Any]:
    """The Build page's last form values for this project ({} if none or unreadable)."""
    import json  # not at import: this module is needed before the first frame, json is not

    raw = app_settings().value(_options_key(project_root), "")
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def save_build_options(project_root: Path, values: dict[str, Any]) -> None:
    """Remember the Build page's form values for this project."""
    import json

    app_settings().setValue(_options_key(project_root), json.dumps(values, sort_keys=True))


def _interpreters_key(project_root: Path) -> str:
    return "interpreters/ticked/" + str(project_root.resolve()).encode().hex()


def load_interpreters(project_root: Path) -> tuple[Path, ...]:
    """The interpreters ticked for this project last time (ones gone from disk left out)."""
    raw = app_settings().value(_interpreters_key(project_root), [])
    values = [raw] if isinstance(raw, str) else list(raw or [])
    return tuple(Path(v) for v in values if v and Path(v).exists())


def save_interpreters(project_root: Path, paths: tuple[Path, ...]) -> None:
    """Remember the ticked interpreters of this project (each project has its own)."""
    app_settings().setValue(_interpreters_key(project_root), [str(p) for p in paths])

"""The window's shared state: what is open, what the user picked, what was built.

Pages never talk to each other directly; they read and set this object and react to its
signals, so the Interpreters page feeds the Build page and the Build page feeds Audit and
Publish without knowing they exist.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from cratewright.core.metadata.overview import ProjectOverview

__all__ = ["AppState"]


class AppState(QObject):
    """Shared selection and results, with one change signal per concern.

    Signals:
        project_changed(object): a ProjectOverview, or None when nothing (or a broken
            project) is open.
        selection_changed(): selected interpreters, target or zig changed.
        artifacts_changed(): the wheels/sdist of the last build changed.
        status(str): a short message for the status bar.
        navigate(str): a page asks the window to show another page (by page_id).
    """

    project_changed = Signal(object)
    selection_changed = Signal()
    artifacts_changed = Signal()
    status = Signal(str)
    navigate = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.overview: ProjectOverview | None = None
        self.project_path: Path | None = None
        self.interpreters: tuple[Path, ...] = ()
        self.target: str | None = None
        self.zig: bool = False
        self.wheels: tuple[Path, ...] = ()
        self.sdist: Path | None = None

    def set_project(self, path: Path | None, overview: ProjectOverview | None) -> None:
        """A project was opened (overview None if it could not be read); clears results."""
        self.project_path = path
        self.overview = overview
        self.wheels = ()
        self.sdist = None
        self.project_changed.emit(overview)
        self.artifacts_changed.emit()

    def set_interpreters(self, interpreters: tuple[Path, ...]) -> None:
        """The interpreters the next build is for (empty: the engine's default choice)."""
        self.interpreters = interpreters
        self.selection_changed.emit()

    def set_target(self, target: str | None, *, zig: bool = False) -> None:
        """The Rust target triple of the next build (None: the host) and whether zig links."""
        self.target = target
        self.zig = zig
        self.selection_changed.emit()

    def set_artifacts(self, wheels: tuple[Path, ...], sdist: Path | None = None) -> None:
        """Record what the last build produced (Audit and Publish pages pick these up)."""
        self.wheels = wheels
        self.sdist = sdist
        self.artifacts_changed.emit()

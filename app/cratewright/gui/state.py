"""The window's shared state: what is open, what the user picked, what was built.

Pages never talk to each other directly; they read and set this object and react to its
signals, so the Interpreters page feeds the Build page and the Build page feeds Audit and
Publish without knowing they exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from cratewright.gui.settings import load_build_options, load_interpreters, save_interpreters

if TYPE_CHECKING:  # the engine is imported by the project load, not by the first paint
    from cratewright.core.build import ExistingArtifact
    from cratewright.core.metadata import ProjectOverview

__all__ = ["AppState"]


class AppState(QObject):
    """Shared selection and results, with one change signal per concern.

    Signals:
        project_changed(object): a ProjectOverview, or None when nothing (or a broken
            project) is open.
        selection_changed(): selected interpreters, target or zig changed.
        artifacts_changed(): the wheels/sdist of the last build, or the project's files
            already in its out dir (:attr:`existing`), changed.
        status(str): a short message for the status bar.
        navigate(str): a page asks the window to show another page (by page_id).
        watching_changed(bool): a "Rebuild on save" watch started or ended.
    """

    project_changed = Signal(object)
    selection_changed = Signal()
    artifacts_changed = Signal()
    status = Signal(str)
    navigate = Signal(str)
    watching_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.overview: ProjectOverview | None = None
        self.project_path: Path | None = None
        self.interpreters: tuple[Path, ...] = ()
        self.target: str | None = None
        self.zig: bool = False
        self.wheels: tuple[Path, ...] = ()
        self.sdist: Path | None = None
        #: True while a "Rebuild on save" watch runs (the title says so).
        self.watching = False
        self._existing: tuple[ExistingArtifact, ...] | None = ()

    def set_watching(self, watching: bool) -> None:
        """A watch session started or ended."""
        if watching != self.watching:
            self.watching = watching
            self.watching_changed.emit(watching)

    def out_dir(self) -> Path | None:
        """Where builds of the open project write (the Build page's saved choice)."""
        from cratewright.core.build import default_out_dir

        overview = self.overview
        if overview is None:
            return None
        out = load_build_options(overview.root).get("out")
        return default_out_dir(overview.cargo_metadata.target_directory, out or None)

    @property
    def existing(self) -> tuple[ExistingArtifact, ...]:
        """The project's wheels and sdists in its out dir, newest first (earlier runs too).

        Looked up when first read after a change (the Audit and Publish pages read it), not
        when the project opens: the first page shown does not need it.
        """
        if self._existing is None:
            from cratewright.core.build import find_artifacts

            overview, out = self.overview, self.out_dir()
            self._existing = (
                tuple(find_artifacts(out, overview.name, overview.version))
                if overview is not None and out is not None
                else ()
            )
        return self._existing

    def _forget_existing(self) -> None:
        self._existing = None  # read again on next use

    def set_project(self, path: Path | None, overview: ProjectOverview | None) -> None:
        """A project was opened (overview None if it could not be read); clears results."""
        self.project_path = path
        self.overview = overview
        self.wheels = ()
        self.sdist = None
        # each project has its own ticked interpreters (not the previous project's)
        self.interpreters = load_interpreters(overview.root) if overview is not None else ()
        self._forget_existing()
        self.project_changed.emit(overview)
        self.selection_changed.emit()
        self.artifacts_changed.emit()

    def set_interpreters(self, interpreters: tuple[Path, ...]) -> None:
        """The interpreters the next build is for (empty: the engine's default choice);
        remembered for the open project."""
        self.interpreters = interpreters
        if self.overview is not None:
            save_interpreters(self.overview.root, interpreters)
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
        self._forget_existing()
        self.artifacts_changed.emit()

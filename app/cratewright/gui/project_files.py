"""Notice when the open project's manifests change on disk, whoever changed them.

A good editor follows the file on disk: after a version bump, a Save, ``git checkout`` or an
edit in another editor, every page must show the project as it now is. This object remembers
a stamp (size, modification time) of each manifest as last read and says when one differs.
It looks when a watched folder changes (a file watcher; folders, not files, because an atomic
save replaces the file and a watch on the old one goes quiet) and whenever the app becomes
active again. It never reads the project itself: :class:`~cratewright.gui.state.AppState`
does, so all pages get the one new reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:  # the engine is imported by the project load, not by the first paint
    from cratewright.core.metadata import ProjectOverview

__all__ = ["ProjectFiles", "candidate_manifests", "manifest_paths"]

Stamp = tuple[int, int] | None  # (size, mtime in ns), None when the file is missing
_SETTLE_MS = 250  # an editor's save is several events (temp file, rename): look once after


def manifest_paths(overview: ProjectOverview) -> list[Path]:
    """The files whose change changes what the pages show: Cargo.toml, pyproject.toml, the
    workspace's Cargo.toml and Cargo.lock."""
    project = overview.project
    workspace = Path(overview.cargo_metadata.workspace_root)
    paths = [project.cargo_toml, project.pyproject_toml, workspace / "Cargo.toml"]
    paths.append(workspace / "Cargo.lock")
    return list(dict.fromkeys(p for p in paths if p is not None))


def candidate_manifests(path: Path) -> list[Path]:
    """The manifests of a project that did not open (``path`` as the user gave it)."""
    folder = path if path.is_dir() else path.parent
    return list(dict.fromkeys([folder / "Cargo.toml", folder / "pyproject.toml"]))


def _stamp(path: Path) -> Stamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def stamps(paths: Iterable[Path]) -> dict[Path, Stamp]:
    """Each path's stamp now."""
    return {path: _stamp(path) for path in paths}


class ProjectFiles(QObject):
    """The stamps of the open project's manifests, and a watch on their folders.

    Signal ``changed_on_disk()``: a manifest differs from the stamp taken when the project
    was last read (emitted once per change, after the writes settle).
    """

    changed_on_disk = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._known: dict[Path, Stamp] = {}
        self._watcher = None  # a QFileSystemWatcher, made for the first project
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(_SETTLE_MS)
        self._settle.timeout.connect(self.check)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._app_state_changed)

    @property
    def paths(self) -> list[Path]:
        """The files watched now."""
        return list(self._known)

    def snapshot(self) -> dict[Path, Stamp]:
        """The stamps on disk now (taken before a reading starts, remembered after it)."""
        return stamps(self._known)

    def remember(self, known: dict[Path, Stamp]) -> None:
        """The project was read when its files had these stamps."""
        self._known = dict(known)

    def watch(self, paths: list[Path]) -> None:
        """Watch these files (a project was opened); the stamps are taken now."""
        from PySide6.QtCore import QFileSystemWatcher

        self._known = stamps(paths)
        if self._watcher is None:
            self._watcher = QFileSystemWatcher(self)
            self._watcher.directoryChanged.connect(lambda _path: self._settle.start())
            self._watcher.fileChanged.connect(lambda _path: self._settle.start())
        old = self._watcher.directories() + self._watcher.files()
        if old:
            self._watcher.removePaths(old)
        folders = sorted({str(p.parent) for p in paths if p.parent.is_dir()})
        files = sorted(str(p) for p in paths if p.is_file())
        if folders or files:
            self._watcher.addPaths(folders + files)

    def stop(self) -> None:
        """No project open: nothing to watch."""
        self._known = {}
        self._settle.stop()
        if self._watcher is not None:
            old = self._watcher.directories() + self._watcher.files()
            if old:
                self._watcher.removePaths(old)

    def changed(self) -> list[Path]:
        """The files that differ from their stamp as last read."""
        return [path for path, stamp in self._known.items() if _stamp(path) != stamp]

    def check(self) -> bool:
        """Look at the files now; True (and ``changed_on_disk``) when one changed."""
        if self._watcher is not None:
            # an atomic save replaced a watched file: watch the new one
            missing = [str(p) for p in self._known if p.is_file()]
            missing = [p for p in missing if p not in self._watcher.files()]
            if missing:
                self._watcher.addPaths(missing)
        if self.changed():
            self.changed_on_disk.emit()
            return True
        return False

    def _app_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive and self._known:
            self.check()  # back from the terminal or another editor

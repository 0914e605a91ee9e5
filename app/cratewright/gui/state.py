"""The window's shared state: what is open, what the user picked, what was built.

Pages never talk to each other directly; they read and set this object and react to its
signals, so the Interpreters page feeds the Build page and the Build page feeds Audit and
Publish without knowing they exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from cratewright.gui.settings import load_build_options, load_interpreters, save_interpreters

if TYPE_CHECKING:  # the engine is imported by the project load, not by the first paint
    from cratewright.core.build import ExistingArtifact
    from cratewright.core.metadata import ProjectOverview
    from cratewright.gui.project_files import ProjectFiles, Stamp
    from cratewright.gui.workers import Task

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
        project_updated(object): the open project was read again because its files changed
            (a Save, a version bump, an edit in another program): the same project, so
            selections, results and logs stay; every page shows the new reading.
        read_error_changed(): :attr:`read_error` was set or cleared.
        reopen_wanted(): the project did not open and its files changed on disk since (the
            user is fixing them): the window opens it again.
        navigate(str): a page asks the window to show another page (by page_id).
        watching_changed(bool): a "Rebuild on save" watch started or ended.
    """

    project_changed = Signal(object)
    project_updated = Signal(object)
    read_error_changed = Signal()
    reopen_wanted = Signal()
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
        #: Why the files on disk no longer read (pages show the last good reading), or None.
        self.read_error: str | None = None
        self._files: ProjectFiles | None = None  # made with the first project
        self._reread: Task | None = None
        self._reread_again = False
        self._generation = 0  # a reading of a project no longer open is dropped
        self._own_writes: dict[Path, str] = {}  # file -> hash of what this app wrote

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
        self._set_read_error(None)
        self._generation += 1
        self._reread_again = False
        self._own_writes.clear()
        # each project has its own ticked interpreters (not the previous project's)
        self.interpreters = load_interpreters(overview.root) if overview is not None else ()
        self._forget_existing()
        self._watch(overview)
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

    # -- following the files on disk ---------------------------------------------------------

    @property
    def files(self) -> ProjectFiles:
        """The open project's manifests and their watch (made on first use)."""
        if self._files is None:
            from cratewright.gui.project_files import ProjectFiles

            self._files = ProjectFiles(self)
            self._files.changed_on_disk.connect(self._changed_on_disk)
        return self._files

    def _watch(self, overview: ProjectOverview | None) -> None:
        from cratewright.gui.project_files import candidate_manifests, manifest_paths

        path = self.project_path
        if overview is not None:
            self.files.watch(manifest_paths(overview))
        elif path is not None:  # it did not open: its manifests, to open it once fixed
            self.files.watch(candidate_manifests(path))
        elif self._files is not None:
            self._files.stop()

    def _changed_on_disk(self) -> None:
        if self.overview is None:
            self.reopen_wanted.emit()
        else:
            self.reread()

    def stop_following(self, timeout_ms: int = 30_000) -> None:
        """The window closes: watch no more and let a reading in progress end."""
        if self._files is not None:
            self._files.stop()
        self._generation += 1  # a reading that ends now is not shown
        self.wait_reread(timeout_ms)

    def files_written(self) -> None:
        """This app wrote the open project's files (a Save, a version bump, a Release-page
        tick): read it again now, so every page shows what is on disk (not only the page
        that wrote). The whole project is read again; the files changed since the last
        reading are remembered as this app's own writes (:meth:`written_by_app`)."""
        if self._files is not None:
            for path in self._files.changed():
                self._own_writes[path] = _digest(path)
        if self._reread is not None:
            self._reread_again = True  # written after that reading began: read once more
            return
        self.reread()

    def written_by_app(self, paths: Iterable[Path]) -> bool:
        """True when each file holds what this app last wrote to it: an editor holding
        edits for it can apply them on top without asking (nobody else changed it)."""

        def ours(path: Path) -> bool:
            digest = _digest(path)
            return digest is not None and self._own_writes.get(path) == digest

        paths = list(paths)
        return bool(paths) and all(ours(path) for path in paths)

    @property
    def rereading(self) -> bool:
        """True while the open project is being read again."""
        return self._reread is not None

    def wait_reread(self, timeout_ms: int = 120_000) -> None:
        """Block until a reading in progress is shown (tests, screenshots)."""
        while self._reread is not None and self._reread.running:
            if not self._reread.wait(timeout_ms):
                return

    def reread(self) -> None:
        """Read the open project again in the background; pages get ``project_updated``.

        One reading at a time: when it ends, another starts only if the files differ from
        what it saw (the watcher's late echo of our own write reads nothing twice).
        """
        path = self.project_path
        if path is None or self._reread is not None:
            return
        self._reread_again = False
        files = self.files
        seen = files.snapshot()
        generation = self._generation

        from cratewright.gui.workers import run_task  # not needed before a project is open

        def load(sink, cancel):  # type: ignore[no-untyped-def]
            from cratewright.core.metadata import load_overview

            return load_overview(path, sink=sink)

        self._reread = run_task(
            load,
            parent=self,
            on_success=lambda overview: self._reread_done(generation, seen, overview, None),
            on_failure=lambda error, _trace: self._reread_done(generation, seen, None, error),
        )

    def _reread_done(
        self,
        generation: int,
        seen: dict[Path, Stamp],
        overview: ProjectOverview | None,
        error: BaseException | None,
    ) -> None:
        self._reread = None
        if generation != self._generation:
            return  # another project was opened meanwhile
        files = self.files
        files.remember(seen)
        if overview is not None:
            self.update_project(overview)
        else:
            from cratewright.errors import CratewrightError

            message = error.message if isinstance(error, CratewrightError) else str(error)
            self._set_read_error(message)
            self.status.emit(f"💥 The project's files no longer read: {message}")
        if self._reread_again or files.changed():
            self._reread_again = False
            self.reread()

    def update_project(self, overview: ProjectOverview) -> None:
        """The open project, read again: the same project (results stay), its new facts."""
        self.overview = overview
        self._set_read_error(None)
        self._forget_existing()  # the version may have changed: other files are current now
        self.project_updated.emit(overview)
        self.artifacts_changed.emit()

    def _set_read_error(self, message: str | None) -> None:
        if message != self.read_error:
            self.read_error = message
            self.read_error_changed.emit()


def _digest(path: Path) -> str | None:
    """The hash of the file's bytes (None when it cannot be read)."""
    import hashlib  # not at import: it loads OpenSSL (3 ms) before the first frame

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

"""The main window's project handling: choose, create, open, reload, and the title that names it.

A part of :class:`~cratewright.gui.main_window.MainWindow` (mixed into it). Opening runs the
core's ``load_overview`` in a worker; unsaved edits are asked about before another project.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFileDialog,
)

from cratewright.gui.formatting import display_path
from cratewright.gui.page_list import PAGES
from cratewright.gui.settings import add_recent_project, recent_projects
from cratewright.gui.workers import run_task

if TYPE_CHECKING:
    from concurrent.futures import Future

    from cratewright.core.metadata import ProjectOverview
    from cratewright.gui.new_project_wizard import NewProjectWizard


def _load_overview(path: Path) -> ProjectOverview:
    # imported here, in the worker: the window is shown before the engine is imported
    from cratewright.core.metadata import load_overview

    return load_overview(path)


class WindowProject:
    """The project side of the main window."""

    # -- opening projects -------------------------------------------------------------------

    def choose_project(self) -> None:
        """Ask for a project folder."""
        start = str(self.state.project_path or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Open a Rust crate", start)
        if folder:
            self.open_project(Path(folder))

    def new_project(self) -> None:
        """Show the New Project wizard; the project it creates is opened here."""
        from cratewright.gui.new_project_wizard import NewProjectWizard

        if self.new_project_wizard is not None:
            self.new_project_wizard.raise_()
            return
        # Asked now, not after Create: a created project must open, never wait behind a question.
        if self.building:
            self.statusBar().showMessage("A build is running; cancel it before a new project.")
            return
        if not self.resolve_unsaved("starting a new project"):
            self.statusBar().showMessage("Kept the unsaved metadata edits; no new project.")
            return
        current = self.state.project_path
        wizard = NewProjectWizard(self, location=current.parent if current else None)
        wizard.created.connect(self.open_project)
        wizard.finished.connect(lambda _result: self._wizard_closed(wizard))
        self.new_project_wizard = wizard
        wizard.open()

    def _wizard_closed(self, wizard: NewProjectWizard) -> None:
        if self.new_project_wizard is wizard:
            self.new_project_wizard = None
        wizard.deleteLater()

    def reload_project(self) -> None:
        """Open the current project again (after editing its files)."""
        if self.state.project_path is not None:
            self.open_project(self.state.project_path, action="reloading the project")

    def _reopen_after_fix(self) -> None:
        """The project that did not open changed on disk (being fixed): open it again, so
        the window shows it, or the error it has now (not the one it had)."""
        path = self.state.project_path
        if path is not None and self._load_task is None and not self.building:
            self.open_project(path, action="reloading the project")

    def resolve_unsaved(self, action: str) -> bool:
        """Ask Save / Discard / Cancel when metadata edits are pending; False means stay."""
        page = self.metadata_page_if_built
        if page is None or not page.has_pending_edits:
            return True
        self.show_page("metadata")
        return page.resolve_pending(action)

    def open_project(
        self,
        path: Path,
        preloaded: Future[ProjectOverview] | None = None,
        *,
        action: str = "opening another project",
    ) -> None:
        """Open ``path`` in the background; the window stays responsive meanwhile.

        ``preloaded`` is a load already started (at app start, before Qt was even imported),
        so that cargo runs while the window is being built. Unsaved metadata edits are
        saved or discarded first, as the user answers (Cancel keeps them and opens nothing).
        """
        if self.building:
            self.statusBar().showMessage("A build is running; cancel it before opening.", 8000)
            return
        if not self.resolve_unsaved(action):
            self.statusBar().showMessage("Kept the unsaved metadata edits; nothing was opened.")
            return
        path = path.expanduser().resolve()
        self.content.setCurrentWidget(self.loading)
        self.navigation.setEnabled(False)
        self.statusBar().showMessage(f"Opening {display_path(path)}…")
        self._load_task = run_task(
            lambda sink, cancel: preloaded.result() if preloaded else _load_overview(path),
            parent=self,
            on_success=lambda overview: self._opened(path, overview),
            on_failure=lambda error, trace: self._open_failed(path, error, trace),
        )

    def wait_for_project(self, timeout_ms: int = 120_000) -> None:
        """Block until the project being opened has loaded (tests, screenshots)."""
        if self._load_task is not None:
            self._load_task.wait(timeout_ms)

    def _opened(self, path: Path, overview: ProjectOverview) -> None:
        self._load_task = None
        self.state.set_project(path, overview)
        add_recent_project(path)
        self.navigation.setEnabled(True)
        self.content.setCurrentWidget(self._workspace)
        if self.navigation.currentRow() < 0:
            self.navigation.setCurrentRow(0)
        self.statusBar().showMessage(f"Opened {display_path(overview.root)}", 8000)
        self._update_actions()
        self.project_loaded.emit(True)

    def _open_failed(self, path: Path, error: BaseException, trace: str) -> None:
        self._load_task = None
        self.state.set_project(path, None)
        self.error_panel.show_error(path, error, trace)
        self.content.setCurrentWidget(self.error_panel)
        self.statusBar().showMessage(f"Could not open {path}", 8000)
        self._update_actions()
        self.project_loaded.emit(False)

    def _show_project(self, overview: ProjectOverview | None) -> None:
        """Header strip and title follow AppState, the same state every page shows (a Save
        that changes the version updates them with the Overview)."""
        if overview is None:
            self.header.setText("")
        else:
            text = f"{overview.name} {overview.version}  ·  {overview.bindings.label}  ·  "
            error = self.state.read_error
            # the files no longer read: the pages show the last good reading, and say so
            self.header.setText(
                f"{text}⚠ {error}" if error else f"{text}{display_path(overview.root)}"
            )
            self.header.set_detail(error or str(overview.root))
        self._update_title()
        self._update_actions()

    def _update_title(self) -> None:
        overview = self.state.overview
        metadata = self.metadata_page_if_built
        pending = bool(metadata and metadata.has_pending_edits)
        name = f"{overview.name} {overview.version} — cratewright" if overview else "cratewright"
        if self.state.watching:
            name = f"{name} (watching: rebuild on save)"
        self.setWindowTitle(f"*{name}" if pending else name)
        item = self.navigation.item([p[0] for p in PAGES].index("metadata"))
        item.setText("Metadata  ●" if pending else "Metadata")
        item.setToolTip("Metadata: unsaved edits" if pending else "")
        font = item.font()
        font.setItalic(pending)
        item.setFont(font)

    def _pending_changed(self, _pending: bool) -> None:
        self._update_title()
        self._update_actions()

    def _show_welcome(self) -> None:
        self.welcome.set_recent(recent_projects())
        self.content.setCurrentWidget(self.welcome)
        self.navigation.setEnabled(False)

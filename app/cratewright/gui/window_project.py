"""The main window's project handling: choose, create, open, reload, and the title that names it.

A part of :class:`~cratewright.gui.main_window.MainWindow` (mixed into it). Opening runs the
core's ``load_overview`` in a worker; unsaved edits are asked about before another project.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSocketNotifier, QTimer

from cratewright.gui.formatting import display_path
from cratewright.gui.page_list import PAGES
from cratewright.gui.settings import add_recent_project, recent_projects

if TYPE_CHECKING:
    from cratewright.core.metadata import FactsProcess, OverviewFacts, ProjectOverview
    from cratewright.gui.new_project_wizard import NewProjectWizard


_LOAD_AFTER_FACTS_MS = 30


def _window_title(project: str | None) -> str:
    """``pyo3-mixed 0.2.0 — cratewright``, or just the app's name with no project."""
    return f"{project} — cratewright" if project else "cratewright"


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
        from PySide6.QtWidgets import QFileDialog  # built on first use, not at start

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
        *,
        action: str = "opening another project",
        facts: FactsProcess | None = None,
    ) -> None:
        """Open ``path`` in the background; the window stays responsive meanwhile.

        ``facts`` is the app's start-up process deriving the Overview's facts for ``path``
        (started before Qt was even imported): the Overview shows them as soon as they
        come, and the project is then loaded as always, after that first frame. Unsaved
        metadata edits are saved or discarded first, as the user answers (Cancel keeps
        them and opens nothing).
        """
        if self.building:
            self.statusBar().showMessage("A build is running; cancel it before opening.", 8000)
            return
        if not self.resolve_unsaved(action):
            self.statusBar().showMessage("Kept the unsaved metadata edits; nothing was opened.")
            return
        path = path.expanduser().resolve()
        self._drop_facts()  # a start-up answer for a project no longer wanted
        self._opening = path
        self.content.setCurrentWidget(self.loading)
        self.navigation.setEnabled(False)
        self.statusBar().showMessage(f"Opening {display_path(path)}…")
        if facts is None:
            self._run_load(path)
            return
        self._facts = facts
        self._facts_notifier = QSocketNotifier(facts.fileno(), QSocketNotifier.Type.Read, self)
        self._facts_notifier.activated.connect(self._facts_arrived)

    def _start_load(self) -> None:
        """The load that waited behind the start-up facts (once)."""
        if self._opening is not None and self._load_task is None:
            self._run_load(self._opening)

    def _run_load(self, path: Path) -> None:
        from cratewright.gui.workers import run_task  # the first frame runs no task

        self._load_task = run_task(
            lambda sink, cancel: _load_overview(path),
            parent=self,
            on_success=lambda overview: self._opened(path, overview),
            on_failure=lambda error, trace: self._open_failed(path, error, trace),
        )

    def _facts_arrived(self) -> None:
        """The start-up process answered (or ended): show its facts, then load as always."""
        facts = self._facts.result() if self._facts is not None else None
        self._drop_facts()
        if facts is None:  # it failed: the load says why
            self._start_load()
            return
        self._show_facts(facts)
        # The load's worker imports the engine for about 50 ms, taking turns on the GIL with
        # the UI thread: started at once, it would slow the first frame down (on X11 the
        # window is exposed and painted a few event-loop turns after it was shown).
        QTimer.singleShot(_LOAD_AFTER_FACTS_MS, self._start_load)

    def _drop_facts(self) -> None:
        if self._facts_notifier is not None:
            self._facts_notifier.setEnabled(False)
            self._facts_notifier.deleteLater()
            self._facts_notifier = None
        if self._facts is not None:
            self._facts.discard()
            self._facts = None

    def _show_facts(self, facts: OverviewFacts) -> None:
        """The Overview of the project being opened, before the engine has loaded it."""
        self._set_header(
            f"{facts['name']} {facts['version']}", facts["bindings_label"], Path(facts["root"])
        )
        self.setWindowTitle(_window_title(f"{facts['name']} {facts['version']}"))
        self.page("overview").show_facts(facts)  # type: ignore[attr-defined]
        if self.navigation.currentRow() < 0:
            self.navigation.setCurrentRow(0)
        self.content.setCurrentWidget(self._workspace)

    def wait_for_overview(self, timeout_ms: int = 120_000) -> None:
        """Block until the Overview shows the project being opened (its start-up facts, or
        the whole load when there are none)."""
        if self._facts is not None:
            self._facts_arrived()
        elif self._load_task is not None:
            self._load_task.wait(timeout_ms)

    def wait_for_project(self, timeout_ms: int = 120_000) -> None:
        """Block until the project being opened has loaded (tests, screenshots)."""
        self.wait_for_overview(timeout_ms)
        self._start_load()  # now, instead of after the first frame
        if self._load_task is not None:
            self._load_task.wait(timeout_ms)

    def _opened(self, path: Path, overview: ProjectOverview) -> None:
        self._load_task = None
        self._opening = None
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
        self._opening = None
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
            # the files no longer read: the pages show the last good reading, and say so
            self._set_header(
                f"{overview.name} {overview.version}",
                overview.bindings.label,
                overview.root,
                self.state.read_error,
            )
        self._update_title()
        self._update_actions()

    def _set_header(self, name: str, bindings: str, root: Path, error: str | None = None) -> None:
        text = f"{name}  ·  {bindings}  ·  "
        self.header.setText(f"{text}⚠ {error}" if error else f"{text}{display_path(root)}")
        self.header.set_detail(error or str(root))

    def _update_title(self) -> None:
        overview = self.state.overview
        metadata = self.metadata_page_if_built
        pending = bool(metadata and metadata.has_pending_edits)
        name = _window_title(f"{overview.name} {overview.version}" if overview else None)
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

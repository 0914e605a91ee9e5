"""The main window: navigation, one page per job, opening projects, menus and shortcuts.

Opening a project runs ``load_overview`` (which asks cargo) in a worker; until it answers the
window shows a loading line, and if it fails the error panel explains why. Pages are built
once and refreshed through :class:`~cratewright.gui.state.AppState`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QIcon,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from cratewright import __version__
from cratewright.gui.elided_label import ElidedLabel
from cratewright.gui.page import Page, RunningJob
from cratewright.gui.project_panels import ErrorPanel, WelcomePanel
from cratewright.gui.resources import resource_path
from cratewright.gui.settings import add_recent_project, app_settings, recent_projects
from cratewright.gui.state import AppState
from cratewright.gui.unsaved import ask_stop_jobs
from cratewright.gui.workers import Task, run_task

if TYPE_CHECKING:
    from cratewright.core.metadata.overview import ProjectOverview
    from cratewright.gui.new_project_wizard import NewProjectWizard
    from cratewright.gui.pages.build_page import BuildPage
    from cratewright.gui.pages.metadata_page import MetadataPage

__all__ = ["MainWindow", "project_path_from_drop"]

# (page_id, title, module, class). Pages are imported and built when first shown, so the
# window appears without paying for every page's engine imports up front.
_PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "Overview", "overview_page", "OverviewPage"),
    ("metadata", "Metadata", "metadata_page", "MetadataPage"),
    ("interpreters", "Interpreters & Targets", "interpreters_page", "InterpretersPage"),
    ("build", "Build", "build_page", "BuildPage"),
    ("audit", "Audit", "audit_page", "AuditPage"),
    ("publish", "Publish", "publish_page", "PublishPage"),
    ("release", "Release", "release_page", "ReleasePage"),
)
_PAGE_ICONS = {
    "overview": QStyle.StandardPixmap.SP_FileDialogInfoView,
    "metadata": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "interpreters": QStyle.StandardPixmap.SP_ComputerIcon,
    "build": QStyle.StandardPixmap.SP_MediaPlay,
    "audit": QStyle.StandardPixmap.SP_DialogApplyButton,
    "publish": QStyle.StandardPixmap.SP_ArrowUp,
    "release": QStyle.StandardPixmap.SP_DriveNetIcon,
}
_NOTIFY_AFTER_SECONDS = 10.0
_WIDE_EXTRA, _NARROW_BELOW = 24, 1200  # the sidebar narrows to its content below 1200 px


def _load_overview(path: Path) -> ProjectOverview:
    # imported here, in the worker: the window is shown before the engine is imported
    from cratewright.core.metadata.overview import load_overview

    return load_overview(path)


def project_path_from_drop(paths: list[Path]) -> Path | None:
    """The project a drop means: a folder, or a Cargo.toml / pyproject.toml file."""
    for path in paths:
        if path.is_dir() or path.name in ("Cargo.toml", "pyproject.toml"):
            return path
    return None


class MainWindow(QMainWindow):
    """cratewright's window. Signal ``project_loaded(bool ok)`` after each open attempt."""

    project_loaded = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("cratewright")
        self.setWindowIcon(QIcon(str(resource_path("icons/cratewright.svg"))))
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(900, 600))
        self.state = AppState(self)
        self._load_task: Task | None = None
        self._tray: QSystemTrayIcon | None = None
        #: Asked before closing stops running jobs (their descriptions); tests replace it.
        self.confirm_stop_jobs: Callable[[Sequence[str]], bool] = lambda jobs: ask_stop_jobs(
            self, jobs
        )

        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self._sidebar_width = self._fitting_sidebar_width()
        self.navigation.setFixedWidth(self._sidebar_width)
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setTextElideMode(Qt.TextElideMode.ElideRight)
        # reachable with Tab (and Ctrl+L): arrows then move between pages
        self.navigation.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.navigation.setAccessibleName("Pages")
        self.page_stack = QStackedWidget(self)
        self._pages: dict[str, Page] = {}
        for page_id, title, _module, _class in _PAGES:
            item = QListWidgetItem(title, self.navigation)
            item.setData(Qt.ItemDataRole.UserRole, page_id)
            item.setIcon(self.style().standardIcon(_PAGE_ICONS[page_id]))
        self.navigation.currentRowChanged.connect(self._show_row)

        self.header = ElidedLabel("", self)
        self.header.setObjectName("project-header")
        header_font = QFont(self.header.font())
        header_font.setBold(True)
        self.header.setFont(header_font)
        reload_button = QPushButton("Reload", self)
        reload_button.setToolTip("Read the project's files again (F5)")
        reload_button.clicked.connect(self.reload_project)
        header_row = QHBoxLayout()
        header_row.setContentsMargins(16, 8, 16, 0)
        header_row.addWidget(self.header, 1)
        header_row.addWidget(reload_button)
        workspace = QWidget(self)
        workspace_layout = QVBoxLayout(workspace)
        workspace_layout.setContentsMargins(0, 0, 0, 0)
        workspace_layout.addLayout(header_row)
        workspace_layout.addWidget(self.page_stack, 1)

        self.welcome = WelcomePanel(self)
        self.welcome.open_dialog.connect(self.choose_project)
        self.welcome.open_path.connect(self.open_project)
        self.welcome.new_project.connect(self.new_project)
        self.new_project_wizard: NewProjectWizard | None = None
        self.loading = QLabel("Opening the project: asking cargo for its metadata…", self)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_panel = ErrorPanel(self)
        self.error_panel.retry.connect(self.reload_project)
        self.error_panel.open_other.connect(self.choose_project)
        self.content = QStackedWidget(self)
        for widget in (self.welcome, self.loading, self.error_panel, workspace):
            self.content.addWidget(widget)
        self._workspace = workspace

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.content, 1)
        self.setCentralWidget(central)

        self.state.navigate.connect(self.show_page)
        self.state.project_changed.connect(self._show_project)
        self.state.status.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._create_actions()
        self._show_welcome()
        self._restore_geometry()

    # -- menus and shortcuts ----------------------------------------------------------------

    def _create_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = QAction("&New Project…", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_project)
        file_menu.addAction(self.new_action)
        self.open_action = QAction("&Open Project…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_project)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.reload_action = QAction("&Reload Project", self)
        self.reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.reload_project)
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(lambda: self._metadata_do("undo"))
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        )
        self.redo_action.triggered.connect(lambda: self._metadata_do("redo"))
        self.save_action = QAction("&Save Metadata…", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(lambda: self._metadata_do("save"))
        for action in (self.undo_action, self.redo_action, self.save_action):
            edit_menu.addAction(action)

        build_menu = self.menuBar().addMenu("&Build")
        self.build_action = QAction("&Build Wheels", self)
        self.build_action.setShortcut(QKeySequence("Ctrl+B"))
        self.build_action.triggered.connect(self._build_from_menu)
        self.cancel_action = QAction("&Cancel Build", self)
        self.cancel_action.setShortcut(QKeySequence("Ctrl+."))
        self.cancel_action.triggered.connect(self._cancel_build)
        self.sdist_action = QAction("Build &Sdist and a Wheel From It", self)
        self.sdist_action.triggered.connect(lambda: self._sdist_panel_do("verify"))
        self.develop_action = QAction("&Develop into an Environment", self)
        self.develop_action.triggered.connect(lambda: self._sdist_panel_do("develop"))
        self.publish_action = QAction("&Publish…", self)
        self.publish_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.publish_action.triggered.connect(self._publish_from_menu)
        build_menu.addAction(self.build_action)
        build_menu.addAction(self.cancel_action)
        build_menu.addSeparator()
        build_menu.addAction(self.sdist_action)
        build_menu.addAction(self.develop_action)
        build_menu.addSeparator()
        build_menu.addAction(self.publish_action)

        go_menu = self.menuBar().addMenu("&Go")
        self.go_actions: list[QAction] = []
        for index, (page_id, title, _module, _class) in enumerate(_PAGES):
            action = QAction(title.replace("&", "&&"), self)  # a lone & would be a mnemonic
            action.setShortcut(QKeySequence(f"Alt+{index + 1}"))
            action.triggered.connect(lambda _=False, pid=page_id: self.show_page(pid))
            go_menu.addAction(action)
            self.go_actions.append(action)
        go_menu.addSeparator()
        self.focus_navigation_action = QAction("Page &List", self)
        self.focus_navigation_action.setShortcut(QKeySequence("Ctrl+L"))
        self.focus_navigation_action.triggered.connect(self.focus_navigation)
        go_menu.addAction(self.focus_navigation_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.documentation_action = QAction("&Documentation", self)
        self.documentation_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.documentation_action.triggered.connect(self.show_documentation)
        help_menu.addAction(self.documentation_action)
        about = QAction("&About cratewright", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self._update_actions()

    def focus_navigation(self) -> None:
        """Put the keyboard focus on the page list (arrows then switch pages)."""
        if self.navigation.isEnabled():
            self.navigation.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_documentation(self) -> None:
        """Help ▸ Documentation: cratewright's README, rendered, inside the app."""
        from cratewright.gui.documentation import DocumentationDialog

        self.documentation = DocumentationDialog(self)
        self.documentation.open()

    def _metadata_do(self, what: str) -> None:
        page = self.metadata_page_if_built
        if page is None:
            return
        if what == "undo":
            page.undo_stack.undo()
        elif what == "redo":
            page.undo_stack.redo()
        else:
            self.show_page("metadata")
            page.save()

    def _sdist_panel_do(self, what: str) -> None:
        self.show_page("build")
        panel = self.build_page.sdist_panel
        if panel is None:
            return
        self.build_page.tabs.setCurrentWidget(panel)
        if what == "verify":
            panel.start_verify()
        else:
            panel.start_develop()

    def _publish_from_menu(self) -> None:
        self.show_page("publish")
        self.page("publish").publish()  # type: ignore[attr-defined]

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent_projects()
        for path in paths:
            action = self.recent_menu.addAction(f"{path.name}  ({path})")
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _update_actions(self) -> None:
        has_project = self.state.overview is not None
        building = self.building
        self.build_action.setEnabled(has_project and not building)
        self.cancel_action.setEnabled(building)
        self.reload_action.setEnabled(self.state.project_path is not None and not building)
        for action in (self.sdist_action, self.develop_action, self.publish_action):
            action.setEnabled(has_project and not building)
        metadata = self.metadata_page_if_built
        self.undo_action.setEnabled(bool(metadata and metadata.undo_stack.canUndo()))
        self.redo_action.setEnabled(bool(metadata and metadata.undo_stack.canRedo()))
        self.save_action.setEnabled(bool(metadata and metadata.has_pending_edits))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About cratewright",
            f"cratewright {__version__}\n\nBuild Rust crates into Python wheels, audit them for "
            "manylinux and publish them. Reads maturin projects unchanged.",
        )

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
        self.statusBar().showMessage(f"Opening {path}…")
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
        self.statusBar().showMessage(f"Opened {overview.root}", 8000)
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
            self.header.setText(
                f"{overview.name} {overview.version}  ·  {overview.bindings.label}  ·  "
                f"{overview.root}"
            )
        self._update_title()
        self._update_actions()

    def _update_title(self) -> None:
        overview = self.state.overview
        metadata = self.metadata_page_if_built
        pending = bool(metadata and metadata.has_pending_edits)
        name = f"{overview.name} {overview.version} — cratewright" if overview else "cratewright"
        self.setWindowTitle(f"*{name}" if pending else name)
        item = self.navigation.item([p[0] for p in _PAGES].index("metadata"))
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

    # -- navigation -------------------------------------------------------------------------

    def page(self, page_id: str) -> Page:
        """The page with this id, imported and built on first use."""
        page = self._pages.get(page_id)
        if page is not None:
            return page
        _pid, _title, module_name, class_name = next(p for p in _PAGES if p[0] == page_id)
        module = importlib.import_module(f"cratewright.gui.pages.{module_name}")
        page = getattr(module, class_name)(self.state, self.page_stack)
        self._pages[page_id] = page
        self.page_stack.addWidget(page)
        if page_id == "build":
            page.build_started.connect(self._update_actions)
            page.build_finished.connect(self._build_finished)
        if page_id == "metadata":
            page.pending_changed.connect(self._pending_changed)
            page.history_changed.connect(self._update_actions)
        if self.state.overview is not None:
            page.project_changed(self.state.overview)
        return page

    @property
    def pages(self) -> dict[str, Page]:
        """Every page by id, in navigation order (builds the ones not shown yet)."""
        return {page_id: self.page(page_id) for page_id, *_rest in _PAGES}

    @property
    def metadata_page_if_built(self) -> MetadataPage | None:
        """The Metadata page when it exists (edits can only be pending there)."""
        return self._pages.get("metadata")  # type: ignore[return-value]

    @property
    def build_page(self) -> BuildPage:
        """The Build page (built on first use)."""
        return self.page("build")  # type: ignore[return-value]

    @property
    def building(self) -> bool:
        """Whether a build runs (without building the Build page just to ask)."""
        page = self._pages.get("build")
        return bool(page is not None and page.building)  # type: ignore[attr-defined]

    def show_page(self, page_id: str) -> None:
        """Switch to the page with this id (no-op while no project is open)."""
        ids = [p[0] for p in _PAGES]
        if page_id in ids and self.state.overview is not None:
            self.navigation.setCurrentRow(ids.index(page_id))

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(_PAGES):
            self.page_stack.setCurrentWidget(self.page(_PAGES[row][0]))

    def current_page(self) -> Page:
        """The page shown on the right."""
        return self.page_stack.currentWidget()  # type: ignore[return-value]

    def _cancel_build(self) -> None:
        if self.building:
            self.build_page.cancel_build()

    def _build_from_menu(self) -> None:
        self.show_page("build")
        self.build_page.start_build()

    # -- drag and drop ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if project_path_from_drop(paths) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        target = project_path_from_drop(paths)
        if target is not None:
            event.acceptProposedAction()
            self.open_project(target)

    # -- build notifications ----------------------------------------------------------------

    def _build_finished(self, ok: bool, summary: str, seconds: float) -> None:
        self._update_actions()
        if self.isActiveWindow() or seconds < _NOTIFY_AFTER_SECONDS:
            return
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(self.windowIcon(), self)
                self._tray.show()
            icon = (
                QSystemTrayIcon.MessageIcon.Information
                if ok
                else QSystemTrayIcon.MessageIcon.Warning
            )
            self._tray.showMessage("cratewright build finished", summary, icon)
        QApplication.alert(self)

    # -- window state -----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = app_settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def running_jobs(self) -> list[RunningJob]:
        """Builds, uploads, repairs... that closing the window would stop."""
        return [job for page in self._pages.values() for job in page.running_jobs()]

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The sidebar narrows on a small screen so the pages keep their width."""
        super().resizeEvent(event)
        narrow = event.size().width() < _NARROW_BELOW
        extra = 0 if narrow else _WIDE_EXTRA
        self.navigation.setFixedWidth(self._sidebar_width + extra)

    def _fitting_sidebar_width(self) -> int:
        """Wide enough for the longest page title, icon and padding (nothing elided)."""
        self.navigation.ensurePolished()  # the style sheet's font size, not the default one
        metrics = self.navigation.fontMetrics()
        longest = max(metrics.horizontalAdvance(title + "  ●") for _p, title, *_r in _PAGES)
        return longest + self.navigation.iconSize().width() + 56

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask before losing edits or stopping jobs; then stop them and remember geometry."""
        if not self.resolve_unsaved("closing the window"):
            event.ignore()
            return
        jobs = self.running_jobs()
        if jobs and not self.confirm_stop_jobs([job.describe() for job in jobs]):
            event.ignore()
            return
        if self._load_task is not None:
            self._load_task.wait(30_000)
        for page in list(self._pages.values()):
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                shutdown()
        app_settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)

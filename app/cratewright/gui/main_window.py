"""The main window: navigation, one page per job, opening projects, menus and shortcuts.

Opening a project runs ``load_overview`` (which asks cargo) in a worker; until it answers the
window shows a loading line, and if it fails the error panel explains why. Pages are built
once and refreshed through :class:`~cratewright.gui.state.AppState`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Signal
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cratewright.gui.elided_label import ElidedLabel
from cratewright.gui.page import Page, RunningJob
from cratewright.gui.page_list import PAGES
from cratewright.gui.qt_properties import ALIGN_CENTER, align, no_horizontal_scroll_bar
from cratewright.gui.resources import resource_path
from cratewright.gui.settings import app_settings, recent_projects
from cratewright.gui.state import AppState
from cratewright.gui.window_menus import WindowMenus
from cratewright.gui.window_project import WindowProject

if TYPE_CHECKING:
    # only annotations: each PySide6 class is built on first use (see gui/qt_properties.py)
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtGui import (
        QCloseEvent,
        QDragEnterEvent,
        QDropEvent,
        QResizeEvent,
        QShowEvent,
    )
    from PySide6.QtWidgets import QSystemTrayIcon

    from cratewright.core.metadata import FactsProcess
    from cratewright.gui.new_project_wizard import NewProjectWizard
    from cratewright.gui.pages.build_page import BuildPage
    from cratewright.gui.pages.metadata_page import MetadataPage
    from cratewright.gui.project_panels import ErrorPanel, WelcomePanel
    from cratewright.gui.workers import Task

__all__ = ["MainWindow", "project_path_from_drop"]

_NOTIFY_AFTER_SECONDS = 10.0
_WIDE_EXTRA, _NARROW_BELOW = 24, 1200  # the sidebar narrows to its content below 1200 px


def project_path_from_drop(paths: list[Path]) -> Path | None:
    """The project a drop means: a folder, or a Cargo.toml / pyproject.toml file."""
    for path in paths:
        if path.is_dir() or path.name in ("Cargo.toml", "pyproject.toml"):
            return path
    return None


class MainWindow(WindowMenus, WindowProject, QMainWindow):
    """cratewright's window. Signal ``project_loaded(bool ok)`` after each open attempt."""

    project_loaded = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("cratewright")
        # the window's icon is the application's (create_application sets it)
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(900, 600))
        self.state = AppState(self)
        self.state.watching_changed.connect(lambda _watching: self._update_title())
        self._load_task: Task | None = None
        self._opening: Path | None = None  # the project being opened, until it loads
        self._facts: FactsProcess | None = None  # its start-up facts, until they come
        self._facts_notifier: QSocketNotifier | None = None
        self._tray: QSystemTrayIcon | None = None
        #: Asked before closing stops running jobs (their descriptions); tests replace it.
        self.confirm_stop_jobs: Callable[[Sequence[str]], bool] = self._ask_stop_jobs

        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        # its own sheet, not the app's: an app-wide sheet is matched against every widget
        self.navigation.setStyleSheet(resource_path("navigation.qss").read_text(encoding="utf-8"))
        self._sidebar_width = self._fitting_sidebar_width()
        self.navigation.setFixedWidth(self._sidebar_width)
        self.navigation.setIconSize(QSize(20, 20))
        no_horizontal_scroll_bar(self.navigation)
        # An item view elides on the right and takes focus with Tab (and Ctrl+L) by
        # default: arrows then move between pages.
        self.navigation.setAccessibleName("Pages")
        self.page_stack = QStackedWidget(self)
        self._pages: dict[str, Page] = {}
        for page_id, title, _module, _class in PAGES:
            item = QListWidgetItem(title, self.navigation)  # row i is PAGES[i]
            # our own icons: the style's standard ones need PySide6 to build ``QStyle``
            # and its enums first, 8 ms of the start (see gui/qt_properties.py)
            item.setIcon(QIcon(str(resource_path(f"icons/pages/{page_id}.svg"))))
        self.navigation.currentRowChanged.connect(self._show_row)

        self.header = ElidedLabel("", self)
        self.header.setObjectName("project-header")
        header_font = QFont(self.header.font())
        header_font.setBold(True)
        header_font.setPointSizeF(11)
        self.header.setFont(header_font)
        self.header.setContentsMargins(0, 2, 0, 2)
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

        self._welcome: WelcomePanel | None = None  # built when no project is opened
        self.new_project_wizard: NewProjectWizard | None = None
        self.loading = QLabel("Opening the project: asking cargo for its metadata…", self)
        align(self.loading, ALIGN_CENTER)
        self._error_panel: ErrorPanel | None = None  # built when a project fails to open
        self.content = QStackedWidget(self)
        for widget in (self.loading, workspace):
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
        self.state.project_updated.connect(self._show_project)
        self.state.read_error_changed.connect(lambda: self._show_project(self.state.overview))
        self.state.reopen_wanted.connect(self._reopen_after_fix)
        self.state.status.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._create_actions()
        self._restore_geometry()

    @property
    def welcome(self) -> WelcomePanel:
        """What the window offers while no project is open (built on first use: a start
        with a project never needs it)."""
        if self._welcome is None:
            from cratewright.gui.project_panels import WelcomePanel

            self._welcome = WelcomePanel(self)
            self._welcome.open_dialog.connect(self.choose_project)
            self._welcome.open_path.connect(self.open_project)
            self._welcome.new_project.connect(self.new_project)
            self._welcome.set_recent(recent_projects())
            self.content.addWidget(self._welcome)
        return self._welcome

    @property
    def error_panel(self) -> ErrorPanel:
        """Why the project could not be opened (built on first use: opening one that works
        never needs it)."""
        if self._error_panel is None:
            from cratewright.gui.project_panels import ErrorPanel

            self._error_panel = ErrorPanel(self)
            self._error_panel.retry.connect(self.reload_project)
            self._error_panel.open_other.connect(self.choose_project)
            self.content.addWidget(self._error_panel)
        return self._error_panel

    # -- navigation -------------------------------------------------------------------------

    def page(self, page_id: str) -> Page:
        """The page with this id, imported and built on first use."""
        page = self._pages.get(page_id)
        if page is not None:
            return page
        _pid, _title, module_name, class_name = next(p for p in PAGES if p[0] == page_id)
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
        return {page_id: self.page(page_id) for page_id, *_rest in PAGES}

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
        ids = [p[0] for p in PAGES]
        if page_id in ids and self.state.overview is not None:
            self.navigation.setCurrentRow(ids.index(page_id))

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.page_stack.setCurrentWidget(self.page(PAGES[row][0]))

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
        from PySide6.QtWidgets import QSystemTrayIcon  # a build's end, not the start

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

    def showEvent(self, event: QShowEvent) -> None:
        """The welcome panel when the window appears with nothing open or being opened."""
        super().showEvent(event)
        if self._opening is None and self.state.project_path is None:
            self._show_welcome()

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
        longest = max(metrics.horizontalAdvance(title + "  ●") for _p, title, *_r in PAGES)
        return longest + self.navigation.iconSize().width() + 56

    def _ask_stop_jobs(self, jobs: Sequence[str]) -> bool:
        from cratewright.gui.unsaved import ask_stop_jobs  # a dialog: not needed to start

        return ask_stop_jobs(self, jobs)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask before losing edits or stopping jobs; then stop them and remember geometry."""
        if not self.resolve_unsaved("closing the window"):
            event.ignore()
            return
        jobs = self.running_jobs()
        if jobs and not self.confirm_stop_jobs([job.describe() for job in jobs]):
            event.ignore()
            return
        self._drop_facts()
        if self._load_task is not None:
            self._load_task.wait(30_000)
        self.state.stop_following()  # no new reading of the files, the last one delivered
        for page in list(self._pages.values()):
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                shutdown()
        app_settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
